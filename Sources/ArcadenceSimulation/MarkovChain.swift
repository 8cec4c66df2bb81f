import ArcadenceCore
import Foundation

/// The aging absorbing Markov chain of receivables (Cyert, Davidson & Thompson, "Estimation
/// of the allowance for doubtful accounts by Markov chains", Management Science 8(3), 1962),
/// solved in closed form.
///
/// Transient states are days past due (one state per day, grouped into the
/// ``AgingBucket``s whose rates they share, with "92+" as the last state); absorbing states
/// are "paid" and "written off". Each day a balance in a state of bucket b is paid with
/// probability `paid[segment][b]` (the calibrated roll rate into "paid"), else written off
/// with probability `writeOff[b]`, else it ages one day. Because aging is by the calendar,
/// `Q` is bidiagonal: the expected collections by day t, `π₀ Σ_{k<t} Q^k R`, are computed by
/// propagating the balance vector exactly, and the eventual absorption probabilities
/// `B = (I − Q)⁻¹ R` by back substitution. O(horizon × states). There is no sampling: this
/// is the expectation a Monte Carlo run of the same setting converges to.
public struct MarkovChain: Sendable {
  /// Daily probability of paying in full per segment and bucket.
  public var paid: [[Double]]
  /// Daily probability of a write-off per bucket (given not paid).
  public var writeOff: [Double]
  /// Per ``HazardBand``, the factor on its bucket's paid rate (the simulator's, so that an
  /// invoice not yet due rolls into "paid" faster as its due date nears); empty: 1.
  public var bandFactor: [Double] = []

  /// The last state: 92 days past due and more (91 stays its own state so that the 90+
  /// balance at the end is exact).
  static let lastDpd: Int32 = 92

  /// A chain with these rates.
  public init(paid: [[Double]], writeOff: [Double]) {
    self.paid = paid
    self.writeOff = writeOff
  }

  /// The chain of the calibration's observed (all-cause) paid rates and write-off rates.
  public init(calibration c: Calibration) {
    self.init(paid: c.paidRate.map { $0.map(\.value) }, writeOff: c.writeOff.map(\.value))
    bandFactor = c.bandFactor.map(\.value)
  }

  /// The parameters under which the Monte Carlo engine runs this same chain: these rates as
  /// hazards, no contacts, lifts, promises, disputes, auto-pay or shock.
  public var monteCarloParameters: ModelParameters {
    var p = ModelParameters(
      segments: paid.indices.map { "segment \($0)" }, hazard: paid, writeOff: writeOff,
      hazardCap: 1)
    p.bandFactor = bandFactor
    return p
  }

  /// Expected outcome of the invoices open at the start of `portfolio` over `horizon` days
  /// (invoices issued later are not part of the chain).
  public func expected(_ portfolio: Portfolio, horizon: Int) -> MarkovResult {
    var minDpd = Int32.max
    for i in 0..<portfolio.openCount { minDpd = min(minDpd, -portfolio.invoiceDue[i]) }
    if minDpd == Int32.max { minDpd = 0 }
    minDpd = min(minDpd, MarkovChain.lastDpd)
    let states = Int(MarkovChain.lastDpd - minDpd) + 1
    let segs = paid.count
    let bands = paid.map { HazardBand.expand($0, factors: bandFactor) }
    // Balance mass per segment and state on day 0 (dpd of day 0).
    var mass = [[Double]](repeating: [Double](repeating: 0, count: states), count: segs)
    var startByBucket = [Double](repeating: 0, count: AgingBucket.count)
    var eventualByBucket = [Double](repeating: 0, count: AgingBucket.count)
    // Eventual collection probability per state: x_a = p + (1 − p)(1 − w) x_{a+1}.
    var eventual = [[Double]](repeating: [Double](repeating: 0, count: states), count: segs)
    for s in 0..<segs {
      for a in stride(from: states - 1, through: 0, by: -1) {
        let dpd = minDpd + Int32(a)
        let p = min(1, bands[s][HazardBand.of(dpd: dpd)])
        let w = writeOff[AgingBucket.of(dpd: dpd)]
        if a == states - 1 {
          let out = p + (1 - p) * w
          eventual[s][a] = out > 0 ? p / out : 0
        } else {
          eventual[s][a] = p + (1 - p) * (1 - w) * eventual[s][a + 1]
        }
      }
    }
    for i in 0..<portfolio.openCount {
      let s = Int(portfolio.customerSegment[Int(portfolio.invoiceCustomer[i])])
      let dpd = min(-portfolio.invoiceDue[i], MarkovChain.lastDpd)
      let a = Int(dpd - minDpd)
      let v = Double(portfolio.invoiceBalance[i])
      mass[s][a] += v
      let startBucket = AgingBucket.of(dpd: dpd - 1)
      startByBucket[startBucket] += v
      eventualByBucket[startBucket] += v * eventual[s][a]
    }
    var daily = [Double](repeating: 0, count: horizon)
    var writeOffs = 0.0
    for t in 0..<horizon {
      for s in 0..<segs {
        var next = [Double](repeating: 0, count: states)
        for a in 0..<states where mass[s][a] != 0 {
          let dpd = minDpd + Int32(a)
          let m = mass[s][a]
          let p = min(1, bands[s][HazardBand.of(dpd: dpd)])
          let w = writeOff[AgingBucket.of(dpd: dpd)]
          daily[t] += m * p
          writeOffs += m * (1 - p) * w
          next[min(a + 1, states - 1)] += m * (1 - p) * (1 - w)
        }
        mass[s] = next
      }
    }
    // After `horizon` steps a state's dpd on the last day is its index − 1.
    var ar = 0.0
    var pastDue = 0.0
    var d90 = 0.0
    for s in 0..<segs {
      for a in 0..<states {
        let m = mass[s][a]
        let dpd = minDpd + Int32(a) - 1
        ar += m
        if dpd >= 1 { pastDue += m }
        if dpd > 90 { d90 += m }
      }
    }
    var cumulative: [Double] = []
    var acc = 0.0
    for v in daily {
      acc += v
      cumulative.append(acc)
    }
    return MarkovResult(
      start: portfolio.start, dailyCash: daily, cumulativeCash: cumulative, writeOffs: writeOffs,
      endingAR: ar, pastDue: pastDue, d90Plus: d90, startByBucket: startByBucket,
      eventualShareByBucket: zip(eventualByBucket, startByBucket).map { $1 > 0 ? $0 / $1 : 0 })
  }
}

