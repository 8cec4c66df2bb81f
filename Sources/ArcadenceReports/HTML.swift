import ArcadenceCore
import Foundation

/// Writing HTML safely: every piece of text from the data goes through ``HTML/escape(_:)``.
///
/// Pages are HTML5 written so that they are also well-formed XML (void elements closed, only
/// the five XML entities used), which lets the tests parse them strictly. They are
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

  /// A complete page around `body`.
  public static func page(title: String, body: String, description: String? = nil) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>\(escape(title))</title>
    \(description.map { "<meta name=\"description\" content=\"\(escape($0))\" />" } ?? "")
    <style>
    \(stylesheet)
    </style>
    </head>
    <body>
    \(body)
    </body>
    </html>

    """
  }

  /// The one stylesheet: readable on a laptop and a phone, printable, WCAG AA contrast.
  static let stylesheet = """
    :root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --bg: #ffffff;
      --panel: #f6f8fa; --good: #116329; --bad: #a40e26; --accent: #0a5a8c; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--ink); background: var(--bg);
      font-family: "DejaVu Sans", system-ui, -apple-system, "Segoe UI", sans-serif;
      font-size: 15px; line-height: 1.45; }
    header.top { padding: 20px 24px 8px; border-bottom: 1px solid var(--line); }
    header.top h1 { margin: 0 0 4px; font-size: 1.6rem; }
    header.top p { margin: 0; color: var(--muted); }
    nav { padding: 8px 24px; border-bottom: 1px solid var(--line); display: flex; gap: 16px;
      flex-wrap: wrap; }
    nav a, main a { color: var(--accent); }
    main { padding: 16px 24px 40px; max-width: 1280px; margin: 0 auto; }
    h2 { font-size: 1.25rem; margin: 28px 0 10px; }
    .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
      gap: 12px; }
    .tile { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px;
      background: var(--panel); }
    .tile .label { color: var(--muted); font-size: 0.85rem; }
    .tile .value { font-size: 1.5rem; font-weight: bold; margin: 2px 0; }
    .tile .change, .tile .target { font-size: 0.85rem; }
    .good { color: var(--good); }
    .bad { color: var(--bad); }
    .neutral { color: var(--muted); }
    .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr));
      gap: 16px; }
    figure { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px;
      background: #fff; }
    figure img { width: 100%; height: auto; display: block; }
    figcaption { color: var(--muted); font-size: 0.85rem; padding: 6px 4px 0; }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
    th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left;
      vertical-align: top; }
    th { background: var(--panel); }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums;
      white-space: nowrap; }
    tr.total td { font-weight: bold; }
    .note { color: var(--muted); font-size: 0.85rem; }
    @media (max-width: 600px) {
      main { padding: 12px; }
      .charts { grid-template-columns: 1fr; }
      header.top h1 { font-size: 1.3rem; }
    }
    @media print {
      nav { display: none; }
      body { font-size: 11pt; }
      main { max-width: none; padding: 0; }
      .tile, figure, table { break-inside: avoid; }
      .charts { grid-template-columns: 1fr 1fr; }
      a { color: inherit; text-decoration: none; }
    }
    """

  /// A table with a header row; `numeric` columns are right-aligned. Cells are escaped.
  public static func table(
    caption: String? = nil, header: [String], rows: [[String]], numeric: Set<Int> = [],
    totalRow: [String]? = nil
  ) -> String {
    var out = "<div class=\"table-wrap\"><table>"
    if let caption { out += "<caption class=\"note\">\(escape(caption))</caption>" }
    out += "<thead><tr>"
    for (i, h) in header.enumerated() {
      out += "<th scope=\"col\"\(numeric.contains(i) ? " class=\"num\"" : "")>\(escape(h))</th>"
    }
    out += "</tr></thead><tbody>"
    func row(_ cells: [String], _ cls: String?) -> String {
      var r = cls.map { "<tr class=\"\($0)\">" } ?? "<tr>"
      for (i, c) in cells.enumerated() {
        r += "<td\(numeric.contains(i) ? " class=\"num\"" : "")>\(escape(c))</td>"
      }
      return r + "</tr>"
    }
    for cells in rows { out += row(cells, nil) }
    if let totalRow { out += row(totalRow, "total") }
    return out + "</tbody></table></div>"
  }

  /// A figure with an image and its caption, which is also the alt text.
  public static func figure(src: String, alt: String, width: Int = 800, height: Int = 500)
    -> String
  {
    "<figure><img src=\"\(escape(src))\" alt=\"\(escape(alt))\" width=\"\(width)\" "
      + "height=\"\(height)\" loading=\"lazy\" /><figcaption>\(escape(alt))</figcaption></figure>"
  }

  /// A `data:` URI holding `bytes`, for a page that must stand alone.
  public static func dataURI(_ bytes: [UInt8], mime: String) -> String {
    "data:\(mime);base64," + Data(bytes).base64EncodedString()
  }
}
