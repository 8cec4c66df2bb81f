import ArcadenceCore
import Foundation
import GRDB

/// Days `from...to` (inclusive) for choosing dated rows; empty when `from > to`.
public struct DayWindow: Sendable, Equatable {
  public var from: Int32
  public var to: Int32

  public init(from: Int32, to: Int32) {
    self.from = from
    self.to = to
  }

  /// Every day.
  public static let all = DayWindow(from: .min, to: .max)
  /// No day.
  public static let none = DayWindow(from: 1, to: 0)

  /// Whether every day of `period` is in the window.
  public func covers(_ period: Period) -> Bool {
    from <= period.from.rawValue && period.to.rawValue <= to
  }

  /// The smallest window holding every day of `periods`.
  public init(covering periods: [Period]) {
    self.init(
      from: periods.map(\.from.rawValue).min() ?? 1, to: periods.map(\.to.rawValue).max() ?? 0)
  }
}

/// Which dated rows a ``Ledger`` holds. Activities, promises and tasks are most of a store's
/// rows (about 60 % at scale) while a KPI pack reads only those of its periods, so commands
/// about one period hold just those (read from the tables, only those rows are read; from
/// the ledger cache, the others are dropped after reading); everything else (reps,
/// customers, invoices, payments, adjustments, cases) is always loaded whole, since balances
/// and open cases depend on all of history.
public struct LedgerSelection: Sendable, Equatable {
  /// Activities whose UTC day of `occurred_at` is in the window.
  public var activities: DayWindow
  /// Promises whose `made_on` is in the window.
  public var promises: DayWindow
  /// Tasks whose `due_on` is in the window.
  public var tasks: DayWindow

  /// The columns and indices a job can do without that are held (the others are empty).
  public var columns: LedgerColumns

  public init(
    activities: DayWindow, promises: DayWindow, tasks: DayWindow, columns: LedgerColumns = .all
  ) {
    self.activities = activities
    self.promises = promises
    self.tasks = tasks
    self.columns = columns
  }

  /// Every row.
  public static let everything = LedgerSelection(activities: .all, promises: .all, tasks: .all)

  /// What the KPI engine reads for `periods` (kpis.md): activities, promises made and
  /// tasks due within them, and every column but the invoices' ids, the activities'
  /// customers and outcomes and the tasks' customers and kinds (no KPI reads them).
  public static func kpis(covering periods: [Period]) -> LedgerSelection {
    let w = DayWindow(covering: periods)
    return LedgerSelection(
      activities: w, promises: w, tasks: w, columns: [.activityDetails, .customerPayments])
  }

  /// Whether the KPI engine can compute `period` from a ledger loaded this way.
  public func covers(_ period: Period) -> Bool {
    activities.covers(period) && promises.covers(period) && tasks.covers(period)
  }
}

/// Columns of a ``Ledger`` that a job may leave out (``LedgerSelection/columns``): one that is
/// not chosen is empty, and reading it is a programming error that the tests catch (its
/// index is out of range). Every other column is always held. At 50,000 customers the
/// invoices' ids are 37 MB once read (bytes, offsets and a `String` each) and the payments
/// per customer 25 MB of index; a column of a dated table read in part is copied whole
/// before its rows are picked, so each one left out saves that copy too.
public struct LedgerColumns: OptionSet, Sendable, Hashable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// `invoiceIds`.
  public static let invoiceIds = LedgerColumns(rawValue: 1 << 0)
  /// `activityCustomer`.
  public static let activityCustomers = LedgerColumns(rawValue: 1 << 1)
  /// `activityRep`, `activityChannel`, `activityOutbound` and `activityReached` (an
  /// activity's day is always held).
  public static let activityDetails = LedgerColumns(rawValue: 1 << 2)
  /// `activityOutcome`.
  public static let activityOutcomes = LedgerColumns(rawValue: 1 << 3)
  /// `taskCustomer` and `taskKind` (a task's rep and days are always held).
  public static let taskDetails = LedgerColumns(rawValue: 1 << 4)
  /// The payments per customer (`customerPaymentStart`, `customerPaymentDay`,
  /// `customerPaymentTotal`, read by ``Ledger/customerPayments(_:from:to:)``).
  public static let customerPayments = LedgerColumns(rawValue: 1 << 5)
  /// Every column.
  public static let all: LedgerColumns = [
    .invoiceIds, .activityCustomers, .activityDetails, .activityOutcomes, .taskDetails,
    .customerPayments,
  ]

  /// The cached columns (``Ledger/cachedColumns``' names) left out without these.
  var omittedNames: Set<String> {
    var names: Set<String> = []
    if !contains(.invoiceIds) { names.insert("invoiceIds") }
    if !contains(.activityCustomers) { names.insert("activityCustomer") }
    if !contains(.activityDetails) {
      names.formUnion(["activityRep", "activityChannel", "activityOutbound", "activityReached"])
    }
    if !contains(.activityOutcomes) { names.insert("activityOutcome") }
    if !contains(.taskDetails) { names.formUnion(["taskCustomer", "taskKind"]) }
    return names
  }
}

