import Foundation

/// Where every part of a chart goes: plot area, scales, ticks, placed texts and legend.
///
/// Built by measuring every label with the renderer: the left margin grows to the widest y
/// tick label, x labels are thinned, rotated or truncated with "…" so none overlap or leave
/// the canvas, long titles wrap, and the legend wraps onto as many lines as it needs.
public struct ChartLayout: Sendable {
  /// The chart's whole area.
  public let frame: Rect
  /// The plot area (inside the axes).
  public let plot: Rect
  /// The horizontal scale.
  public let x: XPositioning
  /// The left value scale.
  public let left: LinearScale
  /// The right value scale, if the chart has a right axis.
  public let right: LinearScale?
  /// Ticks of the left axis.
  public let leftTicks: TickSet
  /// Ticks of the right axis.
  public let rightTicks: TickSet?
  /// Pixel x of vertical gridlines (empty unless the x axis asks for them).
  public let xGridPositions: [Double]
  /// Every text placed by the layout (rule labels and annotations are placed when painting).
  public let texts: [PlacedText]
  /// Legend swatches.
  public let legendItems: [LegendItem]
  /// The colour of each series, per mark (bars: one per series; others: one).
  public let markColors: [[Color]]

  /// The value scale for a side (the left one if the chart has no right axis).
  public func yScale(_ side: YAxisSide) -> LinearScale {
    side == .right ? (right ?? left) : left
  }

  /// Lays out `chart` inside `frame`, measuring text with `renderer`.
  init(chart: Chart, frame: Rect, renderer: any Renderer) {
    var builder = Builder(chart: chart, frame: frame, renderer: renderer)
    self = builder.build()
  }

  fileprivate init(
    frame: Rect, plot: Rect, x: XPositioning, left: LinearScale, right: LinearScale?,
    leftTicks: TickSet, rightTicks: TickSet?, xGridPositions: [Double], texts: [PlacedText],
    legendItems: [LegendItem], markColors: [[Color]]
  ) {
    self.frame = frame
    self.plot = plot
    self.x = x
    self.left = left
    self.right = right
    self.leftTicks = leftTicks
    self.rightTicks = rightTicks
    self.xGridPositions = xGridPositions
    self.texts = texts
    self.legendItems = legendItems
    self.markColors = markColors
  }

  /// Bar (group) width in data units for a bar mark on a continuous axis.
  static func barWidth(_ mark: BarMark) -> Double {
    if let width = mark.width, width > 0 { return width }
    let xs = Array(Set(mark.x.filter(\.isFinite))).sorted()
    let gaps = zip(xs.dropFirst(), xs).map { $0 - $1 }.filter { $0 > 0 }
    return (gaps.min() ?? 1) * 0.8
  }

  /// The palette colour of every series, per mark, in drawing order.
  static func colors(for chart: Chart) -> [[Color]] {
    var next = 0
    func take(_ explicit: Color?) -> Color {
      if let explicit { return explicit }
      defer { next += 1 }
      return chart.theme.seriesColor(next)
    }
    return chart.marks.map { mark in
      switch mark {
      case .line(let line): return [take(line.color)]
      case .area(let area): return [take(area.color)]
      case .band(let band): return [take(band.color)]
      case .bars(let bars): return bars.series.map { take($0.color) }
      case .points(let points): return [take(points.color)]
      case .rule(let rule): return [rule.color ?? chart.theme.rule]
      case .text(let text): return [text.color ?? chart.theme.text]
      }
    }
  }

  /// The y range covered by the marks on one side (bars always include zero).
  static func yExtent(_ chart: Chart, side: YAxisSide) -> ClosedRange<Double>? {
    var extent = Extent()
    for mark in chart.marks where mark.axis == side {
      switch mark {
      case .line(let line): line.points.forEach { extent.add($0.y) }
      case .area(let area):
        area.points.forEach { extent.add($0.y) }
        extent.add(area.baseline)
      case .band(let band):
        band.lower.forEach { extent.add($0) }
        band.upper.forEach { extent.add($0) }
      case .bars(let bars):
        extent.add(0)
        switch bars.layout {
        case .grouped: bars.series.forEach { $0.values.forEach { extent.add($0) } }
        case .stacked:
          for index in bars.x.indices {
            let values = bars.series.map { index < $0.values.count ? $0.values[index] : 0 }
              .filter(\.isFinite)
            extent.add(values.filter { $0 > 0 }.reduce(0, +))
            extent.add(values.filter { $0 < 0 }.reduce(0, +))
          }
        }
      case .points(let points): points.points.forEach { extent.add($0.y) }
      case .rule(let rule):
        if case .horizontal(let y) = rule.orientation { extent.add(y) }
      case .text(let text): extent.add(text.position.y)
      }
    }
    return extent.range
  }

