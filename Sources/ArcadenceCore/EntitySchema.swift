/// A value parsed from a CSV field, ready to bind as an SQL parameter.
public enum FieldValue: Sendable, Hashable {
  /// An empty field.
  case null
  /// Text: ids, names, vocabulary words, notes.
  case text(String)
  /// Integers: cents, days since the epoch, seconds since the epoch, booleans as 0/1.
  case integer(Int64)

  /// The text, if this is text.
  public var text: String? {
    if case .text(let s) = self { return s }
    return nil
  }
  /// The integer, if this is an integer.
  public var integer: Int64? {
    if case .integer(let v) = self { return v }
    return nil
  }
}

/// How a column's text is parsed and stored.
public enum ColumnKind: Sendable, Hashable {
  /// Non-blank text unique within its file (the row's key).
  case id
  /// Free text, stored as given.
  case text
  /// `YYYY-MM-DD`, stored as days since 1970-01-01.
  case date
  /// ISO 8601 with `Z` or an offset, stored as seconds since the epoch.
  case timestamp
  /// Decimal money with at most two fraction digits, stored as cents.
  case money
  /// A whole number of days, 0 to ``Day/supportedSpan`` (the store's rule for terms: a larger
  /// value could not be added to any supported day).
  case days
  /// `true/false`, `1/0`, `yes/no`, stored as 1/0.
  case bool
  /// One word of a closed vocabulary.
  case vocabulary([String])
  /// The id of a row of another entity (checked against the store during import).
  case reference(Entity)
}

/// One column of an entity's file.
public struct ColumnSpec: Sendable, Hashable {
  /// The header name.
  public var name: String
  /// How values are parsed.
  public var kind: ColumnKind
  /// Whether the column must be present and every value non-empty.
  public var required: Bool
}

/// The nine entities of the data contract, in dependency order (parents first).
public enum Entity: String, CaseIterable, Sendable, Hashable {
  case reps, customers, invoices, payments, adjustments, activities, promises, cases, tasks

  /// `invoices.csv`.
  public var fileName: String { rawValue + ".csv" }
  /// The SQL table name.
  public var table: String { rawValue }
  /// The id column (`invoice_id`).
  public var idColumn: String { columns[0].name }
  /// Singular noun for messages ("invoice").
  public var noun: String {
    switch self {
    case .reps: "rep"
    case .customers: "customer"
    case .invoices: "invoice"
    case .payments: "payment"
    case .adjustments: "adjustment"
    case .activities: "activity"
    case .promises: "promise"
    case .cases: "case"
    case .tasks: "task"
    }
  }

  /// The columns of the entity's file, in export order (spec: data.md, "Files").
  public var columns: [ColumnSpec] {
    func c(_ name: String, _ kind: ColumnKind, _ required: Bool = false) -> ColumnSpec {
      ColumnSpec(name: name, kind: kind, required: required)
    }
    switch self {
    case .reps:
      return [c("rep_id", .id, true), c("name", .text, true), c("team", .text), c("active", .bool)]
    case .customers:
      return [
        c("customer_id", .id, true), c("name", .text, true), c("segment", .text),
        c("rep_id", .reference(.reps), true), c("payment_terms_days", .days, true),
        c("created_on", .date, true), c("autopay_enrolled_on", .date),
        c("autopay_cancelled_on", .date),
      ]
    case .invoices:
      return [
        c("invoice_id", .id, true), c("customer_id", .reference(.customers), true),
        c("issued_on", .date, true), c("due_on", .date, true), c("amount", .money, true),
      ]
    case .payments:
      return [
        c("payment_id", .id, true), c("customer_id", .reference(.customers), true),
        c("invoice_id", .reference(.invoices)), c("received_on", .date, true),
        c("amount", .money, true), c("method", .vocabulary(Vocabulary.paymentMethods)),
      ]
    case .adjustments:
      return [
        c("adjustment_id", .id, true), c("invoice_id", .reference(.invoices), true),
        c("posted_on", .date, true), c("amount", .money, true),
        c("kind", .vocabulary(Vocabulary.adjustmentKinds), true),
      ]
    case .activities:
      return [
        c("activity_id", .id, true), c("customer_id", .reference(.customers), true),
        c("invoice_id", .reference(.invoices)), c("rep_id", .reference(.reps), true),
        c("occurred_at", .timestamp, true), c("channel", .vocabulary(Vocabulary.channels), true),
        c("direction", .vocabulary(Vocabulary.directions), true),
        c("outcome", .vocabulary(Vocabulary.outcomes), true),
      ]
    case .promises:
      return [
        c("promise_id", .id, true), c("customer_id", .reference(.customers), true),
        c("invoice_id", .reference(.invoices)), c("rep_id", .reference(.reps), true),
        c("made_on", .date, true), c("promised_on", .date, true), c("amount", .money, true),
      ]
    case .cases:
      return [
        c("case_id", .id, true), c("customer_id", .reference(.customers), true),
        c("invoice_id", .reference(.invoices)), c("rep_id", .reference(.reps), true),
        c("opened_at", .timestamp, true), c("closed_at", .timestamp),
        c("origin", .vocabulary(Vocabulary.caseOrigins), true), c("root_cause", .text),
        c("escalated_at", .timestamp),
        c("escalation_reason", .vocabulary(Vocabulary.escalationReasons)),
        c("summary", .text), c("investigation", .text), c("resolution", .text),
        c("customer_confirmed", .bool),
      ]
    case .tasks:
      return [
        c("task_id", .id, true), c("rep_id", .reference(.reps), true),
        c("customer_id", .reference(.customers), true), c("invoice_id", .reference(.invoices)),
        c("kind", .vocabulary(Vocabulary.taskKinds), true), c("due_on", .date, true),
        c("completed_on", .date),
      ]
    }
  }

