import Foundation

/// Each customer's own payment delay: a shift, in days, of its segment's payment curve, from
/// the customer's paid history shrunk towards its segment by credibility weighting
/// (Bühlmann & Straub 1970; the empirical-Bayes normal-means estimator of Morris 1983).
///
/// Why it works. The payment clock runs on days past due, one hazard curve per segment, and
/// ``Frailty`` multiplies a customer's hazard at every age. A multiplier can make a customer
/// pay sooner on average, but it cannot move *when* the customer pays: a customer who pays
/// about 33 days after issue every time gets, under a proportional hazard, a curve that still
/// pays part of its invoices in the first week and part after day 60. The open book at a
/// cutoff is the slow customers' invoices at the age where they usually pay; a segment curve
/// (× frailty) treats them as the segment's stragglers, whose hazard is low, and pays them
/// too slowly. A shift moves the customer's whole curve along the days: its invoice at 20
/// days past due is on the hazard of the segment's invoices at `20 − shift` days, so an
/// invoice of a customer who usually pays 20 days late is, 20 days late, at the point where
/// invoices usually pay. The segment's curve is then fitted on the shifted days
/// (``LifeTable``: each customer's days at risk counted at `dpd − shift`), so it describes
/// how a customer's invoices spread around that customer's own typical date — narrower and
/// higher at its peak than the mixture of customers it was before. An accelerated failure
/// time model (Kalbfleisch & Prentice 2002, ch. 7) with a location per customer, stated on
/// the days-past-due clock the engine already runs.
///
/// The estimate. For each invoice paid in full by the cutoff, `y = ln(1 + days from issue to
/// payment)` (the log scale makes the spread of one customer's delays comparable between fast
/// and slow customers and keeps a single 300-day payment from dominating). With `ȳ_s` the
/// segment's mean, `ȳ_c` and `n_c` the customer's mean and count, the credibility estimate of
/// the customer's log delay is `ȳ_s + Z_c (ȳ_c − ȳ_s)` with `Z_c = n_c ÷ (n_c + k)` and
/// `k = σ² ÷ τ²`: within-customer variance over between-customer variance, both by the method
/// of moments (nothing is tuned by hand):
///
/// - `σ² = Σ_c Σ_j (y_cj − ȳ_c)² ÷ Σ_c (n_c − 1)`;
/// - `τ² = (Σ_c n_c (ȳ_c − ȳ_s)² − (C − S) σ²) ÷ Σ_s (N_s − Σ_{c∈s} n_c² ÷ N_s)` (C customers
///   with a paid invoice, S segments with one, N_s the segment's paid invoices): the excess of
///   the customers' spread over what `σ²` alone would give.
///
/// A customer with one paid invoice moves `1 ÷ (1 + k)` of the way to it; one with many moves
/// almost all the way; a customer with none keeps its segment's curve. The shift is the
/// difference of the typical delays in days, `exp(ȳ_s + Z_c (ȳ_c − ȳ_s)) − exp(ȳ_s)`, rounded
/// and bounded by ``maxShiftDays``. When the customers spread no more than chance (`τ² ≤ 0`),
/// every shift is 0 and the model is exactly the segment's (× frailty).
///
/// Left out: invoices still open at the cutoff (censored) do not count, so a slow customer's
/// most recent, still unpaid invoices do not yet pull its shift later.
public enum DelayShift {
  /// Largest shift either way, in days.
  public static let maxShiftDays: Int32 = 365

  /// The fit: per-customer shifts and the credibility constant they rest on.
  public struct Fit: Sendable, Equatable {
    /// Shift per customer, days (`dpd − shift` is the segment curve's day); 0 without
    /// history or without heterogeneity.
    public var shift: [Int32]
    /// The credibility constant `k = σ² ÷ τ²` (nil: no excess spread, or too little data).
    public var k: Double?
    /// Within-customer variance `σ²` of the log delays.
    public var withinVariance: Double
    /// Between-customer variance `τ²` (may be ≤ 0: then `k` is nil).
    public var betweenVariance: Double
    /// Customers with at least one paid invoice (each shrunk by `n ÷ (n + k)`).
    public var customers: Int
    /// Each customer's credibility-weighted log delay minus its segment's (0 without history).
    public var logShift: [Double]

