import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceReports
import ArcadenceTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArcadenceServer

/// The served app and the static dashboard render the tables they share from one template
/// (``PageTemplates``): for the same period and scope the markup is the same, except that the
/// served KPI table has one more column, the link to each metric's rows.
@Suite struct SharedTemplateTests {
  /// The first `<table class="NAME">…</table>` of a page.
  static func table(_ page: String, _ name: String) -> String? {
    guard let start = page.range(of: "<table class=\"\(name)\">"),
      let end = page.range(of: "</table>", range: start.upperBound..<page.endIndex)
    else { return nil }
    return String(page[start.lowerBound..<end.upperBound])
  }

  /// The static dashboard's index for March from the harness's store.
  static func staticIndex(_ h: Harness) throws -> String {
    let dir = NSTemporaryDirectory() + "arcadence-shared-\(UUID().uuidString)"
    let out = try Dashboard.write(
      ledger: try h.store.loadLedger(), period: HandFixture.march, to: dir)
    return try String(contentsOfFile: out.index, encoding: .utf8)
  }

  /// A served page's HTML.
  static func get(_ h: Harness, _ uri: String, _ headers: HTTPFields) async throws -> String {
    let box = Box()
    try await h.test { client async throws in
      box.set(text(try await client.execute(uri: uri, method: .get, headers: headers)))
    }
    return box.value
  }

  /// March, everyone: the served `/kpis` (leadership) and the static index hold the same KPI
  /// table once the served page's column of links to the rows is taken out; the collection rate in it
  /// is the cohort I7, I5, I2, I4: collected 0 + 250 + 500 + 0 = 750 of 0 + 250 + 500 + 600 =
  /// 1,350 due → 55.6%.
  @Test func servedKPIsAndTheStaticIndexShareTheKPITable() async throws {
    let h = try Harness()
    let (lead, _) = await h.cookie("lead")
    let index = try Self.staticIndex(h)
    let served = try await Self.get(h, "/kpis?month=2026-03", lead)
    let servedTable = try #require(Self.table(served, "kpis"))
    let staticTable = try #require(Self.table(index, "kpis"))
    #expect(!staticTable.contains("<a "))
    let links = servedTable.matches(of: /<a href="\/drill\?[^"]*">/).count
    #expect(links == MetricKey.allCases.count)
    // The served table's one more column: the link to each metric's rows.
    let unlinked = servedTable.replacing("<th>Rows</th>", with: "")
      .replacing(/<td>(<a href="\/drill\?[^"]*">rows<\/a>)?<\/td>/, with: "")
    #expect(unlinked == staticTable)
    #expect(staticTable.contains("<td>Collection rate (cohort)</td><td class=\"num\">55.6%</td>"))
  }

  /// The scorecards table of the static index is the served `/scorecards` table (leadership
  /// sees every rep): the same rows and cells, only the links to a rep's page differ; R1's
  /// March collections are $775 (P2 200 + P3 500 + P7 75), first in team A.
  @Test func servedScorecardsAndTheStaticIndexShareTheScorecardsTable() async throws {
    let h = try Harness()
    let (lead, _) = await h.cookie("lead")
    let index = try Self.staticIndex(h)
    let served = try await Self.get(h, "/scorecards?month=2026-03", lead)
    let servedTable = try #require(Self.table(served, "scorecards"))
    let staticTable = try #require(Self.table(index, "scorecards"))
    // Leadership has no worklist column links; hrefs differ (/scorecard/R1 and scorecards/R1.html).
    func unlinked(_ t: String) -> String { t.replacing(/<a href="[^"]*">/, with: "<a>") }
    #expect(unlinked(servedTable) == unlinked(staticTable))
    #expect(staticTable.contains("<a href=\"scorecards/R1.html\">R1</a>"))
    #expect(servedTable.contains("<a href=\"/scorecard/R1\">R1</a>"))
    #expect(staticTable.contains("<td class=\"num\">$775 #1</td>"))
  }
}

/// A page's text handed out of the test client's closure.
final class Box: @unchecked Sendable {
  private let lock = NSLock()
  private var text = ""
  func set(_ s: String) { lock.withLock { text = s } }
  var value: String { lock.withLock { text } }
}
