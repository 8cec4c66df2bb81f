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
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var period: PeriodOptions
  @OptionGroup var scope: ScopeOptions
  @Option(help: "The folder to write into.") var out: String
  @Option(help: "Comma-separated formats: png, svg, pdf.") var format = "png,svg"
  @Option(help: "PNG pixel scale (2 = high-DPI).") var scale = 2.0

  func run() throws {
    try guarded {
      var formats: [ChartSet.FileFormat] = []
      for word in format.split(separator: ",") {
        let w = word.trimmingWhitespace().lowercased()
        guard let f = ChartSet.FileFormat(rawValue: w) else {
          throw ArcadenceError(.usage, "--format: expected png, svg or pdf (value \"\(w)\")")
        }
        formats.append(f)
      }
      guard !formats.isEmpty else { throw ArcadenceError(.usage, "--format: name a format") }
      guard scale > 0, scale <= 8 else {
        throw ArcadenceError(.usage, "--scale: expected a number from 0 to 8 (value \(scale))")
      }
      let db = try store.open(create: false)
      let ledger = try db.loadLedger()
      let p = try period.resolve(ledger: ledger)
      let set = try ChartSet(ledger: ledger, period: p, scope: scope.scope)
      let files = try set.write(to: out, formats: formats, scale: scale)
      print("wrote \(files.count) files (\(set.entries.count) charts, \(p)) to \(out)")
    }
  }
}
