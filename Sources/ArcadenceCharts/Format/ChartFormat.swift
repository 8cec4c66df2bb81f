import ArcadenceCore
import Foundation

/// Standalone text formatters for money, percentages, grouped integers and dates.
public enum ChartFormat {
  /// The styles available for a calendar day.
  public enum DateStyle: Sendable {
    /// "Jul 6".
    case monthDay
    /// "Jul 2026".
    case monthYear
    /// "2026-Q3".
    case quarter
    /// "2026".
    case year
    /// "2026-07-06".
    case iso
    /// "Jul 6, 2026".
    case long
  }

  static let monthNames = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  /// Compact money from integer cents: 123_456_700 → "$1.2M", -35_000_000 → "-$350K".
  public static func money(cents: Int64) -> String {
    money(exact: ExactDecimal(significand: Int(cents), exponent: -2), compactDigits: true)
  }

  /// Compact money from dollars: 1_234_567 → "$1.2M", 350_000 → "$350K", 950 → "$950".
  ///
  /// Values under $1,000 are whole dollars; larger ones use K, M, B or T with one decimal
  /// below 10 units ("$1.2M", "$12M") and none above; a trailing ".0" is dropped.
  public static func money(dollars: Double) -> String {
    guard dollars.isFinite else { return "–" }
    let cents = (dollars * 100).rounded()
    guard abs(cents) < 9e18 else { return dollars < 0 ? "-$∞" : "$∞" }
    return money(exact: ExactDecimal(significand: Int(cents), exponent: -2), compactDigits: true)
  }

  /// Money for an exact tick value: the unit is chosen per value and the digits are the
  /// shortest that write it exactly ("$1.25M", "$750K").
  static func money(exact value: ExactDecimal) -> String {
    money(exact: value, compactDigits: false)
  }

  private static let units: [(exponent: Int, suffix: String)] = [
    (12, "T"), (9, "B"), (6, "M"), (3, "K"), (0, ""),
  ]

  private static func money(exact value: ExactDecimal, compactDigits: Bool) -> String {
    let negative = value.significand < 0
    let magnitude = ExactDecimal(significand: abs(value.significand), exponent: value.exponent)
    let amount = magnitude.doubleValue
    var text = "0"
    for (index, unit) in units.enumerated() {
      let threshold = pow(10, Double(unit.exponent))
      guard amount >= threshold || unit.exponent == 0 else { continue }
      let scaled = magnitude.shifted(by: -unit.exponent)
      let digits: Int
      if compactDigits {
        digits = unit.exponent == 0 ? 0 : (scaled.doubleValue < 10 ? 1 : 0)
      } else {
        digits = unit.exponent == 0 ? Swift.min(scaled.fractionDigits, 2) : scaled.fractionDigits
      }
      var candidate = scaled.formatted(fractionDigits: digits)
      // Rounding up to 1000 of a unit moves to the next larger unit ("$1M", not "$1000K").
      if compactDigits, index > 0, candidate.hasPrefix("1000") {
        let larger = units[index - 1]
        let up = magnitude.shifted(by: -larger.exponent)
        candidate = up.formatted(fractionDigits: 1) + larger.suffix
        candidate = candidate.replacingOccurrences(of: ".0" + larger.suffix, with: larger.suffix)
        text = candidate
        break
      }
      if compactDigits, candidate.hasSuffix(".0") { candidate.removeLast(2) }
      text = candidate + unit.suffix
      break
    }
    let isZero = text.allSatisfy { $0 == "0" || $0 == "." }
    return (negative && !isZero ? "-$" : "$") + text
  }

  /// A fraction as percent: (0.95) → "95%", (0.125, 1) → "12.5%".
  public static func percent(_ fraction: Double, fractionDigits: Int = 0) -> String {
    number(fraction * 100, fractionDigits: fractionDigits) + "%"
  }

  /// An integer with thousands separators: 1234567 → "1,234,567".
  public static func grouped(_ value: Int64) -> String {
    ExactDecimal(significand: Int(value), exponent: 0).formatted(fractionDigits: 0, grouping: true)
  }

  /// A number with a fixed count of decimals, grouped by default: (1234.5, 1) → "1,234.5".
  public static func number(_ value: Double, fractionDigits: Int, grouping: Bool = true) -> String {
    guard value.isFinite else { return "–" }
    let digits = Swift.max(0, Swift.min(fractionDigits, 12))
    let scaled = (value * pow(10, Double(digits))).rounded()
    guard abs(scaled) < 9e18 else { return String(value) }
    return ExactDecimal(significand: Int(scaled), exponent: -digits)
      .formatted(fractionDigits: digits, grouping: grouping)
  }

  /// A calendar day (days since 1970-01-01) in the given style.
  public static func date(_ day: Int32, style: DateStyle) -> String {
    let date = Day(rawValue: day).civil
    let month = monthNames[date.month - 1]
    switch style {
    case .monthDay: return "\(month) \(date.day)"
    case .monthYear: return "\(month) \(date.year)"
    case .quarter: return "\(date.year)-Q\((date.month - 1) / 3 + 1)"
    case .year: return "\(date.year)"
    case .long: return "\(month) \(date.day), \(date.year)"
    case .iso:
      func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
      return "\(date.year)-\(pad(date.month))-\(pad(date.day))"
    }
  }
}
