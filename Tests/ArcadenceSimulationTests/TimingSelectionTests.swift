import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// The choice of payment clock on ``PaperLedger`` (first invoice 2026-01-01), worked out by
/// hand.
@Suite struct TimingSelectionTests {
  static func day(_ iso: String) -> Day { Day(iso: iso)! }

  /// A forecast from 03-17 over 7 days: lag 0 gives 03-17 − 7 = 03-10, whose window 03-10 …
  /// 03-16 received P8 400.00 and P9 1,000.00; lag 60 gives 03-17 − 67 = 01-09, 8 days after
  /// the first invoice (≥ 7), whose window 01-09 … 01-15 received P1 100.00.
  /// From 03-01 over 14 days: 02-15 (45 days of history), window 02-15 … 02-28: P3 200.00,
  /// P5 100.00, P6 60.00; 03-01 − 74 = 2025-12-17 is before any invoice. From 03-20 over 7
  /// days: 03-13 received nothing (03-13 … 03-19) and 01-12 … 01-18 nothing: no cutoff.
  @Test func earlierCutoffsOnPaper() throws {
    let l = try PaperLedger.ledger()
    let a = TimingSelection.earlierCutoffs(ledger: l, start: Self.day("2026-03-17"), horizon: 7)
    #expect(a.map(\.start) == [Self.day("2026-03-10"), Self.day("2026-01-09")])
    #expect(a.map(\.actual) == [140_000, 10_000])
    let b = TimingSelection.earlierCutoffs(ledger: l, start: PaperLedger.cutoff, horizon: 14)
    #expect(b.map(\.start) == [Self.day("2026-02-15")])
    #expect(b.map(\.actual) == [36_000])
    let c = TimingSelection.earlierCutoffs(ledger: l, start: Self.day("2026-03-20"), horizon: 7)
    #expect(c.isEmpty)
  }

  /// Paths of 100.00 and 300.00 (mean 200.00) against 250.00: |200 − 250| ÷ 250 = 0.2; no
  /// paths: a mean of 0, error 1.
  @Test func errorIsTheMeanPathsDistanceFromTheActual() {
    #expect(abs(TimingSelection.error(totals: [10_000, 30_000], actual: 25_000) - 0.2) < 1e-12)
    #expect(TimingSelection.error(totals: [], actual: 25_000) == 1)
  }

  /// The curves forecast only when strictly better; with no earlier cutoff (a start 14 days
  /// after the first invoice, 2026-01-15 over 14 days: 01-01 has no history before it) the
  /// hazard model stays.
  @Test func curvesOnlyWhenTheyDidBetter() throws {
    #expect(TimingSelection(hazardError: 0.05, curvesError: 0.04).curves)
    #expect(!TimingSelection(hazardError: 0.04, curvesError: 0.04).curves)
    #expect(!TimingSelection(hazardError: 0.04, curvesError: 0.05).curves)
    #expect(!TimingSelection(hazardError: nil, curvesError: 0.01).curves)
    let store = try PaperLedger.store(PaperLedger.files)
    let l = try store.loadLedger()
    let s = try TimingSelection.select(
      ledger: l, links: store.loadInvoiceLinks(for: l), start: Self.day("2026-01-15"),
      horizon: 14, seed: 1, threads: 1, delayShift: false)
    #expect(s == TimingSelection(hazardError: nil, curvesError: nil))
    #expect(!s.curves)
  }
}
