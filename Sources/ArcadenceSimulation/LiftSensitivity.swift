import ArcadenceCore
import ArcadenceStore
import Foundation

/// `simulate --lift-sensitivity`: the scenario's paired comparison re-run at several
/// reached-contact lifts, to show whether the policies' ranking rests on the lift
/// (simulation.md, "Contact lifts and identification").
///
/// Every lift runs on the same random numbers (the scenario's seed), so the rows differ only
/// by the lift. With `calibration: from_store` the calibration is refitted at each lift, so
/// the base hazards stay lift-adjusted (the observed cadence still reproduces the observed
/// payments) and only the policies' contacts make the lift matter; with a calibration file,
/// only the lift changes. Policies are ranked by mean total cash; the ranking "holds" at a
/// lift when it is the same as at the lift in force (the calibration's: estimated or
/// assumed). O(lifts × the scenario's run).
public struct LiftSensitivity: Sendable {
  /// One lift's run.
  public struct Row: Sendable {
    /// The reached lift.
    public var lift: Double
    /// Mean total cash per policy (cents), in the scenario's order.
    public var cash: [Double]
    /// Each policy after the first against the first.
    public var comparisons: [Comparison]
    /// Policy indices from the most cash to the least.
    public var ranking: [Int]
    /// Whether ``ranking`` equals the ranking at the lift in force.
    public var holds: Bool
  }

  /// The policies' names.
  public var policies: [String]
  /// The lift in force and where it comes from ("estimated" or "assumed").
  public var liftInForce: Double
  /// "estimated", "assumed" or "calibration file".
  public var source: String
  /// The estimator's warning when it fell back to the assumed lift.
  public var warning: String?
  /// The rows, in the order asked, the lift in force among them.
  public var rows: [Row]
  /// Paths and seed of every run.
  public var paths: Int
  /// The seed.
  public var seed: UInt64

  /// Whether every row's ranking holds.
  public var rankingHolds: Bool { rows.allSatisfy(\.holds) }

  /// The lifts to try by default: the estimate's interval ends and point when estimated;
  /// otherwise half, once and one and a half times the assumed lift.
  public static func defaultLifts(_ estimate: LiftEstimator.Result?, inForce: Double) -> [Double] {
    if let e = estimate, e.fallbackReason == nil, let lo = e.low, let hi = e.high {
      return [lo, e.lifts.reached, hi]
    }
    return [inForce * 0.5, inForce, inForce * 1.5]
  }

  /// Parses `--lift-sensitivity`: `auto`, or up to 10 comma-separated lifts in 0…20.
  public static func parse(_ text: String) throws -> [Double]? {
    if text == "auto" { return nil }
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    var out: [Double] = []
    for p in parts {
      let t = p.trimmingCharacters(in: .whitespaces)
      guard let v = Double(t), v.isFinite, (0...LiftEstimator.maxLift).contains(v) else {
        throw ArcadenceError(
          .usage,
          "--lift-sensitivity: expected `auto` or lifts from 0 to \(Int(LiftEstimator.maxLift)) "
            + "separated by commas (value \"\(text)\")")
      }
      out.append(v)
    }
    guard (1...10).contains(out.count) else {
      throw ArcadenceError(
        .usage, "--lift-sensitivity: 1 to 10 lifts (value \"\(text)\")")
    }
    return out
  }

  /// Policy indices by mean total cash, most first (ties by scenario order).
  public static func ranking(_ cash: [Double]) -> [Int] {
    cash.indices.sorted { cash[$0] != cash[$1] ? cash[$0] > cash[$1] : $0 < $1 }
  }

  /// Runs `scenario` at each lift (nil: ``defaultLifts(_:inForce:)``) and at the lift in
  /// force.
  public static func run(
    scenario: Scenario, ledger: Ledger, links: InvoiceLinks, lifts: [Double]?, paths: Int?,
    seed: UInt64?, threads: Int
  ) throws -> LiftSensitivity {
    guard scenario.policies.count >= 2 else {
      throw ArcadenceError(
        .usage,
        "--lift-sensitivity: \(scenario.file) has one policy; a ranking needs two or more")
    }
    let base = try SimulationRun(
      scenario: scenario, ledger: ledger, links: links, paths: paths, seed: seed,
      threads: threads)
    let inForce = base.parameters.lifts.reached
    let source =
      base.liftEstimate.map { $0.fallbackReason == nil ? "estimated" : "assumed" }
      ?? "calibration file"
    let baseResult = base.run()
    let rows = try Self.rows(
      lifts: lifts ?? defaultLifts(base.liftEstimate, inForce: inForce), inForce: inForce,
      base: baseResult
    ) { l in
      try SimulationRun(
        scenario: scenario, ledger: ledger, links: links, paths: paths, seed: seed,
        threads: threads, reachedLift: l
      ).run()
    }
    return LiftSensitivity(
      policies: baseResult.outcomes.map(\.name), liftInForce: inForce, source: source,
      warning: base.liftEstimate?.warning, rows: rows, paths: base.settings.paths,
      seed: base.settings.seed)
  }

