import ArcadenceAnalytics
import ArcadenceCharts
import ArcadenceCore
import ArcadenceStore

/// The weekly root-cause review as a page a manager walks through in the meeting.
public enum ReviewPage {
  /// The review's Pareto chart: cases by root cause with the cumulative share.
  public static func paretoChart(_ r: WeeklyReview) -> ParetoSpec {
    ParetoSpec(
      title: "Root causes of cases opened in \(r.weekLabel)",
      subtitle: "\(r.week.from) – \(r.week.to) · \(r.casesOpened) cases",
      categories: r.causes.map(\.rootCause), values: r.causes.map { Double($0.count) },
      valueName: "Cases",
      valueAxis: ChartSet.axis(.number, r.causes.map { Double($0.count) }, title: "Cases"))
  }

  /// The 8-week trend of the top causes.
  public static func trendChart(_ r: WeeklyReview) -> Chart {
    let colors = Palette.okabeIto
    return Chart(
      title: "Top causes over the last 8 weeks", subtitle: "Cases opened per ISO week",
      xAxis: .categories(r.trendWeeks),
      yAxis: ChartSet.axis(.number, r.trend.flatMap { $0.counts.map(Double.init) }, title: "Cases"),
      marks: r.trend.enumerated().map { i, t in
        .line(
          LineMark(
            name: t.rootCause, points: DataPoint.indexed(t.counts.map(Double.init)),
            color: colors[i % colors.count], showsPoints: true))
      })
  }

  /// The review's charts that have something to show, each with its caption (the alt
  /// text): `pareto` when cases were opened, `trend` when there are causes to trend.
  public static func charts(_ r: WeeklyReview) -> [(
    kind: String, caption: String, chart: any ChartDrawable
  )] {
    var out: [(kind: String, caption: String, chart: any ChartDrawable)] = []
    if !r.causes.isEmpty {
      out.append(
        (
          "pareto",
          "Pareto of the \(r.casesOpened) cases opened in \(r.weekLabel) by root cause, "
            + "with the cumulative share.", paretoChart(r)
        ))
    }
    if !r.trend.isEmpty {
      out.append(
        (
          "trend",
          "Weekly cases of the top \(r.trend.count) causes over the 8 weeks ending "
            + "\(r.weekLabel).", trendChart(r)
        ))
    }
    return out
  }

  /// The review's `figures` context (with a heading when there is any): each chart of
  /// ``charts(_:)`` with `src(kind, chart)` as its image.
  public static func figures(
    _ r: WeeklyReview, src: (String, any ChartDrawable) throws -> String
  ) rethrows -> [String: Any] {
    let figures = try charts(r).map { c -> [String: Any] in
      ["src": try src(c.kind, c.chart), "caption": c.caption, "width": 800]
    }
    return ["figures": figures, "hasFigures": !figures.isEmpty]
  }

  /// The page's heading.
  public static func heading(_ r: WeeklyReview) -> String {
    "Weekly root-cause review — \(r.weekLabel)"
  }

  /// The line under the heading: the week, the scope and how many cases were opened.
  public static func summary(_ r: WeeklyReview) -> String {
    "\(r.week.from) to \(r.week.to) · \(r.scope) · \(r.casesOpened) "
      + (r.casesOpened == 1 ? "case" : "cases") + " opened"
  }

  /// The review's tables, served and static alike: root causes (the Pareto), escalations
  /// by reason, cases open more than 14 days at the end of the week, the trend.
  public static func tables(_ r: WeeklyReview, ledger l: Ledger) -> [PageTable] {
    let causes = PageTable(
      title: "Root causes (Pareto)", name: "causes",
      columns: [
        "Root cause", "Cases", "Share", "Cumulative", "Amount at stake", "Recurring",
        "Last week",
      ],
      rows: r.causes.map {
        [
          .text($0.rootCause), .count($0.count), .text(Format.percent($0.share)),
          .text(Format.percent($0.cumulativeShare)), .money($0.amountAtStake),
          .count($0.recurring), .count($0.previousWeek),
        ]
      },
      note: "Recurring: the same customer had a case with the same root cause opened in the 90 "
        + "days before.")
    let escalations = PageTable(
      title: "Escalations by reason", name: "escalations", columns: ["Reason", "Escalations"],
      rows: r.escalations.map { [.text($0.reason), .count($0.count)] },
      total: r.escalations.isEmpty
        ? nil : [.text("Total"), .count(r.escalations.reduce(0) { $0 + $1.count })])
    let stuck = PageTable(
      title: "Cases open more than \(KPIEngine.caseAgeLimitDays) days at the end of the week",
      name: "stuck",
      columns: ["Case", "Customer", "Owner", "Root cause", "Opened", "Age (days)", "Escalated"],
      rows: r.stuck.map { s in
        [
          l.caseIndex(s.caseId).map { .caseRef($0) } ?? .text(s.caseId),
          l.customer(s.customerId).map { .customer($0) } ?? .text(s.customerId),
          .text("\(s.repId) \(s.repName)"), .text(s.rootCause), .day(s.openedOn),
          .count(s.ageDays), .text(s.escalationReason ?? ""),
        ]
      })
    let trend = PageTable(
      title: "Trend of the top causes", name: "trend", columns: ["Root cause"] + r.trendWeeks,
      rows: r.trend.map { t in [.text(t.rootCause)] + t.counts.map { .count($0) } })
    return [causes, escalations, stuck, trend]
  }

  /// The review as a static page (the served page's `tables` template and the same
  /// figures): `image(name, chart)` returns the `src` of a chart (a file beside the page or a
  /// data URI); `backLink` leads back to the dashboard.
  public static func html(
    _ r: WeeklyReview, ledger l: Ledger, image: (String, any ChartDrawable) throws -> String,
    backLink: String? = nil
  ) throws -> String {
    var context = try figures(r) { kind, chart in
      try image("review-\(r.weekLabel)-\(kind)", chart)
    }
    context["heading"] = heading(r)
    context["lines"] = [["line": summary(r)]]
    context["tables"] = ReviewPage.tables(r, ledger: l).map { $0.context(ledger: l) }
    return PageTemplates.staticPage(
      title: "Weekly review \(r.weekLabel)", body: PageTemplates.render("reviewPage", context),
      nav: backLink.map { [($0, "← Dashboard")] } ?? [])
  }
}
