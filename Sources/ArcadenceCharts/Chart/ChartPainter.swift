/// Paints a laid-out chart onto a renderer: background, gridlines, marks, axes, texts, legend.
struct ChartPainter {
  /// The chart being painted.
  let chart: Chart
  /// Its layout.
  let layout: ChartLayout
  /// The target.
  let renderer: any Renderer

  private var theme: Theme { chart.theme }
  private var plot: Rect { layout.plot }

  /// Paints everything in back-to-front order.
  func paint() {
    renderer.setDash([])
    renderer.setColor(theme.background)
    renderer.fillRect(layout.frame)
    paintGrid()
    // Let strokes and markers on the plot edge show in full, but keep marks off the labels.
    let reach = ChartPainter.clipMargin(chart.marks)
    renderer.clip(to: plot.insetBy(dx: -reach, dy: -reach))
    for (index, mark) in chart.marks.enumerated() {
      paint(mark, colors: layout.markColors[index])
    }
    renderer.clip(to: nil)
    renderer.setDash([])
    paintBaseline()
    for (index, mark) in chart.marks.enumerated() {
      switch mark {
      case .rule(let rule): paintRuleLabel(rule, color: layout.markColors[index][0])
      case .text(let text): paintAnnotation(text, color: layout.markColors[index][0])
      default: break
      }
    }
    for text in layout.texts { draw(text) }
    paintLegendSwatches()
  }

  // MARK: Axes

  /// Snaps a coordinate to a pixel centre so 1-pt lines stay crisp.
  private func crisp(_ value: Double) -> Double { (value - 0.5).rounded() + 0.5 }

  private func paintGrid() {
    renderer.setLineWidth(1)
    renderer.setColor(theme.gridline)
    if chart.yAxis.gridlines {
      for value in layout.leftTicks.values {
        let y = crisp(layout.left.map(value))
        renderer.strokePath(.segment(Point(x: plot.minX, y: y), Point(x: plot.maxX, y: y)))
      }
    }
    for position in layout.xGridPositions {
      let x = crisp(position)
      renderer.strokePath(.segment(Point(x: x, y: plot.minY), Point(x: x, y: plot.maxY)))
    }
  }

  private func paintBaseline() {
    renderer.setLineWidth(1)
    renderer.setColor(theme.axisLine)
    let bottom = crisp(plot.maxY)
    renderer.strokePath(.segment(Point(x: plot.minX, y: bottom), Point(x: plot.maxX, y: bottom)))
    let domain = layout.left.domain
    if domain.lowerBound < 0 && domain.upperBound > 0 {
      let zero = crisp(layout.left.map(0))
      renderer.strokePath(.segment(Point(x: plot.minX, y: zero), Point(x: plot.maxX, y: zero)))
    }
  }

  func draw(_ text: PlacedText) {
    guard !text.string.isEmpty else { return }
    renderer.setColor(text.color)
    renderer.text(
      text.string, at: text.point, size: text.size, weight: text.weight, anchor: text.anchor,
      rotation: text.rotation)
  }

  // MARK: Marks

  private func paint(_ mark: Mark, colors: [Color]) {
    switch mark {
    case .line(let line): paintLine(line, color: colors[0])
    case .area(let area): paintArea(area, color: colors[0])
    case .band(let band): paintBand(band, color: colors[0])
    case .bars(let bars): paintBars(bars, colors: colors)
    case .points(let points):
      let scale = layout.yScale(points.axis)
      for point in points.points where point.x.isFinite && point.y.isFinite {
        marker(at: pixel(point, scale), radius: points.radius, color: colors[0])
      }
    case .rule(let rule): paintRuleLine(rule, color: colors[0])
    case .text: break
    }
  }

  private func pixel(_ point: DataPoint, _ scale: LinearScale) -> Point {
    Point(x: layout.x.position(point.x), y: scale.map(point.y))
  }

  /// Splits points into runs of finite values (NaN breaks a line).
  private func runs(_ points: [DataPoint]) -> [[DataPoint]] {
    var result: [[DataPoint]] = [[]]
    for point in points {
      if point.x.isFinite && point.y.isFinite {
        result[result.count - 1].append(point)
      } else if !(result.last?.isEmpty ?? true) {
        result.append([])
      }
    }
    return result.filter { !$0.isEmpty }
  }

