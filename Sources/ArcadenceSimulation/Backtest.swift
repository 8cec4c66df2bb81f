import ArcadenceCore
import ArcadenceStore
import Foundation

/// A backtest: calibrate on the data before a cutoff, simulate the cadence the team
/// actually followed from the cutoff, and compare with what happened (simulation.md,
/// "Validation the product itself carries").
public struct Backtest: Sendable {
  /// One week of the comparison.
  public struct Week: Sendable {
    /// First day of the week.
    public var start: Day
    /// Days in it (7, or fewer for the last).
    public var days: Int
    /// Actual cash received (all payments, applied or not), cents.
    public var actual: Int64
    /// Simulated mean of the week's cash, cents.
    public var mean: Double
    /// Simulated 5th percentile of the week's cash, cents.
    public var p5: Double
    /// Simulated median of the week's cash, cents.
    public var p50: Double
    /// Simulated 95th percentile of the week's cash, cents.
    public var p95: Double

    /// Whether the actual cash falls inside the simulated P5–P95 band.
    public var covered: Bool { Double(actual) >= p5 && Double(actual) <= p95 }
  }

  /// The cutoff (first simulated day).
  public var cutoff: Day
  /// The calibration fitted on data before the cutoff.
  public var calibration: Calibration
  /// The simulation of the observed policy.
  public var result: SimulationResult
  /// Actual cash per day from the cutoff, cents.
  public var actualDaily: [Int64]
  /// Full weeks of the comparison.
  public var weeks: [Week]

