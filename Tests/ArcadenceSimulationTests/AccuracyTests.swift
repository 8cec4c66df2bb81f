import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// A ledger small enough to work the baselines out on paper: cutoff 2026-03-01, horizon 14
/// days (forecast window 03-01 … 03-14, previous window 02-15 … 02-28).
///
/// C1 (segment a) paid I1 in 10 days, I2 in 12, I3 in 14 and I9 in 12 before the cutoff:
/// its mean delay is 12 days. C2 (segment a) paid one invoice (I4, 30 days), fewer than 3,
/// so it takes segment a's mean: (10 + 12 + 14 + 12 + 30) ÷ 5 = 15.6, rounded to 16 days.
///
/// Open at the end of 02-28: I5 (C1, 400.00, issued 02-20), I6 (C2, 500.00 issued 02-16,
/// 100.00 paid 02-25, so 400.00 open) and I7 (C2, 50.00 issued 01-05, never paid).
/// After the cutoff: I5 paid 03-04, I6's 400.00 paid 03-10, I8 (C1, issued 03-02) 1,000.00
/// paid 03-10.
enum PaperLedger {
  static let cutoff = Day(iso: "2026-03-01")!

  static let files: [String: String] = [
    "reps.csv": """
    rep_id,name,team,active
    R1,Ann,A,true

    """,
    "customers.csv": """
    customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,autopay_cancelled_on
    C1,One,a,R1,30,2025-12-01,,
    C2,Two,a,R1,30,2025-12-01,,

    """,
    "invoices.csv": """
    invoice_id,customer_id,issued_on,due_on,amount
    I1,C1,2026-01-01,2026-01-31,100
    I2,C1,2026-01-15,2026-02-14,100
    I3,C1,2026-02-01,2026-03-03,200
    I4,C2,2026-01-10,2026-02-09,300
    I5,C1,2026-02-20,2026-03-22,400
    I6,C2,2026-02-16,2026-03-18,500
    I7,C2,2026-01-05,2026-02-04,50
    I8,C1,2026-03-02,2026-04-01,1000
    I9,C1,2026-02-15,2026-03-17,60

    """,
    "payments.csv": """
    payment_id,customer_id,invoice_id,received_on,amount,method
    P1,C1,I1,2026-01-11,100,ach
    P2,C1,I2,2026-01-27,100,ach
    P3,C1,I3,2026-02-15,200,ach
    P4,C2,I4,2026-02-09,300,ach
    P5,C2,I6,2026-02-25,100,ach
    P6,C1,I9,2026-02-27,60,ach
    P7,C1,I5,2026-03-04,400,ach
    P8,C2,I6,2026-03-10,400,ach
    P9,C1,I8,2026-03-10,1000,ach

    """,
  ]

  static func ledger() throws -> Ledger { try store(files).loadLedger() }

  /// Imports CSV files into a fresh temporary store.
  static func store(_ files: [String: String]) throws -> Store {
    let root = NSTemporaryDirectory() + "arcadence-accuracy-\(UUID().uuidString)"
    let dir = root + "/csv"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, text) in files {
      try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }
    let store = try Store(path: root + "/store.sqlite")
    _ = try Importer().run(directory: dir, into: store)
    return store
  }
}

