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
  /// rep's personal chart is made. `buckets` splits the aging chart (default: kpis.md's five).
  public init(
    ledger l: Ledger, period: Period, scope: Scope, source: String = "arcadence store",
    buckets: AgingBuckets = .standard
  ) throws {
    let c = try Context(ledger: l, period: period, scope: scope, source: source)
    var entries = [ChartSet.cashWeekly(c)]
    entries.append(try ChartSet.agingWeekly(c, buckets: buckets))
    entries += [ChartSet.pastDueTrend(c), ChartSet.autopay(c)]
    entries += [ChartSet.caseAge(c), ChartSet.casesFlow(c), ChartSet.rootCausePareto(c)]
    entries += ChartSet.repComparisons(c)
    entries += ChartSet.personalScorecards(c)
    entries.append(ChartSet.promisesDocumentation(c))
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

  /// Aging bucket colours for kpis.md's five buckets: from calm (current) to alarming (90+),
  /// colour-blind safe.
  static let agingColors = [
    Palette.skyBlue, Palette.blue, Palette.yellow, Palette.orange, Palette.vermillion,
  ]

  /// `count` colours from calm to alarming: ``agingColors`` when there are five, otherwise
  /// evenly spaced along them (interpolated in RGB).
  static func agingColors(count: Int) -> [Color] {
    guard count != agingColors.count else { return agingColors }
    guard count > 1 else { return Array(agingColors.prefix(max(0, count))) }
    let last = Double(agingColors.count - 1)
    return (0..<count).map { j in
      let x = Double(j) * last / Double(count - 1)
      let k = min(Int(x), agingColors.count - 2)
      let f = x - Double(k)
      let a = agingColors[k]
      let b = agingColors[k + 1]
      guard f > 0 else { return a }
      guard f < 1 else { return b }
      return Color(
        red: a.red + (b.red - a.red) * f, green: a.green + (b.green - a.green) * f,
        blue: a.blue + (b.blue - a.blue) * f)
    }
  }

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
