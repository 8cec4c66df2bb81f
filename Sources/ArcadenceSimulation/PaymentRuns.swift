import ArcadenceCore
import ArcadenceStore
import Foundation

/// Each customer's payment-run habit read from the store — Fridays or the month's last
/// weekday — and where a simulated payment of such a customer lands in the calendar.
///
/// Why it works. Accounts-payable teams release payments in runs: a customer paying on the
/// month's last weekday puts a month of its cash into one day, so actual weekly cash is spiky
/// while both payment clocks (segment hazards by days past due, delay curves by days since
/// issue) spread it over the month (market worlds: weekly MAPE 17–23 % against 8–11 % where no
/// one pays in runs). The clocks already carry the run's delay on average, since they were
/// fitted on the run days; what they lack is *where* in the calendar the cash falls. So a
/// payment the clock places on day `d`, between the customer's run days `r₀ < d ≤ r₁`, is moved
/// to `r₁` with probability `(d − r₀) ÷ (r₁ − r₀)` and to `r₀` otherwise: the expected payment
/// day stays `d` (no delay is added twice — the payment-run calendar of h-world moved cash
/// forward only and made a too-slow open book slower still, Benchmarks/accuracy.md). When
/// `r₀` is closed to the payment — before the forecast's start (the run before the cutoff
/// has passed and the invoice is still open) or before the invoice's issue — the payment
/// waits for `r₁`: a customer that pays in runs cannot pay an invoice before the first run
/// after it is open, so an invoice still open at a month start, of a month-end payer, is paid
/// at the month's end at the earliest. The clock's survival is conditioned on the invoice
/// being open at the start, not at the run before it, so it already under-states what the
/// first run collects; keeping such a payment on `d`, as the version before did, spread the
/// first run's cash over the days before it (market world 1 at 2026-04-01: the three weeks
/// before the month-end run 6–37 % over, the run's week 29 % under). Measured on 12
/// month-start cutoffs (Benchmarks/accuracy.md, "payments wait for the next run"): 30-day
/// |error| on the five market worlds 5.35–7.70 → 3.13–5.65 %, weekly MAPE 3–6 points lower at
/// 30 days and 2–3.6 at 90, ±7-day hits 3.3–4.0 points higher, 90 days within 0.1 point;
/// books without runs unchanged. Auto-pay and promised payments of a run customer go through
/// the same placement (its habit was read from all its payment days). Elsewhere every
/// placement keeps `E[day] = d` exactly (``Calendar/outcomes(customer:paidOn:issued:)``).
/// When `r₁` falls after the horizon's last day its cash leaves the horizon, as a run
/// customer's would.
///
/// The estimate. A customer's distinct payment days up to the last day of data are counted:
/// `n` in all, `f` on Fridays, `m` on the month's last weekday. A customer without a habit
/// pays on a Friday with probability `b_F = (1 − w) ÷ 5` (`w`: the book's share of payment days
/// on a Saturday or Sunday) and on a month's last weekday with `b_M = (1 − w) × M ÷ W` (`M`
/// last weekdays among the `W` weekdays of the data's span). The share of its payments made in
/// the run, from `f ÷ n = π + (1 − π) b`, is `π = (f ÷ n − b) ÷ (1 − b)`, shrunk towards no
/// habit by `n ÷ (n + k)` (``credibility``). A habit counts only when the excess is clear:
/// the binomial probability of `f` or more run days out of `n` for a habit-free customer is
/// at most ``significance`` (the exact tail, since run days are rare: with `b_M ≈ 0.03`, a
/// normal z-score flagged 17 customers of the sample for 2 month ends out of 3 payments). A
/// customer who pays on any day keeps `π = 0` and its payments are left exactly where the
/// clock put them. When both runs pass, the larger share wins.
///
/// The horizon's end. Cash the clock places after the horizon but before the customer's next
/// run is partly released on the last run day inside it; `accuracy` and `forecast` therefore
/// both simulate ``lookahead`` days past their horizon when any customer pays in runs and
/// read only the horizon (``SimulationRun/forecast(name:ledger:links:start:horizon:paths:
/// seed:threads:parameterUncertainty:renewalBilling:delayShift:delayCurves:selectTiming:
/// paymentRuns:)``; without them the forecast lost that cash: market world 1, 90-day
/// |error| 5.95 → 6.79 %).
///
/// Predicted dates. A run customer's invoice-level P10/median/P90 are the quantiles of the
/// released day, not of the clock's (``SimulationRun/paymentQuantiles(_:levels:runs:)``), so
/// the median of a customer paying mostly in runs is a run day, as its payments are.
///
/// What it assumes: a customer's run is stable over its history, and the clock's payment day
/// is right on average (it moves no cash between months beyond the run days around `d`).
public struct PaymentRuns: Sendable, Equatable {
  /// The calendar days a customer's payments are released on.
  public enum Run: UInt8, Sendable {
    /// No run: pays on whatever day the clock says.
    case none = 0
    /// Fridays.
    case friday = 1
    /// The last Monday–Friday of the month.
    case monthEnd = 2
  }

