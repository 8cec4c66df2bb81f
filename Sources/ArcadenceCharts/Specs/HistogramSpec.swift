import Foundation

/// A histogram of values in fixed-width bins, with an optional vertical marker rule
/// (e.g. days-to-pay with a "14 days" terms line).
public struct HistogramSpec: ChartSpec {
  /// Chart title.
  public var title: String
  /// Period and data source.
  public var subtitle: String?
  /// Footnote or caption.
  public var footnote: String?
  /// The raw observations (non-finite ones are ignored).
  public var values: [Double]
  /// Width of each bin in data units.
  public var binWidth: Double
  /// Where bin edges are anchored (edges are `origin + k × binWidth`).
  public var binOrigin: Double
  /// The x axis title and tick format.
  public var valueAxis: XAxis
  /// The count axis.
  public var countAxis: YAxis
  /// Optional marker line, e.g. `(14, "14 days")`.
  public var marker: (value: Double, label: String)?
  /// Bar colour.
  public var color: Color?
  /// Canvas width.
  public var width: Double
  /// Canvas height.
  public var height: Double

  /// Creates the spec.
  public init(
    title: String, subtitle: String? = nil, footnote: String? = nil, values: [Double],
    binWidth: Double, binOrigin: Double = 0, valueAxis: XAxis = .linear(),
    countAxis: YAxis = YAxis(title: "Count"), marker: (value: Double, label: String)? = nil,
    color: Color? = nil, width: Double = 800, height: Double = 500
  ) {
    self.title = title
    self.subtitle = subtitle
    self.footnote = footnote
    self.values = values
    self.binWidth = binWidth
    self.binOrigin = binOrigin
    self.valueAxis = valueAxis
    self.countAxis = countAxis
    self.marker = marker
    self.color = color
    self.width = width
    self.height = height
  }

  /// The bins from the lowest to the highest occupied one: start edge and count.
  public func bins() -> [(start: Double, count: Int)] {
    guard binWidth > 0 else { return [] }
    let indices = values.filter(\.isFinite).map { Int(floor(($0 - binOrigin) / binWidth)) }
    guard let low = indices.min(), let high = indices.max() else { return [] }
    var counts = [Int](repeating: 0, count: high - low + 1)
    for index in indices { counts[index - low] += 1 }
    return counts.enumerated().map {
      (binOrigin + Double(low + $0.offset) * binWidth, $0.element)
    }
  }

  /// Builds the histogram.
  public func makeChart() -> Chart {
    let bins = bins()
    var marks: [Mark] = [
      .bars(
        BarMark(
          x: bins.map { $0.start + binWidth / 2 },
          series: [BarSeries(name: "Count", values: bins.map { Double($0.count) }, color: color)],
          width: binWidth * 0.92))
    ]
    if let marker {
      marks.append(.rule(.vertical(x: marker.value, label: marker.label)))
    }
    var axis = valueAxis
    if axis.domain == nil, let first = bins.first, let last = bins.last {
      var low = first.start
      var high = last.start + binWidth
      if let marker {
        low = min(low, marker.value)
        high = max(high, marker.value)
      }
      axis.domain = low...high
    }
    return Chart(
      width: width, height: height, title: title, subtitle: subtitle, footnote: footnote,
      xAxis: axis, yAxis: countAxis, marks: marks)
  }
}
