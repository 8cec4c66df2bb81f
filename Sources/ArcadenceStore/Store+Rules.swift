import ArcadenceCore
import GRDB
import GRDBSQLite

// The rules every ledger row follows, as the ledger load relies on them. The importer checks
// each row and the schema's constraints hold them for any writer that keeps foreign keys and
// CHECK constraints on; another tool may not (the sqlite3 shell leaves foreign keys off,
// `PRAGMA ignore_check_constraints` and a table rebuilt by `CREATE TABLE … AS SELECT` drop
// the checks). So the load notices a broken row as it reads it (``FastStatement/day(_:_:)``
// and its siblings: a compare per value), and only then are the rows found and named by the
// queries below (``Store/ruleBreaks(_:limit:)``), one per rule.

/// The numeric bounds of the ledger's columns beyond ``Cents/maximumAmount`` and
/// ``Day/supportedRange``.
enum StoreBounds {
  /// Instants (seconds since the epoch) whose UTC day is a supported day.
  static let instants: ClosedRange<Int64> =
    Timestamp.supported.lowerBound.seconds...Timestamp.supported.upperBound.seconds
  /// Payment terms in days: the span of the supported days (as the import's parser).
  static let terms: ClosedRange<Int64> = Day.supportedSpan
}

/// A row of a ledger table as the load reads it: by column position, in the order the
/// load's query names them (``LedgerRows``). Two kinds: a row SQLite returns
/// (``FastStatement``) and a row the importer writes into a new store (``FieldRow``). The
/// rules below read both the same way, so the columns a new store's import collects are
/// the columns a load of its tables would build.
protocol LedgerRow {
  /// Text of column `i`, nil for NULL (an integer reads as its decimal digits, as SQLite
  /// gives it).
  func text(_ i: Int32) -> String?
  /// Integer of column `i` (0 for NULL).
  func integer(_ i: Int32) -> Int64
  /// Whether column `i` holds an integer.
  func isInteger(_ i: Int32) -> Bool
  /// Whether column `i` is NULL.
  func isNull(_ i: Int32) -> Bool
  /// The index in `index` of the text in column `i`; −1 for NULL or an id it does not hold.
  func key(_ i: Int32, in index: ByteKeyIndex) -> Int32
}

extension FastStatement: LedgerRow {
  @inline(__always) func isInteger(_ i: Int32) -> Bool {
    sqlite3_column_type(raw, i) == SQLITE_INTEGER
  }

  @inline(__always) func isNull(_ i: Int32) -> Bool {
    sqlite3_column_type(raw, i) == SQLITE_NULL
  }
}

extension LedgerRow {
  /// Column `i`, typed by context ("" for NULL).
  @inline(__always) subscript(_ i: Int32) -> String { text(i) ?? "" }
  /// Column `i`, nil for NULL.
  @inline(__always) subscript(_ i: Int32) -> String? { text(i) }
  @inline(__always) subscript(_ i: Int32) -> Int64? { isNull(i) ? nil : integer(i) }

  /// Column `i` as an integer in `range`; sets `bad` (and reads 0) unless it is one. The one
  /// check behind ``day(_:_:)``, ``instant(_:_:)``, ``amount(_:_:)`` and ``terms(_:_:)``.
  @inline(__always)
  func integer(_ i: Int32, in range: ClosedRange<Int64>, _ bad: inout Bool) -> Int64 {
    let v = integer(i)
    guard isInteger(i), range.contains(v) else {
      bad = true
      return 0
    }
    return v
  }

  /// Column `i` as a day; sets `bad` (and reads 0) unless it is an integer in
  /// ``Day/supportedRange``.
  @inline(__always)
  func day(_ i: Int32, _ bad: inout Bool) -> Int32 {
    Int32(truncatingIfNeeded: integer(i, in: Day.supportedRange, &bad))
  }

  /// Column `i` as ``day(_:_:)``, nil for NULL.
  @inline(__always)
  func optionalDay(_ i: Int32, _ bad: inout Bool) -> Int32? {
    isNull(i) ? nil : day(i, &bad)
  }

  /// Column `i` as seconds since the epoch; sets `bad` (and reads 0) unless it is an integer
  /// in ``StoreBounds/instants``.
  @inline(__always)
  func instant(_ i: Int32, _ bad: inout Bool) -> Int64 {
    integer(i, in: StoreBounds.instants, &bad)
  }

  /// Column `i` as ``instant(_:_:)``, nil for NULL.
  @inline(__always)
  func optionalInstant(_ i: Int32, _ bad: inout Bool) -> Int64? {
    isNull(i) ? nil : instant(i, &bad)
  }

  /// Column `i` as an amount in cents; sets `bad` (and reads 0) unless it is an integer from
  /// 1 to ``Cents/maximumAmount``.
  @inline(__always)
  func amount(_ i: Int32, _ bad: inout Bool) -> Int64 {
    integer(i, in: 1...Cents.maximumAmount, &bad)
  }

