import ArcadenceCore
import Foundation
import GRDB

/// What an import did: rows per file and the time it took.
public struct ImportSummary: Sendable, CustomStringConvertible {
  /// Rows read and written per entity, in dependency order (only files that were present).
  public var rows: [(entity: Entity, count: Int)]
  /// Wall time in seconds.
  public var seconds: Double
  /// CSV files in the folder that are not part of the data contract (not read).
  public var skippedFiles: [String]
  /// Whether the import built the ledger cache from the rows it wrote (an import into an
  /// empty store, ``LedgerCollector``) rather than by reading its tables back afterwards.
  var cacheFromRows = false

  /// `imported 12 reps, 1,500 customers, … in 1.42 s`.
  public var description: String {
    let parts = rows.map { "\(Cents.grouped(UInt64($0.count))) \($0.entity.rawValue)" }
    return "imported " + parts.joined(separator: ", ")
      + " in \(String(format: "%.2f", seconds)) s"
  }
}

/// How far an import has got, for a progress bar.
public struct ImportProgress: Sendable {
  /// The file being read.
  public var entity: Entity
  /// Bytes of that file consumed so far.
  public var bytesRead: Int64
  /// The file's size.
  public var totalBytes: Int64
  /// Rows of that file processed so far.
  public var rows: Int
}

/// Loads a folder of CSV files into the store, all or nothing (spec: data.md, "Import").
///
/// Files are read in dependency order inside one transaction. Each row is parsed and
/// validated, its references are looked up in the store (which already holds the earlier
/// files of this import), and it is upserted by id. Every problem is collected, up to
/// `errorLimit`; if there is any, the transaction is rolled back and nothing is written.
/// Memory is bounded by a few batches of records, whatever the size of the files: one
/// thread reads and parses while another writes, and duplicate ids are found by SQLite
/// (the primary key, or a temporary table), not an in-memory set.
public struct Importer: Sendable {
  /// Accept (and ignore) columns the data contract does not name.
  public var ignoreExtraColumns = false
  /// How many problems to collect before stopping.
  public var errorLimit = 50
  /// The longest field read, in bytes; a longer one stops the import with
  /// `FILE:LINE: column NAME: field longer than N bytes`, so memory stays bounded.
  public var maxFieldBytes = CSVReader.defaultMaxFieldBytes
  /// The most the amounts of one money table may total after the import (tests lower it).
  var tableTotalLimit = Cents.maximumTableTotal

  /// An importer with default options.
  public init(
    ignoreExtraColumns: Bool = false, errorLimit: Int = 50,
    maxFieldBytes: Int = CSVReader.defaultMaxFieldBytes
  ) {
    self.ignoreExtraColumns = ignoreExtraColumns
    self.errorLimit = max(1, errorLimit)
    self.maxFieldBytes = max(1, maxFieldBytes)
  }

