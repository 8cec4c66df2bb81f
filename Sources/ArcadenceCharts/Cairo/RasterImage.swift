/// A copy of an ARGB32 image surface's pixels, for tests that inspect rendered output.
struct RasterImage: Sendable {
  /// Width in pixels.
  let width: Int
  /// Height in pixels.
  let height: Int
  /// Bytes per row.
  let stride: Int
  /// Native-endian premultiplied ARGB32 words, row by row.
  let bytes: [UInt8]

  /// The un-premultiplied colour of the pixel at column `x`, row `y`.
  func pixel(x: Int, y: Int) -> Color {
    let offset = y * stride + x * 4
    let word =
      UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
      | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    let value = UInt32(littleEndian: word)
    let a = Double((value >> 24) & 0xFF) / 255
    guard a > 0 else { return Color(red: 0, green: 0, blue: 0, alpha: 0) }
    func channel(_ shift: UInt32) -> Double {
      min(1, Double((value >> shift) & 0xFF) / 255 / a)
    }
    return Color(red: channel(16), green: channel(8), blue: channel(0), alpha: a)
  }
}