  /// The x range covered by the marks (bars include their half widths).
  static func xExtent(_ chart: Chart) -> ClosedRange<Double>? {
    var extent = Extent()
    for mark in chart.marks {
      switch mark {
      case .line(let line): line.points.forEach { extent.add($0.x) }
      case .area(let area): area.points.forEach { extent.add($0.x) }
      case .band(let band): band.x.forEach { extent.add($0) }
      case .bars(let bars):
        let half = barWidth(bars) / 2
        bars.x.forEach {
          extent.add($0 - half)
          extent.add($0 + half)
        }
      case .points(let points): points.points.forEach { extent.add($0.x) }
      case .rule(let rule):
        if case .vertical(let x) = rule.orientation { extent.add(x) }
      case .text(let text): extent.add(text.position.x)
      }
    }
    return extent.range
  }
}

/// A running min/max over finite values.
private struct Extent {
  var low = Double.infinity
  var high = -Double.infinity

  mutating func add(_ value: Double) {
    guard value.isFinite else { return }
    low = min(low, value)
    high = max(high, value)
  }

  var range: ClosedRange<Double>? { low <= high ? low...high : nil }
}

/// The step-by-step layout computation behind `ChartLayout`.
private struct Builder {
  let chart: Chart
  let frame: Rect
  let renderer: any Renderer
  let theme: Theme
  let inner: Rect
  let colors: [[Color]]
  var texts: [PlacedText] = []
  var legendItems: [LegendItem] = []

  init(chart: Chart, frame: Rect, renderer: any Renderer) {
    self.chart = chart
    self.frame = frame
    self.renderer = renderer
    self.theme = chart.theme
    let pad = min(chart.theme.padding, frame.width / 8, frame.height / 8)
    self.inner = frame.insetBy(dx: pad, dy: pad)
    self.colors = ChartLayout.colors(for: chart)
  }

  func fitting(_ size: Double, _ weight: FontWeight = .regular) -> TextFitting {
    TextFitting(renderer: renderer, size: size, weight: weight)
  }

  var labels: TextFitting { fitting(theme.labelSize) }

  // MARK: Build

  mutating func build() -> ChartLayout {
    var top = inner.minY
    top = placeHeader(top: top)
    var bottom = inner.maxY
    bottom = placeFootnote(bottom: bottom)

    let labelHeight = labels.lineHeight
    let xTitle = chart.xAxis.title.map(TextFitting.sanitized).flatMap { $0.isEmpty ? nil : $0 }
    if xTitle != nil { bottom -= labelHeight + 4 }
    let xTitleTop = bottom + 4
    let xGap = max(8, labelHeight / 2 + 2)

    var extraLeft = 0.0
    var extraRight = 0.0
    var xBand = labelHeight
    var solution = solve(
      top: top, bottom: bottom, xBand: xBand, xGap: xGap, extraLeft: 0, extraRight: 0)
    // Margins and the x-label band only grow, so this settles in a few rounds.
    for _ in 0..<8 {
      var changed = false
      let boxes = solution.xLabels.map { box(of: $0) }
      let labelTop = solution.plot.maxY + xGap
      let needed = (boxes.map(\.maxY).max() ?? labelTop) - labelTop
      if needed > xBand + 0.5 {
        xBand = needed
        changed = true
      }
      let overflowLeft = inner.minX - (boxes.map(\.minX).min() ?? inner.minX)
      if overflowLeft > 0.5 {
        extraLeft = solution.plot.minX - inner.minX + overflowLeft
        changed = true
      }
      let overflowRight = (boxes.map(\.maxX).max() ?? inner.maxX) - inner.maxX
      if overflowRight > 0.5 {
        extraRight = inner.maxX - solution.plot.maxX + overflowRight
        changed = true
      }
      if !changed { break }
      solution = solve(
        top: top, bottom: bottom, xBand: xBand, xGap: xGap, extraLeft: extraLeft,
        extraRight: extraRight)
    }

    // Safety net: drop any x label that still leaves the canvas or collides with another.
    var keptBoxes: [[Point]] = []
    solution.xLabels = solution.xLabels.filter { label in
      let corners = corners(of: label)
      guard corners.allSatisfy({ inner.contains($0, tolerance: 0.5) }) else { return false }
      guard !keptBoxes.contains(where: { Geometry.quadsOverlap($0, corners) }) else {
        return false
      }
      keptBoxes.append(corners)
      return true
    }

    texts += solution.yLabels + solution.xLabels
    if let xTitle {
      let plot = solution.plot
      let title = labels.truncate(xTitle, toWidth: inner.width)
      let half = labels.width(title) / 2
      let center = min(max(plot.midX, inner.minX + half), inner.maxX - half)
      texts.append(
        PlacedText(
          title, at: Point(x: center, y: xTitleTop), size: theme.labelSize,
          anchor: TextAnchor(.middle, .top), color: theme.secondaryText, role: .axisTitle))
    }
    return ChartLayout(
      frame: frame, plot: solution.plot, x: solution.x, left: solution.left,
      right: solution.right, leftTicks: solution.leftTicks, rightTicks: solution.rightTicks,
      xGridPositions: solution.xGrid, texts: texts, legendItems: legendItems,
      markColors: colors)
  }

