import Foundation

/// A grid of small chart panels sharing one style, one legend and (optionally) one y domain,
/// rendered into a single canvas.
public struct SmallMultiples: ChartDrawable {
  /// The panels, filled row by row; each panel's title labels its cell.
  public var panels: [Chart]
  /// Panels per row.
  public var columns: Int
  /// Overall title.
  public var title: String
  /// Period and data source.
  public var subtitle: String?
  /// Footnote or caption.
  public var footnote: String?
  /// Whether all panels use the same left-axis domain (recommended for comparison).
  public var sharesYDomain: Bool
  /// The shared theme (panels use its compact variant).
  public var theme: Theme
  /// Canvas width.
  public var width: Double
  /// Canvas height.
  public var height: Double

  /// Creates a small-multiples grid.
  public init(
    panels: [Chart], columns: Int, title: String = "", subtitle: String? = nil,
    footnote: String? = nil, sharesYDomain: Bool = true, theme: Theme = .light,
    width: Double = 960, height: Double = 640
  ) {
    self.panels = panels
    self.columns = columns
    self.title = title
    self.subtitle = subtitle
    self.footnote = footnote
    self.sharesYDomain = sharesYDomain
    self.theme = theme
    self.width = width
    self.height = height
  }

  /// The canvas size.
  public var size: Size { Size(width: width, height: height) }

  /// The panels as they are drawn: compact theme, no legend or footnote, shared y domain.
  public func preparedPanels() -> [Chart] {
    var sharedDomain: ClosedRange<Double>?
    if sharesYDomain {
      let extents = panels.compactMap { ChartLayout.yExtent($0, side: .left) }
      if var low = extents.map(\.lowerBound).min(), var high = extents.map(\.upperBound).max() {
        if panels.allSatisfy(\.yAxis.includesZero) {
          low = min(low, 0)
          high = max(high, 0)
        }
        if high > low {
          let ticks = ExtendedTicks.ticks(lower: low, upper: high, count: 4, onlyLoose: true)
          if let first = ticks.first, let last = ticks.last { sharedDomain = first...last }
        }
      }
    }
    return panels.map { panel in
      var chart = panel
      chart.theme = theme.compact()
      chart.legend = Legend(.hidden)
      chart.footnote = nil
      if let sharedDomain, chart.yAxis.domain == nil {
        chart.yAxis.domain = sharedDomain
        chart.yAxis.tickCount = 4
      }
      return chart
    }
  }

  /// Draws the header, the shared legend, the panel grid and the footnote.
  public func draw(in frame: Rect, on renderer: any Renderer) {
    // The header is laid out as a chart with the first panel's series, so titles and the
    // legend wrap exactly like a single chart's.
    var header = Chart(
      width: frame.width, height: frame.height, title: title, subtitle: subtitle,
      footnote: footnote, xAxis: .categories([]), theme: theme,
      marks: panels.first?.marks ?? [])
    header.legend = Legend(.automatic)
    let layout = header.layout(in: frame, measuringWith: renderer)
    let painter = ChartPainter(chart: header, layout: layout, renderer: renderer)
    renderer.setColor(theme.background)
    renderer.fillRect(frame)

    let headerRoles: Set<PlacedText.Role> = [.title, .subtitle, .legend, .footnote]
    let headerTexts = layout.texts.filter { headerRoles.contains($0.role) }
    headerTexts.forEach(painter.draw)
    painter.paintLegendSwatches()

    func box(_ text: PlacedText) -> Rect {
      renderer.measureText(text.string, size: text.size, weight: text.weight)
        .bounds(at: text.point, anchor: text.anchor, rotation: text.rotation)
    }
    let pad = theme.padding
    let tops =
      headerTexts.filter { $0.role != .footnote }.map { box($0).maxY }
      + layout.legendItems.map(\.swatchRect.maxY)
    let top = (tops.max().map { $0 + 10 }) ?? frame.minY + pad
    let bottom =
      (headerTexts.filter { $0.role == .footnote }.map { box($0).minY }.min())
      .map { $0 - 8 } ?? frame.maxY - pad

    let prepared = preparedPanels()
    guard !prepared.isEmpty else { return }
    let columns = max(1, min(self.columns, prepared.count))
    let rows = Int(ceil(Double(prepared.count) / Double(columns)))
    let gap = 10.0
    let gridLeft = frame.minX + pad - 6
    let gridWidth = frame.width - 2 * (pad - 6)
    let cellWidth = (gridWidth - gap * Double(columns - 1)) / Double(columns)
    let cellHeight = (bottom - top - gap * Double(rows - 1)) / Double(rows)
    guard cellWidth > 20, cellHeight > 20 else { return }
    for (index, panel) in prepared.enumerated() {
      let row = index / columns
      let column = index % columns
      let cell = Rect(
        x: gridLeft + Double(column) * (cellWidth + gap), y: top + Double(row) * (cellHeight + gap),
        width: cellWidth, height: cellHeight)
      panel.draw(in: cell, on: renderer)
    }
  }
}
