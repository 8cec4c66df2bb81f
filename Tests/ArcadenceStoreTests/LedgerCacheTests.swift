import ArcadenceCore
import Foundation
import GRDB
import Testing

@testable import ArcadenceStore

/// The ledger cache: built by the first read, read back exactly, made stale by any write to
/// a ledger table (the importer's own or another tool's), ignored when damaged.
@Suite struct LedgerCacheTests {
  let fx = Fixture()

  /// The basic files plus two customers whose ids and names are canonically equivalent
  /// but differ in bytes ("É" precomposed and "E" + combining acute).
  var files: [String: String] {
    var f = basicFiles
    f["customers.csv"]! += "\u{C9}1,Caf\u{E9},smb,R1,30,2026-01-01,,\n"
    f["customers.csv"]! += "E\u{301}1,Cafe\u{301},smb,R1,30,2026-01-01,,\n"
    return f
  }

  /// The files imported, without the ledger cache the import builds (as a store that
  /// another tool wrote, or whose cache a write made stale).
  func loaded() throws -> Store {
    let store = try imported()
    try damage(store, "DELETE FROM ledger_cache")
    return store
  }

  /// The files imported (the import builds the ledger cache).
  func imported() throws -> Store {
    let store = try fx.store()
    _ = try Importer().run(directory: fx.folder("ok", files), into: store)
    return store
  }

  /// Every string of a ledger as bytes (`==` on `String` ignores canonical equivalence).
  func bytes(_ l: Ledger) -> [[UInt8]] {
    let texts: [[String]] = [
      l.repIds, l.repNames, l.customerIds, l.customerNames, l.invoiceIds, l.caseIds,
      l.activityOutcome, l.taskKind,
    ]
    let optional: [[String?]] = [
      l.repTeams, l.customerSegments, l.caseRootCause, l.caseEscalationReason,
    ]
    return (texts.flatMap { $0 } + optional.flatMap { $0.map { $0 ?? "<nil>" } })
      .map { Array($0.utf8) }
  }

