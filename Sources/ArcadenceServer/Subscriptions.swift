import ArcadenceCore
import ArcadenceDelivery
import ArcadenceStore
import Foundation
import GRDB

/// What a subscriber receives (issue 18, "Reports that arrive by themselves"), and when.
public enum ReportKind: String, Sendable, CaseIterable {
  /// The manager's weekly root-cause review (`/review`), every Monday.
  case weeklyReview = "weekly-review"
  /// The leadership KPI page (`/kpis`), monthly on the 1st.
  case kpis
  /// A rep's worklist (`/worklist/REP`, the printable list), each weekday morning.
  case worklist

  /// The page whose content is sent: its route decides which roles may subscribe
  /// (``Routes/all``), and ``Access/decide`` the scope of what is sent.
  public var page: Page {
    switch self {
    case .weeklyReview: .review
    case .kpis: .kpis
    case .worklist: .worklist
    }
  }

  /// `every Monday`, `monthly on the 1st`, `each weekday`.
  public var cadence: String {
    switch self {
    case .weeklyReview: "every Monday"
    case .kpis: "monthly on the 1st"
    case .worklist: "each weekday (Monday to Friday)"
    }
  }

  /// Parses `--kind` (or the page's `kind` field); anything else is a usage error naming it.
  public static func parse(_ text: String, name: String) throws -> ReportKind {
    try choice(text, name: name)
  }
}

/// One subscription: a user, what they receive, when (UTC) and where.
public struct Subscription: Sendable, Equatable {
  public var id: Int64
  public var login: String
  public var kind: ReportKind
  /// The delivery time, minutes after midnight UTC (0…1439).
  public var minuteOfDay: Int
  public var email: String
  /// Whether a summary also goes to the webhook (`ARCADENCE_WEBHOOK_URL`).
  public var webhook: Bool
  /// The rep whose worklist is sent (worklist only).
  public var repId: String?
  public var createdAt: Int64

  /// `07:30`.
  public var time: String { ReportSchedule.timeText(minuteOfDay) }

  /// `#3 mona weekly-review 07:30 mona@example.com webhook` (the audit's detail).
  public var summary: String {
    "#\(id) \(login) \(kind.rawValue)" + (repId.map { " " + $0 } ?? "") + " \(time) \(email)"
      + (webhook ? " webhook" : "")
  }
}

/// The one home of "what is due": when each kind falls, and which period a send belongs to.
///
/// All times are UTC. A subscription is due at its kind's latest occurrence at or before
/// `now` (the delivery time on the day's date) when that occurrence is not before the
/// subscription was made and no report was sent for it yet (``SubscriptionStore``'s
/// deliveries, keyed by the occurrence's date). So a run on Sunday sends no weekly review,
/// the Monday run after the time sends it, a second run that Monday sends nothing, and a run
/// missed on Monday is caught up by Tuesday's (one report per period, never two).
public enum ReportSchedule {
  /// The latest instant at or before `now` (seconds since the epoch, UTC) at which `kind`
  /// falls at `minuteOfDay`: the same day or the last day of the kind before it.
  public static func latestOccurrence(_ kind: ReportKind, minuteOfDay: Int, now: Int64) -> Int64 {
    let today = Timestamp(seconds: now).day
    // Every kind falls at least once in any 31 days before today.
    for back in 0...31 {
      let day = today.adding(-back)
      let at = Timestamp(day: day, hour: minuteOfDay / 60, minute: minuteOfDay % 60).seconds
      guard at <= now, falls(kind, on: day) else { continue }
      return at
    }
    return Timestamp(day: today.adding(-31)).seconds  // not reached: the 1st is within 31 days
  }

  /// Whether `kind` falls on `day`: Mondays, the 1st of a month, Monday to Friday.
  public static func falls(_ kind: ReportKind, on day: Day) -> Bool {
    switch kind {
    case .weeklyReview: day.weekdayFromMonday == 0
    case .kpis: day.civil.day == 1
    case .worklist: day.weekdayFromMonday < 5
    }
  }

  /// The period a send at `occurrence` belongs to: the occurrence's date (`2026-11-30`).
  public static func periodKey(_ occurrence: Int64) -> String {
    "\(Timestamp(seconds: occurrence).day)"
  }

  /// The occurrence due for `subscription` at `now`, or nil: not before the subscription was
  /// made, and not in `sent` (the period keys already sent for it).
  public static func due(_ subscription: Subscription, now: Int64, sent: Set<String>) -> Int64? {
    let at = latestOccurrence(subscription.kind, minuteOfDay: subscription.minuteOfDay, now: now)
    guard at >= subscription.createdAt, !sent.contains(periodKey(at)) else { return nil }
    return at
  }

