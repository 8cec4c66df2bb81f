import ArcadenceCore
import ArcadenceDelivery
import ArcadenceStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import ArcadenceServer

/// Instants of the tests: `day` at `hh:mm` UTC.
func at(_ y: Int, _ m: Int, _ d: Int, _ hh: Int, _ mm: Int) -> Int64 {
  Timestamp(day: Day(year: y, month: m, day: d) ?? Day(rawValue: 0), hour: hh, minute: mm).seconds
}

/// "What is due", dates worked out by hand. 2026-11-28 is a Saturday, so 11-29 is a Sunday
/// and 11-30 a Monday; 12-01 is a Tuesday and the 1st of December.
@Suite struct ReportScheduleTests {
  static func subscription(_ kind: ReportKind, created: Int64) -> Subscription {
    Subscription(
      id: 1, login: "mgr", kind: kind, minuteOfDay: 7 * 60, email: "m@example.com",
      webhook: false, repId: nil, createdAt: created)
  }

  @Test func aMondaySubscriptionRunOnSundayMondayAndMondayAgain() {
    let s = Self.subscription(.weeklyReview, created: at(2026, 11, 28, 10, 0))
    // Sunday 09:00: the latest Monday 07:00 is 11-23, before the subscription: nothing.
    #expect(ReportSchedule.due(s, now: at(2026, 11, 29, 9, 0), sent: []) == nil)
    // Monday 06:59: still 11-23.
    #expect(ReportSchedule.due(s, now: at(2026, 11, 30, 6, 59), sent: []) == nil)
    // Monday 07:00: due, for the period 2026-11-30.
    let due = ReportSchedule.due(s, now: at(2026, 11, 30, 7, 0), sent: [])
    #expect(due == at(2026, 11, 30, 7, 0))
    #expect(due.map(ReportSchedule.periodKey) == "2026-11-30")
    // Monday again (08:00), once it was sent: nothing; nor on Tuesday.
    #expect(ReportSchedule.due(s, now: at(2026, 11, 30, 8, 0), sent: ["2026-11-30"]) == nil)
    #expect(ReportSchedule.due(s, now: at(2026, 12, 1, 8, 0), sent: ["2026-11-30"]) == nil)
    // Missed on Monday, caught up on Tuesday: the Monday's report, once.
    #expect(ReportSchedule.due(s, now: at(2026, 12, 1, 8, 0), sent: []) == at(2026, 11, 30, 7, 0))
    // The next Monday.
    #expect(
      ReportSchedule.due(s, now: at(2026, 12, 7, 7, 30), sent: ["2026-11-30"])
        == at(2026, 12, 7, 7, 0))
  }

  @Test func monthlyOnTheFirstAndEachWeekday() {
    let kpis = Self.subscription(.kpis, created: at(2026, 11, 15, 0, 0))
    // 11-30: the latest 1st (11-01) is before the subscription.
    #expect(ReportSchedule.due(kpis, now: at(2026, 11, 30, 12, 0), sent: []) == nil)
    #expect(ReportSchedule.due(kpis, now: at(2026, 12, 1, 6, 59), sent: []) == nil)
    #expect(ReportSchedule.due(kpis, now: at(2026, 12, 1, 7, 0), sent: []) == at(2026, 12, 1, 7, 0))
    // 2027-01-01 is a Friday; a run on 01-15 still sends the 1st's.
    #expect(
      ReportSchedule.due(kpis, now: at(2027, 1, 15, 0, 0), sent: ["2026-12-01"])
        == at(2027, 1, 1, 7, 0))
    let worklist = Self.subscription(.worklist, created: at(2026, 11, 1, 0, 0))
    // Saturday 12-05 and Sunday 12-06: Friday 12-04's list; Monday 12-07 07:00 its own.
    #expect(
      ReportSchedule.due(worklist, now: at(2026, 12, 5, 9, 0), sent: []) == at(2026, 12, 4, 7, 0))
    #expect(
      ReportSchedule.due(worklist, now: at(2026, 12, 6, 23, 59), sent: ["2026-12-04"]) == nil)
    #expect(
      ReportSchedule.due(worklist, now: at(2026, 12, 7, 7, 0), sent: ["2026-12-04"])
        == at(2026, 12, 7, 7, 0))
  }

  @Test func timesAreCheckedAndNamed() throws {
    #expect(try ReportSchedule.parseTime("07:05", name: "--at") == 425)
    #expect(try ReportSchedule.parseTime("23:59", name: "--at") == 1439)
    for bad in ["7:05", "24:00", "07:60", "0705", "07:05:00", ""] {
      let error = #expect(throws: ArcadenceError.self) {
        try ReportSchedule.parseTime(bad, name: "--at")
      }
      #expect(
        error?.message == "--at: expected a time HH:MM, 00:00 to 23:59 UTC (value \"\(bad)\")")
    }
  }
}

