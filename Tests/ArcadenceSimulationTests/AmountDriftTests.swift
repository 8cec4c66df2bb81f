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
    let d = AmountDrift.measure(up, until: 2, starts: [0])
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
    #expect(abs(d.factor(from: 5, to: 25) - 2) < 1e-12)
    #expect(d.factor(from: 0, to: 100) == 4 && d.factor(from: 100, to: 0) == 0.25)
    #expect(AmountDrift.scaled(10_001, by: 1.5) == 15_002)
    #expect(AmountDrift.scaled(1, by: 0.25) == 1)
    #expect(AmountDrift.scaled(Int64(1) << 61, by: 4) == Int64(1) << 61)
    #expect(AmountDrift.off.factor(from: 0, to: 1_000) == 1)
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
    #expect(!steady.amountDrift.isUsed && steady.amountDrift.measured == 0)
    #expect(steady.amounts.allSatisfy { $0 == 10_000 })
  }

  /// A new invoice issued `d` days after the start is billed at its pooled amount × e^(perDay ·
  /// (d + 1)) (the pool is at the level of the day before the start). C1 bills 100.00, the
  /// last on 03-02; from 03-03 its invoices are issued on days 14 and 29 (see
  /// ``ForecastModelTests/billingFollowsTheExposure()``). Doubling every 20 days they are
  /// × 2^(15/20) and × 2^(30/20): 168.18 and 282.84, 451.02 of credit sales on every path,
  /// 200.00 without the drift; the portfolio file's pools say the same.
  @Test func newInvoicesFollowTheDrift() throws {
    let store = try ForecastModelTests.meanGapStore()
    let l = try store.loadLedger()
    var book = Portfolio(
      ledger: l, links: try store.loadInvoiceLinks(for: l), segments: ["a"],
      start: Day(iso: "2026-03-03")!, horizon: 40, newInvoices: true)
    #expect(!book.amountDrift.isUsed && book.amountDrift.measured == 0)
    let params = ModelParameters(segments: ["a"], hazard: [[Double](repeating: 0, count: 7)])
    func sales() -> Summary {
      Simulator(
        portfolio: book, parameters: params, policies: [Policy(name: "none")],
        settings: SimulationSettings(horizon: 40, paths: 16, seed: 3, portfolioShock: false)
      ).run().outcomes[0].creditSales
    }
    #expect(sales().p5 == 20_000 && sales().p95 == 20_000)
    book.amountDrift = AmountDrift(perDay: log(2.0) / 20, measured: 0, standardError: 0)
    #expect(sales().p5 == 45_102 && sales().p95 == 45_102)
    // The portfolio file shows each new invoice's pool at its issue day's level.
    let rows = book.csv(segments: ["a"]).split(separator: "\n")
    #expect(
      rows.suffix(2).map { $0.split(separator: ",").last.map(String.init) } == [
        "16818;16818;16818;16818", "28284;28284;28284;28284",
      ])
  }

  /// The amount season A moves pooled amounts by e^(A(to) − A(from)): with a = 0.2 (sin ωt),
  /// day 365.25 ÷ 4 is the peak (sin = 1) and day 0 the mean (sin 0): × e^0.2 from one to the
  /// other; with b = 0.1 (cos ωt), day 0 is the peak (cos 1) and day 365.25 ÷ 2 the trough
  /// (cos −1): × e^−0.2. With a drift as well, the two multiply. A new invoice takes the
  /// billing season B of its day instead, from its pool at A's level of the day before the
  /// start: e^(B(to) − A(from)).
  @Test func theSeasonsMoveAmountsBetweenDays() {
    let quarter = 365.25 / 4
    var d = AmountDrift.off
    d.amountSeason.sin = 0.2
    #expect(abs(d.factor(from: 0, to: quarter) - exp(0.2)) < 1e-12)
    #expect(d.isUsed)
    d.amountSeason.sin = 0
    d.amountSeason.cos = 0.1
    #expect(abs(d.factor(from: 0, to: 2 * quarter) - exp(-0.2)) < 1e-12)
    d.perDay = log(2.0) / (2 * quarter)
    #expect(abs(d.factor(from: 0, to: 2 * quarter) - 2 * exp(-0.2)) < 1e-12)
    // Without a billing season a new invoice follows the amount season.
    #expect(d.newFactor(from: 0, to: 2 * quarter) == d.factor(from: 0, to: 2 * quarter))
    // With one (b = 0.3 on cos: −0.3 at the trough), from A(0) = 0.1: e^(ln 2 − 0.3 − 0.1).
    d.billingSeason.cos = 0.3
    #expect(abs(d.newFactor(from: 0, to: 2 * quarter) - 2 * exp(-0.4)) < 1e-12)
    // A new invoice issued k days after the start is at the level of origin + k + 1.
    d.perDay = 0
    d.origin = 99
    #expect(
      d.amount(10_000, issueDay: 0)
        == Int64((10_000 * d.newFactor(from: 99, to: 100)).rounded()))
    #expect(d.amount(10_000, issueDay: Int32.max) == 10_000)
  }

  /// Three customers billed weekly for two years at base × e^(0.2 sin ωt − 0.1 cos ωt), the
  /// book growing 50 % a year: the fit (one trend for the book, the season, each customer's
  /// own mean) gives back a = 0.2 and b = −0.1 (amounts in whole cents: within 10⁻⁴) and, the
  /// fit being all but exact, shrinks nothing. The same book at a flat level has no season;
  /// less than a year of invoices has none measurable.
  @Test func theSeasonIsRecoveredWithinCustomers() throws {
    let omega = 2 * Double.pi / 365.25
    func rows(season: Bool, until u: Int32 = 729) -> [[(day: Int32, y: Double)]] {
      (0..<3).map { c in
        stride(from: Int32(c), through: u, by: 7).map { t in
          let x = Double(t)
          let s = season ? 0.2 * sin(omega * x) - 0.1 * cos(omega * x) : 0
          let g = log(1.5) / 365.25 * x
          let cents = (Double(1_000_000 * (c + 1)) * exp(s + g)).rounded()
          return (day: t, y: log(cents))
        }
      }
    }
    let (a, b) = try #require(YearlySeason.fit(rows(season: true)))
    #expect(abs(a - 0.2) < 1e-4 && abs(b + 0.1) < 1e-4)
    let flat = try #require(YearlySeason.fit(rows(season: false)))
    #expect(abs(flat.0) < 1e-4 && abs(flat.1) < 1e-4)
    #expect(YearlySeason.fit(rows(season: true, until: 300)) == nil)
    // Its peak: a sin + b cos = A sin(ωt + φ), φ = atan2(b, a), highest at (π/2 − φ) ÷ ω
    // + k years: 0.2 and −0.1 give 91.3125 + 365.25 × 0.0738 = 118.27 days, so after day
    // 729 the next is 118.27 + 2 × 365.25 = 848.77, day 849 (1972-04-29).
    #expect(YearlySeason.nextPeak(0.2, -0.1, after: 729) == Day(rawValue: 849))
    #expect(abs(YearlySeason.swing(0.2, -0.1) - expm1((0.05).squareRoot())) < 1e-15)
  }

  /// A season is used when the earlier quarters checked came closer with it on average: errors
  /// 0.10, 0.01, 0.10 without and 0.02, 0.03, 0.02 with (means 0.07 and 0.023) use it though
  /// the middle quarter got worse; 0.02, 0.02 against 0.03, 0.01 (equal sums) do not. Checks
  /// stop at the first quarter the fit cannot measure (here 180 days back): one check. With
  /// none (the fit measures only at the start) the last quarter checks the start's season,
  /// given the data it was measured on fits it better than any shift in level: months on an
  /// exact sine do (its residual is 0), and the quarter decides (0.10 → 0.02 uses it, 0.02 →
  /// 0.10 does not); months on an exact step do not (the step's residual is 0), whatever the
  /// quarter says. A fit of none is none.
  @Test func aSeasonIsUsedWhenTheQuartersCameCloserOnAverage() {
    let fit = { (_: Int32) -> (Double, Double)? in (0.1, 0) }
    let sine = (0..<14).map { k in
      let t = Int32(15 + 30 * k)
      return (day: t, y: 0.1 * Foundation.sin(YearlySeason.omega * Double(t)))
    }
    let step = (0..<14).map { k in (day: Int32(15 + 30 * k), y: k >= 6 ? 0.3 : 0) }
    func season(
      _ without: [Double], _ with: [Double], fit: (Int32) -> (Double, Double)? = fit,
      data: [(day: Int32, y: Double)] = []
    ) -> YearlySeason {
      YearlySeason.measured(
        until: 1_000, fit: fit,
        errors: { p, _ in
          let k = Int((1_000 - p) / AmountDrift.quarterDays) - 1
          return k < without.count ? (without[k], with[k]) : nil
        },
        data: { [data] })
    }
    let used = season([0.10, 0.01, 0.10], [0.02, 0.03, 0.02])
    #expect(used.isUsed && used.sin == 0.1 && used.with == [0.02, 0.03, 0.02] && !used.inSample)
    #expect(!season([0.02, 0.02], [0.03, 0.01]).isUsed)
    let short = { (u: Int32) -> (Double, Double)? in u >= 910 ? (0.1, 0) : nil }
    let one = season([0.10, 0.01, 0.10], [0.02, 0.03, 0.02], fit: short)
    #expect(one.isUsed && one.with == [0.02])
    let atStart = { (u: Int32) -> (Double, Double)? in u >= 1_000 ? (0.1, 0) : nil }
    let inSample = season([0.10], [0.02], fit: atStart, data: sine)
    #expect(inSample.isUsed && inSample.inSample && !inSample.levelShift)
    #expect(inSample.with == [0.02] && inSample.without == [0.10])
    let worse = season([0.02], [0.10], fit: atStart, data: sine)
    #expect(!worse.isUsed && worse.inSample && worse.isMeasured)
    let shifted = season([0.10], [0.02], fit: atStart, data: step)
    #expect(!shifted.isUsed && shifted.levelShift && shifted.with.isEmpty)
    #expect(YearlySeason.beatsLevelShifts([sine]) && !YearlySeason.beatsLevelShifts([step]))
    let flat = season([0.10], [0.02], fit: { _ in (0, 0) })
    #expect(!flat.isUsed && !flat.isMeasured && flat.with.isEmpty)
  }

  /// The book's billed value by month and the share check, on paper. Invoices of 100 on
  /// 2024-01-15, 200 on 02-10, 300 on 02-29 and 400 on 03-05: up to 03-31 the full months from
  /// the first invoice on are February (500 over 29 days, middle day 02-15) and March (400
  /// over 31, 03-16); January started before the first invoice and is left out. With nothing
  /// billed in March there is no log: none. A customer billing 100.00 every 10 days from day 0
  /// to 450: at day 364 its gap is 365 days ÷ 37 invoices = 9.9, 10 whole days, and its pool's mean 100.00, so the renewal
  /// predicts 90 ÷ 10 = 9 invoices, 900.00, as billed (days 370 … 450): error 0; a season
  /// peaking in that quarter predicts more (error > 0).
  @Test func theBookIsBilledByMonth() throws {
    let day = { (iso: String) in Day(iso: iso)!.rawValue }
    let rows: Rows = [
      [(day("2024-01-15"), 10_000), (day("2024-02-10"), 20_000), (day("2024-02-29"), 30_000)],
      [(day("2024-03-05"), 40_000)],
    ]
    let months = try #require(DailyBilling(rows).monthly(until: day("2024-03-31")))
    #expect(months.map(\.day) == [day("2024-02-15"), day("2024-03-16")])
    #expect(abs(months[0].y - log(50_000.0 / 29)) < 1e-12)
    #expect(abs(months[1].y - log(40_000.0 / 31)) < 1e-12)
    #expect(DailyBilling(Array(rows.prefix(1))).monthly(until: day("2024-03-31")) == nil)
    let tens: Rows = [stride(from: Int32(0), through: 450, by: 10).map { ($0, 10_000) }]
    let flat = try #require(
      AmountDrift.billingError(
        tens, at: 364, starts: [0], perDay: 0, amounts: (0, 0), season: (0, 0)))
    #expect(abs(flat) < 1e-12)
    // sin ωt peaks on day 91: the quarter after day 364 (days 365–454) is the peak's.
    #expect(
      AmountDrift.billingError(
        tens, at: 364, starts: [0], perDay: 0, amounts: (0, 0), season: (0.2, 0))! > 0.1)
    // Nothing billed after day 450: nothing to compare.
    #expect(
      AmountDrift.billingError(
        tens, at: 450, starts: [0], perDay: 0, amounts: (0, 0), season: (0, 0)) == nil)
  }

  /// Amounts with a ±35 % yearly swing (twenty customers billed weekly for three years): the
  /// last year's slope is clear of noise, but a straight line through a turn brought the
  /// billed level further from what came, so the drift is measured and not used, and the
  /// line says why. The amount season is used instead: it brought the three earlier quarters
  /// closer (from about 33 % to 4.5 % each), and its peak is where the swing's is (day 91.25 +
  /// 365 k: 1186, the first after the start's origin, within two days as the fit's year is
  /// 365.25 days).
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
    let d = AmountDrift.measure(
      rows, until: 2 * 365 + 120, starts: BillingCadence.windowStarts(rows, created: []))
    #expect(d.measured != 0)
    #expect(d.perDay == 0)
    #expect(d.line.contains("did not bring the billed level closer"))
    let a = d.amountSeason
    #expect(a.isUsed && a.with.count == 3)
    #expect(zip(a.with, a.without).allSatisfy { $0 < $1 })
    #expect(abs(Int(a.nextPeak(after: d.origin)!.rawValue) - 1186) <= 2)
    #expect(d.seasonLines[0].hasPrefix("Invoice amounts: a yearly season of ±"))
    // The billed value swings as the amounts do (how often is steady), so its season is the
    // same one and adds little to the amounts' (each quarter within a point either way).
    let b = d.billingSeason
    #expect(abs(b.swing - a.swing) < 0.01 && b.with.count == 3)
    #expect(zip(b.with, b.without).allSatisfy { abs($0 - $1) < 0.01 })
  }

  /// Twenty customers billing the same 100.00 every invoice, but twice as often in the first
  /// half of each year as in the second (weekly, then fortnightly): amounts have no season,
  /// the billed value has one, and new invoices follow it: issued in the busy half they are
  /// billed above their pools, in the quiet half below.
  @Test func aSeasonOfHowOftenIsABillingSeason() {
    var rows: Rows = []
    for c in 0..<20 {
      var r: [(day: Int32, amount: Int64)] = []
      var t = Int32(c % 7)
      while t < 3 * 365 {
        r.append((day: t, amount: 10_000))
        t += (t % 365) < 182 ? 7 : 14
      }
      rows.append(r)
    }
    let d = AmountDrift.measure(
      rows, until: 2 * 365 + 120, starts: BillingCadence.windowStarts(rows, created: []))
    #expect(!d.amountSeason.isMeasured && !d.amountSeason.isUsed)
    #expect(d.billingSeason.isUsed)
    // The start is day 851 (851 mod 365 = 121: the busy half); day 1,000 (270) is quiet.
    #expect(d.amount(10_000, issueDay: 0) > 10_000)
    #expect(d.amount(10_000, issueDay: 1_000 - 851) < 10_000)
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
