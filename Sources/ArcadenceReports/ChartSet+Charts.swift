import ArcadenceAnalytics
import ArcadenceCharts
import ArcadenceCore
import ArcadenceStore

/// The charts of the set, one function each, in reading order.
extension ChartSet {
  /// What every chart of a set is drawn from: the ledger, the period, the scope's reps and
  /// their weekly KPI totals, and the subtitle.
  struct Context {
    let l: Ledger
    let period: Period
    let scope: Scope
    let source: String
    let engine: KPIEngine
    let reps: [Int]
    let weekly: WeeklySeries
    /// `Q3 2026 (…) · Team East · Source: …`.
    let sub: String

    init(ledger l: Ledger, period: Period, scope: Scope, source: String) throws {
      self.l = l
      self.period = period
      self.scope = scope
      self.source = source
      engine = KPIEngine(ledger: l)
      reps = try scope.reps(in: l)
      weekly = WeeklySeries(engine: engine, period: period, reps: reps)
      let scopeLabel: String
      switch scope {
      case .everyone: scopeLabel = "All reps"
      case .rep(let r): scopeLabel = "Rep \(r) \(l.rep(r).map { l.repNames[$0] } ?? "")"
      case .team(let t): scopeLabel = "Team \(t)"
      }
      sub = "\(ChartSet.periodLabel(period)) · \(scopeLabel) · Source: \(source)"
    }
  }

  /// 1. Weekly cash with the cohort collection rate.
  static func cashWeekly(_ c: Context) -> Entry {
    let weekly = c.weekly
    return Entry(
      name: "cash-weekly",
      caption: "Cash collected per week (bars) and the collection rate of the invoices due "
        + "that week (line), against the 95% goal.",
      chart: .dualAxisBarLine(
        DualAxisBarLineSpec(
          title: "Weekly cash collected and collection rate", subtitle: c.sub,
          footnote: "Collection rate: invoices due in the week, collected by the end of the "
            + "period (the period's cohort rate broken down by due week). ISO weeks.",
          periodStarts: weekly.starts, periodLength: 7,
          bars: NamedSeries(name: "Cash collected", values: weekly.series(.collectedAmount)),
          line: NamedSeries(name: "Collection rate", values: weekly.cohortCollectionRate()),
          barAxis: YAxis(title: "Cash collected", format: .money),
          lineAxis: YAxis(
            title: "Collection rate", format: .percent, domain: 0...1, gridlines: false),
          lineTarget: (ChartSet.collectionRateGoal, "95% goal"))))
  }

  /// 2. Aging at each week's end, stacked by bucket (``AgingReport`` with `buckets` at each
  /// week's last day).
  static func agingWeekly(_ c: Context, buckets: AgingBuckets) throws -> Entry {
    var balances: [[Int64]] = []
    for end in c.weekly.ends {
      let report = try AgingReport(
        ledger: c.l, asOf: Day(rawValue: end), grouping: .none, scope: c.scope, buckets: buckets)
      balances.append(report.totals.buckets)
    }
    let names = buckets.labels
    let colors = ChartSet.agingColors(count: buckets.count)
    let series = (0..<buckets.count).map { b in
      NamedSeries(
        name: names[b], values: balances.map { Double($0[b]) / 100 }, color: colors[b])
    }
    let basis = buckets.basis == .due ? "by days past due" : "by days since the invoice date"
    return Entry(
      name: "aging-weekly",
      caption: "Open receivables at each week's end, stacked by "
        + (buckets.basis == .due ? "days-past-due bucket." : "age since the invoice date."),
      chart: .stackedBar(
        StackedBarSpec(
          title: "Aging of receivables at each week's end", subtitle: c.sub,
          footnote: "Balances at the end of each week's last day, \(basis).",
          periods: c.weekly.ends, style: .monthDay, series: series,
          valueAxis: YAxis(title: "Open balance", format: .money))))
  }

  /// 3. Past due and 90+ (kpis.md's buckets, whatever the aging chart's).
  static func pastDueTrend(_ c: Context) -> Entry {
    let weekly = c.weekly
    return Entry(
      name: "past-due-trend",
      caption: "Past-due and 90+ day balances at each week's end: aging reduction made visible.",
      chart: .lineRule(
        LineRuleSpec(
          title: "Past-due and 90+ balances", subtitle: c.sub,
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
          valueAxis: YAxis(title: "Balance", format: .money), showsPoints: true)))
  }

  /// 4. Auto-pay conversions and the enrolled share.
  static func autopay(_ c: Context) -> Entry {
    let weekly = c.weekly
    return Entry(
      name: "autopay",
      caption: "Auto-pay conversions per week (bars) and the share of active customers "
        + "enrolled at each week's end (line).",
      chart: .dualAxisBarLine(
        DualAxisBarLineSpec(
          title: "Auto-pay conversions and enrolled share", subtitle: c.sub,
          footnote: "Share: enrolled customers among those invoiced in the 365 days to the "
            + "week's end.",
          periodStarts: weekly.starts, periodLength: 7,
          bars: NamedSeries(name: "Conversions", values: weekly.series(.autopayConverted)),
          line: NamedSeries(name: "Enrolled share", values: weekly.series(.autopayShareEnd)),
          barAxis: YAxis(title: "Conversions", format: .number),
          lineAxis: YAxis(
            title: "Enrolled share", format: .percent, domain: 0...1, gridlines: false))))
  }

