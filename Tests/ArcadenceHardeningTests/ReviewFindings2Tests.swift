import ArcadenceCore
import ArcadenceTestSupport
import Foundation
import Testing

@testable import ArcadenceSimulation

/// Defects found by the second review (output files, terminal text, the worklist, the
/// accuracy evaluation): each test failed before its fix.
@Suite struct ReviewFindings2Tests {
  /// One rep, the customers `customers` (id, name) each billed 100 on the first of January
  /// to May 2025 (due on the 15th), never paid, and called on the 20th; `cases` (case id,
  /// customer id, invoice id) open since 2025-05-01.
  static func store(customers: [(String, String)], cases: [(String, String, String)] = [])
    throws -> String
  {
    func field(_ s: String) -> String {
      "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    var invoices = "invoice_id,customer_id,issued_on,due_on,amount\n"
    var activities =
      "activity_id,customer_id,invoice_id,rep_id,occurred_at,channel,direction,outcome\n"
    var people =
      "customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,"
      + "autopay_cancelled_on\n"
    var n = 0
    for (id, name) in customers {
      people += "\(field(id)),\(field(name)),smb,R1,30,2025-01-01,,\n"
      for m in 1...5 {
        n += 1
        let invoice = field("I\(id)-\(m)")
        invoices += "\(invoice),\(field(id)),2025-0\(m)-01,2025-0\(m)-15,100\n"
        activities +=
          "A\(n),\(field(id)),\(invoice),R1,2025-0\(m)-20T10:00:00Z,call,outbound,no_answer\n"
      }
    }
    var caseRows =
      "case_id,customer_id,invoice_id,rep_id,opened_at,closed_at,origin,root_cause,"
      + "escalated_at,escalation_reason,summary,investigation,resolution,customer_confirmed\n"
    for (id, customer, invoice) in cases {
      caseRows +=
        "\(field(id)),\(field(customer)),\(field(invoice)),R1,2025-05-01T10:00:00Z,,"
        + "collections,pricing,,,,,,\n"
    }
    let data = try Hostile.dataset([
      "reps.csv": "rep_id,name,team,active\nR1,Rep One,T,true\n", "customers.csv": people,
      "invoices.csv": invoices, "activities.csv": activities, "cases.csv": caseRows,
    ])
    let db = try Hostile.temporaryDirectory("db") + "/store.sqlite"
    let r = try Hostile.run(["import", data, "--db", db])
    #expect(r.status == 0, "\(r.err)")
    return db
  }

  static func json(_ text: String) throws -> [String: Any] {
    try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// Every item id of a worklist JSON document.
  static func itemIds(_ text: String) throws -> [String] {
    let reps = try #require(try json(text)["reps"] as? [[String: Any]])
    return reps.flatMap { rep in
      ["calls", "emails", "cases"].flatMap { key in
        ((rep[key] as? [[String: Any]]) ?? []).compactMap { $0["item_id"] as? String }
      }
    }
  }

  /// `worklist --date 9999-12-31` calibrated on every day up to it: minutes of work (linear
  /// in the span) on a day thousands of years after the data. A day more than 100 years
  /// after the data is refused (``Span``, as a scenario's start), and the model is fitted on
  /// the data there is, not on invented days at risk after the last day.
  @Test func worklistDateFarAfterTheDataIsRefusedAndTheModelStopsAtTheData() throws {
    let db = try Hostile.handFixtureStore()
    let start = Date()
    let far = try Hostile.run(["worklist", "--db", db, "--date", "9999-12-31"])
    #expect(far.status == 2)
    #expect(far.err.hasPrefix("error: --date: 9999-12-31 is "), "\(far.err)")
    #expect(Date().timeIntervalSince(start) < 20)
    let later = try Hostile.run([
      "worklist", "--db", db, "--date", "2027-06-01", "--format", "json",
    ])
    #expect(later.status == 0, "\(later.err)")
    #expect(try Self.json(later.out)["calibrated_until"] as? String == "2026-04-05")
  }

  /// Item ids are for a dialer or CRM to import, so no two items share one. Customer `R.1`
  /// and customer `R_1-4ffc9b90` (the file-safe form of `R.1`) both had
  /// `2025-06-10-R_1-4ffc9b90-call`; customer `case` and case `call` both had
  /// `2025-06-10-case-call`.
  @Test func worklistItemIdsAreDistinct() throws {
    let db = try Self.store(
      customers: [("R.1", "Dot"), ("R_1-4ffc9b90", "Underscore"), ("case", "Casey")],
      cases: [("call", "R.1", "IR.1-1")])
    let r = try Hostile.run([
      "worklist", "--db", db, "--date", "2025-06-10", "--format", "json",
    ])
    #expect(r.status == 0, "\(r.err)")
    let ids = try Self.itemIds(r.out)
    #expect(ids.count == 4, "\(ids)")
    #expect(Set(ids).count == ids.count, "\(ids)")
    // A safe customer id keeps its readable form.
    #expect(ids.contains("2025-06-10-case-call") || ids.contains("2025-06-10-R_1-4ffc9b90-call"))
  }

  /// The worklist table is laid out by its own code, which did not escape the cells as
  /// `TextTable` does: a line break in a customer's name (or a rep's) reached the terminal
  /// and split the row (`Terminal.print` keeps the program's own line breaks).
  @Test func worklistTableKeepsOneLinePerItem() throws {
    let db = try Self.store(customers: [("C1", "Top\r\nBottom"), ("C2", "Up\nDown")])
    let r = try Hostile.run(["worklist", "--db", db, "--date", "2025-06-10"])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains("Top\\r\\nBottom"), "\(r.out)")
    #expect(r.out.contains("Up\\nDown"), "\(r.out)")
    #expect(
      !r.out.split(separator: "\n").contains { $0.hasPrefix("Bottom") || $0.hasPrefix("Down") })
  }

