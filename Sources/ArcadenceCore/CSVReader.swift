#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One CSV record and the physical line it starts on (the header is line 1).
public struct CSVRecord: Sendable {
  /// The record's fields, unquoted.
  public var fields: [String]
  /// 1-based line number of the record's first character.
  public var line: Int
  /// Whether a field holds a NUL byte: known (true or false) when ``CSVReader`` read the
  /// record, nil for a record made elsewhere (whoever validates it must look).
  public var containsNUL: Bool?

  /// A record made elsewhere (e.g. by a mapping).
  public init(fields: [String], line: Int, containsNUL: Bool? = nil) {
    self.fields = fields
    self.line = line
    self.containsNUL = containsNUL
  }
}

/// A streaming RFC 4180 reader: memory stays bounded by ``maxFieldBytes`` and
/// ``maxFields``, whatever the file holds.
///
/// Accepts a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields holding commas,
/// doubled quotes and line breaks. Rejects a quote inside an unquoted field, text after a
/// closing quote, an unterminated quote, bytes that are not UTF-8, a field longer than
/// ``maxFieldBytes`` (as soon as it passes the limit, without reading the rest) and a record
/// of more than ``maxFields`` fields. A NUL byte is kept and flagged in
/// ``CSVRecord/containsNUL`` for the caller to reject with the column's name. Blank lines are
/// skipped. Reads in 256 KiB chunks; O(bytes) time.
public final class CSVReader {
  /// The file name used in error messages.
  public let fileName: String
  /// Bytes consumed so far (for progress bars, and the importer's estimate of a file's rows
  /// from its first ones): those read from the file less those still waiting in the buffer.
  public var bytesRead: Int64 { fileBytesRead - Int64(count - pos) }
  /// Bytes read from the file (a chunk ahead of ``bytesRead``).
  private(set) var fileBytesRead: Int64 = 0
  /// Total size of the file in bytes, if known.
  public let totalBytes: Int64

  private let file: UnsafeMutablePointer<FILE>
  private var buffer: [UInt8]
  private var count = 0
  private var pos = 0
  private var eof = false
  private var line = 1
  private var field: [UInt8] = []
  /// Whether the record being read has a NUL byte.
  private var sawNUL = false
  /// Bytes in the fields of the record being read.
  private var recordBytes = 0
  /// The header, to name columns in errors: the first record unless the caller names
  /// another (``nameColumns(_:)``).
  private var header: [String]?

  /// Names the columns in errors by `header`: for a file whose header is not its first
  /// record (a title block above it).
  public func nameColumns(_ header: [String]) {
    self.header = header
  }

  /// The longest field read by default, in bytes (1 MiB).
  public static let defaultMaxFieldBytes = 1 << 20
  /// The longest field accepted, in bytes.
  public let maxFieldBytes: Int
  /// The most fields a record may have (a line of commas would otherwise fill memory with
  /// empty fields).
  public static let maxFields = 10_000
  /// How many times ``maxFieldBytes`` a whole record may hold: without it, 10,000 fields
  /// just under the field limit would hold 10 GB in memory. The widest contract file has
  /// 14 columns, of which 4 are free text.
  public static let recordFieldFactor = 8
  /// The most bytes the fields of one record may hold together: ``recordFieldFactor`` ×
  /// ``maxFieldBytes`` (8 MiB by default).
  public var maxRecordBytes: Int {
    let (product, overflow) = maxFieldBytes.multipliedReportingOverflow(
      by: CSVReader.recordFieldFactor)
    return overflow ? Int.max : product
  }

  /// Opens `path` for reading; `fileName` names it in errors (defaults to the last path part).
  public init(path: String, fileName: String? = nil, maxFieldBytes: Int = defaultMaxFieldBytes)
    throws
  {
    self.maxFieldBytes = max(1, maxFieldBytes)
    guard let f = fopen(path, "rb") else {
      throw ArcadenceError(.io, "cannot open \(path) for reading", cause: SystemError.last)
    }
    file = f
    self.fileName = fileName ?? String(path.split(separator: "/").last ?? Substring(path))
    fseeko(f, 0, SEEK_END)
    totalBytes = Int64(ftello(f))
    fseeko(f, 0, SEEK_SET)
    buffer = [UInt8](repeating: 0, count: 1 << 18)
    refill()
    if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { pos = 3 }
  }

  deinit { fclose(file) }

  private func refill() {
    guard !eof else { return }
    count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
    fileBytesRead += Int64(count)
    pos = 0
    if count == 0 { eof = true }
  }

  @inline(__always) private func peek() -> UInt8? {
    if pos >= count {
      refill()
      if count == 0 { return nil }
    }
    return buffer[pos]
  }

  private func fail(
    _ message: String, line: Int, column: String? = nil, summary: String? = nil
  ) -> ArcadenceError {
    ArcadenceError(
      .invalidData, summary ?? "\(fileName) is not valid CSV",
      details: [
        InputIssue(file: fileName, line: line, column: column, message: message, value: nil)
          .description
      ])
  }

