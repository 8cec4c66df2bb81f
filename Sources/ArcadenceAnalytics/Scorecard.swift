import ArcadenceCore
import ArcadenceStore

/// Per-rep KPIs with each rep's rank in the team and the team medians (kpis.md,
/// "Scope and scorecards").
public struct Scorecard: Sendable {
  /// One rep's line.
  public struct Line: Sendable {
    public var repIndex: Int
    public var repId: String
    public var name: String
    public var team: String?
    /// Every metric in this rep's scope, in the order of ``Metrics/all``.
    public var values: [MetricValue]
    /// Rank in the team per ranked metric key (nil for a nil value).
    public var ranks: [String: Int?]
  }

  /// Metrics ranked, and whether higher is better (kpis.md).
  public static let rankedMetrics: [(key: String, higherIsBetter: Bool)] = [
    ("collected_amount", true), ("calls", true), ("emails", true), ("contacts_reached", true),
    ("promises_made", true), ("promise_kept_rate", true), ("cases_closed", true),
    ("autopay_converted", true), ("task_completion_rate", true), ("tasks_on_time_rate", true),
    ("documentation_completeness", true), ("cases_open_over_14d", false),
    ("case_resolution_median_days", false),
  ]

  /// The metrics a scorecard table shows, with short column titles.
  public static let columns: [(key: String, title: String)] = [
    ("calls", "Calls"), ("emails", "Emails"), ("contacts_reached", "Reached"),
    ("promises_made", "Promises"), ("promise_kept_rate", "Kept"),
    ("collected_amount", "Collected"), ("cases_closed", "Closed"),
    ("autopay_converted", "Auto-pay"), ("task_completion_rate", "Tasks done"),
    ("tasks_on_time_rate", "On time"), ("cases_open_over_14d", ">14d"),
  ]

  public var period: Period
  /// Every rep in the store, sorted by rep_id.
  public var lines: [Line]

  /// Computes the scorecard for every rep in one pass.
  public init(engine: KPIEngine, period: Period) {
    self.period = period
    let l = engine.ledger
    let totals = engine.repTotals(period)
    var lines = l.repIds.indices.map { r in
      Line(
        repIndex: r, repId: l.repIds[r], name: l.repNames[r], team: l.repTeams[r],
        values: Metrics.all.map { $0.value(totals[r], period) }, ranks: [:])
    }
    // Ranks within each team; reps without a team are ranked among themselves.
    let groups = Dictionary(grouping: lines.indices, by: { lines[$0].team })
    for (_, members) in groups {
      for (key, higher) in Scorecard.rankedMetrics {
        let m = Metrics.all.firstIndex { $0.key == key }!
        let ranks = Statistics.competitionRanks(
          members.map { lines[$0].values[m].number }, higherIsBetter: higher)
        for (i, member) in members.enumerated() { lines[member].ranks[key] = ranks[i] }
      }
    }
    self.lines = lines
  }

  /// The team's median of a metric (nil values left out), for the team of `line`.
  public func teamMedian(_ key: String, team: String?) -> Double? {
    guard let m = Metrics.all.firstIndex(where: { $0.key == key }) else { return nil }
    return Statistics.median(lines.filter { $0.team == team }.compactMap { $0.values[m].number })
  }

  /// Size of a team.
  public func teamSize(_ team: String?) -> Int { lines.filter { $0.team == team }.count }

  /// `{"period", "reps": [{rep_id, name, team, metrics, rank}]}` (kpis.md).
  public var json: JSONValue {
    .object([
      ("period", period.json),
      (
        "reps",
        .array(
          lines.map { line in
            .object([
              ("rep_id", .string(line.repId)), ("name", .string(line.name)),
              ("team", .string(line.team)),
              (
                "metrics",
                .object(zip(Metrics.all, line.values).map { ($0.key, Format.json($1)) })
              ),
              (
                "rank",
                .object(Scorecard.rankedMetrics.map { ($0.key, .int(line.ranks[$0.key] ?? nil)) })
              ),
            ])
          })
      ),
    ])
  }

