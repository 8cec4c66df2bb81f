import ArcadenceCore
import Foundation

/// A yearly season of a log level — `a · sin ωt + b · cos ωt` on the absolute day `t`, ω = 2π ÷
/// 365.25 — as measured at the start and as used, with the earlier quarters it was checked on.
/// ``AmountDrift`` keeps two: the season of invoice *amounts* within customers, and the season
/// of the book's *billed value* (amounts × how many invoices), see there for why both.
public struct YearlySeason: Sendable, Equatable {
  /// The coefficients used (both 0: not used).
  public var sin = 0.0
  public var cos = 0.0
  /// The coefficients measured at the start (after the shrinkage; both 0: none measured).
  public var measuredSin = 0.0
  public var measuredCos = 0.0
  /// The earlier quarters' |log error| without and with the season measured before each
  /// (only quarters with a year of data before them; or, with none, the last quarter with the
  /// season measured at the start, ``inSample``).
  public var without: [Double] = []
  public var with: [Double] = []
  /// Whether the one check was the last quarter, inside the season's own fit (no earlier
  /// quarter could check it).
  public var inSample = false
  /// Whether, with no earlier quarter to check it, one shift in level fitted the data
  /// the season was measured on as well as the season did (``beatsLevelShifts(_:)``): not used.
  public var levelShift = false

  /// No season.
  public static let none = YearlySeason()

  /// Days of data a season is measured on, and the shortest span the data must cover.
  static let window: Int32 = 730
  static let span: Int32 = 365
  /// Radians a day.
  static let omega = 2 * Double.pi / 365.25
  /// Shrinkage: a season within this many standard errors of none counts as none.
  static let z = 2.0

  public var isUsed: Bool { sin != 0 || cos != 0 }
  var isMeasured: Bool { measuredSin != 0 || measuredCos != 0 }

  /// The used season's log level on day `t` (0 when not used).
  func level(_ t: Double) -> Double { Self.level((sin, cos), t) }

  static func level(_ c: (Double, Double), _ t: Double) -> Double {
    c == (0, 0) ? 0 : c.0 * Foundation.sin(omega * t) + c.1 * Foundation.cos(omega * t)
  }

  /// The season `fit` measures at `u`, checked at the earlier quarter starts p = u − 90 k (k =
  /// 1 … ``AmountDrift/quarters``) while `fit` measures one there: `errors(p, season at p)`
  /// gives the quarter's log errors without and with it (nil ends the checks). Used when the
  /// quarters checked (at least one) came closer with it on average: not each, as the drift's
  /// slope must, since a season is bounded and periodic — a quarter around its turn gains
  /// nothing from it, and three coin flips there refused a clear season (a three-year market
  /// world, ±8–12 % measured at every cutoff with the generator's November peak: used at 2 of
  /// 12 cutoffs when each quarter had to come closer).
  ///
  /// While no earlier quarter can check it (mostly a year to about fifteen months of data: no
  /// season can be measured 90 days back), one year cannot tell a season from a change of
  /// level: a ramp-up at the ledger's start, a large customer won or lost, growth that slows
  /// all read as a season of ±10–100 % with a trend beside it. Such a season is used only
  /// when (1) it fits `data` (what it was measured on) better than a trend with one shift in
  /// level at the start of any month (``beatsLevelShifts(_:)``), and (2) it brings the last
  /// quarter before `u` closer (``inSample``: the quarter is inside the season's fit, the
  /// model it corrects — the renewal or the pools at the quarter's start — is not). Used
  /// unchecked, with neither, seasons took the 90-day mean |error| over fifteen datasets 2.86
  /// → 2.34 % but a book whose first two months billed a tenth 2.6 → 9.2 % and one that grew
  /// 35 % in a month 3.0 → 4.9 %; with both, 2.86 → 2.57 %, those two unchanged
  /// (Benchmarks/accuracy.md, "Seasons before they can be checked").
  static func measured(
    until u: Int32, fit: (Int32) -> (Double, Double)?,
    errors: (Int32, (Double, Double)) -> (without: Double, with: Double)?,
    data: () -> [[(day: Int32, y: Double)]]
  ) -> YearlySeason {
    var out = YearlySeason.none
    guard let s = fit(u), s != (0, 0) else { return out }
    (out.measuredSin, out.measuredCos) = s
    for k in 1...AmountDrift.quarters {
      let p = u - Int32(k) * AmountDrift.quarterDays
      guard let sp = fit(p), let e = errors(p, sp) else { break }
      out.without.append(abs(e.without))
      out.with.append(abs(e.with))
    }
    if out.with.isEmpty {
      out.levelShift = !beatsLevelShifts(data())
    }
    if out.with.isEmpty, !out.levelShift, let e = errors(u - AmountDrift.quarterDays, s) {
      out.without = [abs(e.without)]
      out.with = [abs(e.with)]
      out.inSample = true
    }
    if !out.with.isEmpty, out.with.reduce(0, +) < out.without.reduce(0, +) {
      (out.sin, out.cos) = s
    }
    return out
  }

