/// A line through data points, optionally with point markers.
public struct LineMark: Sendable, Hashable {
  /// Legend name (empty hides it from the legend).
  public var name: String
  /// The data, in x order; NaN y values break the line.
  public var points: [DataPoint]
  /// Explicit colour, or nil for the next palette colour.
  public var color: Color?
  /// Stroke width in points.
  public var lineWidth: Double
  /// Dash pattern (empty for solid).
  public var dash: [Double]
  /// Whether to draw a marker at each point.
  public var showsPoints: Bool
  /// The y axis the values are measured against.
  public var axis: YAxisSide

  /// Creates a line mark.
  public init(
    name: String, points: [DataPoint], color: Color? = nil, lineWidth: Double = 2.25,
    dash: [Double] = [], showsPoints: Bool = false, axis: YAxisSide = .left
  ) {
    self.name = name
    self.points = points
    self.color = color
    self.lineWidth = lineWidth
    self.dash = dash
    self.showsPoints = showsPoints
    self.axis = axis
  }

  /// The stroke the plot and the legend swatch both use; markers are 1.6 × the line width.
  public var style: LineStyle {
    LineStyle(width: lineWidth, dash: dash, markerRadius: showsPoints ? lineWidth * 1.6 : nil)
  }

  /// Creates a line over category indices 0, 1, 2, ….
  public init(
    name: String, values: [Double], color: Color? = nil, showsPoints: Bool = false,
    axis: YAxisSide = .left
  ) {
    self.init(
      name: name, points: DataPoint.indexed(values), color: color, showsPoints: showsPoints,
      axis: axis)
  }
}
