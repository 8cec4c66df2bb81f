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

  /// Another process has the new store open (an import waiting for the write lock, here the
  /// sqlite3 shell) when this import fails: removing the file would let that process write
  /// into a removed file and report success, so the store stays.
  @Test func failedFirstImportKeepsAStoreAnotherProcessHasOpen() throws {
    let path = try Hostile.temporaryDirectory("store") + "/open.sqlite"
    let shell = Process()
    let input = Pipe()
    let output = Pipe()
    #expect(throws: Refused.self) {
      try Store.withStore(creatingAt: path) { _ -> Int in
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        shell.arguments = [path]
        shell.standardInput = input
        shell.standardOutput = output
        try shell.run()
        input.fileHandleForWriting.write(Data("SELECT count(*) FROM reps;\n".utf8))
        // The shell has read the store (so it holds it open) once it answers.
        _ = output.fileHandleForReading.availableData
        throw Refused()
      }
    }
    #expect(FileManager.default.fileExists(atPath: path))
    try input.fileHandleForWriting.close()
    shell.waitUntilExit()
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
  /// migrated (no "table reps already exists"), and every import succeeds.
  @Test func concurrentImportsIntoANewStoreAllSucceed() throws {
    let data = try Hostile.dataset(HandFixture.files)
    for _ in 0..<6 {
      let path = try Hostile.temporaryDirectory("store") + "/new.sqlite"
      nonisolated(unsafe) var results: [(status: Int32, out: String, err: String)?] =
        Array(repeating: nil, count: 3)
      let lock = NSLock()
      DispatchQueue.concurrentPerform(iterations: 3) { i in
        let r = try? Hostile.run(["import", "--db", path, data])
        lock.withLock { results[i] = r }
      }
      for r in results {
        #expect(r?.status == 0, "\(r?.err ?? "did not run")")
      }
    }
  }
}
