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

  /// The page. `image(name, chart)` returns the `src` of a chart (a file or a data URI).
  public static func html(
    _ r: WeeklyReview, image: (String, any ChartDrawable) throws -> String,
    backLink: String? = nil
  ) throws -> String {
    let e = HTML.escape
    var b = "<header class=\"top\"><h1>Weekly root-cause review — \(e(r.weekLabel))</h1>"
    b += "<p>\(r.week.from) to \(r.week.to) · \(e(r.scope.description)) · "
    b += "\(r.casesOpened) case\(r.casesOpened == 1 ? "" : "s") opened</p></header>"
    if let backLink { b += "<nav><a href=\"\(e(backLink))\">← Dashboard</a></nav>" }
    b += "<main>"
    b += "<h2>Root causes</h2>"
    if r.causes.isEmpty {
      b += "<p>No cases were opened this week.</p>"
    } else {
      b += HTML.figure(
        src: try image("review-\(r.weekLabel)-pareto", paretoChart(r)),
        alt: "Pareto of the \(r.casesOpened) cases opened in \(r.weekLabel) by root cause, "
          + "with the cumulative share.")
      let rows = r.causes.map { c -> [String] in
        let delta = c.count - c.previousWeek
        let move =
          delta > 0 ? "▲ rose by \(delta)" : delta < 0 ? "▼ fell by \(-delta)" : "= unchanged"
        return [
          c.rootCause, String(c.count), Format.percent(c.share), Format.percent(c.cumulativeShare),
          Cents.display(c.amountAtStake), String(c.recurring), "\(move) (was \(c.previousWeek))",
        ]
      }
      b += HTML.table(
        header: [
          "Root cause", "Cases", "Share", "Cumulative", "Amount at stake", "Recurring",
          "Against last week",
        ], rows: rows, numeric: [1, 2, 3, 4, 5])
      b += "<p class=\"note\">Recurring: the same customer had a case with the same root cause "
      b += "opened in the 90 days before.</p>"
    }
    b += "<h2>Escalations by reason</h2>"
    b += HTML.table(
      header: ["Reason", "Escalations"], rows: r.escalations.map { [$0.reason, String($0.count)] },
      numeric: [1], totalRow: ["Total", String(r.escalations.reduce(0) { $0 + $1.count })])
    b += "<h2>Cases open more than 14 days at the end of the week</h2>"
    if r.stuck.isEmpty {
      b += "<p>None.</p>"
    } else {
      b += HTML.table(
        header: ["Case", "Customer", "Owner", "Root cause", "Opened", "Age (days)", "Escalated"],
        rows: r.stuck.map {
          [
            $0.caseId, "\($0.customerName) (\($0.customerId))", "\($0.repName) (\($0.repId))",
            $0.rootCause, $0.openedOn.description, String($0.ageDays), $0.escalationReason ?? "",
          ]
        }, numeric: [5])
    }
    b += "<h2>Trend of the top causes</h2>"
    if r.trend.isEmpty {
      b += "<p>No causes to trend.</p>"
    } else {
      b += HTML.figure(
        src: try image("review-\(r.weekLabel)-trend", trendChart(r)),
        alt: "Weekly cases of the top \(r.trend.count) causes over the 8 weeks ending "
          + "\(r.weekLabel).")
      b += HTML.table(
        header: ["Root cause"] + r.trendWeeks,
        rows: r.trend.map { [$0.rootCause] + $0.counts.map(String.init) },
        numeric: Set(1...r.trendWeeks.count))
    }
    b += "</main>"
    return HTML.page(title: "Weekly root-cause review \(r.weekLabel)", body: b)
  }
}
