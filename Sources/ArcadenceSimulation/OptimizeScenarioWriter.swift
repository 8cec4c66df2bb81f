import ArcadenceCore
import Foundation

/// Writes the optimizer's best policy as a scenario file that `arcadence simulate` reads: the
/// scenario's settings, its baseline policy as written, and the winner (the baseline's
/// capacity, completion and overrides with the chosen cadence, repeat, auto-pay offer,
/// escalation and priority).
///
/// The file keeps the scenario's seed (an `open_invoices` sample is drawn with it) and paths;
/// `simulate best.yaml --seed S --paths P` with the re-evaluation's seed and paths reproduces
/// the reported figures of the winner and the baseline.
public enum OptimizeScenarioWriter {
  /// The YAML text. `folder` resolves a relative calibration file (written as an absolute
  /// path, since the new file lives elsewhere).
  public static func yaml(
    scenario: Scenario, baselineIndex: Int, winner: Policy, note: String
  ) -> String {
    let base = scenario.policies[baselineIndex]
    var best = base
    best.name = "best: " + winner.name
    best.cadence =
      winner.steps.isEmpty && winner.repeatRule == nil
      ? .none : .steps(winner.steps, winner.repeatRule, extendsObserved: false)
    best.escalations = winner.escalations
    best.offerAutopay = winner.offerAutopay
    best.priority = winner.priority
    var out =
      "# Written by `arcadence optimize`: \(note.replacingOccurrences(of: "\n", with: " "))\n"
    out += "name: \(quoted(scenario.name + " best"))\n"
    out += "description: \(quoted("The optimizer's best policy against \(base.name)."))\n"
    if let start = scenario.start { out += "start: \(start)\n" }
    out += "horizon_days: \(scenario.horizonDays)\n"
    out += "paths: \(scenario.paths)\n"
    out += "seed: \(scenario.seed)\n"
    switch scenario.calibration {
    case .fromStore: out += "calibration: from_store\n"
    case .file(let name):
      let path =
        name.hasPrefix("/")
        ? name
        : URL(fileURLWithPath: scenario.folder.isEmpty ? "." : scenario.folder)
          .appendingPathComponent(name).standardizedFileURL.path
      out += "calibration: \(quoted(path))\n"
    }
    out += "new_invoices: \(scenario.newInvoices)\n"
    if let n = scenario.openInvoices { out += "open_invoices: \(n)\n" }
    out += "portfolio_shock: \(scenario.portfolioShock)\n"
    out += "parameter_uncertainty: \(scenario.parameterUncertainty)\n"
    if !scenario.overrides.isEmpty {
      out += "overrides:\n"
      for (k, v) in scenario.overrides { out += "  \(k): \(number(v))\n" }
    }
    out += "policies:\n"
    out += policy(base)
    out += policy(best)
    return out
  }

  /// One policy spec as a list item.
  static func policy(_ p: PolicySpec) -> String {
    var out = "  - name: \(quoted(p.name))\n"
    switch p.cadence {
    case .observed: out += "    cadence: observed\n"
    case .none: out += "    cadence: none\n"
    case .steps(let steps, let rule, let extends):
      out += "    cadence:\n"
      if extends { out += "      extend: observed\n" }
      out += "      steps:\n"
      for s in steps { out += "        - {dpd: \(s.dpd), channel: \(s.channel.name)}\n" }
      if steps.isEmpty { out.removeLast("      steps:\n".count) }
      if let r = rule {
        out += "      repeat: {every_days: \(r.everyDays), channel: \(r.channel.name)"
        if let u = r.untilDpd { out += ", until_dpd: \(u)" }
        out += "}\n"
      }
    }
    if !p.escalations.isEmpty {
      out += "    escalation:\n"
      for e in p.escalations {
        out +=
          "      - {at_dpd: \(e.atDpd), to: \(e.to.rawValue), lift: \(number(e.lift)), "
          + "fee: \(number(e.fee))}\n"
      }
    }
    out += "    offer_autopay: \(p.offerAutopay.map { "\($0)" } ?? "observed")\n"
    out += "    completion: \(p.completion.map(number) ?? "observed")\n"
    out += "    capacity:\n"
    out += "      reps: \(p.reps.map { "\($0)" } ?? "observed")\n"
    out += "      reps_change: \(p.repsChange)\n"
    let perRep = p.callsPerRepPerDay.map { $0.isInfinite ? "unlimited" : number($0) }
    out += "      calls_per_rep_per_day: \(perRep ?? "observed")\n"
    out += "      calls_scale: \(number(p.callsScale))\n"
    out += "      other_per_day: \(p.otherPerDay.map { "\($0)" } ?? "unlimited")\n"
    out += "    priority: \(p.priority.rawValue)\n"
    if !p.overrides.isEmpty {
      out += "    overrides:\n"
      for (k, v) in p.overrides { out += "      \(k): \(number(v))\n" }
    }
    return out
  }

  /// A number that reads back as the same Double (no exponent, which YAML 1.1 would not take
  /// for a float without a dot).
  static func number(_ v: Double) -> String {
    let s = "\(v)"
    if !s.contains("e") { return s }
    var t = String(format: "%.24f", v)
    while t.hasSuffix("0") { t.removeLast() }
    if t.hasSuffix(".") { t += "0" }
    return t
  }

  /// A YAML double-quoted string: backslash, quote and control characters escaped.
  static func quoted(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      default:
        if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value)
          || u.value == 0x2028 || u.value == 0x2029
        {
          out += String(format: "\\u%04X", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