  /// The field being read as a string, added to `fields`.
  private func finishField(_ fields: inout [String], line: Int) throws {
    // ASCII is valid UTF-8 as it is: only other bytes go through the (unspecialised,
    // profiled: a tenth of reading) validating initialiser.
    let ascii = field.reduce(0, |) < 0x80
    guard
      let s = ascii
        ? String(decoding: field, as: UTF8.self) : String(validating: field, as: UTF8.self)
    else {
      throw fail("text is not valid UTF-8", line: line)
    }
    guard fields.count < CSVReader.maxFields else {
      throw fail("more than \(CSVReader.maxFields) fields", line: line)
    }
    recordBytes += field.count  // each at most maxFieldBytes: no overflow before the check
    guard recordBytes <= maxRecordBytes else {
      throw fail(
        "record longer than \(maxRecordBytes) bytes (\(CSVReader.recordFieldFactor) × the field "
          + "limit)", line: line,
        summary:
          "\(fileName) has a record longer than \(maxRecordBytes) bytes "
          + "(--max-field-bytes N raises the limit)")
    }
    fields.append(s)
  }

  /// Where a scan of the current chunk stops: its end, or one byte past the field's length
  /// limit if that comes first. No overflow when the limit is near `Int.max` (a wrapped sum
  /// made the scan stop before it started, and the reader spun on the same byte forever).
  @inline(__always) private func scanEnd() -> Int {
    let room = maxFieldBytes - field.count  // at least 0: `checkLength` stops a longer field
    return room < count - pos ? pos + room + 1 : count
  }

  /// Stops at a field longer than ``maxFieldBytes``; `index` is its position in the record.
  @inline(__always) private func checkLength(_ index: Int, line: Int) throws {
    guard field.count > maxFieldBytes else { return }
    let name = header.flatMap { index < $0.count ? $0[index].trimmingWhitespace() : nil }
    throw fail(
      "field longer than \(maxFieldBytes) bytes", line: line,
      column: name.flatMap { $0.isEmpty ? nil : $0 } ?? "#\(index + 1)",
      summary:
        "\(fileName) has a field longer than \(maxFieldBytes) bytes "
        + "(--max-field-bytes N raises the limit)")
  }

  /// The next record, or nil at the end of the file.
  public func next() throws -> CSVRecord? {
    // long-function: the RFC 4180 state machine (quotes, CR/LF, field and record limits) over
    // the read buffer; its states share the loop's locals, and any split puts a call or a
    // copy of that state in the per-byte loop, the inner loop of every import.
    while true {
      guard let first = peek() else { return nil }
      // Skip blank lines.
      if first == 0x0A {
        pos += 1
        line += 1
        continue
      }
      if first == 0x0D {
        pos += 1
        if peek() == 0x0A { pos += 1 }
        line += 1
        continue
      }
      break
    }
    let startLine = line
    var fields: [String] = []
    sawNUL = false
    recordBytes = 0
    fieldLoop: while true {
      field.removeAll(keepingCapacity: true)
      if peek() == 0x22 {
        pos += 1
        quoted: while true {
          if pos >= count {
            refill()
            if count == 0 { throw fail("a quoted field is never closed", line: startLine) }
          }
          // Fast scan to the next quote, newline or NUL inside this chunk, no further than
          // one byte past the length limit.
          var i = pos
          let end = scanEnd()
          while i < end {
            let c = buffer[i]
            if c == 0x22 || c == 0x0A || c == 0 { break }
            i += 1
          }
          if i > pos { field.append(contentsOf: buffer[pos..<i]) }
          pos = i
          try checkLength(fields.count, line: startLine)
          if pos >= count { continue quoted }  // the chunk ended inside the field
          let c = buffer[pos]
          pos += 1
          if c == 0 {
            sawNUL = true
            field.append(c)
            continue quoted
          }
          if c == 0x0A {
            line += 1
            field.append(c)
            continue quoted
          }
          // c is a quote: doubled quote or end of the field.
          if peek() == 0x22 {
            pos += 1
            field.append(0x22)
            continue quoted
          }
          break quoted
        }
        try finishField(&fields, line: startLine)
        guard let c = peek() else { break fieldLoop }
        pos += 1
        switch c {
        case 0x2C: continue fieldLoop
        case 0x0A:
          line += 1
          break fieldLoop
        case 0x0D:
          if peek() == 0x0A { pos += 1 }
          line += 1
          break fieldLoop
        default:
          throw fail("unexpected text after a closing quote", line: line)
        }
      } else {
        while true {
          var i = pos
          let end = scanEnd()
          while i < end {
            let c = buffer[i]
            if c == 0x2C || c == 0x0A || c == 0x0D || c == 0x22 || c == 0 { break }
            i += 1
          }
          if i > pos { field.append(contentsOf: buffer[pos..<i]) }
          pos = i
          try checkLength(fields.count, line: startLine)
          guard let c = peek() else {
            try finishField(&fields, line: startLine)
            break fieldLoop
          }
          switch c {
          case 0x2C:
            pos += 1
            try finishField(&fields, line: startLine)
            continue fieldLoop
          case 0x0A:
            pos += 1
            line += 1
            try finishField(&fields, line: startLine)
            break fieldLoop
          case 0x0D:
            pos += 1
            if peek() == 0x0A { pos += 1 }
            line += 1
            try finishField(&fields, line: startLine)
            break fieldLoop
          case 0x22:
            throw fail("a quote inside an unquoted field (quote the whole field)", line: line)
          case 0:
            pos += 1
            sawNUL = true
            field.append(c)
          default:
            continue  // the scan stopped at the chunk's end
          }
        }
      }
    }
    if header == nil { header = fields }
    return CSVRecord(fields: fields, line: startLine, containsNUL: sawNUL)
  }
}
