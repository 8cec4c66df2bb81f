import ArcadenceCharts
import Testing

/// The legend swatch of a line is drawn with the line's own stroke (colour, width, dash,
/// marker), and the plot-area clip leaves room for the markers and strokes at its edges.
struct LegendTests {
  /// A stroke as the recorder saw it, with the dash and clip in effect.
  struct Stroke {
    let points: [Point]
    let color: Color
    let width: Double
    let dash: [Double]
  }

  /// A filled circle (a marker) with the clip in effect.
  struct Disc {
    let center: Point
    let radius: Double
    let color: Color
    let clip: Rect?
  }

  static func vertices(_ path: Path) -> [Point] {
    path.elements.compactMap {
      switch $0 {
      case .move(let point), .line(let point): return point
      case .close: return nil
      }
    }
  }

  /// Replays the recording, tracking the dash and clip state.
  static func replay(_ recorder: RecordingRenderer) -> (strokes: [Stroke], discs: [Disc]) {
    var dash: [Double] = []
    var clip: Rect?
    var strokes: [Stroke] = []
    var discs: [Disc] = []
    for operation in recorder.operations {
      switch operation {
      case .setDash(let lengths): dash = lengths
      case .clip(let rect): clip = rect
      case .strokePath(let path, let color, let width):
        strokes.append(Stroke(points: vertices(path), color: color, width: width, dash: dash))
      case .fillPath(let path, let color):
        let points = vertices(path)
        // Markers are 20-gons: vertices 0 and 10 are the leftmost and rightmost.
        guard points.count == 20 else { continue }
        let minX = points.map(\.x).min() ?? 0
        let maxX = points.map(\.x).max() ?? 0
        let radius = (maxX - minX) / 2
        discs.append(
          Disc(
            center: Point(x: minX + radius, y: points[0].y), radius: radius, color: color,
            clip: clip))
      default: break
      }
    }
    return (strokes, discs)
  }

  static let rep = Color(hex: 0x0072B2)
  static let median = Color(hex: 0xE69F00)

  /// The scorecard's shape: the rep solid with markers, the team median dashed.
  static let scorecard = Chart(
    width: 600, height: 400, title: "Cash collected", xAxis: .linear(),
    marks: [
      .line(
        LineMark(
          name: "Rep", points: DataPoint.indexed([10, 30, 20, 40]), color: rep,
          showsPoints: true)),
      .line(
        LineMark(
          name: "Team median", points: DataPoint.indexed([15, 25, 25, 30]), color: median,
          dash: [5, 3])),
    ])

  /// Legend strokes are the two-point segments on a swatch's middle line.
  static func legendStroke(
    _ strokes: [Stroke], _ item: LegendItem
  ) throws -> Stroke {
    let found = strokes.filter {
      $0.points.count == 2 && $0.points.allSatisfy { $0.y == item.swatchRect.midY }
        && $0.points[0].x == item.swatchRect.minX && $0.points[1].x == item.swatchRect.maxX
    }
    #expect(found.count == 1, "one swatch stroke for \(item.name)")
    return try #require(found.first)
  }

  @Test func legendSwatchUsesTheSeriesDashWidthAndColour() throws {
    let recorder = RecordingRenderer()
    try recorder.paint(Self.scorecard)
    let layout = Self.scorecard.layout(measuringWith: recorder)
    let (strokes, _) = Self.replay(recorder)
    // The series lines are the 4-point polylines.
    let repLine = try #require(strokes.first { $0.points.count == 4 && $0.color == Self.rep })
    let medianLine = try #require(
      strokes.first { $0.points.count == 4 && $0.color == Self.median })
    #expect(repLine.dash == [])
    #expect(medianLine.dash == [5, 3])

