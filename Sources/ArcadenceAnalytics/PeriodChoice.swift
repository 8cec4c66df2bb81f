import ArcadenceCore

/// The one rule for naming a period: `from` + `to`, a `quarter`, a `month` or an ISO `week`,
/// or nothing (the latest full quarter of the data). The command line's `--from/--to,
/// --quarter, --month, --week` and the served pages' query strings both read it, so a
/// period means the same and is refused with the same message everywhere; `prefix` is how
/// the place names its parameters (`--` on the command line, nothing in a query string).
public struct PeriodChoice: Sendable {
  public var from: String?
  public var to: String?
  public var quarter: String?
  public var month: String?
  public var week: String?
  /// Put before each parameter's name in messages.
  public var prefix: String

  public init(
    from: String? = nil, to: String? = nil, quarter: String? = nil, month: String? = nil,
    week: String? = nil, prefix: String
  ) {
    self.from = from
    self.to = to
    self.quarter = quarter
    self.month = month
    self.week = week
    self.prefix = prefix
  }

  /// Whether any period parameter was given.
  public var isGiven: Bool { [from, to, quarter, month, week].contains { $0 != nil } }

  /// The period named, nil when none is. Usage errors name the parameter and the value.
  public func named() throws -> Period? {
    let p = prefix
    let given = [from != nil || to != nil, quarter != nil, month != nil, week != nil]
      .filter { $0 }.count
    guard given <= 1 else {
      throw ArcadenceError(
        .usage, "name the period one way: \(p)from/\(p)to, \(p)quarter, \(p)month or \(p)week")
    }
    if let q = quarter {
      guard let period = Period.parseQuarter(q) else {
        throw ArcadenceError(
          .usage, "\(p)quarter: expected YYYY-Qn such as 2026-Q3 (value \"\(q)\")")
      }
      return period
    }
    if let m = month {
      guard let period = Period.parseMonth(m) else {
        throw ArcadenceError(.usage, "\(p)month: expected YYYY-MM such as 2026-07 (value \"\(m)\")")
      }
      return period
    }
    if let w = week {
      guard let period = Period.parseISOWeek(w) else {
        throw ArcadenceError(
          .usage, "\(p)week: expected an ISO week YYYY-Www such as 2026-W27 (value \"\(w)\")")
      }
      return period
    }
    if from != nil || to != nil {
      guard let f = from, let t = to else {
        throw ArcadenceError(.usage, "\(p)from and \(p)to go together")
      }
      guard let a = Day(iso: f) else {
        throw ArcadenceError(.usage, "\(p)from: not a valid date (YYYY-MM-DD) (value \"\(f)\")")
      }
      guard let b = Day(iso: t) else {
        throw ArcadenceError(.usage, "\(p)to: not a valid date (YYYY-MM-DD) (value \"\(t)\")")
      }
      guard a <= b else {
        throw ArcadenceError(.usage, "\(p)to (\(t)) is before \(p)from (\(f))")
      }
      return try Span.period(Period(from: a, to: b), option: "\(p)from/\(p)to")
    }
    return nil
  }

  /// The period named, or the latest full quarter ending by `lastDay()` (the last day of the
  /// data, asked for only when no period is named).
  public func resolve(lastDay: () throws -> Day?) throws -> Period {
    if let period = try named() { return period }
    guard let last = try lastDay() else {
      throw ArcadenceError(.usage, "the store is empty: import data first, or name a period")
    }
    return Period.latestFullQuarter(endingBy: last)
  }
}
