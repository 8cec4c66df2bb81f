import ArcadenceCore
import GRDB

/// The rows that name an invoice beside their customer: outbound and inbound activities,
/// promises and tasks, each resolved to the invoice's index in a ``Ledger``.
///
/// The ``Ledger`` keeps activities, promises and tasks per customer, which is what the KPIs
/// need; the simulator's calibration follows each invoice (contacts before a payment, the
/// cadence step a task stood for, the promise a payment kept), so it loads these links once.
/// Rows without an invoice are left out. Each list is sorted by invoice, then day.
public struct InvoiceLinks: Sendable {
  /// Invoice index of each activity.
  public var activityInvoice: [Int32] = []
  /// UTC date of each activity.
  public var activityDay: [Int32] = []
  /// Channel of each activity.
  public var activityChannel: [Ledger.Channel] = []
  /// Whether each activity is outbound.
  public var activityOutbound: [Bool] = []
  /// Outcome of each activity (the data contract's vocabulary).
  public var activityOutcome: [String] = []

  /// Invoice index of each promise.
  public var promiseInvoice: [Int32] = []
  /// made_on of each promise.
  public var promiseMade: [Int32] = []
  /// promised_on of each promise.
  public var promisePromised: [Int32] = []
  /// Amount of each promise in cents.
  public var promiseAmount: [Int64] = []

  /// Invoice index of each task.
  public var taskInvoice: [Int32] = []
  /// due_on of each task.
  public var taskDue: [Int32] = []
  /// completed_on of each task, or `Int32.max` when not completed.
  public var taskCompleted: [Int32] = []
  /// Kind of each task (call, email, follow_up, review).
  public var taskKind: [String] = []

  /// Empty links.
  public init() {}
}

extension Store {
  /// Loads the invoice links of the rows of `ledger` (which must come from this store):
  /// plain scans, ids resolved with a hash map of the ledger's invoice ids, then each list
  /// sorted by (invoice, day, row). O(rows · log rows).
  public func loadInvoiceLinks(for ledger: Ledger) throws -> InvoiceLinks {
    var index: [String: Int32] = Dictionary(minimumCapacity: ledger.invoiceIds.count)
    for (i, id) in ledger.invoiceIds.enumerated() { index[id] = Int32(i) }
    /// Row order by (invoice, day, position).
    func order(_ invoice: [Int32], _ day: [Int32]) -> [Int] {
      invoice.indices.sorted { (invoice[$0], day[$0], $0) < (invoice[$1], day[$1], $1) }
    }
    do {
      return try pool.read { db in
        var raw = InvoiceLinks()
        var rows = try Row.fetchCursor(
          db,
          sql: """
            SELECT invoice_id, occurred_at, channel, direction, outcome FROM activities
            WHERE invoice_id IS NOT NULL
            """)
        while let r = try rows.next() {
          guard let i = index[r[0] as String] else { continue }
          raw.activityInvoice.append(i)
          raw.activityDay.append(Timestamp(seconds: r[1]).day.rawValue)
          let channel: String = r[2]
          raw.activityChannel.append(
            channel == "call"
              ? .call : channel == "email" ? .email : channel == "sms" ? .sms : .letter)
          raw.activityOutbound.append((r[3] as String) == "outbound")
          raw.activityOutcome.append(r[4])
        }
        rows = try Row.fetchCursor(
          db,
          sql: """
            SELECT invoice_id, made_on, promised_on, amount FROM promises
            WHERE invoice_id IS NOT NULL
            """)
        while let r = try rows.next() {
          guard let i = index[r[0] as String] else { continue }
          raw.promiseInvoice.append(i)
          raw.promiseMade.append(r[1])
          raw.promisePromised.append(r[2])
          raw.promiseAmount.append(r[3])
        }
        rows = try Row.fetchCursor(
          db,
          sql: """
            SELECT invoice_id, due_on, completed_on, kind FROM tasks WHERE invoice_id IS NOT NULL
            """)
        while let r = try rows.next() {
          guard let i = index[r[0] as String] else { continue }
          raw.taskInvoice.append(i)
          raw.taskDue.append(r[1])
          raw.taskCompleted.append((r[2] as Int32?) ?? Int32.max)
          raw.taskKind.append(r[3])
        }
        var links = InvoiceLinks()
        let a = order(raw.activityInvoice, raw.activityDay)
        links.activityInvoice = a.map { raw.activityInvoice[$0] }
        links.activityDay = a.map { raw.activityDay[$0] }
        links.activityChannel = a.map { raw.activityChannel[$0] }
        links.activityOutbound = a.map { raw.activityOutbound[$0] }
        links.activityOutcome = a.map { raw.activityOutcome[$0] }
        let p = order(raw.promiseInvoice, raw.promiseMade)
        links.promiseInvoice = p.map { raw.promiseInvoice[$0] }
        links.promiseMade = p.map { raw.promiseMade[$0] }
        links.promisePromised = p.map { raw.promisePromised[$0] }
        links.promiseAmount = p.map { raw.promiseAmount[$0] }
        let t = order(raw.taskInvoice, raw.taskDue)
        links.taskInvoice = t.map { raw.taskInvoice[$0] }
        links.taskDue = t.map { raw.taskDue[$0] }
        links.taskCompleted = t.map { raw.taskCompleted[$0] }
        links.taskKind = t.map { raw.taskKind[$0] }
        return links
      }
    } catch let error as DatabaseError {
      throw Store.failure(error, path: path, doing: "cannot read the store \(path)")
    }
  }
}
