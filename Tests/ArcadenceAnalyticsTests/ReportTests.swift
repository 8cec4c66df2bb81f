import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import Testing

@testable import ArcadenceAnalytics

@Suite struct ScorecardTests {
  let card: Scorecard

  init() throws {
    card = Scorecard(engine: KPIEngine(ledger: try HandFixture.ledger()), period: HandFixture.march)
  }

  func line(_ rep: String) -> Scorecard.Line { card.lines.first { $0.repId == rep }! }

  @Test func everyRepSortedById() {
    #expect(card.lines.map(\.repId) == ["R1", "R2", "R3", "R4"])
  }

  @Test func competitionRanksWithinTheTeam() {
    // Team A = R1, R2, R3. Collected: R1 775, R2 300 (C3's P5 + P6), R3 0 → 1, 2, 3.
    #expect(line("R1").ranks[.collectedAmount] == 1)
    #expect(line("R2").ranks[.collectedAmount] == 2)
    #expect(line("R3").ranks[.collectedAmount] == 3)
    // Calls: R1 2, R2 0, R3 0 → 1, 2, 2 (ties share the better rank).
    #expect(line("R2").ranks[.calls] == 2)
    #expect(line("R3").ranks[.calls] == 2)
    // Contacts reached: R1 1 (X1), R2 2 (X4, X7), R3 0 → 2, 1, 3.
    #expect(line("R1").ranks[.contactsReached] == 2)
    #expect(line("R2").ranks[.contactsReached] == 1)
    // Promise kept rate: R1 1/2, R2 1/1 (PR5), R3 null → 2, 1, null.
    #expect(line("R1").ranks[.promiseKeptRate] == 2)
    #expect(line("R2").ranks[.promiseKeptRate] == 1)
    #expect(line("R3").ranks[.promiseKeptRate] == .some(nil))
    // Lower is better: cases over 14 days R1 1 (K5), R2 1 (K3), R3 0 → R3 first, then 2, 2.
    #expect(line("R3").ranks[.casesOpenOver14d] == 1)
    #expect(line("R1").ranks[.casesOpenOver14d] == 2)
    #expect(line("R2").ranks[.casesOpenOver14d] == 2)
    // R4 has no team: ranked alone.
    #expect(line("R4").ranks[.collectedAmount] == 1)
  }

  @Test func teamMedians() {
    // Collected in team A: 775, 300, 0 → median 300.
    #expect(card.teamMedian(.collectedAmount, team: "A") == 300)
    // Task completion: R1 2/2 = 1.0, R2 1/3, R3 null → median of [1.0, 1/3] = 2/3.
    #expect(abs(card.teamMedian(.taskCompletionRate, team: "A")! - 2.0 / 3.0) < 1e-12)
  }

  @Test func jsonForOneRepHoldsThatRepAlone() throws {
    let text = card.json(rep: "R2").rendered()
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    let reps = object["reps"] as! [[String: Any]]
    #expect(reps.map { $0["rep_id"] as? String } == ["R2"])
    // R2 collected C3's P5 + P6 = 300.00, second in team A (775, 300, 0).
    #expect((reps[0]["metrics"] as! [String: Any])["collected_amount"] as? Double == 300)
    #expect((reps[0]["rank"] as! [String: Any])["collected_amount"] as? Int == 2)
    #expect(card.json(rep: nil) == card.json)
    // A rep that is not in the store: the contract's shape, no reps.
    #expect(card.json(rep: "NOPE").rendered().contains("\"reps\": []"))
  }

  @Test func metricKeysNameTheDefinitionsInContractOrder() {
    #expect(Metrics.all.map(\.key) == MetricKey.allCases)
    for key in MetricKey.allCases { #expect(Metrics[key].key == key) }
    #expect(MetricKey.collectionRate.rawValue == "collection_rate")
    #expect(MetricKey.averageDaysDelinquent.rawValue == "add")
    #expect(line("R1")[.calls] == .count(2))  // X1 and X2, both R1's calls
  }

  @Test func jsonCarriesTheContract() throws {
    let text = card.json.rendered()
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    #expect(Set(object.keys) == ["period", "reps"])
    let reps = object["reps"] as! [[String: Any]]
    #expect(reps.count == 4)
    #expect(Set(reps[0].keys) == ["rep_id", "name", "team", "metrics", "rank"])
    #expect(reps[0]["name"] as? String == "Ann <Lead> & Co")
    #expect(reps[3]["team"] is NSNull)
    let rank = reps[0]["rank"] as! [String: Any]
    #expect(rank.count == 13)
  }
}

@Suite struct AgingReportTests {
  let ledger: Ledger
  init() throws { ledger = try HandFixture.ledger() }

