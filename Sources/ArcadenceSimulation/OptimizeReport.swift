import ArcadenceCharts
import ArcadenceCore
import Foundation

/// What `arcadence optimize` prints and writes: the table of the top policies, the JSON form,
/// the frontier chart and the shard commands of the re-evaluation.
public struct OptimizeReport: Sendable {
  /// The scenario's name.
  public var scenario: String
  /// The objective.
  public var objective: OptimizeObjective
  /// The search's outcome.
  public var result: Optimizer.Result
  /// The budget asked for.
  public var budget: Int
  /// Every candidate on the scenario's paths: what brute force would spend.
  public var bruteForceEvaluations: Int
  /// Candidates in the grid.
  public var candidates: Int
  /// The lift sensitivity, when asked for.
  public var lifts: OptimizeLiftSensitivity?

  /// A report.
  public init(
    scenario: String, objective: OptimizeObjective, result: Optimizer.Result, budget: Int,
    bruteForceEvaluations: Int, candidates: Int, lifts: OptimizeLiftSensitivity? = nil
  ) {
    self.scenario = scenario
    self.objective = objective
    self.result = result
    self.budget = budget
    self.bruteForceEvaluations = bruteForceEvaluations
    self.candidates = candidates
    self.lifts = lifts
  }

  static func money(_ v: Double) -> String { Cents.displayWhole(Cents.nearest(v)) }
  static func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + money(v) }
  static func ci(_ mean: Double, _ half: Double) -> String {
    "\(signed(mean - half)) … \(signed(mean + half))"
  }
  static func count(_ v: Int) -> String { Cents.grouped(UInt64(max(0, v))) }

  /// Budget used as a share of brute force, in percent.
  public var shareOfBruteForce: Double {
    bruteForceEvaluations > 0
      ? Double(result.evaluations) / Double(bruteForceEvaluations) * 100 : 0
  }

  /// The table.
  public var table: String {
    let r = result
    let base = r.baseline.policy.name
    var out =
      "Optimize · \(scenario) · objective \(objective.rawValue) · \(Self.count(candidates)) "
      + "candidates\n"
      + "Path-evaluations: \(Self.count(r.evaluations)) of a budget of \(Self.count(budget)) "
      + "(search \(Self.count(r.searchEvaluations)), re-evaluation "
      + "\(Self.count(r.freshEvaluations))); brute force: \(Self.count(bruteForceEvaluations)) "
      + String(format: "(%.1f %%)\n", shareOfBruteForce)
      + "Search: successive halving with racing on paired differences, seed \(r.seed)\n"
    for (k, round) in r.rounds.enumerated() {
      out +=
        "  round \(k + 1): \(round.entrants) candidates on paths 0–\(round.paths - 1): "
        + "\(round.raced) dropped by racing (paired upper 95 % bound < 0, Student's t), \(round.halved) by "
        + "halving\n"
    }
    out +=
      "Re-evaluated on fresh paths: \(Self.count(r.freshPaths)) paths, seed \(r.freshSeed) "
      + "(the figures below; differences paired against \(base))\n\n"
    var t = TextTable(
      header: [
        "rank", "policy", "cash", "calls", "missed", "emails", "objective", "vs \(base)",
        "95% CI", "choices",
      ], alignments: [.right, .left, .right, .right, .right, .right, .right, .right, .right, .left]
    )
    func row(_ s: Optimizer.Scored, rank: String, isBase: Bool) {
      t.add([
        rank, s.policy.name, Self.money(s.cash), String(format: "%.1f", s.calls),
        String(format: "%.1f", s.missedCalls), String(format: "%.1f", s.emails),
        Self.money(s.objective),
        isBase ? "(baseline)" : Self.signed(s.difference),
        isBase ? "" : Self.ci(s.difference, s.differenceCI95), SearchSpace.describe(s.policy),
      ])
    }
    for s in r.top { row(s, rank: "\(s.searchRank)", isBase: false) }
    row(r.baseline, rank: "–", isBase: true)
    out += t.rendered()
    let w = r.winner
    let searchMean = r.ranking.first?.objective ?? 0
    out +=
      "\nWinner: \(w.policy.name) (\(SearchSpace.describe(w.policy)))\n"
      + "  \(objective.rawValue) against \(base): \(Self.signed(w.difference)) per run "
      + "(95% CI \(Self.ci(w.difference, w.differenceCI95)))"
      + (w.difference - w.differenceCI95 > 0
        ? ", better with 95 % confidence\n"
        : w.difference + w.differenceCI95 < 0
          ? ", worse with 95 % confidence\n" : ", not distinguishable from it\n")
      + "  cash against \(base): \(Self.signed(w.cashDifference)) "
      + "(95% CI \(Self.ci(w.cashDifference, w.cashDifferenceCI95)))\n"
      + "  the search's own estimate of its objective was \(Self.money(searchMean)); on fresh "
      + "paths \(Self.money(w.objective)) (fresh − search: \(Self.signed(w.objective - searchMean)))\n"
    if let l = lifts { out += "\n" + l.table(objective: objective) }
    return out
  }

  /// The JSON form (money in currency units, stable key order).
  public var json: JSONValue {
    func units(_ v: Double) -> JSONValue { .money(computed: v) }
    func one(_ v: Double) -> JSONValue { .number((v * 10).rounded() / 10) }
    func scored(_ s: Optimizer.Scored, isBase: Bool) -> JSONValue {
      var pairs: [(String, JSONValue)] = [
        ("policy", .string(s.policy.name)),
        ("choices", .string(SearchSpace.describe(s.policy))),
      ]
      if !isBase { pairs.append(("search_rank", .int(s.searchRank))) }
      pairs += [
        ("cash_mean", units(s.cash)), ("calls_mean", one(s.calls)),
        ("calls_missed_mean", one(s.missedCalls)),
        ("emails_mean", one(s.emails)), ("agency_fees_mean", units(s.fees)),
        ("objective_mean", units(s.objective)),
      ]
      if !isBase {
        pairs += [
          ("objective_difference", units(s.difference)),
          ("objective_difference_ci95_low", units(s.difference - s.differenceCI95)),
          ("objective_difference_ci95_high", units(s.difference + s.differenceCI95)),
          ("cash_difference", units(s.cashDifference)),
          ("cash_difference_ci95_low", units(s.cashDifference - s.cashDifferenceCI95)),
          ("cash_difference_ci95_high", units(s.cashDifference + s.cashDifferenceCI95)),
        ]
      }
      return .object(pairs)
    }
    let r = result
    var pairs: [(String, JSONValue)] = [
      ("scenario", .string(scenario)),
      ("objective", .string(objective.rawValue)),
      ("candidates", .int(candidates)),
      ("budget", .int(budget)),
      ("evaluations", .int(r.evaluations)),
      ("search_evaluations", .int(r.searchEvaluations)),
      ("fresh_evaluations", .int(r.freshEvaluations)),
      ("brute_force_evaluations", .int(bruteForceEvaluations)),
      ("seed", .string(String(r.seed))),
      ("fresh_seed", .string(String(r.freshSeed))),
      ("fresh_paths", .int(r.freshPaths)),
      (
        "rounds",
        .array(
          r.rounds.map {
            .object([
              ("entrants", .int($0.entrants)), ("paths", .int($0.paths)),
              ("dropped_by_racing", .int($0.raced)), ("dropped_by_halving", .int($0.halved)),
            ])
          })
      ),
      ("baseline", scored(r.baseline, isBase: true)),
      ("top", .array(r.top.map { scored($0, isBase: false) })),
      ("winner", .string(r.winner.policy.name)),
      (
        "search",
        .array(
          r.ranking.map { s in
            .object([
              ("policy", .string(s.policy.name)),
              ("choices", .string(SearchSpace.describe(s.policy))),
              ("paths", .int(s.paths)), ("objective_mean", units(s.objective)),
              ("cash_mean", units(s.cash)), ("calls_mean", one(s.calls)),
              ("dropped_in_round", s.droppedIn.map { .int($0 + 1) } ?? .null),
            ])
          })
      ),
    ]
    if let l = lifts { pairs.append(("lift_sensitivity", l.json)) }
    return .object(pairs)
  }

  /// The frontier of cash against calls made: every candidate's search means (grey), the
  /// frontier among them (no other candidate has more cash with fewer calls), and the
  /// re-evaluated top candidates and the baseline.
  public var frontierChart: SimulationCharts.Entry {
    let r = result
    let all = r.ranking.map { DataPoint(x: $0.calls, y: $0.cash / 100) }
    var frontier: [DataPoint] = []
    for p in all.sorted(by: { ($0.x, -$0.y) < ($1.x, -$1.y) })
    where p.y > (frontier.last?.y ?? -.infinity) {
      frontier.append(p)
    }
    let marks: [Mark] = [
      .points(PointMark(name: "Candidates (search)", points: all, color: Color(hex: 0xAAAAAA))),
      .line(
        LineMark(
          name: "Frontier (search)", points: frontier, color: Palette.okabeIto[1], lineWidth: 1.5,
          dash: [4, 3])),
      .points(
        PointMark(
          name: "Top \(r.top.count) (fresh paths)",
          points: r.top.map { DataPoint(x: $0.calls, y: $0.cash / 100) },
          color: Palette.okabeIto[2],
          radius: 5)),
      .points(
        PointMark(
          name: r.baseline.policy.name,
          points: [DataPoint(x: r.baseline.calls, y: r.baseline.cash / 100)],
          color: Palette.okabeIto[0], radius: 6)),
    ]
    return SimulationCharts.Entry(
      name: "frontier",
      chart: .chart(
        Chart(
          title: "Cash against calls made — \(candidates) candidate cadences",
          subtitle: "Scenario \(scenario) · objective \(objective.rawValue) · "
            + "\(Self.count(r.evaluations)) path-evaluations",
          footnote: "Grey: each candidate's mean over the paths it ran in the search; dashed: "
            + "the frontier (no candidate has more cash with fewer calls); coloured: the top "
            + "candidates and the baseline re-run on fresh paths.",
          xAxis: .linear(title: "Calls made per run (mean)"),
          yAxis: YAxis(title: "Cash kept (mean)", format: .money, includesZero: false),
          legend: Legend(.visible), marks: marks)))
  }

  /// The shard commands of the re-evaluation: `shards` `simulate` runs over contiguous path
  /// ranges of the fresh paths, then the merge.
  public func shardCommands(bestYAML: String, out: String, shards: Int, db: String?) -> [String] {
    let p = result.freshPaths
    let dbOption = db.map { " --db " + Self.shellQuoted($0) } ?? ""
    var lines: [String] = []
    for k in 0..<shards {
      let from = p * k / shards
      let to = p * (k + 1) / shards
      lines.append(
        "arcadence simulate \(Self.shellQuoted(bestYAML))\(dbOption) --paths \(p) --seed "
          + "\(result.freshSeed) --paths-from \(from) --paths-to \(to) --out part-\(k)/")
    }
    lines.append("arcadence simulate merge part-*/ --out \(Self.shellQuoted(out))")
    return lines
  }

  /// `s` quoted for a POSIX shell when it holds anything but safe characters.
  static func shellQuoted(_ s: String) -> String {
    let safe = s.unicodeScalars.allSatisfy {
      $0.isASCII
        && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
          || "/._-+,:=@".unicodeScalars.contains($0))
    }
    return safe && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

