import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceMapping
import ArcadenceSimulation
import ArcadenceTestSupport
import Foundation
import Testing

/// Dates, periods and day counts at the ends of the calendar: each reproduced a trap, a hang
/// or an unclear message (issue 13, items 9 and 13).
@Suite struct InputBoundsTests {
  static func day(_ s: String) -> Day { Day(iso: s) ?? Day.minimum }

  /// The fixture store's path (its last day of data is 2026-04-05).
  static func db() throws -> String { try HandFixture.store().path }

  // MARK: Calendar arithmetic

  @Test func dayOffsetStaysInTheCalendar() {
    let d = Self.day("2026-03-01")
    #expect(d.offset(by: 30) == Self.day("2026-03-31"))
    #expect(d.offset(by: Int.max) == nil)
    #expect(d.offset(by: Int.min) == nil)
    #expect(Self.day("9999-12-20").offset(by: 30) == nil)
    #expect(Day.minimum.description == "0001-01-01")
    #expect(Day.maximum.description == "9999-12-31")
    // `+` saturates instead of trapping.
    #expect((d + Int.max).rawValue == Int32.max)
    #expect((d - Int.max).rawValue == Int32.min)
  }

  @Test func isoWeeksAtTheEndsOfTheCalendar() {
    let first = Period.parseISOWeek("0001-W01")
    #expect(first == Period(from: Self.day("0001-01-01"), to: Self.day("0001-01-07")))
    #expect(Self.day("0001-01-01").isoWeekLabel == "0001-W01")
    #expect(Self.day("9999-12-31").isoWeekLabel == "9999-W52")
    #expect(Period.parseISOWeek("0000-W01") == nil)
    #expect(Period.latestFullQuarter(endingBy: Self.day("0001-02-01")) == Period.quarter(1, 1))
  }

  @Test func previousPeriodBeforeYearOneIsNamedAsMissing() {
    let week = Period(from: Self.day("0001-01-01"), to: Self.day("0001-01-07"))
    #expect(!week.hasPrevious)
    #expect(week.comparisonLabel() == "no previous period")
    #expect(HandFixture.march.comparisonLabel() == "compared with 2026-01-29..2026-02-28")
  }

  // MARK: Periods on the command line

