import ArcadenceCore
import ArgumentParser
import Foundation

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
      SimulateCommand.self, BacktestCommand.self, AccuracyCommand.self, ForecastCommand.self,
      WorklistCommand.self, UsersCommand.self, AuditCommand.self, ServeCommand.self,
      OptimizeCommand.self, SubscriptionsCommand.self, ReportsCommand.self,
    ]
  )

  /// `ParsableCommand.main()`, except that the parser's own messages (which quote the
  /// arguments as typed) go out through ``TerminalText`` like every other message.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      let message = TerminalText.sanitized(fullMessage(for: error), keepingLineBreaks: true)
      if !message.isEmpty {
        let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
        stream.write(Data((message + "\n").utf8))
      }
      Foundation.exit(code.rawValue)
    }
  }
}
