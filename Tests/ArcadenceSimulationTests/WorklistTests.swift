import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// A ledger small enough to work every worklist number on paper, imported through the real
/// CSV path. The day worked is D = 2026-03-01 (yesterday 2026-02-28).
///
/// Model (stated by hand, ``WorklistFixture/calibration``): hazard 0.01 a day in every
/// bucket; a reached contact multiplies the hazard by 2 from the next day on (lift 1.0 that
/// never decays), an unreached one does nothing; reach 0.5 for calls, 0.2 for emails;
/// cadence: a call at 5 days before the due date and a call at 5 past it.
///
/// Customers (all rep R1 unless said):
/// - C1 (hostile name): I1 $1,000.00 due 02-20, 9 dpd; the dpd-5 call (02-25) not made.
/// - C2: I2 $200.00 due 02-24, 5 dpd (the dpd-5 call is due today); a promise of $150 for
///   02-25 whose window (to 02-28) ended yesterday with no payment: broken.
/// - C3: I3 $50.00 due 03-04 (not yet due, −3 dpd); the dpd −5 call (02-27) not made.
/// - C4: I4 $300.00 due 02-27, 2 dpd; reached on 02-25 (a promise made, $100 for 03-01:
///   due today, a reminder email). The reached call was after the dpd −5 step: no cadence.
/// - C5 (rep R2): I5 $500.00 due 02-09, disputed by case K1 opened 02-14 (15 days: past the
///   limit); cases K2 (02-15, 14 days) and K3 (02-16, 13 days) near the limit, K4 (02-17,
///   12 days) not yet.
enum WorklistFixture {
  static let hostile = "=HYPERLINK(\"x\") <b>Acme</b> & \u{202E}Co\u{1B}[31m"

  static let files: [String: String] = [
    "reps.csv": """
    rep_id,name,team,active
    R1,Ann <Lead>,East,true
    R2,Bo Diaz,East,true

    """,
    "customers.csv": """
    customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,autopay_cancelled_on
    C1,"\(hostile.replacingOccurrences(of: "\"", with: "\"\""))",smb,R1,30,2025-01-01,,
    C2,Beta,smb,R1,30,2025-01-01,,
    C3,Gamma,smb,R1,30,2025-01-01,,
    C4,Delta,smb,R1,30,2025-01-01,,
    C5,Epsilon,smb,R2,30,2025-01-01,,

    """,
    "invoices.csv": """
    invoice_id,customer_id,issued_on,due_on,amount
    I1,C1,2026-01-21,2026-02-20,1000.00
    I2,C2,2026-01-25,2026-02-24,200.00
    I3,C3,2026-02-02,2026-03-04,50.00
    I4,C4,2026-01-28,2026-02-27,300.00
    I5,C5,2026-01-10,2026-02-09,500.00

    """,
    "payments.csv": "payment_id,customer_id,invoice_id,received_on,amount,method\n",
    "adjustments.csv": "adjustment_id,invoice_id,posted_on,amount,kind\n",
    "activities.csv": """
    activity_id,customer_id,invoice_id,rep_id,occurred_at,channel,direction,outcome
    X1,C4,I4,R1,2026-02-25T10:00:00Z,call,outbound,promise_to_pay

    """,
    "promises.csv": """
    promise_id,customer_id,invoice_id,rep_id,made_on,promised_on,amount
    PR1,C2,I2,R1,2026-02-20,2026-02-25,150.00
    PR2,C4,I4,R1,2026-02-25,2026-03-01,100.00

    """,
    "cases.csv": """
    case_id,customer_id,invoice_id,rep_id,opened_at,closed_at,origin,root_cause,escalated_at,escalation_reason,summary,investigation,resolution,customer_confirmed
    K1,C5,I5,R2,2026-02-14T10:00:00Z,,collections,pricing,,,,,,
    K2,C5,,R2,2026-02-15T10:00:00Z,,collections,pricing,,,,,,
    K3,C5,,R2,2026-02-16T10:00:00Z,,collections,pricing,,,,,,
    K4,C5,,R2,2026-02-17T10:00:00Z,,collections,pricing,,,,,,

    """,
    "tasks.csv": "task_id,rep_id,customer_id,invoice_id,kind,due_on,completed_on\n",
  ]

