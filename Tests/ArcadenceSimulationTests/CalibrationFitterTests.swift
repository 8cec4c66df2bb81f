import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation
@testable import ArcadenceStore

/// Each calibration fitter on its own, on ledgers of one or two customers small enough to
/// count on paper. Day `d0` is 2026-01-01; every invoice is issued on `d0` and due on
/// `d0 + 10` unless stated; the cutoff is `d0 + 20`.
@Suite struct CalibrationFitterTests {
  static let d0 = Day(iso: "2026-01-01")!.rawValue
  static let until = d0 + 20

  /// One rep, customers `C1`, `C2`, … of segment smb (auto-pay from `autopayOn`, by
  /// customer), and invoices of `amounts` on `customers`, with `payments` as (invoice, day,
  /// cents).
  static func ledger(
    customers: Int = 1, autopayOn: [Int32] = [], invoiceCustomers: [Int32] = [0],
    due: [Int32] = [], payments: [(Int32, Int32, Int64)] = []
  ) -> Ledger {
    var l = Ledger()
    l.repIds = ["R1", "R2", "R3"]
    l.repNames = ["Ann", "Bo", "Cy"]
    l.repTeams = [nil, nil, nil]
    l.customerIds = (1...customers).map { "C\($0)" }
    l.customerNames = l.customerIds
    l.customerSegments = Array(repeating: "smb", count: customers)
    l.customerRep = Array(repeating: 0, count: customers)
    l.customerTerms = Array(repeating: 10, count: customers)
    l.customerCreated = Array(repeating: d0 - 100, count: customers)
    l.customerAutopayOn = autopayOn.isEmpty ? Array(repeating: .max, count: customers) : autopayOn
    l.customerAutopayOff = Array(repeating: .max, count: customers)
    l.invoiceIds = invoiceCustomers.indices.map { "I\($0 + 1)" }
    l.invoiceCustomer = invoiceCustomers
    l.invoiceIssued = invoiceCustomers.map { _ in d0 }
    l.invoiceDue = due.isEmpty ? invoiceCustomers.map { _ in d0 + 10 } : due
    l.invoiceAmount = invoiceCustomers.map { _ in 10_000 }
    for (invoice, day, amount) in payments {
      l.paymentCustomer.append(invoiceCustomers[Int(invoice)])
      l.paymentInvoice.append(invoice)
      l.paymentReceived.append(day)
      l.paymentAmount.append(amount)
    }
    return l
  }

  static func input(_ l: Ledger, links: InvoiceLinks = InvoiceLinks(), threshold: Double = 2)
    -> CalibrationInput
  {
    var l = l
    l.buildIndexes()
    return CalibrationInput(ledger: l, links: links, until: until, threshold: threshold)
  }

  /// Invoice I1 is paid in full on d0 + 6; a case on it is open from d0 + 2 to d0 + 4. Open
  /// days d0 … d0 + 6: 7, all not yet due (dpd −10 … −4), one paid. The case blocks d0 + 3
  /// and d0 + 4 (after the day opened, up to the day closed), so 5 days are at risk; on
  /// d0 + 6 (closed + 2) the resolved dispute lifts the hazard like a reached contact the
  /// day before: 1 + 2·e^(−1/7) = 2.733756. Exposure 4 + 2.733756 = 6.733756; bands:
  /// d0 … d0 + 2 in 8–14 days before due (3 days), d0 + 5 and d0 + 6 in 1–7 (3.733756).
  @Test func lifeTableBlocksDisputedDaysAndLiftsAfterResolution() {
    var l = Self.ledger(payments: [(0, Self.d0 + 6, 10_000)])
    l.caseIds = ["K1"]
    l.caseCustomer = [0]
    l.caseInvoice = [0]
    l.caseRep = [0]
    l.caseOpenedAt = [Int64(Self.d0 + 2) * 86_400 + 3_600]
    l.caseClosedAt = [Int64(Self.d0 + 4) * 86_400 + 7_200]
    l.caseRootCause = [nil]
    l.caseEscalatedAt = [nil]
    l.caseEscalationReason = [nil]
    l.caseDocumented = [true]
    let t = LifeTable.fit(Self.input(l), lifts: .assumed)
    #expect(t.days[0] == 7 && t.paid[0] == 1)
    #expect(t.writeOffDays[0] == 7 && t.writeOffEvents.allSatisfy { $0 == 0 })
    #expect(t.customerEvents[0] == 1)
    #expect(abs(t.customerExposure[0] - 6.733756) < 1e-6)
    #expect(t.bandExposure[1] == 3)
    #expect(abs(t.bandExposure[2] - 3.733756) < 1e-6 && t.bandEvents[2] == 1)
    #expect(t.autopayTrials == 0)
  }

