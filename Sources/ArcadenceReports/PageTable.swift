import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore

/// A table of a page: column titles and typed cells, written through the `tableList`
/// template (``PageTemplates``) by the served app (with links to what the user may open and
/// a CSV link) and by the static pages (no links out of the site, no CSV).
public struct PageTable: Sendable {
  public var title: String
  /// The `table` query value that downloads this table as CSV (served).
  public var name: String
  public var columns: [String]
  public var rows: [[DrillDown.Cell]]
  /// Shown after the table (a total, what the rows add up to).
  public var note: String
  /// A last row in bold (a total), not counted as a row.
  public var total: [DrillDown.Cell]?
  /// The heading's `id`, for a link to it from the page's navigation.
  public var anchor: String?

  public init(
    title: String, name: String, columns: [String], rows: [[DrillDown.Cell]], note: String = "",
    total: [DrillDown.Cell]? = nil, anchor: String? = nil
  ) {
    self.title = title
    self.name = name
    self.columns = columns
    self.rows = rows
    self.note = note
    self.total = total
    self.anchor = anchor
  }

  /// A cell as text for a person.
  public static func text(_ cell: DrillDown.Cell, _ l: Ledger) -> String {
    switch cell {
    case .text(let s): return s
    case .money(let c): return Cents.display(c)
    case .count(let n): return Format.count(n)
    case .day(let d): return d.map { "\($0)" } ?? ""
    case .days(let d): return d.map { Format.days($0) } ?? ""
    case .flag(let b): return b ? "yes" : "no"
    case .customer(let c): return "\(l.customerNames[c]) (\(l.customerIds[c]))"
    case .invoice(let i): return i >= 0 ? l.invoiceIds[i] : "(unapplied)"
    case .caseRef(let k): return l.caseIds[k]
    case .rep(let r): return "\(l.repIds[r]) \(l.repNames[r])"
    }
  }

  /// Whether a cell is a number (right-aligned).
  public static func isNumeric(_ cell: DrillDown.Cell) -> Bool {
    switch cell {
    case .money, .count, .days: true
    default: false
    }
  }

  /// The table as the `tableList` template's context: at most `rowLimit` rows, each cell
  /// linked where `link` gives a URL; `csv` is the table's download link, if any.
  public func context(
    ledger l: Ledger, rowLimit: Int = .max, csv: String? = nil,
    link: (DrillDown.Cell) -> String? = { _ in nil }
  ) -> [String: Any] {
    let shown = rows.prefix(rowLimit)
    func cells(_ row: [DrillDown.Cell]) -> [[String: Any]] {
      row.map { cell -> [String: Any] in
        var c: [String: Any] = ["text": PageTable.text(cell, l), "num": PageTable.isNumeric(cell)]
        if let href = link(cell) { c["link"] = href }
        return c
      }
    }
    var shownRows: [[String: Any]] = shown.map { ["cells": cells($0)] }
    if let total { shownRows.append(["cells": cells(total), "total": true]) }
    // A column is numeric when its first row's cell is.
    let first = rows.first ?? []
    var context: [String: Any] = [
      "title": title,
      "columns": columns.enumerated().map { k, column -> [String: Any] in
        ["column": column, "num": k < first.count && PageTable.isNumeric(first[k])]
      },
      "rows": shownRows,
      "empty": rows.isEmpty, "span": columns.count,
    ]
    if let csv { context["csv"] = csv }
    if let anchor { context["anchor"] = anchor }
    if rows.count > shown.count {
      context["cut"] =
        "Showing the first \(shown.count) of \(Format.count(rows.count)) rows; "
        + "the CSV has them all."
    }
    if !note.isEmpty { context["note"] = note }
    return context
  }
}
