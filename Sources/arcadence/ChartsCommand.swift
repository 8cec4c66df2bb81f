import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceReports
import ArcadenceStore
import ArgumentParser

struct ChartsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "charts",
    abstract: "Draw the chart set for a period as PNG, SVG or PDF files.",
    discussion: """
      Weekly cash and collection rate, aging over time, past-due and 90+ trend, auto-pay,
      case age and flow, the root-cause Pareto, rep comparison per team, a personal
      scorecard chart per rep, and promise kept rate with documentation completeness.
      Without a period option, the latest full quarter of the data.

      --data-out FILE also writes the numbers behind every chart (kind, titles, size, axes
      and series) as JSON; --from-data FILE draws the charts from such a file alone, without
      opening the store.
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var period: PeriodOptions
  @OptionGroup var scope: ScopeOptions
  @Option(help: "The folder to write the chart files into.") var out: String?
  @Option(help: "Comma-separated formats: png, svg, pdf.") var format = "png,svg"
  @Option(help: "PNG pixel scale (2 = high-DPI).") var scale = 2.0
  @Option(help: "Also write the numbers behind every chart to this JSON file.")
  var dataOut: String?
  @Option(help: "Draw the charts from this JSON file (from --data-out) instead of the store.")
  var fromData: String?
  @OptionGroup var aging: AgingOptions

  /// The formats of `--format`.
  func formats() throws -> [ChartSet.FileFormat] {
    var formats: [ChartSet.FileFormat] = []
    for word in format.split(separator: ",") {
      let w = word.trimmingWhitespace().lowercased()
      guard let f = ChartSet.FileFormat(rawValue: w) else {
        throw ArcadenceError(.usage, "--format: expected png, svg or pdf (value \"\(w)\")")
      }
      formats.append(f)
    }
    guard !formats.isEmpty else { throw ArcadenceError(.usage, "--format: name a format") }
    return formats
  }

  func validate() throws {
    try guarded {
      _ = try formats()
      guard scale > 0, scale <= 8 else {
        throw ArcadenceError(.usage, "--scale: expected a number from 0 to 8 (value \(scale))")
      }
      guard out != nil || dataOut != nil else {
        throw ArcadenceError(.usage, "name --out for the chart files or --data-out for the data")
      }
      _ = try aging.value
      if fromData != nil {
        guard store.db == nil, !period.isGiven, scope.rep == nil, scope.team == nil,
          !aging.isGiven
        else {
          throw ArcadenceError(
            .usage,
            "--from-data draws the file as it is: --db, period, scope and buckets do not apply")
        }
      }
    }
  }

  func run() throws {
    try guarded {
      let formats = try formats()
      let buckets = try aging.value
      let set: ChartSet
      let source: String
      if let fromData {
        set = try ChartSet(dataFile: fromData)
        source = "from \(fromData)"
      } else {
        let db = try store.open(create: false)
        let ledger = try db.loadLedger()
        let p = try period.resolve(ledger: ledger)
        set = try ChartSet(ledger: ledger, period: p, scope: scope.scope, buckets: buckets)
        source = "\(p)"
      }
      if let dataOut {
        try set.writeData(to: dataOut)
        Terminal.print("wrote the data of \(set.entries.count) charts (\(source)) to \(dataOut)")
      }
      if let out {
        let files = try set.write(to: out, formats: formats, scale: scale)
        Terminal.print(
          "wrote \(files.count) files (\(set.entries.count) charts, \(source)) to \(out)")
      }
    }
  }
}
