import ArcadenceAnalytics
import ArcadenceCharts
import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import Testing

@testable import ArcadenceReports

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct ChartSetTests {
  let ledger: Ledger
  let set: ChartSet

  init() throws {
    ledger = try HandFixture.ledger()
    set = try ChartSet(ledger: ledger, period: HandFixture.march, scope: .everyone)
  }

  func entry(_ name: String) -> ChartSet.Entry { set.entries.first { $0.name == name }! }

  @Test func weeksAreTheISOWeeksWhoseThursdayIsInThePeriod() {
    // March 2026: Mar 2–8, 9–15, 16–22, 23–29. Feb 23–Mar 1 (Thursday Feb 26) and Mar 30–Apr 5
    // (Thursday Apr 2) belong to February and April.
    let w = WeeklySeries(
      engine: KPIEngine(ledger: ledger), period: HandFixture.march, reps: [0, 1, 2, 3])
    #expect(
      w.weeks.map(\.from.description) == ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"])
  }

  @Test func weeklyCashAndCohortRate() throws {
    let spec = try #require(entry("cash-weekly").chart.drawable as? DualAxisBarLineSpec)
    // Week 1: P5 100 (03-05) + P7 75 (03-08); week 2: P2 200; week 3: P3 500; week 4: P6 200.
    #expect(spec.bars.values == [175, 200, 500, 200])
    // Due in week 1: I7 (net 0 after its full credit) → no rate; week 2: I5 250, collected
    // 250 by 03-31; week 3: I2 500, paid; week 4: nothing due (I4 is due 03-31).
    let rates = spec.line.values
    #expect(rates[0].isNaN && rates[3].isNaN)
    #expect(rates[1] == 1 && rates[2] == 1)
    #expect(spec.lineTarget?.value == 0.95)
  }

  @Test func paretoOfTheMonthsCases() throws {
    let spec = try #require(entry("root-cause-pareto").chart.drawable as? ParetoSpec)
    // Opened in March: K2 and K4 pricing, K3 missing_po, K6 without a cause.
    #expect(spec.categories == ["pricing", "(unspecified)", "missing_po"])
    #expect(spec.values == [2, 1, 1])
    // Drawn: three bars whose heights are in the ratio 2 : 1 : 1.
    let recorder = RecordingRenderer()
    try recorder.paint(spec)
    // Blue rects wider than the legend's swatch are the bars.
    let bars = recorder.filledRects.filter { $0.color == Palette.blue && $0.rect.width > 20 }
      .map(\.rect.height)
    #expect(bars.count == 3)
    #expect(abs(bars[0] - 2 * bars[1]) < 1e-6 && abs(bars[1] - bars[2]) < 1e-6)
  }

  @Test func caseAgesAtThePeriodEnd() throws {
    let spec = try #require(entry("case-age").chart.drawable as? HistogramSpec)
    // Open at 03-31: K3 (29 days), K4 (10), K5 (85), K6 (1).
    #expect(spec.values.sorted() == [1, 10, 29, 85])
    #expect(spec.marker?.value == 14)
  }

  @Test func oneComparisonPerTeamAndOneScorecardPerRep() {
    let names = set.entries.map(\.name)
    #expect(names.contains("reps-A") && names.contains("reps-no-team"))
    #expect(
      names.filter { $0.hasPrefix("scorecard-") } == [
        "scorecard-R1", "scorecard-R2", "scorecard-R3", "scorecard-R4",
      ])
    // Eight charts for the period, two team comparisons, four personal scorecards.
    #expect(names.count == 8 + 2 + 4)
  }

  @Test func aRepScopeKeepsToThatRep() throws {
    let mine = try ChartSet(ledger: ledger, period: HandFixture.march, scope: .rep("R2"))
    #expect(mine.entries.filter { $0.name.hasPrefix("scorecard-") }.map(\.name) == ["scorecard-R2"])
    let spec = try #require(
      mine.entries.first { $0.name == "cash-weekly" }?.chart.drawable as? DualAxisBarLineSpec)
    // R2's only customer is C3: P5 100 in week 1, P6 200 in week 4.
    #expect(spec.bars.values == [100, 0, 0, 200])
  }

  @Test func filesAreWrittenAndUntrustedTextStaysText() throws {
    let dir = NSTemporaryDirectory() + "arcadence-charts-\(UUID().uuidString)"
    let files = try set.write(to: dir, formats: [.png, .svg], scale: 1)
    #expect(files.count == set.entries.count * 2)
    // R1's name "Ann <Lead> & Co" is in its scorecard chart's title: the SVG must stay
    // well-formed XML and carry no markup from the data.
    let svg = try Data(contentsOf: URL(fileURLWithPath: dir + "/scorecard-R1.svg"))
    #expect(XMLParser(data: svg).parse())
    #expect(!String(decoding: svg, as: UTF8.self).contains("<Lead>"))
    let png = try Data(contentsOf: URL(fileURLWithPath: dir + "/cash-weekly.png"))
    #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
  }

  @Test func fileNamesFromDataAreSafe() {
    #expect(FileName.safe("R/../x") == "R____x-e3854065")
    #expect(FileName.safe("Zürich") == "Z_rich-d7007f20")
    #expect(FileName.safe("") == "_-811c9dc5")
  }

  @Test func agingChartTakesOtherBuckets() throws {
    // Edges 0 by due date: current and past due at each week's end. 03-08: current I2 500 +
    // I4 600 = 1100; past due I1 1000 − 300 = 700, I3 800, I6 2000 = 3500 (I7 credited in
    // full on 03-02, I5 not yet issued).
    let two = try ChartSet(
      ledger: ledger, period: HandFixture.march, scope: .everyone,
      buckets: try AgingBuckets(edges: [0], basis: .due))
    let spec = try #require(
      two.entries.first { $0.name == "aging-weekly" }?.chart.drawable as? StackedBarSpec)
    #expect(spec.series.map(\.name) == ["Current", "0+ days"])
    #expect(spec.series.map(\.color) == [Palette.skyBlue, Palette.vermillion])
    #expect(spec.series[0].values[0] == 1100 && spec.series[1].values[0] == 3500)
    // Every week: the past-due series is the past_due_end KPI, and the two add up to the
    // five standard buckets.
    let standard = try #require(entry("aging-weekly").chart.drawable as? StackedBarSpec)
    let weekly = WeeklySeries(
      engine: KPIEngine(ledger: ledger), period: HandFixture.march, reps: [0, 1, 2, 3])
    let pastDue = weekly.series(.pastDueEnd)
    for w in 0..<4 {
      #expect(abs(spec.series[1].values[w] - pastDue[w]) < 1e-6)
      let sum = standard.series.map { $0.values[w] }.reduce(0, +)
      #expect(abs(spec.series[0].values[w] + spec.series[1].values[w] - sum) < 1e-6)
    }
    #expect(spec.footnote?.hasSuffix("by days past due.") == true)
  }

}
