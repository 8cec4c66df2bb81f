import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import Foundation

/// One fitted parameter: its value, the counts it rests on, and whether it is thin.
public struct Estimate: Sendable, Equatable {
  /// The value the simulator uses (after shrinkage for thin estimates).
  public var value: Double
  /// Numerator: events (payments, successes).
  public var events: Double
  /// Denominator: days at risk or trials.
  public var exposure: Double
  /// The value before shrinkage (events ÷ exposure), nil when the exposure is 0.
  public var raw: Double?
  /// Whether the estimate rests on too little data and was shrunk.
  public var thin: Bool

  /// An estimate.
  public init(value: Double, events: Double, exposure: Double, raw: Double?, thin: Bool) {
    self.value = value
    self.events = events
    self.exposure = exposure
    self.raw = raw
    self.thin = thin
  }

  /// A stated value that rests on no data (an assumption or an override).
  public static func assumed(_ value: Double) -> Estimate {
    Estimate(value: value, events: 0, exposure: 0, raw: nil, thin: false)
  }

  /// A binomial rate `hits ÷ trials`; with fewer than `threshold` trials it is topped up to
  /// `threshold` trials at the `prior` rate and flagged.
  public static func rate(hits: Double, trials: Double, threshold: Double, prior: Double)
    -> Estimate
  {
    let raw = trials > 0 ? hits / trials : nil
    guard trials < threshold else {
      return Estimate(value: raw!, events: hits, exposure: trials, raw: raw, thin: false)
    }
    let value = (hits + (threshold - trials) * prior) / threshold
    return Estimate(value: value, events: hits, exposure: trials, raw: raw, thin: true)
  }

  /// A daily hazard `events ÷ days at risk`; with fewer than `threshold` events it is topped
  /// up to `threshold` events at the `pooled` rate (pseudo-days `(threshold − events) ÷
  /// pooled`) and flagged.
  public static func hazard(events: Double, exposure: Double, threshold: Double, pooled: Double)
    -> Estimate
  {
    let raw = exposure > 0 ? events / exposure : nil
    guard events < threshold else {
      return Estimate(value: raw!, events: events, exposure: exposure, raw: raw, thin: false)
    }
    guard pooled > 0 else {
      return Estimate(value: raw ?? 0, events: events, exposure: exposure, raw: raw, thin: true)
    }
    let pseudo = threshold - events
    let value = threshold / (exposure + pseudo / pooled)
    return Estimate(value: value, events: events, exposure: exposure, raw: raw, thin: true)
  }
}

/// One step of a cadence: a contact on a channel at a days-past-due offset.
public struct CadenceStep: Sendable, Equatable, Hashable {
  /// Days past due (negative = before the due date).
  public var dpd: Int
  /// The channel.
  public var channel: Channel

  /// A step.
  public init(dpd: Int, channel: Channel) {
    self.dpd = dpd
    self.channel = channel
  }
}

/// A contact channel (the data contract's `activities.channel`).
public enum Channel: Int, Sendable, CaseIterable, Hashable {
  case call = 0
  case email = 1
  case sms = 2
  case letter = 3

  /// The vocabulary name.
  public var name: String { ["call", "email", "sms", "letter"][rawValue] }

  /// The channel of a vocabulary name.
  public init?(name: String) {
    guard let i = ["call", "email", "sms", "letter"].firstIndex(of: name) else { return nil }
    self.init(rawValue: i)
  }
}

/// Contact lifts: a reached contact multiplies the hazard by `1 + reached × exp(−t /
/// reachedDecayDays)` t days later, an unreached one by its own smaller term.
///
/// Lifts estimated from contact logs are confounded (reps choose whom to call, and call
/// those who have not paid), so these are stated assumptions, overridable in scenarios.
public struct Lifts: Sendable, Equatable {
  /// Jump of the hazard multiplier after a reached contact.
  public var reached: Double
  /// Decay (days) of the reached lift.
  public var reachedDecayDays: Double
  /// Jump after an unreached contact (voicemail, no answer, email without reply).
  public var unreached: Double
  /// Decay (days) of the unreached lift.
  public var unreachedDecayDays: Double

  /// Lifts.
  public init(
    reached: Double = 2.0, reachedDecayDays: Double = 7, unreached: Double = 0.3,
    unreachedDecayDays: Double = 3
  ) {
    self.reached = reached
    self.reachedDecayDays = reachedDecayDays
    self.unreached = unreached
    self.unreachedDecayDays = unreachedDecayDays
  }

  /// The default assumptions.
  public static let assumed = Lifts()
}

/// A distribution of whole days with weights (counts), sampled by inversion.
public struct DayDistribution: Sendable, Equatable {
  /// The values.
  public var days: [Int]
  /// Their weights.
  public var weights: [Double]

  /// A distribution.
  public init(days: [Int], weights: [Double]) {
    self.days = days
    self.weights = weights
  }

  /// Total weight.
  public var total: Double { weights.reduce(0, +) }

  /// The value at cumulative share `u` (0…1). O(values).
  public func sample(_ u: Double) -> Int {
    let t = total
    guard t > 0, !days.isEmpty else { return days.first ?? 0 }
    var acc = 0.0
    for (d, w) in zip(days, weights) {
      acc += w
      if u * t < acc { return d }
    }
    return days[days.count - 1]
  }

  /// The weighted median.
  public var median: Int { sample(0.5) }
}