@Suite struct AccuracyTests {
  /// Where the windows end. The paper ledger's invoices run to 03-02 and its payments to
  /// 03-10, the last event: nothing is cut. With I7's 50.00 paid on 06-01, the payments run to
  /// 06-01 while the invoices stop on 03-02; the invoices' longest silence in the 90 days
  /// before 03-02 is 17 days (01-15 → 02-01), so windows end by 03-19 (the payments' bound,
  /// 06-01 + 83 days of silence after 03-10, is later).
  @Test func windowsEndWhereAStreamStops() throws {
    let plain = Accuracy.DataEnd(ledger: try PaperLedger.ledger())
    #expect(plain.day == Day(iso: "2026-03-10")! && !plain.isCut && plain.note == nil)
    var files = PaperLedger.files
    files["payments.csv", default: ""] += "P10,C2,I7,2026-06-01,50,ach\n"
    let end = Accuracy.DataEnd(ledger: try PaperLedger.store(files).loadLedger())
    #expect(end.day == Day(iso: "2026-03-19")!)
    #expect(end.lastEvent == Day(iso: "2026-06-01")!)
    #expect(end.lastInvoice == Day(iso: "2026-03-02")!)
    #expect(end.lastPayment == Day(iso: "2026-06-01")!)
    #expect(end.isCut)
    let note = try #require(end.note)
    #expect(note.hasPrefix("Windows end by 2026-03-19: the invoices stop on 2026-03-02"))
    // A 120-day horizon fits no cutoff before 03-19; the error says where windows end.
    var settings = Accuracy.Settings(
      cutoffs: 12, every: .month, horizons: [120], paths: 4, seed: 1, threads: 1)
    settings.selectTiming = false
    let l = try PaperLedger.store(files).loadLedger()
    do {
      _ = try Accuracy.run(ledger: l, links: InvoiceLinks(), settings: settings)
      Issue.record("expected no cutoff to fit")
    } catch let e as ArcadenceError {
      #expect(
        e.message
          == "no cutoff fits: a cutoff needs 120 days of data before it and after it (data "
          + "from 2026-01-01 to 2026-06-01; windows end by 2026-03-19, where the invoices (to "
          + "2026-03-02) or the payments (to 2026-06-01) stop)")
    }
    // A silence running into the 90 days counts: invoices every 91 days (a quarterly
    // rhythm) are not cut at their last day.
    #expect(Accuracy.DataEnd.streamEnd([0, 91, 182])?.bound == 273)
    #expect(Accuracy.DataEnd.streamEnd([5])?.bound == 5)
    #expect(Accuracy.DataEnd.streamEnd([]) == nil)
  }

  @Test func customerDelaysFallBackToTheSegmentBelowThreePaidInvoices() throws {
    let l = try PaperLedger.ledger()
    let d = Baselines.customerDelays(l, before: PaperLedger.cutoff)
    #expect(d == [12, 15.6])
  }

  /// Baseline A: the previous window's cash, day by day: 200.00 on 02-15 (I3), 100.00 on
  /// 02-25 (I6), 60.00 on 02-27 (I9): weeks of 200.00 and 160.00.
  /// Baseline B: I7 (predicted 01-21, already past) on day 0: 50.00; I5 at 02-20 + 12 = 03-04
  /// (day 3): 400.00; I6 at 02-16 + 16 = 03-04 (day 3): 400.00; billing again the previous
  /// window's invoices 14 days later: I9 on 03-01, paid on 03-13 (day 12): 60.00; I5 again
  /// on 03-06 and I6 on 03-02 pay on 03-18, after the window. Weeks: 850.00 and 60.00.
  @Test func baselinesOnPaper() throws {
    let l = try PaperLedger.ledger()
    let a = Baselines.lastPeriod(l, cutoff: PaperLedger.cutoff, horizon: 14)
    var expectA = [Double](repeating: 0, count: 14)
    expectA[0] = 20_000
    expectA[10] = 10_000
    expectA[12] = 6_000
    #expect(a == expectA)
    let b = Baselines.customerAverage(l, cutoff: PaperLedger.cutoff, horizon: 14)
    var expectB = [Double](repeating: 0, count: 14)
    expectB[0] = 5_000
    expectB[3] = 80_000
    expectB[12] = 6_000
    #expect(b.daily == expectB)
    let day = { (iso: String) in Day(iso: iso)!.rawValue }
    // Ledger indices are in rowid order: I5 = 4, I6 = 5, I7 = 6.
    #expect(b.predicted == [4: day("2026-03-04"), 5: day("2026-03-04"), 6: day("2026-03-01")])
  }

  /// Actual: 400.00 on 03-04 and 1,400.00 on 03-10: 1,800.00; weeks 400.00 and 1,400.00.
  /// A: 360.00, error (360 − 1800) ÷ 1800 = −0.8; weekly APE |200 − 400| ÷ 400 = 0.5 and
  /// |160 − 1400| ÷ 1400 = 0.885714…, MAPE 0.692857….
  /// B: 910.00, error −890 ÷ 1800 = −0.494444…; weekly APE 450 ÷ 400 = 1.125 and 1340 ÷ 1400 =
  /// 0.957142…, MAPE 1.041071…. Invoices open at the cutoff and paid in the window: I5
  /// (paid 03-04, predicted 03-04: within ±3) and I6 (paid 03-10, predicted 03-04: 6 days,
  /// within ±7 only); I7 is never paid.
  @Test func measuresOnPaper() throws {
    let store = try PaperLedger.store(PaperLedger.files)
    let l = try store.loadLedger()
    let settings = Accuracy.Settings(horizons: [14], paths: 4)
    let es = try Accuracy.evaluate(
      ledger: l, links: store.loadInvoiceLinks(for: l), cutoff: PaperLedger.cutoff,
      settings: settings)
    #expect(es.map(\.method) == [.model, .lastPeriod, .customerAverage])
    let a = es[1]
    let b = es[2]
    #expect(a.actual == 180_000 && b.actual == 180_000)
    #expect(a.weeks.map(\.actual) == [40_000, 140_000])
    #expect(a.forecast == 36_000)
    #expect(abs(a.error! - -0.8) < 1e-12)
    #expect(abs(a.weeklyMAPE! - (0.5 + 1240.0 / 1400) / 2) < 1e-12)
    #expect(a.invoicesPaid == nil)
    #expect(b.forecast == 91_000)
    #expect(abs(b.error! - -890.0 / 1800) < 1e-12)
    #expect(abs(b.weeklyMAPE! - (1.125 + 1340.0 / 1400) / 2) < 1e-12)
    #expect(b.invoicesPaid == 2 && b.within3 == 1 && b.within7 == 2)
    #expect(b.band == nil && b.totalCovered == nil)
    let acc = Accuracy(settings: settings, cutoffs: [PaperLedger.cutoff], evaluations: es)
    let rowB = acc.rows[2]
    #expect(rowB.method == .customerAverage && rowB.cutoffs == 1)
    #expect(abs(rowB.meanAbsoluteError! - 890.0 / 1800) < 1e-12)
    #expect(rowB.within3 == 0.5 && rowB.within7 == 1 && rowB.weeklyCoverage == nil)
    // The model predicts a date for every invoice open at the cutoff, and gives bands.
    #expect(es[0].invoicesPaid == 2 && es[0].band != nil && es[0].weeks.count == 2)
  }

  /// The split by source. Actual: the open book (invoices issued before 03-01) brought I5's
  /// 400.00 and I6's 400.00 = 800.00; future billing I8's 1,000.00. B's open book: I7's 50.00,
  /// I5's 400.00 and I6's 400.00 = 850.00; its future billing I9 again, 60.00. So B's open book
  /// error is (850 − 800) ÷ 1800 = +0.027777…, its future billing's (60 − 1000) ÷ 1800 =
  /// −0.522222…; together −890 ÷ 1800, its total error. A has no split.
  @Test func errorSplitByOpenBookAndFutureBilling() throws {
    let store = try PaperLedger.store(PaperLedger.files)
    let l = try store.loadLedger()
    let open = Actuals.dailyCash(
      l, from: PaperLedger.cutoff, days: 14, issuedBefore: PaperLedger.cutoff)
    #expect(open.reduce(0, +) == 80_000 && open[3] == 40_000 && open[9] == 40_000)
    let settings = Accuracy.Settings(horizons: [14], paths: 4)
    let es = try Accuracy.evaluate(
      ledger: l, links: store.loadInvoiceLinks(for: l), cutoff: PaperLedger.cutoff,
      settings: settings)
    let b = es[2]
    #expect(b.actualOpenBook == 80_000 && b.forecastOpenBook == 85_000)
    #expect(abs(b.openBookError! - 50.0 / 1800) < 1e-12)
    #expect(abs(b.futureBillingError! - -940.0 / 1800) < 1e-12)
    #expect(es[1].openBookError == nil && es[1].actualOpenBook == 80_000)
    // The model's two parts add up to its total.
    let m = es[0]
    #expect(abs(m.openBookError! + m.futureBillingError! - m.error!) < 1e-12)
    let acc = Accuracy(settings: settings, cutoffs: [PaperLedger.cutoff], evaluations: es)
    #expect(acc.rows[2].actualOpenBookShare == 800.0 / 1800)
    #expect(acc.rows[1].openBookError == nil)
  }

  /// A hazard of ½ on every day: the survival falls to ½ on day 0. A hazard of 0.1 before
  /// the due date (day 10) and 0 after: 0.9^(t+1) ≤ ½ first at t = 6. Auto-pay and kept
  /// promises win when they are more likely than not.
  @Test func analyticMedian() {
    #expect(PaymentTiming.median(row: [Double](repeating: 0.5, count: 7), due: 3) == 0)
    #expect(PaymentTiming.median(row: [0.1, 0, 0, 0, 0, 0, 0], due: 10) == 6)
    #expect(PaymentTiming.median(row: [0.1, 0, 0, 0, 0, 0, 0], due: 3) == nil)
    #expect(
      PaymentTiming.median(row: [0, 0, 0, 0, 0, 0, 0], due: 9, autopay: true, autopayOnTime: 0.97)
        == 9)
    #expect(
      PaymentTiming.median(row: [0, 0, 0, 0, 0, 0, 0], due: 9, promiseDay: 4, pKept: 0.7) == 4)
  }

  /// Cutoffs: the latest month starts with the longest horizon of data before and after.
  @Test func cutoffSelection() {
    let first = Day(iso: "2025-05-01")!
    let last = Day(iso: "2026-10-31")!
    let days = Accuracy.cutoffs(first: first, last: last, settings: .init(cutoffs: 3))
    #expect(days.map(\.description) == ["2026-06-01", "2026-07-01", "2026-08-01"])
    let q = Accuracy.cutoffs(
      first: first, last: last, settings: .init(cutoffs: 12, every: .quarter))
    #expect(q.map(\.description) == ["2025-10-01", "2026-01-01", "2026-04-01", "2026-07-01"])
  }

  /// No leakage: a store from which every row dated on or after the cutoff is removed (and
  /// every later closing or completion date blanked) gives the same forecasts, bands and
  /// predicted dates as the full store.
  @Test func forecastsUseOnlyDataBeforeTheCutoff() throws {
    let cutoff = Day(iso: "2026-06-01")!
    let full = try SampleData.get()
    let cut = try PaperLedger.store(SampleTruncation.files(before: "2026-06-01"))
    let cutLedger = try cut.loadLedger()
    let settings = Accuracy.Settings(horizons: [28], paths: 8, threads: 2)
    let x = try Accuracy.evaluate(
      ledger: full.ledger, links: full.links, cutoff: cutoff, settings: settings)
    let y = try Accuracy.evaluate(
      ledger: cutLedger, links: cut.loadInvoiceLinks(for: cutLedger), cutoff: cutoff,
      settings: settings)
    #expect(x.map(\.forecast) == y.map(\.forecast))
    #expect(x.map(\.band) == y.map(\.band))
    #expect(x.map { $0.weeks.map(\.forecast) } == y.map { $0.weeks.map(\.forecast) })
    #expect(x.map { $0.weeks.map(\.band) } == y.map { $0.weeks.map(\.band) })
    // The weekly band's noise is measured on earlier windows only (``WeeklyNoise``).
    #expect(x[0].weeklyNoise != nil && x[0].weeklyNoise == y[0].weeklyNoise)
    #expect(x[0].actual > 0 && y[0].actual == 0)
  }
}

