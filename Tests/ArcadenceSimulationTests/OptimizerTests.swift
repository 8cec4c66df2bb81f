import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

@Suite struct OptimizerTests {
  let start = Day(iso: "2026-11-01")!

  /// Three paths: a = 1,000, 1,200, 900 and b = 800, 1,100, 850, so the paired differences
  /// are 200, 100, 50: mean 116.667; deviations 83.333, −16.667, −66.667, squares
  /// 6,944.44 + 277.78 + 4,444.44 = 11,666.67, ÷ 2 = 5,833.33, s = 76.3763; the half-width
  /// 1.959964 × 76.3763 ÷ √3 = 1.959964 × 44.0959 = 86.426.
  @Test func pairedDifferenceByHandOnThreePaths() {
    let d = Optimizer.pairedDifference([1_000, 1_200, 900], [800, 1_100, 850])
    #expect(abs(d.mean - 116.666_667) < 1e-5)
    #expect(abs(d.ci95 - 86.426) < 1e-3, "\(d.ci95)")
    // The same numbers unpaired: a has s = 152.75, b has s = 152.75 (1,000 − 916.67 …); the
    // paired bound is what the race uses, and here its upper end 116.67 + 86.43 > 0 and its
    // lower end 116.67 − 86.43 = 30.24 > 0: a beats b with 95 % confidence.
    #expect(d.mean - d.ci95 > 30.2 && d.mean - d.ci95 < 30.3)
    // The race uses Student's t with 2 degrees of freedom (4.303): 116.667 + 4.303 × 44.0959
    // = 306.41 as the upper bound of a − b, and b − a's upper bound is −116.667 + 189.75 =
    // 73.08 > 0: three paths are too few to drop b.
    #expect(
      abs(Optimizer.racingUpperBound([1_000, 1_200, 900], [800, 1_100, 850]) - 306.41) < 0.01)
    #expect(
      abs(Optimizer.racingUpperBound([800, 1_100, 850], [1_000, 1_200, 900]) - 73.08) < 0.01)
  }

  /// The net objective by hand: $100.00 kept, 3 calls at $4.50 and 2 emails at $0.05:
  /// 10,000 − 1,350 − 10 = 8,640 cents; the cash objective ignores the costs.
  @Test func netObjectiveSubtractsTheContactsCosts() {
    let evaluator = PathEvaluator(
      portfolio: PortfolioFixture.spread(count: 1), parameters: ModelFixture.contacts,
      settings: SimulationSettings())
    var o = Optimizer(
      evaluator: evaluator, baseline: .none(), candidates: [], objective: .net, costPerCall: 450,
      costPerEmail: 5)
    let path = PathOutcome(cash: 10_000, calls: 3, emails: 2, fees: 2_500)
    #expect(o.score(path) == 8_640)
    o.objective = .cash
    #expect(o.score(path) == 10_000)
  }

  /// Missed calls in the objective, by hand. Three invoices of $100, $200 and $300, all 5 days
  /// past due on day 0, no payment hazard and no reach (so no cash and no effects); one day;
  /// every policy calls at 5 days past due with completion 1. "fits" may make 3 calls a day:
  /// 3 made, 0 missed, net 0 − 3 × $4.50 = −$13.50. "overplans" may make 1: the $300 invoice
  /// is called (balance × dpd 1,500 beats 1,000 and 500), the other two planned calls are
  /// missed: 1 made, 2 missed, net −$4.50. A missed call consumed no one's time and earned
  /// nothing, so it costs nothing; the outcome and the report carry it beside the calls made.
  @Test func missedCallsCostNothingAndAreReported() {
    let portfolio = Portfolio(
      start: start, customerSegment: [0, 0, 0], invoiceCustomer: [0, 1, 2],
      invoiceBalance: [10_000, 20_000, 30_000], invoiceDue: [-5, -5, -5])
    let params = ModelParameters(segments: ["one"], hazard: [[Double](repeating: 0, count: 7)])
    let step = [CadenceStep(dpd: 5, channel: .call)]
    let fits = Policy(name: "fits", steps: step, callsPerDay: 3)
    let overplans = Policy(name: "overplans", steps: step, callsPerDay: 1)
    let settings = SimulationSettings(horizon: 1, paths: 2, seed: 5, threads: 1)
    let e = PathEvaluator(portfolio: portfolio, parameters: params, settings: settings)
    let out = e.evaluate([fits, overplans], paths: 0..<2, seed: 5)
    #expect(out[0][0] == PathOutcome(cash: 0, calls: 3, emails: 0, fees: 0, missedCalls: 0))
    #expect(out[1][0] == PathOutcome(cash: 0, calls: 1, emails: 0, fees: 0, missedCalls: 2))
    let o = Optimizer(
      evaluator: e, baseline: fits, candidates: [overplans], objective: .net,
      costPerCall: 450, costPerEmail: 5)
    #expect(o.score(out[0][1]) == -1_350)
    #expect(o.score(out[1][1]) == -450)
    let (base, scored) = o.compare([overplans], paths: 2, seed: 5)
    #expect(base.calls == 3 && base.missedCalls == 0 && base.objective == -1_350)
    #expect(scored[0].calls == 1 && scored[0].missedCalls == 2 && scored[0].objective == -450)
    #expect(scored[0].difference == 900)
  }

  /// Common random numbers across calls: a policy's outcome on path p is the same whether it
  /// runs alone on paths 0..<8, with another policy before it on paths 5..<8, or inside the
  /// simulator's own run (`simulate`), so a policy change does not shift any other draw.
  @Test func aPathGivesTheSameOutcomeWhateverElseRuns() {
    let portfolio = PortfolioFixture.spread(count: 40, customers: 8, segments: 2, firstDue: -30)
    let a = Policy(
      name: "a",
      steps: [CadenceStep(dpd: 1, channel: .call), CadenceStep(dpd: -3, channel: .email)],
      repeatRule: .init(everyDays: 7, channel: .call), offerAutopay: true, callsPerDay: 3)
    let b = Policy(
      name: "b", steps: [CadenceStep(dpd: 5, channel: .call)],
      escalations: [.init(atDpd: 20, to: .agency, lift: 0.8, fee: 0.25)], callsPerDay: 3,
      priority: .expectedGain)
    let settings = SimulationSettings(horizon: 60, paths: 8, seed: 9, threads: 2)
    let e = PathEvaluator(
      portfolio: portfolio, parameters: ModelFixture.contacts, settings: settings)
    let alone = e.evaluate([a], paths: 0..<8, seed: 9)[0]
    let later = e.evaluate([b, a], paths: 5..<8, seed: 9)
    #expect(Array(alone[5..<8]) == later[1])
    #expect(alone.map(\.cash) != later[0].map(\.cash) + [0, 0, 0, 0, 0])
    let sim = Simulator(
      portfolio: portfolio, parameters: ModelFixture.contacts, policies: [b, a], settings: settings
    ).run()
    for p in 0..<8 {
      let cash = sim.cash[1][(p * 60)..<(p * 60 + 60)].reduce(0, +)
      #expect(cash == alone[p].cash)
    }
    #expect(alone.contains { $0.calls > 0 } && alone.contains { $0.emails > 0 })
  }

  /// A world where the answer is known. Thirty invoices of $1,000 to $30,000 fall due from 5
  /// days ago to 4 days ahead; the base hazard is tiny (0.2 % a day) and a reached contact
  /// lifts it by 1 + 12 × e^(−t/10), so almost all cash comes from contacts; reps make one
  /// call a day (capacity binds); a call costs $25, an email $1. The grid: first call at 1, 10
  /// or 30 days past due, a second at 20 or none, an email reminder at −3 or none, priority
  /// balance × dpd or oldest first (24 candidates). The truth: contacts pay for themselves
  /// many times over, so the reminder (reach 30 %) helps; the earliest first call gives its
  /// lift the most days inside the 45-day horizon; and with one call a day, ranking by
  /// balance × dpd spends the scarce calls on the large invoices. So "email −3; call 1, 20;
  /// balance_x_dpd" is best, and brute force (200 paths each) finds it 2.4 % ahead of the
  /// runner-up. The optimizer, given a fifth of brute force's path-evaluations (960 of
  /// 4,800, re-evaluation included), picks a policy within 1 % of its objective.
  @Test func findsTheKnownBestWithAFifthOfBruteForce() throws {
    let n = 30
    let portfolio = Portfolio(
      start: start, customerSegment: [Int32](repeating: 0, count: n),
      invoiceCustomer: (0..<n).map { Int32($0) },
      invoiceBalance: (0..<n).map { Int64(100_000 * (1 + ($0 * 7) % n)) },
      invoiceDue: (0..<n).map { Int32($0 % 10) - 5 })
    let params = ModelParameters(
      segments: ["one"], hazard: [[Double](repeating: 0.002, count: 7)],
      reach: [0.9, 0.3, 0, 0],
      lifts: Lifts(reached: 12, reachedDecayDays: 10, unreached: 0, unreachedDecayDays: 1))
    let base = Policy(
      name: "observed", steps: [CadenceStep(dpd: 30, channel: .call)], callsPerDay: 1)
    let space = SearchSpace(
      steps: [
        .init(channel: .call, dpd: [1, 10, 30]), .init(channel: .call, dpd: [nil, 20]),
        .init(channel: .email, dpd: [nil, -3]),
      ], priorities: [.balanceXDpd, .oldestFirst], costPerCall: 2_500, costPerEmail: 100)
    let candidates = try space.candidates(base: base)
    #expect(candidates.count == 24)
    let paths = 200
    let settings = SimulationSettings(horizon: 45, paths: paths, seed: 3, threads: 2)
    let optimizer = Optimizer(
      evaluator: PathEvaluator(portfolio: portfolio, parameters: params, settings: settings),
      baseline: base, candidates: candidates, objective: .net, costPerCall: 2_500,
      costPerEmail: 100, top: 3)
    let brute = optimizer.bruteForce(paths: paths, seed: 3)
    let bruteEvaluations = candidates.count * paths
    let order = brute.indices.sorted { brute[$0] > brute[$1] }
    let best = order[0]
    #expect(
      SearchSpace.describe(candidates[best])
        == "email -3; call 1, 20; no auto-pay offer; no escalation; balance_x_dpd")
    #expect(brute[best] > brute[order[1]] * 1.02, "\(brute[best]) vs \(brute[order[1]])")
    let result = try optimizer.run(budget: bruteEvaluations / 5, seed: 3)
    #expect(result.evaluations <= bruteEvaluations / 5)
    #expect(result.evaluations == result.searchEvaluations + result.freshEvaluations)
    let chosen = try #require(candidates.firstIndex { $0.name == result.winner.policy.name })
    #expect(brute[chosen] >= brute[best] * 0.99, "\(brute[chosen]) vs \(brute[best])")
    // Racing dropped most candidates in the first, short round; the re-evaluation ran on
    // another seed and finds the winner ahead of the baseline (one call at 30).
    #expect(result.rounds[0].entrants == 24 && result.rounds[0].raced >= 12)
    #expect(result.freshSeed != 3 && result.freshPaths >= 40)
    #expect(result.winner.difference - result.winner.differenceCI95 > 0)
  }

  func searchError(_ text: String) -> String {
    do {
      _ = try SearchSpace.parse(text, file: "o.yaml")
      return "no error"
    } catch let e as ArcadenceError {
      return e.message
    } catch {
      return "\(error)"
    }
  }

  /// Mistakes in the block name the file, the line and the key, like the rest of a scenario;
  /// a scenario without the block is a usage error saying what to add.
  @Test func searchErrorsNameLineAndKey() {
    let head = "policies:\n  - {name: observed, cadence: observed}\n"
    #expect(
      searchError(head + "search:\n  calls:\n    - [1, 3]\n    - [7, soon]\n")
        == "o.yaml:6: key search.calls[1][1]: expected a whole number from -365 to 1500 or none "
        + "(value \"soon\")")
    #expect(
      searchError(head + "search:\n  cals: [[1]]\n").hasPrefix(
        "o.yaml:4: key search.cals: unknown key (expected one of: baseline, calls,"))
    #expect(
      searchError(head + "search:\n  calls: [{from: 10, to: 5}]\n")
        == "o.yaml:4: key search.calls[0].to: must be at least from (10)")
    #expect(
      searchError(head + "search:\n  cost_per_call: $4\n")
        == "o.yaml:4: key search.cost_per_call: expected an amount from 0 to 10000.00 (at most "
        + "two decimals, no symbol) (value \"$4\")")
    #expect(
      searchError(head + "search:\n  escalation: {to: agency, lift: 1}\n")
        == "o.yaml:4: key search.escalation.at_dpd: missing: the days past due to try (or never)")
    #expect(searchError(head).hasPrefix("o.yaml: no `search:` block: add one"))
    do {
      _ = try SearchSpace.parse(head, file: "o.yaml")
    } catch let e as ArcadenceError {
      #expect(e.code == .usage)
    } catch {
      Issue.record("unexpected \(error)")
    }
    // `simulate` reads the same file and leaves the block to `optimize`.
    #expect((try? Scenario.parse(head + "search:\n  calls: [[1]]\n", file: "o.yaml")) != nil)
  }

  /// The shipped example parses into its grid: calls 2 × 2 × 1, email or none 2, repeat 2,
  /// auto-pay 2, agency 2, priority 2 = 128 combinations, all distinct; costs in cents.
  @Test func shippedExampleParses() throws {
    let s = try SearchSpace.load(path: ScenarioTests.root + "/Scenarios/optimize-cadence.yaml")
    #expect(s.costPerCall == 450 && s.costPerEmail == 5)
    #expect(s.steps.map(\.dpd) == [[1, 3], [7, 14], [30], [-3, nil]])
    #expect(s.escalationAt == [60, nil])
    let base = Policy(name: "observed", callsPerDay: 20)
    #expect(try s.candidates(base: base).count == 128)
  }

  /// best.yaml reads back (as `simulate` reads it) into the baseline and the winner: the same
  /// policies in numbers, under the same calibration.
  @Test func bestYAMLRoundTrips() throws {
    let baseSpec = PolicySpec(
      name: "today \"as is\"", cadence: .observed, reps: 3, callsPerRepPerDay: 6.5,
      otherPerDay: 400, priority: .risk, overrides: [(key: "p_promise", value: 0.3)])
    var scenario = Scenario(
      name: "opt", file: "/tmp/x/opt.yaml", start: start, horizonDays: 45, paths: 300, seed: 17,
      calibration: .file("cal.yaml"), openInvoices: 50,
      overrides: [(key: "reached_lift", value: 1.25e-5)], policies: [baseSpec])
    scenario.portfolioShock = false
    let c = CalibrationFixture.calibration
    let base = try baseSpec.resolve(c)
    var winner = base
    winner.name = "candidate 7"
    winner.steps = [CadenceStep(dpd: -3, channel: .email), CadenceStep(dpd: 1, channel: .call)]
    winner.repeatRule = .init(everyDays: 14, channel: .call, untilDpd: 120)
    winner.offerAutopay = true
    winner.escalations = [.init(atDpd: 60, to: .agency, lift: 0.8, fee: 0.25)]
    winner.priority = .expectedGain
    let text = OptimizeScenarioWriter.yaml(
      scenario: scenario, baselineIndex: 0, winner: winner, note: "test")
    let back = try Scenario.parse(text, file: "best.yaml")
    #expect(back.policies.count == 2)
    #expect(back.start == start && back.horizonDays == 45 && back.paths == 300 && back.seed == 17)
    #expect(back.calibration == .file("/tmp/x/cal.yaml"))
    #expect(back.openInvoices == 50 && !back.portfolioShock)
    #expect(back.overrides.map(\.value) == [1.25e-5])
    #expect(try back.policies[0].resolve(c) == base)
    var expected = winner
    expected.name = "best: candidate 7"
    #expect(try back.policies[1].resolve(c) == expected)
  }
}
