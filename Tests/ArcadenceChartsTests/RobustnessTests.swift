import ArcadenceCharts
import Testing

/// Odd inputs never crash, hang or throw, and still keep text inside the canvas.
struct RobustnessTests {
  @Test func extremeTickRangesTerminate() {
    #expect(ExtendedTicks.ticks(lower: 1e15, upper: 1e15 + 2, count: 5).count >= 2)
    #expect(ExtendedTicks.ticks(lower: 0, upper: 1e-300, count: 5).count >= 2)
    #expect(ExtendedTicks.ticks(lower: -1e300, upper: 1e300, count: 5).count >= 2)
    #expect(ExtendedTicks.ticks(lower: .nan, upper: 1, count: 5).count == 0)
    #expect(ExtendedTicks.ticks(lower: 5, upper: 5, count: 5).values == [4.5, 4.75, 5, 5.25, 5.5])
    #expect(ExtendedTicks.ticks(lower: 7, upper: 3, count: 3).values == [3, 5, 7])
  }

  @Test func degenerateChartsRender() throws {
    let charts: [Chart] = [
      Chart(
        width: 120, height: 90, title: "Tiny chart with a long title that must wrap",
        xAxis: .categories(["a", "b"]), marks: [.bars(BarMark(name: "x", values: [1, 2]))]),
      Chart(title: "", xAxis: .time(), marks: []),
      Chart(
        title: "All zero", xAxis: .linear(),
        marks: [
          .line(LineMark(name: "z", points: [DataPoint(x: 0, y: 0), DataPoint(x: 1, y: 0)]))
        ]),
      Chart(
        title: "Negative", xAxis: .categories(["a", "b", "c"]), yAxis: YAxis(format: .money),
        marks: [.bars(BarMark(name: "n", values: [-2_500, 1_200, .nan]))]),
      Chart(
        title: "NaN gaps", xAxis: .linear(),
        marks: [
          .line(LineMark(name: "g", values: [1, .nan, 3, 4])),
          .area(AreaMark(name: "a", points: DataPoint.indexed([.nan, 2, 1]))),
        ]),
    ]
    for chart in charts {
      let recorder = RecordingRenderer()
      try recorder.paint(chart)
      LayoutTests.expectTidy(
        recorder.texts, canvas: Rect(x: 0, y: 0, width: chart.width, height: chart.height))
      #expect(try CairoRenderer().render(chart, format: .png()).count > 100)
    }
  }
}
