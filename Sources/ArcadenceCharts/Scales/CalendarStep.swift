import ArcadenceCore

/// A calendar-aligned tick interval for time axes, from one day to a decade.
public enum CalendarStep: Int, Sendable, CaseIterable, Comparable {
  /// Every day.
  case day
  /// Every second day (even day numbers since the epoch).
  case twoDays
  /// Every Monday (ISO week start).
  case week
  /// Every second Monday.
  case twoWeeks
  /// The first of every month.
  case month
  /// The first of every second month (Jan, Mar, May, …).
  case twoMonths
  /// The first day of each quarter.
  case quarter
  /// January 1 and July 1.
  case halfYear
  /// January 1.
  case year
  /// January 1 of even years.
  case twoYears
  /// January 1 of years divisible by 5.
  case fiveYears
  /// January 1 of years divisible by 10.
  case decade

  /// Orders steps from finest to coarsest.
  public static func < (lhs: CalendarStep, rhs: CalendarStep) -> Bool {
    lhs.rawValue < rhs.rawValue
  }

  /// The typical length of the step in days (used to skip hopeless candidates quickly).
  public var approximateDays: Double {
    switch self {
    case .day: return 1
    case .twoDays: return 2
    case .week: return 7
    case .twoWeeks: return 14
    case .month: return 30.44
    case .twoMonths: return 60.9
    case .quarter: return 91.3
    case .halfYear: return 182.6
    case .year: return 365.25
    case .twoYears: return 730.5
    case .fiveYears: return 1826
    case .decade: return 3652
    }
  }

  /// The label style used for ticks at this step.
  public var labelStyle: ChartFormat.DateStyle {
    switch self {
    case .day, .twoDays, .week, .twoWeeks: return .monthDay
    case .month, .twoMonths, .halfYear: return .monthYear
    case .quarter: return .quarter
    case .year, .twoYears, .fiveYears, .decade: return .year
    }
  }

  /// Every boundary of this step inside `domain`, in increasing order.
  public func boundaries(in domain: ClosedRange<Int32>) -> [Int32] {
    let lo = Int(domain.lowerBound)
    let hi = Int(domain.upperBound)
    switch self {
    case .day: return (lo...hi).map { Int32($0) }
    case .twoDays: return (lo...hi).filter { $0 % 2 == 0 }.map { Int32($0) }
    case .week, .twoWeeks:
      // Day 4 (1970-01-05) is a Monday; two-week ticks fall on even weeks since then.
      let every = self == .week ? 7 : 14
      let firstMonday = lo + ((4 - lo) % every + every) % every
      return stride(from: firstMonday, through: hi, by: every).map { Int32($0) }
    case .month, .twoMonths, .quarter, .halfYear:
      let months = [CalendarStep.month: 1, .twoMonths: 2, .quarter: 3, .halfYear: 6][self] ?? 1
      return monthBoundaries(lo: lo, hi: hi, every: months)
    case .year, .twoYears, .fiveYears, .decade:
      let years = [CalendarStep.year: 1, .twoYears: 2, .fiveYears: 5, .decade: 10][self] ?? 1
      return monthBoundaries(lo: lo, hi: hi, every: 12 * years)
    }
  }

  private func monthBoundaries(lo: Int, hi: Int, every: Int) -> [Int32] {
    let start = Day.civilFromDays(lo)
    var index = start.year * 12 + start.month - 1
    index -= ((index % every) + every) % every
    var result: [Int32] = []
    while true {
      let year = index >= 0 ? index / 12 : (index - 11) / 12
      let day = Day.daysFromCivil(year, index - year * 12 + 1, 1)
      if day > hi { break }
      if day >= lo { result.append(Int32(day)) }
      index += every
    }
    return result
  }
}
