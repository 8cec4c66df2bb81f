import ArcadenceCore
import Foundation
import GRDB
import GRDBSQLite

// The ledger cache: a columnar copy of the ledger kept in the store itself.
//
// Reading the ledger from its tables means stepping SQLite through millions of rows and
// resolving their text ids (about 2 s for 5 million rows); reading the same numbers back as
// one blob per column is a copy. So the importer (into an empty store from the rows it
// writes, ``LedgerCollector``; otherwise after its commit), and otherwise the first command
// that reads the ledger after a change, writes every column into `ledger_cache` (one
// row per column: integers in the machine's byte order, ids and names as UTF-8 with end
// offsets, vocabulary words as a dictionary and a code per row), tagged with the store's
// generation and the fingerprint of this code's derivations, and later commands read those
// blobs straight into their arrays (`sqlite3_blob_read`, no intermediate buffer; the store file is memory-mapped, ``Store/mmapBytes``). A command
// about one period reads its activities, promises and tasks in part: the day column whole,
// the others through one reused buffer, keeping the period's rows. The derived indices
// (events per invoice, payments per customer) are rebuilt, not stored.
//
// Correctness does not depend on who writes: triggers advance `store_generation` on every
// insert, update and delete in a ledger table (the importer suspends them inside its own
// transaction and advances the generation once). Since another tool can drop, replace or
// disable those triggers, the cache's header also holds the store's ``Store/ledgerStamp(_:)``
// when the ledger was read: the generation, where each trigger sits in `sqlite_master` (a
// trigger dropped and created again gets a new rowid there: a view made after them,
// ``Store/triggersEnd``, keeps any of them from being the last row, whose rowid would be
// reused), and per ledger table its root page, its CREATE statement, its row count and its
// largest rowid (so rows inserted or deleted with triggers disabled are seen). SQLite's
// schema cookie would be simpler but is useless here: GRDB advances it each time it opens a
// store whose write-ahead log is empty. A cache is only used when that stamp is the
// store's now, every trigger exists with exactly its own SQL, all read in the same
// transaction, and when it was written by code deriving its columns the same way
// (``Ledger/cacheFingerprint``). The stamp costs a count per table (SQLite counts the
// entries of the smallest index: a few milliseconds per million rows).
// Anything unexpected in the blobs (a missing column, a wrong length, a code or reference
// out of range) makes the cache count as absent, and the ledger is read from the tables.
// Not seen: a row updated in place (same rowid, same row count) by a connection that
// disabled triggers (`SQLITE_DBCONFIG_ENABLE_TRIGGER`) or that wrote through incremental
// blob I/O; seeing those would take reading every row, which is what the cache avoids.

/// The FNV-1a hash of `text`'s UTF-8 (a fingerprint, not a defence against forgery).
func fnv1a(_ text: String) -> Int64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
  return Int64(bitPattern: hash)
}

/// The tables of a ledger, in the order of the cache header's row counts.
enum LedgerTable: Int, CaseIterable, Sendable {
  case reps, customers, invoices, payments, adjustments, activities, promises, cases, tasks
}

/// Why a cache could not be used; never shown to a person (the tables are read instead).
struct CacheMismatch: Error {
  let reason: String
}

extension Ledger {
  /// The version of how the load derives a column from the tables: change it when a rule
  /// changes (`caseDocumented`'s, say). A column added, removed, renamed or moved in the
  /// lists below needs no change here: ``cachedColumns`` is part of the fingerprint.
  static let cacheFormat: Int64 = 4

  /// The layout version, every cached column (name, kind, table, in write order) and the
  /// vocabularies the load derives columns from (channels, reached outcomes, adjustment
  /// kinds…), hashed (FNV-1a): a binary whose columns or rules differ does not read
  /// another's cache.
  static var cacheFingerprint: Int64 {
    let rules = [
      ["\(cacheFormat)"], cachedColumns.map { "\($0.kind) \($0.name) \($0.table)" },
      Vocabulary.channels, Vocabulary.outcomes, Vocabulary.reachedOutcomes.sorted(),
      Vocabulary.taskKinds, Vocabulary.escalationReasons, ["credit_memo", "outbound"],
    ].map { $0.joined(separator: ",") }.joined(separator: "|")
    return fnv1a(rules)
  }

  /// Every column the cache holds, in the order ``writeCache(to:stamp:)`` writes them: its
  /// name (the ``Ledger`` property's), how it is stored, and the table whose rows it has.
  /// Every stored column of ``Ledger`` but the derived indices must be here (a test checks
  /// it against the type's own properties and the loader's row counts).
  static var cachedColumns: [(name: String, kind: String, table: LedgerTable)] {
    int32Columns.map { ($0.name, "int32", $0.table) }
      + int64Columns.map { ($0.name, "int64", $0.table) }
      + optionalInt64Columns.map { ($0.name, "int64?", $0.table) }
      + boolColumns.map { ($0.name, "bool", $0.table) }
      + channelColumns.map { ($0.name, "channel", $0.table) }
      + textColumns.map { ($0.name, "text", $0.table) }
      + wordColumns.map { ($0.name, "word", $0.table) }
      + optionalTextColumns.map { ($0.name, "word?", $0.table) }
  }

