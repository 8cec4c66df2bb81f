import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// `arcadence forecast`: the invoice-level quantiles worked out on paper, the open-book and
/// future-billing split, the order of the weekly band, and determinism.
@Suite struct ForecastCommandTests {
  /// A tiny book of open invoices with given hazards (per ``AgingBucket``: not due,
  /// 0–7, 8–14, 15–30, 31–60, 61–90, 91+ days past due), each invoice's P10, median and P90
  /// worked out by hand from S(t) = Π_{d ≤ t} (1 − h_d), the first day S ≤ 1 − q.
  @Test func invoiceQuantilesMatchTheHandWorkedSurvival() {
    let levels = [0.1, 0.5, 0.9]
    // Due in 2 days, h = 0.1 before due, 0.2 on days 0–7 past due, 0.5 on 8–14.
    // S(0) = 0.9 → P10 = day 0; S(1) = 0.81, S(2) = 0.648, S(3) = 0.5184, S(4) = 0.41472
    // → median day 4; S(9) = 0.81 × 0.8^7 = 0.1359, S(10) = 0.0680 → P90 = day 10.
    let a = PaymentTiming.quantiles(levels, row: [0.1, 0.2, 0.5, 0, 0, 0, 0], due: 2)
    #expect(a == [0, 4, 10])
    // Due in 20 days, h = 0.05 before due: S(t) = 0.95^(t+1); 0.95^3 = 0.857 ≤ 0.9 → P10
    // day 2; 0.95^14 = 0.488 ≤ 0.5 → median day 13; S(19) = 0.3585, then × 0.8 a day from
    // the due day: S(24) = 0.3585 × 0.8^5 = 0.1175, S(25) = 0.0940 → P90 day 25.
    let b = PaymentTiming.quantiles(levels, row: [0.05, 0.2, 0.5, 0, 0, 0, 0], due: 20)
    #expect(b == [2, 13, 25])
    // The same invoice for a customer twice as fast (frailty 2): h = 0.1, then 0.4.
    // S(t) = 0.9^(t+1): P10 day 0, 0.9^7 = 0.478 → median day 6; S(19) = 0.1216,
    // S(20) = 0.0729 → P90 day 20.
    let c = PaymentTiming.quantiles(
      levels, row: [0.05, 0.2, 0.5, 0, 0, 0, 0], due: 20, multiplier: 2)
    #expect(c == [0, 6, 20])
    // Auto-pay paid on its due date at every level; a promise likely kept (0.7) on its day
    // for the levels not reached before it: S(2) = 0.857 ≤ 0.9 → P10 day 2, the rest day 3.
    #expect(
      PaymentTiming.quantiles(
        levels, row: [0, 0, 0, 0, 0, 0, 0], due: 5, autopay: true, autopayOnTime: 0.97)
        == [5, 5, 5])
    #expect(
      PaymentTiming.quantiles(
        levels, row: [0.05, 0, 0, 0, 0, 0, 0], due: 30, promiseDay: 3, pKept: 0.7) == [2, 3, 3])
    // A level never reached within three years is nil; the median is the ½ quantile.
    #expect(
      PaymentTiming.quantiles(levels, row: [0.1, 0, 0, 0, 0, 0, 0], due: 3) == [0, nil, nil])
    #expect(
      PaymentTiming.median(row: [0.05, 0.2, 0.5, 0, 0, 0, 0], due: 20)
        == PaymentTiming.quantiles([0.5], row: [0.05, 0.2, 0.5, 0, 0, 0, 0], due: 20)[0])
  }

  static func forecast(
    paths: Int = 40, seed: UInt64 = 3, threads: Int = 1, by: Forecast.Grouping? = nil
  ) throws -> Forecast {
    let (ledger, links) = try SampleData.get()
    return try Forecast.run(
      ledger: ledger, links: links,
      settings: Forecast.Settings(weeks: 4, paths: paths, seed: seed, threads: threads, by: by))
  }

  /// The paper ledger's last invoice is I8 on 2026-03-02: a start 90 days on (2026-05-31)
  /// needs no note, 91 days on (2026-06-01) gets one naming both days and the gap.
  @Test func aStartLongAfterTheLastInvoiceIsNoted() throws {
    let l = try PaperLedger.store(PaperLedger.files).loadLedger()
    #expect(Forecast.startNote(ledger: l, start: Day(iso: "2026-05-31")!) == nil)
    let note = try #require(Forecast.startNote(ledger: l, start: Day(iso: "2026-06-01")!))
    #expect(
      note.hasPrefix(
        "note: the forecast starts 2026-06-01, 91 days after the last invoice "
          + "(2026-03-02)"))
  }

  /// A stray payment dated 9999-12-31 makes that the store's last day: the default start
  /// (the day after) cannot hold a forecast, and the error says why and what to pass; a start
  /// inside the data still runs. A start whose 13 weeks and the runs' lookahead pass the
  /// calendar's end is refused naming the option.
  @Test func aStartPastTheCalendarSaysWhy() throws {
    var files = PaperLedger.files
    files["payments.csv"]! += "P10,C1,,9999-12-31,5,ach\n"
    let store = try PaperLedger.store(files)
    let l = try store.loadLedger()
    let links = try store.loadInvoiceLinks(for: l)
    func run(_ start: Day?) throws -> Forecast {
      try Forecast.run(
        ledger: l, links: links,
        settings: Forecast.Settings(start: start, weeks: 13, paths: 2, seed: 1, threads: 1))
    }
    #expect {
      try run(nil)
    } throws: {
      "\($0)".contains(
        "the store's last day is 9999-12-31 (its latest invoice, payment, adjustment or "
          + "activity), so a forecast from the day after would end after 9999-12-31: name a "
          + "start with --from")
    }
    #expect {
      try run(Day(iso: "9999-10-01")!)
    } throws: {
      "\($0)".contains(
        "--from: 9999-10-01 with --weeks 13 ends after 9999-12-31 (with the "
          + "\(PaymentRuns.lookahead) days the model simulates past the horizon)")
    }
    #expect(try run(Day(iso: "2026-03-01")!).series[0].weeks.count == 13)
    // `simulate` with no start in the file says the same of its default start.
    let scenario = try Scenario.parse("policies: [{name: a}]\n", file: "s.yaml")
    #expect {
      try SimulationRun(scenario: scenario, ledger: l, links: links, paths: 1)
    } throws: {
      "\($0)".contains(
        "s.yaml: start: the store's last day is 9999-12-31 (its latest invoice, payment, "
          + "adjustment or activity), so a simulation from the day after would end after "
          + "9999-12-31: set start: to a day in the data")
    }
  }

  /// A book too large to sum is refused before it runs, not trapped in the simulator's 64-bit
  /// sums (it exited 132): 1,300 customers each billed the largest amount an import takes,
  /// 100,000,000,000.00, on two days running. Over 104 weeks each customer gets 3 × 728 + 3 =
  /// 2,187 renewal slots: (2,600 + 1,300 × 2,187) × 10^13 cents is past 2^63, so the error says
  /// "more than"; over one week (3 × 7 + 3 = 24 slots: 2,600 + 31,200 invoices, 3.38 × 10^17
  /// cents) it runs.
  @Test func aBookTooLargeToSumIsRefused() throws {
    var customers =
      "customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,"
      + "autopay_cancelled_on\n"
    var invoices = "invoice_id,customer_id,issued_on,due_on,amount\n"
    for c in 0..<1_300 {
      customers += "C\(c),N\(c),a,R1,30,2025-12-01,,\n"
      invoices += "I\(c)a,C\(c),2026-01-01,2026-01-31,100000000000.00\n"
      invoices += "I\(c)b,C\(c),2026-01-02,2026-02-01,100000000000.00\n"
    }
    let store = try PaperLedger.store([
      "reps.csv": PaperLedger.files["reps.csv"]!, "customers.csv": customers,
      "invoices.csv": invoices,
    ])
    let l = try store.loadLedger()
    let links = try store.loadInvoiceLinks(for: l)
    func run(weeks: Int) throws -> Forecast {
      var settings = Forecast.Settings(weeks: weeks, paths: 2, seed: 1, threads: 1)
      settings.weeklyNoise = false
      return try Forecast.run(ledger: l, links: links, settings: settings)
    }
    #expect {
      try run(weeks: 104)
    } throws: {
      "\($0)".hasPrefix(
        "over 728 days this book could reach more than $92,233,720,368,547,758.07 (the open "
          + "balance plus each new invoice at its customer's largest amount), beyond what the "
          + "simulation can sum in whole cents ($23,058,430,092,136,939.51): shorten the horizon")
    }
    #expect(try run(weeks: 1).series[0].weeks.count == 1)
  }

  /// Groups are told apart: two reps both named Ann (R1 for C1, R2 for C2) get their ids, a
  /// segment literally named "all" (C1's) is renamed so it never reads as the whole book.
  @Test func groupsWithTheSameNameStayApart() throws {
    var files = PaperLedger.files
    files["reps.csv"] = "rep_id,name,team,active\nR1,Ann,A,true\nR2,Ann,B,true\n"
    files["customers.csv"] =
      "customer_id,name,segment,rep_id,payment_terms_days,created_on\n"
      + "C1,One,all,R1,30,2025-12-01\nC2,Two,a,R2,30,2025-12-01\n"
    let l = try PaperLedger.store(files).loadLedger()
    let reps = Forecast.groups(ledger: l, by: .rep)
    #expect(reps.names == ["all", "Ann (R1)", "Ann (R2)"])
    let segments = Forecast.groups(ledger: l, by: .segment)
    #expect(segments.names == ["all", "a", "all (segment)"])
    #expect(segments.customerGroup == [2, 1])
    // A third rep literally named "Ann (R1)" (C3's), and a segment "all (segment)" (C3's)
    // beside "all" (C1's): every group keeps its own line. The unassigned group keeps its
    // word; a segment literally "unassigned" (C4's) is shown with the grouping's name.
    files["reps.csv"]! += "R3,Ann (R1),C,true\n"
    files["customers.csv"]! +=
      "C3,Three,all (segment),R3,30,2025-12-01\nC4,Four,unassigned,R3,30,2025-12-01\n"
      + "C5,Five,,R3,30,2025-12-01\n"
    let more = try PaperLedger.store(files).loadLedger()
    #expect(
      Forecast.groups(ledger: more, by: .rep).names == [
        "all", "Ann (R1)", "Ann (R1) #2", "Ann (R2)",
      ])
    let s = Forecast.groups(ledger: more, by: .segment)
    #expect(
      s.names == [
        "all", "a", "all (segment)", "all (segment) #2", "unassigned", "unassigned (segment)",
      ])
    #expect(Set(s.customerGroup).count == 5)
  }

  /// Path by path, open book + future billing = the simulator's own total cash; and the
  /// groups add up to the whole book.
  @Test func openBookAndFutureBillingAddUpPerPath() throws {
    let f = try Self.forecast(by: .segment)
    #expect(f.pathTotal.count == 40)
    for p in f.pathTotal.indices {
      #expect(f.pathOpenBook[p] + f.pathFutureBilling[p] == f.pathTotal[p])
    }
    #expect(f.pathOpenBook.allSatisfy { $0 > 0 })
    #expect(f.pathFutureBilling.allSatisfy { $0 > 0 })
    #expect(f.series.count >= 3)
    #expect(f.series[0].group == "all")
    // Group medians need not add up, but the per-path sum of each week's P-levels' source
    // does: with one path the bands are the values themselves.
    let one = try Self.forecast(paths: 1, by: .segment)
    for w in 0..<4 {
      let sum = one.series.dropFirst().map { $0.weeks[w].total.p50 }.reduce(0, +)
      #expect(sum == one.series[0].weeks[w].total.p50)
    }
  }

  /// P5 ≤ P50 ≤ P95 for every week, part and group, and the open book pays off over time.
  @Test func weeklyBandsAreOrdered() throws {
    let f = try Self.forecast(by: .rep)
    for s in f.series {
      for w in s.weeks + [s.horizon] {
        for b in [w.openBook, w.futureBilling, w.total] {
          #expect(b.p5 <= b.p50)
          #expect(b.p50 <= b.p95)
        }
      }
    }
    #expect(f.actualWeeks.count == 8)
    #expect(f.invoices.count == f.openInvoices)
    for p in f.invoices {
      if let lo = p.p10, let m = p.median { #expect(lo <= m) }
      if let m = p.median, let hi = p.p90 { #expect(m <= hi) }
      #expect(p.balance > 0)
    }
  }

  /// The same seed gives the same bytes, at any thread count.
  @Test func sameSeedSameBytes() throws {
    let a = try Self.forecast(threads: 1)
    let b = try Self.forecast(threads: 2)
    #expect(a.json.rendered() == b.json.rendered())
    #expect(a.csv == b.csv)
    #expect(a.invoiceCSV == b.invoiceCSV)
    let c = try Self.forecast(seed: 4)
    #expect(a.csv != c.csv)
  }

  /// The forecast says which payment clock ran: the one its selection chose (curves only when
  /// their earlier error was lower), or the one the options fixed; the JSON carries both.
  @Test func theForecastNamesItsClock() throws {
    let (ledger, links) = try SampleData.get()
    var settings = Forecast.Settings(weeks: 2, paths: 4, seed: 3, threads: 1)
    let chosen = try Forecast.run(ledger: ledger, links: links, settings: settings)
    let selection = try #require(chosen.timingSelection)
    #expect(chosen.clock == (selection.curves ? "curves" : "hazard"))
    settings.selectTiming = false
    let fixed = try Forecast.run(ledger: ledger, links: links, settings: settings)
    #expect(fixed.clock == "hazard")
    #expect(fixed.timingSelection == nil)
    #expect(fixed.clockLine == "Payment clock: hazards by days past due (fixed by the options).")
    #expect(fixed.json.rendered().contains("\"clock_selection\": null"))
    settings.delayCurves = true
    settings.selectTiming = true  // --delay-curves asks for the curves outright
    let curves = try Forecast.run(ledger: ledger, links: links, settings: settings)
    #expect(curves.clock == "curves")
    #expect(curves.timingSelection == nil)
    // The sentence, by hand: 0.025 → 2.5 %, 0.017 → 1.7 %; curves lower, so curves chosen.
    var shown = fixed
    shown.clock = "curves"
    shown.timingSelection = TimingSelection(hazardError: 0.025, curvesError: 0.017)
    #expect(
      shown.clockLine
        == "Payment clock: delay curves, chosen on the store's earlier cutoffs (mean |error| "
        + "hazards 2.5%, curves 1.7%).")
  }

  /// `forecast` and `accuracy` run the same model with payment runs: both simulate
  /// ``PaymentRuns/lookahead`` days past their horizon and read only the horizon. On the
  /// sample (month-end payers at 2026-06-01), one path, seed 3: a 4-week forecast from
  /// 2026-06-01 and accuracy's 28-day evaluation at that cutoff give the same cash week by
  /// week (with one path the band's P50 is the path's value) and the same total.
  @Test func forecastAndAccuracyRunTheSameModelWithPaymentRuns() throws {
    let (ledger, links) = try SampleData.get()
    let cutoff = Day(iso: "2026-06-01")!
    #expect(!PaymentRuns.fit(ledger: ledger, until: cutoff - 1).isEmpty)
    var fs = Forecast.Settings(start: cutoff, weeks: 4, paths: 1, seed: 3, threads: 1)
    fs.paymentRuns = true
    let f = try Forecast.run(ledger: ledger, links: links, settings: fs)
    var settings = Accuracy.Settings(cutoffs: 1, horizons: [28], paths: 1, seed: 3, threads: 1)
    settings.paymentRuns = true
    let evaluations = try Accuracy.evaluate(
      ledger: ledger, links: links, cutoff: cutoff, settings: settings)
    let model = try #require(evaluations.first { $0.method == .model })
    #expect(model.weeks.count == 4)
    for w in 0..<4 {
      #expect(f.series[0].weeks[w].total.p50 == model.weeks[w].forecast)
    }
    #expect(Double(f.pathTotal[0]) == model.forecast)
    #expect(f.pathTotal[0] == f.pathOpenBook[0] + f.pathFutureBilling[0])
    #expect(f.series[0].horizon.total.p50 == model.forecast)
  }
}
