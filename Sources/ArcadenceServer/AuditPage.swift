import ArcadenceCore
import GRDB

/// The filters of the audit page, from its query string: `who` (the actor, exactly), `what`
/// (an action, `user.add`, or a family, `user` for every `user.*`), `from` and `to` (UTC
/// days, both included), `page` (1 is the newest 200 rows).
struct AuditFilter: Equatable, Sendable {
  var who: String?
  var what: String?
  var from: Day?
  var to: Day?
  var page = 1

  /// Rows per page.
  static let pageSize = 200

  /// Reads the query; a malformed date, `from` after `to`, or a page that is not 1 to
  /// 1,000,000 is a usage error naming the parameter and its value.
  init(query q: [String: String]) throws {
    who = q["who"]
    what = q["what"]
    func day(_ name: String) throws -> Day? {
      guard let text = q[name] else { return nil }
      guard let d = Day(iso: text) else {
        throw ArcadenceError(.usage, "\(name): not a date (YYYY-MM-DD) (value \"\(text)\")")
      }
      return d
    }
    from = try day("from")
    to = try day("to")
    if let from, let to, to < from {
      throw ArcadenceError(
        .usage, "to: before from (\(from)) (value \"\(q["to"] ?? "")\")")
    }
    if let p = q["page"] {
      guard let n = Int(p), (1...1_000_000).contains(n) else {
        throw ArcadenceError(.usage, "page: expected 1 to 1,000,000 (value \"\(p)\")")
      }
      page = n
    }
  }

  /// The filters as a query (the page left out), for links and the CSV.
  var query: [String: String] {
    var q: [String: String] = [:]
    q["who"] = who
    q["what"] = what
    q["from"] = from.map { "\($0)" }
    q["to"] = to.map { "\($0)" }
    return q
  }

  /// The WHERE clause and its arguments: every filter bound as a parameter.
  var clause: (sql: String, arguments: StatementArguments) {
    let sql = """
      WHERE (?1 IS NULL OR actor = ?1)
        AND (?2 IS NULL OR action = ?2 OR substr(action, 1, length(?2) + 1) = ?2 || '.')
        AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at < ?4)
      """
    let start = from.map { Int64($0.rawValue) * 86_400 }
    let end = to.map { (Int64($0.rawValue) + 1) * 86_400 }
    return (sql, [who, what, start, end])
  }
}

extension Accounts {
  /// The entries `filter` selects, newest first: `limit` of them after skipping `offset`
  /// (all of them when `limit` is nil).
  func auditEntries(_ filter: AuditFilter, limit: Int?, offset: Int = 0) throws -> [AuditEntry] {
    let (where_, arguments) = filter.clause
    var args = arguments
    args += [limit ?? -1, offset]
    return try store.pool.read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM audit \(where_) ORDER BY id DESC LIMIT ?5 OFFSET ?6",
        arguments: args
      ).map {
        AuditEntry(
          id: $0["id"], at: $0["at"], actor: $0["actor"], action: $0["action"],
          detail: $0["detail"], address: $0["address"])
      }
    }
  }

  /// How many entries `filter` selects.
  func auditCount(_ filter: AuditFilter) throws -> Int {
    let (where_, arguments) = filter.clause
    return try store.pool.read { db in
      try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit \(where_)", arguments: arguments) ?? 0
    }
  }
}

/// The admin's audit log page (`/audit`): the rows the filters select, newest first, 200 a
/// page, with links to the newer and older pages; `?format=csv` downloads every selected
/// row (formula cells neutralised by ``CSVWriter/reportLine(_:)``).
enum AuditPage {
  static func page(accounts: Accounts, query q: [String: String]) throws -> PageBody {
    let filter = try AuditFilter(query: q)
    if q["format"] == "csv" {
      var out = CSVWriter.reportLine(["id", "at", "actor", "action", "detail", "address"])
      for e in try accounts.auditEntries(filter, limit: nil) {
        out += CSVWriter.reportLine([
          "\(e.id)", Timestamp(seconds: e.at).description, e.actor, e.action, e.detail, e.address,
        ])
      }
      return .csv(name: "audit.csv", text: out)
    }
    let size = AuditFilter.pageSize
    let total = try accounts.auditCount(filter)
    let entries = try accounts.auditEntries(filter, limit: size, offset: (filter.page - 1) * size)
    let rows: [[String: Any]] = entries.map {
      [
        "at": Timestamp(seconds: $0.at).description, "actor": $0.actor, "action": $0.action,
        "detail": $0.detail, "address": $0.address,
      ]
    }
    let base = filter.query
    func link(_ page: Int) -> String {
      var q = base
      if page > 1 { q["page"] = "\(page)" }
      guard !q.isEmpty else { return "/audit" }
      return "/audit?"
        + q.sorted { $0.key < $1.key }.map {
          URLText.pathComponent($0.key) + "=" + URLText.pathComponent($0.value)
        }.joined(separator: "&")
    }
    let first = (filter.page - 1) * size
    let summary =
      entries.isEmpty
      ? "No entries match."
      : "Entries \(first + 1)–\(first + entries.count) of \(total), newest first."
    let context: [String: Any] = [
      "who": filter.who ?? "", "what": filter.what ?? "",
      "from": filter.from.map { "\($0)" } ?? "", "to": filter.to.map { "\($0)" } ?? "",
      "summary": summary, "rows": rows,
      "newer": filter.page > 1 ? link(filter.page - 1) : false,
      "older": first + entries.count < total ? link(filter.page + 1) : false,
      "csv": Pages.csvURL(path: "/audit", query: base),
    ]
    return .html(title: "Audit log", body: Templates.render("auditPage", context))
  }
}
