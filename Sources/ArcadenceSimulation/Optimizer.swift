import ArcadenceCore
import Foundation

/// What `arcadence optimize` maximises.
public enum OptimizeObjective: String, Sendable, CaseIterable {
  /// Cash the company keeps over the horizon (agency fees already taken out).
  case cash
  /// Cash kept − cost per call × calls made − cost per email × emails sent (the agency's fee
  /// is taken out once: the simulator's cash is what the company keeps). A call the policy
  /// planned but the capacity (or the rep) did not make costs nothing here: it consumed no
  /// time and earned no lift; the report shows it as missed beside the calls made.
  case net
}

/// Searches a grid of candidate policies for the best objective under the baseline's capacity
/// (issue 19), on common random numbers, with a budget of path-evaluations (one policy on one
/// path).
///
/// **Search: successive halving with racing on paired differences.** The search budget (three
/// quarters of the total) is spread over ⌈log₂ n⌉ rounds. In each round every candidate still
/// in the race is run on the next block of paths (the same paths for all, so differences are
/// paired), the block sized so the round spends its share of what is left. Then (1) racing:
/// every candidate whose paired difference to the current best (by mean objective) has an
/// upper 95 % bound below 0 (mean + t₀.₉₇₅(n − 1) s ÷ √n, Student's t) is dropped; (2) halving: if more than half of
/// the round's entrants remain, only the better half (by mean) goes on. Clear losers go early,
/// so the later, longer blocks are spent where the decision is close (Jamieson & Talwalkar
/// 2016, successive halving; Maron & Moore 1997, racing). A budget left over when one
/// candidate remains goes to the re-evaluation.
///
/// **Re-evaluation on fresh paths.** The top `top` candidates (last eliminated last, then by
/// mean) and the baseline are run again on the rest of the budget with a different seed
/// (``freshSeed(_:)``), and those figures are the ones reported: the search's means of its
/// winner are biased upward by the selection (the winner's curse), fresh ones are not.
public struct Optimizer: Sendable {
  /// One candidate's paired comparison on the fresh paths.
  public struct Scored: Sendable {
    /// The policy.
    public var policy: Policy
    /// Its 1-based position in the search's ranking.
    public var searchRank: Int
    /// Mean per path on the fresh paths: cash kept, calls, emails, agency fees, objective.
    public var cash: Double
    /// Mean calls made per path.
    public var calls: Double
    /// Mean calls planned but not made per path (``PathOutcome/missedCalls``).
    public var missedCalls: Double = 0
    /// Mean emails per path.
    public var emails: Double
    /// Mean agency fees per path.
    public var fees: Double
    /// Mean objective per path.
    public var objective: Double
    /// Paired objective difference against the baseline (mean and 95 % CI half-width).
    public var difference: Double
    /// Its 95 % CI half-width.
    public var differenceCI95: Double
    /// Paired cash difference against the baseline and its 95 % CI half-width.
    public var cashDifference: Double
    /// Its 95 % CI half-width.
    public var cashDifferenceCI95: Double
  }

  /// One round of the race.
  public struct Round: Sendable, Equatable {
    /// Candidates that entered it.
    public var entrants: Int
    /// Paths each of them has been run on by the end of the round.
    public var paths: Int
    /// Dropped because the paired upper 95 % bound against the best was below 0.
    public var raced: Int
    /// Dropped by halving.
    public var halved: Int
  }

  /// How a candidate fared in the search.
  public struct SearchRecord: Sendable {
    /// The policy.
    public var policy: Policy
    /// Paths it was run on.
    public var paths: Int
    /// Its mean objective, cash and calls over those paths.
    public var objective: Double
    /// Mean cash per path.
    public var cash: Double
    /// Mean calls per path.
    public var calls: Double
    /// The round it was dropped in (nil: still in the race at the end).
    public var droppedIn: Int?
  }

  /// The outcome of a search.
  public struct Result: Sendable {
    /// The rounds.
    public var rounds: [Round]
    /// Every candidate, in the search's ranking (best first).
    public var ranking: [SearchRecord]
    /// The baseline on the fresh paths.
    public var baseline: Scored
    /// The top candidates on the fresh paths, in the search's order.
    public var top: [Scored]
    /// Path-evaluations spent: in the search, and in the re-evaluation.
    public var searchEvaluations: Int
    /// Path-evaluations of the re-evaluation.
    public var freshEvaluations: Int
    /// The search's seed and the fresh one.
    public var seed: UInt64
    /// The seed of the re-evaluation.
    public var freshSeed: UInt64
    /// Paths of the re-evaluation.
    public var freshPaths: Int

    /// All path-evaluations spent.
    public var evaluations: Int { searchEvaluations + freshEvaluations }
    /// The winner: the search's best, with its fresh figures.
    public var winner: Scored { top[0] }
  }