  @Test func bucketsAddUpToTheTotal() throws {
    // As of 03-31: C1 has I1 400 (31–60) and I6 2000 (90+); C2 has I4 600 (current).
    let r = try AgingReport(ledger: ledger, asOf: Day(iso: "2026-03-31")!, grouping: .customer)
    #expect(r.totals.buckets == [60_000, 0, 40_000, 0, 200_000])
    #expect(r.rows.map(\.key) == ["C1", "C2"])  // sorted by past-due balance
    #expect(r.rows[0].pastDue == 240_000)
    #expect(r.rows[0].oldestInvoice?.id == "I6")
    #expect(r.rows[0].oldestInvoice?.dpd == 151)
    // C1's last contact on or before 03-31 is X7 on 03-10.
    #expect(r.rows[0].lastContact?.description == "2026-03-10")
    for row in r.rows { #expect(row.buckets.reduce(0, +) == row.total) }
    #expect(r.rows.map(\.total).reduce(0, +) == r.totals.total)
  }

  /// The JSON by customer, every value worked out by hand (as of 03-31): C1 holds I1 400 at
  /// 50 dpd (31–60) and I6 2000 at 151 dpd (90+, its oldest), last contact X7 on 03-10; C2
  /// holds I4 600 due that day (current, 0 dpd), last contact X3 on 03-03; C3's I5 is
  /// overpaid and I3, I7 are written off or credited.
  @Test func jsonByCustomer() throws {
    let r = try AgingReport(ledger: ledger, asOf: Day(iso: "2026-03-31")!, grouping: .customer)
    var w = JSONWriter(pretty: false)
    r.writeJSON(to: &w)
    let buckets = { (c: String, a: String, b: String, t: String) in
      "{\"current\":\(c),\"d1_30\":0.00,\"d31_60\":\(a),\"d61_90\":0.00,\"d90_plus\":\(b),"
        + "\"total\":\(t)}"
    }
    let expected =
      "{\"as_of\":\"2026-03-31\",\"group_by\":\"customer\",\"scope\":{\"rep\":null,\"team\":null},"
      + "\"open_invoices\":3,\"total\":\(buckets("600.00", "400.00", "2000.00", "3000.00")),"
      + "\"rows\":[{\"key\":\"C1\",\"name\":\"Acme, Inc.\",\"open_invoices\":2,"
      + "\"buckets\":\(buckets("0.00", "400.00", "2000.00", "2400.00")),\"past_due\":2400.00,"
      + "\"rep_id\":\"R1\",\"oldest_invoice\":\"I6\",\"oldest_invoice_dpd\":151,"
      + "\"last_contact\":\"2026-03-10\"},"
      + "{\"key\":\"C2\",\"name\":\"Beta <b>\",\"open_invoices\":1,"
      + "\"buckets\":\(buckets("600.00", "0.00", "0.00", "600.00")),\"past_due\":0.00,"
      + "\"rep_id\":\"R1\",\"oldest_invoice\":\"I4\",\"oldest_invoice_dpd\":0,"
      + "\"last_contact\":\"2026-03-03\"}]}"
    #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
    // The pretty bytes the command prints are that document, laid out: without the line
    // breaks, the indentation and the space after each key, the same text.
    let pretty = String(decoding: r.jsonUTF8, as: UTF8.self)
    #expect(pretty.hasPrefix("{\n  \"as_of\": \"2026-03-31\",\n  \"group_by\""))
    let unindented = pretty.split(separator: "\n").map { $0.drop { $0 == " " } }.joined()
    #expect(unindented.replacingOccurrences(of: "\": ", with: "\":") == expected)
  }

  /// `aging --by customer` loads only the invoices' ids, the activities' customers and days
  /// up to the day, no promise, task or payments-per-customer index: the same report, value
  /// for value, as from the whole ledger (C1: I6 at 151 dpd, last contact 03-10).
  @Test func aLedgerOfWhatAgingReadsGivesTheSameReport() throws {
    let day = Day(iso: "2026-03-31")!
    let store = try HandFixture.store()
    let narrow = try store.loadLedger(
      LedgerSelection(
        activities: DayWindow(from: .min, to: day.rawValue), promises: .none, tasks: .none,
        columns: [.invoiceIds, .activityCustomers]))
    #expect(narrow.activityRep.isEmpty && narrow.customerPaymentTotal.isEmpty)
    let r = try AgingReport(ledger: narrow, asOf: day, grouping: .customer)
    let whole = try AgingReport(ledger: ledger, asOf: day, grouping: .customer)
    #expect(r.jsonUTF8 == whole.jsonUTF8)
    #expect(r.rows.first?.oldestInvoice?.dpd == 151)
    #expect(r.rows.first?.lastContact?.description == "2026-03-10")
  }

  @Test func byRepAndPastDates() throws {
    // As of 02-28 (the March start): R1's customers hold everything open: 4300.
    let r = try AgingReport(ledger: ledger, asOf: Day(iso: "2026-02-28")!, grouping: .rep)
    #expect(r.rows.map(\.key) == ["R1"])
    #expect(r.totals.total == 430_000)
    // CSV money is in currency units: current 800 (I2 500 + I7 300), 1–30 700, 61–90 800, 90+ 2000.
    #expect(
      r.csv.contains("R1,Ann <Lead> & Co,800.00,700.00,0.00,800.00,2000.00,4300.00,3500.00,5"))
  }
}

@Suite struct WeeklyReviewTests {
  let ledger: Ledger
  init() throws { ledger = try HandFixture.ledger() }