  fileprivate typealias Column<T> = (
    name: String, path: WritableKeyPath<Ledger, [T]>, table: LedgerTable
  )

  fileprivate static var int32Columns: [Column<Int32>] {
    [
      ("customerRep", \.customerRep, .customers),
      ("customerTerms", \.customerTerms, .customers),
      ("customerCreated", \.customerCreated, .customers),
      ("customerAutopayOn", \.customerAutopayOn, .customers),
      ("customerAutopayOff", \.customerAutopayOff, .customers),
      ("invoiceCustomer", \.invoiceCustomer, .invoices),
      ("invoiceIssued", \.invoiceIssued, .invoices),
      ("invoiceDue", \.invoiceDue, .invoices),
      ("paymentCustomer", \.paymentCustomer, .payments),
      ("paymentInvoice", \.paymentInvoice, .payments),
      ("paymentReceived", \.paymentReceived, .payments),
      ("adjustmentInvoice", \.adjustmentInvoice, .adjustments),
      ("adjustmentPosted", \.adjustmentPosted, .adjustments),
      ("activityCustomer", \.activityCustomer, .activities),
      ("activityRep", \.activityRep, .activities),
      ("activityDay", \.activityDay, .activities),
      ("promiseCustomer", \.promiseCustomer, .promises),
      ("promiseRep", \.promiseRep, .promises),
      ("promiseMade", \.promiseMade, .promises),
      ("promisePromised", \.promisePromised, .promises),
      ("caseCustomer", \.caseCustomer, .cases),
      ("caseInvoice", \.caseInvoice, .cases),
      ("caseRep", \.caseRep, .cases),
      ("taskRep", \.taskRep, .tasks),
      ("taskCustomer", \.taskCustomer, .tasks),
      ("taskDue", \.taskDue, .tasks),
      ("taskCompleted", \.taskCompleted, .tasks),
    ]
  }

  fileprivate static var int64Columns: [Column<Int64>] {
    [
      ("invoiceAmount", \.invoiceAmount, .invoices),
      ("paymentAmount", \.paymentAmount, .payments),
      ("adjustmentAmount", \.adjustmentAmount, .adjustments),
      ("promiseAmount", \.promiseAmount, .promises),
      ("caseOpenedAt", \.caseOpenedAt, .cases),
    ]
  }

  fileprivate static var optionalInt64Columns: [Column<Int64?>] {
    [
      ("caseClosedAt", \.caseClosedAt, .cases),
      ("caseEscalatedAt", \.caseEscalatedAt, .cases),
    ]
  }

  /// Every cached column as the two whole-column moves a load makes: `take` it from a ledger
  /// part loaded on another thread (``take(_:payments:)``) and `keep` some of its rows, in
  /// order (``restricted(to:)``). Derived from the lists of this file, so a new column is
  /// moved and restricted with no edit there.
  static var columnMoves: [ColumnMove] {
    moves(int32Columns) + moves(int64Columns) + moves(optionalInt64Columns)
      + moves(boolColumns) + moves(channelColumns) + moves(textColumns) + moves(wordColumns)
      + moves(optionalTextColumns)
  }

  /// One column's table and its whole-column moves (see ``columnMoves``), and the capacity
  /// reserved for a number of rows.
  struct ColumnMove {
    let name: String
    let table: LedgerTable
    let take: (inout Ledger, Ledger) -> Void
    let keep: (inout Ledger, [Int]) -> Void
    let reserve: (inout Ledger, Int) -> Void
  }

  fileprivate static func moves<T>(_ columns: [Column<T>]) -> [ColumnMove] {
    columns.map { c in
      ColumnMove(
        name: c.name, table: c.table, take: { $0[keyPath: c.path] = $1[keyPath: c.path] },
        keep: { l, rows in
          let values = l[keyPath: c.path]
          l[keyPath: c.path] = rows.map { values[$0] }
        },
        reserve: { $0[keyPath: c.path].reserveCapacity($1) })
    }
  }

  /// The tables with a column referring to `target`'s rows (from ``references``).
  static func tables(referringTo target: LedgerTable) -> Set<LedgerTable> {
    var tables: Set<LedgerTable> = []
    for (path, t, _) in references where t == target {
      if let column = int32Columns.first(where: { $0.path == path }) { tables.insert(column.table) }
    }
    return tables
  }

