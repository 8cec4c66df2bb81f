import ArcadenceCore
import ArcadenceGenerator
import Foundation
import Testing
import Yams

@testable import ArcadenceSimulation
@testable import ArcadenceStore

@Suite struct CalibrationTests {
  /// Two invoices of one customer, issued on day 0 and due on day 10; A is paid on day 12,
  /// B is still open at the cutoff (day 20). Life table: not due, 10 + 10 = 20 days and no
  /// payment; 0–7 past due, A's days 10–12 and B's days 10–17 = 11 days with one payment
  /// (B is censored, not dropped): 1/11 = 0.0909; 8–14, B's days 18–20 = 3 days.
  @Test func lifeTableCountsCensoredDays() {
    let d0 = Day(iso: "2026-01-01")!.rawValue
    var l = Ledger()
    l.repIds = ["R1"]
    l.repNames = ["Ann"]
    l.repTeams = [nil]
    l.customerIds = ["C1"]
    l.customerNames = ["Acme"]
    l.customerSegments = ["smb"]
    l.customerRep = [0]
    l.customerTerms = [10]
    l.customerCreated = [d0 - 100]
    l.customerAutopayOn = [Int32.max]
    l.customerAutopayOff = [Int32.max]
    l.invoiceIds = ["A", "B"]
    l.invoiceCustomer = [0, 0]
    l.invoiceIssued = [d0, d0]
    l.invoiceDue = [d0 + 10, d0 + 10]
    l.invoiceAmount = [10_000, 20_000]
    l.paymentCustomer = [0]
    l.paymentInvoice = [0]
    l.paymentReceived = [d0 + 12]
    l.paymentAmount = [10_000]
    l.buildIndexes()
    let c = Calibration.fit(ledger: l, links: InvoiceLinks(), until: Day(rawValue: d0 + 20))
    #expect(c.segments == ["smb"])
    let h = c.hazard[0]
    #expect(h[0].events == 0 && h[0].exposure == 20)
    #expect(h[1].events == 1 && h[1].exposure == 11)
    #expect(h[2].events == 0 && h[2].exposure == 3)
    // Thin: topped up to 30 events at the pooled rate, which (one segment) is its own rate.
    #expect(h[1].thin && abs(h[1].value - 1.0 / 11) < 1e-12)
    #expect(abs(c.paidRate[0][1].value - 1.0 / 11) < 1e-12)
  }

