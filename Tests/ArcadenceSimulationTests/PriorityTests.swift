import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// `priority:` when calls exceed capacity: one call a day, three invoices due a call today,
/// and each rule calls the invoice worked out on paper.
@Suite struct PriorityTests {
  let start = Day(iso: "2026-11-01")!

  /// Three customers, one invoice each, a call due today on every one of them:
  ///
  /// | invoice | balance | days past due | daily hazard | balance × dpd | gain per $ | expected gain |
  /// |---------|--------:|--------------:|-------------:|--------------:|-----------:|--------------:|
  /// | A       | $5,000  | 31            | 0.03         | 155,000       | 0.401007   | $2,005.04     |
  /// | B       | $3,000  | 61            | 0.20         | 183,000       | 0.001238   | $3.71         |
  /// | C       | $1,000  | 120           | 0.001        | 120,000       | 0.970431   | $970.43       |
  ///
  /// Each 30-day window lies in one hazard band (31–60, 61–90, 91+). A call is always reached
  /// and always brings a promise that is kept the next day (p_promise = p_kept = 1, lead 1),
  /// so a called invoice is paid within the window for sure and the gain per dollar is
  /// 1 − P(paid without the call) = (1 − h)³⁰: A 0.401007, B 0.001238, C 0.970431.
  /// largest_first calls A, balance_x_dpd B, oldest_first C, and expected_gain A: B is worth
  /// the most by balance × age but pays within 30 days anyway (1 − 0.8³⁰ = 99.9 %), so a call
  /// adds almost nothing.
  static let balances: [Int64] = [500_000, 300_000, 100_000]
  static let dpds: [Int32] = [31, 61, 120]

  func parameters() -> ModelParameters {
    // Buckets: not due, 0–7, 8–14, 15–30, 31–60, 61–90, 91+.
    ModelParameters(
      segments: ["one"], hazard: [[0, 0, 0, 0, 0.03, 0.2, 0.001]], writeOff: nil,
      reach: [1, 0, 0, 0],
      lifts: Lifts(reached: 1, reachedDecayDays: 1e9, unreached: 0, unreachedDecayDays: 1),
      pPromise: 1, pKept: 1, promiseLeadDays: DayDistribution(days: [1], weights: [1]))
  }

  func portfolio() -> Portfolio {
    Portfolio(
      start: start, customerSegment: [0, 0, 0], invoiceCustomer: [0, 1, 2],
      invoiceBalance: Self.balances, invoiceDue: Self.dpds.map { -$0 })
  }

  func policy(_ p: Policy.Priority, calls: Int? = 1) -> Policy {
    Policy(
      name: p.rawValue, steps: Self.dpds.map { CadenceStep(dpd: Int($0), channel: .call) },
      callsPerDay: calls, priority: p)
  }

  /// The gain per dollar on paper, and the same from the table the simulator ranks by, which
  /// holds the worklist's number.
  @Test func gainTableHoldsTheWorklistsNumber() {
    func paper(_ h: Double) -> Double { pow(1 - h, 30) }
    let table = GainTable(parameters())
    for (dpd, h, expected) in [(31, 0.03, 0.401007), (61, 0.2, 0.001238), (120, 0.001, 0.970431)] {
      let g = table.gain(segment: 0, dpd: Int32(dpd), multiplier: 1)
      #expect(abs(g - paper(h)) < 1e-6, "dpd \(dpd): table \(g), paper \(paper(h))")
      #expect(abs(g - expected) < 1e-6, "dpd \(dpd): \(g)")
      let p = parameters()
      let w = Worklist.probabilities(
        hazard: p.hazard[0], multiplier: 1, dpd: dpd, reach: 1, lifts: p.lifts,
        prior: { _ in 0 },
        promise: Worklist.promiseKeptWithin(
          pPromise: p.pPromise, pKept: p.pKept, lead: p.promiseLeadDays))
      #expect(g == w.contacted - w.notContacted)
    }
    // A multiplier between grid points interpolates between its neighbours; one on a grid
    // point is exact.
    let m = exp2(0.125)
    let g = table.gain(segment: 0, dpd: 31, multiplier: m)
    let lo = table.gain(segment: 0, dpd: 31, multiplier: 1)
    let hi = table.gain(segment: 0, dpd: 31, multiplier: exp2(0.25))
    #expect(abs(g - (lo + hi) / 2) < 1e-12)
    #expect(table.gain(segment: 0, dpd: 31, multiplier: 0) == 0)
    #expect(table.gain(segment: 1, dpd: 31, multiplier: 1) == 0)
  }