  fileprivate static var boolColumns: [Column<Bool>] {
    [
      ("adjustmentIsCreditMemo", \.adjustmentIsCreditMemo, .adjustments),
      ("activityOutbound", \.activityOutbound, .activities),
      ("activityReached", \.activityReached, .activities),
      ("caseDocumented", \.caseDocumented, .cases),
    ]
  }

  /// Channels: stored as their raw values.
  fileprivate static var channelColumns: [Column<Channel>] {
    [("activityChannel", \.activityChannel, .activities)]
  }

  /// Ids and names: stored as they are (ids are distinct, a dictionary would only cost).
  fileprivate static var textColumns: [Column<String>] {
    [
      ("repIds", \.repIds, .reps),
      ("repNames", \.repNames, .reps),
      ("customerIds", \.customerIds, .customers),
      ("customerNames", \.customerNames, .customers),
      ("invoiceIds", \.invoiceIds, .invoices),
      ("caseIds", \.caseIds, .cases),
    ]
  }

  /// Words of a vocabulary: stored as a dictionary and a code per row.
  fileprivate static var wordColumns: [Column<String>] {
    [
      ("activityOutcome", \.activityOutcome, .activities),
      ("taskKind", \.taskKind, .tasks),
    ]
  }

  fileprivate static var optionalTextColumns: [Column<String?>] {
    [
      ("repTeams", \.repTeams, .reps),
      ("customerSegments", \.customerSegments, .customers),
      ("caseRootCause", \.caseRootCause, .cases),
      ("caseEscalationReason", \.caseEscalationReason, .cases),
    ]
  }

  /// Columns holding an index into another table (or −1 where `optional`).
  fileprivate static var references:
    [(path: KeyPath<Ledger, [Int32]>, target: LedgerTable, optional: Bool)]
  {
    [
      (\.customerRep, .reps, false), (\.invoiceCustomer, .customers, false),
      (\.paymentCustomer, .customers, false), (\.paymentInvoice, .invoices, true),
      (\.adjustmentInvoice, .invoices, false), (\.activityCustomer, .customers, false),
      (\.activityRep, .reps, false), (\.promiseCustomer, .customers, false),
      (\.promiseRep, .reps, false), (\.caseCustomer, .customers, false),
      (\.caseInvoice, .invoices, true), (\.caseRep, .reps, false),
      (\.taskRep, .reps, false), (\.taskCustomer, .customers, false),
    ]
  }

  /// Rows per table, in ``LedgerTable`` order.
  var rowCounts: [Int] {
    [
      repIds.count, customerIds.count, invoiceIds.count, paymentAmount.count,
      adjustmentAmount.count, activityDay.count, promiseAmount.count, caseIds.count,
      taskDue.count,
    ]
  }

  /// Writes every column (not the derived indices) as one cache row each, with a header
  /// naming the format, the store's stamp the ledger matches, and the row counts.
  fileprivate func writeCache(to w: CacheWriter, stamp: [Int64]) throws {
    precondition(selection == .everything, "only a whole ledger is cached")
    try Ledger.writeHeader(to: w, stamp: stamp, rowCounts: rowCounts)
    try writeColumns(to: w, of: Set(LedgerTable.allCases))
  }

  /// Writes the cache's header: the format, the store's stamp, the row counts.
  static func writeHeader(to w: CacheWriter, stamp: [Int64], rowCounts: [Int]) throws {
    try w.put("header", [Ledger.cacheFingerprint] + stamp + rowCounts.map(Int64.init))
  }

  /// Writes the columns of `tables` (not the derived indices), one cache row each.
  func writeColumns(to w: CacheWriter, of tables: Set<LedgerTable>) throws {
    for c in Ledger.int32Columns where tables.contains(c.table) {
      try w.put(c.name, self[keyPath: c.path])
    }
    for c in Ledger.int64Columns where tables.contains(c.table) {
      try w.put(c.name, self[keyPath: c.path])
    }
    for c in Ledger.optionalInt64Columns where tables.contains(c.table) {
      let values = self[keyPath: c.path]
      try w.put(c.name, values.map { $0 ?? 0 })
      try w.put(c.name + ".present", values.map { UInt8($0 == nil ? 0 : 1) })
    }
    for c in Ledger.boolColumns where tables.contains(c.table) {
      try w.put(c.name, self[keyPath: c.path].map { UInt8($0 ? 1 : 0) })
    }
    for c in Ledger.channelColumns where tables.contains(c.table) {
      try w.put(c.name, self[keyPath: c.path].map(\.rawValue))
    }
    for c in Ledger.textColumns where tables.contains(c.table) {
      try w.putStrings(c.name, self[keyPath: c.path])
    }
    for c in Ledger.wordColumns where tables.contains(c.table) {
      let values = self[keyPath: c.path]
      try w.putWords(c.name, count: values.count) { values[$0] }
    }
    for c in Ledger.optionalTextColumns where tables.contains(c.table) {
      let values = self[keyPath: c.path]
      try w.putWords(c.name, count: values.count) { values[$0] }
    }
  }

