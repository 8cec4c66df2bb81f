import ArcadenceTestSupport
import Foundation
import GRDB
import Testing

@testable import ArcadenceCore
@testable import ArcadenceStore

/// Import and store-write faults (issue 13, items 1, 2, 6, 8, 14 and the unclear errors).
@Suite struct ImportFaultTests {
  // MARK: - Helpers

  /// A dataset of `n` customers, each with two invoices and a payment on the first one;
  /// `amount` scales every amount (to tell an upsert from the rows it replaces).
  static func generated(customers n: Int, amount: Int = 100, from first: Int = 0) -> [String:
    String]
  {
    var reps = "rep_id,name,team,active\n"
    for r in 0..<10 { reps += "R\(r),Rep number \(r),T\(r % 3),true\n" }
    var customers =
      "customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,autopay_cancelled_on\n"
    var invoices = "invoice_id,customer_id,issued_on,due_on,amount\n"
    var payments = "payment_id,customer_id,invoice_id,received_on,amount,method\n"
    for c in first..<(first + n) {
      customers += "C\(c),Customer with a longish name \(c),smb,R\(c % 10),30,2025-01-01,,\n"
      invoices += "I\(c)a,C\(c),2025-02-01,2025-03-03,\(amount + c % 7).25\n"
      invoices += "I\(c)b,C\(c),2025-03-01,2025-03-31,\(amount * 2)\n"
      payments += "P\(c),C\(c),I\(c)a,2025-03-10,\(amount / 2),ach\n"
    }
    return [
      "reps.csv": reps, "customers.csv": customers, "invoices.csv": invoices,
      "payments.csv": payments,
    ]
  }

  /// Every row of every table of the contract, as text: two stores with equal snapshots hold
  /// the same data.
  static func snapshot(_ store: Store) throws -> [String] {
    try store.pool.read { db in
      var out: [String] = []
      for e in Entity.allCases {
        for row in try Row.fetchAll(db, sql: "SELECT * FROM \(e.table) ORDER BY rowid") {
          out.append(e.rawValue + ": " + row.description)
        }
      }
      out.append(
        "generation: \(try Int64.fetchOne(db, sql: "SELECT generation FROM store_generation") ?? -1)"
      )
      out.append(
        "fk violations: \(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count)")
      out.append(
        "indices: "
          + (try String.fetchAll(
            db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"
          )
          .joined(separator: " ")))
      return out
    }
  }

  static func pageCount(_ store: Store) throws -> Int {
    try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
  }

  /// Removes the ledger cache an import builds and compacts the file, so that page counts
  /// measure the tables alone (the cache's pages are freed and reused by the next import).
  static func dropCache(_ store: Store) throws {
    try store.pool.writeWithoutTransaction { db in
      try db.execute(sql: "DELETE FROM ledger_cache")
      try db.execute(sql: "VACUUM")
    }
  }