  /// Runs the policies.
  public var evaluator: PathEvaluator
  /// The policy every candidate is compared with.
  public var baseline: Policy
  /// The candidates.
  public var candidates: [Policy]
  /// The objective.
  public var objective: OptimizeObjective
  /// Cost of a call and of an email, in cents (net objective).
  public var costPerCall: Int64
  /// Cost of an email, in cents.
  public var costPerEmail: Int64
  /// How many candidates are re-evaluated on fresh paths.
  public var top: Int

  /// An optimizer.
  public init(
    evaluator: PathEvaluator, baseline: Policy, candidates: [Policy],
    objective: OptimizeObjective = .cash, costPerCall: Int64 = 0, costPerEmail: Int64 = 0,
    top: Int = 5
  ) {
    self.evaluator = evaluator
    self.baseline = baseline
    self.candidates = candidates
    self.objective = objective
    self.costPerCall = costPerCall
    self.costPerEmail = costPerEmail
    self.top = max(1, top)
  }

  /// The seed of the re-evaluation: `seed` with fixed bits flipped (never `seed` itself) and
  /// kept at most `Int64.max` so that a scenario file can state it.
  public static func freshSeed(_ seed: UInt64) -> UInt64 {
    (seed ^ 0x1E37_79B9_7F4A_7C15) & 0x7FFF_FFFF_FFFF_FFFF
  }

  /// The objective of one path, in cents: cash, or cash − the costs of the contacts made
  /// (calls made, e-mails sent; missed calls cost nothing), saturating at the Int64 range,
  /// which no realistic count reaches.
  public func score(_ o: PathOutcome) -> Int64 {
    guard objective == .net else { return o.cash }
    func product(_ a: Int64, _ b: Int64) -> Int64 {
      let (v, overflow) = a.multipliedReportingOverflow(by: b)
      return overflow ? Int64.max : v
    }
    let (costs, o1) = product(costPerCall, o.calls).addingReportingOverflow(
      product(costPerEmail, o.emails))
    let (net, o2) = o.cash.subtractingReportingOverflow(o1 ? Int64.max : costs)
    return o2 ? Int64.min : net
  }

  /// The smallest budget that gives every candidate two paths in the first round and the
  /// re-evaluation two paths per policy.
  public var minimumBudget: Int {
    let n = candidates.count
    let rounds = Self.rounds(n)
    let k = min(top, n)
    return max(2 * n * rounds * 4 / 3 + 1, 8 * (k + 1))
  }

  /// ⌈log₂ n⌉, at least 1.
  static func rounds(_ n: Int) -> Int {
    var r = 0
    while (1 << r) < n { r += 1 }
    return max(1, r)
  }

  /// The mean and the 95 % CI half-width of `a[p] − b[p]` (paired, over the common paths).
  public static func pairedDifference(_ a: [Int64], _ b: [Int64]) -> (
    mean: Double, ci95: Double
  ) {
    let d = zip(a, b).map { Double($0) - Double($1) }
    return (Statistics.mean(d) ?? 0, Statistics.ci95HalfWidth(d) ?? 0)
  }

  /// Searches with `budget` path-evaluations in all; `seed` for the search's paths.
  public func run(budget: Int, seed: UInt64) throws -> Result {
    guard !candidates.isEmpty else {
      throw ArcadenceError(.usage, "search: the search space holds no candidate")
    }
    guard budget >= minimumBudget else {
      throw ArcadenceError(
        .usage,
        "--budget: \(budget) path-evaluations is too few for \(candidates.count) candidates "
          + "(at least \(minimumBudget)) (value \(budget))")
    }
    let n = candidates.count
    let k = min(top, n)
    let searchBudget = budget * 3 / 4
    let rounds = Self.rounds(n)
    var scores = [[Int64]](repeating: [], count: n)
    var cash = [[Int64]](repeating: [], count: n)
    var calls = [[Int64]](repeating: [], count: n)
    var dropped = [Int?](repeating: nil, count: n)
    var alive = Array(0..<n)
    var used = 0
    var pathsSoFar = 0
    var log: [Round] = []
    func mean(_ v: [Int64]) -> Double { Statistics.mean(v.map(Double.init)) ?? 0 }
    for r in 0..<rounds where alive.count > 1 {
      let share = (searchBudget - used) / (rounds - r)
      let block = min(max(2, share / alive.count), (searchBudget - used) / alive.count)
      guard block >= 2 else { break }
      let out = evaluator.evaluate(
        alive.map { candidates[$0] }, paths: pathsSoFar..<(pathsSoFar + block), seed: seed)
      for (j, c) in alive.enumerated() {
        scores[c] += out[j].map(score)
        cash[c] += out[j].map(\.cash)
        calls[c] += out[j].map(\.calls)
      }
      used += block * alive.count
      pathsSoFar += block
      let entrants = alive.count
      let (raced, halved) = Self.eliminate(&alive, scores: scores, round: r, dropped: &dropped)
      log.append(Round(entrants: entrants, paths: pathsSoFar, raced: raced, halved: halved))
    }
    let records = (0..<n).map { c in
      SearchRecord(
        policy: candidates[c], paths: scores[c].count, objective: mean(scores[c]),
        cash: mean(cash[c]), calls: mean(calls[c]), droppedIn: dropped[c])
    }
    let order = (0..<n).sorted { a, b in
      let ra = dropped[a] ?? Int.max
      let rb = dropped[b] ?? Int.max
      if ra != rb { return ra > rb }
      if records[a].objective != records[b].objective {
        return records[a].objective > records[b].objective
      }
      return a < b
    }
    let fresh = Self.freshSeed(seed)
    let freshPaths = (budget - used) / (k + 1)
    let (base, scored) = compare(
      Array(order.prefix(k)).map { candidates[$0] }, paths: freshPaths, seed: fresh)
    return Result(
      rounds: log, ranking: order.map { records[$0] }, baseline: base,
      top: scored.enumerated().map {
        var s = $0.element
        s.searchRank = $0.offset + 1
        return s
      }, searchEvaluations: used, freshEvaluations: freshPaths * (k + 1), seed: seed,
      freshSeed: fresh, freshPaths: freshPaths)
  }