  /// Column `i` as payment terms in days; sets `bad` (and reads 0) unless it is an integer in
  /// ``StoreBounds/terms``.
  @inline(__always)
  func terms(_ i: Int32, _ bad: inout Bool) -> Int32 {
    Int32(truncatingIfNeeded: integer(i, in: StoreBounds.terms, &bad))
  }

  /// The index in `index` of the id in column `i`; sets `bad` when there is none (NULL, or
  /// an id the parent table does not hold), and then reads −1.
  @inline(__always)
  func reference(_ i: Int32, in index: ByteKeyIndex, _ bad: inout Bool) -> Int32 {
    let k = key(i, in: index)
    if k < 0 { bad = true }
    return k
  }

  /// As ``reference(_:in:_:)``, but NULL is allowed (and reads −1).
  @inline(__always)
  func optionalReference(_ i: Int32, in index: ByteKeyIndex, _ bad: inout Bool) -> Int32 {
    let k = key(i, in: index)
    if k < 0, !isNull(i) { bad = true }
    return k
  }
}

/// One rule a column of a ledger table follows.
private struct RowRule {
  enum Kind {
    /// An id of `parent` (its key column `key`), named `noun` in messages.
    case reference(parent: String, key: String, noun: String, optional: Bool)
    case vocabulary([String], optional: Bool)
    case amount
    case day(optional: Bool)
    case instant(optional: Bool)
    case terms
    /// A day not before the day in column `other`.
    case notBefore(String)
  }

  let table: String
  let id: String
  let column: String
  let kind: Kind

  /// The rows breaking the rule: their id, the value, its type, and for `notBefore` the
  /// other column's value.
  var sql: String {
    let c = column
    func outside(_ range: ClosedRange<Int64>) -> String {
      "(typeof(\(c)) <> 'integer' OR \(c) NOT BETWEEN \(range.lowerBound) AND \(range.upperBound))"
    }
    func nullable(_ optional: Bool, _ condition: String) -> String {
      optional
        ? "\(c) IS NOT NULL AND \(condition)" : "\(c) IS NULL OR \(condition)"
    }
    let other: String
    let condition: String
    switch kind {
    case .reference(let parent, let key, _, let optional):
      other = "NULL"
      condition = nullable(
        optional, "\(c) NOT IN (SELECT \(key) FROM \(parent) WHERE \(key) IS NOT NULL)")
    case .vocabulary(let words, let optional):
      other = "NULL"
      condition = nullable(
        optional, "\(c) NOT IN (\(words.map { "'\($0)'" }.joined(separator: ", ")))")
    case .amount:
      other = "NULL"
      condition = outside(1...Cents.maximumAmount)
    case .day(let optional):
      other = "NULL"
      condition = nullable(optional, outside(Day.supportedRange))
    case .instant(let optional):
      other = "NULL"
      condition = nullable(optional, outside(StoreBounds.instants))
    case .terms:
      other = "NULL"
      condition = outside(StoreBounds.terms)
    case .notBefore(let o):
      other = o
      condition =
        "typeof(\(c)) = 'integer' AND typeof(\(o)) = 'integer' AND \(c) < \(o)"
    }
    return """
      SELECT CAST(\(id) AS TEXT), CAST(\(c) AS TEXT), typeof(\(c)), \(other)
      FROM \(table) WHERE \(condition) ORDER BY rowid
      """
  }

  /// The issue for one row found by ``sql``.
  func issue(id: String?, value: String?, type: String, other: Int64?) -> StoreIssue {
    func day(_ text: String?) -> String? {
      guard let text, let v = Int64(text), Day.supportedRange.contains(v) else { return text }
      return Day(rawValue: Int32(v)).description
    }
    var shown = value
    let message: String
    switch kind {
    case _ where type == "null":
      message = "is empty"
    case .reference(_, _, let noun, _):
      message = "no such \(noun)"
    case .vocabulary(let words, _):
      message = "not one of \(words.joined(separator: ", "))"
    case .amount:
      if type != "integer" {
        message = "not a whole number of cents"
      } else if let v = value.flatMap({ Int64($0) }) {
        shown = Cents.plain(v)
        message =
          v <= 0
          ? "must be greater than 0"
          : "more than the largest amount, \(Cents.plain(Cents.maximumAmount))"
      } else {
        message = "not a whole number of cents"
      }
    case .day:
      message =
        type == "integer"
        ? "outside the supported dates, \(Day(rawValue: Int32(Day.supportedRange.lowerBound)))"
          + " to \(Day(rawValue: Int32(Day.supportedRange.upperBound)))"
        : "not a day number"
    case .instant:
      message =
        type == "integer"
        ? "outside the supported dates, \(Day(rawValue: Int32(Day.supportedRange.lowerBound)))"
          + " to \(Day(rawValue: Int32(Day.supportedRange.upperBound)))"
        : "not a timestamp"
    case .terms:
      message =
        "must be a whole number of days from 0 to \(StoreBounds.terms.upperBound)"
    case .notBefore(let o):
      shown = day(value)
      message = "before \(o) \(day(other.map(String.init)) ?? "")"
    }
    return StoreIssue(table: table, id: id ?? "", column: column, message: message, value: shown)
  }

