import ArcadenceTestSupport
import Foundation
import Testing

/// `arcadence forecast` on hostile options: a usage error (exit 2) naming the option, never
/// a trap; what the argument parser itself refuses (not a number, not a choice) exits 64
/// with its own message naming the option, as for every command.
@Suite struct ForecastCommandCLITests {
  @Test func badWeeksAreUsageErrors() throws {
    let db = try Hostile.handFixtureStore()
    for value in ["0", "1000", "-3", "105"] {
      let r = try Hostile.run(["forecast", "--db", db, "--weeks=\(value)"])
      #expect(r.status == 2)
      #expect(r.err == "error: --weeks: expected 1 to 104 (value \(value))\n")
    }
    let huge = try Hostile.run(["forecast", "--db", db, "--weeks", "99999999999999999999999"])
    #expect(huge.status == 64)
    #expect(huge.err.contains("--weeks"))
  }

  @Test func badDatesAreUsageErrors() throws {
    let db = try Hostile.handFixtureStore()
    for value in ["2026-02-30", "yesterday", "2026-13-01", "2026-1-1x"] {
      let r = try Hostile.run(["forecast", "--db", db, "--from=\(value)"])
      #expect(r.status == 2)
      #expect(r.err == "error: --from: not a valid date (YYYY-MM-DD): \(value)\n")
    }
    // Before any data: nothing to calibrate on.
    let early = try Hostile.run(["forecast", "--db", db, "--from", "2001-01-01"])
    #expect(early.status == 2)
    #expect(early.err.hasPrefix("error: --from: 2001-01-01 is not after the first invoice"))
    // Centuries after the data.
    let late = try Hostile.run(["forecast", "--db", db, "--from", "9999-12-01"])
    #expect(late.status == 2)
    #expect(late.err.hasPrefix("error: --from: 9999-12-01 is"))
  }

  @Test func badChoicesAreUsageErrors() throws {
    let db = try Hostile.handFixtureStore()
    let paths = try Hostile.run(["forecast", "--db", db, "--paths", "0"])
    #expect(paths.status == 2)
    #expect(paths.err == "error: --paths: expected 1 to 1,000,000 (value 0)\n")
    let by = try Hostile.run(["forecast", "--db", db, "--by", "planet"])
    #expect(by.status == 64)
    #expect(by.err.contains("--by"))
    let format = try Hostile.run(["forecast", "--db", db, "--format", "xml"])
    #expect(format.status == 64)
    #expect(format.err.contains("--format"))
  }

  /// On the hand fixture: the table, the invoice list and the files.
  @Test func runsOnTheHandFixture() throws {
    let db = try Hostile.handFixtureStore()
    let dir = try Hostile.temporaryDirectory("forecast")
    let r = try Hostile.run(
      ["forecast", "--db", db, "--weeks", "2", "--paths", "20", "--threads", "1", "--out", dir])
    #expect(r.status == 0)
    #expect(r.out.contains("open book P50"))
    for name in ["forecast.json", "forecast.csv", "forecast.png", "forecast.svg"] {
      #expect(FileManager.default.fileExists(atPath: dir + "/" + name))
    }
    let inv = try Hostile.run(["forecast", "--db", db, "--by", "invoice", "--format", "csv"])
    #expect(inv.status == 0)
    #expect(inv.out.hasPrefix("invoice_id,customer_id,customer_name,amount,balance,due_date,"))
  }

  /// Same seed, same bytes, at 1 and 2 threads; every split runs.
  @Test func sameSeedSameFiles() throws {
    let db = try Hostile.handFixtureStore()
    var files: [Data] = []
    for threads in ["1", "2"] {
      let dir = try Hostile.temporaryDirectory("forecast-\(threads)")
      let r = try Hostile.run([
        "forecast", "--db", db, "--weeks", "3", "--paths", "30", "--seed", "7", "--threads",
        threads, "--by", "rep", "--out", dir,
      ])
      #expect(r.status == 0)
      for name in ["forecast.json", "forecast.csv", "forecast.svg"] {
        files.append(try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
      }
    }
    #expect(files[0...2] == files[3...5])
    for by in ["segment", "team", "invoice"] {
      let r = try Hostile.run(
        ["forecast", "--db", db, "--weeks", "2", "--paths", "10", "--by", by, "--format", "json"])
      #expect(r.status == 0)
      #expect(r.out.hasPrefix("{"))
    }
  }
}
