import ArcadenceCharts
import Testing

struct RecordingRendererTests {
  static let barColor = Palette.blue

  @Test func threeBarsHaveHeightsInRatioOneTwoFour() throws {
    let chart = Chart(
      width: 600, height: 400, title: "Three bars", xAxis: .categories(["A", "B", "C"]),
      yAxis: YAxis(domain: 0...40),
      marks: [.bars(BarMark(name: "Open", values: [10, 20, 40], color: Self.barColor))])
    let recorder = RecordingRenderer()
    try recorder.paint(chart)
    let bars = recorder.filledRects.filter { $0.color == Self.barColor }.map(\.rect)
    #expect(bars.count == 3)
    let plot = chart.layout(measuringWith: recorder).plot
    let heights = bars.map(\.height)
    #expect(abs(heights[1] - 2 * heights[0]) < 1e-9)
    #expect(abs(heights[2] - 4 * heights[0]) < 1e-9)
    #expect(abs(heights[2] - plot.height) < 1e-9)
    #expect(abs(heights[0] - plot.height / 4) < 1e-9)
    #expect(bars.allSatisfy { abs($0.maxY - plot.maxY) < 1e-9 })
    // Bars are ordered left to right, one per band, 80% of the band step wide.
    #expect(bars[0].minX < bars[1].minX && bars[1].minX < bars[2].minX)
    let step = plot.width / (3 - 0.2 + 0.2)
    #expect(abs(bars[0].width - step * 0.8) < 1e-9)
  }

  @Test func stackedBarsSitOnEachOther() throws {
    let lower = Palette.blue
    let upper = Palette.orange
    let chart = Chart(
      title: "Stacked", xAxis: .categories(["Jan", "Feb"]), yAxis: YAxis(domain: 0...50),
      marks: [
        .bars(
          BarMark(
            series: [
              BarSeries(name: "Current", values: [10, 20], color: lower),
              BarSeries(name: "Overdue", values: [30, 20], color: upper),
            ], layout: .stacked))
      ])
    let recorder = RecordingRenderer()
    try recorder.paint(chart)
    let plot = chart.layout(measuringWith: recorder).plot
    // Legend swatches share the colours but sit outside the plot.
    let inPlot = recorder.filledRects.filter { plot.contains($0.rect) }
    let bottoms = inPlot.filter { $0.color == lower }.map(\.rect)
    let tops = inPlot.filter { $0.color == upper }.map(\.rect)
    #expect(bottoms.count == 2 && tops.count == 2)
    for (bottom, top) in zip(bottoms, tops) {
      #expect(abs(top.maxY - bottom.minY) < 1e-9)
      #expect(top.minX == bottom.minX && top.width == bottom.width)
    }
    // January: 10 + 30 = 40 of 50 → 80% of the plot height.
    #expect(abs(bottoms[0].height + tops[0].height - plot.height * 0.8) < 1e-9)
  }

  @Test func rightAxisSeriesUseTheRightScale() throws {
    let chart = Chart(
      title: "Dual", xAxis: .categories(["a", "b", "c"]), yAxis: YAxis(format: .money),
      rightAxis: YAxis(format: .percent, domain: 0...1),
      marks: [
        .bars(BarMark(name: "Collected", values: [100, 200, 300])),
        .line(
          LineMark(
            name: "Rate", values: [0, 0.5, 1], color: Palette.vermillion,
            axis: .right)),
      ])
    let recorder = RecordingRenderer()
    try recorder.paint(chart)
    let layout = chart.layout(measuringWith: recorder)
    let lines = recorder.operations.compactMap { operation -> Path? in
      if case .strokePath(let path, let color, _) = operation, color == Palette.vermillion {
        return path
      }
      return nil
    }
    guard case .move(let first) = lines.first?.elements.first,
      case .line(let middle) = lines.first?.elements[1]
    else {
      Issue.record("no line path recorded")
      return
    }
    #expect(abs(first.y - layout.plot.maxY) < 1e-9)
    #expect(abs(middle.y - layout.plot.midY) < 1e-9)
    #expect(layout.texts.filter { $0.role == .yTick }.map(\.string).contains("100%"))
  }

  @Test func ruleDrawsDashedLineAndLabel() throws {
    let chart = Chart(
      title: "Rule", xAxis: .linear(domain: 0...60), yAxis: YAxis(domain: 0...1),
      marks: [.rule(.vertical(x: 14, label: "14 days", color: Palette.vermillion))])
    let recorder = RecordingRenderer()
    try recorder.paint(chart)
    let layout = chart.layout(measuringWith: recorder)
    #expect(recorder.operations.contains(.setDash([6, 4])))
    let label = recorder.texts.first { $0.string == "14 days" }
    #expect(label != nil)
    let x = layout.x.position(14)
    #expect(abs(x - (layout.plot.minX + layout.plot.width * 14 / 60)) < 1e-9)
    #expect(label.map { layout.plot.contains($0.bounds) } == true)
  }

  @Test func paretoRowsAreSortedWithCumulativeShares() {
    let spec = ParetoSpec(
      title: "P", categories: ["b", "a", "c", "d"], values: [30, 50, 15, 5], maxCategories: 3)
    let rows = spec.rows()
    #expect(rows.map(\.category) == ["a", "b", "All other (2)"])
    #expect(rows.map(\.value) == [50, 30, 20])
    #expect(rows.map(\.cumulativeShare) == [0.5, 0.8, 1.0])
  }

  @Test func histogramBinsCountValues() {
    let spec = HistogramSpec(title: "H", values: [0, 1, 4.9, 5, 12, .nan], binWidth: 5)
    let bins = spec.bins()
    #expect(bins.map(\.start) == [0, 5, 10])
    #expect(bins.map(\.count) == [3, 1, 1])
  }
}
