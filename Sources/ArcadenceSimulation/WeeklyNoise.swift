import ArcadenceCore
import ArcadenceStore
import Foundation

/// How much a week's cash varies beyond what the simulated paths carry, measured on the
/// store's own earlier cutoffs, and the weekly band that adds it (issue 15: bands that cover).
///
/// Why. The paths carry the randomness the model knows of (which invoices pay, the customer
/// bootstrap, the portfolio shock, renewal billing), but not the model's own error in *which
/// week* cash lands: on market worlds, whose customers keep their own habits, 19–26 % of weeks
/// fell outside the weekly P5–P95 (9–15 % on each side: too narrow, not biased) while the
/// 90-day totals were inside it at every cutoff. So the measure is taken where such error
/// shows: at the same earlier cutoffs as ``TimingSelection`` (`start − horizon − lag`, every
/// week of the window before `start`), the forecast model as it will run (its clock, payment
/// runs) forecasts each full week, and with the paths' mean `m`, their variance `v` and the
/// actual `a`, the relative variance the paths do not explain is
///
///     τ² = max(0, (Σ (a − m)² − Σ v) ÷ Σ m²)   over the measured weeks
///
/// (a method-of-moments split, pooled: were the paths right, `E[(a − m)²] = v`). The band
/// then multiplies each path's week by its own mean-one lognormal draw with relative variance
/// τ² (`σ² = ln(1 + τ²)`, keyed by path and week, so the same at any thread count). It widens
/// the weekly P5 and P95 only: the median and mean are the paths' own, and so are the
/// horizon's totals (a payment that lands a week early or late is still in the horizon).
/// Fewer than ``minimumWeeks`` measured weeks, or none unexplained: no widening.
///
/// Two limits, stated. The windows are the ones the clock was chosen on, so the clock's
/// residual there is its best of two and τ may come out a little low for the start itself.
/// τ is the whole book's: `--by` groups and the open-book and future-billing parts get the
/// same τ, though a small group's weeks vary more than the book's, so their bands may still
/// be narrow.
public struct WeeklyNoise: Sendable, Equatable {
  /// Relative variance of a week's cash that the paths do not carry (τ²).
  public var relativeVariance: Double
  /// Full weeks measured at the earlier cutoffs.
  public var weeks: Int

  /// No widening.
  public static let none = WeeklyNoise(relativeVariance: 0, weeks: 0)
  /// Monte Carlo paths per earlier cutoff (only each week's mean and variance are used).
  public static let paths = 40
  /// Fewer measured weeks than this give no widening.
  public static let minimumWeeks = 8

  public init(relativeVariance: Double, weeks: Int) {
    self.relativeVariance = relativeVariance
    self.weeks = weeks
  }

  /// τ, the relative standard deviation added to each week.
  public var relativeSD: Double { relativeVariance.squareRoot() }

  /// Measures τ² for a forecast from `start` over `horizon` days with the model `model`
  /// builds at any start (its clock and payment runs fixed as they will run). Reads only data
  /// before `start`. O(cutoffs × (calibration + paths × simulation)).
  static func measure(
    ledger l: Ledger, start: Day, horizon: Int, model: (Day) throws -> SimulationRun
  ) throws -> WeeklyNoise {
    var sums = Sums()
    for (s, _) in TimingSelection.earlierCutoffs(ledger: l, start: start, horizon: horizon) {
      let result = try model(s).simulator.run()
      let paths = result.settings.paths
      let simulated = result.settings.horizon
      let actual = Actuals.dailyCash(l, from: s, days: horizon)
      for w in 0..<(horizon / 7) {
        var values = [Double](repeating: 0, count: paths)
        for p in 0..<paths {
          for d in (w * 7)..<(w * 7 + 7) { values[p] += Double(result.cash[0][p * simulated + d]) }
        }
        sums.add(values: values, actual: actual[(w * 7)..<(w * 7 + 7)].reduce(0, +))
      }
    }
    return sums.estimate
  }

