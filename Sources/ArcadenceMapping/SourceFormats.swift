import ArcadenceCore
import Foundation

/// How dates are written in a source export.
public enum DateFormat: String, Sendable, CaseIterable {
  /// `2026-03-04` (also ISO timestamps such as `2026-03-04T10:20:00-05:00`).
  case iso = "YYYY-MM-DD"
  /// `3/4/2026` or `03/04/2026`: month first (US, QuickBooks, Salesforce US).
  case monthDayYear = "M/D/YYYY"
  /// `3/4/26`: month first, two-digit year (00–69 → 20xx, 70–99 → 19xx).
  case monthDayShortYear = "M/D/YY"
  /// `4/3/2026` or `04/03/2026`: day first.
  case dayMonthYear = "D/M/YYYY"
  /// `04.03.2026`: day first with dots (German, SAP).
  case dayMonthYearDots = "D.M.YYYY"
  /// Excel serial numbers: days since 1899-12-30, a fraction is the time of day.
  case excel = "excel"

  /// Also accepts the zero-padded spellings people write (`MM/DD/YYYY`, `DD.MM.YYYY`).
  public init?(name: String) {
    switch name.uppercased().replacingOccurrences(of: "MM", with: "M").replacingOccurrences(
      of: "DD", with: "D")
    {
    case "YYYY-M-D", "ISO": self = .iso
    case "M/D/YYYY": self = .monthDayYear
    case "M/D/YY": self = .monthDayShortYear
    case "D/M/YYYY": self = .dayMonthYear
    case "D.M.YYYY": self = .dayMonthYearDots
    case "EXCEL": self = .excel
    default: return nil
    }
  }

  /// Parses a date (a time part after it is ignored). Nil when the text does not fit.
  public func day(_ text: String) -> Day? {
    parse(text)?.day
  }

  /// Parses a date with an optional time of day (`3/4/2026 3:20 PM`, `04.03.2026 15:20`) as
  /// an instant, the time being at `utcOffsetSeconds` from UTC; ISO text with its own zone
  /// keeps it.
  public func timestamp(_ text: String, utcOffsetSeconds: Int) -> Timestamp? {
    guard let (day, seconds, zoned) = parse(text) else { return nil }
    if zoned { return Timestamp(iso: text) }
    return Timestamp(seconds: Int64(day.rawValue) * 86_400 + Int64(seconds - utcOffsetSeconds))
  }

  /// (day, seconds into the day, whether the text carried its own zone)
  private func parse(_ raw: String) -> (day: Day, seconds: Int, zoned: Bool)? {
    let text = raw.trimmingWhitespace()
    switch self {
    case .iso:
      if let t = Timestamp(iso: text), text.count > 10 {
        return (t.day, Int(t.seconds - Int64(t.day.rawValue) * 86_400), true)
      }
      guard let d = Day(iso: text.prefix(10)) else { return nil }
      return (d, DateFormat.timeOfDay(String(text.dropFirst(10))) ?? 0, false)
    case .excel:
      guard let serial = Double(text), serial >= 1, serial < 2_958_466 else { return nil }
      let whole = serial.rounded(.down)
      let epoch = Day(year: 1899, month: 12, day: 30)!
      return (epoch + Int(whole), Int(((serial - whole) * 86_400).rounded()), false)
    default:
      let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
      guard let datePart = parts.first else { return nil }
      let separator: Character = self == .dayMonthYearDots ? "." : "/"
      let fields = datePart.split(separator: separator, omittingEmptySubsequences: false)
      guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
        let a = Int(fields[0]), let b = Int(fields[1]), var y = Int(fields[2])
      else { return nil }
      if self == .monthDayShortYear {
        guard fields[2].count == 2 else { return nil }
        y += y < 70 ? 2000 : 1900
      } else if fields[2].count != 4 {
        return nil
      }
      let (m, d) = self == .monthDayYear || self == .monthDayShortYear ? (a, b) : (b, a)
      guard let day = Day(year: y, month: m, day: d) else { return nil }
      var seconds = 0
      if parts.count == 2 {
        guard let s = DateFormat.timeOfDay(String(parts[1])) else { return nil }
        seconds = s
      }
      return (day, seconds, false)
    }
  }

  /// `15:20`, `15:20:05`, `3:20 PM`, `T15:20:00` → seconds into the day.
  static func timeOfDay(_ raw: String) -> Int? {
    var text = raw.trimmingWhitespace().uppercased()
    if text.isEmpty { return 0 }
    if text.hasPrefix("T") { text.removeFirst() }
    var pm: Bool?
    if text.hasSuffix("AM") || text.hasSuffix("PM") {
      pm = text.hasSuffix("PM")
      text = String(text.dropLast(2)).trimmingWhitespace()
    }
    let parts = text.split(separator: ":")
    guard (2...3).contains(parts.count), let h = Int(parts[0]), let m = Int(parts[1]), m < 60
    else { return nil }
    let s = parts.count == 3 ? Int(parts[2].prefix(2)) ?? -1 : 0
    guard (0..<60).contains(s) else { return nil }
    var hour = h
    if let pm {
      guard (1...12).contains(h) else { return nil }
      hour = h % 12 + (pm ? 12 : 0)
    }
    guard (0..<24).contains(hour) else { return nil }
    return hour * 3600 + m * 60 + s
  }
}

/// How money is written in a source export.
public enum MoneyFormat: String, Sendable, CaseIterable {
  /// The contract's own form: `1234.50`.
  case plain
  /// `$1,234.50`, `1,234.50`, `(1,234.50)` or `-1,234.50` for negatives, `USD 12`.
  case us
  /// `1.234,50`, `€ 1.234,50`, `-1.234,50`.
  case eu

  /// Cents, or nil when the text does not fit the format.
  public func cents(_ raw: String) -> Int64? {
    var text = raw.trimmingWhitespace()
    var negative = false
    if text.hasPrefix("(") && text.hasSuffix(")") {
      negative = true
      text = String(text.dropFirst().dropLast())
    }
    text = text.replacingOccurrences(of: "USD", with: "").replacingOccurrences(of: "EUR", with: "")
    text = String(text.filter { !"$€£ \u{00A0}".contains($0) })
    if text.hasPrefix("-") {
      negative.toggle()
      text.removeFirst()
    }
    switch self {
    case .plain: break
    case .us:
      guard DateFormat.groupedOK(text, group: ",", decimal: ".") else { return nil }
      text = text.replacingOccurrences(of: ",", with: "")
    case .eu:
      guard DateFormat.groupedOK(text, group: ".", decimal: ",") else { return nil }
      text = text.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: ".")
    }
    guard let c = Cents.parse(text), c >= 0 else { return nil }
    return negative ? -c : c
  }
}

extension DateFormat {
  /// Whether thousands separators sit every three digits before the decimal separator.
  static func groupedOK(_ text: String, group: Character, decimal: Character) -> Bool {
    let integer = text.split(separator: decimal, maxSplits: 1, omittingEmptySubsequences: false)[0]
    let groups = integer.split(separator: group, omittingEmptySubsequences: false)
    guard groups.count > 1 else { return true }
    return groups.dropFirst().allSatisfy { $0.count == 3 } && (1...3).contains(groups[0].count)
  }
}
