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
    var writer = JSONWriter(pretty: pretty)
    write(to: &writer)
    return writer.bytes
  }

  /// Writes the value (a whole tree) at the writer's position.
  public func write(to w: inout JSONWriter) {
    switch self {
    case .null: w.null()
    case .bool(let b): w.bool(b)
    case .int(let v): w.int(v)
    case .number(let d): w.number(d)
    case .money(let c): w.money(c)
    case .string(let s): w.string(s)
    case .array(let items):
      w.beginArray()
      for item in items {
        w.element()
        item.write(to: &w)
      }
      w.endArray()
    case .object(let pairs):
      w.beginObject()
      for (key, value) in pairs {
        w.key(key)
        value.write(to: &w)
      }
      w.endObject()
    }
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

/// Writes JSON bytes value by value, laid out exactly as ``JSONValue/rendered(pretty:)``
/// lays out a tree (which it uses): for a large document (an aging by customer is 216,550
/// values) written without building the tree first.
///
/// Open a container, then give each member its key (``key(_:)``) or each element its place
/// (``element()``) before writing the value; close the container when done. Pretty output
/// puts every member on its own line, indented two spaces per level; an empty container is
/// `{}` or `[]`. O(1) per call, plus the bytes written.
public struct JSONWriter: Sendable {
  /// The bytes written so far.
  public private(set) var bytes: [UInt8] = []
  private let pretty: Bool
  private var depth = 0
  /// Whether the innermost open container has no member yet (its parent has one: the
  /// member this container is the value of).
  private var empty = false

  /// An empty writer; `pretty` indents (else the document is on one line).
  public init(pretty: Bool = true, capacity: Int = 1 << 12) {
    self.pretty = pretty
    bytes.reserveCapacity(capacity)
  }

  /// Opens an object: `{`.
  public mutating func beginObject() { open(UInt8(ascii: "{")) }
  /// Closes the innermost object: `}`.
  public mutating func endObject() { close(UInt8(ascii: "}")) }
  /// Opens an array: `[`.
  public mutating func beginArray() { open(UInt8(ascii: "[")) }
  /// Closes the innermost array: `]`.
  public mutating func endArray() { close(UInt8(ascii: "]")) }

  /// Starts the member `key` of the open object; its value is written next.
  public mutating func key(_ key: String) {
    next()
    JSONValue.escape(key, into: &bytes)
    bytes.append(UInt8(ascii: ":"))
    if pretty { bytes.append(UInt8(ascii: " ")) }
  }

  /// Starts the next element of the open array; its value is written next.
  public mutating func element() { next() }

  /// `null`.
  public mutating func null() { bytes.append(contentsOf: "null".utf8) }
  /// `true` or `false`.
  public mutating func bool(_ b: Bool) { bytes.append(contentsOf: (b ? "true" : "false").utf8) }
  /// An integer.
  public mutating func int(_ v: Int64) {
    if v < 0 { bytes.append(UInt8(ascii: "-")) }
    Cents.appendDecimal(v.magnitude, to: &bytes)
  }
  /// An integer, or null.
  public mutating func int(_ v: Int?) {
    if let v { int(Int64(v)) } else { null() }
  }
  /// A number: integral values without a decimal point, null when not finite.
  public mutating func number(_ d: Double) {
    guard d.isFinite else { return null() }
    bytes.append(contentsOf: (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)").utf8)
  }
  /// Cents as currency units with two decimals.
  public mutating func money(_ cents: Int64) { Cents.appendPlain(cents, to: &bytes) }
  /// A string, escaped (``JSONValue``'s rules).
  public mutating func string(_ s: String) { JSONValue.escape(s, into: &bytes) }
  /// A string, or null.
  public mutating func string(_ s: String?) {
    if let s { string(s) } else { null() }
  }

  private mutating func open(_ bracket: UInt8) {
    bytes.append(bracket)
    depth += 1
    empty = true
  }

  private mutating func close(_ bracket: UInt8) {
    depth -= 1
    if !empty { newline() }
    bytes.append(bracket)
    empty = false
  }

  /// The separator before a member: a comma after the first, then a new line.
  private mutating func next() {
    if !empty { bytes.append(UInt8(ascii: ",")) }
    empty = false
    newline()
  }

  private mutating func newline() {
    guard pretty else { return }
    bytes.append(UInt8(ascii: "\n"))
    for _ in 0..<(2 * depth) { bytes.append(UInt8(ascii: " ")) }
  }
}
