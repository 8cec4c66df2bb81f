/// Bars per period on the left axis (e.g. money collected per week) with a line on a right
/// axis (e.g. on-time rate in percent), on a calendar x axis.
public struct DualAxisBarLineSpec: ChartSpec {
  /// Chart title.
  public var title: String
  /// Period and data source.
  public var subtitle: String?
  /// Footnote or caption.
  public var footnote: String?
  /// First day of each period (days since 1970-01-01), e.g. Mondays.
  public var periodStarts: [Int32]
  /// Length of each period in days (7 for weeks).
  public var periodLength: Int32
  /// The bar series (left axis).
  public var bars: NamedSeries
  /// The line series (right axis).
  public var line: NamedSeries
  /// Left axis title and format.
  public var barAxis: YAxis
  /// Right axis title and format.
  public var lineAxis: YAxis
  /// Optional target on the right axis, e.g. `(0.95, "95% goal")`.
  public var lineTarget: (value: Double, label: String)?
  /// Canvas width.
  public var width: Double
  /// Canvas height.
  public var height: Double

  /// Creates the spec; defaults give money bars on the left and a 0–100% line on the right.
  public init(
    title: String, subtitle: String? = nil, footnote: String? = nil, periodStarts: [Int32],
    periodLength: Int32 = 7, bars: NamedSeries, line: NamedSeries,
    barAxis: YAxis = YAxis(format: .money),
    lineAxis: YAxis = YAxis(format: .percent, domain: 0...1, gridlines: false),
    lineTarget: (value: Double, label: String)? = nil, width: Double = 800,
    height: Double = 500
  ) {
    self.title = title
    self.subtitle = subtitle
    self.footnote = footnote
    self.periodStarts = periodStarts
    self.periodLength = periodLength
    self.bars = bars
    self.line = line
    self.barAxis = barAxis
    self.lineAxis = lineAxis
    self.lineTarget = lineTarget
    self.width = width
    self.height = height
  }

  /// Builds the dual-axis chart.
  public func makeChart() -> Chart {
    let centres = periodStarts.map { Double($0) + Double(periodLength) / 2 }
    var marks: [Mark] = [
      .bars(
        BarMark(
          x: centres, series: [BarSeries(name: bars.name, values: bars.values, color: bars.color)],
          width: Double(periodLength) * 0.72)),
      .line(
        LineMark(
          name: line.name,
          points: zip(centres, line.values).map { DataPoint(x: $0, y: $1) },
          color: line.color ?? Palette.vermillion, showsPoints: true, axis: .right)),
    ]
    if let lineTarget {
      marks.append(.rule(.horizontal(y: lineTarget.value, label: lineTarget.label, axis: .right)))
    }
    var domain: ClosedRange<Int32>?
    if let first = periodStarts.min(), let last = periodStarts.max() {
      domain = first...(last + periodLength)
    }
    return Chart(
      width: width, height: height, title: title, subtitle: subtitle, footnote: footnote,
      xAxis: .time(domain: domain), yAxis: barAxis, rightAxis: lineAxis,
      legend: Legend(.visible), marks: marks)
  }
}
