import ArcadenceCharts
import Testing

/// Layout keeps every text inside the canvas and apart from every other text.
struct LayoutTests {
  /// Fails for any text box that leaves the canvas or overlaps another text box.
  static func expectTidy(
    _ texts: [RecordedText], canvas: Rect, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let visible = texts.filter { !$0.string.isEmpty }
    for text in visible {
      let inside = text.corners.allSatisfy { canvas.contains($0, tolerance: 0.01) }
      #expect(inside, "outside canvas: \(text.string)", sourceLocation: sourceLocation)
    }
    for (index, a) in visible.enumerated() {
      for b in visible[(index + 1)...] {
        let overlap = Geometry.quadsOverlap(a.corners, b.corners)
        #expect(!overlap, "overlap: \(a.string) / \(b.string)", sourceLocation: sourceLocation)
      }
    }
  }

  static func record(
    _ chart: some ChartDrawable, with renderer: RecordingRenderer = RecordingRenderer()
  ) throws -> RecordingRenderer {
    try renderer.paint(chart)
    return renderer
  }

  @Test(arguments: [XAxis.LabelStrategy.auto, .truncate, .rotate, .thin])
  func hostileLabelsStayInsideAndApart(strategy: XAxis.LabelStrategy) throws {
    let chart = SampleCharts.hostile(strategy: strategy)
    #expect(SampleCharts.hostileLabel.count >= 200)
    let recorder = try Self.record(chart)
    let canvas = Rect(x: 0, y: 0, width: chart.width, height: chart.height)
    Self.expectTidy(recorder.texts, canvas: canvas)
    // The hostile category label is shortened with an ellipsis, never dropped whole.
    let xLabels = chart.layout(measuringWith: recorder).texts.filter { $0.role == .xTick }
    let hostile = xLabels.first { $0.string.hasPrefix("<script>") }
    #expect(hostile?.string.hasSuffix("…") == true)
    #expect(xLabels.contains { $0.string == "Current" })
    // The title wraps to two lines and ends with an ellipsis.
    let titles = recorder.texts.filter { $0.weight == .bold && $0.size == chart.theme.titleSize }
    #expect(titles.count == 2)
    #expect(titles.last?.string.hasSuffix("…") == true)
  }

  @Test func hostileLabelsWithRealFontMetrics() throws {
    let cairo = CairoRenderer()
    let recorder = RecordingRenderer { cairo.measureText($0, size: $1, weight: $2) }
    for strategy in [XAxis.LabelStrategy.auto, .truncate, .rotate] {
      let chart = SampleCharts.hostile(strategy: strategy)
      _ = try Self.record(chart, with: recorder)
      Self.expectTidy(
        recorder.texts, canvas: Rect(x: 0, y: 0, width: chart.width, height: chart.height))
    }
  }

  @Test func everySampleIsTidyWithRealFontMetrics() throws {
    let cairo = CairoRenderer()
    for (name, chart) in SampleImageTests.samples {
      let recorder = RecordingRenderer { cairo.measureText($0, size: $1, weight: $2) }
      _ = try Self.record(chart, with: recorder)
      let canvas = Rect(x: 0, y: 0, width: chart.size.width, height: chart.size.height)
      #expect(recorder.texts.count > 5, "\(name) drew too little text")
      Self.expectTidy(recorder.texts, canvas: canvas)
    }
  }

  @Test func leftMarginGrowsToWidestTickLabel() throws {
    let chart = Chart(
      width: 600, height: 400, title: "Wide labels", xAxis: .categories(["a", "b"]),
      yAxis: YAxis(format: .number), marks: [.bars(BarMark(name: "v", values: [1, 123_456_789]))])
    let recorder = RecordingRenderer()
    let layout = chart.layout(measuringWith: recorder)
    // Loose ticks end at 125,000,000: 11 characters × 0.6 × 11 pt = 72.6 pt, plus an 8 pt gap,
    // inside the 18 pt padding.
    #expect(layout.leftTicks.last == 125_000_000)
    #expect(abs(layout.plot.minX - (18 + 72.6 + 8)) < 1e-9)
    let yLabels = layout.texts.filter { $0.role == .yTick }
    #expect(yLabels.map(\.string).last == "125,000,000")
    try Self.expectTidy(Self.record(chart).texts, canvas: Rect(x: 0, y: 0, width: 600, height: 400))
  }

  @Test func crowdedDateLabelsAreThinned() throws {
    let weeks = (0..<52).map { ChartFormat.date(20_640 + Int32($0 * 7), style: .monthDay) }
    let chart = Chart(
      width: 500, height: 300, title: "52 weeks", xAxis: .categories(weeks),
      marks: [.bars(BarMark(name: "v", values: (0..<52).map { Double($0 % 7) }))])
    let recorder = try Self.record(chart)
    let layout = chart.layout(measuringWith: recorder)
    let shown = layout.texts.filter { $0.role == .xTick }
    #expect(shown.count < 52 && shown.count >= 5)
    #expect(shown.first?.string == "Jul 6")
    #expect(shown.allSatisfy { $0.rotation == 0 })
    Self.expectTidy(recorder.texts, canvas: Rect(x: 0, y: 0, width: 500, height: 300))
  }

  @Test func legendWrapsOntoSeveralLines() throws {
    let series = (1...8).map { LineMark(name: "Customer segment number \($0)", values: [1, 2]) }
    let chart = Chart(
      width: 420, height: 360, title: "Legend", xAxis: .categories(["Q1", "Q2"]),
      marks: series.map(Mark.line))
    let recorder = try Self.record(chart)
    let layout = chart.layout(measuringWith: recorder)
    let rows = Set(layout.legendItems.map { $0.swatchRect.minY })
    #expect(layout.legendItems.count == 8)
    #expect(rows.count >= 4)
    #expect(layout.legendItems.allSatisfy { $0.swatchRect.maxX <= 420 - 18 + 1e-9 })
    Self.expectTidy(recorder.texts, canvas: Rect(x: 0, y: 0, width: 420, height: 360))
  }

  @Test func rightAxisAlignsWithLeftGridlines() {
    let chart = SampleCharts.dualAxis().makeChart()
    let layout = chart.layout(measuringWith: RecordingRenderer())
    // The right axis is fixed at 50%–100% (ticks every 10%): the left axis is given six nice
    // ticks too, $0 to $1M, so every right tick sits on a left gridline.
    #expect(layout.rightTicks?.values == [0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    #expect(layout.leftTicks.values == [0, 200_000, 400_000, 600_000, 800_000, 1_000_000])
    let right = layout.rightTicks?.values.map { layout.right!.map($0) } ?? []
    let left = layout.leftTicks.values.map(layout.left.map)
    #expect(zip(left, right).allSatisfy { abs($0 - $1) < 1e-9 })
  }

  @Test func smallMultiplesShareTheYDomain() throws {
    let grid = SampleCharts.smallMultiples()
    let domains = Set(grid.preparedPanels().map { $0.yAxis.domain })
    #expect(domains.count == 1)
    #expect(domains.first! == 0...75)
    let recorder = try Self.record(grid)
    Self.expectTidy(recorder.texts, canvas: Rect(x: 0, y: 0, width: 960, height: 640))
    #expect(recorder.texts.contains { $0.string == "APAC" })
  }
}