  /// Imports every contract file that `directory` holds.
  ///
  /// - Throws: ``ArcadenceError`` with code `.invalidData` and one detail line per problem
  ///   (`FILE:LINE: column NAME: reason (value "…")`) when anything is wrong; the store is
  ///   then unchanged.
  public func run(
    directory: String, into store: Store,
    progress: (@Sendable (ImportProgress) -> Void)? = nil
  ) throws -> ImportSummary {
    let started = Date()
    let fm = FileManager.default
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
      throw ArcadenceError(.io, "\(directory) is not a folder")
    }
    let names = (try? fm.contentsOfDirectory(atPath: directory)) ?? []
    let present = Entity.allCases.filter { names.contains($0.fileName) }
    let skipped = names.filter { $0.lowercased().hasSuffix(".csv") && Entity(fileName: $0) == nil }
      .sorted()
    guard !present.isEmpty else {
      throw ArcadenceError(
        .invalidData,
        "\(directory) holds none of the files "
          + Entity.allCases.map(\.fileName).joined(separator: ", "))
    }
    let sources: [any RecordSource] = try present.map {
      try ContractFile(
        entity: $0, path: (directory as NSString).appendingPathComponent($0.fileName),
        maxFieldBytes: maxFieldBytes)
    }
    var summary = try run(sources: sources, into: store, progress: progress)
    summary.skippedFiles = skipped
    summary.seconds = Date().timeIntervalSince(started)
    return summary
  }

  /// Imports records from `sources`, which must come in dependency order (parents first),
  /// all or nothing.
  public func run(
    sources: [any RecordSource], into store: Store,
    progress: (@Sendable (ImportProgress) -> Void)? = nil
  ) throws -> ImportSummary {
    let started = Date()
    let limit = errorLimit
    let ignoreExtra = ignoreExtraColumns
    let totalLimit = tableTotalLimit
    let rows: [(Entity, Int)]
    var cached = false
    do {
      // Every reference is checked row by row below (with a message a person can act on),
      // and an import never deletes, so SQLite's own foreign-key enforcement would only
      // repeat those look-ups: it is switched off for the import's transaction and back on
      // afterwards. (The pragma cannot change inside a transaction.)
      rows = try store.pool.writeWithoutTransaction { db -> [(Entity, Int)] in
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
        var result: [(Entity, Int)] = []
        try db.inTransaction {
          result = try importAll(db)
          return .commit
        }
        return result
      }
    } catch let error as DatabaseError {
      throw Importer.failure(error, store: store)
    }
    // Otherwise the first report after the import would read every table to build the
    // ledger cache (issue 20); best effort: a report builds it when this could not. An import
    // into an empty store has built it already (``LedgerCollector``).
    if !cached { _ = try? store.refreshLedgerCache() }
    return ImportSummary(
      rows: rows.map { (entity: $0.0, count: $0.1) },
      seconds: Date().timeIntervalSince(started), skippedFiles: [], cacheFromRows: cached)

    func importAll(_ db: Database) throws -> [(Entity, Int)] {
      var run = ImportRun(db: db, limit: limit, ignoreExtra: ignoreExtra, progress: progress)
      try db.execute(
        sql: """
          CREATE TEMP TABLE IF NOT EXISTS import_seen (id TEXT PRIMARY KEY, line INTEGER)
          WITHOUT ROWID
          """)
      defer { try? db.execute(sql: "DROP TABLE IF EXISTS temp.import_seen") }
      try Store.suspendLedgerTriggers(db)
      let collector = try LedgerCollector.start(db, sources: sources)
      var counts: [(Entity, Int)] = []
      for source in sources where !run.full {
        counts.append((source.entity, try run.importSource(source, collector: collector)))
      }
      try Store.resumeLedgerTriggers(db)
      if !run.issues.isEmpty {
        throw run.failure()
      }
      try run.checkTotals(limit: totalLimit)
      cached = try collector?.complete(db) ?? false
      return counts
    }
  }
}

extension Importer {
  /// The error an import reports when SQLite fails (the transaction is then rolled back).
  ///
  /// A full disk (or a store at its size limit) says so and names the store; a damaged
  /// store is named as such (``Store/failure(_:path:doing:)``); anything else quotes SQLite.
  /// Either way nothing was imported.
  static func failure(_ error: DatabaseError, store: Store) -> ArcadenceError {
    switch error.resultCode.primaryResultCode {
    case .SQLITE_CORRUPT, .SQLITE_NOTADB:
      return Store.failure(error, path: store.path, doing: "")
    default: break
    }
    var failure: ArcadenceError
    if error.resultCode == .SQLITE_FULL {
      failure = ArcadenceError(
        .database,
        "cannot import: the store \(store.path) is full (no space left on its disk, or its size "
          + "limit reached); nothing was imported")
    } else {
      failure = ArcadenceError(
        .database,
        "the store \(store.path) refused the import: \(error.message ?? "\(error)"); nothing "
          + "was imported")
    }
    failure.cause = error
    return failure
  }

  /// Whether a failed write is a row the store refuses (a constraint), which the import
  /// reports against the row and goes on; any other error (a full disk, an I/O error) may
  /// have rolled the transaction back, so the import must stop.
  static func isRowRefusal(_ error: DatabaseError) -> Bool {
    error.resultCode == .SQLITE_CONSTRAINT
  }
}

/// The state of one import inside its transaction.
struct ImportRun {
  let db: Database
  let limit: Int
  let ignoreExtra: Bool
  let progress: (@Sendable (ImportProgress) -> Void)?
  var issues: [InputIssue] = []
  var existsStatements: [Entity: FastStatement] = [:]
  /// Ids of rows rejected in this import (at most `limit`), to explain follow-on errors.
  var rejected: Set<ExactText> = []

  init(
    db: Database, limit: Int, ignoreExtra: Bool,
    progress: (@Sendable (ImportProgress) -> Void)?
  ) {
    self.db = db
    self.limit = limit
    self.ignoreExtra = ignoreExtra
    self.progress = progress
  }

  var full: Bool { issues.count >= limit }

  /// Problems already reported: two targets mapped from the same source row would
  /// otherwise report the same bad value twice.
  var reported: Set<InputIssue> = []

  mutating func add(_ new: [InputIssue]) {
    for issue in new where !full && reported.insert(issue).inserted { issues.append(issue) }
  }

