/// Money as a whole number of cents. Balances never touch floating point.
///
/// CSV money is a plain decimal with at most two fraction digits (`1234.5`, `1234.50`),
/// no currency symbols and no thousands separators (spec: data.md).
public enum Cents {
  /// The largest amount one row may carry: 100,000,000,000.00 in cents (10^13).
  ///
  /// The importer rejects a larger amount ("too large"); a loader reading rows another tool
  /// wrote can check the same bound. With every amount at most this, a table needs more than
  /// 115,000 rows at the maximum before its total reaches ``maximumTableTotal``.
  public static let maximumAmount: Int64 = 10_000_000_000_000

  /// The largest total of the amounts of one money table (invoices, payments, adjustments,
  /// promises): 2^60 cents, about 11.5 quadrillion.
  ///
  /// An import that would take a table past it fails. Any sum or difference of the four
  /// tables' totals, and of their partial sums, then stays below 2^62, so report arithmetic
  /// on `Int64` cents cannot overflow.
  public static let maximumTableTotal: Int64 = 1 << 60

  /// The problem with `cents` as the amount of a row, or nil when it is one: at least a
  /// cent and at most ``maximumAmount``. The importer reports it against the field; a loader
  /// of rows other tools wrote can use the same rule.
  public static func amountProblem(_ cents: Int64) -> String? {
    if cents <= 0 { return "must be greater than 0" }
    if cents > maximumAmount { return "too large: at most \(plain(maximumAmount))" }
    return nil
  }

  /// Parses a CSV money value into cents; nil for anything but `-?digits(.d{1,2})?`.
  ///
  /// A sign is parsed so that the caller can report "must be greater than 0" rather than
  /// "not a number" for `-5.00`. A value beyond what `Int64` cents hold comes back as
  /// `Int64.max` (or `-Int64.max`), so that the caller reports it as too large rather than
  /// as not a number.
  public static func parse(_ text: some StringProtocol) -> Int64? {
    var u = Substring(text).utf8[...]
    var negative = false
    if u.first == 0x2D {
      negative = true
      u = u.dropFirst()
    }
    var whole: Int64 = 0
    var sawDigit = false
    var huge = false
    while let c = u.first, c >= 0x30, c <= 0x39 {
      // Below 10^15 units, cents stay inside Int64; past that only the syntax is checked.
      if whole < 1_000_000_000_000_000 {
        whole = whole * 10 + Int64(c - 0x30)
      } else {
        huge = true
      }
      sawDigit = true
      u = u.dropFirst()
    }
    guard sawDigit else { return nil }
    var fraction: Int64 = 0
    if u.first == 0x2E {
      u = u.dropFirst()
      let digits = Array(u)
      guard (1...2).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
        return nil
      }
      fraction = Int64(digits[0] - 0x30) * 10 + (digits.count == 2 ? Int64(digits[1] - 0x30) : 0)
      u = u[u.endIndex...]
    }
    guard u.isEmpty else { return nil }
    if huge { return negative ? -Int64.max : Int64.max }
    let value = whole * 100 + fraction
    return negative ? -value : value
  }

  /// `1234.50`: the CSV form, always two decimals, no separators.
  public static func plain(_ cents: Int64) -> String {
    var out: [UInt8] = []
    appendPlain(cents, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// ``plain(_:)`` as UTF-8 bytes appended to `out` (the JSON writer's form).
  static func appendPlain(_ cents: Int64, to out: inout [UInt8]) {
    if cents < 0 { out.append(UInt8(ascii: "-")) }
    appendDecimal(cents.magnitude / 100, to: &out)
    out.append(UInt8(ascii: "."))
    let fraction = UInt8(cents.magnitude % 100)
    out.append(UInt8(ascii: "0") + fraction / 10)
    out.append(UInt8(ascii: "0") + fraction % 10)
  }

  /// The decimal digits of `v`, appended to `out`.
  static func appendDecimal(_ v: UInt64, to out: inout [UInt8]) {
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits, written backwards
    withUnsafeMutableBytes(of: &digits) { buffer in
      var n = v
      var i = buffer.count
      repeat {
        i -= 1
        buffer[i] = UInt8(ascii: "0") + UInt8(n % 10)
        n /= 10
      } while n > 0
      out.append(contentsOf: buffer[i...])
    }
  }

  /// `$1,234.50`: the form people read.
  public static func display(_ cents: Int64, symbol: String = "$") -> String {
    let sign = cents < 0 ? "-" : ""
    let a = cents.magnitude
    let frac = a % 100
    return sign + symbol + grouped(a / 100) + "." + (frac < 10 ? "0" : "") + String(frac)
  }

  /// `$1,235`: whole currency units, rounded half away from zero.
  public static func displayWhole(_ cents: Int64, symbol: String = "$") -> String {
    let sign = cents < 0 ? "-" : ""
    let units = (cents.magnitude + 50) / 100
    return sign + symbol + grouped(units)
  }

  /// `1,234,567`.
  public static func grouped(_ value: UInt64) -> String {
    let s = String(value)
    var out = ""
    for (i, ch) in s.enumerated() {
      if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return out
  }

  /// Cents as currency units for JSON (`123456` → `1234.56`); exact for any realistic total.
  public static func units(_ cents: Int64) -> Double { Double(cents) / 100 }

  /// The whole cents nearest a computed amount (a mean, a quantile, a forecast), saturating
  /// at `Int64`'s ends instead of trapping; 0 when it is not finite. Sums of amounts a store
  /// may hold (each at most 10^13 cents, all together within `Int64`) can pass `Int64.max`
  /// once doubled, as a forecast of open balances plus the same billing again does.
  public static func nearest(_ cents: Double) -> Int64 {
    guard cents.isFinite else { return 0 }
    let v = cents.rounded()
    return Int64(exactly: v) ?? (v > 0 ? .max : .min)
  }
}
