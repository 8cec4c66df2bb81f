/// A text annotation placed at a data position (kept inside the plot area).
public struct TextMark: Sendable, Hashable {
  /// The text (drawn as glyphs, never as markup).
  public var text: String
  /// The anchor position in data units.
  public var position: DataPoint
  /// How the text sits relative to the position.
  public var anchor: TextAnchor
  /// Explicit colour, or nil for the theme's text colour.
  public var color: Color?
  /// Font size, or nil for the theme's label size.
  public var size: Double?
  /// Font weight.
  public var weight: FontWeight
  /// The y axis the position is measured against.
  public var axis: YAxisSide

  /// Creates an annotation.
  public init(
    _ text: String, at position: DataPoint, anchor: TextAnchor = TextAnchor(.start, .bottom),
    color: Color? = nil, size: Double? = nil, weight: FontWeight = .regular,
    axis: YAxisSide = .left
  ) {
    self.text = text
    self.position = position
    self.anchor = anchor
    self.color = color
    self.size = size
    self.weight = weight
    self.axis = axis
  }
}