  func triggers(_ store: Store) throws -> [String] {
    try store.pool.read { db in
      try String.fetchAll(
        db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    }
  }

  func damage(_ store: Store, _ sql: String) throws {
    try store.pool.write { db in try db.execute(sql: sql) }
  }

  /// The properties of ``Ledger`` built from the others after a load, or not columns.
  static let notColumns: Set<String> = [
    "selection", "breaksRules", "invoiceEventStart", "eventDay", "eventAmount", "eventKind",
    "customerPaymentStart", "customerPaymentDay", "customerPaymentTotal",
  ]

  /// A column added to ``Ledger`` but not to the cache's list, or to both but not to the
  /// loader, fails here: every column is cached once and loaded with one value per row of
  /// its table.
  @Test func everyLedgerColumnIsCachedOnceAndLoadedWithARowPerRowOfItsTable() throws {
    let properties = Mirror(reflecting: Ledger()).children.compactMap(\.label)
    let cached = Ledger.cachedColumns.map(\.name)
    #expect(Set(cached).count == cached.count)
    #expect(Set(properties).subtracting(Self.notColumns) == Set(cached))

    // The fixture: reps R1 R2; customers C1 C2 and the two "É1"s; invoices I1 I2; payments
    // P1 P2; adjustment A1; activity T1; promise PR1; case K1; tasks TK1 TK2.
    let rows: [LedgerTable: Int] = [
      .reps: 2, .customers: 4, .invoices: 2, .payments: 2, .adjustments: 1, .activities: 1,
      .promises: 1, .cases: 1, .tasks: 2,
    ]
    let store = try loaded()
    for ledger in [try store.loadLedger(useCache: false), try store.loadLedger()] {
      let counts = Self.columnCounts(ledger)
      for column in Ledger.cachedColumns {
        #expect(counts[column.name] == rows[column.table], "\(column.name)")
      }
    }
  }

  /// The number of values in each column of `ledger`, by property name.
  static func columnCounts(_ ledger: Ledger) -> [String: Int] {
    var counts: [String: Int] = [:]
    for child in Mirror(reflecting: ledger).children {
      if let label = child.label, let column = child.value as? any Collection {
        counts[label] = column.count
      }
    }
    return counts
  }

  /// `restricted(to:)` and `take(_:payments:)` move the columns of `Ledger.cachedColumns`
  /// (``Ledger/columnMoves``), so a column added to that list is restricted and taken with
  /// no edit of its own: restricted to no dated row, every column of the activities, promises
  /// and tasks is empty and every other whole; taken into an empty ledger, exactly those
  /// columns (and the payments' when asked) arrive.
  @Test func restrictingAndTakingMoveEveryColumnOfTheirTables() throws {
    let whole = try loaded().loadLedger()
    let none = LedgerSelection(activities: .none, promises: .none, tasks: .none)
    // The fixture: reps R1 R2; customers C1 C2 and the two "É1"s; invoices I1 I2; payments
    // P1 P2; adjustment A1; case K1; its activity T1, promise PR1 and tasks TK1 TK2 dropped.
    let restricted: [LedgerTable: Int] = [
      .reps: 2, .customers: 4, .invoices: 2, .payments: 2, .adjustments: 1, .activities: 0,
      .promises: 0, .cases: 1, .tasks: 0,
    ]
    var work = Ledger()
    work.take(whole)
    let taken: [LedgerTable: Int] = [
      .reps: 0, .customers: 0, .invoices: 0, .payments: 0, .adjustments: 0, .activities: 1,
      .promises: 1, .cases: 0, .tasks: 2,
    ]
    var withPayments = Ledger()
    withPayments.take(whole, payments: true)
    for (ledger, rows) in [
      (whole.restricted(to: none), restricted), (work, taken),
      (withPayments, taken.merging([.payments: 2]) { $1 }),
    ] {
      let counts = Self.columnCounts(ledger)
      for column in Ledger.cachedColumns {
        #expect(counts[column.name] == rows[column.table], "\(column.name)")
      }
    }
  }

  @Test func theFirstReadBuildsTheCacheAndLaterReadsGetTheSameLedger() throws {
    let store = try loaded()
    #expect(try store.ledgerCacheStatus().current == false)
    let tables = try store.loadLedger(useCache: false)
    #expect(try store.ledgerCacheStatus().current == false)  // reading the tables writes nothing
    #expect(tables.customerIds.count == 4)

    #expect(try store.loadLedger() == tables)  // read from the tables, then cached
    let status = try store.ledgerCacheStatus()
    #expect(status.current && status.bytes > 0)
    let cached = try #require(try store.cachedLedger())
    #expect(cached == tables)
    #expect(bytes(cached) == bytes(tables))
    #expect(cached.eventDay == tables.eventDay && cached.customerPaymentTotal.count == 3)
  }

  @Test func aSelectionFromTheCacheHoldsTheRowsOfTheSameSelectionFromTheTables() throws {
    let store = try loaded()
    _ = try store.loadLedger()
    let feb = DayWindow(
      from: Day(iso: "2026-02-01")!.rawValue, to: Day(iso: "2026-02-28")!.rawValue)
    for selection in [
      LedgerSelection(activities: feb, promises: feb, tasks: .none),
      LedgerSelection(activities: .none, promises: .all, tasks: feb),
      .kpis(covering: [Period(from: Day(iso: "2026-03-01")!, to: Day(iso: "2026-03-31")!)]),
      // What `aging --by customer` reads: no activity column but customer and day.
      LedgerSelection(
        activities: feb, promises: .none, tasks: .none, columns: [.invoiceIds, .activityCustomers]),
    ] {
      let fromCache = try store.loadLedger(selection)
      #expect(fromCache == (try store.loadLedger(selection, useCache: false)))
      #expect(fromCache.selection == selection)
    }
  }

  @Test func anyWriteToALedgerTableMakesTheCacheStale() throws {
    let store = try loaded()
    _ = try store.loadLedger()
    try damage(store, "UPDATE invoices SET amount = 12345 WHERE invoice_id = 'I1'")
    #expect(try store.ledgerCacheStatus().current == false)
    let updated = try store.loadLedger()
    #expect(updated.invoiceAmount[updated.invoiceIds.firstIndex(of: "I1")!] == 12345)
    #expect(try store.ledgerCacheStatus().current)

    try damage(store, "DELETE FROM tasks")
    #expect(try store.loadLedger().taskDue.isEmpty)
    try damage(
      store, "INSERT INTO reps (rep_id, name, team, active) VALUES ('R9', 'New', NULL, 1)")
    #expect(try store.loadLedger().repIds.contains("R9"))
    #expect(try store.loadLedger() == (try store.loadLedger(useCache: false)))
  }

  @Test func anImportRebuildsTheCacheAndAFailedOneLeavesItAsItWas() throws {
    let store = try imported()
    #expect(try store.ledgerCacheStatus().current)  // built by the import, not a report
    let first = try #require(try store.cachedLedger())
    #expect(first == (try store.loadLedger(useCache: false)))
    #expect(first.invoiceIds == ["I1", "I2"] && first.invoiceAmount == [100_000, 25_050])
    let names = try triggers(store)
    #expect(names.count == 27)

    let more = fx.folder(
      "more",
      [
        "invoices.csv":
          "invoice_id,customer_id,issued_on,due_on,amount\nI3,C1,2026-03-01,2026-03-31,7\n"
      ])
    _ = try Importer().run(directory: more, into: store)
    #expect(try store.ledgerCacheStatus().current)
    #expect(try triggers(store) == names)
    let cached = try #require(try store.cachedLedger())
    #expect(cached.invoiceIds == ["I1", "I2", "I3"])
    #expect(cached.invoiceAmount == [100_000, 25_050, 700])
    // I3 belongs to C1 (customers by id bytes: C1, C2, E\u{301}1, É1) and has no events.
    #expect(cached.invoiceCustomer == [0, 1, 0] && cached.invoiceEventStart == [0, 2, 2, 2])
    #expect(cached == (try store.loadLedger(useCache: false)))

    let bad = fx.folder(
      "bad",
      [
        "invoices.csv":
          "invoice_id,customer_id,issued_on,due_on,amount\nI4,C9,2026-03-01,2026-03-31,7\n"
      ])
    #expect(throws: ArcadenceError.self) { try Importer().run(directory: bad, into: store) }
    #expect(try store.ledgerCacheStatus().current)
    #expect(try store.cachedLedger() == cached)
    #expect(try triggers(store) == names)
  }

  /// An import into an empty store builds the cache from the rows it writes
  /// (``LedgerCollector``): byte for byte the cache a refresh builds by reading the tables
  /// back, with reps, customers and cases out of id order in their files (the load reads
  /// them by id: R1 < R10 < R2 bytewise, "E\u{301}1" < "É1").
  @Test func aFirstImportBuildsTheCacheARefreshWouldBuild() throws {
    var f = files
    f["reps.csv"] = "rep_id,name,team,active\nR2,Bo,West,\nR1,Ann Lee,,true\nR10,Cy,East,\n"
    f["cases.csv"] =
      f["cases.csv"]!.replacingOccurrences(
        of: "customer_confirmed\n",
        with: "customer_confirmed\nK2,C1,,R10,2026-02-02T10:00:00Z,2026-02-04T12:00:00Z,"
          + "inbound_email,billing,,,found,checked,credited,true\n")
    let store = try fx.store()
    let summary = try Importer().run(directory: fx.folder("unordered", f), into: store)
    #expect(summary.cacheFromRows)
    #expect(try store.ledgerCacheStatus().current)
    let collected = try store.ledgerCacheRows()
    let cached = try #require(try store.cachedLedger())
    #expect(cached.repIds == ["R1", "R10", "R2"] && cached.repTeams == [nil, "East", "West"])
    #expect(cached.customerRep == [0, 2, 0, 0])  // C1, C2, E\u{301}1, É1
    #expect(cached.customerIds.map { Array($0.utf8) }.last == Array("\u{C9}1".utf8))
    #expect(cached.caseIds == ["K1", "K2"] && cached.caseDocumented == [false, true])
    #expect(cached.caseRep == [2, 1] && cached.caseInvoice == [1, -1])

    try damage(store, "DELETE FROM ledger_cache")
    #expect(try store.refreshLedgerCache())
    #expect(try store.ledgerCacheRows() == collected)
    #expect(try store.cachedLedger() == (try store.loadLedger(useCache: false)))
  }

  /// A second source of a table (here the same customers file twice, the second upserting
  /// the first's rows) or a store that has rows: the cache is built by reading the tables
  /// back after the commit, as before.
  @Test func anImportTheRowsDoNotDescribeIsCachedByARefresh() throws {
    let folder = fx.folder("twice", files)
    let customers = (folder as NSString).appendingPathComponent("customers.csv")
    let reps = (folder as NSString).appendingPathComponent("reps.csv")
    let store = try fx.store()
    let summary = try Importer().run(
      sources: [
        try ContractFile(entity: .reps, path: reps, maxFieldBytes: 1 << 20),
        try ContractFile(entity: .customers, path: customers, maxFieldBytes: 1 << 20),
        try ContractFile(entity: .customers, path: customers, maxFieldBytes: 1 << 20),
      ], into: store)
    #expect(!summary.cacheFromRows)
    #expect(try store.ledgerCacheStatus().current)
    #expect(try store.cachedLedger()?.customerIds.count == 4)

    let again = try Importer().run(directory: folder, into: store)
    #expect(!again.cacheFromRows)
    #expect(try store.ledgerCacheStatus().current)
    #expect(try store.cachedLedger() == (try store.loadLedger(useCache: false)))
  }

  /// An empty store whose tables another tool has changed (a collation that orders ids
  /// another way, a trigger that rewrites rows, its table named in capitals as SQLite keeps
  /// it): the rows imported do not describe the tables, so the cache is built from the tables
  /// after the commit.
  @Test func anEmptyStoreWithOtherTablesIsCachedFromItsTables() throws {
    var f = files
    f["reps.csv"] = "rep_id,name,team,active\nR1,Ann Lee,,true\nR2,Bo,,\nr0,Cy,,\n"
    for (name, change) in [
      (
        "collation",
        """
        DROP TABLE reps;
        CREATE TABLE reps (rep_id TEXT PRIMARY KEY COLLATE NOCASE NOT NULL, name TEXT NOT NULL,
          team TEXT, active INTEGER NOT NULL DEFAULT 1)
        """
      ),
      (
        "trigger",
        """
        CREATE TRIGGER shout AFTER INSERT ON REPS
        BEGIN UPDATE reps SET name = upper(name) WHERE rowid = new.rowid; END
        """
      ),
    ] {
      let store = try fx.store(name + ".sqlite")
      try damage(store, change)
      let summary = try Importer().run(directory: fx.folder(name, f), into: store)
      #expect(!summary.cacheFromRows, "\(name)")
      #expect(try store.ledgerCacheStatus().current)
      let cached = try #require(try store.cachedLedger())
      #expect(cached == (try store.loadLedger(useCache: false)))
      if name == "collation" {
        #expect(cached.repIds == ["r0", "R1", "R2"])
      } else {
        #expect(cached.repNames == ["ANN LEE", "BO", "CY"])
      }
    }
  }

  @Test func aRefreshDoesNotWaitForAnotherWriter() throws {
    let store = try loaded()
    var holding = Configuration()
    holding.allowsUnsafeTransactions = true  // the transaction stays open between accesses
    let other = try DatabaseQueue(path: store.path, configuration: holding)
    try other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
    #expect(try store.refreshLedgerCache() == false)
    try other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
    #expect(try store.ledgerCacheStatus().bytes == 0)
    #expect(try store.refreshLedgerCache())
    #expect(try store.cachedLedger() == (try store.loadLedger(useCache: false)))
  }

  @Test func rowsThatBreakTheRulesAreNotCachedByARefresh() throws {
    let store = try imported()
    // Another tool writes a task of a rep that does not exist (foreign keys off for it).
    try store.pool.writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA foreign_keys = OFF")
      try db.execute(
        sql: """
          INSERT INTO tasks (task_id, rep_id, customer_id, invoice_id, kind, due_on)
          VALUES ('X1', 'R9', 'C1', NULL, 'call', 20500)
          """)
      try db.execute(sql: "PRAGMA foreign_keys = ON")
    }
    #expect(try store.refreshLedgerCache() == false)
    #expect(try store.ledgerCacheStatus().current == false)
    #expect(throws: ArcadenceError.self) { try store.loadLedger() }
  }