/// An empirical continuous distribution stated by its quantiles at 0, 5, …, 100 %.
public struct QuantileDistribution: Sendable, Equatable {
  /// The 21 quantiles, ascending.
  public var quantiles: [Double]
  /// How many observations they rest on.
  public var count: Int

  /// A distribution.
  public init(quantiles: [Double], count: Int) {
    self.quantiles = quantiles
    self.count = count
  }

  /// The quantiles of `values` (NumPy linear), or a point mass at `fallback` when empty.
  public init(values: [Double], fallback: Double) {
    let s = values.sorted()
    quantiles = (0...20).map { Statistics.quantile(sorted: s, Double($0) / 20) ?? fallback }
    count = values.count
  }

  /// The value at cumulative share `u`, interpolating linearly between quantiles.
  public func value(at u: Double) -> Double {
    let pos = min(max(u, 0), 1) * Double(quantiles.count - 1)
    let lo = min(Int(pos), quantiles.count - 1)
    let hi = min(lo + 1, quantiles.count - 1)
    return quantiles[lo] + (quantiles[hi] - quantiles[lo]) * (pos - Double(lo))
  }

  /// The cumulative share at `x` (the inverse of ``value(at:)``).
  public func share(below x: Double) -> Double {
    guard let first = quantiles.first, let last = quantiles.last else { return 0 }
    if x <= first { return 0 }
    if x >= last { return 1 }
    for k in 1..<quantiles.count where x < quantiles[k] {
      let a = quantiles[k - 1]
      let b = quantiles[k]
      let f = b > a ? (x - a) / (b - a) : 0
      return (Double(k - 1) + f) / Double(quantiles.count - 1)
    }
    return 1
  }
}

/// Every parameter of the cadence simulator, fitted from the store with data up to a day
/// (simulation.md, "Calibration").
///
/// Payment hazards come from a life table: each invoice contributes its days at risk, per
/// segment and bucket, from its issue date until it is paid in full (an event), written off
/// or credited (a competing event), or still open at the cutoff (censored, not dropped).
/// Days blocked by an open dispute, and the due date of an auto-pay customer's invoice
/// (which has its own rule), are not at risk. Payments that keep a promise are the promise
/// process's, not the hazard's. Each day at risk is weighted by the contact lift the
/// simulator will apply on it, so that the observed cadence simulated with the assumed
/// lifts reproduces the observed payment rates ("lift-adjusted exposure"). Cells with fewer
/// than ``thinThreshold`` events are topped up to that many events at the pooled bucket
/// rate and flagged.
public struct Calibration: Sendable {
  /// The last day of data used.
  public var until: Day
  /// Segment names (customers without one are "unassigned").
  public var segments: [String]
  /// Base daily payment hazard per segment and bucket (lift-adjusted, shrunk).
  public var hazard: [[Estimate]]
  /// Observed all-cause daily rate of paying in full per segment and bucket: the roll rate
  /// into "paid" of the Markov aging chain.
  public var paidRate: [[Estimate]]
  /// Daily write-off hazard per bucket (all segments).
  public var writeOff: [Estimate]
  /// Share of outbound contacts that reach the customer, per channel.
  public var reach: [Estimate]
  /// Share of reached outbound contacts that end in a promise to pay.
  public var pPromise: Estimate
  /// Share of due promises kept by kpis.md's rule (payments of the customer in [made_on,
  /// promised_on + 3] adding up to the promised amount).
  public var pKeptObserved: Estimate
  /// Probability that a promise is kept by the promise process itself: the observed kept
  /// rate less the payments the hazard would have brought in the window anyway,
  /// `(kept − q̄) ÷ (1 − q̄)` with `q̄` the mean probability, under the fitted hazards and
  /// lifts, that the invoice is paid in its promise window.
  public var pKept: Estimate
  /// Share of reached outbound contacts without a promise that raise a dispute.
  public var pDispute: Estimate
  /// Share of reached outbound calls (no promise, no dispute) of customers not on auto-pay
  /// that enrol.
  public var pAutopayAccept: Estimate
  /// Share of auto-pay customers' invoices paid on the due date.
  public var autopayOnTime: Estimate
  /// Share of cadence tasks (call, email, follow-up) that are ever done.
  public var completion: Estimate
  /// Days from a promise to its promised date.
  public var promiseLeadDays: DayDistribution
  /// Resolution time of closed cases, days.
  public var resolutionDays: QuantileDistribution
  /// The contact lifts (assumptions).
  public var lifts: Lifts
  /// A naive estimate of the reached-contact lift (confounded; shown, not used).
  public var naiveReachedLift: Estimate?
  /// Whether `lifts.reached` was estimated (``LiftEstimator``) rather than assumed.
  public var reachedLiftEstimated = false
  /// The cadence the team follows, inferred from tasks.
  public var cadence: [CadenceStep]
  /// After the last step, a contact every this many days (nil: none).
  public var repeatEveryDays: Int?
  /// The channel of the repeat.
  public var repeatChannel: Channel
  /// Reps with outbound calls in the last 30 days.
  public var reps: Int
  /// Median outbound calls per day over the last 90 days with calls ÷ reps (typical
  /// throughput).
  public var callsPerRepPerDay: Double
  /// Log-scale σ of the portfolio shock (weeks in `exposure`).
  public var shockSigma: Estimate
  /// Customers with a billing cadence (two or more invoices, billed recently).
  public var billedCustomers: Int
  /// Median days between a customer's invoices.
  public var medianBillingGapDays: Double
  /// The thin threshold (events or trials).
  public var thinThreshold: Int
  /// Per-customer counts for the bootstrap (only when fitted from the store).
  public var sample: CalibrationSample?
  /// Per bucket, the bucket whose pooled rate thin hazard cells were topped up with (itself
  /// when its pooled rate rests on ``thinThreshold`` payments or more, the nearest such
  /// bucket otherwise), or −1 when no bucket has that many; empty when not fitted.
  public var hazardPrior: [Int] = []
  /// Each customer's payment-hazard multiplier (``Frailty``), by ledger customer index;
  /// empty when not fitted from the store (a calibration file carries none): every
  /// customer then pays at its segment's hazard.
  public var frailty: [Double] = []
  /// The shape α of the frailty prior Gamma(α, α) (variance 1 ÷ α); nil when the customers
  /// show no more spread than chance (every multiplier is 1) or when not fitted.
  public var frailtyShape: Double?
  /// Per ``HazardBand``, the factor on its bucket's hazard (the band's payment rate over its
  /// bucket's, pooled over segments, on frailty-weighted days at risk; a band with fewer than
  /// ``thinThreshold`` payments is topped up at its bucket's rate, so its factor moves towards
  /// 1). Empty: every factor 1.
  public var bandFactor: [Estimate] = []

