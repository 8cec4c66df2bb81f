import CCairo

/// Owns one `cairo_surface_t` (image, SVG stream or PDF stream); destroyed in `deinit`.
final class CairoSurface {
  /// The Cairo surface handle.
  let pointer: OpaquePointer
  /// Keeps the stream target alive for as long as Cairo may write to it.
  private let sink: ByteSink?

  private init(pointer: OpaquePointer, sink: ByteSink?) throws {
    self.pointer = pointer
    self.sink = sink
    try CairoLock.run { try checkCairo(cairo_surface_status(pointer), "create a surface") }
  }

  deinit { CairoLock.run { cairo_surface_destroy(pointer) } }

  /// A premultiplied ARGB32 image surface of the given pixel size.
  static func image(width: Int, height: Int) throws -> CairoSurface {
    guard width > 0, height > 0, width <= 32_767, height <= 32_767 else {
      throw ChartError(.invalidUsage, "Image size \(width)×\(height) px is out of range")
    }
    guard
      let surface = CairoLock.run({
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
      })
    else { throw ChartError(.cairo, "Cairo returned no image surface") }
    return try CairoSurface(pointer: surface, sink: nil)
  }

  /// An SVG surface streaming into `sink`, sized in user units (1 unit = 1 px).
  static func svg(width: Double, height: Double, sink: ByteSink) throws -> CairoSurface {
    guard
      let surface = CairoLock.run({
        cairo_svg_surface_create_for_stream(cairoWriteToByteSink, sink.closure, width, height)
      })
    else { throw ChartError(.cairo, "Cairo returned no SVG surface") }
    let wrapped = try CairoSurface(pointer: surface, sink: sink)
    try CairoLock.run {
      cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1)
      cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_USER)
      try checkCairo(cairo_surface_status(surface), "configure the SVG surface")
    }
    return wrapped
  }

  /// A PDF surface streaming into `sink`, sized in points.
  static func pdf(width: Double, height: Double, sink: ByteSink) throws -> CairoSurface {
    guard
      let surface = CairoLock.run({
        cairo_pdf_surface_create_for_stream(cairoWriteToByteSink, sink.closure, width, height)
      })
    else { throw ChartError(.cairo, "Cairo returned no PDF surface") }
    let wrapped = try CairoSurface(pointer: surface, sink: sink)
    try CairoLock.run {
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "ArcadenceCharts")
      try checkCairo(cairo_surface_status(surface), "configure the PDF surface")
    }
    return wrapped
  }

  /// Finishes the surface, flushing all output to its stream.
  func finish() throws {
    try CairoLock.run {
      cairo_surface_finish(pointer)
      try checkCairo(cairo_surface_status(pointer), "finish the surface")
    }
  }

  /// Encodes an image surface as PNG into `target` (see `PNGEncoder`).
  func writePNG(to target: ByteSink) throws {
    // The pixels are this surface's own memory: encoded after the lock is released, so
    // PNG compression on one thread does not hold up Cairo calls on the others.
    let (data, width, height, stride) = try CairoLock.run {
      cairo_surface_flush(pointer)
      try checkCairo(cairo_surface_status(pointer), "flush the image surface")
      guard let data = cairo_image_surface_get_data(pointer) else {
        throw ChartError(.cairo, "Cairo image surface has no pixel data")
      }
      return (
        data, Int(cairo_image_surface_get_width(pointer)),
        Int(cairo_image_surface_get_height(pointer)), Int(cairo_image_surface_get_stride(pointer))
      )
    }
    target.bytes = try PNGEncoder.encode(
      pixels: UnsafePointer(data), width: width, height: height, stride: stride)
  }

  /// Copies the pixels of an image surface.
  func raster() throws -> RasterImage {
    try CairoLock.run { try rasterHoldingLock() }
  }

  private func rasterHoldingLock() throws -> RasterImage {
    cairo_surface_flush(pointer)
    try checkCairo(cairo_surface_status(pointer), "flush the image surface")
    let width = Int(cairo_image_surface_get_width(pointer))
    let height = Int(cairo_image_surface_get_height(pointer))
    let stride = Int(cairo_image_surface_get_stride(pointer))
    guard let data = cairo_image_surface_get_data(pointer) else {
      throw ChartError(.cairo, "Cairo image surface has no pixel data")
    }
    let bytes = Array(UnsafeBufferPointer(start: data, count: stride * height))
    return RasterImage(width: width, height: height, stride: stride, bytes: bytes)
  }
}
