import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// Delay curves on ``PaperLedger`` (cutoff 2026-03-01, data up to 02-28), worked out by hand.
/// The curves are of cash: each invoice is split into shares of its amount (a part paid is an
/// event of that share at its age).
///
/// Days from issue to payment, up to 02-28. C1: I1 10, I2 12, I3 14, I9 12 (events); I5
/// issued 02-20 is open, censored at 8 days. C2: I4 30 (event); I6 (02-16, 500.00: 100.00
/// paid 02-25) is an event of 0.2 at 9 days and 0.8 censored at 12; I7 (01-05) censored at
/// 54. Segment a holds both: 8 invoices.
///
/// Segment a: at risk 8; the censoring at 8 leaves 7; day 9: S = 1 − 0.2/7 = 6.8/7 (6.8 left);
/// day 10: S = 5.8/7; day 12: two events of 5.8, S = 3.8/7, then 2 + 0.8 leave 3; day 14:
/// S = 3.8/7 · 2/3 = 7.6/21 (2 left); day 30: S = 3.8/21; then only the censoring at 54.
/// C1 alone: 5 at risk, 4 after day 8; day 10: 3/4; day 12: 3/4 · 1/3 = 1/4; day 14: 0.
/// Mixed with w = 5 ÷ (5 + 5) = ½: S(9) = ½ + ½ · 6.8/7, S(10) = ½ · 3/4 + ½ · 5.8/7,
/// S(12) = ½ · 1/4 + ½ · 3.8/7, S(14) = ½ · 7.6/21, S(30) = ½ · 3.8/21.
/// C2 alone: 3 at risk; day 9: 2.8/3; the censoring at 12 leaves 2; day 30: S = 1.4/3, then
/// flat (the segment's tail is flat after 30). w = 3 ÷ 8 (three invoices):
/// S(12) = 3/8 · 2.8/3 + 5/8 · 3.8/7 = 0.689285…, S(30) = 3/8 · 1.4/3 + 5/8 · 3.8/21 =
/// 0.288095….
@Suite struct DelayCurvesTests {
  static let until = Day(iso: "2026-02-28")!

  static func curves() throws -> DelayCurves {
    let l = try PaperLedger.ledger()
    return DelayCurves.fit(ledger: l, until: until, segmentOf: [0, 0], segments: 1, length: 60)
  }