extension Store {
  /// Loads the store (or the rows `selection` names) into a ``Ledger``, as one consistent
  /// snapshot.
  ///
  /// With `useCache` (the default) the ledger comes from the store's ledger cache when that
  /// is current (a copy of blobs, O(rows) with a small constant); otherwise the whole ledger
  /// is read from the tables and then saved as the cache, so the first command after a
  /// change pays for the next ones. Saving is best effort: when another process holds the
  /// write lock or has changed the store meanwhile, the ledger is returned unsaved. Without
  /// `useCache`, only the tables are read, and only the rows `selection` names.
  public func loadLedger(_ selection: LedgerSelection = .everything, useCache: Bool = true)
    throws -> Ledger
  {
    try reading {
      guard useCache else {
        return try checked(try loadTables(selection).ledger.restricted(to: selection))
      }
      // A cached ledger passed `checked` whole when it was saved (amounts are never
      // negative there, so any part of it fits too).
      if let cached = try? cachedLedger(selection) { return try checked(cached) }
      let (ledger, stamp) = try loadTables(.everything)
      try checked(ledger)  // a ledger that breaks the rules is never cached
      _ = try? saveLedgerCache(ledger, stamp: stamp)
      return ledger.restricted(to: selection)
    }
  }

  /// `ledger`, unless it holds rows that break the store's rules (written by another tool:
  /// the importer checks every row): then the error lists them (``ruleBreaks(_:)``).
  @discardableResult
  func checked(_ ledger: Ledger) throws -> Ledger {
    if ledger.breaksRules { throw try pool.read { try ruleBreakError($0) } }
    guard ledger.amountsFit else {
      throw ArcadenceError(
        .invalidData,
        "the amounts in the store \(path) add up to more than \(Cents.plain(Int64.max)), more than "
          + "arcadence can count (written by another tool?); fix or remove those rows, or "
          + "re-import")
    }
    return ledger
  }

  /// Reads the tables, with the store's ``ledgerStamp(_:)`` when they were read.
  ///
  /// Two connections read at the same time: one the parties, invoices, adjustments and cases,
  /// the other the activities, promises and tasks and then, once the first has indexed the
  /// invoices, the payments (the two halves take about the same time). SQLite on
  /// Linux has no shared-snapshot API, so consistency is checked instead: `PRAGMA
  /// data_version` is read before the first transaction starts and after both have
  /// ended, and if any other connection committed in between, the load is retried
  /// (after three tries, a single transaction reads everything).
  func loadTables(_ selection: LedgerSelection) throws -> (ledger: Ledger, stamp: [Int64]?) {
    // A store being built (``withStore(creatingAt:_:)``) has one connection: the parallel
    // load's second reader would wait for the first for ever.
    for _ in 0..<3 where pool is DatabasePool {
      if let loaded = try loadInParallel(selection) { return loaded }
    }
    return try pool.read { db in (try Ledger.load(db, selection), try Store.ledgerStamp(db)) }
  }

