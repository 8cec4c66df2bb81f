import ArcadenceCore
import Foundation
import GRDB
import Testing

@testable import ArcadenceGenerator
@testable import ArcadenceStore

/// The ledger cache a first import builds from its rows (``LedgerCollector``) is the cache a
/// refresh builds by reading the tables back, byte for byte, on every generated world (every
/// table, thousands of rows, ids out of order, every vocabulary word).
@Suite struct ImportCacheTests {
  let root = NSTemporaryDirectory() + "arcadence-import-cache-\(UUID().uuidString)"
  let options = GeneratorOptions(
    customers: 120, months: 9, seed: 11, reps: 5, teams: 2, start: Day(iso: "2026-01-01")!)

  @Test(arguments: World.allCases)
  func theCacheBuiltFromTheRowsIsTheCacheReadBackFromTheTables(world: World) throws {
    defer { try? FileManager.default.removeItem(atPath: root) }
    let folder = root + "/\(world.rawValue)"
    _ = try world.generate(options, into: folder)
    let store = try Store(path: root + "/\(world.rawValue).sqlite")
    let summary = try Importer().run(directory: folder, into: store)
    #expect(summary.cacheFromRows)
    #expect(summary.rows.allSatisfy { $0.count > 0 })
    let collected = try store.ledgerCacheRows()
    #expect(try store.ledgerCacheStatus().current)

    try store.pool.write { db in try db.execute(sql: "DELETE FROM ledger_cache") }
    #expect(try store.refreshLedgerCache())
    #expect(try store.ledgerCacheRows() == collected)
  }
}