  // MARK: Header, legend and footnote

  /// Places title, subtitle, legend and y-axis titles from `top` down; returns the new top.
  mutating func placeHeader(top start: Double) -> Double {
    var top = start
    let titleFit = fitting(theme.titleSize, .bold)
    for line in titleFit.wrap(chart.title, width: inner.width, maxLines: 2) {
      texts.append(
        PlacedText(
          line, at: Point(x: inner.minX, y: top), size: theme.titleSize, weight: .bold,
          anchor: .topStart, color: theme.text, role: .title))
      top += titleFit.lineHeight
    }
    if let subtitle = chart.subtitle {
      let fit = fitting(theme.subtitleSize)
      let lines = fit.wrap(subtitle, width: inner.width, maxLines: 2)
      if !lines.isEmpty, top > start { top += theme.subtitleSize * 0.3 }
      for line in lines {
        texts.append(
          PlacedText(
            line, at: Point(x: inner.minX, y: top), size: theme.subtitleSize,
            anchor: .topStart, color: theme.secondaryText, role: .subtitle))
        top += fit.lineHeight
      }
    }
    top = placeLegend(top: top)
    if top > start { top += theme.labelSize * 0.9 }

    let leftTitle = chart.yAxis.title.map(TextFitting.sanitized) ?? ""
    let rightTitle = chart.rightAxis?.title.map(TextFitting.sanitized) ?? ""
    if !leftTitle.isEmpty || !rightTitle.isEmpty {
      let width = rightTitle.isEmpty ? inner.width : inner.width / 2 - 8
      if !leftTitle.isEmpty {
        texts.append(
          PlacedText(
            labels.truncate(leftTitle, toWidth: width), at: Point(x: inner.minX, y: top),
            size: theme.labelSize, anchor: .topStart, color: theme.secondaryText,
            role: .axisTitle))
      }
      if !rightTitle.isEmpty {
        let leftWidth =
          leftTitle.isEmpty
          ? 0
          : labels.width(
            labels.truncate(
              leftTitle, toWidth: width))
        let available = leftTitle.isEmpty ? inner.width : inner.width - leftWidth - 16
        texts.append(
          PlacedText(
            labels.truncate(rightTitle, toWidth: available), at: Point(x: inner.maxX, y: top),
            size: theme.labelSize, anchor: TextAnchor(.end, .top), color: theme.secondaryText,
            role: .axisTitle))
      }
      top += labels.lineHeight + theme.labelSize * 0.4
    }
    return top
  }

  /// The legend entries for the chart's named series.
  func legendEntries() -> [(name: String, color: Color, swatch: LegendItem.Swatch)] {
    var entries: [(String, Color, LegendItem.Swatch)] = []
    for (index, mark) in chart.marks.enumerated() {
      let color = colors[index]
      switch mark {
      case .line(let line):
        entries.append((line.name, color[0], .line(line.style)))
      case .area(let area): entries.append((area.name, color[0].withAlpha(area.opacity), .box))
      case .band(let band): entries.append((band.name, color[0].withAlpha(band.opacity), .box))
      case .bars(let bars):
        for (series, seriesColor) in zip(bars.series, color) {
          entries.append((series.name, seriesColor, .box))
        }
      case .points(let points): entries.append((points.name, color[0], .marker))
      case .rule, .text: break
      }
    }
    return entries.filter {
      !TextFitting.sanitized($0.0).trimmingCharacters(in: .whitespaces)
        .isEmpty
    }
  }