  @Test func aSelectionReadFromTheCacheChecksTheRowsItKeeps() throws {
    let store = try imported()
    let feb = DayWindow(
      from: Day(iso: "2026-02-01")!.rawValue, to: Day(iso: "2026-02-28")!.rawValue)
    let selection = LedgerSelection(activities: feb, promises: feb, tasks: feb)
    let part = try #require(try store.cachedLedger(selection))
    #expect(part == (try store.loadLedger(selection, useCache: false)))
    #expect(part.activityDay.count == 1 && part.promiseAmount == [60_000])
    // A task kind code out of the dictionary, on a kept row: the cache is not used.
    let tasks = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM tasks")
    }
    let codes = String(repeating: "05000000", count: tasks ?? 0)
    try damage(store, "UPDATE ledger_cache SET data = x'\(codes)' WHERE name = 'taskKind'")
    #expect(try store.cachedLedger(selection) == nil)
    #expect(try store.loadLedger(selection) == part)  // read from the tables instead
  }

  @Test func aDamagedCacheIsIgnoredAndRebuilt() throws {
    let store = try loaded()
    let tables = try store.loadLedger(useCache: false)
    for sql in [
      "UPDATE ledger_cache SET data = x'00' WHERE name = 'invoiceAmount'",  // wrong length
      // payment 1 refers to invoice 7 of 2
      "UPDATE ledger_cache SET data = x'07000000ffffffff' WHERE name = 'paymentInvoice'",
      "UPDATE ledger_cache SET data = x'09' WHERE name = 'activityChannel'",  // no channel 9
      "UPDATE ledger_cache SET data = x'05000000' WHERE name = 'taskKind'",  // no word 5
      "DELETE FROM ledger_cache WHERE name = 'caseIds.ends'",
      "UPDATE ledger_cache SET data = x'0200000000000000' WHERE name = 'header'",
      // written by other rules (fingerprint 0)
      "UPDATE ledger_cache SET data = zeroblob(8) || substr(data, 9) WHERE name = 'header'",
      // 2^62 reps: a count whose byte size overflows
      """
      UPDATE ledger_cache SET data = substr(data, 1, 16) || x'0000000000000040'
        || substr(data, 25) WHERE name = 'header'
      """,
    ] {
      _ = try store.loadLedger()
      #expect(try store.cachedLedger() != nil)
      try damage(store, sql)
      #expect(try store.cachedLedger() == nil, "\(sql)")
      #expect(try store.loadLedger() == tables, "\(sql)")
      #expect(try store.cachedLedger() == tables, "\(sql)")
    }
  }

  @Test func aTableRebuiltWithoutItsTriggersIsNotReadFromTheCache() throws {
    let store = try loaded()
    _ = try store.loadLedger()
    // What a tool altering a table does: copy, drop (its triggers go too), rename; then
    // later writes no longer advance the generation.
    try damage(
      store,
      """
      CREATE TABLE new_tasks AS SELECT * FROM tasks;
      DROP TABLE tasks;
      ALTER TABLE new_tasks RENAME TO tasks;
      UPDATE tasks SET due_on = due_on + 1;
      """)
    #expect(try store.ledgerCacheStatus().current == false)
    #expect(try store.cachedLedger() == nil)
    let fresh = try store.loadLedger()
    #expect(fresh == (try store.loadLedger(useCache: false)))
    #expect(try triggers(store).count == 27)  // the save put them back
    try damage(store, "UPDATE tasks SET due_on = due_on + 1")
    #expect(try store.loadLedger().taskDue == fresh.taskDue.map { $0 + 1 })
  }

  @Test func withoutAGenerationNothingIsCached() throws {
    let store = try loaded()
    try damage(store, "DELETE FROM store_generation")
    let ledger = try store.loadLedger()
    #expect(ledger == (try store.loadLedger(useCache: false)))
    #expect(try store.ledgerCacheStatus().bytes == 0)
  }

  @Test func theCacheIsNotWrittenWhileAnotherConnectionWrites() throws {
    let store = try loaded()
    var holding = Configuration()
    holding.allowsUnsafeTransactions = true  // the transaction stays open between accesses
    let other = try DatabaseQueue(path: store.path, configuration: holding)
    try other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
    let ledger = try store.loadLedger()  // does not wait for the other writer
    try other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
    #expect(ledger == (try store.loadLedger(useCache: false)))
    #expect(try store.ledgerCacheStatus().bytes == 0)
    _ = try store.loadLedger()
    #expect(try store.ledgerCacheStatus().current)
  }
}
