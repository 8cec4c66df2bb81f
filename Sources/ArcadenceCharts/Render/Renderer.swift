/// Font weight for text drawn by a renderer.
public enum FontWeight: String, Sendable, Hashable, Codable {
  /// Regular weight.
  case regular
  /// Bold weight.
  case bold
}

/// The drawing surface a chart paints onto: Cairo for output, a recorder for tests.
///
/// Coordinates are points with the origin at the top-left and y growing downward.
public protocol Renderer: AnyObject {
  /// Starts a page of the given size.
  func begin(size: Size) throws
  /// Finishes the page (and produces output, for renderers that have any).
  func end() throws
  /// Sets the colour for subsequent fills, strokes and text.
  func setColor(_ color: Color)
  /// Sets the stroke width in points.
  func setLineWidth(_ width: Double)
  /// Sets the stroke dash pattern (empty for solid lines).
  func setDash(_ lengths: [Double])
  /// Restricts drawing to a rectangle (nil removes the restriction).
  func clip(to rect: Rect?)
  /// Fills a rectangle with the current colour.
  func fillRect(_ rect: Rect)
  /// Fills a path (non-zero winding) with the current colour.
  func fillPath(_ path: Path)
  /// Strokes a path with the current colour, width and dash.
  func strokePath(_ path: Path)
  /// Draws a single line of text as glyphs (never interpreted as markup).
  ///
  /// `rotation` is in degrees, positive clockwise on screen, about `point`.
  func text(
    _ string: String, at point: Point, size: Double, weight: FontWeight, anchor: TextAnchor,
    rotation: Double)
  /// Measures a single line of text.
  func measureText(_ string: String, size: Double, weight: FontWeight) -> TextMetrics
}

extension Renderer {
  /// Renders a whole drawable: `begin`, paint into the full canvas, `end`.
  public func paint(_ content: some ChartDrawable) throws {
    try begin(size: content.size)
    content.draw(
      in: Rect(x: 0, y: 0, width: content.size.width, height: content.size.height), on: self)
    try end()
  }
}
