import ArcadenceAnalytics
import ArcadenceCharts
import ArcadenceCore
import ArcadenceStore
import Foundation

/// The chart set leadership reads, built from the store for a period and scope.
///
/// Every number comes from the KPI engine (`WeeklySeries`, `Scorecard`, `WeeklyReview`
/// tables), never from the charts themselves; the charts are pure values that any renderer
/// draws.
public struct ChartSet: Sendable {
  /// One chart of the set.
  public struct Entry: Sendable {
    /// File name without extension (`cash-weekly`, `scorecard-R01`).
    public var name: String
    /// What the chart shows, for alt text and the gallery.
    public var caption: String
    /// The chart, with the numbers it draws.
    public var chart: AnyChart

    /// Creates an entry.
    public init(name: String, caption: String, chart: AnyChart) {
      self.name = name
      self.caption = caption
      self.chart = chart
    }
  }

  /// The charts, in reading order.
  public var entries: [Entry]

  /// A set of ready-made charts (e.g. read back from a data file).
  public init(entries: [Entry]) {
    self.entries = entries
  }

  /// The collection-rate goal drawn on the cash chart.
  public static let collectionRateGoal = 0.95
  /// The case age (days) past which a case counts as stuck.
  public static let caseAgeLimit = Double(KPIEngine.caseAgeLimitDays)