  /// The entity whose file is `fileName`, if any.
  public init?(fileName: String) {
    guard fileName.hasSuffix(".csv"), let e = Entity(rawValue: String(fileName.dropLast(4)))
    else { return nil }
    self = e
  }
}

extension ColumnSpec {
  /// Parses one field. Empty text is `.null`; the caller enforces `required`.
  /// Returns the reason on failure ("not a date", "must be greater than 0").
  public func parse(_ raw: String) -> Result<FieldValue, ParseFailure> {
    if raw.isEmpty { return .success(.null) }
    switch kind {
    case .id, .reference:
      // A printable ASCII first byte is never whitespace: most ids are decided by it,
      // without the Unicode property look-up per character.
      let first = raw.utf8.first ?? 0
      if !(0x21...0x7E).contains(first), raw.allSatisfy(\.isWhitespace) {
        return .failure("is blank")
      }
      return .success(.text(raw))
    case .text:
      return .success(.text(raw))
    case .date:
      guard let d = Day(iso: raw) else { return .failure("not a valid date (YYYY-MM-DD)") }
      return .success(.integer(Int64(d.rawValue)))
    case .timestamp:
      guard let t = Timestamp(iso: raw) else {
        return .failure("not a valid timestamp (ISO 8601 with Z or an offset)")
      }
      guard Timestamp.supported.contains(t) else {
        return .failure(ParseFailure(Timestamp.outOfRange))
      }
      return .success(.integer(t.seconds))
    case .money:
      guard let c = Cents.parse(raw) else {
        return .failure("not a valid amount (digits, '.' and at most 2 decimals, no symbols)")
      }
      if let problem = Cents.amountProblem(c) { return .failure(ParseFailure(problem)) }
      return .success(.integer(c))
    case .days:
      let digits = raw.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
      guard !raw.isEmpty,
        digits
          || (raw.hasPrefix("-") && raw.utf8.count > 1
            && raw.utf8.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }))
      else { return .failure("not a whole number of days") }
      let range = Day.supportedSpan
      // More significant digits than the bound has can only be out of range (and could
      // overflow Int64); leading zeros are not significant.
      let significant = raw.drop { $0 == "0" }
      guard digits, significant.utf8.count <= String(range.upperBound).utf8.count,
        let v = Int64(significant.isEmpty ? "0" : String(significant)), range.contains(v)
      else {
        return .failure(
          ParseFailure("must be a whole number of days from 0 to \(range.upperBound)"))
      }
      return .success(.integer(v))
    case .bool:
      switch raw.lowercased() {
      case "true", "1", "yes": return .success(.integer(1))
      case "false", "0", "no": return .success(.integer(0))
      default: return .failure("not a boolean (true/false, 1/0, yes/no)")
      }
    case .vocabulary(let words):
      guard words.contains(raw) else {
        return .failure(ParseFailure("not one of \(words.joined(separator: ", "))"))
      }
      return .success(.text(raw))
    }
  }

  /// Formats a stored value back into its CSV text (the inverse of ``parse(_:)``).
  public func format(_ value: FieldValue) -> String {
    switch value {
    case .null: return ""
    case .text(let s): return s
    case .integer(let v):
      switch kind {
      case .date: return Day(rawValue: Int32(v)).description
      case .timestamp: return Timestamp(seconds: v).description
      case .money: return Cents.plain(v)
      case .bool: return v != 0 ? "true" : "false"
      default: return String(v)
      }
    }
  }
}

/// Why a field did not parse; a plain message.
public struct ParseFailure: Error, Sendable, ExpressibleByStringLiteral {
  /// The reason, e.g. "not a valid date (YYYY-MM-DD)".
  public var message: String
  /// Creates a failure from its message.
  public init(stringLiteral value: String) { message = value }
  /// Creates a failure from its message.
  public init(_ message: String) { self.message = message }
}