  /// A store whose last event is 9999-12-31: the default day (the day after) was
  /// 10000-01-01, written into the table, the ids and the CSV, a date the product says it
  /// never writes. Now a usage error that says to name a day.
  @Test func worklistNeverWorksADayAfterTheCalendar() throws {
    let data = try Hostile.dataset([
      "reps.csv": "rep_id,name,team,active\nR1,Rep One,T,true\n",
      "customers.csv":
        "customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,"
        + "autopay_cancelled_on\nC1,Late,smb,R1,30,9999-01-01,,\n",
      "invoices.csv":
        "invoice_id,customer_id,issued_on,due_on,amount\nI1,C1,9999-11-01,9999-12-01,100\n",
      "payments.csv":
        "payment_id,customer_id,invoice_id,received_on,amount,method\n"
        + "P1,C1,I1,9999-12-31,40,ach\n",
    ])
    let db = try Hostile.temporaryDirectory("db") + "/store.sqlite"
    #expect(try Hostile.run(["import", data, "--db", db]).status == 0)
    for format in ["table", "csv", "json"] {
      let r = try Hostile.run(["worklist", "--db", db, "--format", format])
      #expect(!r.out.contains("10000-"), "\(r.out)")
      #expect(r.status == 2, "\(r.err)")
      #expect(r.err.contains("--date"), "\(r.err)")
    }
    let last = try Hostile.run(["worklist", "--db", db, "--date", "9999-12-31"])
    #expect(last.status == 0, "\(last.err)")
  }

  /// `--check --format csv` ran the whole check (9.5 s on the sample) before refusing the
  /// format, and on a store too short for the check it named the data instead of the
  /// format: options are checked before any work.
  @Test func worklistCheckRefusesItsFormatFirst() throws {
    let data = try Hostile.dataset([
      "reps.csv": "rep_id,name,team,active\nR1,Rep One,T,true\n",
      "customers.csv":
        "customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,"
        + "autopay_cancelled_on\nC1,Solo,smb,R1,30,2025-01-01,,\n",
      "invoices.csv":
        "invoice_id,customer_id,issued_on,due_on,amount\nI1,C1,2025-01-10,2025-02-09,100\n",
    ])
    let db = try Hostile.temporaryDirectory("db") + "/store.sqlite"
    #expect(try Hostile.run(["import", data, "--db", db]).status == 0)
    let r = try Hostile.run(["worklist", "--db", db, "--check", "--format", "html"])
    #expect(r.status == 2)
    #expect(r.err == "error: --check: --format table or json\n")
  }

  /// The rep-comparison chart of a team called `no-team` and that of the reps with no team
  /// were both `reps-no-team`: `charts` said 12 files and wrote 11, one team's chart lost.
  @Test func aTeamCalledNoTeamKeepsItsOwnChart() throws {
    var files = HandFixture.files
    files["reps.csv"] =
      "rep_id,name,team,active\nR1,Ann,A,true\nR2,Bo,no-team,true\nR3,Cy,A,false\n"
      + "R4,Di,,true\n"
    let data = try Hostile.dataset(files)
    let db = try Hostile.temporaryDirectory("db") + "/store.sqlite"
    #expect(try Hostile.run(["import", data, "--db", db]).status == 0)
    let out = try Hostile.temporaryDirectory("charts")
    let r = try Hostile.run([
      "charts", "--db", db, "--quarter", "2026-Q1", "--format", "svg", "--out", out,
    ])
    #expect(r.status == 0, "\(r.err)")
    let names = try FileManager.default.contentsOfDirectory(atPath: out)
    #expect(names.filter { $0.hasPrefix("reps-") }.count == 3, "\(names.sorted())")
    #expect(r.out.hasPrefix("wrote \(names.count) files"), "\(r.out) \(names.sorted())")
  }

