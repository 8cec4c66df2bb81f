/// Money as a whole number of cents. Balances never touch floating point.
///
/// CSV money is a plain decimal with at most two fraction digits (`1234.5`, `1234.50`),
/// no currency symbols and no thousands separators (spec: data.md).
public enum Cents {
  /// The largest amount of one row, in cents (10^13 cents, a hundred billion): the bound
  /// the importer enforces and the ledger load checks for rows written by another tool, so
  /// that sums of many amounts stay far inside `Int64`.
  public static let maximumAmount: Int64 = 100_000_000_000_00

  /// Parses a CSV money value into cents; nil for anything but `-?digits(.d{1,2})?`.
  ///
  /// A sign is parsed so that the caller can report "must be greater than 0" rather than
  /// "not a number" for `-5.00`.
  public static func parse(_ text: some StringProtocol) -> Int64? {
    var u = Substring(text).utf8[...]
    var negative = false
    if u.first == 0x2D {
      negative = true
      u = u.dropFirst()
    }
    var whole: Int64 = 0
    var sawDigit = false
    while let c = u.first, c >= 0x30, c <= 0x39 {
      guard whole < 10_000_000_000_000 else { return nil }  // keeps cents inside Int64
      whole = whole * 10 + Int64(c - 0x30)
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
}