  /// C1 is on auto-pay; I1 is due on d0 + 2 and paid in full that day: the due date counts
  /// as one auto-pay trial and one hit, not as a day at risk, so only d0 and d0 + 1 are at
  /// risk (2 days, no payment). C2's I2 has a promise made on d0 + 1 for d0 + 3: its window
  /// d0 + 2 … d0 + 6 is the promise process's; I2 is paid on d0 + 8, so of 9 open days
  /// (d0 … d0 + 8) 4 are at risk (d0, d0 + 1, d0 + 7, d0 + 8) with one payment.
  @Test func lifeTableSetsAutopayDueDatesAndPromiseWindowsApart() {
    let l = Self.ledger(
      customers: 2, autopayOn: [Self.d0 - 50, .max], invoiceCustomers: [0, 1],
      due: [Self.d0 + 2, Self.d0 + 10],
      payments: [(0, Self.d0 + 2, 10_000), (1, Self.d0 + 8, 10_000)])
    var links = InvoiceLinks()
    links.promiseInvoice = [1]
    links.promiseMade = [Self.d0 + 1]
    links.promisePromised = [Self.d0 + 3]
    links.promiseAmount = [10_000]
    let t = LifeTable.fit(Self.input(l, links: links), lifts: .assumed)
    let nb = AgingBucket.count
    #expect(t.autopayTrials == 1 && t.autopayHits == 1)
    #expect(t.customerExposure[0] == 2 && t.customerEvents[0] == 0)
    #expect(t.customerExposure[1] == 0)
    // C2: d0, d0 + 1 and d0 + 7 not yet due, d0 + 8 (dpd −2) too: 4 days, 1 payment.
    #expect(t.customerExposure[nb] == 4 && t.customerEvents[nb] == 1)
    // Open days: C1's d0 and d0 + 1 and C2's nine not yet due, C1's due date in 0–7; one
    // invoice paid in full in each.
    #expect(t.days[0] == 11 && t.days[1] == 1 && t.paid[0] == 1 && t.paid[1] == 1)
  }

  /// A reached call on day 10: on day 11 the reached term is 2·e^(−1/7) = 1.733756, on day 12
  /// 2·e^(−2/7) = 1.502955; the last reached and last contact days are 10.
  @Test func contactLiftDecaysDayByDay() {
    var links = InvoiceLinks()
    links.activityInvoice = [0]
    links.activityDay = [10]
    links.activityChannel = [.call]
    links.activityOutbound = [true]
    links.activityOutcome = ["reached"]
    var lift = ContactLift(activities: 0..<1, lifts: .assumed)
    lift.advance(to: 10, links: links, spans: [])
    #expect(lift.multiplier == 1 && lift.lastContact == Int32.min)
    lift.advance(to: 11, links: links, spans: [])
    #expect(abs(lift.reached - 1.733756) < 1e-6 && lift.unreached == 0)
    lift.advance(to: 12, links: links, spans: [])
    #expect(abs(lift.multiplier - 2.502955) < 1e-6)
    #expect(lift.lastReached == 10 && lift.lastContact == 10)
  }

  /// Write-off events [0, 1, 0, 0, 0, 0, 2] over days [0, 100, 100, 100, 100, 100, 1500]:
  /// the not-due bucket has no days and gets the overall rate 3 ÷ 2000 = 0.0015; 0–7 is
  /// 1 ÷ 100 = 0.01 and thin (fewer than 1,000 days); 91+ is 2 ÷ 1500, not thin.
  @Test func writeOffRatesAreUnshrunk() {
    var t = LifeTable(segments: 1, customers: 1)
    t.writeOffEvents = [0, 1, 0, 0, 0, 0, 2]
    t.writeOffDays = [0, 100, 100, 100, 100, 100, 1500]
    let w = HazardFit.writeOffRates(t)
    #expect(w[0].value == 0.0015 && w[0].thin)
    #expect(w[1].value == 0.01 && w[1].thin && w[1].events == 1)
    #expect(w[2].value == 0)
    #expect(w[6].value == 2.0 / 1500 && !w[6].thin)
  }