  /// One parallel load, or nil when a write was committed during it.
  private func loadInParallel(_ selection: LedgerSelection) throws -> (Ledger, [Int64]?)? {
    let work = Handoff<Result<Ledger, any Error>>()
    let invoiceIndex = Handoff<ByteKeyIndex>()
    let group = DispatchGroup()
    defer { group.wait() }
    return try pool.unsafeRead { db -> (Ledger, [Int64]?)? in
      let version = "PRAGMA data_version"
      let before = try Int.fetchOne(db, sql: version)
      var l = Ledger()
      l.selection = selection
      var stamp: [Int64]?
      try db.inTransaction(.deferred) {
        stamp = try Store.ledgerStamp(db)
        let (reps, customers) = try Ledger.loadParties(db, into: &l)
        let pool = pool
        DispatchQueue.global().async(group: group) {
          work.set(
            Result {
              try pool.read { db in
                var part = try Ledger.loadWork(db, selection, reps: reps, customers: customers)
                guard let invoices = invoiceIndex.wait() else {
                  throw ArcadenceError(.database, "the invoices could not be read")
                }
                try Ledger.loadPayments(db, into: &part, customers: customers, invoices: invoices)
                return part
              }
            })
        }
        defer { invoiceIndex.close() }  // never leave the other thread waiting
        try Ledger.loadMoneyAndCases(
          db, into: &l, reps: reps, customers: customers, payments: false,
          publish: invoiceIndex.set)
        group.wait()
        return .commit
      }
      guard try Int.fetchOne(db, sql: version) == before else { return nil }
      // The worker has finished (group.wait above), so this does not wait.
      guard let part = work.wait() else {
        throw ArcadenceError(.database, "internal: a ledger part was not loaded")
      }
      l.take(try part.get(), payments: true)
      l.buildIndexes()
      return (l, stamp)
    }
  }
}

/// A value one thread publishes once and another waits for (nil if closed without one).
private final class Handoff<T: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  private var value: T?
  private var closed = false

  func set(_ value: T) {
    condition.lock()
    self.value = value
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }

  func wait() -> T? {
    condition.lock()
    defer { condition.unlock() }
    while !closed { condition.wait() }
    return value
  }
}

/// An upper bound of a table's row count, for reserving array capacity: its largest rowid
/// (rows are never deleted by arcadence), at most 100 million.
private func rowidBound(_ db: Database, _ table: String) throws -> Int {
  min(try Int.fetchOne(db, sql: "SELECT max(rowid) FROM \(table)") ?? 0, 100_000_000)
}

extension DayWindow {
  /// A `WHERE` clause choosing the window's rows by `column` (days, or seconds when
  /// `seconds`); empty for every day. The bounds are integers of our own, not user text.
  /// The tables are scanned `NOT INDEXED`: reading every row in storage order is several
  /// times faster than an index range whose rows are scattered over the file (measured on
  /// 1.4 M activities, a quarter of 24 months).
  fileprivate func `where`(_ column: String, seconds: Bool = false) -> String {
    if self == .all { return "" }
    if from > to { return "WHERE 0" }
    let lo = seconds ? Int64(from) * 86_400 : Int64(from)
    let hi = seconds ? Int64(to) * 86_400 + 86_399 : Int64(to)
    return "WHERE \(column) BETWEEN \(lo) AND \(hi)"
  }
}

// Every table is read with a plain scan (no joins): ids are resolved to dense indices with
// hash maps built from the parent tables, which costs far less than SQLite's text-key B-tree
// look-ups per row.
extension Ledger {
  /// Reads the rows `selection` names in one read transaction, single-threaded.
  static func load(_ db: Database, _ selection: LedgerSelection) throws -> Ledger {
    var l = Ledger()
    l.selection = selection
    let (reps, customers) = try loadParties(db, into: &l)
    try loadMoneyAndCases(db, into: &l, reps: reps, customers: customers)
    l.take(try loadWork(db, selection, reps: reps, customers: customers))
    l.buildIndexes()
    return l
  }

  /// Reps and customers; returns their id indexes.
  static func loadParties(_ db: Database, into l: inout Ledger) throws -> (
    reps: ByteKeyIndex, customers: ByteKeyIndex
  ) {
    var rows = LedgerRows()
    var bad = false
    defer { if bad { l.breaksRules = true } }
    try FastStatement(db, sql: LedgerRows.query(.reps)).forEachRow { rows.rep($0, to: &l) }
    rows.reps = ByteKeyIndex(l.repIds)
    try FastStatement(db, sql: LedgerRows.query(.customers)).forEachRow {
      rows.customer($0, to: &l, &bad)
    }
    return (rows.reps, ByteKeyIndex(l.customerIds))
  }

