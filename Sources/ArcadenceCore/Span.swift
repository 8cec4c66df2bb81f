/// How far the dates and day counts a person names may reach: the one rule behind every
/// period option, `--until`, `--horizon`, a scenario's start and a mapping's `field + days`.
///
/// Work grows with a span (a weekly series has a point per week, a calibration walks every
/// invoice-day), so a span is either bounded by the data (``clip(_:toLast:option:)``, with
/// a note) or refused beyond ``maxYears`` years with a message naming the option.
public enum Span {
  /// The longest span any option or file may name, in years.
  public static let maxYears = 100
  /// ``maxYears`` in days (36,525: a century of Julian years, leap days included).
  public static let maxDays = 36_525

  /// `n` when it is at most ``maxDays`` days either way; otherwise a usage error naming
  /// `option`: `--horizon: at most 36525 days (100 years) (value 2147483647)`.
  @discardableResult
  public static func days(_ n: Int, option: String) throws -> Int {
    if let problem = daysProblem(n) {
      throw ArcadenceError(.usage, "\(option): \(problem) (value \(n))")
    }
    return n
  }

  /// `at most 36525 days (100 years)` when `n` is beyond ``maxDays`` either way, else nil:
  /// the reason, for readers that collect problems instead of throwing.
  public static func daysProblem(_ n: Int) -> String? {
    n.magnitude <= UInt(maxDays) ? nil : "at most \(maxDays) days (\(maxYears) years)"
  }

  /// `period` when it spans at most ``maxYears`` years; otherwise a usage error naming
  /// `option`: `--from/--to: the period spans 9999 years; name at most 100 years
  /// (value "0001-01-01..9999-12-31")`.
  @discardableResult
  public static func period(_ period: Period, option: String) throws -> Period {
    guard period.days <= maxDays else {
      throw ArcadenceError(
        .usage,
        "\(option): the period spans \(years(period.days)) years; name at most \(maxYears) "
          + "years (value \"\(period)\")")
    }
    return period
  }

  /// `day` when it is within ``maxYears`` years after `reference` (the last day of the
  /// data), else a usage error naming `option`.
  @discardableResult
  public static func day(_ day: Day, after reference: Day, option: String) throws -> Day {
    guard day - reference <= maxDays else {
      throw ArcadenceError(
        .usage,
        "\(option): \(day) is \(years(day - reference)) years after the last day of the data "
          + "(\(reference)); name a day at most \(maxYears) years after it")
    }
    return day
  }

  /// `day`, or `last` with a note for stderr when `day` is later: there is no data after the
  /// last day, so counting beyond it only adds work (and invented exposure).
  public static func clip(_ day: Day, toLast last: Day, option: String) -> (
    day: Day, note: String?
  ) {
    guard day > last else { return (day, nil) }
    return (last, "note: \(option) \(day) is after the last day of the data; using \(last)")
  }

  /// Whole years in `days`, rounded to the nearest (at least 1 when beyond the limit).
  static func years(_ days: Int) -> Int { max(1, (days * 4 + 730) / 1461) }
}
