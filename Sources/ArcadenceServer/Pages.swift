import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceReports
import ArcadenceSimulation
import ArcadenceStore

/// A page's output: HTML for the browser, or a report CSV (`?format=csv`).
public enum PageBody: Sendable {
  case html(title: String, body: String)
  case csv(name: String, text: String)
}

/// The pages behind the login. Every page reads the ledger through the user's
/// ``Visibility``; nothing here decides who may see what (``Access/decide`` did).
enum Pages {
  /// The period of the query string (`quarter`, `month`, `week`, or `from`+`to`), or the
  /// latest full quarter of the data. Mistakes are usage errors naming the parameter.
  static func period(_ q: [String: String], lastDay: Day?) throws -> Period {
    try PeriodChoice(
      from: q["from"], to: q["to"], quarter: q["quarter"], month: q["month"], week: q["week"],
      prefix: ""
    ).resolve(lastDay: { lastDay })
  }

  /// The URL of the same page as CSV.
  static func csvURL(path: String, query: [String: String]) -> String {
    var q = query
    q["format"] = "csv"
    return path + "?"
      + q.sorted { $0.key < $1.key }.map {
        URLText.pathComponent($0.key) + "=" + URLText.pathComponent($0.value)
      }.joined(separator: "&")
  }

  // MARK: KPIs

  /// The scope of the query's `rep` or `team` (both already checked in scope); without
  /// either, a manager's first team and everyone else's everyone.
  static func scope(_ q: [String: String], visible: Visibility) throws -> Scope {
    switch (q["rep"], q["team"]) {
    case (let r?, nil): return .rep(r)
    case (nil, let t?): return .team(t)
    case (nil, nil):
      // A manager's default is their first team; everyone else sees everyone.
      if visible.everyone { return .everyone }
      guard let team = visible.teams.first else {
        throw ArcadenceError(.usage, "none of your teams has reps in the store")
      }
      return .team(team)
    default: throw ArcadenceError(.usage, "rep or team, not both")
    }
  }

  /// The KPI pack for the period and scope of the query (`rep` or `team`, both already
  /// checked in scope), the previous period beside it.
  static func kpis(ledger: Ledger, visible: Visibility, user: ServerUser, query q: [String: String])
    throws -> PageBody
  {
    let period = try period(q, lastDay: ledger.lastEventDay)
    let scope = try scope(q, visible: visible)
    let report = try KPIReport(engine: KPIEngine(ledger: ledger), period: period, scope: scope)
    if q["format"] == "csv" {
      return .csv(name: "kpis-\(period.from)-\(period.to).csv", text: report.csv)
    }
    var picked = q
    picked["format"] = nil
    let context: [String: Any] = [
      "period": "\(period)", "scope": "\(scope)", "comparison": period.comparisonLabel(),
      "quarter": q["quarter"] ?? "", "month": q["month"] ?? "", "week": q["week"] ?? "",
      "from": q["from"] ?? "", "to": q["to"] ?? "",
      "teamDefault": visible.everyone ? "everyone" : "—",
      "teams": visible.teams.map { ["value": $0, "selected": q["team"] == $0] },
      "reps": visible.reps.map {
        [
          "value": ledger.repIds[$0], "name": ledger.repNames[$0],
          "selected": q["rep"] == ledger.repIds[$0],
        ]
      },
      "kpiRows": SharedTables.kpiRows(report) { drillURL($0, period: period, scope: scope) },
      "drillable": true,
      "csv": csvURL(path: "/kpis", query: picked),
    ]
    return .html(title: "KPIs", body: Templates.render("kpis", context))
  }

  // MARK: scorecard