  /// A row the store refused (a CHECK or NOT NULL the row rules did not catch).
  mutating func refused(line: Int, _ error: DatabaseError, _ target: ImportTarget) {
    add([
      InputIssue(
        file: target.file, line: line, column: nil,
        message: "rejected by the store: \(error.message ?? "\(error)")", value: nil)
    ])
  }

  func failure() -> ArcadenceError {
    var details = issues.map(\.description)
    if full { details.append("(stopped after \(limit) problems; --max-errors N shows more)") }
    return ArcadenceError(
      .invalidData,
      "import failed: nothing was written (\(issues.count)\(full ? "+" : "") problem"
        + (issues.count == 1 ? "" : "s") + ")", details: details)
  }

  /// Ids known to exist, per referenced entity (reps and customers): those written by this
  /// import and those found in the store, so that most reference checks never reach SQLite
  /// (a look-up there costs about as much as writing the row).
  var known: [Entity: Set<ExactText>] = [:]
  /// The customer of each invoice written by this import: the known invoices, and what the
  /// check that a payment's invoice belongs to the payment's customer needs.
  var owners: [ExactText: String] = [:]
  /// Each cache stops growing at this many ids (later ones are looked up in SQLite), which
  /// bounds its memory whatever the size of the import: about 64 MB for `owners` (2^21
  /// buckets of two strings) and 32 MB for a set.
  static let knownLimit = 1_500_000

  mutating func remember(_ entity: Entity, _ id: String) {
    if known[entity, default: []].count < ImportRun.knownLimit {
      known[entity, default: []].insert(ExactText(id))
    }
  }

  mutating func exists(_ entity: Entity, _ id: String) throws -> Bool {
    let key = ExactText(id)
    if entity == .invoices ? owners[key] != nil : known[entity]?.contains(key) == true {
      return true
    }
    let stmt: FastStatement
    if let s = existsStatements[entity] {
      stmt = s
    } else {
      stmt = try FastStatement(
        db, sql: "SELECT 1 FROM \(entity.table) WHERE \(entity.idColumn) = ?")
      existsStatements[entity] = stmt
    }
    try stmt.bind([.text(id)])
    let found = try stmt.step()
    stmt.reset()
    if found && entity != .invoices { remember(entity, id) }
    return found
  }

  /// Entities already written by an earlier source of this import.
  var touched: Set<Entity> = []
  /// Rows read per entity whose table was empty when this import started; an entity that
  /// already had rows is absent.
  var rowsIntoEmpty: [Entity: Int] = [:]

  /// Fails the import when the amounts of a money table would total more than `limit`
  /// (spec: ``Cents/maximumTableTotal``), so that no report's sum can overflow.
  ///
  /// A table that was empty and received too few rows to reach the limit at
  /// ``Cents/maximumAmount`` each is not read; otherwise SQLite's `total()` (floating point,
  /// which cannot overflow) sums the column: one pass over the table.
  func checkTotals(limit: Int64) throws {
    for entity in Entity.allCases where touched.contains(entity) {
      for column in entity.columns where column.kind == .money {
        if let rows = rowsIntoEmpty[entity], rows <= limit / Cents.maximumAmount { continue }
        let total =
          try Double.fetchOne(db, sql: "SELECT total(\(column.name)) FROM \(entity.table)") ?? 0
        guard total > Double(limit) else { continue }
        throw ArcadenceError(
          .invalidData,
          "import failed: nothing was written: the amounts in \(entity.table) would total more "
            + "than \(Cents.display(limit, symbol: "")) (the most a store holds per table)")
      }
    }
  }

  /// Imports one source; returns the number of records read. With a `collector`, the rows
  /// are also collected for the ledger cache (``LedgerCollector``).
  ///
  /// The source is read and parsed on a second thread while this one checks references
  /// and writes, so the two cores share the work. At most a few batches wait between
  /// them, so memory stays bounded whatever the file's size.
  ///
  /// A table that is empty when its first source starts (a new store, the common case) is
  /// written by a ``FreshTableWriter``, any other by an ``UpsertWriter``; references are
  /// checked by a ``ReferenceChecker`` either way.
  mutating func importSource(_ source: any RecordSource, collector: LedgerCollector?) throws
    -> Int
  {
    let entity = source.entity
    let file = source.fileName
    guard !source.header.isEmpty else {
      add([
        InputIssue(
          file: file, line: 1, column: nil, message: "file is empty (no header row)",
          value: nil)
      ])
      return 0
    }
    let parser = RecordParser(
      entity: entity, fileName: file, header: source.header, ignoreExtraColumns: ignoreExtra)
    let names = entity.columns.map(\.name)
    let target = ImportTarget(
      entity: entity, file: file,
      described: Dictionary(uniqueKeysWithValues: names.map { ($0, source.describe(column: $0)) }))
    add(parser.headerIssues.map { Self.locate($0, file: file, target.described) })
    if parser.missingRequired { return 0 }

    let empty = try Int.fetchOne(db, sql: "SELECT 1 FROM \(entity.table) LIMIT 1") == nil
    let fresh = !source.keepsExisting && !touched.contains(entity) && empty
    if !touched.contains(entity), empty { rowsIntoEmpty[entity] = 0 }
    touched.insert(entity)
    var count = 0
    if fresh {
      var writer = try FreshTableWriter(db: db, target: target)
      let part = issues.isEmpty ? collector?.part(for: entity) : nil
      count = try importRows(
        source, parser: parser, target: target, writer: &writer, collecting: part)
      if let part, issues.isEmpty {
        try collector?.finish(part)
      } else {
        collector?.abandon()
      }
    } else {
      var writer = try UpsertWriter(db: db, target: target, keepExisting: source.keepsExisting)
      count = try importRows(source, parser: parser, target: target, writer: &writer)
    }
    if let before = rowsIntoEmpty[entity] { rowsIntoEmpty[entity] = before + count }
    return count
  }

