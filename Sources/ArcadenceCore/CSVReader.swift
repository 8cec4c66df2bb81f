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

  /// A record made elsewhere (e.g. by a mapping).
  public init(fields: [String], line: Int) {
    self.fields = fields
    self.line = line
  }
}

/// A streaming RFC 4180 reader: memory stays bounded by the longest record.
///
/// Accepts a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields holding commas,
/// doubled quotes and line breaks. Rejects a quote inside an unquoted field, text after a
/// closing quote, an unterminated quote and bytes that are not UTF-8. Blank lines are
/// skipped. Reads in 256 KiB chunks; O(bytes) time.
public final class CSVReader {
  /// The file name used in error messages.
  public let fileName: String
  /// Bytes consumed so far (for progress bars).
  public private(set) var bytesRead: Int64 = 0
  /// Total size of the file in bytes, if known.
  public let totalBytes: Int64

  private let file: UnsafeMutablePointer<FILE>
  private var buffer: [UInt8]
  private var count = 0
  private var pos = 0
  private var eof = false
  private var line = 1
  private var field: [UInt8] = []

  /// Opens `path` for reading; `fileName` names it in errors (defaults to the last path part).
  public init(path: String, fileName: String? = nil) throws {
    guard let f = fopen(path, "rb") else {
      throw ArcadenceError(.io, "cannot open \(path) for reading")
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
    bytesRead += Int64(count)
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

  private func fail(_ message: String, line: Int) -> ArcadenceError {
    ArcadenceError(
      .invalidData, "\(fileName) is not valid CSV",
      details: [
        InputIssue(file: fileName, line: line, column: nil, message: message, value: nil)
          .description
      ])
  }

  private func makeString(line: Int) throws -> String {
    guard let s = String(validating: field, as: UTF8.self) else {
      throw fail("text is not valid UTF-8", line: line)
    }
    return s
  }

  /// The next record, or nil at the end of the file.
  public func next() throws -> CSVRecord? {
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
    fieldLoop: while true {
      field.removeAll(keepingCapacity: true)
      if peek() == 0x22 {
        pos += 1
        quoted: while true {
          if pos >= count {
            refill()
            if count == 0 { throw fail("a quoted field is never closed", line: startLine) }
          }
          // Fast scan to the next quote or newline inside this chunk.
          var i = pos
          while i < count {
            let c = buffer[i]
            if c == 0x22 || c == 0x0A { break }
            i += 1
          }
          if i > pos { field.append(contentsOf: buffer[pos..<i]) }
          pos = i
          if pos >= count { continue quoted }  // the chunk ended inside the field
          let c = buffer[pos]
          pos += 1
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
        fields.append(try makeString(line: startLine))
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
          while i < count {
            let c = buffer[i]
            if c == 0x2C || c == 0x0A || c == 0x0D || c == 0x22 { break }
            i += 1
          }
          if i > pos { field.append(contentsOf: buffer[pos..<i]) }
          pos = i
          guard let c = peek() else {
            fields.append(try makeString(line: startLine))
            break fieldLoop
          }
          switch c {
          case 0x2C:
            pos += 1
            fields.append(try makeString(line: startLine))
            continue fieldLoop
          case 0x0A:
            pos += 1
            line += 1
            fields.append(try makeString(line: startLine))
            break fieldLoop
          case 0x0D:
            pos += 1
            if peek() == 0x0A { pos += 1 }
            line += 1
            fields.append(try makeString(line: startLine))
            break fieldLoop
          case 0x22:
            throw fail("a quote inside an unquoted field (quote the whole field)", line: line)
          default:
            continue
          }
        }
      }
    }
    return CSVRecord(fields: fields, line: startLine)
  }
}
