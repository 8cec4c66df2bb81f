/// One named series of bar heights (NaN draws no bar): the same type as a spec's series.
public typealias BarSeries = NamedSeries

/// Vertical bars: single, grouped side by side, or stacked.
///
/// On a category axis `x` holds category indices and bars fill the band; on a linear or time
/// axis `x` holds bar centres and `width` the bar width in data units (e.g. 7 for weeks).
public struct BarMark: Sendable, Hashable {
  /// How several series share an x position.
  public enum Layout: String, Sendable, Hashable, Codable {
    /// Side by side.
    case grouped
    /// On top of each other (positive values up, negative values down).
    case stacked
  }

  /// Bar positions (category indices or centres in data units).
  public var x: [Double]
  /// The series; one bar per series per x.
  public var series: [BarSeries]
  /// Grouped or stacked.
  public var layout: Layout
  /// Bar (group) width in data units on continuous axes; nil uses 80% of the tightest spacing.
  public var width: Double?
  /// The y axis the values are measured against.
  public var axis: YAxisSide

  /// Creates bars at explicit x positions.
  public init(
    x: [Double], series: [BarSeries], layout: Layout = .grouped, width: Double? = nil,
    axis: YAxisSide = .left
  ) {
    self.x = x
    self.series = series
    self.layout = layout
    self.width = width
    self.axis = axis
  }

  /// Creates bars over category indices 0, 1, 2, ….
  public init(series: [BarSeries], layout: Layout = .grouped, axis: YAxisSide = .left) {
    let count = series.map(\.values.count).max() ?? 0
    self.init(x: (0..<count).map(Double.init), series: series, layout: layout, axis: axis)
  }

  /// Creates a single series of bars over category indices.
  public init(name: String, values: [Double], color: Color? = nil, axis: YAxisSide = .left) {
    self.init(series: [BarSeries(name: name, values: values, color: color)], axis: axis)
  }
}
