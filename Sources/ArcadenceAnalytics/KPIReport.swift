import ArcadenceCore
import ArcadenceStore

/// The KPI pack for one period and scope, with the previous period of the same length for
/// comparison.
public struct KPIReport: Sendable {
  public var period: Period
  public var scope: Scope
  /// Each metric's value, in the order of ``Metrics/all``.
  public var values: [MetricValue]
  /// The same metrics for ``Period/previous``.
  public var previous: [MetricValue]

  /// Computes the pack from the engine.
  public init(engine: KPIEngine, period: Period, scope: Scope) throws {
    self.period = period
    self.scope = scope
    let reps = try scope.reps(in: engine.ledger)
    let current = engine.repTotals(period)
    let earlier = engine.repTotals(period.previous)
    let now = RepTotals.sum(reps.map { current[$0] })
    let before = RepTotals.sum(reps.map { earlier[$0] })
    values = Metrics.all.map { $0.value(now, period) }
    previous = Metrics.all.map { $0.value(before, period.previous) }
  }

  /// A report from totals already summed for the scope.
  public init(period: Period, scope: Scope, totals: RepTotals, previousTotals: RepTotals) {
    self.period = period
    self.scope = scope
    values = Metrics.all.map { $0.value(totals, period) }
    previous = Metrics.all.map { $0.value(previousTotals, period.previous) }
  }

  /// The value of a metric: `report[.collectionRate]`.
  public subscript(key: MetricKey) -> MetricValue { values[key.index] }

  /// The value of a metric in the previous period.
  public func previous(_ key: MetricKey) -> MetricValue { previous[key.index] }

  /// The metrics object of the JSON contract.
  public var metricsJSON: JSONValue {
    .object(zip(Metrics.all, values).map { ($0.key.rawValue, Format.json($1)) })
  }

  /// `{"period": {"from", "to"}, "scope": {"rep", "team"}, "metrics": {…}}` (kpis.md).
  public var json: JSONValue {
    .object([
      ("period", period.json), ("scope", scope.json), ("metrics", metricsJSON),
    ])
  }

  /// A table grouped by cash, aging, auto-pay, cases, cadence, promises and outreach, with
  /// the previous period and the change.
  public var table: String {
    var out = "KPIs \(period) (\(period.days) days) · \(scope)\n"
    out += period.comparisonLabel() + "\n\n"
    var t = TextTable(header: ["Metric", "Value", "Previous", "Change"])
    for (group, title) in Metrics.groups {
      t.section(title)
      for (i, d) in Metrics.all.enumerated() where d.group == group {
        let v = values[i]
        let p = previous[i]
        t.add([
          d.label, Format.human(v, key: d.key), Format.human(p, key: d.key), Format.change(v, p),
        ])
        switch (v, p) {
        case (.aging(let a), .aging(let b)):
          for k in 0..<5 {
            t.add([
              "  " + Format.agingLabels[k], Format.money(a[k]), Format.money(b[k]),
              Format.change(.money(a[k]), .money(b[k])),
            ])
          }
        case (.byReason(let a), .byReason(let b)):
          for k in 0..<5 {
            t.add([
              "  " + Vocabulary.escalationReasons[k], Format.count(a[k]), Format.count(b[k]),
              Format.change(.count(a[k]), .count(b[k])),
            ])
          }
        default: break
        }
      }
    }
    return out + t.rendered()
  }

  /// `metric,value,previous` rows; aging and escalation objects flattened as `key.part`.
  public var csv: String {
    var out = CSVWriter.reportLine(["metric", "value", "previous"])
    for (i, d) in Metrics.all.enumerated() {
      switch (values[i], previous[i]) {
      case (.aging(let a), .aging(let b)):
        for k in 0..<5 {
          out += CSVWriter.reportLine([
            "\(d.key.rawValue).\(Format.agingKeys[k])", Cents.plain(a[k]), Cents.plain(b[k]),
          ])
        }
        out += CSVWriter.reportLine([
          "\(d.key.rawValue).total", Cents.plain(a.reduce(0, +)), Cents.plain(b.reduce(0, +)),
        ])
      case (.byReason(let a), .byReason(let b)):
        for k in 0..<5 {
          out += CSVWriter.reportLine([
            "\(d.key.rawValue).\(Vocabulary.escalationReasons[k])", String(a[k]), String(b[k]),
          ])
        }
      default:
        out += CSVWriter.reportLine([
          d.key.rawValue, Format.csv(values[i]), Format.csv(previous[i]),
        ])
      }
    }
    return out
  }
}

extension Period {
  /// `{"from": "…", "to": "…"}`.
  public var json: JSONValue {
    .object([("from", .string(from.description)), ("to", .string(to.description))])
  }

  /// The latest calendar quarter that ends on or before `day`; the quarter holding `day`
  /// when `day` is its last day.
  public static func latestFullQuarter(endingBy day: Day) -> Period {
    let (y, m, _) = day.civil
    let q = (m - 1) / 3 + 1
    // `day` is a calendar day, so its quarter exists; the one before may not (year 1).
    guard let current = Period.quarter(y, q) else { return Period(from: day, to: day) }
    if current.to == day { return current }
    return (q == 1 ? Period.quarter(y - 1, 4) : Period.quarter(y, q - 1)) ?? current
  }
}
