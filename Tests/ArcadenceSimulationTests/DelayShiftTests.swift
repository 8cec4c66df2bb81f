import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation
@testable import ArcadenceStore

/// The per-customer delay shift (``DelayShift``): the credibility weights on fixtures worked
/// out by hand, its wiring into the life table and the simulator, and recovery of known
/// shifts on a generated population.
@Suite struct DelayShiftTests {
  /// One segment, customers A (residuals 1, 3) and B (5, 7). Means 2 and 6, segment mean 4.
  /// Within: σ² = (1 + 1 + 1 + 1) ÷ (1 + 1) = 2. Between: Σ n_c (r̄_c − r̄)² = 2·4 + 2·4 = 16,
  /// minus (C − S) σ² = 1·2 → 14, over N − Σ n_c² ÷ N = 4 − 8 ÷ 4 = 2 → τ² = 7. So k = 2 ÷ 7
  /// and Z = 2 ÷ (2 + 2/7) = 7/8: A's log factor −7/8·2 = −1.75, B's +1.75. With the segment
  /// 0 days late, an invoice on 0-day terms is shifted by (1 + 0 + 0) · e^4 · (e^ρ − 1): A
  /// 54.5982 × (0.173774 − 1) = −45.11 → −45 days, B 54.5982 × (5.754603 − 1) = 259.59 → 260.
  /// A customer without paid invoices (C) keeps shift 0.
  @Test func twoCustomersAreShrunkByTheirCredibility() {
    let fit = DelayShift.fit(
      residuals: [[1, 3], [5, 7], []], segmentOf: [0, 0, 0], segments: 1, lateDays: [0])
    #expect(abs(fit.withinVariance - 2) < 1e-12)
    #expect(abs(fit.betweenVariance - 7) < 1e-12)
    #expect(abs((fit.k ?? 0) - 2.0 / 7.0) < 1e-12)
    #expect(abs(fit.logShift[0] + 1.75) < 1e-12 && abs(fit.logShift[1] - 1.75) < 1e-12)
    #expect(fit.logShift[2] == 0)
    #expect((0..<3).map { fit.shift(customer: $0, terms: 0) } == [-45, 260, 0])
    #expect(fit.customers == 2)
  }

  /// Customers who spread no more than chance get no shift: A (1, 3) and B (2, 2): means 2
  /// and 2, between-customer spread 0 − σ² < 0, so τ² ≤ 0, k is nil, every shift 0.
  @Test func noExcessSpreadMeansNoShift() {
    let fit = DelayShift.fit(
      residuals: [[1, 3], [2, 2]], segmentOf: [0, 0], segments: 1, lateDays: [0])
    #expect(fit.k == nil)
    #expect(fit.shift(customer: 0, terms: 30) == 0 && fit.shift(customer: 1, terms: 30) == 0)
  }

  /// The ledger: C1 pays both its invoices 3 days after issue, C2 both after 15 (issued on
  /// d0 on 10-day terms, cutoff d0 + 20). Days late −7, −7, 5, 5: the segment's median is
  /// −1, so a typical invoice takes 10 − 1 = 9 days and the residuals are ln 4 − ln 10 =
  /// ln 0.4 (C1) and ln 16 − ln 10 = ln 1.6 (C2), mean ln 0.8. No spread within a customer
  /// (σ² = 0), so k = 0 and each customer moves all the way to its own delay: factors
  /// 0.4 ÷ 0.8 = ½ and 1.6 ÷ 0.8 = 2. Shifts on 10-day terms: 10 · 0.8 · (½ − 1) = −4 days
  /// for C1, 10 · 0.8 · (2 − 1) = +8 for C2.
  ///
  /// In the life table C2's invoices are then counted on the shifted clock, due on d0 + 18:
  /// each is open d0 … d0 + 15, 16 days at −18 … −3 days past due, all not yet due, and paid
  /// there (unshifted: 10 days not yet due and the payment at dpd 5). C1's (due d0 + 6 on its
  /// clock, paid d0 + 3): 4 days, not yet due either way. The segment's day counts (the
  /// Markov chain's) keep the real days: C2's 6 days from the due date are in dpd 0–7.
  @Test func theLedgerFitAndTheLifeTableUseTheShift() throws {
    let d0 = CalibrationFitterTests.d0
    let l = CalibrationFitterTests.ledger(
      customers: 2, invoiceCustomers: [0, 0, 1, 1],
      payments: [
        (0, d0 + 3, 10_000), (1, d0 + 3, 10_000), (2, d0 + 15, 10_000), (3, d0 + 15, 10_000),
      ])
    var built = l
    built.buildIndexes()
    let input = CalibrationInput(
      ledger: built, links: InvoiceLinks(), until: CalibrationFitterTests.until, threshold: 2,
      delayShift: true)
    #expect(CalibrationFitterTests.input(l).delay.k == nil)
    #expect(input.delay.k == 0 && input.delay.lateDays == [-1])
    #expect(input.delay.shift(customer: 0, terms: 10) == -4)
    #expect(input.delay.shift(customer: 1, terms: 10) == 8)
    let t = LifeTable.fit(input, lifts: .assumed)
    let nb = AgingBucket.count
    #expect(t.customerExposure[0] == 8 && t.customerEvents[0] == 2)
    #expect(t.customerExposure[nb] == 32 && t.customerEvents[nb] == 2)
    #expect(t.customerExposure[nb + 1] == 0 && t.customerEvents[nb + 1] == 0)
    // Real days for the segment's all-cause table: 2 × 4 + 2 × 10 not due, 2 × 6 in 0–7.
    #expect(t.days[0] == 28 && t.days[1] == 12 && t.paid[1] == 2)
    let c = Calibration.fit(
      ledger: input.ledger, links: InvoiceLinks(), until: Day(rawValue: input.until),
      thinThreshold: 2, delayShift: true)
    #expect(c.delay?.shift(customer: 1, terms: 10) == 8)
    #expect(c.delayCredibility == 0 && c.delayShiftCustomers == 2)
    #expect(c.yaml.contains("delay_shift: {k: 0, customers: 2}"))
    let back = try Calibration.parse(c.yaml, file: "c.yaml")
    #expect(back.delayCredibility == 0 && back.delayShiftCustomers == 2)
  }

