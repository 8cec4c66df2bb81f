import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

@Suite struct SimulatorTests {
  let start = Day(iso: "2026-11-01")!

  /// Contacts off, no new invoices, no shock, one hazard h = 0.02 for every bucket: the
  /// expected cash by the end of day t is Σ balance × (1 − 0.98^t). Twenty invoices of
  /// $1,000: by day 30, $20,000 × (1 − 0.98^30) = $20,000 × 0.454516 = $9,090.32.
  @Test func meanCashAgreesWithTheClosedForm() {
    let portfolio = Portfolio(
      start: start, customerSegment: [0], invoiceCustomer: [Int32](repeating: 0, count: 20),
      invoiceBalance: [Int64](repeating: 100_000, count: 20),
      invoiceDue: (0..<20).map { Int32(-60 + 7 * $0) })
    let params = ModelParameters(
      segments: ["one"], hazard: [[Double](repeating: 0.02, count: 7)])
    let result = Simulator(
      portfolio: portfolio, parameters: params, policies: [.none()],
      settings: SimulationSettings(
        horizon: 60, paths: 4000, seed: 11, threads: 2, portfolioShock: false)
    ).run()
    #expect(abs(2_000_000 * (1 - pow(0.98, 30.0)) - 909_032) < 1)
    for t in [10, 30, 60] {
      let exact = 2_000_000 * (1 - pow(0.98, Double(t)))
      let values = result.cumulativeCash(policy: 0, through: t - 1)
      let mean = Statistics.mean(values)!
      let ci = Statistics.ci95HalfWidth(values)!
      #expect(abs(mean - exact) <= ci, "day \(t): mean \(mean), exact \(exact), CI ± \(ci)")
    }
  }

  /// Four times the paths halves the CI half-width (1/√paths): 1,000 against 4,000 paths.
  @Test func confidenceIntervalShrinksAsOneOverRootPaths() {
    let portfolio = PortfolioFixture.spread(count: 60)
    let params = ModelParameters(segments: ["one"], hazard: [[Double](repeating: 0.02, count: 7)])
    func ci(_ paths: Int) -> Double {
      Simulator(
        portfolio: portfolio, parameters: params, policies: [.none()],
        settings: SimulationSettings(horizon: 30, paths: paths, seed: 5, threads: 2)
      ).run().outcomes[0].totalCash.ci95
    }
    let ratio = ci(1000) / ci(4000)
    #expect(ratio > 1.8 && ratio < 2.2, "ratio \(ratio)")
  }

  /// An agency at 0 days past due with lift 1 doubles a 0.5 hazard to 1: the $100 invoice is
  /// paid on day 0 on every path, and the company keeps $75 of it.
  @Test func agencyKeepsItsFee() {
    let portfolio = Portfolio(
      start: start, customerSegment: [0], invoiceCustomer: [0], invoiceBalance: [10_000],
      invoiceDue: [-10])
    let params = ModelParameters(
      segments: ["one"], hazard: [[Double](repeating: 0.5, count: 7)], hazardCap: 1)
    let policy = Policy(
      name: "agency", escalations: [.init(atDpd: 0, to: .agency, lift: 1, fee: 0.25)])
    let r = Simulator(
      portfolio: portfolio, parameters: params, policies: [policy],
      settings: SimulationSettings(horizon: 5, paths: 50, seed: 1)
    ).run()
    #expect(r.outcomes[0].totalCash.p5 == 7_500 && r.outcomes[0].totalCash.p95 == 7_500)
    #expect(r.outcomes[0].agencyFees.mean == 2_500)
    #expect(r.cash[0][0] == 7_500)
  }

  /// A customer on auto-pay with on-time 1 and no hazard pays on the due date (day 5).
  @Test func autopayPaysOnTheDueDate() {
    let portfolio = Portfolio(
      start: start, customerSegment: [0], customerAutopay: [true], invoiceCustomer: [0],
      invoiceBalance: [12_345], invoiceDue: [5])
    let params = ModelParameters(
      segments: ["one"], hazard: [[Double](repeating: 0, count: 7)], autopayOnTime: 1)
    let r = Simulator(
      portfolio: portfolio, parameters: params, policies: [.none()],
      settings: SimulationSettings(horizon: 10, paths: 3, seed: 1)
    ).run()
    let day5: [Int64] = [0, 0, 0, 0, 0, 12_345, 0, 0, 0, 0]
    #expect(r.cash[0] == Array([day5, day5, day5].joined()))
  }