  /// Invoices, payments (unless `payments` is false), adjustments and cases; `publish`
  /// receives the invoice index as soon as it is built.
  static func loadMoneyAndCases(
    _ db: Database, into l: inout Ledger, reps: ByteKeyIndex, customers: ByteKeyIndex,
    payments: Bool = true, publish: (ByteKeyIndex) -> Void = { _ in }
  ) throws {
    // Arrays sized once (max(rowid) is a B-tree descent, not a scan): growing them by
    // doubling cost a tenth of a load in copies and page faults.
    let invoiceCount = try rowidBound(db, "invoices")
    l.invoiceCustomer.reserveCapacity(invoiceCount)
    l.invoiceIssued.reserveCapacity(invoiceCount)
    l.invoiceDue.reserveCapacity(invoiceCount)
    l.invoiceAmount.reserveCapacity(invoiceCount)
    l.invoiceIds.reserveCapacity(invoiceCount)
    var rows = LedgerRows(reps: reps, customers: customers)
    var bad = false
    defer { if bad { l.breaksRules = true } }
    try FastStatement(db, sql: LedgerRows.query(.invoices)).forEachRow {
      rows.invoice($0, to: &l, &bad)
    }
    rows.invoices = ByteKeyIndex(l.invoiceIds)
    publish(rows.invoices)
    if payments {
      try loadPayments(db, into: &l, customers: customers, invoices: rows.invoices)
    }
    try FastStatement(db, sql: LedgerRows.query(.adjustments)).forEachRow {
      rows.adjustment($0, to: &l, &bad)
    }
    try FastStatement(db, sql: LedgerRows.query(.cases)).forEachRow {
      rows.case($0, to: &l, &bad)
    }
  }

  /// Payments.
  static func loadPayments(
    _ db: Database, into l: inout Ledger, customers: ByteKeyIndex, invoices: ByteKeyIndex
  ) throws {
    let paymentCount = try rowidBound(db, "payments")
    l.paymentCustomer.reserveCapacity(paymentCount)
    l.paymentInvoice.reserveCapacity(paymentCount)
    l.paymentReceived.reserveCapacity(paymentCount)
    l.paymentAmount.reserveCapacity(paymentCount)
    let rows = LedgerRows(customers: customers, invoices: invoices)
    var bad = false
    defer { if bad { l.breaksRules = true } }
    try FastStatement(db, sql: LedgerRows.query(.payments)).forEachRow {
      rows.payment($0, to: &l, &bad)
    }
  }

  /// The activities, promises and tasks `selection` names, in a ledger of their own
  /// (merged with ``take(_:)``), so that another connection can read them at the same time.
  static func loadWork(
    _ db: Database, _ selection: LedgerSelection, reps: ByteKeyIndex, customers: ByteKeyIndex
  ) throws -> Ledger {
    var l = Ledger()
    let rows = LedgerRows(reps: reps, customers: customers)
    var bad = false
    try FastStatement(
      db,
      sql: LedgerRows.query(.activities, selection.activities.where("occurred_at", seconds: true))
    ).forEachRow { rows.activity($0, to: &l, &bad) }
    try FastStatement(db, sql: LedgerRows.query(.promises, selection.promises.where("made_on")))
      .forEachRow { rows.promise($0, to: &l, &bad) }
    try FastStatement(db, sql: LedgerRows.query(.tasks, selection.tasks.where("due_on")))
      .forEachRow { rows.task($0, to: &l, &bad) }
    if bad { l.breaksRules = true }
    return l
  }

  /// Moves the activities, promises and tasks of `work` (from ``loadWork``) into this ledger,
  /// and its payments too when `payments`.
  mutating func take(_ work: Ledger, payments: Bool = false) {
    breaksRules = breaksRules || work.breaksRules
    let tables: [LedgerTable] = (payments ? [.payments] : []) + [.activities, .promises, .tasks]
    for column in Ledger.columnMoves where tables.contains(column.table) {
      column.take(&self, work)
    }
  }

