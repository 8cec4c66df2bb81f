import ArcadenceCore
import ArcadenceReports
import ArcadenceSimulation
import ArcadenceStore
import ArgumentParser
import Foundation

/// `table` or `json` for the simulator's commands.
enum SimulationFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json
}

/// Monte Carlo or the closed-form Markov aging chain.
enum SimulationMethod: String, ExpressibleByArgument, CaseIterable {
  case montecarlo, markov
}

/// Draws the progress bar from worker threads, about a hundred times per run.
@Sendable func simulationProgress(_ done: Int, _ total: Int) {
  let step = max(1, total / 100)
  if done % step == 0 || done == total {
    Terminal.progress("simulating", fraction: Double(done) / Double(total))
  }
}

struct CalibrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calibrate",
    abstract: "Fit every parameter of the cadence simulator from the store.",
    discussion: """
      Life-table payment hazards per segment and days-past-due bucket (open invoices
      censored), reach per channel, promise, kept, dispute and resolution times, auto-pay
      acceptance, the observed cadence and capacity, billing cadence and the portfolio-shock
      σ, each printed with the count it rests on. Thin parameters are flagged and shrunk.
      With --out, writes the calibration as YAML that a scenario can reference.
      """)

  @OptionGroup var store: StoreOptions
  @Option(help: "Use data up to and including this day (default: the last day of data).")
  var until: String?
  @Option(help: "Write the calibration to this YAML file.") var out: String?
  @Flag(help: "Shift each customer's payment clock by its own delay (DelayShift).")
  var delayShift = false

  /// The day of `--until`, if given.
  func untilDay() throws -> Day? {
    guard let until else { return nil }
    guard let d = Day(iso: until) else {
      throw ArcadenceError(.usage, "--until: not a valid date (YYYY-MM-DD): \(until)")
    }
    return d
  }

  func validate() throws { try guarded { _ = try untilDay() } }

  func run() throws {
    try guarded {
      let db = try store.open(create: false)
      let ledger = try db.loadLedger()
      guard let last = ledger.lastEventDay else {
        throw ArcadenceError(.usage, "the store is empty: import data first")
      }
      var day = last
      if let d = try untilDay() {
        let clipped = Span.clip(d, toLast: last, option: "--until")
        if let note = clipped.note { Terminal.note(note) }
        day = clipped.day
      }
      let links = try db.loadInvoiceLinks(for: ledger)
      let (calibration, lift) = Calibration.fitEstimatingLift(
        ledger: ledger, links: links, until: day, delayShift: delayShift)
      // The output file first: a command that cannot write says only why (the thin-hazard
      // warnings follow once it has).
      if let out { try writeText(calibration.yaml + lift.yamlComment, to: out) }
      warnCalibration(calibration.warnings + (lift.warning.map { [$0] } ?? []))
      Terminal.print(calibration.report + lift.report, terminator: "")
      if let out { Terminal.print("wrote \(out)") }
    }
  }
}

/// `simulate`: a scenario run (the default subcommand, `arcadence simulate SCENARIO`) and
/// `simulate merge`.
struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Simulate the policies of a scenario file: cash, aging and workload.",
    discussion: """
      Every policy runs on the same random numbers (Philox4x32-10 keyed by seed, path,
      invoice, day and decision), so comparisons are paired; results are identical at any
      thread count. With --out, writes simulation.json, a fan chart per policy and the
      comparison chart (PNG and SVG). --method markov prints the closed-form expectation of
      the aging chain instead (invoices open at the start, no policy effects).

      Spread over machines: each runs `simulate SCENARIO --paths N --paths-from A --paths-to B
      --out part-K/` (the same N and seed everywhere), then `arcadence simulate merge
      part-*/ --out DIR` writes exactly the files and the table of the single run.
      Every option of a run: `arcadence help simulate run`.
      """,
    subcommands: [SimulateRun.self, SimulateMerge.self], defaultSubcommand: SimulateRun.self)
}

