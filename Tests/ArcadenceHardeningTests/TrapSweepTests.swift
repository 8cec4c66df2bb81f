import ArcadenceTestSupport
import Foundation
import Testing

/// Runs the CLI with a deadline: a hang is a failure like a trap.
enum Bounded {
  /// The outcome of one run: its exit status (nil when it ran past the deadline) and stderr.
  struct Outcome {
    var arguments: [String]
    var status: Int32?
    var err: String
  }

  /// Runs `arguments`, killing the process after `seconds`.
  static func run(_ arguments: [String], seconds: Double = 60) throws -> Outcome {
    let p = Process()
    p.executableURL = Hostile.executable
    p.arguments = arguments
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = FileHandle.nullDevice
    let errFile = NSTemporaryDirectory() + "arcadence-sweep-\(UUID().uuidString).err"
    _ = FileManager.default.createFile(atPath: errFile, contents: nil)
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
    p.standardError = errHandle
    let done = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in done.signal() }
    try p.run()
    var timedOut = false
    if done.wait(timeout: .now() + seconds) == .timedOut {
      timedOut = true
      // SIGKILL: the test runner's children may have SIGTERM ignored.
      kill(p.processIdentifier, SIGKILL)
      done.wait()
    }
    try errHandle.close()
    let err = (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(atPath: errFile)
    return Outcome(arguments: arguments, status: timedOut ? nil : p.terminationStatus, err: err)
  }

  /// `nil` when the outcome is acceptable (success, or a clean `error:` exit), else why not.
  static func problem(_ o: Outcome) -> String? {
    let line = o.arguments.joined(separator: " ")
    guard let status = o.status else { return "\(line): did not finish" }
    if [132, 133, 134, 139].contains(status) || status > 128 {
      return "\(line): trapped (exit \(status)): \(o.err.suffix(300))"
    }
    // `error:` from arcadence; `Error:` (exit 64) from the argument parser for a value that
    // is not a number at all.
    if status != 0, !o.err.hasPrefix("error:"), !(status == 64 && o.err.hasPrefix("Error:")) {
      return "\(line): exit \(status) without an error line: \(o.err.prefix(300))"
    }
    return nil
  }
}

/// Every option that takes a date, a period or a number, run with extreme values: no trap,
/// no hang, and a refusal is an `error:` line (issue 13, item 9).
@Suite(.serialized) struct TrapSweepTests {
  static let extremes = [
    "0", "-1", "2147483647", "9223372036854775807", "0001-01-01", "9999-12-31", "0001-W01",
    "9999-W52", "0000-W01", "10000-01-01",
  ]
  static let periods: [[String]] = [
    ["--week", "0001-W01"], ["--week", "9999-W52"], ["--week", "9999-W53"],
    ["--quarter", "0001-Q1"], ["--quarter", "9999-Q4"], ["--month", "0001-01"],
    ["--month", "9999-12"], ["--from", "0001-01-01", "--to", "0001-01-01"],
    ["--from", "9999-12-31", "--to", "9999-12-31"], ["--from", "0001-01-01", "--to", "9999-12-31"],
    ["--from", "2026-01-01", "--to", "2126-01-01"],
  ]

  static func check(_ runs: [[String]], seconds: Double = 60) throws -> [String] {
    try runs.compactMap { Bounded.problem(try Bounded.run(joinNegatives($0), seconds: seconds)) }
  }

  /// `--horizon=-1`: a value starting with `-` would otherwise be read as an option.
  static func joinNegatives(_ args: [String]) -> [String] {
    var out: [String] = []
    for a in args {
      if a.hasPrefix("-"), !a.hasPrefix("--"), let last = out.last, last.hasPrefix("--") {
        out[out.count - 1] = last + "=" + a
      } else {
        out.append(a)
      }
    }
    return out
  }

