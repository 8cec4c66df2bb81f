import ArcadenceCore
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

/// The hand fixture with two teams: R4 leads team B alone and takes over customer C3 (R2's in
/// the plain fixture). March 2026 cash collected, by the customers' reps:
/// team A (R1's C1, C2): P2 200 + P3 500 + P7 75 = $775.00;
/// team B (R4's C3): P5 100 (03-05) + P6 200 (03-28) = $300.00.
struct TwoTeams {
  let store: Store
  let server: ArcadenceServer

  init() throws {
    var files = HandFixture.files
    files["reps.csv"] = files["reps.csv"]?.replacingOccurrences(
      of: "R4,Di Solo,,true", with: "R4,Di Solo,B,true")
    files["customers.csv"] = files["customers.csv"]?.replacingOccurrences(
      of: "C3,Gamma,ent,R2,", with: "C3,Gamma,ent,R4,")
    store = try HandFixture.store(files: files)
    server = try ArcadenceServer(store: store, logger: Logger(label: "test"))
    let a = server.accounts
    let pw = Harness.password
    try a.add(login: "east", role: .manager, repId: nil, teams: ["A"], password: pw, actor: "t")
    try a.add(login: "west", role: .manager, repId: nil, teams: ["B"], password: pw, actor: "t")
    try a.add(login: "rep1", role: .rep, repId: "R1", teams: [], password: pw, actor: "t")
    try a.add(login: "rep2", role: .rep, repId: "R2", teams: [], password: pw, actor: "t")
  }

  func cookie(_ login: String) async -> HTTPFields {
    await sessionCookie(server, login).0
  }

  func get(_ uri: String, _ headers: HTTPFields) async throws -> (HTTPResponse.Status, String) {
    let app = Application(router: server.router())
    return try await app.test(.router) { client async throws in
      let r = try await client.execute(uri: uri, method: .get, headers: headers)
      return (r.status, text(r))
    }
  }

  static func cash(_ amount: String) -> String {
    "<td>Cash collected</td><td class=\"num\">\(amount)</td>"
  }
}

@Suite struct PageCacheTests {
  @Test func managersOfTwoTeamsGetTheirOwnNumbersFromAWarmCache() async throws {
    let t = try TwoTeams()
    let east = await t.cookie("east")
    let west = await t.cookie("west")
    // The same URL for both: only the scope tells the pages apart.
    for round in 1...2 {
      let (s1, a) = try await t.get("/kpis?month=2026-03", east)
      let (s2, b) = try await t.get("/kpis?month=2026-03", west)
      #expect(s1 == .ok && s2 == .ok)
      #expect(a.contains("KPIs 2026-03-01..2026-03-31 · team A"), "round \(round)")
      #expect(a.contains(TwoTeams.cash("$775.00")), "round \(round)")
      #expect(b.contains("KPIs 2026-03-01..2026-03-31 · team B"), "round \(round)")
      #expect(b.contains(TwoTeams.cash("$300.00")), "round \(round)")
    }
    let stats = await t.server.pages.stats
    #expect(stats.misses == 2)  // the first round computed both pages
    #expect(stats.hits == 2)  // the second was served from the cache
    #expect(stats.entries == 2)
    // The CSV is its own entry, with the same scope rule.
    let (_, csv) = try await t.get("/kpis?month=2026-03&format=csv", west)
    #expect(csv.contains("\ncollected_amount,300.00,"))
  }