  /// Builds the per-invoice event lists and, unless `selection` leaves them out
  /// (``LedgerColumns/customerPayments``), the per-customer payment totals. O(rows + Σ
  /// k log k over owners with k rows out of day order).
  ///
  /// Each index is a counting sort written straight into its final columns (no row-index
  /// permutation, no intermediate copies: fresh pages were the larger part of a load), then
  /// each owner's rows, which are in row order, stably ordered by day where they are not
  /// already (``orderByDay(_:start:carrying:_:)``): the order of the sort by (day, row) it
  /// replaces, payments before adjustments.
  mutating func buildIndexes() {
    // Events of each invoice: its applied payments, then its adjustments, in row order.
    let invoices = invoiceAmount.count
    var start = [Int32](repeating: 0, count: invoices + 1)
    for o in paymentInvoice where o >= 0 { start[Int(o) + 1] += 1 }
    for o in adjustmentInvoice where o >= 0 { start[Int(o) + 1] += 1 }
    for i in 0..<invoices { start[i + 1] += start[i] }
    let events = Int(start[invoices])
    var days = [Int32](repeating: 0, count: events)
    var amounts = [Int64](repeating: 0, count: events)
    var kinds = [EventKind](repeating: .payment, count: events)
    var fill = start
    for k in paymentInvoice.indices where paymentInvoice[k] >= 0 {
      let o = Int(paymentInvoice[k])
      let p = Int(fill[o])
      days[p] = paymentReceived[k]
      amounts[p] = paymentAmount[k]
      fill[o] += 1
    }
    for k in adjustmentInvoice.indices where adjustmentInvoice[k] >= 0 {
      let o = Int(adjustmentInvoice[k])
      let p = Int(fill[o])
      days[p] = adjustmentPosted[k]
      amounts[p] = adjustmentAmount[k]
      kinds[p] = adjustmentIsCreditMemo[k] ? .creditMemo : .writeOff
      fill[o] += 1
    }
    fill = []
    amounts.withUnsafeMutableBufferPointer {
      Ledger.orderByDay(&days, start: start, carrying: $0, &kinds)
    }
    invoiceEventStart = start
    eventDay = days
    eventAmount = amounts
    eventKind = kinds
    guard selection.columns.contains(.customerPayments) else {
      customerPaymentStart = []
      customerPaymentDay = []
      customerPaymentTotal = []
      return
    }

    // Payments of each customer, by day, with running totals: each payment's amount is put
    // at its position + 1 of the totals, ordered with its day, then summed in place.
    let customers = customerIds.count
    var byCustomer = [Int32](repeating: 0, count: customers + 1)
    for o in paymentCustomer where o >= 0 { byCustomer[Int(o) + 1] += 1 }
    for c in 0..<customers { byCustomer[c + 1] += byCustomer[c] }
    let payments = Int(byCustomer[customers])
    var paidDays = [Int32](repeating: 0, count: payments)
    var totals = [Int64](repeating: 0, count: payments + 1)
    fill = byCustomer
    for k in paymentCustomer.indices where paymentCustomer[k] >= 0 {
      let o = Int(paymentCustomer[k])
      let p = Int(fill[o])
      paidDays[p] = paymentReceived[k]
      totals[p + 1] = paymentAmount[k]
      fill[o] += 1
    }
    fill = []
    totals.withUnsafeMutableBufferPointer { all in
      // The amounts sit one place after their days.
      var none: [EventKind] = []
      Ledger.orderByDay(
        &paidDays, start: byCustomer, carrying: UnsafeMutableBufferPointer(rebasing: all[1...]),
        &none)
      for k in 0..<payments {
        // Wrapping: a ledger whose amounts do not fit is refused before any report
        // (``amountsFit``), and building it must not trap first.
        all[k + 1] = all[k] &+ all[k + 1]
      }
    }
    customerPaymentStart = byCustomer
    customerPaymentDay = paidDays
    customerPaymentTotal = totals
  }

  /// Orders each owner's rows `start[o]..<start[o + 1]` of `days` by day, stably (rows of
  /// equal days keep their order), moving `amounts` and `kinds` (when not empty) with them.
  /// An owner whose rows are already in day order (the usual case) is only read.
  /// O(rows), plus k log k for an owner of k rows out of order.
  static func orderByDay(
    _ days: inout [Int32], start: [Int32], carrying amounts: UnsafeMutableBufferPointer<Int64>,
    _ kinds: inout [EventKind]
  ) {
    for o in 0..<max(start.count - 1, 0) where start[o + 1] - start[o] > 1 {
      let rows = Int(start[o])..<Int(start[o + 1])
      guard rows.dropLast().contains(where: { days[$0] > days[$0 + 1] }) else { continue }
      let order = rows.sorted { (days[$0], $0) < (days[$1], $1) }
      let d = order.map { days[$0] }
      let a = order.map { amounts[$0] }
      let kk = kinds.isEmpty ? [] : order.map { kinds[$0] }
      for k in order.indices {
        days[rows.lowerBound + k] = d[k]
        amounts[rows.lowerBound + k] = a[k]
        if !kk.isEmpty { kinds[rows.lowerBound + k] = kk[k] }
      }
    }
  }

}
