import ArcadenceCharts
import Foundation
import Testing

/// Renders every sample chart; writes PNGs to `samples/` when ARCADENCE_SAMPLES=1.
struct SampleImageTests {
  static let samples: [(String, any ChartDrawable)] = [
    ("dual_axis", SampleCharts.dualAxis()),
    ("stacked_bar", SampleCharts.stacked()),
    ("line_rule", SampleCharts.lineRule()),
    ("histogram", SampleCharts.histogram()),
    ("pareto", SampleCharts.pareto()),
    ("fan_chart", SampleCharts.fan()),
    ("small_multiples", SampleCharts.smallMultiples()),
    ("hostile_labels", SampleCharts.hostile()),
    ("hostile_labels_rotated", SampleCharts.hostile(strategy: .rotate)),
  ]

  @Test func everySampleRendersToPNG() throws {
    let write = ProcessInfo.processInfo.environment["ARCADENCE_SAMPLES"] == "1"
    let directory = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("samples")
    for (name, chart) in Self.samples {
      let renderer = CairoRenderer()
      let bytes = try renderer.render(chart, format: .png(scale: 1))
      #expect(bytes.count > 5_000, "\(name) PNG suspiciously small")
      if write {
        try renderer.write(chart, to: directory.appendingPathComponent("\(name).png").path)
      }
    }
    if write {
      let renderer = CairoRenderer()
      try renderer.write(
        SampleCharts.dualAxis(), to: directory.appendingPathComponent("dual_axis@2x.png").path,
        format: .png(scale: 2))
      try renderer.write(
        SampleCharts.dualAxis(), to: directory.appendingPathComponent("dual_axis.svg").path)
      try renderer.write(
        SampleCharts.fan(), to: directory.appendingPathComponent("fan_chart.pdf").path)
    }
  }
}
