import ArcadenceCore
import ArcadenceGenerator
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// The forecast backtested on a world whose data-generating process is not the simulator's
/// (``MarketWorld``: lognormal days-to-pay per customer, payment runs, instalments,
/// irregular billing, arrivals, churn, reps choosing whom to call).
@Suite struct MarketWorldBacktestTests {
  /// 300 customers × 18 months from 2025-01-01, 4 quarter-start cutoffs (2025-07-01 …
  /// 2026-04-01), 90 days, 100 paths. On seeds 1 to 4 the model's mean |error| was 7.5, 6.8,
  /// 11.4 and 5.7 % against baseline A's 9.1, 9.7, 13.1 and 10.0 %; its total P5–P95 held the
  /// actual at every cutoff, and 67–85 % of weeks fell in the weekly band. What it does not
  /// yet achieve on this world, and the test does not claim: beating baseline B (6.1–9.6 %),
  /// and being unbiased (the model pays the open book too slowly: −1.5 to −11.4 %).
  @Test(arguments: [UInt64(2)])
  func theModelBeatsLastPeriodAndItsBandHoldsTheTotal(seed: UInt64) throws {
    let root = NSTemporaryDirectory() + "arcadence-world-backtest-\(UUID().uuidString)"
    let options = GeneratorOptions(
      customers: 300, months: 18, seed: seed, reps: 4, teams: 2,
      start: Day(iso: "2025-01-01")!)
    _ = try MarketWorld.run(options, into: root + "/csv")
    let store = try Store(path: root + "/store.sqlite")
    _ = try Importer().run(directory: root + "/csv", into: store)
    let ledger = try store.loadLedger()
    var settings = Accuracy.Settings(
      cutoffs: 4, every: .quarter, horizons: [90], paths: 100, seed: 1, threads: 2)
    settings.parameterUncertainty = true
    let a = try Accuracy.run(
      ledger: ledger, links: store.loadInvoiceLinks(for: ledger), settings: settings)
    #expect(
      a.cutoffs.map(\.description) == ["2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01"])
    let model = try #require(a.rows.first { $0.method == .model })
    let last = try #require(a.rows.first { $0.method == .lastPeriod })
    let modelError = try #require(model.meanAbsoluteError)
    let lastError = try #require(last.meanAbsoluteError)
    #expect(modelError < lastError, "model \(modelError), last period \(lastError)")
    #expect(modelError < 0.15)
    #expect(try #require(model.totalCoverage) >= 0.75)
    #expect(try #require(model.weeklyCoverage) >= 0.6)
  }
}
