import Foundation

/// The customer bootstrap behind `parameter_uncertainty: true`: each path reweights the
/// calibration's customers with Poisson(1) weights (the Poisson bootstrap, an approximation
/// of Efron's 1979 resampling with replacement that needs no shared state) and refits the
/// hazards and contact rates from the reweighted counts, with the same shrinkage.
enum Bootstrap {
  /// Cumulative Poisson(1) probabilities for k = 0…11.
  static let poissonCDF: [Double] = {
    var out: [Double] = []
    var term = exp(-1.0)
    var acc = 0.0
    for k in 0..<12 {
      acc += term
      out.append(acc)
      term /= Double(k + 1)
    }
    return out
  }()

  /// The weight of customer `c` on `path`.
  @inline(__always)
  static func weight(_ philox: Philox4x32, path: Int, customer c: Int) -> Double {
    let w = philox.draw(path: path, invoice: c, day: 0, decision: .bootstrap)
    let u = Philox4x32.unit(w.0, w.1)
    var k = 0
    while k < poissonCDF.count - 1, u > poissonCDF[k] { k += 1 }
    return Double(k)
  }

  /// Hazards per segment and bucket and the rates of ``CalibrationSample/rateNames``,
  /// refitted on one path's weights. O(customers × (buckets + rates)).
  static func resample(_ s: CalibrationSample, philox: Philox4x32, path: Int)
    -> (hazard: [[Double]], rates: [String: Double])
  {
    let nb = AgingBucket.count
    let nr = CalibrationSample.rateNames.count
    var ev = [Double](repeating: 0, count: s.segments * nb)
    var ex = [Double](repeating: 0, count: s.segments * nb)
    var hits = [Double](repeating: 0, count: nr)
    var trials = [Double](repeating: 0, count: nr)
    for c in 0..<s.customers {
      let w = weight(philox, path: path, customer: c)
      guard w > 0 else { continue }
      let row = Int(s.customerSegment[c]) * nb
      for b in 0..<nb {
        ev[row + b] += w * Double(s.events[c * nb + b])
        ex[row + b] += w * Double(s.exposure[c * nb + b])
      }
      for k in 0..<nr {
        hits[k] += w * Double(s.hits[c * nr + k])
        trials[k] += w * Double(s.trials[c * nr + k])
      }
    }
    let prior = Calibration.pooledPriors(
      events: ev, exposure: ex, segments: s.segments, threshold: s.thinThreshold)
    var hazard: [[Double]] = []
    for seg in 0..<s.segments {
      hazard.append(
        (0..<nb).map { b in
          Estimate.hazard(
            events: ev[seg * nb + b], exposure: ex[seg * nb + b], threshold: s.thinThreshold,
            pooled: prior.rates[b]
          ).value
        })
    }
    var rates: [String: Double] = [:]
    for (k, name) in CalibrationSample.rateNames.enumerated() {
      rates[name] =
        Estimate.rate(
          hits: hits[k], trials: trials[k], threshold: s.thinThreshold,
          prior: Calibration.priors[name]!
        ).value
    }
    return (hazard, rates)
  }
}
