import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceReports
import ArcadenceStore
import ArgumentParser

struct DashboardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dashboard",
    abstract: "Write the leadership dashboard: a static site that works offline.",
    discussion: """
      index.html (KPI tiles with the change and the targets, the chart set, the aging table,
      links), the weekly review of the period's last full week, one scorecard page per rep,
      and the charts as SVG and PNG. Without a period option, the latest full quarter.
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var period: PeriodOptions
  @Option(help: "The folder to write into.") var out: String
  @OptionGroup var aging: AgingOptions

  func run() throws {
    try guarded {
      let buckets = try aging.value
      let db = try store.open(create: false)
      let ledger = try db.loadLedger()
      let p = try period.resolve(ledger: ledger)
      let output = try Dashboard.write(ledger: ledger, period: p, to: out, buckets: buckets)
      Terminal.print(
        "wrote the dashboard for \(p) to \(output.index) (\(output.files.count) files, "
          + "\(output.scorecards.count) scorecards)")
    }
  }
}
