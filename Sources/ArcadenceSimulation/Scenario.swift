import ArcadenceCore
import Foundation
import Yams

/// A scenario file (`Scenarios/*.yaml`): the start, horizon, paths, seed, the calibration,
/// overrides and one or more policies (simulation.md, "Policies and scenarios").
///
/// Files are validated as they are read: an unknown key, a wrong type or an impossible
/// value (a probability outside 0…1, negative capacity) is an error naming the file, the
/// line and the key.
public struct Scenario: Sendable {
  /// Where the calibration comes from.
  public enum CalibrationSource: Sendable, Equatable {
    /// Fitted from the store with data up to the day before the start.
    case fromStore
    /// A file written by `arcadence calibrate` (relative to the scenario's folder).
    case file(String)
  }

  /// Name (default: the file name without extension).
  public var name: String
  /// What the scenario asks.
  public var description: String?
  /// The file it was read from.
  public var file: String
  /// First simulated day (nil: the day after the last event in the store).
  public var start: Day?
  /// Days simulated.
  public var horizonDays: Int
  /// Monte Carlo paths.
  public var paths: Int
  /// Random seed.
  public var seed: UInt64
  /// The calibration.
  public var calibration: CalibrationSource
  /// Whether customers are billed on their cadence during the horizon.
  public var newInvoices: Bool
  /// Simulate a uniform random sample of this many of the invoices open at the start (and
  /// the same share of the invoices billed in the horizon) instead of the whole book; nil:
  /// the whole book. The sample is drawn with the file's `seed` (not `--seed`), so changing
  /// the seed on the command line changes the paths, not the book
  /// (``Portfolio/sample(openInvoices:seed:)``).
  public var openInvoices: Int?
  /// Whether each path draws a portfolio shock.
  public var portfolioShock: Bool
  /// Whether each path bootstraps the calibration by customer.
  public var parameterUncertainty: Bool
  /// Whether future billing is a renewal process drawn per path (``Portfolio``'s `renewal`)
  /// rather than the fixed mean-gap schedule; `arcadence accuracy` turns it on.
  public var renewalBilling = false
  /// Whether the calibration shifts each customer's payment clock by its own delay
  /// (``DelayShift``); `accuracy --delay-shift` and `forecast --delay-shift` turn it on.
  public var delayShift = false
  /// Whether invoices are paid on days drawn from each customer's delay curve, read from the
  /// invoice's age (``DelayCurves``), rather than by the hazard model; needs a `from_store`
  /// calibration. The forecast model (`accuracy`, `forecast`) turns it on.
  public var delayCurves = false
  /// Whether a customer who pays in runs (Fridays, month ends) has its payments released on
  /// its run days (``PaymentRuns``, read from the store); needs a `from_store` calibration.
  /// The forecast model (`accuracy`, `forecast`) turns it on.
  public var paymentRuns = false
  /// Parameter overrides for every policy.
  public var overrides: [(key: String, value: Double)]
  /// The policies; the first is the baseline of comparisons.
  public var policies: [PolicySpec]

  /// A scenario stated in code.
  public init(
    name: String, description: String? = nil, file: String = "", start: Day? = nil,
    horizonDays: Int = 90, paths: Int = 1000, seed: UInt64 = 1,
    calibration: CalibrationSource = .fromStore, newInvoices: Bool = true,
    openInvoices: Int? = nil, portfolioShock: Bool = true, parameterUncertainty: Bool = false,
    overrides: [(key: String, value: Double)] = [], policies: [PolicySpec]
  ) {
    self.name = name
    self.description = description
    self.file = file
    self.start = start
    self.horizonDays = horizonDays
    self.paths = paths
    self.seed = seed
    self.calibration = calibration
    self.newInvoices = newInvoices
    self.openInvoices = openInvoices
    self.portfolioShock = portfolioShock
    self.parameterUncertainty = parameterUncertainty
    self.overrides = overrides
    self.policies = policies
  }

  /// The top-level keys.
  public static let keys = [
    "name", "description", "start", "horizon_days", "paths", "seed", "calibration",
    "new_invoices", "open_invoices", "portfolio_shock", "parameter_uncertainty", "overrides",
    "policies", "search",
  ]

  /// Reads and validates a scenario file.
  public static func load(path: String) throws -> Scenario {
    let text = try InputFile.text(at: path, describing: "the scenario file \(path)")
    return try parse(text, file: path)
  }

