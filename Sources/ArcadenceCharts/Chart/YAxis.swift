/// A vertical value axis (left or right), with extended-Wilkinson ticks.
public struct YAxis: Sendable {
  /// Axis title shown above the tick labels.
  public var title: String?
  /// Tick label format.
  public var format: ValueFormat
  /// Fixed domain; nil fits the data and widens it to nice tick values.
  public var domain: ClosedRange<Double>?
  /// Whether a fitted domain must include zero.
  public var includesZero: Bool
  /// Preferred number of ticks (fewer on short plots).
  public var tickCount: Int
  /// Whether to draw horizontal gridlines (left axis only).
  public var gridlines: Bool

  /// Creates a y axis.
  public init(
    title: String? = nil, format: ValueFormat = .number, domain: ClosedRange<Double>? = nil,
    includesZero: Bool = true, tickCount: Int = 5, gridlines: Bool = true
  ) {
    self.title = title
    self.format = format
    self.domain = domain
    self.includesZero = includesZero
    self.tickCount = tickCount
    self.gridlines = gridlines
  }
}
