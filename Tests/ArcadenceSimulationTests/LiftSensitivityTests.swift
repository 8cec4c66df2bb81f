import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

@Suite struct LiftSensitivityTests {
  let start = Day(iso: "2026-11-01")!

  /// One $100 invoice 10 days past due, a 0.25 daily hazard (cap 1), 2 days. "agency" sends
  /// it to an agency with lift 3 on day one: hazard 0.25 × 4 = 1, paid on day 0 on every path,
  /// $75 kept after the 25 % fee. "call" calls it on day 0 and always reaches; the reached
  /// lift works from day 1 on. Lift 0: the invoice pays with probability 1 − 0.75² = 0.4375
  /// within the 2 days, $43.75 expected: agency first. Lift 4: day 1's hazard is 0.25 × (1 +
  /// 4 · e^(−1/7)) = 1.117, capped at 1, so every path is paid by day 1, $100: call first.
  /// Lift 8: the same $100: the ranking at 4 holds at 8, and flips at 0.
  @Test func rankingHoldsOrFlipsWithTheLift() throws {
    let portfolio = Portfolio(
      start: start, customerSegment: [0], invoiceCustomer: [0], invoiceBalance: [10_000],
      invoiceDue: [-10])
    func run(_ lift: Double) -> SimulationResult {
      let params = ModelParameters(
        segments: ["one"], hazard: [[Double](repeating: 0.25, count: 7)], reach: [1, 0, 0, 0],
        lifts: Lifts(reached: lift, reachedDecayDays: 7, unreached: 0), hazardCap: 1)
      return Simulator(
        portfolio: portfolio, parameters: params,
        policies: [
          Policy(name: "agency", escalations: [.init(atDpd: 0, to: .agency, lift: 3, fee: 0.25)]),
          Policy(name: "call", steps: [CadenceStep(dpd: 10, channel: .call)]),
        ],
        settings: SimulationSettings(horizon: 2, paths: 4000, seed: 9, portfolioShock: false)
      ).run()
    }
    let base = run(4)
    #expect(base.outcomes[0].totalCash.mean == 7_500)
    #expect(base.outcomes[1].totalCash.mean == 10_000)
    let rows = LiftSensitivity.rows(lifts: [0, 8], inForce: 4, base: base, simulate: run)
    #expect(rows.map(\.lift) == [0, 8, 4])
    #expect(rows.map(\.ranking) == [[0, 1], [1, 0], [1, 0]])
    #expect(rows.map(\.holds) == [false, true, true])
    // Lift 0: $43.75 − $75 = −$31.25 expected; the paired mean within its own 95 % CI.
    let flip = rows[0].comparisons[0]
    #expect(abs(flip.cashDifference - -3_125) <= flip.pairedCI95)
    #expect(rows[1].comparisons[0].cashDifference == 2_500)
    let s = LiftSensitivity(
      policies: ["agency", "call"], liftInForce: 4, source: "assumed", warning: nil, rows: rows,
      paths: 4000,
      seed: 9)
    #expect(!s.rankingHolds)
    #expect(s.table(scenario: "t").contains("CHANGES"))
    #expect(s.json.rendered().contains("\"ranking_holds\": false"))
  }

  /// `auto` or up to 10 lifts in 0…20; anything else is a usage error naming the option and
  /// the value.
  @Test func parsesTheLiftList() throws {
    #expect(try LiftSensitivity.parse("auto") == nil)
    #expect(try LiftSensitivity.parse("1, 1.5,2,3") == [1, 1.5, 2, 3])
    for bad in ["", "1,,2", "-1", "21", "nan", "x", "1,2,3,4,5,6,7,8,9,10,11"] {
      #expect(throws: ArcadenceError.self) { try LiftSensitivity.parse(bad) }
      do {
        _ = try LiftSensitivity.parse(bad)
      } catch let e as ArcadenceError {
        #expect(e.exitStatus == 2 && e.description.contains("--lift-sensitivity"))
      }
    }
  }

  /// Defaults: the estimate's interval ends and point when estimated, otherwise ½, 1 and 1½
  /// times the lift in force.
  @Test func defaultLifts() {
    #expect(LiftSensitivity.defaultLifts(nil, inForce: 2) == [1, 2, 3])
  }
}