  /// Two strata: (2 payments in 10 days after a reached contact, 1 in 10 quiet days) and
  /// (3 in 30, 2 in 60). Mantel–Haenszel: num = 2·10/20 + 3·60/90 = 3, den = 1·10/20 +
  /// 2·30/90 = 7/6, ratio 18/7 = 2.571429; the mean of e^(−t/7) over t = 1…7 is 0.588044,
  /// so the jump is 1.571429 ÷ 0.588044 = 2.672299, on 5 events (thin under 30).
  @Test func naiveLiftIsTheMantelHaenszelRatio() {
    var t = LifeTable(segments: 1, customers: 1)
    t.afterReached[0] = 2
    t.afterReached[1] = 10
    t.quiet[0] = 1
    t.quiet[1] = 10
    t.afterReached[2] = 3
    t.afterReached[3] = 30
    t.quiet[2] = 2
    t.quiet[3] = 60
    let e = NaiveLift.fit(t, lifts: .assumed, threshold: 30)
    #expect(abs((e?.value ?? 0) - 2.672299) < 1e-6)
    #expect(e?.events == 5 && e?.thin == true)
    #expect(
      NaiveLift.fit(LifeTable(segments: 1, customers: 1), lifts: .assumed, threshold: 30) == nil)
  }

  /// C1's outbound contacts: four reached calls (a promise, a dispute, a plain "reached"
  /// and an auto-pay enrolment), one unreached email; one inbound call, which does not
  /// count. Threshold 2. Reach: calls 4/4 = 1, email 0/1 topped up to 2 trials at the 0.05
  /// prior = 0.025. Of 4 reached, 1 promise (0.25); of the other 3, 1 dispute (1/3); of the
  /// remaining 2 calls (C1 not on auto-pay), 1 enrolment (0.5).
  @Test func contactFitCountsReachAndOutcomes() {
    var l = Self.ledger()
    let outcomes = [
      "promise_to_pay", "dispute", "reached", "autopay_enrolled", "voicemail", "reached",
    ]
    l.activityCustomer = Array(repeating: 0, count: 6)
    l.activityRep = Array(repeating: 0, count: 6)
    l.activityDay = (0..<6).map { Self.d0 + Int32($0) }
    l.activityChannel = [.call, .call, .call, .call, .email, .call]
    l.activityOutbound = [true, true, true, true, true, false]
    l.activityReached = [true, true, true, true, false, true]
    l.activityOutcome = outcomes
    var counts = CustomerRateCounts(customers: 1)
    let f = ContactFit.fit(Self.input(l), counts: &counts)
    #expect(f.reach[0].value == 1 && f.reach[0].events == 4)
    #expect(abs(f.reach[1].value - 0.025) < 1e-12 && f.reach[1].thin)
    #expect(f.reach[2].value == 0.05 && f.reach[2].exposure == 0)
    #expect(f.pPromise.value == 0.25)
    #expect(f.pDispute.value == 1.0 / 3)
    #expect(f.pAutopayAccept.value == 0.5)
    #expect(counts.trials == [4, 1, 4, 0, 3, 2] && counts.hits == [4, 0, 1, 0, 1, 1])
  }

  /// Three promises of C1, whose only payment is 100.00 on d0 + 6. P1 (100.00, made d0 for
  /// d0 + 5): window to d0 + 8 holds the payment, kept. P2 (200.00, made d0 + 10 for
  /// d0 + 12): nothing in d0 + 10 … d0 + 15, broken. P3 (made d0 + 18 for d0 + 19): its
  /// window ends d0 + 22, after the cutoff, so not yet due, but its lead time counts. Kept
  /// 1 of 2 = 0.5; with background payments q = 0.2 the process's own rate is (0.5 − 0.2) ÷
  /// 0.8 = 0.375. Leads 5, 2 and 1 days, one each.
  @Test func promiseFitUsesTheKPIRuleAndNetsOutBackgroundPayments() {
    var l = Self.ledger(payments: [(0, Self.d0 + 6, 10_000)])
    l.promiseCustomer = [0, 0, 0]
    l.promiseRep = [0, 0, 0]
    l.promiseMade = [Self.d0, Self.d0 + 10, Self.d0 + 18]
    l.promisePromised = [Self.d0 + 5, Self.d0 + 12, Self.d0 + 19]
    l.promiseAmount = [10_000, 20_000, 5_000]
    var counts = CustomerRateCounts(customers: 1)
    let f = PromiseFit.fit(Self.input(l), background: 0.2, counts: &counts)
    #expect(f.keptObserved.value == 0.5 && f.keptObserved.exposure == 2)
    #expect(abs(f.kept.value - 0.375) < 1e-12)
    #expect(f.leadDays == DayDistribution(days: [1, 2, 5], weights: [1, 1, 1]))
    #expect(counts.trials[3] == 2 && counts.hits[3] == 1)
  }

  /// One promise on I1, made d0 for d0 + 1: its window d0 + 1 … d0 + 4 is 4 days; with a
  /// hazard of 0.1 in every bucket and no contacts the invoice survives it with 0.9⁴ =
  /// 0.6561, so it is paid in the window with 0.3439.
  @Test func backgroundPaymentIsTheHazardsChanceInTheWindow() {
    let l = Self.ledger()
    var links = InvoiceLinks()
    links.promiseInvoice = [0]
    links.promiseMade = [Self.d0]
    links.promisePromised = [Self.d0 + 1]
    links.promiseAmount = [10_000]
    let hazard = [[Estimate](repeating: .assumed(0.1), count: AgingBucket.count)]
    let q = PromiseFit.backgroundPayment(
      Self.input(l, links: links), hazard: hazard, lifts: .assumed)
    #expect(abs(q - 0.3439) < 1e-12)
  }

  /// Cases closed after 1.5 and 3 days, one still open and one closed after the cutoff:
  /// the resolution quantiles run from 1.5 to 3 with median 2.25, resting on 2 cases.
  @Test func caseFitTakesClosedCasesOnly() {
    var l = Self.ledger()
    let opened = Int64(Self.d0) * 86_400
    l.caseIds = ["K1", "K2", "K3", "K4"]
    l.caseCustomer = [0, 0, 0, 0]
    l.caseInvoice = [-1, -1, -1, -1]
    l.caseRep = [0, 0, 0, 0]
    l.caseOpenedAt = [opened, opened, opened, opened]
    l.caseClosedAt = [opened + 129_600, opened + 259_200, nil, opened + 25 * 86_400]
    l.caseRootCause = [nil, nil, nil, nil]
    l.caseEscalatedAt = [nil, nil, nil, nil]
    l.caseEscalationReason = [nil, nil, nil, nil]
    l.caseDocumented = [true, true, true, true]
    let r = CaseFit.resolution(Self.input(l))
    #expect(r.count == 2)
    #expect(r.quantiles.first == 1.5 && r.quantiles.last == 3 && r.quantiles[10] == 2.25)
  }

  /// Tasks due by cutoff − 14: a call done (hit), an email never done, a follow-up done
  /// after the cutoff (miss); a review (not a cadence task) and a call due 13 days before
  /// the cutoff do not count. 1 of 3, threshold 2: 1/3.
  @Test func taskFitCountsCadenceTasksDueTwoWeeksBack() {
    var links = InvoiceLinks()
    let u = Self.until
    links.taskInvoice = [0, 0, 0, 0, 0]
    links.taskKind = ["call", "email", "follow_up", "review", "call"]
    links.taskDue = [u - 20, u - 14, u - 15, u - 30, u - 13]
    links.taskCompleted = [u - 18, Int32.max, u + 1, u - 30, u - 13]
    let c = TaskFit.completion(Self.input(Self.ledger(), links: links))
    #expect(c.value == 1.0 / 3 && c.exposure == 3 && !c.thin)
  }

  /// Outbound calls: rep 0 twice on u − 1 and three times on u − 5, rep 1 once on u − 2 and
  /// once on u − 40; rep 2 only an inbound call and an email. Reps calling in the last 30
  /// days: 2. Calls per day over the last 90 days with calls: 2, 1, 3, 1 → median 1.5, per
  /// rep 0.75.
  @Test func capacityFitIsTheTypicalDayPerRep() {
    var l = Self.ledger()
    let u = Self.until
    let days = [u - 1, u - 1, u - 5, u - 5, u - 5, u - 2, u - 40, u - 1, u - 1]
    l.activityCustomer = days.map { _ in 0 }
    l.activityRep = [0, 0, 0, 0, 0, 1, 1, 2, 2]
    l.activityDay = days
    l.activityChannel = [.call, .call, .call, .call, .call, .call, .call, .call, .email]
    l.activityOutbound = [true, true, true, true, true, true, true, false, true]
    l.activityReached = days.map { _ in false }
    l.activityOutcome = days.map { _ in "no_answer" }
    let c = CapacityFit.fit(Self.input(l))
    #expect(c.reps == 2 && c.callsPerRepPerDay == 0.75)
  }
}
