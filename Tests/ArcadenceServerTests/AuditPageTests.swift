import ArcadenceCore
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArcadenceServer

/// The audit page's filters (who, what, from–to), paging and CSV, on rows written by hand.
@Suite struct AuditPageTests {
  /// Seconds since the epoch of an ISO timestamp.
  static func at(_ text: String) -> Int64 { Timestamp(iso: text)?.seconds ?? 0 }

  /// Five rows around the 2026-03-02 day boundary; `users.export` is there to show that the
  /// family `user` does not take another action that merely starts with the same letters.
  static func harness() throws -> Harness {
    let h = try Harness()
    let rows: [(String, String, String, String)] = [
      ("2026-03-01T10:00:00Z", "alice", "login.success", ""),
      ("2026-03-02T09:00:00Z", "bob", "user.add", "carl rep R1"),
      ("2026-03-02T23:59:59Z", "alice", "user.role", "=HYPERLINK(\"x\")"),
      ("2026-03-03T00:00:00Z", "alice", "users.export", ""),
      ("2026-03-04T12:00:00Z", "bob", "import", "files payments.csv; ok 1 payments"),
    ]
    try h.store.pool.write { db in
      for (t, actor, action, detail) in rows {
        try db.execute(
          sql: "INSERT INTO audit (at, actor, action, detail, address) VALUES (?, ?, ?, ?, ?)",
          arguments: [at(t), actor, action, detail, "10.0.0.1"])
      }
    }
    return h
  }

  /// The (actor, action) of each row the page shows, in order.
  static func shown(_ h: Harness, _ query: String) async throws -> (
    HTTPResponse.Status, [String], String
  ) {
    let (admin, _) = await h.cookie("admin")
    let r = try await h.test { client async throws in
      try await client.execute(uri: "/audit?" + query, method: .get, headers: admin) {
        ($0.status, text($0))
      }
    }
    let rows = r.1.components(separatedBy: "<tr><td>").dropFirst().map { row -> String in
      let cells = row.components(separatedBy: "</td><td>")
      return cells.count > 2 ? cells[1] + " " + cells[2] : ""
    }
    return (r.0, rows, r.1)
  }

  @Test func filtersByWhoWhatAndDays() async throws {
    let h = try Self.harness()
    #expect(
      try await Self.shown(h, "who=alice").1
        == ["alice users.export", "alice user.role", "alice login.success"])
    #expect(try await Self.shown(h, "what=user&who=bob").1 == ["bob user.add"])
    #expect(
      try await Self.shown(h, "what=user&from=2026-03-01&to=2026-03-31").1
        == ["alice user.role", "bob user.add"])
    // 2026-03-02 runs from 00:00:00 to 23:59:59 UTC, both included.
    #expect(
      try await Self.shown(h, "from=2026-03-02&to=2026-03-02").1
        == ["alice user.role", "bob user.add"])
    #expect(
      try await Self.shown(h, "who=alice&what=user&from=2026-03-02&to=2026-03-03").1
        == ["alice user.role"])
    // Bound as parameters: a quote is only a character of the name.
    let injected = try await Self.shown(h, "who=x%27%20OR%20%271%27%3D%271")
    #expect(injected.1.isEmpty)
    #expect(injected.2.contains("No entries match."))
  }

  @Test func badFiltersAreUsageErrorsNamingTheParameter() async throws {
    let h = try Self.harness()
    let bad = try await Self.shown(h, "from=2026-02-30")
    #expect(bad.0 == .badRequest)
    #expect(bad.2.contains("from: not a date (YYYY-MM-DD) (value &quot;2026-02-30&quot;)"))
    let order = try await Self.shown(h, "from=2026-03-05&to=2026-03-01")
    #expect(order.2.contains("to: before from (2026-03-05) (value &quot;2026-03-01&quot;)"))
    let page = try await Self.shown(h, "page=0")
    #expect(page.2.contains("page: expected 1 to 1,000,000 (value &quot;0&quot;)"))
  }

  /// 450 rows of one actor: pages of 200, newest first (row 450 heads page 1; page 3 holds
  /// rows 50 down to 1), with links that keep the filter.
  @Test func pagesOf200NewestFirst() async throws {
    let h = try Self.harness()
    try await h.store.pool.write { db in
      for k in 1...450 {
        try db.execute(
          sql:
            "INSERT INTO audit (at, actor, action, detail) VALUES (?, 'pager', 'login.success', ?)",
          arguments: [Self.at("2026-03-05T00:00:00Z") + Int64(k), "row \(k)"])
      }
    }
    let first = try await Self.shown(h, "who=pager")
    #expect(first.1.count == 200)
    #expect(first.2.contains("Entries 1–200 of 450, newest first."))
    #expect(first.2.contains("<td>row 450</td>"))
    #expect(first.2.contains("href=\"/audit?page=2&amp;who=pager\""))
    let last = try await Self.shown(h, "who=pager&page=3")
    #expect(last.1.count == 50)
    #expect(last.2.contains("Entries 401–450 of 450, newest first."))
    #expect(last.2.contains("<td>row 50</td>"))
    #expect(last.2.contains("<td>row 1</td>"))
    #expect(!last.2.contains("<td>row 51</td>"))
    #expect(last.2.contains("href=\"/audit?page=2&amp;who=pager\">Newer</a>"))
    #expect(!last.2.contains(">Older</a>"))
  }

  /// The CSV holds every row the filters select (no paging), newest first, with a formula
  /// cell neutralised; the download is audited.
  @Test func csvOfTheFilteredRows() async throws {
    let h = try Self.harness()
    let (admin, _) = await h.cookie("admin")
    let csv = try await h.test { client async throws in
      try await client.execute(
        uri: "/audit?who=alice&what=user&format=csv", method: .get, headers: admin
      ) { text($0) }
    }
    let lines = csv.split(separator: "\n").map(String.init)
    #expect(lines.count == 2)
    #expect(lines.first == "id,at,actor,action,detail,address")
    #expect(
      lines.last?.hasSuffix(
        ",2026-03-02T23:59:59Z,alice,user.role,\"'=HYPERLINK(\"\"x\"\")\",10.0.0.1") == true)
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(row.action == "csv.download")
    #expect(row.detail == "/audit?who=alice&what=user&format=csv")
  }
}
