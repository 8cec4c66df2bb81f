/// A JSON document with keys kept in the order they were given, so output is stable and
/// follows the spec's order.
///
/// Money is carried as cents and written as an exact decimal (`1234.50`), never through a
/// floating-point conversion.
public indirect enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int64)
  case number(Double)
  /// Cents, written as currency units with two decimals.
  case money(Int64)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

  /// An optional number, or null.
  public static func number(_ v: Double?) -> JSONValue { v.map { .number($0) } ?? .null }

  /// A computed amount in cents (a mean, a quantile, a forecast) as money: exact to the cent
  /// within `Int64`, a number of dollars beyond it (never a trap), null when not finite.
  public static func money(computed cents: Double) -> JSONValue {
    guard cents.isFinite else { return .null }
    if let c = Int64(exactly: cents.rounded()) { return .money(c) }
    return .number(cents / 100)
  }
  /// An optional integer, or null.
  public static func int(_ v: Int?) -> JSONValue { v.map { .int(Int64($0)) } ?? .null }
  /// An optional string, or null.
  public static func string(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }

  /// The document as text, pretty-printed with two-space indentation.
  ///
  /// Written as UTF-8 bytes and made a `String` once: appending to a `String` piece by piece
  /// was most of the time of a large report (an aging by customer is half a million values).
  public func rendered(pretty: Bool = true) -> String {
    String(decoding: utf8(pretty: pretty), as: UTF8.self)
  }

  /// The document as UTF-8 bytes, as ``rendered(pretty:)`` writes it.
  public func utf8(pretty: Bool = true) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 12)
    write(to: &out, indent: pretty ? 0 : nil)
    return out
  }

  private func write(to out: inout [UInt8], indent: Int?) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let v):
      if v < 0 { out.append(UInt8(ascii: "-")) }
      Cents.appendDecimal(v.magnitude, to: &out)
    case .number(let d):
      if d.isFinite {
        out.append(contentsOf: (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)").utf8)
      } else {
        out.append(contentsOf: "null".utf8)
      }
    case .money(let c): Cents.appendPlain(c, to: &out)
    case .string(let s): JSONValue.escape(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out.append(contentsOf: "[]".utf8)
        return
      }
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent.map { $0 + 1 })
        item.write(to: &out, indent: indent.map { $0 + 1 })
      }
      newline(&out, indent)
      out.append(UInt8(ascii: "]"))
    case .object(let pairs):
      if pairs.isEmpty {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(UInt8(ascii: "{"))
      for (i, (key, value)) in pairs.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent.map { $0 + 1 })
        JSONValue.escape(key, into: &out)
        out.append(UInt8(ascii: ":"))
        if indent != nil { out.append(UInt8(ascii: " ")) }
        value.write(to: &out, indent: indent.map { $0 + 1 })
      }
      newline(&out, indent)
      out.append(UInt8(ascii: "}"))
    }
  }

  private func newline(_ out: inout [UInt8], _ indent: Int?) {
    guard let indent else { return }
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
  }

  /// `s` as a JSON string: quotes, backslashes and control characters escaped, and so are
  /// the other characters ``TerminalText`` calls unsafe (DEL, C1, bidi, separators; as
  /// `\u202e`: the same string to a JSON reader, harmless on a terminal); everything else
  /// (multi-byte UTF-8 included) copied as is.
  static func escape(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var s = s
    s.withUTF8 { bytes in
      var run = 0  // start of the bytes not yet copied
      var i = 0
      while i < bytes.count {
        let byte = bytes[i]
        if byte >= 0x20 && byte != 0x22 && byte != 0x5C {
          // Only DEL and the lead bytes of U+0080–U+009F (C2), U+061C (D8) and U+2000–U+2FFF
          // (E2) can start a scalar ``TerminalText`` calls unsafe: decode those and ask it.
          var width = 0
          var code: UInt32 = 0
          if byte == 0x7F {
            (width, code) = (1, 0x7F)
          } else if byte == 0xC2 || byte == 0xD8, i + 1 < bytes.count {
            (width, code) = (2, UInt32(byte & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F))
          } else if byte == 0xE2, i + 2 < bytes.count {
            code = UInt32(byte & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6
            code |= UInt32(bytes[i + 2] & 0x3F)
            width = 3
          }
          if width > 0, let scalar = Unicode.Scalar(code), !TerminalText.isUnsafe(scalar) {
            width = 0
          }
          guard width > 0 else {
            i += 1
            continue
          }
          out.append(contentsOf: bytes[run..<i])
          out.append(contentsOf: "\\u".utf8)
          for shift in [12, 8, 4, 0] { out.append(hexDigit(UInt8((code >> UInt32(shift)) & 15))) }
          i += width
          run = i
          continue
        }
        out.append(contentsOf: bytes[run..<i])
        run = i + 1
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
        default:
          out.append(contentsOf: "u00".utf8)
          out.append(hexDigit(byte >> 4))
          out.append(hexDigit(byte & 15))
        }
        i += 1
      }
      out.append(contentsOf: bytes[run...])
    }
    out.append(UInt8(ascii: "\""))
  }

  private static func hexDigit(_ n: UInt8) -> UInt8 {
    n < 10 ? UInt8(ascii: "0") + n : UInt8(ascii: "a") + n - 10
  }
}