  /// One customer's habit: its run and the share of its payments made in it.
  public struct Habit: Sendable, Equatable {
    /// The run.
    public var run: Run
    /// The share `π` of its payments released in the run (0 with ``Run/none``).
    public var share: Double

    /// No habit.
    public static let none = Habit(run: .none, share: 0)

    /// A habit.
    public init(run: Run, share: Double) {
      self.run = run
      self.share = share
    }
  }

  /// The credibility constant `k`: the estimated share is multiplied by `n ÷ (n + k)`.
  public static let credibility = 5.0
  /// The largest probability, for a habit-free customer, of as many run days as observed.
  public static let significance = 1e-4
  /// Days simulated past a horizon so that cash released back into it is counted: more than
  /// the longest gap between two month-end runs (33 days), a whole number of weeks.
  public static let lookahead = 35

  /// Equally likely clock days a run customer's predicted payment dates are read from
  /// (``SimulationRun/paymentQuantiles(_:levels:runs:)``): the median is then within one
  /// 40th of the clock's distribution of the exact one.
  public static let quantilePoints = 40

  /// Each customer's habit (index: the ledger's customer index).
  public var habits: [Habit]

  /// Habits given explicitly.
  public init(habits: [Habit]) { self.habits = habits }

  /// Whether any customer pays in a run.
  public var isEmpty: Bool { !habits.contains { $0.run != .none } }

  /// The habit of a customer with `n` distinct payment days, `fridays` of them on a Friday and
  /// `monthEnds` on a month's last weekday, when a habit-free customer's day is a Friday with
  /// probability `fridayBase` and a month's last weekday with `monthEndBase`.
  public static func habit(
    days n: Int, fridays: Int, monthEnds: Int, fridayBase: Double, monthEndBase: Double
  ) -> Habit {
    guard n > 0 else { return .none }
    let nd = Double(n)
    func share(_ hits: Int, _ b: Double) -> Double {
      guard b > 0, b < 1, upperTail(hits, of: n, b) <= significance else { return 0 }
      return max(0, (Double(hits) / nd - b) / (1 - b)) * nd / (nd + credibility)
    }
    let f = share(fridays, fridayBase)
    let m = share(monthEnds, monthEndBase)
    if f == 0, m == 0 { return .none }
    return m > f ? Habit(run: .monthEnd, share: m) : Habit(run: .friday, share: f)
  }

  /// P(X ≥ k) for X ~ Binomial(n, b), 0 < b < 1, from the first term's logarithm. O(n).
  static func upperTail(_ k: Int, of n: Int, _ b: Double) -> Double {
    guard k > 0 else { return 1 }
    guard k <= n else { return 0 }
    // ln P(X = k) = ln C(n, k) + k ln b + (n − k) ln(1 − b); then each next term by the ratio.
    var logC = 0.0
    for m in 1...k { logC += log(Double(n - k + m) / Double(m)) }
    var term = exp(logC + Double(k) * log(b) + Double(n - k) * log1p(-b))
    var sum = 0.0
    for j in k...n {
      sum += term
      term *= Double(n - j) / Double(j + 1) * b / (1 - b)
    }
    return min(1, sum)
  }