  @Test func reviewOfTheFirstWeekOfYearOne() throws {
    let r = try Hostile.run(["review", "--db", try Self.db(), "--week", "0001-W01"])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasPrefix("# Weekly root-cause review — 0001-W01\n"))
  }

  @Test func kpisOfYearOneSayNoPreviousPeriod() throws {
    let r = try Hostile.run(["kpis", "--db", try Self.db(), "--week", "0001-W01"])
    #expect(r.status == 0, "\(r.err)")
    #expect(
      r.out.split(separator: "\n").prefix(2) == [
        "KPIs 0001-01-01..0001-01-07 (7 days) · everyone", "no previous period",
      ])
  }

  @Test(arguments: ["kpis", "scorecard", "charts", "dashboard"])
  func periodsBeyondAHundredYearsAreRefused(command: String) throws {
    let out = try Hostile.temporaryDirectory("bounds")
    let r = try Hostile.run(
      [
        command, "--db", try Self.db(), "--from", "0001-01-01", "--to", "9999-12-31", "--out", out,
      ].filter { command == "charts" || command == "dashboard" || ($0 != "--out" && $0 != out) })
    #expect(r.status == 2)
    #expect(
      r.err
        == "error: --from/--to: the period spans 9999 years; name at most 100 years "
        + "(value \"0001-01-01..9999-12-31\")\n")
  }

  // MARK: Simulation spans

  @Test func calibrateUntilFarAfterTheDataIsClipped() throws {
    let r = try Hostile.run(["calibrate", "--db", try Self.db(), "--until", "3000-01-01"])
    #expect(r.status == 0)
    // Calibration warnings about the tiny fixture's thin hazards follow the note.
    #expect(
      r.err.split(separator: "\n").first
        == "note: --until 3000-01-01 is after the last day of the data; using 2026-04-05")
    #expect(r.out.hasPrefix("Calibration with data up to 2026-04-05\n"))
  }

  static func scenario(_ body: String, name: String = "scenario.yaml") throws -> String {
    let dir = try Hostile.dataset([name: body])
    return dir + "/" + name
  }

  @Test func scenarioStartCenturiesAfterTheDataIsRefused() throws {
    let path = try Self.scenario(
      "horizon_days: 7\npaths: 2\nstart: 9999-12-01\npolicies:\n  - name: observed\n"
        + "    cadence: observed\n")
    let r = try Hostile.run(["simulate", "--db", try Self.db(), path, "--threads", "1"])
    #expect(r.status == 2)
    #expect(
      r.err
        == "error: \(path): start: 9999-12-01 is 7973 years after the last day of the data "
        + "(2026-04-05); name a day at most 100 years after it\n")
  }

  @Test func scenarioStartAfterTheDataCalibratesUpToTheLastDay() throws {
    let store = try HandFixture.store()
    let ledger = try store.loadLedger()
    let scenario = Scenario(
      name: "later", start: Self.day("2026-05-01"), horizonDays: 7, paths: 2,
      policies: [PolicySpec(name: "observed")])
    let run = try SimulationRun(
      scenario: scenario, ledger: ledger, links: try store.loadInvoiceLinks(for: ledger))
    #expect(run.calibrationLabel == "from_store (data up to 2026-04-05)")
    #expect(run.calibration.until == Self.day("2026-04-05"))
  }

  @Test func backtestHorizonAndThreadsAreBounded() throws {
    let db = try Self.db()
    let h = try Hostile.run([
      "backtest", "--db", db, "--cutoff", "2026-03-01", "--horizon", "2147483647",
    ])
    #expect(h.status == 2)
    #expect(h.err == "error: --horizon: at most 36525 days (100 years) (value 2147483647)\n")
    let t = try Hostile.run([
      "backtest", "--db", db, "--cutoff", "2026-03-01", "--threads", "2147483647",
    ])
    #expect(t.status == 2)
    #expect(t.err == "error: --threads: expected 1 to 1024 (value 2147483647)\n")
  }

  @Test func generateRefusesSpansPastTheCalendarAndTakesAnySeed() throws {
    let out = try Hostile.temporaryDirectory("bounds")
    let months = try Hostile.run(["generate", "--out", out, "--months", "2147483647"])
    #expect(months.err == "error: --months: at most 1200 (100 years) (value 2147483647)\n")
    let start = try Hostile.run(["generate", "--out", out, "--start", "9999-01-01"])
    #expect(start.err == "error: --start 9999-01-01 with --months 18 ends after 9999-12-31\n")
    let customers = try Hostile.run(["generate", "--out", out, "--customers", "2147483647"])
    #expect(customers.err == "error: --customers: expected 1 to 10,000,000 (value 2147483647)\n")
    let seed = try Hostile.run([
      "generate", "--out", out, "--customers", "3", "--months", "1", "--seed",
      "9223372036854775807",
    ])
    #expect(seed.status == 0, "\(seed.err)")
  }

  // MARK: Duplicate YAML keys

  @Test func duplicateScenarioKeyNamesTheSecondLine() throws {
    let path = try Self.scenario(
      "name: x\n# the horizon\nhorizon_days: 7\npaths: 2\npolicies:\n  - name: observed\n"
        + "horizon_days: 9\n")
    let r = try Hostile.run(["simulate", "--db", try Self.db(), path])
    #expect(r.status == 1)
    #expect(r.err == "error: \(path):7: key \"horizon_days\" appears twice (first at line 3)\n")
  }

  @Test func duplicateKeyInAListItemAndInAFlowMapping() {
    let text = "policies:\n  - name: a\n    cadence: observed\n    name: b\n  - name: c\n"
    #expect(DuplicateKey.line(ofRepeated: "name", in: text, firstLine: 2, firstColumn: 5) == 4)
    #expect(
      DuplicateKey.message(
        file: "f.yaml", key: "a", text: "x: {a: 1, a: 2}\n", firstLine: 1, firstColumn: 5)
        == "f.yaml:1: key \"a\" appears twice")
  }

  @Test func duplicateMappingKeyNamesTheSecondLine() {
    let yaml = """
      version: 1
      targets:
        invoices:
          source: ar.csv
          fields:
            invoice_id: Invoice Number
            amount: Amount
            invoice_id: Number
      """
    #expect {
      _ = try Mapping(yaml: yaml, fileName: "m.yaml")
    } throws: { error in
      (error as? ArcadenceError)?.description
        == "m.yaml:8: key \"invoice_id\" appears twice (first at line 6)"
    }
  }

  // MARK: Mappings

  static let export = """
    Invoice Number,Invoice Date,Due Date,Amount
    A1,2026-01-05,2026-02-04,100.00
    A2,2026-01-09,2026-02-08,250.50

    """

  /// `mapping init` on `csv`, then `import` with the mapping it wrote.
  static func initAndImport(_ csv: String) throws -> (
    mapping: String, status: Int32, out: String, err: String
  ) {
    let dir = try Hostile.dataset(["ar.csv": csv])
    let map = dir + "/map.yaml"
    let m = try Hostile.run(["mapping", "init", dir + "/ar.csv", "--out", map])
    #expect(m.status == 0, "\(m.err)")
    let r = try Hostile.run(["import", dir, "--mapping", map, "--db", dir + "/s.sqlite"])
    return (try String(contentsOfFile: map, encoding: .utf8), r.status, r.out, r.err)
  }

  @Test func mappingInitWithoutCustomerColumnsImports() throws {
    let r = try Self.initAndImport(Self.export)
    #expect(
      r.mapping.contains(
        "      name: =unknown   # no customer name column: the customer id stands in as the name\n"
      ))
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasPrefix("imported 1 reps, 1 customers, 2 invoices in "))
  }

  @Test func mappingInitWithACustomerIdButNoNameImports() throws {
    let r = try Self.initAndImport(
      "Invoice Number,Customer ID,Invoice Date,Due Date,Amount\nA1,C9,2026-01-05,2026-02-04,100\n")
    #expect(
      r.mapping.contains(
        "      name: Customer ID   # no customer name column: the customer id stands in as the "
          + "name\n"))
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasPrefix("imported 1 reps, 1 customers, 1 invoices in "))
  }

  static func mapping(_ dueOn: String, headerRow: String? = nil) -> String {
    """
    version: 1
    targets:
      invoices:
        source: ar.csv
    \(headerRow.map { "    header_row: \($0)\n" } ?? "")    fields:
          invoice_id: Invoice Number
          customer_id: =C1
          issued_on: Invoice Date
          due_on: \(dueOn)
          amount: Amount

    """
  }

  @Test func mappingOffsetBeyondAHundredYearsIsRefused() {
    #expect {
      _ = try Mapping(yaml: Self.mapping("issued_on + 2147483647"), fileName: "m.yaml")
    } throws: { error in
      (error as? ArcadenceError)?.details == [
        "m.yaml:9: key targets.invoices.fields.due_on: at most 36525 days (100 years) "
          + "(value \"issued_on + 2147483647\")"
      ]
    }
  }

  @Test func mappingOffsetPastTheCalendarIsAnInputIssue() throws {
    let dir = try Hostile.dataset([
      "ar.csv": "Invoice Number,Invoice Date,Amount\nA1,9999-01-05,100\n",
      "map.yaml": Self.mapping("issued_on + 36525"),
    ])
    let r = try Hostile.run(["import", dir, "--mapping", dir + "/map.yaml", "--db", dir + "/s"])
    #expect(r.status == 1)
    #expect(
      r.err.hasSuffix(
        "ar.csv:2: column due_on: issued_on + 36525 days falls outside 0001-01-01…9999-12-31 "
          + "(value \"9999-01-05\")\n"))
  }

  @Test func headerRowPastTheEndOfTheFile() throws {
    let dir = try Hostile.dataset([
      "ar.csv": Self.export,
      "map.yaml": Self.mapping("Due Date", headerRow: "1000000000000"),
    ])
    let r = try Hostile.run(["import", dir, "--mapping", dir + "/map.yaml", "--db", dir + "/s"])
    #expect(r.status == 1)
    #expect(
      r.err
        == "error: map.yaml: targets.invoices.header_row: ar.csv has only 3 records "
        + "(value 1000000000000)\n")
  }
}
