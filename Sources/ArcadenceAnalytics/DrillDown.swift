import ArcadenceCore
import ArcadenceStore

/// The rows behind one KPI's number for a period and a set of reps: the invoices due in the
/// period for the collection rate, the cases open over 14 days for that count, the customers
/// by past-due balance for the aging metrics, and so on (serve.md, "Pages and drill-down").
///
/// Every row carries its *terms*: what it adds to the period's ``RepTotals``, added by the
/// very functions the engine's totals use (`KPIEngine+Terms.swift`: `addSales`, `addCohort`,
/// `addAging`, `addAutopayCustomer`, `addPayment`, `addCase`, `addTask`, `addPromise`,
/// `addActivity`), with the rows chosen by ``Ledger/owner(customer:)``; and ``value``
/// applies the metric's own definition (``Metrics/all``) to the sum of the rows' terms, so
/// the rows add up to the tile by construction; a test checks that value against
/// ``KPIReport`` for every metric, every scope, on the hand fixture and the sample.
public struct DrillDown: Sendable {
  /// What a row is.
  public enum Kind: String, Sendable {
    case invoice, payment, customer
    case caseRow = "case"
    case task, promise, activity
  }

  /// One cell, typed so each output writes it its own way (HTML links, CSV plain numbers).
  public enum Cell: Sendable, Equatable {
    case text(String)
    case money(Int64)
    case count(Int)
    case day(Day?)
    case days(Double?)
    case flag(Bool)
    /// A customer (index), shown with its name and linked to its page.
    case customer(Int)
    /// An invoice (index, −1 for none), linked to its page.
    case invoice(Int)
    /// A case (index), linked to its page.
    case caseRef(Int)
    /// A rep (index), shown with the name.
    case rep(Int)
  }

  /// One row: its index in its kind's table, its customer, its cells and its terms.
  public struct Row: Sendable {
    public var index: Int
    public var customer: Int
    public var cells: [Cell]
    /// What the row adds to the period's totals (kpis.md's rules, as the engine counts).
    public var terms: RepTotals
  }

  public var metric: MetricKey
  public var period: Period
  public var kind: Kind
  public var columns: [String]
  public var rows: [Row]

  /// The metric's value worked out from the rows alone: its definition applied to the sum of
  /// their terms. Equal to the KPI tile for the same period and scope.
  public var value: MetricValue {
    Metrics[metric].value(RepTotals.sum(rows.map(\.terms)), period)
  }
}

extension KPIEngine {
  /// The rows behind `metric` for `period`, for the reps (indices) in `reps`. O(rows of the
  /// metric's table), plus the invoices for the customer-level metrics.
  public func drillDown(_ metric: MetricKey, period p: Period, reps: [Int]) -> DrillDown {
    var mine = [Bool](repeating: false, count: ledger.repIds.count)
    for r in reps where r >= 0 && r < mine.count { mine[r] = true }
    let kind = DrillDown.kind(of: metric)
    var rows: [DrillDown.Row]
    let columns: [String]
    switch kind {
    case .invoice:
      columns = [
        "Invoice", "Customer", "Issued", "Due", "Amount", "Net of credit memos",
        "Collected by end", "Balance at end",
      ]
      rows = invoiceRows(p, mine)
    case .payment:
      columns = ["Customer", "Invoice", "Received", "Amount", "Applied"]
      rows = paymentRows(p, mine)
    case .customer where DrillDown.isAutopay(metric):
      columns = [
        "Customer", "Rep", "Created", "Auto-pay enrolled", "Auto-pay cancelled",
        "Eligible", "Converted in period", "Enrolled at end",
      ]
      rows = autopayRows(p, mine)
    case .customer:
      columns = [
        "Customer", "Rep", "Credit sales", "Open at start", "Past due at start", "Open at end",
        "Current at end", "Past due at end", "90+ at end",
      ]
      rows = agingRows(p, mine)
    case .caseRow:
      columns = [
        "Case", "Customer", "Rep", "Opened", "Closed", "Root cause", "Open at end",
        "Age at end (days)", "Over 14 days", "Resolution (days)", "Documented", "Escalated",
      ]
      rows = caseRows(p, mine)
    case .task:
      columns = ["Customer", "Rep", "Kind", "Due", "Completed", "Completed by end", "On time"]
      rows = taskRows(p, mine)
    case .promise:
      columns = ["Customer", "Rep", "Made", "Promised", "Amount", "Due by end", "Kept"]
      rows = promiseRows(p, mine)
    case .activity:
      columns = ["Customer", "Rep", "Day", "Channel", "Direction", "Outcome", "Reached"]
      rows = activityRows(p, mine)
    }
    if metric == .collectionRate {
      // The whole cohort, fully credited invoices (net 0) included.
      let l = ledger
      rows = rows.filter { p.contains(Day(rawValue: l.invoiceDue[$0.index])) }
    } else {
      rows = rows.filter { DrillDown.counts($0.terms, toward: metric) }
    }
    return DrillDown(metric: metric, period: p, kind: kind, columns: columns, rows: rows)
  }