  /// Whether a cache header was written by these rules for a store with this stamp.
  static func headerMatches(_ header: [Int64], stamp: [Int64]) -> Bool {
    header.count == 1 + stamp.count + LedgerTable.allCases.count
      && header[0] == cacheFingerprint && Array(header[1...stamp.count]) == stamp
  }

  /// Reads the ledger from the cache, with only the activities, promises and tasks
  /// `selection` names (the same rows, in the same order, as ``restricted(to:)`` keeps), or
  /// throws ``CacheMismatch`` when the cache is not of this format, not of `stamp`, or not
  /// consistent.
  ///
  /// A dated table that `selection` restricts is read day column first; its other columns
  /// are read through one reused buffer and only the chosen rows kept, so a quarter of 24
  /// months allocates a quarter of those columns instead of all of them and a copy
  /// (measured: README of `Benchmarks`, issue 20). O(rows read).
  fileprivate static func readCache(
    from r: CacheReader, stamp: [Int64], selection: LedgerSelection
  ) throws -> Ledger {
    let header: [Int64] = try r.read("header")
    guard headerMatches(header, stamp: stamp) else { throw CacheMismatch(reason: "stale") }
    let rowCounts = header.suffix(LedgerTable.allCases.count)
    // Row indices are Int32 in the ledger.
    guard rowCounts.allSatisfy({ 0 <= $0 && $0 <= Int64(Int32.max) }) else {
      throw CacheMismatch(reason: "counts")
    }
    let counts = rowCounts.map { Int($0) }
    func count(_ t: LedgerTable) -> Int { counts[t.rawValue] }

    // The rows kept of each table `selection` restricts (all rows of the others).
    var kept: [LedgerTable: [Int32]] = [:]
    for (table, dayColumn, w) in [
      (LedgerTable.activities, "activityDay", selection.activities),
      (.promises, "promiseMade", selection.promises), (.tasks, "taskDue", selection.tasks),
    ] where w != .all {
      let days: [Int32] = try r.read(dayColumn, count: count(table))
      var rows: [Int32] = []
      for (i, d) in days.enumerated() where w.from <= d && d <= w.to {
        rows.append(Int32(truncatingIfNeeded: i))  // i < count ≤ Int32.max (checked above)
      }
      kept[table] = rows
    }
    func read<T: BitwiseCopyable>(_ name: String, _ t: LedgerTable) throws -> [T] {
      try r.read(name, count: count(t), rows: kept[t])
    }

    // Columns the job does without are not read at all (``LedgerColumns``).
    let omitted = selection.columns.omittedNames
    var l = Ledger()
    l.selection = selection
    for c in int32Columns where !omitted.contains(c.name) {
      l[keyPath: c.path] = try read(c.name, c.table)
    }
    for c in int64Columns { l[keyPath: c.path] = try read(c.name, c.table) }
    for c in optionalInt64Columns {
      let values: [Int64] = try read(c.name, c.table)
      let present: [UInt8] = try read(c.name + ".present", c.table)
      l[keyPath: c.path] = zip(values, present).map { $1 == 0 ? nil : $0 }
    }
    for c in boolColumns where !omitted.contains(c.name) {
      let bytes: [UInt8] = try read(c.name, c.table)
      l[keyPath: c.path] = bytes.map { $0 != 0 }
    }
    for c in channelColumns where !omitted.contains(c.name) {
      let raw: [UInt8] = try read(c.name, c.table)
      l[keyPath: c.path] = try raw.map {
        guard let channel = Channel(rawValue: $0) else { throw CacheMismatch(reason: c.name) }
        return channel
      }
    }
    for c in textColumns where !omitted.contains(c.name) {
      let strings = try r.strings(c.name)
      guard strings.count == count(c.table) else { throw CacheMismatch(reason: c.name) }
      l[keyPath: c.path] = kept[c.table].map { $0.map { strings[Int($0)] } } ?? strings
    }
    for c in wordColumns where !omitted.contains(c.name) {
      let (words, codes) = try r.words(c.name, count: count(c.table), rows: kept[c.table])
      l[keyPath: c.path] = try codes.map {
        guard $0 >= 0 else { throw CacheMismatch(reason: "\(c.name) has a NULL") }
        return words[Int($0)]
      }
    }
    for c in optionalTextColumns {
      let (words, codes) = try r.words(c.name, count: count(c.table), rows: kept[c.table])
      l[keyPath: c.path] = codes.map { $0 < 0 ? nil : words[Int($0)] }
    }
    for (path, target, optional) in references {
      let bound = Int32(count(target))
      let lowest: Int32 = optional ? -1 : 0
      guard l[keyPath: path].allSatisfy({ $0 >= lowest && $0 < bound }) else {
        throw CacheMismatch(reason: "reference out of range")
      }
    }
    l.buildIndexes()
    return l
  }

