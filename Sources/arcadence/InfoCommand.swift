import ArcadenceCore
import ArcadenceStore
import ArgumentParser
import Foundation

struct InfoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info", abstract: "Show what the store holds: rows per entity and the last day.")

  @OptionGroup var store: StoreOptions

  func run() throws {
    try guarded {
      let db = try store.open(create: false)
      let counts = try db.counts()
      Terminal.print("store: \(db.path)")
      for e in Entity.allCases {
        let n = Cents.grouped(UInt64(counts[e] ?? 0))
        Terminal.print("  " + e.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + n)
      }
      Terminal.print("last event: \(try db.lastEventDay()?.description ?? "none (empty store)")")
      let cache = try db.ledgerCacheStatus()
      let megabytes = String(format: "%.1f MB", Double(cache.bytes) / 1_000_000)
      Terminal.print(
        "ledger cache: "
          + (cache.current
            ? "current (\(megabytes))"
            : db.isReadOnly
              ? (cache.bytes > 0 ? "out of date" : "not built")
                + " (the store is read-only: commands read the tables)"
              : cache.bytes > 0
                ? "out of date (the next command that reads the ledger rebuilds it)"
                : "not built (the next command that reads the ledger builds it)"))
    }
  }
}
