import ArcadenceCore

/// How each ledger table's rows become the ``Ledger``'s columns: the columns read, in the
/// order the functions below read them, the order of the rows, and one function per table
/// that appends a row (checking the store's rules on the way: a row that breaks one sets
/// `bad`). The one home of these rules: the load calls them on the rows SQLite returns
/// (``Ledger/load(_:_:)``), and the importer on the rows it writes into an empty store
/// (``LedgerCollector``), so a new store's cache is built without reading its tables back.
///
/// Reps, customers and cases are in id order (bytewise, SQLite's `BINARY` collation), every
/// other table in storage (rowid) order.
struct LedgerRows {
  /// The id index of each parent table (filled in as the load reads them).
  var reps: ByteKeyIndex
  var customers: ByteKeyIndex
  var invoices: ByteKeyIndex

  // The vocabularies a column is read through.
  /// `Vocabulary.adjustmentKinds` is credit_memo, write_off: code 0 is a credit memo.
  private let adjustmentKinds = ByteKeyIndex(Vocabulary.adjustmentKinds)
  /// A case's origin is checked (the store's rules) but not kept: no report reads it.
  private let origins = ByteKeyIndex(Vocabulary.caseOrigins)
  private let reasons = Interned(Vocabulary.escalationReasons)
  /// `Channel`'s raw values follow `Vocabulary.channels`.
  private let channels = ByteKeyIndex(Vocabulary.channels)
  private let outbound = ByteKeyIndex(["outbound"])
  private let outcomes = Interned(Vocabulary.outcomes)
  private let reached = Vocabulary.outcomes.map { Vocabulary.reachedOutcomes.contains($0) }
  private let taskKinds = Interned(Vocabulary.taskKinds)
  private let directions = ByteKeyIndex(Vocabulary.directions)

  init(
    reps: ByteKeyIndex = ByteKeyIndex([]), customers: ByteKeyIndex = ByteKeyIndex([]),
    invoices: ByteKeyIndex = ByteKeyIndex([])
  ) {
    self.reps = reps
    self.customers = customers
    self.invoices = invoices
  }

  /// The columns of `table` each row function reads, in order.
  static func columns(_ table: LedgerTable) -> [String] {
    switch table {
    case .reps: ["rep_id", "name", "team"]
    case .customers:
      [
        "customer_id", "name", "segment", "rep_id", "payment_terms_days", "created_on",
        "autopay_enrolled_on", "autopay_cancelled_on",
      ]
    case .invoices: ["customer_id", "issued_on", "due_on", "amount", "invoice_id"]
    case .payments: ["customer_id", "invoice_id", "received_on", "amount"]
    case .adjustments: ["invoice_id", "posted_on", "amount", "kind"]
    case .activities:
      ["customer_id", "rep_id", "occurred_at", "channel", "direction", "outcome"]
    case .promises: ["customer_id", "rep_id", "made_on", "promised_on", "amount"]
    case .cases:
      [
        "case_id", "customer_id", "invoice_id", "rep_id", "opened_at", "closed_at",
        "root_cause", "escalated_at", "escalation_reason", "summary", "investigation",
        "resolution", "customer_confirmed", "origin",
      ]
    case .tasks: ["rep_id", "customer_id", "kind", "due_on", "completed_on"]
    }
  }

  /// When `table`'s rows are in id order: the id column and the ledger's column of ids
  /// (nil: storage order).
  static func ordering(_ table: LedgerTable) -> (column: String, ids: KeyPath<Ledger, [String]>)? {
    switch table {
    case .reps: ("rep_id", \.repIds)
    case .customers: ("customer_id", \.customerIds)
    case .cases: ("case_id", \.caseIds)
    default: nil
    }
  }

  /// When other tables refer to `table`'s rows: the property holding its id index and the
  /// ledger's column of its ids.
  static func parent(_ table: LedgerTable) -> (
    index: WritableKeyPath<LedgerRows, ByteKeyIndex>, ids: KeyPath<Ledger, [String]>
  )? {
    switch table {
    case .reps: (\.reps, \.repIds)
    case .customers: (\.customers, \.customerIds)
    case .invoices: (\.invoices, \.invoiceIds)
    default: nil
    }
  }

  /// The query reading `table`'s rows in their order, restricted by `filter` (a `WHERE`
  /// clause of our own, or empty). The dated tables are scanned `NOT INDEXED` (see
  /// `DayWindow.where`). Rows not in id order are read by rowid, always (a table scan gives
  /// that order at no cost, but an index covering the columns, which another tool may add,
  /// would be scanned in its own order).
  static func query(_ table: LedgerTable, _ filter: String = "") -> String {
    let dated: Set<LedgerTable> = [.activities, .promises, .tasks]
    let order = " ORDER BY " + (ordering(table)?.column ?? "rowid")
    return "SELECT \(columns(table).joined(separator: ", ")) FROM \(table)"
      + (dated.contains(table) ? " NOT INDEXED" : "") + (filter.isEmpty ? "" : " \(filter)")
      + order
  }