  /// This ledger with only the activities, promises and tasks `selection` names (the same
  /// rows, in the same order, as loading them from the tables with that selection) and
  /// only its columns (``LedgerSelection/columns``).
  func restricted(to selection: LedgerSelection) -> Ledger {
    var l = self
    l.selection = selection
    let dated: [(LedgerTable, [Int32], DayWindow)] = [
      (.activities, activityDay, selection.activities),
      (.promises, promiseMade, selection.promises),
      (.tasks, taskDue, selection.tasks),
    ]
    for (table, days, w) in dated where w != .all {
      let rows = days.indices.filter { w.from <= days[$0] && days[$0] <= w.to }
      for column in Ledger.columnMoves where column.table == table { column.keep(&l, rows) }
    }
    let omitted = selection.columns.omittedNames
    for column in Ledger.columnMoves where omitted.contains(column.name) { column.keep(&l, []) }
    if !selection.columns.contains(.customerPayments) {
      l.customerPaymentStart = []
      l.customerPaymentDay = []
      l.customerPaymentTotal = []
    }
    return l
  }

}

/// Writes cache rows: one `INSERT` per column, the array's bytes bound without a copy.
struct CacheWriter {
  let insert: FastStatement

  init(_ db: Database) throws {
    insert = try FastStatement(db, sql: "INSERT INTO ledger_cache (name, data) VALUES (?, ?)")
  }

  func put<T: BitwiseCopyable>(_ name: String, _ values: [T]) throws {
    try values.withUnsafeBytes { bytes in
      insert.reset()
      try insert.bind(text: name, at: 1)
      try insert.bind(bytes: bytes, at: 2)
      try insert.execute()
    }
  }

  /// Strings as they are: `name.bytes` (their UTF-8, concatenated) and `name.ends` (where
  /// each ends).
  func putStrings(_ name: String, _ strings: [String]) throws {
    var bytes: [UInt8] = []
    var ends: [Int64] = []
    ends.reserveCapacity(strings.count)
    for s in strings {
      bytes.append(contentsOf: s.utf8)
      ends.append(Int64(bytes.count))
    }
    try put(name + ".bytes", bytes)
    try put(name + ".ends", ends)
  }

  /// Strings as a dictionary: the distinct words as ``putStrings(_:_:)`` writes them, and
  /// `name`, each row's word number (−1 for nil).
  func putWords(_ name: String, count: Int, _ value: (Int) -> String?) throws {
    var numbers: [ExactText: Int32] = [:]
    var words: [String] = []
    var codes: [Int32] = []
    codes.reserveCapacity(count)
    for i in 0..<count {
      guard let word = value(i) else {
        codes.append(-1)
        continue
      }
      if let n = numbers[ExactText(word)] {
        codes.append(n)
      } else {
        let n = Int32(words.count)
        numbers[ExactText(word)] = n
        words.append(word)
        codes.append(n)
      }
    }
    try putStrings(name, words)
    try put(name, codes)
  }
}

/// Reads cache rows straight into arrays with SQLite's incremental blob I/O.
private struct CacheReader {
  let connection: OpaquePointer
  /// Rowid of each cache row, by name.
  let rows: [String: Int64]
  /// The buffer a column read only in part goes through (see ``read(_:count:rows:)``).
  let scratch = Scratch()

  /// Column `name` as an array of `T`, which must have `count` elements when given; only
  /// the elements at `rows` (in that order, each below the column's count) when given.
  ///
  /// A whole column is read straight into its array. A column read in part is read into
  /// ``scratch``, which every such read reuses, so that its fresh pages are touched (and
  /// faulted in by the kernel) once per load rather than once per column.
  func read<T: BitwiseCopyable>(_ name: String, count: Int? = nil, rows kept: [Int32]? = nil)
    throws -> [T]
  {
    guard let rowid = rows[name] else { throw CacheMismatch(reason: "no column \(name)") }
    var handle: OpaquePointer?
    guard
      sqlite3_blob_open(connection, "main", "ledger_cache", "data", rowid, 0, &handle)
        == SQLITE_OK, let blob = handle
    else {
      sqlite3_blob_close(handle)
      throw CacheMismatch(reason: "cannot open \(name)")
    }
    defer { sqlite3_blob_close(blob) }
    let size = Int(sqlite3_blob_bytes(blob))
    let stride = MemoryLayout<T>.stride
    guard size % stride == 0, count.map({ $0 == size / stride }) ?? true else {
      throw CacheMismatch(reason: "\(name) has \(size) bytes")
    }
    let n = size / stride
    // One blob is at most SQLITE_MAX_LENGTH (1 GB by default), so offsets fit in Int32.
    func readAll(into base: UnsafeMutableRawPointer) throws {
      guard sqlite3_blob_read(blob, base, Int32(size), 0) == SQLITE_OK else {
        throw CacheMismatch(reason: "cannot read \(name)")
      }
    }
    guard let kept else {
      return try [T](unsafeUninitializedCapacity: n) { buffer, initialized in
        if let base = UnsafeMutableRawBufferPointer(buffer).baseAddress, size > 0 {
          try readAll(into: base)
        }
        initialized = n
      }
    }
    guard kept.allSatisfy({ $0 >= 0 && Int($0) < n }) else {
      throw CacheMismatch(reason: "\(name): a row out of range")
    }
    guard let base = scratch.buffer(size).baseAddress, size > 0 else { return [] }
    try readAll(into: base)
    let all = UnsafeRawPointer(base)
    return kept.map { all.load(fromByteOffset: Int($0) * stride, as: T.self) }
  }

