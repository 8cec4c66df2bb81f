import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import Testing

@testable import ArcadenceAnalytics

/// Every KPI of kpis.md on `HandFixture`, each expected value worked out by hand.
@Suite struct KPIEngineTests {
  let ledger: Ledger
  let march: KPIReport

  init() throws {
    ledger = try HandFixture.ledger()
    march = try KPIReport(
      engine: KPIEngine(ledger: ledger), period: HandFixture.march, scope: .everyone)
  }

  func v(_ key: MetricKey, _ report: KPIReport? = nil) -> MetricValue {
    (report ?? march)[key]
  }

  func ratio(_ key: MetricKey, _ report: KPIReport? = nil) -> Double? {
    if case .ratio(let r) = v(key, report) { return r }
    if case .days(let r) = v(key, report) { return r }
    Issue.record("\(key) is not a ratio")
    return nil
  }

  func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-9 } ?? false }

  /// The `kpis` and `scorecard` commands load only the activities, promises and tasks of
  /// their periods: every metric must come out the same as from the whole ledger.
  @Test func aLedgerOfThePeriodsGivesTheSameMetrics() throws {
    let store = try HandFixture.store()
    let p = HandFixture.march
    let windowed = try store.loadLedger(.kpis(covering: [p, p.previous]))
    #expect(windowed.activityDay.count < ledger.activityDay.count)
    let a = try KPIReport(engine: KPIEngine(ledger: windowed), period: p, scope: .everyone)
    #expect(a.json.rendered() == march.json.rendered())
    #expect(a.previous == march.previous)
    let card = Scorecard(engine: KPIEngine(ledger: windowed), period: p)
    #expect(
      card.json.rendered()
        == Scorecard(engine: KPIEngine(ledger: ledger), period: p).json.rendered())
  }

  @Test func cash() {
    // Payments received in March: P2 200 + P3 500 + P5 100 + P6 200 + P7 75 (unapplied).
    // P1 (02-20) and P4 (04-05) fall outside.
    #expect(v(.collectedAmount) == .money(107_500))
    #expect(v(.paymentsCount) == .count(5))
    #expect(v(.unappliedAmount) == .money(7_500))
    // Invoices issued in March: I4 600 + I5 250 (gross: credit memos are not subtracted).
    #expect(v(.creditSales) == .money(85_000))
  }

  @Test func collectionRateIsACohortRate() {
    // Cohort: due in March = I2 (03-17), I7 (03-03), I5 (03-10), I4 (03-31).
    // Billed: I2 500 + I7 (300 − 300 credit) 0 + I5 250 + I4 600 (its 04-02 memo is after
    // `to`) = 1350. Collected: I2 min(500, 500) + I7 min(0, 0) + I5 min(250, 100 + 200)
    // (capped at net) + I4 min(600, 0) = 750. Rate = 750 / 1350.
    #expect(close(ratio(.collectionRate), 750.0 / 1350.0))
  }

  @Test func agingAtStartAndEnd() {
    // At start (02-28): I1 1000 − 300 = 700, dpd 19 → 1–30; I2 500, dpd −17 → current;
    // I3 800, dpd 89 → 61–90; I6 2000, dpd 120 → 90+; I7 300, dpd −3 → current.
    // I4 and I5 are not issued yet.
    #expect(v(.agingStart) == .aging([80_000, 70_000, 0, 80_000, 200_000]))
    #expect(v(.arOpenStart) == .money(430_000))
    #expect(v(.pastDueStart) == .money(350_000))
    // At end (03-31): I1 1000 − 300 − 200 − 100 = 400, dpd 50 → 31–60; I4 600, dpd 0 →
    // current; I6 2000 → 90+. I2 paid, I3 written off, I7 credited, I5 overpaid (−50): not open.
    #expect(v(.agingEnd) == .aging([60_000, 0, 40_000, 0, 200_000]))
    #expect(v(.arOpenEnd) == .money(300_000))
    #expect(v(.currentAREnd) == .money(60_000))
    #expect(v(.pastDueEnd) == .money(240_000))
    // (3500 − 2400) / 3500; the 90+ bucket did not move.
    #expect(close(ratio(.agingReduction), 1100.0 / 3500.0))
    #expect(close(ratio(.aging90PlusReduction), 0))
  }

  @Test func dsoAndCEI() {
    // DSO = 3000 / 850 × 31; best possible = 600 / 850 × 31; ADD is the difference.
    #expect(close(ratio(.dso), 3000.0 / 850.0 * 31))
    #expect(close(ratio(.bestPossibleDSO), 600.0 / 850.0 * 31))
    #expect(close(ratio(.averageDaysDelinquent), 2400.0 / 850.0 * 31))
    // CEI = (4300 + 850 − 3000) / (4300 + 850 − 600) = 2150 / 4550.
    #expect(close(ratio(.cei), 2150.0 / 4550.0))
  }

  @Test func autopay() {
    // Billed in [2025-04-01, 2026-03-31]: C1, C2, C3 (C4 was last billed before that).
    // Eligible (created ≤ 02-28, not enrolled at 02-28): C1 (enrolls 03-10) and C2 (its
    // auto-pay was cancelled 02-15). C3 is created in March. Converted: C1.
    #expect(v(.autopayEligible) == .count(2))
    #expect(v(.autopayConverted) == .count(1))
    #expect(close(ratio(.autopayConversionRate), 0.5))
    // Enrolled at 03-31 among C1, C2, C3: only C1.
    #expect(close(ratio(.autopayShareEnd), 1.0 / 3.0))
  }

  @Test func cases() {
    // Opened in March (UTC dates): K2 03-10, K3 03-02, K4 03-21 (23:30 at −05:00), K6 03-30.
    #expect(v(.casesOpened) == .count(4))
    // Closed in March: K1 03-05, K2 03-12. K6 closes 03-31 at −02:00 = 04-01 UTC: still open.
    #expect(v(.casesClosed) == .count(2))
    // Open at the end: K3, K4, K5 (closes 04-02), K6.
    #expect(v(.casesOpenEnd) == .count(4))
    // Older than 14 days at 03-31: K3 (29 days) and K5 (85 days); K4 is 10, K6 1.
    #expect(v(.casesOpenOver14d) == .count(2))
    // Resolution: K1 13.5 days (02-20 10:00 → 03-05 22:00), K2 2.5 days.
    // Median 8.0; p90 = 2.5 + 0.9 × (13.5 − 2.5) = 12.4.
    #expect(close(ratio(.caseResolutionMedianDays), 8.0))
    #expect(close(ratio(.caseResolutionP90Days), 12.4))
    // Escalated in March: K2 (documentation_gap), K3 (delay); K5's was in February.
    #expect(v(.escalations) == .count(2))
    #expect(v(.escalationsByReason) == .byReason([1, 1, 0, 0, 0]))
    // Of K1 and K2, only K1 is documented (K2's summary is blank after trimming).
    #expect(close(ratio(.documentationCompleteness), 0.5))
  }

  @Test func tasks() {
    // Due in March: T1, T2, T3, T4, T6 (T5 is due in February).
    // Completed by 03-31: T1, T2 and T6 (done early, on 03-01); T4 is done 04-02.
    // On time: T1 (same day) and T6 (early).
    #expect(v(.tasksDue) == .count(5))
    #expect(v(.tasksCompleted) == .count(3))
    #expect(close(ratio(.taskCompletionRate), 0.6))
    #expect(close(ratio(.tasksOnTimeRate), 0.4))
  }

  @Test func promises() {
    // Made in March: PR1 200, PR2 100, PR3 50, PR5 100 (PR4 was made in February).
    #expect(v(.promisesMade) == .count(4))
    #expect(v(.promisedAmount) == .money(45_000))
    // Due (promised_on + 3 ≤ 03-31): PR1, PR2, PR5 — PR3's window ends 04-01.
    // PR1: C1 paid 200 on 03-15, inside [03-01, 03-15] → kept.
    // PR2: C2 paid only the 75 unapplied on 03-08 inside [03-05, 03-23] → broken.
    // PR5: C3 paid 100 on 03-05, inside [03-02, 03-05] → kept.
    #expect(v(.promisesDue) == .count(3))
    #expect(v(.promisesKept) == .count(2))
    #expect(close(ratio(.promiseKeptRate), 2.0 / 3.0))
  }

  @Test func outreach() {
    // Outbound calls in March: X1, X2. X4 is inbound, X5 is 04-01 in UTC, X6 is 02-28.
    #expect(v(.calls) == .count(2))
    #expect(v(.emails) == .count(1))
    // Reached outcomes in March: X1 reached, X4 dispute, X7 autopay_enrolled (an SMS).
    #expect(v(.contactsReached) == .count(3))
  }

  @Test func aRepsScopeFollowsTheCustomerOrTheRowsOwnRep() throws {
    let r1 = try KPIReport(
      engine: KPIEngine(ledger: ledger), period: HandFixture.march, scope: .rep("R1"))
    // Cash follows the customer's rep: C1 and C2 belong to R1 → P2 + P3 + P7 = 775.
    #expect(v(.collectedAmount, r1) == .money(77_500))
    // Activities follow their own rep: X1, X2 calls, X3 email; X7 (R2) is not R1's.
    #expect(v(.calls, r1) == .count(2))
    #expect(v(.contactsReached, r1) == .count(1))
    // R1's cases K1, K2, K5: closed K1 and K2; open over 14 days K5.
    #expect(v(.casesClosed, r1) == .count(2))
    #expect(v(.casesOpenOver14d, r1) == .count(1))
    // R1's promises PR1 (kept) and PR2 (broken).
    #expect(close(ratio(.promiseKeptRate, r1), 0.5))
  }

  @Test func teamsIncludeInactiveRepsAndUnknownScopesAreUsageErrors() throws {
    let engine = KPIEngine(ledger: ledger)
    let team = try KPIReport(engine: engine, period: HandFixture.march, scope: .team("A"))
    // R4 has no rows, so team A (R1, R2 and inactive R3) carries every number.
    #expect(team.values == march.values)
    for scope in [Scope.rep("R9"), .team("Z")] {
      do {
        _ = try KPIReport(engine: engine, period: HandFixture.march, scope: scope)
        Issue.record("expected an error for \(scope)")
      } catch let e as ArcadenceError {
        #expect(e.exitStatus == 2)
      }
    }
    #expect(throws: ArcadenceError.self) { try Scope.from(rep: "R1", team: "A") }
  }

  @Test func thePromiseRulesLiveInTheEngine() {
    // kpis.md: a promise for 2026-03-10 is judged at the end of 2026-03-13.
    let promised = Day(iso: "2026-03-10")!.rawValue
    #expect(KPIEngine.promiseWindowEnd(promisedOn: promised) == Day(iso: "2026-03-13")!.rawValue)
    // A case opened on 03-01 is over the limit at the end of 03-16 (15 days), not of 03-15.
    let opened = Day(iso: "2026-03-01")!.rawValue
    #expect(!KPIEngine.caseOverLimit(openedOn: opened, asOf: Day(iso: "2026-03-15")!.rawValue))
    #expect(KPIEngine.caseOverLimit(openedOn: opened, asOf: Day(iso: "2026-03-16")!.rawValue))
  }

  @Test func anEmptyPeriodGivesNullsNotZerosOrNaN() throws {
    let empty = Period(from: Day(iso: "2020-01-01")!, to: Day(iso: "2020-01-31")!)
    let r = try KPIReport(engine: KPIEngine(ledger: ledger), period: empty, scope: .everyone)
    for key: MetricKey in [
      .collectionRate, .agingReduction, .aging90PlusReduction, .dso, .bestPossibleDSO,
      .averageDaysDelinquent, .cei, .autopayConversionRate, .autopayShareEnd,
      .caseResolutionMedianDays, .caseResolutionP90Days, .documentationCompleteness,
      .taskCompletionRate, .tasksOnTimeRate, .promiseKeptRate,
    ] {
      #expect(ratio(key, r) == nil, "\(key)")
    }
    #expect(v(.collectedAmount, r) == .money(0))
    let json = r.json.rendered()
    #expect(json.contains("\"collection_rate\": null"))
    #expect(!json.contains("nan") && !json.contains("inf"))
  }

  @Test func aRepWithNoActivity() throws {
    let r3 = try KPIReport(
      engine: KPIEngine(ledger: ledger), period: HandFixture.march, scope: .rep("R3"))
    #expect(v(.collectedAmount, r3) == .money(0))
    #expect(v(.calls, r3) == .count(0))
    #expect(ratio(.promiseKeptRate, r3) == nil)
    #expect(ratio(.taskCompletionRate, r3) == nil)
  }

  @Test func aPeriodOfOneDay() throws {
    // 03-17: P3 500 is received; I2 (500, due 03-17) is the whole cohort and is paid.
    let day = Period(from: Day(iso: "2026-03-17")!, to: Day(iso: "2026-03-17")!)
    let r = try KPIReport(engine: KPIEngine(ledger: ledger), period: day, scope: .everyone)
    #expect(v(.collectedAmount, r) == .money(50_000))
    #expect(close(ratio(.collectionRate, r), 1.0))
    #expect(ratio(.dso, r) == nil)  // nothing invoiced that day
    #expect(r.period.days == 1)
    #expect(r.period.previous.from.description == "2026-03-16")
  }

  @Test func leapDayAndISOWeek53() throws {
    // 2026-W53 is Monday 2026-12-28 to Sunday 2027-01-03; nothing happens in it.
    let w53 = Period.parseISOWeek("2026-W53")!
    let r = try KPIReport(engine: KPIEngine(ledger: ledger), period: w53, scope: .everyone)
    #expect(r.period.days == 7)
    // At 2027-01-03 I1 (400 left, due 2026-02-09) and I6 (2000, due 2025-10-31) are both
    // open and more than 90 days late; I4 was paid on 2026-04-05.
    #expect(v(.agingEnd, r) == .aging([0, 0, 0, 0, 240_000]))
    let leap = Period(from: Day(iso: "2024-02-29")!, to: Day(iso: "2024-02-29")!)
    #expect(leap.previous.to.description == "2024-02-28")
    let q1 = Period.parseQuarter("2024-Q1")!
    #expect(q1.days == 91)  // 31 + 29 + 31
  }

  @Test func balancesAsOfADay() {
    // I1: 1000 − 300 (02-20) = 700 at 02-28; − 200 (03-15) − 100 (03-20 memo) = 400 at 03-31.
    let i1 = ledger.invoiceIds.firstIndex(of: "I1")!
    #expect(ledger.balance(i1, at: Day(iso: "2026-02-19")!.rawValue) == 100_000)
    #expect(ledger.balance(i1, at: Day(iso: "2026-02-28")!.rawValue) == 70_000)
    #expect(ledger.balance(i1, at: Day(iso: "2026-03-31")!.rawValue) == 40_000)
    // I5: the 100 paid on 03-05, before the 03-10 issue date, counts from the issue date on.
    let i5 = ledger.invoiceIds.firstIndex(of: "I5")!
    #expect(ledger.balance(i5, at: Day(iso: "2026-03-10")!.rawValue) == 15_000)
    #expect(ledger.balance(i5, at: Day(iso: "2026-03-31")!.rawValue) == -5_000)
  }
}