  /// Appends row `r` of `table` to `l`.
  @inline(__always)
  func append<R: LedgerRow>(
    _ table: LedgerTable, _ r: R, to l: inout Ledger, _ bad: inout Bool
  ) {
    switch table {
    case .reps: rep(r, to: &l)
    case .customers: customer(r, to: &l, &bad)
    case .invoices: invoice(r, to: &l, &bad)
    case .payments: payment(r, to: &l, &bad)
    case .adjustments: adjustment(r, to: &l, &bad)
    case .activities: activity(r, to: &l, &bad)
    case .promises: promise(r, to: &l, &bad)
    case .cases: `case`(r, to: &l, &bad)
    case .tasks: task(r, to: &l, &bad)
    }
  }

  @inline(__always)
  func rep<R: LedgerRow>(_ r: R, to l: inout Ledger) {
    l.repIds.append(r[0])
    l.repNames.append(r[1])
    l.repTeams.append(r[2])
  }

  @inline(__always)
  func customer<R: LedgerRow>(_ r: R, to l: inout Ledger, _ bad: inout Bool) {
    l.customerIds.append(r[0])
    l.customerNames.append(r[1])
    l.customerSegments.append(r[2])
    l.customerRep.append(r.reference(3, in: reps, &bad))
    l.customerTerms.append(r.terms(4, &bad))
    l.customerCreated.append(r.day(5, &bad))
    l.customerAutopayOn.append(r.optionalDay(6, &bad) ?? Int32.max)
    l.customerAutopayOff.append(r.optionalDay(7, &bad) ?? Int32.max)
  }

  @inline(__always)
  func invoice<R: LedgerRow>(_ r: R, to l: inout Ledger, _ bad: inout Bool) {
    l.invoiceCustomer.append(r.reference(0, in: customers, &bad))
    let issued = r.day(1, &bad)
    let due = r.day(2, &bad)
    if due < issued { bad = true }
    l.invoiceIssued.append(issued)
    l.invoiceDue.append(due)
    l.invoiceAmount.append(r.amount(3, &bad))
    l.invoiceIds.append(r[4])
  }

  @inline(__always)
  func payment<R: LedgerRow>(_ r: R, to l: inout Ledger, _ bad: inout Bool) {
    l.paymentCustomer.append(r.reference(0, in: customers, &bad))
    l.paymentInvoice.append(r.optionalReference(1, in: invoices, &bad))
    l.paymentReceived.append(r.day(2, &bad))
    l.paymentAmount.append(r.amount(3, &bad))
  }

  @inline(__always)
  func adjustment<R: LedgerRow>(_ r: R, to l: inout Ledger, _ bad: inout Bool) {
    l.adjustmentInvoice.append(r.reference(0, in: invoices, &bad))
    l.adjustmentPosted.append(r.day(1, &bad))
    l.adjustmentAmount.append(r.amount(2, &bad))
    let kind = r.key(3, in: adjustmentKinds)
    if kind < 0 { bad = true }
    l.adjustmentIsCreditMemo.append(kind == 0)
  }

  @inline(__always)
  func `case`<R: LedgerRow>(_ r: R, to l: inout Ledger, _ bad: inout Bool) {
    l.caseIds.append(r[0])
    l.caseCustomer.append(r.reference(1, in: customers, &bad))
    l.caseInvoice.append(r.optionalReference(2, in: invoices, &bad))
    l.caseRep.append(r.reference(3, in: reps, &bad))
    l.caseOpenedAt.append(r.instant(4, &bad))
    l.caseClosedAt.append(r.optionalInstant(5, &bad))
    l.caseRootCause.append(r[6])
    l.caseEscalatedAt.append(r.optionalInstant(7, &bad))
    l.caseEscalationReason.append(reasons.optionalWord(r, 8, &bad))
    let notes: [String?] = [r[9], r[10], r[11]]
    let filled = notes.allSatisfy { !($0 ?? "").isBlank }
    l.caseDocumented.append(filled && (r[12] as Int64?) == 1)
    if r.key(13, in: origins) < 0 { bad = true }
  }