    /// No shift for `customers` customers.
    public static func none(customers: Int) -> Fit {
      Fit(
        shift: [Int32](repeating: 0, count: customers), k: nil, withinVariance: 0,
        betweenVariance: 0, customers: 0, logShift: [Double](repeating: 0, count: customers))
    }
  }

  /// The fit from each customer's log delays `ln(1 + days from issue to payment)`
  /// (`logDelays[c]`, possibly empty) and segment. O(paid invoices).
  public static func fit(logDelays: [[Double]], segmentOf: [Int32], segments: Int) -> Fit {
    let n = logDelays.count
    var segSum = [Double](repeating: 0, count: segments)
    var segCount = [Double](repeating: 0, count: segments)
    var segSquares = [Double](repeating: 0, count: segments)  // Σ n_c² per segment
    var mean = [Double](repeating: 0, count: n)
    var within = 0.0
    var withinDf = 0.0
    var customers = 0
    for c in 0..<n where !logDelays[c].isEmpty && Int(segmentOf[c]) < segments {
      let ys = logDelays[c]
      let nc = Double(ys.count)
      let m = ys.reduce(0, +) / nc
      mean[c] = m
      within += ys.reduce(0) { $0 + ($1 - m) * ($1 - m) }
      withinDf += nc - 1
      let s = Int(segmentOf[c])
      segSum[s] += m * nc
      segCount[s] += nc
      segSquares[s] += nc * nc
      customers += 1
    }
    let segMean = (0..<segments).map { segCount[$0] > 0 ? segSum[$0] / segCount[$0] : 0 }
    let segmentsWithData = segCount.filter { $0 > 0 }.count
    guard withinDf > 0, customers > segmentsWithData else {
      var none = Fit.none(customers: n)
      none.customers = customers
      return none
    }
    let sigma2 = within / withinDf
    var between = 0.0
    for c in 0..<n where !logDelays[c].isEmpty && Int(segmentOf[c]) < segments {
      let d = mean[c] - segMean[Int(segmentOf[c])]
      between += Double(logDelays[c].count) * d * d
    }
    var denominator = 0.0
    for s in 0..<segments where segCount[s] > 0 {
      denominator += segCount[s] - segSquares[s] / segCount[s]
    }
    let tau2 =
      denominator > 0
      ? (between - Double(customers - segmentsWithData) * sigma2) / denominator : 0
    guard tau2 > 0, sigma2 >= 0 else {
      var none = Fit.none(customers: n)
      none.customers = customers
      none.withinVariance = sigma2
      none.betweenVariance = tau2
      return none
    }
    let k = sigma2 / tau2
    var shift = [Int32](repeating: 0, count: n)
    var logShift = [Double](repeating: 0, count: n)
    for c in 0..<n where !logDelays[c].isEmpty && Int(segmentOf[c]) < segments {
      let nc = Double(logDelays[c].count)
      let base = segMean[Int(segmentOf[c])]
      let z = nc / (nc + k)
      logShift[c] = z * (mean[c] - base)
      let days = (exp(base + logShift[c]) - exp(base)).rounded()
      let bound = Double(maxShiftDays)
      shift[c] = Int32(min(bound, max(-bound, days.isFinite ? days : 0)))
    }
    return Fit(
      shift: shift, k: k, withinVariance: sigma2, betweenVariance: tau2, customers: customers,
      logShift: logShift)
  }

  /// The fit from the ledger: every invoice issued and paid in full by the cutoff (not
  /// written off or credited), by its customer. O(invoices + payments).
  static func fit(_ input: CalibrationInput) -> Fit {
    let l = input.ledger
    var delays = [[Double]](repeating: [], count: l.customerIds.count)
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= input.until {
      let close = LifeTable.closing(invoice: i, ledger: l, until: input.until)
      guard close.day != Int32.max, close.kind == .payment else { continue }
      let days = Double(close.day) - Double(l.invoiceIssued[i])
      delays[Int(l.invoiceCustomer[i])].append(log1p(max(0, days)))
    }
    return fit(
      logDelays: delays, segmentOf: input.segments.ofCustomer, segments: input.segmentCount)
  }
}
