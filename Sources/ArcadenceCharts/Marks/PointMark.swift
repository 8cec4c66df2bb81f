/// Circular markers at data points (a scatter series).
public struct PointMark: Sendable, Hashable {
  /// Legend name (empty hides it from the legend).
  public var name: String
  /// The data.
  public var points: [DataPoint]
  /// Explicit colour, or nil for the next palette colour.
  public var color: Color?
  /// Marker radius in points.
  public var radius: Double
  /// The y axis the values are measured against.
  public var axis: YAxisSide

  /// Creates a point mark.
  public init(
    name: String, points: [DataPoint], color: Color? = nil, radius: Double = 3.5,
    axis: YAxisSide = .left
  ) {
    self.name = name
    self.points = points
    self.color = color
    self.radius = radius
    self.axis = axis
  }
}