  /// The strings written by ``CacheWriter/putStrings(_:_:)``.
  func strings(_ name: String) throws -> [String] {
    let bytes: [UInt8] = try read(name + ".bytes")
    let ends: [Int64] = try read(name + ".ends")
    var strings: [String] = []
    strings.reserveCapacity(ends.count)
    try bytes.withUnsafeBufferPointer { all in
      var start = 0
      for end in ends {
        guard end >= start, end <= all.count else { throw CacheMismatch(reason: name) }
        strings.append(String(decoding: all[start..<Int(end)], as: UTF8.self))
        start = Int(end)
      }
    }
    return strings
  }

  /// The dictionary and the codes written by ``CacheWriter/putWords(_:count:_:)`` (the codes
  /// of `rows` only, when given).
  func words(_ name: String, count: Int, rows kept: [Int32]? = nil) throws -> (
    words: [String], codes: [Int32]
  ) {
    let words = try strings(name)
    let codes: [Int32] = try read(name, count: count, rows: kept)
    let bound = Int32(words.count)
    guard codes.allSatisfy({ $0 >= -1 && $0 < bound }) else { throw CacheMismatch(reason: name) }
    return (words, codes)
  }
}

/// A buffer of raw bytes that grows to the largest size asked for and is reused: the
/// scratch space of ``CacheReader/read(_:count:rows:)``.
private final class Scratch {
  private var bytes = UnsafeMutableRawBufferPointer(start: nil, count: 0)

  /// At least `size` bytes (their contents undefined), valid until the next call.
  func buffer(_ size: Int) -> UnsafeMutableRawBufferPointer {
    if bytes.count < size {
      bytes.deallocate()
      bytes = .allocate(byteCount: size, alignment: 16)
    }
    return bytes
  }

  deinit { bytes.deallocate() }
}

extension Store {
  /// For a writer of many rows, first thing inside its transaction: drops the triggers that
  /// advance the generation (they would run a statement per row), advances it once and
  /// empties the cache. ``resumeLedgerTriggers(_:)`` must follow before the commit.
  static func suspendLedgerTriggers(_ db: Database) throws {
    for t in ledgerTriggers { try db.execute(sql: "DROP TRIGGER IF EXISTS \(t.name)") }
    try db.execute(sql: "UPDATE store_generation SET generation = generation + 1")
    try db.execute(sql: "DELETE FROM ledger_cache")
  }

  /// Creates the triggers ``suspendLedgerTriggers(_:)`` dropped.
  static func resumeLedgerTriggers(_ db: Database) throws {
    for t in ledgerTriggers { try db.execute(sql: t.sql) }
    try endTriggers(db)
  }

  /// A view kept after the generation triggers in `sqlite_master`: a row created there takes
  /// the largest rowid plus one, so a trigger dropped and created again would get its old
  /// rowid back if it were the last row.
  static let triggersEnd = "ledger_triggers_end"

  /// Makes ``triggersEnd`` the last row of `sqlite_master` (the schema's newest object).
  static func endTriggers(_ db: Database) throws {
    let last = try String.fetchOne(
      db, sql: "SELECT name FROM sqlite_master ORDER BY rowid DESC LIMIT 1")
    guard last != triggersEnd else { return }
    try db.execute(sql: "DROP VIEW IF EXISTS \(triggersEnd)")
    try db.execute(sql: "CREATE VIEW \(triggersEnd) AS SELECT 1 AS placeholder")
  }

  /// Puts back every trigger that is missing or not exactly our own (another tool replaced
  /// it, or it now belongs to a table renamed away), and ``triggersEnd`` after them.
  static func repairLedgerTriggers(_ db: Database) throws {
    let found = try ledgerTriggerSQL(db)
    for t in ledgerTriggers where found[t.name] != t.stored {
      try db.execute(sql: "DROP TRIGGER IF EXISTS \(t.name)")
      try db.execute(sql: t.sql)
    }
    try endTriggers(db)
  }