  /// 5a. Ages of the cases open at the end of the period.
  static func caseAge(_ c: Context) -> Entry {
    let l = c.l
    let end = c.period.to
    let open = l.caseOpenedAt.indices.filter {
      c.reps.contains(Int(l.caseRep[$0])) && l.isCaseOpen($0, atEndOf: end)
    }
    let openAges = open.map { Double(end - l.caseOpenedOn($0)) }
    let stuck = open.filter { KPIEngine.isCaseStuck($0, in: l, atEndOf: end) }
    return Entry(
      name: "case-age",
      caption: "Ages of the cases open at the end of the period, with the 14-day limit.",
      chart: .histogram(
        HistogramSpec(
          title: "Open cases by age at \(end)", subtitle: c.sub,
          footnote: "\(openAges.count) open cases; "
            + "\(stuck.count) older than 14 days.",
          values: openAges, binWidth: 2, valueAxis: .linear(title: "Age (days)"),
          countAxis: YAxis(title: "Open cases"), marker: (ChartSet.caseAgeLimit, "14 days"))))
  }

  /// 5b. Cases opened and closed per week.
  static func casesFlow(_ c: Context) -> Entry {
    let weekly = c.weekly
    let weekLabels = weekly.weeks.map { ChartFormat.date($0.from.rawValue, style: .monthDay) }
    return Entry(
      name: "cases-flow",
      caption: "Cases opened and closed per week.",
      chart: .chart(
        Chart(
          title: "Cases opened and closed per week", subtitle: c.sub,
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
          ])))
  }

  /// 6. Root-cause Pareto of the cases opened in the period.
  static func rootCausePareto(_ c: Context) -> Entry {
    let l = c.l
    var causeCounts: [String: Int] = [:]
    for k in l.caseOpenedAt.indices where c.reps.contains(Int(l.caseRep[k])) {
      guard c.period.contains(Timestamp(seconds: l.caseOpenedAt[k]).day) else { continue }
      let cause = l.caseRootCause[k]?.trimmingWhitespace() ?? ""
      causeCounts[cause.isEmpty ? WeeklyReview.unspecified : cause, default: 0] += 1
    }
    let causes = causeCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
    return Entry(
      name: "root-cause-pareto",
      caption: "Cases opened in the period by root cause, largest first, with the cumulative "
        + "share.",
      chart: .pareto(
        ParetoSpec(
          title: "Root causes of billing cases", subtitle: c.sub,
          footnote: "\(causes.reduce(0) { $0 + $1.value }) cases opened in the period.",
          categories: causes.map(\.key), values: causes.map { Double($0.value) },
          valueName: "Cases",
          valueAxis: ChartSet.axis(.number, causes.map { Double($0.value) }, title: "Cases"))))
  }

  /// 7. Rep comparison, one chart per team in scope.
  static func repComparisons(_ c: Context) -> [Entry] {
    let l = c.l
    let card = Scorecard(engine: c.engine, period: c.period)
    let teams = Array(Set(c.reps.map { l.repTeams[$0] })).sorted { ($0 ?? "~") < ($1 ?? "~") }
    // No team is "" (a team name is never empty), read as `no-team`: a team called
    // `no-team` and the reps with no team get two charts, not one file.
    let teamNames = FileName.distinct(teams.map { $0 ?? "" }) { $0.isEmpty ? "no-team" : $0 }
    return teams.enumerated().map { t, team in
      let members = card.lines.filter { $0.team == team }
      return Entry(
        name: "reps-" + teamNames[t],
        caption: "Each rep of \(team.map { "team \($0)" } ?? "no team") on eight scorecard "
          + "metrics, with the team median.",
        chart: .smallMultiples(
          ChartSet.repComparison(members: members, card: card, team: team, subtitle: c.sub)))
    }
  }

  /// 8. Personal scorecards, one per rep in scope.
  static func personalScorecards(_ c: Context) -> [Entry] {
    let l = c.l
    let repNames = ChartSet.repFileNames(l)
    return c.reps.map { r in
      let team = l.repTeams[r]
      let mates = l.repIds.indices.filter { l.repTeams[$0] == team }
      return Entry(
        name: "scorecard-" + (repNames[l.repIds[r]] ?? FileName.safe(l.repIds[r])),
        caption: "\(l.repNames[r])'s weekly numbers against the team median.",
        chart: .smallMultiples(
          ChartSet.personal(
            rep: r, mates: mates, weekly: c.weekly, ledger: l, period: c.period,
            source: c.source)))
    }
  }

  /// 9. Promises kept and documentation completeness.
  static func promisesDocumentation(_ c: Context) -> Entry {
    let weekly = c.weekly
    return Entry(
      name: "promises-documentation",
      caption: "Promise-to-pay kept rate and case documentation completeness per week.",
      chart: .lineRule(
        LineRuleSpec(
          title: "Promise kept rate and documentation completeness", subtitle: c.sub,
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
          valueAxis: YAxis(title: "Share", format: .percent, domain: 0...1), showsPoints: true)))
  }
}
