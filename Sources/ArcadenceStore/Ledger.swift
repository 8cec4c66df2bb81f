import ArcadenceCore
import GRDB

/// The whole store in memory as columns of integers: what the analytics and the simulator
/// compute from.
///
/// Loading once and scanning arrays is what makes a KPI pack over a million invoices fast: no
/// metric issues its own query. Rows refer to each other by dense indices (`Int32`), money is
/// cents, dates are days since 1970-01-01 and instants are seconds, exactly as stored.
/// Payments and adjustments are also indexed per invoice (sorted by day), and payments per
/// customer with running totals, so a balance or a promise check is a short scan.
public struct Ledger: Sendable, Equatable {
  /// Which activities, promises and tasks were loaded (all unless a command asked for less).
  public var selection = LedgerSelection.everything
  /// Whether the load met a row that breaks the store's rules (a dangling reference, a word
  /// outside its vocabulary, an amount or date out of range: written by another tool); such
  /// a ledger is never handed to a report (``Store/loadLedger(_:useCache:)`` throws).
  var breaksRules = false

  // Reps, sorted by rep_id.
  public var repIds: [String] = []
  public var repNames: [String] = []
  public var repTeams: [String?] = []

  // Customers, sorted by customer_id.
  public var customerIds: [String] = []
  public var customerNames: [String] = []
  public var customerSegments: [String?] = []
  public var customerRep: [Int32] = []
  public var customerTerms: [Int32] = []
  public var customerCreated: [Int32] = []
  /// Auto-pay enrollment day, or `Int32.max` when never enrolled.
  public var customerAutopayOn: [Int32] = []
  /// Auto-pay cancellation day, or `Int32.max` when not cancelled.
  public var customerAutopayOff: [Int32] = []

  // Invoices (in rowid order).
  public var invoiceIds: [String] = []
  public var invoiceCustomer: [Int32] = []
  public var invoiceIssued: [Int32] = []
  public var invoiceDue: [Int32] = []
  public var invoiceAmount: [Int64] = []

  // Payments.
  public var paymentCustomer: [Int32] = []
  /// Index of the invoice, or −1 for unapplied cash.
  public var paymentInvoice: [Int32] = []
  public var paymentReceived: [Int32] = []
  public var paymentAmount: [Int64] = []

  // Adjustments.
  public var adjustmentInvoice: [Int32] = []
  public var adjustmentPosted: [Int32] = []
  public var adjustmentAmount: [Int64] = []
  public var adjustmentIsCreditMemo: [Bool] = []

  // Activities.
  public var activityCustomer: [Int32] = []
  public var activityRep: [Int32] = []
  /// UTC date of occurred_at.
  public var activityDay: [Int32] = []
  public var activityChannel: [Channel] = []
  public var activityOutbound: [Bool] = []
  public var activityReached: [Bool] = []
  public var activityOutcome: [String] = []

  // Promises.
  public var promiseCustomer: [Int32] = []
  public var promiseRep: [Int32] = []
  public var promiseMade: [Int32] = []
  public var promisePromised: [Int32] = []
  public var promiseAmount: [Int64] = []

  // Cases.
  public var caseIds: [String] = []
  public var caseCustomer: [Int32] = []
  /// Index of the linked invoice, or −1.
  public var caseInvoice: [Int32] = []
  public var caseRep: [Int32] = []
  public var caseOpenedAt: [Int64] = []
  /// closed_at in seconds, or nil while open.
  public var caseClosedAt: [Int64?] = []
  public var caseRootCause: [String?] = []
  public var caseEscalatedAt: [Int64?] = []
  public var caseEscalationReason: [String?] = []
  /// Summary, investigation and resolution all non-blank and customer_confirmed true.
  public var caseDocumented: [Bool] = []

  // Tasks.
  public var taskRep: [Int32] = []
  public var taskCustomer: [Int32] = []
  /// The task's kind (a ``Vocabulary/taskKinds`` word).
  public var taskKind: [String] = []
  public var taskDue: [Int32] = []
  /// completed_on, or `Int32.max` when not completed.
  public var taskCompleted: [Int32] = []