  @Test func aRepsCachedPageIsNeverServedToAnotherRep() async throws {
    let t = try TwoTeams()
    let rep1 = await t.cookie("rep1")
    let rep2 = await t.cookie("rep2")
    for _ in 1...2 {
      let (s, page) = try await t.get("/scorecard/R1?month=2026-03", rep1)
      #expect(s == .ok)
      #expect(page.contains("Ann &lt;Lead&gt; &amp; Co"))
    }
    let warm = await t.server.pages.stats
    #expect(warm.hits == 1 && warm.misses == 1 && warm.entries == 1)
    // rep2 typing rep1's URL, warm in the cache: 404 from the access check, nothing of R1's.
    let (s, other) = try await t.get("/scorecard/R1?month=2026-03", rep2)
    #expect(s == .notFound)
    #expect(!other.contains("Ann"))
    #expect(await t.server.pages.stats == warm)
    // rep2's own page is computed for rep2.
    let (s2, own) = try await t.get("/scorecard/R2?month=2026-03", rep2)
    #expect(s2 == .ok)
    #expect(own.contains("Bo Diaz") && !own.contains("Ann"))
    // And two reps asking for the same URL never share a key: their scopes differ.
    let ledger = try t.store.loadLedger()
    let users = try ["rep1", "rep2"].map { try #require(try t.server.accounts.user($0)) }
    let keys = users.map {
      PageCache.Key(
        page: .worklist, pathId: "R1", query: [:], role: .rep,
        visible: Visibility(user: $0, ledger: ledger), generation: 1)
    }
    #expect(keys[0] != keys[1])
  }

  /// A payment of $10.00 on 2026-03-09 for C1 (team A) moves the generation: March's team A
  /// cash goes from $775.00 to $785.00 and the old pages are dropped.
  @Test func aNewStoreGenerationEmptiesTheCache() async throws {
    let t = try TwoTeams()
    let east = await t.cookie("east")
    _ = try await t.get("/kpis?month=2026-03", east)
    _ = try await t.get("/kpis?month=2026-03", await t.cookie("west"))
    #expect(await t.server.pages.stats.entries == 2)
    try await t.store.pool.write {
      try $0.execute(
        sql: """
          INSERT INTO payments (payment_id, customer_id, invoice_id, received_on, amount, method)
          VALUES ('P9', 'C1', NULL, ?, 1000, 'ach')
          """, arguments: [Day(iso: "2026-03-09").map { Int($0.rawValue) }])
    }
    // The reload runs in the background (LedgerSource's visibility rule): start it and wait.
    _ = try await t.server.ledger.snapshot()
    await t.server.ledger.settled()
    let (_, after) = try await t.get("/kpis?month=2026-03", east)
    #expect(after.contains(TwoTeams.cash("$785.00")))
    let stats = await t.server.pages.stats
    #expect(stats.evictions == 2)
    #expect(stats.entries == 1)
    #expect(stats.misses == 3)
  }

  // MARK: the cache itself

  static func key(_ id: String, generation: Int64 = 1) -> PageCache.Key {
    PageCache.Key(
      page: .scorecard, pathId: id, query: [:], role: .leadership,
      reps: [], teams: [], everyone: true, generation: generation)
  }

  /// Counts computations (the closures run on other tasks).
  final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
  }

  static func body(_ text: String) -> PageBody { .html(title: "t", body: text) }

  @Test func leastRecentlyUsedIsEvictedPastTheEntryCap() async throws {
    let cache = PageCache(maxEntries: 2)
    _ = try await cache.page(Self.key("a")) { Self.body("a") }
    _ = try await cache.page(Self.key("b")) { Self.body("b") }
    _ = try await cache.page(Self.key("a")) { Self.body("not computed again") }
    _ = try await cache.page(Self.key("c")) { Self.body("c") }
    // b was used least recently: it goes; a (used again) and c stay.
    #expect(await cache.contains(Self.key("a")))
    #expect(!(await cache.contains(Self.key("b"))))
    #expect(await cache.contains(Self.key("c")))
    #expect(
      await cache.stats == PageCache.Stats(hits: 1, misses: 3, evictions: 1, entries: 2, bytes: 4))
  }

  /// Sizes are title + body bytes: "t" + 5 = 6 bytes each; two are 12 > 10.
  @Test func theByteCapEvictsToo() async throws {
    let cache = PageCache(maxEntries: 100, maxBytes: 10)
    _ = try await cache.page(Self.key("a")) { Self.body("12345") }
    _ = try await cache.page(Self.key("b")) { Self.body("67890") }
    #expect(!(await cache.contains(Self.key("a"))))
    #expect(await cache.stats.bytes == 6)
  }

  @Test func concurrentMissesComputeOnceAndFailuresAreNotKept() async throws {
    let cache = PageCache()
    let counter = Counter()
    let compute: @Sendable () async throws -> PageBody = {
      counter.increment()
      return Self.body("x")
    }
    async let one = cache.page(Self.key("x"), compute: compute)
    async let two = cache.page(Self.key("x"), compute: compute)
    _ = try await (one, two)
    #expect(counter.value == 1)
    struct Boom: Error {}
    await #expect(throws: Boom.self) {
      try await cache.page(Self.key("y")) { throw Boom() }
    }
    #expect(!(await cache.contains(Self.key("y"))))
    // An older generation than the newest seen is computed and not kept.
    _ = try await cache.page(Self.key("z", generation: 2)) { Self.body("z") }
    _ = try await cache.page(Self.key("old", generation: 1)) { Self.body("old") }
    #expect(!(await cache.contains(Self.key("old", generation: 1))))
    #expect(!(await cache.contains(Self.key("x"))))  // generation 2 dropped generation 1's
  }
}