  private func paintLine(_ line: LineMark, color: Color) {
    let scale = layout.yScale(line.axis)
    let polylines = runs(line.points).map { $0.map { pixel($0, scale) } }
    let style = line.style
    stroke(polylines, style: style, color: color)
    guard let radius = style.markerRadius else { return }
    for point in polylines.joined() { marker(at: point, radius: radius, color: color) }
  }

  /// Strokes polylines in a line's colour, width and dash: the one stroke of a line, shared
  /// by the plot and its legend swatch.
  private func stroke(_ polylines: [[Point]], style: LineStyle, color: Color) {
    renderer.setColor(color)
    renderer.setLineWidth(style.width)
    renderer.setDash(style.dash)
    for points in polylines { renderer.strokePath(.polyline(points)) }
    renderer.setDash([])
  }

  /// The background ring around a marker in the plot.
  static let markerHalo = 1.25

  /// A filled marker; `halo` rings it in the background colour, to set it off from the other
  /// series in the plot.
  private func marker(at point: Point, radius: Double, color: Color, halo: Bool = true) {
    if halo {
      renderer.setColor(theme.background)
      renderer.fillPath(.circle(center: point, radius: radius + ChartPainter.markerHalo))
    }
    renderer.setColor(color)
    renderer.fillPath(.circle(center: point, radius: radius))
  }

  /// How far beyond the plot area the marks' strokes and markers reach from data on its
  /// edge (at least 3 points): the plot clip is grown by this much, so the last point of a
  /// line is drawn whole. Lines have butt caps and round joins, so a stroke reaches half its
  /// width past its points; a marker reaches its radius and halo.
  static func clipMargin(_ marks: [Mark]) -> Double {
    var reach = 3.0
    for mark in marks {
      switch mark {
      case .line(let line):
        let style = line.style
        reach = max(reach, style.width / 2)
        if let radius = style.markerRadius { reach = max(reach, radius + markerHalo) }
      case .points(let points): reach = max(reach, points.radius + markerHalo)
      case .rule(let rule): reach = max(reach, rule.lineWidth / 2)
      case .area, .band, .bars, .text: break
      }
    }
    return reach.isFinite ? reach : 3
  }

  private func paintArea(_ area: AreaMark, color: Color) {
    let scale = layout.yScale(area.axis)
    let base = scale.map(area.baseline)
    for run in runs(area.points) {
      let top = run.map { pixel($0, scale) }
      guard let first = top.first, let last = top.last else { continue }
      renderer.setColor(color.withAlpha(area.opacity))
      renderer.fillPath(
        .polygon(
          top + [Point(x: last.x, y: base), Point(x: first.x, y: base)]))
      if area.strokesEdge {
        renderer.setColor(color)
        renderer.setLineWidth(1.5)
        renderer.strokePath(.polyline(top))
      }
    }
  }

  private func paintBand(_ band: BandMark, color: Color) {
    let scale = layout.yScale(band.axis)
    let count = min(band.x.count, band.lower.count, band.upper.count)
    var run: [(x: Double, low: Double, high: Double)] = []
    func flush() {
      guard run.count > 1 else {
        run = []
        return
      }
      let upper = run.map { Point(x: layout.x.position($0.x), y: scale.map($0.high)) }
      let lower = run.reversed().map { Point(x: layout.x.position($0.x), y: scale.map($0.low)) }
      renderer.setColor(color.withAlpha(band.opacity))
      renderer.fillPath(.polygon(upper + lower))
      run = []
    }
    for index in 0..<count {
      let (x, low, high) = (band.x[index], band.lower[index], band.upper[index])
      if x.isFinite && low.isFinite && high.isFinite {
        run.append((x, low, high))
      } else {
        flush()
      }
    }
    flush()
  }

