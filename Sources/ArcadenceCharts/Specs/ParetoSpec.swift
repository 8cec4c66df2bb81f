/// A Pareto chart: categories sorted by value as bars, plus the cumulative share as a line on
/// a 0–100% right axis (e.g. overdue balance by customer).
public struct ParetoSpec: ChartSpec {
  /// Chart title.
  public var title: String
  /// Period and data source.
  public var subtitle: String?
  /// Footnote or caption.
  public var footnote: String?
  /// Category names.
  public var categories: [String]
  /// One value per category (need not be sorted).
  public var values: [Double]
  /// Legend name of the bars.
  public var valueName: String
  /// Legend name of the cumulative line.
  public var cumulativeName: String
  /// The value axis.
  public var valueAxis: YAxis
  /// Categories beyond this many are folded into one "All other" bar (nil keeps all).
  public var maxCategories: Int?
  /// Optional cumulative-share threshold rule (0.8 draws "80%").
  public var threshold: Double?
  /// Canvas width.
  public var width: Double
  /// Canvas height.
  public var height: Double

  /// Creates the spec.
  public init(
    title: String, subtitle: String? = nil, footnote: String? = nil, categories: [String],
    values: [Double], valueName: String = "Amount", cumulativeName: String = "Cumulative share",
    valueAxis: YAxis = YAxis(format: .money), maxCategories: Int? = 12,
    threshold: Double? = 0.8, width: Double = 800, height: Double = 500
  ) {
    self.title = title
    self.subtitle = subtitle
    self.footnote = footnote
    self.categories = categories
    self.values = values
    self.valueName = valueName
    self.cumulativeName = cumulativeName
    self.valueAxis = valueAxis
    self.maxCategories = maxCategories
    self.threshold = threshold
    self.width = width
    self.height = height
  }

  /// The sorted (and folded) categories with their values and cumulative shares.
  public func rows() -> [(category: String, value: Double, cumulativeShare: Double)] {
    var pairs = zip(categories, values).filter { $0.1.isFinite }.sorted { $0.1 > $1.1 }
    if let limit = maxCategories, limit >= 1, pairs.count > limit {
      let rest = pairs[(limit - 1)...]
      let other = ("All other (\(rest.count))", rest.map(\.1).reduce(0, +))
      pairs = Array(pairs.prefix(limit - 1)) + [other]
    }
    let total = pairs.map(\.1).reduce(0, +)
    var running = 0.0
    return pairs.map {
      running += $0.1
      return ($0.0, $0.1, total > 0 ? running / total : 0)
    }
  }

  /// Builds the Pareto chart.
  public func makeChart() -> Chart {
    let rows = rows()
    var marks: [Mark] = [
      .bars(BarMark(name: valueName, values: rows.map(\.value))),
      .line(
        LineMark(
          name: cumulativeName, values: rows.map(\.cumulativeShare), color: Palette.vermillion,
          showsPoints: true, axis: .right)),
    ]
    if let threshold {
      let label = ValueFormat.percent.format(threshold)
      marks.append(.rule(.horizontal(y: threshold, label: label, axis: .right)))
    }
    return Chart(
      width: width, height: height, title: title, subtitle: subtitle, footnote: footnote,
      xAxis: .categories(rows.map(\.category)), yAxis: valueAxis,
      rightAxis: YAxis(format: .percent, domain: 0...1, gridlines: false),
      legend: Legend(.visible), marks: marks)
  }
}
