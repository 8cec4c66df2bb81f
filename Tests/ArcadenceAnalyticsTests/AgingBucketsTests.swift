import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Testing

@Suite struct AgingBucketsTests {
  @Test func theStandardBucketsAreKpisMdsFive() throws {
    let s = AgingBuckets.standard
    #expect(s.labels == ["Current", "1–30 days", "31–60 days", "61–90 days", "90+ days"])
    #expect(s.keys == ["current", "d1_30", "d31_60", "d61_90", "d90_plus"])
    // Edges are inclusive at the top: 0 current, 30 in 1–30, 31 in 31–60, 91 in 90+.
    #expect(
      [-5, 0, 1, 30, 31, 60, 61, 90, 91, 5000].map { s.bucket(age: $0) }
        == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    #expect(KPIEngine.agingBucket(dpd: 91) == 4)
    #expect(try AgingBuckets.parse(buckets: nil, basis: nil) == .standard)
    #expect(try AgingBuckets.parse(buckets: "0, 30,60,90", basis: "due") == .standard)
  }

  @Test func labelsAndKeysOfOtherEdges() throws {
    let five = try AgingBuckets.parse(buckets: "0,30,60,90,120", basis: nil)
    #expect(five.labels.suffix(2) == ["91–120 days", "120+ days"])
    #expect(five.keys.suffix(2) == ["d91_120", "d120_plus"])
    let issued = try AgingBuckets.parse(buckets: nil, basis: "issued")
    #expect(issued.edges == [30, 60, 90])
    #expect(issued.labels == ["0–30 days", "31–60 days", "61–90 days", "90+ days"])
    #expect(issued.keys == ["d0_30", "d31_60", "d61_90", "d90_plus"])
    let odd = try AgingBuckets(edges: [15, 16], basis: .due)
    #expect(odd.labels == ["Current to 15 days", "16 days", "16+ days"])
    #expect(odd.keys == ["current_to_d15", "d16_16", "d16_plus"])
    let sameDay = try AgingBuckets(edges: [0, 30], basis: .issued)
    #expect(sameDay.labels == ["0 days", "1–30 days", "30+ days"])
  }

  @Test func badEdgesAndBasesAreUsageErrorsNamingTheOption() {
    let cases: [(String?, String?, String)] = [
      ("30,0", nil, "--buckets: edges must be strictly increasing (value \"30,0\")"),
      ("0,30,30", nil, "--buckets: edges must be strictly increasing (value \"0,30,30\")"),
      (
        "0,-30", nil,
        "--buckets: expected whole numbers of days separated by commas, such as 0,30,60,90 "
          + "(value \"0,-30\")"
      ),
      (
        "", nil,
        "--buckets: expected whole numbers of days separated by commas, such as 0,30,60,90 "
          + "(value \"\")"
      ),
      (
        "0,,30", nil,
        "--buckets: expected whole numbers of days separated by commas, such as 0,30,60,90 "
          + "(value \"0,,30\")"
      ),
      ("36501", nil, "--buckets: each edge must be from 0 to 36500 days (value \"36501\")"),
      (
        "99999999999999999999", nil,
        "--buckets: expected whole numbers of days separated by commas, such as 0,30,60,90 "
          + "(value \"99999999999999999999\")"
      ),
      (
        (0...20).map(String.init).joined(separator: ","), nil,
        "--buckets: expected 1 to 20 edges (value \"\((0...20).map(String.init).joined(separator: ","))\")"
      ),
      (nil, "paid", "--basis: expected due or issued (value \"paid\")"),
    ]
    for (buckets, basis, message) in cases {
      do {
        _ = try AgingBuckets.parse(buckets: buckets, basis: basis)
        Issue.record("accepted \(buckets ?? "nil") \(basis ?? "nil")")
      } catch let e as ArcadenceError {
        #expect(e.code == .usage)
        #expect(e.message == message)
      } catch {
        Issue.record("\(error)")
      }
    }
    // Twenty edges are fine.
    #expect(
      (try? AgingBuckets.parse(
        buckets: (1...20).map(String.init).joined(separator: ","), basis: nil))?
        .count == 21)
  }
}

/// The aging report with other buckets, on HandFixture (invoices in its header comment).
@Suite struct AgingReportBucketsTests {
  let ledger: Ledger
  init() throws { ledger = try HandFixture.ledger() }

