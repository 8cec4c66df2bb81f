import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// A drift in invoice amounts (``AmountDrift``), worked out on rows small enough to check on
/// paper, then through the cadence, the portfolio and the simulator.
@Suite struct AmountDriftTests {
  typealias Rows = [[(day: Int32, amount: Int64)]]

  /// C1 bills 1000, 4000, 4000 on days 0, 100, 200 and C2 500, 1000 on days 0, 100 (log amounts,
  /// less each customer's mean: C1 −⁴⁄₃, ⅔, ⅔ × ln 2; C2 −½, ½ × ln 2; days less the mean: −100,
  /// 0, 100 and −50, 50). Σ t·y = 200 ln 2 + 50 ln 2, Σ t² = 20,000 + 5,000: slope ln 2 ÷ 100 a
  /// day. The residuals are C1's −⅓, ⅔, −⅓ × ln 2 (C2 fits exactly): ⅔ (ln 2)² over 5 − 2 − 1 =
  /// 2 degrees of freedom, s.e. = √(⅓ (ln 2)² ÷ 25,000) = ln 2 ÷ (10 √750). Two s.e. are 20 ÷ √750
  /// of the slope, whose square is 400 ÷ 750 = ⁸⁄₁₅: the shrunk slope is ⁷⁄₁₅ × ln 2 ÷ 100.
  @Test func theSlopeIsWithinCustomersAndShrunk() {
    let rows: Rows = [[(0, 1000), (100, 4000), (200, 4000)], [(0, 500), (100, 1000)]]
    let (slope, se) = AmountDrift.slope(rows, until: 205)
    #expect(abs(slope - 7 * log(2.0) / 1500) < 1e-14)
    #expect(abs(se - log(2.0) / (10 * 750.0.squareRoot())) < 1e-14)
    // Without C1's noise (1000, 2000, 4000) the fit is exact: s.e. 0, the slope whole.
    let exact: Rows = [[(0, 1000), (100, 2000), (200, 4000)], [(0, 500), (100, 1000)]]
    #expect(abs(AmountDrift.slope(exact, until: 205).slope - log(2.0) / 100) < 1e-14)
    // Only the 365 days up to `until` count: at day 465 only C1's invoice of day 200 is
    // inside, and one invoice has no slope.
    #expect(AmountDrift.slope(rows, until: 465).slope == 0)
    // Amounts equal, or one invoice each: no slope, no error.
    #expect(AmountDrift.slope([[(0, 700), (9, 700), (30, 700)]], until: 40) == (0, 0))
    #expect(AmountDrift.slope([[(0, 700)], [(3, 900)]], until: 40) == (0, 0))
  }