  /// The analytic payment date follows the shift: one hazard of ½ on the due day only
  /// (factor 1 elsewhere 0), due on day 10: the median is day 10; with a shift of +5 the
  /// customer's due day on the curve is day 15, so the median is day 15.
  @Test func theMedianDateMovesWithTheShift() {
    var row = [Double](repeating: 0, count: AgingBucket.count)
    row[1] = 0.5
    var factors = [Double](repeating: 0, count: HazardBand.count)
    factors[3] = 1
    #expect(PaymentTiming.median(row: row, due: 10, factors: factors) == 10)
    #expect(PaymentTiming.quantiles([0.5], row: row, due: 10, factors: factors, shift: 5) == [15])
  }

  /// A generated population with known delays: 300 customers in one segment, customer c's
  /// true log factor μ_c = 3.4 + 0.5 z_c, its invoices' residuals μ_c + 0.4 e (z, e standard
  /// normal, 1 to 12 invoices each). True k = 0.4² ÷ 0.5² = 0.64. The estimate recovers k
  /// within 25 %, the shrunk log shifts correlate with the true μ_c − mean at ≥ 0.85 (0.93 expected
  /// for this design, 0.90 the lowest of 200 NumPy draws), and their
  /// squared error is below the raw customer means' (what the shrinkage is for).
  @Test func knownShiftsAreRecovered() {
    var rng = SplitMix(seed: 15)
    var delays: [[Double]] = []
    var truth: [Double] = []
    for _ in 0..<300 {
      let mu = 3.4 + 0.5 * rng.normal()
      truth.append(mu)
      let n = 1 + Int(rng.next() % 12)
      delays.append((0..<n).map { _ in mu + 0.4 * rng.normal() })
    }
    let fit = DelayShift.fit(
      residuals: delays, segmentOf: [Int32](repeating: 0, count: 300), segments: 1,
      lateDays: [0])
    let k = fit.k ?? 0
    #expect(abs(k - 0.64) < 0.16)
    let all = delays.flatMap { $0 }
    let grand = all.reduce(0, +) / Double(all.count)
    let target = truth.map { $0 - grand }
    var shrunkError = 0.0
    var rawError = 0.0
    for c in 0..<300 {
      let raw = delays[c].reduce(0, +) / Double(delays[c].count) - grand
      shrunkError += (fit.logShift[c] - target[c]) * (fit.logShift[c] - target[c])
      rawError += (raw - target[c]) * (raw - target[c])
    }
    #expect(shrunkError < rawError)
    #expect(Self.correlation(fit.logShift, target) >= 0.85)
  }

  /// Pearson's correlation of two series of the same length.
  static func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n
    let my = y.reduce(0, +) / n
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for (a, b) in zip(x, y) {
      sxy += (a - mx) * (b - my)
      sxx += (a - mx) * (a - mx)
      syy += (b - my) * (b - my)
    }
    return sxy / (sxx * syy).squareRoot()
  }
}

/// SplitMix64 (Steele, Lea & Flood 2014) with Box–Muller normals: a small seeded source for
/// generated test populations.
struct SplitMix {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in (0, 1).
  mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }

  /// Standard normal (Box–Muller).
  mutating func normal() -> Double {
    (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
  }
}
