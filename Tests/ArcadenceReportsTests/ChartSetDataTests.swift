import ArcadenceCharts
import ArcadenceCore
import ArcadenceTestSupport
import Foundation
import Testing

@testable import ArcadenceReports

/// The chart data file: the set written as JSON reads back and draws the same charts; a
/// malformed file gives one line naming the file, the place and the problem.
@Suite struct ChartSetDataTests {
  let set: ChartSet

  init() throws {
    set = try ChartSet(
      ledger: try HandFixture.ledger(), period: HandFixture.march, scope: .everyone)
  }

  @Test func theSetReadsBackAndDrawsTheSameCharts() throws {
    let data = try set.dataJSON()
    let copy = try ChartSet(data: data, source: "charts.json")
    #expect(copy.entries.map(\.name) == set.entries.map(\.name))
    #expect(copy.entries.map(\.caption) == set.entries.map(\.caption))
    #expect(try copy.dataJSON() == data)
    for (original, read) in zip(set.entries, copy.entries) {
      #expect(read.chart.kind == original.chart.kind)
      let png = try CairoRenderer().render(original.chart, format: .png(scale: 1))
      #expect(try CairoRenderer().render(read.chart, format: .png(scale: 1)) == png)
    }
    // The file names the kinds an analyst or another plotting tool must handle.
    let kinds = Set(copy.entries.map(\.chart.kind))
    #expect(
      kinds == [
        "dualAxisBarLine", "stackedBar", "lineRule", "histogram", "chart", "pareto",
        "smallMultiples",
      ])
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains(#""format" : "arcadence-charts""#))
    #expect(text.contains(#""periodStarts" : ["#) && text.contains(#""2026-03-02""#))
  }

  /// The message for `json`, or nil if it reads.
  func message(_ json: String) -> String? {
    do {
      _ = try ChartSet(data: Data(json.utf8), source: "bad.json")
      return nil
    } catch let error as ArcadenceError {
      #expect(error.code == .invalidData)
      return error.message
    } catch {
      return "unexpected \(error)"
    }
  }

  static func document(_ charts: String) -> String {
    #"{"format": "arcadence-charts", "version": 1, "charts": [\#(charts)]}"#
  }

  static let pareto =
    #""kind": "pareto", "title": "T", "categories": ["a", "b"], "values": [1, 2]"#

  @Test func mistakesNameTheFileThePlaceAndTheProblem() {
    #expect(message("{") == "bad.json: not valid JSON (unexpected end of file during JSON parse)")
    #expect(
      message("{\n  \"format\": \"arcadence-charts\",\n  \"version\": 1 2\n}")
        == "bad.json: not valid JSON (line 3, column 16: invalid value)")
    #expect(
      message(#"{"format": "arcadence-charts", "version": 2, "charts": []}"#)
        == "bad.json: version: this build reads version 1, found 2")
    #expect(message(#"{"version": 1, "charts": []}"#) == "bad.json: format: missing")
    #expect(
      message(Self.document(#"{"name": "p", "chart": {"kind": "pie", "title": "T"}}"#))
        == "bad.json: charts[0].chart.kind: unknown chart kind \"pie\" (expected one of: "
        + "dualAxisBarLine, stackedBar, lineRule, histogram, pareto, fan, smallMultiples, chart)")
    #expect(
      message(
        Self.document(
          #"{"name": "p", "chart": {"kind": "pareto", "title": "T", "categories": ["a", "b"], "values": [1, "2"]}}"#
        )) == "bad.json: charts[0].chart.values[1]: expected a number, found a string")
    #expect(
      message(
        Self.document(
          #"{"name": "p", "chart": {"kind": "pareto", "title": "T", "categories": ["a"], "values": [1, 2]}}"#
        )) == "bad.json: charts[0].chart.values: expected one value per category (2 values, 1 "
        + "categories)")
    #expect(
      message(Self.document(#"{"name": "p", "chart": {"kind": "pareto", "values": [1]}}"#))
        == "bad.json: charts[0].chart.title: missing")
    #expect(
      message(Self.document(#"{"name": "../p", "chart": {\#(Self.pareto)}}"#))
        == "bad.json: charts[0].name: \"../p\" is not a safe file name (ASCII letters, digits, "
        + "- and _, at most 60)")
    #expect(
      message(
        Self.document(
          #"{"name": "p", "chart": {\#(Self.pareto)}}, {"name": "p", "chart": {\#(Self.pareto)}}"#
        )) == "bad.json: charts[1].name: the name \"p\" is used twice")
    #expect(
      message(
        Self.document(
          #"{"name": "p", "chart": {\#(Self.pareto), "valueAxis": {"format": "euro"}}}"#))
        == "bad.json: charts[0].chart.valueAxis.format: unknown value format \"euro\" (expected "
        + "number, plain, money, percent or {\"suffix\": …})")
  }
}
