import ArcadenceCore
import Foundation
import GRDB
import Testing

@testable import ArcadenceStore

@Suite struct ImporterTests {
  let fx = Fixture()

  func importError(_ files: [String: String], into store: Store? = nil) throws -> [String] {
    let dir = fx.folder("bad-\(UUID().uuidString)", files)
    let s = try store ?? fx.store("bad-\(UUID().uuidString).sqlite")
    do {
      _ = try Importer().run(directory: dir, into: s)
      Issue.record("import should have failed")
      return []
    } catch let e as ArcadenceError {
      #expect(e.code == .invalidData)
      return e.details
    }
  }

  @Test func importsEveryEntityWithExactValues() throws {
    let store = try fx.store()
    let summary = try Importer().run(directory: fx.folder("ok", basicFiles), into: store)
    #expect(summary.rows.map(\.count) == [2, 2, 2, 2, 1, 1, 1, 1, 2])
    try store.pool.read { db in
      let rep = try Row.fetchOne(db, sql: "SELECT name, team, active FROM reps WHERE rep_id='R2'")!
      #expect(rep["name"] as String == "Bo \"B\" Diaz")
      #expect(rep["active"] as Int == 0)
      #expect(try Int.fetchOne(db, sql: "SELECT active FROM reps WHERE rep_id='R1'") == 1)
      let c1 = try Row.fetchOne(db, sql: "SELECT * FROM customers WHERE customer_id='C1'")!
      #expect(c1["name"] as String == "Acme, Inc.")
      #expect(c1["created_on"] as Int == Int(Day(iso: "2026-01-01")!.rawValue))
      #expect(c1["autopay_cancelled_on"] as Int == Int(Day(iso: "2026-03-01")!.rawValue))
      #expect(
        try String.fetchOne(db, sql: "SELECT name FROM customers WHERE customer_id='C2'")
          == "<Beta & Co>")
      #expect(
        try Int64.fetchAll(db, sql: "SELECT amount FROM invoices ORDER BY invoice_id")
          == [100_000, 25_050])
      #expect(
        try Int64.fetchAll(db, sql: "SELECT amount FROM payments ORDER BY payment_id")
          == [40_000, 9_999])
      #expect(
        try String?.fetchOne(db, sql: "SELECT invoice_id FROM payments WHERE payment_id='P2'")
          == .some(nil))
      // 09:30 at −05:00 is 14:30 UTC.
      #expect(
        try Int64.fetchOne(db, sql: "SELECT occurred_at FROM activities")
          == Timestamp(iso: "2026-02-05T14:30:00Z")!.seconds)
      #expect(
        try String.fetchOne(db, sql: "SELECT summary FROM cases") == "Price \"wrong\"\non line 2")
      #expect(try Int?.fetchOne(db, sql: "SELECT customer_confirmed FROM cases") == .some(nil))
      #expect(
        try Int?.fetchOne(db, sql: "SELECT completed_on FROM tasks WHERE task_id='TK2'")
          == .some(nil))
    }
  }

  @Test func reimportingIsIdempotentAndUpsertReplaces() throws {
    let store = try fx.store()
    let dir = fx.folder("ok", basicFiles)
    _ = try Importer().run(directory: dir, into: store)
    let first = try Fixture.dump(store)
    _ = try Importer().run(directory: dir, into: store)
    #expect(try Fixture.dump(store) == first)
    // A changed row replaces the stored one; the others stay.
    let change = fx.folder(
      "change",
      [
        "invoices.csv":
          "invoice_id,customer_id,issued_on,due_on,amount\nI2,C2,2026-01-20,2026-01-30,300\n"
      ])
    _ = try Importer().run(directory: change, into: store)
    let amounts = try store.pool.read { db in
      try Int64.fetchAll(db, sql: "SELECT amount FROM invoices ORDER BY invoice_id")
    }
    #expect(amounts == [100_000, 30_000])
  }

  @Test func exportThenImportIsARoundTrip() throws {
    let store = try fx.store()
    _ = try Importer().run(directory: fx.folder("ok", basicFiles), into: store)
    let out = fx.root + "/exported"
    try Exporter.run(store: store, directory: out)
    let again = try fx.store("again.sqlite")
    _ = try Importer().run(directory: out, into: again)
    #expect(try Fixture.dump(again) == Fixture.dump(store))
    let reps = try String(contentsOfFile: out + "/reps.csv", encoding: .utf8)
    #expect(
      reps == "rep_id,name,team,active\nR1,Ann Lee,East,true\nR2,\"Bo \"\"B\"\" Diaz\",West,false\n"
    )
  }

  @Test func aBadLastRowLeavesTheStoreUntouched() throws {
    let store = try fx.store()
    _ = try Importer().run(directory: fx.folder("ok", basicFiles), into: store)
    let before = try Fixture.dump(store)
    var files = basicFiles
    files["invoices.csv"] = """
      invoice_id,customer_id,issued_on,due_on,amount
      I1,C1,2026-01-05,2026-02-04,5.00
      I9,C1,2026-01-05,2026-02-04,7.00
      I10,C1,2026-01-05,2026-02-04,12.345

      """
    let details = try importError(files, into: store)
    #expect(
      details == [
        "invoices.csv:4: column amount: not a valid amount (digits, '.' and at most 2 decimals, "
          + "no symbols) (value \"12.345\")"
      ])
    #expect(try Fixture.dump(store) == before)
  }

  @Test func everyRejectionNamesFileLineColumnAndValue() throws {
    let details = try importError([
      "reps.csv": "rep_id,name,team,active\nR1,Ann,East,true\nR1,Ann again,East,true\n",
      "customers.csv": """
      customer_id,name,rep_id,payment_terms_days,created_on,nickname
      C1,Acme,R1,30,2026-01-01,x
      C2,Beta,R7,30,2026-01-01,y

      """,
      "invoices.csv": """
      invoice_id,customer_id,issued_on,due_on,amount
      I1,C1,2026-01-05,2026-02-04,$10
      I2,C1,2026-01-05,2026-02-04,1,000.00
      I3,C1,2026-01-05,2026-02-04,0
      I4,C9,2026-01-05,2026-02-04,10

      """,
      "payments.csv": """
      payment_id,customer_id,invoice_id,received_on,amount,method
      P1,C1,I4,2026-02-10,5,cash

      """,
    ])
    #expect(
      details == [
        "reps.csv:3: column rep_id: duplicate id (first on line 2) (value \"R1\")",
        "customers.csv:1: column nickname: unknown column for customers.csv (wrong export? "
          + "--ignore-extra-columns skips it)",
        "customers.csv:3: column rep_id: no rep with this id in the import or the store (value \"R7\")",
        "invoices.csv:2: column amount: not a valid amount (digits, '.' and at most 2 decimals, "
          + "no symbols) (value \"$10\")",
        "invoices.csv:3: expected 5 fields as in the header, found 6",
        "invoices.csv:4: column amount: must be greater than 0 (value \"0\")",
        "invoices.csv:5: column customer_id: no customer with this id in the import or the store "
          + "(value \"C9\")",
        "payments.csv:2: column method: not one of autopay, ach, card, check, wire, other "
          + "(value \"cash\")",
        "payments.csv:2: column invoice_id: refers to invoice I4, whose own row has errors "
          + "(value \"I4\")",
      ])
  }

  @Test func aPaymentsInvoiceMustBelongToItsCustomer() throws {
    var files = basicFiles
    files["payments.csv"] = """
      payment_id,customer_id,invoice_id,received_on,amount,method
      P1,C2,I1,2026-02-10,400,ach

      """
    #expect(
      try importError(files) == [
        "payments.csv:2: column invoice_id: belongs to customer C1, not C2 (value \"I1\")"
      ])
  }

  /// A reference is an id's exact bytes, as the store compares them: "E\u{301}1" is not the
  /// rep "\u{C9}1" (Swift's `==` holds the two equal), in the same import or in the store,
  /// and a payment's customer must be its invoice's, byte for byte.
  @Test func aCanonicallyEquivalentIdIsAnotherId() throws {
    var files = basicFiles
    files["reps.csv"]! += "\u{C9}1,Eve,,\n"
    files["customers.csv"]! += "C3,Three,,E\u{301}1,30,2026-01-01,,\n"
    #expect(
      try importError(files) == [
        "customers.csv:4: column rep_id: no rep with this id in the import or the store "
          + "(value \"E\u{301}1\")"
      ])

    let store = try fx.store()
    var first = basicFiles
    first["reps.csv"]! += "\u{C9}1,Eve,,\n"
    first["customers.csv"]! += "\u{C9}C,Acc,,R1,30,2026-01-01,,\n"
    _ = try Importer().run(directory: fx.folder("first", first), into: store)
    let later = fx.folder(
      "later",
      [
        "customers.csv":
          "customer_id,name,segment,rep_id,payment_terms_days,created_on\n"
          + "C4,Four,,E\u{301}1,30,2026-01-01\n",
        "invoices.csv":
          "invoice_id,customer_id,issued_on,due_on,amount\nI9,\u{C9}C,2026-03-01,2026-03-31,10\n",
        "payments.csv":
          "payment_id,customer_id,invoice_id,received_on,amount\nP9,E\u{301}C,I9,2026-03-05,5\n",
      ])
    let error = try #require(
      throws: ArcadenceError.self, performing: { try Importer().run(directory: later, into: store) }
    )
    #expect(
      error.details == [
        "customers.csv:2: column rep_id: no rep with this id in the import or the store "
          + "(value \"E\u{301}1\")",
        "payments.csv:2: column customer_id: no customer with this id in the import or the store "
          + "(value \"E\u{301}C\")",
        "payments.csv:2: column invoice_id: belongs to customer \u{C9}C, not E\u{301}C (the same "
          + "letters, in another Unicode form) (value \"I9\")",
      ])
  }

  @Test func referencesMayPointIntoTheStore() throws {
    let store = try fx.store()
    _ = try Importer().run(directory: fx.folder("ok", basicFiles), into: store)
    let more = fx.folder(
      "more",
      [
        "invoices.csv":
          "invoice_id,customer_id,issued_on,due_on,amount\nI3,C2,2026-03-01,2026-03-31,10\n"
      ])
    let s = try Importer().run(directory: more, into: store)
    #expect(s.rows.map(\.count) == [1])
  }

  @Test func extraColumnsCanBeIgnoredOnRequest() throws {
    let dir = fx.folder("extra", ["reps.csv": "rep_id,name,shoe_size\nR1,Ann,38\n"])
    let s = try Importer(ignoreExtraColumns: true).run(directory: dir, into: try fx.store())
    #expect(s.rows.map(\.count) == [1])
  }

  @Test func errorsStopAtTheLimit() throws {
    let rows = (1...80).map { "R\($0),\n" }.joined()
    let dir = fx.folder("many", ["reps.csv": "rep_id,name\n" + rows])
    do {
      _ = try Importer(errorLimit: 5).run(directory: dir, into: try fx.store())
      Issue.record("should fail")
    } catch let e as ArcadenceError {
      #expect(e.message == "import failed: nothing was written (5+ problems)")
      #expect(e.details.count == 6)
      #expect(e.details[0] == "reps.csv:2: column name: is required")
    }
  }

  @Test func aFolderWithoutContractFilesIsAnError() throws {
    let dir = fx.folder("empty", ["notes.txt": "hello"])
    #expect(throws: ArcadenceError.self) {
      try Importer().run(directory: dir, into: try fx.store())
    }
    #expect(throws: ArcadenceError.self) {
      try Importer().run(directory: fx.root + "/nope", into: try fx.store())
    }
  }

  @Test func aMissingStoreIsNotCreatedByReaders() {
    #expect(throws: ArcadenceError.self) {
      try Store(path: fx.root + "/absent.sqlite", create: false)
    }
  }
}
