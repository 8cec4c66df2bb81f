import ArcadenceCore
import GRDB

extension Store {
  /// Loads the whole store into a ``Ledger`` in one read transaction (a consistent snapshot).
  ///
  /// References are resolved by SQLite (joins on the primary keys) into dense indices, so no
  /// string dictionary of invoice ids is built. O(rows).
  public func loadLedger() throws -> Ledger {
    do {
      return try pool.read { db in try Ledger.load(db) }
    } catch let error as DatabaseError {
      throw ArcadenceError(.database, "cannot read the store: \(error.message ?? "\(error)")")
    }
  }
}

/// Maps ids to dense indices (−1 for a null or unknown id).
private struct IndexMap {
  var index: [String: Int32]

  init(_ ids: [String]) {
    index = Dictionary(minimumCapacity: ids.count)
    for (i, id) in ids.enumerated() { index[id] = Int32(i) }
  }

  subscript(_ id: String?) -> Int32 {
    guard let id else { return -1 }
    return index[id] ?? -1
  }
}

@inline(__always) private func utcDay(_ seconds: Int64) -> Int32 {
  Timestamp(seconds: seconds).day.rawValue
}

extension Ledger {
  /// Reads every table with plain scans (no joins): ids are resolved to dense indices with
  /// hash maps built from the parent tables, which costs far less than SQLite's text-key
  /// B-tree look-ups per row.
  static func load(_ db: Database) throws -> Ledger {
    var l = Ledger()
    try FastStatement(db, sql: "SELECT rep_id, name, team, active FROM reps ORDER BY rep_id")
      .forEachRow { r in
        l.repIds.append(r[0])
        l.repNames.append(r[1])
        l.repTeams.append(r[2])
        l.repActive.append((r[3] as Int64) != 0)
      }
    let reps = IndexMap(l.repIds)

    try FastStatement(
      db,
      sql: """
        SELECT customer_id, name, segment, rep_id, payment_terms_days, created_on,
          autopay_enrolled_on, autopay_cancelled_on
        FROM customers ORDER BY customer_id
        """
    ).forEachRow { r in
      l.customerIds.append(r[0])
      l.customerNames.append(r[1])
      l.customerSegments.append(r[2])
      l.customerRep.append(reps[r[3]])
      l.customerTerms.append(r[4])
      l.customerCreated.append(r[5])
      l.customerAutopayOn.append((r[6] as Int32?) ?? Int32.max)
      l.customerAutopayOff.append((r[7] as Int32?) ?? Int32.max)
    }
    let customers = IndexMap(l.customerIds)

    try FastStatement(
      db,
      sql: """
        SELECT rowid, customer_id, issued_on, due_on, amount, invoice_id
        FROM invoices ORDER BY rowid
        """
    ).forEachRow { r in
      l.invoiceRowid.append(r[0])
      l.invoiceCustomer.append(customers[r[1]])
      l.invoiceIssued.append(r[2])
      l.invoiceDue.append(r[3])
      l.invoiceAmount.append(r[4])
      l.invoiceIds.append(r[5])
    }
    let invoices = IndexMap(l.invoiceIds)

    try FastStatement(
      db, sql: "SELECT customer_id, invoice_id, received_on, amount FROM payments"
    ).forEachRow { r in
      l.paymentCustomer.append(customers[r[0]])
      l.paymentInvoice.append(invoices[r[1]])
      l.paymentReceived.append(r[2])
      l.paymentAmount.append(r[3])
    }

    try FastStatement(
      db, sql: "SELECT invoice_id, posted_on, amount, kind FROM adjustments"
    ).forEachRow { r in
      l.adjustmentInvoice.append(invoices[r[0]])
      l.adjustmentPosted.append(r[1])
      l.adjustmentAmount.append(r[2])
      l.adjustmentIsCreditMemo.append((r[3] as String) == "credit_memo")
    }

    try FastStatement(
      db,
      sql: """
        SELECT customer_id, rep_id, occurred_at, channel, direction, outcome FROM activities
        """
    ).forEachRow { r in
      l.activityCustomer.append(customers[r[0]])
      l.activityRep.append(reps[r[1]])
      l.activityDay.append(utcDay(r[2]))
      let channel: String = r[3]
      l.activityChannel.append(
        channel == "call" ? .call : channel == "email" ? .email : channel == "sms" ? .sms : .letter)
      l.activityOutbound.append((r[4] as String) == "outbound")
      let outcome: String = r[5]
      l.activityOutcome.append(outcome)
      l.activityReached.append(Vocabulary.reachedOutcomes.contains(outcome))
    }

    try FastStatement(
      db, sql: "SELECT customer_id, rep_id, made_on, promised_on, amount FROM promises"
    ).forEachRow { r in
      l.promiseCustomer.append(customers[r[0]])
      l.promiseRep.append(reps[r[1]])
      l.promiseMade.append(r[2])
      l.promisePromised.append(r[3])
      l.promiseAmount.append(r[4])
    }

    try FastStatement(
      db,
      sql: """
        SELECT case_id, customer_id, invoice_id, rep_id, opened_at, closed_at, root_cause,
          escalated_at, escalation_reason, summary, investigation, resolution,
          customer_confirmed, origin
        FROM cases ORDER BY case_id
        """
    ).forEachRow { r in
      l.caseIds.append(r[0])
      l.caseCustomer.append(customers[r[1]])
      l.caseInvoice.append(invoices[r[2]])
      l.caseRep.append(reps[r[3]])
      l.caseOpenedAt.append(r[4])
      l.caseClosedAt.append(r[5])
      l.caseRootCause.append(r[6])
      l.caseEscalatedAt.append(r[7])
      l.caseEscalationReason.append(r[8])
      let notes: [String?] = [r[9], r[10], r[11]]
      let filled = notes.allSatisfy { !($0 ?? "").isBlank }
      l.caseDocumented.append(filled && (r[12] as Int64?) == 1)
      l.caseOrigin.append(r[13])
    }

    try FastStatement(
      db, sql: "SELECT rep_id, customer_id, kind, due_on, completed_on FROM tasks"
    ).forEachRow { r in
      l.taskRep.append(reps[r[0]])
      l.taskCustomer.append(customers[r[1]])
      l.taskKind.append(r[2])
      l.taskDue.append(r[3])
      l.taskCompleted.append((r[4] as Int32?) ?? Int32.max)
    }
    l.buildIndexes()
    return l
  }

