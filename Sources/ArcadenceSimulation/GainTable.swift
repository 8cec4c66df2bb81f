import Foundation

/// The expected gain of a call per unit of balance, P(paid within 30 days | called today) −
/// P(… | not), by segment, days past due and hazard multiplier, for `priority:
/// expected_gain`: the worklist's number (``Worklist/probabilities(hazard:factors:multiplier:dpd:reach:lifts:prior:cap:)``),
/// tabulated once per policy so that ranking a day's calls costs a lookup per invoice.
///
/// Days past due are exact over −45…91 (outside it the 30-day window lies in one band, so
/// the value is the end's). The multiplier (the customer's frailty × escalation lifts × the
/// path's portfolio shock) is on a grid of four points per doubling from 1/64 to 64,
/// interpolated linearly in log₂ between them (exact at 1). Left out, to keep it a table:
/// lifts of earlier contacts still running (the worklist counts them) and a path's
/// bootstrapped hazards (the table uses the calibrated ones).
struct GainTable: Sendable {
  static let minDpd: Int32 = -45
  static let maxDpd: Int32 = 91
  static let perDoubling = 4
  static let minLog2 = -6
  static let maxLog2 = 6
  static var dpdCount: Int { Int(maxDpd - minDpd) + 1 }
  static var gridCount: Int { (maxLog2 - minLog2) * perDoubling + 1 }

  /// `[segment][grid point][dpd − minDpd]`, flattened.
  let values: [Double]
  let segments: Int

  /// The table of parameters `p` (O(segments × grid × dpd × 30)).
  init(_ p: ModelParameters) {
    segments = p.hazard.count
    var out: [Double] = []
    out.reserveCapacity(segments * Self.gridCount * Self.dpdCount)
    let reach = p.reach.first ?? 0
    let promise = Worklist.promiseKeptWithin(
      pPromise: p.pPromise, pKept: p.pKept, lead: p.promiseLeadDays)
    for row in p.hazard {
      for k in 0..<Self.gridCount {
        let m = exp2(Double(Self.minLog2) + Double(k) / Double(Self.perDoubling))
        for dpd in Self.minDpd...Self.maxDpd {
          let pr = Worklist.probabilities(
            hazard: row, factors: p.bandFactor, multiplier: m, dpd: Int(dpd), reach: reach,
            lifts: p.lifts, prior: { _ in 0 }, promise: promise, cap: p.hazardCap)
          out.append(pr.contacted - pr.notContacted)
        }
      }
    }
    values = out
  }

  /// The gain per unit of balance of a call today. O(1).
  @inline(__always)
  func gain(segment s: Int, dpd: Int32, multiplier m: Double) -> Double {
    guard s >= 0, s < segments, m > 0, m.isFinite else { return 0 }
    let d = Int(min(max(dpd, Self.minDpd), Self.maxDpd) - Self.minDpd)
    let x = min(
      max((log2(m) - Double(Self.minLog2)) * Double(Self.perDoubling), 0),
      Double(Self.gridCount - 1))
    let k = min(Int(x), Self.gridCount - 2)
    let f = x - Double(k)
    let base = (s * Self.gridCount + k) * Self.dpdCount + d
    return values[base] * (1 - f) + values[base + Self.dpdCount] * f
  }
}
