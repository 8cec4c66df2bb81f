import ArcadenceTestSupport
import Foundation
import Testing

/// `arcadence worklist` on bad options: a usage error (exit 2) naming the option and the
/// value, never a trap; and every format written to a file.
@Suite struct WorklistCommandTests {
  /// HandFixture imported into a fresh store (data from 2025-10-01 to 2026-04-05).
  static func store() throws -> String { try Hostile.handFixtureStore() }

  @Test func badOptionsAreUsageErrors() throws {
    let db = try Self.store()
    let cases: [([String], String)] = [
      (["--rep", "R9"], "error: unknown rep \"R9\" (reps: R1, R2, R3, R4)\n"),
      (["--team", "Z"], "error: unknown team \"Z\" (teams: A)\n"),
      (["--rep", "R1", "--team", "A"], "error: give --rep or --team, not both\n"),
      (
        ["--date", "2026-02-30"],
        "error: --date: not a valid date (YYYY-MM-DD) (value \"2026-02-30\")\n"
      ),
      (
        ["--date", "2025-01-01"],
        "error: --date: 2025-01-01 is not after the first invoice (2025-10-01)\n"
      ),
      (["--calls=-1"], "error: --calls: expected 0 to 10,000 (value -1)\n"),
      (["--check", "--format", "csv"], "error: --check: --format table or json\n"),
      (["--check", "--weeks", "0"], "error: --weeks: expected 1 to 104 (value 0)\n"),
      (
        ["--check", "--basis", "issued"],
        "error: --check scores probabilities, not buckets: drop --buckets/--basis\n"
      ),
      (
        ["--buckets", "30,0"],
        "error: --buckets: edges must be strictly increasing (value \"30,0\")\n"
      ),
    ]
    for (args, message) in cases {
      let r = try Hostile.run(["worklist", "--db", db] + args)
      #expect(r.status == 2, "\(args)")
      #expect(r.err == message, "\(args)")
    }
  }

  @Test func policyFileErrorsAreTheSimulatorsAndTheCadenceIsTheirs() throws {
    let db = try Self.store()
    let dir = try Hostile.temporaryDirectory("worklist-policy")
    // A mistake in the file: the scenario reader's message (file, line, key), exit 1 as for
    // `simulate`.
    let bad = dir + "/bad.yaml"
    try "policies:\n  - name: p\n    cadense: none\n".write(
      toFile: bad, atomically: true, encoding: .utf8)
    let r = try Hostile.run(["worklist", "--db", db, "--policy", bad])
    let sim = try Hostile.run(["simulate", bad, "--db", db])
    #expect(r.status == 1)
    #expect(r.err.hasPrefix("error: \(bad):3: key policies[0].cadense: unknown key"))
    #expect(r.err == sim.err)
    // Two policies and no --policy-name; an unknown name; a name without a file.
    let two = dir + "/two.yaml"
    try """
    policies:
      - name: observed
        cadence: observed
      - name: early call
        cadence: {steps: [{dpd: -11, channel: call}]}

    """.write(toFile: two, atomically: true, encoding: .utf8)
    let usage: [([String], String)] = [
      (
        ["--policy", two],
        "error: --policy: \(two) has 2 policies (observed, early call): name one with "
          + "--policy-name\n"
      ),
      (
        ["--policy", two, "--policy-name", "x"],
        "error: --policy-name: \(two) has no policy \"x\" (policies: observed, early call)\n"
      ),
      (
        ["--policy-name", "x"],
        "error: --policy-name: name the scenario file with --policy (value \"x\")\n"
      ),
    ]
    for (args, message) in usage {
      let u = try Hostile.run(["worklist", "--db", db] + args)
      #expect(u.status == 2, "\(args)")
      #expect(u.err == message, "\(args)")
    }
    let ok = try Hostile.run([
      "worklist", "--db", db, "--date", "2026-03-20", "--policy", two, "--policy-name",
      "early call", "--format", "csv",
    ])
    #expect(ok.status == 0, "\(ok.err)")
    // On 03-20 C2's I4 (due 03-31) is at −11: the policy's call is due today, so the
    // promise reminder becomes a call; with the observed cadence it stays an email.
    #expect(ok.out.contains("\n2026-03-20-C2-call,2026-03-20,R1,"))
    #expect(ok.out.contains(",promise_due cadence,"))
    let observed = try Hostile.run([
      "worklist", "--db", db, "--date", "2026-03-20", "--format", "csv",
    ])
    #expect(observed.out.contains("\n2026-03-20-C2-email,2026-03-20,R1,"))
    #expect(!observed.out.contains("C2-call"))
    let plain = try Hostile.run([
      "worklist", "--db", db, "--date", "2026-03-20", "--policy", two, "--policy-name",
      "early call",
    ])
    #expect(
      plain.out.hasPrefix(
        "Worklist for 2026-03-20 (model calibrated on data to "
          + "2026-03-19) · cadence of policy \"early call\"\n"))
  }

  @Test func everyFormatToAFile() throws {
    let db = try Self.store()
    let dir = try Hostile.temporaryDirectory("worklist")
    for format in ["table", "csv", "json", "html"] {
      let out = dir + "/worklist." + format
      let r = try Hostile.run(
        ["worklist", "--db", db, "--date", "2026-03-20", "--format", format, "--out", out])
      #expect(r.status == 0, "\(r.err)")
      #expect(r.out == "wrote the worklist of 2026-03-20 to \(out)\n")
      let text = try String(contentsOfFile: out, encoding: .utf8)
      #expect(!text.isEmpty)
      if format == "html" { #expect(!text.contains("<Lead>")) }
    }
  }
}
