import ArcadenceCore
import Foundation

/// The one home of text placed in an e-mail header (RFC 5322, RFC 2047): no stored text can
/// add a header or end the headers.
///
/// Display text (a subject, a display name) has every control character (CR, LF, tab, NUL,
/// C1, DEL) replaced by a space, then is written as it is when it is printable ASCII, else as
/// RFC 2047 encoded words (`=?UTF-8?B?…?=`, each at most 75 characters, split between
/// characters). Addresses are refused unless they are plain `local@domain` in printable
/// ASCII without spaces, angle brackets, quotes or controls (``checkAddress(_:name:)``).
public enum HeaderText {
  /// `text` with every control character (C0, C1, DEL) and every line or paragraph
  /// separator (U+2028, U+2029, U+0085) made a space.
  public static func flattened(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for s in text.unicodeScalars {
      let v = s.value
      let control = v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029
      out.append(control ? " " : s)
    }
    return String(out)
  }

  /// A header value made of display text: flattened, then printable ASCII as it is, else
  /// RFC 2047 `B` encoded words of UTF-8, folded onto continuation lines (CRLF SP).
  public static func encoded(_ text: String) -> String {
    let flat = flattened(text)
    // A printable ASCII value that does not look like an encoded word stays as it is.
    if flat.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }),
      !flat.contains("=?"), flat.utf8.count <= 900
    {
      return flat
    }
    // Each encoded word holds at most 45 bytes of UTF-8 (60 base64 characters + 12 of
    // `=?UTF-8?B?` and `?=` = 72 ≤ 75), split between characters.
    var words: [String] = []
    var chunk: [UInt8] = []
    for ch in flat {
      let bytes = Array(String(ch).utf8)
      if chunk.count + bytes.count > 45, !chunk.isEmpty {
        words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=")
        chunk = []
      }
      chunk += bytes.prefix(45)
    }
    if !chunk.isEmpty { words.append("=?UTF-8?B?" + Base64.encode(chunk) + "?=") }
    return words.joined(separator: "\r\n ")
  }

  /// Checks an e-mail address: `local@domain`, 3 to 254 printable ASCII characters, no
  /// spaces, controls, `<`, `>`, `"`, `(`, `)`, `,`, `;`, `:`, `\`, `[`, `]`; exactly one
  /// `@` with something on both sides and a dot in the domain. Anything else is a usage
  /// error naming `name` (an option, a form field, an environment variable) and the value.
  public static func checkAddress(_ address: String, name: String) throws {
    let forbidden = Set("<>\"(),;:\\[] ".unicodeScalars)
    let parts = address.split(separator: "@", omittingEmptySubsequences: false)
    let ok =
      (3...254).contains(address.utf8.count)
      && address.unicodeScalars.allSatisfy {
        $0.value > 0x20 && $0.value < 0x7F && !forbidden.contains($0)
      }
      && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
      && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
    guard ok else {
      throw ArcadenceError(
        .usage,
        "\(name): not an e-mail address (local@domain, printable ASCII, no spaces) "
          + "(value \"\(TerminalText.sanitized(address))\")")
    }
  }

  /// `"Display Name" <address>` with the name encoded (``encoded(_:)``; quotes and
  /// backslashes in a plain name escaped), or the bare address when the name is empty.
  /// The address must have passed ``checkAddress(_:name:)``.
  public static func mailbox(name: String, address: String) -> String {
    let flat = flattened(name).trimmingSpaces
    guard !flat.isEmpty else { return "<\(address)>" }
    let encodedName = encoded(flat)
    if encodedName.hasPrefix("=?") { return encodedName + " <\(address)>" }
    let quoted = flat.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
    return "\"\(quoted)\" <\(address)>"
  }
}

/// Base64 (RFC 4648) for MIME bodies and encoded words.
public enum Base64 {
  static let alphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  /// `bytes` in base64 on one line.
  public static func encode(_ bytes: some Collection<UInt8>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var it = bytes.makeIterator()
    while let a = it.next() {
      let b = it.next()
      let c = it.next()
      let n = (UInt32(a) << 16) | (UInt32(b ?? 0) << 8) | UInt32(c ?? 0)
      out.append(alphabet[Int((n >> 18) & 63)])
      out.append(alphabet[Int((n >> 12) & 63)])
      out.append(b == nil ? UInt8(ascii: "=") : alphabet[Int((n >> 6) & 63)])
      out.append(c == nil ? UInt8(ascii: "=") : alphabet[Int(n & 63)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// `bytes` in base64, in lines of 76 characters joined by CRLF (RFC 2045 §6.8), with a
  /// final CRLF.
  public static func encodeLines(_ bytes: some Collection<UInt8>) -> String {
    let text = Array(encode(bytes).utf8)
    var out = ""
    var i = 0
    while i < text.count {
      let end = min(i + 76, text.count)
      out += String(decoding: text[i..<end], as: UTF8.self) + "\r\n"
      i = end
    }
    return out
  }
}

extension String {
  var trimmingSpaces: String { trimmingCharacters(in: .init(charactersIn: " ")) }

  func replacingAll(_ target: String, with replacement: String) -> String {
    replacingOccurrences(of: target, with: replacement)
  }
}
