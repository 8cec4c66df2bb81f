/// A filled band between a lower and an upper series (e.g. a P5–P95 forecast range).
public struct BandMark: Sendable, Hashable {
  /// Legend name (empty hides it from the legend).
  public var name: String
  /// Shared x coordinates.
  public var x: [Double]
  /// Lower bound at each x.
  public var lower: [Double]
  /// Upper bound at each x.
  public var upper: [Double]
  /// Explicit colour, or nil for the next palette colour.
  public var color: Color?
  /// Fill opacity.
  public var opacity: Double
  /// The y axis the values are measured against.
  public var axis: YAxisSide

  /// Creates a band; the three arrays are paired up to the shortest length.
  public init(
    name: String, x: [Double], lower: [Double], upper: [Double], color: Color? = nil,
    opacity: Double = 0.2, axis: YAxisSide = .left
  ) {
    self.name = name
    self.x = x
    self.lower = lower
    self.upper = upper
    self.color = color
    self.opacity = opacity
    self.axis = axis
  }

  /// Creates a band over days since 1970-01-01.
  public init(
    name: String, days: [Int32], lower: [Double], upper: [Double], color: Color? = nil,
    opacity: Double = 0.2, axis: YAxisSide = .left
  ) {
    self.init(
      name: name, x: days.map(Double.init), lower: lower, upper: upper, color: color,
      opacity: opacity, axis: axis)
  }
}
