import ArcadenceCore
import Foundation
import HTTPTypes

/// Why an upload was refused: the status to answer and a message naming the field and value.
struct UploadRefusal: Error, Equatable {
  var status: HTTPResponse.Status
  var message: String
}

/// A streaming `multipart/form-data` reader (RFC 7578 over RFC 2046's delimiters), fed the
/// request body chunk by chunk as it arrives: text fields are kept (at most 16 KiB each),
/// each file part is written straight to a file in ``folder`` (through ``OutputFile``), so
/// memory stays bounded whatever the upload's size.
///
/// Every byte of the body counts against ``maxBytes``: the chunk that would pass it is
/// refused (413) before it is written, so no file in the folder ever holds more than the
/// limit. ``beforeFirstFile`` runs once with the fields read so far before the first file
/// is opened (the page checks the CSRF token there: the form sends it first), so a forged
/// form writes nothing.
struct MultipartReader {
  /// A file written from the upload.
  struct File: Equatable {
    /// The form field (`files`).
    var field: String
    /// The file's name as sent, its last path component (a folder upload sends `dir/a.csv`).
    var name: String
    /// Where it was written.
    var path: String
    var bytes: Int64
  }

  let folder: String
  let maxBytes: Int64
  let maxFieldBytes = 16 * 1024
  let maxHeaderBytes = 8 * 1024
  let maxParts = 1_000
  let beforeFirstFile: ([(name: String, value: String)]) throws -> Void
  private(set) var fields: [(name: String, value: String)] = []
  private(set) var files: [File] = []
  /// Files sent with a name the import does not read (not `.csv`, `.zip`, `.yaml`, `.yml`).
  private(set) var ignored: [String] = []
  private(set) var received: Int64 = 0

  private enum State {
    case preamble, afterDelimiter, headers, body, done
  }
  private enum Part {
    case field(name: String, bytes: [UInt8])
    case file(File, OutputFile)
    case discard
  }
  private var state = State.preamble
  private var part = Part.discard
  private var parts = 0
  private var checked = false
  /// `CRLF--boundary`: what ends every part. The body is read as if it began with a CRLF, so
  /// the first delimiter has the same form.
  private let delimiter: [UInt8]
  private var buffer: [UInt8] = [13, 10]

  /// A reader for the body of `contentType` (which must be `multipart/form-data` with a
  /// boundary of 1 to 70 characters), writing into `folder`.
  init(
    contentType: String, folder: String, maxBytes: Int64,
    beforeFirstFile: @escaping ([(name: String, value: String)]) throws -> Void
  ) throws {
    guard let boundary = MultipartReader.boundary(contentType) else {
      throw UploadRefusal(
        status: .badRequest,
        message:
          "Content-Type: expected multipart/form-data with a boundary (value \"\(TerminalText.sanitized(contentType))\")"
      )
    }
    delimiter = Array("\r\n--\(boundary)".utf8)
    self.folder = folder
    self.maxBytes = maxBytes
    self.beforeFirstFile = beforeFirstFile
  }

