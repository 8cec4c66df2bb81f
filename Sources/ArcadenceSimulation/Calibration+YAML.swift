import ArcadenceCore
import Foundation
import Yams

extension Calibration {
  /// The calibration as a commented YAML file that ``parse(_:file:)`` reads back and a
  /// scenario can reference (`calibration: FILE`).
  ///
  /// Every estimate is written as `{value, events, exposure, thin}`: exposure is days at
  /// risk for hazards and trials for rates. The per-customer bootstrap sample and billing
  /// cadences are not written (they come from the store at simulation time).
  public var yaml: String {
    func n(_ v: Double) -> String {
      v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
    func est(_ e: Estimate) -> String {
      "{value: \(n(e.value)), events: \(n(e.events)), exposure: \(n((e.exposure * 1000).rounded() / 1000)), thin: \(e.thin)}"
    }
    let labels = AgingBucket.labels
    var out = """
      # arcadence calibration: every parameter of the cadence simulator, fitted from the
      # store with data up to and including `until` (spec: simulation.md, "Calibration").
      # Each estimate is {value, events, exposure, thin}: exposure is days at risk for
      # hazards and trials for rates. thin: true marks values resting on fewer than
      # `thin_threshold` events or trials; they were topped up with the pooled value (hazards)
      # or the prior (rates). Edit values to state assumptions; counts are informational.
      until: \(until)
      thin_threshold: \(thinThreshold)
      segments: [\(segments.joined(separator: ", "))]

      # Base daily probability of paying in full, per segment and days-past-due bucket, from
      # a life table (open invoices censored), lift-adjusted (each day at risk weighted by the
      # contact lift below). Kept promises and auto-pay due dates are not counted here.
      hazard:

      """
    for (s, name) in segments.enumerated() {
      out += "  \(name):\n"
      for b in 0..<AgingBucket.count { out += "    \(labels[b]): \(est(hazard[s][b]))\n" }
    }
    out += """

      # Observed all-cause daily rate of paying in full (the Markov aging chain's roll rate
      # into "paid"), unadjusted.
      paid_rate:

      """
    for (s, name) in segments.enumerated() {
      out += "  \(name):\n"
      for b in 0..<AgingBucket.count { out += "    \(labels[b]): \(est(paidRate[s][b]))\n" }
    }
    if !bandFactor.isEmpty {
      out += """

        # Factor on the bucket's hazard per band of days to due (not_due split into due in 15+,
        # 8–14 and 1–7 days; dpd_0_7 into the due day and 1–7): the band's payment rate over its
        # bucket's, all segments, on frailty-weighted days at risk (exposure). Thin bands are
        # topped up at the bucket's rate (factor towards 1).
        band_factor:

        """
      for (k, label) in HazardBand.labels.enumerated() where k < bandFactor.count {
        out += "  \(label): \(est(bandFactor[k]))\n"
      }
    }
    if delayShiftCustomers > 0 {
      let k = delayCredibility.map { n(($0 * 1000).rounded() / 1000) } ?? "none"
      out += """

        # Per-customer payment delay (shift of the segment's curve, days): each customer's mean
        # log ratio of days from issue to payment over its segment's typical days for the same
        # terms, shrunk towards its segment by n ÷ (n + k) (n: its paid invoices), k = within ÷
        # between-customer variance by the method of moments ("none": no more spread than
        # chance, no shift). The hazards above are on the shifted days; the shifts themselves
        # come from the store at simulation time.
        delay_shift: {k: \(k), customers: \(delayShiftCustomers)}

        """
    }
    out += "\n# Daily write-off hazard per bucket, all segments.\nwrite_off:\n"
    for b in 0..<AgingBucket.count { out += "  \(labels[b]): \(est(writeOff[b]))\n" }
    out += "\n# Share of outbound contacts that reach the customer.\nreach:\n"
    for ch in Channel.allCases { out += "  \(ch.name): \(est(reach[ch.rawValue]))\n" }
    out += """

      # Outcomes of reached outbound contacts, and the rest of the contact model.
      p_promise: \(est(pPromise))
      p_kept_observed: \(est(pKeptObserved))
      p_kept: \(est(pKept))
      p_dispute: \(est(pDispute))
      p_autopay_accept: \(est(pAutopayAccept))
      autopay_on_time: \(est(autopayOnTime))
      completion: \(est(completion))
      promise_lead_days: {days: [\(promiseLeadDays.days.map(String.init).joined(separator: ", "))], counts: [\(promiseLeadDays.weights.map(n).joined(separator: ", "))]}
      resolution_days: {count: \(resolutionDays.count), quantiles: [\(resolutionDays.quantiles.map { n(($0 * 1000).rounded() / 1000) }.joined(separator: ", "))]}

      # Contact lifts are ASSUMPTIONS: lifts estimated from contact logs are confounded (reps
      # choose whom to call). A reached contact multiplies the hazard by
      # 1 + reached_lift × exp(−t / reached_decay_days) t days later.
      lifts: {reached_lift: \(n(lifts.reached)), reached_decay_days: \(n(lifts.reachedDecayDays)), unreached_lift: \(n(lifts.unreached)), unreached_decay_days: \(n(lifts.unreachedDecayDays))}

      """
    if let naive = naiveReachedLift {
      out += "# Naive (confounded) estimate of reached_lift, for comparison only.\n"
      out += "naive_reached_lift: \(est(naive))\n"
    }
    out += "\n# The cadence the team follows today, inferred from tasks.\ncadence:\n  steps:"
    out += cadence.isEmpty ? " []\n" : "\n"
    for s in cadence { out += "    - {dpd: \(s.dpd), channel: \(s.channel.name)}\n" }
    if let r = repeatEveryDays {
      out += "  repeat: {every_days: \(r), channel: \(repeatChannel.name)}\n"
    }
    out += """
      # Reps calling in the last 30 days; calls per rep on the median of the last 90 days with calls.
      capacity: {reps: \(reps), calls_per_rep_per_day: \(n(callsPerRepPerDay))}
      # Portfolio shock: log-scale σ from week-to-week collections (exposure = weeks).
      shock_sigma: \(est(shockSigma))
      billing: {customers: \(billedCustomers), median_gap_days: \(n(medianBillingGapDays))}

      """
    return out
  }

  /// Reads a calibration file written by ``yaml`` (values may have been edited).
  public static func parse(_ text: String, file: String) throws -> Calibration {
    let r = try CalibrationFileReader(text, file: file)
    let untilDay = try r.until()
    let threshold = try r.y.int(try r.node("thin_threshold"), "thin_threshold", 1...1_000_000)
    let segments = try r.segments()
    let reach = try r.reach()
    let lead = try r.promiseLeadDays()
    let resolution = try r.resolutionDays()
    let lifts = try r.lifts()
    let cadence = try r.cadence()
    let capacity = try r.capacity()
    let billing = try r.billing()
    let bandFactor = try r.bandFactor()
    let delay = try r.delayShift()
    let naive = try r.optional("naive_reached_lift").map {
      try r.estimate($0, "naive_reached_lift", -1e6...1e6)
    }
    var calibration = Calibration(
      until: untilDay, segments: segments, hazard: try r.table("hazard", segments),
      paidRate: try r.table("paid_rate", segments),
      writeOff: try r.buckets(try r.node("write_off"), "write_off"), reach: reach,
      pPromise: try r.rate("p_promise"), pKeptObserved: try r.rate("p_kept_observed"),
      pKept: try r.rate("p_kept"), pDispute: try r.rate("p_dispute"),
      pAutopayAccept: try r.rate("p_autopay_accept"),
      autopayOnTime: try r.rate("autopay_on_time"), completion: try r.rate("completion"),
      promiseLeadDays: lead, resolutionDays: resolution, lifts: lifts, naiveReachedLift: naive,
      cadence: cadence.steps, repeatEveryDays: cadence.repeatEvery,
      repeatChannel: cadence.repeatChannel, reps: capacity.reps,
      callsPerRepPerDay: capacity.perRep,
      shockSigma: try r.estimate(try r.node("shock_sigma"), "shock_sigma", 0...3),
      billedCustomers: billing.customers, medianBillingGapDays: billing.gap,
      thinThreshold: threshold, sample: nil, bandFactor: bandFactor)
    calibration.delayCredibility = delay.k
    calibration.delayShiftCustomers = delay.customers
    return calibration
  }

  /// Reads a calibration file.
  public static func load(path: String) throws -> Calibration {
    let text = try InputFile.text(at: path, describing: "the calibration file \(path)")
    return try parse(text, file: path)
  }

  /// A table of every parameter with the count it rests on and its flags, for people.
  public var report: String {
    func p(_ v: Double) -> String { String(format: "%.4f", v) }
    func c(_ v: Double) -> String { Cents.grouped(UInt64(max(0, v.rounded()))) }
    var t = TextTable(header: ["parameter", "value", "rests on", "flag"])
    var thin: [String] = []
    func add(_ name: String, _ e: Estimate, _ unit: String, digits: Bool = true) {
      let flag = e.thin ? "THIN: shrunk" : ""
      if e.thin { thin.append(name) }
      let raw = e.thin ? " (raw \(e.raw.map(p) ?? "–"))" : ""
      t.add([
        name, (digits ? p(e.value) : String(format: "%.3f", e.value)) + raw,
        unit == "days"
          ? "\(c(e.events)) payments in \(c(e.exposure)) days at risk"
          : "\(c(e.events)) of \(c(e.exposure)) \(unit)", flag,
      ])
    }
    t.section("Base daily payment hazard (lift-adjusted life table)")
    for (s, name) in segments.enumerated() {
      for b in 0..<AgingBucket.count {
        add("hazard \(name) \(AgingBucket.labels[b])", hazard[s][b], "days")
      }
    }
    t.section("Write-off hazard")
    for b in 0..<AgingBucket.count {
      let e = writeOff[b]
      t.add([
        "write_off \(AgingBucket.labels[b])", p(e.value), "\(c(e.events)) of \(c(e.exposure)) days",
        e.thin ? "thin" : "",
      ])
    }
    if delayShiftCustomers > 0 {
      t.section("Per-customer payment delay")
      t.add([
        "delay shift credibility k", delayCredibility.map { String(format: "%.3f", $0) } ?? "none",
        "\(c(Double(delayShiftCustomers))) customers shrunk by n ÷ (n + k)",
        delayCredibility == nil ? "no spread: no shift" : "",
      ])
    }
    t.section("Contacts")
    for ch in Channel.allCases { add("reach \(ch.name)", reach[ch.rawValue], "contacts") }
    add("p_promise", pPromise, "reached contacts")
    add("p_kept observed (kpis.md rule)", pKeptObserved, "due promises")
    t.add([
      "p_kept by the promise itself", p(pKept.value), "less payments due anyway in the window",
      "",
    ])
    add("p_dispute", pDispute, "reached, no promise")
    add("p_autopay_accept", pAutopayAccept, "reached calls, not on auto-pay")
    add("autopay_on_time", autopayOnTime, "auto-pay due dates")
    add("completion (tasks done)", completion, "tasks")
    t.add([
      "promise lead days, median", "\(promiseLeadDays.median)",
      "\(c(promiseLeadDays.total)) promises", "",
    ])
    t.add([
      "resolution days, median / P90",
      String(format: "%.1f / %.1f", resolutionDays.value(at: 0.5), resolutionDays.value(at: 0.9)),
      "\(c(Double(resolutionDays.count))) closed cases",
      resolutionDays.count < thinThreshold ? "thin" : "",
    ])
    t.section("Assumptions (confounded in logs)")
    t.add([
      "reached lift / decay days",
      (reachedLiftEstimated ? String(format: "%.2f", lifts.reached) : "\(lifts.reached)")
        + " / \(lifts.reachedDecayDays)",
      reachedLiftEstimated ? "lift estimated (below), decay assumed" : "assumed", "",
    ])
    t.add([
      "unreached lift / decay days", "\(lifts.unreached) / \(lifts.unreachedDecayDays)", "assumed",
      "",
    ])
    if let naive = naiveReachedLift {
      t.add([
        "naive reached lift (not used)", String(format: "%.2f", naive.value),
        "\(c(naive.events)) payments after reached contacts", "confounded",
      ])
    }
    t.section("Cadence, capacity, billing, shock")
    t.add([
      "reps × calls per rep per day", "\(reps) × \(callsPerRepPerDay)", "last 90 days of calls", "",
    ])
    t.add([
      "billed customers / median gap", "\(billedCustomers) / \(medianBillingGapDays) d", "invoices",
      "",
    ])
    add("portfolio shock σ", shockSigma, "weeks")
    var out = "Calibration with data up to \(until)\n\n" + t.rendered()
    out += "\nObserved cadence (from tasks): \(Policy.observed(self).cadenceSummary)\n"
    out += "\nLifts estimated from contact logs are confounded (reps choose whom to call); the "
    out +=
      reachedLiftEstimated
      ? "reached lift is identified by the rep's daily workload instead (below), the rest are "
        + "stated assumptions, overridable in a scenario.\n"
      : "simulator uses the stated assumptions above, overridable in a scenario.\n"
    if thin.isEmpty {
      out += "No parameter rests on fewer than \(thinThreshold) events or trials.\n"
    } else {
      out +=
        "\(thin.count) parameters rest on fewer than \(thinThreshold) events or trials and were shrunk: "
      out += thin.joined(separator: ", ") + ".\n"
    }
    return out
  }
}

/// The top-level keys of a calibration file, one reader per section (``Calibration/parse``).
/// Every error names the file, line and key path.
struct CalibrationFileReader {
  /// The keys a calibration file may hold.
  static let keys = [
    "until", "thin_threshold", "segments", "hazard", "paid_rate", "write_off", "reach",
    "p_promise", "p_kept_observed", "p_kept", "p_dispute", "p_autopay_accept", "autopay_on_time",
    "completion", "promise_lead_days", "resolution_days", "lifts", "naive_reached_lift",
    "cadence", "capacity", "shock_sigma", "billing", "band_factor", "delay_shift",
  ]
  /// The YAML reader (file name, typed values, errors).
  let y: YAMLReader
  /// The document's root.
  let root: Node
  /// Its top-level pairs.
  let pairs: [(key: String, node: Node)]