  // Indexes built after loading (not cached: ``buildIndexes()`` rebuilds them).
  /// Start of each invoice's events in `eventDay`/`eventAmount` (payments and adjustments
  /// applied to it, sorted by day); `invoiceEventStart[i + 1]` is the end.
  public var invoiceEventStart: [Int32] = []
  public var eventDay: [Int32] = []
  public var eventAmount: [Int64] = []
  /// What each event is: a payment, a credit memo or a write-off.
  public var eventKind: [EventKind] = []
  /// Payments per customer, sorted by day, with running totals (`customerPaymentTotal[k]` is
  /// the sum of the payments before position k within the whole array).
  public var customerPaymentStart: [Int32] = []
  public var customerPaymentDay: [Int32] = []
  public var customerPaymentTotal: [Int64] = []

  /// What reduced an invoice's balance.
  public enum EventKind: UInt8, Sendable {
    case payment, creditMemo, writeOff
  }

  /// An activity channel.
  public enum Channel: UInt8, Sendable {
    case call, email, sms, letter
  }

  public init() {}

  /// Index of a rep by id.
  public func rep(_ id: String) -> Int? { repIds.firstIndex(of: id) }

  /// The team names present, sorted.
  public var teams: [String] { Array(Set(repTeams.compactMap { $0 })).sorted() }

  /// Balance of invoice `i` at the end of day `d`: amount − payments received ≤ d −
  /// adjustments posted ≤ d (data.md, "Derived facts"). O(events of the invoice).
  @inline(__always)
  public func balance(_ i: Int, at d: Int32) -> Int64 {
    var b = invoiceAmount[i]
    var k = Int(invoiceEventStart[i])
    let end = Int(invoiceEventStart[i + 1])
    while k < end, eventDay[k] <= d {
      b -= eventAmount[k]
      k += 1
    }
    return b
  }

  /// Sum of customer `c`'s payments (any invoice or none) received in `[from, to]`.
  public func customerPayments(_ c: Int, from: Int32, to: Int32) -> Int64 {
    let lo = Int(customerPaymentStart[c])
    let hi = Int(customerPaymentStart[c + 1])
    func firstIndex(after day: Int32, inclusive: Bool) -> Int {
      var a = lo
      var b = hi
      while a < b {
        let m = (a + b) / 2
        if inclusive ? customerPaymentDay[m] < day : customerPaymentDay[m] <= day {
          a = m + 1
        } else {
          b = m
        }
      }
      return a
    }
    let s = firstIndex(after: from, inclusive: true)
    let e = firstIndex(after: to, inclusive: false)
    return customerPaymentTotal[e] - customerPaymentTotal[s]
  }

  /// The UTC date case `k` was opened.
  public func caseOpenedOn(_ k: Int) -> Day { Timestamp(seconds: caseOpenedAt[k]).day }

  /// Whether case `k` is open at the end of day `d`: opened on or before `d` and not closed
  /// by the end of `d` (dates in UTC; kpis.md, `cases_open_end`).
  public func isCaseOpen(_ k: Int, atEndOf d: Day) -> Bool {
    caseOpenedOn(k) <= d && (caseClosedAt[k].map { Timestamp(seconds: $0).day > d } ?? true)
  }

  /// Whether customer `c` is enrolled in auto-pay at the end of day `d`.
  @inline(__always)
  public func autopayEnrolled(_ c: Int, at d: Int32) -> Bool {
    customerAutopayOn[c] <= d && customerAutopayOff[c] > d
  }

  /// The last day with any event, or nil for an empty ledger.
  public var lastEventDay: Day? {
    var m = Int32.min
    for d in invoiceIssued where d > m { m = d }
    for d in paymentReceived where d > m { m = d }
    for d in adjustmentPosted where d > m { m = d }
    for d in activityDay where d > m { m = d }
    for d in promiseMade where d > m { m = d }
    for t in caseOpenedAt where Int32(t / 86_400) > m { m = Int32(t / 86_400) }
    for case let t? in caseClosedAt where Int32(t / 86_400) > m { m = Int32(t / 86_400) }
    for d in taskCompleted where d != Int32.max && d > m { m = d }
    return m == Int32.min ? nil : Day(rawValue: m)
  }
}
