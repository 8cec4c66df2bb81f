/// A line of text positioned by the layout, ready to draw.
public struct PlacedText: Sendable, Hashable {
  /// What the text is, for inspection and styling.
  public enum Role: Sendable, Hashable {
    /// A title line.
    case title
    /// A subtitle line.
    case subtitle
    /// A legend entry label.
    case legend
    /// An x tick label.
    case xTick
    /// A y tick label (left or right).
    case yTick
    /// An axis title.
    case axisTitle
    /// A footnote line.
    case footnote
  }

  /// The (possibly truncated) text.
  public var string: String
  /// The anchor point.
  public var point: Point
  /// Font size in points.
  public var size: Double
  /// Font weight.
  public var weight: FontWeight
  /// How the text box sits relative to `point`.
  public var anchor: TextAnchor
  /// Rotation in degrees, clockwise on screen.
  public var rotation: Double
  /// Text colour.
  public var color: Color
  /// What the text is.
  public var role: Role

  /// Creates a placed text.
  public init(
    _ string: String, at point: Point, size: Double, weight: FontWeight = .regular,
    anchor: TextAnchor, rotation: Double = 0, color: Color, role: Role
  ) {
    self.string = string
    self.point = point
    self.size = size
    self.weight = weight
    self.anchor = anchor
    self.rotation = rotation
    self.color = color
    self.role = role
  }
}
