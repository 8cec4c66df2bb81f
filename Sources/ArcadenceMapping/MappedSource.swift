import ArcadenceCore
import ArcadenceStore
import Foundation

/// One mapping target read from its source file as contract records.
///
/// Rows stream through one at a time, except for `unique_by` targets (customers or reps
/// created from an invoice or case export), which hold one row per distinct id. Conversion
/// problems are reported against the source file, its line and its own column name, in the
/// format of the data contract.
public final class MappedSource: RecordSource {
  public let entity: Entity
  public let fileName: String
  public let header: [String]
  let target: Mapping.Target
  let reader: CSVReader
  let sourceColumns: [String: Int]
  let kinds: [ColumnKind]
  var buffered: [(record: CSVRecord, issues: [InputIssue])]?
  var bufferIndex = 0
  /// Rows left out by `skip_if_empty` / `only_if`.
  public private(set) var skipped = 0

  /// Opens the target's source in `directory` and checks that every column the mapping
  /// names is in its header.
  public init(
    target: Mapping.Target, directory: String, mappingFile: String,
    maxFieldBytes: Int = CSVReader.defaultMaxFieldBytes
  ) throws {
    self.target = target
    entity = target.entity
    fileName = target.source
    let path = (directory as NSString).appendingPathComponent(target.source)
    guard FileManager.default.fileExists(atPath: path) else {
      throw ArcadenceError(
        .io, "\(mappingFile): targets.\(target.entity.rawValue).source: no file \(path)")
    }
    reader = try CSVReader(path: path, fileName: target.source, maxFieldBytes: maxFieldBytes)
    // Stop at the end of the file: header_row may name a record far past it.
    var headerRecord: CSVRecord?
    var records = 0
    while records < target.headerRow, let r = try reader.next() {
      records += 1
      headerRecord = r
    }
    guard let headerRecord, records == target.headerRow else {
      throw ArcadenceError(
        .invalidConfiguration,
        "\(mappingFile): targets.\(target.entity.rawValue).header_row: \(target.source) has "
          + "only \(records) records (value \(target.headerRow))")
    }
    reader.nameColumns(headerRecord.fields)
    var columns: [String: Int] = [:]
    for (i, name) in headerRecord.fields.enumerated()
    where columns[name.trimmingWhitespace()] == nil {
      columns[name.trimmingWhitespace()] = i
    }
    sourceColumns = columns
    header = target.fields.map(\.name)
    let specs = Dictionary(uniqueKeysWithValues: target.entity.columns.map { ($0.name, $0.kind) })
    kinds = header.map { specs[$0]! }
    // Every referenced source column must exist.
    var missing: [String] = []
    func need(_ column: String, _ key: String) {
      if columns[column] == nil {
        missing.append(
          "\(target.source):\(headerRecord.line): column \(column): not in the header "
            + "(mapping key targets.\(target.entity.rawValue).\(key))")
      }
    }
    for (name, field) in target.fields {
      switch field {
      case .column(let c, _): need(c, "fields.\(name)")
      case .template(let parts):
        for case .column(let c, _) in parts { need(c, "fields.\(name)") }
      case .constant, .offset: break
      }
    }
    for c in target.skipIfEmpty { need(c, "skip_if_empty") }
    for c in target.onlyIf.keys { need(c, "only_if") }
    guard missing.isEmpty else {
      let found = headerRecord.fields.prefix(30).joined(separator: ", ")
      throw ArcadenceError(
        .invalidConfiguration, "the mapping does not fit \(target.source) (its columns: \(found))",
        details: missing)
    }
  }

  public var progress: (read: Int64, total: Int64) { (reader.bytesRead, reader.totalBytes) }
  public var keepsExisting: Bool { target.keepExisting }

  public func describe(column: String) -> String {
    guard let field = target.fields.first(where: { $0.name == column })?.field else {
      return column
    }
    switch field {
    case .column(let c, _): return c == column ? c : "\(c) (\(column))"
    case .template(let parts):
      let cols = parts.compactMap { p -> String? in
        if case .column(let c, _) = p { return c }
        return nil
      }
      return cols.isEmpty ? column : "\(cols.joined(separator: "+")) (\(column))"
    case .constant: return "\(column) (constant)"
    case .offset(let other, _): return "\(describe(column: other)) → \(column)"
    }
  }

  public func next() throws -> (record: CSVRecord, issues: [InputIssue])? {
    if target.uniqueBy != nil {
      if buffered == nil { buffered = try readGroups() }
      guard bufferIndex < buffered!.count else { return nil }
      bufferIndex += 1
      return buffered![bufferIndex - 1]
    }
    while let raw = try reader.next() {
      if let converted = convert(raw) { return converted }
    }
    return nil
  }

