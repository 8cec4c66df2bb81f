import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import ArgumentParser
import Foundation

extension Accuracy.Spacing: ExpressibleByArgument {}

struct AccuracyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "accuracy",
    abstract: "Rolling-origin forecast accuracy of the simulator beside two naive baselines.",
    discussion: """
      At each cutoff (the latest month starts with the longest horizon of data before and
      after them), calibrates on data strictly before the cutoff, simulates the observed
      cadence and compares with what happened, per horizon: total cash error, weekly MAPE,
      weekly and total P5–P95 coverage, and the share of invoices open at the cutoff and
      paid within the horizon whose payment date is within ±3 and ±7 days of the predicted
      median. Beside the model: A, the previous H days' cash; B, each open invoice paid at
      its customer's mean delay, billing repeating the previous H days (simulation.md,
      "Forecast accuracy").
      """)

  @OptionGroup var store: StoreOptions
  @Option(help: "Number of cutoffs (the latest that fit).") var cutoffs = 12
  @Option(help: "Cutoff spacing: month or quarter.") var every: Accuracy.Spacing = .month
  @Option(help: "Horizons in days, comma-separated.") var horizons = "30,60,90"
  @Option(help: "Monte Carlo paths per cutoff.") var paths = 200
  @Option(help: "Random seed.") var seed: UInt64 = 1
  @Option(help: "Worker threads (default: all cores).") var threads: Int?
  @Option(help: "table or json.") var format: SimulationFormat = .table
  @OptionGroup var model: ForecastModelOptions

  func validate() throws {
    try guarded {
      guard cutoffs >= 1, cutoffs <= 120 else {
        throw ArcadenceError(.usage, "--cutoffs: expected 1 to 120 (value \(cutoffs))")
      }
      guard paths >= 1, paths <= 100_000 else {
        throw ArcadenceError(.usage, "--paths: expected 1 to 100,000 (value \(paths))")
      }
      if let threads, threads < 1 || threads > 1024 {
        throw ArcadenceError(.usage, "--threads: expected 1 to 1024 (value \(threads))")
      }
      _ = try horizonList()
    }
  }

  /// The days of `--horizons`, each once, in order.
  func horizonList() throws -> [Int] {
    var list: [Int] = []
    for part in horizons.split(separator: ",", omittingEmptySubsequences: false) {
      let text = part.trimmingCharacters(in: .whitespaces)
      guard let h = Int(text), h >= 7, h <= 366 else {
        throw ArcadenceError(
          .usage, "--horizons: expected whole days from 7 to 366 (value \"\(text)\")")
      }
      if !list.contains(h) { list.append(h) }
    }
    return list.sorted()
  }

  func run() throws {
    try guarded {
      var settings = Accuracy.Settings(
        cutoffs: cutoffs, every: every, horizons: try horizonList(), paths: paths, seed: seed,
        threads: threads ?? SimulationSettings.allCores)
      model.apply(to: &settings)
      let db = try store.open(create: false)
      let ledger = try db.loadLedger()
      let links = try db.loadInvoiceLinks(for: ledger)
      let a = try Accuracy.run(ledger: ledger, links: links, settings: settings) { done, total in
        Terminal.progress("evaluating cutoffs", fraction: Double(done) / Double(total))
      }
      Terminal.endProgress()
      if let latest = a.warnings.last {
        Terminal.note(
          "warning: calibration: thin or zero hazards at \(a.warnings.count) of "
            + "\(a.cutoffs.count) cutoffs; at \(latest.cutoff):")
        warnCalibration(latest.lines)
      }
      switch format {
      case .table: Terminal.print(a.table, terminator: "")
      case .json: Terminal.printJSON(a.json)
      }
    }
  }
}
