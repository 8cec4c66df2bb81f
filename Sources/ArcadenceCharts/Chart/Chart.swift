// ArcadenceCharts — charts for accounts-receivable analytics.

/// A complete chart — canvas size, titles, axes, legend, theme and mark layers — and the
/// entry point of ArcadenceCharts.
///
/// ## Overview
/// A `Chart` is a pure value that knows nothing of Cairo. Drawing goes through the small
/// `Renderer` protocol: `CairoRenderer` writes PNG (with a high-DPI `scale`), SVG or PDF to a
/// file or to bytes, and `RecordingRenderer` records operations for tests. Layout measures
/// every label with the renderer, so titles wrap, the y margins grow to the widest tick label,
/// crowded x labels are thinned, rotated or truncated with "…", and the legend wraps. Ticks
/// use extended Wilkinson (Talbot, Lin & Hanrahan 2010) and are exact decimals.
///
/// Ready-made specs build common charts in one call — `DualAxisBarLineSpec`,
/// `StackedBarSpec`, `LineRuleSpec`, `HistogramSpec`, `ParetoSpec`, `FanChartSpec` — and
/// `SmallMultiples` grids several charts on one canvas.
///
/// Charts, specs and grids are `Codable`; `AnyChart` tags each with its kind, so the numbers
/// behind a chart can be written as JSON and drawn again, here or by another tool.
///
/// ## Usage: a dual-axis weekly chart
/// ```swift
/// import ArcadenceCharts
///
/// let weeks: [Int32] = (0..<12).map { 20_640 + 7 * Int32($0) }  // Mondays from 2026-07-06
/// let centres = weeks.map { Double($0) + 3.5 }
/// let chart = Chart(
///   title: "Weekly collections vs. on-time rate",
///   subtitle: "Jul–Sep 2026 · Source: ledger export",
///   xAxis: .time(),
///   yAxis: YAxis(title: "Collected", format: .money),
///   rightAxis: YAxis(title: "On time", format: .percent, domain: 0...1),
///   marks: [
///     .bars(BarMark(x: centres, series: [BarSeries(name: "Collected", values: collected)],
///                   width: 5)),
///     .line(LineMark(name: "On-time rate",
///                    points: zip(centres, onTime).map { DataPoint(x: $0, y: $1) },
///                    showsPoints: true, axis: .right)),
///     .rule(.horizontal(y: 0.95, label: "95% goal", axis: .right)),
///   ])
/// try CairoRenderer().write(chart, to: "collections.png", format: .png(scale: 2))
/// let svg: [UInt8] = try CairoRenderer().render(chart, format: .svg)
/// ```
/// The same chart in one call: `DualAxisBarLineSpec(title:periodStarts:bars:line:)`.
public struct Chart: Sendable, ChartDrawable {
  /// Canvas width in points.
  public var width: Double
  /// Canvas height in points.
  public var height: Double
  /// Title, top left, bold (wraps to two lines, then "…").
  public var title: String
  /// Subtitle under the title: the period and the data source.
  public var subtitle: String?
  /// Footnote or caption at the bottom (wraps to three lines).
  public var footnote: String?
  /// The horizontal axis.
  public var xAxis: XAxis
  /// The left value axis.
  public var yAxis: YAxis
  /// The optional right value axis (for marks with `axis: .right`).
  public var rightAxis: YAxis?
  /// Legend visibility (entries come from named marks).
  public var legend: Legend
  /// Colours and font sizes.
  public var theme: Theme
  /// The layers, drawn in order.
  public var marks: [Mark]

  /// Creates a chart.
  public init(
    width: Double = 800, height: Double = 500, title: String, subtitle: String? = nil,
    footnote: String? = nil, xAxis: XAxis, yAxis: YAxis = YAxis(), rightAxis: YAxis? = nil,
    legend: Legend = Legend(), theme: Theme = .light, marks: [Mark] = []
  ) {
    self.width = width
    self.height = height
    self.title = title
    self.subtitle = subtitle
    self.footnote = footnote
    self.xAxis = xAxis
    self.yAxis = yAxis
    self.rightAxis = rightAxis
    self.legend = legend
    self.theme = theme
    self.marks = marks
  }

  /// The canvas size.
  public var size: Size { Size(width: width, height: height) }

  /// Computes where everything goes, measuring text with `renderer`.
  public func layout(in frame: Rect? = nil, measuringWith renderer: any Renderer) -> ChartLayout {
    ChartLayout(
      chart: self, frame: frame ?? Rect(x: 0, y: 0, width: width, height: height),
      renderer: renderer)
  }

  /// Lays out and paints the chart into `frame`.
  public func draw(in frame: Rect, on renderer: any Renderer) {
    let layout = layout(in: frame, measuringWith: renderer)
    ChartPainter(chart: self, layout: layout, renderer: renderer).paint()
  }
}
