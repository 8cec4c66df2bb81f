import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceReports
import ArcadenceSimulation
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import Testing

/// Issue 13 items 5, 10, 11 and 12, and the HTML pages: untrusted text (ids, names,
/// segments, root causes) stays text in every output.
@Suite struct UntrustedTextTests {
  /// The hand fixture with `reps.csv` (and optionally other files) replaced.
  static func files(_ changes: [String: String]) -> [String: String] {
    HandFixture.files.merging(changes) { $1 }
  }

  /// A store of `files`, imported through the CLI; returns its path.
  static func cliStore(_ files: [String: String]) throws -> String {
    let data = try Hostile.dataset(files)
    let db = try Hostile.temporaryDirectory("db") + "/store.sqlite"
    let r = try Hostile.run(["import", data, "--db", db])
    #expect(r.status == 0, "\(r.err)")
    return db
  }

  static func read(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
  }

  // MARK: Item 5: file names from ids

  @Test func aSafeIdKeepsItsNameAndOthersTakeAHash() {
    #expect(FileName.safe("R01") == "R01")
    #expect(FileName.safe("weekly-calls") == "weekly-calls")
    #expect(FileName.safe("R.1") == "R_1-4ffc9b90")
    #expect(FileName.safe("R/1") == "R_1-ebf9bf8d")
    #expect(FileName.safe("..") == "__-a3d4a70d")
    #expect(FileName.safe("") == "_-811c9dc5")
    #expect(FileName.safe("Zoë") == "Zo_-c2a2bddc")
    #expect(
      FileName.safe(String(repeating: "A", count: 100)) == String(repeating: "A", count: 40)
        + "-5e9252d9")
    #expect(FileName.isSafe("R_1-4ffc9b90"))
    #expect(!FileName.isSafe("R.1"))
    #expect(!FileName.isSafe(String(repeating: "A", count: 61)))
  }

  @Test func namesOfASetAreDistinctEvenIgnoringCase() {
    #expect(
      FileName.distinct(["R.1", "R_1", "r_1", "R/1", "..", "R01"]) == [
        "R_1-4ffc9b90", "R_1-ecc032bd", "r_1-8996375d", "R_1-ebf9bf8d", "__-a3d4a70d", "R01",
      ])
    #expect(FileName.distinct(["R01", "r01"]) == ["R01-ebc5e42a", "r01-093a830a"])
    // An id that happens to look like another's hashed name still gets a name of its own.
    let tricky = FileName.distinct(["R.1", "R_1-4ffc9b90"])
    #expect(Set(tricky.map { $0.lowercased() }).count == 2)
  }

  @Test func policyChartNamesStayReadableUnlessTheyClash() {
    #expect(
      SimulationCharts.fileNames(policies: ["observed", "weekly calls", "agency at 60"]) == [
        "observed", "weekly-calls", "agency-at-60",
      ])
    #expect(
      SimulationCharts.fileNames(policies: ["weekly calls", "weekly-calls", "Weekly Calls"]) == [
        "weekly_calls-35ac5da7", "weekly-calls-ccd72eea", "Weekly_Calls-76a80ca7",
      ])
  }

  static let oddIds = [
    "R.1", "R_1", "r_1", "R/1", "..", "Zoë", "Zoé", String(repeating: "L", count: 90) + "1",
    String(repeating: "L", count: 90) + "2",
  ]

  @Test func theDashboardWritesOnePagePerRepAndEveryLinkOpensItsOwnRep() throws {
    var reps = "rep_id,name,team,active\nR1,Ann,A,true\nR2,Bo Diaz,A,true\n"
    for (k, id) in Self.oddIds.enumerated() { reps += "\"\(id)\",Name \(k),A,true\n" }
    let store = try HandFixture.store(files: Self.files(["reps.csv": reps]))
    let l = try store.loadLedger()
    let dir = try Hostile.temporaryDirectory("site")
    let out = try Dashboard.write(ledger: l, period: HandFixture.march, to: dir)
    let ids = ["R1", "R2"] + Self.oddIds
    #expect(out.scorecards.count == ids.count)
    let pages = try FileManager.default.contentsOfDirectory(atPath: dir + "/scorecards")
    #expect(pages.count == ids.count)
    #expect(Set(pages.map { $0.lowercased() }).count == ids.count)
    // Every link of the index opens the page of the rep it names.
    let index = try Self.read(dir + "/index.html")
    var linked = 0
    for (k, id) in ids.enumerated() {
      let name = k < 2 ? ["Ann", "Bo Diaz"][k] : "Name \(k - 2)"
      let anchor = "\">\(HTML.escape(id))</a></td><td>\(name)</td>"
      guard let end = index.range(of: anchor) else {
        Issue.record("no link for \(id)")
        continue
      }
      let start = index.range(
        of: "<a href=\"scorecards/", options: .backwards, range: index.startIndex..<end.lowerBound)!
      let file = String(index[start.upperBound..<end.lowerBound])
      let page = try Self.read(dir + "/scorecards/" + file)
      #expect(
        page.contains("<title>Scorecard \(HTML.escape(id)) \(name) · arcadence</title>"),
        "\(id) → \(file)")
      linked += 1
    }
    #expect(linked == ids.count)
    // Each rep's chart has its own file too, named like its page.
    let charts = try FileManager.default.contentsOfDirectory(atPath: dir + "/charts")
    #expect(charts.filter { $0.hasPrefix("scorecard-") && $0.hasSuffix(".svg") }.count == ids.count)
    #expect(charts.contains("scorecard-R_1-4ffc9b90.svg"))
    #expect(charts.contains("scorecard-R1.svg"))
  }

  // MARK: HTML pages

  static let hostile = "<script>alert(1)</script>\"'&\u{202E}evil"
  static let hostileCSV = "\"<script>alert(1)</script>\"\"'&\u{202E}evil\""
  static let hostileHTML = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\\u{202e}evil"

  static var hostileFiles: [String: String] {
    var f = HandFixture.files
    f["reps.csv"] = f["reps.csv"]!.replacingOccurrences(
      of: "R2,Bo Diaz,A", with: "R2,\(hostileCSV),A")
    f["customers.csv"] = f["customers.csv"]!.replacingOccurrences(
      of: "C3,Gamma,ent", with: "C3,\(hostileCSV),ent")
    f["cases.csv"] = f["cases.csv"]!.replacingOccurrences(
      of: "2026-03-02T09:00:00Z,,inbound_email,missing_po",
      with: "2026-03-02T09:00:00Z,,inbound_email,\(hostileCSV)")
    return f
  }

  @Test func dashboardAndReviewPagesEscapeHostileText() throws {
    let store = try HandFixture.store(files: Self.hostileFiles)
    let l = try store.loadLedger()
    #expect(l.repNames.contains(Self.hostile))
    let dir = try Hostile.temporaryDirectory("site")
    let out = try Dashboard.write(ledger: l, period: HandFixture.march, to: dir)
    let pages = [out.index, out.review] + out.scorecards
    for path in pages {
      let html = try Self.read(path)
      #expect(!html.contains("<script"), "\(path)")
      #expect(!html.contains("\u{202E}"), "\(path)")
    }
    // Chart SVGs draw text as glyph outlines: no markup from the data in them.
    let svgs = out.files.filter { $0.hasSuffix(".svg") }
    #expect(svgs.count > 10)
    for path in svgs {
      let svg = try Self.read(path)
      #expect(!svg.contains("<script") && !svg.contains("alert") && !svg.contains("\u{202E}"))
    }
    // The rep's name, escaped, in the scorecards table of the index, in the heading and the
    // title of their own page, and the hostile root cause in the review's Pareto table.
    #expect(try Self.read(out.index).contains("R2</a></td><td>\(Self.hostileHTML)</td>"))
    let r2 = try Self.read(dir + "/scorecards/R2.html")
    #expect(r2.contains("<h1>Scorecard 2026-03-01..2026-03-31 · R2 \(Self.hostileHTML)</h1>"))
    #expect(r2.contains("<title>Scorecard R2 \(Self.hostileHTML) · arcadence</title>"))
    #expect(try Self.read(out.review).contains("<td>\(Self.hostileHTML)</td>"))
    // The standalone review page.
    let review = try WeeklyReview(
      ledger: l, week: Period.lastFullISOWeek(endingBy: HandFixture.march.to))
    let html = try ReviewPage.html(review, ledger: l) { _, _ in "chart.svg" }
    #expect(!html.contains("<script"))
    #expect(!html.contains("\u{202E}"))
    #expect(html.contains("<td>\(Self.hostileHTML)</td>"))
  }

  // MARK: Item 10: Markdown table cells

  @Test func markdownCellsKeepTheRowWhole() {
    let md = WeeklyReview.markdownCell
    #expect(md("a\r\nb") == "a b")
    #expect(md("a\nb") == "a b")
    #expect(md("a\rb") == "a b")
    #expect(md("a\u{2028}b\u{2029}c\u{85}d") == "a b c d")
    #expect(md("a|b") == "a\\|b")
    #expect(md("# big") == "\\# big")
    #expect(md("> quote") == "&gt; quote")
    #expect(md("- item") == "\\- item")
    #expect(md("a\u{1B}[2Jb") == "a\\u{1b}\\[2Jb")
    #expect(md("Ann <Lead> & Co") == "Ann &lt;Lead&gt; &amp; Co")
  }

  @Test func reviewMarkdownRowsSurviveALineBreakInAName() throws {
    var f = HandFixture.files
    f["customers.csv"] = f["customers.csv"]!.replacingOccurrences(
      of: "C3,Gamma,ent", with: "C3,\"Evil\r\nCo | x\",ent")
    let db = try Self.cliStore(f)
    let r = try Hostile.run(["review", "--db", db, "--week", "2026-W13"])
    #expect(r.status == 0, "\(r.err)")
    let row = r.out.split(separator: "\n", omittingEmptySubsequences: false).first {
      $0.hasPrefix("| K3 |")
    }
    #expect(
      row == "| K3 | Evil Co \\| x (C3) | Bo Diaz (R2) | missing\\_po | 2026-03-02 | 27 | delay |")
  }

  // MARK: Item 11: terminal output

  @Test func terminalTextShowsControlCharacters() {
    #expect(TerminalText.sanitized("a\u{1B}[2Jb") == "a\\u{1b}[2Jb")
    #expect(TerminalText.sanitized("\u{1B}]0;x\u{07}") == "\\u{1b}]0;x\\u{7}")
    #expect(
      TerminalText.sanitized("a\u{9B}b\u{7F}c\u{202E}d\u{2066}")
        == "a\\u{9b}b\\u{7f}c\\u{202e}d\\u{2066}")
    #expect(TerminalText.sanitized("a\nb\tc") == "a\\nb\\tc")
    #expect(TerminalText.sanitized("a\nb\tc", keepingLineBreaks: true) == "a\nb\tc")
    #expect(TerminalText.sanitized("Zoë — 5 €") == "Zoë — 5 €")
    var t = TextTable(header: ["a"])
    t.add(["\u{1B}[2J"])
    #expect(t.rendered() == "a\n---------\n\\u{1b}[2J\n")
  }

  @Test func tablesOnTheTerminalShowEscapesInNames() throws {
    var f = HandFixture.files
    f["reps.csv"] = f["reps.csv"]!.replacingOccurrences(
      of: "R1,Ann <Lead> & Co", with: "R1,\u{1B}]0;x\u{07}Ann \u{1B}[2J\u{1B}]8;;http://x\u{1B}\\"
    )
    .replacingOccurrences(of: "R2,Bo Diaz", with: "R2,Bo\u{202E}Diaz")
    let db = try Self.cliStore(f)
    let r = try Hostile.run(["scorecard", "--db", db, "--month", "2026-03"])
    #expect(r.status == 0, "\(r.err)")
    for c in ["\u{1B}", "\u{07}", "\u{202E}"] { #expect(!r.out.contains(c)) }
    #expect(r.out.contains("\\u{1b}]0;x\\u{7}Ann \\u{1b}[2J\\u{1b}]8;;http://x\\u{1b}\\"))
    #expect(r.out.contains("Bo\\u{202e}Diaz"))
    // JSON on the terminal: the same strings to a JSON reader, escaped as \uXXXX.
    let j = try Hostile.run(["scorecard", "--db", db, "--month", "2026-03", "--format", "json"])
    #expect(j.status == 0, "\(j.err)")
    for c in ["\u{1B}", "\u{07}", "\u{202E}"] { #expect(!j.out.contains(c)) }
    #expect(j.out.contains("\"Bo\\u202eDiaz\""))
    let names = try JSONSerialization.jsonObject(with: Data(j.out.utf8))
    #expect("\(names)".contains("Bo\u{202E}Diaz"))
  }

  @Test func jsonStringsEscapeWhatATerminalWouldRun() {
    #expect(
      JSONValue.string("a\u{7F}b\u{9B}c\u{202E}d—e\u{1B}f\u{2066}·€").rendered()
        == "\"a\\u007fb\\u009bc\\u202ed—e\\u001bf\\u2066·€\"")
  }

  @Test func errorMessagesShowEscapesInValues() throws {
    var f = HandFixture.files
    f["invoices.csv"] = f["invoices.csv"]!.replacingOccurrences(
      of: "I7,C2,2026-02-01,2026-03-03,300", with: "I7,C2,2026-02-01,2026-03-03,\u{9B}2J\u{202E}")
    let data = try Hostile.dataset(f)
    let db = try Hostile.temporaryDirectory("db") + "/store.sqlite"
    let r = try Hostile.run(["import", data, "--db", db])
    #expect(r.status == 1)
    for c in ["\u{9B}", "\u{202E}", "\u{1B}"] { #expect(!r.err.contains(c)) }
    #expect(r.err.contains("(value \"\\u{9b}2J\\u{202e}\")"), "\(r.err)")
  }

  @Test func argumentErrorsShowEscapesInValues() throws {
    let r = try Hostile.run(["aging", "--by", "\u{1B}]0;x\u{07}\u{1B}[2J"])
    #expect(r.status == 64)
    #expect(
      r.err.hasPrefix(
        "Error: The value '\\u{1b}]0;x\\u{7}\\u{1b}[2J' is invalid for '--by <by>'. "))
    #expect(!r.err.contains("\u{1B}"))
  }

  // MARK: Item 12: report CSVs

  @Test func reportCellsThatASpreadsheetWouldRunAreNeutralised() {
    let cell = CSVWriter.reportCell
    #expect(cell("=1+1") == "'=1+1")
    #expect(cell("+SUM(A1)") == "'+SUM(A1)")
    #expect(cell("-1+1") == "'-1+1")
    #expect(cell("@SUM(A1)") == "'@SUM(A1)")
    #expect(cell("\tx") == "'\tx")
    #expect(cell("\rx") == "'\rx")
    #expect(cell("-") == "'-")
    #expect(cell("-12.50") == "-12.50")
    #expect(cell("+3") == "+3")
    #expect(cell("-7") == "-7")
    #expect(cell("12") == "12")
    #expect(cell("") == "")
    #expect(cell("Acme, Inc.") == "Acme, Inc.")
    #expect(CSVWriter.reportLine(["=1+1", "-12.50", "a,b"]) == "'=1+1,-12.50,\"a,b\"\n")
  }

  @Test func portfolioCSVQuotesASegmentWithAComma() {
    let p = Portfolio(
      start: Day(iso: "2026-11-01")!, customerSegment: [0], invoiceCustomer: [0],
      invoiceBalance: [500], invoiceDue: [5])
    let lines = p.csv(segments: ["Retail, \"EU\""]).split(separator: "\n")
    #expect(lines.last == "open,-1,0,\"Retail, \"\"EU\"\"\",0,500,-30,5,,,,")
  }

  @Test func reportCSVsNeutraliseButExportStaysFaithful() throws {
    var f = HandFixture.files
    f["customers.csv"] = f["customers.csv"]!.replacingOccurrences(
      of: "C1,\"Acme, Inc.\",smb", with: "C1,=1+2,smb")
    f["reps.csv"] = f["reps.csv"]!.replacingOccurrences(of: "R2,Bo Diaz", with: "R2,@SUM(1)")
    let db = try Self.cliStore(f)
    let aging = try Hostile.run([
      "aging", "--db", db, "--as-of", "2026-03-31", "--by", "customer", "--format", "csv",
    ])
    #expect(aging.status == 0, "\(aging.err)")
    #expect(aging.out.split(separator: "\n").contains { $0.hasPrefix("C1,'=1+2,") })
    let card = try Hostile.run(["scorecard", "--db", db, "--month", "2026-03", "--format", "csv"])
    #expect(card.status == 0, "\(card.err)")
    #expect(card.out.split(separator: "\n").contains { $0.hasPrefix("R2,'@SUM(1),A,") })
    let dir = try Hostile.temporaryDirectory("export")
    let export = try Hostile.run(["export", dir, "--db", db])
    #expect(export.status == 0, "\(export.err)")
    #expect(try Self.read(dir + "/customers.csv").contains("\nC1,=1+2,smb,"))
    #expect(try Self.read(dir + "/reps.csv").contains("\nR2,@SUM(1),A,"))
  }
}