  /// The habits of the ledger's customers from their payments received up to `until`.
  /// O(payments × log(payments)).
  public static func fit(ledger l: Ledger, until: Day) -> PaymentRuns {
    let customers = l.customerIds.count
    var days = [[Int32]](repeating: [], count: customers)
    var first = Int32.max
    for k in l.paymentReceived.indices where l.paymentReceived[k] <= until.rawValue {
      let c = Int(l.paymentCustomer[k])
      guard c >= 0, c < customers else { continue }
      days[c].append(l.paymentReceived[k])
      first = min(first, l.paymentReceived[k])
    }
    guard first <= until.rawValue else {
      return PaymentRuns(habits: Array(repeating: .none, count: customers))
    }
    var weekend = 0
    var all = 0
    for c in 0..<customers {
      days[c] = Array(Set(days[c])).sorted()
      all += days[c].count
      weekend += days[c].filter { Day(rawValue: $0).weekdayFromMonday >= 5 }.count
    }
    var weekdays = 0
    var lastWeekdays = 0
    for raw in first...until.rawValue {
      let d = Day(rawValue: raw)
      guard d.weekdayFromMonday < 5 else { continue }
      weekdays += 1
      if d == d.lastWeekdayOfMonth { lastWeekdays += 1 }
    }
    let weekdayShare = all > 0 ? 1 - Double(weekend) / Double(all) : 1
    let fridayBase = weekdayShare / 5
    let monthEndBase = weekdays > 0 ? weekdayShare * Double(lastWeekdays) / Double(weekdays) : 0
    return PaymentRuns(
      habits: days.map { ds in
        let dayList = ds.map { Day(rawValue: $0) }
        return habit(
          days: ds.count, fridays: dayList.filter { $0.weekdayFromMonday == 4 }.count,
          monthEnds: dayList.filter { $0 == $0.lastWeekdayOfMonth }.count,
          fridayBase: fridayBase, monthEndBase: monthEndBase)
      })
  }

  /// The habits laid on a simulation's calendar: day 0 is `start`, days `0..<horizon`.
  public func calendar(start: Day, horizon: Int) -> Calendar {
    Calendar(habits: habits, start: start, horizon: horizon)
  }

  /// The run days around each simulated day, and the customers' habits.
  public struct Calendar: Sendable {
    /// Each customer's habit.
    let habits: [Habit]
    /// Per run (``Run/rawValue`` − 1) and day `d` of the horizon: the first run day on or
    /// after `d` (may be ≥ the horizon) at `2(r·h + d)`, the last run day before `d` (may be
    /// negative) at `2(r·h + d) + 1`.
    let around: [Int32]
    /// Days in the horizon.
    let horizon: Int

    init(habits: [Habit], start: Day, horizon: Int) {
      self.habits = habits
      self.horizon = horizon
      var out = [Int32](repeating: 0, count: 2 * 2 * horizon)
      for d in 0..<horizon {
        let day = start + d
        // Fridays.
        let toFriday = (4 - day.weekdayFromMonday + 7) % 7
        out[2 * d] = Int32(d + toFriday)
        out[2 * d + 1] = Int32(d - (toFriday == 0 ? 7 : 7 - toFriday))
        // Month ends.
        let end = day.lastWeekdayOfMonth
        let next = end >= day ? end : (day.endOfMonth + 1).lastWeekdayOfMonth
        let prev = end < day ? end : (day - day.civil.day).lastWeekdayOfMonth
        out[2 * (horizon + d)] = Int32(next - start)
        out[2 * (horizon + d) + 1] = Int32(prev - start)
      }
      around = out
    }

