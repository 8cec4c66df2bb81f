import CCairo

/// Owns one `cairo_t` drawing context on a `CairoSurface`; destroyed in `deinit`.
final class CairoContext {
  /// The Cairo context handle.
  let pointer: OpaquePointer
  /// The target surface, kept alive while the context exists.
  let surface: CairoSurface
  private let fontFamily: String
  private var font: (weight: FontWeight, size: Double)?

  /// Creates a context drawing on `surface` with text in `fontFamily`.
  init(surface: CairoSurface, fontFamily: String) throws {
    guard let context = CairoLock.run({ cairo_create(surface.pointer) }) else {
      throw ChartError(.cairo, "Cairo returned no drawing context")
    }
    self.pointer = context
    self.surface = surface
    self.fontFamily = fontFamily
    try CairoLock.run { try CairoContext.configure(context) }
  }

  /// The context's status checked, then its font options and line style set.
  private static func configure(_ context: OpaquePointer) throws {
    try checkCairo(cairo_status(context), "create a drawing context")
    guard let options = cairo_font_options_create() else {
      throw ChartError(.cairo, "Cairo returned no font options")
    }
    defer { cairo_font_options_destroy(options) }
    try checkCairo(cairo_font_options_status(options), "create font options")
    // Unhinted metrics keep text widths identical across PNG, SVG and PDF.
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT)
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
    cairo_set_font_options(context, options)
    cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
    cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
  }

  deinit { CairoLock.run { cairo_destroy(pointer) } }

  /// Throws if the context has entered an error state.
  func checkStatus(_ action: String) throws {
    try CairoLock.run { try checkCairo(cairo_status(pointer), action) }
  }

  /// Scales user space (for high-DPI PNG output).
  func scale(_ factor: Double) { CairoLock.run { cairo_scale(pointer, factor, factor) } }

  /// Sets the source colour.
  func setColor(_ color: Color) {
    CairoLock.run {
      cairo_set_source_rgba(pointer, color.red, color.green, color.blue, color.alpha)
    }
  }

  /// Sets the stroke width.
  func setLineWidth(_ width: Double) { CairoLock.run { cairo_set_line_width(pointer, width) } }

  /// Sets the dash pattern (empty for solid).
  func setDash(_ lengths: [Double]) {
    lengths.withUnsafeBufferPointer { buffer in
      CairoLock.run { cairo_set_dash(pointer, buffer.baseAddress, Int32(buffer.count), 0) }
    }
  }

  /// Replaces the clip with `rect`, or removes it.
  func clip(to rect: Rect?) {
    CairoLock.run {
      cairo_reset_clip(pointer)
      guard let rect else { return }
      cairo_rectangle(pointer, rect.x, rect.y, rect.width, rect.height)
      cairo_clip(pointer)
    }
  }

  /// Fills a rectangle.
  func fillRect(_ rect: Rect) {
    CairoLock.run {
      cairo_new_path(pointer)
      cairo_rectangle(pointer, rect.x, rect.y, rect.width, rect.height)
      cairo_fill(pointer)
    }
  }

  /// Fills a path.
  func fill(_ path: Path) {
    CairoLock.run {
      trace(path)
      cairo_fill(pointer)
    }
  }

  /// Strokes a path.
  func stroke(_ path: Path) {
    CairoLock.run {
      trace(path)
      cairo_stroke(pointer)
    }
  }

  /// Traces `path` as the current path (callers hold ``CairoLock``).
  private func trace(_ path: Path) {
    cairo_new_path(pointer)
    for element in path.elements {
      switch element {
      case .move(let point): cairo_move_to(pointer, point.x, point.y)
      case .line(let point): cairo_line_to(pointer, point.x, point.y)
      case .close: cairo_close_path(pointer)
      }
    }
  }

  /// Selects the font (callers hold ``CairoLock``).
  private func selectFont(size: Double, weight: FontWeight) {
    if let font, font.weight == weight, font.size == size { return }
    let cairoWeight = weight == .bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL
    cairo_select_font_face(pointer, fontFamily, CAIRO_FONT_SLANT_NORMAL, cairoWeight)
    cairo_set_font_size(pointer, size)
    font = (weight, size)
  }

  /// Measures one line of text with the toy font API.
  func measure(_ string: String, size: Double, weight: FontWeight) -> TextMetrics {
    CairoLock.run { measureHoldingLock(string, size: size, weight: weight) }
  }

  private func measureHoldingLock(_ string: String, size: Double, weight: FontWeight)
    -> TextMetrics
  {
    selectFont(size: size, weight: weight)
    var fontExtents = cairo_font_extents_t()
    cairo_font_extents(pointer, &fontExtents)
    var width = 0.0
    if !string.isEmpty {
      var extents = cairo_text_extents_t()
      cairo_text_extents(pointer, string, &extents)
      width = extents.x_advance
    }
    return TextMetrics(
      width: width, height: fontExtents.ascent + fontExtents.descent,
      ascent: fontExtents.ascent)
  }

  /// Draws one line of text as glyphs, anchored and rotated about `point`.
  func showText(
    _ string: String, at point: Point, size: Double, weight: FontWeight, anchor: TextAnchor,
    rotation: Double
  ) {
    guard !string.isEmpty else { return }
    CairoLock.run {
      showTextHoldingLock(
        string, at: point, size: size, weight: weight, anchor: anchor, rotation: rotation)
    }
  }

  private func showTextHoldingLock(
    _ string: String, at point: Point, size: Double, weight: FontWeight, anchor: TextAnchor,
    rotation: Double
  ) {
    let metrics = measureHoldingLock(string, size: size, weight: weight)
    let offset = metrics.boxOffset(anchor: anchor)
    cairo_save(pointer)
    cairo_translate(pointer, point.x, point.y)
    if rotation != 0 { cairo_rotate(pointer, rotation * Double.pi / 180) }
    cairo_new_path(pointer)
    cairo_move_to(pointer, offset.x, offset.y + metrics.ascent)
    cairo_show_text(pointer, string)
    cairo_restore(pointer)
  }
}
