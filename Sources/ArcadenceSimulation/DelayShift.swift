import ArcadenceCore
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
/// The estimate. For each invoice paid in full by the cutoff, the residual
/// `r = ln(1 + T) − ln(1 + terms + L_s)`: its days from issue to payment `T` on the log scale
/// (which makes the spread of one customer's delays comparable between fast and slow
/// customers and keeps one 300-day payment from dominating), against what a typical invoice of
/// its segment with the same terms takes (`L_s`, the segment's median days late); so a
/// customer on 60-day terms is not called slow for paying after 60 days. With `r̄_s` the
/// segment's mean residual, `r̄_c` and `n_c` the customer's mean and count, the credibility
/// estimate of the customer's log factor is `ρ_c = Z_c (r̄_c − r̄_s)` with `Z_c = n_c ÷ (n_c +
/// k)` and `k = σ² ÷ τ²`: within-customer variance over between-customer variance, both by
/// the method of moments (nothing is tuned by hand):
///
/// - `σ² = Σ_c Σ_j (r_cj − r̄_c)² ÷ Σ_c (n_c − 1)`;
/// - `τ² = (Σ_c n_c (r̄_c − r̄_s)² − (C − S) σ²) ÷ Σ_s (N_s − Σ_{c∈s} n_c² ÷ N_s)` (C customers
///   with a paid invoice, S segments with one, N_s the segment's paid invoices): the excess of
///   the customers' spread over what `σ²` alone would give.
///
/// A customer with one paid invoice moves `1 ÷ (1 + k)` of the way to it; one with many moves
/// almost all the way; a customer with none keeps its segment's curve. An invoice on `terms`
/// days is shifted by the difference of the typical delays in days, `(1 + terms + L_s) ·
/// e^{r̄_s} · (e^{ρ_c} − 1)`, rounded and bounded by ``maxShiftDays`` (``shift(customer:terms:)``).
/// When the customers spread no more than chance (`τ² ≤ 0`), every shift is 0 and the model
/// is exactly the segment's (× frailty).
///
/// Opt-in (`accuracy --delay-shift`, `calibrate --delay-shift`, ``Scenario/delayShift``),
/// because of what it measured (12 month-start cutoffs, 200 paths): on five market worlds the
/// share of paid invoices within ±7 days of the predicted median rises from 35.6–37.0 % to
/// 41.4–42.8 % at 90 days (IBM 67.7 → 71.1 %), but the 90-day cash total falls further below
/// the actual (|error| 5.9/6.2/7.4/7.2/6.6 → 6.2/6.3/7.7/7.1/7.0 %, IBM 3.9 → 4.6 %), and
/// on the standard world, whose customers share their segment's hazards, the shifted clock
/// moves the fitted hazards off the generator's (CalibrationTests' recovery).
///
/// Left out: invoices still open at the cutoff (censored) do not count, so a slow customer's
/// most recent, still unpaid invoices do not yet pull its shift later.
public enum DelayShift {
  /// Largest shift either way, in days.
  public static let maxShiftDays: Int32 = 365

  /// The fit: per-customer log factors and the credibility constant they rest on.
  public struct Fit: Sendable, Equatable {
    /// Each customer's credibility-weighted log factor `ρ_c` (0 without history or without
    /// heterogeneity).
    public var logShift: [Double]
    /// Each customer's segment index.
    public var segmentOf: [Int32]
    /// Per segment, its median days late `L_s` (the reference delay of an invoice).
    public var lateDays: [Double]
    /// Per segment, its mean residual `r̄_s`.
    public var segmentResidual: [Double]
    /// The credibility constant `k = σ² ÷ τ²` (nil: no excess spread, or too little data).
    public var k: Double?
    /// Within-customer variance `σ²` of the residuals.
    public var withinVariance: Double
    /// Between-customer variance `τ²` (may be ≤ 0: then `k` is nil).
    public var betweenVariance: Double
    /// Customers with at least one paid invoice (each shrunk by `n ÷ (n + k)`).
    public var customers: Int

    /// No shift for `customers` customers.
    public static func none(customers: Int) -> Fit {
      Fit(
        logShift: [Double](repeating: 0, count: customers),
        segmentOf: [Int32](repeating: 0, count: customers), lateDays: [], segmentResidual: [],
        k: nil, withinVariance: 0, betweenVariance: 0, customers: 0)
    }