  /// One invoice with a call due at 1 day past due: with no capacity the call is never made
  /// and counts as missed once (not once per day it waits); with capacity it is made.
  @Test func capacityRollsCallsOverAndCountsThemMissedOnce() {
    let portfolio = Portfolio(
      start: start, customerSegment: [0], invoiceCustomer: [0], invoiceBalance: [10_000],
      invoiceDue: [0])
    let params = ModelParameters(segments: ["one"], hazard: [[Double](repeating: 0, count: 7)])
    let call = [CadenceStep(dpd: 1, channel: .call)]
    let r = Simulator(
      portfolio: portfolio, parameters: params,
      policies: [
        Policy(name: "none", steps: call, callsPerDay: 0),
        Policy(name: "one", steps: call, callsPerDay: 1),
      ], settings: SimulationSettings(horizon: 10, paths: 2, seed: 1)
    ).run()
    #expect(r.outcomes[0].callsMade.mean == 0 && r.outcomes[0].callsMissed.mean == 1)
    #expect(r.outcomes[1].callsMade.mean == 1 && r.outcomes[1].callsMissed.mean == 0)
  }

  func weekly(_ calls: Int?) -> Policy {
    Policy(
      name: "weekly calls", steps: [CadenceStep(dpd: 1, channel: .call)],
      repeatRule: .init(everyDays: 7, channel: .call), offerAutopay: true, callsPerDay: calls,
      priority: .risk)
  }

  /// Common random numbers: the paired difference of total cash is far more precise than the
  /// same difference from independent runs.
  @Test func commonRandomNumbersNarrowTheDifference() {
    let r = Simulator(
      portfolio: PortfolioFixture.spread(count: 300, customers: 40, segments: 2, firstDue: -40),
      parameters: ModelFixture.contacts, policies: [.none(), weekly(nil)],
      settings: SimulationSettings(horizon: 60, paths: 500, seed: 3, threads: 2)
    ).run()
    let c = r.comparisons[0]
    print(
      "CRN: paired CI ± \(c.pairedCI95 / 100), unpaired ± \(c.unpairedCI95 / 100), ratio \(c.crnRatio!)"
    )
    #expect(c.cashDifference > 0)
    #expect(c.crnRatio! < 0.6)
  }

  /// Same seed: the same JSON bytes with one thread and with two; another seed differs.
  @Test func sameSeedSameBytesAtAnyThreadCount() {
    func json(threads: Int, seed: UInt64) -> String {
      Simulator(
        portfolio: PortfolioFixture.spread(count: 200, customers: 30, segments: 2, firstDue: -40),
        parameters: ModelFixture.contacts, policies: [.none(), weekly(3)],
        settings: SimulationSettings(horizon: 40, paths: 51, seed: seed, threads: threads)
      ).run().json(scenario: "t", calibration: "hand").rendered()
    }
    let one = json(threads: 1, seed: 9)
    #expect(one == json(threads: 2, seed: 9))
    #expect(one != json(threads: 2, seed: 10))
  }
  /// The days until a constant-hazard clock fires, ⌈k⌉ for k = ln(U ÷ S) ÷ ln(1 − h): by hand,
  /// 0.3 and 1 give 1 (the next day), 1.000001 gives 2, 5 gives 5, 5.5 gives 6, 10⁹ gives
  /// 10⁹ and anything past it never; and on 10,000 values it is `rounded(.up)` exactly.
  @Test func clockDaysAreTheCeiling() {
    #expect(Worker.days(0.3) == 1 && Worker.days(1) == 1 && Worker.days(-2) == 1)
    #expect(Worker.days(1.000_001) == 2 && Worker.days(5) == 5 && Worker.days(5.5) == 6)
    #expect(Worker.days(1e9) == 1_000_000_000 && Worker.days(1e9 + 1) == Int64.max)
    var x = 0.25
    for _ in 0..<10_000 {
      let c = x.rounded(.up)
      #expect(Worker.days(x) == (c < 1 ? 1 : Int64(c)))
      x = x * 1.0007 + 0.013
    }
  }
}
