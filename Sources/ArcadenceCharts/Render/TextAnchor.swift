/// Where a text's anchor point sits relative to the text box (in the text's own frame).
public struct TextAnchor: Sendable, Hashable, Codable {
  /// Horizontal alignment of the box relative to the anchor point.
  public enum Horizontal: String, Sendable, Hashable, Codable {
    /// The anchor is at the start (left) of the text.
    case start
    /// The anchor is at the horizontal centre.
    case middle
    /// The anchor is at the end (right) of the text.
    case end
  }

  /// Vertical alignment of the box relative to the anchor point.
  public enum Vertical: String, Sendable, Hashable, Codable {
    /// The anchor is at the top of the line box (baseline − ascent).
    case top
    /// The anchor is at the vertical centre of the line box.
    case middle
    /// The anchor is on the baseline.
    case baseline
    /// The anchor is at the bottom of the line box (baseline + descent).
    case bottom
  }

  /// Horizontal alignment.
  public var horizontal: Horizontal
  /// Vertical alignment.
  public var vertical: Vertical

  /// Creates an anchor from its two alignments.
  public init(_ horizontal: Horizontal, _ vertical: Vertical) {
    self.horizontal = horizontal
    self.vertical = vertical
  }

  /// Top-left corner of the box.
  public static let topStart = TextAnchor(.start, .top)
  /// Centre of the box.
  public static let center = TextAnchor(.middle, .middle)
}
