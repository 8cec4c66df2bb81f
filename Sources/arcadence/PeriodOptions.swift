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

  /// Whether any period option was given.
  var isGiven: Bool { [from, to, quarter, month, week].contains { $0 != nil } }

  /// The period named, or the latest full quarter of the data when none is.
  func resolve(ledger: Ledger) throws -> Period {
    try resolve(lastDay: { ledger.lastEventDay })
  }

  /// A malformed period is a usage error before the store is opened.
  func validate() throws { try guarded { _ = try named() } }

  /// The period named, or the latest full quarter ending by `lastDay()` (the last day of the
  /// data, asked for only when no period is named).
  func resolve(lastDay: () throws -> Day?) throws -> Period {
    if let period = try named() { return period }
    guard let last = try lastDay() else {
      throw ArcadenceError(.usage, "the store is empty: import data first, or name a period")
    }
    return Period.latestFullQuarter(endingBy: last)
  }

  /// The period the options name, nil when none is.
  func named() throws -> Period? {
    let given = [from != nil || to != nil, quarter != nil, month != nil, week != nil]
      .filter { $0 }.count
    guard given <= 1 else {
      throw ArcadenceError(
        .usage, "name the period one way: --from/--to, --quarter, --month or --week")
    }
    if let q = quarter {
      guard let p = Period.parseQuarter(q) else {
        throw ArcadenceError(.usage, "--quarter: expected YYYY-Qn such as 2026-Q3 (value \"\(q)\")")
      }
      return p
    }
    if let m = month {
      guard let p = Period.parseMonth(m) else {
        throw ArcadenceError(.usage, "--month: expected YYYY-MM such as 2026-07 (value \"\(m)\")")
      }
      return p
    }
    if let w = week {
      guard let p = Period.parseISOWeek(w) else {
        throw ArcadenceError(
          .usage, "--week: expected an ISO week YYYY-Www such as 2026-W27 (value \"\(w)\")")
      }
      return p
    }
    if from != nil || to != nil {
      guard let f = from, let t = to else {
        throw ArcadenceError(.usage, "--from and --to go together")
      }
      guard let a = Day(iso: f) else {
        throw ArcadenceError(.usage, "--from: not a valid date (YYYY-MM-DD) (value \"\(f)\")")
      }
      guard let b = Day(iso: t) else {
        throw ArcadenceError(.usage, "--to: not a valid date (YYYY-MM-DD) (value \"\(t)\")")
      }
      guard a <= b else { throw ArcadenceError(.usage, "--to (\(t)) is before --from (\(f))") }
      return try Span.period(Period(from: a, to: b), option: "--from/--to")
    }
    return nil
  }
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