/// Records the mails and summaries a sender sends; fails the first `failures` sends.
final class RecordingTransport: MailTransport, SummaryTransport, Sendable {
  let state = Mutex<(failures: Int, mails: [(String, String)], posts: [String])>((0, [], []))

  init(failures: Int = 0) { state.withLock { $0.failures = failures } }

  func send(_ message: [UInt8], to: String) async throws {
    try state.withLock {
      if $0.failures > 0 {
        $0.failures -= 1
        throw ArcadenceError(
          .failure,
          "cannot send mail through sink:25: end of DATA: the server replied \"451 try later\"")
      }
      $0.mails.append((to, String(decoding: message, as: UTF8.self)))
    }
  }

  func post(text: String) async throws { state.withLock { $0.posts.append(text) } }

  var mails: [(String, String)] { state.withLock { $0.mails } }
  var posts: [String] { state.withLock { $0.posts } }
}

/// The MIME parts of a rendered message (base64 bodies decoded), by content type.
func mimeParts(_ message: String) -> [(type: String, headers: String, body: Data)] {
  var parts: [(String, String, Data)] = []
  for chunk in message.components(separatedBy: "\r\n--=_arcadence_") {
    guard let split = chunk.range(of: "\r\n\r\n") else { continue }
    let head = String(chunk[..<split.lowerBound])
    guard head.contains("Content-Transfer-Encoding: base64"),
      let type = head.components(separatedBy: "\r\n").first(where: {
        $0.hasPrefix("Content-Type: ")
      })
    else { continue }
    let body = chunk[split.upperBound...].components(separatedBy: "\r\n").prefix { !$0.isEmpty }
    parts.append(
      (String(type.dropFirst(14)), head, Data(base64Encoded: body.joined()) ?? Data()))
  }
  return parts
}

@Suite struct ScheduledReportsTests {
  static func sender(_ h: Harness, _ t: RecordingTransport) throws -> ReportSender {
    var s = ReportSender(
      subscriptions: try SubscriptionStore(accounts: h.server.accounts), ledger: h.server.ledger,
      mail: t, webhook: t, fromAddress: "reports@example.com",
      publicURL: "https://ar.example.com")
    s.retryDelay = 0
    return s
  }

  static func actions(_ h: Harness) throws -> [String] {
    try h.server.accounts.auditLog(limit: 100).map(\.action)
  }

  /// The rows of a report CSV after its header.
  static func rows(_ csv: Data) -> [String] {
    String(decoding: csv, as: UTF8.self).split(separator: "\n").dropFirst().map(String.init)
  }

