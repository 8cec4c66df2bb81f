import CCairo

/// An in-memory byte buffer that Cairo's stream APIs append to.
final class ByteSink {
  /// The bytes written so far.
  var bytes: [UInt8] = []

  /// An opaque pointer to this sink for Cairo's `closure` argument (not retained).
  var closure: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

/// The `cairo_write_func_t` that appends Cairo's output to the `ByteSink` in `closure`.
///
/// A plain top-level function so Swift can pass it as a C function pointer.
func cairoWriteToByteSink(
  _ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: UInt32
) -> cairo_status_t {
  guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
  let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
  if length > 0, let data {
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
  }
  return CAIRO_STATUS_SUCCESS
}
