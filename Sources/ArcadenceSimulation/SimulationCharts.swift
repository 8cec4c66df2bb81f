import ArcadenceCharts
import ArcadenceCore
import Foundation

/// The simulator's charts, built with the chart kit: a fan chart of cumulative cash per
/// policy, the comparison of each policy against the baseline, and the backtest's actual
/// against the fan.
public enum SimulationCharts {
  /// A chart and the file name it is written under (without extension).
  public struct Entry: Sendable {
    /// File name without extension.
    public var name: String
    /// The chart, with the numbers it draws.
    public var chart: AnyChart
  }

  /// Fan charts (one per policy) and, with two or more policies, the comparison chart.
  public static func charts(_ r: SimulationResult, scenario: String) -> [Entry] {
    let days = (0..<r.settings.horizon).map { (r.start + $0).rawValue }
    let sub =
      "Scenario \(scenario) · \(r.settings.paths) paths · \(r.settings.horizon) days from \(r.start)"
    var out: [Entry] = []
    let names = fileNames(policies: r.outcomes.map(\.name))
    for (k, o) in r.outcomes.enumerated() {
      let c = o.cumulative.map { $0.map { $0 / 100 } }
      out.append(
        Entry(
          name: "fan-" + names[k],
          chart: .fan(
            FanChartSpec(
              title: "Cumulative cash collected — \(o.name)", subtitle: sub,
              footnote: "Bands: P5–P95 and P25–P75 of cumulative cash over the paths; dashed "
                + "line: median. Cadence: \(o.cadence).",
              forecastDays: days, p5: c[0], p25: c[1], p50: c[2], p75: c[3], p95: c[4],
              valueAxis: YAxis(title: "Cash collected", format: .money),
              color: Palette.okabeIto[k % Palette.okabeIto.count]))))
    }
    if r.comparisons.count >= 1 {
      var marks: [Mark] = []
      for (k, c) in r.comparisons.enumerated() {
        let color = Palette.okabeIto[(k + 1) % Palette.okabeIto.count]
        let mean = c.dailyDifference.map { $0 / 100 }
        let ci = c.dailyCI95.map { $0 / 100 }
        marks.append(
          .band(
            BandMark(
              name: "\(c.policy) 95% CI", days: days, lower: zip(mean, ci).map { $0 - $1 },
              upper: zip(mean, ci).map { $0 + $1 }, color: color, opacity: 0.2)))
        marks.append(
          .line(LineMark(name: c.policy, points: DataPoint.daily(days, mean), color: color)))
      }
      marks.append(.rule(.horizontal(y: 0, label: r.comparisons[0].baseline)))
      out.append(
        Entry(
          name: "comparison",
          chart: .chart(
            Chart(
              title: "Extra cumulative cash against \(r.comparisons[0].baseline)",
              subtitle: sub,
              footnote: "Mean paired difference (same random numbers for every policy) with its "
                + "95% confidence band; above zero, the policy collects more by that day.",
              xAxis: .time(), yAxis: YAxis(title: "Difference in cash", format: .money),
              legend: Legend(.visible), marks: marks))))
    }
    return out
  }

  /// The backtest: actual cumulative cash against the simulated fan, and weekly cash.
  public static func charts(_ b: Backtest) -> [Entry] {
    let r = b.result
    let days = (0..<r.settings.horizon).map { (r.start + $0).rawValue }
    let c = r.outcomes[0].cumulative.map { $0.map { $0 / 100 } }
    var actual: [Double] = []
    var acc = 0.0
    for v in b.actualDaily {
      acc += Double(v) / 100
      actual.append(acc)
    }
    let sub =
      "Calibrated on data up to \(b.cutoff - 1) · observed cadence · \(r.settings.paths) paths"
    let fan = FanChartSpec(
      title: "Backtest: actual cumulative cash against the simulated fan", subtitle: sub,
      footnote: String(
        format: "Total cash error %+.1f%%; %d of %d weeks inside the simulated P5–P95 band.",
        b.totalCashError * 100, b.weeks.filter(\.covered).count, b.weeks.count),
      historyDays: days, history: actual, forecastDays: days, p5: c[0], p25: c[1], p50: c[2],
      p75: c[3], p95: c[4], valueAxis: YAxis(title: "Cash collected", format: .money),
      forecastStartLabel: "Cutoff")
    let weekDays = b.weeks.map { $0.start.rawValue + 3 }
    let weekly = Chart(
      title: "Backtest: weekly cash, actual against the simulated P5–P95", subtitle: sub,
      footnote: "Points: actual cash received each week (every payment, applied or not). Band: "
        + "simulated P5–P95 of the week's cash; dashed line: simulated median.",
      xAxis: .time(), yAxis: YAxis(title: "Cash per week", format: .money, includesZero: false),
      legend: Legend(.visible),
      marks: [
        .band(
          BandMark(
            name: "Simulated P5–P95", days: weekDays, lower: b.weeks.map { $0.p5 / 100 },
            upper: b.weeks.map { $0.p95 / 100 }, color: Palette.blue, opacity: 0.2)),
        .line(
          LineMark(
            name: "Simulated median",
            points: DataPoint.daily(weekDays, b.weeks.map { $0.p50 / 100 }), color: Palette.blue,
            dash: [7, 4])),
        .line(
          LineMark(
            name: "Actual",
            points: DataPoint.daily(weekDays, b.weeks.map { Double($0.actual) / 100 }),
            color: Color(hex: 0x333333), showsPoints: true)),
      ])
    return [
      Entry(name: "backtest-fan", chart: .fan(fan)),
      Entry(name: "backtest-weekly", chart: .chart(weekly)),
    ]
  }

  /// The file name of each policy's chart: its readable form (lowercase, ASCII letters and
  /// digits, `-` for anything else: `weekly calls` → `weekly-calls`) when that is unique,
  /// else a hashed name (``FileName/distinct(_:readable:)``).
  public static func fileNames(policies: [String]) -> [String] {
    FileName.distinct(policies) { name in
      String(
        name.lowercased().unicodeScalars.map { c -> Character in
          c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) ? Character(c) : "-"
        })
    }
  }

  /// Writes each chart as PNG (at `scale`) and SVG into `directory`; returns the paths.
  @discardableResult
  public static func write(_ entries: [Entry], to directory: String, scale: Double = 2) throws
    -> [String]
  {
    let folder = try OutputFolder(directory)
    let renderer = CairoRenderer()
    var written: [String] = []
    for e in entries {
      for format in [CairoRenderer.Format.png(scale: scale), .svg] {
        written.append(try folder.draw(e.chart, name: e.name, format: format, with: renderer))
      }
    }
    return written
  }
}