  /// Places legend entries left to right, wrapping onto new rows; returns the new top.
  mutating func placeLegend(top start: Double) -> Double {
    let entries = legendEntries()
    let visible: Bool
    switch chart.legend.visibility {
    case .automatic: visible = entries.count >= 2
    case .visible: visible = !entries.isEmpty
    case .hidden: visible = false
    }
    guard visible else { return start }
    let fit = labels
    let height = fit.lineHeight
    let swatchSide = min(11, height * 0.8)
    let rowGap = height * 0.35
    var top = start + (start > inner.minY ? theme.labelSize * 0.8 : 0)
    var x = inner.minX
    for entry in entries {
      let swatchWidth: Double
      switch entry.swatch {
      case .box, .marker: swatchWidth = swatchSide
      // Long enough to show a dash pattern on both sides of a marker.
      case .line: swatchWidth = 28
      }
      let label = fit.truncate(entry.name, toWidth: inner.width - swatchWidth - 6)
      let width = swatchWidth + 6 + fit.width(label)
      if x > inner.minX && x + width > inner.maxX {
        x = inner.minX
        top += height + rowGap
      }
      let swatch = Rect(
        x: x, y: top + (height - swatchSide) / 2, width: swatchWidth, height: swatchSide)
      legendItems.append(
        LegendItem(
          name: label, color: entry.color, swatch: entry.swatch, swatchRect: swatch))
      texts.append(
        PlacedText(
          label, at: Point(x: x + swatchWidth + 6, y: top), size: theme.labelSize,
          anchor: .topStart, color: theme.text, role: .legend))
      x += width + theme.labelSize * 1.6
    }
    return top + height
  }

  /// Places the footnote lines upward from `bottom`; returns the new bottom.
  mutating func placeFootnote(bottom start: Double) -> Double {
    guard let footnote = chart.footnote else { return start }
    let fit = fitting(theme.footnoteSize)
    let lines = fit.wrap(footnote, width: inner.width, maxLines: 3)
    guard !lines.isEmpty else { return start }
    var y = start - Double(lines.count) * fit.lineHeight
    let top = y
    for line in lines {
      texts.append(
        PlacedText(
          line, at: Point(x: inner.minX, y: y), size: theme.footnoteSize, anchor: .topStart,
          color: theme.secondaryText, role: .footnote))
      y += fit.lineHeight
    }
    return top - theme.footnoteSize
  }

  // MARK: Plot area and axes

  struct Solution {
    var plot: Rect
    var x: XPositioning
    var left: LinearScale
    var right: LinearScale?
    var leftTicks: TickSet
    var rightTicks: TickSet?
    var yLabels: [PlacedText]
    var xLabels: [PlacedText]
    var xGrid: [Double]
  }

