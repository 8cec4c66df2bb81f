import ArcadenceCore
import Dispatch
import Foundation

/// What one policy did on one path, as the optimizer scores it.
public struct PathOutcome: Sendable, Equatable {
  /// Cash the company keeps (an agency's fee already taken out, as `simulate` reports it).
  public var cash: Int64
  /// Calls made.
  public var calls: Int64
  /// Emails (and any other non-call contacts) sent.
  public var emails: Int64
  /// Agency fees (what the agency kept of what it collected).
  public var fees: Int64
  /// Calls the policy planned but did not make (the simulator's calls missed: a task not
  /// done, a second call while one waits, or no capacity left on its day). They cost nothing
  /// and earn nothing, so the objective never counts them; they are reported beside it so a
  /// policy that plans far beyond capacity is visible.
  public var missedCalls: Int64

  /// An outcome.
  public init(cash: Int64, calls: Int64, emails: Int64, fees: Int64, missedCalls: Int64 = 0) {
    self.cash = cash
    self.calls = calls
    self.emails = emails
    self.fees = fees
    self.missedCalls = missedCalls
  }
}

/// Runs a set of policies on a range of paths with the simulator's engine, so that the
/// optimizer can add paths to the candidates still in the race without running the earlier
/// paths again.
///
/// Path `p` of a policy gives the same numbers whichever range and whichever other policies it
/// is run with: every draw is Philox keyed by (seed, path, invoice, day, decision), never by
/// the policy or by a running stream (``Simulator``), and the per-path draws (shock, bootstrap,
/// clocks, amounts, renewals) are made before any policy runs and shared by all of them. So
/// two policies run in different calls are compared on common random numbers exactly as if
/// they were run together. Cost: O(policies × paths × the engine's per-path cost).
public struct PathEvaluator: Sendable {
  /// The start state.
  public var portfolio: Portfolio
  /// The parameters (scenario overrides applied).
  public var parameters: ModelParameters
  /// Horizon, threads, shock and uncertainty (paths and seed are given per call).
  public var settings: SimulationSettings
  /// The calibration sample (for `parameter_uncertainty`).
  public var sample: CalibrationSample?
  /// Keys fixed by scenario overrides.
  public var fixedKeys: Set<String>

  /// An evaluator.
  public init(
    portfolio: Portfolio, parameters: ModelParameters, settings: SimulationSettings,
    sample: CalibrationSample? = nil, fixedKeys: Set<String> = []
  ) {
    self.portfolio = portfolio
    self.parameters = parameters
    self.settings = settings
    self.sample = sample
    self.fixedKeys = fixedKeys
  }

  /// The evaluator of a prepared scenario run.
  public init(run: SimulationRun) {
    self.init(
      portfolio: run.portfolio, parameters: run.parameters, settings: run.settings,
      sample: run.calibration.sample, fixedKeys: Set(run.scenario.overrides.map(\.key)))
  }

  /// Each policy's outcome on each path of `paths` (outer index: policy; inner: path −
  /// `paths.lowerBound`), drawn with `seed`.
  public func evaluate(_ policies: [Policy], paths: Range<Int>, seed: UInt64) -> [[PathOutcome]] {
    guard !policies.isEmpty, !paths.isEmpty else { return policies.map { _ in [] } }
    var s = settings
    s.paths = paths.upperBound
    s.seed = seed
    let sim = Simulator(
      portfolio: portfolio, parameters: parameters, policies: policies, settings: s,
      sample: sample, fixedKeys: fixedKeys)
    let core = EngineCore(sim)
    // The buffers hold the range alone (a shard's buffers): memory does not grow with the
    // range's offset.
    let buffers = ResultBuffers(
      policies: policies.count, paths: paths.count, horizon: s.horizon,
      firstPath: paths.lowerBound)
    let count = paths.count
    let threads = max(1, min(s.threads, count))
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      var worker = Worker(core: core, buffers: buffers)
      for k in (count * t / threads)..<(count * (t + 1) / threads) {
        worker.run(path: paths.lowerBound + k)
      }
    }
    return policies.indices.map { k in
      (0..<count).map { p in
        PathOutcome(
          cash: buffers.scalar(k, p, .cash), calls: buffers.scalar(k, p, .callsMade),
          emails: buffers.scalar(k, p, .otherContacts), fees: buffers.scalar(k, p, .agencyFees),
          missedCalls: buffers.scalar(k, p, .callsMissed))
      }
    }
  }
}
