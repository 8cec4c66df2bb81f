/// A collections policy in concrete numbers: the cadence, escalations, the auto-pay offer,
/// capacity and priority (simulation.md, "Policies and scenarios").
public struct Policy: Sendable, Equatable {
  /// After the last step, a contact every `everyDays` days on `channel`, up to `untilDpd`.
  public struct Repeat: Sendable, Equatable {
    /// Days between repeats (≥ 1).
    public var everyDays: Int
    /// The channel.
    public var channel: Channel
    /// The last days-past-due value at which a repeat may fall (nil: no end).
    public var untilDpd: Int?

    /// A repeat rule.
    public init(everyDays: Int, channel: Channel, untilDpd: Int? = nil) {
      self.everyDays = everyDays
      self.channel = channel
      self.untilDpd = untilDpd
    }
  }

  /// Where an invoice goes at a days-past-due value.
  public struct Escalation: Sendable, Equatable {
    /// Manager (the cadence goes on) or agency (the agency works it; the cadence stops).
    public enum Target: String, Sendable, Equatable { case manager, agency }
    /// Days past due at which it happens (invoices already past it escalate on day one).
    public var atDpd: Int
    /// The target.
    public var to: Target
    /// Hazard multiplier from then on: `1 + lift`.
    public var lift: Double
    /// Share of what is then collected kept by the agency (0 for a manager).
    public var fee: Double

    /// An escalation.
    public init(atDpd: Int, to: Target, lift: Double, fee: Double = 0) {
      self.atDpd = atDpd
      self.to = to
      self.lift = lift
      self.fee = fee
    }
  }

  /// The order in which calls are made when they exceed capacity.
  public enum Priority: String, Sendable, Equatable, CaseIterable {
    /// Expected gain of the call first: balance × (P(paid within 30 days | called today) −
    /// P(… | not)), the worklist's number (``Worklist/probabilities(hazard:factors:multiplier:dpd:reach:lifts:prior:cap:)``),
    /// looked up in a table per policy (``GainTable``).
    case expectedGain = "expected_gain"
    /// Balance × days past due, largest first.
    case balanceXDpd = "balance_x_dpd"
    /// Most days past due first.
    case oldestFirst = "oldest_first"
    /// Largest balance first.
    case largestFirst = "largest_first"
    /// Expected loss first: balance × probability of not paying in 30 days.
    case risk
  }

  /// Name shown in outputs.
  public var name: String
  /// The cadence steps.
  public var steps: [CadenceStep]
  /// The repeat after the last step.
  public var repeatRule: Repeat?
  /// Escalations, by days past due.
  public var escalations: [Escalation]
  /// Whether reached calls offer auto-pay.
  public var offerAutopay: Bool
  /// Share of cadence tasks that get done at all (0…1).
  public var completion: Double
  /// Calls per day (nil: unlimited).
  public var callsPerDay: Int?
  /// Other contacts (email, sms, letter) per day (nil: unlimited).
  public var otherPerDay: Int?
  /// Priority when calls exceed capacity.
  public var priority: Priority
  /// Parameter overrides for this policy only (keys of ``ModelParameters/overrideKeys``).
  public var overrides: [(key: String, value: Double)]

  /// A policy.
  public init(
    name: String, steps: [CadenceStep] = [], repeatRule: Repeat? = nil,
    escalations: [Escalation] = [], offerAutopay: Bool = false, completion: Double = 1,
    callsPerDay: Int? = nil, otherPerDay: Int? = nil, priority: Priority = .balanceXDpd,
    overrides: [(key: String, value: Double)] = []
  ) {
    self.name = name
    self.steps = steps
    self.repeatRule = repeatRule
    self.escalations = escalations.sorted { $0.atDpd < $1.atDpd }
    self.offerAutopay = offerAutopay
    self.completion = completion
    self.callsPerDay = callsPerDay
    self.otherPerDay = otherPerDay
    self.priority = priority
    self.overrides = overrides
  }

  /// Whether two policies state the same thing.
  public static func == (a: Policy, b: Policy) -> Bool {
    a.name == b.name && a.steps == b.steps && a.repeatRule == b.repeatRule
      && a.escalations == b.escalations && a.offerAutopay == b.offerAutopay
      && a.completion == b.completion && a.callsPerDay == b.callsPerDay
      && a.otherPerDay == b.otherPerDay && a.priority == b.priority
      && a.overrides.map(\.key) == b.overrides.map(\.key)
      && a.overrides.map(\.value) == b.overrides.map(\.value)
  }