  // MARK: rows of each table

  /// Invoices issued or due in the period: credit sales and the collection-rate cohort.
  func invoiceRows(_ p: Period, _ mine: [Bool]) -> [DrillDown.Row] {
    let l = ledger
    let b = Bounds(p)
    var rows: [DrillDown.Row] = []
    var t = RepTotals()
    for i in l.invoiceAmount.indices where mine[l.owner(invoice: i)] {
      let issuedIn = addSales(i, b, into: &t)
      guard addCohort(i, b, into: &t) || issuedIn else { continue }
      let (net, collected) = cohortAmounts(i, asOf: b.to)
      rows.append(
        DrillDown.Row(
          index: i, customer: Int(l.invoiceCustomer[i]),
          cells: [
            .invoice(i), .customer(Int(l.invoiceCustomer[i])),
            .day(Day(rawValue: l.invoiceIssued[i])), .day(Day(rawValue: l.invoiceDue[i])),
            .money(l.invoiceAmount[i]), .money(net), .money(collected),
            .money(l.balance(i, at: b.to)),
          ], terms: t))
      t = RepTotals()
    }
    return rows.sorted { (l.invoiceDue[$0.index], $0.index) < (l.invoiceDue[$1.index], $1.index) }
  }

  /// Payments received in the period.
  func paymentRows(_ p: Period, _ mine: [Bool]) -> [DrillDown.Row] {
    let l = ledger
    let b = Bounds(p)
    var rows: [DrillDown.Row] = []
    var t = RepTotals()
    for k in l.paymentAmount.indices {
      let c = Int(l.paymentCustomer[k])
      guard mine[l.owner(customer: c)], addPayment(k, b, into: &t) else { continue }
      rows.append(
        DrillDown.Row(
          index: k, customer: c,
          cells: [
            .customer(c), .invoice(Int(l.paymentInvoice[k])),
            .day(Day(rawValue: l.paymentReceived[k])), .money(l.paymentAmount[k]),
            .flag(l.paymentInvoice[k] >= 0),
          ], terms: t))
      t = RepTotals()
    }
    return rows.sorted {
      (l.paymentReceived[$0.index], $0.index) < (l.paymentReceived[$1.index], $1.index)
    }
  }

  /// Each customer's credit sales and open balances at the start and the end of the period,
  /// by kpis.md's buckets; ordered by past-due balance at the end, largest first.
  func agingRows(_ p: Period, _ mine: [Bool]) -> [DrillDown.Row] {
    let l = ledger
    let b = Bounds(p)
    var terms: [Int: RepTotals] = [:]
    for i in l.invoiceAmount.indices where mine[l.owner(invoice: i)] {
      let c = Int(l.invoiceCustomer[i])
      addSales(i, b, into: &terms[c, default: RepTotals()])
      addAging(i, b, into: &terms[c, default: RepTotals()])
    }
    let none = RepTotals()
    let rows = terms.compactMap { c, t -> DrillDown.Row? in
      guard t != none else { return nil }
      return DrillDown.Row(
        index: c, customer: c,
        cells: [
          .customer(c), .rep(l.owner(customer: c)), .money(t.creditSales),
          .money(Metrics.total(t.agingStart)), .money(Metrics.pastDue(t.agingStart)),
          .money(Metrics.total(t.agingEnd)), .money(t.agingEnd[0]),
          .money(Metrics.pastDue(t.agingEnd)), .money(t.agingEnd[4]),
        ], terms: t)
    }
    return rows.sorted {
      let x = Metrics.pastDue($0.terms.agingEnd)
      let y = Metrics.pastDue($1.terms.agingEnd)
      return x != y ? x > y : $0.index < $1.index
    }
  }

  /// Customers billed in the 365 days ending at the period's end (the auto-pay share's
  /// denominator), with whether each was eligible, converted and enrolled at the end.
  func autopayRows(_ p: Period, _ mine: [Bool]) -> [DrillDown.Row] {
    let l = ledger
    let b = Bounds(p)
    let active = activeInYear(b)
    var rows: [DrillDown.Row] = []
    for c in l.customerIds.indices where active[c] && mine[l.owner(customer: c)] {
      var t = RepTotals()
      addAutopayCustomer(c, b, into: &t)
      let on = l.customerAutopayOn[c]
      let off = l.customerAutopayOff[c]
      rows.append(
        DrillDown.Row(
          index: c, customer: c,
          cells: [
            .customer(c), .rep(l.owner(customer: c)), .day(Day(rawValue: l.customerCreated[c])),
            .day(on == Int32.max ? nil : Day(rawValue: on)),
            .day(off == Int32.max ? nil : Day(rawValue: off)),
            .flag(t.autopayEligible == 1), .flag(t.autopayConverted == 1),
            .flag(t.autopayEnrolledEnd == 1),
          ], terms: t))
    }
    return rows
  }