struct SimulateRun: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Simulate a scenario (the default: `arcadence simulate SCENARIO` runs this).",
    discussion: SimulateCommand.configuration.discussion)

  @OptionGroup var store: StoreOptions
  @Argument(help: "The scenario file (Scenarios/*.yaml).") var scenario: String
  @Option(help: "Monte Carlo paths (default: the scenario's).") var paths: Int?
  @Option(help: "Random seed (default: the scenario's).") var seed: UInt64?
  @Option(help: "Worker threads (default: all cores).") var threads: Int?
  @Option(help: "table or json.") var format: SimulationFormat = .table
  @Option(help: "Folder for the JSON file and the charts.") var out: String?
  @Option(help: "montecarlo or markov.") var method: SimulationMethod = .montecarlo
  @Option(help: "Also write the numbers behind the charts to this JSON file (Monte Carlo).")
  var dataOut: String?
  @Option(
    help: ArgumentHelp(
      "Write the start state to this CSV file (one row per invoice).",
      discussion: "The invoices open at the start and those billed in the horizon, with "
        + "what the model uses about each; read by Benchmarks/numpy/simulate.py."))
  var portfolioOut: String?
  @Option(
    help: ArgumentHelp(
      "Re-run the paired comparison at these reached lifts (`auto`, or e.g. 1,1.5,2,3).",
      discussion: "`auto`: the estimate's 95 % CI ends and point, or half, once and 1.5 times "
        + "the assumed lift. Prints each policy's cash difference with its 95 % CI per lift and "
        + "whether the ranking holds (JSON with --format json); nothing else is written."))
  var liftSensitivity: String?
  @Option(
    help: ArgumentHelp(
      "Run only the paths from this index (0-based, inclusive) and write a part to --out.",
      discussion: "With --paths-to: a shard of the run of --paths N (same seed, same draws "
        + "per path); `arcadence simulate merge` combines the parts into exactly the single "
        + "run's outputs."))
  var pathsFrom: Int?
  @Option(help: "Run only the paths before this index (exclusive; default: --paths).")
  var pathsTo: Int?

  func validate() throws {
    try guarded {
      try SimulationSettings.check(paths: paths, threads: threads)
      if pathsFrom != nil || pathsTo != nil {
        try validateShard()
      }
      if let liftSensitivity {
        try runLiftSensitivity(liftSensitivity)
        return
      }
      if method == .markov, dataOut != nil {
        throw ArcadenceError(.usage, "--data-out: the Markov method draws no charts")
      }
    }
  }

  func run() throws {
    try guarded {
      let file = try Scenario.load(path: scenario)
      // A shard's range is checked before the store is read and the calibration fitted.
      let shard = try shardRange(paths: paths ?? file.paths)
      let db = try store.open(create: false)
      let ledger = try db.loadLedger()
      let links = try db.loadInvoiceLinks(for: ledger)
      let run = try SimulationRun(
        scenario: file, ledger: ledger, links: links, paths: paths, seed: seed,
        threads: threads ?? SimulationSettings.allCores)
      warnCalibration(run.calibration.warnings + (run.liftEstimate?.warning.map { [$0] } ?? []))
      if let portfolioOut {
        try writeText(run.portfolio.csv(segments: run.calibration.segments), to: portfolioOut)
      }
      if method == .markov {
        let m = run.markov()
        switch format {
        case .table: Terminal.print(m.table, terminator: "")
        case .json: Terminal.printJSON(m.json(scenario: file.name))
        }
        if let out {
          try OutputFolder(out).write(
            m.json(scenario: file.name).rendered() + "\n", as: "markov.json")
        }
        return
      }
      if let range = shard {
        let part = try run.runPart(paths: range, progress: simulationProgress)
        Terminal.endProgress()
        // A shard's folder gets its part and nothing else: `--out` was checked to be given.
        let written = try part.write(to: out ?? ".")
        Terminal.print(
          "Scenario \(file.name) · paths [\(range.lowerBound), \(range.upperBound)) of "
            + "\(Cents.grouped(UInt64(run.settings.paths))) · seed \(run.settings.seed) · "
            + "wrote \(written)")
        return
      }
      let result = run.run(progress: simulationProgress)
      Terminal.endProgress()
      printSimulation(
        result, scenario: file.name, calibration: run.calibrationLabel, format: format)
      Terminal.note(
        String(
          format: "%.2f s (%.2f s CPU), %@ invoice-days, %.1f M invoice-days/s on %d threads",
          result.seconds, result.cpuSeconds, Cents.grouped(UInt64(result.invoiceDays)),
          result.invoiceDaysPerSecond / 1e6, run.settings.threads))
      for note in try SimulationOutputs.write(
        result, scenario: file.name, calibration: run.calibrationLabel, out: out,
        dataOut: dataOut)
      {
        Terminal.note(note)
      }
    }
  }

  /// The paths of `--paths-from`/`--paths-to` (nil when neither is given), checked against
  /// the run's paths.
  func shardRange(paths: Int) throws -> Range<Int>? {
    guard pathsFrom != nil || pathsTo != nil else { return nil }
    return try PathRange.check(from: pathsFrom, to: pathsTo, paths: paths)
  }
}

