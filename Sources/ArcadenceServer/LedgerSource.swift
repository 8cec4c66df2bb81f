import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import GRDB
import NIOPosix
import Synchronization

/// The ledger held in memory, reloaded in the background when the store's generation
/// changes, with what is computed from it once per generation (the worklist).
///
/// **Visibility rule.** Only the very first request waits for a load. When the generation
/// moves (an import by the CLI, a change on the users page does not count), the next request
/// starts ONE background load of the new ledger and is answered, like every request until
/// that load ends, from the ledger held (and its cached pages); the load's result replaces
/// it. So an import shows up within one reload time after it commits (the time `arcadence
/// kpis` takes on a store whose ledger cache is current), not at the next request, and no
/// request waits for a reload. A snapshot carries the generation its ledger was read at, so
/// a page computed from the old ledger is only ever kept under the old generation. The old
/// ledger is released once the last request using it ends (the page cache drops its pages
/// at the first request of the new generation). A failed background load is retried at the
/// next request that finds the generation moved; the held ledger keeps answering meanwhile.
public actor LedgerSource {
  /// A ledger and the store generation it was read at (nil when the store has no generation
  /// row: then nothing computed from it is cached).
  public struct Snapshot: Sendable {
    /// The ledger, held once behind a reference: a snapshot is passed and copied many times
    /// a request, and a ledger is 61 arrays and tables (a copy retains each of them).
    private let held: Held
    public let generation: Int64?

    final class Held: Sendable {
      let ledger: Ledger
      init(_ ledger: Ledger) { self.ledger = ledger }
    }

    public init(ledger: Ledger, generation: Int64?) {
      held = Held(ledger)
      self.generation = generation
    }

    /// The ledger (lent, not copied, to whoever reads it).
    public var ledger: Ledger {
      _read { yield held.ledger }
    }
  }

  public let store: Store
  /// The held snapshot, also under a lock, for ``heldSnapshot(at:)``: written by the actor with
  /// ``held``.
  private let mirror = Mutex<Snapshot?>(nil)
  /// Reads the ledger (the store's, on NIO's blocking pool; tests pass a slow one).
  private let load: @Sendable () async throws -> Ledger
  private var held: Snapshot?
  /// The one load running (the first, or a reload in the background).
  private var loading: Task<Snapshot, any Error>?
  /// The worklist of the held generation, computed once (outside the actor).
  private var worklist: (generation: Int64?, task: Task<Worklist?, any Error>)?
  /// Loads finished since the start (tests and measurements).
  public private(set) var loads = 0

  /// A source reading `store`'s ledger on NIO's blocking pool, off the threads that serve
  /// requests.
  public init(store: Store) {
    self.init(store: store) {
      try await NIOThreadPool.singleton.runIfActive { try store.loadLedger() }
    }
  }

  /// A source reading the ledger with `load` (tests: a load that waits to be released).
  public init(store: Store, load: @escaping @Sendable () async throws -> Ledger) {
    self.store = store
    self.load = load
  }

  /// The store's generation (advanced by every change to a ledger table): one prepared
  /// statement per reader connection, outside a transaction (a single SELECT is atomic), so
  /// the check stays exact at every request and costs one step of a cached statement.
  nonisolated func currentGeneration() throws -> Int64? {
    try store.pool.unsafeRead { try LedgerSource.generation(in: $0) }
  }

  /// The store's generation read on `db` (one step of a statement prepared once per
  /// connection): a request reads it in the same visit to a reader connection as the user's
  /// row (``ArcadenceServer/authorised(_:_:_:)``), then asks ``snapshot(generation:)``.
  static func generation(in db: Database) throws -> Int64? {
    try Int64.fetchOne(
      db.cachedStatement(sql: "SELECT generation FROM store_generation WHERE id = 1"))
  }

  /// The generation the held ledger was read at (nil before the first read).
  var loadedGeneration: Int64? { held?.generation }

  /// The ledger to answer from, and the generation it was read at. The first call waits
  /// for the first load; later ones never wait: when the store's generation has moved they
  /// start the background reload (if none runs) and return the ledger held until it ends.
  public func snapshot() async throws -> Snapshot {
    try await snapshot(generation: try currentGeneration())
  }

  /// The held snapshot when it was read at `generation` (non-nil), without a hop to the
  /// actor: the case of nearly every request, in which ``snapshot(generation:)`` would
  /// return the held snapshot and start nothing. Nil otherwise (then ask
  /// ``snapshot(generation:)``, which starts the reload).
  public nonisolated func heldSnapshot(at generation: Int64?) -> Snapshot? {
    guard let generation else { return nil }
    return mirror.withLock { held in held?.generation == generation ? held : nil }
  }

  /// ``snapshot()`` with the store's generation already read by the caller (``generation(in:)``
  /// just before, on a reader connection): the same rule, one visit to the store fewer.
  public func snapshot(generation now: Int64?) async throws -> Snapshot {
    if let held {
      if now != held.generation || now == nil { startReload() }
      return held
    }
    return try await reload().value
  }

  /// Starts the background reload unless one runs.
  private func startReload() {
    if loading == nil { _ = reload() }
  }

  /// The running load, or a new one. The generation is read before and after the ledger:
  /// when an import committed in between, the ledger is labelled with the older one (it may
  /// hold the newer rows), so the next request finds the generation moved and loads again.
  /// A ledger is never labelled with a generation newer than its rows.
  private func reload() -> Task<Snapshot, any Error> {
    if let loading { return loading }
    let task = Task.detached { [load, self] () async throws -> Snapshot in
      do {
        let before = try self.currentGeneration()
        let ledger = try await load()
        let after = try self.currentGeneration()
        let snapshot = Snapshot(ledger: ledger, generation: before == after ? before : nil)
        await self.finish(holding: snapshot)
        return snapshot
      } catch {
        await self.finish(holding: nil)
        throw error
      }
    }
    loading = task
    return task
  }

  /// Ends the load: holds its snapshot (the old one is released here, once no request uses
  /// it), or keeps the held one when it failed. A snapshot without a generation (an import
  /// committed during the load) is held too: nothing computed from it is cached and the
  /// next request loads again.
  private func finish(holding snapshot: Snapshot?) {
    loading = nil
    guard let snapshot else { return }
    held = snapshot
    mirror.withLock { $0 = snapshot }
    worklist = nil
    loads += 1
  }

  /// Waits for the running load, if any (tests: the reload a request started).
  public func settled() async {
    _ = try? await loading?.value
  }

  /// The current ledger (waiting only for the first load).
  public func current() async throws -> Ledger { try await snapshot().ledger }

  /// The worklist of the day after the last event of `snapshot`'s ledger, for every rep
  /// (computed once per generation, outside the actor); nil for an empty store.
  public func worklist(of snapshot: Snapshot) async throws -> Worklist? {
    if let worklist, worklist.generation == snapshot.generation, snapshot.generation != nil,
      snapshot.generation == held?.generation
    {
      return try await worklist.task.value
    }
    let store = store
    let task = Task.detached { () throws -> Worklist? in
      let l = snapshot.ledger
      guard let last = l.lastEventDay, let day = last.offset(by: 1) else { return nil }
      let links = try store.loadInvoiceLinks(for: l)
      let calibration = Calibration.fit(ledger: l, links: links, until: last)
      return Worklist.build(
        ledger: l, calibration: calibration, day: day, reps: Array(l.repIds.indices))
    }
    if snapshot.generation != nil, snapshot.generation == held?.generation {
      worklist = (snapshot.generation, task)
    }
    return try await task.value
  }
}
