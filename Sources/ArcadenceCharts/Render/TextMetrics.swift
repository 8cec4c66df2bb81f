/// The measured extent of a single line of text.
public struct TextMetrics: Sendable, Hashable {
  /// Advance width in points.
  public var width: Double
  /// Line-box height (ascent + descent) in points.
  public var height: Double
  /// Distance from the top of the line box to the baseline.
  public var ascent: Double

  /// Creates metrics from their parts.
  public init(width: Double, height: Double, ascent: Double) {
    self.width = width
    self.height = height
    self.ascent = ascent
  }

  /// Offset from the anchor point to the box's top-left corner, before rotation.
  public func boxOffset(anchor: TextAnchor) -> Point {
    let dx: Double
    switch anchor.horizontal {
    case .start: dx = 0
    case .middle: dx = -width / 2
    case .end: dx = -width
    }
    let dy: Double
    switch anchor.vertical {
    case .top: dy = 0
    case .middle: dy = -height / 2
    case .baseline: dy = -ascent
    case .bottom: dy = -height
    }
    return Point(x: dx, y: dy)
  }

  /// The four corners of the (possibly rotated) text box drawn at `point`.
  ///
  /// `rotation` is in degrees, positive clockwise on screen, about the anchor point.
  public func corners(at point: Point, anchor: TextAnchor, rotation: Double = 0) -> [Point] {
    let offset = boxOffset(anchor: anchor)
    let local = [
      Point(x: offset.x, y: offset.y), Point(x: offset.x + width, y: offset.y),
      Point(x: offset.x + width, y: offset.y + height), Point(x: offset.x, y: offset.y + height),
    ]
    let radians = rotation * Double.pi / 180
    let (c, s) = (cosine(radians), sine(radians))
    return local.map { Point(x: point.x + $0.x * c - $0.y * s, y: point.y + $0.x * s + $0.y * c) }
  }

  /// The axis-aligned bounds of the (possibly rotated) text box drawn at `point`.
  public func bounds(at point: Point, anchor: TextAnchor, rotation: Double = 0) -> Rect {
    Rect(enclosing: corners(at: point, anchor: anchor, rotation: rotation))
  }
}