/// The table or the JSON of a Monte Carlo result on stdout: the one printer of `simulate`
/// and `simulate merge`.
func printSimulation(
  _ result: SimulationResult, scenario: String, calibration: String, format: SimulationFormat
) {
  switch format {
  case .table: Terminal.print(result.table(scenario: scenario), terminator: "")
  case .json: Terminal.printJSON(result.json(scenario: scenario, calibration: calibration))
  }
}

extension SimulateRun {
  /// The options a shard (`--paths-from`/`--paths-to`) takes: a Monte Carlo run with --out
  /// (its part goes there), no --data-out or --format json (the merge writes those), no
  /// --lift-sensitivity. The range itself is checked against the run's paths once the
  /// scenario is read (``PathRange/check(from:to:paths:)``).
  func validateShard() throws {
    let option = pathsFrom != nil ? "--paths-from" : "--paths-to"
    let value = (pathsFrom ?? pathsTo).map(String.init) ?? ""
    guard method == .montecarlo, liftSensitivity == nil else {
      throw ArcadenceError(
        .usage,
        "\(option): a shard runs the Monte Carlo method only, without --lift-sensitivity "
          + "(value \(value))")
    }
    guard out != nil else {
      throw ArcadenceError(
        .usage, "\(option): a shard needs --out DIR for its part file (value \(value))")
    }
    guard dataOut == nil, format == .table else {
      throw ArcadenceError(
        .usage,
        "\(option): a shard writes only its part; give --data-out and --format to "
          + "`simulate merge` (value \(value))")
    }
    if let paths { _ = try PathRange.check(from: pathsFrom, to: pathsTo, paths: paths) }
  }

  /// `--lift-sensitivity`: the scenario at several lifts, on the same random numbers.
  func runLiftSensitivity(_ text: String) throws {
    let lifts = try LiftSensitivity.parse(text)
    guard method == .montecarlo, out == nil, dataOut == nil, portfolioOut == nil else {
      throw ArcadenceError(
        .usage,
        "--lift-sensitivity: only with the Monte Carlo method and without --out, "
          + "--data-out or --portfolio-out")
    }
    let file = try Scenario.load(path: scenario)
    let db = try store.open(create: false)
    let ledger = try db.loadLedger()
    let links = try db.loadInvoiceLinks(for: ledger)
    let s = try LiftSensitivity.run(
      scenario: file, ledger: ledger, links: links, lifts: lifts, paths: paths, seed: seed,
      threads: threads ?? SimulationSettings.allCores)
    if let warning = s.warning { warnCalibration([warning]) }
    switch format {
    case .table: Terminal.print(s.table(scenario: file.name), terminator: "")
    case .json: Terminal.printJSON(s.json)
    }
  }
}

