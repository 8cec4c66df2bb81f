import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceStore

/// The derived indices (``Ledger/buildIndexes()``) and the columns a job may leave out
/// (``LedgerColumns``), on ledgers small enough to check by hand.
@Suite struct LedgerIndexTests {
  /// Two customers, three invoices; payments and adjustments deliberately out of day order
  /// within an invoice and a customer, with ties between a payment and an adjustment.
  func ledger() -> Ledger {
    var l = Ledger()
    l.repIds = ["R1"]
    l.repNames = ["Ann"]
    l.repTeams = [nil]
    l.customerIds = ["C1", "C2"]
    l.customerNames = ["Acme", "Bolt"]
    l.customerSegments = [nil, nil]
    l.customerRep = [0, 0]
    l.customerTerms = [30, 30]
    l.customerCreated = [0, 0]
    l.customerAutopayOn = [.max, .max]
    l.customerAutopayOff = [.max, .max]
    l.invoiceIds = ["I1", "I2", "I3"]
    l.invoiceCustomer = [0, 0, 1]
    l.invoiceIssued = [1, 1, 1]
    l.invoiceDue = [31, 31, 31]
    l.invoiceAmount = [1_000, 2_000, 3_000]
    // Rows: P0 I1 day 20 300, P1 I2 day 5 100, P2 I1 day 10 200, P3 unapplied C2 day 7 50,
    // P4 I1 day 10 400, P5 I3 day 15 600.
    l.paymentCustomer = [0, 0, 0, 1, 0, 1]
    l.paymentInvoice = [0, 1, 0, -1, 0, 2]
    l.paymentReceived = [20, 5, 10, 7, 10, 15]
    l.paymentAmount = [300, 100, 200, 50, 400, 600]
    // Rows: A0 I1 day 10 credit memo 25, A1 I3 day 3 write-off 10.
    l.adjustmentInvoice = [0, 2]
    l.adjustmentPosted = [10, 3]
    l.adjustmentAmount = [25, 10]
    l.adjustmentIsCreditMemo = [true, false]
    return l
  }

  /// Each invoice's events by day; equal days keep row order, payments before adjustments:
  /// I1 = P2 (10, 200), P4 (10, 400), A0 (10, 25 credit memo), P0 (20, 300); I2 = P1; I3 =
  /// A1 (3, write-off 10), P5 (15, 600).
  @Test func eventsOfEachInvoiceAreOrderedByDayKeepingRowOrderOnTies() {
    var l = ledger()
    l.buildIndexes()
    #expect(l.invoiceEventStart == [0, 4, 5, 7])
    #expect(l.eventDay == [10, 10, 10, 20, 5, 3, 15])
    #expect(l.eventAmount == [200, 400, 25, 300, 100, 10, 600])
    #expect(
      l.eventKind == [.payment, .payment, .creditMemo, .payment, .payment, .writeOff, .payment])
    // I1 at the end of day 10: 1,000 − 200 − 400 − 25 = 375; of day 20: 75.
    #expect(l.balance(0, at: 9) == 1_000 && l.balance(0, at: 10) == 375)
    #expect(l.balance(0, at: 20) == 75)
  }

  /// Each customer's payments by day with running totals: C1 = P1 (5, 100), P2 (10, 200), P4
  /// (10, 400), P0 (20, 300): totals 0, 100, 300, 700, 1,000; C2 = P3 (7, 50), P5 (15, 600):
  /// 1,050, 1,650.
  @Test func paymentsOfEachCustomerAreOrderedByDayWithRunningTotals() {
    var l = ledger()
    l.buildIndexes()
    #expect(l.customerPaymentStart == [0, 4, 6])
    #expect(l.customerPaymentDay == [5, 10, 10, 20, 7, 15])
    #expect(l.customerPaymentTotal == [0, 100, 300, 700, 1_000, 1_050, 1_650])
    // C1 from day 6 to day 10: 200 + 400; C2 on days 1–7: 50.
    #expect(l.customerPayments(0, from: 6, to: 10) == 600)
    #expect(l.customerPayments(1, from: 1, to: 7) == 50)
  }

  /// Without ``LedgerColumns/customerPayments`` the per-customer index is not built; the
  /// invoice events are the same.
  @Test func thePaymentsPerCustomerAreBuiltOnlyWhenChosen() {
    var l = ledger()
    l.selection.columns = [.invoiceIds]
    l.buildIndexes()
    #expect(l.customerPaymentStart.isEmpty && l.customerPaymentTotal.isEmpty)
    #expect(l.eventAmount == [200, 400, 25, 300, 100, 10, 600])
  }

  /// Restricting to no optional column empties exactly those columns: the invoices' ids, the
  /// activities' customer, rep, channel, flags and outcome, the tasks' customer and kind, the
  /// payments per customer; an activity's day and a task's rep and days stay.
  @Test func restrictingColumnsEmptiesExactlyThoseColumns() {
    var l = ledger()
    l.activityCustomer = [0, 1]
    l.activityRep = [0, 0]
    l.activityDay = [4, 9]
    l.activityChannel = [.call, .email]
    l.activityOutbound = [true, false]
    l.activityReached = [true, false]
    l.activityOutcome = ["connected", "no_answer"]
    l.taskRep = [0]
    l.taskCustomer = [1]
    l.taskKind = ["call"]
    l.taskDue = [12]
    l.taskCompleted = [.max]
    l.buildIndexes()
    var none = LedgerSelection.everything
    none.columns = []
    let r = l.restricted(to: none)
    #expect(r.invoiceIds.isEmpty && r.activityRep.isEmpty && r.activityChannel.isEmpty)
    #expect(r.activityOutbound.isEmpty && r.activityReached.isEmpty && r.activityOutcome.isEmpty)
    #expect(r.customerPaymentStart.isEmpty && r.customerPaymentDay.isEmpty)
    #expect(r.activityCustomer.isEmpty && r.taskCustomer.isEmpty && r.taskKind.isEmpty)
    #expect(r.activityDay == [4, 9] && r.taskRep == [0] && r.taskDue == [12])
    #expect(r.invoiceAmount == [1_000, 2_000, 3_000] && r.customerIds == ["C1", "C2"])
    #expect(r.eventAmount == l.eventAmount)
    #expect(l.restricted(to: .everything) == l)
  }
}
