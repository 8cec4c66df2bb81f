/// A calendar date as a whole number of days since 1970-01-01 (proleptic Gregorian, UTC).
///
/// Every date in arcadence is a `Day`: balances are "at the end of day d", ages are day
/// differences, and periods are closed ranges of days. Calendar arithmetic uses Howard
/// Hinnant's `days_from_civil` / `civil_from_days` algorithms
/// (<https://howardhinnant.github.io/date_algorithms.html>), so it is exact for any year
/// without Foundation's calendars or time zones.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Days since 1970-01-01.
  public var rawValue: Int32

  /// The days arcadence supports, ``minimum`` to ``maximum`` (years 0001 to 9999), as raw
  /// values. A store row dated outside them was written by another tool.
  public static let supportedRange: ClosedRange<Int64> =
    Int64(minimum.rawValue)...Int64(maximum.rawValue)

  /// A count of days that fits between two supported days (payment terms): 0 to the span of
  /// ``supportedRange``. The one bound of the import's parser and of the store's rules.
  public static let supportedSpan: ClosedRange<Int64> =
    0...(supportedRange.upperBound - supportedRange.lowerBound)

  /// Wraps a count of days since 1970-01-01.
  public init(rawValue: Int32) { self.rawValue = rawValue }

  /// Builds a day from a valid civil date; returns nil for an impossible date (2026-02-30).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= Day.daysInMonth(year: year, month: month),
      (1...9999).contains(year)
    else { return nil }
    rawValue = Int32(Day.daysFromCivil(year, month, day))
  }

  /// Parses `YYYY-MM-DD` strictly: four-digit year, two-digit month and day, a real date.
  public init?(iso text: some StringProtocol) {
    let u = Array(text.utf8)
    guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D,
      let y = Day.digits(u, 0, 4), let m = Day.digits(u, 5, 2), let d = Day.digits(u, 8, 2)
    else { return nil }
    self.init(year: y, month: m, day: d)
  }

  /// The (year, month, day) of this date.
  public var civil: (year: Int, month: Int, day: Int) { Day.civilFromDays(Int(rawValue)) }

  /// The year of this date.
  public var year: Int { civil.year }
  /// The month (1–12) of this date.
  public var month: Int { civil.month }

  /// Weekday with Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
  public var weekdayFromMonday: Int { Int(((Int64(rawValue) + 3) % 7 + 7) % 7) }

  /// `YYYY-MM-DD`.
  public var description: String {
    let (y, m, d) = civil
    return Day.pad(y, 4) + "-" + Day.pad(m, 2) + "-" + Day.pad(d, 2)
  }

  /// The day `n` days later (earlier for negative `n`), saturating at the ends of `Int32`
  /// instead of trapping; input-derived offsets go through ``offset(by:)`` or ``Span``.
  public func adding(_ n: Int) -> Day {
    let step = Int64(clamping: n)
    let sum = Int64(rawValue).addingReportingOverflow(step)
    return Day(
      rawValue: sum.overflow ? (step < 0 ? .min : .max) : Int32(clamping: sum.partialValue))
  }

  /// 0001-01-01: the first day arcadence reads or writes.
  public static let minimum = Day(rawValue: Int32(daysFromCivil(1, 1, 1)))
  /// 9999-12-31: the last day arcadence reads or writes.
  public static let maximum = Day(rawValue: Int32(daysFromCivil(9999, 12, 31)))

  /// Whether the day lies in 0001-01-01…9999-12-31, the years a `YYYY-MM-DD` date can name.
  public var isInCalendar: Bool { self >= Day.minimum && self <= Day.maximum }

  /// The day `n` days later (earlier for negative `n`); nil when it falls outside
  /// 0001-01-01…9999-12-31.
  public func offset(by n: Int) -> Day? {
    guard n.magnitude <= UInt(Day.maximum - Day.minimum) else { return nil }
    let d = adding(n)
    return d.isInCalendar ? d : nil
  }

  /// Whole days from `other` to `self` (`self − other`).
  public func days(since other: Day) -> Int { Int(rawValue) - Int(other.rawValue) }

  public static func < (a: Day, b: Day) -> Bool { a.rawValue < b.rawValue }
  public static func + (a: Day, n: Int) -> Day { a.adding(n) }
  public static func - (a: Day, n: Int) -> Day { a.adding(-n) }
  public static func - (a: Day, b: Day) -> Int { a.days(since: b) }

  /// Whether `year` is a Gregorian leap year.
  public static func isLeap(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
  }

  /// Number of days in a month of a year.
  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date, for any year and without
  /// validation (Hinnant's `days_from_civil`); ``init(year:month:day:)`` checks the date.
  /// The chart kit's time scales use it for month boundaries beyond the supported years.
  public static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The proleptic Gregorian date of a day count since 1970-01-01, for any count (Hinnant's
  /// `civil_from_days`); ``civil`` is the same for a `Day`.
  public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  static func digits(_ u: [UInt8], _ start: Int, _ count: Int) -> Int? {
    guard start >= 0, start + count <= u.count else { return nil }
    var v = 0
    for i in start..<(start + count) {
      let c = u[i]
      guard c >= 0x30, c <= 0x39 else { return nil }
      v = v * 10 + Int(c - 0x30)
    }
    return v
  }

  static func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }
}
