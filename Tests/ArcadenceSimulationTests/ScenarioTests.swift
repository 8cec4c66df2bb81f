import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

@Suite struct ScenarioTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  func error(_ text: String) -> String {
    do {
      _ = try Scenario.parse(text, file: "s.yaml")
      return "no error"
    } catch let e as ArcadenceError {
      return e.message
    } catch {
      return "\(error)"
    }
  }

  @Test func shippedScenariosAreValid() throws {
    let dir = ScenarioTests.root + "/Scenarios"
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter {
      $0.hasSuffix(".yaml")
    }.sorted()
    let shipped = [
      "agency-at-60.yaml", "aggressive-early-calls.yaml", "autopay-push.yaml", "baseline.yaml",
      "capacity-cut.yaml", "priority-under-capacity.yaml", "weekly-calls.yaml",
    ]
    #expect(Set(shipped).isSubset(of: files))
    for f in files {
      let s = try Scenario.load(path: dir + "/" + f)
      // Today's policy is the baseline, except in the priority comparison, where every rule
      // is measured against expected_gain on the same reduced capacity.
      let baseline = f == "priority-under-capacity.yaml" ? "expected gain" : "observed"
      #expect(s.policies.first?.name == baseline)
      #expect(s.horizonDays == 90)
    }
    let weekly = try Scenario.load(path: dir + "/weekly-calls.yaml")
    guard case .steps(let steps, let rule, let extends) = weekly.policies[1].cadence else {
      Issue.record("weekly calls states its steps")
      return
    }
    #expect(steps == [CadenceStep(dpd: -3, channel: .email), CadenceStep(dpd: 1, channel: .call)])
    #expect(rule == Policy.Repeat(everyDays: 7, channel: .call, untilDpd: 180))
    #expect(!extends)
    let agency = try Scenario.load(path: dir + "/agency-at-60.yaml")
    #expect(agency.policies[1].escalations == [.init(atDpd: 60, to: .agency, lift: 0.8, fee: 0.25)])
  }

  @Test func mistakesNameFileLineAndKey() {
    #expect(
      error("paths: 10\npolicies:\n  - name: a\n    cadenze: none\n")
        == "s.yaml:4: key policies[0].cadenze: unknown key (expected one of: name, cadence, "
        + "escalation, offer_autopay, completion, capacity, priority, overrides)")
    #expect(
      error("paths: ten\npolicies: [{name: a}]\n")
        == "s.yaml:1: key paths: expected a whole number (value \"ten\")")
    #expect(
      error("policies:\n  - name: a\n    overrides:\n      p_kept: 1.5\n")
        == "s.yaml:4: key policies[0].overrides.p_kept: expected a number from 0 to 1 (value \"1.5\")"
    )
    #expect(
      error("policies:\n  - name: a\n    capacity: {reps: -2}\n")
        == "s.yaml:3: key policies[0].capacity.reps: expected a whole number from 0 to 100000 (value \"-2\")"
    )
    #expect(
      error("policies:\n  - name: a\n    completion: \"0.5\"\n")
        == "s.yaml:3: key policies[0].completion: expected a number (value \"0.5\")")
    #expect(
      error("policies:\n  - name: a\n  - name: a\n")
        == "s.yaml:3: key policies[1].name: two policies are named \"a\"")
    #expect(
      error("horizon_days: 90\n") == "s.yaml:1: key policies: missing: name at least one policy")
    #expect(
      error("policies:\n  - name: a\n    priority: richest\n")
        == "s.yaml:3: key policies[0].priority: expected one of expected_gain, balance_x_dpd, "
        + "oldest_first, largest_first, risk (value \"richest\")")
    #expect(
      error(
        "policies:\n  - name: a\n    escalation:\n      - {at_dpd: 60, to: manager, fee: 0.2}\n")
        == "s.yaml:4: key policies[0].escalation[0].fee: only an agency takes a fee (value \"0.2\")"
    )
    #expect(error("policies: [\n").hasPrefix("s.yaml:2: not valid YAML"))
  }

  @Test func observedPartsResolveAgainstTheCalibration() throws {
    let s = try Scenario.parse(
      """
      policies:
        - name: a
          cadence: {extend: observed, steps: [{dpd: -7, channel: call}]}
          capacity: {reps_change: -2}
      """, file: "s.yaml")
    var c = CalibrationFixture.calibration
    c.reps = 12
    c.callsPerRepPerDay = 4.5
    let p = try s.policies[0].resolve(c)
    #expect(p.steps == c.cadence + [CadenceStep(dpd: -7, channel: .call)])
    #expect(p.repeatRule == Policy.Repeat(everyDays: 15, channel: .call))
    #expect(p.callsPerDay == 45)  // (12 − 2) × 4.5
    #expect(p.completion == 0.88)
    c.reps = 1
    #expect(throws: ArcadenceError.self) { try s.policies[0].resolve(c) }
  }
}
