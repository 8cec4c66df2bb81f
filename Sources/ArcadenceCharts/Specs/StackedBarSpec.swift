/// Stacked vertical bars per category or period (e.g. receivables by ageing bucket per month).
public struct StackedBarSpec: ChartSpec {
  /// Chart title.
  public var title: String
  /// Period and data source.
  public var subtitle: String?
  /// Footnote or caption.
  public var footnote: String?
  /// Category (or period) labels.
  public var categories: [String]
  /// Stacked series, bottom first.
  public var series: [NamedSeries]
  /// The value axis.
  public var valueAxis: YAxis
  /// Whether to print each stack's total above it.
  public var showsTotals: Bool
  /// Canvas width.
  public var width: Double
  /// Canvas height.
  public var height: Double

  /// Creates the spec from category labels.
  public init(
    title: String, subtitle: String? = nil, footnote: String? = nil, categories: [String],
    series: [NamedSeries], valueAxis: YAxis = YAxis(format: .money), showsTotals: Bool = false,
    width: Double = 800, height: Double = 500
  ) {
    self.title = title
    self.subtitle = subtitle
    self.footnote = footnote
    self.categories = categories
    self.series = series
    self.valueAxis = valueAxis
    self.showsTotals = showsTotals
    self.width = width
    self.height = height
  }

  /// Creates the spec over periods (days since 1970-01-01) labelled in `style` ("Jul 2026").
  public init(
    title: String, subtitle: String? = nil, footnote: String? = nil, periods: [Int32],
    style: ChartFormat.DateStyle = .monthYear, series: [NamedSeries],
    valueAxis: YAxis = YAxis(format: .money), showsTotals: Bool = false,
    width: Double = 800, height: Double = 500
  ) {
    self.init(
      title: title, subtitle: subtitle, footnote: footnote,
      categories: periods.map { ChartFormat.date($0, style: style) }, series: series,
      valueAxis: valueAxis, showsTotals: showsTotals, width: width, height: height)
  }

  /// Builds the stacked bar chart.
  public func makeChart() -> Chart {
    var marks: [Mark] = [
      .bars(
        BarMark(
          x: categories.indices.map(Double.init),
          series: series.map { BarSeries(name: $0.name, values: $0.values, color: $0.color) },
          layout: .stacked))
    ]
    if showsTotals {
      for index in categories.indices {
        let total = series.map { index < $0.values.count ? $0.values[index] : 0 }
          .filter(\.isFinite).reduce(0, +)
        marks.append(
          .text(
            TextMark(
              valueAxis.format.format(total), at: DataPoint(x: Double(index), y: total),
              anchor: TextAnchor(.middle, .bottom), size: 9.5)))
      }
    }
    return Chart(
      width: width, height: height, title: title, subtitle: subtitle, footnote: footnote,
      xAxis: .categories(categories), yAxis: valueAxis, marks: marks)
  }
}
