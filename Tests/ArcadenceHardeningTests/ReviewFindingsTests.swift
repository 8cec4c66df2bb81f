import ArcadenceCore
import ArcadenceTestSupport
import Foundation
import GRDB
import Testing

@testable import ArcadenceStore

/// Defects found by the review of the import-fault and ledger-integrity changes: a failed
/// first import that removed what it had not made, and stores created by two processes at
/// once.
@Suite struct ReviewFindingsTests {
  struct Refused: Error {}

  /// Another process imports into a store this import created while this import was
  /// waiting; this import then fails. The store holds the other import's rows and must stay.
  @Test func failedFirstImportKeepsRowsAnotherProcessCommitted() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let path = dir + "/shared.sqlite"
    let data = try Hostile.dataset(HandFixture.files)
    #expect(throws: Refused.self) {
      try Store.withStore(creatingAt: path) { _ -> Int in
        let other = try Hostile.run(["import", "--db", path, data])
        #expect(other.status == 0, "\(other.err)")
        throw Refused()
      }
    }
    #expect(FileManager.default.fileExists(atPath: path))
    let counts = try Store(path: path, create: false).counts()
    #expect((counts[.customers] ?? 0) > 0)
  }

  /// Another process makes a file at the new store's path while this import builds it (here
  /// the sqlite3 shell, creating a table); this import then fails. What is at the path is not
  /// this import's and stays as it is.
  @Test func failedFirstImportKeepsWhatAnotherProcessMadeAtThePath() throws {
    let path = try Hostile.temporaryDirectory("store") + "/open.sqlite"
    #expect(throws: Refused.self) {
      try Store.withStore(creatingAt: path) { _ -> Int in
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        shell.arguments = [path, "CREATE TABLE other (x); INSERT INTO other VALUES (42);"]
        try shell.run()
        shell.waitUntilExit()
        throw Refused()
      }
    }
    let queue = try DatabaseQueue(path: path)
    #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT x FROM other") } == 42)
    #expect(
      try FileManager.default.contentsOfDirectory(
        atPath: (path as NSString).deletingLastPathComponent)
        == ["open.sqlite"])
  }

  /// A store path that is a symlink to a file not made yet: a failed import removes the
  /// store it created (where the link points) and keeps the link the person made.
  @Test func failedImportThroughASymlinkKeepsTheLinkAndRemovesTheStore() throws {
    let dir = try Hostile.temporaryDirectory("store")
    let target = dir + "/target.sqlite"
    let link = dir + "/link.sqlite"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    var files = HandFixture.files
    files["invoices.csv"] =
      "invoice_id,customer_id,issued_on,due_on,amount\nI1,C9,2026-01-01,2026-01-31,10\n"
    let r = try Hostile.run(["import", "--db", link, try Hostile.dataset(files)])
    #expect(r.status == 1)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["link.sqlite"])
    #expect(
      (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == target)
  }

  /// Processes that create the same new store at once: each one migrates it or finds it
  /// migrated (no "table reps already exists"), none fails to open it while another switches
  /// it to WAL mode ("database is locked": 4 of 240 imports, 8 at a time on a loaded
  /// machine, before `Store.whileBusy`), and every import succeeds.
  @Test func concurrentImportsIntoANewStoreAllSucceed() throws {
    let data = try Hostile.dataset(HandFixture.files)
    for _ in 0..<6 {
      let path = try Hostile.temporaryDirectory("store") + "/new.sqlite"
      nonisolated(unsafe) var results: [(status: Int32, out: String, err: String)?] =
        Array(repeating: nil, count: 8)
      let lock = NSLock()
      DispatchQueue.concurrentPerform(iterations: 8) { i in
        let r = try? Hostile.run(["import", "--db", path, data])
        lock.withLock { results[i] = r }
      }
      for r in results {
        #expect(r?.status == 0, "\(r?.err ?? "did not run")")
      }
    }
  }

  /// A store copied with its write-ahead log but without its `-shm` file (a backup taken
  /// while a command had it open) into a folder this user cannot write: SQLite cannot read
  /// the log, and the error says why and what to do instead of "unable to open database file".
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
  func aReadOnlyStoreWithAPendingLogAndNoIndexSaysWhy() throws {
    let original = try HandFixture.store()
    try original.pool.write { db in
      try db.execute(sql: "UPDATE reps SET name = name || ' (renamed)'")
    }
    let dir = try Hostile.temporaryDirectory("readonly")
    let path = dir + "/store.sqlite"
    // Copied while `original` is open: its last write is still in the log.
    try FileManager.default.copyItem(atPath: original.path, toPath: path)
    try FileManager.default.copyItem(atPath: original.path + "-wal", toPath: path + "-wal")
    #expect(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0 > 0)
    try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir)
    defer {
      try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)
    }
    let r = try Hostile.run(
      ["info", "--db", path],
      through: Hostile.asNobody)
    #expect(r.status == 1)
    #expect(
      r.err
        == "error: cannot read the store \(path): its last changes are in \(path)-wal, which "
        + "SQLite reads only with a \(path)-shm file, missing and not creatable in a folder "
        + "you cannot write; run any command on the store once as a user who can write its "
        + "folder, or copy the store and its -wal file to a folder you can write\n")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == [
        "store.sqlite", "store.sqlite-wal",
      ])
  }

  /// An import into a damaged store names it as damaged, with what to do, like every other
  /// command (not "refused the import: database disk image is malformed").
  @Test func anImportIntoADamagedStoreSaysItIsDamaged() throws {
    let dir = try Hostile.temporaryDirectory("damaged")
    let path = dir + "/store.sqlite"
    let data = try Hostile.dataset(ImportFaultTests.generated(customers: 2000))
    #expect(try Hostile.run(["import", "--db", path, data]).status == 0)
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    // Eight pages in the middle (rows and indices, not the schema) overwritten.
    try handle.seek(toOffset: UInt64(size / 2 / 4096 * 4096))
    try handle.write(contentsOf: Data(repeating: 0xA5, count: 8 * 4096))
    try handle.close()
    let r = try Hostile.run(["import", "--db", path, data])
    #expect(r.status == 1)
    #expect(r.err.hasPrefix("error: the store \(path) is damaged (SQLite: "), "\(r.err)")
  }

  /// A mapped source whose header is not its first line (QuickBooks' title block): a field
  /// too long is named by its column in the header row, not by the title's fields.
  @Test func aTooLongFieldOfAMappedSourceIsNamedByItsHeaderRow() throws {
    let fixture = Hostile.repoRoot + "/Tests/ArcadenceMappingTests/Fixtures/quickbooks/"
    let text = try String(contentsOfFile: fixture + "ar_aging_detail.csv", encoding: .utf8)
    let long = String(repeating: "X", count: 100)
    let data = try Hostile.dataset([
      "ar_aging_detail.csv": text.replacingOccurrences(of: "\"Acme Corp\"", with: "\"\(long)\"")
    ])
    let r = try Hostile.run([
      "import", "--db", try Hostile.temporaryDirectory("store") + "/s.sqlite", data,
      "--mapping", Hostile.repoRoot + "/Data/mappings/quickbooks-ar-aging-detail.yaml",
      "--max-field-bytes", "50",
    ])
    #expect(r.status == 1)
    #expect(r.err.contains("ar_aging_detail.csv:7: column Customer: field longer than 50 bytes"))
  }

  /// `--max-field-bytes` near `Int.max` (a careless "no limit"): the reader's scan bound
  /// overflowed and it spun forever on the first byte. Run under `timeout`, so a hang fails.
  @Test(arguments: [Int.max, Int.max - 1000])
  func aHugeFieldLimitReadsTheFile(limit: Int) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    p.arguments = [
      "-s", "KILL", "60", Hostile.executable.path, "import", "--db",
      try Hostile.temporaryDirectory("store") + "/s.sqlite",
      try Hostile.dataset(HandFixture.files), "--max-field-bytes", "\(limit)",
    ]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
  }
}
