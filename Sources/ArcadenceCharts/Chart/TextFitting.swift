/// Measures, sanitises, truncates ("…") and wraps single-line texts for the layout.
struct TextFitting {
  /// The renderer that measures text.
  let renderer: any Renderer
  /// Font size in points.
  let size: Double
  /// Font weight.
  let weight: FontWeight

  /// The ellipsis appended to truncated text.
  static let ellipsis = "…"

  /// Replaces control characters (newlines, tabs, …) with spaces so text stays on one line.
  static func sanitized(_ text: String) -> String {
    String(
      text.map { character in
        character.unicodeScalars.allSatisfy { $0.properties.generalCategory == .control }
          ? " " : character
      })
  }

  /// The metrics of `text`.
  func measure(_ text: String) -> TextMetrics {
    renderer.measureText(text, size: size, weight: weight)
  }

  /// The width of `text`.
  func width(_ text: String) -> Double { measure(text).width }

  /// The line height at this size.
  var lineHeight: Double { measure("Hg").height }

  /// `text` unchanged if it fits `maxWidth`, else its longest prefix that fits with "…"
  /// appended (whole grapheme clusters only), else "" when not even "…" fits.
  func truncate(_ text: String, toWidth maxWidth: Double) -> String {
    let clean = TextFitting.sanitized(text)
    if width(clean) <= maxWidth { return clean }
    let characters = Array(clean)
    var low = 0
    var high = characters.count - 1
    var best: String?
    while low <= high {
      let mid = (low + high) / 2
      var prefix = String(characters[0..<mid])
      while prefix.last == " " { prefix.removeLast() }
      let candidate = prefix + TextFitting.ellipsis
      if width(candidate) <= maxWidth {
        best = candidate
        low = mid + 1
      } else {
        high = mid - 1
      }
    }
    return best ?? ""
  }

  /// Greedy word wrap into at most `maxLines` lines no wider than `maxWidth`; words wider
  /// than a line are broken, and text beyond the last line is truncated with "…".
  func wrap(_ text: String, width maxWidth: Double, maxLines: Int) -> [String] {
    let words = TextFitting.sanitized(text).split(separator: " ").map(String.init)
    var lines: [String] = []
    var current = ""
    for word in words {
      let candidate = current.isEmpty ? word : current + " " + word
      if width(candidate) <= maxWidth {
        current = candidate
        continue
      }
      if !current.isEmpty { lines.append(current) }
      current = word
      while width(current) > maxWidth {
        let piece = longestPrefix(of: current, fitting: maxWidth)
        guard !piece.isEmpty else { break }
        lines.append(piece)
        current = String(current.dropFirst(piece.count))
      }
    }
    if !current.isEmpty { lines.append(current) }
    guard lines.count > maxLines, maxLines > 0 else { return lines }
    var kept = Array(lines.prefix(maxLines))
    let rest = lines[(maxLines - 1)...].joined(separator: " ")
    // Greedy wrapping guarantees `rest` overflows one line, so this ends with "…".
    kept[maxLines - 1] = truncate(rest, toWidth: maxWidth)
    return kept
  }

  private func longestPrefix(of text: String, fitting maxWidth: Double) -> String {
    let characters = Array(text)
    var low = 1
    var high = characters.count
    var best = 0
    while low <= high {
      let mid = (low + high) / 2
      if width(String(characters[0..<mid])) <= maxWidth {
        best = mid
        low = mid + 1
      } else {
        high = mid - 1
      }
    }
    return String(characters[0..<best])
  }
}
