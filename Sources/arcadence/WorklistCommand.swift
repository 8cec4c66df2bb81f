import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import ArgumentParser
import Foundation

struct WorklistCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "worklist",
    abstract: "The rep's day: items to work, ranked by what a contact is worth.",
    discussion: """
      For a day (default: the day after the last event): promises due today or broken
      yesterday, cadence steps due or overdue (the observed cadence), auto-pay candidates
      and cases near or past 14 days. Each contact's expected gain is open balance ×
      (P(paid within 30 days | contacted today) − P(… | not contacted)), from the model
      calibrated on data before the day. Calls are cut at the rep's median calls per day
      (or --calls); emails and case work follow. --check scores the probabilities out of
      sample over the last 8 weeks with outcomes (a calibration table by decile and the AUC).

      --policy FILE.yaml takes the cadence steps (and repeat) from a scenario file's policy,
      the same file `simulate` reads, instead of the observed cadence; --policy-name picks
      the policy when the file has several. Only the cadence is used: capacity stays the
      rep's own.

      With --buckets or --basis, each item also shows the aging bucket of its oldest invoice
      (a bucket column after dpd; aging_bucket in CSV and JSON, as the bucket's key).
      """)

  enum WorklistFormat: String, ExpressibleByArgument { case table, csv, json, html }

  @OptionGroup var store: StoreOptions
  @OptionGroup var scope: ScopeOptions
  @Option(help: "The day worked (YYYY-MM-DD); default: the day after the last event.")
  var date: String?
  @Option(help: "Calls per rep (default: the rep's median calls per day).") var calls: Int?
  @Option(help: "table, csv, json or html (a printable page per rep).")
  var format: WorklistFormat = .table
  @Option(help: "Write to this file instead of standard output.") var out: String?
  @Flag(help: "The predictive check over the last 8 weeks with outcomes (table or json).")
  var check = false
  @Option(help: "Weeks the check covers (1 to 104).") var weeks = 8
  @OptionGroup var aging: AgingOptions
  @Option(help: "Cadence steps from this scenario file's policy instead of the observed ones.")
  var policy: String?
  @Option(help: "The policy of the --policy file to use (needed when it has several).")
  var policyName: String?

  func validate() throws {
    try guarded {
      if let calls, calls < 0 || calls > 10_000 {
        throw ArcadenceError(.usage, "--calls: expected 0 to 10,000 (value \(calls))")
      }
      guard weeks >= 1, weeks <= 104 else {
        throw ArcadenceError(.usage, "--weeks: expected 1 to 104 (value \(weeks))")
      }
      if check, format == .csv || format == .html {
        throw ArcadenceError(.usage, "--check: --format table or json")
      }
      if aging.isGiven { _ = try aging.value }
      if check, aging.isGiven {
        throw ArcadenceError(
          .usage, "--check scores probabilities, not buckets: drop --buckets/--basis")
      }
      if let date, Day(iso: date) == nil {
        throw ArcadenceError(.usage, "--date: not a valid date (YYYY-MM-DD) (value \"\(date)\")")
      }
    }
  }

  func run() throws {
    try guarded {
      let buckets = aging.isGiven ? try aging.value : nil
      let spec = try policySpec()
      let db = try store.open(create: false)
      let ledger = try db.loadLedger()
      guard let last = ledger.lastEventDay else {
        throw ArcadenceError(.usage, "the store is empty: import data first")
      }
      let reps = try scope.scope.reps(in: ledger)
      let links = try db.loadInvoiceLinks(for: ledger)
      if check {
        let result = try WorklistCheck.run(
          ledger: ledger, links: links, lastDay: last, weeks: weeks)
        let text: String
        switch format {
        case .table: text = result.table
        case .json: text = result.json.rendered() + "\n"
        case .csv, .html: return  // refused above
        }
        try emit(text, what: "the predictive check")
        return
      }
      let day: Day
      if let date {
        guard let d = Day(iso: date) else {
          throw ArcadenceError(.usage, "--date: not a valid date (YYYY-MM-DD) (value \"\(date)\")")
        }
        day = d
      } else {
        guard let next = last.offset(by: 1) else {
          throw ArcadenceError(
            .usage, "--date: the data ends on \(last), the last day of the calendar: name a day")
        }
        day = next
      }
      let first = ledger.invoiceIssued.min() ?? last.rawValue
      guard day.rawValue > first else {
        throw ArcadenceError(
          .usage, "--date: \(day) is not after the first invoice (\(Day(rawValue: first)))")
      }
      // As a scenario's start: at most 100 years after the data, and the model is fitted on
      // the data there is (days after the last one would be days at risk with no payments).
      try Span.day(day, after: last, option: "--date")
      let until = Span.clip(day - 1, toLast: last, option: "--date").day
      let calibration = Calibration.fit(ledger: ledger, links: links, until: until)
      let list = Worklist.build(
        ledger: ledger, calibration: calibration, day: day, reps: reps, calls: calls,
        buckets: buckets, policy: try spec?.resolve(calibration))
      let text: String
      switch format {
      case .table: text = list.table
      case .csv: text = list.csv
      case .json: text = list.json.rendered() + "\n"
      case .html: text = list.html
      }
      try emit(text, what: "the worklist of \(day)")
    }
  }

  /// The policy of `--policy` (read and checked as `simulate` reads it), or nil.
  func policySpec() throws -> PolicySpec? {
    guard let policy else {
      if let policyName {
        throw ArcadenceError(
          .usage, "--policy-name: name the scenario file with --policy (value \"\(policyName)\")")
      }
      return nil
    }
    if check { throw ArcadenceError(.usage, "--check scores the observed cadence: drop --policy") }
    let scenario = try Scenario.load(path: policy)
    let names = scenario.policies.map(\.name)
    if let policyName {
      guard let p = scenario.policies.first(where: { $0.name == policyName }) else {
        throw ArcadenceError(
          .usage,
          "--policy-name: \(policy) has no policy \"\(policyName)\" (policies: "
            + names.joined(separator: ", ") + ")")
      }
      return p
    }
    guard scenario.policies.count == 1 else {
      throw ArcadenceError(
        .usage,
        "--policy: \(policy) has \(names.count) policies (\(names.joined(separator: ", "))): "
          + "name one with --policy-name")
    }
    return scenario.policies.first
  }

  func emit(_ text: String, what: String) throws {
    if let out {
      try writeText(text, to: out)
      Terminal.print("wrote \(what) to \(out)")
    } else {
      Terminal.print(text, terminator: "")
    }
  }
}