  static func addsUp(_ r: AgingReport) {
    for row in r.rows { #expect(row.buckets.reduce(0, +) == row.total) }
    #expect(r.rows.map(\.total).reduce(0, +) == r.totals.total)
    for b in 0..<r.buckets.count {
      #expect(r.rows.map { $0.buckets[b] }.reduce(0, +) == r.totals.buckets[b])
    }
  }

  @Test func customEdgesByDueDate() throws {
    // As of 03-31 the open invoices are I1 400 (due 02-09: 50 dpd), I4 600 (due 03-31, the
    // as-of day: 0 dpd, current) and I6 2000 (due 2025-10-31: 151 dpd). Edges 0, 45, 150:
    // current 600, 1–45 nothing, 46–150 I1 400, 150+ I6 2000.
    let b = try AgingBuckets(edges: [0, 45, 150], basis: .due)
    let r = try AgingReport(
      ledger: ledger, asOf: Day(iso: "2026-03-31")!, grouping: .customer, buckets: b)
    #expect(r.totals.buckets == [60_000, 0, 40_000, 200_000])
    #expect(r.totals.total == 300_000)
    #expect(r.totals.pastDue == 240_000)
    #expect(r.rows.map(\.key) == ["C1", "C2"])
    #expect(r.rows[0].buckets == [0, 0, 40_000, 200_000])
    Self.addsUp(r)
    #expect(r.csv.hasPrefix("key,name,current,d1_45,d46_150,d150_plus,total,past_due,"))
    #expect(r.csv.contains("\ntotal,Total,600.00,0.00,400.00,2000.00,3000.00,2400.00,3,"))
    #expect(r.table().contains("46–150 days"))
  }

  @Test func byInvoiceDateWithAnInvoiceIssuedOnTheDay() throws {
    // As of 03-31, days since issue: I4 (issued 03-01) 30, I1 (01-10) 21 + 28 + 31 = 80,
    // I6 (2025-10-01) 30 + 30 + 31 + 31 + 28 + 31 = 181. Edges 29, 80, 180: 0–29 nothing,
    // 30–80 I4 600 + I1 400, 81–180 nothing, 180+ I6 2000. Past due is still 2400.
    let b = try AgingBuckets(edges: [29, 80, 180], basis: .issued)
    let end = try AgingReport(
      ledger: ledger, asOf: Day(iso: "2026-03-31")!, grouping: .none, buckets: b)
    #expect(end.totals.buckets == [0, 100_000, 0, 200_000])
    #expect(end.totals.pastDue == 240_000)
    // As of 03-01, I4 is issued that day (age 0). Open: I1 700 (age 50), I2 500 (14), I3
    // 800 (2025-11-01: 120), I4 600 (0), I6 2000 (151), I7 300 (28). Edges 0, 30: "0 days"
    // I4 600; 1–30 I2 + I7 800; 30+ I1 + I3 + I6 3500. Past due (I1 20, I3 90, I6 121 dpd):
    // 3500.
    let day = try AgingReport(
      ledger: ledger, asOf: Day(iso: "2026-03-01")!, grouping: .customer,
      buckets: try AgingBuckets(edges: [0, 30], basis: .issued))
    #expect(day.totals.buckets == [60_000, 80_000, 350_000])
    #expect(day.totals.total == 490_000)
    #expect(day.totals.pastDue == 350_000)
    Self.addsUp(day)
    #expect(day.table().contains("everyone · buckets 0,30 by invoice date · by customer"))
    #expect(day.csv.hasPrefix("key,name,d0_0,d1_30,d30_plus,total,"))
  }

  @Test func everyBasisAndEdgeListAddsUpOnEveryDay() throws {
    // Whatever the buckets, each day's buckets hold the same total as the standard ones.
    let lists: [AgingBuckets] = [
      .standard, try AgingBuckets(edges: [0], basis: .due),
      try AgingBuckets(edges: [0, 1, 2, 3, 7, 500], basis: .issued),
      try AgingBuckets(edges: [30, 60, 90], basis: .issued),
    ]
    var day = Day(iso: "2026-02-01")!
    while day <= Day(iso: "2026-04-10")! {
      let standard = try AgingReport(ledger: ledger, asOf: day, grouping: .rep)
      for b in lists {
        let r = try AgingReport(ledger: ledger, asOf: day, grouping: .rep, buckets: b)
        #expect(r.totals.total == standard.totals.total, "\(day) \(b)")
        #expect(r.totals.pastDue == standard.totals.pastDue, "\(day) \(b)")
        #expect(r.totals.buckets.count == b.count)
        Self.addsUp(r)
      }
      day = day + 1
    }
  }
}
