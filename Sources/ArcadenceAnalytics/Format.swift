import ArcadenceCore
import Foundation

/// How numbers are written for people (tables, Markdown) and for machines (CSV).
public enum Format {
  /// `$1,234.56`; `—` for nil.
  public static func money(_ cents: Int64?) -> String {
    cents.map { Cents.display($0) } ?? "—"
  }

  /// `95.2%`; `—` for nil.
  public static func percent(_ fraction: Double?, digits: Int = 1) -> String {
    guard let f = fraction else { return "—" }
    return String(format: "%.\(digits)f%%", f * 100)
  }

  /// `+12.3%` (a signed fraction as a percentage).
  public static func signedPercent(_ fraction: Double?) -> String {
    guard let f = fraction else { return "—" }
    return String(format: "%+.1f%%", f * 100)
  }

  /// `45.2`; `—` for nil.
  public static func days(_ d: Double?) -> String {
    d.map { String(format: "%.1f", $0) } ?? "—"
  }

  /// `1,234`.
  public static func count(_ n: Int) -> String {
    (n < 0 ? "-" : "") + Cents.grouped(UInt64(n.magnitude))
  }

  /// The value as a person reads it.
  public static func human(_ v: MetricValue, key: MetricKey? = nil) -> String {
    switch v {
    case .money(let c): return money(c)
    case .count(let n): return count(n)
    case .ratio(let r):
      return key?.isReduction == true ? signedPercent(r) : percent(r)
    case .days(let d): return days(d)
    case .aging(let b): return money(b.reduce(0, +))
    case .byReason(let r): return count(r.reduce(0, +))
    }
  }

  /// The change from `previous` to `current` with an arrow: `▲ +$1,200.00`, `▼ -2.1 pp`.
  public static func change(_ current: MetricValue, _ previous: MetricValue) -> String {
    func arrow(_ d: Double) -> String { d > 0 ? "▲ " : d < 0 ? "▼ " : "= " }
    switch (current, previous) {
    case (.money(let a), .money(let b)):
      return a == b ? "=" : arrow(Double(a - b)) + (a > b ? "+" : "") + Cents.display(a - b)
    case (.count(let a), .count(let b)):
      return a == b ? "=" : arrow(Double(a - b)) + String(format: "%+d", a - b)
    case (.ratio(let a?), .ratio(let b?)):
      let pp = (a - b) * 100
      return abs(pp) < 0.05 ? "=" : arrow(pp) + String(format: "%+.1f pp", pp)
    case (.days(let a?), .days(let b?)):
      let d = a - b
      return abs(d) < 0.05 ? "=" : arrow(d) + String(format: "%+.1f d", d)
    case (.aging(let a), .aging(let b)):
      return change(.money(a.reduce(0, +)), .money(b.reduce(0, +)))
    case (.byReason(let a), .byReason(let b)):
      return change(.count(a.reduce(0, +)), .count(b.reduce(0, +)))
    default:
      return ""
    }
  }

  /// The value for a CSV cell: plain numbers, money in currency units, empty for null.
  public static func csv(_ v: MetricValue) -> String {
    switch v {
    case .money(let c): return Cents.plain(c)
    case .count(let n): return String(n)
    case .ratio(let r), .days(let r): return r.map { "\($0)" } ?? ""
    case .aging(let b): return Cents.plain(b.reduce(0, +))
    case .byReason(let r): return String(r.reduce(0, +))
    }
  }

  /// The value in the JSON contract.
  public static func json(_ v: MetricValue) -> JSONValue {
    switch v {
    case .money(let c): return .money(c)
    case .count(let n): return .int(Int64(n))
    case .ratio(let r), .days(let r): return .number(r)
    case .aging(let b):
      var pairs = zip(agingKeys, b).map { ($0, JSONValue.money($1)) }
      pairs.append(("total", .money(b.reduce(0, +))))
      return .object(pairs)
    case .byReason(let r):
      return .object(zip(Vocabulary.escalationReasons, r).map { ($0, .int(Int64($1))) })
    }
  }

  /// JSON keys of kpis.md's aging buckets (``AgingBuckets/standard``).
  public static let agingKeys = AgingBuckets.standard.keys
  /// Labels of kpis.md's aging buckets (``AgingBuckets/standard``).
  public static let agingLabels = AgingBuckets.standard.labels
}
