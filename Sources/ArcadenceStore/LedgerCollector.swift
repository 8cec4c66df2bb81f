import ArcadenceCore
import GRDB

/// Builds the ledger cache of an empty store from the rows its import writes, inside the
/// import's transaction, so that the import does not read every table back after its commit
/// (``Store/refreshLedgerCache()``: 4–5 s of the writing thread, which sets the import's pace,
/// on 5.46 million rows).
///
/// Each row is turned into the ledger's columns by the load's own rules (``LedgerRows``,
/// through ``FieldRow``) on the thread that parses the source, which has time to spare while
/// the other writes; when the source is written, its table's columns are put in the load's
/// order (reps, customers and cases by id), written to the cache and freed, keeping only the
/// id index later tables refer to and the amounts ``Ledger/amountsFit`` sums. At the end the
/// header is written with the store's stamp, as a refresh would.
///
/// Only used when the rows written are exactly the sources' rows in the sources' order: every
/// ledger table is empty when the import starts and defined exactly as this code's migrations
/// define it (columns, collations, indices; no trigger), and each source fills a table of its
/// own, in table order, none keeping existing rows (so every table is written by a
/// ``FreshTableWriter``, which stores rows under their line numbers and fails the import on a
/// duplicate id). Anything else — a later source of the same table, a source whose lines do
/// not increase, a row with a problem, a row that breaks the store's rules, a table whose row
/// count differs from the rows collected, a column longer than SQLite's blob limit — leaves
/// the cache empty, and the importer refreshes it after its commit as before. A disk with
/// room for the rows but not for the cache now fails the import (it used to succeed without a
/// cache).
final class LedgerCollector {
  private let writer: CacheWriter
  /// The id indices of the tables collected so far.
  private var rows = LedgerRows()
  /// The money columns, for ``Ledger/amountsFit``.
  private var amounts = Ledger()
  /// Rows collected per table (``LedgerTable`` order).
  private var counts = [Int](repeating: 0, count: LedgerTable.allCases.count)
  private var written: Set<LedgerTable> = []
  private var valid = true

  private init(_ db: Database) throws { writer = try CacheWriter(db) }

  /// A collector for importing `sources` into the store `db` is open on, or nil unless every
  /// ledger table is empty and the sources fill one table each, in table order, none
  /// keeping existing rows.
  static func start(_ db: Database, sources: [any RecordSource]) throws -> LedgerCollector? {
    let tables = sources.map { LedgerTable($0.entity) }
    guard zip(tables, tables.dropFirst()).allSatisfy({ $0.rawValue < $1.rawValue }),
      !sources.contains(where: \.keepsExisting)
    else { return nil }
    for table in LedgerTable.allCases
    where try Int.fetchOne(db, sql: "SELECT 1 FROM \(table) LIMIT 1") != nil {
      return nil
    }
    // The tables must be exactly this code's (another tool can recreate one with another
    // collation, which would change the load's order, or another column type, or add an
    // index or a trigger that rewrites rows), and no trigger is on them (the importer has
    // just dropped its own).
    let fresh = try DatabaseQueue()  // in memory: a store as the migrations make it
    try Store.migrator.migrate(fresh)
    guard try ledgerSchema(db) == fresh.read(ledgerSchema),
      try String.fetchOne(db, sql: "PRAGMA encoding") == "UTF-8"  // ids ordered as UTF-8
    else { return nil }
    return try LedgerCollector(db)
  }

  /// The definitions of the ledger tables, the cache's and the generation's, and of their
  /// indices and triggers (a trigger's table is named as its author wrote it: compared
  /// without case), sorted.
  private static func ledgerSchema(_ db: Database) throws -> [String] {
    let names = (LedgerTable.allCases.map { "'\($0)'" } + ["'ledger_cache'", "'store_generation'"])
      .joined(separator: ", ")
    return try String.fetchAll(
      db,
      sql: """
        SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_master
        WHERE tbl_name COLLATE NOCASE IN (\(names)) AND (type <> 'trigger' OR name NOT IN (\(
          Store.ledgerTriggers.map { "'\($0.name)'" }.joined(separator: ", "))))
        ORDER BY 1
        """)
  }

  /// The part that collects `entity`'s rows on the source's reading thread; nil once the
  /// collection has failed.
  func part(for entity: Entity) -> TablePart? {
    let table = LedgerTable(entity)
    guard valid, let row = FieldRow(entity, table) else {
      valid = false
      return nil
    }
    // An id index no table from this one on refers to is dropped (the invoices' is
    // 48 MB at a million invoices, and the largest tables come last).
    let later = LedgerTable.allCases.filter { $0.rawValue >= table.rawValue }
    for parent in LedgerTable.allCases
    where Ledger.tables(referringTo: parent).isDisjoint(with: later) {
      if let index = LedgerRows.parent(parent)?.index { rows[keyPath: index] = ByteKeyIndex([]) }
    }
    return TablePart(table: table, rows: rows, row: row)
  }