  /// Reads `source`'s rows (parsed on a second thread, which also hands each to `part`),
  /// checks each, and hands the valid ones to `writer`; returns the number of records read.
  mutating func importRows<Writer: TableWriter>(
    _ source: any RecordSource, parser: RecordParser, target: ImportTarget,
    writer: inout Writer, collecting part: TablePart? = nil
  ) throws -> Int {
    let entity = target.entity
    let checker = try ReferenceChecker(db: db, target: target)
    let reader = ParsingReader(
      source: source, parser: parser, described: target.described,
      known: KnownReferences(checker: checker, known: known, owners: owners), collecting: part)
    defer { reader.stop() }
    var count = 0
    while !full, let batch = try reader.next() {
      for row in batch.rows {
        if full { break }
        count += 1
        guard let values = row.values else {
          // Wrong number of fields, or values the mapping could not convert.
          add(row.issues)
          if let id = row.id { rejected.insert(ExactText(entity.rawValue + "\u{1F}" + id)) }
          continue
        }
        var rowIssues = row.issues
        if !row.referencesKnown {
          try checker.check(values, line: row.line, run: &self, into: &rowIssues)
        }
        guard let id = values[0].text else {
          add(rowIssues)
          continue
        }
        if let first = try writer.earlierLine(of: id, line: row.line) {
          rowIssues.append(
            target.issue(
              line: row.line, column: entity.idColumn,
              message: "duplicate id (first on line \(first))", value: id))
        }
        if !rowIssues.isEmpty {
          add(rowIssues)
          rejected.insert(ExactText(entity.rawValue + "\u{1F}" + id))
          continue
        }
        // Rows keep being written after a problem elsewhere so that later files see their
        // parents; the transaction is rolled back at the end anyway.
        try writer.write(PendingRow(values: values, line: row.line, id: id), run: &self)
      }
      if let progress {
        progress(
          ImportProgress(
            entity: entity, bytesRead: batch.read, totalBytes: batch.total, rows: count))
      }
    }
    try writer.finish(run: &self)
    return count
  }

  /// A row written: its id is remembered for the reference checks that follow (an
  /// invoice's with its customer; only reps, customers and invoices are referred to).
  mutating func written(_ values: [FieldValue], _ id: String, _ target: ImportTarget) {
    if target.entity == .invoices {
      if let ci = target.customerIndex, let customer = values[ci].text,
        owners.count < ImportRun.knownLimit
      {
        owners[ExactText(id)] = customer
      }
    } else if target.referenced {
      remember(target.entity, id)
    }
  }

  /// An issue found by the parser, with its column named as the source names it.
  static func locate(_ issue: InputIssue, file: String, _ described: [String: String])
    -> InputIssue
  {
    var i = issue
    i.file = file
    i.column = i.column.map { described[$0] ?? $0 }
    return i
  }
}

/// The table one source is imported into, and how its problems name file and column.
struct ImportTarget {
  /// The entity.
  let entity: Entity
  /// The source's file name, for problems.
  let file: String
  /// Each contract column's name as the source calls it.
  let described: [String: String]
  /// Contract column names in schema order.
  let names: [String]
  /// Position of `customer_id` among the columns, if the entity has one.
  let customerIndex: Int?
  /// Whether other entities refer to this one's ids (reps and customers; invoices are
  /// remembered with their customer).
  let referenced: Bool

