import ArcadenceCore
import Foundation

/// Writing HTML safely: every piece of text from the data goes through ``HTML/escape(_:)``
/// (the templates of ``PageTemplates`` escape through it by default).
///
/// Pages are HTML5 written so that they are also well-formed XML (void elements closed, only
/// the five XML entities used), which lets the tests parse them strictly. Static pages are
/// self-contained: one inline stylesheet, no scripts, no fonts or files from elsewhere.
public enum HTML {
  /// Escapes text for element content and attribute values: `& < > " '`; bidi formatting
  /// characters (U+202E …) show as escapes (``TerminalText``) so a name cannot reorder the
  /// text after it.
  public static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s.unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default:
        // Control characters other than tab and newline are not allowed in XML.
        if ch.value < 0x20 && ch != "\t" && ch != "\n" && ch != "\r" {
          out += " "
        } else if ch.value >= 0x2000, TerminalText.isUnsafe(ch) {
          out += TerminalText.escape(ch)
        } else {
          out.unicodeScalars.append(ch)
        }
      }
    }
    return out
  }

  /// A `data:` URI holding `bytes`, for a page that must stand alone.
  public static func dataURI(_ bytes: [UInt8], mime: String) -> String {
    "data:\(mime);base64," + Data(bytes).base64EncodedString()
  }
}
