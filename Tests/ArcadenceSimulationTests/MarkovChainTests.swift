import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

@Suite struct MarkovChainTests {
  let paid: [[Double]] = [
    [0.01, 0.05, 0.04, 0.03, 0.02, 0.01, 0.005], [0.012, 0.07, 0.04, 0.025, 0.015, 0.008, 0.004],
  ]
  let writeOff: [Double] = [0, 0, 0, 0, 0, 0.001, 0.004]

  /// $100 due today (dpd 0, paid 0.05 a day) over three days: 100 × 0.05 × (1 + 0.95 +
  /// 0.95²) = $14.2625. At 91+ days it is eventually collected with probability
  /// 0.005 ÷ (0.005 + 0.995 × 0.004) = 0.556793.
  @Test func closedFormByHand() {
    let chain = MarkovChain(paid: paid, writeOff: writeOff)
    let one = Portfolio(
      start: Day(iso: "2026-11-01")!, customerSegment: [0], invoiceCustomer: [0],
      invoiceBalance: [10_000], invoiceDue: [0])
    let r = chain.expected(one, horizon: 3)
    #expect(abs(r.totalCash - 1_426.25) < 1e-9)
    #expect(abs(r.endingAR - 10_000 * 0.95 * 0.95 * 0.95) < 1e-9)
    let old = Portfolio(
      start: Day(iso: "2026-11-01")!, customerSegment: [0], invoiceCustomer: [0],
      invoiceBalance: [10_000], invoiceDue: [-200])
    let share = chain.expected(old, horizon: 1).eventualShareByBucket[6]
    #expect(abs(share - 0.005 / (0.005 + 0.995 * 0.004)) < 1e-12)
    #expect(abs(share - 0.556_793) < 1e-6)
  }

  /// Monte Carlo in the aging-chain setting (the chain's rates as hazards; no contacts,
  /// lifts, promises, disputes, auto-pay, shock or new invoices) agrees with the closed form
  /// within its own 95 % confidence intervals: cash, write-offs and ending AR.
  @Test func monteCarloAgreesWithTheChain() {
    let chain = MarkovChain(paid: paid, writeOff: writeOff)
    let portfolio = PortfolioFixture.spread(
      count: 150, customers: 20, segments: 2, firstDue: -120, step: 1)
    let expected = chain.expected(portfolio, horizon: 90)
    let r = Simulator(
      portfolio: portfolio, parameters: chain.monteCarloParameters, policies: [.none()],
      settings: SimulationSettings(
        horizon: 90, paths: 2000, seed: 17, threads: 2, portfolioShock: false)
    ).run()
    let o = r.outcomes[0]
    #expect(abs(o.totalCash.mean - expected.totalCash) <= o.totalCash.ci95)
    #expect(abs(o.writeOffs.mean - expected.writeOffs) <= o.writeOffs.ci95)
    #expect(abs(o.endingAR.mean - expected.endingAR) <= o.endingAR.ci95)
    #expect(abs(o.d90Plus.mean - expected.d90Plus) <= o.d90Plus.ci95)
  }
}
