import ArcadenceAnalytics
import ArcadenceCharts
import ArcadenceCore
import ArcadenceReports
import ArcadenceStore
import ArgumentParser

struct ScorecardCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scorecard",
    abstract: "Per-rep productivity with the team median and the rep's rank in the team.",
    discussion: """
      Ranks use standard competition ranking (1, 2, 2, 4) within each team; reps without a
      team are ranked among themselves. Without a period option, the latest full quarter.
      """)

  @OptionGroup var store: StoreOptions
  @OptionGroup var period: PeriodOptions
  @Option(help: "Show one rep's card (rep_id).") var rep: String?
  @Option(help: "table, json or csv.") var format: OutputFormat = .table

  func run() throws {
    try guarded {
      let db = try store.open(create: false)
      let period = try period.resolve(lastDay: db.lastEventDay)
      let ledger = try db.loadLedger(.kpis(covering: [period]))
      if let rep { _ = try Scope.rep(rep).reps(in: ledger) }
      let card = Scorecard(engine: KPIEngine(ledger: ledger), period: period)
      switch format {
      case .table: Terminal.print(card.table(rep: rep), terminator: "")
      case .json: Terminal.printJSON(card.json(rep: rep))
      case .csv: Terminal.print(card.csv, terminator: "")
      }
    }
  }
}

struct AgingCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "aging",
    abstract: "Open balances by days-past-due bucket as of any day, grouped as you choose.",
    discussion: """
      Buckets: current (not yet past due), 1–30, 31–60, 61–90 and 90+ days past due, at the
      end of the --as-of day (default: the last day of the data). Rows are sorted by past-due
      balance. --by customer also shows the oldest open invoice and the last contact.

      --buckets 0,30,60,90,120 sets the edges (the last bucket is over the last edge);
      --basis issued ages invoices from their invoice date instead of their due date
      (default edges then 30,60,90). The past-due column is always past the due date.
      """)

  @OptionGroup var store: StoreOptions
  @Option(help: "The day (YYYY-MM-DD); default: the last day of the data.") var asOf: String?
  @Option(help: "none, customer, rep or segment.") var by: AgingReport.Grouping = .none
  @OptionGroup var scope: ScopeOptions
  @OptionGroup var aging: AgingOptions
  @Option(help: "Rows shown in the table (0 = all).") var limit = 25
  @Option(help: "table, json or csv.") var format: OutputFormat = .table

  /// The day of `--as-of`, if given.
  func asOfDay() throws -> Day? {
    guard let asOf else { return nil }
    guard let d = Day(iso: asOf) else {
      throw ArcadenceError(.usage, "--as-of: not a valid date (YYYY-MM-DD) (value \"\(asOf)\")")
    }
    return d
  }

  func validate() throws { try guarded { _ = try asOfDay() } }

  func run() throws {
    try guarded {
      let buckets = try aging.value
      let db = try store.open(create: false)
      let day: Day
      if let d = try asOfDay() {
        day = d
      } else {
        guard let last = try db.lastEventDay() else {
          throw ArcadenceError(.usage, "the store is empty: import data first")
        }
        day = last
      }
      // Balances need every invoice, payment and adjustment; activities only for the last
      // contact of each customer (their customer and day); promises and tasks not at all;
      // the invoices' ids only for the oldest open invoice of each customer.
      let ledger = try db.loadLedger(
        LedgerSelection(
          activities: by == .customer ? DayWindow(from: .min, to: day.rawValue) : .none,
          promises: .none, tasks: .none,
          columns: by == .customer ? [.invoiceIds, .activityCustomers] : []))
      let report = try AgingReport(
        ledger: ledger, asOf: day, grouping: by, scope: scope.scope, buckets: buckets)
      switch format {
      case .table: Terminal.print(report.table(limit: limit > 0 ? limit : nil), terminator: "")
      case .json: Terminal.printJSON(bytes: report.jsonUTF8)
      case .csv: Terminal.print(report.csv, terminator: "")
      }
    }
  }
}

extension AgingReport.Grouping: ExpressibleByArgument {}

struct ReviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "review",
    abstract: "The weekly root-cause review: Pareto of causes, escalations, stuck cases, trend.",
    discussion: "Without --week, the last full ISO week of the data.")

  enum ReviewFormat: String, ExpressibleByArgument { case markdown, json, html }

  @OptionGroup var store: StoreOptions
  @Option(help: "An ISO week, e.g. 2026-W14.") var week: String?
  @OptionGroup var scope: ScopeOptions
  @Option(help: "markdown, json or html (one self-contained page).") var format: ReviewFormat =
    .markdown
  @Option(help: "Write to this file instead of standard output.") var out: String?

  /// The week of `--week`, if given.
  func namedWeek() throws -> Period? {
    guard let week else { return nil }
    guard let p = Period.parseISOWeek(week) else {
      throw ArcadenceError(
        .usage, "--week: expected an ISO week YYYY-Www such as 2026-W14 (value \"\(week)\")")
    }
    return p
  }

  func validate() throws { try guarded { _ = try namedWeek() } }

  func run() throws {
    try guarded {
      let ledger = try store.open(create: false).loadLedger()
      let period: Period
      if let p = try namedWeek() {
        period = p
      } else {
        guard let last = ledger.lastEventDay else {
          throw ArcadenceError(.usage, "the store is empty: import data first")
        }
        period = Period.lastFullISOWeek(endingBy: last)
      }
      let review = try WeeklyReview(ledger: ledger, week: period, scope: scope.scope)
      let text: String
      switch format {
      case .markdown: text = review.markdown
      case .json: text = review.json.rendered() + "\n"
      case .html:
        let renderer = CairoRenderer()
        text = try ReviewPage.html(review, ledger: ledger) { _, chart in
          HTML.dataURI(try renderer.render(chart, format: .svg), mime: "image/svg+xml")
        }
      }
      if let out {
        try writeText(text, to: out)
        Terminal.print("wrote the review of \(review.weekLabel) to \(out)")
      } else {
        Terminal.print(text, terminator: "")
      }
    }
  }
}
