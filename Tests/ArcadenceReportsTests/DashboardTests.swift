import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import Testing

@testable import ArcadenceReports

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Collects `href` and `src` attributes while checking that a page is well-formed XML.
final class PageReader: NSObject, XMLParserDelegate {
  var refs: [String] = []
  var tiles: [String: String] = [:]

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
    qualifiedName: String?, attributes: [String: String] = [:]
  ) {
    for key in ["href", "src"] { if let v = attributes[key] { refs.append(v) } }
    if let metric = attributes["data-metric"], let value = attributes["data-value"] {
      tiles[metric] = value
    }
  }

  static func read(_ path: String) throws -> PageReader {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let reader = PageReader()
    let parser = XMLParser(data: data)
    parser.delegate = reader
    #expect(
      parser.parse(), "\(path) is not well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
    return reader
  }
}

@Suite struct DashboardTests {
  static func site(files: [String: String] = HandFixture.files) throws -> (Ledger, Dashboard.Output)
  {
    let ledger = try HandFixture.store(files: files).loadLedger()
    let dir = NSTemporaryDirectory() + "arcadence-site-\(UUID().uuidString)"
    return (ledger, try Dashboard.write(ledger: ledger, period: HandFixture.march, to: dir))
  }

  @Test func everyPageIsWellFormedAndEveryLinkResolves() throws {
    let (_, out) = try DashboardTests.site()
    let pages = [out.index, out.review] + out.scorecards
    #expect(out.scorecards.count == 4)
    #expect(out.review.hasSuffix("review-2026-W13.html"))  // the last full week of March
    for page in pages {
      let reader = try PageReader.read(page)
      let dir = (page as NSString).deletingLastPathComponent
      for ref in reader.refs where !ref.hasPrefix("#") {
        #expect(!ref.contains("://"), "\(page) fetches \(ref)")
        let target = (dir as NSString).appendingPathComponent(ref)
        #expect(FileManager.default.fileExists(atPath: target), "\(page): \(ref) does not resolve")
      }
    }
  }

  @Test func kpiTilesShowTheEnginesNumbers() throws {
    let (ledger, out) = try DashboardTests.site()
    let tiles = try PageReader.read(out.index).tiles
    let report = try KPIReport(
      engine: KPIEngine(ledger: ledger), period: HandFixture.march, scope: .everyone)
    #expect(tiles.count == Dashboard.tiles.count)
    for tile in Dashboard.tiles {
      #expect(tiles[tile.key.rawValue] == Format.csv(report[tile.key]), "\(tile.key)")
    }
    // Spot checks against the hand-computed values of KPIEngineTests.
    #expect(tiles["collected_amount"] == "1075.00")
    #expect(tiles["cases_open_over_14d"] == "2")
    #expect(tiles["task_completion_rate"] == "0.6")
    let html = try String(contentsOfFile: out.index, encoding: .utf8)
    #expect(html.contains("target 95% · not met"))  // 750 / 1350 = 55.6 %
  }

  /// The index's KPI table (the served `/kpis` table's template, ``PageTemplates``) shows
  /// March's numbers worked out by hand in KPIEngineTests: cash collected 1,075.00 (P2 200 +
  /// P3 500 + P7 75 + P5 100 + P6 200), the collection rate 750 / 1,350 = 55.6% (the cohort
  /// I7, I5, I2, I4), 2 cases open over 14 days (K5 and K3); the tile shows whole dollars.
  @Test func theIndexKPITableShowsTheHandWorkedNumbers() throws {
    let (_, out) = try DashboardTests.site()
    let html = try String(contentsOfFile: out.index, encoding: .utf8)
    #expect(html.contains("<table class=\"kpis\">"))
    #expect(html.contains("<td>Cash collected</td><td class=\"num\">$1,075.00</td>"))
    #expect(html.contains("<td>Collection rate (cohort)</td><td class=\"num\">55.6%</td>"))
    #expect(html.contains("<td>Cases open over 14 days</td><td class=\"num\">2</td>"))
    #expect(
      html.contains(
        "<div class=\"tile\" data-metric=\"collected_amount\" data-value=\"1075.00\">"
          + "<div class=\"label\">Cash collected</div><div class=\"value\">$1,075</div>"))
    // One page of markup: no inline script, and the stylesheet is the served app's.
    #expect(!html.contains("<script"))
    #expect(html.contains(PageTemplates.css))
  }

  @Test func untrustedTextStaysText() throws {
    var files = HandFixture.files
    files["reps.csv"] = files["reps.csv"]!.replacingOccurrences(
      of: "R1,Ann <Lead> & Co,A,true",
      with: "R1,\"<script>alert(\"\"x\"\")</script> & 'Zoë'\",A,true")
    files["customers.csv"] = files["customers.csv"]!.replacingOccurrences(
      of: "C2,Beta <b>,", with: "C2,\"Beta \"\"<img src=x onerror=alert(1)>\"\"\",")
    files["cases.csv"] = files["cases.csv"]!.replacingOccurrences(
      of: ",missing_po,", with: ",<svg onload=alert(2)>,")
    let (_, out) = try DashboardTests.site(files: files)
    for page in [out.index, out.review] + out.scorecards {
      _ = try PageReader.read(page)  // still well-formed
      let html = try String(contentsOfFile: page, encoding: .utf8)
      #expect(!html.contains("<script"), "\(page)")
      #expect(!html.contains("<img src=x"), "\(page)")
      #expect(!html.contains("<svg onload"), "\(page)")
    }
    let r1 = try String(contentsOfFile: out.scorecards[0], encoding: .utf8)
    #expect(r1.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Zoë&#39;"))
    let index = try String(contentsOfFile: out.index, encoding: .utf8)
    #expect(index.contains("Beta &quot;&lt;img src=x onerror=alert(1)&gt;&quot;"))
  }

  @Test func aRepsPageShowsOnlyThatRepsCasesAndCustomers() throws {
    let (_, out) = try DashboardTests.site()
    let r1 = try String(contentsOfFile: out.scorecards[0], encoding: .utf8)
    let r2 = try String(contentsOfFile: out.scorecards[1], encoding: .utf8)
    // Open over 14 days at 03-31: K5 is R1's, K3 is R2's.
    #expect(r1.contains("K5") && !r1.contains("K3"))
    #expect(r2.contains("K3") && !r2.contains("K5"))
    #expect(!r1.contains("Gamma"))  // C3 is only R2's customer
  }

  @Test func promisesToFollowUp() throws {
    let ledger = try HandFixture.ledger()
    let r2 = ledger.rep("R2")!
    // At 03-26, PR3 (made 03-25 for 50, promised 03-29, window to 04-01) is open and unpaid;
    // PR5's window closed on 03-05.
    let open = ScorecardPage.upcomingPromises(
      rep: r2, ledger: ledger, asOf: Day(iso: "2026-03-26")!)
    #expect(open.map(\.customerId) == ["C3"])
    #expect(open.first?.amount == 5_000 && open.first?.windowEnds.description == "2026-04-01")
    // At 03-31, C3's 200 paid on 03-28 covers it: nothing to follow up.
    #expect(
      ScorecardPage.upcomingPromises(rep: r2, ledger: ledger, asOf: HandFixture.march.to).isEmpty)
  }

  @Test func htmlEscaping() {
    #expect(
      HTML.escape("<a href=\"x\">'&'</a>")
        == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    #expect(HTML.escape("a\u{0}b") == "a b")
  }
}