  /// Runs a backtest on the store's ledger. The horizon must end on or before the last
  /// day of data.
  public static func run(
    ledger: Ledger, links: InvoiceLinks, cutoff: Day, horizon: Int, paths: Int = 1000,
    seed: UInt64 = 1, threads: Int = 1, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws -> Backtest {
    guard let last = ledger.lastEventDay else {
      throw ArcadenceError(.usage, "the store is empty: import data first")
    }
    guard horizon >= 7 else {
      throw ArcadenceError(.usage, "--horizon: expected at least 7 days (value \(horizon))")
    }
    try Span.days(horizon, option: "--horizon")
    guard cutoff + (horizon - 1) <= last else {
      throw ArcadenceError(
        .usage,
        "--cutoff \(cutoff) with --horizon \(horizon) ends on \(cutoff + (horizon - 1)), after "
          + "the last day of data (\(last))")
    }
    let scenario = Scenario(
      name: "backtest", start: cutoff, horizonDays: horizon, paths: paths, seed: seed,
      policies: [PolicySpec(name: "observed")])
    let run = try SimulationRun(
      scenario: scenario, ledger: ledger, links: links, threads: threads)
    let result = run.run(progress: progress)
    let actual = Actuals.dailyCash(ledger, from: cutoff, days: horizon)
    let blocks = result.blockCash(policy: 0, length: 7)
    var weeks: [Week] = []
    for (w, values) in blocks.enumerated() where (w + 1) * 7 <= horizon {
      let s = values.sorted()
      weeks.append(
        Week(
          start: cutoff + w * 7, days: 7, actual: actual[(w * 7)..<(w * 7 + 7)].reduce(0, +),
          mean: Statistics.mean(values) ?? 0, p5: Statistics.quantile(sorted: s, 0.05) ?? 0,
          p50: Statistics.quantile(sorted: s, 0.5) ?? 0,
          p95: Statistics.quantile(sorted: s, 0.95) ?? 0))
    }
    return Backtest(
      cutoff: cutoff, calibration: run.calibration, result: result, actualDaily: actual,
      weeks: weeks)
  }

  /// Actual cash over the horizon, cents.
  public var actualTotal: Int64 { actualDaily.reduce(0, +) }

  /// (Simulated mean − actual) ÷ actual of total cash.
  public var totalCashError: Double {
    (result.outcomes[0].totalCash.mean - Double(actualTotal)) / Double(max(1, actualTotal))
  }

  /// Mean over weeks of |simulated mean − actual| ÷ actual.
  public var weeklyAbsolutePercentageError: Double {
    let errors = weeks.filter { $0.actual > 0 }.map {
      abs($0.mean - Double($0.actual)) / Double($0.actual)
    }
    return Statistics.mean(errors) ?? .nan
  }

  /// Share of weeks whose actual cash falls inside the simulated P5–P95 band.
  public var bandCoverage: Double {
    weeks.isEmpty ? .nan : Double(weeks.filter(\.covered).count) / Double(weeks.count)
  }

  /// Whether the actual total falls inside the simulated P5–P95 of total cash.
  public var totalInsideBand: Bool {
    let t = result.outcomes[0].totalCash
    return Double(actualTotal) >= t.p5 && Double(actualTotal) <= t.p95
  }

  /// The comparison as a table.
  public var table: String {
    func money(_ v: Double) -> String { Cents.displayWhole(Cents.nearest(v)) }
    let t = result.outcomes[0].totalCash
    var out =
      "Backtest · calibrated on data up to \(cutoff - 1) · simulated \(result.settings.horizon) "
      + "days from \(cutoff) · \(result.settings.paths) paths · observed cadence: "
      + "\(result.policies[0].cadenceSummary)\n\n"
    out += "Total cash: actual \(money(Double(actualTotal))), simulated mean \(money(t.mean)) "
    out += "(P5 \(money(t.p5)), P95 \(money(t.p95))); error "
    out += String(format: "%+.1f%%", totalCashError * 100)
    out += totalInsideBand ? " (actual inside P5–P95)\n" : " (actual outside P5–P95)\n"
    out += String(
      format:
        "Weekly absolute percentage error: %.1f%% · weeks inside P5–P95: %d of %d (%.0f%%)\n\n",
      weeklyAbsolutePercentageError * 100, weeks.filter(\.covered).count, weeks.count,
      bandCoverage * 100)
    var w = TextTable(header: ["week from", "actual", "sim mean", "P5", "P95", "inside"])
    for x in weeks {
      w.add([
        x.start.description, money(Double(x.actual)), money(x.mean), money(x.p5), money(x.p95),
        x.covered ? "yes" : "no",
      ])
    }
    out += w.rendered()
    out += "\nActual cash counts every payment received (unapplied too); the simulation does not "
    out += "model unapplied cash or partial payments.\n"
    return out
  }

  /// The comparison as JSON.
  public var json: JSONValue {
    func money(_ v: Double) -> JSONValue { .money(computed: v) }
    let t = result.outcomes[0].totalCash
    return .object([
      ("cutoff", .string(cutoff.description)), ("horizon_days", .int(result.settings.horizon)),
      ("paths", .int(result.settings.paths)), ("seed", .string(String(result.settings.seed))),
      ("cadence", .string(result.policies[0].cadenceSummary)),
      (
        "total_cash",
        .object([
          ("actual", .money(actualTotal)), ("simulated_mean", money(t.mean)),
          ("simulated_p5", money(t.p5)), ("simulated_p95", money(t.p95)),
          ("error", .number((totalCashError * 1e4).rounded() / 1e4)),
          ("inside_p5_p95", .bool(totalInsideBand)),
        ])
      ),
      (
        "weekly_absolute_percentage_error",
        .number((weeklyAbsolutePercentageError * 1e4).rounded() / 1e4)
      ),
      ("band_coverage", .number((bandCoverage * 1e4).rounded() / 1e4)),
      (
        "weeks",
        .array(
          weeks.map { w in
            .object([
              ("start", .string(w.start.description)), ("actual", .money(w.actual)),
              ("mean", money(w.mean)), ("p5", money(w.p5)), ("p50", money(w.p50)),
              ("p95", money(w.p95)), ("inside", .bool(w.covered)),
            ])
          })
      ),
    ])
  }
}
