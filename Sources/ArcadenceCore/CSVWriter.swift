#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A buffered RFC 4180 writer: fields are quoted only when they must be.
///
/// Lines end with LF (readers accept LF and CRLF alike); a field is quoted when it holds a
/// comma, a quote, a line break, or leading/trailing spaces.
///
/// The file is written through ``OutputFile``: it appears (or replaces a regular file) only on
/// ``close()``; a writer dropped without `close()` leaves nothing behind.
public final class CSVWriter {
  private let file: OutputFile
  private var buffer: [UInt8] = []
  private var closed = false

  /// Starts writing `path`; refuses a path that is not a regular file or nothing.
  public init(path: String) throws {
    file = try OutputFile(path: path)
    buffer.reserveCapacity(1 << 18)
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

  /// Encodes one record of a report (a CSV for people and spreadsheets) as a line: every cell
  /// goes through ``reportCell(_:)``. Not for `export`, which must round-trip.
  public static func reportLine(_ fields: [String]) -> String {
    line(fields.map(reportCell))
  }

  /// A report cell a spreadsheet will not run: a cell starting with `=`, `+`, `-`, `@`, tab
  /// or CR gets a leading `'` (OWASP, "CSV Injection"), unless it is a plain number such as
  /// `-12.50` or `+3`, which stays a number.
  public static func reportCell(_ cell: String) -> String {
    guard let first = cell.utf8.first,
      first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09
        || first == 0x0D
    else { return cell }
    return isPlainNumber(cell) ? cell : "'" + cell
  }

  /// `[+-]digits[.digits]`.
  static func isPlainNumber(_ s: String) -> Bool {
    var u = Substring(s).utf8
    if let f = u.first, f == 0x2B || f == 0x2D { u = u.dropFirst() }
    let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
    let whole = u.prefix(while: isDigit)
    guard !whole.isEmpty else { return false }
    let rest = u.dropFirst(whole.count)
    if rest.isEmpty { return true }
    guard rest.first == 0x2E else { return false }
    let fraction = rest.dropFirst()
    return !fraction.isEmpty && fraction.allSatisfy(isDigit)
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

  /// Writes buffered bytes to the (temporary) file.
  public func flush() throws {
    guard !buffer.isEmpty else { return }
    try file.write(buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes and puts the file in place.
  public func close() throws {
    guard !closed else { return }
    closed = true
    try flush()
    try file.commit()
  }
}