  private func paintBars(_ bars: BarMark, colors: [Color]) {
    let scale = layout.yScale(bars.axis)
    let domain = scale.domain
    let zero = min(max(0, domain.lowerBound), domain.upperBound)
    let seriesCount = max(bars.series.count, 1)
    for (position, x) in bars.x.enumerated() where x.isFinite {
      let slot: (start: Double, width: Double)
      switch layout.x {
      case .band(let band):
        let index = Int(x.rounded())
        guard band.categories.indices.contains(index) else { continue }
        slot = (band.start(index), band.bandwidth)
      case .linear, .time:
        let half = ChartLayout.barWidth(bars) / 2
        let a = layout.x.position(x - half)
        let b = layout.x.position(x + half)
        slot = (min(a, b), abs(b - a))
      }
      var positiveBase = zero
      var negativeBase = zero
      for (seriesIndex, series) in bars.series.enumerated() {
        guard position < series.values.count else { continue }
        let value = series.values[position]
        guard value.isFinite else { continue }
        let from: Double
        let to: Double
        let left: Double
        let width: Double
        switch bars.layout {
        case .grouped:
          from = zero
          to = value
          let sub = slot.width / Double(seriesCount)
          let gap = seriesCount > 1 ? min(2, sub * 0.15) : 0
          left = slot.start + sub * Double(seriesIndex) + gap / 2
          width = sub - gap
        case .stacked:
          if value >= 0 {
            from = positiveBase
            positiveBase += value
            to = positiveBase
          } else {
            from = negativeBase
            negativeBase += value
            to = negativeBase
          }
          left = slot.start
          width = slot.width
        }
        let y0 = scale.map(from)
        let y1 = scale.map(to)
        guard y0 != y1, width > 0 else { continue }
        renderer.setColor(colors[seriesIndex])
        renderer.fillRect(Rect(x: left, y: min(y0, y1), width: width, height: abs(y1 - y0)))
      }
    }
  }

  // MARK: Rules and annotations

  private func paintRuleLine(_ rule: RuleMark, color: Color) {
    renderer.setColor(color)
    renderer.setLineWidth(rule.lineWidth)
    renderer.setDash(rule.dash)
    switch rule.orientation {
    case .horizontal(let value):
      let y = layout.yScale(rule.axis).map(value)
      renderer.strokePath(.segment(Point(x: plot.minX, y: y), Point(x: plot.maxX, y: y)))
    case .vertical(let value):
      let x = layout.x.position(value)
      renderer.strokePath(.segment(Point(x: x, y: plot.minY), Point(x: x, y: plot.maxY)))
    }
    renderer.setDash([])
  }

  private func paintRuleLabel(_ rule: RuleMark, color: Color) {
    guard let raw = rule.label else { return }
    let fit = TextFitting(renderer: renderer, size: theme.labelSize, weight: .bold)
    let label = fit.truncate(raw, toWidth: plot.width / 2 - 8)
    guard !label.isEmpty else { return }
    let metrics = fit.measure(label)
    // Candidate spots beside the rule, in order of preference; the one crossing the fewest
    // line samples wins.
    var candidates: [(Point, TextAnchor)] = []
    switch rule.orientation {
    case .horizontal(let value):
      let y = layout.yScale(rule.axis).map(value)
      guard y >= plot.minY - 0.5, y <= plot.maxY + 0.5 else { return }
      let above = y - 4 - metrics.height >= plot.minY
      let below = y + 4 + metrics.height <= plot.maxY
      for (x, horizontal) in [(plot.maxX - 4, TextAnchor.Horizontal.end), (plot.minX + 4, .start)] {
        if above { candidates.append((Point(x: x, y: y - 4), TextAnchor(horizontal, .bottom))) }
        if below { candidates.append((Point(x: x, y: y + 4), TextAnchor(horizontal, .top))) }
      }
      if candidates.isEmpty {
        candidates.append((Point(x: plot.maxX - 4, y: y), TextAnchor(.end, .middle)))
      }
    case .vertical(let value):
      let x = layout.x.position(value)
      guard x >= plot.minX - 0.5, x <= plot.maxX + 0.5 else { return }
      let right = x + 5 + metrics.width <= plot.maxX
      let left = x - 5 - metrics.width >= plot.minX
      for (y, vertical) in [(plot.minY + 2, TextAnchor.Vertical.top), (plot.maxY - 2, .bottom)] {
        if right { candidates.append((Point(x: x + 5, y: y), TextAnchor(.start, vertical))) }
        if left { candidates.append((Point(x: x - 5, y: y), TextAnchor(.end, vertical))) }
      }
      if candidates.isEmpty {
        candidates.append((Point(x: x, y: plot.minY + 2), TextAnchor(.middle, .top)))
      }
    }
    let samples = obstacleSamples()
    func crossings(_ candidate: (Point, TextAnchor)) -> Int {
      let box = metrics.bounds(at: candidate.0, anchor: candidate.1).insetBy(dx: -3, dy: -3)
      return samples.filter { box.contains($0) }.count
    }
    var best = candidates[0]
    var bestScore = crossings(best)
    for candidate in candidates.dropFirst() where bestScore > 0 {
      let score = crossings(candidate)
      if score < bestScore {
        best = candidate
        bestScore = score
      }
    }
    let (point, anchor) = best
    let box = metrics.bounds(at: point, anchor: anchor)
    renderer.setColor(theme.background.withAlpha(0.85))
    renderer.fillRect(box.insetBy(dx: -2, dy: 0))
    renderer.setColor(color)
    renderer.text(
      label, at: point, size: theme.labelSize, weight: .bold, anchor: anchor,
      rotation: 0)
  }