  /// The boundary parameter of a `multipart/form-data` content type, nil if there is none.
  static func boundary(_ contentType: String) -> String? {
    let parts = contentType.split(separator: ";").map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
    for p in parts.dropFirst() {
      let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2, kv[0].lowercased() == "boundary" else { continue }
      var b = kv[1]
      if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
      guard (1...70).contains(b.utf8.count), b.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
        return nil
      }
      return b
    }
    return nil
  }

  /// Reads one chunk of the body.
  mutating func feed(_ chunk: UnsafeRawBufferPointer) throws {
    received += Int64(chunk.count)
    guard received <= maxBytes else {
      throw UploadRefusal(
        status: .contentTooLarge,
        message: "upload: larger than the limit of \(MultipartReader.megabytes(maxBytes)) "
          + "(--max-upload-mb); nothing was imported")
    }
    guard state != .done else { return }
    buffer.append(contentsOf: chunk)
    try process()
  }

  /// The body has ended: it must have ended with the closing delimiter.
  mutating func finish() throws {
    guard state == .done else {
      throw UploadRefusal(
        status: .badRequest, message: "upload: the form data ended early (the upload was cut off)")
    }
    if !checked { try beforeFirstFile(fields) }
  }

  /// A size for messages: `512 MB` (MiB, rounded up) from 1 MiB, `5,348 bytes` below.
  static func megabytes(_ bytes: Int64) -> String {
    guard bytes >= 1024 * 1024 else { return "\(Cents.grouped(UInt64(max(0, bytes)))) bytes" }
    return DiskSpace.mb(bytes)
  }

  private mutating func process() throws {
    var start = 0
    defer { buffer.removeSubrange(0..<start) }
    while true {
      switch state {
      case .done:
        start = buffer.count
        return
      case .preamble, .body:
        if let i = MultipartReader.find(delimiter, in: buffer, from: start) {
          try emit(start..<i)
          try endPart()
          start = i + delimiter.count
          state = .afterDelimiter
        } else {
          // Keep what could be the start of a delimiter split across chunks.
          let end = max(start, buffer.count - (delimiter.count - 1))
          try emit(start..<end)
          start = end
          return
        }
      case .afterDelimiter:
        guard buffer.count - start >= 2 else { return }
        if buffer[start] == 45 && buffer[start + 1] == 45 {  // "--": the closing delimiter
          state = .done
          start = buffer.count
          return
        }
        // Transport padding (spaces and tabs) may come before the CRLF.
        var j = start
        while j < buffer.count, buffer[j] == 32 || buffer[j] == 9 { j += 1 }
        guard j + 1 < buffer.count else { return }
        guard buffer[j] == 13, buffer[j + 1] == 10 else { throw MultipartReader.malformed() }
        start = j + 2
        state = .headers
      case .headers:
        guard let i = MultipartReader.find([13, 10, 13, 10], in: buffer, from: start) else {
          guard buffer.count - start <= maxHeaderBytes else { throw MultipartReader.malformed() }
          return
        }
        guard i - start <= maxHeaderBytes else { throw MultipartReader.malformed() }
        try beginPart(headers: String(decoding: buffer[start..<i], as: UTF8.self))
        start = i + 4
        state = .body
      }
    }
  }

  static func malformed() -> UploadRefusal {
    UploadRefusal(status: .badRequest, message: "upload: the form data is not valid multipart")
  }

  static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
    guard let first = needle.first, haystack.count - from >= needle.count else { return nil }
    let last = haystack.count - needle.count
    return haystack.withUnsafeBufferPointer { h -> Int? in
      needle.withUnsafeBufferPointer { n -> Int? in
        var i = from
        while i <= last {
          if h[i] == first {
            var k = 1
            while k < n.count, h[i + k] == n[k] { k += 1 }
            if k == n.count { return i }
          }
          i += 1
        }
        return nil
      }
    }
  }

  private mutating func emit(_ range: Range<Int>) throws {
    guard !range.isEmpty, state == .body else { return }
    switch part {
    case .discard: return
    case .field(let name, var bytes):
      guard bytes.count + range.count <= maxFieldBytes else {
        throw UploadRefusal(
          status: .badRequest,
          message:
            "\(TerminalText.sanitized(name)): a form field longer than \(maxFieldBytes) bytes")
      }
      bytes.append(contentsOf: buffer[range])
      part = .field(name: name, bytes: bytes)
    case .file(var file, let out):
      try buffer.withUnsafeBytes { try out.write(UnsafeRawBufferPointer(rebasing: $0[range])) }
      file.bytes += Int64(range.count)
      part = .file(file, out)
    }
  }

  private mutating func endPart() throws {
    switch part {
    case .discard: break
    case .field(let name, let bytes):
      guard let value = String(validating: bytes, as: UTF8.self) else {
        throw UploadRefusal(
          status: .badRequest, message: "\(TerminalText.sanitized(name)): not UTF-8 text")
      }
      fields.append((name, value))
    case .file(let file, let out):
      try out.commit()
      files.append(file)
    }
    part = .discard
  }

  private mutating func beginPart(headers: String) throws {
    parts += 1
    guard parts <= maxParts else {
      throw UploadRefusal(
        status: .badRequest, message: "upload: more than \(maxParts) parts in one form")
    }
    var name: String?
    var fileName: String?
    for line in headers.split(separator: "\r\n") {
      let kv = line.split(separator: ":", maxSplits: 1)
      guard kv.count == 2, kv[0].lowercased() == "content-disposition" else { continue }
      let params = MultipartReader.parameters(String(kv[1]))
      name = params["name"]
      fileName = params["filename"]
    }
    guard let name else { throw MultipartReader.malformed() }
    guard let fileName else {
      part = .field(name: name, bytes: [])
      return
    }
    // An empty file input sends a part with no name and no bytes.
    let base = String(fileName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "")
    guard !base.isEmpty else {
      part = .discard
      return
    }
    let lower = base.lowercased()
    guard [".csv", ".zip", ".yaml", ".yml"].contains(where: { lower.hasSuffix($0) }) else {
      ignored.append(base)
      part = .discard
      return
    }
    if !checked {
      try beforeFirstFile(fields)
      checked = true
    }
    guard FileName.isFileName(base) else {
      throw UploadRefusal(
        status: .badRequest,
        message: "file: a name of ASCII letters, digits, '-', '_' and '.', not starting with "
          + "'.' (rename it) (value \"\(TerminalText.sanitized(base))\")")
    }
    guard !files.contains(where: { $0.name == base }) else {
      throw UploadRefusal(
        status: .badRequest,
        message: "file: sent twice (value \"\(TerminalText.sanitized(base))\")")
    }
    let path = folder + "/" + base
    part = .file(File(field: name, name: base, path: path, bytes: 0), try OutputFile(path: path))
  }

  /// The parameters of a `Content-Disposition` value (`form-data; name="a"; filename="b"`),
  /// quoted strings unquoted (`\"` and `\\` unescaped).
  static func parameters(_ value: String) -> [String: String] {
    var out: [String: String] = [:]
    var chars = Array(value)[...]
    func skipSpace() { while let c = chars.first, c == " " || c == "\t" { chars.removeFirst() } }
    while !chars.isEmpty {
      skipSpace()
      var key = ""
      while let c = chars.first, c != "=", c != ";" {
        key.append(c)
        chars.removeFirst()
      }
      var val = ""
      if chars.first == "=" {
        chars.removeFirst()
        skipSpace()
        if chars.first == "\"" {
          chars.removeFirst()
          while let c = chars.first, c != "\"" {
            chars.removeFirst()
            if c == "\\", let next = chars.first {
              val.append(next)
              chars.removeFirst()
            } else {
              val.append(c)
            }
          }
          if !chars.isEmpty { chars.removeFirst() }
        }
        while let c = chars.first, c != ";" {
          val.append(c)
          chars.removeFirst()
        }
      }
      if !chars.isEmpty { chars.removeFirst() }  // the ";"
      let k = key.trimmingCharacters(in: .whitespaces).lowercased()
      if !k.isEmpty, out[k] == nil { out[k] = val.trimmingCharacters(in: .whitespaces) }
    }
    return out
  }
}
