import ArcadenceCore
import ArcadenceStore

/// Computes every KPI of `spec/kpis.md` from a ``Ledger``.
///
/// One pass over each table attributes each row to its rep and accumulates ``RepTotals``;
/// scopes are then sums of rep totals (see ``RepTotals``), so the full scorecard costs the
/// same single pass as one KPI pack. O(rows) per period.
public struct KPIEngine: Sendable {
  /// The data computed from.
  public let ledger: Ledger

  /// An engine over a loaded ledger.
  public init(ledger: Ledger) { self.ledger = ledger }

  /// Aging bucket of a days-past-due value in kpis.md's five (``AgingBuckets/standard``):
  /// 0 current (≤ 0), 1 (1–30), 2 (31–60), 3 (61–90), 4 (> 90).
  @inline(__always)
  public static func agingBucket(dpd: Int32) -> Int {
    AgingBuckets.standard.bucket(age: dpd)
  }

  /// The age limit of an open case (kpis.md, `cases_open_over_14d`): a case is over it at
  /// the end of `asOf` when `asOf − date(opened_at) > 14` calendar days.
  public static let caseAgeLimitDays: Int32 = 14

  /// The grace after a promised date (kpis.md, "Promises to pay"): a promise is judged at
  /// the end of `promised_on + 3`, and payments up to that day count towards it.
  public static let promiseGraceDays: Int32 = 3

  /// The last day of a promise's window, `promised_on + ``promiseGraceDays```: payments
  /// received from `made_on` to this day count towards it, and it is due once this day ends.
  /// Dates are bounded to years 0001–9999 on import, so the sum cannot overflow.
  @inline(__always)
  public static func promiseWindowEnd(promisedOn: Int32) -> Int32 {
    promisedOn + promiseGraceDays
  }

  /// Whether a case opened on `openedOn` (its UTC date) and still open is over the age
  /// limit at the end of `asOf`. O(1).
  @inline(__always)
  public static func caseOverLimit(openedOn: Int32, asOf: Int32) -> Bool {
    Int64(asOf) - Int64(openedOn) > Int64(caseAgeLimitDays)
  }

  /// Whether case `k` of `ledger` is stuck at the end of `d`: open then
  /// (``Ledger/isCaseOpen(_:atEndOf:)``) and over the age limit (``caseOverLimit(openedOn:asOf:)``),
  /// as kpis.md's `cases_open_over_14d` counts it. O(1).
  public static func isCaseStuck(_ k: Int, in ledger: Ledger, atEndOf d: Day) -> Bool {
    ledger.isCaseOpen(k, atEndOf: d)
      && caseOverLimit(openedOn: ledger.caseOpenedOn(k).rawValue, asOf: d.rawValue)
  }

  /// The totals of every rep (indexed like `ledger.repIds`) for `period`: one pass per table,
  /// each row added into its rep's totals by its rule in `KPIEngine+Terms.swift` (the same
  /// functions give the drill-down rows their terms). O(rows + invoice events).
  public func repTotals(_ period: Period) -> [RepTotals] {
    let l = ledger
    precondition(
      l.selection.covers(period),
      "the ledger was loaded without all the activities, promises and tasks of \(period)")
    precondition(
      l.selection.columns.isSuperset(of: [.activityDetails, .customerPayments]),
      "the ledger was loaded without the activities' details or the payments per customer")
    var t = [RepTotals](repeating: RepTotals(), count: l.repIds.count)
    let b = Bounds(period)
    for i in l.invoiceAmount.indices {
      let r = l.owner(invoice: i)
      addSales(i, b, into: &t[r])
      addCohort(i, b, into: &t[r])
      addAging(i, b, into: &t[r])
    }
    for k in l.paymentAmount.indices {
      addPayment(k, b, into: &t[l.owner(customer: Int(l.paymentCustomer[k]))])
    }
    let active = activeInYear(b)
    for c in l.customerIds.indices where active[c] {
      addAutopayCustomer(c, b, into: &t[l.owner(customer: c)])
    }
    for k in l.caseOpenedAt.indices { addCase(k, b, into: &t[l.owner(case: k)]) }
    for k in l.taskDue.indices { addTask(k, b, into: &t[Int(l.taskRep[k])]) }
    for k in l.promiseMade.indices { addPromise(k, b, into: &t[Int(l.promiseRep[k])]) }
    for k in l.activityDay.indices { addActivity(k, b, into: &t[Int(l.activityRep[k])]) }
    return t
  }

  /// The collection-rate terms of invoice `i` judged at the end of day `asOf` (kpis.md,
  /// `collection_rate`): its net amount (amount − credit memos posted ≤ asOf) and what was
  /// collected (applied payments received ≤ asOf, capped at the net amount). Write-offs are
  /// neither.
  @inline(__always)
  public func cohortAmounts(_ i: Int, asOf: Int32) -> (net: Int64, collected: Int64) {
    let l = ledger
    var credits: Int64 = 0
    var paid: Int64 = 0
    var k = Int(l.invoiceEventStart[i])
    let end = Int(l.invoiceEventStart[i + 1])
    while k < end, l.eventDay[k] <= asOf {
      switch l.eventKind[k] {
      case .payment: paid += l.eventAmount[k]
      case .creditMemo: credits += l.eventAmount[k]
      case .writeOff: break
      }
      k += 1
    }
    let net = l.invoiceAmount[i] - credits
    return (net, min(net, paid))
  }

  /// Whether promise `k` is due at the end of day `asOf` (promised_on + 3 ≤ asOf) and, if so,
  /// kept: the customer's payments (any invoice or none) received in [made_on,
  /// promised_on + 3] add up to at least its amount (kpis.md, "Promises to pay").
  @inline(__always)
  public func promiseOutcome(_ k: Int, asOf: Int32) -> (due: Bool, kept: Bool) {
    let l = ledger
    let windowEnd = KPIEngine.promiseWindowEnd(promisedOn: l.promisePromised[k])
    guard windowEnd <= asOf else { return (false, false) }
    let paid = l.customerPayments(
      Int(l.promiseCustomer[k]), from: l.promiseMade[k], to: windowEnd)
    return (true, paid >= l.promiseAmount[k])
  }
}
