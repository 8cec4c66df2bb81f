import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import GRDB

/// The ledger held in memory, reloaded when the store's generation changes (an import by
/// the CLI while the server runs is seen at the next request), with what is computed from it
/// once per generation (the worklist).
public actor LedgerSource {
  public let store: Store
  private var generation: Int64?
  private var ledger: Ledger?
  private var worklist: Worklist?

  public init(store: Store) { self.store = store }

  /// The store's generation (advanced by every change to a ledger table).
  func currentGeneration() throws -> Int64? {
    try store.pool.read {
      try Int64.fetchOne($0, sql: "SELECT generation FROM store_generation WHERE id = 1")
    }
  }

  /// The generation the held ledger was read at (nil before the first read).
  var loadedGeneration: Int64? { generation }

  /// The current ledger: read again when the generation moved (one small query per call).
  public func current() throws -> Ledger {
    let g = try currentGeneration()
    if let ledger, g == generation, g != nil { return ledger }
    let fresh = try store.loadLedger()
    ledger = fresh
    generation = g
    worklist = nil
    return fresh
  }

  /// The current ledger and the store generation it was read at (nil when the store has no
  /// generation row: then nothing computed from it is cached).
  public func snapshot() throws -> (ledger: Ledger, generation: Int64?) {
    let l = try current()
    return (l, generation)
  }

  /// The worklist of the day after the last event, for every rep (computed once per
  /// generation); nil for an empty store.
  public func currentWorklist() throws -> Worklist? {
    let l = try current()
    if let worklist { return worklist }
    guard let last = l.lastEventDay, let day = last.offset(by: 1) else { return nil }
    let links = try store.loadInvoiceLinks(for: l)
    let calibration = Calibration.fit(ledger: l, links: links, until: last)
    let list = Worklist.build(
      ledger: l, calibration: calibration, day: day, reps: Array(l.repIds.indices))
    worklist = list
    return list
  }
}