  static let day = Day(iso: "2026-03-01")!

  static func ledger() throws -> Ledger {
    let root = NSTemporaryDirectory() + "arcadence-worklist-\(UUID().uuidString)"
    let dir = root + "/csv"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, text) in files {
      try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }
    let store = try Store(path: root + "/store.sqlite")
    _ = try Importer().run(directory: dir, into: store)
    return try store.loadLedger()
  }

  static func est(_ v: Double) -> Estimate { .assumed(v) }

  static let calibration = Calibration(
    until: day - 1, segments: ["smb"], hazard: [[Double](repeating: 0.01, count: 7).map(est)],
    paidRate: [[Double](repeating: 0.01, count: 7).map(est)],
    writeOff: [Double](repeating: 0, count: 7).map(est), reach: [0.5, 0.2, 0, 0].map(est),
    pPromise: est(0.4), pKeptObserved: est(0.7), pKept: est(0.7), pDispute: est(0.1),
    pAutopayAccept: est(0.1), autopayOnTime: est(0.95), completion: est(0.9),
    promiseLeadDays: DayDistribution(days: [7], weights: [1]),
    resolutionDays: QuantileDistribution(values: [7], fallback: 7),
    lifts: Lifts(reached: 1, reachedDecayDays: 1e300, unreached: 0, unreachedDecayDays: 1),
    naiveReachedLift: nil,
    cadence: [CadenceStep(dpd: -5, channel: .call), CadenceStep(dpd: 5, channel: .call)],
    repeatEveryDays: nil, repeatChannel: .call, reps: 2, callsPerRepPerDay: 3,
    shockSigma: est(0), billedCustomers: 0, medianBillingGapDays: 0, thinThreshold: 30,
    sample: nil)

  static func worklist(calls: Int? = 2) throws -> Worklist {
    let l = try ledger()
    return Worklist.build(
      ledger: l, calibration: calibration, day: day, reps: Array(l.repIds.indices), calls: calls)
  }
}

@Suite struct WorklistTests {
  // Contact gains. Without a contact every day has hazard 0.01: P_n = 1 − 0.99^30 =
  // 1 − 0.739700 = 0.260300. Reached today: 0.01 today, 0.02 on the 29 days after, so the
  // hazard alone pays 1 − 0.99 · 0.98^29 = 1 − 0.551050; and a reached contact brings a kept
  // promise within the window with 0.4 · 0.7 = 0.28 (lead 7 days), so
  // P_r = 1 − 0.551050 · 0.72 = 1 − 0.396756 = 0.603244. Unreached: P_n. A call (reach 0.5):
  // P_c = 0.5 · 0.603244 + 0.5 · 0.260300 = 0.431772, a gain of
  // Δ = 0.5 · (0.603244 − 0.260300) = 0.171472 of the balance.
  // In cents, rounded: C1 100,000 · Δ = 17,147.20 → 17,147; C2 20,000 · Δ = 3,429.44 → 3,429;
  // C3 5,000 · Δ = 857.36 → 857.
  // C4 (reached on 02-25: every day already at 2 × 0.01): P_n = 1 − 0.98^30 = 0.454516;
  // reached today: 0.02 today, 0.03 after: 1 − 0.98 · 0.97^29 = 1 − 0.405141, with the
  // promise 1 − 0.405141 · 0.72 = 0.708298; an email (reach 0.2): P_c = 0.2 · 0.708298 +
  // 0.8 · 0.454516 = 0.505272, Δ = 0.2 · (0.708298 − 0.454516) = 0.0507565; $300.00 → $15.23
  // (1,522.70).

