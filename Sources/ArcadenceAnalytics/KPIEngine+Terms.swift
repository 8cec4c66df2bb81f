import ArcadenceCore
import ArcadenceStore

/// What one row of the store adds to a period's ``RepTotals``: the one home of each per-row
/// rule of kpis.md (credit sales, the collection-rate cohort, aging at start and end, the
/// auto-pay year, cases, tasks, promises, activities).
///
/// ``KPIEngine/repTotals(_:)`` adds every row into its rep's totals and
/// ``KPIEngine/drillDown(_:period:reps:)`` adds each row into a fresh total of its own, both
/// through these functions, so the tile and the rows behind it cannot drift apart. Each
/// `add…` function that selects rows by the period returns whether the row counts in it, and
/// adds nothing when it does not. All O(1) but the invoice ones (O(the invoice's events)).
extension KPIEngine {
  /// A period's bounds as the per-row rules read them, in raw days.
  struct Bounds {
    /// The period's first and last days.
    let from: Int32
    let to: Int32
    /// The day before the period: balances "at start" are as of its end.
    let start: Int32
    /// The first of the 365 days ending at `to`: a customer billed in them is active for the
    /// auto-pay share (kpis.md, `autopay_share_end`).
    let yearStart: Int32

    /// The bounds of `p`. Days are bounded to years 0001–9999, so neither shift overflows.
    init(_ p: Period) {
      from = p.from.rawValue
      to = p.to.rawValue
      start = from - 1
      yearStart = to - 364
    }

    /// Whether day `d` is in the period.
    @inline(__always)
    func contains(_ d: Int32) -> Bool { d >= from && d <= to }

    /// Whether an invoice issued on `issued` makes its customer active for the auto-pay share.
    @inline(__always)
    func inActiveYear(_ issued: Int32) -> Bool { issued >= yearStart && issued <= to }
  }

  // MARK: invoices

  /// Credit sales: invoice `i`'s amount when it was issued in the period.
  @discardableResult @inline(__always)
  func addSales(_ i: Int, _ b: Bounds, into t: inout RepTotals) -> Bool {
    guard b.contains(ledger.invoiceIssued[i]) else { return false }
    t.creditSales += ledger.invoiceAmount[i]
    return true
  }

  /// The collection-rate cohort: when invoice `i` is due in the period, its net amount and
  /// what was collected on it by the end (``cohortAmounts(_:asOf:)``).
  @discardableResult @inline(__always)
  func addCohort(_ i: Int, _ b: Bounds, into t: inout RepTotals) -> Bool {
    guard b.contains(ledger.invoiceDue[i]) else { return false }
    let (net, collected) = cohortAmounts(i, asOf: b.to)
    t.cohortBilled += net
    t.cohortCollected += collected
    return true
  }

  /// Aging: invoice `i`'s open balance at the end of the day before the period and at the
  /// end of the period, each (when issued by then and positive) in the bucket of its days
  /// past due then (``agingBucket(dpd:)``). One walk over the invoice's events.
  @discardableResult @inline(__always)
  func addAging(_ i: Int, _ b: Bounds, into t: inout RepTotals) -> Bool {
    let l = ledger
    var balanceStart = l.invoiceAmount[i]
    var balanceEnd = balanceStart
    var k = Int(l.invoiceEventStart[i])
    let end = Int(l.invoiceEventStart[i + 1])
    while k < end, l.eventDay[k] <= b.to {
      if l.eventDay[k] <= b.start { balanceStart -= l.eventAmount[k] }
      balanceEnd -= l.eventAmount[k]
      k += 1
    }
    let issued = l.invoiceIssued[i]
    let due = l.invoiceDue[i]
    var added = false
    if issued <= b.start && balanceStart > 0 {
      t.agingStart[KPIEngine.agingBucket(dpd: b.start - due)] += balanceStart
      added = true
    }
    if issued <= b.to && balanceEnd > 0 {
      t.agingEnd[KPIEngine.agingBucket(dpd: b.to - due)] += balanceEnd
      added = true
    }
    return added
  }

  // MARK: customers

  /// The customers (indexed like `ledger.customerIds`) billed in the 365 days ending at the
  /// period's end: those the auto-pay share counts. O(invoices).
  func activeInYear(_ b: Bounds) -> [Bool] {
    let l = ledger
    var active = [Bool](repeating: false, count: l.customerIds.count)
    for i in l.invoiceIssued.indices where b.inActiveYear(l.invoiceIssued[i]) {
      active[Int(l.invoiceCustomer[i])] = true
    }
    return active
  }

