import ArcadenceCore
import ArcadenceSimulation
import ArgumentParser
import Foundation

/// `cash` or `net` for `optimize --objective`.
extension OptimizeObjective: ExpressibleByArgument {}

struct OptimizeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optimize",
    abstract: "Search the scenario's `search:` grid for the best cadence under its capacity.",
    discussion: """
      Every candidate runs on the same random numbers. Successive halving with racing on
      paired differences spends --budget path-evaluations (one policy on one path): three
      quarters in the search, the rest re-running the top candidates and the baseline on
      fresh paths (another seed), whose figures are reported. With --out, writes best.yaml
      (the winner against the baseline, for `arcadence simulate`), optimize.json and the
      frontier of cash against calls (PNG and SVG).
      """)

  @OptionGroup var store: StoreOptions
  @Argument(help: "The scenario file, with a `search:` block.") var scenario: String
  @Option(
    help: "Path-evaluations in all (default: a fifth of every candidate on the scenario's paths).")
  var budget: Int?
  @Option(help: "cash, or net (cash − cost per call × calls − cost per email × emails).")
  var objective: OptimizeObjective = .cash
  @Option(help: "Folder for best.yaml, optimize.json and the frontier chart.") var out: String?
  @Option(help: "Random seed of the search (default: the scenario's).") var seed: UInt64?
  @Option(help: "Worker threads (default: all cores).") var threads: Int?
  @Option(help: "Candidates re-evaluated on fresh paths (1–20).") var top = 5
  @Option(help: "table or json.") var format: SimulationFormat = .table
  @Flag(help: "Re-run the final comparison at the plausible reached lifts.")
  var liftSensitivity = false
  @Option(help: "Print the commands of the re-evaluation split into N shards (needs --out).")
  var shards: Int?

  func validate() throws {
    try guarded {
      try SimulationSettings.check(paths: nil, threads: threads)
      if let budget, budget < 1 || budget > 1_000_000_000 {
        throw ArcadenceError(.usage, "--budget: expected 1 to 1,000,000,000 (value \(budget))")
      }
      guard (1...20).contains(top) else {
        throw ArcadenceError(.usage, "--top: expected 1 to 20 (value \(top))")
      }
      if let shards {
        guard (1...10_000).contains(shards) else {
          throw ArcadenceError(.usage, "--shards: expected 1 to 10,000 (value \(shards))")
        }
        guard out != nil else {
          throw ArcadenceError(
            .usage, "--shards: needs --out (the shard commands run the best.yaml written there)")
        }
      }
    }
  }

  func run() throws {
    try guarded {
      let file = try Scenario.load(path: scenario)
      let search = try SearchSpace.load(path: scenario)
      let db = try store.open(create: false)
      let ledger = try db.loadLedger()
      let links = try db.loadInvoiceLinks(for: ledger)
      let cores = threads ?? SimulationSettings.allCores
      let prepared = try OptimizeRun(
        scenario: file, search: search, ledger: ledger, links: links, objective: objective,
        seed: seed, threads: cores, top: top)
      warnCalibration(
        prepared.run.calibration.warnings
          + (prepared.run.liftEstimate?.warning.map { [$0] } ?? []))
      let brute = prepared.bruteForceEvaluations
      let result = try prepared.optimizer.run(
        budget: budget ?? max(prepared.optimizer.minimumBudget, brute / 5),
        seed: prepared.run.settings.seed)
      var report = OptimizeReport(
        scenario: file.name, objective: objective, result: result,
        budget: budget ?? max(prepared.optimizer.minimumBudget, brute / 5),
        bruteForceEvaluations: brute, candidates: prepared.optimizer.candidates.count)
      if liftSensitivity {
        report.lifts = try OptimizeLiftSensitivity.run(
          prepared, result: result, ledger: ledger, links: links, threads: cores)
      }
      switch format {
      case .table: Terminal.print(report.table, terminator: "")
      case .json: Terminal.printJSON(report.json)
      }
      guard let out else { return }
      let folder = try OutputFolder(out)
      let best = OptimizeScenarioWriter.yaml(
        scenario: file, baselineIndex: prepared.baselineIndex, winner: result.winner.policy,
        note: "\(result.winner.policy.name) of \(file.name); reproduce its re-evaluation with "
          + "--seed \(result.freshSeed) --paths \(result.freshPaths)")
      try folder.write(best, as: "best.yaml")
      try folder.write(report.json.rendered() + "\n", as: "optimize.json")
      let files = try SimulationCharts.write([report.frontierChart], to: out)
      Terminal.note(
        "wrote best.yaml, optimize.json and \(files.count) chart files to \(out)")
      let bestPath = (out as NSString).appendingPathComponent("best.yaml")
      Terminal.note(
        "the winner against \(result.baseline.policy.name) again: arcadence simulate "
          + "\(bestPath) --seed \(result.freshSeed) --paths \(result.freshPaths)")
      if let shards {
        Terminal.print("\nThe re-evaluation in \(shards) shards (any batch system can run them):")
        for line in report.shardCommands(
          bestYAML: bestPath, out: out, shards: shards, db: store.db)
        {
          Terminal.print(line)
        }
      }
    }
  }
}
