/// The numbers the simulation engine runs on: a ``Calibration``'s values with a scenario's
/// overrides applied.
///
/// Kept apart from ``Calibration`` (which also carries counts, flags and the bootstrap
/// sample) so that tests can state a model by hand: one hazard for every bucket, contacts
/// off, and so on.
public struct ModelParameters: Sendable, Equatable {
  /// Segment names; `hazard` has one row per segment.
  public var segments: [String]
  /// Base daily probability of paying in full per segment and ``AgingBucket``.
  public var hazard: [[Double]]
  /// Daily write-off probability per bucket.
  public var writeOff: [Double]
  /// Reach probability per ``Channel``.
  public var reach: [Double]
  /// Contact lifts.
  public var lifts: Lifts
  /// Probability a reached contact yields a promise to pay.
  public var pPromise: Double
  /// Probability a promise is kept (paid in full on the promised day).
  public var pKept: Double
  /// Probability a reached contact without a promise raises a dispute.
  public var pDispute: Double
  /// Probability a reached call offering auto-pay enrols the customer.
  public var pAutopayAccept: Double
  /// Probability an auto-pay invoice is paid on its due date.
  public var autopayOnTime: Double
  /// Days from a promise to the promised date.
  public var promiseLeadDays: DayDistribution
  /// Dispute resolution time in days.
  public var resolutionDays: QuantileDistribution
  /// Log-scale σ of the per-path portfolio shock (0 = none).
  public var shockSigma: Double
  /// Upper bound of a daily hazard after lifts.
  public var hazardCap: Double
  /// Each customer's hazard multiplier (``Frailty``), by the portfolio's customer index;
  /// empty: 1 for everyone.
  public var frailty: [Double] = []
  /// Per ``HazardBand``, the factor on its bucket's hazard; empty: 1 for every band.
  public var bandFactor: [Double] = []
  /// The per-customer payment delay (``DelayShift``), by the portfolio's customer index: an
  /// invoice's payment hazard is its segment's at `dpd − shift`; nil: no shift.
  public var delay: DelayShift.Fit?

  /// The delay shift in days of customer `c`'s invoice on `terms` days. O(1).
  @inline(__always)
  public func shift(customer c: Int, terms: Int32) -> Int32 {
    delay?.shift(customer: c, terms: terms) ?? 0
  }

  /// Customer `c`'s hazard multiplier. O(1).
  @inline(__always)
  public func multiplier(customer c: Int) -> Double {
    c >= 0 && c < frailty.count ? frailty[c] : 1
  }

  /// Parameters stated by hand.
  public init(
    segments: [String], hazard: [[Double]], writeOff: [Double]? = nil,
    reach: [Double] = [0, 0, 0, 0], lifts: Lifts = Lifts(reached: 0, unreached: 0),
    pPromise: Double = 0, pKept: Double = 0, pDispute: Double = 0, pAutopayAccept: Double = 0,
    autopayOnTime: Double = 0, promiseLeadDays: DayDistribution = .init(days: [7], weights: [1]),
    resolutionDays: QuantileDistribution = .init(values: [], fallback: 7),
    shockSigma: Double = 0, hazardCap: Double = 0.95
  ) {
    self.segments = segments
    self.hazard = hazard
    self.writeOff = writeOff ?? [Double](repeating: 0, count: AgingBucket.count)
    self.reach = reach
    self.lifts = lifts
    self.pPromise = pPromise
    self.pKept = pKept
    self.pDispute = pDispute
    self.pAutopayAccept = pAutopayAccept
    self.autopayOnTime = autopayOnTime
    self.promiseLeadDays = promiseLeadDays
    self.resolutionDays = resolutionDays
    self.shockSigma = shockSigma
    self.hazardCap = hazardCap
  }

  /// The calibrated values.
  public init(calibration c: Calibration) {
    self.init(
      segments: c.segments, hazard: c.hazard.map { $0.map(\.value) },
      writeOff: c.writeOff.map(\.value), reach: c.reach.map(\.value), lifts: c.lifts,
      pPromise: c.pPromise.value, pKept: c.pKept.value, pDispute: c.pDispute.value,
      pAutopayAccept: c.pAutopayAccept.value, autopayOnTime: c.autopayOnTime.value,
      promiseLeadDays: c.promiseLeadDays, resolutionDays: c.resolutionDays,
      shockSigma: c.shockSigma.value)
    frailty = c.frailty
    delay = c.delay
    bandFactor = c.bandFactor.map(\.value)
  }

  /// The keys an `overrides:` mapping may set.
  public static let overrideKeys = [
    "reached_lift", "reached_decay_days", "unreached_lift", "unreached_decay_days",
    "reach_call", "reach_email", "reach_sms", "reach_letter", "p_promise", "p_kept",
    "p_dispute", "p_autopay_accept", "autopay_on_time", "shock_sigma", "hazard_multiplier",
  ]

  /// Applies one override (a key of ``overrideKeys``; values already validated).
  public mutating func apply(_ key: String, _ v: Double) {
    switch key {
    case "reached_lift": lifts.reached = v
    case "reached_decay_days": lifts.reachedDecayDays = v
    case "unreached_lift": lifts.unreached = v
    case "unreached_decay_days": lifts.unreachedDecayDays = v
    case "reach_call": reach[0] = v
    case "reach_email": reach[1] = v
    case "reach_sms": reach[2] = v
    case "reach_letter": reach[3] = v
    case "p_promise": pPromise = v
    case "p_kept": pKept = v
    case "p_dispute": pDispute = v
    case "p_autopay_accept": pAutopayAccept = v
    case "autopay_on_time": autopayOnTime = v
    case "shock_sigma": shockSigma = v
    case "hazard_multiplier": hazard = hazard.map { $0.map { min(1, $0 * v) } }
    default: break
    }
  }
}
