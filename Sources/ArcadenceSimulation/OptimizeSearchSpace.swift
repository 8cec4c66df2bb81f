import ArcadenceCore
import Foundation
import Yams

/// The `search:` block of a scenario: the cadences `arcadence optimize` may choose from
/// (issue 19).
///
/// Every candidate is the baseline policy (its capacity, completion and overrides) with the
/// cadence, repeat, auto-pay offer, escalation and priority replaced by one choice of each
/// dimension; the grid is their Cartesian product, identical candidates counted once.
///
/// ```yaml
/// search:
///   baseline: observed          # the policy compared against (default: the first)
///   calls:                      # each call step: the days past due to try (`none`: no step)
///     - [1, 3]
///     - {from: 7, to: 21, by: 7}
///   emails: [[-3, none]]
///   repeat: {every_days: [7, 14, none], channel: call, until_dpd: 120}
///   offer_autopay: [false, true]
///   escalation: {to: agency, at_dpd: [60, never], lift: 0.8, fee: 0.25}
///   priority: [balance_x_dpd, expected_gain]
///   cost_per_call: 4.50         # for --objective net
///   cost_per_email: 0.05
/// ```
public struct SearchSpace: Sendable, Equatable {
  /// One cadence step: its channel and the days past due to try (nil: leave it out).
  public struct StepChoice: Sendable, Equatable {
    /// The channel.
    public var channel: Channel
    /// The offsets to try; nil means "no step".
    public var dpd: [Int?]

    /// A step choice.
    public init(channel: Channel, dpd: [Int?]) {
      self.channel = channel
      self.dpd = dpd
    }
  }

  /// The policy candidates inherit from and are compared with (nil: the first).
  public var baseline: String?
  /// The call and email steps.
  public var steps: [StepChoice]
  /// Repeat intervals to try (nil: no repeat); empty: the baseline's repeat.
  public var repeatEvery: [Int?]
  /// The repeat's channel.
  public var repeatChannel: Channel
  /// The repeat's last days past due (nil: no end).
  public var repeatUntil: Int?
  /// Auto-pay offers to try; empty: the baseline's.
  public var offerAutopay: [Bool]
  /// The escalation's target, lift and fee; ``escalationAt`` the dpds to try (nil: never).
  public var escalation: Policy.Escalation?
  /// Escalation days past due to try (nil: never); empty: the baseline's escalations.
  public var escalationAt: [Int?]
  /// Priorities to try; empty: the baseline's.
  public var priorities: [Policy.Priority]
  /// Cost of one call made, in cents (`--objective net`).
  public var costPerCall: Int64
  /// Cost of one email (any non-call contact) sent, in cents.
  public var costPerEmail: Int64

  /// A search space.
  public init(
    baseline: String? = nil, steps: [StepChoice] = [], repeatEvery: [Int?] = [],
    repeatChannel: Channel = .call, repeatUntil: Int? = nil, offerAutopay: [Bool] = [],
    escalation: Policy.Escalation? = nil, escalationAt: [Int?] = [],
    priorities: [Policy.Priority] = [], costPerCall: Int64 = 0, costPerEmail: Int64 = 0
  ) {
    self.baseline = baseline
    self.steps = steps
    self.repeatEvery = repeatEvery
    self.repeatChannel = repeatChannel
    self.repeatUntil = repeatUntil
    self.offerAutopay = offerAutopay
    self.escalation = escalation
    self.escalationAt = escalationAt
    self.priorities = priorities
    self.costPerCall = costPerCall
    self.costPerEmail = costPerEmail
  }

  /// The most candidates a grid may hold.
  public static let maxCandidates = 10_000

  /// The keys of the block.
  static let keys = [
    "baseline", "calls", "emails", "repeat", "offer_autopay", "escalation", "priority",
    "cost_per_call", "cost_per_email",
  ]

  /// The `search:` block of the scenario file at `path`, or a usage error saying what to add.
  public static func load(path: String) throws -> SearchSpace {
    let text = try InputFile.text(at: path, describing: "the scenario file \(path)")
    return try parse(text, file: path)
  }

  /// The `search:` block of scenario text; `file` names it in errors.
  public static func parse(_ text: String, file: String) throws -> SearchSpace {
    let y = YAMLReader(file: file)
    let root = try y.root(text)
    guard case .mapping(let m) = root,
      let node = m.first(where: { $0.key.scalar?.string == "search" })?.value
    else {
      throw ArcadenceError(
        .usage,
        "\(file): no `search:` block: add one naming the choices to try, e.g. "
          + "`search: {calls: [[1, 3], [7, 14]], priority: [balance_x_dpd, expected_gain]}` "
          + "(see Scenarios/optimize-cadence.yaml)")
    }
    return try parse(y, node)
  }

