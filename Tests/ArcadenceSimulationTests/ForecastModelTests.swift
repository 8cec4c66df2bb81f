import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// The model changes of issue 15, each on a ledger small enough to check on paper.
@Suite struct ForecastModelTests {
  static let reps = """
    rep_id,name,team,active
    R1,Ann,A,true
    R2,Bo,A,true

    """
  static let customers = """
    customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,autopay_cancelled_on
    C1,One,a,R1,30,2025-12-01,,

    """

  /// The calibration of `store` with data up to 2026-03-31, as the tests here fit it.
  static func calibration(_ store: Store) throws -> Calibration {
    let l = try store.loadLedger()
    return Calibration.fit(
      ledger: l, links: try store.loadInvoiceLinks(for: l), until: Day(iso: "2026-03-31")!)
  }

  /// Forty invoices of C1, one a day from 2026-01-01, each due 30 days after issue and paid
  /// in full `paidAfter` days after issue.
  static func fortyInvoices(paidAfter days: Int) throws -> Store {
    var invoices = "invoice_id,customer_id,issued_on,due_on,amount\n"
    var payments = "payment_id,customer_id,invoice_id,received_on,amount,method\n"
    let first = Day(iso: "2026-01-01")!
    for k in 0..<40 {
      let issued = first + k
      invoices += "I\(k),C1,\(issued),\(issued + 30),100\n"
      payments += "P\(k),C1,I\(k),\(issued + days),100,ach\n"
    }
    return try PaperLedger.store([
      "reps.csv": reps, "customers.csv": customers, "invoices.csv": invoices,
      "payments.csv": payments,
    ])
  }

  /// C1 billed 100.00 on 01-01, 01-11, 01-21 and 03-02 (gaps 10, 10, 40; mean 20).
  static func meanGapStore() throws -> Store {
    try PaperLedger.store([
      "reps.csv": reps, "customers.csv": customers,
      "invoices.csv": """
      invoice_id,customer_id,issued_on,due_on,amount
      I1,C1,2026-01-01,2026-01-31,100
      I2,C1,2026-01-11,2026-02-10,100
      I3,C1,2026-01-21,2026-02-20,100
      I4,C1,2026-03-02,2026-04-01,100

      """,
    ])
  }