  /// Whether a yearly season fits `groups` of (day, log value) better than a level shift: the
  /// residual sum of squares of each group's values (its mean removed) on a trend, `sin ωt`
  /// and `cos ωt` is below that on a trend and a step up or down at the first day with data in
  /// any calendar month after the first (two coefficients each, the step's month chosen for
  /// it; every month of the book's monthly series). A step no better by more than rounding
  /// (10⁻⁹ of the total sum of squares) counts as better. False when the season's fit is
  /// singular. O(values × months).
  static func beatsLevelShifts(_ groups: [[(day: Int32, y: Double)]]) -> Bool {
    let days = Set(groups.flatMap { $0.map(\.day) }).sorted()
    guard
      let season = residualSquares(
        groups,
        { t in
          let x = Double(t)
          return [x / 365.25, Foundation.sin(omega * x), Foundation.cos(omega * x)]
        })
    else { return false }
    let month = { (d: Int32) in Day(rawValue: d).civil.month }
    for (before, at) in zip(days, days.dropFirst()) where month(at) != month(before) {
      if let step = residualSquares(groups, { [Double($0) / 365.25, $0 >= at ? 1 : 0] }),
        step.rss <= season.rss + 1e-9 * season.total
      {
        return false
      }
    }
    return true
  }

  /// The residual and total sums of squares of a least-squares fit of each group's values,
  /// its own mean removed, on `regressors` (two or three per day, each centred per group).
  /// Nil when singular.
  static func residualSquares(
    _ groups: [[(day: Int32, y: Double)]], _ regressors: (Int32) -> [Double]
  ) -> (rss: Double, total: Double)? {
    var xx = [[Double]](repeating: [0, 0, 0], count: 3)
    var xy = [0.0, 0.0, 0.0]
    var yy = 0.0
    var k = 0
    for g in groups where g.count >= 2 {
      let rows = g.map { regressors($0.day) }
      k = rows[0].count
      precondition(k == 2 || k == 3, "two or three regressors")
      let m = Double(g.count)
      let mx = (0..<k).map { j in rows.reduce(0) { $0 + $1[j] } / m }
      let my = g.reduce(0) { $0 + $1.y } / m
      for (r, p) in zip(rows, g) {
        let y = p.y - my
        for i in 0..<k {
          xy[i] += (r[i] - mx[i]) * y
          for j in 0..<k { xx[i][j] += (r[i] - mx[i]) * (r[j] - mx[j]) }
        }
        yy += y * y
      }
    }
    guard k > 0 else { return nil }
    // A two-regressor fit goes through the same 3 × 3 inverse with a unit third row.
    if k == 2 { xx[2][2] = 1 }
    guard let inverse = inverse3(xx) else { return nil }
    let beta = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + inverse[i][$1] * xy[$1] } }
    return (max(0, yy - (0..<3).reduce(0.0) { $0 + beta[$1] * xy[$1] }), yy)
  }

  /// The season of `groups` of (day, log value): one least-squares fit of each group's values,
  /// its own mean removed, on a trend and `sin ωt`, `cos ωt` (the trend keeps growth out of
  /// the season and is dropped), the two season coefficients shrunk by (1 − z² ÷ W)₊ with W
  /// their Wald statistic (within `z` standard errors of none counts as none, as the drift's
  /// slope). Nil when the days span less than ``span`` or the fit is singular. O(values).
  static func fit(_ groups: [[(day: Int32, y: Double)]]) -> (Double, Double)? {
    var xx = [[Double]](repeating: [0, 0, 0], count: 3)
    var xy = [0.0, 0.0, 0.0]
    var yy = 0.0
    var n = 0
    var used = 0
    var first = Int32.max
    var last = Int32.min
    // Regressors: years (absolute day ÷ 365.25), sin ωt, cos ωt, each centred per group.
    func regressors(_ t: Int32) -> [Double] {
      let x = Double(t)
      return [x / 365.25, Foundation.sin(omega * x), Foundation.cos(omega * x)]
    }
    for g in groups where g.count >= 2 {
      let m = Double(g.count)
      var mx = [0.0, 0.0, 0.0]
      var my = 0.0
      for p in g {
        let v = regressors(p.day)
        for j in 0..<3 { mx[j] += v[j] / m }
        my += p.y / m
      }
      for p in g {
        let v = regressors(p.day)
        let c = (0..<3).map { v[$0] - mx[$0] }
        let y = p.y - my
        for i in 0..<3 {
          xy[i] += c[i] * y
          for j in 0..<3 { xx[i][j] += c[i] * c[j] }
        }
        yy += y * y
        first = min(first, p.day)
        last = max(last, p.day)
      }
      n += g.count
      used += 1
    }
    guard n > used + 3, Int64(last) - Int64(first) >= Int64(span), let inverse = inverse3(xx)
    else { return nil }
    let beta = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + inverse[i][$1] * xy[$1] } }
    // Residual sum of squares of the least-squares fit: yᵀy − βᵀXᵀy.
    let rss = max(0, yy - (0..<3).reduce(0.0) { $0 + beta[$1] * xy[$1] })
    let s2 = rss / Double(n - used - 3)
    let (a, b) = (beta[1], beta[2])
    // W = θᵀ (s² V)⁻¹ θ, V the season's 2 × 2 block of (XᵀX)⁻¹.
    let (v11, v12, v22) = (inverse[1][1], inverse[1][2], inverse[2][2])
    let det = v11 * v22 - v12 * v12
    guard det > 0, a.isFinite, b.isFinite else { return nil }
    guard a != 0 || b != 0 else { return (0, 0) }
    // An exact fit (s² = 0) is as clear as a season can be: W = ∞, nothing shrunk.
    let wald = s2 > 0 ? (a * a * v22 - 2 * a * b * v12 + b * b * v11) / det / s2 : .infinity
    guard wald > 0 else { return nil }
    let shrink = max(0, 1 - z * z / wald)
    return (a * shrink, b * shrink)
  }

  /// The inverse of a symmetric 3 × 3 matrix, nil when it is (nearly) singular.
  static func inverse3(_ m: [[Double]]) -> [[Double]]? {
    let c00 = m[1][1] * m[2][2] - m[1][2] * m[2][1]
    let c01 = m[1][2] * m[2][0] - m[1][0] * m[2][2]
    let c02 = m[1][0] * m[2][1] - m[1][1] * m[2][0]
    let det = m[0][0] * c00 + m[0][1] * c01 + m[0][2] * c02
    let scale = m[0][0] * m[1][1] * m[2][2]
    guard det.isFinite, det > 1e-12 * max(scale, .leastNormalMagnitude) else { return nil }
    let c11 = m[0][0] * m[2][2] - m[0][2] * m[2][0]
    let c12 = m[0][2] * m[1][0] - m[0][0] * m[1][2]
    let c22 = m[0][0] * m[1][1] - m[0][1] * m[1][0]
    return [
      [c00 / det, c01 / det, c02 / det],
      [c01 / det, c11 / det, c12 / det],
      [c02 / det, c12 / det, c22 / det],
    ]
  }

  /// How far the measured season lifts its level at the peak above the mean: e^(√(a² + b²)) − 1.
  var swing: Double { Self.swing(measuredSin, measuredCos) }

  static func swing(_ a: Double, _ b: Double) -> Double {
    a == 0 && b == 0 ? 0 : expm1((a * a + b * b).squareRoot())
  }

  /// The first day after `origin` on which the measured season peaks (`a sin + b cos = A
  /// sin(ωt + φ)`, φ = atan2(b, a), highest where ωt + φ = π/2 + 2πk).
  func nextPeak(after origin: Int32) -> Day? {
    Self.nextPeak(measuredSin, measuredCos, after: origin)
  }

  static func nextPeak(_ a: Double, _ b: Double, after origin: Int32) -> Day? {
    guard a != 0 || b != 0 else { return nil }
    let year = 365.25
    let t0 = (Double.pi / 2 - atan2(b, a)) / omega
    let k = ((Double(origin) - t0) / year).rounded(.down) + 1
    let t = (t0 + k * year).rounded()
    guard let d = Int32(exactly: t) else { return nil }
    let day = Day(rawValue: d)
    return day.isInCalendar ? day : nil
  }

  /// The season as JSON: its swing as used and as measured, the next peak after `origin`, and
  /// the earlier quarters' checks.
  func json(after origin: Int32) -> JSONValue {
    .object([
      ("swing", .number(Self.swing(sin, cos))),
      ("measured_swing", .number(swing)),
      ("next_peak", nextPeak(after: origin).map { .string($0.description) } ?? .null),
      ("quarters_error_without", .array(without.map { .number($0) })),
      ("quarters_error_with", .array(with.map { .number($0) })),
      ("checked_in_sample", .bool(inSample)),
      ("explained_by_level_shift", .bool(levelShift)),
    ])
  }

  /// What the season does, in a sentence: `what` names the level ("Invoice amounts", "Billed
  /// value").
  func line(_ what: String, after origin: Int32) -> String {
    let pct = String(format: "±%.0f%%", swing * 100)
    let peak = nextPeak(after: origin).map { " (next peak around \($0))" } ?? ""
    if isUsed, inSample {
      return "\(what): a yearly season of \(pct)\(peak), which fits better than a shift in level "
        + "and brought the last quarter closer (checked inside the year it was measured on: no "
        + "earlier quarter could check it); new invoices follow it."
    }
    if isUsed {
      return "\(what): a yearly season of \(pct)\(peak), which came closer on average on the "
        + "\(with.count) earlier quarters with a year of data before them; new invoices follow it."
    }
    guard isMeasured else {
      return "\(what): no yearly season (none clear of noise, or less than a year of data in "
        + "the last two years)."
    }
    if levelShift {
      return "\(what): no yearly season used (one of \(pct)\(peak) fitted its data no better "
        + "than one shift in level, and no earlier quarter could check it)."
    }
    if inSample {
      return "\(what): no yearly season used (one of \(pct)\(peak) did not bring the last quarter "
        + "closer, checked inside the year it was measured on)."
    }
    if with.isEmpty {
      return "\(what): no yearly season used (one of \(pct)\(peak), but no quarter could check it)."
    }
    return "\(what): no yearly season used (one of \(pct)\(peak) did not come closer on average "
      + "on the \(with.count) earlier quarters checked)."
  }
}

