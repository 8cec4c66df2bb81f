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
      review, image: { name, chart in try drawSVG(name, chart) }, backLink: "index.html")
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

  /// The value of a tile for tests and pages: the CSV form of the engine's number.
  static func tileHTML(_ tile: Tile, report: KPIReport) -> String {
    let e = HTML.escape
    let value = report[tile.key]
    let previous = report.previous(tile.key)
    let better = Metrics[tile.key].higherIsBetter
    let change = Format.change(value, previous)
    var tone = "neutral"
    if let better, let a = value.number, let b = previous.number, a != b {
      tone = (a > b) == better ? "good" : "bad"
    }
    var html = "<div class=\"tile\" data-metric=\"\(e(tile.key.rawValue))\" "
    html += "data-value=\"\(e(Format.csv(value)))\">"
    html += "<div class=\"label\">\(e(tile.label))</div>"
    html += "<div class=\"value\">\(e(displayValue(value, key: tile.key)))</div>"
    html += "<div class=\"change \(tone)\">\(e(change.isEmpty ? "no comparison" : change)) "
    html += "<span class=\"neutral\">vs previous \(report.period.days) days</span></div>"
    if let target = tile.target {
      if let v = value.number {
        let met = target.isFloor ? v >= target.value : v <= target.value
        html += "<div class=\"target \(met ? "good" : "bad")\">\(e(target.label)) · "
        html += met ? "met" : "not met"
        html += "</div>"
      } else {
        html += "<div class=\"target neutral\">\(e(target.label)) · no data</div>"
      }
    }
    return html + "</div>"
  }

  static func displayValue(_ v: MetricValue, key: MetricKey) -> String {
    if case .money(let c) = v { return Cents.displayWhole(c) }
    if key == .cei, case .ratio(let r) = v { return Format.percent(r) }
    return Format.human(v, key: key)
  }

  static func indexPage(
    report: KPIReport, set: ChartSet, card: Scorecard, ledger l: Ledger, period: Period,
    source: String, reviewFile: String, reviewLabel: String, buckets: AgingBuckets = .standard
  ) -> String {
    let e = HTML.escape
    var b = "<header class=\"top\"><h1>Collections dashboard</h1>"
    let comparison = period.comparisonLabel { "\($0.from) to \($0.to)" }
    b += "<p>\(e(ChartSet.periodLabel(period))) · \(comparison) · source: \(e(source))</p></header>"
    b += "<nav><a href=\"#kpis\">KPIs</a><a href=\"#charts\">Charts</a>"
    b += "<a href=\"#aging\">Aging</a><a href=\"#reps\">Scorecards</a>"
    b += "<a href=\"\(e(reviewFile))\">Weekly review \(e(reviewLabel))</a></nav><main>"
    b += "<h2 id=\"kpis\">Key numbers</h2><div class=\"tiles\">"
    for tile in tiles { b += tileHTML(tile, report: report) }
    b += "</div>"
    b += "<h2 id=\"charts\">Charts</h2><div class=\"charts\">"
    for entry in set.entries where !entry.name.hasPrefix("scorecard-") {
      let size = entry.chart.size
      b += HTML.figure(
        src: "charts/\(entry.name).svg", alt: entry.caption, width: Int(size.width),
        height: Int(size.height))
    }
    b += "</div>"
    // Aging.
    b += "<h2 id=\"aging\">Aging at \(period.to)</h2>"
    if let bySegment = try? AgingReport(
      ledger: l, asOf: period.to, grouping: .segment, buckets: buckets)
    {
      b += agingTable(bySegment, first: "Segment")
    }
    if let byCustomer = try? AgingReport(ledger: l, asOf: period.to, grouping: .customer) {
      b += "<h2>Largest past-due balances at \(period.to)</h2>"
      b += HTML.table(
        header: ["Customer", "Rep", "Past due", "Total", "Oldest open invoice", "Last contact"],
        rows: byCustomer.rows.prefix(10).map {
          [
            "\($0.label) (\($0.key))", $0.rep ?? "", Cents.display($0.pastDue),
            Cents.display($0.total),
            $0.oldestInvoice.map { "\($0.id) (\($0.dpd) days past due)" } ?? "",
            $0.lastContact?.description ?? "never",
          ]
        }, numeric: [2, 3])
    }
    // Reps.
    b += "<h2 id=\"reps\">Scorecards</h2>"
    func metric(_ line: Scorecard.Line, _ key: MetricKey) -> String {
      Scorecard.cell(line[key], key: key)
    }
    let names = ChartSet.repFileNames(l)
    var rows = "<div class=\"table-wrap\"><table><thead><tr>"
    for (i, h) in [
      "Rep", "Team", "Collected", "Calls", "Promise kept", "Tasks on time", "Cases > 14 days",
    ].enumerated() {
      rows += "<th scope=\"col\"\(i >= 2 ? " class=\"num\"" : "")>\(h)</th>"
    }
    rows += "</tr></thead><tbody>"
    for line in card.lines {
      let file = names[line.repId] ?? FileName.safe(line.repId)
      rows += "<tr><td><a href=\"scorecards/\(e(file)).html\">"
      rows += "\(e(line.repId)) \(e(line.name))</a></td><td>\(e(line.team ?? "—"))</td>"
      for key: MetricKey in [
        .collectedAmount, .calls, .promiseKeptRate, .tasksOnTimeRate, .casesOpenOver14d,
      ] {
        rows += "<td class=\"num\">\(e(metric(line, key)))</td>"
      }
      rows += "</tr>"
    }
    b += rows + "</tbody></table></div>"
    b += "<p class=\"note\">Generated by arcadence from the store; every number follows the KPI "
    b += "definitions (spec/kpis.md).</p></main>"
    return HTML.page(
      title: "Collections dashboard \(ChartSet.periodLabel(period))", body: b,
      description: "KPIs, charts, aging and scorecards for \(ChartSet.periodLabel(period))")
  }

  static func agingTable(_ r: AgingReport, first: String) -> String {
    HTML.table(
      header: [first] + r.buckets.labels + ["Total", "Past due"],
      rows: r.rows.map {
        [$0.label] + $0.buckets.map { Cents.display($0) } + [
          Cents.display($0.total), Cents.display($0.pastDue),
        ]
      }, numeric: Set(1...(r.buckets.count + 2)),
      totalRow: ["Total"] + r.totals.buckets.map { Cents.display($0) }
        + [Cents.display(r.totals.total), Cents.display(r.totals.pastDue)])
  }
}