  /// Builds the set. With a rep scope, the rep comparison shows that rep's team and only that
  /// rep's personal chart is made.
  public init(ledger l: Ledger, period: Period, scope: Scope, source: String = "arcadence store")
    throws
  {
    let engine = KPIEngine(ledger: l)
    let reps = try scope.reps(in: l)
    let weekly = WeeklySeries(engine: engine, period: period, reps: reps)
    let scopeLabel: String
    switch scope {
    case .everyone: scopeLabel = "All reps"
    case .rep(let r): scopeLabel = "Rep \(r) \(l.repNames[l.rep(r)!])"
    case .team(let t): scopeLabel = "Team \(t)"
    }
    let sub = "\(ChartSet.periodLabel(period)) · \(scopeLabel) · Source: \(source)"
    var entries: [Entry] = []

    // 1. Weekly cash with the cohort collection rate.
    entries.append(
      Entry(
        name: "cash-weekly",
        caption: "Cash collected per week (bars) and the collection rate of the invoices due "
          + "that week (line), against the 95% goal.",
        chart: .dualAxisBarLine(
          DualAxisBarLineSpec(
            title: "Weekly cash collected and collection rate", subtitle: sub,
            footnote: "Collection rate: invoices due in the week, collected by the end of the "
              + "period (the period's cohort rate broken down by due week). ISO weeks.",
            periodStarts: weekly.starts, periodLength: 7,
            bars: NamedSeries(name: "Cash collected", values: weekly.series(.collectedAmount)),
            line: NamedSeries(name: "Collection rate", values: weekly.cohortCollectionRate()),
            barAxis: YAxis(title: "Cash collected", format: .money),
            lineAxis: YAxis(
              title: "Collection rate", format: .percent, domain: 0...1, gridlines: false),
            lineTarget: (ChartSet.collectionRateGoal, "95% goal")))))

    // 2. Aging over time.
    let bucketNames = Format.agingLabels
    let agingSeries = (0..<5).map { b in
      NamedSeries(
        name: bucketNames[b],
        values: weekly.weeks.indices.map { Double(weekly.totals($0).agingEnd[b]) / 100 },
        color: ChartSet.agingColors[b])
    }
    entries.append(
      Entry(
        name: "aging-weekly",
        caption: "Open receivables at each week's end, stacked by days-past-due bucket.",
        chart: .stackedBar(
          StackedBarSpec(
            title: "Aging of receivables at each week's end", subtitle: sub,
            footnote: "Balances at the end of each week's last day, by days past due.",
            periods: weekly.ends, style: .monthDay, series: agingSeries,
            valueAxis: YAxis(title: "Open balance", format: .money)))))

    // 3. Past due and 90+.
    entries.append(
      Entry(
        name: "past-due-trend",
        caption: "Past-due and 90+ day balances at each week's end: aging reduction made visible.",
        chart: .lineRule(
          LineRuleSpec(
            title: "Past-due and 90+ balances", subtitle: sub,
            footnote: "Past due: days past due ≥ 1. 90+: more than 90 days past due.",
            days: weekly.ends,
            series: [
              NamedSeries(
                name: "Past due", values: weekly.series(.pastDueEnd), color: Palette.vermillion),
              NamedSeries(
                name: "90+ days",
                values: weekly.weeks.indices.map { Double(weekly.totals($0).agingEnd[4]) / 100 },
                color: Palette.reddishPurple),
            ],
            valueAxis: YAxis(title: "Balance", format: .money), showsPoints: true))))

    // 4. Auto-pay.
    entries.append(
      Entry(
        name: "autopay",
        caption: "Auto-pay conversions per week (bars) and the share of active customers "
          + "enrolled at each week's end (line).",
        chart: .dualAxisBarLine(
          DualAxisBarLineSpec(
            title: "Auto-pay conversions and enrolled share", subtitle: sub,
            footnote: "Share: enrolled customers among those invoiced in the 365 days to the "
              + "week's end.",
            periodStarts: weekly.starts, periodLength: 7,
            bars: NamedSeries(name: "Conversions", values: weekly.series(.autopayConverted)),
            line: NamedSeries(name: "Enrolled share", values: weekly.series(.autopayShareEnd)),
            barAxis: YAxis(title: "Conversions", format: .number),
            lineAxis: YAxis(
              title: "Enrolled share", format: .percent, domain: 0...1, gridlines: false)))))

    // 5. Case age and flow.
    let end = period.to
    let openAges: [Double] = l.caseOpenedAt.indices.compactMap { k in
      guard reps.contains(Int(l.caseRep[k])), l.isCaseOpen(k, atEndOf: end) else { return nil }
      return Double(end - l.caseOpenedOn(k))
    }
    entries.append(
      Entry(
        name: "case-age",
        caption: "Ages of the cases open at the end of the period, with the 14-day limit.",
        chart: .histogram(
          HistogramSpec(
            title: "Open cases by age at \(end)", subtitle: sub,
            footnote: "\(openAges.count) open cases; "
              + "\(openAges.filter { $0 > ChartSet.caseAgeLimit }.count) older than 14 days.",
            values: openAges, binWidth: 2, valueAxis: .linear(title: "Age (days)"),
            countAxis: YAxis(title: "Open cases"), marker: (ChartSet.caseAgeLimit, "14 days")))))
    let weekLabels = weekly.weeks.map { ChartFormat.date($0.from.rawValue, style: .monthDay) }
    entries.append(
      Entry(
        name: "cases-flow",
        caption: "Cases opened and closed per week.",
        chart: .chart(
          Chart(
            title: "Cases opened and closed per week", subtitle: sub,
            xAxis: .categories(weekLabels),
            yAxis: ChartSet.axis(
              .number, weekly.series(.casesOpened) + weekly.series(.casesClosed), title: "Cases"
            ),
            marks: [
              .bars(
                BarMark(
                  x: weekLabels.indices.map(Double.init),
                  series: [
                    BarSeries(
                      name: "Opened", values: weekly.series(.casesOpened), color: Palette.orange),
                    BarSeries(
                      name: "Closed", values: weekly.series(.casesClosed), color: Palette.blue),
                  ], layout: .grouped))
            ]))))

    // 6. Root-cause Pareto.
    var causeCounts: [String: Int] = [:]
    for k in l.caseOpenedAt.indices where reps.contains(Int(l.caseRep[k])) {
      guard period.contains(Timestamp(seconds: l.caseOpenedAt[k]).day) else { continue }
      let c = l.caseRootCause[k]?.trimmingWhitespace() ?? ""
      causeCounts[c.isEmpty ? WeeklyReview.unspecified : c, default: 0] += 1
    }
    let causes = causeCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
    entries.append(
      Entry(
        name: "root-cause-pareto",
        caption: "Cases opened in the period by root cause, largest first, with the cumulative "
          + "share.",
        chart: .pareto(
          ParetoSpec(
            title: "Root causes of billing cases", subtitle: sub,
            footnote: "\(causes.reduce(0) { $0 + $1.value }) cases opened in the period.",
            categories: causes.map(\.key), values: causes.map { Double($0.value) },
            valueName: "Cases",
            valueAxis: ChartSet.axis(.number, causes.map { Double($0.value) }, title: "Cases")))))

    // 7. Rep comparison, one chart per team in scope.
    let card = Scorecard(engine: engine, period: period)
    let teams = Array(Set(reps.map { l.repTeams[$0] })).sorted { ($0 ?? "~") < ($1 ?? "~") }
    // No team is "" (a team name is never empty), read as `no-team`: a team called
    // `no-team` and the reps with no team get two charts, not one file.
    let teamNames = FileName.distinct(teams.map { $0 ?? "" }) { $0.isEmpty ? "no-team" : $0 }
    for (t, team) in teams.enumerated() {
      let members = card.lines.filter { $0.team == team }
      entries.append(
        Entry(
          name: "reps-" + teamNames[t],
          caption: "Each rep of \(team.map { "team \($0)" } ?? "no team") on eight scorecard "
            + "metrics, with the team median.",
          chart: .smallMultiples(
            ChartSet.repComparison(members: members, card: card, team: team, subtitle: sub))))
    }

    // 8. Personal scorecards.
    let repNames = ChartSet.repFileNames(l)
    for r in reps {
      let team = l.repTeams[r]
      let mates = l.repIds.indices.filter { l.repTeams[$0] == team }
      entries.append(
        Entry(
          name: "scorecard-" + (repNames[l.repIds[r]] ?? FileName.safe(l.repIds[r])),
          caption: "\(l.repNames[r])'s weekly numbers against the team median.",
          chart: .smallMultiples(
            ChartSet.personal(
              rep: r, mates: mates, weekly: weekly, ledger: l, period: period, source: source))))
    }

    // 9. Promises kept and documentation.
    entries.append(
      Entry(
        name: "promises-documentation",
        caption: "Promise-to-pay kept rate and case documentation completeness per week.",
        chart: .lineRule(
          LineRuleSpec(
            title: "Promise kept rate and documentation completeness", subtitle: sub,
            footnote: "Kept rate: promises made in the week, judged at the end of the period. "
              + "Completeness: cases closed in the week with full notes and confirmation.",
            days: weekly.starts,
            series: [
              NamedSeries(
                name: "Promise kept rate", values: weekly.promiseKeptRate(),
                color: Palette.bluishGreen),
              NamedSeries(
                name: "Documentation completeness",
                values: weekly.series(.documentationCompleteness),
                color: Palette.blue),
            ],
            valueAxis: YAxis(title: "Share", format: .percent, domain: 0...1), showsPoints: true))))
    self.entries = entries
  }