/// The sample's CSV files without what happened on or after a day.
enum SampleTruncation {
  static func files(before cutoff: String) throws -> [String: String] {
    func read(_ name: String) throws -> [[String]] {
      let r = try CSVReader(path: SampleData.root + "/Data/sample/" + name)
      var rows: [[String]] = []
      while let rec = try r.next() { rows.append(rec.fields) }
      return rows
    }
    func late(_ v: String) -> Bool { !v.isEmpty && String(v.prefix(10)) >= cutoff }
    var out: [String: String] = [:]
    var dropped = Set<String>()
    // (file, column of the row's own date, columns blanked when late, invoice column)
    let plan: [(String, Int?, [Int], Int?)] = [
      ("reps.csv", nil, [], nil), ("customers.csv", nil, [], nil),
      ("invoices.csv", 2, [], nil), ("payments.csv", 3, [], 2), ("adjustments.csv", 2, [], 1),
      ("activities.csv", 4, [], 2), ("promises.csv", 4, [], 2), ("cases.csv", 4, [5], 2),
      ("tasks.csv", 5, [6], 3),
    ]
    for (name, dateColumn, blanked, invoiceColumn) in plan {
      let rows = try read(name)
      var kept = [rows[0]]
      for var row in rows.dropFirst() {
        if let k = dateColumn, late(row[k]) {
          if name == "invoices.csv" { dropped.insert(row[0]) }
          continue
        }
        if let k = invoiceColumn, dropped.contains(row[k]) { continue }
        for k in blanked where late(row[k]) { row[k] = "" }
        kept.append(row)
      }
      out[name] = kept.map { CSVWriter.line($0) }.joined()
    }
    return out
  }
}