  @Test func periodOptionsOfEveryReport() throws {
    let db = try HandFixture.store().path
    let out = try Hostile.temporaryDirectory("sweep")
    var runs: [[String]] = []
    for (k, p) in Self.periods.enumerated() {
      runs.append(["kpis", "--db", db] + p)
      runs.append(["kpis", "--db", db, "--format", "json"] + p)
      runs.append(["scorecard", "--db", db] + p)
      // The slow ones at the ends of the calendar only.
      guard [0, 1, 7, 8, 9].contains(k) else { continue }
      runs.append(["charts", "--db", db, "--out", out, "--format", "svg"] + p)
      runs.append(["dashboard", "--db", db, "--out", out] + p)
    }
    for v in Self.extremes {
      for option in ["--from", "--to", "--quarter", "--month", "--week"] {
        runs.append(["kpis", "--db", db, option, v])
      }
      runs.append(["kpis", "--db", db, "--from", "0001-01-01", "--to", v])
      runs.append(["review", "--db", db, "--week", v])
      runs.append(["aging", "--db", db, "--as-of", v])
      runs.append(["aging", "--db", db, "--limit", v])
    }
    let problems = try Self.check(runs)
    #expect(problems == [])
  }

  @Test func simulationOptions() throws {
    let db = try HandFixture.store().path
    let dir = try Hostile.temporaryDirectory("sweep")
    var runs: [[String]] = []
    func scenario(_ body: String) throws -> String {
      let path = dir + "/s\(UUID().uuidString.prefix(8)).yaml"
      try (body + "\npolicies:\n  - name: observed\n    cadence: observed\n").write(
        toFile: path, atomically: true, encoding: .utf8)
      return path
    }
    let base = try scenario("horizon_days: 7\npaths: 2")
    for v in Self.extremes {
      runs.append(["calibrate", "--db", db, "--until", v])
      runs.append([
        "backtest", "--db", db, "--cutoff", v, "--horizon", "7", "--paths", "2", "--threads", "1",
      ])
      runs.append([
        "backtest", "--db", db, "--cutoff", "2026-03-01", "--horizon", v, "--paths", "2",
        "--threads", "1",
      ])
      runs.append([
        "backtest", "--db", db, "--cutoff", "2026-03-01", "--horizon", "7", "--paths", v,
      ])
      runs.append([
        "backtest", "--db", db, "--cutoff", "2026-03-01", "--horizon", "7", "--paths", "2",
        "--threads", v,
      ])
      runs.append(["backtest", "--db", db, "--cutoff", "2026-03-01", "--horizon", "7", "--seed", v])
      runs.append(["simulate", "--db", db, base, "--paths", v, "--threads", "1"])
      runs.append(["simulate", "--db", db, base, "--threads", v])
      runs.append(["simulate", "--db", db, base, "--seed", v, "--threads", "1"])
      runs.append(["simulate", "--db", db, base, "--method", "markov", "--paths", v])
      for key in ["start", "horizon_days", "paths", "seed", "open_invoices"] {
        let s = try scenario(
          (key == "horizon_days" ? "" : "horizon_days: 7\n")
            + (key == "paths" ? "" : "paths: 2\n") + "\(key): \(v)")
        runs.append(["simulate", "--db", db, s, "--threads", "1"])
        runs.append(["simulate", "--db", db, s, "--method", "markov"])
      }
    }
    let problems = try Self.check(runs)
    #expect(problems == [])
  }

  @Test func generateImportAndChartNumbers() throws {
    let db = try HandFixture.store().path
    let out = try Hostile.temporaryDirectory("sweep")
    let data = try Hostile.dataset(HandFixture.files)
    var runs: [[String]] = []
    for v in Self.extremes {
      for option in ["--customers", "--months", "--reps", "--teams", "--start", "--seed"] {
        var args = ["generate", "--out", out + "/gen", "--customers", "3", "--months", "1"]
        if let i = args.firstIndex(of: option) {
          args[i + 1] = v
        } else {
          args += [option, v]
        }
        runs.append(args)
      }
      runs.append(["import", data, "--db", out + "/i.sqlite", "--max-errors", v])
      runs.append(["charts", "--db", db, "--out", out, "--format", "svg", "--scale", v])
    }
    let problems = try Self.check(runs)
    #expect(problems == [])
  }
}