  func solve(
    top: Double, bottom: Double, xBand: Double, xGap: Double, extraLeft: Double,
    extraRight: Double
  ) -> Solution {
    let labelHeight = labels.lineHeight
    // long-function: the layout's fixed point: margins, tick sets and label bands depend on
    // one another and are recomputed together each round until they settle.
    let plotTop = top + labelHeight / 2
    let plotBottom = max(plotTop + 10, bottom - xBand - xGap)
    let plotHeight = plotBottom - plotTop
    let tickTarget = { (axis: YAxis) in max(2, min(axis.tickCount, Int(plotHeight / 34) + 1)) }

    // An axis with a fixed domain sets the tick count; an automatic axis on the other side
    // aligns to it so both share the gridlines.
    let leftExtent = ChartLayout.yExtent(chart, side: .left)
    let rightExtent = ChartLayout.yExtent(chart, side: .right)
    var left: LinearScale
    var leftTicks: TickSet
    var rightPair: (LinearScale, TickSet)?
    if let axis = chart.rightAxis, axis.domain != nil, chart.yAxis.domain == nil {
      let right = resolveY(
        axis: axis, extent: rightExtent, bottom: plotBottom, top: plotTop,
        target: tickTarget(axis), alignTo: nil)
      (left, leftTicks) = resolveY(
        axis: chart.yAxis, extent: leftExtent, bottom: plotBottom, top: plotTop,
        target: tickTarget(chart.yAxis), alignTo: Builder.spansDomain(right) ? right.1 : nil)
      rightPair = right
    } else {
      (left, leftTicks) = resolveY(
        axis: chart.yAxis, extent: leftExtent, bottom: plotBottom, top: plotTop,
        target: tickTarget(chart.yAxis), alignTo: nil)
      if let axis = chart.rightAxis {
        rightPair = resolveY(
          axis: axis, extent: rightExtent, bottom: plotBottom, top: plotTop,
          target: tickTarget(axis),
          alignTo: Builder.spansDomain((left, leftTicks)) ? leftTicks : nil)
      }
    }
    let leftLabels = chart.yAxis.format.labels(for: leftTicks).map(TextFitting.sanitized)
    let rightLabels =
      chart.rightAxis.map { axis in
        rightPair.map { axis.format.labels(for: $0.1).map(TextFitting.sanitized) } ?? []
      } ?? []
    let maxLabelWidth = inner.width * 0.3
    let leftWidths = leftLabels.map { labels.width(labels.truncate($0, toWidth: maxLabelWidth)) }
    let rightWidths = rightLabels.map {
      labels.width(labels.truncate($0, toWidth: maxLabelWidth))
    }
    let leftMargin = max(leftWidths.isEmpty ? 0 : (leftWidths.max() ?? 0) + 8, extraLeft)
    let rightMargin = max(rightWidths.isEmpty ? 0 : (rightWidths.max() ?? 0) + 8, extraRight)
    var plotLeft = inner.minX + leftMargin
    var plotRight = inner.maxX - rightMargin
    if plotRight - plotLeft < 20 {
      let mid = (plotLeft + plotRight) / 2
      plotLeft = mid - 10
      plotRight = mid + 10
    }
    let plot = Rect(x: plotLeft, y: plotTop, width: plotRight - plotLeft, height: plotHeight)

    var yLabels: [PlacedText] = []
    for (value, label) in zip(leftTicks.values, leftLabels) {
      yLabels.append(
        PlacedText(
          labels.truncate(label, toWidth: maxLabelWidth),
          at: Point(x: plotLeft - 8, y: left.map(value)), size: theme.labelSize,
          anchor: TextAnchor(.end, .middle), color: theme.secondaryText, role: .yTick))
    }
    if let (right, rightTicks) = rightPair {
      for (value, label) in zip(rightTicks.values, rightLabels) {
        yLabels.append(
          PlacedText(
            labels.truncate(label, toWidth: maxLabelWidth),
            at: Point(x: plotRight + 8, y: right.map(value)), size: theme.labelSize,
            anchor: TextAnchor(.start, .middle), color: theme.secondaryText, role: .yTick))
      }
    }
    // On very short plots, drop y labels that would collide (the lowest tick always stays).
    var kept: [PlacedText] = []
    for label in yLabels {
      let clash = kept.contains {
        $0.point.x == label.point.x && abs($0.point.y - label.point.y) < labelHeight + 1
      }
      if !clash { kept.append(label) }
    }
    yLabels = kept
    let x = resolveX(plot: plot, labelTop: plotBottom + xGap)
    return Solution(
      plot: plot, x: x.positioning, left: left, right: rightPair?.0, leftTicks: leftTicks,
      rightTicks: rightPair?.1, yLabels: yLabels, xLabels: x.labels, xGrid: x.grid)
  }

  /// The scale and ticks of a y axis; an automatic right axis reuses the left tick count so
  /// both share gridlines.
  func resolveY(
    axis: YAxis, extent: ClosedRange<Double>?, bottom: Double, top: Double, target: Int,
    alignTo leftTicks: TickSet?
  ) -> (LinearScale, TickSet) {
    if let domain = axis.domain {
      let scale = LinearScale(domain: domain, rangeStart: bottom, rangeEnd: top)
      return (scale, scale.ticks(count: target))
    }
    var low = extent?.lowerBound ?? 0
    var high = extent?.upperBound ?? 1
    if axis.includesZero {
      low = min(low, 0)
      high = max(high, 0)
    }
    if high - low <= abs(high) * 1e-12 {
      let pad = low == 0 ? 1 : abs(low) * 0.1
      low -= axis.includesZero && low >= 0 ? 0 : pad
      high += pad
    }
    if let leftTicks, leftTicks.count >= 2,
      let aligned = Builder.alignedTicks(low: low, high: high, count: leftTicks.count)
    {
      let scale = LinearScale(
        domain: (aligned.first ?? low)...(aligned.last ?? high), rangeStart: bottom,
        rangeEnd: top)
      return (scale, aligned)
    }
    let scale = LinearScale(
      domain: low...high, rangeStart: bottom, rangeEnd: top, nice: true, tickCount: target)
    return (scale, scale.ticks(count: target))
  }