  /// Parses `text` and checks its top-level keys.
  init(_ text: String, file: String) throws {
    y = YAMLReader(file: file)
    root = try y.root(text)
    pairs = try y.mapping(root, "", allowed: Self.keys)
  }

  /// The value of top-level key `k`, or nil.
  func optional(_ k: String) -> Node? { pairs.first { $0.key == k }?.node }

  /// The value of top-level key `k`, which must be there.
  func node(_ k: String) throws -> Node {
    guard let v = optional(k) else { throw y.error(root, k, "missing") }
    return v
  }

  /// `until`: a date.
  func until() throws -> Day {
    let v = try node("until")
    guard let day = Day(iso: try y.string(v, "until")) else {
      throw y.error(v, "until", "expected a date YYYY-MM-DD")
    }
    return day
  }

  /// `segments`: a non-empty list of names.
  func segments() throws -> [String] {
    let v = try node("segments")
    let names = try y.sequence(v, "segments").map { try y.string($0, "segments") }
    guard !names.isEmpty else { throw y.error(v, "segments", "empty") }
    return names
  }

  /// An estimate `{value, events, exposure, thin}` at `path`, its value in `range`.
  func estimate(_ v: Node, _ path: String, _ range: ClosedRange<Double>) throws -> Estimate {
    var e = Estimate(value: 0, events: 0, exposure: 0, raw: nil, thin: false)
    var sawValue = false
    for (k, x) in try y.mapping(v, path, allowed: ["value", "events", "exposure", "thin"]) {
      switch k {
      case "value":
        e.value = try y.double(x, path + ".value", range)
        sawValue = true
      case "events": e.events = try y.double(x, path + ".events", 0...1e15)
      case "exposure": e.exposure = try y.double(x, path + ".exposure", 0...1e15)
      default: e.thin = try y.bool(x, path + ".thin")
      }
    }
    guard sawValue else { throw y.error(v, path + ".value", "missing") }
    e.raw = e.exposure > 0 ? e.events / e.exposure : nil
    return e
  }

