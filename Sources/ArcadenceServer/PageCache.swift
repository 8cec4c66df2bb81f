import Synchronization

/// The computed pages of a running server, kept per (page, period, scope, store generation).
///
/// A page body (HTML before the layout, or a CSV) depends only on the ledger of one store
/// generation, the page and the id its path names, the query string (the period and the
/// picked rep or team) and what the user may see; the layout around it (navigation, the
/// user's CSRF token) is never part of it (``LayoutFrames`` keeps that per user and
/// session). So the key holds exactly
/// those: the user's role and their whole ``Visibility`` (rep indices, teams, everyone)
/// are part of it, and two users share an entry only when they would be shown the same
/// bytes. A manager of East and one of West asking for the same URL get two entries; a rep's
/// page is never another rep's (their visibilities differ, and ``Access/decide`` has already
/// answered 404 for a URL naming someone else before the cache is asked).
///
/// Bounded as a least-recently-used cache under two caps: ``maxEntries`` pages and
/// ``maxBytes`` bytes of bodies (whichever is reached first evicts the least recently used
/// entries). A key's generation is that of the ledger the page was computed from (the
/// ``LedgerSource/Snapshot`` the request was answered with), never the store's newest: while
/// the ledger of a new generation loads in the background, requests keep hitting the old
/// generation's pages, and a page of the old ledger is never kept under the new generation.
/// The first key of a newer generation empties the cache (the old ledger's pages go with it).
///
/// Concurrent requests for a missing page compute it once: the first starts the
/// computation and later ones wait for its result (a failed computation is not kept).
public actor PageCache {
  /// What a cached page is keyed by.
  public struct Key: Hashable, Sendable {
    public var page: Page
    /// The id the path names (`/scorecard/R01` → `R01`).
    public var pathId: String?
    /// The query string's non-empty parameters (period, `rep`, `team`, `format`).
    public var query: [String: String]
    public var role: UserRole
    /// The user's scope (``Visibility``), spelled out.
    public var reps: [Int]
    public var teams: [String]
    public var everyone: Bool
    /// The store generation the page was computed from.
    public var generation: Int64

    /// The key of a page for a user of `role` who sees `visible`.
    public init(
      page: Page, pathId: String?, query: [String: String], role: UserRole,
      visible: Visibility, generation: Int64
    ) {
      self.init(
        page: page, pathId: pathId, query: query, role: role, reps: visible.reps,
        teams: visible.teams, everyone: visible.everyone, generation: generation)
    }

    /// The key with the scope spelled out.
    public init(
      page: Page, pathId: String?, query: [String: String], role: UserRole, reps: [Int],
      teams: [String], everyone: Bool, generation: Int64
    ) {
      self.page = page
      self.pathId = pathId
      self.query = query
      self.role = role
      self.reps = reps
      self.teams = teams
      self.everyone = everyone
      self.generation = generation
    }
  }

  /// Hits, misses and evictions since the server started (tests and measurements).
  public struct Stats: Sendable, Equatable {
    public var hits = 0
    public var misses = 0
    public var evictions = 0
    public var entries = 0
    public var bytes = 0
  }

  private struct Entry {
    var task: Task<PageBody, Error>
    /// The body once computed (nil while it is being computed).
    var body: PageBody?
    /// The body's size once computed (0 while it is being computed).
    var bytes: Int
    /// When it was last used (a counter, not a clock).
    var used: UInt64
  }

  /// Everything the cache holds, behind one lock: the actor's methods and the lock-only
  /// ``cached(_:)`` (a hit without a hop to the actor) share it.
  private struct State {
    var entries: [Key: Entry] = [:]
    var generation: Int64 = .min
    var tick: UInt64 = 0
    var totals = Stats()
  }

  public let maxEntries: Int
  public let maxBytes: Int
  private let state = Mutex(State())

  /// A cache of at most `maxEntries` pages and `maxBytes` bytes of page bodies (defaults:
  /// 512 pages, 64 MiB; a KPI page is about 20 KB).
  public init(maxEntries: Int = 512, maxBytes: Int = 64 << 20) {
    self.maxEntries = max(1, maxEntries)
    self.maxBytes = max(1, maxBytes)
  }

  /// The page for `key` if it is computed and kept, counted as a hit (and as used now);
  /// nil otherwise (then ``page(_:compute:)`` computes it, or waits for the computation
  /// under way). Takes the lock only, no hop to the actor: the path of every cached page.
  public nonisolated func cached(_ key: Key) -> PageBody? {
    state.withLock { s in
      guard key.generation == s.generation, var entry = s.entries[key], let body = entry.body
      else { return nil }
      s.tick &+= 1
      s.totals.hits += 1
      entry.used = s.tick
      s.entries[key] = entry
      return body
    }
  }

  /// What ``page(_:compute:)`` does under the lock before it waits.
  private enum Step {
    case computeUnkept
    case wait(Task<PageBody, Error>)
    case started(Task<PageBody, Error>)
  }

  /// The page for `key`: the cached one, or `compute()`'s result, kept for the next request.
  /// A key of an older generation than the newest seen is computed and not kept.
  public func page(_ key: Key, compute: @escaping @Sendable () async throws -> PageBody)
    async throws -> PageBody
  {
    let step = state.withLock { s -> Step in
      if key.generation > s.generation {
        // A new store generation: every page of the older ones is stale.
        s.totals.evictions += s.entries.count
        s.entries.removeAll()
        s.generation = key.generation
      } else if key.generation < s.generation {
        s.totals.misses += 1
        return .computeUnkept
      }
      s.tick &+= 1
      if var entry = s.entries[key] {
        s.totals.hits += 1
        entry.used = s.tick
        s.entries[key] = entry
        return .wait(entry.task)
      }
      s.totals.misses += 1
      let task = Task.detached { try await compute() }
      s.entries[key] = Entry(task: task, body: nil, bytes: 0, used: s.tick)
      return .started(task)
    }
    switch step {
    case .computeUnkept: return try await compute()
    case .wait(let task): return try await task.value
    case .started(let task):
      do {
        let body = try await task.value
        // Still ours (not evicted nor dropped by a new generation meanwhile): keep the body
        // and record its size.
        state.withLock { s in
          if var entry = s.entries[key], entry.bytes == 0 {
            entry.bytes = PageCache.size(body)
            entry.body = body
            s.entries[key] = entry
            PageCache.evict(&s, maxEntries: maxEntries, maxBytes: maxBytes)
          }
        }
        return body
      } catch {
        state.withLock { $0.entries[key] = nil }
        throw error
      }
    }
  }

  /// Evicts least recently used entries until both caps hold. O(n) per eviction over at most
  /// ``maxEntries`` entries, and only after a miss.
  private static func evict(_ s: inout State, maxEntries: Int, maxBytes: Int) {
    var bytes = s.entries.values.reduce(0) { $0 + $1.bytes }
    while s.entries.count > maxEntries || bytes > maxBytes {
      guard let (key, entry) = s.entries.min(by: { $0.value.used < $1.value.used }) else {
        return
      }
      s.entries[key] = nil
      bytes -= entry.bytes
      s.totals.evictions += 1
    }
  }

  /// The body's size in bytes (UTF-8).
  static func size(_ body: PageBody) -> Int {
    switch body {
    case .html(let title, let html): max(1, title.utf8.count + html.utf8.count)
    case .csv(let name, let text): max(1, name.utf8.count + text.utf8.count)
    }
  }

  /// Whether `key` is cached (computed or being computed).
  public func contains(_ key: Key) -> Bool { state.withLock { $0.entries[key] != nil } }

  /// Hits, misses and evictions so far, and the entries and bytes held now.
  public var stats: Stats {
    state.withLock { st in
      var s = st.totals
      s.entries = st.entries.count
      s.bytes = st.entries.values.reduce(0) { $0 + $1.bytes }
      return s
    }
  }
}

extension Page {
  /// Whether the page is computed from the ledger alone (and the user's scope), so it can be
  /// kept in the ``PageCache`` until the store generation moves. The audit log changes with
  /// every login: read every time. A new page must say which it is.
  public var isComputedFromLedger: Bool {
    switch self {
    case .kpis, .scorecards, .scorecard, .worklist, .drill, .customer, .invoice, .casePage,
      .review, .charts:
      true
    // The chart image has its own cache; the users page and the audit log are read fresh.
    case .home, .audit, .chart, .users, .importPage, .subscriptions: false
    // Scenarios and jobs are read from the store at every request (a job moves on its own).
    case .scenarios, .scenario, .jobs, .job, .jobStatus: false
    // The forecast and accuracy pages show the job that answers them (it moves on its own).
    case .forecast, .accuracy: false
    }
  }
}
