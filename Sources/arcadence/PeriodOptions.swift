import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import ArgumentParser

/// `--from/--to`, `--quarter`, `--month`, `--week`: one way of naming a period.
struct PeriodOptions: ParsableArguments {
  @Option(help: "First day of the period (YYYY-MM-DD), with --to.") var from: String?
  @Option(help: "Last day of the period (YYYY-MM-DD), inclusive.") var to: String?
  @Option(help: "A calendar quarter, e.g. 2026-Q3.") var quarter: String?
  @Option(help: "A calendar month, e.g. 2026-07.") var month: String?
  @Option(help: "An ISO week, e.g. 2026-W27 (Monday to Sunday).") var week: String?

  /// The options as the one period rule reads them (``PeriodChoice``).
  var choice: PeriodChoice {
    PeriodChoice(from: from, to: to, quarter: quarter, month: month, week: week, prefix: "--")
  }

  /// Whether any period option was given.
  var isGiven: Bool { choice.isGiven }

  /// The period named, or the latest full quarter of the data when none is.
  func resolve(ledger: Ledger) throws -> Period {
    try choice.resolve(lastDay: { ledger.lastEventDay })
  }

  /// A malformed period is a usage error before the store is opened.
  func validate() throws { try guarded { _ = try named() } }

  /// The period named, or the latest full quarter ending by `lastDay()` (the last day of the
  /// data, asked for only when no period is named).
  func resolve(lastDay: () throws -> Day?) throws -> Period {
    try choice.resolve(lastDay: lastDay)
  }

  /// The period the options name, nil when none is.
  func named() throws -> Period? { try choice.named() }
}

/// `--rep` / `--team`.
struct ScopeOptions: ParsableArguments {
  @Option(help: "Only this rep's numbers (rep_id).") var rep: String?
  @Option(help: "Only this team's numbers (includes its inactive reps).") var team: String?

  var scope: Scope { get throws { try Scope.from(rep: rep, team: team) } }
}

/// Output formats.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json, csv
}

/// `--buckets` and `--basis`: how balances are aged (``AgingBuckets``).
struct AgingOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Aging bucket edges in days, comma-separated (default 0,30,60,90).",
      discussion: "1 to 20 strictly increasing whole numbers from 0 to 36,500; buckets are "
        + "age ≤ first edge, each next edge, and over the last."))
  var buckets: String?
  @Option(
    help: "Age from the due date (days past due, default) or the invoice date: due or issued.")
  var basis: String?

  /// Whether either option was given.
  var isGiven: Bool { buckets != nil || basis != nil }

  /// The buckets; usage errors name the option and its value.
  var value: AgingBuckets { get throws { try AgingBuckets.parse(buckets: buckets, basis: basis) } }
}
