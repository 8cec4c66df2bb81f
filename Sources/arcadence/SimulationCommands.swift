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
      """)

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

  func validate() throws {
    try guarded {
      try SimulationSettings.check(paths: paths, threads: threads)
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
      let result = run.run(progress: simulationProgress)
      Terminal.endProgress()
      let json = result.json(scenario: file.name, calibration: run.calibrationLabel)
      switch format {
      case .table: Terminal.print(result.table(scenario: file.name), terminator: "")
      case .json: Terminal.printJSON(json)
      }
      Terminal.note(
        String(
          format: "%.2f s (%.2f s CPU), %@ invoice-days, %.1f M invoice-days/s on %d threads",
          result.seconds, result.cpuSeconds, Cents.grouped(UInt64(result.invoiceDays)),
          result.invoiceDaysPerSecond / 1e6, run.settings.threads))
      let charts = SimulationCharts.charts(result, scenario: file.name)
      if let out {
        try OutputFolder(out).write(json.rendered() + "\n", as: "simulation.json")
        let files = try SimulationCharts.write(charts, to: out)
        Terminal.note("wrote simulation.json and \(files.count) chart files to \(out)")
      }
      if let dataOut { try writeChartData(charts, to: dataOut) }
    }
  }
}

extension SimulateCommand {
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
  for line in lines { Terminal.note("warning: calibration: " + line) }
}

/// Writes the charts as a chart data file (`arcadence charts --from-data` draws it).
private func writeChartData(_ charts: [SimulationCharts.Entry], to path: String) throws {
  let set = ChartSet(
    entries: charts.map { ChartSet.Entry(name: $0.name, caption: $0.chart.title, chart: $0.chart) })
  try set.writeData(to: path)
  Terminal.note("wrote the data of \(charts.count) charts to \(path)")
}
