import Foundation

/// Tick selection by the extended Wilkinson algorithm (Talbot, Lin & Hanrahan 2010).
///
/// A faithful port of `extended()` from the R package `labeling` (Q = [1, 5, 2, 2.5, 4, 3],
/// weights [0.25, 0.2, 0.5, 0.05] for simplicity, coverage, density and legibility). Scores are
/// computed in `Double` exactly as R does, so the same labeling wins; the winning ticks are then
/// rebuilt as integer × 10^exponent so they are exact decimals.
public enum ExtendedTicks {
  /// The preference-ordered nice step bases, times ten (1, 5, 2, 2.5, 4, 3).
  static let qTimesTen = [10, 50, 20, 25, 40, 30]
  /// The weights for simplicity, coverage, density and legibility.
  static let weights = (simplicity: 0.25, coverage: 0.2, density: 0.5, legibility: 0.05)

  /// Returns about `count` nice ticks for the data range `lower...upper`.
  ///
  /// With `onlyLoose` the first tick is ≤ `lower` and the last ≥ `upper` (R's `only.loose`).
  /// A degenerate range (width below 100 ulps of 1) is widened around its value first.
  public static func ticks(
    lower: Double, upper: Double, count: Int = 5, onlyLoose: Bool = false
  ) -> TickSet {
    var dmin = Swift.min(lower, upper)
    var dmax = Swift.max(lower, upper)
    let m = Double(Swift.max(count, 2))
    guard dmin.isFinite, dmax.isFinite else {
      return TickSet(firstSignificand: 0, stepSignificand: 1, exponent: 0, count: 0)
    }
    let eps = Double.ulpOfOne * 100
    if dmax - dmin < eps {
      let pad = dmin == 0 ? 1 : abs(dmin) * 0.1
      dmin -= pad
      dmax += pad
    }
    let (ws, wc, wd, wl) = weights
    var bestScore = -2.0
    var best: (start: Int, j: Int, qIndex: Int, z: Int, k: Int)?
    let qCount = Double(qTimesTen.count)
    var j = 1
    outer: while j < 1_000 {
      for (qIndex, q10) in qTimesTen.enumerated() {
        let q = Double(q10) / 10
        let sm = 1 - Double(qIndex) / (qCount - 1) - Double(j) + 1
        if ws * sm + wc + wd + wl < bestScore { break outer }
        var k = 2
        while k < 10_000 {
          let dm = densityMax(k: Double(k), m: m)
          if ws * sm + wc + wd * dm + wl < bestScore { break }
          let delta = (dmax - dmin) / Double(k + 1) / Double(j) / q
          var z = Int(ceil(log10(delta)))
          while z < 400 {
            let step = Double(j) * q * pow(10, Double(z))
            let cm = coverageMax(dmin: dmin, dmax: dmax, span: step * Double(k - 1))
            if ws * sm + wc * cm + wd * dm + wl < bestScore { break }
            let lowStart = floor(dmax / step) * Double(j) - Double(k - 1) * Double(j)
            let highStart = ceil(dmin / step) * Double(j)
            guard abs(lowStart) < 1e15, abs(highStart) < 1e15 else {
              z += 1
              continue
            }
            if lowStart > highStart {
              z += 1
              continue
            }
            for start in Int(lowStart)...Int(highStart) {
              let lmin = Double(start) * (step / Double(j))
              let lmax = lmin + step * Double(k - 1)
              let s = simplicity(
                qIndex: qIndex, qCount: qCount, j: j, lmin: lmin, lmax: lmax, lstep: step)
              let c = coverage(dmin: dmin, dmax: dmax, lmin: lmin, lmax: lmax)
              let g = density(k: Double(k), m: m, dmin: dmin, dmax: dmax, lmin: lmin, lmax: lmax)
              let score = ws * s + wc * c + wd * g + wl * 1
              if score > bestScore && (!onlyLoose || (lmin <= dmin && lmax >= dmax)) {
                bestScore = score
                best = (start, j, qIndex, z, k)
              }
            }
            z += 1
          }
          k += 1
        }
      }
      j += 1
    }
    guard let best else {
      return TickSet(firstSignificand: 0, stepSignificand: 1, exponent: 0, count: 0)
    }
    // Tick i = (start + i·j) · q · 10^z = (start + i·j) · q10 · 10^(z−1), exactly.
    let q10 = qTimesTen[best.qIndex]
    return TickSet(
      firstSignificand: best.start * q10, stepSignificand: best.j * q10,
      exponent: best.z - 1, count: best.k)
  }

  /// R's `%%` for doubles (floored modulo, result has the sign of the divisor).
  static func floorMod(_ x: Double, _ y: Double) -> Double {
    let t = x - floor(x / y) * y
    return t - floor(t / y) * y
  }

  static func simplicity(
    qIndex: Int, qCount: Double, j: Int, lmin: Double, lmax: Double, lstep: Double
  ) -> Double {
    let eps = Double.ulpOfOne * 100
    let remainder = floorMod(lmin, lstep)
    let zeroIsTick = (remainder < eps || lstep - remainder < eps) && lmin <= 0 && lmax >= 0
    return 1 - Double(qIndex) / (qCount - 1) - Double(j) + (zeroIsTick ? 1 : 0)
  }

  static func coverage(dmin: Double, dmax: Double, lmin: Double, lmax: Double) -> Double {
    let range = dmax - dmin
    let a = dmax - lmax
    let b = dmin - lmin
    return 1 - 0.5 * (a * a + b * b) / ((0.1 * range) * (0.1 * range))
  }

  static func coverageMax(dmin: Double, dmax: Double, span: Double) -> Double {
    let range = dmax - dmin
    guard span > range else { return 1 }
    let half = (span - range) / 2
    return 1 - 0.5 * (half * half + half * half) / ((0.1 * range) * (0.1 * range))
  }

  static func density(
    k: Double, m: Double, dmin: Double, dmax: Double, lmin: Double, lmax: Double
  ) -> Double {
    let r = (k - 1) / (lmax - lmin)
    let rt = (m - 1) / (Swift.max(lmax, dmax) - Swift.min(dmin, lmin))
    return 2 - Swift.max(r / rt, rt / r)
  }

  static func densityMax(k: Double, m: Double) -> Double {
    k >= m ? 2 - (k - 1) / (m - 1) : 1
  }
}
