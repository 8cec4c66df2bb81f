/// A horizontal or vertical reference line with an optional label ("95% goal", "14 days").
public struct RuleMark: Sendable, Hashable {
  /// Where the rule sits.
  public enum Orientation: Sendable, Hashable {
    /// A horizontal line at a y value.
    case horizontal(y: Double)
    /// A vertical line at an x value.
    case vertical(x: Double)
  }

  /// Position of the rule.
  public var orientation: Orientation
  /// Label drawn next to the rule inside the plot.
  public var label: String?
  /// Explicit colour, or nil for the theme's rule colour.
  public var color: Color?
  /// Dash pattern (empty for solid).
  public var dash: [Double]
  /// Stroke width in points.
  public var lineWidth: Double
  /// The y axis a horizontal rule's value is measured against.
  public var axis: YAxisSide

  /// Creates a rule.
  public init(
    _ orientation: Orientation, label: String? = nil, color: Color? = nil,
    dash: [Double] = [6, 4], lineWidth: Double = 1.5, axis: YAxisSide = .left
  ) {
    self.orientation = orientation
    self.label = label
    self.color = color
    self.dash = dash
    self.lineWidth = lineWidth
    self.axis = axis
  }

  /// A horizontal target line at `y`, e.g. `.horizontal(y: 0.95, label: "95% goal")`.
  public static func horizontal(
    y: Double, label: String? = nil, color: Color? = nil, axis: YAxisSide = .left
  ) -> RuleMark {
    RuleMark(.horizontal(y: y), label: label, color: color, axis: axis)
  }

  /// A vertical marker line at `x`, e.g. `.vertical(x: 14, label: "14 days")`.
  public static func vertical(x: Double, label: String? = nil, color: Color? = nil) -> RuleMark {
    RuleMark(.vertical(x: x), label: label, color: color)
  }
}
