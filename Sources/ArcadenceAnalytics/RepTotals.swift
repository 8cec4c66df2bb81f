/// Additive totals of one rep's share of every KPI for one period.
///
/// Every row of the store belongs to exactly one rep (invoices, payments, adjustments, aging
/// and auto-pay through the customer's rep; activities, promises, cases and tasks through
/// their own rep_id — kpis.md, "Scope"), so the totals of any scope — one rep, a team,
/// everyone — are the sums of its reps' totals, and the ratios are derived from the sums.
/// Only the resolution times are kept as a list, for their median and 90th percentile.
public struct RepTotals: Sendable, Equatable {
  // Cash.
  public var collected: Int64 = 0
  public var paymentsCount = 0
  public var unapplied: Int64 = 0
  public var creditSales: Int64 = 0
  public var cohortBilled: Int64 = 0
  public var cohortCollected: Int64 = 0
  // Receivables: aging buckets current, 1–30, 31–60, 61–90, 90+ at start and at `to`.
  public var agingStart = [Int64](repeating: 0, count: 5)
  public var agingEnd = [Int64](repeating: 0, count: 5)
  // Auto-pay.
  public var autopayEligible = 0
  public var autopayConverted = 0
  public var autopayActiveCustomers = 0
  public var autopayEnrolledEnd = 0
  // Cases.
  public var casesOpened = 0
  public var casesClosed = 0
  public var casesOpenEnd = 0
  public var casesOpenOver14d = 0
  public var resolutionDays: [Double] = []
  public var escalationsByReason = [Int](repeating: 0, count: 5)
  public var casesClosedDocumented = 0
  // Cadence.
  public var tasksDue = 0
  public var tasksCompleted = 0
  public var tasksOnTime = 0
  // Promises.
  public var promisesMade = 0
  public var promisedAmount: Int64 = 0
  public var promisesDue = 0
  public var promisesKept = 0
  // Outreach.
  public var calls = 0
  public var emails = 0
  public var contactsReached = 0

  public init() {}

  /// The sum of several reps' totals.
  public static func sum(_ parts: some Sequence<RepTotals>) -> RepTotals {
    var t = RepTotals()
    for p in parts { t.add(p) }
    return t
  }

  /// Adds another rep's totals to these.
  public mutating func add(_ o: RepTotals) {
    collected += o.collected
    paymentsCount += o.paymentsCount
    unapplied += o.unapplied
    creditSales += o.creditSales
    cohortBilled += o.cohortBilled
    cohortCollected += o.cohortCollected
    for b in 0..<5 {
      agingStart[b] += o.agingStart[b]
      agingEnd[b] += o.agingEnd[b]
      escalationsByReason[b] += o.escalationsByReason[b]
    }
    autopayEligible += o.autopayEligible
    autopayConverted += o.autopayConverted
    autopayActiveCustomers += o.autopayActiveCustomers
    autopayEnrolledEnd += o.autopayEnrolledEnd
    casesOpened += o.casesOpened
    casesClosed += o.casesClosed
    casesOpenEnd += o.casesOpenEnd
    casesOpenOver14d += o.casesOpenOver14d
    resolutionDays += o.resolutionDays
    casesClosedDocumented += o.casesClosedDocumented
    tasksDue += o.tasksDue
    tasksCompleted += o.tasksCompleted
    tasksOnTime += o.tasksOnTime
    promisesMade += o.promisesMade
    promisedAmount += o.promisedAmount
    promisesDue += o.promisesDue
    promisesKept += o.promisesKept
    calls += o.calls
    emails += o.emails
    contactsReached += o.contactsReached
  }
}
