import ArcadenceCore
import CZlib

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A small zip reader for uploaded imports: the central directory (PKWARE APPNOTE 6.3.x,
/// sections 4.3.12 and 4.3.16), entries stored or deflated (raw deflate through zlib's
/// `inflate`, checked against the entry's CRC-32), nothing else.
///
/// Chosen over calling the system's `unzip` or `bsdtar` (not installed everywhere, and their
/// own rules for `../` and links differ by version): every rule that keeps an upload from
/// writing outside its folder or filling the disk is here and tested. Refused, before
/// anything is extracted: more than ``Limits/maxEntries`` entries, a name with `..`, an
/// absolute path, a backslash or a NUL, a symbolic link, an encrypted entry, ZIP64, and
/// declared sizes over ``Limits/maxTotalBytes`` in all. While extracting, the bytes that come
/// out of `inflate` are counted and checked against the declared size, so a zip bomb that
/// lies about its sizes stops at the limit too.
struct ZipReader {
  /// What an archive may hold.
  struct Limits: Sendable {
    /// Entries in the archive (files, folders and skipped ones).
    var maxEntries = 1_000
    /// Uncompressed bytes of the extracted entries in all.
    var maxTotalBytes: Int64
  }

  /// One entry of the central directory.
  struct Entry: Equatable {
    var name: String
    var method: UInt16
    var flags: UInt16
    var crc: UInt32
    var compressedSize: Int64
    var size: Int64
    var localHeaderOffset: Int64
    var isDirectory: Bool { name.hasSuffix("/") }
    /// The last component of the name.
    var baseName: String { String(name.split(separator: "/").last ?? "") }
  }

  let path: String
  /// The archive's name as the user gave it, for messages.
  let shownName: String
  let entries: [Entry]
  private let fd: Int32

  /// Opens `path` and reads its central directory, refusing what ``ZipReader`` refuses.
  init(path: String, shownName: String, limits: Limits) throws {
    self.path = path
    self.shownName = shownName
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw ArcadenceError(.io, "cannot read \(shownName)", cause: SystemError.last)
    }
    self.fd = fd
    do {
      entries = try ZipReader.centralDirectory(fd: fd, shownName: shownName, limits: limits)
    } catch {
      _ = systemClose(fd)
      throw error
    }
  }

  /// Closes the archive.
  func close() { _ = systemClose(fd) }

  static func refuse(_ shownName: String, _ reason: String) -> ArcadenceError {
    ArcadenceError(.usage, "file: \(reason) (value \"\(shownName)\")")
  }

  // MARK: the central directory

  static func centralDirectory(fd: Int32, shownName: String, limits: Limits) throws -> [Entry] {
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      throw ArcadenceError(.io, "cannot read \(shownName)", cause: SystemError.last)
    }
    let size = Int64(st.st_size)
    // The end of central directory record: 22 bytes and a comment of at most 65,535.
    let tailLength = min(size, 22 + 65_535)
    let tail = try read(fd, at: size - tailLength, count: Int(tailLength), shownName)
    var eocd: Int?
    var i = tail.count - 22
    while i >= 0 {
      if le32(tail, i) == 0x0605_4b50 {
        eocd = i
        break
      }
      i -= 1
    }
    guard let e = eocd else { throw refuse(shownName, "not a zip archive (no central directory)") }
    let count = Int(le16(tail, e + 10))
    let cdSize = Int64(le32(tail, e + 12))
    let cdOffset = Int64(le32(tail, e + 16))
    if count == 0xFFFF || cdOffset == 0xFFFF_FFFF {
      throw refuse(shownName, "ZIP64 archives are not read (zip at most 4 GB without ZIP64)")
    }
    guard count <= limits.maxEntries else {
      throw refuse(
        shownName, "more than \(limits.maxEntries) entries in the archive (it has \(count))")
    }
    guard cdOffset + cdSize <= size else { throw refuse(shownName, "damaged zip archive") }
    let cd = try read(fd, at: cdOffset, count: Int(cdSize), shownName)
    var entries: [Entry] = []
    var p = 0
    var declared: Int64 = 0
    for _ in 0..<count {
      guard p + 46 <= cd.count, le32(cd, p) == 0x0201_4b50 else {
        throw refuse(shownName, "damaged zip archive")
      }
      let madeBy = le16(cd, p + 4)
      let flags = le16(cd, p + 8)
      let method = le16(cd, p + 10)
      let crc = le32(cd, p + 16)
      let csize = le32(cd, p + 20)
      let usize = le32(cd, p + 24)
      let nameLength = Int(le16(cd, p + 28))
      let extraLength = Int(le16(cd, p + 30))
      let commentLength = Int(le16(cd, p + 32))
      let external = le32(cd, p + 38)
      let offset = le32(cd, p + 42)
      guard p + 46 + nameLength <= cd.count else { throw refuse(shownName, "damaged zip archive") }
      let nameBytes = Array(cd[(p + 46)..<(p + 46 + nameLength)])
      let name = String(decoding: nameBytes, as: UTF8.self)
      p += 46 + nameLength + extraLength + commentLength
      try checkName(nameBytes, name, shownName)
      // Made on Unix (host 3): the file type is in the high half of the external attributes.
      if madeBy >> 8 == 3, (external >> 16) & 0o170000 == 0o120000 {
        throw refuse(shownName, "the archive holds a symbolic link, \(quoted(name))")
      }
      if flags & 1 != 0 {
        throw refuse(shownName, "the archive holds an encrypted entry, \(quoted(name))")
      }
      if csize == 0xFFFF_FFFF || usize == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        throw refuse(shownName, "ZIP64 archives are not read (zip at most 4 GB without ZIP64)")
      }
      declared += Int64(usize)
      guard declared <= limits.maxTotalBytes else {
        throw refuse(
          shownName,
          "the archive would unpack to more than \(MultipartReader.megabytes(limits.maxTotalBytes)) "
            + "(the upload limit)")
      }
      entries.append(
        Entry(
          name: name, method: method, flags: flags, crc: crc, compressedSize: Int64(csize),
          size: Int64(usize), localHeaderOffset: Int64(offset)))
    }
    return entries
  }

  /// Refuses names that could reach outside the folder: absolute (`/x`, `C:x`), with a `..`
  /// component, a backslash (a Windows separator) or a NUL, or not UTF-8.
  static func checkName(_ bytes: [UInt8], _ name: String, _ shownName: String) throws {
    guard !bytes.isEmpty, Array(name.utf8) == bytes else {
      throw refuse(shownName, "the archive holds a name that is not UTF-8")
    }
    if bytes.contains(0) || bytes.contains(UInt8(ascii: "\\")) {
      throw refuse(shownName, "the archive holds a name with a NUL or a backslash, \(quoted(name))")
    }
    if bytes.first == UInt8(ascii: "/")
      || (bytes.count >= 2 && bytes[1] == UInt8(ascii: ":"))
    {
      throw refuse(shownName, "the archive holds an absolute path, \(quoted(name))")
    }
    if name.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
      throw refuse(shownName, "the archive holds a path with '..', \(quoted(name))")
    }
  }

  static func quoted(_ name: String) -> String { "\"" + TerminalText.sanitized(name) + "\"" }

  // MARK: extraction

  /// Writes `entry`'s bytes through `sink`, inflating a deflated entry; at most `budget`
  /// bytes come out (and no more than the declared size), and the CRC-32 must match.
  /// Returns the number of bytes written.
  func extract(_ entry: Entry, budget: Int64, into sink: (UnsafeRawBufferPointer) throws -> Void)
    throws -> Int64
  {
    let header = try ZipReader.read(fd, at: entry.localHeaderOffset, count: 30, shownName)
    guard ZipReader.le32(header, 0) == 0x0403_4b50 else {
      throw ZipReader.refuse(shownName, "damaged zip archive")
    }
    let dataStart =
      entry.localHeaderOffset + 30 + Int64(ZipReader.le16(header, 26))
      + Int64(ZipReader.le16(header, 28))
    let limit = min(budget, entry.size)
    var written: Int64 = 0
    var crc = crc32(0, nil, 0)
    func emit(_ bytes: UnsafeRawBufferPointer) throws {
      guard !bytes.isEmpty else { return }
      written += Int64(bytes.count)
      guard written <= limit else {
        throw ZipReader.refuse(
          shownName,
          "\(ZipReader.quoted(entry.name)) unpacks to more than its declared size or the upload "
            + "limit")
      }
      crc = crc32(crc, bytes.bindMemory(to: Bytef.self).baseAddress, uInt(bytes.count))
      try sink(bytes)
    }
    switch entry.method {
    case 0:
      try eachChunk(of: entry, from: dataStart) { bytes, _ in try bytes.withUnsafeBytes(emit) }
    case 8: try inflateEntry(entry, from: dataStart, emit: emit)
    default:
      throw ZipReader.refuse(
        shownName,
        "\(ZipReader.quoted(entry.name)) is compressed with method \(entry.method); only stored "
          + "and deflated entries are read")
    }
    guard written == entry.size, UInt32(crc) == entry.crc else {
      throw ZipReader.refuse(
        shownName, "\(ZipReader.quoted(entry.name)) is damaged (size or CRC-32 differs)")
    }
    return written
  }

  /// Bytes read from the archive at a time, and written out of `inflate` at a time.
  static let chunk = 64 * 1024

  /// Calls `body` with the entry's compressed bytes from `start`, a chunk at a time (at
  /// least once, with `last` true on the final chunk).
  func eachChunk(
    of entry: Entry, from start: Int64, _ body: (inout [UInt8], _ last: Bool) throws -> Void
  ) throws {
    var remaining = entry.compressedSize
    var position = start
    repeat {
      let n = Int(min(Int64(ZipReader.chunk), remaining))
      var bytes = try ZipReader.read(fd, at: position, count: n, shownName)
      remaining -= Int64(n)
      position += Int64(n)
      try body(&bytes, remaining == 0)
    } while remaining > 0
  }

  /// Inflates a deflated entry (raw deflate, RFC 1951) through `emit`, a chunk at a time.
  func inflateEntry(
    _ entry: Entry, from start: Int64, emit: (UnsafeRawBufferPointer) throws -> Void
  ) throws {
    var stream = z_stream()
    guard arcadence_inflate_init_raw(&stream) == Z_OK else {
      throw ArcadenceError(.failure, "zlib could not start inflating \(shownName)")
    }
    defer { inflateEnd(&stream) }
    let chunk = ZipReader.chunk
    var out = [UInt8](repeating: 0, count: chunk)
    var ended = false
    let damaged = { (why: String) in
      ZipReader.refuse(shownName, "\(ZipReader.quoted(entry.name)) is damaged (\(why))")
    }
    try eachChunk(of: entry, from: start) { input, last in
      guard !ended else { return }
      try input.withUnsafeMutableBufferPointer { inBuf in
        stream.next_in = inBuf.baseAddress
        stream.avail_in = uInt(inBuf.count)
        defer {
          stream.next_in = nil
          stream.avail_in = 0
        }
        repeat {
          let status = out.withUnsafeMutableBufferPointer { outBuf -> Int32 in
            stream.next_out = outBuf.baseAddress
            stream.avail_out = uInt(outBuf.count)
            return inflate(&stream, Z_NO_FLUSH)
          }
          guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
            throw damaged("inflate failed")
          }
          let produced = chunk - Int(stream.avail_out)
          try out.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
          if status == Z_STREAM_END { ended = true }
          // Z_BUF_ERROR: no progress without more input.
          if ended || status == Z_BUF_ERROR { break }
        } while stream.avail_out == 0
      }
      if !ended && last { throw damaged("ends too early") }
    }
  }

  // MARK: bytes

  static func read(_ fd: Int32, at offset: Int64, count: Int, _ shownName: String) throws
    -> [UInt8]
  {
    guard offset >= 0, count >= 0 else { throw refuse(shownName, "damaged zip archive") }
    var out = [UInt8](repeating: 0, count: count)
    var done = 0
    while done < count {
      let n = out.withUnsafeMutableBytes { buf in
        pread(fd, buf.baseAddress.map { $0 + done }, count - done, off_t(offset) + off_t(done))
      }
      if n < 0, errno == EINTR { continue }
      guard n > 0 else {
        if n < 0 {
          throw ArcadenceError(.io, "cannot read \(shownName)", cause: SystemError.last)
        }
        throw refuse(shownName, "damaged zip archive (ends too early)")
      }
      done += n
    }
    return out
  }

  static func le16(_ b: [UInt8], _ i: Int) -> UInt16 {
    UInt16(b[i]) | UInt16(b[i + 1]) << 8
  }

  static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
  }
}

/// `close` under a name that does not clash with ``ZipReader/close()``.
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
