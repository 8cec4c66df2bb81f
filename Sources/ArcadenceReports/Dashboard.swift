import ArcadenceAnalytics
import ArcadenceCharts
import ArcadenceCore
import ArcadenceStore
import Foundation

/// The leadership dashboard: a self-contained static site.
///
/// `index.html` holds KPI tiles (with the change against the previous period and the
/// targets), the chart set, the aging table and links to the weekly review and to one
/// scorecard page per rep. Charts are SVG files beside it (PNG too, for slides). Nothing is
/// loaded from elsewhere: it works offline from the file system.
public enum Dashboard {
  /// A KPI tile: a metric, and optionally a target.
  public struct Tile: Sendable {
    public var key: MetricKey
    public var label: String
    /// The target as a number, its label, and whether it is a floor (≥) or a ceiling (≤).
    public var target: (value: Double, label: String, isFloor: Bool)?
  }

  /// The tiles, in order. Targets: 95 % collection rate, no case open over 14 days, every
  /// cadence task completed.
  public static let tiles: [Tile] = [
    Tile(key: .collectedAmount, label: "Cash collected"),
    Tile(key: .collectionRate, label: "Collection rate", target: (0.95, "target 95%", true)),
    Tile(key: .pastDueEnd, label: "Past due at end"),
    Tile(key: .agingReduction, label: "Past-due reduction"),
    Tile(key: .dso, label: "DSO (days)"),
    Tile(key: .cei, label: "Collection effectiveness"),
    Tile(key: .autopayConversionRate, label: "Auto-pay conversion"),
    Tile(key: .autopayShareEnd, label: "Auto-pay share"),
    Tile(key: .casesOpenOver14d, label: "Cases open > 14 days", target: (0, "target 0", false)),
    Tile(key: .taskCompletionRate, label: "Cadence completion", target: (1, "target 100%", true)),
    Tile(key: .tasksOnTimeRate, label: "Tasks on time"),
    Tile(key: .promiseKeptRate, label: "Promise kept rate"),
    Tile(key: .documentationCompleteness, label: "Documentation complete"),
    Tile(key: .contactsReached, label: "Contacts reached"),
  ]

  /// What was written.
  public struct Output: Sendable {
    public var index: String
    public var review: String
    public var scorecards: [String]
    public var files: [String]
  }

  /// Writes the site into `directory` for `period` (everyone's numbers); `buckets` split the
  /// aging chart and the aging table (default: kpis.md's five).
  public static func write(
    ledger l: Ledger, period: Period, to directory: String, source: String = "arcadence store",
    buckets: AgingBuckets = .standard
  ) throws -> Output {
    try PageTemplates.check()
    let site = try OutputFolder(directory)
    let chartsFolder = try site.folder("charts")
    let scorecardFolder = try site.folder("scorecards")
    var files: [String] = []
    func save(_ text: String, _ name: String, in folder: OutputFolder) throws -> String {
      let path = try folder.write(text, as: name)
      files.append(path)
      return path
    }
    let renderer = CairoRenderer()
    func drawSVG(_ name: String, _ chart: any ChartDrawable) throws -> String {
      files.append(try chartsFolder.draw(chart, name: name, format: .svg, with: renderer))
      return "charts/\(name).svg"
    }

    let engine = KPIEngine(ledger: l)
    let report = try KPIReport(engine: engine, period: period, scope: .everyone)
    let set = try ChartSet(
      ledger: l, period: period, scope: .everyone, source: source, buckets: buckets)
    files += try set.write(to: chartsFolder.path, formats: [.svg, .png], scale: 2)
    let card = Scorecard(engine: engine, period: period)

    // The weekly review of the period's last full ISO week.
    let review = try WeeklyReview(ledger: l, week: Period.lastFullISOWeek(endingBy: period.to))
    let reviewFile = "review-\(review.weekLabel).html"
    let reviewHTML = try ReviewPage.html(
      review, ledger: l, image: { name, chart in try drawSVG(name, chart) },
      backLink: "index.html")
    let reviewPath = try save(reviewHTML, reviewFile, in: site)

    // One page per rep.
    var scorecardFiles: [String] = []
    let names = ChartSet.repFileNames(l)
    for line in card.lines {
      let safe = names[line.repId] ?? FileName.safe(line.repId)
      let hasChart = set.entries.contains { $0.name == "scorecard-" + safe }
      let page = ScorecardPage.html(
        line: line, card: card, ledger: l,
        chart: hasChart ? "../charts/scorecard-\(safe).svg" : nil, backLink: "../index.html")
      scorecardFiles.append(try save(page, "\(safe).html", in: scorecardFolder))
    }

    let index = indexPage(
      report: report, set: set, card: card, ledger: l, period: period, source: source,
      reviewFile: reviewFile, reviewLabel: review.weekLabel, buckets: buckets)
    let indexPath = try save(index, "index.html", in: site)
    return Output(index: indexPath, review: reviewPath, scorecards: scorecardFiles, files: files)
  }