  /// The rows for `lifts` (the lift in force added when missing, its run being `base`),
  /// each other lift run by `simulate`; a ranking holds when it equals `base`'s.
  public static func rows(
    lifts: [Double], inForce: Double, base: SimulationResult,
    simulate: (Double) throws -> SimulationResult
  ) rethrows -> [Row] {
    let baseRanking = ranking(base.outcomes.map(\.totalCash.mean))
    var wanted = lifts
    if !wanted.contains(inForce) { wanted.append(inForce) }
    var rows: [Row] = []
    for l in wanted {
      let result = l == inForce ? base : try simulate(l)
      let cash = result.outcomes.map(\.totalCash.mean)
      let r = ranking(cash)
      rows.append(
        Row(
          lift: l, cash: cash, comparisons: result.comparisons, ranking: r,
          holds: r == baseRanking))
    }
    return rows
  }

  /// The table: per lift, each policy's paired cash difference against the first with its
  /// 95 % CI, the ranking, and whether it holds.
  public func table(scenario: String) -> String {
    func money(_ v: Double) -> String { Cents.displayWhole(Cents.nearest(v)) }
    func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + money(v) }
    var out =
      "Lift sensitivity · \(scenario) · \(Cents.grouped(UInt64(paths))) paths · seed \(seed) · "
      + "same random numbers at every lift\n"
      + "Reached lift in force: \(String(format: "%.2f", liftInForce)) (\(source))\n\n"
    var t = TextTable(header: [
      "reached lift", "policy", "cash vs \(policies[0])", "95% CI", "rank",
    ])
    for row in rows {
      let mark = row.lift == liftInForce ? " (in force)" : ""
      t.add([
        String(format: "%.2f", row.lift) + mark, policies[0], "(baseline)", "",
        "\((row.ranking.firstIndex(of: 0) ?? 0) + 1) of \(policies.count)",
      ])
      for (k, c) in row.comparisons.enumerated() {
        let rank = (row.ranking.firstIndex(of: k + 1) ?? 0) + 1
        t.add([
          "", c.policy,
          signed(c.cashDifference),
          "\(signed(c.cashDifference - c.pairedCI95)) … \(signed(c.cashDifference + c.pairedCI95))",
          "\(rank) of \(policies.count)",
        ])
      }
      t.add([
        "", "ranking", row.ranking.map { policies[$0] }.joined(separator: " > "), "",
        row.holds ? "holds" : "CHANGES",
      ])
    }
    out += t.rendered()
    out +=
      rankingHolds
      ? "\nThe ranking holds at every lift tried.\n"
      : "\nThe ranking CHANGES with the lift: the choice rests on the lift assumption.\n"
    return out
  }

  /// The JSON form (stable key order; money in currency units).
  public var json: JSONValue {
    func units(_ v: Double) -> JSONValue { .money(computed: v) }
    func lift(_ v: Double) -> JSONValue { .number((v * 10_000).rounded() / 10_000) }
    return .object([
      ("lift_in_force", lift(liftInForce)),
      ("source", .string(source)),
      ("paths", .int(paths)),
      ("seed", .string(String(seed))),
      ("policies", .array(policies.map { .string($0) })),
      ("ranking_holds", .bool(rankingHolds)),
      (
        "rows",
        .array(
          rows.map { row in
            .object([
              ("reached_lift", lift(row.lift)),
              ("total_cash_mean", .array(row.cash.map(units))),
              ("ranking", .array(row.ranking.map { .string(policies[$0]) })),
              ("ranking_holds", .bool(row.holds)),
              (
                "comparisons",
                .array(
                  row.comparisons.map { c in
                    .object([
                      ("policy", .string(c.policy)),
                      ("baseline", .string(c.baseline)),
                      ("cash_difference", units(c.cashDifference)),
                      ("ci95_low", units(c.cashDifference - c.pairedCI95)),
                      ("ci95_high", units(c.cashDifference + c.pairedCI95)),
                    ])
                  })
              ),
            ])
          })
      ),
    ])
  }
}
