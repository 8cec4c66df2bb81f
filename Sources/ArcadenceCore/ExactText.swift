/// A string compared and hashed by its UTF-8 bytes, as SQLite compares text (`BINARY`):
/// `String`'s own `==` holds canonically equivalent strings equal ("é" and "e\u{301}"), which
/// would merge two ids, names or words that the store keeps apart. The one home of that rule:
/// the importer's caches of known ids and the ledger cache's dictionaries key on it.
public struct ExactText: Hashable, Sendable {
  public let text: String

  public init(_ text: String) { self.text = text }

  public static func == (a: Self, b: Self) -> Bool {
    // Through contiguous buffers: `utf8.elementsEqual` steps a view (a tenth of a refresh).
    var (x, y) = (a.text, b.text)
    return x.withUTF8 { p in y.withUTF8 { q in p.elementsEqual(q) } }
  }

  public func hash(into hasher: inout Hasher) {
    var t = text
    t.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
  }
}
