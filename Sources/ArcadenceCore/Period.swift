/// A closed range of days `[from, to]`, both inclusive: the unit every KPI is computed over.
///
/// Periods come from explicit dates or from the shorthands people use: a quarter
/// (`2026-Q3`), a month (`2026-07`) or an ISO 8601 week (`2026-W27`, Monday to Sunday,
/// week 1 being the week with the year's first Thursday).
public struct Period: Hashable, Sendable, CustomStringConvertible {
  /// First day of the period.
  public var from: Day
  /// Last day of the period (inclusive).
  public var to: Day

  /// A period from `from` to `to`; `to` must not be before `from`.
  public init(from: Day, to: Day) {
    precondition(from <= to, "period ends before it starts")
    self.from = from
    self.to = to
  }

  /// `to − from + 1`.
  public var days: Int { to - from + 1 }
  /// The day before `from`: where "start of period" balances are taken.
  public var start: Day { from - 1 }
  /// Whether `day` lies in the period.
  public func contains(_ day: Day) -> Bool { day >= from && day <= to }
  /// The period of the same length that ends the day before this one starts.
  public var previous: Period { Period(from: from - days, to: from - 1) }

  /// Whether ``previous`` lies in the calendar (starts on or after 0001-01-01).
  public var hasPrevious: Bool { previous.from.isInCalendar }

  /// `compared with …` (``previous`` as `describe` writes it), or `no previous period` when
  /// it would start before 0001-01-01: the one wording of the comparison line.
  public func comparisonLabel(_ describe: (Period) -> String = { "\($0)" }) -> String {
    hasPrevious ? "compared with " + describe(previous) : "no previous period"
  }

  /// `FROM..TO`.
  public var description: String { "\(from)..\(to)" }

  /// The calendar quarter `q` (1–4) of `year`.
  public static func quarter(_ year: Int, _ q: Int) -> Period? {
    guard (1...4).contains(q), let first = Day(year: year, month: 3 * q - 2, day: 1) else {
      return nil
    }
    let lastMonth = 3 * q
    guard
      let last = Day(
        year: year, month: lastMonth, day: Day.daysInMonth(year: year, month: lastMonth))
    else { return nil }
    return Period(from: first, to: last)
  }

  /// The calendar month of `year`.
  public static func month(_ year: Int, _ month: Int) -> Period? {
    guard let first = Day(year: year, month: month, day: 1) else { return nil }
    return Period(from: first, to: first + (Day.daysInMonth(year: year, month: month) - 1))
  }

  /// ISO 8601 week `week` of ISO year `year` (Monday to Sunday); nil past the year's last week.
  public static func isoWeek(_ year: Int, _ week: Int) -> Period? {
    guard week >= 1, week <= isoWeeksInYear(year), let jan4 = Day(year: year, month: 1, day: 4)
    else { return nil }
    let monday = jan4 - jan4.weekdayFromMonday + (week - 1) * 7
    return Period(from: monday, to: monday + 6)
  }

  /// 52 or 53: the number of ISO weeks in an ISO year.
  public static func isoWeeksInYear(_ year: Int) -> Int {
    guard let dec28 = Day(year: year, month: 12, day: 28) else { return 52 }
    return dec28.isoWeek.week
  }

  /// The last full ISO week (Monday to Sunday) that ends on or before `day`.
  public static func lastFullISOWeek(endingBy day: Day) -> Period {
    let sunday = day - (day.weekdayFromMonday + 1) % 7
    return Period(from: sunday - 6, to: sunday)
  }

  /// Parses `2026-Q3`.
  public static func parseQuarter(_ text: String) -> Period? {
    let parts = text.uppercased().split(separator: "-")
    guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]), parts[1].count == 2,
      parts[1].first == "Q", let q = Int(parts[1].dropFirst())
    else { return nil }
    return quarter(y, q)
  }

  /// Parses `2026-07`.
  public static func parseMonth(_ text: String) -> Period? {
    let parts = text.split(separator: "-")
    guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]),
      let m = Int(parts[1])
    else { return nil }
    return month(y, m)
  }

  /// Parses `2026-W27` (also `2026W27`).
  public static func parseISOWeek(_ text: String) -> Period? {
    let t = String(text.uppercased().filter { $0 != "-" })
    guard t.count == 7, t.dropFirst(4).first == "W", let y = Int(t.prefix(4)),
      let w = Int(t.suffix(2))
    else { return nil }
    return isoWeek(y, w)
  }
}

extension Day {
  /// The ISO 8601 (year, week) this day belongs to.
  public var isoWeek: (year: Int, week: Int) {
    let thursday = self - weekdayFromMonday + 3
    let y = thursday.year
    // Any year (0 or 10000 at the ends of the calendar): no validation needed here.
    let jan1 = Day(rawValue: Int32(clamping: Day.daysFromCivil(y, 1, 1)))
    return (y, (thursday - jan1) / 7 + 1)
  }

  /// `2026-W07` style label of this day's ISO week.
  public var isoWeekLabel: String {
    let (y, w) = isoWeek
    return Day.pad(y, 4) + "-W" + Day.pad(w, 2)
  }

  /// The Monday starting this day's ISO week.
  public var startOfISOWeek: Day { self - weekdayFromMonday }
}

extension Day {
  /// The last day of this day's month.
  public var endOfMonth: Day {
    let (y, m, d) = civil
    return self + (Day.daysInMonth(year: y, month: m) - d)
  }

  /// The last Monday–Friday of this day's month (the day a month-end payment run pays).
  public var lastWeekdayOfMonth: Day {
    let e = endOfMonth
    switch e.weekdayFromMonday {
    case 5: return e - 1
    case 6: return e - 2
    default: return e
    }
  }
}