  /// No contacts at all.
  public static func none(name: String = "no contacts") -> Policy { Policy(name: name) }

  /// The policy the team follows today, as calibrated: the inferred cadence and repeat, the
  /// observed completion rate, auto-pay offered on reached calls when any customer enrolled
  /// that way, and capacity = reps × their median day's calls per rep.
  public static func observed(_ c: Calibration, name: String = "observed") -> Policy {
    Policy(
      name: name, steps: c.cadence,
      repeatRule: c.repeatEveryDays.map { Repeat(everyDays: $0, channel: c.repeatChannel) },
      offerAutopay: c.pAutopayAccept.events > 0, completion: c.completion.value,
      callsPerDay: c.reps > 0 ? Int((Double(c.reps) * c.callsPerRepPerDay).rounded(.down)) : nil)
  }

  /// A one-line summary of the cadence (`email −3, call 1, 7, 14; call every 7 to 120`).
  public var cadenceSummary: String {
    guard !steps.isEmpty || repeatRule != nil else { return "no contacts" }
    var parts: [String] = []
    var current: Channel?
    for s in steps.sorted(by: { ($0.dpd, $0.channel.rawValue) < ($1.dpd, $1.channel.rawValue) }) {
      if s.channel == current {
        parts[parts.count - 1] += ", \(s.dpd)"
      } else {
        parts.append("\(s.channel.name) \(s.dpd)")
        current = s.channel
      }
    }
    var text = parts.joined(separator: "; ")
    if let r = repeatRule {
      text += "; \(r.channel.name) every \(r.everyDays) d"
      if let u = r.untilDpd { text += " to \(u)" }
    }
    return text
  }
}

/// A policy compiled for the engine: channel masks and next-step lookups by days past due.
struct CompiledPolicy: Sendable {
  static let minDpd: Int32 = -400
  static let maxDpd: Int32 = 2000
  let policy: Policy
  /// Channel bit mask of the steps at each dpd (index dpd − minDpd).
  let mask: [UInt8]
  /// The first dpd ≥ index with a step, or `Int32.max`.
  let next: [Int32]
  let parameters: ModelParameters

  init(_ p: Policy, parameters base: ModelParameters) {
    policy = p
    var params = base
    for (k, v) in p.overrides { params.apply(k, v) }
    parameters = params
    let n = Int(Self.maxDpd - Self.minDpd + 1)
    var m = [UInt8](repeating: 0, count: n)
    for s in p.steps where Int32(s.dpd) >= Self.minDpd && Int32(s.dpd) <= Self.maxDpd {
      m[Int(Int32(s.dpd) - Self.minDpd)] |= 1 << UInt8(s.channel.rawValue)
    }
    if let r = p.repeatRule, r.everyDays >= 1 {
      let last = p.steps.map(\.dpd).max() ?? 0
      var d = last + r.everyDays
      let end = min(r.untilDpd ?? Int(Self.maxDpd), Int(Self.maxDpd))
      while d <= end {
        m[d - Int(Self.minDpd)] |= 1 << UInt8(r.channel.rawValue)
        d += r.everyDays
      }
    }
    var nx = [Int32](repeating: Int32.max, count: n + 1)
    for k in stride(from: n - 1, through: 0, by: -1) {
      nx[k] = m[k] != 0 ? Int32(k) + Self.minDpd : nx[k + 1]
    }
    mask = m
    next = nx
  }

  /// The first dpd ≥ `dpd` with a step, or `Int32.max`.
  @inline(__always)
  func nextStep(from dpd: Int32) -> Int32 {
    if dpd > Self.maxDpd { return Int32.max }
    return next[Int(max(dpd, Self.minDpd) - Self.minDpd)]
  }

  /// The channels of the steps at `dpd`.
  @inline(__always)
  func channels(at dpd: Int32) -> UInt8 {
    guard dpd >= Self.minDpd, dpd <= Self.maxDpd else { return 0 }
    return mask[Int(dpd - Self.minDpd)]
  }
}