  @inline(__always)
  func activity<R: LedgerRow>(_ r: R, to l: inout Ledger, _ bad: inout Bool) {
    l.activityCustomer.append(r.reference(0, in: customers, &bad))
    l.activityRep.append(r.reference(1, in: reps, &bad))
    l.activityDay.append(Timestamp(seconds: r.instant(2, &bad)).day.rawValue)
    let channel = r.key(3, in: channels)
    if channel < 0 { bad = true }
    l.activityChannel.append(
      channel >= 0 ? Ledger.Channel(rawValue: UInt8(channel)) ?? .letter : .letter)
    if r.key(4, in: directions) < 0 { bad = true }
    l.activityOutbound.append(r.key(4, in: outbound) == 0)
    let outcome = r.key(5, in: outcomes.index)
    if outcome >= 0 {
      l.activityOutcome.append(outcomes.words[Int(outcome)])
      l.activityReached.append(reached[Int(outcome)])
    } else {
      bad = true
      let text: String = r[5]
      l.activityOutcome.append(text)
      l.activityReached.append(Vocabulary.reachedOutcomes.contains(text))
    }
  }

  @inline(__always)
  func promise<R: LedgerRow>(_ r: R, to l: inout Ledger, _ bad: inout Bool) {
    l.promiseCustomer.append(r.reference(0, in: customers, &bad))
    l.promiseRep.append(r.reference(1, in: reps, &bad))
    let made = r.day(2, &bad)
    let promised = r.day(3, &bad)
    if promised < made { bad = true }
    l.promiseMade.append(made)
    l.promisePromised.append(promised)
    l.promiseAmount.append(r.amount(4, &bad))
  }

  @inline(__always)
  func task<R: LedgerRow>(_ r: R, to l: inout Ledger, _ bad: inout Bool) {
    l.taskRep.append(r.reference(0, in: reps, &bad))
    l.taskCustomer.append(r.reference(1, in: customers, &bad))
    l.taskKind.append(taskKinds.word(r, 2, &bad))
    l.taskDue.append(r.day(3, &bad))
    l.taskCompleted.append(r.optionalDay(4, &bad) ?? Int32.max)
  }
}

extension LedgerTable {
  /// The table of `entity`'s rows.
  init(_ entity: Entity) {
    switch entity {
    case .reps: self = .reps
    case .customers: self = .customers
    case .invoices: self = .invoices
    case .payments: self = .payments
    case .adjustments: self = .adjustments
    case .activities: self = .activities
    case .promises: self = .promises
    case .cases: self = .cases
    case .tasks: self = .tasks
    }
  }
}

/// Words of a closed vocabulary, read without making a `String` per row: every row of a
/// column shares the vocabulary's own strings.
private struct Interned {
  let index: ByteKeyIndex
  let words: [String]

  init(_ words: [String]) {
    self.words = words
    index = ByteKeyIndex(words)
  }

  /// Column `i` of the current row: the vocabulary's word, or the text itself when the store
  /// holds a word outside it or NULL (written by another tool; `bad` is set), "" for NULL.
  @inline(__always)
  func word<R: LedgerRow>(_ r: R, _ i: Int32, _ bad: inout Bool) -> String {
    let k = r.key(i, in: index)
    if k >= 0 { return words[Int(k)] }
    bad = true
    return r[i]
  }

  /// Column `i` of the current row as ``word(_:_:_:)``, nil for NULL (which is allowed).
  @inline(__always)
  func optionalWord<R: LedgerRow>(_ r: R, _ i: Int32, _ bad: inout Bool) -> String? {
    let k = r.key(i, in: index)
    if k >= 0 { return words[Int(k)] }
    let text: String? = r[i]
    if text != nil { bad = true }
    return text
  }
}

/// A row the importer writes, as a ``LedgerRow``: its values (in the entity's schema order)
/// read in the order of ``LedgerRows/columns(_:)``. The parser gives integer columns
/// integers and text columns text, so SQLite stores each value as it is bound (no affinity
/// conversion) and this reads what a load of the stored row would.
struct FieldRow: LedgerRow {
  /// The row's values, in schema order.
  var values: [FieldValue] = []
  /// For each column the load reads, its position in `values`.
  let positions: [Int]

  /// The reader of `entity`'s rows for `table`'s row function, or nil when the schema lacks
  /// one of its columns.
  init?(_ entity: Entity, _ table: LedgerTable) {
    let names = entity.columns.map(\.name)
    let positions = LedgerRows.columns(table).compactMap { names.firstIndex(of: $0) }
    guard positions.count == LedgerRows.columns(table).count else { return nil }
    self.positions = positions
  }

  @inline(__always) private func value(_ i: Int32) -> FieldValue { values[positions[Int(i)]] }

  func text(_ i: Int32) -> String? {
    switch value(i) {
    case .null: nil
    case .text(let s): s
    case .integer(let n): String(n)
    }
  }

  func integer(_ i: Int32) -> Int64 {
    if case .integer(let n) = value(i) { return n }
    return 0
  }

  func isInteger(_ i: Int32) -> Bool {
    if case .integer = value(i) { return true }
    return false
  }

  func isNull(_ i: Int32) -> Bool {
    if case .null = value(i) { return true }
    return false
  }

  func key(_ i: Int32, in index: ByteKeyIndex) -> Int32 {
    text(i).map { index.find($0) } ?? -1
  }
}