  /// The target of `entity`'s rows read from `file`.
  init(entity: Entity, file: String, described: [String: String]) {
    self.entity = entity
    self.file = file
    self.described = described
    names = entity.columns.map(\.name)
    customerIndex = names.firstIndex(of: "customer_id")
    referenced = entity == .reps || entity == .customers
  }

  /// A problem on `line` in contract column `column` (named as the source names it).
  func issue(line: Int, column: String, message: String, value: String) -> InputIssue {
    InputIssue(
      file: file, line: line, column: described[column] ?? column, message: message,
      value: value)
  }
}

/// Writes a source's valid rows into its table, inside the import's transaction. Two
/// strategies: ``FreshTableWriter`` for a table that was empty, ``UpsertWriter`` for one
/// that has rows.
protocol TableWriter {
  /// The line of an earlier row of this source with id `id`, if the writer finds duplicates
  /// before writing (nil: not a duplicate, or found on writing).
  mutating func earlierLine(of id: String, line: Int) throws -> Int64?
  /// Writes `row` (or queues it), telling `run` what was written and which rows were
  /// duplicates or refused by the store.
  mutating func write(_ row: PendingRow, run: inout ImportRun) throws
  /// Writes whatever is queued and puts the table back in order.
  mutating func finish(run: inout ImportRun) throws
}

/// Writes into a table that was empty when the import reached it: its secondary indices are
/// dropped and rebuilt once at the end (inside the transaction, so a failed import leaves
/// them as they were), and duplicate ids are found by the primary key itself, each row
/// stored under its line number as rowid so that the first occurrence can be named.
///
/// Rows are written `rowsPerInsert` at a time by one multi-row INSERT, which spreads
/// SQLite's per-statement work (profiled: about a third of writing a row). If a batch
/// wrote fewer rows than it holds, each row's rowid tells whether it is a duplicate (its id
/// is stored under another line); if the store refused the batch (a CHECK), nothing of it
/// was written and its rows are written one by one to find out which.
struct FreshTableWriter: TableWriter {
  let target: ImportTarget
  /// The `CREATE INDEX` statements dropped, run again by ``finish(run:)``.
  let rebuild: [String]
  let db: Database
  /// One row, under its line as rowid; a duplicate id is ignored.
  let single: FastStatement
  /// `rowsPerInsert` rows.
  let batch: FastStatement
  /// The rowid (line) under which an id is stored.
  let storedLine: FastStatement
  let rowsPerInsert: Int
  var pending: [PendingRow] = []

  /// Drops the table's secondary indices and prepares the statements.
  init(db: Database, target: ImportTarget) throws {
    let table = target.entity.table
    var rebuild: [String] = []
    for index in try Row.fetchAll(
      db,
      sql: """
        SELECT name, sql FROM sqlite_master
        WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL
        """, arguments: [table])
    {
      rebuild.append(index["sql"])
      try db.execute(sql: "DROP INDEX \(index["name"] as String)")
    }
    let names = target.names
    let columns = names.joined(separator: ", ")
    let placeholders = "(?, " + names.map { _ in "?" }.joined(separator: ", ") + ")"
    let idColumn = target.entity.idColumn
    rowsPerInsert = max(1, min(64, 32_000 / (names.count + 1)))
    single = try FastStatement(
      db,
      sql: """
        INSERT INTO \(table) (rowid, \(columns))
        VALUES \(placeholders)
        ON CONFLICT(\(idColumn)) DO NOTHING
        """)
    storedLine = try FastStatement(db, sql: "SELECT rowid FROM \(table) WHERE \(idColumn) = ?")
    batch = try FastStatement(
      db,
      sql: """
        INSERT INTO \(table) (rowid, \(columns))
        VALUES \(Array(repeating: placeholders, count: rowsPerInsert).joined(separator: ", "))
        ON CONFLICT(\(idColumn)) DO NOTHING
        """)
    self.db = db
    self.target = target
    self.rebuild = rebuild
  }

  /// Duplicates are found on writing.
  func earlierLine(of id: String, line: Int) throws -> Int64? { nil }

  mutating func write(_ row: PendingRow, run: inout ImportRun) throws {
    pending.append(row)
    if pending.count == rowsPerInsert { try flush(run: &run) }
  }

  mutating func finish(run: inout ImportRun) throws {
    try flush(run: &run)
    for sql in rebuild { try db.execute(sql: sql) }
  }