  /// The rate at top-level key `k` (an estimate from 0 to 1).
  func rate(_ k: String) throws -> Estimate { try estimate(try node(k), k, 0...1) }

  /// A table of bucket rows per segment at top-level key `key`.
  func table(_ key: String, _ segments: [String]) throws -> [[Estimate]] {
    let v = try node(key)
    let m = try y.mapping(v, key, allowed: segments)
    return try segments.map { name in
      guard let row = m.first(where: { $0.key == name })?.node else {
        throw y.error(v, key + "." + name, "missing")
      }
      return try buckets(row, key + "." + name)
    }
  }

  /// One rate per ``AgingBucket`` at `path`.
  func buckets(_ v: Node, _ path: String) throws -> [Estimate] {
    let m = try y.mapping(v, path, allowed: AgingBucket.labels)
    return try AgingBucket.labels.map { label in
      guard let x = m.first(where: { $0.key == label })?.node else {
        throw y.error(v, path + "." + label, "missing")
      }
      return try estimate(x, path + "." + label, 0...1)
    }
  }

  /// `reach`: per channel; a channel left out gets its prior.
  func reach() throws -> [Estimate] {
    let m = try y.mapping(try node("reach"), "reach", allowed: Vocabulary.channels)
    return try Channel.allCases.map { ch -> Estimate in
      guard let v = m.first(where: { $0.key == ch.name })?.node else {
        return .assumed(Calibration.priors["reach_" + ch.name]!)
      }
      return try estimate(v, "reach." + ch.name, 0...1)
    }
  }

