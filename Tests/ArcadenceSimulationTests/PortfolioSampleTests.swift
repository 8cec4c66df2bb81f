import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

@Suite struct PortfolioSampleTests {
  /// 400 open invoices on 40 customers, every third with two recent contacts, and 1,000
  /// invoices to be issued in the horizon.
  func book() -> Portfolio {
    var p = PortfolioFixture.spread(count: 400, customers: 40)
    p.invoiceLedger = (0..<400).map { Int32($0) }
    p.contactStart = [0]
    for i in 0..<400 {
      if i % 3 == 0 {
        p.contactDay += [-Int32(1 + i % 7), -20]
        p.contactReached += [true, i % 2 == 0]
      }
      p.contactStart.append(Int32(p.contactDay.count))
    }
    for k in 0..<1000 {
      p.invoiceCustomer.append(Int32(k % 40))
      p.invoiceBalance.append(0)
      p.invoiceIssue.append(Int32(k % 90))
      p.invoiceDue.append(Int32(k % 90 + 30))
      p.invoiceLedger.append(-1)
      p.disputeOpened.append(Int32.min)
      p.promiseDay.append(Int32.max)
      p.contactStart.append(Int32(p.contactDay.count))
    }
    return p
  }

  /// Exactly the requested number of open invoices, each as it was in the whole book
  /// (balance, due date, contacts), in the original order; the same share of the new
  /// invoices (100 of 400 open → about 250 of 1,000 new, binomial SD ≈ 14); the same seed
  /// picks the same invoices and another seed others.
  @Test func sampleIsAThinningOfTheBook() {
    let whole = book()
    let s = whole.sample(openInvoices: 100, seed: 7)
    #expect(s.openCount == 100)
    let kept = s.invoiceLedger.prefix(100).map(Int.init)
    #expect(kept == kept.sorted() && Set(kept).count == 100)
    for (j, i) in kept.enumerated() {
      #expect(s.invoiceBalance[j] == whole.invoiceBalance[i])
      #expect(s.invoiceDue[j] == whole.invoiceDue[i])
      #expect(s.invoiceCustomer[j] == whole.invoiceCustomer[i])
      let mine = Int(s.contactStart[j])..<Int(s.contactStart[j + 1])
      let theirs = Int(whole.contactStart[i])..<Int(whole.contactStart[i + 1])
      #expect(Array(s.contactDay[mine]) == Array(whole.contactDay[theirs]))
      #expect(Array(s.contactReached[mine]) == Array(whole.contactReached[theirs]))
    }
    let new = s.invoiceCount - s.openCount
    #expect(new > 200 && new < 300, "new invoices kept: \(new)")
    #expect(s.contactStart.count == s.invoiceCount + 1)
    #expect(s.customerSegment == whole.customerSegment)
    #expect(whole.sample(openInvoices: 100, seed: 7).invoiceLedger == s.invoiceLedger)
    #expect(whole.sample(openInvoices: 100, seed: 8).invoiceLedger != s.invoiceLedger)
    let all = whole.sample(openInvoices: 400, seed: 7)
    #expect(all.invoiceLedger.prefix(400) == whole.invoiceLedger.prefix(400))
    #expect(all.invoiceCount == whole.invoiceCount)
  }

  /// The start state as CSV: a header and one row per invoice.
  @Test func csvHasOneRowPerInvoice() {
    var p = Portfolio(
      start: Day(iso: "2026-11-01")!, customerSegment: [0, 1], customerAutopay: [false, true],
      invoiceCustomer: [1, 0], invoiceBalance: [12_345, 500], invoiceDue: [-10, 5])
    p.disputeOpened = [-3, Int32.min]
    p.promiseDay = [Int32.max, 4]
    p.contactDay = [-2, -9]
    p.contactReached = [true, false]
    p.contactStart = [0, 2, 2]
    let lines = p.csv(segments: ["a", "b"]).split(separator: "\n").map(String.init)
    #expect(
      lines == [
        "kind,ledger_index,customer,segment,autopay,balance,issue_day,due_day,"
          + "dispute_opened,promise_day,contacts,amounts",
        "open,-1,1,b,1,12345,-40,-10,-3,,-2:1;-9:0,",
        "open,-1,0,a,0,500,-30,5,,4,,",
      ])
  }

  @Test func scenarioStatesTheSampleSize() throws {
    let s = try Scenario.parse("open_invoices: 5000\npolicies: [{name: a}]\n", file: "s.yaml")
    #expect(s.openInvoices == 5000)
    let all = try Scenario.parse("open_invoices: all\npolicies: [{name: a}]\n", file: "s.yaml")
    #expect(all.openInvoices == nil)
    #expect(throws: ArcadenceError.self) {
      try Scenario.parse("open_invoices: 0\npolicies: [{name: a}]\n", file: "s.yaml")
    }
  }

  /// On the sample store (1,720 open invoices): a sample of 500, and an error naming the
  /// file and the count when the store has fewer open invoices than asked.
  @Test func runSamplesTheStoresBook() throws {
    let (ledger, links) = try SampleData.get()
    let text = "open_invoices: 500\nnew_invoices: false\npolicies: [{name: observed}]\n"
    let scenario = try Scenario.parse(text, file: "s.yaml")
    let run = try SimulationRun(scenario: scenario, ledger: ledger, links: links, paths: 1)
    #expect(run.portfolio.openCount == 500 && run.portfolio.invoiceCount == 500)
    var big = scenario
    big.openInvoices = 2000
    do {
      _ = try SimulationRun(scenario: big, ledger: ledger, links: links, paths: 1)
      Issue.record("expected an error")
    } catch let e as ArcadenceError {
      #expect(
        e.message
          == "s.yaml: open_invoices: 2000, but the store has only 1720 invoices open at 2026-11-01"
      )
    }
  }
}
