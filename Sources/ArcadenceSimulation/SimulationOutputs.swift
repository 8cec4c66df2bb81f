import ArcadenceCore
import ArcadenceReports
import Foundation

/// The files a Monte Carlo run writes, in one place for `simulate` and `simulate merge` (so a
/// merge of parts writes the single run's bytes): `simulation.json`, a fan chart per policy
/// and the comparison chart (PNG and SVG) into `--out`, and the charts' numbers as a chart
/// data file for `--data-out`.
public enum SimulationOutputs {
  /// Writes the files asked for; returns the notes to print (what was written where).
  public static func write(
    _ result: SimulationResult, scenario: String, calibration: String, out: String?,
    dataOut: String?
  ) throws -> [String] {
    guard out != nil || dataOut != nil else { return [] }
    var notes: [String] = []
    let charts = SimulationCharts.charts(result, scenario: scenario)
    if let out {
      let json = result.json(scenario: scenario, calibration: calibration)
      try OutputFolder(out).write(json.rendered() + "\n", as: "simulation.json")
      let files = try SimulationCharts.write(charts, to: out)
      notes.append("wrote simulation.json and \(files.count) chart files to \(out)")
    }
    if let dataOut {
      try writeData(charts, to: dataOut)
      notes.append("wrote the data of \(charts.count) charts to \(dataOut)")
    }
    return notes
  }

  /// Writes `charts` as a chart data file (`arcadence charts --from-data` draws it).
  public static func writeData(_ charts: [SimulationCharts.Entry], to path: String) throws {
    let set = ChartSet(
      entries: charts.map {
        ChartSet.Entry(name: $0.name, caption: $0.chart.title, chart: $0.chart)
      })
    try set.writeData(to: path)
  }
}
