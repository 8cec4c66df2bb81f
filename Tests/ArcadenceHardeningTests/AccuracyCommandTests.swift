import ArcadenceTestSupport
import Foundation
import Testing

/// `arcadence accuracy` on hostile options and a store too short to evaluate: a usage error
/// naming the option and the value, never a trap.
@Suite struct AccuracyCommandTests {
  /// HandFixture imported into a fresh store (data from 2025-10-01 to 2026-04-05).
  static func store() throws -> String { try Hostile.handFixtureStore() }

  @Test func badHorizonsAreUsageErrors() throws {
    let db = try Self.store()
    for (value, shown) in [
      ("30,abc", "abc"), ("5", "5"), ("30,,60", ""),
      ("99999999999999999999999", "99999999999999999999999"),
      ("-30", "-30"), ("367", "367"),
    ] {
      let r = try Hostile.run(["accuracy", "--db", db, "--horizons=\(value)"])
      #expect(r.status == 2)
      #expect(
        r.err == "error: --horizons: expected whole days from 7 to 366 (value \"\(shown)\")\n")
    }
  }

  @Test func badCountsAreUsageErrors() throws {
    let db = try Self.store()
    let cutoffs = try Hostile.run(["accuracy", "--db", db, "--cutoffs", "0"])
    #expect(cutoffs.status == 2)
    #expect(cutoffs.err == "error: --cutoffs: expected 1 to 120 (value 0)\n")
    let paths = try Hostile.run(["accuracy", "--db", db, "--paths", "1000001"])
    #expect(paths.status == 2)
    #expect(paths.err == "error: --paths: expected 1 to 100,000 (value 1000001)\n")
  }

  /// 120 days before a month start means 2026-02-01 at the earliest, and 120 days after it
  /// end on 2026-05-31, after the last day of data.
  @Test func aStoreTooShortSaysWhy() throws {
    let db = try Self.store()
    let r = try Hostile.run(["accuracy", "--db", db, "--horizons", "120"])
    #expect(r.status == 2)
    #expect(
      r.err
        == "error: no cutoff fits: a cutoff needs 120 days of data before it and after it "
        + "(data from 2025-10-01 to 2026-04-05)\n")
  }
}
