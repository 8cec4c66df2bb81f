import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import GRDB
import Testing

/// The ledger cache is never read when another tool changed a ledger table behind the
/// generation triggers' back (issue 13, item 4): each case was reproduced with `info` saying
/// "current" while `kpis` printed the old numbers.
@Suite struct LedgerCacheBypassTests {
  /// The generation trigger of `table` for `op`, as the store creates it.
  static func trigger(_ table: String, _ op: String) -> String {
    """
    CREATE TRIGGER \(table)_\(op)_advances_generation AFTER \(op.uppercased()) ON \(table)
    BEGIN UPDATE store_generation SET generation = generation + 1; END;
    """
  }

  /// The hand fixture in a fresh store whose ledger cache is built and current.
  func cachedStore() throws -> Store {
    let store = try HandFixture.store()
    _ = try store.loadLedger()
    #expect(try store.ledgerCacheStatus().current)
    return store
  }

  func shell(_ store: Store, _ commands: [String]) throws {
    try SQLiteShell.run(store.path, commands)
  }

  /// The cache is not current, and the ledger read is the tables' own.
  func expectRebuilt(_ store: Store) throws {
    #expect(try store.ledgerCacheStatus().current == false)
    #expect(try store.loadLedger() == (try store.loadLedger(useCache: false)))
    #expect(try store.ledgerCacheStatus().current)
  }

  func amount(_ store: Store, _ invoice: String) throws -> Int64 {
    let l = try store.loadLedger()
    return l.invoiceAmount[try #require(l.invoiceIds.firstIndex(of: invoice))]
  }

  @Test func rowsInsertedOrDeletedWithTriggersDisabledAreSeen() throws {
    let store = try cachedStore()
    try shell(
      store,
      [
        ".dbconfig enable_trigger off",
        "INSERT INTO invoices VALUES ('I8', 'C4', 20515, 20545, 4200)",
      ])
    try expectRebuilt(store)
    #expect(try amount(store, "I8") == 4200)

    try shell(
      store, [".dbconfig enable_trigger off", "DELETE FROM payments WHERE payment_id = 'P7'"])
    try expectRebuilt(store)
    #expect(try store.loadLedger().paymentAmount.count == 6)
  }

  @Test func anUpdateWithTriggersDisabledIsAKnownLimit() throws {
    let store = try cachedStore()
    try shell(
      store,
      [
        ".dbconfig enable_trigger off",
        "UPDATE invoices SET amount = 2000 WHERE invoice_id = 'I1'",
      ])
    // Same rows, same rowids, same schema: nothing short of reading every row (what the cache
    // saves) tells this edit apart, so the cache is still read (README, "The ledger cache").
    let current = try store.ledgerCacheStatus().current
    withKnownIssue("an in-place update by a connection with triggers disabled is not seen") {
      #expect(current == false)
    }
    #expect(try amount(store, "I1") == 100_000)  // the cache's 1000.00, not the table's 20.00
  }

  @Test func aTriggerDroppedAroundAWriteAndPutBackIsSeen() throws {
    let store = try cachedStore()
    // The last trigger created: a row created in its place would get its rowid back.
    try shell(
      store,
      [
        """
        DROP TRIGGER tasks_delete_advances_generation;
        DROP TRIGGER invoices_update_advances_generation;
        UPDATE invoices SET amount = 1500 WHERE invoice_id = 'I1';
        """
          + Self.trigger("invoices", "update") + Self.trigger("tasks", "delete")
      ])
    try expectRebuilt(store)
    #expect(try amount(store, "I1") == 1500)

    try shell(
      store,
      [
        "DROP TRIGGER tasks_update_advances_generation;"
          + "UPDATE tasks SET kind = 'email';" + Self.trigger("tasks", "update")
      ])
    try expectRebuilt(store)
    #expect(try store.loadLedger().taskKind.allSatisfy { $0 == "email" })
  }

  @Test func aTableSwappedForACopyIsSeen() throws {
    let store = try cachedStore()
    // The old table keeps the triggers (renamed with it); the copy has none.
    try shell(
      store,
      [
        """
        ALTER TABLE invoices RENAME TO old_invoices;
        CREATE TABLE invoices AS SELECT * FROM old_invoices;
        UPDATE invoices SET amount = 1234 WHERE invoice_id = 'I1';
        """
      ])
    try expectRebuilt(store)
    #expect(try amount(store, "I1") == 1234)
    // The rebuild put the triggers back on the new table: a later write is seen.
    try shell(store, ["UPDATE invoices SET amount = 999 WHERE invoice_id = 'I1'"])
    try expectRebuilt(store)
    #expect(try amount(store, "I1") == 999)
  }

  @Test func aSameNamedTriggerThatDoesNothingIsSeenAndReplaced() throws {
    let store = try cachedStore()
    try shell(
      store,
      [
        """
        DROP TRIGGER invoices_update_advances_generation;
        CREATE TRIGGER invoices_update_advances_generation AFTER UPDATE ON invoices
        BEGIN SELECT 1; END;
        """
      ])
    try expectRebuilt(store)
    let sql = try store.pool.read { db in
      try String.fetchOne(
        db,
        sql: "SELECT sql FROM sqlite_master WHERE name = 'invoices_update_advances_generation'")
    }
    #expect(sql! + ";" == Self.trigger("invoices", "update"))
    try shell(store, ["UPDATE invoices SET amount = 777 WHERE invoice_id = 'I1'"])
    try expectRebuilt(store)
    #expect(try amount(store, "I1") == 777)
  }
}

/// The sqlite3 shell, playing another tool that writes to the store (its foreign keys are
/// off by default; `.dbconfig` and pragmas reach what the C API can).
enum SQLiteShell {
  static func run(_ path: String, _ commands: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    p.arguments = [path] + commands
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0 && message.isEmpty, "\(message)")
  }
}
