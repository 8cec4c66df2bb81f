import ArcadenceCore
import ArcadenceStore
import Foundation
import GRDB
import Testing

@testable import ArcadenceMapping

/// The repository root, found from this file's path.
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().path
let fixtures = repoRoot + "/Tests/ArcadenceMappingTests/Fixtures"
let ibmExport = repoRoot + "/../shared/data/WA_Fn-UseC_-Accounts-Receivable.csv"

func freshStore() throws -> Store {
  try Store(path: NSTemporaryDirectory() + "arcadence-map-\(UUID().uuidString).sqlite")
}

func importMapped(_ folder: String, _ mapping: String, into store: Store) throws -> ImportSummary {
  let m = try Mapping(path: repoRoot + "/Data/mappings/" + mapping)
  return try Importer().run(sources: try m.sources(directory: fixtures + "/" + folder), into: store)
}

func rows(_ store: Store, _ sql: String) throws -> [[String]] {
  try store.pool.read { db in
    try Row.fetchAll(db, sql: sql).map { row in
      row.databaseValues.map { $0.isNull ? "∅" : ($0.storage.value.map { "\($0)" } ?? "") }
    }
  }
}

@Suite struct ShippedMappingTests {
  @Test func invoicePaymentHistory() throws {
    let store = try freshStore()
    let s = try importMapped("history", "invoice-payment-history.yaml", into: store)
    // 1 rep, 2 customers, 3 invoices, 2 payments (INV-1002 is unsettled), 2 disputes.
    #expect(s.rows.map(\.count) == [1, 2, 3, 2, 2])
    let day = { (s: String) in String(Day(iso: s)!.rawValue) }
    #expect(
      try rows(
        store, "SELECT invoice_id, customer_id, issued_on, due_on, amount FROM invoices ORDER BY 1")
        == [
          ["INV-1001", "C-100", day("2026-01-05"), day("2026-02-04"), "120000"],
          ["INV-1002", "C-100", day("2026-02-05"), day("2026-03-07"), "80050"],
          ["INV-1003", "C-200", day("2025-12-20"), day("2026-01-19"), "9999"],
        ])
    // Customers: created on their earliest invoice; C-100's switch to paperless (2025-03-01)
    // is not an auto-pay enrollment and is not imported.
    #expect(
      try rows(
        store, "SELECT customer_id, name, created_on, autopay_enrolled_on FROM customers ORDER BY 1"
      )
        == [
          ["C-100", "Acme, Inc.", day("2026-01-05"), "∅"],
          ["C-200", "Müller & Söhne", day("2025-12-20"), "∅"],
        ])
    #expect(
      try rows(store, "SELECT payment_id, invoice_id, received_on, amount FROM payments ORDER BY 1")
        == [
          ["PAY-INV-1001", "INV-1001", day("2026-02-10"), "120000"],
          ["PAY-INV-1003", "INV-1003", day("2026-01-25"), "9999"],
        ])
    // Disputes: opened at the due date (00:00 UTC), closed when settled, or still open.
    let ts = { (s: String) in String(Timestamp(iso: s)!.seconds) }
    #expect(
      try rows(store, "SELECT case_id, opened_at, closed_at FROM cases ORDER BY 1") == [
        ["DSP-INV-1002", ts("2026-03-07"), "∅"],
        ["DSP-INV-1003", ts("2026-01-19"), ts("2026-01-25")],
      ])
  }

  @Test func quickBooksAgingDetail() throws {
    let store = try freshStore()
    let s = try importMapped("quickbooks", "quickbooks-ar-aging-detail.yaml", into: store)
    // Title block, group titles, the payment line and totals are left out: 2 customers,
    // 3 invoices.
    #expect(s.rows.map(\.count) == [1, 2, 3])
    #expect(
      try rows(store, "SELECT invoice_id, customer_id, amount FROM invoices ORDER BY 1") == [
        ["QB-1032", "beta_llc", "340000"], ["QB-1038", "acme_corp", "56025"],
        ["QB-1045", "acme_corp", "125000"],
      ])
    #expect(
      try rows(store, "SELECT customer_id, name, created_on FROM customers ORDER BY 1") == [
        ["acme_corp", "Acme Corp", String(Day(iso: "2026-02-20")!.rawValue)],
        ["beta_llc", "Beta LLC", String(Day(iso: "2026-02-10")!.rawValue)],
      ])
  }

  @Test func salesforceCaseReport() throws {
    let store = try freshStore()
    _ = try Importer().run(directory: fixtures + "/salesforce-base", into: store)
    let s = try importMapped("salesforce", "salesforce-cases.yaml", into: store)
    #expect(s.rows.map(\.count) == [2, 2])
    // Ann Lee was already in the store, in team East: kept. Raj Patel is new.
    #expect(
      try rows(store, "SELECT rep_id, name, team FROM reps ORDER BY 1") == [
        ["ann_lee", "Ann Lee", "East"], ["raj_patel", "Raj Patel", "∅"],
      ])
    // 3:20 PM at −05:00 is 20:20 UTC; 9:05 AM is 14:05 UTC.
    let ts = { (s: String) in String(Timestamp(iso: s)!.seconds) }
    #expect(
      try rows(
        store,
        "SELECT case_id, customer_id, rep_id, opened_at, closed_at, origin, root_cause, "
          + "investigation FROM cases ORDER BY 1") == [
          [
            "SF-00001026", "C-100", "ann_lee", ts("2026-03-04T20:20:00Z"),
            ts("2026-03-06T14:05:00Z"),
            "inbound_phone", "invoice_discrepancy", "Customer says \"qty\" differs",
          ],
          [
            "SF-00001027", "C-200", "raj_patel", ts("2026-03-10T16:45:00Z"), "∅", "inbound_email",
            "Custom Reason", "∅",
          ],
        ])
  }

  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: ibmExport),
      "the IBM sample is read from ../shared/data and is absent here"))
  func ibmExportImportsWithTheGuessedMapping() throws {
    let dir = NSTemporaryDirectory() + "arcadence-ibm-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: ibmExport, toPath: dir + "/export.csv")
    let yaml = try MappingGuesser.guess(path: dir + "/export.csv")
    let mapping = try Mapping(yaml: yaml, fileName: "guessed.yaml")
    let store = try freshStore()
    let s = try Importer().run(sources: try mapping.sources(directory: dir), into: store)
    // reps, customers, invoices, payments.
    #expect(s.rows.map(\.count) == [1, 100, 2466, 2466])
    #expect(yaml.contains("date_format: M/D/YYYY"))
    // Every payment is on its invoice's settled date: 0379-NEVHP's invoice 0000611365,
    // issued 1/2/2013, settled 1/15/2013 for 55.94.
    #expect(
      try rows(store, "SELECT received_on, amount FROM payments WHERE invoice_id = '0000611365'")
        == [[String(Day(iso: "2013-01-15")!.rawValue), "5594"]])
    // The e-billing switch date (0379-NEVHP switched 4/6/2013) is not an auto-pay enrollment:
    // no customer is on auto-pay, and the mapping says why.
    #expect(
      try rows(store, "SELECT count(*) FROM customers WHERE autopay_enrolled_on IS NOT NULL")
        == [["0"]])
    #expect(yaml.contains("PaperlessDate: the switch to e-billing (paperless invoices) is NOT"))
  }
}

