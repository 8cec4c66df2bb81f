import Foundation
import HTTPTypes
import NIOCore

/// A zip archive written byte by byte (PKWARE APPNOTE 4.3), so the tests can make the
/// archives a careful writer never would: `../` names, absolute paths, symbolic links, sizes
/// that lie.
struct TestZip {
  struct Entry {
    var name: String
    var data: [UInt8]
    /// Stored (0), or deflated (8) as one stored deflate block (RFC 1951 3.2.4).
    var method: UInt16 = 0
    /// A Unix symbolic link (made by host 3, mode 0120777).
    var symlink = false
    /// The uncompressed size written in the headers (nil: the true one).
    var declaredSize: UInt32?
  }

  var entries: [Entry]

  /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
      c ^= UInt32(b)
      for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
    }
    return ~c
  }

  static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
  static func le32(_ v: UInt32) -> [UInt8] {
    [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
  }

  var bytes: [UInt8] {
    var out: [UInt8] = []
    var central: [UInt8] = []
    for e in entries {
      let payload: [UInt8] =
        e.method == 8
        ? [1] + TestZip.le16(UInt16(e.data.count)) + TestZip.le16(~UInt16(e.data.count)) + e.data
        : e.data
      let name = Array(e.name.utf8)
      let crc = TestZip.crc32(e.data)
      let size = e.declaredSize ?? UInt32(e.data.count)
      let offset = UInt32(out.count)
      out += TestZip.le32(0x0403_4b50) + TestZip.le16(20) + TestZip.le16(0) + TestZip.le16(e.method)
      out += TestZip.le16(0) + TestZip.le16(0) + TestZip.le32(crc)
      out += TestZip.le32(UInt32(payload.count)) + TestZip.le32(size)
      out += TestZip.le16(UInt16(name.count)) + TestZip.le16(0) + name + payload
      let external: UInt32 = e.symlink ? 0o120777 << 16 : 0o100644 << 16
      central += TestZip.le32(0x0201_4b50) + TestZip.le16(0x031E) + TestZip.le16(20)
      central += TestZip.le16(0) + TestZip.le16(e.method) + TestZip.le16(0) + TestZip.le16(0)
      central += TestZip.le32(crc) + TestZip.le32(UInt32(payload.count)) + TestZip.le32(size)
      central += TestZip.le16(UInt16(name.count)) + TestZip.le16(0) + TestZip.le16(0)
      central += TestZip.le16(0) + TestZip.le16(0) + TestZip.le32(external) + TestZip.le32(offset)
      central += name
    }
    let cdOffset = UInt32(out.count)
    out += central
    out += TestZip.le32(0x0605_4b50) + TestZip.le16(0) + TestZip.le16(0)
    out += TestZip.le16(UInt16(entries.count)) + TestZip.le16(UInt16(entries.count))
    out += TestZip.le32(UInt32(central.count)) + TestZip.le32(cdOffset) + TestZip.le16(0)
    return out
  }
}

/// A `multipart/form-data` body as a browser sends it: the CSRF field first, then the files.
struct TestUpload {
  static let boundary = "----arcadenceTestBoundary7MA4YWxkTrZu0gW"
  var fields: [(String, String)]
  var files: [(name: String, bytes: [UInt8])]
  /// A file sent in the form's `mapping` field.
  var mapping: (name: String, bytes: [UInt8])?

  var bytes: [UInt8] {
    var out: [UInt8] = []
    func add(_ s: String) { out += Array(s.utf8) }
    for (name, value) in fields {
      add("--\(TestUpload.boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n")
      add(value + "\r\n")
    }
    for (field, file) in files.map({ ("files", $0) }) + (mapping.map { [("mapping", $0)] } ?? []) {
      add("--\(TestUpload.boundary)\r\n")
      add("Content-Disposition: form-data; name=\"\(field)\"; filename=\"\(file.name)\"\r\n")
      add("Content-Type: application/octet-stream\r\n\r\n")
      out += file.bytes
      add("\r\n")
    }
    add("--\(TestUpload.boundary)--\r\n")
    return out
  }

  var body: ByteBuffer { ByteBuffer(bytes: bytes) }

  /// The request headers: the session cookie and the multipart content type.
  static func headers(cookie: HTTPFields) -> HTTPFields {
    var h = cookie
    h[.contentType] = "multipart/form-data; boundary=\(boundary)"
    return h
  }
}
