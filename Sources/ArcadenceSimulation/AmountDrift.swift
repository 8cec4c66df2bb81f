import ArcadenceCore
import Foundation

/// Whether the book's invoice amounts are drifting (prices or volumes growing or shrinking),
/// measured on its own recent invoices and used only where it would have helped before.
///
/// New invoices resample the customer's last twelve amounts (``BillingCadence``). On a steady
/// book that is unbiased; on a growing one the pool lags the current level by about half its
/// span. Measured on a market world whose amounts grow 60 % a year (every amount × 1.6^years, a
/// Python transform of market world 6): the pools under-billed the next quarter by 21 % on
/// average and the 90-day forecast missed by 5.4 % against 3.1 % for "the last 90 days again".
///
/// **Measurement.** The slope of log amount on issue day within customers (each customer's own
/// mean removed, then one least-squares slope over all of them), from the invoices of the 365
/// days up to the day before the start, shrunk by (1 − (2 · s.e. ÷ slope)²)₊: a slope within two
/// standard errors of zero counts as none, a clear one almost whole.
///
/// **Use.** A trend extrapolated past a turn is worse than none (on the same world with ±35 %
/// yearly seasonality instead, extrapolating the year's slope raised the error of the billed
/// level from 31 % to 46 %). So it is checked the way it would be used, on three earlier quarters
/// (starts 90, 180 and 270 days back, data before each only): the quarter's billing by customers
/// with a pool is set against their pools' mean × the count they billed, without and with the
/// slope measured then. It is used only when it was measured at all three and brought the
/// billed level closer at each; then every pool amount moves to the level of the day before the
/// start and each new invoice's amount × e^(slope · days after that day), at most × 4 or ÷ 4
/// (each: an amount a year old moves at most × 4 to the start's level, and on at most × 4 from
/// there). A slope steeper than × 4 a quarter (a customer billing a cent, then billions) is held
/// to that, so what is printed stays a number.
///
/// Measured before it was built (`Benchmarks/drift/level.py`, 12 month-start cutoffs, mean
/// |log error| of the next 90 days' billed level): growing world 21.0 → 9.1 %, a world shrinking
/// 30 % a year (market world 1) 15.5 → 2.8 %; the seasonal world, the market and standard worlds,
/// the sample and IBM's ledger unchanged (never used there). Then by `accuracy` (90-day |total
/// error|, B the better naive baseline): growing 5.38 → 2.75 % (B 3.09 %), shrinking 6.47 → 3.92
/// % (B 9.76 %), the nine other datasets identical (Benchmarks/accuracy.md, "Amounts that drift").
public struct AmountDrift: Sendable, Equatable {
  /// Log change of amounts per day that new invoices are billed at (0: not used).
  public var perDay: Double
  /// The slope measured at the start (per day, after the shrinkage) and its standard error.
  public var measured: Double
  public var standardError: Double
  /// The earlier quarters' |log error| of the billed level without and with their slope
  /// (fewer than ``quarters`` when the data runs out before one could be checked).
  public var without: [Double] = []
  public var with: [Double] = []

  /// Not measured: amounts as resampled.
  public static let off = AmountDrift(perDay: 0, measured: 0, standardError: 0)

  /// Days of invoices the slope is measured on.
  static let window: Int32 = 365
  /// Earlier quarters checked, and their length in days.
  static let quarters = 3
  static let quarterDays: Int32 = 90
  /// Shrinkage: slopes within this many standard errors of zero count as none.
  static let z = 2.0
  /// The largest factor (and smallest, its inverse) a new invoice's amount moves by.
  static let maxFactor = 4.0
  /// Amounts a customer's pool keeps (``BillingCadence``'s pool).
  static let pool = 12
  /// The steepest slope measured, per day: a factor of 4 a quarter either way. Steeper
  /// slopes (a few invoices of a cent then of billions) are held to it.
  static let steepest = log(maxFactor) / Double(quarterDays)

  public init(perDay: Double, measured: Double, standardError: Double) {
    self.perDay = perDay
    self.measured = measured
    self.standardError = standardError
  }

  /// The factor an amount of `days` ago (or `-days` ahead) is scaled by to the present level:
  /// e^(perDay · days), held to [1/4, 4].
  public func factor(days: Double) -> Double {
    min(Self.maxFactor, max(1 / Self.maxFactor, exp(perDay * days)))
  }

  /// `amount` × `factor` in whole cents, at least 1, and never above the larger of the amount
  /// and 2^52 cents. (Sums are guarded elsewhere: a run refuses a book whose new invoices, at
  /// their largest, could pass what it sums, ``Portfolio/mostBilled``.)
  static func scaled(_ amount: Int64, by factor: Double) -> Int64 {
    guard factor != 1, amount > 0 else { return amount }
    let v = min(9.0e18, (Double(amount) * factor).rounded())
    return max(1, min(Int64(v), max(amount, 1 << 52)))
  }

  /// A new invoice's amount from its `pooled` amount (at the level of the day before the
  /// start): × e^(perDay · (issueDay + 1)) when the drift is used and the day is known
  /// (`Int32.max`: not issued, or drawn per path), else as pooled. The one rule of the
  /// simulator's new invoices and the portfolio file.
  func amount(_ pooled: Int64, issueDay: Int32) -> Int64 {
    perDay == 0 || issueDay == Int32.max
      ? pooled : Self.scaled(pooled, by: factor(days: Double(issueDay) + 1))
  }