  /// Writes the pending rows: as one batch when there are `rowsPerInsert`, else (or when
  /// the store refused the batch) one by one.
  mutating func flush(run: inout ImportRun) throws {
    defer { pending.removeAll(keepingCapacity: true) }
    guard !pending.isEmpty else { return }
    var inserted = -1
    if pending.count == rowsPerInsert {
      do {
        batch.reset()
        var index: Int32 = 1
        for row in pending {
          try batch.bind(row.values, rowid: Int64(row.line), at: index)
          index += Int32(row.values.count + 1)
        }
        try batch.execute()
        inserted = Int(batch.changes)
      } catch let error as DatabaseError where Importer.isRowRefusal(error) {
        inserted = -1
      }
    }
    if inserted == pending.count {
      for row in pending { run.written(row.values, row.id, target) }
    } else if inserted < 0 {
      for row in pending { try writeOne(row, run: &run) }
    } else {
      for row in pending { try settle(row, run: &run) }
    }
  }

  /// Writes one row; a duplicate id or a row the store refuses is reported.
  func writeOne(_ row: PendingRow, run: inout ImportRun) throws {
    do {
      try single.bind(row.values, rowid: Int64(row.line))
      try single.execute()
      if single.changes > 0 {
        run.written(row.values, row.id, target)
      } else {
        try settle(row, run: &run)
      }
    } catch let error as DatabaseError where Importer.isRowRefusal(error) {
      run.refused(line: row.line, error, target)
    }
  }

  /// A row of a batch that wrote fewer rows than it held, or one whose insert was ignored:
  /// written if its id is stored under its own line, a duplicate of that line otherwise.
  func settle(_ row: PendingRow, run: inout ImportRun) throws {
    try storedLine.bind([.text(row.id)])
    let first = try storedLine.step() ? storedLine.integer(0) : 0
    storedLine.reset()
    if first == Int64(row.line) {
      run.written(row.values, row.id, target)
    } else {
      run.add([
        target.issue(
          line: row.line, column: target.entity.idColumn,
          message: "duplicate id (first on line \(first))", value: row.id)
      ])
    }
  }
}

/// Writes into a table that already has rows, or that an earlier source of this import
/// wrote: each row is upserted (or, for a mapping with `existing: keep`, inserted only when
/// new), and duplicates within the source are found with a temporary table of the ids seen.
struct UpsertWriter: TableWriter {
  let target: ImportTarget
  let upsert: FastStatement
  let markSeen: FastStatement
  let firstSeen: FastStatement

  /// Empties the table of ids seen and prepares the statements.
  init(db: Database, target: ImportTarget, keepExisting: Bool) throws {
    let names = target.names
    let updates = names.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
    upsert = try FastStatement(
      db,
      sql: """
        INSERT INTO \(target.entity.table) (\(names.joined(separator: ", ")))
        VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))
        ON CONFLICT(\(target.entity.idColumn)) DO \(keepExisting ? "NOTHING" : "UPDATE SET " + updates)
        """)
    try db.execute(sql: "DELETE FROM temp.import_seen")
    markSeen = try FastStatement(
      db, sql: "INSERT OR IGNORE INTO temp.import_seen (id, line) VALUES (?, ?)")
    firstSeen = try FastStatement(db, sql: "SELECT line FROM temp.import_seen WHERE id = ?")
    self.target = target
  }

  /// Records `id` as seen on `line`; returns the line it was first seen on if it was.
  func earlierLine(of id: String, line: Int) throws -> Int64? {
    try markSeen.bind([.text(id), .integer(Int64(line))])
    try markSeen.execute()
    guard markSeen.changes == 0 else { return nil }
    try firstSeen.bind([.text(id)])
    defer { firstSeen.reset() }
    return try firstSeen.step() ? firstSeen.integer(0) : 0
  }

  func write(_ row: PendingRow, run: inout ImportRun) throws {
    do {
      try upsert.bind(row.values)
      try upsert.execute()
      if upsert.changes > 0 { run.written(row.values, row.id, target) }
    } catch let error as DatabaseError where Importer.isRowRefusal(error) {
      run.refused(line: row.line, error, target)
    }
  }

  func finish(run: inout ImportRun) throws {}
}

/// Checks that every id a row refers to exists, in this import or in the store, and that a
/// payment's invoice belongs to the payment's customer; a reference to a row refused
/// earlier in the import says so.
struct ReferenceChecker {
  let target: ImportTarget
  /// The referring columns (position, entity referred to).
  let references: [(Int, Entity)]
  let customerIndex: Int?
  /// The customer of an invoice in the store.
  let invoiceOwner: FastStatement

  /// A checker for `target`'s rows.
  init(db: Database, target: ImportTarget) throws {
    self.target = target
    references = target.entity.columns.enumerated().compactMap { i, c -> (Int, Entity)? in
      if case .reference(let entity) = c.kind { return (i, entity) }
      return nil
    }
    customerIndex = target.customerIndex
    invoiceOwner = try FastStatement(
      db, sql: "SELECT customer_id FROM invoices WHERE invoice_id = ?")
  }