    /// The two days a run payment the clock places on day `d` (of an invoice issued on day
    /// `issued`) is split between, and the probability of the later: `nil` when the payment
    /// stays on `d` (no habit, `d` outside the calendar, or `d` a run day). The later day is
    /// the first run day on or after `d`, `r₁`; the earlier is the last run day before it,
    /// `r₀`, when the payment could have been made then (on or after the start and the
    /// invoice's issue), and the later is then taken with probability `(d − r₀) ÷ (r₁ − r₀)`,
    /// so the expected day is `r₀ + (d − r₀) = d` exactly. When `r₀` is closed the payment
    /// waits for `r₁` (both days `r₁`, probability 1). O(1).
    @inline(__always)
    func split(customer: Int, paidOn d: Int32, issued: Int32) -> (
      earlier: Int32, later: Int32, pLater: Double
    )? {
      let habit = habits[customer]
      guard habit.run != .none, d >= 0, Int(d) < horizon else { return nil }
      let k = 2 * ((Int(habit.run.rawValue) - 1) * horizon + Int(d))
      let next = around[k]
      let prev = around[k + 1]
      guard next != d else { return nil }
      // The run before is closed (before the start or the issue): the payment waits for
      // the next run.
      guard prev >= max(0, issued) else { return (next, next, 1) }
      return (prev, next, Double(d - prev) / Double(next - prev))
    }

    /// The day a payment the clock places on day `d` (of invoice issued on day `issued`, of
    /// `customer`) is released: `d` itself without a habit or when `u ≥ π`; otherwise split
    /// between the run days around it (``split(customer:paidOn:issued:)``): the later with
    /// probability `(d − r₀) ÷ (r₁ − r₀)`, from `v`, so the expected day stays `d`; or the
    /// next run `r₁` when the run before is closed. O(1).
    @inline(__always)
    public func day(customer: Int, paidOn d: Int32, issued: Int32, u: Double, v: Double) -> Int32 {
      guard u < habits[customer].share,
        let s = split(customer: customer, paidOn: d, issued: issued)
      else { return d }
      return v < s.pLater ? s.later : s.earlier
    }

    /// The days a payment the clock places on day `d` is released on, with their
    /// probabilities (one to three days, summing to 1): the distribution ``day(customer:
    /// paidOn:issued:u:v:)`` draws from, whose mean is `d` unless the run before `d` is closed
    /// (then `(1 − π) d + π r₁`). O(1).
    public func outcomes(customer: Int, paidOn d: Int32, issued: Int32) -> [(
      day: Int32, p: Double
    )] {
      guard let s = split(customer: customer, paidOn: d, issued: issued) else { return [(d, 1)] }
      let pi = habits[customer].share
      guard s.earlier != s.later else { return [(d, 1 - pi), (s.later, pi)] }
      return [(d, 1 - pi), (s.earlier, pi * (1 - s.pLater)), (s.later, pi * s.pLater)]
    }
  }
}

extension SimulationRun {
  /// The customers' habits on this run's calendar, or nil when no customer pays in runs
  /// (or runs are off): what ``simulator`` releases cash by.
  public var paymentRunCalendar: PaymentRuns.Calendar? {
    guard let runs = paymentRuns, !runs.isEmpty else { return nil }
    return runs.calendar(start: portfolio.start, horizon: settings.horizon)
  }
}

extension Worker {
  /// The day invoice `i`'s payment, placed by its clock on `day`, is released: moved to its
  /// customer's run day when it pays in runs (``PaymentRuns``); `day` otherwise. A day at or
  /// after the horizon means its cash falls outside it.
  @inline(__always)
  func runDay(_ i: Int, paidOn day: Int32) -> Int32 {
    guard let runs = core.sim.paymentRuns else { return day }
    let c = Int(inv[i].customer)
    guard runs.habits[c].run != .none else { return day }
    let w = core.philox.draw(path: path, invoice: i, day: day, decision: .paymentRun)
    return runs.day(
      customer: c, paidOn: day, issued: issueDay[i], u: Philox4x32.unit(w.0),
      v: Philox4x32.unit(w.1))
  }
}