  /// Called once `part`'s source has been written without a problem and its reading thread
  /// has stopped: writes the table's columns to the cache and keeps what later tables and
  /// ``complete(_:)`` need.
  func finish(_ part: TablePart) throws {
    guard valid, let done = part.done else {
      valid = false
      return
    }
    do {
      try done.ledger.writeColumns(to: writer, of: [part.table])
    } catch let error as DatabaseError where error.resultCode == .SQLITE_TOOBIG {
      valid = false  // a column longer than SQLite's blob limit: the store has no cache
      return
    }
    if let parent = done.parent { rows[keyPath: parent.rows] = parent.index }
    if let money = done.money { amounts[keyPath: money.column] = money.amounts }
    counts[part.table.rawValue] = done.count
    written.insert(part.table)
  }

  /// The import's rows are written and its triggers back in place: writes the empty columns
  /// of the tables no source filled and the header, with the store's stamp, when every row
  /// was collected and each table holds exactly the rows collected; otherwise empties the
  /// cache. Returns whether the cache is now complete and current.
  func complete(_ db: Database) throws -> Bool {
    guard valid, amounts.amountsFit, let stamp = try Store.ledgerStamp(db),
      LedgerTable.allCases.allSatisfy({
        Store.rowCount(of: $0, in: stamp) == Int64(counts[$0.rawValue])
      })
    else {
      try db.execute(sql: "DELETE FROM ledger_cache")
      return false
    }
    try Ledger().writeColumns(to: writer, of: Set(LedgerTable.allCases).subtracting(written))
    try Ledger.writeHeader(to: writer, stamp: stamp, rowCounts: counts)
    return true
  }

  /// A source of the import had a problem (the import will fail): nothing more is collected.
  func abandon() { valid = false }
}

/// One table's rows as its source's reading thread collects them (``LedgerCollector``).
/// Touched by that thread alone until it has stopped, then by the writing thread alone.
final class TablePart: @unchecked Sendable {
  let table: LedgerTable
  private let rows: LedgerRows
  private var row: FieldRow
  private var ledger = Ledger()
  /// Whether a row could not be collected or broke the store's rules.
  private var bad = false
  /// The line of the last row added.
  private var lastLine = Int.min
  /// What ``close()`` made of the rows: the table's columns in the load's order, its row
  /// count, the id index of a table others refer to, the amounts of a money table.
  private(set) var done:
    (
      ledger: Ledger, count: Int,
      parent: (rows: WritableKeyPath<LedgerRows, ByteKeyIndex>, index: ByteKeyIndex)?,
      money: (column: WritableKeyPath<Ledger, [Int64]>, amounts: [Int64])?
    )?

  fileprivate init(table: LedgerTable, rows: LedgerRows, row: FieldRow) {
    self.table = table
    self.rows = rows
    self.row = row
  }

  /// Reserves room for about `rows` rows (estimated from the first rows and the source's
  /// size), so that the columns are not grown by doubling, which leaves up to half of them
  /// unused.
  func reserve(_ rows: Int) {
    for move in Ledger.columnMoves where move.table == table { move.reserve(&ledger, rows) }
  }

  /// Adds the parsed row that starts on `line`: its values when the importer will write it as
  /// they are, nil when it has a problem (the import then fails, or at least this table is not
  /// collected). Lines must increase: the importer stores each row under its line as rowid,
  /// and the load reads rows in rowid order.
  func add(_ values: [FieldValue]?, line: Int) {
    guard let values, !bad, line > lastLine else {
      bad = true
      return
    }
    lastLine = line
    row.values = values
    rows.append(table, row, to: &ledger, &bad)
  }

  /// Called on the reading thread once the source is read to its end (while the writing
  /// thread writes its last rows and rebuilds the table's indices): puts the rows in the
  /// load's order (by id for reps, customers and cases, bytewise) and indexes the ids of a
  /// table others refer to. (The columns are written from the writing thread, straight from
  /// their arrays: encoded here, they would be held twice.)
  func close() {
    guard !bad else { return }
    var l = ledger
    ledger = Ledger()
    if let ids = LedgerRows.ordering(table)?.ids {
      let column = l[keyPath: ids]
      let inOrder = zip(column, column.dropFirst()).allSatisfy {
        $0.utf8.lexicographicallyPrecedes($1.utf8)
      }
      if !inOrder {
        let order = column.indices.sorted {
          column[$0].utf8.lexicographicallyPrecedes(column[$1].utf8)
        }
        for move in Ledger.columnMoves where move.table == table { move.keep(&l, order) }
      }
    }
    let parent = LedgerRows.parent(table).map { ($0.index, ByteKeyIndex(l[keyPath: $0.ids])) }
    let money: WritableKeyPath<Ledger, [Int64]>? =
      switch table {
      case .invoices: \.invoiceAmount
      case .payments: \.paymentAmount
      case .adjustments: \.adjustmentAmount
      case .promises: \.promiseAmount
      default: nil
      }
    done = (
      l, l.rowCounts[table.rawValue], parent,
      money.map { ($0, l[keyPath: $0]) }
    )
  }
}
