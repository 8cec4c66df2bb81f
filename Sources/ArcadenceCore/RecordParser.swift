/// Turns the records of one entity's CSV file into validated values in schema order.
///
/// It checks the header (missing required columns, unknown or repeated columns), each
/// field's type and vocabulary, and the rules between fields of one row (data.md, "Files").
/// References to other rows are checked by the store, which can see them.
public struct RecordParser: Sendable {
  /// The entity this file holds.
  public let entity: Entity
  /// The file name used in messages.
  public let fileName: String
  /// For each schema column, the index of its field in a record (nil when absent).
  public let positions: [Int?]
  /// How many fields each record must have.
  public let width: Int
  private let columns: [ColumnSpec]

  /// Problems with the header row (unknown, repeated or missing columns).
  public let headerIssues: [InputIssue]
  /// Whether a required column is missing, so that rows cannot be read at all.
  public let missingRequired: Bool

  /// Reads the header and records its problems in ``headerIssues``.
  public init(
    entity: Entity, fileName: String? = nil, header: [String], ignoreExtraColumns: Bool = false
  ) {
    self.entity = entity
    let file = fileName ?? entity.fileName
    self.fileName = file
    columns = entity.columns
    func issue(_ line: Int, _ column: String?, _ message: String, _ value: String?) -> InputIssue {
      InputIssue(file: file, line: line, column: column, message: message, value: value)
    }
    width = header.count
    var issues: [InputIssue] = []
    var index: [String: Int] = [:]
    for (i, rawName) in header.enumerated() {
      let name = rawName.trimmingWhitespace()
      if index[name] != nil {
        issues.append(issue(1, name, "column appears twice in the header", nil))
      } else if !entity.columns.contains(where: { $0.name == name }) {
        if !ignoreExtraColumns {
          issues.append(
            issue(
              1, name.isEmpty ? "#\(i + 1)" : name,
              "unknown column for \(entity.fileName) (wrong export? --ignore-extra-columns skips it)",
              nil))
        }
      }
      index[name] = index[name] ?? i
    }
    let positions = entity.columns.map { index[$0.name] }
    self.positions = positions
    var missing = false
    for (c, p) in zip(entity.columns, positions) where c.required && p == nil {
      issues.append(issue(1, c.name, "required column is missing from the header", nil))
      missing = true
    }
    headerIssues = issues
    missingRequired = missing
  }

  private func issue(_ line: Int, _ column: String?, _ message: String, _ value: String?)
    -> InputIssue
  {
    InputIssue(file: fileName, line: line, column: column, message: message, value: value)
  }

  /// The raw id field of a record, if it has one.
  public func id(of record: CSVRecord) -> String? {
    guard let p = positions[0], p < record.fields.count, !record.fields[p].isEmpty else {
      return nil
    }
    return record.fields[p]
  }

  /// Parses a record into one value per schema column (`.null` where a field failed) and
  /// the record's issues; the row is valid when the issues are empty.
  public func parse(_ record: CSVRecord) -> (values: [FieldValue], issues: [InputIssue]) {
    guard record.fields.count == width else {
      let message = "expected \(width) fields as in the header, found \(record.fields.count)"
      return ([], [issue(record.line, nil, message, nil)])
    }
    var values = [FieldValue](repeating: .null, count: columns.count)
    var issues: [InputIssue] = []
    var ok = [Bool](repeating: true, count: columns.count)
    // The CSV reader has already looked for NUL bytes in its own scan; a record made
    // elsewhere is scanned here.
    let mayHoldNUL = record.containsNUL != false
    for (i, column) in columns.enumerated() {
      guard let p = positions[i] else { continue }
      let raw = record.fields[p]
      if mayHoldNUL, raw.utf8.contains(0) {
        // Text is stored by its byte length, but C strings (and people) end at a NUL.
        issues.append(issue(record.line, column.name, "contains a NUL byte", raw))
        ok[i] = false
        continue
      }
      switch column.parse(raw) {
      case .success(let v):
        if v == .null && column.required {
          issues.append(issue(record.line, column.name, "is required", nil))
          ok[i] = false
        }
        values[i] = v
      case .failure(let f):
        issues.append(issue(record.line, column.name, f.message, raw))
        ok[i] = false
      }
    }
    applyRowRules(&values, ok, record, &issues)
    for i in values.indices where !ok[i] { values[i] = .null }
    return (values, issues)
  }

  private func applyRowRules(
    _ v: inout [FieldValue], _ ok: [Bool], _ record: CSVRecord, _ issues: inout [InputIssue]
  ) {
    func raw(_ i: Int) -> String? { positions[i].map { record.fields[$0] } }
    /// Checks `later ≥ earlier` (or `>` when `strict`) when both parsed.
    func order(_ earlier: Int, _ later: Int, strict: Bool, _ message: String) {
      guard ok[earlier], ok[later], let a = v[earlier].integer, let b = v[later].integer else {
        return
      }
      if strict ? b <= a : b < a {
        issues.append(issue(record.line, columns[later].name, message, raw(later)))
      }
    }
    switch entity {
    case .reps:
      if v[3] == .null { v[3] = .integer(1) }  // active defaults to true
    case .customers:
      if ok[7], v[7] != .null, ok[6], v[6] == .null {
        issues.append(
          issue(record.line, "autopay_cancelled_on", "needs autopay_enrolled_on", raw(7)))
      }
      order(6, 7, strict: true, "must be after autopay_enrolled_on")
    case .invoices:
      order(2, 3, strict: false, "is before issued_on")
    case .promises:
      order(4, 5, strict: false, "is before made_on")
    case .cases:
      order(4, 5, strict: false, "is before opened_at")
      if ok[8], v[8] != .null, ok[9], v[9] == .null {
        issues.append(
          issue(record.line, "escalation_reason", "is required when escalated_at is set", nil))
      }
      if ok[9], v[9] != .null, ok[8], v[8] == .null {
        issues.append(
          issue(record.line, "escalated_at", "is required when escalation_reason is set", nil))
      }
    case .payments, .adjustments, .activities, .tasks:
      break
    }
  }
}

/// A list of input issues, thrown together so a person sees all of them at once.
public struct IssueList: Error, Sendable {
  /// The issues, in file order.
  public var issues: [InputIssue]
  /// Wraps issues.
  public init(_ issues: [InputIssue]) { self.issues = issues }
}

extension StringProtocol {
  /// The text without leading and trailing Unicode whitespace.
  public func trimmingWhitespace() -> String {
    guard let start = firstIndex(where: { !$0.isWhitespace }) else { return "" }
    let end = lastIndex(where: { !$0.isWhitespace })!
    return String(self[start...end])
  }

  /// Whether the text is empty after trimming all Unicode whitespace.
  public var isBlank: Bool { allSatisfy(\.isWhitespace) }
}
