/// How a line is stroked: width, dash and markers.
///
/// The one description a line's plot stroke and its legend swatch are both drawn from, so the
/// legend shows each series as the plot does (a dashed series has a dashed swatch).
public struct LineStyle: Sendable, Hashable {
  /// Stroke width in points.
  public var width: Double
  /// Dash pattern (empty for solid).
  public var dash: [Double]
  /// Radius of the point markers, or nil for a line without markers.
  public var markerRadius: Double?

  /// Creates a line style.
  public init(width: Double, dash: [Double] = [], markerRadius: Double? = nil) {
    self.width = width
    self.dash = dash
    self.markerRadius = markerRadius
  }
}
