import ArcadenceCore
import ArcadenceStore

/// When in the week and month cash arrives: a factor per weekday and one for a month's last
/// weekday, fitted on the year before a cutoff.
///
/// Why: customers' payables teams pay in runs — on Fridays, on the month's last working day —
/// and banks credit nothing at weekends, so cash arrives in spikes that the simulator's daily
/// hazards (one rate for every day) spread evenly. The spikes decide which week, and for a
/// run at the month end whether the 30-day window, a payment falls in. The calendar reshapes
/// each path's simulated daily cash by these factors and rescales it so that the path's total
/// in each calendar week and month is unchanged: it moves cash between days and never adds any.
public struct PaymentCalendar: Sendable, Equatable {
  /// Factor per weekday, Monday first, on days that are not a month's last weekday.
  public var weekday: [Double]
  /// Extra factor on a month's last weekday (Monday to Friday), on top of its weekday's.
  public var monthEnd: Double

  /// No calendar effect.
  public static let flat = PaymentCalendar(weekday: Array(repeating: 1, count: 7), monthEnd: 1)

  /// Days of history a fit reads (52 weeks, so every weekday counts the same).
  public static let historyDays = 364

  /// Pseudo-days at the average rate added to each weekday's and to the month ends' cash, so
  /// a thin history stays near no effect (12 month ends a year are few).
  static let priorDays = 4.0

  /// The factors: a month's last weekday is the latest of its days falling Monday to Friday.
  public init(weekday: [Double], monthEnd: Double) {
    self.weekday = weekday
    self.monthEnd = monthEnd
  }

  /// Whether `day` is the last Monday-to-Friday day of its month.
  public static func isLastWeekdayOfMonth(_ day: Day) -> Bool {
    guard day.weekdayFromMonday < 5 else { return false }
    let (y, m, d) = day.civil
    let left = Day.daysInMonth(year: y, month: m) - d
    // Days after it in the month are all Saturday or Sunday.
    return left == 0 || (day.weekdayFromMonday == 4 && left <= 2)
  }

  /// The factor of `day`.
  public func factor(_ day: Day) -> Double {
    weekday[day.weekdayFromMonday] * (Self.isLastWeekdayOfMonth(day) ? monthEnd : 1)
  }

  /// Fits the factors on the cash received in the ``historyDays`` days before `cutoff`:
  /// a weekday's factor is its mean cash on days that are not a month end ÷ the mean of those
  /// days; the month end's is its cash ÷ what its weekdays' factors predict. Each shrunk
  /// towards 1 by ``priorDays`` average days. With no cash in the window: ``flat``. O(days).
  public static func fit(_ l: Ledger, before cutoff: Day) -> PaymentCalendar {
    let first = cutoff - historyDays
    let cash = Actuals.dailyCash(l, from: first, days: historyDays)
    var sum = [Double](repeating: 0, count: 7)
    var count = [Double](repeating: 0, count: 7)
    var endCash = 0.0
    var endDays: [Int] = []
    for (d, c) in cash.enumerated() {
      let day = first + d
      if isLastWeekdayOfMonth(day) {
        endCash += Double(c)
        endDays.append(day.weekdayFromMonday)
      } else {
        sum[day.weekdayFromMonday] += Double(c)
        count[day.weekdayFromMonday] += 1
      }
    }
    let days = count.reduce(0, +)
    guard days > 0 else { return .flat }
    let mean = sum.reduce(0, +) / days
    guard mean > 0 else { return .flat }
    let weekday = (0..<7).map { k in
      (sum[k] + priorDays * mean) / ((count[k] + priorDays) * mean)
    }
    let expected = endDays.reduce(0.0) { $0 + weekday[$1] * mean }
    let monthEnd = (endCash + priorDays * mean) / (expected + priorDays * mean)
    return PaymentCalendar(weekday: weekday, monthEnd: monthEnd)
  }

  /// Reshapes one path's daily cash from `start` by the factors. A run moves a payment
  /// forward to the run day, within the same week (a Friday run) or month (a month-end run),
  /// so cash is moved only inside each calendar week (Monday to Sunday) by the weekday
  /// factors, then inside each calendar month towards its last weekday by the month-end
  /// factor; every week's and every month's cash within the horizon is kept (a month whose
  /// last weekday lies beyond the horizon is left as it is). O(days).
  public func apply(_ daily: inout [Double], start: Day) {
    var lo = 0
    while lo < daily.count {
      // One calendar week: up to the next Sunday.
      let hi = min(daily.count, lo + 7 - (start + lo).weekdayFromMonday)
      reshape(&daily, lo..<hi) { weekday[(start + $0).weekdayFromMonday] }
      lo = hi
    }
    lo = 0
    while lo < daily.count {
      let (y, m, d) = (start + lo).civil
      let hi = min(daily.count, lo + Day.daysInMonth(year: y, month: m) - d + 1)
      let hasEnd = (lo..<hi).contains { Self.isLastWeekdayOfMonth(start + $0) }
      if hasEnd {
        reshape(&daily, lo..<hi) { Self.isLastWeekdayOfMonth(start + $0) ? monthEnd : 1 }
      }
      lo = hi
    }
  }

  /// Multiplies `daily[range]` by `factor` of each index and rescales it to its former sum
  /// (left alone when either sum is zero).
  func reshape(_ daily: inout [Double], _ range: Range<Int>, factor: (Int) -> Double) {
    let total = daily[range].reduce(0, +)
    guard total > 0 else { return }
    let shaped = range.reduce(0.0) { $0 + daily[$1] * factor($1) }
    guard shaped > 0 else { return }
    for d in range { daily[d] *= factor(d) * total / shaped }
  }
}