  /// A rep's worklist mail holds only their own items. On the fixture, the day's worklist
  /// (2026-04-11) has two items, both R2's: case K3 (customer C3) and case K4 (on C1, but
  /// the case's own rep is R2, kpis.md's rule). So rep1 (R1) gets a list with no rows, and the
  /// manager of team A, subscribed to R2's, gets exactly those two, C3's formula name
  /// neutralised in the CSV and its markup escaped in the HTML.
  @Test func aRepsWorklistHoldsOnlyTheirOwnItems() async throws {
    let h = try Harness()
    let subscriptions = try SubscriptionStore(accounts: h.server.accounts)
    try subscriptions.add(
      login: "rep1", kind: .worklist, time: "07:00", email: "rep1@example.com", webhook: true,
      repId: nil, actor: "test")
    try subscriptions.add(
      login: "mgr", kind: .worklist, time: "07:00", email: "mgr@example.com", webhook: false,
      repId: "R2", actor: "test")
    let refused = #expect(throws: ArcadenceError.self) {
      try subscriptions.add(
        login: "rep1", kind: .worklist, time: "07:00", email: "rep1@example.com",
        webhook: false, repId: "R2", actor: "test")
    }
    #expect(refused?.message == "--rep: a rep receives only their own worklist")
    let notTheirs = #expect(throws: ArcadenceError.self) {
      try subscriptions.add(
        login: "mgr", kind: .worklist, time: "07:00", email: "mgr@example.com",
        webhook: false, repId: "R4", actor: "test")
    }
    #expect(notTheirs?.message == "--rep: not in your teams (value \"R4\")")
    #expect(throws: ArcadenceError.self) {
      try subscriptions.add(
        login: "rep1", kind: .kpis, time: "07:00", email: "rep1@example.com", webhook: false,
        repId: nil, actor: "test")
    }
    let t = RecordingTransport()
    let outcome = try await Self.sender(h, t).sendDue(now: Accounts.now() + 8 * 86_400)
    #expect(outcome.sent == 2)
    #expect(outcome.failed == 0)
    let byRecipient = Dictionary(t.mails.map { ($0.0, mimeParts($0.1)) }) { a, _ in a }
    func csv(_ to: String) throws -> [String] {
      Self.rows(try #require(byRecipient[to]?.first { $0.type.hasPrefix("text/csv") }).body)
    }
    #expect(try csv("rep1@example.com") == [])
    let r2 = try csv("mgr@example.com")
    #expect(r2.count == 2)
    #expect(r2.map { $0.prefix(18) } == ["2026-04-11-K3-case", "2026-04-11-K4-case"])
    #expect(r2[0].contains(",C3,\"'=HYPERLINK("))
    let html = String(
      decoding: try #require(
        byRecipient["mgr@example.com"]?.first { $0.type.hasPrefix("text/html") }
      )
      .body, as: UTF8.self)
    #expect(!html.contains("<script>"))
    #expect(html.contains("&lt;script&gt;alert(2)"))
    // The webhook's summary names the rep's list (none to do) and links to it.
    #expect(t.posts.count == 1)
    #expect(t.posts.first?.contains("0 calls, 0 emails, 0 cases") == true)
    #expect(
      t.posts.first?.contains("<https://ar.example.com/worklist/R1|Open in arcadence>") == true)
  }

  /// A manager's weekly review is their team's, with its charts inline; sent once per
  /// period; every attempt audited.
  @Test func retriedThenSentOnceAndAudited() async throws {
    let h = try Harness()
    let subscriptions = try SubscriptionStore(accounts: h.server.accounts)
    let s = try subscriptions.add(
      login: "mgr", kind: .weeklyReview, time: "06:00", email: "mgr@example.com",
      webhook: false, repId: nil, actor: "test")
    let now = Accounts.now() + 8 * 86_400
    // Three failures: three attempts in this run, then report.failed; still due.
    let failing = RecordingTransport(failures: 3)
    let first = try await Self.sender(h, failing).sendDue(now: now)
    #expect(first.sent == 0)
    #expect(first.failed == 1)
    #expect(try Self.actions(h).suffix(3) == ["report.retry", "report.retry", "report.failed"])
    let failed = try h.server.accounts.auditLog(limit: 1)[0].detail
    #expect(failed.contains("#\(s.id) weekly-review"))
    #expect(failed.hasSuffix("the server replied \"451 try later\""))
    // One failure then success: one retry, then sent.
    let flaky = RecordingTransport(failures: 1)
    let second = try await Self.sender(h, flaky).sendDue(now: now)
    #expect(second.sent == 1)
    #expect(try Self.actions(h).suffix(2) == ["report.retry", "report.sent"])
    // The same period again: nothing.
    let third = try await Self.sender(h, flaky).sendDue(now: now + 60)
    #expect(third.sent == 0 && third.failed == 0)
    #expect(flaky.mails.count == 1)
    let mail = try #require(flaky.mails.first).1
    // The subject holds `·`: an RFC 2047 encoded word.
    let subject = try #require(mail.firstMatch(of: /Subject: =\?UTF-8\?B\?([A-Za-z0-9+\/=]+)\?=/))
    let decoded = String(decoding: Data(base64Encoded: String(subject.1)) ?? Data(), as: UTF8.self)
    #expect(decoded == "Weekly review 2026-W14 · team A")
    let parts = mimeParts(mail)
    let html = String(
      decoding: try #require(parts.first { $0.type.hasPrefix("text/html") }).body, as: UTF8.self)
    let images = parts.filter { $0.type == "image/png" }
    #expect(images.count == 2)
    for image in images {
      // PNG signature 89 50 4E 47, and the HTML refers to the part by its Content-ID.
      #expect(Array(image.body.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
      let cid = try #require(image.headers.firstMatch(of: /Content-ID: <([^>]+)>/)).1
      #expect(html.contains("src=\"cid:\(cid)\""))
    }
    #expect(!html.contains("/chart.svg"))
    #expect(!html.contains("<form"))
  }

  /// Two runs at the same moment (the server's scheduler and a cron `send-due`): the one
  /// that claims the period sends it, the other leaves it; a failed send gives it back; a
  /// claim left by a killed run is taken over after `claimSeconds`.
  @Test func oneRunClaimsAPeriodAndAnotherLeavesIt() async throws {
    let h = try Harness()
    let subscriptions = try SubscriptionStore(accounts: h.server.accounts)
    let s = try subscriptions.add(
      login: "mgr", kind: .weeklyReview, time: "06:00", email: "mgr@example.com",
      webhook: false, repId: nil, actor: "test")
    let t: Int64 = 1_000_000
    #expect(try subscriptions.claim(s.id, period: "P", now: t))
    #expect(try !subscriptions.claim(s.id, period: "P", now: t + 10))
    #expect(try subscriptions.sent(s.id, now: t + 10) == ["P"])
    try subscriptions.release(s.id, period: "P")
    #expect(try subscriptions.sent(s.id, now: t + 10).isEmpty)
    #expect(try subscriptions.claim(s.id, period: "P", now: t + 20))
    // Still held at 3,600 s, taken over after: the claiming run was killed.
    #expect(try !subscriptions.claim(s.id, period: "P", now: t + 20 + 3_599))
    #expect(try subscriptions.sent(s.id, now: t + 20 + 3_599) == ["P"])
    #expect(try subscriptions.sent(s.id, now: t + 20 + 3_600).isEmpty)
    #expect(try subscriptions.claim(s.id, period: "P", now: t + 20 + 3_600))
    // Done is done: no claim takes it again, however late.
    try subscriptions.markDone(
      s.id, period: "P", actor: "test", action: "report.sent", detail: "P")
    #expect(try !subscriptions.claim(s.id, period: "P", now: t + 100_000))
    #expect(try subscriptions.sent(s.id, now: t + 100_000) == ["P"])

    // A run while another run holds this week's period sends nothing and leaves it due.
    let now = Accounts.now() + 8 * 86_400
    let due = try #require(ReportSchedule.due(s, now: now, sent: []))
    let period = ReportSchedule.periodKey(due)
    #expect(try subscriptions.claim(s.id, period: period))
    let transport = RecordingTransport(failures: 0)
    let blocked = try await Self.sender(h, transport).sendDue(now: now)
    #expect(blocked.sent == 0 && blocked.failed == 0)
    #expect(transport.mails.isEmpty)
    // The other run failed and gave it back: the next run sends it, once.
    try subscriptions.release(s.id, period: period)
    #expect(try await Self.sender(h, transport).sendDue(now: now).sent == 1)
    #expect(try await Self.sender(h, transport).sendDue(now: now).sent == 0)
    #expect(transport.mails.count == 1)
  }

  /// A subscriber whose role changed so that they may no longer open the page gets
  /// nothing: the period is closed as `report.refused` (not retried every run).
  @Test func aSubscriberWhoMayNoLongerReceiveItIsRefused() async throws {
    let h = try Harness()
    let subscriptions = try SubscriptionStore(accounts: h.server.accounts)
    try subscriptions.add(
      login: "mgr", kind: .weeklyReview, time: "06:00", email: "mgr@example.com",
      webhook: false, repId: nil, actor: "test")
    try h.server.accounts.setRole(
      login: "mgr", role: .rep, repId: "R1", teams: [], actor: "test")
    let t = RecordingTransport()
    let now = Accounts.now() + 8 * 86_400
    let first = try await Self.sender(h, t).sendDue(now: now)
    #expect(first.sent == 0 && first.failed == 0)
    #expect(t.mails.isEmpty)
    let last = try h.server.accounts.auditLog(limit: 1)[0]
    #expect(last.action == "report.refused")
    #expect(last.detail.hasSuffix("mgr (rep R1) may not open /review any more"))
    let second = try await Self.sender(h, t).sendDue(now: now + 60)
    #expect(second.lines.isEmpty)
  }

  /// The page: a user adds and removes their own (CSRF-checked), audited; another user's
  /// subscription cannot be removed.
  @Test func theSubscriptionsPage() async throws {
    let h = try Harness()
    let mgr = await h.cookie("mgr")
    let lead = await h.cookie("lead")
    try await h.test { client async throws in
      func post(_ who: (HTTPFields, Session), _ fields: [(String, String)]) async throws
        -> TestResponse
      {
        var headers = formHeaders
        headers[.cookie] = who.0[.cookie]
        return try await client.execute(
          uri: "/subscriptions", method: .post, headers: headers,
          body: formBody([("csrf", who.1.csrf)] + fields))
      }
      let added = try await post(
        mgr,
        [
          ("action", "add"), ("kind", "weekly-review"), ("at", "07:30"),
          ("email", "mgr@example.com"),
        ])
      #expect(added.status == .ok)
      #expect(
        String(buffer: added.body).contains(
          "Added #1: weekly-review every Monday at 07:30 UTC to mgr@example.com."))
      let bad = try await post(
        mgr,
        [
          ("action", "add"), ("kind", "kpis"), ("at", "07:30"),
          ("email", "mgr@example.com\r\nBcc: x@y.z"),
        ])
      #expect(bad.status == .badRequest)
      #expect(String(buffer: bad.body).contains("email: not an e-mail address"))
      // Leadership cannot remove the manager's.
      let other = try await post(lead, [("action", "remove"), ("id", "1")])
      #expect(other.status == .badRequest)
      // Without the CSRF token: 403, nothing changed.
      var headers = formHeaders
      headers[.cookie] = mgr.0[.cookie]
      let forged = try await client.execute(
        uri: "/subscriptions", method: .post, headers: headers,
        body: formBody([("action", "remove"), ("id", "1")]))
      #expect(forged.status == .forbidden)
      let removed = try await post(mgr, [("action", "remove"), ("id", "1")])
      #expect(String(buffer: removed.body).contains("Removed #1."))
    }
    let actions = try Self.actions(h).filter {
      $0.hasPrefix("subscription") || $0 == "form.refused"
    }
    #expect(
      actions == [
        "subscription.add", "subscription.add.refused", "subscription.remove.refused",
        "form.refused", "subscription.remove",
      ])
  }
}