  /// The measured weeks' sums: of the squared residual `(a − m)²`, of the paths' variance `v`
  /// and of the squared mean `m²`. Pooled (a ratio of sums, not a mean of ratios), so a
  /// week the paths expected almost nothing of weighs by its cash, not by its ratio: one $10
  /// week that took $10,000 would otherwise set the band of every week.
  struct Sums: Equatable {
    var residual = 0.0
    var spread = 0.0
    var level = 0.0
    var weeks = 0

    /// Adds one week: its paths' values and the actual; skipped when the paths' mean is not
    /// positive or there is one path. O(paths).
    mutating func add(values: [Double], actual: Int64) {
      guard values.count > 1, let m = Statistics.mean(values), m > 0 else { return }
      let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)
      let r = Double(actual) - m
      residual += r * r
      spread += v
      level += m * m
      weeks += 1
    }

    /// τ² = max(0, (Σ(a − m)² − Σv) ÷ Σm²); none below ``WeeklyNoise/minimumWeeks`` weeks.
    var estimate: WeeklyNoise {
      guard weeks >= WeeklyNoise.minimumWeeks, level > 0 else {
        return WeeklyNoise(relativeVariance: 0, weeks: weeks)
      }
      return WeeklyNoise(relativeVariance: max(0, (residual - spread) / level), weeks: weeks)
    }
  }

  /// `{"relative_sd": τ, "weeks_measured": n}`, or null when not measured: the one JSON
  /// form, in `forecast` and `accuracy`.
  public static func json(_ n: WeeklyNoise?) -> JSONValue {
    guard let n else { return .null }
    return .object([("relative_sd", .number(n.relativeSD)), ("weeks_measured", .int(n.weeks))])
  }

  /// The P5…P95 of `values` (one week, one per path) widened by each path's multiplier
  /// (``multipliers(paths:week:seed:)``): the P5 and P95 of the products, never inside the
  /// paths' own (NumPy linear interpolation); nil without values. With `ceilings`, each
  /// path's product is at most its ceiling (never below the path's own value): the most that
  /// path could collect that week, so the band never promises more cash than is owed
  /// (`forecast`: the open book's balance still open on the path). The one home of the
  /// widened band, for `forecast` and `accuracy`. O(paths log paths).
  public static func widened(
    _ values: [Double], multipliers k: [Double], ceilings: [Double]? = nil
  ) -> ClosedRange<Double>? {
    widened(values, wide: zip(values, k).map { $0 * $1 }, ceilings: ceilings)
  }

  /// The band of `values` widened to each path's `wide` value (a part of the week that is
  /// not noise, such as ``UnappliedCash``, added unwidened), held to `ceilings` as above.
  public static func widened(
    _ values: [Double], wide: [Double], ceilings: [Double]? = nil
  ) -> ClosedRange<Double>? {
    let raw = values.sorted()
    var products = wide
    if let ceilings {
      for p in products.indices where p < ceilings.count {
        products[p] = min(products[p], max(values[p], ceilings[p]))
      }
    }
    products.sort()
    guard let lo = Statistics.quantile(sorted: raw, 0.05),
      let hi = Statistics.quantile(sorted: raw, 0.95),
      let wideLo = Statistics.quantile(sorted: products, 0.05),
      let wideHi = Statistics.quantile(sorted: products, 0.95)
    else { return nil }
    return min(lo, wideLo)...max(hi, wideHi)
  }

  /// Each path's multiplier for week `week`: `exp(σ z − σ² ÷ 2)` with `σ² = ln(1 + τ²)` and
  /// `z` standard normal keyed by (seed, path, week). All 1 without widening. O(paths).
  public func multipliers(paths: Int, week: Int, seed: UInt64) -> [Double] {
    guard relativeVariance > 0 else { return [Double](repeating: 1, count: paths) }
    let sigma = log1p(relativeVariance).squareRoot()
    let philox = Philox4x32(seed: seed)
    return (0..<paths).map { p in
      let w = philox.draw(path: p, invoice: week, day: 0, decision: .weeklyNoise)
      let z = Philox4x32.normal(Philox4x32.unit(w.0, w.1), Philox4x32.unit(w.2, w.3))
      return exp(sigma * z - sigma * sigma / 2)
    }
  }
}