  /// Parses `HH:MM` (00:00 to 23:59, UTC) into minutes after midnight; anything else is a
  /// usage error naming `name`.
  public static func parseTime(_ text: String, name: String) throws -> Int {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]),
      let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m)
    else {
      throw ArcadenceError(
        .usage, "\(name): expected a time HH:MM, 00:00 to 23:59 UTC (value \"\(text)\")")
    }
    return h * 60 + m
  }

  /// `07:05`.
  public static func timeText(_ minuteOfDay: Int) -> String {
    let h = minuteOfDay / 60
    let m = minuteOfDay % 60
    return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
  }
}

/// The subscriptions and the reports sent for them, in the store (a migration of their own,
/// beside the users and jobs tables). Every change is audited through ``Accounts``.
public struct SubscriptionStore: Sendable {
  public let accounts: Accounts
  var store: Store { accounts.store }

  /// Opens the subscription tables of `accounts`' store, adding them when missing.
  public init(accounts: Accounts) throws {
    self.accounts = accounts
    do {
      try SubscriptionStore.migrator.migrate(accounts.store.pool)
    } catch let error as DatabaseError {
      throw ArcadenceError(
        .database,
        "cannot add the subscriptions tables to \(accounts.store.path): "
          + (error.message ?? "\(error)"))
    }
  }

  static var migrator: DatabaseMigrator {
    var m = DatabaseMigrator()
    m.registerMigration("serve reports v1: subscriptions, report deliveries") { db in
      try db.execute(sql: SubscriptionStore.schemaV1)
    }
    return m
  }

  /// Subscriptions, and one row per report sent (subscription, period): the primary key is
  /// what makes a send happen once per period.
  static let schemaV1 = """
    CREATE TABLE subscriptions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      login TEXT NOT NULL REFERENCES users(login),
      kind TEXT NOT NULL CHECK (kind IN ('weekly-review', 'kpis', 'worklist')),
      minute_of_day INTEGER NOT NULL CHECK (minute_of_day BETWEEN 0 AND 1439),
      email TEXT NOT NULL,
      webhook INTEGER NOT NULL DEFAULT 0,
      rep_id TEXT,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX subscriptions_login ON subscriptions (login);
    CREATE TABLE report_deliveries (
      subscription_id INTEGER NOT NULL,
      period TEXT NOT NULL,
      sent_at INTEGER NOT NULL,
      state TEXT NOT NULL DEFAULT 'done' CHECK (state IN ('sending', 'done')),
      PRIMARY KEY (subscription_id, period)
    );
    """