  /// All rows, one per distinct `unique_by` value (the first), with aggregated dates.
  func readGroups() throws -> [(record: CSVRecord, issues: [InputIssue])] {
    guard let key = target.uniqueBy, let keyIndex = header.firstIndex(of: key) else { return [] }
    // Keyed by the id's bytes: two ids in different Unicode forms are two rows, as the store
    // keeps them.
    var order: [ExactText] = []
    var groups: [ExactText: (record: CSVRecord, issues: [InputIssue])] = [:]
    var problems: [(record: CSVRecord, issues: [InputIssue])] = []
    while let raw = try reader.next() {
      guard let (record, issues) = convert(raw) else { continue }
      if !issues.isEmpty {
        problems.append((record, issues))
        continue
      }
      let id = ExactText(record.fields[keyIndex])
      guard var existing = groups[id] else {
        order.append(id)
        groups[id] = (record, issues)
        continue
      }
      for (field, how) in target.aggregate {
        guard let i = header.firstIndex(of: field) else { continue }
        let a = existing.record.fields[i]
        let b = record.fields[i]
        // ISO dates and UTC timestamps order as text; an empty value never wins.
        if !b.isEmpty && (a.isEmpty || (how == "min" ? b < a : b > a)) {
          existing.record.fields[i] = b
        }
      }
      groups[id] = existing
    }
    return problems + order.map { groups[$0]! }
  }

  /// The record for one source row, nil when the row is skipped.
  func convert(_ raw: CSVRecord) -> (record: CSVRecord, issues: [InputIssue])? {
    // long-function: one source row converted field by field; the local helpers capture the
    // row, and each field kind (column, constant, template, day offset, translation) is a
    // few lines of one switch.
    func cell(_ column: String) -> String {
      guard let i = sourceColumns[column], i < raw.fields.count else { return "" }
      return raw.fields[i]
    }
    // A row of a report layout that is not a data row (group titles, totals, blank lines).
    if raw.fields.allSatisfy({ $0.isBlank }) { return nil }
    for c in target.skipIfEmpty where cell(c).isBlank {
      skipped += 1
      return nil
    }
    for (c, allowed) in target.onlyIf where !allowed.contains(cell(c).trimmingWhitespace()) {
      skipped += 1
      return nil
    }
    var issues: [InputIssue] = []
    var out = [String](repeating: "", count: header.count)
    var days: [String: Day] = [:]
    func fail(_ column: String, _ message: String, _ value: String) {
      issues.append(
        InputIssue(
          file: fileName, line: raw.line, column: column, message: message, value: value))
    }
    for (i, (name, field)) in target.fields.enumerated() {
      var text: String
      var sourceName = name
      switch field {
      case .constant(let v): text = v
      case .column(let c, let values):
        sourceName = c
        let v = cell(c).trimmingWhitespace()
        text = values[v] ?? v
      case .template(let parts):
        text = parts.map { p in
          switch p {
          case .text(let t): return t
          case .column(let c, let slug):
            let v = cell(c).trimmingWhitespace()
            return slug ? Mapping.slug(v) : v
          }
        }.joined()
      case .offset(let other, let n):
        guard let base = days[other] else { continue }  // its own problem is reported
        guard let day = base.offset(by: n) else {
          fail(
            name,
            "\(other) \(n < 0 ? "-" : "+") \(n.magnitude) days falls outside \(Day.minimum)…\(Day.maximum)",
            base.description)
          continue
        }
        out[i] = day.description
        continue
      }
      if text.isEmpty {
        out[i] = ""
        continue
      }
      switch kinds[i] {
      case .date:
        guard let d = target.dateFormat.day(text) else {
          fail(sourceName, "not a date in the format \(target.dateFormat.rawValue)", text)
          continue
        }
        days[name] = d
        out[i] = d.description
      case .timestamp:
        guard let t = target.dateFormat.timestamp(text, utcOffsetSeconds: target.utcOffsetSeconds)
        else {
          fail(sourceName, "not a date and time in the format \(target.dateFormat.rawValue)", text)
          continue
        }
        out[i] = t.description
      case .money:
        guard let c = target.moneyFormat.cents(text) else {
          fail(sourceName, "not an amount in the \(target.moneyFormat.rawValue) format", text)
          continue
        }
        out[i] = Cents.plain(c)
      default:
        out[i] = text
      }
    }
    return (CSVRecord(fields: out, line: raw.line), issues)
  }
}

extension Mapping {
  /// The sources of every target, in dependency order, reading from `directory`.
  public func sources(
    directory: String, maxFieldBytes: Int = CSVReader.defaultMaxFieldBytes
  ) throws -> [MappedSource] {
    try targets.map {
      try MappedSource(
        target: $0, directory: directory, mappingFile: fileName, maxFieldBytes: maxFieldBytes)
    }
  }
}