  /// Every hazard cell that is 0 or rests on fewer than ``thinThreshold`` payments, with the
  /// value used instead, one line each (calibrate, simulate, backtest and accuracy print
  /// them on stderr).
  public var warnings: [String] {
    var out: [String] = []
    let labels = AgingBucket.labels
    for (s, row) in hazard.enumerated() {
      for (b, e) in row.enumerated() where e.value == 0 || e.events < Double(thinThreshold) {
        let cell = "hazard \(segments[s]) \(labels[b])"
        let count =
          "\(Int(e.events)) payments in \(Int(e.exposure.rounded())) days at risk (fewer than "
          + "\(thinThreshold))"
        let prior = b < hazardPrior.count ? hazardPrior[b] : -1
        if e.value == 0 {
          out.append("\(cell) is 0, resting on \(count): its invoices never pay")
        } else if prior >= 0 {
          let source = prior == b ? "" : " \(labels[prior])"
          out.append(
            "\(cell) rests on \(count): using \(String(format: "%.4f", e.value)), the pooled"
              + "\(source) rate" + (e.events > 0 ? " topped up to \(thinThreshold) payments" : ""))
        }
      }
    }
    return out
  }

  /// The prior each bucket's thin hazard cells are shrunk towards: the bucket's rate pooled
  /// over segments when it rests on `threshold` payments or more, otherwise the pooled rate of
  /// the nearest bucket that does (the younger one on a tie), otherwise the bucket's own
  /// pooled rate. `events` and `exposure` hold `segments` rows of ``AgingBucket/count``
  /// cells. Returns the rates and, per bucket, the bucket they come from (−1 for none).
  /// O(segments · buckets + buckets²).
  public static func pooledPriors(
    events: [Double], exposure: [Double], segments: Int, threshold: Double
  ) -> (rates: [Double], source: [Int]) {
    let nb = AgingBucket.count
    var e = [Double](repeating: 0, count: nb)
    var x = [Double](repeating: 0, count: nb)
    for t in 0..<segments {
      for b in 0..<nb {
        e[b] += events[t * nb + b]
        x[b] += exposure[t * nb + b]
      }
    }
    var rates = [Double](repeating: 0, count: nb)
    var source = [Int](repeating: -1, count: nb)
    for b in 0..<nb {
      let order = [b] + (1..<nb).flatMap { k in [b - k, b + k] }
      if let near = order.first(where: { $0 >= 0 && $0 < nb && e[$0] >= threshold && x[$0] > 0 }) {
        rates[b] = e[near] / x[near]
        source[b] = near
      } else {
        rates[b] = x[b] > 0 ? e[b] / x[b] : 0
      }
    }
    return (rates, source)
  }

  /// Default rates used as priors for thin rates and for channels without data.
  public static let priors: [String: Double] = [
    "reach_call": 0.35, "reach_email": 0.05, "reach_sms": 0.05, "reach_letter": 0.02,
    "p_promise": 0.4, "p_kept": 0.7, "p_dispute": 0.1, "p_autopay_accept": 0.1,
    "autopay_on_time": 0.95, "completion": 0.9,
  ]
}

/// Per-customer sufficient statistics of the calibration, for the customer bootstrap of
/// `parameter_uncertainty: true` (Efron 1979; here the Poisson bootstrap, weights ~ Poisson(1)).
public struct CalibrationSample: Sendable {
  /// Segment index of each customer.
  public var customerSegment: [Int32]
  /// Hazard events per customer and bucket (`customer × 7 + bucket`).
  public var events: [Float]
  /// Lift-adjusted days at risk per customer and bucket.
  public var exposure: [Float]
  /// Binomial counts per customer: hits and trials of ``rateNames`` (`customer × n + k`).
  public var hits: [Float]
  /// Trials per customer and rate.
  public var trials: [Float]
  /// The rates carried: reach_call, reach_email, p_promise, p_kept, p_dispute,
  /// p_autopay_accept.
  public static let rateNames = [
    "reach_call", "reach_email", "p_promise", "p_kept", "p_dispute", "p_autopay_accept",
  ]

  /// Number of segments.
  public var segments: Int
  /// The thin threshold of the calibration.
  public var thinThreshold: Double
  /// A scenario's `hazard_multiplier`, applied to the resampled hazards.
  public var hazardMultiplier: Double = 1

