import Foundation

/// An exact decimal number `significand × 10^exponent`, used so tick values never drift.
///
/// `ExactDecimal(significand: 6, exponent: -1)` is exactly 0.6; its `doubleValue` is the
/// nearest `Double` to 0.6 (`6 / 10`), so labels read "0.6", never "0.6000000000000001".
public struct ExactDecimal: Sendable, Hashable, CustomStringConvertible {
  /// The integer digits.
  public var significand: Int
  /// The power of ten that scales `significand`.
  public var exponent: Int

  /// Creates `significand × 10^exponent`.
  public init(significand: Int, exponent: Int) {
    self.significand = significand
    self.exponent = exponent
  }

  /// The closest `Double` (a single correctly rounded multiply or divide by a power of ten).
  public var doubleValue: Double {
    if exponent >= 0 {
      return Double(significand) * pow(10, Double(exponent))
    }
    return Double(significand) / pow(10, Double(-exponent))
  }

  /// The same number with trailing zero digits removed from the significand (zero → `0e0`).
  public func normalized() -> ExactDecimal {
    if significand == 0 { return ExactDecimal(significand: 0, exponent: 0) }
    var s = significand
    var e = exponent
    while s % 10 == 0 {
      s /= 10
      e += 1
    }
    return ExactDecimal(significand: s, exponent: e)
  }

  /// The number of digits after the decimal point needed to write this number exactly.
  public var fractionDigits: Int { max(0, -normalized().exponent) }

  /// The number multiplied by `10^places` (exact).
  public func shifted(by places: Int) -> ExactDecimal {
    ExactDecimal(significand: significand, exponent: exponent + places)
  }

  /// Writes the number with exactly `fractionDigits` decimals (rounding half away from zero),
  /// optionally grouping the integer part with commas.
  public func formatted(fractionDigits: Int, grouping: Bool = false) -> String {
    let digits = max(0, fractionDigits)
    var magnitude = significand.magnitude
    var text: String
    let shift = exponent + digits
    if shift >= 0 {
      text = magnitude == 0 ? "0" : String(magnitude) + String(repeating: "0", count: shift)
    } else {
      // More precision than requested: round half away from zero.
      var divisor: UInt = 1
      var overflow = false
      for _ in 0..<(-shift) {
        let (next, didOverflow) = divisor.multipliedReportingOverflow(by: 10)
        if didOverflow {
          overflow = true
          break
        }
        divisor = next
      }
      if overflow {
        magnitude = 0
      } else {
        let quotient = magnitude / divisor
        let remainder = magnitude % divisor
        magnitude = remainder * 2 >= divisor ? quotient + 1 : quotient
      }
      text = String(magnitude)
    }
    if text.count <= digits {
      text = String(repeating: "0", count: digits - text.count + 1) + text
    }
    let splitIndex = text.index(text.endIndex, offsetBy: -digits)
    var integerPart = String(text[..<splitIndex])
    let fractionPart = String(text[splitIndex...])
    if grouping { integerPart = ExactDecimal.group(integerPart) }
    let isZero = text.allSatisfy { $0 == "0" }
    let sign = significand < 0 && !isZero ? "-" : ""
    return sign + integerPart + (digits > 0 ? "." + fractionPart : "")
  }

  /// The shortest exact decimal text, e.g. "2.5", "-0.04", "1200".
  public var description: String { formatted(fractionDigits: fractionDigits) }

  /// Inserts a comma between each group of three integer digits ("1234567" → "1,234,567").
  static func group(_ digits: String) -> String {
    var result = ""
    for (offset, character) in digits.enumerated() {
      if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
      result.append(character)
    }
    return result
  }
}
