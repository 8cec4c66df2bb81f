/// A plain-text table for terminals: columns sized to their widest cell, numbers aligned
/// right, a rule under the header, and optional section rows.
public struct TextTable: Sendable {
  /// Column alignment.
  public enum Alignment: Sendable { case left, right }

  /// One row: cells, or a section title spanning the table.
  public enum Row: Sendable {
    case cells([String])
    case section(String)
  }

  public var header: [String]
  public var alignments: [Alignment]
  public var rows: [Row] = []

  /// A table with a header; the first column is left-aligned, the others right-aligned
  /// unless `alignments` says otherwise.
  public init(header: [String], alignments: [Alignment]? = nil) {
    self.header = header
    self.alignments =
      alignments ?? header.indices.map { $0 == 0 ? Alignment.left : Alignment.right }
  }

  /// Appends a row of cells.
  public mutating func add(_ cells: [String]) { rows.append(.cells(cells)) }
  /// Appends a section title.
  public mutating func section(_ title: String) { rows.append(.section(title)) }

  /// The table as text, one line per row, ending with a newline. Control and bidi characters
  /// in cells show as escapes (``TerminalText``), so a name cannot drive the terminal.
  public func rendered() -> String {
    let safe = TerminalText.sanitized
    let header = self.header.map { safe($0, false) }
    let rows = self.rows.map { row -> Row in
      switch row {
      case .cells(let cells): return .cells(cells.map { safe($0, false) })
      case .section(let title): return .section(safe(title, false))
      }
    }
    var widths = header.map(\.count)
    for case .cells(let cells) in rows {
      for (i, c) in cells.enumerated() where i < widths.count {
        widths[i] = max(widths[i], c.count)
      }
    }
    func line(_ cells: [String]) -> String {
      var parts: [String] = []
      for (i, w) in widths.enumerated() {
        let c = i < cells.count ? cells[i] : ""
        let pad = String(repeating: " ", count: max(0, w - c.count))
        parts.append(alignments[i] == .left ? c + pad : pad + c)
      }
      var s = parts.joined(separator: "  ")
      while s.last == " " { s.removeLast() }
      return s
    }
    var out = line(header) + "\n"
    out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
    for row in rows {
      switch row {
      case .cells(let cells): out += line(cells) + "\n"
      case .section(let title): out += "\n" + title.uppercased() + "\n"
      }
    }
    return out
  }
}