  /// A value axis: 0–100 % for rates, whole-number ticks for small counts.
  static func axis(_ format: ValueFormat, _ values: [Double], title: String? = nil) -> YAxis {
    if isPercent(format) { return YAxis(title: title, format: format, domain: 0...1) }
    let top = values.filter(\.isFinite).max() ?? 0
    if case .number = format, top < 4 {
      let upper = max(1, top.rounded(.up))
      return YAxis(title: title, format: format, domain: 0...upper, tickCount: Int(upper) + 1)
    }
    return YAxis(title: title, format: format)
  }

  static func isPercent(_ f: ValueFormat) -> Bool {
    if case .percent = f { return true }
    return false
  }

  /// Aging bucket colours: from calm (current) to alarming (90+), colour-blind safe.
  static let agingColors = [
    Palette.skyBlue, Palette.blue, Palette.yellow, Palette.orange, Palette.vermillion,
  ]

  /// The metrics compared across reps.
  static let comparedMetrics: [(key: MetricKey, title: String, format: ValueFormat)] = [
    (.collectedAmount, "Cash collected", .money), (.calls, "Calls", .number),
    (.contactsReached, "Contacts reached", .number),
    (.promiseKeptRate, "Promise kept rate", .percent),
    (.taskCompletionRate, "Task completion", .percent),
    (.tasksOnTimeRate, "Tasks on time", .percent),
    (.documentationCompleteness, "Documentation", .percent),
    (.casesOpenOver14d, "Cases open > 14 days", .number),
  ]

