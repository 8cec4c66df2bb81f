/// A filled area between a series and a constant baseline (zero by default).
public struct AreaMark: Sendable, Hashable {
  /// Legend name (empty hides it from the legend).
  public var name: String
  /// The data, in x order.
  public var points: [DataPoint]
  /// The y value the area fills down (or up) to.
  public var baseline: Double
  /// Explicit colour, or nil for the next palette colour.
  public var color: Color?
  /// Fill opacity.
  public var opacity: Double
  /// Whether to stroke the top edge in the solid colour.
  public var strokesEdge: Bool
  /// The y axis the values are measured against.
  public var axis: YAxisSide

  /// Creates an area mark.
  public init(
    name: String, points: [DataPoint], baseline: Double = 0, color: Color? = nil,
    opacity: Double = 0.3, strokesEdge: Bool = true, axis: YAxisSide = .left
  ) {
    self.name = name
    self.points = points
    self.baseline = baseline
    self.color = color
    self.opacity = opacity
    self.strokesEdge = strokesEdge
    self.axis = axis
  }
}
