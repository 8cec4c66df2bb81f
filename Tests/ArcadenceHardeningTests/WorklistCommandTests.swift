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
    ]
    for (args, message) in cases {
      let r = try Hostile.run(["worklist", "--db", db] + args)
      #expect(r.status == 2, "\(args)")
      #expect(r.err == message, "\(args)")
    }
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