  /// Number of customers.
  public var customers: Int { customerSegment.count }
}

extension Calibration {
  /// Fits every parameter from `ledger` (and its invoice links) with data up to and
  /// including `until`. O(invoice-days + rows).
  public static func fit(
    ledger l: Ledger, links: InvoiceLinks, until: Day, lifts: Lifts = .assumed,
    thinThreshold: Int = 30
  ) -> Calibration {
    let u = until.rawValue
    let th = Double(thinThreshold)
    let segs = segmentIndex(l)
    let nSeg = segs.names.count
    let nCust = l.customerIds.count
    let nInv = l.invoiceAmount.count
    let nb = AgingBucket.count

    // Per-invoice lists from the links.
    let actIdx = ranges(links.activityInvoice, count: nInv)
    let proIdx = ranges(links.promiseInvoice, count: nInv)
    var caseSpans = [[(Int32, Int32)]](repeating: [], count: nInv)
    for k in l.caseInvoice.indices where l.caseInvoice[k] >= 0 {
      let opened = Timestamp(seconds: l.caseOpenedAt[k]).day.rawValue
      guard opened <= u else { continue }
      let closed = l.caseClosedAt[k].map { Timestamp(seconds: $0).day.rawValue } ?? Int32.max
      caseSpans[Int(l.caseInvoice[k])].append((opened, closed))
    }

    var allPaid = [Double](repeating: 0, count: nSeg * nb)
    var allDays = [Double](repeating: 0, count: nSeg * nb)
    var woEvents = [Double](repeating: 0, count: nb)
    var woDays = [Double](repeating: 0, count: nb)
    var autopayTrials = 0.0
    var autopayHits = 0.0
    var custEvents = [Float](repeating: 0, count: nCust * nb)
    // Days at risk are summed in Double and stored as Float: a Float sum stops growing at
    // 2^24 (16,777,216 days in one customer's cell, 100,000 invoices 168 days into 91+) and
    // rounds fractional lift-adjusted days long before.
    var custExposureSum = [Double](repeating: 0, count: nCust * nb)
    let nk = HazardBand.count
    var bandEvents = [Float](repeating: 0, count: nCust * nk)
    var bandExposureSum = [Double](repeating: 0, count: nCust * nk)
    // Naive lift: days 1–7 after a reached contact vs days with no contact in 21 days.
    var liftA = [Double](repeating: 0, count: nSeg * nb * 2)  // events, days
    var liftB = [Double](repeating: 0, count: nSeg * nb * 2)
    let rDecay = exp(-1 / lifts.reachedDecayDays)
    let qDecay = exp(-1 / lifts.unreachedDecayDays)

    for i in 0..<nInv where l.invoiceIssued[i] <= u {
      let c = Int(l.invoiceCustomer[i])
      let s = Int(segs.ofCustomer[c])
      let issued = l.invoiceIssued[i]
      let due = l.invoiceDue[i]
      // How the invoice closed, if it did by `until`.
      var bal = l.invoiceAmount[i]
      var closeDay = Int32.max
      var closeKind = Ledger.EventKind.payment
      for k in Int(l.invoiceEventStart[i])..<Int(l.invoiceEventStart[i + 1]) {
        guard l.eventDay[k] <= u else { break }
        bal -= l.eventAmount[k]
        if bal <= 0 {
          closeDay = max(l.eventDay[k], issued)
          closeKind = l.eventKind[k]
          break
        }
      }
      let last = min(closeDay, u)
      // Promise windows (made + 1 … promised + 3) belong to the promise process.
      let windows = proIdx[i].map {
        (
          links.promiseMade[$0] + 1,
          KPIEngine.promiseWindowEnd(promisedOn: links.promisePromised[$0])
        )
      }
      var ek = Int(l.invoiceEventStart[i])
      let eEnd = Int(l.invoiceEventStart[i + 1])
      let spans = caseSpans[i]
      var r = 0.0
      var q = 0.0
      var lastReached = Int32.min
      var lastContact = Int32.min
      var ak = actIdx[i].lowerBound
      let aEnd = actIdx[i].upperBound
      var d = issued
      while d <= last {
        // Lifts applying on day d: contacts up to d − 1, decayed.
        r *= rDecay
        q *= qDecay
        while ak < aEnd, links.activityDay[ak] < d {
          if links.activityOutbound[ak] {
            let age = Double(d - links.activityDay[ak])
            let outcome = links.activityOutcome[ak]
            if Vocabulary.reachedOutcomes.contains(outcome) {
              r += lifts.reached * exp(-age / lifts.reachedDecayDays)
              lastReached = links.activityDay[ak]
            } else {
              q += lifts.unreached * exp(-age / lifts.unreachedDecayDays)
            }
            lastContact = links.activityDay[ak]
          }
          ak += 1
        }
        // A dispute resolved (closed) on day c engages the customer like a reached contact
        // on day c + 1.
        for span in spans where span.1 != Int32.max && span.1 + 2 == d {
          r += lifts.reached * exp(-1 / lifts.reachedDecayDays)
        }
        if r + q < 1e-3 {
          r = 0
          q = 0
        }
        let b = AgingBucket.of(dpd: d - due)
        let cell = s * nb + b
        let paidToday = d == closeDay && closeKind == .payment
        // Any payment today (a partial one too): the hazard fired.
        var paymentToday = false
        while ek < eEnd, l.eventDay[ek] <= d {
          if l.eventDay[ek] == d || (l.eventDay[ek] < issued && d == issued) {
            if l.eventKind[ek] == .payment { paymentToday = true }
          }
          ek += 1
        }
        allDays[cell] += 1
        if paidToday { allPaid[cell] += 1 }
        woDays[b] += 1
        if d == closeDay, closeKind == .writeOff { woEvents[b] += 1 }
        let blocked = spans.contains { $0.0 < d && d <= $0.1 }
        if blocked {
          d += 1
          continue
        }
        if d == due, l.autopayEnrolled(c, at: d) {
          autopayTrials += 1
          if paidToday { autopayHits += 1 }
          d += 1
          continue
        }
        if windows.contains(where: { $0.0 <= d && d <= $0.1 }) {
          d += 1
          continue
        }
        let m = 1 + r + q
        let hit = paymentToday
        custExposureSum[c * nb + b] += m
        let k = HazardBand.of(dpd: d - due)
        bandExposureSum[c * nk + k] += m
        if hit {
          custEvents[c * nb + b] += 1
          bandEvents[c * nk + k] += 1
        }
        if b >= 1 {
          if lastReached != Int32.min, d - lastReached >= 1, d - lastReached <= 7 {
            liftA[cell * 2] += hit ? 1 : 0
            liftA[cell * 2 + 1] += 1
          } else if lastContact == Int32.min || d - lastContact > 21 {
            liftB[cell * 2] += hit ? 1 : 0
            liftB[cell * 2 + 1] += 1
          }
        }
        d += 1
      }
    }

    // Hazards, shrunk towards the pooled bucket rate. When the pooled rate itself rests on
    // fewer than `th` payments (one segment: the same thin cell), the prior is the pooled rate
    // of the nearest bucket that has `th` (the younger one on a tie): an empty 61–90 cell
    // then pays like the oldest bucket with data instead of never.
    let custExposure = custExposureSum.map(Float.init)
    let bandExposure = bandExposureSum.map(Float.init)
    let pooledPaid = pooledPriors(
      events: allPaid, exposure: allDays, segments: nSeg, threshold: th)
    // Payment hazards with a customer frailty each (Frailty): the segment hazard is refitted
    // given the customers' multipliers.
    let frailty = Frailty.fit(
      events: custEvents, exposure: custExposure, segmentOf: segs.ofCustomer, segments: nSeg,
      threshold: th, bandEvents: bandEvents, bandExposure: bandExposure)
    let hazard = frailty.hazard
    let bandFactor = frailty.bandFactor
    var paidRate: [[Estimate]] = []
    for s in 0..<nSeg {
      paidRate.append(
        (0..<nb).map { b in
          .hazard(
            events: allPaid[s * nb + b], exposure: allDays[s * nb + b], threshold: th,
            pooled: pooledPaid.rates[b])
        })
    }
    let woTotal = woEvents.reduce(0, +)
    let woDaysTotal = woDays.reduce(0, +)
    // Write-offs are rare and bucket-specific (a zero is meaningful): no shrinkage; thin
    // only when the bucket has fewer than 1,000 days at risk.
    let writeOff = (0..<nb).map { b in
      let raw =
        woDays[b] > 0 ? woEvents[b] / woDays[b] : (woDaysTotal > 0 ? woTotal / woDaysTotal : 0)
      return Estimate(
        value: raw, events: woEvents[b], exposure: woDays[b], raw: raw, thin: woDays[b] < 1000)
    }

    // Background payments in promise windows, for the promise process's own kept rate.
    var qSum = 0.0
    var qCount = 0.0
    for k in links.promiseInvoice.indices
    where links.promiseMade[k] <= u
      && KPIEngine.promiseWindowEnd(promisedOn: links.promisePromised[k]) <= u
    {
      let i = Int(links.promiseInvoice[k])
      let s = Int(segs.ofCustomer[Int(l.invoiceCustomer[i])])
      let due = l.invoiceDue[i]
      var survive = 1.0
      var d = links.promiseMade[k] + 1
      while d <= KPIEngine.promiseWindowEnd(promisedOn: links.promisePromised[k]) {
        var m = 1.0
        for a in actIdx[i] where links.activityOutbound[a] && links.activityDay[a] < d {
          let age = Double(d - links.activityDay[a])
          m +=
            Vocabulary.reachedOutcomes.contains(links.activityOutcome[a])
            ? lifts.reached * exp(-age / lifts.reachedDecayDays)
            : lifts.unreached * exp(-age / lifts.unreachedDecayDays)
        }
        for span in caseSpans[i] where span.1 != Int32.max && span.1 + 1 < d {
          m += lifts.reached * exp(-Double(d - span.1 - 1) / lifts.reachedDecayDays)
        }
        let h = min(0.95, hazard[s][AgingBucket.of(dpd: d - due)].value * m)
        survive *= 1 - h
        d += 1
      }
      qSum += 1 - survive
      qCount += 1
    }
    let qMean = qCount > 0 ? qSum / qCount : 0

    // Naive lift (Mantel–Haenszel rate ratio over segment × bucket strata).
    var num = 0.0
    var den = 0.0
    var naiveEvents = 0.0
    for cell in 0..<(nSeg * nb) {
      let (ea, xa, eb, xb) = (
        liftA[cell * 2], liftA[cell * 2 + 1], liftB[cell * 2], liftB[cell * 2 + 1]
      )
      guard xa > 0, xb > 0 else { continue }
      num += ea * xb / (xa + xb)
      den += eb * xa / (xa + xb)
      naiveEvents += ea
    }
    var naive: Estimate?
    if den > 0 {
      let ratio = num / den
      let meanDecay = (1...7).map { exp(-Double($0) / lifts.reachedDecayDays) }.reduce(0, +) / 7
      let v = (ratio - 1) / meanDecay
      naive = Estimate(
        value: v, events: naiveEvents, exposure: 0, raw: v, thin: naiveEvents < th)
    }

    // Contacts and their outcomes, per customer for the bootstrap.
    let nr = CalibrationSample.rateNames.count
    var hits = [Float](repeating: 0, count: nCust * nr)
    var trials = [Float](repeating: 0, count: nCust * nr)
    var reachHits = [Double](repeating: 0, count: 4)
    var reachTrials = [Double](repeating: 0, count: 4)
    var reached = 0.0
    var promises = 0.0
    var disputes = 0.0
    var apTrials = 0.0
    var apHits = 0.0
    for k in l.activityDay.indices where l.activityDay[k] <= u && l.activityOutbound[k] {
      let c = Int(l.activityCustomer[k])
      let ch = Int(l.activityChannel[k].rawValue)
      let ok = l.activityReached[k]
      reachTrials[ch] += 1
      if ok { reachHits[ch] += 1 }
      if ch <= 1 {
        trials[c * nr + ch] += 1
        if ok { hits[c * nr + ch] += 1 }
      }
      guard ok else { continue }
      let outcome = l.activityOutcome[k]
      reached += 1
      trials[c * nr + 2] += 1
      if outcome == "promise_to_pay" {
        promises += 1
        hits[c * nr + 2] += 1
        continue
      }
      trials[c * nr + 4] += 1
      if outcome == "dispute" {
        disputes += 1
        hits[c * nr + 4] += 1
        continue
      }
      if l.activityChannel[k] == .call, !l.autopayEnrolled(c, at: l.activityDay[k] - 1) {
        apTrials += 1
        trials[c * nr + 5] += 1
        if outcome == "autopay_enrolled" {
          apHits += 1
          hits[c * nr + 5] += 1
        }
      }
    }
    let p = Calibration.priors
    let reach = Channel.allCases.map { ch in
      Estimate.rate(
        hits: reachHits[ch.rawValue], trials: reachTrials[ch.rawValue], threshold: th,
        prior: p["reach_" + ch.name]!)
    }

    // Promises: kept by kpis.md's rule, and their lead times.
    var keptHits = 0.0
    var keptTrials = 0.0
    var leadCounts: [Int: Double] = [:]
    for k in l.promiseMade.indices where l.promiseMade[k] <= u {
      let lead = Int(l.promisePromised[k] - l.promiseMade[k])
      leadCounts[min(lead, 90), default: 0] += 1
      guard KPIEngine.promiseWindowEnd(promisedOn: l.promisePromised[k]) <= u else { continue }
      let c = Int(l.promiseCustomer[k])
      let paid = l.customerPayments(
        c, from: l.promiseMade[k], to: KPIEngine.promiseWindowEnd(promisedOn: l.promisePromised[k]))
      keptTrials += 1
      trials[c * nr + 3] += 1
      if paid >= l.promiseAmount[k] {
        keptHits += 1
        hits[c * nr + 3] += 1
      }
    }
    let keptObserved = Estimate.rate(
      hits: keptHits, trials: keptTrials, threshold: th, prior: p["p_kept"]!)
    let leads = leadCounts.keys.sorted()
    let leadDist =
      leads.isEmpty
      ? DayDistribution(days: [7], weights: [1])
      : DayDistribution(days: leads, weights: leads.map { leadCounts[$0]! })

    // Cases: resolution times of closed cases.
    var resolution: [Double] = []
    for k in l.caseOpenedAt.indices {
      guard let closed = l.caseClosedAt[k], Timestamp(seconds: closed).day.rawValue <= u else {
        continue
      }
      resolution.append(Double(closed - l.caseOpenedAt[k]) / 86_400)
    }

    // Tasks: the observed cadence and how many tasks get done.
    let inferred = inferCadence(ledger: l, links: links, until: u)
    var doneTrials = 0.0
    var doneHits = 0.0
    for k in links.taskDue.indices where links.taskDue[k] <= u - 14 {
      let kind = links.taskKind[k]
      guard kind == "call" || kind == "email" || kind == "follow_up" else { continue }
      doneTrials += 1
      if links.taskCompleted[k] <= u { doneHits += 1 }
    }

    // Capacity: typical throughput, the median of the last 90 days with calls per rep who
    // called in the last 30 (the busiest day overstates what the team makes on a normal day,
    // so capacity never bound).
    var callReps = Set<Int32>()
    var callsPerDay: [Int32: Int] = [:]
    for k in l.activityDay.indices
    where l.activityOutbound[k] && l.activityChannel[k] == .call && l.activityDay[k] <= u {
      let d = l.activityDay[k]
      if d > u - 30 { callReps.insert(l.activityRep[k]) }
      if d > u - 90 { callsPerDay[d, default: 0] += 1 }
    }
    let reps = callReps.count
    let typical = Statistics.median(callsPerDay.values.map(Double.init)) ?? 0
    let perRep = reps > 0 ? (typical / Double(reps) * 100).rounded() / 100 : 0

    // Billing cadence.
    let billing = BillingCadence.fit(ledger: l, until: until)
    let gaps = billing.gap.enumerated().compactMap { $0.element > 0 ? Double($0.element) : nil }

    return Calibration(
      until: until, segments: segs.names, hazard: hazard, paidRate: paidRate,
      writeOff: writeOff, reach: reach,
      pPromise: .rate(hits: promises, trials: reached, threshold: th, prior: p["p_promise"]!),
      pKeptObserved: keptObserved,
      pKept: Estimate(
        value: min(1, max(0, (keptObserved.value - qMean) / max(1e-9, 1 - qMean))),
        events: keptHits, exposure: keptTrials, raw: keptObserved.raw, thin: keptObserved.thin),
      pDispute: .rate(
        hits: disputes, trials: reached - promises, threshold: th, prior: p["p_dispute"]!),
      pAutopayAccept: .rate(
        hits: apHits, trials: apTrials, threshold: th, prior: p["p_autopay_accept"]!),
      autopayOnTime: .rate(
        hits: autopayHits, trials: autopayTrials, threshold: th, prior: p["autopay_on_time"]!),
      completion: .rate(
        hits: doneHits, trials: doneTrials, threshold: th, prior: p["completion"]!),
      promiseLeadDays: leadDist,
      resolutionDays: QuantileDistribution(values: resolution, fallback: 7),
      lifts: lifts, naiveReachedLift: naive, cadence: inferred.steps,
      repeatEveryDays: inferred.repeatEvery, repeatChannel: inferred.repeatChannel, reps: reps,
      callsPerRepPerDay: perRep, shockSigma: shockSigma(ledger: l, until: u),
      billedCustomers: gaps.count, medianBillingGapDays: Statistics.median(gaps) ?? 0,
      thinThreshold: thinThreshold,
      sample: CalibrationSample(
        customerSegment: segs.ofCustomer, events: custEvents,
        exposure: custExposure.indices.map {
          custExposure[$0] * Float(frailty.multiplier[$0 / nb])
        }, hits: hits, trials: trials, segments: nSeg, thinThreshold: th),
      hazardPrior: frailty.prior, frailty: frailty.multiplier, frailtyShape: frailty.shape,
      bandFactor: bandFactor)
  }