  /// Appends to `issues` a problem for each reference of `values` (the row on `line`) that
  /// does not resolve, using `run`'s caches of known ids.
  func check(
    _ values: [FieldValue], line: Int, run: inout ImportRun, into issues: inout [InputIssue]
  ) throws {
    let names = target.names
    for (i, entity) in references {
      guard let id = values[i].text else { continue }
      if target.entity == .payments, entity == .invoices, let ci = customerIndex {
        // A payment's invoice must exist and belong to the payment's customer.
        var owner = run.owners[ExactText(id)]
        if owner == nil {
          try invoiceOwner.bind([.text(id)])
          owner = try invoiceOwner.step() ? invoiceOwner.text(0) : nil
          invoiceOwner.reset()
        }
        if let owner {
          if let customer = values[ci].text, ExactText(owner) != ExactText(customer) {
            // Equal to Swift, not to the store: the same letters in another Unicode form.
            let form = owner == customer ? " (the same letters, in another Unicode form)" : ""
            issues.append(
              target.issue(
                line: line, column: "invoice_id",
                message: "belongs to customer \(owner), not \(customer)\(form)", value: id))
          }
          continue
        }
      } else if try run.exists(entity, id) {
        continue
      }
      let message =
        run.rejected.contains(ExactText(entity.rawValue + "\u{1F}" + id))
        ? "refers to \(entity.noun) \(id), whose own row has errors"
        : "no \(entity.noun) with this id in the import or the store"
      issues.append(target.issue(line: line, column: names[i], message: message, value: id))
    }
  }
}

/// The references the reading thread can resolve by itself, so that the writing thread (the
/// import's critical path) checks only the rest (profiled: the look-ups were a fourteenth of
/// its time): the ids this import has written or found in the store when a source starts.
///
/// No entity refers to its own, so nothing written while the source is read would change
/// the answer, and these ids stay known to the writing thread's caches (which only grow):
/// a row whose references all resolve here would pass ``ReferenceChecker/check`` with no
/// problem and nothing to cache. Any other row is checked there, as before.
struct KnownReferences: Sendable {
  /// Per referring column (position, entity): the ids known, or nil for invoices.
  let columns: [(index: Int, ids: Set<ExactText>?)]
  /// The customer of each invoice known.
  let owners: [ExactText: String]
  /// The position of `customer_id` when an invoice must belong to the row's customer.
  let ownerCheck: Int?
  /// Whether any column refers to the target's own entity (then nothing is resolved here).
  let selfReferring: Bool

  init(
    checker: ReferenceChecker, known: [Entity: Set<ExactText>], owners: [ExactText: String]
  ) {
    columns = checker.references.map { ($0.0, $0.1 == .invoices ? nil : known[$0.1] ?? []) }
    self.owners = owners
    ownerCheck = checker.target.entity == .payments ? checker.customerIndex : nil
    selfReferring = checker.references.contains { $0.1 == checker.target.entity }
  }

  /// Whether every reference of `values` is known (and a payment's invoice is its
  /// customer's). O(references).
  func resolve(_ values: [FieldValue]) -> Bool {
    guard !selfReferring else { return false }
    for (i, ids) in columns {
      guard let id = values[i].text else { continue }
      if let ids {
        guard ids.contains(ExactText(id)) else { return false }
      } else {
        guard let owner = owners[ExactText(id)] else { return false }
        if let ci = ownerCheck, let customer = values[ci].text,
          ExactText(owner) != ExactText(customer)
        {
          return false
        }
      }
    }
    return true
  }
}

/// A valid row waiting for the next multi-row INSERT.
struct PendingRow {
  var values: [FieldValue]
  var line: Int
  var id: String
}

/// One record as the reading thread leaves it for the writing thread.
private struct ParsedRow: Sendable {
  /// The record's first line.
  var line: Int
  /// Values in schema order, or nil when the row cannot be written at all (wrong number of
  /// fields, or values a mapping could not convert).
  var values: [FieldValue]?
  /// Problems found in the row itself.
  var issues: [InputIssue]
  /// The row's raw id, for explaining follow-on errors.
  var id: String?
  /// Whether every reference resolved on the reading thread (``KnownReferences``).
  var referencesKnown = false
}

/// Parsed rows and how far the source had got.
private struct ParsedBatch: Sendable {
  var rows: [ParsedRow]
  var read: Int64
  var total: Int64
}

/// Reads and parses a source on its own thread, handing batches over a bounded queue.
private final class ParsingReader {
  private let channel = BoundedQueue<Result<ParsedBatch, any Error>>(capacity: 4)
  private let finished = DispatchSemaphore(value: 0)
  private var stopped = false
  static let batchSize = 2048

