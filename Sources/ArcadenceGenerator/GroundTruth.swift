import ArcadenceCore
import Foundation

/// The model the synthetic data is drawn from, written beside the CSVs as `generator.yaml`.
///
/// It is the truth the simulator's calibration can be checked against: base daily payment
/// hazards per segment and days-past-due bucket, contact reach and lift, promise, dispute and
/// auto-pay behaviour, rep productivity, and the cadence the team follows.
public struct GroundTruth: Codable, Sendable, Equatable {
  /// One customer segment.
  public struct Segment: Codable, Sendable, Equatable {
    /// Segment name as written to `customers.segment`.
    public var name: String
    /// Share of customers in this segment.
    public var share: Double
    /// Payment terms in days and their weights.
    public var termsDays: [Int]
    /// Weights of `termsDays`.
    public var termsWeights: [Double]
    /// Median invoice amount in dollars.
    public var medianInvoice: Double
    /// Daily probability of paying in full, per bucket of ``GroundTruth/buckets``.
    public var hazards: [Double]
    /// Share of customers already on auto-pay when the data starts.
    public var autopayAtStart: Double
  }

  /// One rep's productivity.
  public struct RepProfile: Codable, Sendable, Equatable {
    /// `rep_id`.
    public var repId: String
    /// Display name.
    public var name: String
    /// Team name.
    public var team: String
    /// Probability a cadence task is ever completed.
    public var completion: Double
    /// Probability a completed task is done on its due date (else 1–7 days late).
    public var onTime: Double
    /// Multiplier on the reach probability of calls.
    public var reachSkill: Double
    /// Probability a closed case is fully documented and confirmed.
    public var documentation: Double
    /// Multiplier on the median time this rep takes to resolve a case.
    public var resolutionFactor: Double
  }

  /// One cadence step: a task `offset` days after the due date.
  public struct Step: Codable, Sendable, Equatable {
    /// Days past due when the task falls due.
    public var dpd: Int
    /// `tasks.kind`: call, email, follow_up, review.
    public var kind: String
  }

  /// Seed the data was drawn with.
  public var seed: UInt64
  /// First day of the data.
  public var startOn: String
  /// Last day of the data.
  public var endOn: String
  /// Number of customers.
  public var customers: Int
  /// Days-past-due bucket labels the hazards refer to.
  public var buckets: [String]
  /// Lower bounds (dpd) of the buckets; the first bucket is "not yet due" (dpd < 0).
  public var bucketStarts: [Int]
  /// The segments.
  public var segments: [Segment]
  /// Log-scale σ of a customer's invoice size around its segment median.
  public var customerSizeSigma: Double
  /// Log-scale σ of one invoice around its customer's size.
  public var invoiceSigma: Double
  /// Share of customers that exist before the data starts (the rest arrive over time).
  public var existingAtStart: Double
  /// The reps.
  public var reps: [RepProfile]
  /// The cadence: tasks at days past due while the invoice is open.
  public var cadence: [Step]
  /// After the last step, a call every this many days until write-off.
  public var repeatEveryDays: Int
  /// Base probability that a call reaches the customer (times the rep's skill).
  public var callReach: Double
  /// Probability an email gets a reply (a reached contact).
  public var emailReach: Double
  /// Hazard multiplier jump after a reached contact: 1 + lift × exp(−t / decay).
  public var reachedLift: Double
  /// Decay (days) of the reached lift.
  public var reachedDecayDays: Double
  /// Lift after an unreached contact (voicemail, no answer, email).
  public var unreachedLift: Double
  /// Decay (days) of the unreached lift.
  public var unreachedDecayDays: Double
  /// Probability a reached contact yields a promise to pay.
  public var pPromise: Double
  /// Probability a promise is kept (paid within its window).
  public var pKept: Double
  /// Days from promise to promised date (uniform range).
  public var promiseDays: [Int]
  /// Probability a reached contact (not a promise) raises a dispute.
  public var pDispute: Double
  /// Probability a reached call (no promise, no dispute) accepts auto-pay.
  public var pAutopayAccept: Double
  /// Probability an auto-pay invoice is paid on its due date.
  public var autopayOnTime: Double
  /// Daily probability an enrolled customer cancels auto-pay.
  public var autopayCancelDaily: Double
  /// Probability an invoice gets an inbound billing case shortly after it is issued.
  public var pInboundCase: Double
  /// Median days to resolve a case (lognormal).
  public var resolutionMedianDays: Double
  /// Log-scale σ of the resolution time.
  public var resolutionSigma: Double
  /// Probability a resolved dispute ends in a credit memo.
  public var pCreditAfterDispute: Double
  /// Root-cause weights (a Pareto-like skew), written in vocabulary order.
  public var rootCauseWeights: NamedWeights
  /// Probability a new case repeats the customer's previous root cause.
  public var pRepeatCause: Double
  /// Days past due at which an unpaid invoice is considered for write-off.
  public var writeOffDpd: Int
  /// Probability it is written off then.
  public var pWriteOff: Double
  /// Probability a payment is partial (the rest follows later).
  public var pPartialPayment: Double
  /// Monthly probability a customer sends an unidentified (unapplied) payment.
  public var pUnappliedMonthly: Double
  /// Reps choose whom to call (absent, and not written, in the standard world).
  public var selection: SelectionWorld?
}

