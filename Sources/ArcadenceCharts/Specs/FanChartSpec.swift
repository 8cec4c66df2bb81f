/// A forecast fan chart: P5–P95 and P25–P75 bands with a median line, after an optional
/// history line (e.g. projected cash collections).
public struct FanChartSpec: ChartSpec {
  /// Chart title.
  public var title: String
  /// Period and data source.
  public var subtitle: String?
  /// Footnote or caption.
  public var footnote: String?
  /// Days of the observed history (days since 1970-01-01).
  public var historyDays: [Int32]
  /// Observed values.
  public var history: [Double]
  /// Days of the forecast.
  public var forecastDays: [Int32]
  /// 5th percentile per forecast day.
  public var p5: [Double]
  /// 25th percentile per forecast day.
  public var p25: [Double]
  /// Median per forecast day.
  public var p50: [Double]
  /// 75th percentile per forecast day.
  public var p75: [Double]
  /// 95th percentile per forecast day.
  public var p95: [Double]
  /// The value axis.
  public var valueAxis: YAxis
  /// The forecast hue.
  public var color: Color
  /// Label of the rule at the forecast start (nil for none).
  public var forecastStartLabel: String?
  /// Canvas width.
  public var width: Double
  /// Canvas height.
  public var height: Double

  /// Creates the spec.
  public init(
    title: String, subtitle: String? = nil, footnote: String? = nil, historyDays: [Int32] = [],
    history: [Double] = [], forecastDays: [Int32], p5: [Double], p25: [Double], p50: [Double],
    p75: [Double], p95: [Double], valueAxis: YAxis = YAxis(format: .money),
    color: Color = Palette.blue, forecastStartLabel: String? = "Forecast",
    width: Double = 800, height: Double = 500
  ) {
    self.title = title
    self.subtitle = subtitle
    self.footnote = footnote
    self.historyDays = historyDays
    self.history = history
    self.forecastDays = forecastDays
    self.p5 = p5
    self.p25 = p25
    self.p50 = p50
    self.p75 = p75
    self.p95 = p95
    self.valueAxis = valueAxis
    self.color = color
    self.forecastStartLabel = forecastStartLabel
    self.width = width
    self.height = height
  }

  /// Builds the fan chart.
  public func makeChart() -> Chart {
    var marks: [Mark] = [
      .band(
        BandMark(
          name: "P5–P95", days: forecastDays, lower: p5, upper: p95, color: color,
          opacity: 0.16)),
      .band(
        BandMark(
          name: "P25–P75", days: forecastDays, lower: p25, upper: p75, color: color,
          opacity: 0.3)),
      .line(
        LineMark(
          name: "Median forecast", points: DataPoint.daily(forecastDays, p50), color: color,
          dash: [7, 4])),
    ]
    if !historyDays.isEmpty {
      marks.insert(
        .line(
          LineMark(
            name: "Actual", points: DataPoint.daily(historyDays, history),
            color: Color(hex: 0x333333))),
        at: 0)
      if let label = forecastStartLabel, let start = forecastDays.first {
        marks.append(.rule(.vertical(x: Double(start), label: label)))
      }
    }
    return Chart(
      width: width, height: height, title: title, subtitle: subtitle, footnote: footnote,
      xAxis: .time(), yAxis: valueAxis, legend: Legend(.visible), marks: marks)
  }
}
