import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// Billing resumption on a ledger worked out on paper. F = 2026-01-01, the ledger's first
/// invoice; both customers were created before it, so their billing is counted from F.
///
/// D1 (100.00 each) is billed on F+40, F+45, F+50 (gaps 5 and 5) and 50.00 on F+67. D2 (66.00
/// each) on F and F+10 (gap 10), then 10.00 on F+70. Measured for a start on F+75 (03-17) over
/// 10 days: one window, [F+65, F+75) = 03-07 … 03-16 (a second, ending 30 days earlier, would
/// start on F+35, less than 60 days after the first invoice).
///
/// At F+65, from the invoices before it: D1's last invoice is 15 days old, its silence (14 days
/// on F+64) within max(2 · 5, 45, 5), so it is billed, but no gap of its is 15 long: **silent**.
/// Its renewal bills at its exposure's rate, 65 days (F … F+64) ÷ 3 invoices = 21.7, 22: its
/// gaps scaled to 22 and 22, the first a 22-day gap less the 15 days gone, day 7, the next on
/// day 29: 1 invoice within 10 days, 100.00 expected; it billed 50.00 (F+67): ratio ½. D2 is
/// silent 54 days on F+64, more than max(2 · 10, 45, 10): **lapsed**; at 65 ÷ 2 = 32.5, 33 days
/// and none that long, a uniform day of a 33-day gap: within 10 days with chance 10 ÷ 33, 66.00
/// × 10 ÷ 33 = 20.00 expected; it billed 10.00 (F+70): ratio ½.
@Suite struct BillingResumptionTests {
  static let customers = """
    customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,autopay_cancelled_on
    D1,One,a,R1,30,2025-12-01,,
    D2,Two,a,R1,30,2025-12-01,,

    """
  static let invoices = """
    invoice_id,customer_id,issued_on,due_on,amount
    I1,D1,2026-02-10,2026-03-12,100
    I2,D1,2026-02-15,2026-03-17,100
    I3,D1,2026-02-20,2026-03-22,100
    I4,D1,2026-03-09,2026-04-08,50
    I5,D2,2026-01-01,2026-01-31,66
    I6,D2,2026-01-11,2026-02-10,66
    I7,D2,2026-03-12,2026-04-11,10

    """

  static func store() throws -> Store {
    try PaperLedger.store([
      "reps.csv": ForecastModelTests.reps, "customers.csv": customers, "invoices.csv": invoices,
    ])
  }

  /// The renewal equation by hand. Gaps [10], 3 days since the last invoice: days 7, 17, 27
  /// within 30: 3. Gaps [10, 20], 15 days: the first on day 5 (only 20 ≥ 15), then day 15 (½)
  /// or 25 (½), after 15 day 25 (½): 1 + ½ + (½ + ¼) = 2.25. Gaps [10], 12 days (no gap that
  /// long): a uniform day t of 0–9, then t + 10 and t + 20, the last within 25 only for t < 5:
  /// 2.5. Gaps [0, 10], 5 days: day 5, and each invoice brings another the same day with ½:
  /// 1 ÷ (1 − ½) = 2 within 12 days.
  @Test func expectedInvoicesByHand() {
    func e(_ g: [Int32], _ age: Int32, _ h: Int) -> Double {
      BillingResumption.expectedInvoices(gaps: g, age: age, horizon: h)
    }
    #expect(abs(e([10], 3, 30) - 3) < 1e-12)
    #expect(abs(e([10, 20], 15, 30) - 2.25) < 1e-12)
    #expect(abs(e([10], 12, 25) - 2.5) < 1e-12)
    #expect(abs(e([0, 10], 5, 12) - 2) < 1e-12)
    #expect(e([], 5, 12) == 0)
    // Held to the slots the simulator has: every day for 100 days is 100 invoices, 10 slots;
    // gaps all 0 put every slot on the first day.
    func capped(_ g: [Int32], _ age: Int32, _ h: Int, _ k: Int) -> Double {
      BillingResumption.expectedInvoices(gaps: g, age: age, horizon: h, slots: k)
    }
    #expect(capped([1], 1, 100, 10) == 10)
    #expect(capped([0], 3, 10, 7) == 7)
    #expect(abs(capped([10], 3, 30, 64) - 3) < 1e-12)
    #expect(BillingResumption.slots(horizon: 90, gaps: [30]) == 12)
    #expect(BillingResumption.slots(horizon: 90, gaps: [20, 40]) == 12)
    // A weekly biller over two years: 3 · 104 + 3 = 315 slots (a fixed 64 stopped its billing
    // after 64 weeks); a daily one over 13 weeks: 3 · 91 + 3 = 276; three invoices a day
    // (gaps 0, 0, 1: mean ⅓ day) over 30 weeks: 3 · 630 + 3 = 1,893 (the mean gap rounded to
    // 1 day and capped gave 484: billing stopped after about 23 weeks); every invoice on one day:
    // 64 + 2 · 91 = 246.
    #expect(BillingResumption.slots(horizon: 728, gaps: [7]) == 315)
    #expect(BillingResumption.slots(horizon: 91, gaps: [1]) == 276)
    #expect(BillingResumption.slots(horizon: 210, gaps: [0, 0, 1]) == 1_893)
    #expect(BillingResumption.slots(horizon: 91, gaps: [0, 0]) == 246)
  }

