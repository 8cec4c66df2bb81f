import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import Testing

/// Stores other tools wrote or damaged (issue 13, items 7 and 8, and opening a store): rows
/// that break the store's rules are named and refused (exit 1, never a trap), a store that
/// cannot be written is still read and left as it was, a damaged one is named as such.
@Suite struct ForeignRowsTests {
  /// The hand fixture imported into a fresh store, closed again; its path.
  func storePath() throws -> String { try HandFixture.store().path }

  /// The first line of the error naming rule-breaking rows of the store at `path`.
  func heading(_ path: String) -> String {
    "error: the store \(path) has rows that break its rules (written by another tool?); "
      + "fix or remove them, or re-import:\n"
  }

  @Test func aPaymentOfAnUnknownCustomerIsNamed() throws {
    let path = try storePath()
    try SQLiteShell.run(
      path, ["INSERT INTO payments VALUES ('PX', 'NOPE', NULL, 20530, 100, NULL)"])
    let r = try Hostile.run(["kpis", "--db", path])
    #expect(r.status == 1)
    #expect(r.out == "")
    #expect(
      r.err == heading(path)
        + "payments PX: column customer_id: no such customer (value \"NOPE\")\n")
  }

  @Test func valuesOutsideTheRulesAreNamedOnePerRow() throws {
    let path = try storePath()
    try SQLiteShell.run(
      path,
      [
        """
        PRAGMA ignore_check_constraints = ON;
        UPDATE invoices SET due_on = issued_on - 1 WHERE invoice_id = 'I3';
        UPDATE invoices SET amount = 10000000000001 WHERE invoice_id = 'I2';
        UPDATE payments SET invoice_id = 'I99' WHERE payment_id = 'P2';
        UPDATE payments SET amount = 0 WHERE payment_id = 'P1';
        UPDATE adjustments SET kind = 'refund' WHERE adjustment_id = 'A1';
        UPDATE activities SET channel = 'fax' WHERE activity_id = 'X1';
        UPDATE promises SET promised_on = made_on - 3 WHERE promise_id = 'PR1';
        UPDATE cases SET closed_at = 999999999999999 WHERE case_id = 'K1';
        UPDATE tasks SET due_on = 99999999 WHERE task_id = 'T1';
        """
      ])
    let expected =
      heading(path) + """
        invoices I3: column due_on: before issued_on 2025-11-01 (value "2025-10-31")
        invoices I2: column amount: more than the largest amount, 100000000000.00 (value "100000000000.01")
        payments P2: column invoice_id: no such invoice (value "I99")
        payments P1: column amount: must be greater than 0 (value "0.00")
        adjustments A1: column kind: not one of credit_memo, write_off (value "refund")
        activities X1: column channel: not one of call, email, sms, letter (value "fax")
        promises PR1: column promised_on: before made_on 2026-03-01 (value "2026-02-26")
        cases K1: column closed_at: outside the supported dates, 0001-01-01 to 9999-12-31 (value "999999999999999")
        tasks T1: column due_on: outside the supported dates, 0001-01-01 to 9999-12-31 (value "99999999")

        """
    // `kpis` meets the case's date first (the latest day of the data), `aging` in the ledger.
    for command in ["kpis", "aging"] {
      let r = try Hostile.run([command, "--db", path])
      #expect(r.status == 1, "\(command)")
      #expect(r.err == expected, "\(command)")
    }
  }

  /// The ledger no longer keeps a case's origin (nothing reads it), but the load still
  /// checks it: a word outside the vocabulary is named and refused as before.
  @Test func aCaseOriginOutsideTheVocabularyIsStillNamed() throws {
    let path = try storePath()
    try SQLiteShell.run(
      path,
      [
        """
        PRAGMA ignore_check_constraints = ON;
        UPDATE cases SET origin = 'carrier_pigeon' WHERE case_id = 'K1';
        """
      ])
    let r = try Hostile.run(["kpis", "--db", path])
    #expect(r.status == 1)
    #expect(
      r.err == heading(path) + "cases K1: column origin: not one of "
        + Vocabulary.caseOrigins.joined(separator: ", ") + " (value \"carrier_pigeon\")\n")
  }

  @Test func atMostTenRowsAreListed() throws {
    let path = try storePath()
    try SQLiteShell.run(
      path,
      [
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
        INSERT INTO payments SELECT 'PX' || i, 'NOPE' || i, NULL, 20530, 100, NULL FROM n;
        """
      ])
    let r = try Hostile.run(["kpis", "--db", path])
    #expect(r.status == 1)
    let lines = (1...10).map {
      "payments PX\($0): column customer_id: no such customer (value \"NOPE\($0)\")\n"
    }
    #expect(r.err == heading(path) + lines.joined() + "and 2 more\n")
  }

  @Test func amountsThatWouldOverflowATotalAreRefused() throws {
    let path = try storePath()
    // Each amount is within the bound (10^13 cents); 922,338 of them exceed Int64.max.
    try SQLiteShell.run(
      path,
      [
        """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 922338)
        INSERT INTO payments SELECT 'PB' || i, 'C4', NULL, 20530, 10000000000000, NULL FROM n;
        """
      ])
    let r = try Hostile.run(["kpis", "--db", path])
    #expect(r.status == 1)
    #expect(
      r.err
        == "error: the amounts in the store \(path) add up to more than 92233720368547758.07, "
        + "more than "
        + "arcadence can count (written by another tool?); fix or remove those rows, or "
        + "re-import\n")
  }

  // MARK: Opening a store

  @Test func aFileThatIsNotADatabaseIsNamedDamaged() throws {
    let dir = try Hostile.temporaryDirectory("damaged")
    let path = dir + "/store.sqlite"
    try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
      .write(to: URL(fileURLWithPath: path))
    for command in ["info", "kpis"] {
      let r = try Hostile.run([command, "--db", path])
      #expect(r.status == 1)
      #expect(
        r.err
          == "error: the store \(path) is damaged (SQLite: file is not a database); restore it "
          + "from a backup or re-import its data\n")
    }
  }

  @Test func aTruncatedStoreIsNamedDamaged() throws {
    let path = try storePath()
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: 12 * 4096)
    try handle.close()
    for command in ["info", "kpis"] {
      let r = try Hostile.run([command, "--db", path])
      #expect(r.status == 1)
      #expect(
        r.err
          == "error: the store \(path) is damaged (SQLite: database disk image is malformed); "
          + "restore it from a backup or re-import its data\n")
    }
  }

  /// Runs the CLI as user and group 65534 (nobody), for whom file modes hold (the tests run
  /// as root, who may write anything).
  func runAsNobody(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    try Hostile.run(
      arguments, through: Hostile.asNobody)
  }

  func files(_ dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
  }

  @Test(
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")),
    arguments: [(file: 0o444, folder: 0o777), (file: 0o644, folder: 0o555)])
  func aStoreThatCannotBeWrittenIsReadAndLeftAsItWas(modes: (file: Int, folder: Int)) throws {
    let original = try storePath()
    let dir = try Hostile.temporaryDirectory("readonly")
    let path = dir + "/store.sqlite"
    try FileManager.default.copyItem(atPath: original, toPath: path)
    // The import built a cache; without it, a read-only store's commands read the tables.
    try SQLiteShell.run(path, ["DELETE FROM ledger_cache"])
    let expected = try Hostile.run(["kpis", "--db", original, "--format", "json"])
    #expect(expected.status == 0)
    try FileManager.default.setAttributes([.posixPermissions: modes.file], ofItemAtPath: path)
    try FileManager.default.setAttributes([.posixPermissions: modes.folder], ofItemAtPath: dir)
    defer {
      try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir)
    }

    let kpis = try runAsNobody(["kpis", "--db", path, "--format", "json"])
    #expect(kpis.status == 0 && kpis.err == "")
    #expect(kpis.out == expected.out)
    let info = try runAsNobody(["info", "--db", path])
    #expect(info.status == 0 && info.err == "")
    #expect(
      info.out.hasSuffix(
        "last event: 2026-04-05\n"
          + "ledger cache: not built (the store is read-only: commands read the tables)\n"))
    #expect(try files(dir) == ["store.sqlite"])
  }

  @Test func aStoreOpenedReadOnlyReadsTheTablesAndWritesNothing() throws {
    let path = try storePath()
    let dir = (path as NSString).deletingLastPathComponent
    try SQLiteShell.run(path, ["DELETE FROM ledger_cache"])  // the one the import built
    let tables = try Store(path: path).loadLedger(useCache: false)
    #expect(try files(dir).filter { $0.hasPrefix("store.sqlite") } == ["store.sqlite"])

    let store = try Store(path: path, create: false, readOnly: true)
    #expect(store.isReadOnly)
    #expect(try store.loadLedger() == tables)
    #expect(try store.ledgerCacheStatus().bytes == 0)  // nothing was saved
    #expect(try files(dir).filter { $0.hasPrefix("store.sqlite") } == ["store.sqlite"])
  }
}