extension GroundTruth {
  /// Default bucket labels (simulation.md, "Payment").
  public static let bucketLabels = [
    "not_due", "dpd_0_7", "dpd_8_14", "dpd_15_30", "dpd_31_60",
    "dpd_61_90", "dpd_91_plus",
  ]
  /// The bucket index of a days-past-due value (dpd ≤ −1 is "not yet due"; 0–7 is the first
  /// past-due bucket, as in simulation.md).
  public static func bucket(dpd: Int) -> Int {
    switch dpd {
    case ..<0: 0
    case 0...7: 1
    case 8...14: 2
    case 15...30: 3
    case 31...60: 4
    case 61...90: 5
    default: 6
    }
  }

  /// The stated model for a run, for the given reps.
  static func standard(
    seed: UInt64, start: String, end: String, customers: Int, reps: [RepProfile]
  ) -> GroundTruth {
    GroundTruth(
      seed: seed, startOn: start, endOn: end, customers: customers,
      buckets: bucketLabels, bucketStarts: [-9999, 0, 8, 15, 31, 61, 91],
      segments: [
        Segment(
          name: "enterprise", share: 0.15, termsDays: [45, 60], termsWeights: [0.6, 0.4],
          medianInvoice: 9_500, hazards: [0.006, 0.045, 0.035, 0.03, 0.022, 0.014, 0.006],
          autopayAtStart: 0.05),
        Segment(
          name: "mid_market", share: 0.35, termsDays: [30], termsWeights: [1],
          medianInvoice: 2_400, hazards: [0.010, 0.060, 0.045, 0.032, 0.020, 0.011, 0.005],
          autopayAtStart: 0.12),
        Segment(
          name: "small_business", share: 0.50, termsDays: [15, 30], termsWeights: [0.5, 0.5],
          medianInvoice: 450, hazards: [0.012, 0.070, 0.040, 0.025, 0.015, 0.008, 0.004],
          autopayAtStart: 0.20),
      ],
      customerSizeSigma: 0.5, invoiceSigma: 0.35, existingAtStart: 0.7, reps: reps,
      cadence: [
        Step(dpd: 1, kind: "email"), Step(dpd: 5, kind: "call"), Step(dpd: 12, kind: "call"),
        Step(dpd: 20, kind: "email"), Step(dpd: 30, kind: "call"), Step(dpd: 45, kind: "call"),
        Step(dpd: 60, kind: "review"), Step(dpd: 60, kind: "call"), Step(dpd: 75, kind: "email"),
        Step(dpd: 90, kind: "call"),
      ],
      repeatEveryDays: 15, callReach: 0.38, emailReach: 0.06, reachedLift: 2.0,
      reachedDecayDays: 7, unreachedLift: 0.3, unreachedDecayDays: 3, pPromise: 0.45,
      pKept: 0.7, promiseDays: [2, 10], pDispute: 0.1, pAutopayAccept: 0.12,
      autopayOnTime: 0.97, autopayCancelDaily: 0.0004, pInboundCase: 0.015,
      resolutionMedianDays: 7, resolutionSigma: 0.9, pCreditAfterDispute: 0.45,
      rootCauseWeights: [
        "invoice_discrepancy": 0.26, "missing_po": 0.17, "pricing": 0.14,
        "duplicate_billing": 0.10, "account_setup": 0.08, "payment_misapplied": 0.07,
        "tax_exemption": 0.05, "contract_terms": 0.04, "service_issue": 0.04,
        "system_error": 0.03, "wrong_contact": 0.01, "other": 0.01,
      ],
      pRepeatCause: 0.4, writeOffDpd: 180, pWriteOff: 0.75, pPartialPayment: 0.06,
      pUnappliedMonthly: 0.004)
  }
}

/// Weights by name, written to YAML in a fixed order (the vocabulary's root causes first, in
/// its order, then any other name sorted), so the same seed writes the same
/// `generator.yaml` bytes: a `[String: Double]` is written in its hash order, which differs
/// from one dictionary to the next.
public struct NamedWeights: Codable, Sendable, Equatable, ExpressibleByDictionaryLiteral {
  public var values: [String: Double]

  public init(values: [String: Double]) { self.values = values }

  public typealias Key = String
  public typealias Value = Double

  public init(dictionaryLiteral elements: (String, Double)...) {
    values = Dictionary(elements, uniquingKeysWith: { _, last in last })
  }

  public subscript(name: String) -> Double? { values[name] }

  /// The names in the order they are written.
  public var orderedNames: [String] {
    let known = Vocabulary.rootCauses.filter { values[$0] != nil }
    return known + values.keys.filter { !Vocabulary.rootCauses.contains($0) }.sorted()
  }

  struct NameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  public init(from decoder: any Decoder) throws {
    values = try decoder.singleValueContainer().decode([String: Double].self)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: NameKey.self)
    for name in orderedNames {
      try container.encode(values[name] ?? 0, forKey: NameKey(stringValue: name))
    }
  }
}