  /// The temporary file beside the target took the target's first 100 characters: with 80
  /// three-byte characters (a valid 244-byte name) its name passed the 255-byte limit and
  /// every write failed with "File name too long". The prefix is cut by bytes now.
  @Test func aLongMultiByteFileNameCanBeWritten() throws {
    let db = try Hostile.handFixtureStore()
    let out =
      try Hostile.temporaryDirectory("out") + "/" + String(repeating: "売", count: 80)
      + ".csv"
    let r = try Hostile.run(["worklist", "--db", db, "--format", "csv", "--out", out])
    #expect(r.status == 0, "\(r.err)")
    #expect(FileManager.default.fileExists(atPath: out))
  }

  /// `accuracy --format json` trapped ("Double value cannot be converted to Int64") after
  /// two minutes on a store the ledger check accepts: 495,000 unpaid invoices of
  /// $100,000,000,000 (4.95 × 10^18 cents, within a 64-bit total), all issued in the year
  /// before the cutoff; baseline B pays the open balances and bills the same again, 9.9 ×
  /// 10^18 cents. Reproduced here on the value itself (the store takes minutes to evaluate);
  /// every forecast, band and mean in JSON and tables now goes through one conversion.
  @Test func aForecastBeyondInt64IsWrittenNotTrapped() throws {
    let day = try #require(Day(iso: "2025-02-01"))
    let e = Accuracy.Evaluation(
      cutoff: day, horizon: 30, method: .customerAverage, actual: 0, forecast: 9.9e18,
      band: 9.8e18...1e19, weeks: [], invoicesPaid: nil, within3: 0, within7: 0)
    let a = Accuracy(
      settings: Accuracy.Settings(cutoffs: 1, horizons: [30]), cutoffs: [day], evaluations: [e])
    let object = try Self.json(a.json.rendered())
    let evaluation = try #require((object["evaluations"] as? [[String: Any]])?.first)
    #expect((evaluation["forecast"] as? Double) == 9.9e16)
    #expect((evaluation["p95"] as? Double) == 1e17)
    #expect(Cents.nearest(9.9e18) == Int64.max)
    #expect(Cents.nearest(-.infinity) == 0)
    #expect(Cents.nearest(1234.5) == 1235)
  }

  /// Days at risk per customer were summed in `Float`, which stops growing at 2^24: one
  /// customer with 100,000 invoices 210 days into 91+ showed "0 payments in 16,777,216 days
  /// at risk" (21,000,000 in truth, as the write-off line beside it said), so its hazards
  /// and frailty rested on a wrong exposure. The store is written with the sqlite3 shell.
  @Test func exposurePastTwoToThe24DaysIsCounted() throws {
    let data = try Hostile.dataset([
      "reps.csv": "rep_id,name,team,active\nR1,Rep One,T,true\n",
      "customers.csv":
        "customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,"
        + "autopay_cancelled_on\nC1,Solo,smb,R1,30,2020-01-01,,\n",
      "invoices.csv":
        "invoice_id,customer_id,issued_on,due_on,amount\nI0,C1,2020-01-01,2020-01-31,1\n",
      "payments.csv":
        "payment_id,customer_id,invoice_id,received_on,amount,method\n"
        + "P0,C1,,2020-11-26,1,ach\n",
    ])
    let db = try Hostile.temporaryDirectory("db") + "/store.sqlite"
    #expect(try Hostile.run(["import", data, "--db", db]).status == 0)
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    // 99,999 more invoices of C1 issued 2020-01-01 (day 18262), due 2020-01-31.
    shell.arguments = [
      db,
      "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 99999) "
        + "INSERT INTO invoices SELECT 'B' || k, 'C1', 18262, 18292, 100 FROM n;",
    ]
    try shell.run()
    shell.waitUntilExit()
    #expect(shell.terminationStatus == 0)
    let r = try Hostile.run(["calibrate", "--db", db])
    #expect(r.status == 0, "\(r.err)")
    let line = try #require(
      r.out.split(separator: "\n").first { $0.hasPrefix("hazard smb dpd_91_plus") })
    #expect(line.contains("0 payments in 21,000,000 days at risk"), "\(line)")
  }
}
