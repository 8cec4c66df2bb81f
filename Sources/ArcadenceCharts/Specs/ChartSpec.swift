/// A ready-made chart recipe: a plain value that builds a complete `Chart`.
///
/// Every spec is itself drawable, so `try CairoRenderer().write(spec, to: "x.png")` works.
public protocol ChartSpec: ChartDrawable {
  /// Builds the chart described by this spec.
  func makeChart() -> Chart
}

extension ChartSpec {
  /// The built chart's canvas size.
  public var size: Size { makeChart().size }

  /// Draws the built chart.
  public func draw(in frame: Rect, on renderer: any Renderer) {
    makeChart().draw(in: frame, on: renderer)
  }
}