    /// The shift in days of customer `c`'s invoice on `terms` days (due minus issue):
    /// `(1 + terms + L_s) · e^{r̄_s} · (e^{ρ_c} − 1)`, rounded, within ±``maxShiftDays``; 0 for
    /// a customer out of range or without a factor. O(1).
    public func shift(customer c: Int, terms: Int32) -> Int32 {
      guard c >= 0, c < logShift.count, logShift[c] != 0 else { return 0 }
      let s = Int(segmentOf[c])
      guard s >= 0, s < lateDays.count, s < segmentResidual.count else { return 0 }
      let typical = max(0, Double(terms) + lateDays[s]) + 1
      let days = (typical * exp(segmentResidual[s]) * (exp(logShift[c]) - 1)).rounded()
      let bound = Double(maxShiftDays)
      return Int32(min(bound, max(-bound, days.isFinite ? days : 0)))
    }
  }

  /// The credibility fit from each customer's residuals `r` (`residuals[c]`, possibly empty)
  /// and segment; `lateDays` (per segment) is carried for ``Fit/shift(customer:terms:)``.
  /// O(paid invoices).
  public static func fit(
    residuals: [[Double]], segmentOf: [Int32], segments: Int, lateDays: [Double]
  ) -> Fit {
    let n = residuals.count
    var fit = Fit.none(customers: n)
    fit.segmentOf = segmentOf
    fit.lateDays = lateDays
    var segSum = [Double](repeating: 0, count: segments)
    var segCount = [Double](repeating: 0, count: segments)
    var segSquares = [Double](repeating: 0, count: segments)  // Σ n_c² per segment
    var mean = [Double](repeating: 0, count: n)
    var within = 0.0
    var withinDf = 0.0
    var customers = 0
    for c in 0..<n where !residuals[c].isEmpty && Int(segmentOf[c]) < segments {
      let ys = residuals[c]
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
    fit.segmentResidual = segMean
    fit.customers = customers
    let segmentsWithData = segCount.filter { $0 > 0 }.count
    guard withinDf > 0, customers > segmentsWithData else { return fit }
    let sigma2 = within / withinDf
    var between = 0.0
    for c in 0..<n where !residuals[c].isEmpty && Int(segmentOf[c]) < segments {
      let d = mean[c] - segMean[Int(segmentOf[c])]
      between += Double(residuals[c].count) * d * d
    }
    var denominator = 0.0
    for s in 0..<segments where segCount[s] > 0 {
      denominator += segCount[s] - segSquares[s] / segCount[s]
    }
    let tau2 =
      denominator > 0
      ? (between - Double(customers - segmentsWithData) * sigma2) / denominator : 0
    fit.withinVariance = sigma2
    fit.betweenVariance = tau2
    guard tau2 > 0 else { return fit }
    let k = sigma2 / tau2
    fit.k = k
    for c in 0..<n where !residuals[c].isEmpty && Int(segmentOf[c]) < segments {
      let nc = Double(residuals[c].count)
      fit.logShift[c] = nc / (nc + k) * (mean[c] - segMean[Int(segmentOf[c])])
    }
    return fit
  }

  /// The fit from the ledger: every invoice issued and paid in full by the cutoff (not
  /// written off or credited, not due while its customer was on auto-pay), by its customer; `L_s` is the median of the segment's days
  /// from due date to payment. O(invoices + payments).
  static func fit(_ input: CalibrationInput) -> Fit {
    let l = input.ledger
    let nSeg = input.segmentCount
    var paid: [(customer: Int32, days: Double, terms: Double)] = []
    var late = [[Double]](repeating: [], count: nSeg)
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= input.until {
      let close = LifeTable.closing(invoice: i, ledger: l, until: input.until)
      guard close.day != Int32.max, close.kind == .payment else { continue }
      let c = l.invoiceCustomer[i]
      // An auto-pay customer's invoice pays by the auto-pay rule, not the hazard.
      guard !l.autopayEnrolled(Int(c), at: l.invoiceDue[i]) else { continue }
      let days = max(0, Double(close.day) - Double(l.invoiceIssued[i]))
      let terms = max(0, Double(l.invoiceDue[i]) - Double(l.invoiceIssued[i]))
      paid.append((c, days, terms))
      let s = Int(input.segments.ofCustomer[Int(c)])
      if s < nSeg { late[s].append(days - terms) }
    }
    let lateDays = late.map { Statistics.median($0) ?? 0 }
    var residuals = [[Double]](repeating: [], count: l.customerIds.count)
    for p in paid {
      let s = Int(input.segments.ofCustomer[Int(p.customer)])
      guard s < nSeg else { continue }
      residuals[Int(p.customer)].append(
        log1p(p.days) - log1p(max(0, p.terms + lateDays[s])))
    }
    return fit(
      residuals: residuals, segmentOf: input.segments.ofCustomer, segments: nSeg,
      lateDays: lateDays)
  }
}