  /// The factor of each ``HazardBand`` on its bucket's hazard: the band's payment rate over
  /// its bucket's, all segments together, on days at risk weighted by the customer's frailty
  /// (so that Σ factor × days = days over a bucket's bands and the bucket hazards keep their
  /// meaning). A band with fewer than `threshold` payments is topped up to `threshold` at its
  /// bucket's rate, as thin hazard cells are, and then a bucket's factors are rescaled so
  /// that Σ factor × days = the bucket's days; a band without days at risk, or whose bucket
  /// has no payments, gets 1. `events` and `exposure` are per customer and band.
  /// O(customers · bands).
  static func bandFactors(
    events: [Float], exposure: [Float], multiplier z: [Double], threshold: Double
  ) -> [Estimate] {
    let nk = HazardBand.count
    var ev = [Double](repeating: 0, count: nk)
    var ex = [Double](repeating: 0, count: nk)
    for c in z.indices {
      for k in 0..<nk {
        ev[k] += Double(events[c * nk + k])
        ex[k] += z[c] * Double(exposure[c * nk + k])
      }
    }
    var bucketEv = [Double](repeating: 0, count: AgingBucket.count)
    var bucketEx = [Double](repeating: 0, count: AgingBucket.count)
    for k in 0..<nk {
      bucketEv[HazardBand.bucket[k]] += ev[k]
      bucketEx[HazardBand.bucket[k]] += ex[k]
    }
    var out: [Estimate] = (0..<nk).map { k in
      let b = HazardBand.bucket[k]
      guard ex[k] > 0, bucketEv[b] > 0 else {
        return Estimate(value: 1, events: ev[k], exposure: ex[k], raw: nil, thin: true)
      }
      let parent = bucketEv[b] / bucketEx[b]
      let e = Estimate.hazard(events: ev[k], exposure: ex[k], threshold: threshold, pooled: parent)
      return Estimate(
        value: e.value / parent, events: ev[k], exposure: ex[k], raw: e.raw.map { $0 / parent },
        thin: e.thin)
    }
    // Topping thin bands up breaks Σ factor × days = days; rescale each bucket's factors so
    // that its bands together pay exactly the bucket's payments (otherwise the frailty fit,
    // which counts expected payments band by band, drifts).
    for b in 0..<AgingBucket.count {
      let ks = (0..<nk).filter { HazardBand.bucket[$0] == b }
      let weighted = ks.reduce(0.0) { $0 + out[$1].value * ex[$1] }
      guard weighted > 0, bucketEx[b] > 0 else { continue }
      for k in ks { out[k].value *= bucketEx[b] / weighted }
    }
    return out
  }

