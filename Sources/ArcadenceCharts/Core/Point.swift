/// A point in chart coordinates: points (1/72 in), origin top-left, y growing downward.
public struct Point: Sendable, Hashable {
  /// Horizontal coordinate in points.
  public var x: Double
  /// Vertical coordinate in points (downward).
  public var y: Double

  /// Creates a point from its coordinates.
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}