  @Test func paidWithinCrossesBuckets() {
    // dpd −2 with 4 days: days at −2, −1 (not due, hazard 0) then 0 and 1 (0–7, hazard 0.1):
    // 1 − 0.9 · 0.9 = 0.19.
    let h = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    let p = Worklist.paidWithin(hazard: h, dpd: -2, days: 4) { _ in 1 }
    #expect(abs(p - 0.19) < 1e-12)
    // A lift of 20 on hazard 0.1 is capped at 0.95: one day, P = 0.95.
    #expect(abs(Worklist.paidWithin(hazard: h, dpd: 0, days: 1) { _ in 20 } - 0.95) < 1e-12)
  }

  @Test func paidWithinUsesTheCustomersFrailtyAndTheBandFactors() {
    // Hazard 0.01 everywhere; due in 1–7 days (band 2) × 3; frailty 2. From dpd −3 over 5
    // days: −3, −2, −1 at 0.01 · 3 · 2 = 0.06, then 0 (due day) and 1 at 0.01 · 2 = 0.02:
    // 1 − 0.94³ · 0.98² = 0.2023071264.
    let h = [Double](repeating: 0.01, count: 7)
    var factors = [Double](repeating: 1, count: HazardBand.count)
    factors[2] = 3
    let p = Worklist.paidWithin(hazard: h, factors: factors, multiplier: 2, dpd: -3, days: 5) {
      _ in 1
    }
    #expect(abs(p - 0.2023071264) < 1e-12)
  }