  /// One row per rep: id, name, team, every scalar metric, then `rank_<metric>` columns.
  public var csv: String {
    let scalar = Metrics.all.indices.filter {
      if case .aging = lines.first?.values[$0] { return false }
      if case .byReason = lines.first?.values[$0] { return false }
      return true
    }
    var out = CSVWriter.reportLine(
      ["rep_id", "name", "team"] + scalar.map { Metrics.all[$0].key }
        + Scorecard.rankedMetrics.map { "rank_\($0.key)" })
    for line in lines {
      out += CSVWriter.reportLine(
        [line.repId, line.name, line.team ?? ""] + scalar.map { Format.csv(line.values[$0]) }
          + Scorecard.rankedMetrics.map { (line.ranks[$0.key] ?? nil).map(String.init) ?? "" })
    }
    return out
  }

  /// A table cell: money in whole currency units, other values as people read them.
  public static func cell(_ v: MetricValue, key: String) -> String {
    if case .money(let c) = v { return Cents.displayWhole(c) }
    return Format.human(v, key: key)
  }

  /// A team-median cell formatted like `sample`.
  public static func medianCell(_ v: Double?, like sample: MetricValue) -> String {
    guard let v else { return "—" }
    switch sample {
    case .money: return Cents.displayWhole(Int64((v * 100).rounded()))
    case .count: return v == v.rounded() ? Format.count(Int(v)) : String(format: "%.1f", v)
    case .ratio: return Format.percent(v)
    case .days: return Format.days(v)
    default: return ""
    }
  }

  /// Per team, one row per rep with `value #rank`, and the team median underneath. With
  /// `rep`, that rep alone as a metric-by-metric card.
  public func table(rep: String? = nil) -> String {
    if let rep, let line = lines.first(where: { $0.repId == rep }) {
      var out = "Scorecard \(period) · \(line.repId) \(line.name)"
      out += line.team.map { " · team \($0) (\(teamSize($0)) reps)" } ?? " · no team"
      out += "\n\n"
      var t = TextTable(header: ["Metric", "Value", "Team median", "Rank"])
      for (key, _) in Scorecard.rankedMetrics + [
        ("promises_kept", true), ("tasks_completed", true),
      ] {
        guard let m = Metrics.all.firstIndex(where: { $0.key == key }) else { continue }
        let v = line.values[m]
        let rank = (line.ranks[key] ?? nil).map { "\($0) of \(teamSize(line.team))" } ?? "—"
        t.add([
          Metrics.all[m].label, Scorecard.cell(v, key: key),
          Scorecard.medianCell(teamMedian(key, team: line.team), like: v),
          line.ranks[key] == nil ? "" : rank,
        ])
      }
      return out + t.rendered()
    }
    var out = "Scorecards \(period) · value and rank in the team (#1 = best)\n"
    let teams = Array(Set(lines.map(\.team))).sorted { ($0 ?? "\u{10FFFF}") < ($1 ?? "\u{10FFFF}") }
    for team in teams {
      out += "\n" + (team.map { "Team \($0)" } ?? "No team") + "\n"
      var t = TextTable(header: ["Rep"] + Scorecard.columns.map(\.title))
      for line in lines where line.team == team {
        t.add(
          ["\(line.repId) \(line.name)"]
            + Scorecard.columns.map { key, _ in
              let m = Metrics.all.firstIndex { $0.key == key }!
              let rank = (line.ranks[key] ?? nil).map { " #\($0)" } ?? ""
              return Scorecard.cell(line.values[m], key: key) + rank
            })
      }
      if let sample = lines.first(where: { $0.team == team }) {
        t.add(
          ["team median"]
            + Scorecard.columns.map { key, _ in
              let m = Metrics.all.firstIndex { $0.key == key }!
              return Scorecard.medianCell(teamMedian(key, team: team), like: sample.values[m])
            })
      }
      out += t.rendered()
    }
    return out
  }
}