  /// One rep's scorecard: each metric, the rep's rank in the team and the team's median.
  static func scorecard(
    ledger: Ledger, repId: String, user: ServerUser, query q: [String: String]
  ) throws -> PageBody {
    let period = try period(q, lastDay: ledger.lastEventDay)
    let card = Scorecard(engine: KPIEngine(ledger: ledger), period: period)
    guard let line = card.lines.first(where: { $0.repId == repId }) else {
      throw ArcadenceError(.usage, "unknown rep")  // checked in scope before: not reached
    }
    let metrics = SharedTables.scalarMetrics(line)
    if q["format"] == "csv" {
      var out = CSVWriter.reportLine(["rep_id", "metric", "value", "rank_in_team", "team_median"])
      for key in metrics {
        out += CSVWriter.reportLine([
          line.repId, key.rawValue, Format.csv(line[key]),
          (line.ranks[key] ?? nil).map(String.init) ?? "",
          card.teamMedian(key, team: line.team).map { "\($0)" } ?? "",
        ])
      }
      return .csv(name: "scorecard-\(FileName.safe(repId))-\(period.from).csv", text: out)
    }
    var picked = q
    picked["format"] = nil
    let worklist = Routes.route(.worklist)
    var context = SharedTables.card(line, card, metrics: metrics)
    context.merge([
      "csv": csvURL(path: Routes.route(.scorecard).url(id: repId), query: picked),
      // false, not "": Mustache renders a section for any string, the empty one included.
      "worklist": worklist.roles.contains(user.role) ? worklist.url(id: repId) : false,
    ]) { _, new in new }
    return .html(title: "Scorecard \(repId)", body: Templates.render("scorecard", context))
  }

  // MARK: scorecards in scope

  /// Every rep in scope with the scorecard's columns (``Scorecard/columns``), ranks within
  /// the team; the CSV is the `scorecard` command's, cut to the reps in scope.
  static func scorecards(
    ledger: Ledger, visible: Visibility, user: ServerUser, query q: [String: String]
  ) throws -> PageBody {
    let period = try period(q, lastDay: ledger.lastEventDay)
    var card = Scorecard(engine: KPIEngine(ledger: ledger), period: period)
    let mine = Set(visible.reps)
    card.lines = card.lines.filter { mine.contains($0.repIndex) }
    if q["format"] == "csv" {
      return .csv(name: "scorecards-\(period.from)-\(period.to).csv", text: card.csv)
    }
    let worklist = Routes.route(.worklist)
    var context = SharedTables.scorecards(
      card, href: { Routes.route(.scorecard).url(id: $0.repId) },
      worklist: { worklist.roles.contains(user.role) ? worklist.url(id: $0.repId) : nil })
    var picked = q
    picked["format"] = nil
    context["period"] = "\(period)"
    context["csv"] = csvURL(path: "/scorecards", query: picked)
    return .html(title: "Scorecards", body: Templates.render("scorecards", context))
  }

  // MARK: worklist

  /// One rep's worklist for the day after the last event (the `worklist` command's list).
  static func worklist(list: Worklist?, repId: String, query q: [String: String]) -> PageBody {
    guard var list, let rep = list.reps.first(where: { $0.repId == repId }) else {
      return .html(
        title: "Worklist",
        body: Templates.render("message", ["heading": "Worklist", "text": "The store is empty."]))
    }
    list.reps = [rep]
    if q["format"] == "csv" {
      return .csv(name: "worklist-\(FileName.safe(repId))-\(list.day).csv", text: list.csv)
    }
    func items(_ xs: [WorklistItem]) -> [[String: Any]] {
      xs.enumerated().map { (k, it) in
        [
          "rank": k + 1, "action": it.action.rawValue,
          "customer": "\(it.customerName) (\(it.customerId))",
          "balance": Cents.display(it.balance), "dpd": it.daysPastDue,
          "gain": it.expectedGain.map { Cents.display($0) } ?? "", "why": it.why,
        ]
      }
    }
    let context: [String: Any] = [
      "day": "\(list.day)", "repId": rep.repId, "repName": rep.repName,
      "capacity": rep.capacity, "capacitySource": rep.capacitySource,
      "calibratedUntil": "\(list.calibratedUntil)",
      "sections": [
        ["title": "Calls", "items": items(rep.calls)],
        ["title": "Emails", "items": items(rep.emails)],
        ["title": "Cases", "items": items(rep.cases)],
      ],
      "csv": csvURL(path: Routes.route(.worklist).url(id: repId), query: [:]),
      "scorecard": Routes.route(.scorecard).url(id: repId),
    ]
    return .html(title: "Worklist \(repId)", body: Templates.render("worklist", context))
  }
}