    #expect(layout.legendItems.map(\.name) == ["Rep", "Team median"])
    let repSwatch = try Self.legendStroke(strokes, layout.legendItems[0])
    let medianSwatch = try Self.legendStroke(strokes, layout.legendItems[1])
    #expect(repSwatch.dash == [])
    #expect(medianSwatch.dash == [5, 3])
    #expect(repSwatch.color == Self.rep && medianSwatch.color == Self.median)
    #expect(repSwatch.width == 2.25 && medianSwatch.width == 2.25)
  }

  @Test func legendMarkerHasTheSeriesMarkerRadius() throws {
    let recorder = RecordingRenderer()
    try recorder.paint(Self.scorecard)
    let layout = Self.scorecard.layout(measuringWith: recorder)
    let (_, discs) = Self.replay(recorder)
    // Series markers: radius 1.6 × the 2.25 line width = 3.6, in the rep's colour.
    let repDiscs = discs.filter { $0.color == Self.rep }
    let swatch = layout.legendItems[0].swatchRect
    let inLegend = repDiscs.filter { swatch.contains($0.center) }
    let inPlot = repDiscs.filter { layout.plot.contains($0.center) }
    #expect(inPlot.count == 4)
    #expect(inPlot.allSatisfy { abs($0.radius - 3.6) < 1e-9 })
    #expect(inLegend.count == 1)
    #expect(inLegend.allSatisfy { abs($0.radius - 3.6) < 1e-9 })
    #expect(inLegend.first?.center == Point(x: swatch.midX, y: swatch.midY))
    // No marker in the median's swatch: its line has none.
    let medianSwatch = layout.legendItems[1].swatchRect
    #expect(discs.filter { medianSwatch.contains($0.center) }.isEmpty)
  }

  @Test func fanChartMedianForecastIsDashedInTheLegendToo() throws {
    let spec = FanChartSpec(
      title: "Cash", historyDays: [0, 1, 2], history: [1, 2, 3], forecastDays: [3, 4, 5],
      p5: [1, 1, 1], p25: [2, 2, 2], p50: [3, 3, 3], p75: [4, 4, 4], p95: [5, 5, 5])
    let chart = spec.makeChart()
    let recorder = RecordingRenderer()
    try recorder.paint(chart)
    let layout = chart.layout(measuringWith: recorder)
    let (strokes, _) = Self.replay(recorder)
    let names = layout.legendItems.map(\.name)
    #expect(names == ["Actual", "P5–P95", "P25–P75", "Median forecast"])
    let actual = try Self.legendStroke(strokes, layout.legendItems[0])
    let forecast = try Self.legendStroke(strokes, layout.legendItems[3])
    #expect(actual.dash == [])
    #expect(forecast.dash == [7, 4])
    let forecastLine = try #require(
      strokes.first { $0.points.count == 3 && $0.color == Palette.blue })
    #expect(forecastLine.dash == [7, 4])
  }

  @Test func smallMultiplesLegendUsesThePanelsStrokes() throws {
    let grid = SmallMultiples(
      panels: [Self.scorecard, Self.scorecard], columns: 2, title: "Scorecard", width: 900,
      height: 500)
    let recorder = RecordingRenderer()
    try recorder.paint(grid)
    let (strokes, _) = Self.replay(recorder)
    // The shared legend is the header's: the first two-point strokes drawn.
    let swatches = strokes.filter { $0.points.count == 2 }.prefix(2)
    #expect(swatches.map(\.color) == [Self.rep, Self.median])
    #expect(swatches.map(\.dash) == [[], [5, 3]])
  }

  @Test func lastPointIsNotClippedAtThePlotEdge() throws {
    let recorder = RecordingRenderer()
    try recorder.paint(Self.scorecard)
    let plot = Self.scorecard.layout(measuringWith: recorder).plot
    let (_, discs) = Self.replay(recorder)
    // The rep's last marker sits on the plot's right edge (x = 3 is the domain's end).
    let repDiscs = discs.filter {
      $0.color == Self.rep && plot.insetBy(dx: -1, dy: -1).contains($0.center)
    }
    let last = try #require(repDiscs.max { $0.center.x < $1.center.x })
    #expect(abs(last.center.x - plot.maxX) < 1e-9)
    // Its white halo (radius 3.6 + 1.25) is inside the clip: the clip is the plot grown by
    // the widest mark's reach, 4.85.
    let clip = try #require(last.clip)
    #expect(abs(plot.minX - clip.minX - 4.85) < 1e-9 && abs(clip.maxX - plot.maxX - 4.85) < 1e-9)
    #expect(abs(plot.minY - clip.minY - 4.85) < 1e-9 && abs(clip.maxY - plot.maxY - 4.85) < 1e-9)
    #expect(last.center.x + last.radius <= clip.maxX)
  }

  @Test func clipKeepsTheOldMarginWithoutMarkers() throws {
    // A plain 2.25-pt line reaches 1.125 beyond its points; the clip keeps its 3-pt margin.
    let chart = Chart(
      width: 600, height: 400, title: "Plain", xAxis: .linear(),
      marks: [.line(LineMark(name: "A", points: DataPoint.indexed([1, 2, 3])))])
    let recorder = RecordingRenderer()
    try recorder.paint(chart)
    let plot = chart.layout(measuringWith: recorder).plot
    let clips = recorder.operations.compactMap { op -> Rect?? in
      if case .clip(let rect) = op { return rect } else { return nil }
    }
    #expect(clips == [plot.insetBy(dx: -3, dy: -3), nil])
  }
}