  @Test func aKeptPromiseCountsWhenItFallsInTheWindow() {
    // Leads 7 (weight 3) and 40 (weight 1) days: 3/4 fall within 30 days (due on day ≤ 29):
    // 0.4 · 0.7 · 0.75 = 0.21. A lead of 0 is paid the next day, as the simulator draws it.
    let lead = DayDistribution(days: [7, 40], weights: [3, 1])
    #expect(abs(Worklist.promiseKeptWithin(pPromise: 0.4, pKept: 0.7, lead: lead) - 0.21) < 1e-12)
    let edge = DayDistribution(days: [0, 29, 30], weights: [1, 1, 2])
    #expect(abs(Worklist.promiseKeptWithin(pPromise: 1, pKept: 1, lead: edge) - 0.5) < 1e-12)
    #expect(
      Worklist.promiseKeptWithin(pPromise: 1, pKept: 1, lead: .init(days: [], weights: [])) == 0)
  }

  @Test func expectedGainsByHand() throws {
    let w = try WorklistFixture.worklist(calls: nil)
    let r1 = try #require(w.reps.first { $0.repId == "R1" })
    let all = r1.calls + r1.callsBelowCut + r1.emails
    func item(_ c: String) throws -> WorklistItem { try #require(all.first { $0.customerId == c }) }
    #expect(try item("C1").expectedGain == 17147)
    #expect(try item("C2").expectedGain == 3429)
    #expect(try item("C3").expectedGain == 857)
    #expect(try item("C4").expectedGain == 1523)
    #expect(abs((try item("C1").pNotContacted ?? 0) - 0.2602996) < 1e-6)
    #expect(abs((try item("C1").pContacted ?? 0) - 0.4317716) < 1e-6)
    #expect(abs((try item("C4").pNotContacted ?? 0) - 0.4545157) < 1e-6)
    #expect(abs((try item("C4").pContacted ?? 0) - 0.5052722) < 1e-6)
    #expect(try item("C1").balance == 100_000)
    #expect(try item("C1").daysPastDue == 9)
    #expect(try item("C3").daysPastDue == -3)
    #expect(try item("C4").lastContact == Day(iso: "2026-02-25"))
    #expect(try item("C4").lastOutcome == "promise_to_pay")
  }

  @Test func rankingCapacityAndReasons() throws {
    let w = try WorklistFixture.worklist(calls: 2)
    let r1 = try #require(w.reps.first { $0.repId == "R1" })
    // Calls by gain: C1 $94.32, C2 $18.86 (the broken promise), then C3 $4.72 (a small
    // invoice not yet due) below the cut of 2.
    #expect(r1.calls.map(\.customerId) == ["C1", "C2"])
    #expect(r1.callsBelowCut.map(\.customerId) == ["C3"])
    #expect(r1.calls[1].reasons == [.promiseBroken, .cadence])
    #expect(r1.calls[0].reasons == [.cadence])
    #expect(r1.calls[0].why.contains("(4 days overdue)"))
    #expect(r1.calls[1].why.hasPrefix("promise of $150.00 for 2026-02-25 broken yesterday"))
    #expect(r1.callsBelowCut[0].reasons == [.cadence])
    // The promise due today: a reminder email, no cadence call (the reached call of 02-25
    // came after the dpd −5 step).
    #expect(r1.emails.map(\.customerId) == ["C4"])
    #expect(r1.emails[0].reasons == [.promiseDue])
    #expect(r1.emails[0].action == .email)
    // Stable ids.
    #expect(r1.calls[0].id == "2026-03-01-C1-call")
    #expect(try WorklistFixture.worklist(calls: 2).reps[0].calls[0].id == r1.calls[0].id)
    // Capacity 0 lists no calls; 5 lists all three.
    #expect(try WorklistFixture.worklist(calls: 0).reps[0].calls.isEmpty)
    #expect(try WorklistFixture.worklist(calls: 5).reps[0].calls.count == 3)
  }

  @Test func disputedInvoiceIsNotCalledAndCasesAt13To15Days() throws {
    let w = try WorklistFixture.worklist()
    let r2 = try #require(w.reps.first { $0.repId == "R2" })
    // C5's only invoice is disputed (K1 open): no call, no email.
    #expect(r2.calls.isEmpty && r2.callsBelowCut.isEmpty && r2.emails.isEmpty)
    // K1 15 days (past), K2 14 and K3 13 (near), K4 12 (not listed); oldest first.
    #expect(
      r2.cases.map(\.id) == ["2026-03-01-K1-case", "2026-03-01-K2-case", "2026-03-01-K3-case"])
    #expect(r2.cases.map(\.caseAgeDays) == [15, 14, 13])
    #expect(r2.cases.map(\.reasons) == [[.caseOverLimit], [.caseNearLimit], [.caseNearLimit]])
    #expect(r2.cases[0].balance == 50_000)
    #expect(r2.cases[1].why.hasSuffix("passes the 14-day limit in 1 day"))
    #expect(r2.cases[2].why.hasSuffix("passes the 14-day limit in 2 days"))
  }

  @Test func hostileNamesAreEscapedInEveryFormat() throws {
    let w = try WorklistFixture.worklist()
    let html = w.html
    #expect(!html.contains("<b>Acme"))
    #expect(html.contains("&lt;b&gt;Acme&lt;/b&gt; &amp;"))
    #expect(!html.contains("\u{202E}"))
    #expect(!html.contains("\u{1B}"))
    #expect(html.contains("Ann &lt;Lead&gt;"))
    let csv = w.csv
    #expect(csv.contains("\"'=HYPERLINK(\"\"x\"\") <b>Acme</b>"))
    #expect(!csv.contains(",=HYPERLINK"))
    let terminal = TerminalText.sanitized(w.table, keepingLineBreaks: true)
    #expect(!terminal.contains("\u{202E}"))
    #expect(!terminal.contains("\u{1B}"))
    let json = w.json.rendered()
    #expect(!json.contains("\u{202E}"))
    #expect(json.contains("\\u202e") || json.contains("\\u202E"))
  }

  /// The printable page comes from the shared `worklistPrint` template: one section per
  /// rep (the second starts a new printed page), one row per item with its id, eleven
  /// columns (#, Action, Customer, Invoices, Balance, DPD, Last contact, Reason, Gain, Why,
  /// Done; twelve with buckets: Bucket after DPD).
  @Test func thePrintablePageHasASectionPerRepAndARowPerItem() throws {
    let w = try WorklistFixture.worklist()
    let html = w.html
    func count(_ s: String) -> Int { html.components(separatedBy: s).count - 1 }
    #expect(count("<section") == w.reps.count)
    #expect(count("page-break-before: always") == w.reps.count - 1)
    let items = w.reps.map { $0.calls.count + $0.emails.count + $0.cases.count }.reduce(0, +)
    #expect(count("<tr id=\"") == items)
    #expect(count("<th>") == 11 * w.reps.count)
    #expect(!html.contains("<th>Bucket</th>"))
    for r in w.reps {
      for it in r.calls + r.emails + r.cases { #expect(html.contains("<tr id=\"\(it.id)\">")) }
    }
    let l = try WorklistFixture.ledger()
    let bucketed = Worklist.build(
      ledger: l, calibration: WorklistFixture.calibration, day: WorklistFixture.day,
      reps: Array(l.repIds.indices), calls: 5,
      buckets: try AgingBuckets(edges: [0, 7], basis: .due))
    #expect(bucketed.html.contains("<th>DPD</th><th>Bucket</th><th>Last contact</th>"))
  }

  @Test func itemsNameTheBucketOfTheirOldestInvoice() throws {
    let l = try WorklistFixture.ledger()
    func build(_ b: AgingBuckets?) -> Worklist {
      Worklist.build(
        ledger: l, calibration: WorklistFixture.calibration, day: WorklistFixture.day,
        reps: Array(l.repIds.indices), calls: 5, buckets: b)
    }
    // Edges 0, 7 by due date on 03-01: C1 (I1, 9 dpd) "7+ days", C2 (I2, 5) and C4 (I4, 2)
    // "1–7 days", C3 (I3, −3) "Current"; K1's I5 (20 dpd) "7+ days", K2 and K3 no invoice.
    let w = build(try AgingBuckets(edges: [0, 7], basis: .due))
    let r1 = w.reps[0]
    let r2 = w.reps[1]
    let items = r1.calls + r1.emails
    func label(_ c: String) -> String? {
      items.first { $0.customerId == c }.map { w.bucketLabel($0) }
    }
    #expect(label("C1") == "7+ days" && label("C2") == "1–7 days")
    #expect(label("C3") == "Current" && label("C4") == "1–7 days")
    #expect(r2.cases.map { w.bucketKey($0) } == ["d7_plus", nil, nil])
    #expect(w.table.contains("  bucket  "))
    #expect(
      w.csv.hasPrefix(
        "item_id,date,rep_id,rep_name,section,rank,action,customer_id,"
          + "customer_name,invoice_ids,open_balance,days_past_due,aging_bucket,last_contact_on,"))
    #expect(w.csv.contains(",100000.00,9,d7_plus,") == false)
    #expect(w.csv.contains(",1000.00,9,d7_plus,"))
    // By invoice date, edge 30: I1 issued 01-21 is 10 + 28 + 1 = 39 days old on 03-01
    // ("30+ days"), I3 issued 02-02 is 27 ("0–30 days").
    let issued = build(try AgingBuckets(edges: [30], basis: .issued))
    let all = issued.reps[0].calls
    #expect(all.first { $0.customerId == "C1" }.map { issued.bucketLabel($0) } == "30+ days")
    #expect(all.first { $0.customerId == "C3" }.map { issued.bucketLabel($0) } == "0–30 days")
    // Without buckets, no column.
    let plain = build(nil)
    #expect(!plain.csv.contains("aging_bucket") && !plain.table.contains("bucket"))
    #expect(plain.reps[0].calls.allSatisfy { $0.agingBucket == nil })
  }

  @Test func aPolicysStepDueTodayPutsTheCustomerOnTheList() throws {
    // On 02-24, C3's I3 (due 03-04) is 8 days before its due date: the observed cadence's
    // first step is at −5, so C3 is not on the list. A policy with a call at −8 puts it on
    // as due today; its repeat (every 7 days to dpd 20: −1, 6, 13, 20) makes C1's I1 (due
    // 02-20, 4 dpd) due the step at −1, 5 days overdue.
    let l = try WorklistFixture.ledger()
    let day = Day(iso: "2026-02-24")!
    let scenario = try Scenario.parse(
      """
      policies:
        - name: early calls
          cadence:
            steps: [{dpd: -8, channel: call}]
            repeat: {every_days: 7, channel: call, until_dpd: 20}
      """, file: "early.yaml")
    let policy = try scenario.policies[0].resolve(WorklistFixture.calibration)
    func items(_ p: Policy?) -> [WorklistItem] {
      let w = Worklist.build(
        ledger: l, calibration: WorklistFixture.calibration, day: day,
        reps: Array(l.repIds.indices), calls: 10, policy: p)
      return w.reps.flatMap { $0.calls + $0.callsBelowCut + $0.emails }
    }
    #expect(!items(nil).contains { $0.customerId == "C3" })
    let with = items(policy)
    let c3 = try #require(with.first { $0.customerId == "C3" })
    #expect(c3.reasons == [.cadence] && c3.action == .call)
    #expect(c3.why.hasPrefix("policy early calls: cadence call at dpd -8 on I3 (due today)"))
    let c1 = try #require(with.first { $0.customerId == "C1" })
    #expect(c1.why.hasPrefix("policy early calls: cadence call at dpd -1 on I1 (5 days overdue)"))
  }

  @Test func theRepeatStopsAtItsLastDpd() {
    // A call at 5, then every 7 days to dpd 20: occurrences 12 and 19.
    let steps = [CadenceStep(dpd: 5, channel: .call)]
    let r = Policy.Repeat(everyDays: 7, channel: .email, untilDpd: 20)
    func latest(_ dpd: Int) -> Int? {
      Worklist.latestStep(steps, repeatRule: r, dpd: dpd)?.dpd
    }
    #expect(latest(4) == nil)
    #expect(latest(11) == 5)
    #expect(latest(12) == 12)
    #expect(Worklist.latestStep(steps, repeatRule: r, dpd: 12)?.channel == .email)
    #expect(latest(25) == 19)
    #expect(latest(300) == 19)
    // Without an end, the repeat goes on: 5 + 42 · 7 = 299.
    let open = Policy.Repeat(everyDays: 7, channel: .call)
    #expect(Worklist.latestStep(steps, repeatRule: open, dpd: 300)?.dpd == 299)
  }

  @Test func aCallThatOffersAutopayCountsTheSwitch() throws {
    // The fixture's calibration assumes its rates (no enrolment observed), so the observed
    // cadence offers no auto-pay; a policy that does: a reached call with no promise (0.6)
    // and no dispute (0.9) enrols with 0.1, and auto-pay pays on the due date with 0.95:
    // 0.6 · 0.9 · 0.1 · 0.95 = 0.0513. C3's I3 ($50, due in 3 days) gets it: reached,
    // P = 1 − 0.551050 · (1 − 0.28 − 0.0513) = 0.631513 (0.603244 without); the call
    // (reach 0.5) P_c = 0.5 · 0.631513 + 0.5 · 0.260300 = 0.445906, a gain of
    // 5,000 · 0.5 · (0.631513 − 0.260300) = 928.03 → 928 cents (857 without). C1's I1 is past
    // due: auto-pay would pay only its next invoices, so its gain stays 17,147; C4's email
    // offers nothing (1,523).
    #expect(
      abs(
        Worklist.autopayPaysDue(pPromise: 0.4, pDispute: 0.1, pAccept: 0.1, onTime: 0.95)
          - 0.0513) < 1e-12)
    let l = try WorklistFixture.ledger()
    let cal = WorklistFixture.calibration
    let offering = Policy(name: "offer", steps: cal.cadence, offerAutopay: true)
    let w = Worklist.build(
      ledger: l, calibration: cal, day: WorklistFixture.day, reps: Array(l.repIds.indices),
      calls: 5, policy: offering)
    let r1 = w.reps[0]
    func item(_ c: String) throws -> WorklistItem {
      try #require((r1.calls + r1.emails).first { $0.customerId == c })
    }
    #expect(try item("C3").expectedGain == 928)
    #expect(abs((try item("C3").pContacted ?? 0) - 0.4459061) < 1e-6)
    #expect(try item("C1").expectedGain == 17147)
    #expect(try item("C4").expectedGain == 1523)
    // Already enrolled: nothing to switch. Probabilities of one invoice due in 3 days with
    // and without the offer, and one due in 30 days (outside the window).
    let h = [Double](repeating: 0.01, count: 7)
    func p(_ dpd: Int, _ autopay: Double) -> Double {
      Worklist.probabilities(
        hazard: h, dpd: dpd, reach: 1, lifts: cal.lifts, prior: { _ in 0 }, promise: 0.28,
        autopay: autopay
      ).contacted
    }
    #expect(abs(p(-3, 0.0513) - 0.6315125) < 1e-6)
    #expect(abs(p(-3, 0) - 0.6032437) < 1e-6)
    #expect(p(-30, 0.0513) == p(-30, 0))
    #expect(p(0, 0.0513) == p(0, 0))
  }

  // AUC by hand: paid {0.35, 0.8} vs unpaid {0.1, 0.4}: pairs (0.35>0.1) 1, (0.35<0.4) 0,
  // (0.8>0.1) 1, (0.8>0.4) 1 → 3/4. With a tie, paid {0.5, 0.9} vs unpaid {0.5, 0.2}:
  // 0.5 + 1 + 1 + 1 = 3.5 of 4 = 0.875.
  @Test func aucByHand() {
    #expect(
      WorklistCheck.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true]) == 0.75)
    #expect(
      WorklistCheck.auc(scores: [0.5, 0.5, 0.2, 0.9], labels: [true, false, false, true]) == 0.875)
    #expect(WorklistCheck.auc(scores: [0.1, 0.2], labels: [true, true]) == nil)
  }

  // Deciles by hand: 20 scores 0.00, 0.05, …, 0.95, paid from 0.50 up. Decile g holds scores
  // 0.1g and 0.1g + 0.05: mean 0.1g + 0.025, observed 0 below the sixth, 1 from it.
  // Five scores: group g takes positions ⌊g·5/10⌋ ..< ⌊(g+1)·5/10⌋, five groups of one.
  @Test func decilesByHand() {
    let s = (0..<20).map { Double($0) * 0.05 }
    let d = WorklistCheck.deciles(scores: s.reversed(), labels: s.reversed().map { $0 >= 0.5 })
    #expect(d.count == 10)
    for (g, x) in d.enumerated() {
      #expect(x.count == 2)
      #expect(abs(x.meanPredicted - (0.1 * Double(g) + 0.025)) < 1e-12)
      #expect(x.observed == (g >= 5 ? 1 : 0))
    }
    #expect(
      WorklistCheck.deciles(scores: [1, 2, 3, 4, 5], labels: [true, false, true, false, true]).count
        == 5)
  }

  @Test func checkOnTheSample() throws {
    let (ledger, links) = try SampleData.get()
    let last = try #require(ledger.lastEventDay)
    let c = try WorklistCheck.run(ledger: ledger, links: links, lastDay: last, weeks: 1)
    #expect(c.to == last - 29)
    #expect(c.calibrations == 1)
    #expect(c.predictions > 1000)
    let auc = try #require(c.auc)
    #expect(auc > 0.6)
  }
}
