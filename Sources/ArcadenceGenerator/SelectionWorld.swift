import ArcadenceCore
import Foundation

/// A world where reps choose whom to call (issue 15 item 6): the test bed of the contact-lift
/// estimator. Off by default; the sample and every default output are unchanged.
///
/// Two things change against the standard generator:
///
/// - **Propensity.** Each customer pays at its segment's hazards times its own multiplier
///   `exp(σ · z)`, `z` standard normal (median 1), which its rep knows and the data does not
///   show.
/// - **Whom the rep calls on time.** Each rep has a capacity share `κ` each day, uniform in
///   `capacity` and drawn from the (seed, rep, day) stream alone: the day's workload, the same
///   for every customer of that rep. The rep works the day's cadence tasks from the customer
///   most likely to pay down: a customer whose propensity ranks at `1 − Φ(z)` (0 = the most
///   likely) gets a task done on its due day with probability `1 ÷ (1 + exp(−(κ − rank) ÷
///   priorityNoise))`. A task not done on time is done 1–7 days late with probability
///   `pLate`, otherwise never.
/// - **Reach and promises** may be set apart from the standard world (``callReach``,
///   ``pPromise``).
///
/// So customers who would pay anyway are the ones contacted (a naive comparison of
/// contacted and not contacted overstates the lift), while how many get contacted on a day
/// moves with the rep's workload, which nothing about the customer decides.
public struct SelectionWorld: Codable, Sendable, Equatable {
  /// Log-scale σ of each customer's payment-propensity multiplier.
  public var propensitySigma: Double
  /// The range of a rep's daily capacity share (uniform).
  public var capacity: [Double]
  /// Logistic scale of the priority rule (0.1: nearly a strict ranking).
  public var priorityNoise: Double
  /// Probability that a task not done on its due day is done 1–7 days late.
  public var pLate: Double
  /// The base probability a call reaches the customer, when not the standard one.
  public var callReach: Double?
  /// The probability a reached contact yields a promise, when not the standard one.
  public var pPromise: Double?

  /// A world with selection; the defaults are the recovery test's. Its reach (0.75 × the
  /// rep's skill, against the standard 0.38) and promise rate (0.15 against 0.45) leave more
  /// reached contacts outside promise windows, so a world of 1,000 customers shows the lift
  /// with an interval about ±1 wide; at the standard rates that takes several times the data.
  public init(
    propensitySigma: Double = 0.6, capacity: [Double] = [0.1, 1.0], priorityNoise: Double = 0.1,
    pLate: Double = 0.2, callReach: Double? = 0.75, pPromise: Double? = 0.15
  ) {
    self.propensitySigma = propensitySigma
    self.capacity = capacity
    self.priorityNoise = priorityNoise
    self.pLate = pLate
    self.callReach = callReach
    self.pPromise = pPromise
  }

  /// A rep's capacity share on a day: a pure function of (seed, rep, day).
  func capacityShare(seed: UInt64, rep: Int, day: Day) -> Double {
    let key = UInt64(truncatingIfNeeded: rep) << 32 | UInt64(UInt32(bitPattern: day.rawValue))
    var rng = Xoshiro(seed: seed ^ 0xC0FF_EE5E_1EC7_0001, stream: key)
    let lo = capacity.first ?? 0
    let hi = capacity.last ?? 1
    return lo + (hi - lo) * rng.uniform()
  }

  /// A customer's latent standard-normal propensity score, from its own stream (the
  /// standard generator's draws are untouched).
  static func propensityScore(seed: UInt64, customer: Int) -> Double {
    var rng = Xoshiro(seed: seed ^ 0x5E1E_C710_0000_0002, stream: UInt64(customer) + 1)
    return rng.normal()
  }

  /// Probability the rep does a task of a customer ranked `rank` on its due day.
  func onTimeProbability(capacity kappa: Double, rank: Double) -> Double {
    1 / (1 + exp(-(kappa - rank) / priorityNoise))
  }
}
