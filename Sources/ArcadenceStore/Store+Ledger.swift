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

/// Maps SQLite rowids to dense indices.
private struct RowidMap {
  var index: [Int32]

  init(rowids: [Int64]) {
    let maxId = Int(rowids.max() ?? 0)
    index = [Int32](repeating: -1, count: maxId + 1)
    for (i, r) in rowids.enumerated() { index[Int(r)] = Int32(i) }
  }

  subscript(_ rowid: Int64?) -> Int32 {
    guard let r = rowid, r >= 0, Int(r) < index.count else { return -1 }
    return index[Int(r)]
  }
}

@inline(__always) private func utcDay(_ seconds: Int64) -> Int32 {
  Timestamp(seconds: seconds).day.rawValue
}

extension Ledger {
  static func load(_ db: Database) throws -> Ledger {
    var l = Ledger()
    var repRowids: [Int64] = []
    var rows = try Row.fetchCursor(
      db, sql: "SELECT rowid, rep_id, name, team, active FROM reps ORDER BY rep_id")
    while let r = try rows.next() {
      repRowids.append(r[0])
      l.repIds.append(r[1])
      l.repNames.append(r[2])
      l.repTeams.append(r[3])
      l.repActive.append((r[4] as Int64) != 0)
    }
    let reps = RowidMap(rowids: repRowids)

    var customerRowids: [Int64] = []
    rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT c.rowid, c.customer_id, c.name, c.segment, r.rowid, c.payment_terms_days,
          c.created_on, c.autopay_enrolled_on, c.autopay_cancelled_on
        FROM customers c JOIN reps r ON r.rep_id = c.rep_id ORDER BY c.customer_id
        """)
    while let r = try rows.next() {
      customerRowids.append(r[0])
      l.customerIds.append(r[1])
      l.customerNames.append(r[2])
      l.customerSegments.append(r[3])
      l.customerRep.append(reps[r[4]])
      l.customerTerms.append(r[5])
      l.customerCreated.append(r[6])
      l.customerAutopayOn.append((r[7] as Int32?) ?? Int32.max)
      l.customerAutopayOff.append((r[8] as Int32?) ?? Int32.max)
    }
    let customers = RowidMap(rowids: customerRowids)

    rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT i.rowid, c.rowid, i.issued_on, i.due_on, i.amount, i.invoice_id
        FROM invoices i JOIN customers c ON c.customer_id = i.customer_id ORDER BY i.rowid
        """)
    while let r = try rows.next() {
      l.invoiceRowid.append(r[0])
      l.invoiceCustomer.append(customers[r[1]])
      l.invoiceIssued.append(r[2])
      l.invoiceDue.append(r[3])
      l.invoiceAmount.append(r[4])
      l.invoiceIds.append(r[5])
    }
    let invoices = RowidMap(rowids: l.invoiceRowid)

    rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT c.rowid, i.rowid, p.received_on, p.amount
        FROM payments p JOIN customers c ON c.customer_id = p.customer_id
        LEFT JOIN invoices i ON i.invoice_id = p.invoice_id
        """)
    while let r = try rows.next() {
      l.paymentCustomer.append(customers[r[0]])
      l.paymentInvoice.append(invoices[r[1]])
      l.paymentReceived.append(r[2])
      l.paymentAmount.append(r[3])
    }

    rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT i.rowid, a.posted_on, a.amount, a.kind
        FROM adjustments a JOIN invoices i ON i.invoice_id = a.invoice_id
        """)
    while let r = try rows.next() {
      l.adjustmentInvoice.append(invoices[r[0]])
      l.adjustmentPosted.append(r[1])
      l.adjustmentAmount.append(r[2])
      l.adjustmentIsCreditMemo.append((r[3] as String) == "credit_memo")
    }

    rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT c.rowid, r.rowid, a.occurred_at, a.channel, a.direction, a.outcome
        FROM activities a JOIN customers c ON c.customer_id = a.customer_id
        JOIN reps r ON r.rep_id = a.rep_id
        """)
    while let r = try rows.next() {
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

    rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT c.rowid, r.rowid, p.made_on, p.promised_on, p.amount
        FROM promises p JOIN customers c ON c.customer_id = p.customer_id
        JOIN reps r ON r.rep_id = p.rep_id
        """)
    while let r = try rows.next() {
      l.promiseCustomer.append(customers[r[0]])
      l.promiseRep.append(reps[r[1]])
      l.promiseMade.append(r[2])
      l.promisePromised.append(r[3])
      l.promiseAmount.append(r[4])
    }

    rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT k.case_id, c.rowid, i.rowid, r.rowid, k.opened_at, k.closed_at, k.root_cause,
          k.escalated_at, k.escalation_reason, k.summary, k.investigation, k.resolution,
          k.customer_confirmed, k.origin
        FROM cases k JOIN customers c ON c.customer_id = k.customer_id
        JOIN reps r ON r.rep_id = k.rep_id
        LEFT JOIN invoices i ON i.invoice_id = k.invoice_id
        ORDER BY k.case_id
        """)
    while let r = try rows.next() {
      l.caseIds.append(r[0])
      l.caseCustomer.append(customers[r[1]])
      l.caseInvoice.append(invoices[r[2]])
      l.caseRep.append(reps[r[3]])
      l.caseOpenedAt.append(r[4])
      l.caseClosedAt.append(r[5])
      l.caseRootCause.append(r[6])
      l.caseEscalatedAt.append(r[7])
      l.caseEscalationReason.append(r[8])
      let filled = [r[9], r[10], r[11]].allSatisfy { (s: String?) in !(s ?? "").isBlank }
      l.caseDocumented.append(filled && (r[12] as Int64?) == 1)
      l.caseOrigin.append(r[13])
    }

    rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT r.rowid, c.rowid, t.kind, t.due_on, t.completed_on
        FROM tasks t JOIN reps r ON r.rep_id = t.rep_id
        JOIN customers c ON c.customer_id = t.customer_id
        """)
    while let r = try rows.next() {
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
