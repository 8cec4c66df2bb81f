import CCairo
import Foundation
import Testing

@testable import ArcadenceCharts

/// The PNG encoder: files that libpng (through Cairo's reader) decodes to the drawn pixels.
@Suite struct PNGEncoderTests {
  /// The pixels of `png` as decoded by Cairo's libpng-based reader.
  static func decode(_ png: [UInt8]) throws -> RasterImage {
    let path = NSTemporaryDirectory() + "arcadence-png-\(UUID().uuidString).png"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(png).write(to: URL(fileURLWithPath: path))
    let surface = try #require(cairo_image_surface_create_from_png(path))
    defer { cairo_surface_destroy(surface) }
    #expect(cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS)
    let height = Int(cairo_image_surface_get_height(surface))
    let stride = Int(cairo_image_surface_get_stride(surface))
    let data = try #require(cairo_image_surface_get_data(surface))
    return RasterImage(
      width: Int(cairo_image_surface_get_width(surface)), height: height, stride: stride,
      bytes: Array(UnsafeBufferPointer(start: data, count: stride * height)))
  }

  @Test(arguments: [false, true])
  func decodesToTheDrawnPixels(translucent: Bool) throws {
    var chart = SampleCharts.dualAxis().makeChart()
    if translucent { chart.theme.background = Color.white.withAlpha(0.5) }
    let drawn = try CairoRenderer().rasterize(chart, scale: 1)
    let png = try CairoRenderer().render(chart, format: .png(scale: 1))
    // Colour type (IHDR byte 9): RGB when every pixel is opaque, else RGBA.
    #expect(png[25] == (translucent ? 6 : 2))
    let decoded = try Self.decode(png)
    #expect(decoded.width == drawn.width && decoded.height == drawn.height)
    var worst = 0
    for y in 0..<drawn.height {
      for x in 0..<(drawn.width * 4) {
        let a = Int(drawn.bytes[y * drawn.stride + x])
        let b = Int(decoded.bytes[y * decoded.stride + x])
        worst = max(worst, abs(a - b))
      }
    }
    // Opaque pixels come back exactly; translucent ones within the rounding of
    // un-premultiplying and premultiplying again.
    #expect(worst <= (translucent ? 1 : 0))
  }
}