  /// Parses and validates scenario text; `file` names it in errors.
  public static func parse(_ text: String, file: String) throws -> Scenario {
    let y = YAMLReader(file: file)
    let root = try y.root(text)
    let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
    var s = Scenario(name: base.isEmpty ? "scenario" : base, file: file, policies: [])
    var sawPolicies = false
    for (key, node) in try y.mapping(root, "", allowed: keys) {
      switch key {
      case "name": s.name = try y.string(node, key)
      case "description": s.description = try y.string(node, key)
      case "start": s.start = y.isWord(node, "auto") ? nil : try y.day(node, key)
      case "horizon_days": s.horizonDays = try y.int(node, key, 1...730)
      case "paths": s.paths = try y.int(node, key, 1...1_000_000)
      case "seed": s.seed = UInt64(try y.int(node, key, 0...Int.max))
      case "calibration":
        s.calibration = y.isWord(node, "from_store") ? .fromStore : .file(try y.string(node, key))
      case "new_invoices": s.newInvoices = try y.bool(node, key)
      case "open_invoices":
        s.openInvoices = y.isWord(node, "all") ? nil : try y.int(node, key, 1...100_000_000)
      case "portfolio_shock": s.portfolioShock = try y.bool(node, key)
      case "parameter_uncertainty": s.parameterUncertainty = try y.bool(node, key)
      case "overrides":
        s.overrides = try parseOverrides(y, node, key, allowed: ModelParameters.overrideKeys)
      case "policies":
        sawPolicies = true
        let items = try y.sequence(node, key)
        guard !items.isEmpty else { throw y.error(node, key, "name at least one policy") }
        for (k, item) in items.enumerated() {
          s.policies.append(try PolicySpec.parse(y, item, "policies[\(k)]"))
        }
        var names = Set<String>()
        for (k, p) in s.policies.enumerated() where !names.insert(p.name).inserted {
          throw y.error(items[k], "policies[\(k)].name", "two policies are named \"\(p.name)\"")
        }
      default: break
      }
    }
    guard sawPolicies else { throw y.error(root, "policies", "missing: name at least one policy") }
    return s
  }

  static func parseOverrides(_ y: YAMLReader, _ node: Node, _ path: String, allowed: [String])
    throws -> [(key: String, value: Double)]
  {
    var out: [(key: String, value: Double)] = []
    for (key, v) in try y.mapping(node, path, allowed: allowed) {
      let full = path + "." + key
      let range: ClosedRange<Double>
      switch key {
      case "reached_lift", "unreached_lift": range = 0...100
      case "reached_decay_days", "unreached_decay_days": range = 0.01...3650
      case "shock_sigma": range = 0...3
      case "hazard_multiplier": range = 0...100
      default: range = 0...1
      }
      out.append((key, try y.double(v, full, range)))
    }
    return out
  }

  /// The folder the scenario file is in (for a relative calibration path).
  public var folder: String { (file as NSString).deletingLastPathComponent }
}

/// A policy as a scenario states it: numbers, or `observed` for "as the team does today"
/// (resolved against a calibration by ``resolve(_:)``).
public struct PolicySpec: Sendable {
  /// The cadence: as observed, none, or stated steps.
  public enum Cadence: Sendable, Equatable {
    case observed
    case none
    /// Stated steps and repeat; with `extendsObserved`, added to the observed cadence (whose
    /// repeat holds unless one is stated).
    case steps([CadenceStep], Policy.Repeat?, extendsObserved: Bool)
  }

  /// Name shown in outputs.
  public var name: String
  /// The cadence.
  public var cadence: Cadence
  /// Escalations.
  public var escalations: [Policy.Escalation]
  /// Auto-pay offer on reached calls (nil: as observed).
  public var offerAutopay: Bool?
  /// Share of tasks done (nil: as observed).
  public var completion: Double?
  /// Reps (nil: as observed).
  public var reps: Int?
  /// Added to the reps (e.g. −2 for two fewer).
  public var repsChange: Int
  /// Calls per rep per day (nil: as observed; `.infinity`: unlimited).
  public var callsPerRepPerDay: Double?
  /// Emails, SMS and letters per day (nil: unlimited).
  public var otherPerDay: Int?
  /// Multiplies the calls per day that reps × calls per rep give (e.g. 0.6 for 60 %).
  public var callsScale = 1.0
  /// Priority when calls exceed capacity.
  public var priority: Policy.Priority
  /// Overrides for this policy only.
  public var overrides: [(key: String, value: Double)]
  /// File and line, for errors found when resolving.
  public var location: String

