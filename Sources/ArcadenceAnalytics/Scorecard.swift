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
    /// Rank in the team per ranked metric (nil for a nil value).
    public var ranks: [MetricKey: Int?]

    /// The rep's value of a metric: `line[.calls]`.
    public subscript(key: MetricKey) -> MetricValue { values[key.index] }
  }

  /// Metrics ranked, and whether higher is better (kpis.md).
  public static let rankedMetrics: [(key: MetricKey, higherIsBetter: Bool)] = [
    (.collectedAmount, true), (.calls, true), (.emails, true), (.contactsReached, true),
    (.promisesMade, true), (.promiseKeptRate, true), (.casesClosed, true),
    (.autopayConverted, true), (.taskCompletionRate, true), (.tasksOnTimeRate, true),
    (.documentationCompleteness, true), (.casesOpenOver14d, false),
    (.caseResolutionMedianDays, false),
  ]

  /// The rows of one rep's card: the ranked metrics, then two counts shown without a rank.
  public static let cardMetrics: [MetricKey] =
    rankedMetrics.map(\.key) + [.promisesKept, .tasksCompleted]

  /// The metrics a scorecard table shows, with short column titles.
  public static let columns: [(key: MetricKey, title: String)] = [
    (.calls, "Calls"), (.emails, "Emails"), (.contactsReached, "Reached"),
    (.promisesMade, "Promises"), (.promiseKeptRate, "Kept"),
    (.collectedAmount, "Collected"), (.casesClosed, "Closed"),
    (.autopayConverted, "Auto-pay"), (.taskCompletionRate, "Tasks done"),
    (.tasksOnTimeRate, "On time"), (.casesOpenOver14d, ">14d"),
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
        let ranks = Statistics.competitionRanks(
          members.map { lines[$0][key].number }, higherIsBetter: higher)
        for (i, member) in members.enumerated() { lines[member].ranks[key] = ranks[i] }
      }
    }
    self.lines = lines
  }

  /// The team's median of a metric (nil values left out), for the team of `line`.
  public func teamMedian(_ key: MetricKey, team: String?) -> Double? {
    Statistics.median(lines.filter { $0.team == team }.compactMap { $0[key].number })
  }

  /// Size of a team.
  public func teamSize(_ team: String?) -> Int { lines.filter { $0.team == team }.count }

  /// `{"period", "reps": [{rep_id, name, team, metrics, rank}]}` (kpis.md).
  public var json: JSONValue { json(rep: nil) }

  /// The JSON of the contract with every rep, or only the rep `rep` (rep_id) when given.
  public func json(rep: String?) -> JSONValue {
    .object([
      ("period", period.json),
      (
        "reps",
        .array(
          lines.filter { rep == nil || $0.repId == rep }.map { line in
            .object([
              ("rep_id", .string(line.repId)), ("name", .string(line.name)),
              ("team", .string(line.team)),
              (
                "metrics",
                .object(zip(Metrics.all, line.values).map { ($0.key.rawValue, Format.json($1)) })
              ),
              (
                "rank",
                .object(
                  Scorecard.rankedMetrics.map { ($0.key.rawValue, .int(line.ranks[$0.key] ?? nil)) }
                )
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
      ["rep_id", "name", "team"] + scalar.map { Metrics.all[$0].key.rawValue }
        + Scorecard.rankedMetrics.map { "rank_\($0.key.rawValue)" })
    for line in lines {
      out += CSVWriter.reportLine(
        [line.repId, line.name, line.team ?? ""] + scalar.map { Format.csv(line.values[$0]) }
          + Scorecard.rankedMetrics.map { (line.ranks[$0.key] ?? nil).map(String.init) ?? "" })
    }
    return out
  }

  /// A table cell: money in whole currency units, other values as people read them.
  public static func cell(_ v: MetricValue, key: MetricKey) -> String {
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
      for key in Scorecard.cardMetrics {
        let v = line[key]
        let rank = (line.ranks[key] ?? nil).map { "\($0) of \(teamSize(line.team))" } ?? "—"
        t.add([
          Metrics[key].label, Scorecard.cell(v, key: key),
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
              let rank = (line.ranks[key] ?? nil).map { " #\($0)" } ?? ""
              return Scorecard.cell(line[key], key: key) + rank
            })
      }
      if let sample = lines.first(where: { $0.team == team }) {
        t.add(
          ["team median"]
            + Scorecard.columns.map { key, _ in
              Scorecard.medianCell(teamMedian(key, team: team), like: sample[key])
            })
      }
      out += t.rendered()
    }
    return out
  }
}
