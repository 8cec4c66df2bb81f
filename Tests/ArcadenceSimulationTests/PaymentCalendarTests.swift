import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

@Suite struct PaymentCalendarTests {
  @Test func theLastWeekdayOfAMonth() {
    let day = { (iso: String) in Day(iso: iso)! }
    #expect(PaymentCalendar.isLastWeekdayOfMonth(day("2026-03-31")))  // a Tuesday
    #expect(!PaymentCalendar.isLastWeekdayOfMonth(day("2026-03-30")))
    // February 2026 ends on a Saturday: Friday the 27th is its last weekday.
    #expect(PaymentCalendar.isLastWeekdayOfMonth(day("2026-02-27")))
    #expect(!PaymentCalendar.isLastWeekdayOfMonth(day("2026-02-28")))
    // May 2026 ends on a Sunday: Friday the 29th.
    #expect(PaymentCalendar.isLastWeekdayOfMonth(day("2026-05-29")))
    #expect(!PaymentCalendar.isLastWeekdayOfMonth(day("2026-05-28")))
  }

  /// PaperLedger's cash before 2026-03-01, in the 364 days from 2025-03-02: Sunday 01-11
  /// 100.00, Tuesday 01-27 100.00, Monday 02-09 300.00, Sunday 02-15 200.00, Wednesday 02-25
  /// 100.00, and Friday 02-27 60.00, the month's last weekday (February 28 is a Saturday).
  /// The other 352 days hold 800.00: a mean m = 800 ÷ 352 = 25/11 a day. Mondays that are
  /// not a month end: 50 of them, 300.00, so (300 + 4m) ÷ ((50 + 4) m) = 3400 ÷ 1350 =
  /// 2.5185…; Fridays: 46, nothing: 4m ÷ 50m = 0.08. The 12 month ends fall on 2 Mondays, a
  /// Tuesday, 2 Wednesdays, a Thursday and 6 Fridays; they hold 60.00 against m × (2 × 2.5185
  /// + 0.8727 + 2 × 0.8889 + 0.0727 + 6 × 0.08) = 18.73 expected: (60 + 4m) ÷ (18.73 + 4m) =
  /// 2.48.
  @Test func factorsOnPaper() throws {
    let c = PaymentCalendar.fit(try PaperLedger.ledger(), before: PaperLedger.cutoff)
    #expect(abs(c.weekday[0] - 3400.0 / 1350) < 1e-12)
    #expect(abs(c.weekday[4] - 0.08) < 1e-12)
    #expect(abs(c.monthEnd - 2.4836) < 1e-4)
  }

  /// A flat week from Monday 2026-03-02 with Monday × 2 and no weekend cash: 20, 10, 10, 10,
  /// 10, 0, 0 (60), rescaled to the 70 it held: 23.33…, 11.67… × 4, 0, 0.
  @Test func applyingMovesCashAndKeepsTheTotal() {
    let c = PaymentCalendar(weekday: [2, 1, 1, 1, 1, 0, 0], monthEnd: 3)
    var daily = [Double](repeating: 10, count: 7)
    c.apply(&daily, start: Day(iso: "2026-03-02")!)
    #expect(abs(daily[0] - 70.0 / 3) < 1e-9)
    #expect(abs(daily[1] - 35.0 / 3) < 1e-9)
    #expect(daily[5] == 0 && daily[6] == 0)
    #expect(abs(daily.reduce(0, +) - 70) < 1e-9)
    // Monday 03-30 to Sunday 04-05 with only the month end × 3: March's two days (10, 10)
    // become 10 × 20/40 and 30 × 20/40; Tuesday the 31st is March's last weekday, April's
    // days have no month end in the horizon and stay.
    let end = PaymentCalendar(weekday: [1, 1, 1, 1, 1, 1, 1], monthEnd: 3)
    var month = [Double](repeating: 10, count: 7)
    end.apply(&month, start: Day(iso: "2026-03-30")!)
    #expect(month == [5, 15, 10, 10, 10, 10, 10])
    var flat = [Double](repeating: 10, count: 7)
    PaymentCalendar.flat.apply(&flat, start: Day(iso: "2026-03-02")!)
    #expect(flat == [Double](repeating: 10, count: 7))
  }
}