  /// Segment names (sorted; "unassigned" for customers without one) and each customer's
  /// segment index.
  public static func segmentIndex(_ l: Ledger) -> (names: [String], ofCustomer: [Int32]) {
    let names = Array(Set(l.customerSegments.map { $0 ?? "unassigned" })).sorted()
    var lookup: [String: Int32] = [:]
    for (k, n) in names.enumerated() { lookup[n] = Int32(k) }
    return (names, l.customerSegments.map { lookup[$0 ?? "unassigned"]! })
  }

  /// Positions of each owner's rows in a list sorted by owner.
  static func ranges(_ owners: [Int32], count: Int) -> [Range<Int>] {
    var start = [Int](repeating: 0, count: count + 1)
    for o in owners where o >= 0 { start[Int(o) + 1] += 1 }
    for k in 0..<count { start[k + 1] += start[k] }
    return (0..<count).map { start[$0]..<start[$0 + 1] }
  }

  /// The cadence the team follows: (dpd, channel) pairs at which at least half of the
  /// invoices still open that day got a call or email task, and a repeat when the last
  /// three or more steps are evenly spaced on one channel.
  static func inferCadence(ledger l: Ledger, links: InvoiceLinks, until u: Int32)
    -> (steps: [CadenceStep], repeatEvery: Int?, repeatChannel: Channel)
  {
    let lo: Int32 = -30
    let hi: Int32 = 400
    let width = Int(hi - lo + 1)
    var eligible = [Double](repeating: 0, count: width + 1)
    var tasks = [[Double]](repeating: [Double](repeating: 0, count: width), count: 2)
    // Open at the end of each dpd: from issue to the day before it closed, up to `until`.
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= u {
      var bal = l.invoiceAmount[i]
      var closeDay = Int32.max
      for k in Int(l.invoiceEventStart[i])..<Int(l.invoiceEventStart[i + 1]) {
        guard l.eventDay[k] <= u else { break }
        bal -= l.eventAmount[k]
        if bal <= 0 {
          closeDay = l.eventDay[k]
          break
        }
      }
      let due = l.invoiceDue[i]
      let first = max(l.invoiceIssued[i] - due, lo)
      let last = min(min(closeDay == Int32.max ? u : closeDay - 1, u) - due, hi)
      guard first <= last else { continue }
      eligible[Int(first - lo)] += 1
      eligible[Int(last - lo) + 1] -= 1
    }
    for k in 1...width { eligible[k] += eligible[k - 1] }
    for k in links.taskDue.indices where links.taskDue[k] <= u {
      let kind = links.taskKind[k]
      guard kind == "call" || kind == "email" else { continue }
      let dpd = links.taskDue[k] - l.invoiceDue[Int(links.taskInvoice[k])]
      guard dpd >= lo, dpd <= hi else { continue }
      tasks[kind == "call" ? 0 : 1][Int(dpd - lo)] += 1
    }
    var steps: [CadenceStep] = []
    for k in 0..<width where eligible[k] >= 20 {
      for ch in 0..<2 where tasks[ch][k] / eligible[k] >= 0.5 {
        steps.append(CadenceStep(dpd: Int(lo) + k, channel: ch == 0 ? .call : .email))
      }
    }
    // A repeat: the longest run of evenly spaced steps on one channel at the end.
    var repeatEvery: Int?
    var repeatChannel = Channel.call
    if steps.count >= 3 {
      let tail = steps[steps.count - 1]
      let gap = tail.dpd - steps[steps.count - 2].dpd
      var run = 1
      var k = steps.count - 1
      while k > 0, steps[k].dpd - steps[k - 1].dpd == gap, steps[k - 1].channel == tail.channel {
        run += 1
        k -= 1
      }
      if run >= 3, gap >= 2 {
        repeatEvery = gap
        repeatChannel = tail.channel
      }
    }
    return (steps, repeatEvery, repeatChannel)
  }

