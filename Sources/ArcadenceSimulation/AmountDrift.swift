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
///
/// **Seasons.** A book billed more in some months than others (utilities in winter, retail
/// before the holidays) has a season the pools and the renewal's year-round rate do not
/// carry. Two are measured (``YearlySeason``: one yearly sine and cosine with a trend, shrunk
/// by their Wald statistic, from at least a year of data in the last two):
/// - the **amount season**, of log amount within customers: a weekly biller's pool (its last
///   twelve amounts) sits at the current season's level, so the pools are moved to the level
///   of the day before the start by it; checked like the slope (each quarter's billing
///   against its customers' pools);
/// - the **billing season**, of the book's billed value a day by calendar month (amounts ×
///   how many invoices): new invoices are billed at it, from pools at the amount season's
///   level (``newFactor(from:to:)``), so a season in how often customers are billed (the
///   renewal bills each at its year-round rate) reaches the forecast too; checked on what the
///   renewal would have billed in each earlier quarter, without it (new invoices following the
///   amount season) and with it.
/// Each is used when the earlier quarters with a year of data before them came closer with
/// it on average; while no earlier quarter can check it, when it fits better
/// than a shift in level and brings the last quarter closer
/// (``YearlySeason/measured(until:fit:errors:data:)``).
/// Measured by `accuracy` (Benchmarks/accuracy.md, "Seasons"; 90-day |total error|): market
/// worlds 1, 2, 3, 6, 7, whose one-off billing peaks in November and dips in May, 3.85 →
/// 3.17, 4.29 → 3.41, 3.30 → 3.18, 2.08 → 1.99, 3.76 → 3.70 %; ±35 % seasonal amounts 11.39 →
/// 7.84 %; standard world 31 2.46 → 2.50 %; the sample, standard world 37 and IBM's ledger
/// identical. Future billing's own mean |error| fell wherever a season was used. Used before
/// an earlier quarter can check it too (the first version waited), 90-day mean |error| over
/// fifteen datasets 2.86 → 2.57 % ("Seasons before they can be checked").
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
  /// The yearly season of invoice amounts within customers: pools are moved by it to the
  /// start's level, checked like the slope (the quarter's billing against its pools).
  public var amountSeason = YearlySeason.none
  /// The yearly season of the book's billed value a day (amounts × invoices), by calendar
  /// month: new invoices follow it, checked on the share of a year's billing each earlier
  /// quarter got.
  public var billingSeason = YearlySeason.none
  /// The day pools are moved to: the day before the start.
  public var origin: Int32 = 0

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

  /// Whether new invoices follow a drift or a season (their amounts can then move up to
  /// ``maxFactor`` from their pools').
  public var isUsed: Bool { perDay != 0 || amountSeason.isUsed || billingSeason.isUsed }

  /// The factor a pooled amount billed on day `from` is scaled by to the level of day `to`:
  /// e^(perDay · (to − from) + A(to) − A(from)), A the amount season, held to [1/4, 4].
  public func factor(from: Double, to: Double) -> Double {
    Self.held(perDay * (to - from) + amountSeason.level(to) - amountSeason.level(from))
  }

  /// The factor a new invoice issued on day `to` is billed at from its pool (at the level of
  /// day `from`, the day before the start): e^(perDay · (to − from) + B(to) − A(from)), B the
  /// billing season when used (the pools leave A's level at `from`, and the invoice takes the
  /// book's billed value of its day: what counts of invoices do as well as amounts, since
  /// the renewal bills each customer at its year-round rate), else A; held to [1/4, 4].
  public func newFactor(from: Double, to: Double) -> Double {
    let b = billingSeason.isUsed ? billingSeason.level(to) : amountSeason.level(to)
    return Self.held(perDay * (to - from) + b - amountSeason.level(from))
  }

  static func held(_ logFactor: Double) -> Double {
    min(maxFactor, max(1 / maxFactor, exp(logFactor)))
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
  /// start): × ``newFactor(from:to:)`` of its issue day when a drift or a season is used and
  /// the day is known (`Int32.max`: not issued, or drawn per path), else as pooled. The one
  /// rule of the simulator's new invoices and the portfolio file.
  func amount(_ pooled: Int64, issueDay: Int32) -> Int64 {
    guard isUsed, issueDay != Int32.max else { return pooled }
    let from = Double(origin)
    return Self.scaled(pooled, by: newFactor(from: from, to: from + Double(issueDay) + 1))
  }

  /// Measures and checks the drift and the seasons at `until` from each customer's invoices as
  /// (issue day, amount), sorted by day, all issued on or before `until`, and the day each
  /// customer's billing is counted from (``BillingCadence/windowStarts(_:created:)``).
  /// O(invoices).
  public static func measure(
    _ rows: [[(day: Int32, amount: Int64)]], until u: Int32, starts: [Int32]
  ) -> AmountDrift {
    let (slope, se) = Self.slope(rows, until: u)
    var out = AmountDrift(perDay: 0, measured: slope, standardError: se)
    out.origin = u
    // The slope measured at each earlier quarter start, in order (all of them when used).
    var slopes: [Double] = []
    if slope != 0 {
      for k in 1...quarters {
        let p = u - Int32(k) * quarterDays
        slopes.append(Self.slope(rows, until: p).slope)
        guard let e0 = levelError(rows, at: p, perDay: 0),
          let e1 = levelError(rows, at: p, perDay: slopes[k - 1])
        else { break }
        out.without.append(abs(e0))
        out.with.append(abs(e1))
      }
      if out.with.count == quarters, zip(out.with, out.without).allSatisfy({ $0 < $1 }) {
        out.perDay = slope
      }
    }
    // The seasons' checks use the slope where the drift is used, and the amount season's fit
    // at each quarter start is measured once for both.
    let used = out.perDay != 0
    let drift = { [slopes] (p: Int32) in used ? slopes[Int((u - p) / quarterDays) - 1] : 0 }
    var fits: [Int32: (Double, Double)?] = [:]
    func fit(_ p: Int32) -> (Double, Double)? {
      if let f = fits[p] { return f }
      let f = amountFit(rows, until: p)
      fits[p] = f
      return f
    }
    out.amountSeason = amountSeason(rows, until: u, drift: drift, fit: fit)
    out.billingSeason = billingSeason(
      rows, until: u, starts: starts, drift: drift, amounts: out.amountSeason.isUsed ? fit : nil)
    return out
  }

  /// The amount season at `u` (each customer's log amounts over the ``YearlySeason/window``
  /// days up to `u`), checked at the earlier quarters with a year of invoices before them by
  /// ``levelError(_:at:perDay:season:)``; `drift` gives the slope there (0 when the drift is
  /// not used) and `fit` the season (``amountFit(_:until:)``).
  static func amountSeason(
    _ rows: [[(day: Int32, amount: Int64)]], until u: Int32, drift: (Int32) -> Double,
    fit: (Int32) -> (Double, Double)?
  ) -> YearlySeason {
    YearlySeason.measured(
      until: u, fit: fit,
      errors: { p, sp in
        let g = drift(p)
        guard let e0 = levelError(rows, at: p, perDay: g),
          let e1 = levelError(rows, at: p, perDay: g, season: sp)
        else { return nil }
        return (e0, e1)
      },
      data: { amountGroups(rows, until: u) })
  }

  /// The amount season's fit at `u` (``YearlySeason/fit(_:)`` of each customer's log amounts
  /// over the ``YearlySeason/window`` days up to `u`).
  static func amountFit(_ rows: [[(day: Int32, amount: Int64)]], until u: Int32) -> (
    Double, Double
  )? {
    YearlySeason.fit(amountGroups(rows, until: u))
  }

  /// Each customer's log amounts over the ``YearlySeason/window`` days up to `u`: what the
  /// amount season is measured on.
  static func amountGroups(_ rows: [[(day: Int32, amount: Int64)]], until u: Int32) -> [[(
    day: Int32, y: Double
  )]] {
    rows.map { r in
      r.filter { u - $0.day < YearlySeason.window && $0.day <= u && $0.amount > 0 }
        .map { (day: $0.day, y: log(Double($0.amount))) }
    }
  }

  /// The billing season at `u`: the book's billed value a day in each full calendar month of
  /// the ``YearlySeason/window`` days up to `u` (those starting on or after its first invoice), as
  /// one group of log values; checked at the earlier quarters with a year of months before
  /// them by ``billingError(_:at:starts:perDay:amounts:season:)`` against the model without it (new
  /// invoices following the amount season, its fit `amounts` there when it is used at `u`;
  /// `drift` gives the slope). None when a month billed nothing.
  static func billingSeason(
    _ rows: [[(day: Int32, amount: Int64)]], until u: Int32, starts: [Int32],
    drift: (Int32) -> Double,
    amounts: ((Int32) -> (Double, Double)?)?
  ) -> YearlySeason {
    let daily = DailyBilling(rows)
    let fit = { (u: Int32) in daily.monthly(until: u).flatMap { YearlySeason.fit([$0]) } }
    return YearlySeason.measured(
      until: u, fit: fit,
      errors: { p, sp in
        let g = drift(p)
        // Without it new invoices follow the amount season (used at `u`; its fit at `p` when
        // one can be made there).
        let a = amounts?(p) ?? amounts?(u) ?? (0, 0)
        guard
          let e0 = billingError(rows, at: p, starts: starts, perDay: g, amounts: a, season: a),
          let e1 = billingError(rows, at: p, starts: starts, perDay: g, amounts: a, season: sp)
        else { return nil }
        return (e0, e1)
      },
      data: { daily.monthly(until: u).map { [$0] } ?? [] })
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

  /// log(predicted ÷ actual) of the value billed in the ``quarterDays`` after `p`, predicted
  /// as the renewal bills it: every customer still billed at `p` (``BillingCadence/gaps``)
  /// issues ``quarterDays`` ÷ its exposure gap invoices at its pool's mean (the last ``pool`` amounts
  /// issued by `p`, moved to `p`'s level by the slope and the `amounts` season A), × the mean
  /// over the quarter's days of e^(perDay · (d − p) + S(d) − A(p)), S the `season` new
  /// invoices follow (``newFactor(from:to:)``; A itself without a billing season). Actual:
  /// all invoices issued in the quarter, new customers' too. Nil when nothing was billed or
  /// predicted.
  static func billingError(
    _ rows: [[(day: Int32, amount: Int64)]], at p: Int32, starts: [Int32], perDay: Double,
    amounts: (Double, Double), season: (Double, Double)
  ) -> Double? {
    let before = rows.map { r in r[..<(r.firstIndex { $0.day > p } ?? r.count)] }
    let cadence = BillingCadence.gaps(before.map(Array.init), until: p, starts: starts)
    var d = AmountDrift(perDay: perDay, measured: perDay, standardError: 0)
    (d.amountSeason.sin, d.amountSeason.cos) = amounts
    (d.billingSeason.sin, d.billingSeason.cos) = season
    let at = Double(p)
    let weight =
      (1...quarterDays).reduce(0.0) { $0 + d.newFactor(from: at, to: at + Double($1)) }
      / Double(quarterDays)
    var predicted = 0.0
    var actual = 0.0
    for (c, r) in rows.enumerated() {
      for x in r[before[c].endIndex...] where x.day - p <= quarterDays {
        actual += Double(x.amount)
      }
      let recent = before[c].suffix(pool)
      guard cadence.gap[c] > 0, !recent.isEmpty else { continue }
      let mean =
        recent.reduce(0) { $0 + Double($1.amount) * d.factor(from: Double($1.day), to: at) }
        / Double(recent.count)
      predicted += mean * Double(quarterDays) / Double(cadence.exposureGap[c])
    }
    guard actual > 0, predicted > 0 else { return nil }
    return log(predicted * weight / actual)
  }

  /// log(predicted ÷ actual) of the amounts billed in the ``quarterDays`` after `p` by customers
  /// with a pool at `p`: each invoice predicted as its customer's pool mean (the last ``pool``
  /// amounts issued by `p`, each moved to `p`'s level) × e^(perDay · days after `p`). Nil when
  /// nothing was billed.
  static func levelError(
    _ rows: [[(day: Int32, amount: Int64)]], at p: Int32, perDay: Double,
    season: (Double, Double) = (0, 0)
  ) -> Double? {
    var d = AmountDrift(perDay: perDay, measured: perDay, standardError: 0)
    (d.amountSeason.sin, d.amountSeason.cos) = season
    let at = Double(p)
    var predicted = 0.0
    var actual = 0.0
    for r in rows {
      let end = r.firstIndex { $0.day > p } ?? r.count
      guard end > 0 else { continue }
      let poolMean =
        r[max(0, end - pool)..<end].reduce(0) {
          $0 + Double($1.amount) * d.factor(from: Double($1.day), to: at)
        } / Double(end - max(0, end - pool))
      for x in r[end...] where x.day - p <= quarterDays {
        predicted += poolMean * d.factor(from: at, to: Double(x.day))
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
      ("amount_season", amountSeason.json(after: origin)),
      ("billing_season", billingSeason.json(after: origin)),
    ])
  }

  /// The growth a year of a log slope per day: e^(365 · slope) − 1.
  static func growth(_ perDay: Double) -> Double { perDay == 0 ? 0 : expm1(perDay * 365) }

  /// What the two seasons do, a sentence each.
  public var seasonLines: [String] {
    [
      amountSeason.line("Invoice amounts", after: origin),
      billingSeason.line("Billed value", after: origin),
    ]
  }

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