  /// `promise_lead_days`: `days` and `counts`, lists of one length.
  func promiseLeadDays() throws -> DayDistribution {
    var lead = DayDistribution(days: [7], weights: [1])
    let v = try node("promise_lead_days")
    for (k, x) in try y.mapping(v, "promise_lead_days", allowed: ["days", "counts"]) {
      let items = try y.sequence(x, "promise_lead_days." + k)
      if k == "days" {
        lead.days = try items.map { try y.int($0, "promise_lead_days.days", 0...3650) }
      } else {
        lead.weights = try items.map { try y.double($0, "promise_lead_days.counts", 0...1e15) }
      }
    }
    guard lead.days.count == lead.weights.count, !lead.days.isEmpty else {
      throw y.error(v, "promise_lead_days", "days and counts must be lists of one length")
    }
    return lead
  }

  /// `resolution_days`: `count` and 21 ascending `quantiles`.
  func resolutionDays() throws -> QuantileDistribution {
    var resolution = QuantileDistribution(values: [], fallback: 7)
    let v = try node("resolution_days")
    for (k, x) in try y.mapping(v, "resolution_days", allowed: ["count", "quantiles"]) {
      if k == "count" {
        resolution.count = try y.int(x, "resolution_days.count", 0...Int.max)
      } else {
        resolution.quantiles = try y.sequence(x, "resolution_days.quantiles").map {
          try y.double($0, "resolution_days.quantiles", 0...36_500)
        }
      }
    }
    guard resolution.quantiles.count == 21, resolution.quantiles == resolution.quantiles.sorted()
    else {
      throw y.error(
        v, "resolution_days.quantiles", "expected 21 ascending quantiles (0, 5, …, 100 %)")
    }
    return resolution
  }