  static func parse(_ y: YAMLReader, _ node: Node) throws -> SearchSpace {
    // long-function: one case per key of the block, each validated where it is read.
    var s = SearchSpace()
    var escalationAtNode: Node?
    for (key, v) in try y.mapping(node, "search", allowed: keys) {
      let full = "search." + key
      switch key {
      case "baseline": s.baseline = try y.string(v, full)
      case "calls", "emails":
        let channel: Channel = key == "calls" ? .call : .email
        for (k, item) in try y.sequence(v, full).enumerated() {
          s.steps.append(
            StepChoice(channel: channel, dpd: try offsets(y, item, "\(full)[\(k)]", -365...1500)))
        }
      case "repeat":
        var every: [Int?] = []
        for (rk, rv) in try y.mapping(v, full, allowed: ["every_days", "channel", "until_dpd"]) {
          let rfull = full + "." + rk
          switch rk {
          case "every_days": every = try offsets(y, rv, rfull, 1...365)
          case "channel":
            s.repeatChannel = Channel(name: try y.word(rv, rfull, Vocabulary.channels)) ?? .call
          default: s.repeatUntil = try y.int(rv, rfull, -365...1500)
          }
        }
        guard !every.isEmpty else {
          throw y.error(v, full + ".every_days", "missing: the repeat intervals to try")
        }
        s.repeatEvery = every
      case "offer_autopay":
        s.offerAutopay = try y.sequence(v, full).enumerated().map {
          try y.bool($0.element, "\(full)[\($0.offset)]")
        }
        guard !s.offerAutopay.isEmpty else { throw y.error(v, full, "name at least one choice") }
      case "escalation":
        var target: Policy.Escalation.Target?
        var lift = 0.0
        var fee = 0.0
        for (ek, ev) in try y.mapping(v, full, allowed: ["to", "at_dpd", "lift", "fee"]) {
          let efull = full + "." + ek
          switch ek {
          case "to":
            target = Policy.Escalation.Target(
              rawValue: try y.word(ev, efull, ["manager", "agency"]))
          case "at_dpd":
            s.escalationAt = try offsets(y, ev, efull, -365...1500, none: "never")
            escalationAtNode = ev
          case "lift": lift = try y.double(ev, efull, 0...100)
          default: fee = try y.double(ev, efull, 0...1)
          }
        }
        guard let target else { throw y.error(v, full + ".to", "missing: manager or agency") }
        guard escalationAtNode != nil else {
          throw y.error(v, full + ".at_dpd", "missing: the days past due to try (or never)")
        }
        if target == .manager, fee > 0 {
          throw y.error(v, full + ".fee", "only an agency takes a fee")
        }
        s.escalation = Policy.Escalation(atDpd: 0, to: target, lift: lift, fee: fee)
      case "priority":
        for (k, item) in try y.sequence(v, full).enumerated() {
          let word = try y.word(item, "\(full)[\(k)]", Policy.Priority.allCases.map(\.rawValue))
          if let p = Policy.Priority(rawValue: word) { s.priorities.append(p) }
        }
        guard !s.priorities.isEmpty else { throw y.error(v, full, "name at least one choice") }
      default:
        let cents = try money(y, v, full)
        if key == "cost_per_call" { s.costPerCall = cents } else { s.costPerEmail = cents }
      }
    }
    return s
  }

  /// A list of offsets (whole numbers in `range`, or the word `none`) or bounds
  /// `{from: A, to: B, by: C}` (A, A + C, … up to B).
  static func offsets(
    _ y: YAMLReader, _ node: Node, _ key: String, _ range: ClosedRange<Int>,
    none: String = "none"
  ) throws -> [Int?] {
    if case .mapping = node {
      var from: Int?
      var to: Int?
      var by = 1
      for (k, v) in try y.mapping(node, key, allowed: ["from", "to", "by"]) {
        switch k {
        case "from": from = try y.int(v, key + ".from", range)
        case "to": to = try y.int(v, key + ".to", range)
        default: by = try y.int(v, key + ".by", 1...3650)
        }
      }
      guard let from, let to else {
        throw y.error(node, key, "bounds need from and to (and optionally by)")
      }
      guard from <= to else {
        throw y.error(node, key + ".to", "must be at least from (\(from))", value: node)
      }
      return stride(from: from, through: to, by: by).map { $0 }
    }
    let items: [Node]
    if case .sequence(let s) = node { items = Array(s) } else { items = [node] }
    guard !items.isEmpty else { throw y.error(node, key, "name at least one choice") }
    return try items.enumerated().map { k, item in
      if y.isWord(item, none) { return nil }
      guard case .scalar(let s) = item, s.style == .plain, item.int != nil else {
        throw y.error(
          item, "\(key)[\(k)]",
          "expected a whole number from \(range.lowerBound) to "
            + "\(range.upperBound) or \(none)", value: item)
      }
      return try y.int(item, "\(key)[\(k)]", range)
    }
  }