  /// Every rule the ledger load relies on, table by table.
  static let all: [RowRule] = {
    func ref(_ parent: String, _ noun: String, optional: Bool = false) -> Kind {
      .reference(parent: parent, key: "\(noun)_id", noun: noun, optional: optional)
    }
    let rules: [(String, String, [(String, Kind)])] = [
      (
        "customers", "customer_id",
        [
          ("rep_id", ref("reps", "rep")), ("payment_terms_days", .terms),
          ("created_on", .day(optional: false)), ("autopay_enrolled_on", .day(optional: true)),
          ("autopay_cancelled_on", .day(optional: true)),
        ]
      ),
      (
        "invoices", "invoice_id",
        [
          ("customer_id", ref("customers", "customer")), ("issued_on", .day(optional: false)),
          ("due_on", .day(optional: false)), ("due_on", .notBefore("issued_on")),
          ("amount", .amount),
        ]
      ),
      (
        "payments", "payment_id",
        [
          ("customer_id", ref("customers", "customer")),
          ("invoice_id", ref("invoices", "invoice", optional: true)),
          ("received_on", .day(optional: false)), ("amount", .amount),
        ]
      ),
      (
        "adjustments", "adjustment_id",
        [
          ("invoice_id", ref("invoices", "invoice")), ("posted_on", .day(optional: false)),
          ("amount", .amount), ("kind", .vocabulary(Vocabulary.adjustmentKinds, optional: false)),
        ]
      ),
      (
        "activities", "activity_id",
        [
          ("customer_id", ref("customers", "customer")), ("rep_id", ref("reps", "rep")),
          ("occurred_at", .instant(optional: false)),
          ("channel", .vocabulary(Vocabulary.channels, optional: false)),
          ("direction", .vocabulary(Vocabulary.directions, optional: false)),
          ("outcome", .vocabulary(Vocabulary.outcomes, optional: false)),
        ]
      ),
      (
        "promises", "promise_id",
        [
          ("customer_id", ref("customers", "customer")), ("rep_id", ref("reps", "rep")),
          ("made_on", .day(optional: false)), ("promised_on", .day(optional: false)),
          ("promised_on", .notBefore("made_on")), ("amount", .amount),
        ]
      ),
      (
        "cases", "case_id",
        [
          ("customer_id", ref("customers", "customer")),
          ("invoice_id", ref("invoices", "invoice", optional: true)),
          ("rep_id", ref("reps", "rep")), ("opened_at", .instant(optional: false)),
          ("closed_at", .instant(optional: true)), ("escalated_at", .instant(optional: true)),
          ("origin", .vocabulary(Vocabulary.caseOrigins, optional: false)),
          ("escalation_reason", .vocabulary(Vocabulary.escalationReasons, optional: true)),
        ]
      ),
      (
        "tasks", "task_id",
        [
          ("rep_id", ref("reps", "rep")), ("customer_id", ref("customers", "customer")),
          ("kind", .vocabulary(Vocabulary.taskKinds, optional: false)),
          ("due_on", .day(optional: false)), ("completed_on", .day(optional: true)),
        ]
      ),
    ]
    return rules.flatMap { table, id, columns in
      columns.map { RowRule(table: table, id: id, column: $0.0, kind: $0.1) }
    }
  }()
}

extension Store {
  /// The rows that break the rules the ledger load relies on: the first `limit` issues (by
  /// table, then rule, then rowid) and how many there are in all. Reads every ledger table:
  /// only called once a load has met such a row.
  static func ruleBreaks(_ db: Database, limit: Int = 10) throws -> (
    issues: [StoreIssue], total: Int
  ) {
    var issues: [StoreIssue] = []
    var total = 0
    for rule in RowRule.all {
      let rows = try Row.fetchCursor(db, sql: rule.sql)
      while let row = try rows.next() {
        total += 1
        if issues.count < limit {
          issues.append(rule.issue(id: row[0], value: row[1], type: row[2], other: row[3]))
        }
      }
    }
    return (issues, total)
  }

  /// The error naming the rows that break the store's rules.
  func ruleBreakError(_ db: Database) throws -> ArcadenceError {
    let (issues, total) = try Store.ruleBreaks(db)
    let more = total > issues.count ? ["and \(total - issues.count) more"] : []
    return ArcadenceError(
      .invalidData,
      "the store \(path) has rows that break its rules (written by another tool?); fix or "
        + "remove them, or re-import" + (issues.isEmpty ? "" : ":"),
      details: issues.map(\.description) + more)
  }
}

extension Ledger {
  /// Whether every amount is non-negative and all of them together fit in `Int64`, so that
  /// no balance, total or running sum a report computes can overflow. O(amounts).
  var amountsFit: Bool {
    var total: Int64 = 0
    for column in [invoiceAmount, paymentAmount, adjustmentAmount, promiseAmount] {
      for a in column {
        guard a >= 0 else { return false }
        let (sum, overflow) = total.addingReportingOverflow(a)
        if overflow { return false }
        total = sum
      }
    }
    return true
  }
}
