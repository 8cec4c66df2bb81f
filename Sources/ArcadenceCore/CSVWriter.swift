#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A buffered RFC 4180 writer: fields are quoted only when they must be.
///
/// Lines end with LF (readers accept LF and CRLF alike); a field is quoted when it holds a
/// comma, a quote, a line break, or leading/trailing spaces.
public final class CSVWriter {
  private let file: UnsafeMutablePointer<FILE>
  private var buffer: [UInt8] = []
  private let path: String
  private var closed = false

  /// Creates (or truncates) `path`.
  public init(path: String) throws {
    guard let f = fopen(path, "wb") else {
      throw ArcadenceError(.io, "cannot open \(path) for writing")
    }
    file = f
    self.path = path
    buffer.reserveCapacity(1 << 18)
  }

  deinit {
    if !closed {
      try? close()
    }
  }

  /// Appends one record.
  public func write(_ fields: [String]) throws {
    for (i, f) in fields.enumerated() {
      if i > 0 { buffer.append(0x2C) }
      CSVWriter.append(field: f, to: &buffer)
    }
    buffer.append(0x0A)
    if buffer.count >= 1 << 18 { try flush() }
  }

  /// Encodes one record as a line (with its trailing LF).
  public static func line(_ fields: [String]) -> String {
    var bytes: [UInt8] = []
    for (i, f) in fields.enumerated() {
      if i > 0 { bytes.append(0x2C) }
      append(field: f, to: &bytes)
    }
    bytes.append(0x0A)
    return String(decoding: bytes, as: UTF8.self)
  }

  static func append(field: String, to out: inout [UInt8]) {
    let u = field.utf8
    let needsQuotes =
      u.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
      || u.first == 0x20 || u.last == 0x20
    if !needsQuotes {
      out.append(contentsOf: u)
      return
    }
    out.append(0x22)
    for c in u {
      if c == 0x22 { out.append(0x22) }
      out.append(c)
    }
    out.append(0x22)
  }

  /// Writes buffered bytes to the file.
  public func flush() throws {
    guard !buffer.isEmpty else { return }
    let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    guard written == buffer.count else {
      throw ArcadenceError(.io, "cannot write to \(path) (disk full?)")
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes and closes the file.
  public func close() throws {
    guard !closed else { return }
    closed = true
    try flush()
    guard fclose(file) == 0 else { throw ArcadenceError(.io, "cannot close \(path)") }
  }
}
