import NIOCore
import Synchronization

/// The layout around page bodies, rendered from the one layout template (``Templates``'s
/// `layout`) once per title, navigation and user, then reused.
///
/// The layout is rendered with ``marker`` as the body and split there into the markup before
/// the body (``Frame/head``) and after it (``Frame/tail``); a page is then head + body + tail,
/// the same bytes as the layout rendered with the body (the body is inserted raw, `{{{body}}}`,
/// and a variable tag on its own line keeps no indentation), without walking the template and
/// its context again for every request of a cached page.
///
/// A frame holds the user's login, role and CSRF token, so the key holds them all (and the
/// navigation's role and rep): two sessions never share a frame that shows a user. At most
/// ``capacity`` frames are kept; reaching it empties the table (the next requests render
/// their frames again), so memory stays bounded (a frame is about 2 KB).
final class LayoutFrames: Sendable {
  /// What a frame depends on: the title, whose navigation (role and rep), and the user shown
  /// with their session's token (nil on the pages before a login).
  struct Key: Hashable, Sendable {
    var title: String
    var role: UserRole?
    var repId: String?
    var login: String?
    var csrf: String?
  }

  /// The layout before and after the body.
  struct Frame: Sendable {
    var head: String
    var tail: String

    /// head + body + tail in one buffer of the right size.
    func page(_ body: String) -> ByteBuffer {
      var buffer = ByteBuffer()
      buffer.reserveCapacity(head.utf8.count + body.utf8.count + tail.utf8.count)
      buffer.writeString(head)
      buffer.writeString(body)
      buffer.writeString(tail)
      return buffer
    }
  }

  /// Stands for the body while the frame is rendered: an HTML comment with a random part
  /// drawn at start-up, so no title, login or other text can contain it.
  static let marker = "<!--arcadence-body-\(randomToken())-->"

  let capacity: Int
  private let frames = Mutex<[Key: Frame]>([:])

  init(capacity: Int = 1024) {
    self.capacity = max(1, capacity)
  }

  /// The frame for `key`: the kept one, or the split of `render(marker)` (kept for the next
  /// request). Nil when the rendering does not hold the marker exactly once (then the caller
  /// renders the whole page instead).
  func frame(_ key: Key, render: (String) -> String) -> Frame? {
    if let kept = frames.withLock({ $0[key] }) { return kept }
    let html = render(LayoutFrames.marker)
    let found = html.ranges(of: LayoutFrames.marker)
    guard found.count == 1, let at = found.first else { return nil }
    let frame = Frame(head: String(html[..<at.lowerBound]), tail: String(html[at.upperBound...]))
    frames.withLock {
      if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
      $0[key] = frame
    }
    return frame
  }

  /// How many frames are kept (tests).
  var count: Int { frames.withLock { $0.count } }
}

/// The query strings of recent requests, decoded (`+` a space, `%XX` a byte, as a browser
/// sends a GET form) into their non-empty parameters: the same query (a bookmarked page, a
/// reload) is decoded once. Bounded like ``LayoutFrames``: at most ``capacity`` entries of at
/// most ``longest`` bytes each; a longer query is decoded every time.
final class QueryStrings: Sendable {
  let capacity: Int
  let longest: Int
  private let decoded = Mutex<[String: [String: String]]>([:])

  init(capacity: Int = 1024, longest: Int = 2048) {
    self.capacity = max(1, capacity)
    self.longest = longest
  }

  /// The non-empty parameters of `query` (an empty value means "not given": an empty
  /// picker), or nil when it is not a valid form encoding; `decode` is the one decoder.
  func parameters(_ query: String, decode: (String) -> [String: String]?) -> [String: String]? {
    if let kept = decoded.withLock({ $0[query] }) { return kept }
    guard let all = decode(query) else { return nil }
    let parameters = all.filter { !$0.value.isEmpty }
    if query.utf8.count <= longest {
      decoded.withLock {
        if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
        $0[query] = parameters
      }
    }
    return parameters
  }
}