  /// Cases opened, closed or escalated in the period or open at its end; the oldest first.
  func caseRows(_ p: Period, _ mine: [Bool]) -> [DrillDown.Row] {
    let l = ledger
    let b = Bounds(p)
    var rows: [DrillDown.Row] = []
    var t = RepTotals()
    for k in l.caseOpenedAt.indices where mine[l.owner(case: k)] {
      guard addCase(k, b, into: &t) else { continue }
      let opened = l.caseOpenedOn(k)
      let openEnd = t.casesOpenEnd == 1
      let escalated = countedEscalation(k, b).map {
        "\(Vocabulary.escalationReasons[$0.reason]) (\(Day(rawValue: $0.day)))"
      }
      rows.append(
        DrillDown.Row(
          index: k, customer: Int(l.caseCustomer[k]),
          cells: [
            .caseRef(k), .customer(Int(l.caseCustomer[k])), .rep(l.owner(case: k)),
            .day(opened), .day(l.caseClosedAt[k].map { Timestamp(seconds: $0).day }),
            .text(l.caseRootCause[k] ?? ""), .flag(openEnd),
            openEnd ? .count(Int(b.to) - Int(opened.rawValue)) : .text(""),
            .flag(t.casesOpenOver14d == 1), .days(t.resolutionDays.first),
            .flag(l.caseDocumented[k]), .text(escalated ?? ""),
          ], terms: t))
      t = RepTotals()
    }
    return rows.sorted {
      (l.caseOpenedAt[$0.index], $0.index) < (l.caseOpenedAt[$1.index], $1.index)
    }
  }

  /// Tasks due in the period.
  func taskRows(_ p: Period, _ mine: [Bool]) -> [DrillDown.Row] {
    let l = ledger
    let b = Bounds(p)
    var rows: [DrillDown.Row] = []
    var t = RepTotals()
    for k in l.taskDue.indices {
      let r = Int(l.taskRep[k])
      guard mine[r], addTask(k, b, into: &t) else { continue }
      let done = l.taskCompleted[k]
      rows.append(
        DrillDown.Row(
          index: k, customer: Int(l.taskCustomer[k]),
          cells: [
            .customer(Int(l.taskCustomer[k])), .rep(r), .text(l.taskKind[k]),
            .day(Day(rawValue: l.taskDue[k])), .day(done == Int32.max ? nil : Day(rawValue: done)),
            .flag(t.tasksCompleted == 1), .flag(t.tasksOnTime == 1),
          ], terms: t))
      t = RepTotals()
    }
    return rows.sorted { (l.taskDue[$0.index], $0.index) < (l.taskDue[$1.index], $1.index) }
  }

  /// Promises made in the period, with whether each is due and kept at its end.
  func promiseRows(_ p: Period, _ mine: [Bool]) -> [DrillDown.Row] {
    let l = ledger
    let b = Bounds(p)
    var rows: [DrillDown.Row] = []
    var t = RepTotals()
    for k in l.promiseMade.indices {
      let r = Int(l.promiseRep[k])
      guard mine[r], addPromise(k, b, into: &t) else { continue }
      rows.append(
        DrillDown.Row(
          index: k, customer: Int(l.promiseCustomer[k]),
          cells: [
            .customer(Int(l.promiseCustomer[k])), .rep(r), .day(Day(rawValue: l.promiseMade[k])),
            .day(Day(rawValue: l.promisePromised[k])), .money(l.promiseAmount[k]),
            .flag(t.promisesDue == 1), .flag(t.promisesKept == 1),
          ], terms: t))
      t = RepTotals()
    }
    return rows.sorted {
      (l.promiseMade[$0.index], $0.index) < (l.promiseMade[$1.index], $1.index)
    }
  }

  /// Activities in the period (calls, emails, contacts reached).
  func activityRows(_ p: Period, _ mine: [Bool]) -> [DrillDown.Row] {
    let l = ledger
    let b = Bounds(p)
    var rows: [DrillDown.Row] = []
    var t = RepTotals()
    for k in l.activityDay.indices {
      let r = Int(l.activityRep[k])
      guard mine[r], addActivity(k, b, into: &t) else { continue }
      rows.append(
        DrillDown.Row(
          index: k, customer: Int(l.activityCustomer[k]),
          cells: [
            .customer(Int(l.activityCustomer[k])), .rep(r), .day(Day(rawValue: l.activityDay[k])),
            .text(DrillDown.channelName(l.activityChannel[k])),
            .text(l.activityOutbound[k] ? "outbound" : "inbound"), .text(l.activityOutcome[k]),
            .flag(l.activityReached[k]),
          ], terms: t))
      t = RepTotals()
    }
    return rows.sorted { (l.activityDay[$0.index], $0.index) < (l.activityDay[$1.index], $1.index) }
  }
}