  /// A policy spec.
  public init(
    name: String, cadence: Cadence = .observed, escalations: [Policy.Escalation] = [],
    offerAutopay: Bool? = nil, completion: Double? = nil, reps: Int? = nil,
    repsChange: Int = 0, callsPerRepPerDay: Double? = nil, otherPerDay: Int? = nil,
    priority: Policy.Priority = .balanceXDpd, overrides: [(key: String, value: Double)] = [],
    location: String = ""
  ) {
    self.name = name
    self.cadence = cadence
    self.escalations = escalations
    self.offerAutopay = offerAutopay
    self.completion = completion
    self.reps = reps
    self.repsChange = repsChange
    self.callsPerRepPerDay = callsPerRepPerDay
    self.otherPerDay = otherPerDay
    self.priority = priority
    self.overrides = overrides
    self.location = location
  }

  static let keys = [
    "name", "cadence", "escalation", "offer_autopay", "completion", "capacity", "priority",
    "overrides",
  ]

  /// Keys a policy may override (not the hazard table or the shock, which every policy of a
  /// run shares).
  static let overrideKeys = ModelParameters.overrideKeys.filter {
    $0 != "shock_sigma" && $0 != "hazard_multiplier"
  }

  static func parse(_ y: YAMLReader, _ node: Node, _ path: String) throws -> PolicySpec {
    var p = PolicySpec(name: "", location: "\(y.file):\(node.mark?.line ?? 0)")
    for (key, v) in try y.mapping(node, path, allowed: keys) {
      let full = path + "." + key
      switch key {
      case "name": p.name = try y.string(v, full)
      case "cadence": p.cadence = try parseCadence(y, v, full)
      case "escalation":
        for (k, item) in try y.sequence(v, full).enumerated() {
          p.escalations.append(try parseEscalation(y, item, "\(full)[\(k)]"))
        }
      case "offer_autopay": p.offerAutopay = y.isWord(v, "observed") ? nil : try y.bool(v, full)
      case "completion":
        p.completion = y.isWord(v, "observed") ? nil : try y.double(v, full, 0...1)
      case "capacity":
        for (ck, cv) in try y.mapping(
          v, full,
          allowed: ["reps", "reps_change", "calls_per_rep_per_day", "calls_scale", "other_per_day"])
        {
          let cfull = full + "." + ck
          switch ck {
          case "reps": p.reps = y.isWord(cv, "observed") ? nil : try y.int(cv, cfull, 0...100_000)
          case "reps_change": p.repsChange = try y.int(cv, cfull, -100_000...100_000)
          case "calls_per_rep_per_day":
            if y.isWord(cv, "observed") {
              p.callsPerRepPerDay = nil
            } else if y.isWord(cv, "unlimited") {
              p.callsPerRepPerDay = .infinity
            } else {
              p.callsPerRepPerDay = try y.double(cv, cfull, 0...10_000)
            }
          case "calls_scale": p.callsScale = try y.double(cv, cfull, 0...100)
          default:
            p.otherPerDay = y.isWord(cv, "unlimited") ? nil : try y.int(cv, cfull, 0...10_000_000)
          }
        }
      case "priority":
        let word = try y.word(v, full, Policy.Priority.allCases.map(\.rawValue))
        guard let priority = Policy.Priority(rawValue: word) else {
          throw y.error(v, full, "unknown priority", value: v)
        }
        p.priority = priority
      case "overrides":
        p.overrides = try Scenario.parseOverrides(y, v, full, allowed: overrideKeys)
      default: break
      }
    }
    guard !p.name.isEmpty else {
      throw y.error(node, path + ".name", "missing: every policy needs a name")
    }
    return p
  }