  /// Pixel samples along lines, area edges and markers, used to keep labels off the data.
  private func obstacleSamples() -> [Point] {
    var samples: [Point] = []
    func addPolyline(_ points: [Point]) {
      samples.append(contentsOf: points)
      for (a, b) in zip(points, points.dropFirst()) {
        let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
        let steps = Int(length / 3)
        guard steps > 1 else { continue }
        for step in 1..<steps {
          let t = Double(step) / Double(steps)
          samples.append(Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t))
        }
      }
    }
    for mark in chart.marks {
      switch mark {
      case .line(let line):
        let scale = layout.yScale(line.axis)
        runs(line.points).forEach { addPolyline($0.map { pixel($0, scale) }) }
      case .area(let area):
        let scale = layout.yScale(area.axis)
        runs(area.points).forEach { addPolyline($0.map { pixel($0, scale) }) }
      case .points(let points):
        let scale = layout.yScale(points.axis)
        samples += points.points.filter { $0.x.isFinite && $0.y.isFinite }.map { pixel($0, scale) }
      default: break
      }
    }
    return samples
  }

  private func paintAnnotation(_ annotation: TextMark, color: Color) {
    let size = annotation.size ?? theme.labelSize
    let fit = TextFitting(renderer: renderer, size: size, weight: annotation.weight)
    let label = fit.truncate(annotation.text, toWidth: plot.width)
    guard !label.isEmpty, annotation.position.x.isFinite, annotation.position.y.isFinite else {
      return
    }
    var point = pixel(annotation.position, layout.yScale(annotation.axis))
    let box = fit.measure(label).bounds(at: point, anchor: annotation.anchor)
    // Nudge the text back inside the plot area.
    if box.minX < plot.minX { point.x += plot.minX - box.minX }
    if box.maxX > plot.maxX { point.x -= box.maxX - plot.maxX }
    if box.minY < plot.minY { point.y += plot.minY - box.minY }
    if box.maxY > plot.maxY { point.y -= box.maxY - plot.maxY }
    renderer.setColor(color)
    renderer.text(
      label, at: point, size: size, weight: annotation.weight, anchor: annotation.anchor,
      rotation: 0)
  }

  // MARK: Legend

  func paintLegendSwatches() {
    for item in layout.legendItems {
      let rect = item.swatchRect
      switch item.swatch {
      case .box:
        renderer.setColor(item.color)
        renderer.fillRect(rect)
      case .line(let style):
        // The series' own stroke and marker; one marker, in the middle, without the halo
        // (which in the plot separates series, and here would cut the swatch's line).
        let ends = [Point(x: rect.minX, y: rect.midY), Point(x: rect.maxX, y: rect.midY)]
        stroke([ends], style: style, color: item.color)
        if let radius = style.markerRadius {
          marker(
            at: Point(x: rect.midX, y: rect.midY), radius: radius, color: item.color, halo: false)
        }
      case .marker:
        marker(
          at: Point(x: rect.midX, y: rect.midY), radius: rect.height / 2 - 1,
          color: item.color)
      }
    }
  }
}
