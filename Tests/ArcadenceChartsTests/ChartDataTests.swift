import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceCharts

/// The chart data format: every kind of chart reads back from JSON and draws the same image.
@Suite struct ChartDataTests {
  /// One chart of every kind, plus a hand-built chart using every mark, a right axis, a
  /// custom theme and colours that are not whole 8-bit steps.
  static var everyKind: [AnyChart] {
    var gaps = SampleCharts.lineRule()
    gaps.series[0].values[3] = .nan
    gaps.series[0].values[5] = .infinity
    gaps.series[1].color = Palette.vermillion
    var theme = Theme.light
    theme.titleSize = 15
    theme.palette = [Color(red: 0.1, green: 0.2, blue: 0.3, alpha: 0.9), Palette.orange]
    let days: [Int32] = (0..<10).map { 20_600 + Int32($0) }
    let everything = Chart(
      width: 700, height: 460, title: "Every mark", subtitle: "A subtitle",
      footnote: "A footnote", xAxis: .time(title: "Day"),
      yAxis: YAxis(title: "Left", format: .suffixed(" days"), includesZero: false, tickCount: 6),
      rightAxis: YAxis(title: "Right", format: .percent, domain: 0...1, gridlines: false),
      legend: Legend(.visible), theme: theme,
      marks: [
        .area(
          AreaMark(
            name: "Area", points: DataPoint.daily(days, days.map { Double($0 % 7) + 3 }),
            baseline: 1, opacity: 0.25, strokesEdge: false)),
        .band(
          BandMark(
            name: "Band", days: days, lower: days.map { _ in 2 }, upper: days.map { _ in 4 },
            color: Palette.skyBlue, opacity: 0.4)),
        .bars(
          BarMark(
            x: days.map(Double.init),
            series: [
              BarSeries(name: "Up", values: days.map { Double($0 % 3) }),
              BarSeries(name: "Down", values: days.map { -Double($0 % 2) }, color: .black),
            ], layout: .stacked, width: 0.6)),
        .points(PointMark(name: "Points", points: DataPoint.daily(days, days.map { _ in 5 }))),
        .line(
          LineMark(
            name: "Share", points: DataPoint.daily(days, days.map { Double($0 % 10) / 10 }),
            lineWidth: 1.5, dash: [3, 2], showsPoints: true, axis: .right)),
        .rule(RuleMark(.vertical(x: 20_604), label: "Start", dash: [], lineWidth: 2)),
        .rule(.horizontal(y: 0.5, label: "Half", color: Palette.vermillion, axis: .right)),
        .text(
          TextMark(
            "Peak", at: DataPoint(x: 20_605, y: 6), anchor: TextAnchor(.middle, .bottom),
            size: 9, weight: .bold)),
      ])
    return [
      .dualAxisBarLine(SampleCharts.dualAxis()), .stackedBar(SampleCharts.stacked()),
      .lineRule(gaps), .histogram(SampleCharts.histogram()), .pareto(SampleCharts.pareto()),
      .fan(SampleCharts.fan()), .smallMultiples(SampleCharts.smallMultiples()),
      .chart(SampleCharts.hostile()), .chart(everything),
    ]
  }