  /// Billing is a renewal process billed at its exposure's rate: invoices ÷ days counted, not
  /// the mean of the gaps between the first and last invoice (which leaves out the two ends;
  /// it still judges whether the customer is billed). C1 (created 2025-12-01, before the
  /// ledger's first invoice) was billed on 01-01, 01-11, 01-21 and 03-02 (gaps 10, 10, 40:
  /// mean 20, median 10). Counted from 01-01 to 03-02 its exposure is 31 + 28 + 2 = 61 days
  /// for 4 invoices: a gap of 15.25, 15 whole days. From
  /// 03-03 (offset 0; the last invoice is at −1) over 40 days the fixed schedule bills at −1 +
  /// 15 = 14 and 29; renewal billing keeps the gaps' shape at that rate: 10, 10, 40 × 15 · 3 ÷
  /// 60 = 7.5, 7.5, 30, in whole days 8, 8, 30.
  @Test func billingFollowsTheExposure() throws {
    let store = try Self.meanGapStore()
    let l = try store.loadLedger()
    let start = Day(iso: "2026-03-03")!
    let cadence = BillingCadence.fit(ledger: l, until: start - 1)
    #expect(cadence.gap == [20] && cadence.exposureGap == [15])
    let days = l.invoiceIssued.sorted()
    #expect(
      BillingResumption.renewal(days: days, billing: cadence, customer: 0, start: start.rawValue)
        .gaps == [8, 8, 30])
    let book = Portfolio(
      ledger: l, links: try store.loadInvoiceLinks(for: l), segments: ["a"], start: start,
      horizon: 40, newInvoices: true)
    #expect(Array(book.invoiceIssue[book.openCount...]) == [14, 29])
  }

  /// Where a customer's billing is counted from: the ledger's first invoice (day 0) or its
  /// creation, whichever is later, but never after its own first invoice. C0 (created before
  /// day 0) billed on 0, 10, 20, 60; C1 created on 35, billed on 40 and 50; C2 "created" on 45
  /// but billed on 42 and 52 (its creation is not believed). At day 60: starts 0, 35, 42;
  /// exposure gaps 61 ÷ 4 = 15.25 → 15, (60 − 35 + 1) ÷ 2 = 13, (60 − 42 + 1) ÷ 2 = 9.5 → 10;
  /// mean gaps 20, 10 and 10, all still billed.
  @Test func billingIsCountedFromTheCustomersStart() {
    let rows: [[(day: Int32, amount: Int64)]] = [
      [(0, 100), (10, 100), (20, 100), (60, 100)], [(40, 100), (50, 100)],
      [(42, 100), (52, 100)],
    ]
    let starts = BillingCadence.windowStarts(rows, created: [-30, 35, 45])
    #expect(starts == [0, 35, 42])
    let cadence = BillingCadence.gaps(rows, until: 60, starts: starts)
    #expect(cadence.exposureGap == [15, 13, 10] && cadence.gap == [20, 10, 10])
    // Silence limits: max(2 × 20, 45, 40), max(2 × 10, 45, 10), max(2 × 10, 45, 10).
    #expect(cadence.limit == [45, 45, 45])
  }

  /// The churn rate: ends the cadence's rule sees in the year to day 400 (from day 36) over the
  /// days at risk, censored `limit` days before the end, × the share taken as real. A (first
  /// 0, billed, limit 45) is at risk from 36 to 400 − 45 = 355: 319 days. B (first 100, last
  /// 200, gone) ends at 200 after 100 days at risk. C ended at 20, before the window: not at
  /// risk. D's limit (400) leaves nothing visible; E has no invoice; F billed once (day 300),
  /// a one-off buyer with no lifetime to measure, is left out. 1 end in 419 days; with
  /// lapsed customers billing ¼ of their renewal (100.00 of 400.00), ¾ of ends are real: 0.75 ÷
  /// 419 a day. All of it when they billed nothing; none when they billed all of it, or when
  /// nothing was measured (no window).
  @Test func churnIsEndsOverDaysAtRiskTakenAsReal() {
    var b = BillingCadence(
      gap: [10, 0, 0, 30, 0, 0], lastIssued: [390, 200, 20, 380, Int32.min, 300],
      amountStart: [0, 0, 0, 0, 0, 0, 0], amounts: [])
    b.firstIssued = [0, 100, 0, 300, Int32.max, 300]
    b.silenceLimit = [45, 45, 45, 400, 0, 45]
    func measured(billed: Int64) -> BillingResumption {
      var r = BillingResumption(silent: 1, lapsed: Double(billed) / 40_000)
      r.windows = 3
      r.lapsedBilled = billed
      r.lapsedExpected = 40_000
      return r
    }
    let churn = Churn.measure(billing: b, until: 400, resumption: measured(billed: 10_000))
    #expect(churn.ends == 1 && churn.daysAtRisk == 419 && churn.realShare == 0.75)
    #expect(abs(churn.rate - 0.75 / 419) < 1e-15)
    #expect(
      Churn.measure(billing: b, until: 400, resumption: measured(billed: 0)).rate == 1.0 / 419)
    #expect(Churn.measure(billing: b, until: 400, resumption: measured(billed: 40_000)).rate == 0)
    let unmeasured = Churn.measure(billing: b, until: 400, resumption: .off)
    #expect(unmeasured.ends == 1 && unmeasured.rate == 0)
  }

  /// A billed customer stops on an exponential day from its last invoice. C1 billed every 10
  /// days from 01-01 to 02-10 (5 invoices, exposure 01-01 … 02-19 = 50 days: gap 10); from
  /// 02-20 (its last invoice 10 days old) the renewal bills on days 0, 10, 20 and 30 of 40.
  /// With churn at ln 2 ÷ 10 a day (half gone every 10 days) the invoice of day d is issued when
  /// the stop, counted from the last invoice, is later than 10 + d: ½, ¼, ⅛, 1/16. Invoices per
  /// path: 0 (½), 1 (¼), 2 (⅛), 3 (1/16), 4 (1/16): mean 0.9375, variance 2.3125 − 0.9375² =
  /// 1.434. With no payment hazard credit sales are $100 an invoice: P5 $0, P95 $400, mean
  /// $93.75 within 4 standard errors (4 · √1.434 ÷ √4000 · $100 ≈ $7.57). Without churn (this
  /// book's own: nobody ended) every path bills $400.
  @Test func aCustomerWhoLeavesStopsBilling() throws {
    var invoices = "invoice_id,customer_id,issued_on,due_on,amount\n"
    for (k, day) in ["01-01", "01-11", "01-21", "01-31", "02-10"].enumerated() {
      invoices += "I\(k),C1,2026-\(day),2026-03-31,100\n"
    }
    let store = try PaperLedger.store([
      "reps.csv": Self.reps, "customers.csv": Self.customers, "invoices.csv": invoices,
    ])
    let l = try store.loadLedger()
    let params = ModelParameters(segments: ["a"], hazard: [[Double](repeating: 0, count: 7)])
    var book = Portfolio(
      ledger: l, links: try store.loadInvoiceLinks(for: l), segments: ["a"],
      start: Day(iso: "2026-02-20")!, horizon: 40, newInvoices: true, renewal: true)
    #expect(book.churn.rate == 0 && book.churn.ends == 0)
    func sales() -> Summary {
      Simulator(
        portfolio: book, parameters: params, policies: [Policy(name: "none")],
        settings: SimulationSettings(horizon: 40, paths: 4000, seed: 7, portfolioShock: false)
      ).run().outcomes[0].creditSales
    }
    let staying = sales()
    #expect(staying.p5 == 40_000 && staying.p95 == 40_000)
    book.churn = Churn(rate: log(2) / 10)
    let leaving = sales()
    #expect(leaving.p5 == 0 && leaving.p95 == 40_000)
    #expect(abs(leaving.mean - 9_375) < 757)
  }

  /// A customer silent for no longer than its longest gap so far is still billed: gaps are
  /// irregular, so a long silence is common and is not churn. C1 was billed daily from 01-01
  /// to 01-10 and then on 03-11 (longest gap 60). On 05-06 (offset 0) its last invoice is 56
  /// days old (55 at the end of 05-05, the data's last day): more than max(2 × its mean gap
  /// of 69 ÷ 10 = 6.9 → 7, 45) but not more than 60, so it is billed, at its exposure's rate
  /// — 125 days (01-01 … 05-05) ÷ 11 invoices = 11.4, 11 — at −56 + 6 × 11 = 10, then 21
  /// and 32 within 40 days.
  @Test func aSilenceNoLongerThanTheLongestGapIsNotChurn() throws {
    var invoices = "invoice_id,customer_id,issued_on,due_on,amount\n"
    for k in 1...10 {
      invoices += "I\(k),C1,2026-01-\(k < 10 ? "0" : "")\(k),2026-02-28,100\n"
    }
    invoices += "I11,C1,2026-03-11,2026-04-10,100\n"
    let store = try PaperLedger.store([
      "reps.csv": Self.reps, "customers.csv": Self.customers, "invoices.csv": invoices,
    ])
    let l = try store.loadLedger()
    let start = Day(iso: "2026-05-06")!
    let cadence = BillingCadence.fit(ledger: l, until: start - 1)
    #expect(cadence.gap == [7] && cadence.exposureGap == [11])
    let book = Portfolio(
      ledger: l, links: try store.loadInvoiceLinks(for: l), segments: ["a"], start: start,
      horizon: 40, newInvoices: true)
    #expect(Array(book.invoiceIssue[book.openCount...]) == [10, 21, 32])
  }

  /// The portfolio shock's σ compares each week with the latest earlier week of the same
  /// kind, with or without a month's last weekday: a calendar is not a shock. 52 weeks to
  /// Sunday 2026-11-29, each with ten payments of 100.00 on its Tuesday, 200.00 in the weeks
  /// holding a month's last weekday: every same-kind ratio is 1, so σ = 0 (next to the week
  /// before, each month-end week read as a jump of ln 2 and back).
  @Test func aMonthEndRunIsNotAShock() {
    var l = Ledger()
    let u = Day(iso: "2026-11-29")!.rawValue
    for w in 0..<52 {
      let monday = u - 363 + Int32(7 * w)
      let monthEnd = (0..<7).contains { k in
        let d = Day(rawValue: monday + Int32(k))
        return d == d.lastWeekdayOfMonth
      }
      for _ in 0..<10 {
        l.paymentReceived.append(monday + 1)
        l.paymentAmount.append(monthEnd ? 20_000 : 10_000)
      }
    }
    let sigma = Calibration.shockSigma(ledger: l, until: u)
    #expect(sigma.value == 0 && sigma.events == 50)
  }

  /// A hazard cell with fewer than 30 payments whose pooled rate is as thin (one segment:
  /// the same empty cell) is not left at 0: it is topped up at the pooled rate of the nearest
  /// bucket with 30 payments or more, and the calibration says so. Forty invoices all paid
  /// 10 days after issue (30 days before due): only `not_due` has payments; every past-due
  /// cell has 0 payments in 0 days and so takes the `not_due` rate exactly.
  @Test func emptyHazardCellsFallBackToTheNearestPooledBucket() throws {
    let store = try Self.fortyInvoices(paidAfter: 10)
    let c = try Self.calibration(store)
    let notDue = c.hazard[0][0].value
    #expect(c.hazard[0][0].events == 40 && !c.hazard[0][0].thin)
    for b in 1..<AgingBucket.count {
      #expect(abs(c.hazard[0][b].value - notDue) < 1e-15)
    }
    let label = AgingBucket.labels
    #expect(
      c.warnings
        == (1..<AgingBucket.count).map {
          "hazard a \(label[$0]) rests on 0 payments in 0 days at risk (fewer than 30): using "
            + String(format: "%.4f", notDue) + ", the pooled not_due rate"
        })
  }

  /// Capacity is typical throughput: the median day of the last 90 with calls, per rep who
  /// called in the last 30 days. Two reps made 2, 4 and 10 calls on three days: the median
  /// day is 4 calls, 2 per rep (the busiest day, 10, would say 5).
  @Test func capacityIsTheMedianDayPerRep() throws {
    var rows = "activity_id,customer_id,invoice_id,rep_id,occurred_at,channel,direction,outcome\n"
    var n = 0
    for (day, perRep) in [("2026-03-10", 1), ("2026-03-11", 2), ("2026-03-12", 5)] {
      for rep in ["R1", "R2"] {
        for _ in 0..<perRep {
          n += 1
          rows += "A\(n),C1,I1,\(rep),\(day)T10:00:00Z,call,outbound,no_answer\n"
        }
      }
    }
    let store = try PaperLedger.store([
      "reps.csv": Self.reps, "customers.csv": Self.customers,
      "invoices.csv": """
      invoice_id,customer_id,issued_on,due_on,amount
      I1,C1,2026-01-01,2026-01-31,100

      """,
      "activities.csv": rows,
    ])
    let c = try Self.calibration(store)
    #expect(c.reps == 2)
    #expect(c.callsPerRepPerDay == 2)
  }
  /// Customers who pay fast and customers who pay slowly get hazard multipliers either side
  /// of 1 (``Frailty``), and a customer with one invoice is shrunk towards 1. One segment,
  /// terms 60 days, no contacts; every payment falls in the first not-due bucket. F1 and F2
  /// pay each of 5 invoices 4 days after issue (5 days at risk each: O = 5, X = 25), S1 and
  /// S2 after 19 days (20 days: O = 5, X = 100), N its single invoice after 4 days (O = 1,
  /// X = 5). Without frailty h = 21 ÷ 255 = 7 ÷ 85, so E = 35 ÷ 17, 140 ÷ 17 and 7 ÷ 17, and
  /// `Σ((O − E)² − O) = 11150 ÷ 289 − 21 = 5081 ÷ 289`, `ΣE² = 41699 ÷ 289`: α = 41699 ÷ 5081
  /// ≈ 8.2068. The fixed point of `z = (α + O) ÷ (α + h·X)`, `h = 21 ÷ Σ z·X` (iterated by
  /// hand, or in five lines of Python) is h ≈ 0.098280, z_F ≈ 1.23847, z_S ≈ 0.73230 and
  /// z_N ≈ 1.05847: N pays at twice the hazard (O ÷ E = 1 ÷ (5h) ≈ 2.03) but rests on one
  /// payment, so it stays near 1, below the fast customers with five.
  @Test func frailtySeparatesFastAndSlowCustomersAndShrinksTheThinOne() throws {
    var customers =
      "customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,"
      + "autopay_cancelled_on\n"
    var invoices = "invoice_id,customer_id,issued_on,due_on,amount\n"
    var payments = "payment_id,customer_id,invoice_id,received_on,amount,method\n"
    let first = Day(iso: "2026-01-01")!
    var n = 0
    let plan = [("F1", 5, 4), ("F2", 5, 4), ("S1", 5, 19), ("S2", 5, 19), ("N", 1, 4)]
    for (id, count, delay) in plan {
      customers += "\(id),\(id),a,R1,60,2025-12-01,,\n"
      for k in 0..<count {
        n += 1
        let issued = first + 7 * k
        invoices += "I\(n),\(id),\(issued),\(issued + 60),100\n"
        payments += "P\(n),\(id),I\(n),\(issued + delay),100,ach\n"
      }
    }
    let store = try PaperLedger.store([
      "reps.csv": Self.reps, "customers.csv": customers, "invoices.csv": invoices,
      "payments.csv": payments,
    ])
    let l = try store.loadLedger()
    let c = Calibration.fit(
      ledger: l, links: try store.loadInvoiceLinks(for: l), until: Day(iso: "2026-03-31")!)
    let alpha = try #require(c.frailtyShape)
    #expect(abs(alpha - 41699.0 / 5081.0) < 1e-9)
    let z = Dictionary(uniqueKeysWithValues: zip(l.customerIds, c.frailty))
    #expect(abs(z["F1"]! - 1.238469) < 1e-5 && abs(z["F2"]! - 1.238469) < 1e-5)
    #expect(abs(z["S1"]! - 0.732295) < 1e-5 && abs(z["S2"]! - 0.732295) < 1e-5)
    #expect(abs(z["N"]! - 1.058471) < 1e-5)
    let h = c.hazard[0][0].value
    #expect(abs(h - 0.098280) < 1e-5)
    // The refitted hazard pays the observed 21 payments on the frailty-weighted exposure.
    #expect(abs(h * (2 * 25 * z["F1"]! + 2 * 100 * z["S1"]! + 5 * z["N"]!) - 21) < 1e-4)
    // The analytic median: F's invoice pays sooner than S's, N's in between.
    let row = c.hazard[0].map(\.value)
    let median = { (m: Double) in PaymentTiming.median(row: row, due: 60, multiplier: m)! }
    #expect(median(z["F1"]!) < median(z["N"]!) && median(z["N"]!) < median(z["S1"]!))
  }

  /// The not-yet-due hazard depends on days to due (``HazardBand``). Forty invoices on
  /// 30-day terms, each paid 2 days before its due date: 29 days at risk each (due in 30 … 2
  /// days), 16 of them due in 15+ days, 7 in 8–14 and 6 in 1–7, the payment in the last. The
  /// not_due hazard is 40 ÷ 1160 = 1 ÷ 29. Due in 1–7: 40 payments in 240 days, 1 ÷ 6, raw
  /// factor 29 ÷ 6. Due in 15+: 0 payments in 640 days, topped up to 30 at 1 ÷ 29: 30 ÷ (640 +
  /// 870), factor 870 ÷ 1510; due in 8–14: 30 ÷ (280 + 870), factor 870 ÷ 1150. The three are
  /// then rescaled by s = 1160 ÷ (640 · 870/1510 + 280 · 870/1150 + 240 · 29/6) ≈ 0.66645 so
  /// that the bands pay the bucket's 40 payments: 0.38398, 0.50418, 3.22117. A new invoice due
  /// on day 30 then survives 0.7146 to the end of day 22 and falls to ½ on day 26 (due in 4
  /// days), where one not-due hazard, (28/29)^(t+1) ≤ ½, put the median on day 19.
  @Test func theNotDueHazardRisesTowardsTheDueDate() throws {
    let store = try Self.fortyInvoices(paidAfter: 28)
    let c = try Self.calibration(store)
    #expect(abs(c.hazard[0][0].value - 1.0 / 29) < 1e-12)
    let f = c.bandFactor.map(\.value)
    let scale = 1160 / (640 * 870.0 / 1510 + 280 * 870.0 / 1150 + 240 * 29.0 / 6)
    #expect(abs(f[0] - 870.0 / 1510 * scale) < 1e-9 && c.bandFactor[0].thin)
    #expect(abs(f[1] - 870.0 / 1150 * scale) < 1e-9)
    #expect(abs(f[2] - 29.0 / 6 * scale) < 1e-9 && !c.bandFactor[2].thin)
    let row = c.hazard[0].map(\.value)
    #expect(PaymentTiming.median(row: row, due: 30, factors: f) == 26)
    #expect(PaymentTiming.median(row: row, due: 30) == 19)
    // The factors survive the calibration file.
    let back = try Calibration.parse(c.yaml, file: "c.yaml")
    #expect(back.bandFactor.map(\.value) == f)
  }

  /// Renewal billing draws each path's invoices from the customer's own gaps, given the time
  /// since its last invoice. C1 was billed on 01-01, 01-11 and 02-10 (gaps 10 and 30) and the
  /// forecast starts on 03-02, 20 days after the last invoice: the only gap at least 20 long
  /// is 30, so every path bills on day 30 − 20 = 10; the next gap is 10 or 30 with
  /// probability ½ each, so the second invoice comes on day 20 (½) or 40 (past the 40-day
  /// horizon), and after a second on day 20 a third on day 30 (¼ in all). Invoices per path:
  /// 1 (½), 2 (¼) or 3 (¼), mean 1.75, variance 3.75 − 1.75² = 0.6875. With no payment hazard,
  /// credit sales are $100 per invoice: P5 $100, P95 $300, mean $175 within 4 standard
  /// errors (4 · √0.6875 ÷ √4000 · $100 ≈ $5.25). The fixed schedule bills at the exposure's rate
  /// (01-01 … 03-01, 60 days ÷ 3 invoices = 20, here the mean gap too),
  /// 20 days after the last invoice: on days 0 and 20, the same two invoices on every path.
  @Test func renewalBillingDrawsGapsPerPath() throws {
    let store = try PaperLedger.store([
      "reps.csv": Self.reps, "customers.csv": Self.customers,
      "invoices.csv": """
      invoice_id,customer_id,issued_on,due_on,amount
      I1,C1,2026-01-01,2026-01-31,100
      I2,C1,2026-01-11,2026-02-10,100
      I3,C1,2026-02-10,2026-03-12,100

      """,
      "payments.csv": """
      payment_id,customer_id,invoice_id,received_on,amount,method
      P1,C1,I1,2026-01-20,100,ach
      P2,C1,I2,2026-01-30,100,ach
      P3,C1,I3,2026-03-01,100,ach

      """,
    ])
    let l = try store.loadLedger()
    let links = try store.loadInvoiceLinks(for: l)
    let start = Day(iso: "2026-03-02")!
    let params = ModelParameters(segments: ["a"], hazard: [[Double](repeating: 0, count: 7)])
    func sales(renewal: Bool) -> Summary {
      let book = Portfolio(
        ledger: l, links: links, segments: ["a"], start: start, horizon: 40, newInvoices: true,
        renewal: renewal)
      return Simulator(
        portfolio: book, parameters: params, policies: [Policy(name: "none")],
        settings: SimulationSettings(horizon: 40, paths: 4000, seed: 7, portfolioShock: false)
      ).run().outcomes[0].creditSales
    }
    let renewal = sales(renewal: true)
    #expect(renewal.p5 == 10_000 && renewal.p95 == 30_000)
    #expect(abs(renewal.mean - 17_500) < 525)
    let fixed = sales(renewal: false)
    #expect(fixed.p5 == 20_000 && fixed.p95 == 20_000)
  }
}