  static func repComparison(
    members: [Scorecard.Line], card: Scorecard, team: String?, subtitle: String
  ) -> SmallMultiples {
    let ids = members.map(\.repId)
    let panels = comparedMetrics.map { key, title, format -> Chart in
      let values = members.map { $0[key].number ?? .nan }
      var marks: [Mark] = [.bars(BarMark(name: title, values: values, color: Palette.blue))]
      if let median = card.teamMedian(key, team: team) {
        marks.append(.rule(.horizontal(y: median, label: "median")))
      }
      return Chart(
        title: title, xAxis: .categories(ids), yAxis: ChartSet.axis(format, values), marks: marks)
    }
    return SmallMultiples(
      panels: panels, columns: 4,
      title: "Rep comparison — " + (team.map { "team \($0)" } ?? "reps without a team"),
      subtitle: subtitle, footnote: "Bars: each rep. Dashed line: the team median.",
      sharesYDomain: false, width: 1200, height: 640)
  }

  static func personal(
    rep r: Int, mates: [Int], weekly: WeeklySeries, ledger l: Ledger, period: Period,
    source: String
  ) -> SmallMultiples {
    let metrics: [(MetricKey, String, ValueFormat)] = [
      (.collectedAmount, "Cash collected", .money),
      (.contactsReached, "Contacts reached", .number),
      (.calls, "Calls", .number), (.tasksOnTimeRate, "Tasks on time", .percent),
    ]
    let panels = metrics.map { key, title, format -> Chart in
      let own = weekly.series(key, reps: [r])
      let median = weekly.medianSeries(key, over: mates)
      return Chart(
        title: title, xAxis: .time(),
        yAxis: YAxis(format: format, domain: ChartSet.isPercent(format) ? 0...1 : nil),
        marks: [
          .line(
            LineMark(
              name: l.repNames[r], points: DataPoint.daily(weekly.starts, own), color: Palette.blue,
              showsPoints: true)),
          .line(
            LineMark(
              name: "Team median", points: DataPoint.daily(weekly.starts, median),
              color: Palette.orange, dash: [5, 3])),
        ])
    }
    let team = l.repTeams[r].map { "team \($0)" } ?? "no team"
    return SmallMultiples(
      panels: panels, columns: 2, title: "Scorecard — \(l.repIds[r]) \(l.repNames[r])",
      subtitle:
        "\(periodLabel(period)) · weekly, against the median of \(team) · Source: \(source)",
      footnote: "Each point is one ISO week; the dashed line is the team median for that week.",
      sharesYDomain: false, width: 1000, height: 640)
  }

  /// `Q3 2026 (2026-07-01 – 2026-09-30)` or `2026-07-01 – 2026-08-15`.
  static func periodLabel(_ p: Period) -> String {
    let (y, m, d) = p.from.civil
    if d == 1, (m - 1) % 3 == 0, let q = Period.quarter(y, (m - 1) / 3 + 1), q == p {
      return "Q\((m - 1) / 3 + 1) \(y) (\(p.from) – \(p.to))"
    }
    return "\(p.from) – \(p.to)"
  }

  /// The file name of each rep id of the ledger (``FileName/distinct(_:)`` over all of
  /// them), shared by the scorecard charts and the dashboard's scorecard pages.
  public static func repFileNames(_ l: Ledger) -> [String: String] {
    Dictionary(zip(l.repIds, FileName.distinct(l.repIds)), uniquingKeysWith: { a, _ in a })
  }
}

extension ChartSet {
  /// An output format of the chart files.
  public enum FileFormat: String, Sendable, CaseIterable {
    case png, svg, pdf
  }

  /// Renders every chart into `directory` in each format; returns the files written.
  /// PNGs are drawn at `scale` (2 = high-DPI).
  @discardableResult
  public func write(to directory: String, formats: [FileFormat], scale: Double = 2) throws
    -> [String]
  {
    let folder = try OutputFolder(directory)
    let renderer = CairoRenderer()
    var written: [String] = []
    for entry in entries {
      for format in formats {
        let cairoFormat: CairoRenderer.Format
        switch format {
        case .png: cairoFormat = .png(scale: scale)
        case .svg: cairoFormat = .svg
        case .pdf: cairoFormat = .pdf
        }
        written.append(
          try folder.draw(entry.chart, name: entry.name, format: cairoFormat, with: renderer))
      }
    }
    return written
  }
}