extension OptimizeLiftSensitivity {
  /// The table: per lift, each top candidate's mean objective, the best, and the winner's
  /// paired difference against the baseline.
  public func table(objective: OptimizeObjective) -> String {
    var out =
      "Lift sensitivity · reached lift in force \(String(format: "%.2f", liftInForce)) "
      + "(\(source)) · same fresh paths at every lift\n"
    var t = TextTable(header: [
      "reached lift", "best of the top", "winner vs baseline", "95% CI", "winner",
    ])
    for row in rows {
      t.add([
        String(format: "%.2f", row.lift) + (row.lift == liftInForce ? " (in force)" : ""),
        policies[row.best], OptimizeReport.signed(row.winnerDifference),
        OptimizeReport.ci(row.winnerDifference, row.winnerCI95),
        row.best == 0 ? "holds" : "CHANGES",
      ])
    }
    out += t.rendered()
    out +=
      winnerHolds
      ? "The winner stays the winner at every lift tried.\n"
      : "The winner CHANGES with the lift: the choice rests on the lift assumption.\n"
    return out
  }

  /// The JSON form.
  public var json: JSONValue {
    func lift(_ v: Double) -> JSONValue { .number((v * 10_000).rounded() / 10_000) }
    return .object([
      ("lift_in_force", lift(liftInForce)),
      ("source", .string(source)),
      ("winner_holds", .bool(winnerHolds)),
      (
        "rows",
        .array(
          rows.map { row in
            .object([
              ("reached_lift", lift(row.lift)),
              ("best", .string(policies[row.best])),
              ("objective_mean", .array(row.objective.map { .money(computed: $0) })),
              ("winner_difference", .money(computed: row.winnerDifference)),
              ("winner_ci95_low", .money(computed: row.winnerDifference - row.winnerCI95)),
              ("winner_ci95_high", .money(computed: row.winnerDifference + row.winnerCI95)),
            ])
          })
      ),
    ])
  }
}