  /// The SQL of the generation triggers present, by name.
  private static func ledgerTriggerSQL(_ db: Database) throws -> [String: String] {
    let names = ledgerTriggers.map(\.name)
    var found: [String: String] = [:]
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
        AND name IN (\(names.map { _ in "?" }.joined(separator: ", ")))
        """, arguments: StatementArguments(names))
    {
      found[row[0]] = row[1]
    }
    return found
  }

  /// The store's generation: advanced by every change to a ledger table. Nil when its row
  /// is missing (then no cache is read or written).
  static func generation(_ db: Database) throws -> Int64? {
    try Int64.fetchOne(db, sql: "SELECT generation FROM store_generation WHERE id = 1")
  }

  /// Whether every trigger that advances the generation exists, exactly as this code writes
  /// it (a same-named trigger that does something else does not count).
  static func hasLedgerTriggers(_ db: Database) throws -> Bool {
    let found = try ledgerTriggerSQL(db)
    return ledgerTriggers.allSatisfy { found[$0.name] == $0.stored }
  }

  /// What a ledger cache must match to be used: the generation, a hash of where each
  /// generation trigger sits in `sqlite_master` (name and rowid), and per ledger table
  /// (``LedgerTable`` order) its root page, a hash of its CREATE statement, its row count and
  /// its largest rowid. Nil without a generation row (then no cache is read or written).
  /// O(tables · entries of each table's smallest index): SQLite counts a table by walking
  /// its narrowest b-tree (a few milliseconds per million rows).
  static func ledgerStamp(_ db: Database) throws -> [Int64]? {
    guard let generation = try generation(db) else { return nil }
    let names = ledgerTriggers.map(\.name)
    let places = try Row.fetchAll(
      db,
      sql: """
        SELECT name, rowid FROM sqlite_master WHERE type = 'trigger'
        AND name IN (\(names.map { _ in "?" }.joined(separator: ", "))) ORDER BY name
        """, arguments: StatementArguments(names)
    ).map { "\($0[0] as String):\($0[1] as Int64)" }
    var stamp = [generation, fnv1a(places.joined(separator: ","))]
    for table in LedgerTable.allCases {
      let name = "\(table)"
      let row = try Row.fetchOne(
        db, sql: "SELECT rootpage, sql FROM sqlite_master WHERE type = 'table' AND name = ?",
        arguments: [name])
      let rootpage: Int64 = row?[0] ?? 0
      let sql: String = row?[1] ?? ""
      // Two statements: SQLite counts a table by its narrowest b-tree and finds the largest
      // rowid by one descent only when each is the query's sole aggregate (together they
      // scan the table: 40 ms instead of 4 ms for 700 k rows).
      let count = try Int64.fetchOne(db, sql: "SELECT count(*) FROM \(name)") ?? 0
      let last = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM \(name)") ?? 0
      stamp += [rootpage, fnv1a(sql), count, last]
    }
    return stamp
  }

  /// The row count of `table` in `stamp` (from ``ledgerStamp(_:)``).
  static func rowCount(of table: LedgerTable, in stamp: [Int64]) -> Int64 {
    stamp[2 + 4 * table.rawValue + 2]
  }

  /// The cached ledger with the rows `selection` names, if the cache is current and
  /// consistent; nil otherwise.
  func cachedLedger(_ selection: LedgerSelection = .everything) throws -> Ledger? {
    try pool.read { db -> Ledger? in
      guard let stamp = try Store.ledgerStamp(db), try Store.hasLedgerTriggers(db) else {
        return nil
      }
      var rows: [String: Int64] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT name, rowid FROM ledger_cache") {
        rows[row[0]] = row[1]
      }
      guard !rows.isEmpty, let connection = db.sqliteConnection else { return nil }
      do {
        return try Ledger.readCache(
          from: CacheReader(connection: connection, rows: rows), stamp: stamp,
          selection: selection)
      } catch is CacheMismatch {
        return nil
      }
    }
  }

  /// Stores `ledger`, read when the store's stamp was `stamp`, as the cache, unless the store
  /// has changed since (then the next reader builds it), the store is read-only, or another
  /// connection is writing (this one does not wait). Puts back any missing or altered
  /// trigger. Returns whether it was stored.
  @discardableResult
  func saveLedgerCache(_ ledger: Ledger, stamp: [Int64]?) throws -> Bool {
    guard let stamp, !isReadOnly else { return false }
    return try pool.writeWithoutTransaction { db in
      let connection = db.sqliteConnection
      sqlite3_busy_timeout(connection, 0)
      defer { sqlite3_busy_timeout(connection, Int32(Store.busyTimeout * 1000)) }
      var saved = false
      try db.inTransaction(.immediate) {
        guard try Store.ledgerStamp(db) == stamp else { return .rollback }
        try Store.repairLedgerTriggers(db)
        // Putting a trigger back moves it in sqlite_master: the cache holds the stamp as
        // it will be committed.
        guard let now = try Store.ledgerStamp(db) else { return .rollback }
        try db.execute(sql: "DELETE FROM ledger_cache")
        try ledger.writeCache(to: CacheWriter(db), stamp: now)
        saved = true
        return .commit
      }
      return saved
    }
  }

  /// Builds the ledger cache from the tables now, in one write transaction, so that the
  /// next command reads the cache rather than the tables: the importer calls it after it
  /// commits (issue 20: the first report after an import cost 6 warm ones).
  ///
  /// Best effort, like ``saveLedgerCache(_:stamp:)``: nothing is stored when the store is
  /// read-only, another connection holds the write lock (this one does not wait), the
  /// store has no generation, or its rows break the store's rules (the next read then
  /// reads the tables and reports them). The tables are read on this one connection,
  /// inside the transaction that writes the cache (so the two cannot disagree, and a kill
  /// leaves the store with either no cache or this one), in two halves — the parties,
  /// invoices, payments, adjustments and cases, then the activities, promises and tasks —
  /// each written and released before the next is read, so memory holds half the ledger,
  /// not all of it. O(rows). Returns whether it was stored.
  @discardableResult
  public func refreshLedgerCache() throws -> Bool {
    guard !isReadOnly else { return false }
    return try pool.writeWithoutTransaction { db in
      let connection = db.sqliteConnection
      sqlite3_busy_timeout(connection, 0)
      defer { sqlite3_busy_timeout(connection, Int32(Store.busyTimeout * 1000)) }
      var saved = false
      do {
        try db.inTransaction(.immediate) {
          saved = try Store.writeLedgerCache(db)
          return saved ? .commit : .rollback
        }
      } catch let error as DatabaseError
        where error.resultCode.primaryResultCode == .SQLITE_BUSY
      {
        return false  // another connection is writing: not waited for
      }
      return saved
    }
  }

  /// The body of ``refreshLedgerCache()``'s transaction: reads the tables in two halves and
  /// writes the cache; false (then rolled back) when the store has no generation or its rows
  /// break the store's rules.
  private static func writeLedgerCache(_ db: Database) throws -> Bool {
    try repairLedgerTriggers(db)
    guard let stamp = try ledgerStamp(db) else { return false }
    try db.execute(sql: "DELETE FROM ledger_cache")
    let w = try CacheWriter(db)
    let first: Set<LedgerTable> = [.reps, .customers, .invoices, .payments, .adjustments, .cases]
    // The amounts `checked` sums, kept across the halves (copy-on-write: no copy).
    var amounts = Ledger()
    var part = Ledger()
    let (reps, customers) = try Ledger.loadParties(db, into: &part)
    try Ledger.loadMoneyAndCases(db, into: &part, reps: reps, customers: customers)
    guard !part.breaksRules else { return false }
    try part.writeColumns(to: w, of: first)
    var counts = part.rowCounts
    amounts.invoiceAmount = part.invoiceAmount
    amounts.paymentAmount = part.paymentAmount
    amounts.adjustmentAmount = part.adjustmentAmount
    part = Ledger()  // released before the second half is read
    part = try Ledger.loadWork(db, .everything, reps: reps, customers: customers)
    amounts.promiseAmount = part.promiseAmount
    guard !part.breaksRules, amounts.amountsFit else { return false }
    try part.writeColumns(to: w, of: Set(LedgerTable.allCases).subtracting(first))
    for t in LedgerTable.allCases where !first.contains(t) {
      counts[t.rawValue] = part.rowCounts[t.rawValue]
    }
    try Ledger.writeHeader(to: w, stamp: stamp, rowCounts: counts)
    return true
  }

  /// Every row of the ledger cache (the header included) by name: what tests compare.
  func ledgerCacheRows() throws -> [String: Data] {
    try pool.read { db in
      var rows: [String: Data] = [:]
      for row in try Row.fetchAll(db, sql: "SELECT name, data FROM ledger_cache") {
        rows[row[0]] = row[1]
      }
      return rows
    }
  }

  /// What the ledger cache holds: whether it is current (by its header: built by these
  /// rules for the store as it is now, every trigger in place), and its size in bytes.
  public func ledgerCacheStatus() throws -> (current: Bool, bytes: Int) {
    try reading {
      try pool.read { db in
        let bytes =
          try Int.fetchOne(db, sql: "SELECT sum(length(data)) FROM ledger_cache") ?? 0
        guard
          let data = try Data.fetchOne(
            db, sql: "SELECT data FROM ledger_cache WHERE name = 'header'"),
          data.count % 8 == 0, let stamp = try Store.ledgerStamp(db),
          try Store.hasLedgerTriggers(db)
        else { return (false, bytes) }
        let header = data.withUnsafeBytes { raw in
          (0..<data.count / 8).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) }
        }
        return (Ledger.headerMatches(header, stamp: stamp), bytes)
      }
    }
  }
}