  /// Events 2 at day 1 and 1 at day 3, one censored at day 2, one that never pays: at risk 5;
  /// day 1: 1 − 2/5 = 0.6 (3 left); day 2: no event, the censoring leaves 2; day 3: 0.6 · 1/2.
  @Test func kaplanMeierByHand() {
    let s = DelayCurves.kaplanMeier(
      events: [0, 2, 0, 1], censored: [0, 0, 1, 0], never: 1, length: 4)
    let expected = [1, 0.6, 0.6, 0.3]
    #expect(s.count == 4)
    for (a, b) in zip(s, expected) { #expect(abs(a - b) < 1e-12) }
  }

  /// Tail completion: 4 at risk; day 1: two payments, S = 1 − 2/4 = 0.5, the last payment;
  /// after it 2 at risk, one that never pays and one censored at day 3, so q = 1/2. With the
  /// tail T = 1, 0.8, 0.6, 0.4, 0.2, 0 (T(1) = 0.8): S(t) = 0.5 · (0.5 + 0.5 · T(t) ÷ 0.8):
  /// day 2: 0.5 · (0.5 + 0.375) = 0.4375; day 3: 0.5 · 0.75 = 0.375; day 4: 0.3125; day 5:
  /// 0.25 (the never share). Without a tail the curve stays at 0.5 from day 1 on.
  @Test func kaplanMeierCompletesItsTailWithTheSegments() {
    let tail = [1, 0.8, 0.6, 0.4, 0.2, 0]
    let flat = DelayCurves.kaplanMeier(
      events: [0, 2], censored: [0, 0, 0, 1], never: 1, length: 6)
    #expect(flat == [1, 0.5, 0.5, 0.5, 0.5, 0.5])
    let s = DelayCurves.kaplanMeier(
      events: [0, 2], censored: [0, 0, 0, 1], never: 1, length: 6, tail: tail)
    let expected = [1, 0.5, 0.4375, 0.375, 0.3125, 0.25]
    #expect(s.count == 6)
    for (a, b) in zip(s, expected) { #expect(abs(a - b) < 1e-12) }
    // Only never-paying invoices left after the last payment: nothing to complete.
    let nevers = DelayCurves.kaplanMeier(
      events: [0, 2], censored: [], never: 2, length: 4, tail: [1, 0.8, 0.6, 0.4])
    #expect(nevers == [1, 0.5, 0.5, 0.5])
    // No payment at all: the censored share follows the tail from issue.
    let none = DelayCurves.kaplanMeier(
      events: [], censored: [0, 1], never: 1, length: 3, tail: [0.5, 0.5, 0])
    #expect(none == [0.75, 0.75, 0.5])
  }

  /// The paper ledger with one more invoice of C1, I10 (issued 2025-12-05, paid 02-20: 77
  /// days), so the segment has a payment after C2's last one. C2's own curve (I6's 0.2 paid
  /// at 9, its 0.8 censored at 12; I4 paid at 30; I7 censored at 54) is 1.4/3 after day 30
  /// and, flat, would leave I7 unpaid for ever. Segment a: 9 at risk; the censoring at 8
  /// leaves 8; day 9: 7.8/8; day 10: 6.8/8; day 12: two of 6.8, 0.6, then I6's 0.8 censored
  /// leaves 4; day 14: 0.45; day 30: 0.3 (2 left); I7 censored at 54 (1 left); day 77: 0.
  /// Completed, C2's own curve after day 30 is 1.4/3 · T(t) ÷ T(30): 1.4/3 until day 76, 0
  /// from day 77. Mixed with w = 3/8: S(54) = 3/8 · 1.4/3 + 5/8 · 0.3 = 0.3625, S(77) = 0
  /// (flat: 0.175). I7, 55 days old on 03-01, with u = 0.4: the target 0.4 · 0.3625 = 0.145
  /// is first reached on day 77, 22 days on (flat: never, its floor 0.175 stays above).
  @Test func anOpenInvoiceOlderThanItsCustomersPaymentsPaysByTheSegmentsTail() throws {
    var files = PaperLedger.files
    files["invoices.csv", default: ""] += "I10,C1,2025-12-05,2026-01-04,70\n"
    files["payments.csv", default: ""] += "P10,C1,I10,2026-02-20,70,ach\n"
    let l = try PaperLedger.store(files).loadLedger()
    let c = DelayCurves.fit(
      ledger: l, until: Self.until, segmentOf: [0, 0], segments: 1, length: 90)
    #expect(abs(c.survival(1, 54) - 0.3625) < 1e-12)
    #expect(abs(c.survival(1, 76) - (3.0 / 8 * 1.4 / 3 + 5.0 / 8 * 0.3)) < 1e-12)
    #expect(c.survival(1, 77) == 0)
    #expect(c.draw(customer: 1, age: 55, u: 0.4) == 22)
  }

  /// C2 on auto-pay since 02-01 (still on 02-28): its invoices issued before, I4 and I7, are
  /// left out; its own curve is I6 alone: 0.2 paid at 9 (S = 0.8), 0.8 censored at 12, then
  /// the segment's tail from day 9 (q = 0). Segment a: C1's five and I6, 6 at risk; the
  /// censoring at 8 leaves 5; day 9: 4.8/5 = 0.96; day 10: 3.8/5 = 0.76; day 12: two of 3.8,
  /// 1.8/5 = 0.36, and I6's 0.8 censored leaves 1; day 14: 0. C2's own: S(10) = 0.8 · 0.76 ÷
  /// 0.96 = 19/30, S(12) = 0.8 · 0.36 ÷ 0.96 = 0.3, S(14) = 0. Mixed with w = 1/6 (one
  /// invoice): S(10) = 19/180 + 5/6 · 0.76 = 133/180, S(12) = 0.05 + 0.3 = 0.35, S(14) = 0.
  /// I6, 13 days old on 03-01, with u = 0.5: the target 0.175 is first reached on day 14,
  /// 1 day on (with I4 and I7 kept: 17).
  @Test func aCustomerOnAutopayIsReadFromItsInvoicesSinceEnrolment() throws {
    var files = PaperLedger.files
    files["customers.csv"] = files["customers.csv"]?.replacingOccurrences(
      of: "C2,Two,a,R1,30,2025-12-01,,", with: "C2,Two,a,R1,30,2025-12-01,2026-02-01,")
    let l = try PaperLedger.store(files).loadLedger()
    #expect(l.autopayEnrolled(1, at: Self.until.rawValue))
    let c = DelayCurves.fit(
      ledger: l, until: Self.until, segmentOf: [0, 0], segments: 1, length: 60)
    #expect(abs(c.survival(1, 10) - 133.0 / 180) < 1e-12)
    #expect(abs(c.survival(1, 12) - 0.35) < 1e-12)
    #expect(c.survival(1, 14) == 0)
    #expect(c.draw(customer: 1, age: 13, u: 0.5) == 1)
  }

  /// The curves read shares of each invoice's amount. I11 (C1, 100.00 issued 02-01): 80.00
  /// paid 02-11 (10 days), 20.00 credited 02-21 (20 days): an event of 0.8 at 10 and 0.2 that
  /// never pays (counted as one invoice, it was "never paid" although 80 % was cash). I6 (C2,
  /// 500.00 issued 02-16, 100.00 paid 02-25): 0.2 at 9 days, 0.8 censored at 12. I3 (paid in
  /// full at 14) is one piece.
  @Test func observationsSplitEachInvoiceIntoSharesOfItsAmount() throws {
    var files = PaperLedger.files
    files["invoices.csv", default: ""] += "I11,C1,2026-02-01,2026-03-03,100\n"
    files["payments.csv", default: ""] += "P11,C1,I11,2026-02-11,80,ach\n"
    files["adjustments.csv"] =
      "adjustment_id,invoice_id,posted_on,amount,kind\nA1,I11,2026-02-21,20,credit_memo\n"
    let l = try PaperLedger.store(files).loadLedger()
    let rows = DelayCurves.observations(ledger: l, until: Self.until, length: 60)
    func pieces(_ id: String) throws -> [[Double]] {
      let i = try #require(l.invoiceIds.firstIndex(of: id))
      return rows.filter { $0.invoice == Int32(i) }.map { [Double($0.t), Double($0.kind), $0.w] }
    }
    #expect(try pieces("I11") == [[10, 0, 0.8], [20, 2, 0.2]])
    #expect(try pieces("I6") == [[9, 0, 0.2], [12, 1, 0.8]])
    #expect(try pieces("I3") == [[14, 0, 1]])
    // Each invoice's first piece marks it once (nine issued by 02-28; I8 comes after), and
    // its shares add to 1.
    #expect(rows.filter(\.first).count == 9)
    var sums: [Int32: Double] = [:]
    for r in rows { sums[r.invoice, default: 0] += r.w }
    #expect(sums.values.allSatisfy { abs($0 - 1) < 1e-12 })
    // C1 alone: 6 at risk, 5 after the censoring at 8; day 10: 1.8 of 5, S = 0.64; day 12:
    // 2 of 3.2, S = 0.24; day 14: 1 of 1.2, S = 0.04, I11's 0.2 that never pays left (a
    // floor, not completed). Segment a (9): day 9 7.8/8, day 10 6/8, day 12 4/8 (3.2 left
    // after I6's 0.8), day 14 0.34375, day 30 0.1875, flat. C1 (six invoices, w = 6/11):
    // S(59) = (6 · 0.04 + 5 · 0.1875) ÷ 11.
    let c = DelayCurves.fit(
      ledger: l, until: Self.until, segmentOf: [0, 0], segments: 1, length: 60)
    #expect(abs(c.survival(0, 59) - (6 * 0.04 + 5 * 0.1875) / 11) < 1e-12)
  }

  @Test func customerCurvesMixTheirOwnAndTheSegments() throws {
    let c = try Self.curves()
    #expect(c.customers == 2)
    #expect(c.survival(0, 8) == 1)
    #expect(abs(c.survival(0, 9) - (0.5 + 0.5 * 6.8 / 7)) < 1e-12)
    #expect(abs(c.survival(0, 10) - (0.5 * 0.75 + 0.5 * 5.8 / 7)) < 1e-12)
    #expect(abs(c.survival(0, 12) - (0.5 * 0.25 + 0.5 * 3.8 / 7)) < 1e-12)
    #expect(abs(c.survival(0, 14) - 0.5 * 7.6 / 21) < 1e-12)
    #expect(abs(c.survival(0, 30) - 0.5 * 3.8 / 21) < 1e-12)
    #expect(abs(c.survival(1, 9) - (3.0 / 8 * 2.8 / 3 + 5.0 / 8 * 6.8 / 7)) < 1e-12)
    #expect(abs(c.survival(1, 12) - (3.0 / 8 * 2.8 / 3 + 5.0 / 8 * 3.8 / 7)) < 1e-12)
    #expect(abs(c.survival(1, 30) - (3.0 / 8 * 1.4 / 3 + 5.0 / 8 * 3.8 / 21)) < 1e-12)
    #expect(abs(c.survival(1, 59) - c.survival(1, 30)) < 1e-12)
  }

  /// I5 (C1) is 9 days old on 03-01, unpaid through day 8 (S = 1). u = 0.5: the first day
  /// with S ≤ 0.5 is day 12 (0.3964), 3 days on: 03-04, the day it was paid. u = 0.9: day 10
  /// (0.7893; day 9 is 0.9857), 1 day on. u = 0.3: day 14 (0.1810), 5 days on. u = 0.09 never
  /// falls that low (the floor is 0.0905); with a shock of 2 the target is 0.09^(1/2) = 0.3:
  /// 5 days on. I6 (C2) is 13 days old (S(12) = 0.6893): its median is where S ≤ 0.3446;
  /// day 14 is 0.5762, day 30 0.2881: 17 on.
  @Test func drawsGivenTheInvoicesAge() throws {
    let c = try Self.curves()
    #expect(c.draw(customer: 0, age: 9, u: 0.5) == 3)
    #expect(c.draw(customer: 0, age: 9, u: 0.9) == 1)
    #expect(c.draw(customer: 0, age: 9, u: 0.3) == 5)
    #expect(c.draw(customer: 0, age: 9, u: 0.09) == nil)
    #expect(c.draw(customer: 0, age: 9, u: 0.09, shock: 2) == 5)
    #expect(c.draw(customer: 1, age: 13, u: 0.5) == 17)
    // Older than the curve: never pays.
    #expect(c.draw(customer: 0, age: 60, u: 0.5) == nil)
  }

  /// The simulator pays each open invoice on the day its curve gives for the path's payment
  /// threshold (no shock, no bootstrap, no new invoices): I5 and I6 (400.00 each) on their
  /// drawn days; I7 (C2, 55 days old: S(54) = 0.3065, the floor) never.
  @Test func simulatorPaysOnTheDrawnDays() throws {
    let store = try PaperLedger.store(PaperLedger.files)
    let l = try store.loadLedger()
    var scenario = Scenario(
      name: "curves", start: PaperLedger.cutoff, horizonDays: 30, paths: 8, seed: 5,
      newInvoices: false, portfolioShock: false, policies: [PolicySpec(name: "observed")])
    scenario.delayCurves = true
    let run = try SimulationRun(
      scenario: scenario, ledger: l, links: store.loadInvoiceLinks(for: l))
    let curves = try #require(run.delayCurves)
    let book = run.portfolio
    #expect(book.openCount == 3)
    let result = run.run()
    let philox = Philox4x32(seed: 5)
    for p in 0..<8 {
      var expected = [Int64](repeating: 0, count: 30)
      for i in 0..<book.openCount {
        let w = philox.draw(path: p, invoice: i, day: 0, decision: .clocks)
        let u = Philox4x32.unit(w.0, w.1)
        let c = Int(book.invoiceCustomer[i])
        if let t = curves.draw(customer: c, age: -book.invoiceIssue[i], u: u), t < 30 {
          expected[Int(t)] += book.invoiceBalance[i]
        }
      }
      #expect(Array(result.cash[0][(p * 30)..<(p * 30 + 30)]) == expected)
    }
    // The invoice-level median is the curve's: I5 on day 3.
    let i5 = try #require(
      (0..<book.openCount).first {
        book.invoiceBalance[$0] == 40_000 && book.invoiceCustomer[$0] == 0
      })
    #expect(run.paymentQuantiles(i5, levels: [0.5]) == [3])
  }
}
