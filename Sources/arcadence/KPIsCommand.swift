import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import ArgumentParser

struct KPIsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kpis",
    abstract: "Every KPI of the spec for a period, for everyone, a rep or a team.",
    discussion: """
      Without a period option, the latest full calendar quarter of the data is used. The
      table compares with the previous period of the same length; JSON follows the output
      contract of spec/kpis.md (null where a denominator is 0).
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var period: PeriodOptions
  @OptionGroup var scope: ScopeOptions
  @Option(help: "table, json or csv.") var format: OutputFormat = .table

  func run() throws {
    try guarded {
      let db = try store.open(create: false)
      let period = try period.resolve(lastDay: db.lastEventDay)
      // The pack and its comparison read only the activities, promises and tasks of the
      // two periods: most of a large store's rows are never loaded.
      let ledger = try db.loadLedger(.kpis(covering: [period, period.previous]))
      let report = try KPIReport(
        engine: KPIEngine(ledger: ledger), period: period, scope: scope.scope)
      switch format {
      case .table: Terminal.print(report.table, terminator: "")
      case .json: Terminal.printJSON(report.json)
      case .csv: Terminal.print(report.csv, terminator: "")
      }
    }
  }
}