/// Expected outcome of the aging chain over a horizon (cents).
public struct MarkovResult: Sendable {
  /// The first day.
  public var start: Day
  /// Expected cash per day.
  public var dailyCash: [Double]
  /// Expected cumulative cash by the end of each day.
  public var cumulativeCash: [Double]
  /// Expected write-offs over the horizon.
  public var writeOffs: Double
  /// Expected open balance at the end.
  public var endingAR: Double
  /// Expected past-due balance at the end.
  public var pastDue: Double
  /// Expected 90+ balance at the end.
  public var d90Plus: Double
  /// Balance at the start per bucket.
  public var startByBucket: [Double]
  /// Share of each bucket's start balance eventually collected (`B = (I − Q)⁻¹ R`).
  public var eventualShareByBucket: [Double]

  /// Total expected cash over the horizon.
  public var totalCash: Double { cumulativeCash.last ?? 0 }

  /// The result as a table.
  public var table: String {
    func money(_ v: Double) -> String { Cents.displayWhole(Cents.nearest(v)) }
    var out =
      "Markov aging chain (Cyert, Davidson & Thompson 1962), closed form · start \(start) · "
      + "\(dailyCash.count) days\n"
      + "Invoices open at the start only; observed all-cause paid and write-off rates; no "
      + "policy effects.\n\n"
    var t = TextTable(header: ["expected", "value"])
    t.add(["Cash collected", money(totalCash)])
    t.add(["Written off", money(writeOffs)])
    t.add(["Ending AR", money(endingAR)])
    t.add(["Past due at the end", money(pastDue)])
    t.add(["90+ at the end", money(d90Plus)])
    out += t.rendered() + "\n"
    var b = TextTable(header: ["bucket at start", "balance", "eventually collected"])
    for k in 0..<AgingBucket.count where startByBucket[k] > 0 {
      b.add([
        AgingBucket.labels[k], money(startByBucket[k]),
        String(format: "%.1f%%", eventualShareByBucket[k] * 100),
      ])
    }
    out += b.rendered()
    return out
  }

  /// The result as JSON.
  public func json(scenario: String) -> JSONValue {
    func money(_ v: Double) -> JSONValue { .money(computed: v) }
    return .object([
      (
        "scenario",
        .object([
          ("name", .string(scenario)), ("method", .string("markov")),
          ("start", .string(start.description)), ("horizon_days", .int(dailyCash.count)),
        ])
      ),
      ("expected_cash", money(totalCash)), ("expected_write_offs", money(writeOffs)),
      ("ending_ar", money(endingAR)), ("past_due", money(pastDue)),
      ("d90_plus", money(d90Plus)),
      (
        "eventual_collection_share",
        .object(
          AgingBucket.labels.enumerated().map { k, label in
            (
              label,
              startByBucket[k] > 0
                ? .number((eventualShareByBucket[k] * 1e6).rounded() / 1e6) : .null
            )
          })
      ),
      (
        "daily_cumulative_cash",
        .object([
          ("days", .array((0..<dailyCash.count).map { .string((start + $0).description) })),
          ("expected", .array(cumulativeCash.map(money))),
        ])
      ),
    ])
  }
}