  /// The upper end of the two-sided 95 % interval of the paired difference `a − b` with
  /// Student's t (mean + t₀.₉₇₅(n − 1) × s ÷ √n): the race's test, honest from the first
  /// short blocks on (with 2 paths t is 12.7, not 1.96). +∞ for fewer than two paths.
  public static func racingUpperBound(_ a: [Int64], _ b: [Int64]) -> Double {
    let d = zip(a, b).map { Double($0) - Double($1) }
    guard let m = Statistics.mean(d), let s = Statistics.standardDeviation(d),
      let t = Statistics.studentT975(df: d.count - 1)
    else { return .infinity }
    return m + t * s / Double(d.count).squareRoot()
  }

  /// One round's eliminations among `alive` (all run on the same paths): racing drops every
  /// candidate whose paired difference to the best by mean has an upper 95 % bound (Student's
  /// t, ``racingUpperBound(_:_:)``) below 0,
  /// then halving keeps the better half of the round's entrants by mean (ties: lower index).
  /// Returns how many each dropped; `dropped` records the round.
  static func eliminate(
    _ alive: inout [Int], scores: [[Int64]], round r: Int, dropped: inout [Int?]
  ) -> (raced: Int, halved: Int) {
    let entrants = alive.count
    let means = Dictionary(
      uniqueKeysWithValues: alive.map { ($0, Statistics.mean(scores[$0].map(Double.init)) ?? 0) })
    let best = alive.max { (means[$0] ?? 0, $1) < (means[$1] ?? 0, $0) } ?? alive[0]
    var raced = 0
    alive = alive.filter { c in
      guard c != best else { return true }
      guard racingUpperBound(scores[c], scores[best]) < 0 else { return true }
      dropped[c] = r
      raced += 1
      return false
    }
    let keep = (entrants + 1) / 2
    var halved = 0
    if alive.count > keep {
      let order = alive.sorted { (means[$0] ?? 0, -$0) > (means[$1] ?? 0, -$1) }
      for c in order[keep...] {
        dropped[c] = r
        halved += 1
      }
      alive = Array(order[..<keep])
    }
    return (raced, halved)
  }

  /// The baseline and `policies` on paths 0..<`paths` drawn with `seed`, each policy's paired
  /// differences against the baseline.
  public func compare(_ policies: [Policy], paths: Int, seed: UInt64) -> (Scored, [Scored]) {
    let out = evaluator.evaluate([baseline] + policies, paths: 0..<paths, seed: seed)
    let baseScores = out[0].map(score)
    let baseCash = out[0].map(\.cash)
    func scored(_ j: Int) -> Scored {
      let o = out[j]
      func m(_ f: (PathOutcome) -> Int64) -> Double {
        Statistics.mean(o.map { Double(f($0)) }) ?? 0
      }
      let d = Self.pairedDifference(o.map(score), baseScores)
      let c = Self.pairedDifference(o.map(\.cash), baseCash)
      return Scored(
        policy: j == 0 ? baseline : policies[j - 1], searchRank: j, cash: m(\.cash),
        calls: m(\.calls), missedCalls: m(\.missedCalls), emails: m(\.emails), fees: m(\.fees),
        objective: m(score),
        difference: d.mean, differenceCI95: d.ci95, cashDifference: c.mean,
        cashDifferenceCI95: c.ci95)
    }
    return (scored(0), (1..<out.count).map(scored))
  }

  /// Every candidate's mean objective on paths 0..<`paths` (the brute force the search is
  /// measured against; it spends `candidates.count × paths` path-evaluations).
  public func bruteForce(paths: Int, seed: UInt64) -> [Double] {
    evaluator.evaluate(candidates, paths: 0..<paths, seed: seed).map { o in
      Statistics.mean(o.map { Double(score($0)) }) ?? 0
    }
  }
}