  /// An amount of money (`4.50`: at most two decimals, 0 to 10,000.00) in cents.
  static func money(_ y: YAMLReader, _ node: Node, _ key: String) throws -> Int64 {
    guard case .scalar(let s) = node, s.style == .plain, let cents = Cents.parse(s.string),
      cents >= 0, cents <= 1_000_000
    else {
      throw y.error(
        node, key, "expected an amount from 0 to 10000.00 (at most two decimals, no symbol)",
        value: node)
    }
    return cents
  }

  /// Every candidate policy: `base` with one choice of each dimension, identical cadences
  /// counted once, in a fixed order (steps, repeat, auto-pay, escalation, priority). Fails
  /// when the grid holds more than ``maxCandidates``.
  public func candidates(base: Policy) throws -> [Policy] {
    var total = 1
    let sizes =
      steps.map(\.dpd.count) + [
        max(1, repeatEvery.count), max(1, offerAutopay.count), max(1, escalationAt.count),
        max(1, priorities.count),
      ]
    for n in sizes {
      let (product, overflow) = total.multipliedReportingOverflow(by: n)
      guard !overflow, product <= Self.maxCandidates else {
        throw ArcadenceError(
          .usage,
          "search: the grid holds more than \(Cents.grouped(UInt64(Self.maxCandidates))) "
            + "candidates: narrow the choices")
      }
      total = product
    }
    var cadences: [[CadenceStep]] = [[]]
    for choice in steps {
      cadences = cadences.flatMap { prefix in
        choice.dpd.map { d in
          d.map { prefix + [CadenceStep(dpd: $0, channel: choice.channel)] } ?? prefix
        }
      }
    }
    let repeats: [Policy.Repeat?] =
      repeatEvery.isEmpty
      ? [base.repeatRule]
      : repeatEvery.map { e in
        e.map { Policy.Repeat(everyDays: $0, channel: repeatChannel, untilDpd: repeatUntil) }
      }
    let autopay = offerAutopay.isEmpty ? [base.offerAutopay] : offerAutopay
    let escalations: [[Policy.Escalation]] =
      escalationAt.isEmpty || escalation == nil
      ? [base.escalations]
      : escalationAt.map { at in
        at.map { d in
          var e = escalation ?? Policy.Escalation(atDpd: d, to: .agency, lift: 0)
          e.atDpd = d
          return [e]
        } ?? []
      }
    let priorities = self.priorities.isEmpty ? [base.priority] : self.priorities
    var out: [Policy] = []
    var seen = Set<String>()
    for cadence in cadences {
      let sorted = Array(Set(cadence)).sorted {
        ($0.dpd, $0.channel.rawValue) < ($1.dpd, $1.channel.rawValue)
      }
      for r in repeats {
        for a in autopay {
          for e in escalations {
            for p in priorities {
              var c = base
              c.steps = sorted
              c.repeatRule = r
              c.offerAutopay = a
              c.escalations = e
              c.priority = p
              c.name = ""
              let key = Self.describe(c)
              guard seen.insert(key).inserted else { continue }
              c.name = "candidate \(out.count + 1)"
              out.append(c)
            }
          }
        }
      }
    }
    return out
  }

  /// What a candidate chooses, in one line: `call 1, 7; email -3; call every 7 d to 120;
  /// auto-pay offer; agency at 60; expected_gain`.
  public static func describe(_ p: Policy) -> String {
    var parts = [p.cadenceSummary]
    parts.append(p.offerAutopay ? "auto-pay offer" : "no auto-pay offer")
    if p.escalations.isEmpty {
      parts.append("no escalation")
    } else {
      parts.append(p.escalations.map { "\($0.to.rawValue) at \($0.atDpd)" }.joined(separator: ", "))
    }
    parts.append(p.priority.rawValue)
    return parts.joined(separator: "; ")
  }
}
