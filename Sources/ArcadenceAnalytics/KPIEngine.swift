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

  /// The totals of every rep (indexed like `ledger.repIds`) for `period`.
  public func repTotals(_ period: Period) -> [RepTotals] {
    // long-function: one pass per table, each section accumulating its KPIs for every rep
    // (see the type's note); a function per section would pass the period bounds and the
    // totals around. Left whole while issue 14 item 1 (one rules type) reshapes this file.
    let l = ledger
    precondition(
      l.selection.covers(period),
      "the ledger was loaded without all the activities, promises and tasks of \(period)")
    var t = [RepTotals](repeating: RepTotals(), count: l.repIds.count)
    let from = period.from.rawValue
    let to = period.to.rawValue
    let start = from - 1
    let yearStart = to - 364

    // Invoices: credit sales, the collection-rate cohort, aging at start and end.
    var activeInYear = [Bool](repeating: false, count: l.customerIds.count)
    for i in l.invoiceAmount.indices {
      let c = Int(l.invoiceCustomer[i])
      let r = l.owner(customer: c)
      let issued = l.invoiceIssued[i]
      let due = l.invoiceDue[i]
      let amount = l.invoiceAmount[i]
      if issued >= from && issued <= to { t[r].creditSales += amount }
      if issued >= yearStart && issued <= to { activeInYear[c] = true }
      var balanceStart = amount
      var balanceEnd = amount
      var k = Int(l.invoiceEventStart[i])
      let end = Int(l.invoiceEventStart[i + 1])
      while k < end, l.eventDay[k] <= to {
        if l.eventDay[k] <= start { balanceStart -= l.eventAmount[k] }
        balanceEnd -= l.eventAmount[k]
        k += 1
      }
      if due >= from && due <= to {
        let (net, collected) = cohortAmounts(i, asOf: to)
        t[r].cohortBilled += net
        t[r].cohortCollected += collected
      }
      if issued <= start && balanceStart > 0 {
        t[r].agingStart[KPIEngine.agingBucket(dpd: start - due)] += balanceStart
      }
      if issued <= to && balanceEnd > 0 {
        t[r].agingEnd[KPIEngine.agingBucket(dpd: to - due)] += balanceEnd
      }
    }

    // Payments: cash collected in the period, applied or not.
    for k in l.paymentAmount.indices {
      let d = l.paymentReceived[k]
      guard d >= from && d <= to else { continue }
      let r = l.owner(customer: Int(l.paymentCustomer[k]))
      t[r].collected += l.paymentAmount[k]
      t[r].paymentsCount += 1
      if l.paymentInvoice[k] < 0 { t[r].unapplied += l.paymentAmount[k] }
    }

    // Auto-pay.
    for c in l.customerIds.indices where activeInYear[c] {
      let r = l.owner(customer: c)
      t[r].autopayActiveCustomers += 1
      if l.autopayEnrolled(c, at: to) { t[r].autopayEnrolledEnd += 1 }
      if l.customerCreated[c] <= start && !l.autopayEnrolled(c, at: start) {
        t[r].autopayEligible += 1
        let on = l.customerAutopayOn[c]
        if on >= from && on <= to { t[r].autopayConverted += 1 }
      }
    }

    // Cases.
    for k in l.caseOpenedAt.indices {
      let r = l.owner(case: k)
      let opened = Timestamp(seconds: l.caseOpenedAt[k]).day.rawValue
      let closed = l.caseClosedAt[k].map { Timestamp(seconds: $0).day.rawValue }
      if opened >= from && opened <= to { t[r].casesOpened += 1 }
      if let closed, closed >= from && closed <= to {
        t[r].casesClosed += 1
        t[r].resolutionDays.append(Double(l.caseClosedAt[k]! - l.caseOpenedAt[k]) / 86_400)
        if l.caseDocumented[k] { t[r].casesClosedDocumented += 1 }
      }
      if opened <= to && (closed.map { $0 > to } ?? true) {
        t[r].casesOpenEnd += 1
        if KPIEngine.caseOverLimit(openedOn: opened, asOf: to) { t[r].casesOpenOver14d += 1 }
      }
      if let e = l.caseEscalatedAt[k] {
        let d = Timestamp(seconds: e).day.rawValue
        if d >= from && d <= to, let reason = l.caseEscalationReason[k],
          let b = Vocabulary.escalationReasons.firstIndex(of: reason)
        {
          t[r].escalationsByReason[b] += 1
        }
      }
    }

    // Tasks.
    for k in l.taskDue.indices {
      let due = l.taskDue[k]
      guard due >= from && due <= to else { continue }
      let r = Int(l.taskRep[k])
      t[r].tasksDue += 1
      let done = l.taskCompleted[k]
      if done <= to { t[r].tasksCompleted += 1 }
      if done <= due { t[r].tasksOnTime += 1 }
    }

    // Promises: judged on all of the customer's payments, whatever the scope.
    for k in l.promiseMade.indices {
      let made = l.promiseMade[k]
      guard made >= from && made <= to else { continue }
      let r = Int(l.promiseRep[k])
      t[r].promisesMade += 1
      t[r].promisedAmount += l.promiseAmount[k]
      let (due, kept) = promiseOutcome(k, asOf: to)
      if due { t[r].promisesDue += 1 }
      if kept { t[r].promisesKept += 1 }
    }

    // Outreach.
    for k in l.activityDay.indices {
      let d = l.activityDay[k]
      guard d >= from && d <= to else { continue }
      let r = Int(l.activityRep[k])
      if l.activityOutbound[k] {
        switch l.activityChannel[k] {
        case .call: t[r].calls += 1
        case .email: t[r].emails += 1
        default: break
        }
      }
      if l.activityReached[k] { t[r].contactsReached += 1 }
    }
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
