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
  /// The per-customer payment delay (``DelayShift``), by ledger customer index; nil when not
  /// fitted from the store (a calibration file carries only its `k` and count).
  public var delay: DelayShift.Fit?
  /// The delay shift's credibility constant `k` (a customer with `n` paid invoices moves
  /// `n ÷ (n + k)` of the way from its segment to its own delay); nil when the customers
  /// spread no more than chance, or when not fitted.
  public var delayCredibility: Double?
  /// Customers whose paid history the delay shifts rest on.
  public var delayShiftCustomers = 0

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

  /// `lines` (``warnings`` and others) for a terminal: at most `limit` of the hazard cells'
  /// lines, then one line counting the rest; other lines all kept. A book of 300 segments can
  /// have 2,100 thin cells, and a screen of them hides every other message.
  public static func shortened(_ lines: [String], limit: Int = 12) -> [String] {
    let cells = lines.filter { $0.hasPrefix("hazard ") }
    guard cells.count > limit else { return lines }
    var kept = 0
    var out: [String] = []
    for line in lines {
      if line.hasPrefix("hazard ") {
        kept += 1
        guard kept <= limit else { continue }
      }
      out.append(line)
      if kept == limit, line.hasPrefix("hazard ") {
        out.append(
          "… and \(cells.count - limit) more thin or zero hazard cells (`arcadence calibrate` "
            + "writes every cell's counts)")
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
  /// including `until`, one process at a time (``CalibrationFitters``: the life table and
  /// hazards, the naive lift, contacts, promises, cases, tasks, capacity, billing and the
  /// portfolio shock). With `delayShift`, each customer's payment clock is shifted by its own
  /// delay (``DelayShift``; off by default: see its measured effect). O(invoice-days + rows).
  public static func fit(
    ledger l: Ledger, links: InvoiceLinks, until: Day, lifts: Lifts = .assumed,
    thinThreshold: Int = 30, delayShift: Bool = false
  ) -> Calibration {
    let input = CalibrationInput(
      ledger: l, links: links, until: until.rawValue, threshold: Double(thinThreshold),
      delayShift: delayShift)
    let th = input.threshold
    let nSeg = input.segmentCount
    let table = LifeTable.fit(input, lifts: lifts)
    let hazards = HazardFit.fit(
      table, segments: nSeg, segmentOf: input.segments.ofCustomer, threshold: th)
    let frailty = hazards.frailty
    var counts = CustomerRateCounts(customers: l.customerIds.count)
    let contacts = ContactFit.fit(input, counts: &counts)
    let background = PromiseFit.backgroundPayment(input, hazard: frailty.hazard, lifts: lifts)
    let promises = PromiseFit.fit(input, background: background, counts: &counts)
    let cadence = inferCadence(ledger: l, links: links, until: input.until)
    let capacity = CapacityFit.fit(input)
    let billing = BillingCadence.fit(ledger: l, until: until)
    let gaps = billing.gap.compactMap { $0 > 0 ? Double($0) : nil }
    let nb = AgingBucket.count
    var fitted = Calibration(
      until: until, segments: input.segments.names, hazard: frailty.hazard,
      paidRate: hazards.paidRate, writeOff: hazards.writeOff, reach: contacts.reach,
      pPromise: contacts.pPromise, pKeptObserved: promises.keptObserved, pKept: promises.kept,
      pDispute: contacts.pDispute, pAutopayAccept: contacts.pAutopayAccept,
      autopayOnTime: .rate(
        hits: table.autopayHits, trials: table.autopayTrials, threshold: th,
        prior: priors["autopay_on_time"]!),
      completion: TaskFit.completion(input), promiseLeadDays: promises.leadDays,
      resolutionDays: CaseFit.resolution(input), lifts: lifts,
      naiveReachedLift: NaiveLift.fit(table, lifts: lifts, threshold: th),
      cadence: cadence.steps, repeatEveryDays: cadence.repeatEvery,
      repeatChannel: cadence.repeatChannel, reps: capacity.reps,
      callsPerRepPerDay: capacity.callsPerRepPerDay,
      shockSigma: shockSigma(ledger: l, until: input.until), billedCustomers: gaps.count,
      medianBillingGapDays: Statistics.median(gaps) ?? 0, thinThreshold: thinThreshold,
      sample: CalibrationSample(
        customerSegment: input.segments.ofCustomer, events: table.customerEvents,
        exposure: hazards.customerExposure.indices.map {
          hazards.customerExposure[$0] * Float(frailty.multiplier[$0 / nb])
        }, hits: counts.hits, trials: counts.trials, segments: nSeg, thinThreshold: th),
      hazardPrior: frailty.prior, frailty: frailty.multiplier, frailtyShape: frailty.shape,
      bandFactor: frailty.bandFactor)
    fitted.delay = input.delay
    fitted.delayCredibility = input.delay.k
    fitted.delayShiftCustomers = input.delay.customers
    return fitted
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
  /// payment-level randomness and the payment-run calendar explain. With weekly cash `c_w`,
  /// each week is compared with the latest earlier week *of the same kind* — with or without
  /// a month's last weekday (``Day/lastWeekdayOfMonth``, the month-end run's day of
  /// ``PaymentRuns``): `r_w = ln(c_w ÷ c_w′)`, a robust variance `v = (1.4826 · MAD(r))²` and
  /// the sampling variance of a week's log cash `n_w = Σa² ÷ (Σa)²` (compound Poisson), σ² =
  /// max(0, v ÷ 2 − mean(n_w)) (independent weekly shocks: a difference of two has variance
  /// 2σ²). Uses the last 52 complete Monday–Sunday weeks.
  ///
  /// Why the same kind. Customers that pay on the month's last weekday put a month of their
  /// cash into one week: a calendar the forecast already places (``PaymentRuns``), not a
  /// shock. Compared with the week before, every month-end week read as a jump: σ 0.24–0.43
  /// on the market worlds, 0–0.10 compared within each kind (0.04–0.08 on the books without
  /// runs either way). And a mean-one lognormal multiplier on hazards is not mean-one on cash:
  /// an invoice pays within `t` days with probability `1 − S^shock`, concave in the shock, so
  /// the inflated σ paid the open book 2–5 % of the horizon's cash too little on every market
  /// world (issue 15; Benchmarks/accuracy.md, "The shock and the billing rate").
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
    let monthEnd = (0..<weeks).map { w in
      (0..<7).contains { k in
        let d = Day(rawValue: firstStart + Int32(w * 7 + k))
        return d == d.lastWeekdayOfMonth
      }
    }
    var r: [Double] = []
    var noise: [Double] = []
    for w in 1..<weeks where sum[w] > 0 {
      guard let p = (0..<w).last(where: { monthEnd[$0] == monthEnd[w] }), sum[p] > 0 else {
        continue
      }
      r.append(log(sum[w] / sum[p]))
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