  @Test func yamlRoundTrips() throws {
    let c = CalibrationFixture.calibration
    let back = try Calibration.parse(c.yaml, file: "c.yaml")
    #expect(back.until == c.until && back.segments == c.segments)
    #expect(back.hazard.map { $0.map(\.value) } == c.hazard.map { $0.map(\.value) })
    #expect(back.writeOff.map(\.value) == c.writeOff.map(\.value))
    #expect(back.reach.map(\.value) == c.reach.map(\.value))
    #expect(back.pKept.value == 0.7 && back.pKeptObserved.value == 0.85)
    #expect(back.cadence == c.cadence && back.repeatEveryDays == 15)
    #expect(back.lifts == c.lifts && back.reps == 4 && back.callsPerRepPerDay == 5)
    #expect(back.promiseLeadDays == c.promiseLeadDays)
    // Quantiles are written to three decimals.
    #expect(
      zip(back.resolutionDays.quantiles, c.resolutionDays.quantiles).allSatisfy {
        abs($0 - $1) < 5e-4
      })
    let broken = c.yaml.replacingOccurrences(
      of: "p_dispute: {value: 0.1", with: "p_dispute: {value: 1.1")
    #expect(throws: ArcadenceError.self) { try Calibration.parse(broken, file: "c.yaml") }
  }

  /// Parameter recovery: data generated from a known model (1,200 customers × 12 months,
  /// seed 3), imported and calibrated, gives back the generator's values. Tolerances: a
  /// hazard within max(15 %, 3/√events) of the truth (about three standard errors); reach,
  /// promise, kept, dispute and auto-pay rates within the absolute margins below.
  @Test func recoversTheGeneratorsModel() throws {
    let dir = NSTemporaryDirectory() + "arcadence-recovery-\(UUID().uuidString)"
    let options = GeneratorOptions(
      customers: 1200, months: 12, seed: 3, reps: 12, teams: 2,
      start: Day(iso: "2025-05-01")!)
    let truth = try Generator.run(options, into: dir).truth
    let store = try Store(path: dir + ".sqlite")
    _ = try Importer().run(directory: dir, into: store)
    let ledger = try store.loadLedger()
    let c = Calibration.fit(
      ledger: ledger, links: try store.loadInvoiceLinks(for: ledger), until: options.end)
    var worst = 0.0
    for seg in truth.segments {
      let s = try #require(c.segments.firstIndex(of: seg.name))
      for b in 0..<AgingBucket.count {
        let e = c.hazard[s][b]
        let rel = abs(e.value - seg.hazards[b]) / seg.hazards[b]
        let tolerance = max(0.15, 3 / e.events.squareRoot())
        worst = max(worst, rel / tolerance)
        #expect(
          rel <= tolerance, "\(seg.name) \(AgingBucket.labels[b]): \(e.value) vs \(seg.hazards[b])")
      }
    }
    let skill = truth.reps.map(\.reachSkill).reduce(0, +) / Double(truth.reps.count)
    let rates: [(String, Double, Double, Double)] = [
      ("reach call", c.reach[0].value, truth.callReach * skill, 0.02),
      ("reach email", c.reach[1].value, truth.emailReach, 0.01),
      ("p_promise", c.pPromise.value, truth.pPromise, 0.02),
      ("p_kept", c.pKept.value, truth.pKept, 0.05),
      ("p_dispute", c.pDispute.value, truth.pDispute, 0.02),
      ("p_autopay_accept", c.pAutopayAccept.value, truth.pAutopayAccept, 0.02),
      ("autopay_on_time", c.autopayOnTime.value, truth.autopayOnTime, 0.015),
    ]
    for (name, got, want, tolerance) in rates {
      #expect(abs(got - want) <= tolerance, "\(name): \(got) vs \(want)")
    }
    print(
      "recovery: worst hazard error \(String(format: "%.2f", worst)) of its tolerance; "
        + rates.map { "\($0.0) \(String(format: "%.4f", $0.1)) vs \(String(format: "%.4f", $0.2))" }
        .joined(separator: ", "))
    // The cadence the generator follows: tasks at 1 (email), 5, 12 (calls), …
    #expect(
      c.cadence.prefix(3) == [
        CadenceStep(dpd: 1, channel: .email), CadenceStep(dpd: 5, channel: .call),
        CadenceStep(dpd: 12, channel: .call),
      ])
    #expect(c.repeatEveryDays == truth.repeatEveryDays)
  }

  /// A terminal gets at most 12 hazard-cell lines and a count of the rest; other warnings
  /// (the lift's) all stay, wherever they are. 20 cells and one lift line: the first 12
  /// cells, "… and 8 more", the lift line; 12 cells or fewer: unchanged.
  @Test func manyThinCellsAreCountedNotListed() {
    let cells = (1...20).map { "hazard s\($0) not_due rests on 0 payments" }
    let lines = cells + ["lift: estimated on 3 tasks"]
    let short = Calibration.shortened(lines)
    #expect(short.count == 14)
    #expect(Array(short.prefix(12)) == Array(cells.prefix(12)))
    #expect(
      short[12]
        == "… and 8 more thin or zero hazard cells (`arcadence calibrate` writes every "
        + "cell's counts)")
    #expect(short[13] == "lift: estimated on 3 tasks")
    #expect(Calibration.shortened(Array(cells.prefix(12))) == Array(cells.prefix(12)))
    #expect(Calibration.shortened(["lift: x"] + cells.prefix(13)).first == "lift: x")
  }
}
