import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// Unapplied cash forecast at its recent rate, worked out on ``PaperLedger`` with one unapplied
/// payment: P10, $70 from C1 on 2026-02-10, no invoice.
@Suite struct UnappliedCashTests {
  static func files() -> [String: String] {
    var files = PaperLedger.files
    files["payments.csv"]! += "P10,C1,,2026-02-10,70,ach\n"
    return files
  }

  /// From 2026-03-01: the last payment before it is P6 on 2026-02-27, so the window ends on
  /// 2026-02-28; it would start 91 days earlier, but the first payment is P1 on 2026-01-11:
  /// 48 days (21 in January, 27 in February). $70 over 48 days is 7000 × 7 ÷ 48 = 1020.8… →
  /// 1,021 cents a week, all C1's (index 0); C2's share is 0; over the 48 days, $70. From
  /// 2026-06-01, past the data, the window ends the day after the last payment (P8/P9,
  /// 2026-03-10): 2026-01-11 to 2026-03-11, 59 days, 7000 × 7 ÷ 59 = 830.5… → 831 cents.
  @Test func theRateOfTheWindowBeforeTheStart() throws {
    let l = try PaperLedger.store(Self.files()).loadLedger()
    let u = UnappliedCash.measure(ledger: l, start: Day(iso: "2026-03-01")!)
    #expect(u.days == 48)
    #expect(u.perCustomer == [7_000, 0])
    #expect(u.cents(over: 7) == 1_021)
    #expect(u.cents(over: 48) == 7_000)
    // By group in one pass: C1 in group 1, C2 in group 2: the book, C1's, C2's.
    #expect(u.cents(over: 7, groups: 3) { $0 + 1 } == [1_021, 1_021, 0])
    #expect(u.cents(over: 7, groups: 2) { _ in nil } == [1_021, 0])
    let past = UnappliedCash.measure(ledger: l, start: Day(iso: "2026-06-01")!)
    #expect(past.days == 59)
    #expect(past.cents(over: 7) == 831)
    // Before any payment, or a book without unapplied cash: nothing.
    #expect(UnappliedCash.measure(ledger: l, start: Day(iso: "2026-01-11")!).total == 0)
    let plain = try PaperLedger.store(PaperLedger.files).loadLedger()
    #expect(UnappliedCash.measure(ledger: plain, start: Day(iso: "2026-03-01")!).total == 0)
  }

  /// The forecast from 2026-03-01 carries $10.21 a week in the open book on every path: each
  /// week's open-book P5 is at least that, the horizon's two weeks at least $20.42, and the
  /// table and JSON say so.
  @Test func theForecastCarriesIt() throws {
    let store = try PaperLedger.store(Self.files())
    let l = try store.loadLedger()
    var settings = Forecast.Settings(
      start: Day(iso: "2026-03-01")!, weeks: 2, paths: 8, seed: 5, threads: 1)
    settings.weeklyNoise = false
    let f = try Forecast.run(
      ledger: l, links: store.loadInvoiceLinks(for: l), settings: settings)
    #expect(f.unappliedWeekly == 1_021)
    #expect(f.series[0].weeks.allSatisfy { $0.openBook.p5 >= 1_021 })
    #expect(f.series[0].horizon.openBook.p5 >= 2_042)
    #expect(f.pathOpenBook.allSatisfy { $0 >= 2_042 })
    #expect(f.modelLines.contains { $0.hasPrefix("Unapplied cash: $10 a week") })
    #expect(f.json.rendered(pretty: false).contains("\"unapplied_cash\":{\"per_week\":10.21,"))
  }
}
