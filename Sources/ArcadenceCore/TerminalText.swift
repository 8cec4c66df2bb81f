/// Untrusted text made safe for a terminal: control characters become visible escapes.
///
/// C0 controls, DEL, C1 controls, the line and paragraph separators and the bidirectional
/// formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) are shown as
/// Swift-style escapes such as `\u{1b}`, so a name cannot clear the screen, retitle the
/// window, hide a link (OSC 8) or reorder what follows it. Everything else is unchanged.
public enum TerminalText {
  /// Whether `scalar` must not reach a terminal (or a table cell) as it is.
  public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069:
      return true
    default:
      return false
    }
  }

  /// The visible form of an unsafe scalar: `\n`, `\r`, `\t`, else `\u{1b}` (lowercase hex).
  public static func escape(_ scalar: Unicode.Scalar) -> String {
    switch scalar {
    case "\n": return "\\n"
    case "\r": return "\\r"
    case "\t": return "\\t"
    default: return "\\u{" + String(scalar.value, radix: 16) + "}"
    }
  }

  /// `text` with every unsafe scalar escaped; with `keepingLineBreaks`, LF and tab stay (for
  /// whole messages whose lines are the program's own).
  public static func sanitized(_ text: String, keepingLineBreaks: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      if isUnsafe(scalar), !(keepingLineBreaks && (scalar == "\n" || scalar == "\t")) {
        out += escape(scalar)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