  /// Measures and checks the drift at `until` from each customer's invoices as (issue day,
  /// amount), sorted by day, all issued on or before `until`. O(invoices).
  public static func measure(_ rows: [[(day: Int32, amount: Int64)]], until u: Int32)
    -> AmountDrift
  {
    let (slope, se) = Self.slope(rows, until: u)
    var out = AmountDrift(perDay: 0, measured: slope, standardError: se)
    guard slope != 0 else { return out }
    for k in 1...quarters {
      let p = u - Int32(k) * quarterDays
      let g = Self.slope(rows, until: p).slope
      guard let e0 = levelError(rows, at: p, perDay: 0),
        let e1 = levelError(rows, at: p, perDay: g)
      else { break }
      out.without.append(abs(e0))
      out.with.append(abs(e1))
    }
    if out.with.count == quarters, zip(out.with, out.without).allSatisfy({ $0 < $1 }) {
      out.perDay = slope
    }
    return out
  }

  /// The shrunk within-customer slope of log amount on issue day over the invoices issued in
  /// the ``window`` days up to `u`, and its standard error (0 and 0 with too little data).
  static func slope(_ rows: [[(day: Int32, amount: Int64)]], until u: Int32) -> (
    slope: Double, se: Double
  ) {
    var sxy = 0.0
    var sxx = 0.0
    var n = 0
    var groups = 0
    var used: [(part: [(day: Int32, amount: Int64)], mt: Double, my: Double)] = []
    for r in rows {
      let lo = r.firstIndex { u - $0.day < window } ?? r.count
      let hi = r.firstIndex { $0.day > u } ?? r.count
      let part = r[lo..<max(lo, hi)].filter { $0.amount > 0 }
      guard part.count >= 2 else { continue }
      let m = Double(part.count)
      let mt = part.reduce(0) { $0 + Double($1.day) } / m
      let my = part.reduce(0) { $0 + log(Double($1.amount)) } / m
      for x in part {
        let t = Double(x.day) - mt
        sxy += t * (log(Double(x.amount)) - my)
        sxx += t * t
      }
      n += part.count
      groups += 1
      used.append((part, mt, my))
    }
    guard sxx > 0, n > groups + 1 else { return (0, 0) }
    let b = sxy / sxx
    var residual = 0.0
    for g in used {
      for x in g.part {
        let e = (log(Double(x.amount)) - g.my) - b * (Double(x.day) - g.mt)
        residual += e * e
      }
    }
    let se = (residual / Double(n - groups - 1) / sxx).squareRoot()
    guard b != 0, se.isFinite else { return (0, 0) }
    let ratio = z * se / b
    let shrunk = b * max(0, 1 - ratio * ratio)
    return (min(steepest, max(-steepest, shrunk)), se)
  }

  /// log(predicted ÷ actual) of the amounts billed in the ``quarterDays`` after `p` by customers
  /// with a pool at `p`: each invoice predicted as its customer's pool mean (the last ``pool``
  /// amounts issued by `p`, each moved to `p`'s level) × e^(perDay · days after `p`). Nil when
  /// nothing was billed.
  static func levelError(_ rows: [[(day: Int32, amount: Int64)]], at p: Int32, perDay: Double)
    -> Double?
  {
    let d = AmountDrift(perDay: perDay, measured: perDay, standardError: 0)
    var predicted = 0.0
    var actual = 0.0
    for r in rows {
      let end = r.firstIndex { $0.day > p } ?? r.count
      guard end > 0 else { continue }
      let poolMean =
        r[max(0, end - pool)..<end].reduce(0) {
          $0 + Double($1.amount) * d.factor(days: Double(p - $1.day))
        } / Double(end - max(0, end - pool))
      for x in r[end...] where x.day - p <= quarterDays {
        predicted += poolMean * d.factor(days: Double(x.day - p))
        actual += Double(x.amount)
      }
    }
    guard actual > 0, predicted > 0 else { return nil }
    return log(predicted / actual)
  }

  /// The measurement as JSON; the one layout of `forecast`'s and `accuracy`'s `amount_drift`:
  /// the growth a year new invoices follow (0.6: +60 %; 0 when not used), the one measured (its
  /// log slope's standard error a year beside it) and the earlier quarters' checks.
  public var json: JSONValue {
    .object([
      ("growth_per_year", .number(Self.growth(perDay))),
      ("measured_growth_per_year", .number(Self.growth(measured))),
      ("log_slope_standard_error_per_year", .number(standardError * 365)),
      ("quarters_error_without", .array(without.map { .number($0) })),
      ("quarters_error_with", .array(with.map { .number($0) })),
    ])
  }

  /// The growth a year of a log slope per day: e^(365 · slope) − 1.
  static func growth(_ perDay: Double) -> Double { perDay == 0 ? 0 : expm1(perDay * 365) }

  /// What the drift does to future billing, in a sentence.
  public var line: String {
    func pct(_ v: Double) -> String { String(format: "%+.0f%%", Self.growth(v) * 100) }
    if perDay != 0 {
      return "Invoice amounts: drifting \(pct(perDay)) a year, which brought the billed level "
        + "closer on the \(Self.quarters) earlier quarters; new invoices follow it."
    }
    guard measured != 0 else {
      return "Invoice amounts: resampled as billed (no drift clear of noise in the last year)."
    }
    if with.count < Self.quarters {
      return "Invoice amounts: resampled as billed (a drift of \(pct(measured)) a year, but "
        + "only \(with.count) of the \(Self.quarters) earlier quarters had the data to check it "
        + "on)."
    }
    return "Invoice amounts: resampled as billed (a drift of \(pct(measured)) a year did not "
      + "bring the billed level closer on each of the \(Self.quarters) earlier quarters)."
  }
}
