import ArcadenceCore
import ArcadenceStore
import Foundation

/// `arcadence optimize`: a scenario with a `search:` block made ready against a store — the
/// run prepared as `simulate` prepares it, the baseline chosen, the candidates built.
public struct OptimizeRun: Sendable {
  /// The prepared scenario (calibration, parameters, portfolio, settings).
  public var run: SimulationRun
  /// The search space.
  public var search: SearchSpace
  /// Index of the baseline among the scenario's policies.
  public var baselineIndex: Int
  /// The optimizer over the candidates.
  public var optimizer: Optimizer

  /// Prepares `scenario` (read with its `search` block) against the store's ledger.
  public init(
    scenario: Scenario, search: SearchSpace, ledger: Ledger, links: InvoiceLinks,
    objective: OptimizeObjective, seed: UInt64?, threads: Int, top: Int, reachedLift: Double? = nil
  ) throws {
    let run = try SimulationRun(
      scenario: scenario, ledger: ledger, links: links, seed: seed, threads: threads,
      reachedLift: reachedLift)
    let index = try Self.baselineIndex(search, scenario)
    self.run = run
    self.search = search
    baselineIndex = index
    let base = run.policies[index]
    optimizer = Optimizer(
      evaluator: PathEvaluator(run: run), baseline: base,
      candidates: try search.candidates(base: base), objective: objective,
      costPerCall: search.costPerCall, costPerEmail: search.costPerEmail, top: top)
  }

  /// The index of the policy `search.baseline` names (the first when it names none).
  public static func baselineIndex(_ search: SearchSpace, _ scenario: Scenario) throws -> Int {
    guard let name = search.baseline else { return 0 }
    guard let k = scenario.policies.firstIndex(where: { $0.name == name }) else {
      throw ArcadenceError(
        .invalidConfiguration,
        "\(scenario.file): key search.baseline: no policy is named \"\(name)\" (policies: "
          + scenario.policies.map(\.name).joined(separator: ", ") + ")")
    }
    return k
  }

  /// The brute-force cost of the same question: every candidate on the scenario's paths.
  public var bruteForceEvaluations: Int {
    let (v, overflow) = optimizer.candidates.count.multipliedReportingOverflow(
      by: run.settings.paths)
    return overflow ? Int.max : v
  }
}

/// `optimize --lift-sensitivity`: the final comparison (the baseline and the top candidates on
/// the fresh paths) re-run at the plausible reached lifts (``LiftSensitivity/defaultLifts(_:inForce:)``),
/// and whether the best of them stays the best.
///
/// Each lift refits a `from_store` calibration (as `simulate --lift-sensitivity` does) and runs
/// the same policies on the same fresh paths and seed, so rows differ only by the lift.
public struct OptimizeLiftSensitivity: Sendable {
  /// One lift's comparison.
  public struct Row: Sendable {
    /// The reached lift.
    public var lift: Double
    /// Mean objective of each top candidate, in the search's order.
    public var objective: [Double]
    /// Index (in the search's order) of the best candidate at this lift.
    public var best: Int
    /// The winner's paired objective difference against the baseline and its CI.
    public var winnerDifference: Double
    /// Its 95 % CI half-width.
    public var winnerCI95: Double
  }

  /// The lift in force and where it comes from.
  public var liftInForce: Double
  /// "estimated", "assumed" or "calibration file".
  public var source: String
  /// The rows, the lift in force among them.
  public var rows: [Row]
  /// The candidates' names, in the search's order.
  public var policies: [String]

  /// Whether the search's winner is the best of the top candidates at every lift.
  public var winnerHolds: Bool { rows.allSatisfy { $0.best == 0 } }

  /// The rows at each plausible lift, reusing `result`'s fresh figures at the lift in force.
  public static func run(
    _ prepared: OptimizeRun, result: Optimizer.Result, ledger: Ledger, links: InvoiceLinks,
    threads: Int
  ) throws -> OptimizeLiftSensitivity {
    let inForce = prepared.run.parameters.lifts.reached
    let source =
      prepared.run.liftEstimate.map { $0.fallbackReason == nil ? "estimated" : "assumed" }
      ?? "calibration file"
    var lifts = LiftSensitivity.defaultLifts(prepared.run.liftEstimate, inForce: inForce)
    if !lifts.contains(inForce) { lifts.append(inForce) }
    let policies = result.top.map(\.policy)
    var rows: [Row] = []
    for lift in lifts {
      let scored: [Optimizer.Scored]
      if lift == inForce {
        scored = result.top
      } else {
        let again = try OptimizeRun(
          scenario: prepared.run.scenario, search: prepared.search, ledger: ledger, links: links,
          objective: prepared.optimizer.objective, seed: prepared.run.settings.seed,
          threads: threads, top: prepared.optimizer.top, reachedLift: lift)
        scored =
          again.optimizer.compare(policies, paths: result.freshPaths, seed: result.freshSeed)
          .1
      }
      let objective = scored.map(\.objective)
      let best =
        objective.indices.max { (objective[$0], $1) < (objective[$1], $0) } ?? 0
      rows.append(
        Row(
          lift: lift, objective: objective, best: best,
          winnerDifference: scored[0].difference, winnerCI95: scored[0].differenceCI95))
    }
    return OptimizeLiftSensitivity(
      liftInForce: inForce, source: source, rows: rows, policies: policies.map(\.name))
  }
}