  static func parseCadence(_ y: YAMLReader, _ node: Node, _ path: String) throws -> Cadence {
    if y.isWord(node, "observed") { return .observed }
    if y.isWord(node, "none") { return .none }
    guard case .mapping = node else {
      throw y.error(node, path, "expected observed, none, or a mapping with steps", value: node)
    }
    var steps: [CadenceStep] = []
    var rule: Policy.Repeat?
    var extends = false
    for (key, v) in try y.mapping(node, path, allowed: ["extend", "steps", "repeat"]) {
      let full = path + "." + key
      if key == "extend" {
        _ = try y.word(v, full, ["observed"])
        extends = true
      } else if key == "steps" {
        for (k, item) in try y.sequence(v, full).enumerated() {
          let ip = "\(full)[\(k)]"
          var dpd: Int?
          var channel: Channel?
          for (sk, sv) in try y.mapping(item, ip, allowed: ["dpd", "channel"]) {
            if sk == "dpd" {
              dpd = try y.int(sv, ip + ".dpd", -365...1500)
            } else {
              channel = Channel(name: try y.word(sv, ip + ".channel", Vocabulary.channels))
            }
          }
          guard let dpd, let channel else {
            throw y.error(item, ip, "a step needs dpd and channel")
          }
          steps.append(CadenceStep(dpd: dpd, channel: channel))
        }
      } else {
        var every: Int?
        var channel = Channel.call
        var until: Int?
        for (rk, rv) in try y.mapping(v, full, allowed: ["every_days", "channel", "until_dpd"]) {
          let rfull = full + "." + rk
          switch rk {
          case "every_days": every = try y.int(rv, rfull, 1...365)
          case "channel": channel = Channel(name: try y.word(rv, rfull, Vocabulary.channels))!
          default: until = try y.int(rv, rfull, -365...1500)
          }
        }
        guard let every else {
          throw y.error(v, full + ".every_days", "missing: how many days between repeats")
        }
        rule = Policy.Repeat(everyDays: every, channel: channel, untilDpd: until)
      }
    }
    return .steps(steps, rule, extendsObserved: extends)
  }

  static func parseEscalation(_ y: YAMLReader, _ node: Node, _ path: String) throws
    -> Policy.Escalation
  {
    var at: Int?
    var to: Policy.Escalation.Target?
    var lift = 0.0
    var fee = 0.0
    var feeNode: Node?
    for (key, v) in try y.mapping(node, path, allowed: ["at_dpd", "to", "lift", "fee"]) {
      let full = path + "." + key
      switch key {
      case "at_dpd": at = try y.int(v, full, -365...1500)
      case "to":
        to = Policy.Escalation.Target(rawValue: try y.word(v, full, ["manager", "agency"]))
      case "lift": lift = try y.double(v, full, 0...100)
      default:
        fee = try y.double(v, full, 0...1)
        feeNode = v
      }
    }
    guard let at else {
      throw y.error(node, path + ".at_dpd", "missing: the days past due at which it happens")
    }
    guard let to else { throw y.error(node, path + ".to", "missing: manager or agency") }
    if to == .manager, fee > 0 {
      throw y.error(feeNode, path + ".fee", "only an agency takes a fee", value: feeNode)
    }
    return Policy.Escalation(atDpd: at, to: to, lift: lift, fee: fee)
  }

  /// The policy in numbers: `observed` parts taken from the calibration.
  public func resolve(_ c: Calibration) throws -> Policy {
    let observed = Policy.observed(c)
    var steps: [CadenceStep] = []
    var rule: Policy.Repeat?
    switch cadence {
    case .observed:
      steps = observed.steps
      rule = observed.repeatRule
    case .none: break
    case .steps(let s, let r, let extends):
      steps = extends ? observed.steps + s : s
      rule = r ?? (extends ? observed.repeatRule : nil)
    }
    let reps = (self.reps ?? c.reps) + repsChange
    guard reps >= 0 else {
      throw ArcadenceError(
        .invalidConfiguration,
        "\(location): policy \(name): capacity leaves \(reps) reps (the store has \(c.reps))")
    }
    let perRep = callsPerRepPerDay ?? c.callsPerRepPerDay
    var calls: Int?
    if perRep.isFinite, (self.reps != nil || c.reps > 0 || repsChange != 0) {
      calls = Int((Double(reps) * perRep * callsScale).rounded(.down))
    }
    return Policy(
      name: name, steps: steps, repeatRule: rule, escalations: escalations,
      offerAutopay: offerAutopay ?? observed.offerAutopay,
      completion: completion ?? c.completion.value, callsPerDay: calls, otherPerDay: otherPerDay,
      priority: priority, overrides: overrides)
  }
}