  /// σ of the portfolio shock: the week-to-week variability of log collections beyond what
  /// payment-level randomness explains. With weekly cash `c_w`, `r_w = ln(c_w ÷ c_{w−1})`,
  /// a robust variance `v = (1.4826 · MAD(r))²` and the sampling variance of a week's log
  /// cash `n_w = Σa² ÷ (Σa)²` (compound Poisson), σ² = max(0, v ÷ 2 − mean(n_w)). Uses the
  /// last 52 complete Monday–Sunday weeks.
  static func shockSigma(ledger l: Ledger, until u: Int32) -> Estimate {
    // Monday of the week containing `until`; complete weeks end before it (or at `until`).
    let weekday = Int32(Day(rawValue: u).weekdayFromMonday)
    let lastEnd = weekday == 6 ? u : u - weekday - 1
    let weeks = 52
    let firstStart = lastEnd - Int32(weeks * 7) + 1
    var sum = [Double](repeating: 0, count: weeks)
    var sq = [Double](repeating: 0, count: weeks)
    for k in l.paymentReceived.indices {
      let d = l.paymentReceived[k]
      guard d >= firstStart, d <= lastEnd else { continue }
      let w = Int((d - firstStart) / 7)
      let a = Double(l.paymentAmount[k])
      sum[w] += a
      sq[w] += a * a
    }
    var r: [Double] = []
    var noise: [Double] = []
    for w in 1..<weeks where sum[w] > 0 && sum[w - 1] > 0 {
      r.append(log(sum[w] / sum[w - 1]))
      noise.append(sq[w] / (sum[w] * sum[w]))
    }
    guard r.count >= 8, let med = Statistics.median(r) else {
      return Estimate(
        value: 0, events: Double(r.count), exposure: Double(r.count), raw: nil, thin: true)
    }
    let mad = Statistics.median(r.map { abs($0 - med) }) ?? 0
    let v = pow(1.4826 * mad, 2)
    let n = Statistics.mean(noise) ?? 0
    let sigma = max(0, v / 2 - n).squareRoot()
    return Estimate(
      value: sigma, events: Double(r.count), exposure: Double(r.count), raw: sigma,
      thin: r.count < 26)
  }
}