  /// The called invoice is the one paid on day 1 (a reached call always gets a promise for
  /// the next day, always kept): the invoice whose balance is in day 1's cash on most paths.
  /// The others pay on day 1 only by their hazard (at most 0.2 + lift).
  @Test(arguments: [
    (Policy.Priority.largestFirst, 0), (.balanceXDpd, 1), (.oldestFirst, 2), (.expectedGain, 0),
  ])
  func eachRuleCallsTheInvoiceWorkedOutOnPaper(_ priority: Policy.Priority, _ called: Int) {
    let paths = 200
    let r = Simulator(
      portfolio: portfolio(), parameters: parameters(), policies: [policy(priority)],
      settings: SimulationSettings(
        horizon: 2, paths: paths, seed: 4, threads: 1, portfolioShock: false)
    ).run()
    #expect(r.outcomes[0].callsMade.mean >= 1)
    var share = [0, 0, 0]
    for path in 0..<paths {
      let day1 = r.cash[0][path * 2 + 1]
      // The balances' subset sums are distinct, so day 1's cash names the invoices paid.
      var rest = day1
      for k in 0..<3 where rest >= Self.balances[k] {
        rest -= Self.balances[k]
        share[k] += 1
      }
      #expect(rest == 0, "path \(path): \(day1)")
    }
    let top = share.indices.max { share[$0] < share[$1] }
    #expect(top == called, "\(priority.rawValue): paid on day 1 on \(share) of \(paths) paths")
    #expect(share[called] >= paths * 2 / 3, "\(priority.rawValue): \(share)")
  }

  /// All four rules on common random numbers give the same bytes at one thread and two.
  @Test func deterministicAtOneAndTwoThreads() {
    let params = ModelFixture.contacts
    let policies = [Policy.Priority.expectedGain, .balanceXDpd, .oldestFirst, .largestFirst].map {
      Policy(
        name: $0.rawValue, steps: [CadenceStep(dpd: 1, channel: .call)],
        repeatRule: .init(everyDays: 7, channel: .call), callsPerDay: 3, priority: $0)
    }
    func json(threads: Int) -> String {
      Simulator(
        portfolio: PortfolioFixture.spread(count: 200, customers: 30, segments: 2, firstDue: -40),
        parameters: params, policies: policies,
        settings: SimulationSettings(horizon: 40, paths: 51, seed: 9, threads: threads)
      ).run().json(scenario: "t", calibration: "hand").rendered()
    }
    let one = json(threads: 1)
    #expect(one == json(threads: 2))
  }

  /// `priority:` is read from scenario files and a wrong word names the file, line and key.
  @Test func scenarioKeys() throws {
    let s = try Scenario.parse(
      "policies:\n  - name: a\n    priority: expected_gain\n"
        + "    capacity: {reps: 4, calls_per_rep_per_day: 10, calls_scale: 0.6}\n",
      file: "s.yaml")
    #expect(s.policies[0].priority == .expectedGain)
    #expect(try s.policies[0].resolve(CalibrationFixture.calibration).callsPerDay == 24)
    #expect(throws: ArcadenceError.self) {
      try Scenario.parse(
        "policies:\n  - name: a\n    capacity: {calls_scale: -1}\n", file: "s.yaml")
    }
    do {
      _ = try Scenario.parse("policies:\n  - name: a\n    priority: gain\n", file: "s.yaml")
      Issue.record("accepted priority: gain")
    } catch let e as ArcadenceError {
      #expect(
        e.message.hasPrefix("s.yaml:3: key policies[0].priority: expected one of expected_gain"))
    }
  }
}