  /// Builds the per-invoice event lists and per-customer payment totals. O(rows · log(rows
  /// per owner)).
  mutating func buildIndexes() {
    // Events of each invoice: its applied payments and its adjustments, by day.
    var owners: [Int32] = []
    var days: [Int32] = []
    var amounts: [Int64] = []
    var kinds: [EventKind] = []
    for k in paymentInvoice.indices where paymentInvoice[k] >= 0 {
      owners.append(paymentInvoice[k])
      days.append(paymentReceived[k])
      amounts.append(paymentAmount[k])
      kinds.append(.payment)
    }
    for k in adjustmentInvoice.indices where adjustmentInvoice[k] >= 0 {
      owners.append(adjustmentInvoice[k])
      days.append(adjustmentPosted[k])
      amounts.append(adjustmentAmount[k])
      kinds.append(adjustmentIsCreditMemo[k] ? .creditMemo : .writeOff)
    }
    let events = Ledger.groupByOwner(owners, days: days, ownerCount: invoiceAmount.count)
    invoiceEventStart = events.start
    eventDay = events.order.map { days[$0] }
    eventAmount = events.order.map { amounts[$0] }
    eventKind = events.order.map { kinds[$0] }

    // Payments of each customer, by day, with running totals.
    let byCustomer = Ledger.groupByOwner(
      paymentCustomer, days: paymentReceived, ownerCount: customerIds.count)
    customerPaymentStart = byCustomer.start
    customerPaymentDay = byCustomer.order.map { paymentReceived[$0] }
    customerPaymentTotal = [Int64](repeating: 0, count: byCustomer.order.count + 1)
    for (k, row) in byCustomer.order.enumerated() {
      customerPaymentTotal[k + 1] = customerPaymentTotal[k] + paymentAmount[row]
    }
  }

  /// Groups rows by owner (a counting sort) and orders each owner's rows by day, keeping
  /// file order for equal days: `start[o]..<start[o + 1]` are owner `o`'s positions in
  /// `order`, which holds row indices. Rows with a negative owner are left out.
  static func groupByOwner(_ owners: [Int32], days: [Int32], ownerCount: Int)
    -> (start: [Int32], order: [Int])
  {
    var start = [Int32](repeating: 0, count: ownerCount + 1)
    for o in owners where o >= 0 { start[Int(o) + 1] += 1 }
    for i in 0..<ownerCount { start[i + 1] += start[i] }
    var fill = start
    var order = [Int](repeating: 0, count: Int(start[ownerCount]))
    for (row, o) in owners.enumerated() where o >= 0 {
      order[Int(fill[Int(o)])] = row
      fill[Int(o)] += 1
    }
    for o in 0..<ownerCount where start[o + 1] - start[o] > 1 {
      let range = Int(start[o])..<Int(start[o + 1])
      order[range].sort { (days[$0], $0) < (days[$1], $1) }
    }
    return (start, order)
  }
}
