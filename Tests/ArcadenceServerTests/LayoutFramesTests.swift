import ArcadenceCore
import Foundation
import Logging
import NIOCore
import Testing

@testable import ArcadenceServer

/// The cached-page fast path (issue 17, throughput): the layout rendered once per title, navigation and
/// user and reused around each body gives the very bytes of the layout rendered with the
/// body; recent query strings are decoded once.
@Suite struct LayoutFramesTests {
  static let hostile = "<script>alert(1)</script>\"q' \u{202E}evil & co"

  static func user(_ login: String) -> ServerUser {
    ServerUser(login: login, role: .rep, repId: hostile, teams: [], createdAt: 0, disabledAt: nil)
  }

  static func session(_ csrf: String) -> Session {
    Session(id: "s-" + csrf, login: hostile, csrf: csrf, lastSeen: 0)
  }

  /// The served page (head + body + tail) is byte for byte the layout rendered with the
  /// body, for a hostile title, login and rep, a body with line breaks and markup, and the
  /// page before a login (no user).
  @Test func aFramedPageIsTheLayoutRenderedWithTheBody() throws {
    let frames = LayoutFrames()
    let body = "<h1>KPIs</h1>\n<table>\n<tr><td>1</td></tr>\n</table>\n"
    for (user, session) in [
      (Self.user(Self.hostile), Self.session("ab\"<c")), (nil, nil),
      (Self.user("rep1"), Self.session("0123abcd")),
    ] as [(ServerUser?, Session?)] {
      let key = LayoutFrames.Key(
        title: Self.hostile, role: user?.role, repId: user?.repId,
        login: session == nil ? nil : user?.login, csrf: session?.csrf)
      let render = { (b: String) in
        ArcadenceServer.layout(title: Self.hostile, body: b, user: user, session: session)
      }
      let whole = render(body)
      for _ in 0..<2 {  // rendered, then from the table
        let frame = try #require(frames.frame(key, render: render))
        #expect(String(buffer: frame.page(body)) == whole)
      }
      #expect(!whole.contains(LayoutFrames.marker) && !whole.contains("<script>"))
    }
    #expect(frames.count == 3)
  }

  /// Two sessions of the same user never share a frame (it holds the CSRF token); the
  /// table is emptied when it reaches its capacity.
  @Test func framesAreKeptPerSessionTokenAndBounded() throws {
    let frames = LayoutFrames(capacity: 2)
    var renders = 0
    for csrf in ["aa", "bb", "aa", "cc"] {
      let user = Self.user("rep1")
      let session = Self.session(csrf)
      let key = LayoutFrames.Key(
        title: "t", role: .rep, repId: Self.hostile, login: "rep1", csrf: csrf)
      let frame = try #require(
        frames.frame(key) {
          renders += 1
          return ArcadenceServer.layout(title: "t", body: $0, user: user, session: session)
        })
      #expect(frame.head.contains("value=\"\(csrf)\""))
    }
    // aa and bb rendered, aa from the table, cc rendered into an emptied table (2 reached).
    #expect(renders == 3)
    #expect(frames.count == 1)
  }

  /// A query string is decoded once while it is kept; empty values are dropped; one that
  /// does not decode is refused every time (and not kept); one longer than `longest` is
  /// decoded every time.
  @Test func queryStringsAreDecodedOnceAndEmptyValuesDropped() {
    let queries = QueryStrings(capacity: 8, longest: 40)
    var decodes = 0
    let decode = { (q: String) -> [String: String]? in
      decodes += 1
      return q.contains("%%")
        ? nil
        : Dictionary(
          uniqueKeysWithValues: q.split(separator: "&").map {
            let kv = $0.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
          })
    }
    for _ in 0..<3 {
      #expect(
        queries.parameters("quarter=2026-Q3&rep=&team=A", decode: decode)
          == ["quarter": "2026-Q3", "team": "A"])
    }
    #expect(decodes == 1)
    #expect(queries.parameters("a=%%", decode: decode) == nil)
    #expect(queries.parameters("a=%%", decode: decode) == nil)
    #expect(decodes == 3)
    let long = "rep=" + String(repeating: "R", count: 40)
    _ = queries.parameters(long, decode: decode)
    _ = queries.parameters(long, decode: decode)
    #expect(decodes == 5)
  }
}

/// The request log line (serve.md: one structured line per request), built without
/// Foundation formatting: UTC time, level, label, message, metadata sorted by key, every part
/// made safe for a terminal.
@Suite struct LogLineHandlerTests {
  @Test func oneLineSortedAndSafeForATerminal() {
    let handler = LogLineHandler(label: "arcadence.serve")
    let event = LogEvent(
      level: .info, message: "request",
      metadata: [
        "path": "/kpis\n2026 fake line\u{1b}[2J", "method": "GET", "status": "200",
        "user": "lead", "address": "127.0.0.1", "ms": "3",
      ], source: nil, file: #fileID, function: #function, line: #line)
    // 1,800,000,000 s = 2027-01-15T08:00:00Z.
    #expect(
      handler.line(event, seconds: 1_800_000_000)
        == "2027-01-15T08:00:00Z info arcadence.serve: request address=127.0.0.1 method=GET "
        + "ms=3 path=/kpis\\n2026 fake line\\u{1b}[2J status=200 user=lead\n")
  }
}