  /// `lifts`: any of the four, the rest assumed.
  func lifts() throws -> Lifts {
    var lifts = Lifts.assumed
    for (k, v) in try y.mapping(
      try node("lifts"), "lifts",
      allowed: ["reached_lift", "reached_decay_days", "unreached_lift", "unreached_decay_days"])
    {
      let x = try y.double(v, "lifts." + k, k.hasSuffix("days") ? 0.01...3650 : 0...100)
      switch k {
      case "reached_lift": lifts.reached = x
      case "reached_decay_days": lifts.reachedDecayDays = x
      case "unreached_lift": lifts.unreached = x
      default: lifts.unreachedDecayDays = x
      }
    }
    return lifts
  }

  /// `cadence`: steps and a repeat, as a scenario states them.
  func cadence() throws -> (steps: [CadenceStep], repeatEvery: Int?, repeatChannel: Channel) {
    switch try PolicySpec.parseCadence(y, try node("cadence"), "cadence") {
    case .steps(let s, let r, _): return (s, r?.everyDays, r?.channel ?? .call)
    default: return ([], nil, .call)
    }
  }

  /// `capacity`: reps and calls per rep per day.
  func capacity() throws -> (reps: Int, perRep: Double) {
    var reps = 0
    var perRep = 0.0
    for (k, v) in try y.mapping(
      try node("capacity"), "capacity", allowed: ["reps", "calls_per_rep_per_day"])
    {
      if k == "reps" {
        reps = try y.int(v, "capacity.reps", 0...100_000)
      } else {
        perRep = try y.double(v, "capacity.calls_per_rep_per_day", 0...10_000)
      }
    }
    return (reps, perRep)
  }