  /// True when the first and last ticks sit on the ends of the scale's domain.
  static func spansDomain(_ pair: (LinearScale, TickSet)) -> Bool {
    guard let first = pair.1.first, let last = pair.1.last, pair.1.count >= 2 else {
      return false
    }
    let domain = pair.0.domain
    let tolerance = (domain.upperBound - domain.lowerBound) * 1e-9
    return abs(first - domain.lowerBound) <= tolerance && abs(last - domain.upperBound) <= tolerance
  }

  /// Exactly `count` nice ticks (step 1, 2, 2.5 or 5 × 10^k) covering `low...high`.
  static func alignedTicks(low: Double, high: Double, count: Int) -> TickSet? {
    let raw = (high - low) / Double(count - 1)
    guard raw > 0, raw.isFinite else { return nil }
    let base = Int(floor(log10(raw)))
    for exponent in (base - 1)...(base + 2) {
      for q in [1, 2, 25, 5] {
        let significand = q == 25 ? 25 : q * 10
        let step = ExactDecimal(significand: significand, exponent: exponent - 1)
        let stepValue = step.doubleValue
        guard stepValue >= raw * (1 - 1e-12) else { continue }
        let startIndex = Int(floor(low / stepValue + 1e-9))
        let first = ExactDecimal(significand: startIndex * significand, exponent: exponent - 1)
        let lastValue = ExactDecimal(
          significand: (startIndex + count - 1) * significand, exponent: exponent - 1
        ).doubleValue
        if first.doubleValue <= low + abs(low) * 1e-12, lastValue >= high - abs(high) * 1e-12 {
          return TickSet(
            firstSignificand: startIndex * significand, stepSignificand: significand,
            exponent: exponent - 1, count: count)
        }
      }
    }
    return nil
  }

  // MARK: X axis

  struct XResolution {
    var positioning: XPositioning
    var labels: [PlacedText]
    var grid: [Double]
  }

  func resolveX(plot: Rect, labelTop: Double) -> XResolution {
    switch chart.xAxis.kind {
    case .categories(let names): return resolveBand(names: names, plot: plot, labelTop: labelTop)
    case .time: return resolveTime(plot: plot, labelTop: labelTop)
    case .linear: return resolveLinear(plot: plot, labelTop: labelTop)
    }
  }

  func tickLabel(_ string: String, x: Double, top: Double) -> PlacedText {
    PlacedText(
      string, at: Point(x: x, y: top), size: theme.labelSize, anchor: TextAnchor(.middle, .top),
      color: theme.secondaryText, role: .xTick)
  }

  /// True when centred labels at `positions` with `widths` keep a gap between neighbours.
  func fitsWithoutOverlap(_ positions: [Double], _ widths: [Double]) -> Bool {
    let gap = theme.labelSize
    for index in positions.indices.dropFirst() {
      let distance = abs(positions[index] - positions[index - 1])
      if distance < (widths[index] + widths[index - 1]) / 2 + gap { return false }
    }
    return true
  }

  func dataXDomain() -> ClosedRange<Double> {
    var domain = chart.xAxis.domain ?? ChartLayout.xExtent(chart) ?? 0...1
    if domain.upperBound - domain.lowerBound <= 0 {
      domain = (domain.lowerBound - 1)...(domain.upperBound + 1)
    }
    return domain
  }

  func resolveLinear(plot: Rect, labelTop: Double) -> XResolution {
    let scale = LinearScale(domain: dataXDomain(), rangeStart: plot.minX, rangeEnd: plot.maxX)
    var chosen: [PlacedText] = []
    var grid: [Double] = []
    for count in stride(from: max(chart.xAxis.tickCount, 2), through: 2, by: -1) {
      let ticks = scale.ticks(count: count)
      let strings = chart.xAxis.format.labels(for: ticks).map {
        labels.truncate($0, toWidth: plot.width / 2)
      }
      let positions = ticks.values.map(scale.map)
      chosen = zip(strings, positions).map { tickLabel($0, x: $1, top: labelTop) }
      grid = positions
      if fitsWithoutOverlap(positions, strings.map(labels.width)) { break }
    }
    return XResolution(
      positioning: .linear(scale), labels: chosen, grid: chart.xAxis.gridlines ? grid : [])
  }

