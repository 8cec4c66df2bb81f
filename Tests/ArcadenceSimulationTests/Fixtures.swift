import ArcadenceCore
import ArcadenceStore
import Foundation

@testable import ArcadenceSimulation

/// Model parameters stated by hand: two segments with every contact behaviour on (reach,
/// promises, disputes, auto-pay, write-offs, the portfolio shock), for the simulator tests.
enum ModelFixture {
  static let contacts =
    ModelParameters(
      segments: ["a", "b"],
      hazard: [
        [0.01, 0.05, 0.04, 0.03, 0.02, 0.01, 0.005],
        [0.012, 0.07, 0.04, 0.025, 0.015, 0.008, 0.004],
      ],
      writeOff: [0, 0, 0, 0, 0, 0, 0.003], reach: [0.4, 0.06, 0.05, 0.02], lifts: .assumed,
      pPromise: 0.45, pKept: 0.7, pDispute: 0.1, pAutopayAccept: 0.12, autopayOnTime: 0.97,
      promiseLeadDays: DayDistribution(days: [3, 7], weights: [1, 1]),
      resolutionDays: QuantileDistribution(values: [3, 7, 9, 14], fallback: 7), shockSigma: 0.1)
}

/// A calibration stated by hand, for tests that need one without a store.
enum CalibrationFixture {
  static func est(_ v: Double) -> Estimate { .assumed(v) }

  static let calibration = Calibration(
    until: Day(iso: "2026-10-31")!, segments: ["only"],
    hazard: [[0.01, 0.05, 0.04, 0.03, 0.02, 0.01, 0.005].map(est)],
    paidRate: [[0.01, 0.05, 0.04, 0.03, 0.02, 0.01, 0.005].map(est)],
    writeOff: [0, 0, 0, 0, 0, 0, 0.002].map(est), reach: [0.4, 0.06, 0.05, 0.02].map(est),
    pPromise: est(0.45), pKeptObserved: est(0.85), pKept: est(0.7), pDispute: est(0.1),
    pAutopayAccept: est(0.12), autopayOnTime: est(0.97), completion: est(0.88),
    promiseLeadDays: DayDistribution(days: [2, 6, 10], weights: [1, 2, 1]),
    resolutionDays: QuantileDistribution(values: [2, 5, 7, 9, 30], fallback: 7),
    lifts: .assumed, naiveReachedLift: nil,
    cadence: [
      CadenceStep(dpd: 1, channel: .email), CadenceStep(dpd: 5, channel: .call),
      CadenceStep(dpd: 12, channel: .call),
    ], repeatEveryDays: 15, repeatChannel: .call, reps: 4, callsPerRepPerDay: 5,
    shockSigma: est(0.1), billedCustomers: 0, medianBillingGapDays: 0, thinThreshold: 30,
    sample: nil)
}

/// Portfolios stated by hand.
enum PortfolioFixture {
  /// `count` invoices on `customers` customers (round robin) with balances 100.00, 200.00,
  /// …, due on days spread from `firstDue` in steps of `step` (offsets from the start).
  static func spread(
    count: Int, customers: Int = 10, segments: Int = 1, firstDue: Int32 = -120,
    step: Int32 = 1
  ) -> Portfolio {
    Portfolio(
      start: Day(iso: "2026-11-01")!,
      customerSegment: (0..<customers).map { Int32($0 % segments) },
      invoiceCustomer: (0..<count).map { Int32($0 % customers) },
      invoiceBalance: (0..<count).map { Int64(($0 % 20) + 1) * 10_000 },
      invoiceDue: (0..<count).map { firstDue + Int32($0) * step })
  }
}

/// Data/sample imported once into a temporary store and shared by the tests that need
/// realistic data (the import takes a few seconds in a debug build).
enum SampleData {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  static let loaded: Result<(ledger: Ledger, links: InvoiceLinks), ArcadenceError> = {
    do {
      let path = NSTemporaryDirectory() + "arcadence-sim-sample-\(UUID().uuidString).sqlite"
      let store = try Store(path: path)
      _ = try Importer().run(directory: root + "/Data/sample", into: store)
      let ledger = try store.loadLedger()
      return .success((ledger, try store.loadInvoiceLinks(for: ledger)))
    } catch let e as ArcadenceError {
      return .failure(e)
    } catch {
      return .failure(ArcadenceError(.io, "\(error)"))
    }
  }()

  static func get() throws -> (ledger: Ledger, links: InvoiceLinks) { try loaded.get() }
}
