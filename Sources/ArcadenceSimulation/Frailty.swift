import Foundation

/// Customer-level heterogeneity in payment timing: a shared-frailty model (Clayton 1978;
/// Vaupel et al. 1979). Customer `c`'s daily payment hazard in bucket `b` is `z_c · h_{s,b}`,
/// the segment hazard times a multiplier shared by all of the customer's invoices.
///
/// Why it should work: customers differ far more than segments do (one pays in 5 days, the
/// next in 40, both "small business"), and a ledger's open book is not a random sample of
/// invoices: invoices still open at a cutoff belong disproportionately to slow customers.
/// With one hazard per segment the model pays a slow customer's invoice as fast as the
/// segment average, and a fast customer's as slowly, which is why "each invoice pays at its
/// customer's mean delay" (baseline B) dated IBM's invoices better than the model.
///
/// The multiplier is an empirical-Bayes (gamma–Poisson) estimate. Given the segment hazards,
/// the customer's payments `O_c` are Poisson with mean `z_c · E_c`, where `E_c = Σ_b h_{s,b}
/// · X_{c,b}` is the count expected from its (lift-adjusted) days at risk `X_{c,b}`. With a
/// Gamma(α, α) prior on `z` (mean 1, variance 1 ÷ α) the posterior mean is
/// `z_c = (α + O_c) ÷ (α + E_c)`: a customer with little history (small `E_c`) stays near 1,
/// one with much history moves to its own rate `O_c ÷ E_c`. The prior's strength comes from
/// the spread across customers by the method of moments: `E[(O − E)² − O] = E² ÷ α`, so
/// `1 ÷ α = Σ_c ((O_c − E_c)² − O_c) ÷ Σ_c E_c²`, computed under the segment hazards fitted
/// without frailty; no excess spread (≤ 0) means no heterogeneity (every `z_c = 1`).
///
/// Then the segment hazards are refitted given the multipliers, `h_{s,b} = events ÷ Σ_c z_c
/// · X_{c,b}` (with the same shrinkage of thin cells), and the multipliers given the hazards,
/// ``iterations`` times (an EM-like fixed point with α held): without this step the slow
/// customers' long exposure would keep the segment hazard low *and* their multipliers below
/// 1, and the calibrated book would pay ~10 % less than it did.
public enum Frailty {
  /// Alternations of hazards and multipliers.
  public static let iterations = 20
  /// Largest `1 ÷ α` accepted (a prior weaker than 0.1 pseudo-payments is not a prior).
  public static let maxInverseShape = 10.0

  /// The fit: per-customer multipliers, the prior's shape α (nil: no excess spread, all
  /// multipliers 1), and the hazards and exposures given the multipliers.
  public struct Fit: Sendable {
    /// Multiplier per customer (1 for customers without days at risk).
    public var multiplier: [Double]
    /// The Gamma prior's shape α; nil when the data show no heterogeneity.
    public var shape: Double?
    /// Payment hazards per segment and bucket given the multipliers.
    public var hazard: [[Estimate]]
    /// Per bucket, the pooled prior's source bucket (see ``Calibration/pooledPriors``).
    public var prior: [Int]
    /// Per ``HazardBand``, the factor on its bucket's hazard given the multipliers (empty
    /// when no band counts were given).
    public var bandFactor: [Estimate] = []
  }

  /// The segment hazards from per-cell events and exposure, shrunk as in ``Calibration``.
  static func hazards(events: [Double], exposure: [Double], segments: Int, threshold: Double)
    -> (hazard: [[Estimate]], prior: [Int])
  {
    let nb = AgingBucket.count
    let pooled = Calibration.pooledPriors(
      events: events, exposure: exposure, segments: segments, threshold: threshold)
    let hazard = (0..<segments).map { s in
      (0..<nb).map { b in
        Estimate.hazard(
          events: events[s * nb + b], exposure: exposure[s * nb + b], threshold: threshold,
          pooled: pooled.rates[b])
      }
    }
    return (hazard, pooled.source)
  }

  /// Fits the multipliers from per-customer payment events and lift-adjusted days at risk
  /// (`customer × AgingBucket.count + bucket`). O(iterations · customers · buckets).
  ///
  /// With per-customer band counts (`customer × HazardBand.count + band`), the band factors
  /// (``Calibration/bandFactors``) are refitted with the multipliers, and a customer's
  /// expected count is `Σ_k h_{s,b(k)} · f_k · X_{c,k}`: a customer who pays just before the
  /// due date is not mistaken for a slow one because most of its days at risk fall where
  /// payments are rare.
  public static func fit(
    events: [Float], exposure: [Float], segmentOf: [Int32], segments: Int, threshold: Double,
    bandEvents: [Float] = [], bandExposure: [Float] = []
  ) -> Fit {
    let nb = AgingBucket.count
    let n = segmentOf.count
    var cellEvents = [Double](repeating: 0, count: segments * nb)
    var cellExposure = [Double](repeating: 0, count: segments * nb)
    var observed = [Double](repeating: 0, count: n)
    for c in 0..<n {
      let row = Int(segmentOf[c]) * nb
      for b in 0..<nb {
        cellEvents[row + b] += Double(events[c * nb + b])
        cellExposure[row + b] += Double(exposure[c * nb + b])
        observed[c] += Double(events[c * nb + b])
      }
    }
    var fitted = hazards(
      events: cellEvents, exposure: cellExposure, segments: segments, threshold: threshold)
    let nk = HazardBand.count
    let banded = bandEvents.count == n * nk && bandExposure.count == n * nk
    var factors: [Estimate] = []
    func expected(_ h: [[Estimate]], _ z: [Double]) -> [Double] {
      if banded {
        factors = Calibration.bandFactors(
          events: bandEvents, exposure: bandExposure, multiplier: z, threshold: threshold)
      }
      return (0..<n).map { c in
        let s = Int(segmentOf[c])
        var e = 0.0
        if banded {
          for k in 0..<nk {
            e +=
              h[s][HazardBand.bucket[k]].value * factors[k].value
              * Double(bandExposure[c * nk + k])
          }
        } else {
          for b in 0..<nb { e += h[s][b].value * Double(exposure[c * nb + b]) }
        }
        return e
      }
    }
    let ones = [Double](repeating: 1, count: n)
    var e = expected(fitted.hazard, ones)
    var num = 0.0
    var den = 0.0
    for c in 0..<n where e[c] > 0 {
      num += (observed[c] - e[c]) * (observed[c] - e[c]) - observed[c]
      den += e[c] * e[c]
    }
    guard den > 0, num > 0 else {
      return Fit(
        multiplier: ones, shape: nil, hazard: fitted.hazard, prior: fitted.prior,
        bandFactor: factors)
    }
    let alpha = 1 / min(maxInverseShape, num / den)
    var z = ones
    for _ in 0..<iterations {
      for c in 0..<n { z[c] = (alpha + observed[c]) / (alpha + e[c]) }
      var adjusted = [Double](repeating: 0, count: segments * nb)
      for c in 0..<n {
        let row = Int(segmentOf[c]) * nb
        for b in 0..<nb { adjusted[row + b] += z[c] * Double(exposure[c * nb + b]) }
      }
      fitted = hazards(
        events: cellEvents, exposure: adjusted, segments: segments, threshold: threshold)
      e = expected(fitted.hazard, z)
    }
    for c in 0..<n { z[c] = (alpha + observed[c]) / (alpha + e[c]) }
    return Fit(
      multiplier: z, shape: alpha, hazard: fitted.hazard, prior: fitted.prior,
      bandFactor: factors)
  }
}