extension DrillDown {
  /// The table whose rows are behind a metric.
  public static func kind(of metric: MetricKey) -> Kind {
    switch metric {
    case .collectedAmount, .paymentsCount, .unappliedAmount: .payment
    case .creditSales, .collectionRate: .invoice
    case .arOpenStart, .arOpenEnd, .currentAREnd, .pastDueStart, .pastDueEnd, .agingEnd,
      .agingStart, .agingReduction, .aging90PlusReduction, .dso, .bestPossibleDSO,
      .averageDaysDelinquent, .cei, .autopayEligible, .autopayConverted,
      .autopayConversionRate, .autopayShareEnd:
      .customer
    case .casesOpened, .casesClosed, .casesOpenEnd, .casesOpenOver14d,
      .caseResolutionMedianDays, .caseResolutionP90Days, .escalations, .escalationsByReason,
      .documentationCompleteness:
      .caseRow
    case .tasksDue, .tasksCompleted, .taskCompletionRate, .tasksOnTimeRate: .task
    case .promisesMade, .promisedAmount, .promisesDue, .promisesKept, .promiseKeptRate: .promise
    case .calls, .emails, .contactsReached: .activity
    }
  }

  /// Whether a metric is one of the auto-pay metrics (their rows are customers billed in
  /// the year).
  public static func isAutopay(_ m: MetricKey) -> Bool {
    [.autopayEligible, .autopayConverted, .autopayConversionRate, .autopayShareEnd].contains(m)
  }

  /// Whether a row with these terms is behind `metric`: it adds to the metric's numerator or
  /// denominator (so the rows of "cases open over 14 days" are exactly those cases).
  static func counts(_ t: RepTotals, toward metric: MetricKey) -> Bool {
    let pastDueStart = Metrics.pastDue(t.agingStart)
    let pastDueEnd = Metrics.pastDue(t.agingEnd)
    let openStart = Metrics.total(t.agingStart)
    let openEnd = Metrics.total(t.agingEnd)
    switch metric {
    case .collectedAmount, .paymentsCount: return t.paymentsCount > 0
    case .unappliedAmount: return t.unapplied > 0
    case .creditSales: return t.creditSales > 0
    case .collectionRate: return t.cohortBilled != 0 || t.cohortCollected != 0
    case .arOpenStart, .agingStart: return openStart > 0
    case .arOpenEnd, .agingEnd: return openEnd > 0
    case .currentAREnd: return t.agingEnd[0] > 0
    case .pastDueStart: return pastDueStart > 0
    case .pastDueEnd: return pastDueEnd > 0
    case .agingReduction: return pastDueStart > 0 || pastDueEnd > 0
    case .aging90PlusReduction: return t.agingStart[4] > 0 || t.agingEnd[4] > 0
    case .dso, .bestPossibleDSO, .averageDaysDelinquent, .cei:
      return t.creditSales > 0 || openStart > 0 || openEnd > 0
    case .autopayEligible, .autopayConverted, .autopayConversionRate: return t.autopayEligible > 0
    case .autopayShareEnd: return t.autopayActiveCustomers > 0
    case .casesOpened: return t.casesOpened > 0
    case .casesClosed, .caseResolutionMedianDays, .caseResolutionP90Days,
      .documentationCompleteness:
      return t.casesClosed > 0
    case .casesOpenEnd: return t.casesOpenEnd > 0
    case .casesOpenOver14d: return t.casesOpenOver14d > 0
    case .escalations, .escalationsByReason: return t.escalationsByReason.contains { $0 > 0 }
    case .tasksDue, .taskCompletionRate, .tasksOnTimeRate: return t.tasksDue > 0
    case .tasksCompleted: return t.tasksCompleted > 0
    case .promisesMade, .promisedAmount: return t.promisesMade > 0
    case .promisesDue, .promiseKeptRate: return t.promisesDue > 0
    case .promisesKept: return t.promisesKept > 0
    case .calls: return t.calls > 0
    case .emails: return t.emails > 0
    case .contactsReached: return t.contactsReached > 0
    }
  }

  /// The channel as the data contract spells it.
  public static func channelName(_ c: Ledger.Channel) -> String {
    switch c {
    case .call: "call"
    case .email: "email"
    case .sms: "sms"
    case .letter: "letter"
    }
  }
}
