import Foundation

import struct ArcadenceCore.ArcadenceError
import class ArcadenceCore.OutputFile

/// Renders charts with Cairo to PNG, SVG or PDF, in memory or to a file.
///
/// ```swift
/// let png = try CairoRenderer().render(chart, format: .png(scale: 2))
/// try CairoRenderer().write(chart, to: "dso.svg")
/// ```
/// Text uses Cairo's toy text API with DejaVu Sans and is always drawn as glyphs: strings are
/// never interpreted as markup, so SVG output stays well-formed whatever the labels contain.
public final class CairoRenderer: Renderer {
  /// An output format.
  public enum Format: Sendable, Hashable {
    /// PNG raster; `scale` multiplies the pixel size (2 → an 800×500 chart is 1600×1000 px).
    case png(scale: Double = 1)
    /// SVG vector image (1 user unit per point).
    case svg
    /// PDF document, one page.
    case pdf

    /// The format implied by a file extension ("png", "svg", "pdf"), or nil.
    public static func inferred(fromPath path: String) -> Format? {
      switch URL(fileURLWithPath: path).pathExtension.lowercased() {
      case "png": return .png()
      case "svg": return .svg
      case "pdf": return .pdf
      default: return nil
      }
    }
  }

  /// The format produced by the next `begin`/`end` pair.
  public var format: Format
  /// The font family for all text.
  public let fontFamily: String
  /// The encoded bytes of the last finished page.
  public private(set) var output: [UInt8] = []

  private var surface: CairoSurface?
  private var context: CairoContext?
  private var sink: ByteSink?
  private var measuringContext: CairoContext?
  private var capturesRaster = false
  private var lastRaster: RasterImage?

  /// Creates a renderer for `format` using `fontFamily` (DejaVu Sans by default).
  public init(format: Format = .png(), fontFamily: String = "DejaVu Sans") {
    self.format = format
    self.fontFamily = fontFamily
  }

  /// Renders `content` in `format` and returns the encoded bytes.
  public func render(_ content: some ChartDrawable, format: Format) throws -> [UInt8] {
    self.format = format
    try paint(content)
    return output
  }

  /// Renders `content` to a file; the format defaults to the one implied by the extension.
  public func write(_ content: some ChartDrawable, to path: String, format: Format? = nil) throws {
    guard let chosen = format ?? Format.inferred(fromPath: path) else {
      throw ChartError(.invalidUsage, "Cannot infer an output format from \"\(path)\"")
    }
    let bytes = try render(content, format: chosen)
    do {
      try OutputFile.write(bytes, to: path)
    } catch let error as ArcadenceError {
      throw ChartError(.io, error.message)
    }
  }

  /// Renders `content` to an in-memory image surface and returns its pixels (for tests).
  func rasterize(_ content: some ChartDrawable, scale: Double = 1) throws -> RasterImage {
    format = .png(scale: scale)
    capturesRaster = true
    defer { capturesRaster = false }
    try paint(content)
    guard let lastRaster else { throw ChartError(.invalidUsage, "No raster was captured") }
    return lastRaster
  }

  // MARK: Renderer

  /// Creates the Cairo surface and context for a page of `size` points.
  public func begin(size: Size) throws {
    guard size.width > 0, size.height > 0, size.width.isFinite, size.height.isFinite else {
      throw ChartError(.invalidUsage, "Canvas size \(size.width)×\(size.height) is not positive")
    }
    output = []
    let sink = ByteSink()
    let surface: CairoSurface
    var scale = 1.0
    switch format {
    case .png(let factor):
      guard factor > 0, factor.isFinite else {
        throw ChartError(.invalidUsage, "PNG scale \(factor) is not positive")
      }
      scale = factor
      surface = try .image(
        width: Int((size.width * factor).rounded(.up)),
        height: Int((size.height * factor).rounded(.up)))
    case .svg: surface = try .svg(width: size.width, height: size.height, sink: sink)
    case .pdf: surface = try .pdf(width: size.width, height: size.height, sink: sink)
    }
    let context = try CairoContext(surface: surface, fontFamily: fontFamily)
    if scale != 1 { context.scale(scale) }
    self.sink = sink
    self.surface = surface
    self.context = context
  }

  /// Finishes the page, checks Cairo's status and stores the encoded bytes in `output`.
  public func end() throws {
    guard let context, let surface, let sink else {
      throw ChartError(.invalidUsage, "end() called without begin(size:)")
    }
    defer {
      self.context = nil
      self.surface = nil
      self.sink = nil
    }
    try context.checkStatus("draw the chart")
    switch format {
    case .png:
      if capturesRaster {
        lastRaster = try surface.raster()
      } else {
        try surface.writePNG(to: sink)
      }
    case .svg, .pdf:
      try surface.finish()
    }
    output = sink.bytes
  }

  /// Sets the source colour.
  public func setColor(_ color: Color) { context?.setColor(color) }

  /// Sets the stroke width.
  public func setLineWidth(_ width: Double) { context?.setLineWidth(width) }

  /// Sets the dash pattern.
  public func setDash(_ lengths: [Double]) { context?.setDash(lengths) }

  /// Sets or removes the clip rectangle.
  public func clip(to rect: Rect?) { context?.clip(to: rect) }

  /// Fills a rectangle.
  public func fillRect(_ rect: Rect) { context?.fillRect(rect) }

  /// Fills a path.
  public func fillPath(_ path: Path) { context?.fill(path) }

  /// Strokes a path.
  public func strokePath(_ path: Path) { context?.stroke(path) }

  /// Draws text as glyphs.
  public func text(
    _ string: String, at point: Point, size: Double, weight: FontWeight, anchor: TextAnchor,
    rotation: Double
  ) {
    context?.showText(
      string, at: point, size: size, weight: weight, anchor: anchor, rotation: rotation)
  }

  /// Measures text with the page's context (or a scratch one outside a page).
  public func measureText(_ string: String, size: Double, weight: FontWeight) -> TextMetrics {
    if let context { return context.measure(string, size: size, weight: weight) }
    if measuringContext == nil {
      measuringContext = try? CairoContext(
        surface: .image(width: 1, height: 1), fontFamily: fontFamily)
    }
    guard let measuringContext else {
      return TextMetrics(
        width: Double(string.count) * size * 0.6, height: size * 1.17,
        ascent: size * 0.93)
    }
    return measuringContext.measure(string, size: size, weight: weight)
  }
}
