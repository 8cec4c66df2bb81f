import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import ArgumentParser
import Foundation

/// `--by`: a group of customers, or each open invoice.
enum ForecastBy: String, ExpressibleByArgument, CaseIterable {
  case segment, rep, team, invoice
}

/// `table`, `csv` or `json` for the forecast.
enum ForecastFormat: String, ExpressibleByArgument, CaseIterable {
  case table, csv, json
}

struct ForecastCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "forecast",
    abstract: "Rolling cash forecast by week (P5/P50/P95), open book and future billing apart.",
    discussion: """
      Calibrates on all data before the start and simulates the next weeks with the model
      `arcadence accuracy` validates (renewal billing, customer bootstrap, portfolio shock,
      observed cadence). Per week: P5/P50/P95 of cash collected from the open book (invoices
      open at the start), from future billing (invoices issued from the start on) and in
      total; --by segment, rep or team splits it per group. --by invoice lists each open
      invoice's predicted payment date instead: the median and the 80% interval (P10–P90) of
      the base model's survival curve. With --out, writes forecast.json, forecast.csv and the
      chart (PNG and SVG): weekly bars of the median with the P5–P95 band and the actual cash
      of the 8 weeks before the start.
      """)

  @OptionGroup var store: StoreOptions
  @Option(help: "First forecast day (YYYY-MM-DD; default: the day after the last event).")
  var from: String?
  @Option(help: "Weeks to forecast (1 to 104).") var weeks = 13
  @Option(help: "Monte Carlo paths.") var paths = 1000
  @Option(help: "Random seed.") var seed: UInt64 = 1
  @Option(help: "Worker threads (default: all cores).") var threads: Int?
  @Option(help: "segment, rep, team or invoice.") var by: ForecastBy?
  @Option(help: "table, csv or json (--by invoice: csv or json).") var format: ForecastFormat =
    .table
  @Option(help: "Folder for forecast.json, forecast.csv and the chart.") var out: String?
  @OptionGroup var model: ForecastModelOptions

  func validate() throws {
    try guarded {
      guard weeks >= 1, weeks <= 104 else {
        throw ArcadenceError(.usage, "--weeks: expected 1 to 104 (value \(weeks))")
      }
      try SimulationSettings.check(paths: paths, threads: threads)
      _ = try startDay()
    }
  }

  /// The day of `--from`, if given.
  func startDay() throws -> Day? {
    guard let from else { return nil }
    guard let d = Day(iso: from) else {
      throw ArcadenceError(.usage, "--from: not a valid date (YYYY-MM-DD): \(from)")
    }
    return d
  }

  func run() throws {
    try guarded {
      let start = try startDay()
      let db = try store.open(create: false)
      let ledger = try db.loadLedger()
      let links = try db.loadInvoiceLinks(for: ledger)
      let grouping = by.flatMap { Forecast.Grouping(rawValue: $0.rawValue) }
      var settings = Forecast.Settings(
        start: start, weeks: weeks, paths: by == .invoice ? 1 : paths, seed: seed,
        threads: threads ?? SimulationSettings.allCores, by: grouping)
      model.apply(to: &settings)
      let f = try Forecast.run(
        ledger: ledger, links: links, settings: settings, progress: simulationProgress)
      Terminal.endProgress()
      // Files first: a command that cannot write says only why.
      if let out {
        let folder = try OutputFolder(out)
        if by == .invoice {
          try folder.write(f.invoiceJSON.rendered() + "\n", as: "forecast.json")
          try folder.write(f.invoiceCSV, as: "forecast.csv")
        } else {
          try folder.write(f.json.rendered() + "\n", as: "forecast.json")
          try folder.write(f.csv, as: "forecast.csv")
        }
      }
      if let note = f.startNote { Terminal.note(note) }
      warnCalibration(f.warnings)
      if by == .invoice {
        switch format {
        case .table, .csv: Terminal.print(f.invoiceCSV, terminator: "")
        case .json: Terminal.printJSON(f.invoiceJSON)
        }
      } else {
        switch format {
        case .table: Terminal.print(f.table, terminator: "")
        case .csv: Terminal.print(f.csv, terminator: "")
        case .json: Terminal.printJSON(f.json)
        }
      }
      if let out {
        let files = by == .invoice ? [] : try SimulationCharts.write([f.chart], to: out)
        Terminal.note("wrote forecast.json, forecast.csv and \(files.count) chart files to \(out)")
      }
    }
  }
}
