import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore

/// The contexts of the tables that the served app and the static pages both show, each for
/// one shared template (``PageTemplates``): the same rows, the same cells, so the two can
/// only differ in their links.
public enum SharedTables {
  /// The `kpiTable` rows (key `kpiRows`): every metric of the pack by group, with the
  /// previous period and the change; `drill` gives a metric's link to its rows (served).
  public static func kpiRows(_ report: KPIReport, drill: (MetricKey) -> String? = { _ in nil })
    -> [[String: Any]]
  {
    var rows: [[String: Any]] = []
    for (group, title) in Metrics.groups {
      rows.append(["label": title, "section": true])
      for (i, d) in Metrics.all.enumerated() where d.group == group {
        let v = report.values[i]
        let p = report.previous[i]
        var row: [String: Any] = [
          "label": d.label, "value": Format.human(v, key: d.key),
          "previous": Format.human(p, key: d.key), "change": Format.change(v, p),
        ]
        if let href = drill(d.key) { row["drill"] = href }
        rows.append(row)
      }
    }
    return rows
  }

  /// The `scorecardCard` context of one rep: the heading's values and a row per metric of
  /// `metrics` (value, `#rank` in the team, the team's median).
  public static func card(_ line: Scorecard.Line, _ card: Scorecard, metrics: [MetricKey])
    -> [String: Any]
  {
    [
      "period": "\(card.period)", "repId": line.repId, "repName": line.name,
      "team": line.team.map { "Team \($0) (\(card.teamSize($0)) reps)" } ?? "No team",
      "cardRows": metrics.map { key -> [String: Any] in
        let v = line[key]
        return [
          "label": Metrics[key].label, "value": Scorecard.cell(v, key: key),
          "rank": (line.ranks[key] ?? nil).map { "#\($0)" } ?? "",
          "median": Scorecard.medianCell(card.teamMedian(key, team: line.team), like: v),
        ]
      },
    ]
  }

  /// The metrics of a rep's card on a served page: every metric with one value.
  public static func scalarMetrics(_ line: Scorecard.Line) -> [MetricKey] {
    Metrics.all.enumerated().compactMap { (i, d) in
      if case .aging = line.values[i] { return nil }
      if case .byReason = line.values[i] { return nil }
      return d.key
    }
  }

  /// The `scorecardsTable` context (keys `titles`, `repRows`): a row per line of `card` with
  /// ``Scorecard/columns``, each value with the rep's `#rank`; `href` is the rep's page,
  /// `worklist` the rep's worklist (served, when the user may open it).
  public static func scorecards(
    _ card: Scorecard, href: (Scorecard.Line) -> String,
    worklist: (Scorecard.Line) -> String? = { _ in nil }
  ) -> [String: Any] {
    [
      "titles": Scorecard.columns.map { ["title": $0.title] },
      "repRows": card.lines.map { line -> [String: Any] in
        [
          "repId": line.repId, "name": line.name, "team": line.team ?? "—", "href": href(line),
          // false, not "": Mustache renders a section for any string, the empty one included.
          "worklist": worklist(line) ?? false,
          "cells": Scorecard.columns.map { c -> [String: String] in
            let rank = (line.ranks[c.key] ?? nil).map { " #\($0)" } ?? ""
            return ["value": Scorecard.cell(line[c.key], key: c.key) + rank]
          },
        ]
      },
    ]
  }
}
