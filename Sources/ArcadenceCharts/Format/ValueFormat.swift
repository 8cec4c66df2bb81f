/// How an axis or annotation writes numbers: plain, compact money, or percent.
public enum ValueFormat: Sendable {
  /// Plain decimal with thousands separators ("1,234,567", "0.25").
  case number
  /// Plain decimal without separators (e.g. years: "2026").
  case plain
  /// Compact US dollars from a dollar amount ("$1.2M", "$350K", "-$950").
  case money
  /// A fraction written as percent (0.125 → "12.5%").
  case percent
  /// A number followed by a unit suffix, e.g. `.suffixed(" days")` → "14 days".
  case suffixed(String)
  /// Any custom formatting.
  case custom(@Sendable (Double) -> String)

  /// Formats a single value with sensible default precision.
  public func format(_ value: Double) -> String {
    switch self {
    case .number: return ChartFormat.number(value, fractionDigits: value == value.rounded() ? 0 : 1)
    case .plain:
      let digits = value == value.rounded() ? 0 : 1
      return ChartFormat.number(value, fractionDigits: digits, grouping: false)
    case .money: return ChartFormat.money(dollars: value)
    case .percent:
      let scaled = value * 100
      return ChartFormat.percent(value, fractionDigits: scaled == scaled.rounded() ? 0 : 1)
    case .suffixed(let suffix):
      return ValueFormat.number.format(value) + suffix
    case .custom(let body): return body(value)
    }
  }

  /// Labels for a tick set: all ticks share the precision their step needs (never float noise).
  public func labels(for ticks: TickSet) -> [String] {
    let decimals = ticks.decimals
    switch self {
    case .number, .plain, .suffixed:
      let digits = ticks.fractionDigits
      let grouping: Bool
      if case .plain = self { grouping = false } else { grouping = true }
      let suffix: String
      if case .suffixed(let text) = self { suffix = text } else { suffix = "" }
      return decimals.map { $0.formatted(fractionDigits: digits, grouping: grouping) + suffix }
    case .percent:
      let shifted = decimals.map { $0.shifted(by: 2) }
      let digits = shifted.map(\.fractionDigits).max() ?? 0
      return shifted.map { $0.formatted(fractionDigits: digits, grouping: true) + "%" }
    case .money:
      return decimals.map(ChartFormat.money(exact:))
    case .custom(let body):
      return decimals.map { body($0.doubleValue) }
    }
  }
}