  /// Adds a subscription for `login` (an enabled user whose role may open the kind's page:
  /// ``Routes/all``). A worklist names its rep: a rep user's own by default; a manager
  /// names one (`rep`), whose scope is checked again at every send. Audited as
  /// `subscription.add` by `actor`. `prefix` is how the place names its inputs (`--` or
  /// nothing).
  @discardableResult
  public func add(
    login: String, kind: ReportKind, time: String, email: String, webhook: Bool,
    repId: String?, actor: String, address: String = "", prefix: String = "--"
  ) throws -> Subscription {
    let minute = try ReportSchedule.parseTime(time, name: "\(prefix)at")
    try HeaderText.checkAddress(email, name: "\(prefix)email")
    guard let user = try accounts.user(login), user.disabledAt == nil else {
      throw ArcadenceError(
        .usage,
        "\(Accounts.loginName(prefix: prefix)): no enabled user with this login "
          + "(value \"\(login)\")")
    }
    let route = Routes.route(kind.page)
    guard route.roles.contains(user.role) else {
      throw ArcadenceError(
        .usage,
        "\(prefix)kind: a \(user.role.rawValue) may not receive \(kind.rawValue) (roles: "
          + route.roles.map(\.rawValue).sorted().joined(separator: ", ") + ")")
    }
    var rep: String?
    if kind == .worklist {
      rep = repId ?? user.repId
      guard let r = rep else {
        throw ArcadenceError(.usage, "\(prefix)rep: a worklist needs the rep whose list it is")
      }
      if user.role == .rep, r != user.repId {
        throw ArcadenceError(.usage, "\(prefix)rep: a rep receives only their own worklist")
      }
      let row = try store.pool.read {
        try Row.fetchOne($0, sql: "SELECT team FROM reps WHERE rep_id = ?", arguments: [r])
      }
      guard let row else {
        throw ArcadenceError(
          .usage, "\(prefix)rep: no rep with this id in the store (value \"\(r)\")")
      }
      let team: String? = row["team"]
      if user.role == .manager, !user.teams.contains(team ?? "") {
        throw ArcadenceError(.usage, "\(prefix)rep: not in your teams (value \"\(r)\")")
      }
    } else if repId != nil {
      throw ArcadenceError(.usage, "\(prefix)rep: only for \(prefix)kind worklist")
    }
    let now = Accounts.now()
    return try store.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO subscriptions (login, kind, minute_of_day, email, webhook, rep_id, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [login, kind.rawValue, minute, email, webhook ? 1 : 0, rep, now])
      let s = Subscription(
        id: db.lastInsertedRowID, login: login, kind: kind, minuteOfDay: minute, email: email,
        webhook: webhook, repId: rep, createdAt: now)
      try Accounts.append(
        db, actor: actor, action: "subscription.add", detail: s.summary, address: address)
      return s
    }
  }

  /// The subscriptions of `login`, or everyone's when nil; by id.
  public func list(login: String? = nil) throws -> [Subscription] {
    try store.pool.read { db in
      let rows: [Row]
      if let login {
        rows = try Row.fetchAll(
          db, sql: "SELECT * FROM subscriptions WHERE login = ? ORDER BY id", arguments: [login])
      } else {
        rows = try Row.fetchAll(db, sql: "SELECT * FROM subscriptions ORDER BY id")
      }
      return rows.compactMap { row -> Subscription? in
        guard let kind = ReportKind(rawValue: row["kind"]) else { return nil }
        return Subscription(
          id: row["id"], login: row["login"], kind: kind, minuteOfDay: row["minute_of_day"],
          email: row["email"], webhook: (row["webhook"] as Int64? ?? 0) != 0,
          repId: row["rep_id"], createdAt: row["created_at"])
      }
    }
  }

  /// Removes subscription `id`; when `owner` is given, only if it is theirs (the page: a
  /// user removes their own, an admin passes nil). Audited as `subscription.remove`.
  public func remove(
    id: Int64, owner: String?, actor: String, address: String = "", prefix: String = "--"
  ) throws {
    try store.pool.write { db in
      let row = try Row.fetchOne(
        db, sql: "SELECT * FROM subscriptions WHERE id = ?", arguments: [id])
      let found: String? = row?["login"]
      guard let row, let login = found, owner == nil || login == owner else {
        throw ArcadenceError(
          .usage,
          "\(prefix.isEmpty ? "id" : "ID"): no such subscription (value \"\(id)\")")
      }
      try db.execute(sql: "DELETE FROM subscriptions WHERE id = ?", arguments: [id])
      let kind: String = row["kind"]
      try Accounts.append(
        db, actor: actor, action: "subscription.remove", detail: "#\(id) \(login) \(kind)",
        address: address)
    }
  }

  /// How long a claim (a run sending the period now) holds before another run may take it
  /// over: a run that was killed mid-send leaves its claim, which must not block the period
  /// for ever. Longer than any run's retries (attempts × a 30 s step limit, back-offs).
  static let claimSeconds: Int64 = 3_600

  /// The periods already sent for `id`, or being sent by a run whose claim still holds.
  func sent(_ id: Int64, now: Int64 = Accounts.now()) throws -> Set<String> {
    try store.pool.read {
      Set(
        try String.fetchAll(
          $0,
          sql: """
            SELECT period FROM report_deliveries
            WHERE subscription_id = ? AND (state = 'done' OR sent_at > ?)
            """,
          arguments: [id, now - Self.claimSeconds]))
    }
  }

  /// Claims the report of `period` for `id` for this run, in one statement, so two runs at
  /// the same moment (the server's scheduler and a cron `reports send-due`) never both send
  /// it: true for the one run that got it. A claim older than ``claimSeconds`` is taken over.
  func claim(_ id: Int64, period: String, now: Int64 = Accounts.now()) throws -> Bool {
    try store.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO report_deliveries (subscription_id, period, sent_at, state)
          VALUES (?, ?, ?, 'sending')
          ON CONFLICT (subscription_id, period) DO UPDATE SET sent_at = excluded.sent_at
          WHERE state = 'sending' AND sent_at <= ?
          """, arguments: [id, period, now, now - Self.claimSeconds])
      return db.changesCount == 1
    }
  }

  /// Gives a claimed period back after a failed send, so the next run sends it.
  func release(_ id: Int64, period: String) throws {
    try store.pool.write {
      try $0.execute(
        sql: """
          DELETE FROM report_deliveries
          WHERE subscription_id = ? AND period = ? AND state = 'sending'
          """, arguments: [id, period])
    }
  }

  /// Records that the report of `period` is done for `id` (sent, or refused for good), with
  /// its audit line (`action`), in one transaction.
  func markDone(_ id: Int64, period: String, actor: String, action: String, detail: String)
    throws
  {
    try store.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO report_deliveries (subscription_id, period, sent_at, state)
          VALUES (?, ?, ?, 'done')
          ON CONFLICT (subscription_id, period) DO UPDATE SET
            sent_at = excluded.sent_at, state = 'done'
          """, arguments: [id, period, Accounts.now()])
      try Accounts.append(db, actor: actor, action: action, detail: detail, address: "")
    }
  }
}