/// The book's billed value by day (every customer's invoices summed), for
/// ``AmountDrift/billingSeason(_:until:starts:drift:amounts:)``.
struct DailyBilling {
  /// Distinct issue days, ascending, and the value billed up to and including each.
  let days: [Int32]
  let cumulative: [Double]

  init(_ rows: [[(day: Int32, amount: Int64)]]) {
    var all = rows.flatMap { $0 }
    all.sort { $0.day < $1.day }
    var days: [Int32] = []
    var cumulative: [Double] = []
    var total = 0.0
    for x in all {
      total += Double(max(0, x.amount))
      if days.last == x.day {
        cumulative[cumulative.count - 1] = total
      } else {
        days.append(x.day)
        cumulative.append(total)
      }
    }
    self.days = days
    self.cumulative = cumulative
  }

  /// The value billed on days `a...b`.
  func sum(_ a: Int32, _ b: Int32) -> Double {
    guard a <= b else { return 0 }
    return upTo(b) - upTo(a - 1)
  }

  /// The value billed up to and including day `d`.
  private func upTo(_ d: Int32) -> Double {
    var lo = 0
    var hi = days.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if days[mid] <= d { lo = mid + 1 } else { hi = mid }
    }
    return lo == 0 ? 0 : cumulative[lo - 1]
  }

  /// Each full calendar month within the ``YearlySeason/window`` days up to `u` that starts on
  /// or after the first invoice: (its middle day, log of its value a day). Nil when such a
  /// month billed nothing (no log).
  func monthly(until u: Int32) -> [(day: Int32, y: Double)]? {
    guard let first = days.first else { return [] }
    let lo = max(Int64(u) - Int64(YearlySeason.window) + 1, Int64(first))
    guard lo <= Int64(u), let from = Int32(exactly: lo) else { return [] }
    func next(_ y: Int, _ m: Int) -> (Int, Int) { m == 12 ? (y + 1, 1) : (y, m + 1) }
    let (y0, m0, d0) = Day(rawValue: from).civil
    var (y, m) = d0 == 1 ? (y0, m0) : next(y0, m0)
    var out: [(day: Int32, y: Double)] = []
    while let month = Period.month(y, m), month.to.rawValue <= u {
      let (a, b) = (month.from.rawValue, month.to.rawValue)
      let value = sum(a, b)
      guard value > 0 else { return nil }
      out.append((day: a + (b - a) / 2, y: log(value / Double(b - a + 1))))
      (y, m) = next(y, m)
    }
    return out
  }
}