  @Test func measuredOnTheBooksOwnEarlierWindow() throws {
    let l = try Self.store().loadLedger()
    let r = BillingResumption.measure(ledger: l, start: Day(iso: "2026-03-17")!, horizon: 10)
    #expect(r.windows == 1)
    #expect(r.silentBilled == 5_000 && abs(r.silentExpected - 10_000) < 1e-9)
    #expect(r.lapsedBilled == 1_000 && abs(r.lapsedExpected - 2_000) < 1e-9)
    #expect(abs(r.silent - 0.5) < 1e-12 && abs(r.lapsed - 0.5) < 1e-12)
    // A start past the data measures on the windows before the invoices stop: the last is
    // F+70, its longest silence 30 days, so windows end by F+101 (04-12), as for that start.
    #expect(
      BillingResumption.measure(ledger: l, start: Day(iso: "2026-07-20")!, horizon: 10)
        == BillingResumption.measure(ledger: l, start: Day(iso: "2026-04-12")!, horizon: 10))
    // No window fits (it would start 55 days after the first invoice): as before.
    let none = BillingResumption.measure(ledger: l, start: Day(iso: "2026-03-07")!, horizon: 10)
    #expect(none == .off)
  }

  /// At F+65 (03-07) D1 is silent and D2 lapsed (above); with nothing measured D1 bills on its
  /// renewal on every path (1 invoice, 100.00 of credit sales) and D2 has no slots. With D1's
  /// chance set to 0 nothing is billed; at ½ about half the paths bill 100.00 (mean 50.00
  /// within 4 standard errors: 4 · 50.00 ÷ √4000 ≈ 3.16).
  @Test func aSilentCustomerBillsOnAPathWithItsChance() throws {
    let store = try Self.store()
    let l = try store.loadLedger()
    let links = try store.loadInvoiceLinks(for: l)
    let start = Day(iso: "2026-03-07")!
    var book = Portfolio(
      ledger: l, links: links, segments: ["a"], start: start, horizon: 10, newInvoices: true,
      renewal: true)
    #expect(book.resumption == .off)
    #expect(book.renewalChance == [1, 0])
    #expect(book.renewalSlots[2] - book.renewalSlots[1] == 0)
    // D2's lapse is an end (``Churn``), not taken as real: no earlier window to check it on.
    #expect(book.churn.ends == 1 && book.churn.rate == 0)
    let params = ModelParameters(segments: ["a"], hazard: [[Double](repeating: 0, count: 7)])
    func sales(_ chance: Double) -> Summary {
      book.renewalChance[0] = chance
      return Simulator(
        portfolio: book, parameters: params, policies: [Policy(name: "none")],
        settings: SimulationSettings(horizon: 10, paths: 4000, seed: 3, portfolioShock: false)
      ).run().outcomes[0].creditSales
    }
    let always = sales(1)
    #expect(always.p5 == 10_000 && always.p95 == 10_000)
    let never = sales(0)
    #expect(never.p95 == 0)
    let half = sales(0.5)
    #expect(half.p5 == 0 && half.p95 == 10_000)
    #expect(abs(half.mean - 5_000) < 316)
  }

  /// Measured at the start on F+75 (the window above), the portfolio carries the chances; at
  /// F+75 both customers are billed in a gap of theirs (D1: 8 days since F+67, gap 17; D2: 5
  /// days since F+70, gap 60), so both bill on every path.
  @Test func thePortfolioMeasuresAtItsStart() throws {
    let store = try Self.store()
    let l = try store.loadLedger()
    let book = Portfolio(
      ledger: l, links: try store.loadInvoiceLinks(for: l), segments: ["a"],
      start: Day(iso: "2026-03-17")!, horizon: 10, newInvoices: true, renewal: true)
    #expect(abs(book.resumption.silent - 0.5) < 1e-12)
    #expect(abs(book.resumption.lapsed - 0.5) < 1e-12)
    #expect(book.renewalChance == [1, 1])
  }
}
