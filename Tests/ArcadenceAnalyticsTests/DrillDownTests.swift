import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import Testing

@testable import ArcadenceAnalytics

/// The rows behind each KPI add up to the KPI: on the hand fixture worked out on paper, and
/// for every metric and scope on the hand fixture and the sample.
@Suite struct DrillDownTests {
  let ledger: Ledger
  let engine: KPIEngine

  init() throws {
    ledger = try HandFixture.ledger()
    engine = KPIEngine(ledger: ledger)
  }

  func reps(_ scope: Scope, _ l: Ledger) throws -> [Int] { try scope.reps(in: l) }

  func ids(_ d: DrillDown) -> [String] {
    d.rows.map { row -> String in
      switch d.kind {
      case .invoice: ledger.invoiceIds[row.index]
      case .caseRow: ledger.caseIds[row.index]
      case .customer: ledger.customerIds[row.index]
      default: "\(row.index)"
      }
    }
  }

  /// March, everyone. Cohort: invoices due in March, by due date: I7 (03-03), I5 (03-10),
  /// I2 (03-17), I4 (03-31). Net: I7 300 − 300 credit = 0; I5 250; I2 500; I4 600 (its
  /// memo is posted 04-02) → 1,350. Collected: I7 0; I5 min(250, 100 + 200) = 250; I2 500;
  /// I4 0 → 750. The rows' rate 750 / 1,350 is the tile's.
  @Test func collectionRateRowsAreTheCohortAndAddUpToTheTile() throws {
    let d = engine.drillDown(
      .collectionRate, period: HandFixture.march, reps: try reps(.everyone, ledger))
    #expect(d.kind == .invoice)
    #expect(ids(d) == ["I7", "I5", "I2", "I4"])
    let net = d.rows.map { $0.cells[5] }
    let collected = d.rows.map { $0.cells[6] }
    #expect(net == [.money(0), .money(25_000), .money(50_000), .money(60_000)])
    #expect(collected == [.money(0), .money(25_000), .money(50_000), .money(0)])
    #expect(d.rows.reduce(0) { $0 + $1.terms.cohortBilled } == 135_000)
    #expect(d.rows.reduce(0) { $0 + $1.terms.cohortCollected } == 75_000)
    #expect(d.value == .ratio(75_000.0 / 135_000.0))
    let tile = try KPIReport(engine: engine, period: HandFixture.march, scope: .everyone)
    #expect(d.value == tile[.collectionRate])
    // R1's customers C1 and C2: I2 (500 of 500), I7 (0 of 0), I4 (0 of 600) → 500 / 1,100.
    let r1 = engine.drillDown(
      .collectionRate, period: HandFixture.march, reps: try reps(.rep("R1"), ledger))
    #expect(ids(r1) == ["I7", "I2", "I4"])
    #expect(r1.value == .ratio(50_000.0 / 110_000.0))
  }

  /// Open at the end of March (03-31) and opened more than 14 days before: K5 (opened
  /// 01-05, 85 days) and K3 (03-02, 29 days); K4 (03-21, 10 days) and K6 (03-30) are not.
  /// Oldest first. K5 is R1's case, K3 R2's (cases follow their own rep).
  @Test func casesOverFourteenDaysAreThoseCases() throws {
    let all = engine.drillDown(
      .casesOpenOver14d, period: HandFixture.march, reps: try reps(.everyone, ledger))
    #expect(all.kind == .caseRow)
    #expect(ids(all) == ["K5", "K3"])
    #expect(all.value == .count(2))
    #expect(all.rows.map { $0.cells[7] } == [.count(85), .count(29)])
    let r1 = engine.drillDown(
      .casesOpenOver14d, period: HandFixture.march, reps: try reps(.rep("R1"), ledger))
    #expect(ids(r1) == ["K5"])
    #expect(r1.value == .count(1))
    let r2 = engine.drillDown(
      .casesOpenOver14d, period: HandFixture.march, reps: try reps(.rep("R2"), ledger))
    #expect(ids(r2) == ["K3"])
  }

  /// Past due at the end of March by customer: C1 has I1 400 (dpd 50) and I6 2,000 (dpd
  /// 151) → 2,400, all past due; nobody else has a past-due balance (C2's I4 600 is current).
  @Test func pastDueRowsAreCustomersByPastDueBalance() throws {
    let d = engine.drillDown(
      .pastDueEnd, period: HandFixture.march, reps: try reps(.everyone, ledger))
    #expect(d.kind == .customer)
    #expect(ids(d) == ["C1"])
    #expect(d.value == .money(240_000))
    // Open AR at the end: C1 2,400 and C2 600 (I4, current), past due first.
    let open = engine.drillDown(
      .arOpenEnd, period: HandFixture.march, reps: try reps(.everyone, ledger))
    #expect(ids(open) == ["C1", "C2"])
    #expect(open.value == .money(300_000))
  }

  static let scopes: [Scope] = [.everyone, .rep("R1"), .rep("R2"), .rep("R3"), .team("A")]

  /// Every metric, every scope, March and February: the rows' value is the tile's.
  @Test func everyMetricsRowsAddUpToItsTileOnTheHandFixture() throws {
    let february = HandFixture.march.previous
    var checked = 0
    for period in [HandFixture.march, february] {
      for scope in Self.scopes {
        let tile = try KPIReport(engine: engine, period: period, scope: scope)
        for key in MetricKey.allCases {
          let d = engine.drillDown(key, period: period, reps: try reps(scope, ledger))
          #expect(d.value == tile[key], "\(key) \(scope) \(period)")
          checked += 1
        }
      }
    }
    #expect(checked == 2 * 5 * MetricKey.allCases.count)
  }

  /// The same on the sample (Data/sample): every metric for everyone, each team and each rep,
  /// for the latest full quarter and one ISO week.
  @Test func everyMetricsRowsAddUpToItsTileOnTheSample() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().path
    let path = NSTemporaryDirectory() + "arcadence-drill-sample-\(UUID().uuidString).sqlite"
    let store = try Store(path: path)
    _ = try Importer().run(directory: root + "/Data/sample", into: store)
    let l = try store.loadLedger()
    let e = KPIEngine(ledger: l)
    let last = try #require(l.lastEventDay)
    let quarter = Period.latestFullQuarter(endingBy: last)
    let week = Period.lastFullISOWeek(endingBy: last)
    let scopes: [Scope] = [.everyone] + l.teams.map { .team($0) } + l.repIds.map { .rep($0) }
    var nonEmpty = 0
    for period in [quarter, week] {
      for scope in scopes {
        let tile = try KPIReport(engine: e, period: period, scope: scope)
        for key in MetricKey.allCases {
          let d = e.drillDown(key, period: period, reps: try scope.reps(in: l))
          #expect(d.value == tile[key], "\(key) \(scope) \(period)")
          if !d.rows.isEmpty { nonEmpty += 1 }
        }
      }
    }
    // Not a vacuous check: most metrics have rows on the sample.
    #expect(nonEmpty > scopes.count * MetricKey.allCases.count)
  }
}
