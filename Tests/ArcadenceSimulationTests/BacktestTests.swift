import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

@Suite struct BacktestTests {
  /// Backtest on the sample data: calibrate on data before 2026-08-03, simulate 12 weeks of
  /// the observed cadence (100 paths), compare with what happened.
  @Test func sampleBacktest() throws {
    let (ledger, links) = try SampleData.get()
    let b = try Backtest.run(
      ledger: ledger, links: links, cutoff: Day(iso: "2026-08-03")!, horizon: 84, paths: 100,
      seed: 1, threads: 2)
    print(
      String(
        format: "backtest: total-cash error %+.2f%%, weekly APE %.1f%%, band coverage %d/%d",
        b.totalCashError * 100, b.weeklyAbsolutePercentageError * 100,
        b.weeks.filter(\.covered).count, b.weeks.count))
    #expect(b.weeks.count == 12)
    #expect(abs(b.totalCashError) < 0.06)
    #expect(b.weeklyAbsolutePercentageError < 0.12)
    #expect(b.bandCoverage >= 0.75)
    // Actual cash is what the store says: every payment received in the 84 days.
    let from = Day(iso: "2026-08-03")!.rawValue
    let direct = ledger.paymentReceived.indices.filter {
      ledger.paymentReceived[$0] >= from && ledger.paymentReceived[$0] < from + 84
    }.reduce(Int64(0)) { $0 + ledger.paymentAmount[$1] }
    #expect(b.actualTotal == direct)
  }

  @Test func horizonMustEndInsideTheData() throws {
    let (ledger, links) = try SampleData.get()
    #expect(throws: ArcadenceError.self) {
      try Backtest.run(
        ledger: ledger, links: links, cutoff: Day(iso: "2026-10-01")!, horizon: 90, paths: 10)
    }
  }

  /// The sample store end to end: the observed policy from the calibration, one thread and
  /// two give the same JSON bytes, and the store's open invoices are the start state.
  @Test func sampleScenarioIsDeterministic() throws {
    let (ledger, links) = try SampleData.get()
    let scenario = try Scenario.load(path: SampleData.root + "/Scenarios/capacity-cut.yaml")
    func json(_ threads: Int) throws -> String {
      let run = try SimulationRun(
        scenario: scenario, ledger: ledger, links: links, paths: 12, horizon: 30,
        threads: threads)
      return run.run().json(scenario: scenario.name, calibration: run.calibrationLabel).rendered()
    }
    #expect(try json(1) == json(2))
    let run = try SimulationRun(scenario: scenario, ledger: ledger, links: links, paths: 1)
    #expect(run.portfolio.start.description == "2026-11-01")
    #expect(run.portfolio.openCount == 1720)
    // (12 − 2) reps × 3.33 calls: the median day of the last 90 with calls is 40 calls for 12
    // reps (it was 4.5, the busiest day, before capacity became typical throughput).
    #expect(run.policies[1].callsPerDay == 33)
  }
}