  /// Auto-pay, for a customer active in the year (``activeInYear(_:)``): it is counted,
  /// enrolled at the end or not, and eligible (created by the start and not enrolled then)
  /// and converted (enrolled in the period) or not.
  @inline(__always)
  func addAutopayCustomer(_ c: Int, _ b: Bounds, into t: inout RepTotals) {
    let l = ledger
    t.autopayActiveCustomers += 1
    if l.autopayEnrolled(c, at: b.to) { t.autopayEnrolledEnd += 1 }
    if l.customerCreated[c] <= b.start && !l.autopayEnrolled(c, at: b.start) {
      t.autopayEligible += 1
      if b.contains(l.customerAutopayOn[c]) { t.autopayConverted += 1 }
    }
  }

  // MARK: payments, cases, tasks, promises, activities

  /// Cash: payment `k` when received in the period (collected, counted, unapplied or not).
  @discardableResult @inline(__always)
  func addPayment(_ k: Int, _ b: Bounds, into t: inout RepTotals) -> Bool {
    let l = ledger
    guard b.contains(l.paymentReceived[k]) else { return false }
    t.collected += l.paymentAmount[k]
    t.paymentsCount += 1
    if l.paymentInvoice[k] < 0 { t.unapplied += l.paymentAmount[k] }
    return true
  }

  /// The escalation of case `k` that counts in the period, if any: escalated in it with a
  /// reason of the contract's vocabulary (its index there, and the day).
  @inline(__always)
  func countedEscalation(_ k: Int, _ b: Bounds) -> (reason: Int, day: Int32)? {
    let l = ledger
    guard let e = l.caseEscalatedAt[k] else { return nil }
    let d = Timestamp(seconds: e).day.rawValue
    guard b.contains(d), let reason = l.caseEscalationReason[k],
      let index = Vocabulary.escalationReasons.firstIndex(of: reason)
    else { return nil }
    return (index, d)
  }

  /// Case `k`: opened in the period; closed in it (with its resolution time and whether it
  /// was documented); open at the end (``Ledger/isCaseOpen(_:atEndOf:)``) and over the age
  /// limit then (``caseOverLimit(openedOn:asOf:)``); escalated in it
  /// (``countedEscalation(_:_:)``). Returns whether it adds to any of these.
  @discardableResult @inline(__always)
  func addCase(_ k: Int, _ b: Bounds, into t: inout RepTotals) -> Bool {
    let l = ledger
    var added = false
    let opened = l.caseOpenedOn(k).rawValue
    if b.contains(opened) {
      t.casesOpened += 1
      added = true
    }
    if let closedAt = l.caseClosedAt[k], b.contains(Timestamp(seconds: closedAt).day.rawValue) {
      t.casesClosed += 1
      t.resolutionDays.append(Double(closedAt - l.caseOpenedAt[k]) / 86_400)
      if l.caseDocumented[k] { t.casesClosedDocumented += 1 }
      added = true
    }
    if l.isCaseOpen(k, atEndOf: Day(rawValue: b.to)) {
      t.casesOpenEnd += 1
      if KPIEngine.caseOverLimit(openedOn: opened, asOf: b.to) { t.casesOpenOver14d += 1 }
      added = true
    }
    if let e = countedEscalation(k, b) {
      t.escalationsByReason[e.reason] += 1
      added = true
    }
    return added
  }

  /// Cadence: task `k` when due in the period (completed by its end, on time).
  @discardableResult @inline(__always)
  func addTask(_ k: Int, _ b: Bounds, into t: inout RepTotals) -> Bool {
    let l = ledger
    let due = l.taskDue[k]
    guard b.contains(due) else { return false }
    t.tasksDue += 1
    let done = l.taskCompleted[k]
    if done <= b.to { t.tasksCompleted += 1 }
    if done <= due { t.tasksOnTime += 1 }
    return true
  }

  /// Promise `k` when made in the period: its amount, and whether it is due and kept at the
  /// end (``promiseOutcome(_:asOf:)``, on all of the customer's payments, whatever the scope).
  @discardableResult @inline(__always)
  func addPromise(_ k: Int, _ b: Bounds, into t: inout RepTotals) -> Bool {
    let l = ledger
    guard b.contains(l.promiseMade[k]) else { return false }
    t.promisesMade += 1
    t.promisedAmount += l.promiseAmount[k]
    let (due, kept) = promiseOutcome(k, asOf: b.to)
    if due { t.promisesDue += 1 }
    if kept { t.promisesKept += 1 }
    return true
  }

  /// Outreach: activity `k` when on a day of the period (an outbound call or email, a
  /// contact reached).
  @discardableResult @inline(__always)
  func addActivity(_ k: Int, _ b: Bounds, into t: inout RepTotals) -> Bool {
    let l = ledger
    guard b.contains(l.activityDay[k]) else { return false }
    if l.activityOutbound[k] {
      switch l.activityChannel[k] {
      case .call: t.calls += 1
      case .email: t.emails += 1
      default: break
      }
    }
    if l.activityReached[k] { t.contactsReached += 1 }
    return true
  }
}
