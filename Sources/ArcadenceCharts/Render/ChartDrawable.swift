/// Something that can paint itself onto a renderer: a chart, a spec or a small-multiples grid.
public protocol ChartDrawable: Sendable {
  /// The natural canvas size in points.
  var size: Size { get }
  /// Paints into `frame` on `renderer` (between the renderer's `begin` and `end`).
  func draw(in frame: Rect, on renderer: any Renderer)
}
