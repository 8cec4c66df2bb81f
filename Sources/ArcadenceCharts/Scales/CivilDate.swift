/// A proleptic-Gregorian calendar date converted to and from days since 1970-01-01.
public struct CivilDate: Sendable, Hashable {
  /// Year, e.g. 2026.
  public var year: Int
  /// Month, 1...12.
  public var month: Int
  /// Day of month, 1...31.
  public var day: Int

  /// Creates a date from its parts (no validation beyond the arithmetic).
  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Creates the date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
  public init(daysSinceEpoch: Int32) {
    let z = Int(daysSinceEpoch) + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
  }

  /// Days since 1970-01-01 (Hinnant's `days_from_civil`).
  public var daysSinceEpoch: Int32 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = month > 2 ? month - 3 : month + 9
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return Int32(era * 146_097 + doe - 719_468)
  }

  /// The weekday, 0 = Monday ... 6 = Sunday.
  public var weekday: Int {
    let days = Int(daysSinceEpoch)
    return ((days + 3) % 7 + 7) % 7
  }

  /// The first day of the month `months` months after this date's month.
  public func firstOfMonth(addingMonths months: Int) -> CivilDate {
    let index = year * 12 + (month - 1) + months
    let newYear = index >= 0 ? index / 12 : (index - 11) / 12
    return CivilDate(year: newYear, month: index - newYear * 12 + 1, day: 1)
  }
}
