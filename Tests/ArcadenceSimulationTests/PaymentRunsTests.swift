import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// Payment-run habits and where a run customer's payment lands, worked out by hand.
@Suite struct PaymentRunsTests {
  /// 10 payment days, all Fridays, base 0.2: P(X ≥ 10) = 0.2¹⁰ = 1.0e-7 ≤ 1e-4;
  /// π = (1 − 0.2) ÷ 0.8 = 1, shrunk by 10 ÷ 15: 2/3. With 3 Fridays of 10: P(X ≥ 3) = 0.32,
  /// no habit. 12 days, 6 on a month's last weekday (base 0.05): P(X ≥ 6) = 924 · 0.05⁶ ·
  /// 0.95⁶ + 792 · 0.05⁷ · 0.95⁵ + … = 1.11e-5; π = (0.5 − 0.05) ÷ 0.95 = 0.47368, × 12/17 =
  /// 0.33437; its 3 Fridays of 12 (P = 0.44) do not count.
  @Test func habitByHand() {
    #expect(abs(PaymentRuns.upperTail(10, of: 10, 0.2) - 1.024e-7) < 1e-15)
    #expect(abs(PaymentRuns.upperTail(2, of: 3, 0.1) - (3 * 0.01 * 0.9 + 0.001)) < 1e-15)
    #expect(PaymentRuns.upperTail(0, of: 3, 0.1) == 1)
    let friday = PaymentRuns.habit(
      days: 10, fridays: 10, monthEnds: 0, fridayBase: 0.2, monthEndBase: 0.05)
    #expect(friday.run == .friday)
    #expect(abs(friday.share - 2.0 / 3) < 1e-12)
    #expect(
      PaymentRuns.habit(days: 10, fridays: 3, monthEnds: 0, fridayBase: 0.2, monthEndBase: 0.05)
        == .none)
    let monthEnd = PaymentRuns.habit(
      days: 12, fridays: 3, monthEnds: 6, fridayBase: 0.2, monthEndBase: 0.05)
    #expect(monthEnd.run == .monthEnd)
    #expect(abs(monthEnd.share - 0.45 / 0.95 * 12 / 17) < 1e-12)
    #expect(
      PaymentRuns.habit(days: 0, fridays: 0, monthEnds: 0, fridayBase: 0.2, monthEndBase: 0.05)
        == .none)
  }

  /// Payments 2025-11-28 … 2026-02-27, data up to 02-28, none on a weekend: base b_F = 1/5;
  /// the span 11-28 … 02-28 has 66 weekdays (1 in November, 23 in December, 22 in January,
  /// 20 in February), four of them the month's last (11-28, 12-31, 01-30, 02-27): b_M = 2/33.
  /// C0 pays on 6 Fridays (01-02, 09, 16, 23, 02-06, 13; twice on 02-13, one day): P = 0.2⁶ =
  /// 6.4e-5, π = 1 × 6/11. C1 pays on 6 other weekdays: no habit. C2 pays on the four month
  /// ends: P = (2/33)⁴ = 1.3e-5, π = 1 × 4/9; three are Fridays, P(X ≥ 3 of 4) = 0.027: month
  /// end.
  @Test func fitReadsTheStoresPaymentDays() {
    var l = Ledger()
    l.customerIds = ["C0", "C1", "C2"]
    let days: [(Int32, String)] = [
      (0, "2026-01-02"), (0, "2026-01-09"), (0, "2026-01-16"), (0, "2026-01-23"),
      (0, "2026-02-06"), (0, "2026-02-13"), (0, "2026-02-13"),
      (1, "2026-01-05"), (1, "2026-01-13"), (1, "2026-01-21"), (1, "2026-02-05"),
      (1, "2026-02-09"), (1, "2026-02-17"),
      (2, "2025-11-28"), (2, "2025-12-31"), (2, "2026-01-30"), (2, "2026-02-27"),
      // After the last day of data: not read.
      (1, "2026-03-06"), (1, "2026-03-13"), (1, "2026-03-20"),
    ]
    for (c, d) in days {
      l.paymentCustomer.append(c)
      l.paymentReceived.append(Day(iso: d)!.rawValue)
    }
    let runs = PaymentRuns.fit(ledger: l, until: Day(iso: "2026-02-28")!)
    #expect(runs.habits[0].run == .friday)
    #expect(abs(runs.habits[0].share - 6.0 / 11) < 1e-12)
    #expect(runs.habits[1] == .none)
    #expect(runs.habits[2].run == .monthEnd)
    #expect(abs(runs.habits[2].share - 4.0 / 9) < 1e-12)
  }

  /// Start 2026-01-01 (a Thursday), 40 days. A Friday payer paid on day 5 (Tue 01-06) sits
  /// between Fridays day 1 (01-02) and day 8 (01-09): to day 1 with probability 3/7 (v ≥
  /// 4/7), else day 8, so the mean stays 1 · 3/7 + 8 · 4/7 = 5. Day 0's previous Friday
  /// (12-26) is before the start: the invoice, still open, waits for the next run, day 1. An
  /// invoice issued on day 3 cannot pay on day 1: it waits for day 8. A month-end payer:
  /// January's last weekday is Fri 01-30 (day 29), February's Fri 02-27 (day 57, after the
  /// horizon). Day 10: the previous run (Wed 12-31) is before the start: it waits for 29.
  /// Day 30 (Sat 01-31): to 29 with probability 27/28 (v ≥ 1/28), else 57: out of the
  /// horizon. No habit, or u ≥ π: the day itself.
  @Test func calendarMovesToTheRunDayKeepingTheMean() {
    let runs = PaymentRuns(habits: [
      .init(run: .friday, share: 0.5), .init(run: .monthEnd, share: 1), .none,
    ])
    let cal = runs.calendar(start: Day(iso: "2026-01-01")!, horizon: 40)
    #expect(cal.day(customer: 0, paidOn: 5, issued: -10, u: 0.1, v: 0.5) == 8)
    #expect(cal.day(customer: 0, paidOn: 5, issued: -10, u: 0.1, v: 0.6) == 1)
    #expect(cal.day(customer: 0, paidOn: 5, issued: 3, u: 0.1, v: 0.6) == 8)
    #expect(cal.day(customer: 0, paidOn: 5, issued: 3, u: 0.6, v: 0.6) == 5)
    #expect(cal.day(customer: 0, paidOn: 0, issued: -10, u: 0.1, v: 0.9) == 1)
    #expect(cal.day(customer: 0, paidOn: 8, issued: -10, u: 0.1, v: 0.9) == 8)
    #expect(cal.day(customer: 0, paidOn: 5, issued: -10, u: 0.5, v: 0.6) == 5)
    #expect(cal.day(customer: 1, paidOn: 10, issued: -10, u: 0.9, v: 0.9) == 29)
    #expect(cal.day(customer: 1, paidOn: 30, issued: -10, u: 0.9, v: 0.5) == 29)
    #expect(cal.day(customer: 1, paidOn: 30, issued: -10, u: 0.9, v: 0.01) == 57)
    #expect(cal.day(customer: 2, paidOn: 5, issued: -10, u: 0, v: 0) == 5)
    // The mean over v of a Friday payer's day 5 is 5: v below 4/7 gives 8, above gives 1.
    let n = 7000
    let mean =
      (0..<n).map {
        Double(cal.day(customer: 0, paidOn: 5, issued: -10, u: 0, v: (Double($0) + 0.5) / 7000))
      }.reduce(0, +) / Double(n)
    #expect(abs(mean - 5) < 1e-9)
  }

  /// The expected release day is the clock's day wherever the run before it is open:
  /// start 2026-01-01 (a Thursday), 40 days, a Friday payer and a month-end payer with π =
  /// 0.6. Worked by hand for the Friday payer's day 5 (Tue 01-06, issued before the start):
  /// Fridays day 1 and day 8, so 5 stays with 0.4, goes to 1 with 0.6 · 3/7 = 0.257142… and
  /// to 8 with 0.6 · 4/7 = 0.342857…: mean 2 + 0.257142… + 2.742857… = 5. Day 0 (the run
  /// before it, 12-26, is before the start): stays with 0.4, waits for day 1 with 0.6. An
  /// invoice issued on day 3 paid on day 5 (its run before, day 1, precedes the issue): 5 with
  /// 0.4, 8 with 0.6. The month-end payer's day 10: the run before, Wed 12-31, is before the
  /// start: 10 with 0.4, Fri 01-30 (day 29) with 0.6. Then every day of the horizon, every
  /// issue day up to it, against run days found by walking the calendar (not the
  /// calendar's table): the probabilities add up to 1, no day precedes the issue or the
  /// start, and the mean is the day itself when the run before it is open, else
  /// 0.4 d + 0.6 r₁.
  @Test func releaseKeepsTheExpectedDay() {
    let runs = PaymentRuns(habits: [
      .init(run: .friday, share: 0.6), .init(run: .monthEnd, share: 0.6), .none,
    ])
    let cal = runs.calendar(start: Day(iso: "2026-01-01")!, horizon: 40)
    func mean(_ o: [(day: Int32, p: Double)]) -> Double {
      o.map { Double($0.day) * $0.p }.reduce(0, +)
    }
    let five = cal.outcomes(customer: 0, paidOn: 5, issued: -10)
    #expect(five.map(\.day) == [5, 1, 8])
    let expected: [Double] = [0.4, 0.6 * 3.0 / 7.0, 0.6 * 4.0 / 7.0]
    for (got, want) in zip(five.map(\.p), expected) {
      #expect(abs(got - want) < 1e-12)
    }
    #expect(abs(mean(five) - 5) < 1e-12)
    func same(_ o: [(day: Int32, p: Double)], _ want: [(Int32, Double)]) -> Bool {
      o.count == want.count
        && zip(o, want).allSatisfy { $0.day == $1.0 && abs($0.p - $1.1) < 1e-12 }
    }
    #expect(same(cal.outcomes(customer: 0, paidOn: 0, issued: -10), [(0, 0.4), (1, 0.6)]))
    #expect(same(cal.outcomes(customer: 0, paidOn: 5, issued: 3), [(5, 0.4), (8, 0.6)]))
    #expect(same(cal.outcomes(customer: 1, paidOn: 10, issued: -10), [(10, 0.4), (29, 0.6)]))
    let start = Day(iso: "2026-01-01")!
    func isRun(_ c: Int, _ d: Int32) -> Bool {
      let day = start + Int(d)
      return c == 0 ? day.weekdayFromMonday == 4 : day == day.lastWeekdayOfMonth
    }
    for c in 0..<3 {
      for d in Int32(0)..<40 {
        for issued in [Int32(-40), -3, 0, d / 2, d] {
          let o = cal.outcomes(customer: c, paidOn: d, issued: issued)
          #expect(abs(o.map(\.p).reduce(0, +) - 1) < 1e-12)
          #expect(o.allSatisfy { $0.day >= max(0, issued) })
          var want = Double(d)
          if c < 2, !isRun(c, d) {
            var before = d - 1
            while !isRun(c, before) { before -= 1 }
            var next = d + 1
            while !isRun(c, next) { next += 1 }
            if before < max(0, issued) { want = 0.4 * Double(d) + 0.6 * Double(next) }
          }
          #expect(abs(mean(o) - want) < 1e-9, "customer \(c), day \(d), issued \(issued)")
        }
      }
    }
  }

  /// ``PaperLedger`` from its cutoff over 30 days, 8 paths, seed 5, paid by delay curves,
  /// no new invoices and no shock: the run both paper tests below put a calendar on.
  static func curvesRun() throws -> SimulationRun {
    let store = try PaperLedger.store(PaperLedger.files)
    let l = try store.loadLedger()
    var scenario = Scenario(
      name: "runs", start: PaperLedger.cutoff, horizonDays: 30, paths: 8, seed: 5,
      newInvoices: false, portfolioShock: false, policies: [PolicySpec(name: "observed")])
    scenario.delayCurves = true
    return try SimulationRun(
      scenario: scenario, ledger: l, links: store.loadInvoiceLinks(for: l))
  }

  /// The engine releases a run customer's cash on its run days: the delay-curve run of
  /// ``DelayCurvesTests`` (start 03-01, a Sunday; Fridays on days 5, 12, 19, 26) with
  /// customer C1 paying on Fridays (π = 1) and C2 without a habit. Each path's cash is the
  /// curves' days moved by the calendar with the path's draws; C1's cash lands on Fridays,
  /// except before the first one, where it stays on the clock's day.
  @Test func simulatorReleasesCashOnRunDays() throws {
    var run = try Self.curvesRun()
    run.paymentRuns = PaymentRuns(habits: [.init(run: .friday, share: 1), .none])
    let cal = try #require(run.simulator.paymentRuns)
    let curves = try #require(run.delayCurves)
    let book = run.portfolio
    let result = run.run()
    let philox = Philox4x32(seed: 5)
    var fridayCash: Int64 = 0
    for p in 0..<8 {
      var expected = [Int64](repeating: 0, count: 30)
      for i in 0..<book.openCount {
        let w = philox.draw(path: p, invoice: i, day: 0, decision: .clocks)
        let c = Int(book.invoiceCustomer[i])
        guard
          let t = curves.draw(
            customer: c, age: -book.invoiceIssue[i], u: Philox4x32.unit(w.0, w.1)), t < 30
        else { continue }
        let r = philox.draw(path: p, invoice: i, day: t, decision: .paymentRun)
        let at = cal.day(
          customer: c, paidOn: t, issued: book.invoiceIssue[i], u: Philox4x32.unit(r.0),
          v: Philox4x32.unit(r.1))
        if c == 0 {
          // Before the first Friday (day 5) the run before it (02-27) is closed: the clock's day.
          #expect([5, 12, 19, 26, 33].contains(at) || (t < 5 && at == t))
          if at < 30 { fridayCash += book.invoiceBalance[i] }
        } else {
          #expect(at == t)
        }
        if at < 30 { expected[Int(at)] += book.invoiceBalance[i] }
      }
      #expect(Array(result.cash[0][(p * 30)..<(p * 30 + 30)]) == expected)
    }
    #expect(fridayCash > 0)
  }

  /// A run customer's predicted dates are the quantiles of its released day. On
  /// ``PaperLedger`` by delay curves (``DelayCurvesTests``): I6 (C2, 13 days old on 03-01,
  /// S(12) = 0.732142…) pays 1 day on (age 14, S = 3/8 + 5/8 · 8/21 = 0.613095…) with
  /// probability 0.1626, 17 days on (age 30, S = 0.306547…) with 0.4187, else never: the
  /// clock's P10 is day 1, its median day 17. Of the 40 equally likely clock days (levels
  /// 0.0125, 0.0375, …), 7 are day 1 (0.175), 16 day 17 (levels up to 0.5625: 0.4), 17 never.
  /// C2 paying on Fridays (π = 1): day 1 (Mon 03-02) waits for Friday 03-06, day 5 (the
  /// Friday before, 02-27, is before the start); day 17 (Wed 03-18) lies between the Fridays
  /// day 12 and day 19: 19 with 5/7, 12 with 2/7. Cumulative: day 5 0.175, day 12 0.289,
  /// day 19 0.575. P10 day 5, median day 19 (Friday 03-20), P90 never.
  @Test func predictedDatesLandOnRunDays() throws {
    var run = try Self.curvesRun()
    let book = run.portfolio
    let i6 = try #require(
      (0..<book.openCount).first { book.invoiceIssue[$0] == -13 && book.invoiceCustomer[$0] == 1 })
    let levels = [0.1, 0.5, 0.9]
    #expect(run.paymentQuantiles(i6, levels: levels) == [1, 17, nil])
    #expect(run.paymentRunCalendar == nil)
    run.paymentRuns = PaymentRuns(habits: [.none, .init(run: .friday, share: 1)])
    let cal = try #require(run.paymentRunCalendar)
    #expect(run.paymentQuantiles(i6, levels: levels, runs: cal) == [5, 19, nil])
    // A customer without a habit keeps the clock's quantiles exactly.
    run.paymentRuns = PaymentRuns(habits: [.init(run: .friday, share: 1), .none])
    let other = try #require(run.paymentRunCalendar)
    #expect(run.paymentQuantiles(i6, levels: levels, runs: other) == [1, 17, nil])
  }
}