  @Test func paretoEscalationsStuckCasesAndTrend() throws {
    // 2026-W12 = 03-16 … 03-22. Opened in it: K4 (03-21 UTC, pricing). Escalated in it: K3
    // (03-20, delay). Open over 14 days at 03-22: K3 (20 days) and K5 (76 days).
    let w = try WeeklyReview(ledger: ledger, week: Period.parseISOWeek("2026-W12")!)
    #expect(w.casesOpened == 1)
    #expect(w.causes.map(\.rootCause) == ["pricing"])
    #expect(w.causes[0].share == 1 && w.causes[0].cumulativeShare == 1)
    // K4 is C1's pricing case; C1 had K1 (pricing) opened 02-20, within 90 days → recurring.
    #expect(w.causes[0].recurring == 1)
    #expect(w.causes[0].amountAtStake == 0)  // K4 has no invoice
    #expect(w.escalations.map(\.count) == [1, 0, 0, 0, 0])
    #expect(w.stuck.map(\.caseId) == ["K5", "K3"])
    #expect(w.stuck.map(\.ageDays) == [76, 20])
    #expect(w.trendWeeks.first == "2026-W05" && w.trendWeeks.last == "2026-W12")
    // Pricing cases per week: K5 in W02 (outside), K1 in W08, K2 in W11, K4 in W12.
    #expect(w.trend.first?.counts == [0, 0, 0, 1, 0, 0, 1, 1])
  }

  @Test func paretoOrderAndAmounts() throws {
    // 2026-W10 = 03-02 … 03-08: K3 (missing_po, I5 250). 2026-W11: K2 (pricing, I4 600).
    let w10 = try WeeklyReview(ledger: ledger, week: Period.parseISOWeek("2026-W10")!)
    #expect(w10.causes.map(\.rootCause) == ["missing_po"])
    #expect(w10.causes[0].amountAtStake == 25_000)
    // W14 (03-30 … 04-05): K6 has no root cause.
    let w14 = try WeeklyReview(ledger: ledger, week: Period.parseISOWeek("2026-W14")!)
    #expect(w14.causes.map(\.rootCause) == [WeeklyReview.unspecified])
  }

  @Test func markdownEscapesUntrustedText() throws {
    let w = try WeeklyReview(ledger: ledger, week: Period.parseISOWeek("2026-W12")!)
    let md = w.markdown
    #expect(md.contains("Beta &lt;b&gt;"))  // C2's name in the stuck-case table
    #expect(!md.contains("<b>"))
    #expect(WeeklyReview.markdownCell("a|b\nc") == "a\\|b c")
  }
}

@Suite struct StatisticsTests {
  @Test func quantilesMatchNumPy() {
    // numpy.percentile([1, 2, 3, 4], [50, 90]) = [2.5, 3.7]
    #expect(Statistics.quantile([4, 1, 3, 2], 0.5) == 2.5)
    #expect(abs(Statistics.quantile([1, 2, 3, 4], 0.9)! - 3.7) < 1e-12)
    #expect(Statistics.quantile([], 0.5) == nil)
    #expect(Statistics.quantile([7], 0.9) == 7)
  }

  @Test func competitionRanking() {
    // Two values beat 10, so it ranks third; 5 is fourth.
    #expect(Statistics.competitionRanks([10, 20, 20, 5], higherIsBetter: true) == [3, 1, 1, 4])
    #expect(Statistics.competitionRanks([10, nil, 5], higherIsBetter: false) == [2, nil, 1])
  }

  @Test func confidenceInterval() {
    // s of [1, 2, 3, 4] = √(5/3) = 1.2909944; half-width = 1.959964 × s / √4 = 1.2651513.
    #expect(abs(Statistics.ci95HalfWidth([1, 2, 3, 4])! - 1.265_151_3) < 1e-6)
  }
}
