import ArcadenceCore
import ArcadenceGenerator
import Foundation
import Testing

@testable import ArcadenceSimulation
@testable import ArcadenceStore

@Suite struct LiftEstimatorTests {
  /// Four days at risk of two customers. A's task fell on a light day (instrument +0.5): both
  /// its days follow a reached contact (ρ = 1) and both paid. B's fell on a heavy day (−0.5):
  /// no contact, one of its two days paid. The instrument's mean over days is 0, so the
  /// moment is 0.5 · 2 ÷ (1 + L) − 0.5 · 1 = 0: 1 + L = 2, L = 1 (A pays twice as often as B,
  /// all of it put down to the contact). With an unreached contact on A's days too (q = 1,
  /// U = 0.3): 1 + L + 0.3 = 2, L = 0.7.
  @Test func momentSolvedByHand() throws {
    var o = LiftEstimator.Observations()
    o.customers = 2
    o.customer = [0, 0, 1, 1]
    o.instrument = [0.5, 0.5, -0.5, -0.5]
    o.paid = [true, true, true, false]
    o.reached = [1, 1, 0, 0]
    o.unreached = [0, 0, 0, 0]
    let l = try #require(
      LiftEstimator.solve(o, weights: nil, unreached: 0.3, instrument: o.instrument))
    #expect(abs(l - 1) < 1e-5)
    o.unreached = [1, 1, 0, 0]
    let l2 = try #require(
      LiftEstimator.solve(o, weights: nil, unreached: 0.3, instrument: o.instrument))
    #expect(abs(l2 - 0.7) < 1e-5)
    // Weights: customer B counted twice. Mean instrument (2·0.5 − 4·0.5) ÷ 6 = −1/6; moment
    // (0.5 + 1/6) · 2 ÷ (1.3 + L) − 2 · (0.5 − 1/6) · 1 = 0: 1.3 + L = 2, L = 0.7 again
    // (B's rate is unchanged by counting it twice).
    let l3 = try #require(
      LiftEstimator.solve(o, weights: [1, 2], unreached: 0.3, instrument: o.instrument))
    #expect(abs(l3 - 0.7) < 1e-5)
    // A moment already ≤ 0 at L = 0 (B pays more than A): the lower bound, 0.
    o.paid = [false, true, true, true]
    #expect(LiftEstimator.solve(o, weights: nil, unreached: 0, instrument: o.instrument) == 0)
  }

  /// First stage on four units: instrument +½, −½, +½, −½, done on time yes, no, yes, yes.
  /// Means 0 and ¾; Σz² = 1, Σz(d − ¾) = ½, slope ½; residuals 0, −½, 0, ½, so s² = ½ ÷ 2 =
  /// ¼ and F = slope² · Σz² ÷ s² = ¼ ÷ ¼ = 1.
  @Test func firstStageFByHand() {
    var o = LiftEstimator.Observations()
    o.unitInstrument = [0.5, -0.5, 0.5, -0.5]
    o.unitDone = [true, false, true, true]
    #expect(abs(LiftEstimator.firstStageF(o) - 1) < 1e-12)
    o.unitInstrument = [0, 0, 0, 0]
    #expect(LiftEstimator.firstStageF(o) == 0)
  }

  /// The ledger side on one rep's day: customer C1's call task due on day 10 was done on time;
  /// on that day the rep had three other tasks, of C2 (done), C3 (not done) and C1's own
  /// review (done, left out with the task: it shares C1's propensity). Leave-customer-out
  /// share: 1 of C2 and C3 = ½. Invoice I1 (due day 5) stays open; a reached call on day 10
  /// lifts days 11…17: day 11 has ρ = e^(−1/7), and the payment on day 13 (partial) is the
  /// one paid day. Days 11–17 are 7 days at risk.
  @Test func observationsFromALedger() {
    var l = Ledger()
    l.repIds = ["R1"]
    l.repNames = ["Ann"]
    l.repTeams = [nil]
    l.customerIds = ["C1", "C2", "C3"]
    l.customerNames = ["A", "B", "C"]
    l.customerSegments = ["s", "s", "s"]
    l.customerRep = [0, 0, 0]
    l.customerTerms = [5, 5, 5]
    l.customerCreated = [0, 0, 0]
    l.customerAutopayOn = [Int32.max, Int32.max, Int32.max]
    l.customerAutopayOff = [Int32.max, Int32.max, Int32.max]
    l.invoiceIds = ["I1"]
    l.invoiceCustomer = [0]
    l.invoiceIssued = [0]
    l.invoiceDue = [5]
    l.invoiceAmount = [10_000]
    l.paymentCustomer = [0]
    l.paymentInvoice = [0]
    l.paymentReceived = [13]
    l.paymentAmount = [4_000]
    l.taskRep = [0, 0, 0, 0]
    l.taskCustomer = [0, 0, 1, 2]
    l.taskKind = ["call", "review", "call", "call"]
    l.taskDue = [10, 10, 10, 10]
    l.taskCompleted = [10, 10, 10, Int32.max]
    l.buildIndexes()
    var links = InvoiceLinks()
    links.activityInvoice = [0]
    links.activityDay = [10]
    links.activityChannel = [.call]
    links.activityOutbound = [true]
    links.activityOutcome = ["reached"]
    links.taskInvoice = [0]
    links.taskDue = [10]
    links.taskCompleted = [10]
    links.taskKind = ["call"]
    let o = LiftEstimator.observations(
      ledger: l, links: links, until: Day(rawValue: 40), lifts: .assumed)
    #expect(o.unitDone == [true])
    // One unit: the share is ½; centred on its rep's mean (itself), the instrument is 0.
    #expect(o.unitShare == [0.5])
    #expect(o.unitInstrument == [0])
    #expect(o.paid == [false, false, true, false, false, false, false])
    #expect(abs(o.reached[0] - exp(-1.0 / 7)) < 1e-12)
    #expect(abs(o.reached[6] - exp(-7.0 / 7)) < 1e-12)
    #expect(o.naiveFlag == Array(repeating: true, count: 7))
  }

  /// Recovery on a world where reps choose whom to call (``SelectionWorld``: likely payers
  /// first when the day's capacity is short), true reached lift 1.5 (not the assumed 2.0), 10
  /// seeds of 600 customers × 12 months with 2 reps: the true lift lies inside the estimate's
  /// 95 % interval on at least 9 of 10 seeds, while the naive comparison (reached on the due
  /// day or not) overstates it and its own interval misses the truth on at least 8.
  @Test func recoversAKnownLiftDespiteSelection() throws {
    let truth = 1.5
    var inside = 0
    var naiveMisses = 0
    var lines: [String] = []
    for seed in 1...10 {
      let dir = NSTemporaryDirectory() + "arcadence-lift-\(seed)-\(UUID().uuidString)"
      let options = GeneratorOptions(
        customers: 600, months: 12, seed: UInt64(seed), reps: 2, teams: 1,
        selection: SelectionWorld(), reachedLift: truth)
      _ = try Generator.run(options, into: dir)
      let store = try Store(path: dir + ".sqlite")
      _ = try Importer().run(directory: dir, into: store)
      let ledger = try store.loadLedger()
      let r = LiftEstimator.estimate(
        ledger: ledger, links: try store.loadInvoiceLinks(for: ledger), until: options.end)
      let low = try #require(r.low)
      let high = try #require(r.high)
      let naiveLow = try #require(r.naiveLow)
      let naiveHigh = try #require(r.naiveHigh)
      if low <= truth && truth <= high { inside += 1 }
      if !(naiveLow <= truth && truth <= naiveHigh) { naiveMisses += 1 }
      lines.append(
        "seed \(seed): \(r.value ?? -1) [\(low), \(high)] naive \(r.naive ?? -1) "
          + "[\(naiveLow), \(naiveHigh)] F \(r.firstStageF) events \(r.events) \(r.verdict)")
      try? FileManager.default.removeItem(atPath: dir)
      try? FileManager.default.removeItem(atPath: dir + ".sqlite")
    }
    print(lines.joined(separator: "\n"))
    #expect(inside >= 9, "\(lines)")
    #expect(naiveMisses >= 8, "\(lines)")
  }
}