  /// A slope steeper than × 4 a quarter is held to it: 1, 10, 100 on days 0, 1, 2 fit exactly
  /// at ln 10 a day, held to ln 4 ÷ 90 (either way). A drift measured where fewer than three
  /// earlier quarters have data says so instead of blaming the check.
  @Test func steepSlopesAreHeldAndShortDataIsNamed() {
    let up: Rows = [[(0, 1), (1, 10), (2, 100)]]
    #expect(abs(AmountDrift.slope(up, until: 2).slope - log(4.0) / 90) < 1e-15)
    let down: Rows = [[(0, 100), (1, 10), (2, 1)]]
    #expect(abs(AmountDrift.slope(down, until: 2).slope + log(4.0) / 90) < 1e-15)
    let d = AmountDrift.measure(up, until: 2)
    #expect(d.perDay == 0 && d.with.isEmpty)
    #expect(
      d.line
        == "Invoice amounts: resampled as billed (a drift of +27550% a year, but only 0 of the "
        + "3 earlier quarters had the data to check it on).")
    #expect(AmountDrift.growth(d.measured).isFinite)
  }

  /// C1's pool at day 10 is 1000 (day 0) and 2000 (day 10); it bills 3000 on day 40. As
  /// resampled, the pool's mean is 1500: log(1500 ÷ 3000) = −ln 2. Doubling every 30 days
  /// (ln 2 ÷ 30 a day), day 0's 1000 is 1000 × 2^⅓ at day 10 and the invoice 30 days later
  /// twice the level: (1000 × 2^⅓ + 2000) ÷ 2 × 2 = 3259.92…, log(3259.92… ÷ 3000).
  @Test func theLevelErrorOfAQuarter() {
    let rows: Rows = [[(0, 1000), (10, 2000), (40, 3000), (101, 9000)]]
    let none = AmountDrift.levelError(rows, at: 10, perDay: 0)!
    #expect(abs(none + log(2.0)) < 1e-12)
    let g = log(2.0) / 30
    let with = AmountDrift.levelError(rows, at: 10, perDay: g)!
    #expect(abs(with - log((1000 * pow(2, 1.0 / 3) + 2000) / 3000)) < 1e-12)
    // Nothing billed in the 90 days after day 101: no error to measure.
    #expect(AmountDrift.levelError(rows, at: 101, perDay: 0) == nil)
  }

  /// Amounts moved by a factor: whole cents, at least 1, at most × 4 or ÷ 4.
  @Test func factorsAreBoundedAndCentsWhole() {
    let d = AmountDrift(perDay: log(2.0) / 20, measured: log(2.0) / 20, standardError: 0)
    #expect(abs(d.factor(days: 20) - 2) < 1e-12)
    #expect(d.factor(days: 100) == 4 && d.factor(days: -100) == 0.25)
    #expect(AmountDrift.scaled(10_001, by: 1.5) == 15_002)
    #expect(AmountDrift.scaled(1, by: 0.25) == 1)
    #expect(AmountDrift.scaled(Int64(1) << 61, by: 4) == Int64(1) << 61)
    #expect(AmountDrift.off.factor(days: 1_000) == 1)
  }

  /// One customer billed every 30 days for two years, 100.00 × 2^(k ÷ 12) for its k-th invoice
  /// (doubling every 360 days). At the start, 10 days after the 25th (400.00): the slope is
  /// ln 2 ÷ 360 a day (amounts rounded to the cent: within 10⁻⁶), every earlier quarter's level
  /// came closer with it, so it is used; the pool's last amount moves to 400.00 × 2^(10/360) =
  /// 407.78 (within a cent: the slope is estimated); the portfolio and the forecast carry the
  /// drift (2^(365/360) − 1 = 1.0194 a year in JSON, +102 % in words). The same book at 100.00 throughout: no drift.
  @Test func aGrowingBookIsBilledAtItsCurrentLevel() throws {
    let first = Day(iso: "2024-01-01")!
    func store(growing: Bool) throws -> Store {
      var invoices = "invoice_id,customer_id,issued_on,due_on,amount\n"
      for k in 0...24 {
        let cents = growing ? (10_000 * pow(2, Double(k) / 12)).rounded() : 10_000
        let issued = first + 30 * k
        invoices += "I\(k),C1,\(issued),\(issued + 30),\(Cents.plain(Int64(cents)))\n"
      }
      return try PaperLedger.store([
        "reps.csv": ForecastModelTests.reps, "customers.csv": ForecastModelTests.customers,
        "invoices.csv": invoices,
      ])
    }
    let until = first + 730
    let l = try store(growing: true).loadLedger()
    let billing = BillingCadence.fit(ledger: l, until: until)
    #expect(abs(billing.amountDrift.perDay - log(2.0) / 360) < 1e-6)
    #expect(billing.amountDrift.with.count == 3)
    #expect(billing.amounts.count == 12)
    #expect(abs(billing.amounts.last! - 40_778) <= 1)
    #expect(billing.amountDrift.line.hasPrefix("Invoice amounts: drifting +102% a year"))
    let book = Portfolio(
      ledger: l, links: try store(growing: true).loadInvoiceLinks(for: l), segments: ["a"],
      start: until + 1, horizon: 40, newInvoices: true)
    #expect(book.amountDrift == billing.amountDrift)
    // The forecast from that day says so, in its lines and its JSON.
    let grown = try store(growing: true)
    var settings = Forecast.Settings(start: until + 1, weeks: 2, paths: 4, seed: 1, threads: 1)
    settings.weeklyNoise = false
    let f = try Forecast.run(
      ledger: l, links: grown.loadInvoiceLinks(for: l), settings: settings)
    #expect(f.amountDrift == billing.amountDrift)
    #expect(f.modelLines.contains(billing.amountDrift.line))
    #expect(f.json.rendered(pretty: false).contains("\"amount_drift\":{\"growth_per_year\":1.019"))
    let steady = BillingCadence.fit(ledger: try store(growing: false).loadLedger(), until: until)
    #expect(steady.amountDrift == .off)
    #expect(steady.amounts.allSatisfy { $0 == 10_000 })
  }

  /// A new invoice issued `d` days after the start is billed at its pooled amount × e^(perDay ·
  /// (d + 1)) (the pool is at the level of the day before the start). C1 bills 100.00 every 20
  /// days, the last on 03-02; from 03-03 its invoices are issued on days 19 and 39 (see
  /// ``ForecastModelTests/billingFollowsTheMeanGap()``). Doubling every 20 days they are 200.00
  /// and 400.00 (× 2^(20/20), × 2^(40/20) = 4, the bound): 600.00 of credit sales on every
  /// path, 200.00 without the drift; the portfolio file's pools say the same.
  @Test func newInvoicesFollowTheDrift() throws {
    let store = try ForecastModelTests.meanGapStore()
    let l = try store.loadLedger()
    var book = Portfolio(
      ledger: l, links: try store.loadInvoiceLinks(for: l), segments: ["a"],
      start: Day(iso: "2026-03-03")!, horizon: 40, newInvoices: true)
    #expect(book.amountDrift == .off)
    let params = ModelParameters(segments: ["a"], hazard: [[Double](repeating: 0, count: 7)])
    func sales() -> Summary {
      Simulator(
        portfolio: book, parameters: params, policies: [Policy(name: "none")],
        settings: SimulationSettings(horizon: 40, paths: 16, seed: 3, portfolioShock: false)
      ).run().outcomes[0].creditSales
    }
    #expect(sales().p5 == 20_000 && sales().p95 == 20_000)
    book.amountDrift = AmountDrift(perDay: log(2.0) / 20, measured: 0, standardError: 0)
    #expect(sales().p5 == 60_000 && sales().p95 == 60_000)
    // The portfolio file shows each new invoice's pool at its issue day's level.
    let rows = book.csv(segments: ["a"]).split(separator: "\n")
    #expect(
      rows.suffix(2).map { $0.split(separator: ",").last.map(String.init) } == [
        "20000;20000;20000;20000", "40000;40000;40000;40000",
      ])
  }

  /// Amounts with a ±35 % yearly swing (twenty customers billed weekly for three years): the
  /// last year's slope is clear of noise, but a straight line through a turn brought the
  /// billed level further from what came, so the drift is measured and not used, and the
  /// line says why.
  @Test func aSwingIsNotExtrapolated() {
    func amount(_ d: Int32) -> Int64 {
      let swing = 0.35 * sin(2 * Double.pi * Double(d) / 365)
      return Int64((10_000 * (1 + swing)).rounded())
    }
    var rows: Rows = []
    for c in 0..<20 {
      let days = stride(from: Int32(c % 7), to: 3 * 365, by: 7)
      rows.append(days.map { (day: $0, amount: amount($0)) })
    }
    let d = AmountDrift.measure(rows, until: 2 * 365 + 120)
    #expect(d.measured != 0)
    #expect(d.perDay == 0)
    #expect(d.line.contains("did not bring the billed level closer"))
  }

  /// What one path could sum: the open balance plus each new invoice at its customer's largest
  /// pooled amount (× 4 when a drift is used). One open invoice of Int64.max ÷ 8 and a pool of
  /// Int64.max ÷ 8: one new invoice makes Int64.max ÷ 4, which the run can sum (nil); two make
  /// ⅜ of Int64.max, or one with a drift ⅝: refused.
  @Test func booksTooLargeToSumAreFound() {
    let eighth = Int64.max / 8
    func book(newInvoices: Int, drift: Bool) -> Portfolio {
      var p = Portfolio(
        start: Day(iso: "2026-03-01")!, customerSegment: [0],
        invoiceCustomer: [Int32](repeating: 0, count: 1 + newInvoices),
        invoiceBalance: [eighth] + [Int64](repeating: 0, count: newInvoices),
        invoiceDue: [Int32](repeating: 30, count: 1 + newInvoices))
      p.openCount = 1
      p.amountStart = [0, 1]
      p.amounts = [eighth]
      if drift { p.amountDrift = AmountDrift(perDay: 0.001, measured: 0.001, standardError: 0) }
      return p
    }
    #expect(book(newInvoices: 1, drift: false).mostBilled == nil)
    #expect(book(newInvoices: 2, drift: false).mostBilled == Double(eighth) * 3)
    #expect(book(newInvoices: 1, drift: true).mostBilled == Double(eighth) * 5)
  }
}