struct SimulateMerge: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Merge the parts of a simulation run on several machines.",
    discussion: """
      Each part folder holds the simulation.part that `simulate --paths-from A --paths-to B
      --out DIR` wrote. The parts must come from the same run (scenario, store, calibration,
      seed and --paths) and hold every path exactly once; then the table (or JSON), the
      --out files and the --data-out file are exactly those of the run on one machine.
      Nothing is written when a part is refused.
      """)

  @Argument(help: "The part folders (or their simulation.part files).") var parts: [String]
  @Option(help: "table or json.") var format: SimulationFormat = .table
  @Option(help: "Folder for the JSON file and the charts.") var out: String?
  @Option(help: "Also write the numbers behind the charts to this JSON file.")
  var dataOut: String?

  func run() throws {
    try guarded {
      let read = try parts.map { (name: $0, part: try SimulationPart.read(path: $0)) }
      let merged = try SimulationPart.merge(read)
      let result = merged.result
      printSimulation(
        result, scenario: merged.scenario, calibration: merged.calibration, format: format)
      Terminal.note(
        String(
          format: "merged %d parts: %@ paths, %@ invoice-days, %.2f s (%.2f s CPU) in all",
          merged.parts, Cents.grouped(UInt64(result.settings.paths)),
          Cents.grouped(UInt64(result.invoiceDays)), result.seconds, result.cpuSeconds))
      for note in try SimulationOutputs.write(
        result, scenario: merged.scenario, calibration: merged.calibration, out: out,
        dataOut: dataOut)
      {
        Terminal.note(note)
      }
    }
  }
}

struct BacktestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backtest",
    abstract:
      "Calibrate before a cutoff, simulate the observed cadence, compare with what happened.",
    discussion: """
      Reports the error of total cash, the weekly absolute percentage error and the share of
      weeks whose actual cash falls inside the simulated P5–P95 band (near 90% when the model
      is right). With --out, draws actual cash against the fan (PNG and SVG).
      """)

  @OptionGroup var store: StoreOptions
  @Option(help: "First simulated day (YYYY-MM-DD); the calibration uses data before it.")
  var cutoff: String
  @Option(help: "Days to simulate and compare.") var horizon = 90
  @Option(help: "Monte Carlo paths.") var paths = 1000
  @Option(help: "Random seed.") var seed: UInt64 = 1
  @Option(help: "Worker threads (default: all cores).") var threads: Int?
  @Option(help: "table or json.") var format: SimulationFormat = .table
  @Option(help: "Folder for the charts and backtest.json.") var out: String?
  @Option(help: "Also write the numbers behind the charts to this JSON file.")
  var dataOut: String?

  /// The day of `--cutoff`.
  func cutoffDay() throws -> Day {
    guard let day = Day(iso: cutoff) else {
      throw ArcadenceError(.usage, "--cutoff: not a valid date (YYYY-MM-DD): \(cutoff)")
    }
    return day
  }

  func validate() throws {
    try guarded {
      _ = try cutoffDay()
      try SimulationSettings.check(paths: paths, threads: threads)
    }
  }

  func run() throws {
    try guarded {
      let day = try cutoffDay()
      let db = try store.open(create: false)
      let ledger = try db.loadLedger()
      let links = try db.loadInvoiceLinks(for: ledger)
      let b = try Backtest.run(
        ledger: ledger, links: links, cutoff: day, horizon: horizon, paths: paths, seed: seed,
        threads: threads ?? SimulationSettings.allCores, progress: simulationProgress)
      Terminal.endProgress()
      warnCalibration(b.calibration.warnings)
      switch format {
      case .table: Terminal.print(b.table, terminator: "")
      case .json: Terminal.printJSON(b.json)
      }
      let charts = SimulationCharts.charts(b)
      if let out {
        try OutputFolder(out).write(b.json.rendered() + "\n", as: "backtest.json")
        let files = try SimulationCharts.write(charts, to: out)
        Terminal.note("wrote backtest.json and \(files.count) chart files to \(out)")
      }
      if let dataOut { try writeChartData(charts, to: dataOut) }
    }
  }
}

/// Prints calibration warnings (hazards that are 0 or rest on too few payments) on stderr.
func warnCalibration(_ lines: [String]) {
  for line in Calibration.shortened(lines) { Terminal.note("warning: calibration: " + line) }
}

/// Writes the charts as a chart data file (`arcadence charts --from-data` draws it).
private func writeChartData(_ charts: [SimulationCharts.Entry], to path: String) throws {
  try SimulationOutputs.writeData(charts, to: path)
  Terminal.note("wrote the data of \(charts.count) charts to \(path)")
}
