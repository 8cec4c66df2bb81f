import ArcadenceCore
import ArcadenceSimulation

/// The scenarios page's form for the common knobs, turned into scenario YAML: today's
/// cadence (`observed`, the baseline) against one proposed policy made of the knobs. Every
/// value is checked and written as a number or a quoted string, so nothing typed can add a
/// key; the YAML is then checked by the scenario reader like any file (``check(name:yaml:)``).
struct ScenarioComposer {
  var yaml: String

  /// The knobs: `name`, `horizon_days`, `paths`, `steps` ("-3 email, 1 call"),
  /// `repeat_every`, `repeat_channel`, `repeat_until`, `completion` ("observed" or 0–1),
  /// `reps_change`, `calls_per_rep` ("observed" or a number), `offer_autopay` ("on"),
  /// `agency_dpd` (empty: no agency), `agency_lift`, `agency_fee`. Errors name the field and
  /// the value.
  init(_ form: FormFields) throws {
    // long-function: the knobs in the order the YAML lists them, each checked where it is
    // written; split, the YAML's shape would be spread over several functions
    func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
      guard let text = form.first(key)?.trimmingCharacters(in: .whitespaces), !text.isEmpty
      else { return nil }
      guard let v = Int(text), range.contains(v) else {
        throw ArcadenceError(
          .usage,
          "\(key): expected a whole number from \(range.lowerBound) to "
            + "\(range.upperBound) (value \"\(text)\")")
      }
      return v
    }
    func rate(_ key: String, _ range: ClosedRange<Double>, observed: Bool) throws -> String? {
      guard let text = form.first(key)?.trimmingCharacters(in: .whitespaces), !text.isEmpty
      else { return nil }
      if observed, text == "observed" { return "observed" }
      guard let v = Double(text), v.isFinite, range.contains(v) else {
        throw ArcadenceError(
          .usage,
          "\(key): expected \(observed ? "observed or " : "")a number from "
            + "\(range.lowerBound) to \(range.upperBound) (value \"\(text)\")")
      }
      return String(v)
    }
    func channel(_ key: String, _ text: String) throws -> String {
      guard Channel.allCases.contains(where: { $0.name == text }) else {
        throw ArcadenceError(
          .usage,
          "\(key): expected one of \(Channel.allCases.map(\.name).joined(separator: ", ")) "
            + "(value \"\(text)\")")
      }
      return text
    }
    var lines = [
      "name: " + ScenarioComposer.quoted(form.first("name") ?? "my-scenario"),
      "description: " + ScenarioComposer.quoted("Made with the form on the scenarios page."),
      "start: auto",
      "horizon_days: \(try int("horizon_days", 1...730) ?? 90)",
      "paths: \(try int("paths", 1...1_000_000) ?? 1000)",
      "seed: 1",
      "calibration: from_store",
      "new_invoices: true",
      "portfolio_shock: true",
      "policies:",
      "  - name: observed",
      "    cadence: observed",
      "  - name: proposed",
    ]
    var steps: [String] = []
    for part in (form.first("steps") ?? "").split(separator: ",") {
      let words = part.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
      guard words.count == 2, let dpd = Int(words[0]), (-365...3650).contains(dpd) else {
        throw ArcadenceError(
          .usage,
          "steps: expected \"DAYS CHANNEL\" pairs such as \"-3 email, 1 call\" "
            + "(value \"\(part.trimmingCharacters(in: .whitespaces))\")")
      }
      steps.append("        - {dpd: \(dpd), channel: \(try channel("steps", words[1]))}")
    }
    let every = try int("repeat_every", 1...365)
    if steps.isEmpty, every == nil {
      lines.append("    cadence: observed")
    } else {
      lines.append("    cadence:")
      if !steps.isEmpty { lines += ["      steps:"] + steps }
      if let every {
        let ch = try channel("repeat_channel", form.first("repeat_channel") ?? "call")
        lines += [
          "      repeat:", "        every_days: \(every)", "        channel: \(ch)",
          "        until_dpd: \(try int("repeat_until", 1...3650) ?? 180)",
        ]
      }
    }
    if let c = try rate("completion", 0...1, observed: true) {
      lines.append("    completion: \(c)")
    }
    let repsChange = try int("reps_change", -1000...1000)
    let perRep = try rate("calls_per_rep", 0...1000, observed: true)
    if repsChange != nil || perRep != nil {
      lines += ["    capacity:", "      reps: observed"]
      if let repsChange { lines.append("      reps_change: \(repsChange)") }
      lines.append("      calls_per_rep_per_day: \(perRep ?? "observed")")
    }
    if form.first("offer_autopay") != nil { lines.append("    offer_autopay: true") }
    if let agency = try int("agency_dpd", 1...3650) {
      lines += [
        "    escalation:", "      - at_dpd: \(agency)", "        to: agency",
        "        lift: \(try rate("agency_lift", 0...100, observed: false) ?? "0.8")",
        "        fee: \(try rate("agency_fee", 0...1, observed: false) ?? "0.25")",
      ]
    }
    yaml = lines.joined(separator: "\n") + "\n"
  }

  /// `text` as a YAML double-quoted scalar (JSON's escapes, which YAML reads the same).
  static func quoted(_ text: String) -> String {
    JSONValue.string(text).rendered(pretty: false)
  }

  /// Checks a scenario typed in the browser: its name (a safe file name: it names the file
  /// in errors), then the YAML with the CLI's reader (errors name `NAME.yaml`, the line and
  /// the key). A calibration file is refused: it would be a path read on the server.
  static func check(name: String, yaml: String) throws -> Scenario {
    guard FileName.isSafe(name) else {
      throw ArcadenceError(
        .usage, "name: 1 to 60 letters, digits, - and _ (value \"\(name)\")")
    }
    let file = name + ".yaml"
    let s = try Scenario.parse(yaml, file: file)
    if case .file = s.calibration {
      throw ArcadenceError(
        .usage,
        "\(file): key calibration: only from_store in a scenario kept in the store "
          + "(a calibration file is a path on the server)")
    }
    return s
  }

  /// The `paths` of a run form: empty for the scenario's own; else 1 to 1,000,000
  /// (``SimulationSettings/check(paths:threads:)``, the CLI's rule).
  static func paths(_ text: String?) throws -> Int? {
    guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
    guard let n = Int(text) else {
      throw ArcadenceError(.usage, "paths: expected a whole number (value \"\(text)\")")
    }
    try SimulationSettings.check(paths: n, threads: nil)
    return n
  }

  /// The editor's starting text.
  static let example = """
    name: my-scenario
    description: Today's cadence against a weekly call from day 1 past due.
    start: auto
    horizon_days: 90
    paths: 1000
    seed: 1
    calibration: from_store
    policies:
      - name: observed
        cadence: observed
      - name: weekly calls
        cadence:
          steps:
            - {dpd: 1, channel: call}
          repeat: {every_days: 7, channel: call, until_dpd: 180}

    """
}
