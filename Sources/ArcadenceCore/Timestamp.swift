/// An instant as whole seconds since 1970-01-01T00:00:00Z.
///
/// Imports accept ISO 8601 with `Z` or a numeric offset; a bare `YYYY-MM-DD` means 00:00
/// UTC. Fractional seconds are accepted and truncated (no KPI is finer than a second).
/// The date of a timestamp is always its UTC date (spec: kpis.md, "Time").
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Seconds since the Unix epoch, UTC.
  public var seconds: Int64

  /// Wraps seconds since the epoch.
  public init(seconds: Int64) { self.seconds = seconds }

  /// The instants a store holds: those whose UTC date is a ``Day`` (years 1 to 9999), so
  /// that every one is written back (in UTC) as a timestamp that reads again. An offset can
  /// take a local time just inside those years outside them (`0001-01-01T00:00:00+14:00`).
  public static let supported =
    Timestamp(
      seconds: Day.supportedRange.lowerBound * 86_400)...Timestamp(
      seconds: Day.supportedRange.upperBound * 86_400 + 86_399)

  /// Why an instant outside ``supported`` is refused.
  public static let outOfRange =
    "out of range: must be from \(supported.lowerBound) to \(supported.upperBound) in UTC"

  /// Midnight UTC at the start of `day`, plus an optional time of day.
  public init(day: Day, hour: Int = 0, minute: Int = 0, second: Int = 0) {
    seconds = Int64(day.rawValue) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
  }

  /// The UTC date of this instant.
  public var day: Day {
    let d = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    return Day(rawValue: Int32(d))
  }

  /// Parses `2026-03-04`, `2026-03-04T15:20:00Z`, `2026-03-04T10:20:00-05:00`,
  /// `2026-03-04T15:20Z`, `2026-03-04 15:20:00.250+0100`. Returns nil otherwise.
  public init?(iso text: some StringProtocol) {
    let u = Array(text.utf8)
    guard u.count >= 10, let day = Day(iso: String(decoding: u[0..<10], as: UTF8.self)) else {
      return nil
    }
    if u.count == 10 {
      self.init(day: day)
      return
    }
    guard u[10] == 0x54 || u[10] == 0x20 || u[10] == 0x74, u.count >= 17, u[13] == 0x3A,
      let hh = Day.digits(u, 11, 2), let mm = Day.digits(u, 14, 2), hh < 24, mm < 60
    else { return nil }
    var i = 16
    var ss = 0
    if i < u.count, u[i] == 0x3A {
      guard i + 3 <= u.count, let s = Day.digits(u, i + 1, 2), s < 60 else { return nil }
      ss = s
      i += 3
      if i < u.count, u[i] == 0x2E || u[i] == 0x2C {
        i += 1
        let start = i
        while i < u.count, u[i] >= 0x30, u[i] <= 0x39 { i += 1 }
        guard i > start else { return nil }
      }
    }
    guard i < u.count else { return nil }  // a time needs Z or an offset
    var offset = 0
    if u[i] == 0x5A || u[i] == 0x7A {
      guard i + 1 == u.count else { return nil }
    } else if u[i] == 0x2B || u[i] == 0x2D {
      let sign = u[i] == 0x2D ? -1 : 1
      let rest = u.count - i - 1
      guard let oh = Day.digits(u, i + 1, 2), oh <= 18 else { return nil }
      var om = 0
      if rest == 5, u[i + 3] == 0x3A, let m = Day.digits(u, i + 4, 2) {
        om = m
      } else if rest == 4, let m = Day.digits(u, i + 3, 2) {
        om = m
      } else if rest != 2 {
        return nil
      }
      guard om < 60 else { return nil }
      offset = sign * (oh * 3600 + om * 60)
    } else {
      return nil
    }
    self.init(
      seconds: Int64(day.rawValue) * 86_400 + Int64(hh * 3600 + mm * 60 + ss) - Int64(offset))
  }

  /// `2026-03-04T15:20:00Z`.
  public var description: String {
    let d = day
    let s = Int(seconds - Int64(d.rawValue) * 86_400)
    return "\(d)T" + Day.pad(s / 3600, 2) + ":" + Day.pad(s / 60 % 60, 2) + ":"
      + Day.pad(s % 60, 2) + "Z"
  }

  public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }
}
