import ArcadenceCore
import ArcadenceReports
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import ArcadenceServer

/// A door a test opens: `wait()` suspends until `open()` (no thread is blocked).
actor Door {
  private var isOpen = false
  private var waiting: [CheckedContinuation<Void, Never>] = []
  func wait() async {
    if isOpen { return }
    await withCheckedContinuation { waiting.append($0) }
  }
  func open() {
    isOpen = true
    for w in waiting { w.resume() }
    waiting = []
  }
}

@Suite struct LedgerSourceTests {
  /// The two-team fixture with a ledger load that, after the first, waits at a door: a
  /// reload as slow as the test wants. March 2026 team A cash: $775.00; a payment of $10.00
  /// on 2026-03-09 for C1 (team A) makes it $785.00 in the next generation.
  struct Slow {
    let store: Store
    let server: ArcadenceServer
    let door = Door()
    let loadsStarted = PageCacheTests.Counter()

    init() throws {
      let base = try TwoTeams()
      store = base.store
      let (store, door, started) = (store, door, loadsStarted)
      let source = LedgerSource(store: store) {
        started.increment()
        if started.value > 1 { await door.wait() }
        return try store.loadLedger()
      }
      server = try ArcadenceServer(store: store, logger: Logger(label: "test"), ledger: source)
      try server.accounts.add(
        login: "east2", role: .manager, repId: nil, teams: ["A"], password: Harness.password,
        actor: "t")
    }

    func get(_ uri: String) async throws -> String {
      let s = await server.sessions.open(login: "east2")
      let app = Application(router: server.router())
      return try await app.test(.router) { client async throws in
        let r = try await client.execute(
          uri: uri, method: .get, headers: [.cookie: "\(ArcadenceServer.sessionCookie)=\(s.id)"])
        #expect(r.status == .ok)
        return text(r)
      }
    }

    func generation() throws -> Int64? {
      try store.pool.read {
        try Int64.fetchOne($0, sql: "SELECT generation FROM store_generation WHERE id = 1")
      }
    }

    func payTenDollars() throws {
      try store.pool.write {
        try $0.execute(
          sql: """
            INSERT INTO payments (payment_id, customer_id, invoice_id, received_on, amount, method)
            VALUES ('P9', 'C1', NULL, ?, 1000, 'ach')
            """, arguments: [Day(iso: "2026-03-09").map { Int($0.rawValue) }])
      }
    }

    /// The key of east2's March KPI page at `generation`.
    func key(_ generation: Int64) throws -> PageCache.Key {
      let user = try #require(try server.accounts.user("east2"))
      return PageCache.Key(
        page: .kpis, pathId: nil, query: ["month": "2026-03"], role: .manager,
        visible: Visibility(user: user, ledger: try store.loadLedger()), generation: generation)
    }
  }

  @Test func requestsDuringAReloadAreAnsweredFromTheOldLedgerThenFromTheNew() async throws {
    let t = try Slow()
    let g1 = try #require(try t.generation())
    #expect(try await t.get("/kpis?month=2026-03").contains(TwoTeams.cash("$775.00")))
    #expect(await t.server.ledger.loads == 1)
    try t.payTenDollars()
    let g2 = try #require(try t.generation())
    #expect(g2 > g1)
    // The reload has started and waits at the door: both requests are answered, from the
    // old ledger, the second from the page cache under the OLD generation.
    let hitsBefore = await t.server.pages.stats.hits
    for _ in 1...2 {
      #expect(try await t.get("/kpis?month=2026-03").contains(TwoTeams.cash("$775.00")))
    }
    #expect(await t.server.ledger.loads == 1)
    #expect(await t.server.ledger.loadedGeneration == g1)
    #expect(await t.server.pages.stats.hits == hitsBefore + 2)
    #expect(await t.server.pages.contains(try t.key(g1)))
    #expect(!(await t.server.pages.contains(try t.key(g2))))  // no old page under the new key
    // The door opens: the new ledger replaces the old one; the next request sees $785.00,
    // computed and kept under the new generation, and the old generation's page is gone.
    await t.door.open()
    await t.server.ledger.settled()
    #expect(await t.server.ledger.loads == 2)
    #expect(await t.server.ledger.loadedGeneration == g2)
    #expect(try await t.get("/kpis?month=2026-03").contains(TwoTeams.cash("$785.00")))
    #expect(await t.server.pages.contains(try t.key(g2)))
    #expect(!(await t.server.pages.contains(try t.key(g1))))
    #expect(t.loadsStarted.value == 2)  // one reload for the three requests, not one each
  }

  /// A reload that fails keeps the held ledger answering, and the next request that finds
  /// the generation moved tries again.
  @Test func aFailedReloadKeepsTheOldLedgerAndIsRetried() async throws {
    let base = try TwoTeams()
    let store = base.store
    let calls = PageCacheTests.Counter()
    struct Unreadable: Error {}
    let source = LedgerSource(store: store) {
      calls.increment()
      if calls.value == 2 { throw Unreadable() }
      return try store.loadLedger()
    }
    let first = try await source.snapshot()
    try await store.pool.write {
      try $0.execute(sql: "UPDATE reps SET name = 'Ann B' WHERE rep_id = 'R1'")
    }
    let during = try await source.snapshot()  // starts the reload that fails
    #expect(during.generation == first.generation)
    await source.settled()
    #expect(await source.loadedGeneration == first.generation)
    _ = try await source.snapshot()  // finds the generation moved: loads again
    await source.settled()
    #expect(calls.value == 3)
    let now = try await source.snapshot()
    #expect(now.generation == first.generation.map { $0 + 1 })
    #expect(now.ledger.repNames.contains("Ann B"))
  }
}

@Suite struct LayoutTests {
  /// The navigation comes from the route table (a rep's own scorecard last), and the layout
  /// template escapes every value in it.
  @Test func theNavigationAndTheLayoutEscapeHostileValues() {
    let hostile = "<script>alert(1)</script>\"q' \u{202E}evil & co"
    let nav = Templates.nav(role: .rep, repId: hostile)
    #expect(nav.map(\.label) == ["home", "subscriptions", "scorecard"])
    #expect(
      nav.last
        == Templates.NavLink(href: Routes.route(.scorecard).url(id: hostile), label: "scorecard"))
    let html = Templates.render(
      "layout",
      [
        "title": hostile, "body": "<p>body</p>", "stylesheet": "/static/app.css",
        "nav": nav.map { ["href": $0.href, "label": $0.label] },
        "user": ["login": hostile, "role": "rep", "csrf": "ab\"<c"],
      ])
    #expect(!html.contains("<script>"))
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(html.contains("<p>body</p>"))
  }
}