@Suite struct MappingErrorTests {
  @Test func badValuesPointAtTheSourceLineAndColumn() throws {
    let dir = NSTemporaryDirectory() + "arcadence-bad-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try """
    Invoice Number,Customer ID,Customer Name,Invoice Date,Due Date,Amount,Settled Date,Disputed,Paperless Date
    INV-1,C-1,One,01/05/2026,02/04/2026,$10.00,,No,
    INV-2,C-1,One,13/45/2026,02/04/2026,"$1,00.00",,No,
    INV-3,C-1,One,01/05/2026,01/04/2026,$5.00,,No,

    """.write(toFile: dir + "/invoice_history.csv", atomically: true, encoding: .utf8)
    let store = try freshStore()
    let m = try Mapping(path: repoRoot + "/Data/mappings/invoice-payment-history.yaml")
    do {
      _ = try Importer().run(sources: try m.sources(directory: dir), into: store)
      Issue.record("should fail")
    } catch let e as ArcadenceError {
      #expect(
        e.details.contains(
          "invoice_history.csv:3: column Invoice Date: not a date in the format M/D/YYYY (value \"13/45/2026\")"
        ))
      #expect(
        e.details.contains(
          "invoice_history.csv:3: column Amount: not an amount in the us format (value \"$1,00.00\")"
        ))
      #expect(
        e.details.contains(
          "invoice_history.csv:4: column Due Date (due_on): is before issued_on (value \"2026-01-04\")"
        ))
    }
    #expect(try store.counts().values.reduce(0, +) == 0)  // all or nothing
  }

  @Test func mappingFileProblemsNameTheLineAndKey() {
    let yaml = """
      version: 1
      targets:
        invoices:
          source: x.csv
          colums: {}
          fields:
            invoice_id: Num
            amount: Amount
        widgets:
          source: y.csv
      """
    do {
      _ = try Mapping(yaml: yaml, fileName: "m.yaml")
      Issue.record("should fail")
    } catch let e as ArcadenceError {
      #expect(e.code == .invalidConfiguration)
      #expect(
        e.details.contains { $0.hasPrefix("m.yaml:5: key targets.invoices.colums: unknown key") })
      #expect(
        e.details.contains(
          "m.yaml:6: key targets.invoices.fields.customer_id: required by the data contract but not mapped"
        ))
      #expect(e.details.contains { $0.hasPrefix("m.yaml:9: key targets.widgets: not an entity") })
    } catch { Issue.record("\(error)") }
  }

  @Test func aColumnMissingFromTheExportIsNamed() throws {
    let dir = NSTemporaryDirectory() + "arcadence-miss-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try "Invoice,Cust\n1,2\n".write(
      toFile: dir + "/invoice_history.csv", atomically: true, encoding: .utf8)
    let m = try Mapping(path: repoRoot + "/Data/mappings/invoice-payment-history.yaml")
    #expect(throws: ArcadenceError.self) { try m.sources(directory: dir) }
  }
}

@Suite struct SourceFormatTests {
  @Test func dates() {
    #expect(DateFormat.monthDayYear.day("3/4/2026")?.description == "2026-03-04")
    #expect(DateFormat.monthDayYear.day("03/04/2026")?.description == "2026-03-04")
    #expect(DateFormat.dayMonthYearDots.day("04.03.2026")?.description == "2026-03-04")
    #expect(DateFormat.dayMonthYear.day("4/3/2026")?.description == "2026-03-04")
    #expect(DateFormat.monthDayShortYear.day("3/4/26")?.description == "2026-03-04")
    #expect(DateFormat.monthDayShortYear.day("3/4/95")?.description == "1995-03-04")
    // Excel: serial 46085 is 2026-03-04 (days since 1899-12-30).
    #expect(DateFormat.excel.day("46085")?.description == "2026-03-04")
    #expect(
      DateFormat.excel.timestamp("46085.5", utcOffsetSeconds: 0)?.description
        == "2026-03-04T12:00:00Z")
    #expect(DateFormat.monthDayYear.day("2/30/2026") == nil)
    #expect(
      DateFormat.monthDayYear.timestamp("3/4/2026 12:05 AM", utcOffsetSeconds: 0)?.description
        == "2026-03-04T00:05:00Z")
    #expect(
      DateFormat.iso.timestamp("2026-03-04T10:00:00-05:00", utcOffsetSeconds: 3600)?.description
        == "2026-03-04T15:00:00Z")
    #expect(DateFormat(name: "DD.MM.YYYY") == .dayMonthYearDots)
    #expect(DateFormat(name: "MM/DD/YYYY") == .monthDayYear)
  }

  @Test func money() {
    #expect(MoneyFormat.us.cents("$1,234.50") == 123_450)
    #expect(MoneyFormat.us.cents("(1,234.50)") == -123_450)
    #expect(MoneyFormat.us.cents("-$12") == -1200)
    #expect(MoneyFormat.us.cents("1,23.00") == nil)
    #expect(MoneyFormat.eu.cents("1.234,50") == 123_450)
    #expect(MoneyFormat.eu.cents("€ 12,5") == 1250)
    #expect(MoneyFormat.plain.cents("1,234.50") == nil)
  }

  @Test func slugsAndTemplates() {
    #expect(Mapping.slug("Ann  Lee") == "ann_lee")
    #expect(Mapping.slug("Müller & Söhne GmbH") == "müller_söhne_gmbh")
    #expect(Mapping.parseTemplate("PAY-{Num}") == [.text("PAY-"), .column("Num", slug: false)])
    #expect(Mapping.parseTemplate("{Owner|slug}") == [.column("Owner", slug: true)])
    #expect(Mapping.parseTemplate("a{b") == nil)
  }
}
