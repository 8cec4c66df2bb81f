import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Testing

@testable import ArcadenceAnalytics

/// The per-row rules (`KPIEngine+Terms.swift`) on single rows of the hand fixture, March 2026
/// (P = 03-01…03-31, start = 02-28), worked out on paper; the engine's totals and the
/// drill-down rows both add rows through these functions.
@Suite struct KPITermsTests {
  let ledger: Ledger
  let engine: KPIEngine
  let b = KPIEngine.Bounds(HandFixture.march)

  init() throws {
    ledger = try HandFixture.ledger()
    engine = KPIEngine(ledger: ledger)
  }

  func day(_ iso: String) -> Int32 { Day(iso: iso)?.rawValue ?? Int32.min }
  func invoice(_ id: String) throws -> Int { try #require(ledger.invoiceIds.firstIndex(of: id)) }
  func customer(_ id: String) throws -> Int { try #require(ledger.customerIds.firstIndex(of: id)) }
  func caseIndex(_ id: String) throws -> Int { try #require(ledger.caseIds.firstIndex(of: id)) }
  /// The row of a table whose day column holds `iso` (unique in the fixture).
  func row(_ days: [Int32], _ iso: String) throws -> Int {
    try #require(days.firstIndex(of: day(iso)))
  }

  /// The day before March is 02-28; the auto-pay year ends 03-31 and starts 364 days
  /// earlier, on 2025-04-01 (365 days counting both ends).
  @Test func boundsOfMarch() {
    #expect(b.start == day("2026-02-28"))
    #expect(b.yearStart == day("2025-04-01"))
    #expect(b.inActiveYear(day("2025-04-01")))
    #expect(!b.inActiveYear(day("2025-03-31")))
    #expect(!b.inActiveYear(day("2026-04-01")))
  }

  /// I1 (1,000, issued 01-10, due 02-09): neither sales nor cohort in March. At 02-28 it
  /// owes 1,000 − 300 = 700, 19 days past due (bucket 1–30); at 03-31 1,000 − 300 − 200 −
  /// 100 = 400, 50 days past due (bucket 31–60).
  @Test func anOldInvoiceAddsOnlyAging() throws {
    var t = RepTotals()
    #expect(!engine.addSales(try invoice("I1"), b, into: &t))
    #expect(!engine.addCohort(try invoice("I1"), b, into: &t))
    #expect(engine.addAging(try invoice("I1"), b, into: &t))
    var expected = RepTotals()
    expected.agingStart = [0, 70_000, 0, 0, 0]
    expected.agingEnd = [0, 0, 40_000, 0, 0]
    #expect(t == expected)
  }

  /// I4 (600, issued 03-01, due 03-31; memo and payment only in April): 600 of credit
  /// sales, net 600 in the cohort with nothing collected, 600 current at the end, nothing at
  /// the start (not issued yet). I5 (250, issued and due 03-10, 300 paid): cohort 250 of
  /// 250, and no aging at all (overpaid at the end).
  @Test func invoicesOfTheMonth() throws {
    var t = RepTotals()
    #expect(engine.addSales(try invoice("I4"), b, into: &t))
    #expect(engine.addCohort(try invoice("I4"), b, into: &t))
    #expect(engine.addAging(try invoice("I4"), b, into: &t))
    #expect(t.creditSales == 60_000)
    #expect(t.cohortBilled == 60_000 && t.cohortCollected == 0)
    #expect(t.agingStart == [0, 0, 0, 0, 0] && t.agingEnd == [60_000, 0, 0, 0, 0])
    var u = RepTotals()
    #expect(engine.addCohort(try invoice("I5"), b, into: &u))
    #expect(!engine.addAging(try invoice("I5"), b, into: &u))
    #expect(u.cohortBilled == 25_000 && u.cohortCollected == 25_000)
    #expect(u.agingEnd == [0, 0, 0, 0, 0])
  }

  /// Billed in the year: C1, C2, C3; C4 has no invoice. C1 (enrolled 03-10) is eligible,
  /// converted and enrolled at the end; C2 (cancelled 02-15) eligible only.
  @Test func autopayCustomers() throws {
    let active = engine.activeInYear(b)
    let customers = try ["C1", "C2", "C3", "C4"].map { try customer($0) }
    #expect(customers.map { active[$0] } == [true, true, true, false])
    var c1 = RepTotals()
    engine.addAutopayCustomer(try customer("C1"), b, into: &c1)
    #expect(c1.autopayActiveCustomers == 1 && c1.autopayEligible == 1)
    #expect(c1.autopayConverted == 1 && c1.autopayEnrolledEnd == 1)
    var c2 = RepTotals()
    engine.addAutopayCustomer(try customer("C2"), b, into: &c2)
    #expect(c2.autopayActiveCustomers == 1 && c2.autopayEligible == 1)
    #expect(c2.autopayConverted == 0 && c2.autopayEnrolledEnd == 0)
  }

  /// K1 closed 03-05 after 13.5 days, documented. K3 opened 03-02, open at 03-31 (29 days,
  /// over 14), escalated 03-20 for "delay" (reason 0). K5 opened 01-05, escalated 02-10
  /// (not March), open at the end (85 days).
  @Test func casesAddWhatTheyDidInTheMonth() throws {
    var k1 = RepTotals()
    #expect(engine.addCase(try caseIndex("K1"), b, into: &k1))
    #expect(k1.casesOpened == 0 && k1.casesClosed == 1 && k1.casesClosedDocumented == 1)
    #expect(k1.resolutionDays == [13.5] && k1.casesOpenEnd == 0)
    var k3 = RepTotals()
    #expect(engine.addCase(try caseIndex("K3"), b, into: &k3))
    #expect(k3.casesOpened == 1 && k3.casesOpenEnd == 1 && k3.casesOpenOver14d == 1)
    #expect(k3.escalationsByReason == [1, 0, 0, 0, 0] && k3.casesClosed == 0)
    #expect(engine.countedEscalation(try caseIndex("K3"), b)?.day == day("2026-03-20"))
    var k5 = RepTotals()
    #expect(engine.addCase(try caseIndex("K5"), b, into: &k5))
    #expect(k5.casesOpenEnd == 1 && k5.casesOpenOver14d == 1 && k5.casesOpened == 0)
    #expect(engine.countedEscalation(try caseIndex("K5"), b) == nil)
  }

  /// A row outside the period returns false and adds nothing: T5 (due 02-25), PR4 (made
  /// 02-20), P4 (received 04-05), X5 (03-31 23:30 at −01:00 = 04-01 UTC).
  @Test func rowsOutsideThePeriodAddNothing() throws {
    var t = RepTotals()
    let l = ledger
    let t5 = try row(l.taskDue, "2026-02-25")
    let pr4 = try row(l.promiseMade, "2026-02-20")
    let p4 = try row(l.paymentReceived, "2026-04-05")
    let x5 = try row(l.activityDay, "2026-04-01")
    #expect(!engine.addTask(t5, b, into: &t))
    #expect(!engine.addPromise(pr4, b, into: &t))
    #expect(!engine.addPayment(p4, b, into: &t))
    #expect(!engine.addActivity(x5, b, into: &t))
    #expect(t == RepTotals())
  }

  /// T2 due 03-10, done 03-12: due, completed by the end, late. PR1 (C1, 200, made 03-01,
  /// promised 03-12): due at 03-15, kept by P2's 200 on 03-15. P7: 75 unapplied on 03-08.
  /// X3: an outbound email, not reached.
  @Test func rowsInThePeriod() throws {
    let l = ledger
    var t = RepTotals()
    #expect(engine.addTask(try row(l.taskDue, "2026-03-10"), b, into: &t))
    #expect(t.tasksDue == 1 && t.tasksCompleted == 1 && t.tasksOnTime == 0)
    #expect(engine.addPromise(try row(l.promiseMade, "2026-03-01"), b, into: &t))
    #expect(t.promisesMade == 1 && t.promisedAmount == 20_000)
    #expect(t.promisesDue == 1 && t.promisesKept == 1)
    #expect(
      engine.addPayment(try row(l.paymentReceived, "2026-03-08"), b, into: &t))
    #expect(t.collected == 7_500 && t.paymentsCount == 1 && t.unapplied == 7_500)
    #expect(engine.addActivity(try row(l.activityDay, "2026-03-03"), b, into: &t))
    #expect(t.emails == 1 && t.calls == 0 && t.contactsReached == 0)
  }
}