  /// Caps the store's size at `pages` pages (SQLite's `max_page_count`), as a full disk would.
  static func limit(_ store: Store, pages: Int) throws {
    try store.pool.writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA max_page_count = \(pages)")
    }
  }

  static func newStorePath() throws -> String {
    try Hostile.temporaryDirectory("store") + "/arcadence.sqlite"
  }

  /// The error an import into `store` throws (nil when it succeeds).
  static func importError(
    _ files: [String: String], into store: Store, importer: Importer = Importer()
  )
    throws -> ArcadenceError?
  {
    do {
      _ = try importer.run(directory: try Hostile.dataset(files), into: store)
      return nil
    } catch let e as ArcadenceError {
      return e
    }
  }

  static func fullMessage(_ store: Store) -> String {
    "cannot import: the store \(store.path) is full (no space left on its disk, or its size "
      + "limit reached); nothing was imported"
  }

  // MARK: - Item 1: a full store rolls the whole import back

  /// A new store filled to several levels: the import fails with a message that names the
  /// store and says nothing was imported, and the store holds exactly what it held before.
  @Test(arguments: [0, 1, 2, 3, 5, 7, 9])
  func fullNewStoreIsUnchanged(tenths: Int) throws {
    let files = Self.generated(customers: 2_000)
    let reference = try Store(path: try Self.newStorePath())
    let empty = try Self.pageCount(reference)
    _ = try Importer().run(directory: try Hostile.dataset(files), into: reference)
    try Self.dropCache(reference)
    let full = try Self.pageCount(reference)
    #expect(full > empty + 50)

    let store = try Store(path: try Self.newStorePath())
    let before = try Self.snapshot(store)
    try Self.limit(store, pages: empty + (full - empty) * tenths / 10)
    let error = try Self.importError(files, into: store)
    #expect(error?.message == Self.fullMessage(store))
    #expect(error?.code == .database)
    #expect(try Self.snapshot(store) == before)
    #expect(try store.counts().values.reduce(0, +) == 0)
  }

  /// An upsert import (rows replaced and rows added) into a store that already holds data:
  /// on a full store, every row stays as it was.
  @Test(arguments: [0, 2, 5, 8])
  func fullExistingStoreIsUnchanged(tenths: Int) throws {
    let first = Self.generated(customers: 1_000)
    // Half the customers again with new amounts (upserts), and 1,000 new ones.
    var second = Self.generated(customers: 1_000, amount: 300, from: 500)
    second["reps.csv"] = nil

    let reference = try Store(path: try Self.newStorePath())
    _ = try Importer().run(directory: try Hostile.dataset(first), into: reference)
    try Self.dropCache(reference)
    let loaded = try Self.pageCount(reference)
    _ = try Importer().run(directory: try Hostile.dataset(second), into: reference)
    try Self.dropCache(reference)
    let full = try Self.pageCount(reference)
    #expect(full > loaded + 20)

    let store = try Store(path: try Self.newStorePath())
    _ = try Importer().run(directory: try Hostile.dataset(first), into: store)
    try Self.dropCache(store)
    let before = try Self.snapshot(store)
    try Self.limit(store, pages: loaded + (full - loaded) * tenths / 10)
    let error = try Self.importError(second, into: store)
    #expect(error?.message == Self.fullMessage(store))
    #expect(try Self.snapshot(store) == before)
  }

  /// A real full file system (a 3 MB tmpfs), through the CLI: the message names the store,
  /// nothing is left behind in the new store's place, and the exit is an ordinary failure.
  @Test(.enabled(if: TinyDisk.available, "needs root to mount a tmpfs (mount -t tmpfs)"))
  func fullDiskThroughTheCLI() throws {
    let disk = try TinyDisk(megabytes: 3)
    defer { disk.unmount() }
    let data = try Hostile.dataset(Self.generated(customers: 20_000))
    let store = disk.path + "/arcadence.sqlite"
    let r = try Hostile.run(["import", "--db", store, data])
    #expect(r.status == 1)
    #expect(
      r.err
        == "error: cannot import: the store \(store) is full (no space left on its disk, or its "
        + "size limit reached); nothing was imported\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path) == [])
  }

  // MARK: - Unclear error: a failed import into a new store leaves no file

  @Test func failedImportIntoNewStoreRemovesIt() throws {
    var files = HandFixture.files
    files["invoices.csv"] =
      "invoice_id,customer_id,issued_on,due_on,amount\nI1,C9,2026-01-01,2026-01-31,10\n"
    let data = try Hostile.dataset(files)
    let dir = try Hostile.temporaryDirectory("store")
    let store = dir + "/new.sqlite"
    let r = try Hostile.run(["import", "--db", store, data])
    #expect(r.status == 1)
    #expect(
      r.err.contains(
        "invoices.csv:2: column customer_id: no customer with this id in the import or the store (value \"C9\")"
      ))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
  }

  // MARK: - A new store is built beside its path and moved into place (issue 20)

  /// The first import builds the store in a side file and moves it into place: afterwards
  /// the folder holds the store alone, in WAL mode like every store, with its ledger cache.
  @Test func newStoreIsBuiltAsideAndMovedIntoPlace() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let path = dir + "/new.sqlite"
    let r = try Hostile.run(["import", "--db", path, try Hostile.dataset(HandFixture.files)])
    #expect(r.status == 0, "\(r.err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["new.sqlite"])
    let store = try Store(path: path, create: false)
    #expect(try store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    #expect(try store.ledgerCacheStatus().current)
    #expect(try store.counts()[.invoices] == 7)
  }

  /// A build left by a killed import (its lock free) is removed by the next import of the
  /// same store; a build another process is still making (locked), and another store's,
  /// are left alone.
  @Test func abandonedBuildsAreRemovedLiveOnesKept() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let fm = FileManager.default
    for name in [
      "s.sqlite.importing-1-a", "s.sqlite.importing-1-a-journal", "s.sqlite.importing-2-b",
      "s.sqlite.importing-4-d.new", "s.sqlite.importing-6-f.new", "s.sqlite.importing-archive",
      "t.sqlite.importing-3-c",
    ] {
      #expect(fm.createFile(atPath: dir + "/" + name, contents: Data("x".utf8)))
    }
    // A `.new` file a kill left before its rename, two minutes old; a FIFO by a build's name
    // (opening it must not block).
    try fm.setAttributes(
      [.modificationDate: Date().addingTimeInterval(-120)],
      ofItemAtPath: dir + "/s.sqlite.importing-6-f.new")
    #expect(mkfifo(dir + "/s.sqlite.importing-5-e", 0o644) == 0)
    let live = open(dir + "/s.sqlite.importing-2-b", O_RDONLY)
    defer { close(live) }
    #expect(flock(live, LOCK_EX) == 0)
    let r = try Hostile.run([
      "import", "--db", dir + "/s.sqlite", try Hostile.dataset(HandFixture.files),
    ])
    #expect(r.status == 0, "\(r.err)")
    #expect(
      try fm.contentsOfDirectory(atPath: dir).sorted()
        == [
          "s.sqlite", "s.sqlite.importing-2-b", "s.sqlite.importing-4-d.new",
          "s.sqlite.importing-5-e", "s.sqlite.importing-archive", "t.sqlite.importing-3-c",
        ])
  }

  /// A store killed while open leaves its write-ahead log; the store file is then removed by
  /// hand. A first import at that path must not move a finished store beside that log
  /// (SQLite would replay the old store's pages onto it): it is made in place, where SQLite
  /// discards the log, and holds exactly the new rows.
  @Test func aLogLeftBesideAMissingStoreIsNotReplayed() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let path = dir + "/s.sqlite"
    let fm = FileManager.default
    let first = try Hostile.run([
      "import", "--db", path, try Hostile.dataset(Self.generated(customers: 300)),
    ])
    #expect(first.status == 0, "\(first.err)")
    do {
      let queue = try DatabaseQueue(path: path)
      try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        try db.execute(sql: "UPDATE reps SET name = 'from the old store'")
      }
      try fm.copyItem(atPath: path + "-wal", toPath: dir + "/saved-wal")
    }
    for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
    try fm.moveItem(atPath: dir + "/saved-wal", toPath: path + "-wal")
    let r = try Hostile.run(["import", "--db", path, try Hostile.dataset(HandFixture.files)])
    #expect(r.status == 0, "\(r.err)")
    let store = try Store(path: path, create: false)
    #expect(try store.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
    #expect(try store.counts()[.invoices] == 7)
    #expect(
      try store.pool.read {
        try Int.fetchOne($0, sql: "SELECT count(*) FROM reps WHERE name = 'from the old store'")
      } == 0)
  }

  /// A relative store path given from the root folder (`/`, common in containers): the
  /// store's SQLite URI must not read its first folder as a host name.
  @Test func aRelativeStorePathFromTheRootFolder() throws {
    let path = try Self.newStorePath()
    let p = Process()
    p.executableURL = Hostile.executable
    p.currentDirectoryURL = URL(fileURLWithPath: "/")
    p.arguments = [
      "import", "--db", String(path.drop { $0 == "/" }), try Hostile.dataset(HandFixture.files),
    ]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(try Store(path: path, create: false).counts()[.invoices] == 7)
  }

  /// A store whose name leaves no room for the build's suffix is made in place, as before.
  @Test func aLongStoreNameIsMadeInPlace() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let name = String(repeating: "n", count: 240) + ".sqlite"
    let r = try Hostile.run([
      "import", "--db", dir + "/" + name, try Hostile.dataset(HandFixture.files),
    ])
    #expect(r.status == 0, "\(r.err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [name])
  }

  /// The store being built has one connection: reading the ledger from it (no cache yet)
  /// takes the one-transaction path, not the parallel load, whose second reader would wait
  /// for the first for ever.
  @Test func aStoreBeingBuiltReadsItsLedger() throws {
    let path = try Self.newStorePath()
    let invoices = try Store.withStore(creatingAt: path) { store -> Int in
      _ = try Importer().run(directory: try Hostile.dataset(HandFixture.files), into: store)
      try Self.dropCache(store)
      return try store.loadLedger().invoiceAmount.count
    }
    #expect(invoices == 7)
  }

  /// `kill -9` while a first import builds the store: nothing is at the store's path (no
  /// half-built store to read), and the next import removes the leftover and succeeds.
  @Test func killedFirstImportLeavesNoStore() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let path = dir + "/killed.sqlite"
    let data = try Hostile.dataset(Self.generated(customers: 5_000))
    let p = Process()
    p.executableURL = Hostile.executable
    p.arguments = ["import", "--db", path, data]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    let fm = FileManager.default
    let deadline = Date().addingTimeInterval(60)
    func building() -> Bool {
      ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).contains { $0.contains(".importing-") }
    }
    while !building(), p.isRunning, Date() < deadline { usleep(2_000) }
    usleep(50_000)  // into the import's transaction
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
    #expect(p.terminationReason == .uncaughtSignal, "the import ended before it was killed")
    #expect(!fm.fileExists(atPath: path))
    #expect(building())
    let r = try Hostile.run(["import", "--db", path, data])
    #expect(r.status == 0, "\(r.err)")
    #expect(try fm.contentsOfDirectory(atPath: dir) == ["killed.sqlite"])
    #expect(try Store(path: path, create: false).counts()[.customers] == 5_000)
  }

  /// Another process creates the store while this import builds it: this import's build is
  /// dropped and it runs again on that store, as if the store had existed (rows upserted).
  @Test func aStoreMadeMeanwhileGetsTheImportToo() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let path = dir + "/shared.sqlite"
    let data = try Hostile.dataset(HandFixture.files)
    var runs = 0
    let rows = try Store.withStore(creatingAt: path) { store -> Int in
      runs += 1
      if runs == 1 {
        let other = try Hostile.run(["import", "--db", path, data])
        #expect(other.status == 0, "\(other.err)")
      }
      _ = try Importer().run(directory: data, into: store)
      return try store.counts()[.invoices] ?? -1
    }
    #expect(runs == 2)
    #expect(rows == 7)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: dir).filter {
        !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm")
      } == ["shared.sqlite"])
  }

  @Test func failedImportKeepsAnExistingStore() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let store = dir + "/kept.sqlite"
    let good = try Hostile.run(["import", "--db", store, try Hostile.dataset(HandFixture.files)])
    #expect(good.status == 0, "\(good.err)")
    let before = try Self.snapshot(try Store(path: store))
    var files = HandFixture.files
    files["invoices.csv"] =
      "invoice_id,customer_id,issued_on,due_on,amount\nI1,C9,2026-01-01,2026-01-31,10\n"
    let r = try Hostile.run(["import", "--db", store, try Hostile.dataset(files)])
    #expect(r.status == 1)
    #expect(FileManager.default.fileExists(atPath: store))
    #expect(try Self.snapshot(try Store(path: store)) == before)
  }

  // MARK: - Item 2: NUL bytes

  @Test func nulInAnIdIsRejectedNotTruncated() throws {
    var files = HandFixture.files.filter { ["reps.csv", "customers.csv"].contains($0.key) }
    files["invoices.csv"] =
      "invoice_id,customer_id,issued_on,due_on,amount\nI1,C1,2026-01-10,2026-02-09,1000.00\n"
      + "I1\u{0}x,C1,2026-01-10,2026-02-09,5.00\n"
    let store = try Store(path: try Self.newStorePath())
    let error = try Self.importError(files, into: store)
    #expect(
      error?.details == [
        "invoices.csv:3: column invoice_id: contains a NUL byte (value \"I1\\u{0}x\")"
      ])
  }

  @Test func nulInTextAndQuotedFieldsIsRejected() throws {
    var files: [String: String] = [:]
    files["reps.csv"] =
      "rep_id,name,team,active\nR1,Ann\u{0}Lead,A,true\nR2,\"Bo\u{0}\",A,true\nR3,Cy,A,false\nR4,Di,,true\n"
    let store = try Store(path: try Self.newStorePath())
    let error = try Self.importError(files, into: store)
    #expect(
      error?.details == [
        "reps.csv:2: column name: contains a NUL byte (value \"Ann\\u{0}Lead\")",
        "reps.csv:3: column name: contains a NUL byte (value \"Bo\\u{0}\")",
      ])
  }

  /// Text is bound with its byte length: a NUL inside it survives the round trip.
  @Test func fastStatementBindsTheWholeText() throws {
    let store = try Store(path: try Self.newStorePath())
    let text = "a\u{0}b\u{0}"
    let back: String? = try store.pool.write { db in
      try db.execute(sql: "CREATE TEMP TABLE t (x TEXT)")
      let insert = try FastStatement(db, sql: "INSERT INTO temp.t (x) VALUES (?)")
      try insert.bind([.text(text)])
      try insert.execute()
      let other = try FastStatement(db, sql: "INSERT INTO temp.t (x) VALUES (?)")
      try other.bind(text: text, at: 1)
      try other.execute()
      let read = try FastStatement(db, sql: "SELECT x, length(CAST(x AS BLOB)) FROM temp.t")
      var all: [String] = []
      try read.forEachRow { row in
        #expect(row.integer(1) == 4)
        all.append(row.text(0) ?? "nil")
      }
      return all == [text, text] ? text : all.joined(separator: "|")
    }
    #expect(back == text)
  }

  // MARK: - Item 6: what import accepts, export writes and import reads back

  @Test func timestampsOutsideTheExportableRangeAreRejected() throws {
    var files = HandFixture.files
    let header = "activity_id,customer_id,invoice_id,rep_id,occurred_at,channel,direction,outcome\n"
    files["activities.csv"] =
      header + "X1,C1,,R1,0001-01-01T00:00:00+14:00,call,outbound,reached\n"
      + "X2,C1,,R1,9999-12-31T23:00:00-05:00,call,outbound,reached\n"
      + "X3,C1,,R1,0001-01-01T00:00:00-00:01,call,outbound,reached\n"
    let store = try Store(path: try Self.newStorePath())
    let error = try Self.importError(files, into: store)
    let reason =
      "out of range: must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z in UTC"
    #expect(
      error?.details == [
        "activities.csv:2: column occurred_at: \(reason) (value \"0001-01-01T00:00:00+14:00\")",
        "activities.csv:3: column occurred_at: \(reason) (value \"9999-12-31T23:00:00-05:00\")",
      ])
  }

  @Test func extremeDatesAndTimestampsRoundTrip() throws {
    var files = HandFixture.files
    let header = "activity_id,customer_id,invoice_id,rep_id,occurred_at,channel,direction,outcome\n"
    files["activities.csv"] =
      header + "X1,C1,,R1,0001-01-01T00:00:00Z,call,outbound,reached\n"
      + "X2,C1,,R1,9999-12-31T23:59:59Z,call,outbound,reached\n"
      + "X3,C1,,R1,0001-01-01T14:00:00+14:00,call,outbound,reached\n"
      + "X4,C1,,R1,9999-12-31T18:59:59.9-05:00,call,outbound,reached\n"
      + "X5,C1,,R1,0001-01-01,call,outbound,reached\n"
    files["invoices.csv"] =
      "invoice_id,customer_id,issued_on,due_on,amount\n"
      + "I1,C1,0001-01-01,9999-12-31,100000000000.00\nI2,C1,0001-01-01,0001-01-01,0.01\n"
    files["payments.csv"] = "payment_id,customer_id,invoice_id,received_on,amount,method\n"
    files["adjustments.csv"] = "adjustment_id,invoice_id,posted_on,amount,kind\n"
    files["promises.csv"] = nil
    files["cases.csv"] = nil
    files["tasks.csv"] = nil
    let first = try Store(path: try Self.newStorePath())
    _ = try Importer().run(directory: try Hostile.dataset(files), into: first)
    let exported = try Hostile.temporaryDirectory("export")
    try Exporter.run(store: first, directory: exported)
    let activities = try String(contentsOfFile: exported + "/activities.csv", encoding: .utf8)
    #expect(
      activities.split(separator: "\n").dropFirst().map {
        $0.split(separator: ",", omittingEmptySubsequences: false)[4]
      } == [
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
      ])
    let second = try Store(path: try Self.newStorePath())
    _ = try Importer().run(directory: exported, into: second)
    #expect(try Self.snapshot(second) == Self.snapshot(first))
  }

  // MARK: - Item 8: amounts and totals that fit Int64

  @Test func tooLargeAmountsSaySo() throws {
    var files = HandFixture.files
    files["invoices.csv"] =
      "invoice_id,customer_id,issued_on,due_on,amount\n"
      + "I1,C1,2026-01-10,2026-02-09,100000000000.01\n"
      + "I2,C1,2026-01-10,2026-02-09,99999999999999.99\n"
      + "I3,C1,2026-01-10,2026-02-09,999999999999999999999999\n"
      + "I4,C1,2026-01-10,2026-02-09,100000000000.00\n"
    files["payments.csv"] = nil
    files["adjustments.csv"] = nil
    files["activities.csv"] = nil
    files["promises.csv"] = nil
    files["cases.csv"] = nil
    files["tasks.csv"] = nil
    let store = try Store(path: try Self.newStorePath())
    let error = try Self.importError(files, into: store)
    let reason = "too large: at most 100000000000.00"
    #expect(
      error?.details == [
        "invoices.csv:2: column amount: \(reason) (value \"100000000000.01\")",
        "invoices.csv:3: column amount: \(reason) (value \"99999999999999.99\")",
        "invoices.csv:4: column amount: \(reason) (value \"999999999999999999999999\")",
      ])
  }

  /// The bounds leave room: every money table at its limit, all four summed, fit Int64.
  @Test func boundsKeepSumsInsideInt64() {
    #expect(Cents.maximumAmount == 10_000_000_000_000)
    #expect(Cents.maximumTableTotal == 1 << 60)
    let (sum, overflow) = Cents.maximumTableTotal.multipliedReportingOverflow(by: 4)
    #expect(!overflow && sum > 0)
    #expect(Cents.maximumTableTotal / Cents.maximumAmount == 115_292)
  }

  /// A money table whose total would pass the store-wide limit fails the import (here with
  /// a small limit; the real one, 2^60 cents, needs 115,293 invoices at the maximum).
  @Test func tableTotalAboveTheLimitFailsTheImport() throws {
    var importer = Importer()
    importer.tableTotalLimit = 1_000_000  // $10,000.00
    let store = try Store(path: try Self.newStorePath())
    _ = try importer.run(directory: try Hostile.dataset(HandFixture.files), into: store)
    let before = try Self.snapshot(store)
    var files = HandFixture.files
    files["invoices.csv"] =
      "invoice_id,customer_id,issued_on,due_on,amount\nI8,C1,2026-01-10,2026-02-09,4550.01\n"
    for name in ["payments.csv", "adjustments.csv", "activities.csv", "promises.csv"] {
      files[name] = nil
    }
    files["cases.csv"] = nil
    files["tasks.csv"] = nil
    let error = try Self.importError(files, into: store, importer: importer)
    #expect(
      error?.message
        == "import failed: nothing was written: the amounts in invoices would total more than "
        + "10,000.00 (the most a store holds per table)")
    #expect(try Self.snapshot(store) == before)
  }

  // MARK: - Item 14: a field's length is capped while it is read

  @Test func fieldLongerThanTheCapIsRejected() throws {
    for quoted in [false, true] {
      var files = HandFixture.files
      let long = String(repeating: "x", count: CSVReader.defaultMaxFieldBytes + 1)
      let name = quoted ? "\"" + long + "\"" : long
      files["reps.csv"] = "rep_id,name,team,active\nR1,Ann,A,true\nR2,\(name),A,true\n"
      let store = try Store(path: try Self.newStorePath())
      let error = try Self.importError(files, into: store)
      #expect(
        error?.message
          == "reps.csv has a field longer than 1048576 bytes (--max-field-bytes N raises the limit)"
      )
      #expect(error?.details == ["reps.csv:3: column name: field longer than 1048576 bytes"])
    }
  }

  /// The cap is an option of `import`; a store the failed import created is removed.
  @Test func maxFieldBytesOption() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let store = dir + "/capped.sqlite"
    let data = try Hostile.dataset(HandFixture.files.filter { $0.key == "reps.csv" })
    let r = try Hostile.run(["import", "--db", store, "--max-field-bytes", "10", data])
    #expect(r.status == 1)
    #expect(
      r.err
        == "error: reps.csv has a field longer than 10 bytes (--max-field-bytes N raises the "
        + "limit)\nreps.csv:2: column name: field longer than 10 bytes\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
    let ok = try Hostile.run(["import", "--db", store, "--max-field-bytes", "16", data])
    #expect(ok.status == 0, "\(ok.err)")
    let zero = try Hostile.run(["import", "--db", store, "--max-field-bytes", "0", data])
    #expect(zero.status == 64)
    #expect(zero.err.hasPrefix("Error: --max-field-bytes must be at least 1\n"))
  }

  /// A line of commas cannot fill memory with empty fields either.
  @Test func recordWithTooManyFieldsIsRejected() throws {
    let files = [
      "reps.csv": "rep_id,name,team,active\nR1,Ann,A,true\n"
        + String(repeating: ",", count: CSVReader.maxFields) + "\n"
    ]
    let store = try Store(path: try Self.newStorePath())
    let error = try Self.importError(files, into: store)
    #expect(error?.message == "reps.csv is not valid CSV")
    #expect(error?.details == ["reps.csv:3: more than 10000 fields"])
    #expect(try store.counts()[.reps] == 0)
  }

  @Test func recordLongerThanEightFieldLimitsIsRejected() throws {
    // Fields of 100 bytes under a 100-byte limit: 8 fit in a record (800 bytes), 9 do not.
    let dir = try Hostile.temporaryDirectory("record")
    let path = dir + "/wide.csv"
    let f = String(repeating: "x", count: 100)
    let eight = Array(repeating: f, count: 8).joined(separator: ",")
    try Data("\(eight)\n\(eight),\(f)\n".utf8).write(to: URL(fileURLWithPath: path))
    let reader = try CSVReader(path: path, maxFieldBytes: 100)
    #expect(reader.maxRecordBytes == 800)
    #expect(try reader.next()?.fields.count == 8)
    do {
      _ = try reader.next()
      Issue.record("a 900-byte record was read under an 800-byte limit")
    } catch let error as ArcadenceError {
      #expect(
        error.message
          == "wide.csv has a record longer than 800 bytes (--max-field-bytes N raises the limit)")
      #expect(error.details == ["wide.csv:2: record longer than 800 bytes (8 × the field limit)"])
    }
  }

  @Test func fieldAtTheCapIsRead() throws {
    var files = HandFixture.files
    let long = String(repeating: "y", count: CSVReader.defaultMaxFieldBytes)
    files["reps.csv"] =
      "rep_id,name,team,active\nR1,Ann,A,true\nR2,\(long),A,true\n"
      + "R3,\"\(long)\",A,false\nR4,Di,,true\n"
    let store = try Store(path: try Self.newStorePath())
    #expect(try Self.importError(files, into: store) == nil)
    #expect(
      try store.pool.read {
        try Int.fetchAll($0, sql: "SELECT length(name) FROM reps ORDER BY rep_id")
      } == [3, 1_048_576, 1_048_576, 2])
  }

  /// The reader stops at the cap: of a 40 MB field it reads no more than the cap and one
  /// 256 KiB chunk.
  @Test func readerStopsAtTheCap() throws {
    let dir = try Hostile.temporaryDirectory("long")
    let path = dir + "/reps.csv"
    var bytes = Array("rep_id,name\nR1,".utf8)
    bytes += [UInt8](repeating: UInt8(ascii: "z"), count: 40 << 20)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    let reader = try CSVReader(path: path, maxFieldBytes: 1 << 20)
    _ = try reader.next()
    var failure: ArcadenceError?
    do {
      // Only the field count is looked at: the record would print 40 MB.
      let record = try reader.next()
      Issue.record("read a record of \(record?.fields.map(\.utf8.count) ?? []) bytes")
    } catch let e as ArcadenceError {
      failure = e
    }
    #expect(failure?.details == ["reps.csv:2: column name: field longer than 1048576 bytes"])
    #expect(reader.fileBytesRead <= (1 << 20) + (1 << 18) * 2)
  }
}

/// A small tmpfs, for a real "disk full" (root only).
struct TinyDisk {
  let path: String

  static let available: Bool = {
    guard getuid() == 0, let dir = try? Hostile.temporaryDirectory("probe") else { return false }
    guard let disk = try? TinyDisk(megabytes: 1, at: dir) else { return false }
    disk.unmount()
    return true
  }()

  init(megabytes: Int, at dir: String? = nil) throws {
    path = try dir ?? Hostile.temporaryDirectory("tmpfs")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/mount")
    p.arguments = ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw ArcadenceError(.io, "mount failed") }
  }

  func unmount() {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/umount")
    p.arguments = [path]
    try? p.run()
    p.waitUntilExit()
  }
}