  /// `billing` (optional): customers billed and the median gap.
  func billing() throws -> (customers: Int, gap: Double) {
    var billed = 0
    var gap = 0.0
    if let b = optional("billing") {
      for (k, v) in try y.mapping(b, "billing", allowed: ["customers", "median_gap_days"]) {
        if k == "customers" {
          billed = try y.int(v, "billing.customers", 0...Int.max)
        } else {
          gap = try y.double(v, "billing.median_gap_days", 0...36_500)
        }
      }
    }
    return (billed, gap)
  }

  /// `delay_shift` (optional, informational): the credibility constant (nil for `none`) and
  /// the customers the shifts rest on.
  func delayShift() throws -> (k: Double?, customers: Int) {
    guard let v = optional("delay_shift") else { return (nil, 0) }
    var k: Double?
    var customers = 0
    for (key, x) in try y.mapping(v, "delay_shift", allowed: ["k", "customers"]) {
      if key == "customers" {
        customers = try y.int(x, "delay_shift.customers", 0...Int.max)
      } else if (try? y.string(x, "delay_shift.k")) != "none" {
        k = try y.double(x, "delay_shift.k", 0...1e12)
      }
    }
    return (k, customers)
  }

  /// `band_factor` (optional): one factor per ``HazardBand``, or none.
  func bandFactor() throws -> [Estimate] {
    guard let v = optional("band_factor") else { return [] }
    let m = try y.mapping(v, "band_factor", allowed: HazardBand.labels)
    return try HazardBand.labels.map { label in
      guard let x = m.first(where: { $0.key == label })?.node else {
        throw y.error(v, "band_factor." + label, "missing")
      }
      var e = try estimate(x, "band_factor." + label, 0...1000)
      e.raw = nil
      return e
    }
  }
}
