import ArgumentParser

/// The `arcadence` command: subcommands parse, call one library function, and print.
@main
struct Arcadence: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "arcadence",
    abstract: "Accounts-receivable collections analytics, KPI dashboard and cadence simulator.",
    discussion: """
      The store is one SQLite file: Data/arcadence.sqlite unless --db PATH or the
      ARCADENCE_DB environment variable says otherwise.
      """,
    subcommands: [
      ImportCommand.self, ExportCommand.self, GenerateCommand.self, InfoCommand.self,
      KPIsCommand.self, AgingCommand.self, ScorecardCommand.self, ReviewCommand.self,
      ChartsCommand.self, DashboardCommand.self, MappingCommand.self, CalibrateCommand.self,
      SimulateCommand.self, BacktestCommand.self, AccuracyCommand.self,
    ]
  )
}