  /// A tile as the `tiles` template's context: the value (and in `data-value` the CSV form
  /// of the engine's number, for tests), the change against the previous period, the target.
  static func tileContext(_ tile: Tile, report: KPIReport) -> [String: Any] {
    let value = report[tile.key]
    let previous = report.previous(tile.key)
    let change = Format.change(value, previous)
    var tone = "neutral"
    if let better = Metrics[tile.key].higherIsBetter, let a = value.number,
      let b = previous.number, a != b
    {
      tone = (a > b) == better ? "good" : "bad"
    }
    var context: [String: Any] = [
      "metric": tile.key.rawValue, "csv": Format.csv(value), "label": tile.label,
      "value": displayValue(value, key: tile.key), "tone": tone,
      "change": change.isEmpty ? "no comparison" : change, "days": report.period.days,
    ]
    if let target = tile.target {
      if let v = value.number {
        let met = target.isFloor ? v >= target.value : v <= target.value
        context["target"] = [
          "tone": met ? "good" : "bad", "text": "\(target.label) · \(met ? "met" : "not met")",
        ]
      } else {
        context["target"] = ["tone": "neutral", "text": "\(target.label) · no data"]
      }
    }
    return context
  }

  static func displayValue(_ v: MetricValue, key: MetricKey) -> String {
    if case .money(let c) = v { return Cents.displayWhole(c) }
    if key == .cei, case .ratio(let r) = v { return Format.percent(r) }
    return Format.human(v, key: key)
  }

  /// The index page: the tiles, the KPI table (the served `/kpis` table's template), the
  /// charts, the aging tables and the scorecards (the served `/scorecards` table's template).
  static func indexPage(
    report: KPIReport, set: ChartSet, card: Scorecard, ledger l: Ledger, period: Period,
    source: String, reviewFile: String, reviewLabel: String, buckets: AgingBuckets = .standard
  ) -> String {
    let names = ChartSet.repFileNames(l)
    var context = SharedTables.scorecards(
      card, href: { "scorecards/\(names[$0.repId] ?? FileName.safe($0.repId)).html" })
    context["period"] = ChartSet.periodLabel(period)
    context["comparison"] = period.comparisonLabel { "\($0.from) to \($0.to)" }
    context["source"] = source
    context["tiles"] = tiles.map { tileContext($0, report: report) }
    context["kpiRows"] = SharedTables.kpiRows(report)
    context["figures"] = set.entries.filter { !$0.name.hasPrefix("scorecard-") }.map {
      entry -> [String: Any] in
      [
        "src": "charts/\(entry.name).svg", "caption": entry.caption,
        "width": Int(entry.chart.size.width), "height": Int(entry.chart.size.height),
      ]
    }
    var tables: [PageTable] = []
    if let bySegment = try? AgingReport(
      ledger: l, asOf: period.to, grouping: .segment, buckets: buckets)
    {
      tables.append(agingTable(bySegment, title: "Aging at \(period.to)", first: "Segment"))
    }
    if let byCustomer = try? AgingReport(ledger: l, asOf: period.to, grouping: .customer) {
      tables.append(
        PageTable(
          title: "Largest past-due balances at \(period.to)", name: "past-due",
          columns: ["Customer", "Rep", "Past due", "Total", "Oldest open invoice", "Last contact"],
          rows: byCustomer.rows.prefix(10).map {
            [
              .text("\($0.label) (\($0.key))"), .text($0.rep ?? ""), .money($0.pastDue),
              .money($0.total),
              .text($0.oldestInvoice.map { "\($0.id) (\($0.dpd) days past due)" } ?? ""),
              .text($0.lastContact?.description ?? "never"),
            ]
          }))
    }
    context["tables"] = tables.map { $0.context(ledger: l) }
    return PageTemplates.staticPage(
      title: "Collections dashboard \(ChartSet.periodLabel(period))",
      body: PageTemplates.render("dashboard", context),
      nav: [
        ("#kpis", "KPIs"), ("#charts", "Charts"), ("#aging", "Aging"), ("#reps", "Scorecards"),
        (reviewFile, "Weekly review \(reviewLabel)"),
      ],
      description: "KPIs, charts, aging and scorecards for \(ChartSet.periodLabel(period))")
  }

  /// An aging report as a table: a row per group, a column per bucket, the total row.
  static func agingTable(_ r: AgingReport, title: String, first: String) -> PageTable {
    PageTable(
      title: title, name: "aging", columns: [first] + r.buckets.labels + ["Total", "Past due"],
      rows: r.rows.map {
        [.text($0.label)] + $0.buckets.map { .money($0) } + [.money($0.total), .money($0.pastDue)]
      },
      total: [.text("Total")] + r.totals.buckets.map { .money($0) } + [
        .money(r.totals.total), .money(r.totals.pastDue),
      ],
      anchor: "aging")
  }
}