  static func json(_ chart: AnyChart) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(chart)
  }

  @Test(arguments: ChartDataTests.everyKind)
  func readBackDrawsTheSameImage(_ chart: AnyChart) throws {
    let data = try Self.json(chart)
    let copy = try JSONDecoder().decode(AnyChart.self, from: data)
    #expect(copy.kind == chart.kind && copy.size == chart.size)
    // Written again, the copy gives the same JSON: nothing is lost or added.
    #expect(try Self.json(copy) == data)
    // The same SVG, byte for byte once Cairo's process-wide ids are numbered in order, and
    // the same PNG bytes.
    let svg = try CairoRenderer().render(chart, format: .svg)
    let copySVG = try CairoRenderer().render(copy, format: .svg)
    #expect(
      try CairoRendererTests.normalisedSVG(svg) == CairoRendererTests.normalisedSVG(copySVG))
    let png = try CairoRenderer().render(chart, format: .png(scale: 1))
    #expect(try CairoRenderer().render(copy, format: .png(scale: 1)) == png)
  }

  @Test func theFormatIsReadable() throws {
    let text = String(decoding: try Self.json(Self.everyKind[2]), as: UTF8.self)
    // Kind tag, ISO dates, null for missing values, hex colours.
    #expect(text.contains(#""kind":"lineRule""#))
    #expect(text.contains(#""days":["2025-08-04","#))
    #expect(text.contains("null"))
    #expect(text.contains(##""color":"#D55E00""##))
    // Colours that are not whole 8-bit steps are written as components and read back exactly.
    let odd = Color(red: 0.1, green: 0.2, blue: 0.3, alpha: 0.9)
    let data = try JSONEncoder().encode([odd, Palette.blue.withAlpha(0.6)])
    #expect(String(decoding: data, as: UTF8.self) == ##"[[0.1,0.2,0.3,0.9],"#0072B299"]"##)
    let colors = try JSONDecoder().decode([Color].self, from: data)
    #expect(colors[0] == odd && colors[1] == Palette.blue.withAlpha(0.6))
  }

  /// The bytes of a small spec, worked out by hand from the format: keys sorted, the
  /// initialiser's defaults written (size 800 × 500, the axis settings), nil settings left
  /// out, NaN as null, days as ISO dates (day 20,454 is 2026-01-01).
  @Test func aSmallSpecHasTheseBytes() throws {
    let spec = LineRuleSpec(
      title: "T", days: [20_454], series: [NamedSeries(name: "A", values: [1.5, .nan])],
      rule: (45, "target"))
    let text = String(decoding: try Self.json(.lineRule(spec)), as: UTF8.self)
    #expect(
      text
        == #"{"days":["2026-01-01"],"height":500,"kind":"lineRule","rule":{"label":"target","#
        + #""value":45},"series":[{"name":"A","values":[1.5,null]}],"showsPoints":false,"#
        + #""title":"T","valueAxis":{"format":"number","gridlines":true,"includesZero":false,"#
        + #""tickCount":5},"width":800}"#)
  }

  @Test func leftOutSettingsTakeTheDefaults() throws {
    let json = #"""
      {"kind": "dualAxisBarLine", "title": "Cash", "periodStarts": ["2026-07-06", "2026-07-13"],
       "bars": {"name": "Cash", "values": [10, null]}, "line": {"values": [0.5, 0.75]}}
      """#
    let chart = try JSONDecoder().decode(AnyChart.self, from: Data(json.utf8))
    guard case .dualAxisBarLine(let spec) = chart else {
      Issue.record("expected a dual-axis chart, got \(chart.kind)")
      return
    }
    #expect(spec.periodStarts == [Int32(Day.daysFromCivil(2026, 7, 6)), 20_647])
    #expect(spec.bars.values[0] == 10 && spec.bars.values[1].isNaN)
    #expect(spec.periodLength == 7 && spec.width == 800 && spec.lineTarget == nil)
    #expect(spec.lineAxis.domain == 0...1)
  }

  @Test func mistakesNameTheField() throws {
    func failure(_ json: String) -> DecodingError? {
      do {
        _ = try JSONDecoder().decode(AnyChart.self, from: Data(json.utf8))
        return nil
      } catch { return error as? DecodingError }
    }
    let kind = failure(#"{"kind": "pie", "title": "x"}"#)
    guard case .dataCorrupted(let context)? = kind else {
      Issue.record("expected a data error")
      return
    }
    #expect(context.debugDescription.hasPrefix("unknown chart kind \"pie\" (expected one of:"))
    let date = failure(
      #"{"kind": "lineRule", "title": "x", "days": ["2026-02-30"], "series": []}"#)
    guard case .dataCorrupted(let dateContext)? = date else {
      Issue.record("expected a data error")
      return
    }
    #expect(
      dateContext.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == [
        "days", "0",
      ])
    let value = failure(
      #"{"kind": "stackedBar", "title": "x", "categories": ["a"], "series": [{"values": ["1"]}]}"#)
    guard case .typeMismatch(_, let valueContext)? = value else {
      Issue.record("expected a type error")
      return
    }
    #expect(valueContext.codingPath.count == 4)
    let rule = failure(
      #"{"kind": "chart", "title": "x", "xAxis": {"kind": "linear"}, "marks": [{"type": "rule"}]}"#)
    guard case .dataCorrupted(let ruleContext)? = rule else {
      Issue.record("expected a data error")
      return
    }
    #expect(ruleContext.debugDescription.contains("exactly one of x"))
  }

  @Test func aCustomFormatCannotBeWritten() {
    let chart = AnyChart.chart(
      Chart(title: "x", xAxis: .linear(), yAxis: YAxis(format: .custom { "\($0)" })))
    #expect(throws: EncodingError.self) { try JSONEncoder().encode(chart) }
  }
}
