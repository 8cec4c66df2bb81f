/// One or more lines over calendar days with a horizontal target rule (e.g. DSO vs. target).
public struct LineRuleSpec: ChartSpec {
  /// Chart title.
  public var title: String
  /// Period and data source.
  public var subtitle: String?
  /// Footnote or caption.
  public var footnote: String?
  /// The x values (days since 1970-01-01).
  public var days: [Int32]
  /// The lines, one value per day (NaN leaves a gap).
  public var series: [NamedSeries]
  /// The value axis (zero is not forced into view by default).
  public var valueAxis: YAxis
  /// The target line, e.g. `(45, "45-day target")`.
  public var rule: (value: Double, label: String)?
  /// Whether to mark each data point.
  public var showsPoints: Bool
  /// Canvas width.
  public var width: Double
  /// Canvas height.
  public var height: Double

  /// Creates the spec.
  public init(
    title: String, subtitle: String? = nil, footnote: String? = nil, days: [Int32],
    series: [NamedSeries], valueAxis: YAxis = YAxis(includesZero: false),
    rule: (value: Double, label: String)? = nil, showsPoints: Bool = false, width: Double = 800,
    height: Double = 500
  ) {
    self.title = title
    self.subtitle = subtitle
    self.footnote = footnote
    self.days = days
    self.series = series
    self.valueAxis = valueAxis
    self.rule = rule
    self.showsPoints = showsPoints
    self.width = width
    self.height = height
  }

  /// Builds the line chart.
  public func makeChart() -> Chart {
    var marks: [Mark] = series.map {
      .line(
        LineMark(
          name: $0.name, points: DataPoint.daily(days, $0.values), color: $0.color,
          showsPoints: showsPoints))
    }
    if let rule {
      marks.append(.rule(.horizontal(y: rule.value, label: rule.label, color: Palette.vermillion)))
    }
    return Chart(
      width: width, height: height, title: title, subtitle: subtitle, footnote: footnote,
      xAxis: .time(), yAxis: valueAxis, marks: marks)
  }
}