  func resolveTime(plot: Rect, labelTop: Double) -> XResolution {
    let domain = dataXDomain()
    let days = Int32(floor(domain.lowerBound))...Int32(ceil(domain.upperBound))
    let scale = TimeScale(domain: days, rangeStart: plot.minX, rangeEnd: plot.maxX)
    var step = scale.step(maxCount: chart.xAxis.tickCount)
    var ticks = scale.ticks(step: step)
    while step < .decade {
      let positions = ticks.map { scale.map(day: $0.day) }
      if fitsWithoutOverlap(positions, ticks.map { labels.width($0.label) }) { break }
      step = CalendarStep.allCases.first { $0 > step } ?? .decade
      ticks = scale.ticks(step: step)
    }
    let positions = ticks.map { scale.map(day: $0.day) }
    return XResolution(
      positioning: .time(scale),
      labels: zip(ticks, positions).map { tickLabel($0.0.label, x: $0.1, top: labelTop) },
      grid: chart.xAxis.gridlines ? positions : [])
  }

  func resolveBand(names: [String], plot: Rect, labelTop: Double) -> XResolution {
    let band = BandScale(categories: names, range: plot.minX...plot.maxX)
    let clean = names.map(TextFitting.sanitized)
    let widths = clean.map(labels.width)
    let maxWidth = widths.max() ?? 0
    let step = band.step
    let gap = theme.labelSize * 0.6
    let height = labels.lineHeight
    let rotatedBudget = min(max(48, frame.height * 0.24), 170)
    let readableWidth = labels.width("Abcdefghij")
    let diagonal = step * 0.5.squareRoot()
    let rotationStride = max(1, Int(ceil((height + 2) / max(diagonal, 1e-9))))

    enum Mode {
      case horizontal(maxWidth: Double, every: Int)
      case rotated(every: Int)
    }
    var mode: Mode
    switch chart.xAxis.labelStrategy {
    case .auto:
      if maxWidth + gap <= step {
        mode = .horizontal(maxWidth: .infinity, every: 1)
      } else if step - gap >= readableWidth {
        mode = .horizontal(maxWidth: step - gap, every: 1)
      } else if min(maxWidth, rotatedBudget) <= readableWidth * 0.7 {
        let every = max(1, Int(ceil((maxWidth + gap) / step)))
        mode = .horizontal(maxWidth: Double(every) * step - gap, every: every)
      } else {
        mode = .rotated(every: rotationStride)
      }
    case .truncate: mode = .horizontal(maxWidth: step - gap, every: 1)
    case .rotate: mode = .rotated(every: rotationStride)
    case .thin:
      let widest = min(maxWidth, rotatedBudget)
      let every = max(1, Int(ceil((widest + gap) / step)))
      mode = .horizontal(maxWidth: Double(every) * step - gap, every: every)
    }

    var placed: [PlacedText] = []
    for index in clean.indices {
      switch mode {
      case .horizontal(let limit, let every):
        guard index % every == 0 else { continue }
        let text = labels.truncate(clean[index], toWidth: limit)
        if !text.isEmpty {
          placed.append(tickLabel(text, x: band.center(index), top: labelTop))
        }
      case .rotated(let every):
        guard index % every == 0 else { continue }
        let text = labels.truncate(clean[index], toWidth: rotatedBudget)
        if !text.isEmpty {
          placed.append(
            PlacedText(
              text, at: Point(x: band.center(index) + height * 0.25, y: labelTop + height * 0.36),
              size: theme.labelSize, anchor: TextAnchor(.end, .middle), rotation: -45,
              color: theme.secondaryText, role: .xTick))
        }
      }
    }
    return XResolution(positioning: .band(band), labels: placed, grid: [])
  }

  // MARK: Geometry helpers

  func corners(of text: PlacedText) -> [Point] {
    renderer.measureText(text.string, size: text.size, weight: text.weight)
      .corners(at: text.point, anchor: text.anchor, rotation: text.rotation)
  }

  func box(of text: PlacedText) -> Rect { Rect(enclosing: corners(of: text)) }
}