  init(
    source: any RecordSource, parser: RecordParser, described: [String: String],
    known: KnownReferences, collecting part: TablePart?
  ) {
    let box = Transfer(source)
    let channel = channel
    let finished = finished
    let file = source.fileName
    let thread = Thread {
      defer {
        channel.close()
        finished.signal()
      }
      let source = box.value
      var rows: [ParsedRow] = []
      rows.reserveCapacity(ParsingReader.batchSize)
      var reserved = false
      func send() -> Bool {
        let (read, total) = source.progress
        defer { rows.removeAll(keepingCapacity: true) }
        return channel.put(.success(ParsedBatch(rows: rows, read: read, total: total)))
      }
      do {
        while let (record, conversionIssues) = try source.next() {
          var (values, issues) = parser.parse(record)
          // A value the mapping could not convert is left empty; saying it is also missing
          // would only repeat the problem.
          issues =
            conversionIssues
            + issues.filter { conversionIssues.isEmpty || $0.message != "is required" }
            .map { ImportRun.locate($0, file: file, described) }
          let unreadable = values.isEmpty || !conversionIssues.isEmpty
          part?.add(unreadable || !issues.isEmpty ? nil : values, line: record.line)
          rows.append(
            ParsedRow(
              line: record.line, values: unreadable ? nil : values, issues: issues,
              id: unreadable ? parser.id(of: record) : nil,
              referencesKnown: !unreadable && known.resolve(values)))
          if rows.count == ParsingReader.batchSize {
            if let part, !reserved {
              // Rows in the whole source, by the bytes the first batch took, 5 % spare; no
              // more than the source could hold (a row takes a byte per column at least).
              let (read, total) = source.progress
              if read > 0 {
                let estimate = Double(rows.count) * Double(total) / Double(read) * 1.05
                // and never more than a few million up front (a file can claim any size).
                let most = min(Double(total) / Double(max(1, source.header.count)), 4e6)
                part.reserve(Int(min(estimate, most)))
              }
              reserved = true
            }
            if !send() { return }
          }
        }
        if !rows.isEmpty, !send() { return }
        // The writing thread can finish the table meanwhile.
        channel.close()
        part?.close()
      } catch {
        _ = channel.put(.failure(error))
      }
    }
    thread.name = "arcadence-import-reader"
    thread.start()
  }

  /// The next batch, nil at the end; rethrows a reading error.
  func next() throws -> ParsedBatch? {
    try channel.take()?.get()
  }

  /// Stops the reading thread (if it is still going) and waits for it.
  func stop() {
    guard !stopped else { return }
    stopped = true
    channel.cancel()
    finished.wait()
  }
}

/// Hands a value that is not `Sendable` to another thread, which then owns it: the sender
/// never touches it again.
private final class Transfer<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// A first-in first-out queue between one producer and one consumer thread, holding at most
/// `capacity` items: `put` waits while it is full, `take` while it is empty.
final class BoundedQueue<T: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  private var items: [T] = []
  private var closed = false
  private var cancelled = false
  private let capacity: Int

  init(capacity: Int) { self.capacity = max(1, capacity) }

  /// Adds an item, waiting for room; false when the consumer has cancelled.
  func put(_ item: T) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while items.count >= capacity && !cancelled { condition.wait() }
    guard !cancelled else { return false }
    items.append(item)
    condition.broadcast()
    return true
  }

  /// The next item, waiting for one; nil once the producer has closed and all are taken.
  func take() -> T? {
    condition.lock()
    defer { condition.unlock() }
    while items.isEmpty && !closed && !cancelled { condition.wait() }
    guard !items.isEmpty, !cancelled else { return nil }
    condition.broadcast()
    return items.removeFirst()
  }

  /// The producer has no more items.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  /// The consumer wants no more items: `put` returns false from now on.
  func cancel() {
    condition.lock()
    cancelled = true
    items.removeAll()
    condition.broadcast()
    condition.unlock()
  }
}

extension FieldValue {
  /// The value as a GRDB SQL parameter (always bound, never spliced into SQL).
  var databaseValue: DatabaseValue {
    switch self {
    case .null: .null
    case .text(let s): s.databaseValue
    case .integer(let v): v.databaseValue
    }
  }

  /// Reads a stored value back.
  init(_ value: DatabaseValue) {
    switch value.storage {
    case .null: self = .null
    case .int64(let v): self = .integer(v)
    case .string(let s): self = .text(s)
    case .double(let d): self = .integer(Int64(d))
    case .blob(let b): self = .text(String(decoding: b, as: UTF8.self))
    }
  }
}
