import ArcadenceCore
import Foundation
import Yams

/// How to read other systems' exports as the data contract's files
/// (`arcadence import DIR --mapping FILE.yaml`).
///
/// A mapping names, per contract entity, the source file, how its dates and money are
/// written, which rows to take, and where each contract field comes from:
///
/// ```yaml
/// options: { date_format: M/D/YYYY, money_format: us }
/// targets:
///   invoices:
///     source: ar_export.csv
///     fields:
///       invoice_id: Invoice Number        # a column of the source
///       customer_id: "C-{Customer ID}"    # text with {column} placeholders
///       issued_on: Invoice Date
///       due_on: issued_on + 30            # another field of this target, plus days
///       amount: Amount
///   payments:
///     source: ar_export.csv
///     skip_if_empty: [Settled Date]       # one payment per settled invoice
///     fields:
///       payment_id: "PAY-{Invoice Number}"
///       method: =other                    # a constant
///       …
/// ```
///
/// A field may also be `{column: Status, values: {"Closed Won": paid}}` to translate
/// values. `{Column|slug}` in a template makes an id from a name (`Ann Lee` → `ann_lee`).
/// `unique_by: customer_id` keeps one row per id (the first), with `aggregate: {created_on:
/// min}` taking the earliest date of the group: how customers and reps are created from an
/// invoice or case export that has no file of its own.
public struct Mapping: Sendable {
  /// Where a contract field comes from.
  public enum Field: Sendable, Equatable {
    /// A source column, with optional value translations.
    case column(String, values: [String: String])
    /// A constant.
    case constant(String)
    /// Literal text and `{column}` or `{column|slug}` placeholders.
    case template([TemplatePart])
    /// Another field of the same target plus a number of days.
    case offset(field: String, days: Int)
  }

  /// A piece of a template.
  public enum TemplatePart: Sendable, Equatable {
    case text(String)
    case column(String, slug: Bool)
  }

  /// One contract entity read from one source file.
  public struct Target: Sendable {
    public var entity: Entity
    public var source: String
    /// 1-based record number of the header row (exports often have a title block first).
    public var headerRow: Int
    public var dateFormat: DateFormat
    public var moneyFormat: MoneyFormat
    /// Offset of local times from UTC, in seconds (timestamps without a zone).
    public var utcOffsetSeconds: Int
    /// Rows where any of these columns is empty are skipped.
    public var skipIfEmpty: [String]
    /// Rows are taken only when each column holds one of its values.
    public var onlyIf: [String: [String]]
    /// Keep one row per value of this contract field.
    public var uniqueBy: String?
    /// Contract date fields to take the earliest (`min`) or latest (`max`) of, per group.
    public var aggregate: [String: String]
    /// Leave rows already in the store as they are (`existing: keep`), e.g. for customers
    /// or reps derived from another export; the default replaces them.
    public var keepExisting = false
    /// Contract field → where it comes from, in the contract's column order.
    public var fields: [(name: String, field: Field)]
  }

  /// The mapping's file name, for messages.
  public var fileName: String
  /// The targets in dependency order.
  public var targets: [Target]

  /// Reads and validates a mapping file; every problem names the file, line and key.
  public init(path: String) throws {
    let name = (path as NSString).lastPathComponent
    let text = try InputFile.text(at: path, describing: "the mapping \(path)")
    try self.init(yaml: text, fileName: name)
  }

  /// Parses mapping text.
  public init(yaml: String, fileName: String) throws {
    self.fileName = fileName
    var problems: [String] = []
    func problem(_ node: Node?, _ key: String, _ message: String) {
      problems.append("\(fileName):\(node?.mark?.line ?? 1): key \(key): \(message)")
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
      throw ArcadenceError(
        .invalidConfiguration,
        DuplicateKey.message(
          file: fileName, key: duplicates.first ?? "?", text: yaml, firstLine: context.mark.line,
          firstColumn: context.mark.column))
    } catch {
      throw ArcadenceError(.invalidConfiguration, "\(fileName) is not valid YAML: \(error)")
    }
    guard let top = root?.mapping else {
      throw ArcadenceError(
        .invalidConfiguration, "\(fileName): expected a mapping with 'targets'")
    }
    var dateFormat = DateFormat.iso
    var moneyFormat = MoneyFormat.plain
    var offset = 0
    var targetsNode: Node?
    for (k, v) in top {
      switch k.string ?? "" {
      case "version":
        if v.string != "1" { problem(v, "version", "only version 1 is known") }
      case "options":
        guard let options = v.mapping else {
          problem(v, "options", "expected a mapping")
          continue
        }
        for (ok, ov) in options {
          let key = ok.string ?? ""
          Mapping.readOption(key, ov, "options.\(key)", &dateFormat, &moneyFormat, &offset, problem)
        }
      case "targets": targetsNode = v
      default: problem(k, k.string ?? "?", "unknown key (expected version, options, targets)")
      }
    }
    var targets: [Target] = []
    if let list = targetsNode?.mapping {
      for (k, v) in list {
        let entityName = k.string ?? ""
        guard let entity = Entity(rawValue: entityName) else {
          problem(
            k, "targets.\(entityName)",
            "not an entity (expected \(Entity.allCases.map(\.rawValue).joined(separator: ", ")))")
          continue
        }
        if let t = Mapping.readTarget(
          entity, v, dateFormat, moneyFormat, offset, "targets.\(entityName)", problem)
        {
          targets.append(t)
        }
      }
    } else {
      problem(targetsNode ?? root, "targets", "missing: name at least one target")
    }
    guard problems.isEmpty else {
      throw ArcadenceError(
        .invalidConfiguration, "the mapping \(fileName) is not valid", details: problems)
    }
    self.targets = targets.sorted {
      Entity.allCases.firstIndex(of: $0.entity)! < Entity.allCases.firstIndex(of: $1.entity)!
    }
  }

  static func readOption(
    _ key: String, _ v: Node, _ path: String, _ dateFormat: inout DateFormat,
    _ moneyFormat: inout MoneyFormat, _ offset: inout Int,
    _ problem: (Node?, String, String) -> Void
  ) {
    switch key {
    case "date_format":
      if let f = v.string.flatMap(DateFormat.init(name:)) {
        dateFormat = f
      } else {
        problem(
          v, path,
          "unknown date format \"\(v.string ?? "")\" (expected "
            + DateFormat.allCases.map(\.rawValue).joined(separator: ", ") + ")")
      }
    case "money_format":
      if let f = v.string.flatMap(MoneyFormat.init(rawValue:)) {
        moneyFormat = f
      } else {
        problem(v, path, "unknown money format \"\(v.string ?? "")\" (expected plain, us, eu)")
      }
    case "utc_offset":
      if let t = Timestamp(iso: "2000-01-01T00:00:00" + (v.string ?? "x")) {
        offset = Int(Timestamp(iso: "2000-01-01T00:00:00Z")!.seconds - t.seconds)
      } else {
        problem(v, path, "expected an offset such as -05:00 or +01:00")
      }
    default:
      problem(v, path, "unknown option (expected date_format, money_format, utc_offset)")
    }
  }

  static func readTarget(
    _ entity: Entity, _ node: Node, _ dateFormat: DateFormat, _ moneyFormat: MoneyFormat,
    _ offset: Int, _ path: String, _ problem: (Node?, String, String) -> Void
  ) -> Target? {
    // long-function: one switch over a target's keys (source, header_row, skip_if_empty,
    // where, unique_by, aggregate, existing, fields), a few lines each, then the fields.
    guard let map = node.mapping else {
      problem(node, path, "expected a mapping with source and fields")
      return nil
    }
    var t = Target(
      entity: entity, source: "", headerRow: 1, dateFormat: dateFormat, moneyFormat: moneyFormat,
      utcOffsetSeconds: offset, skipIfEmpty: [], onlyIf: [:], uniqueBy: nil, aggregate: [:],
      fields: [])
    let columns = entity.columns.map(\.name)
    var fieldsNode: Node?
    var fieldsKey: Node?
    for (k, v) in map {
      let key = k.string ?? ""
      let here = "\(path).\(key)"
      switch key {
      case "source": t.source = v.string ?? ""
      case "header_row":
        if let n = v.string.flatMap(Int.init), n >= 1 {
          t.headerRow = n
        } else {
          problem(v, here, "expected a whole number ≥ 1")
        }
      case "date_format", "money_format", "utc_offset":
        readOption(key, v, here, &t.dateFormat, &t.moneyFormat, &t.utcOffsetSeconds, problem)
      case "skip_if_empty":
        t.skipIfEmpty = v.sequence?.compactMap(\.string) ?? v.string.map { [$0] } ?? []
      case "only_if":
        guard let m = v.mapping else {
          problem(v, here, "expected column: [values]")
          continue
        }
        for (ck, cv) in m {
          t.onlyIf[ck.string ?? ""] =
            cv.sequence?.compactMap(\.string) ?? cv.string.map { [$0] } ?? []
        }
      case "unique_by":
        if let f = v.string, columns.contains(f) {
          t.uniqueBy = f
        } else {
          problem(v, here, "expected a field of \(entity.rawValue)")
        }
      case "aggregate":
        for (ak, av) in v.mapping ?? [:] {
          let f = ak.string ?? ""
          guard columns.contains(f), ["min", "max"].contains(av.string ?? "") else {
            problem(ak, "\(here).\(f)", "expected a field of \(entity.rawValue): min or max")
            continue
          }
          t.aggregate[f] = av.string!
        }
      case "fields":
        fieldsNode = v
        fieldsKey = k
      case "existing":
        switch v.string {
        case "keep": t.keepExisting = true
        case "replace": t.keepExisting = false
        default: problem(v, here, "expected keep or replace")
        }
      default:
        problem(
          k, here,
          "unknown key (expected source, header_row, date_format, money_format, utc_offset, "
            + "skip_if_empty, only_if, unique_by, aggregate, existing, fields)")
      }
    }
    if t.source.isEmpty { problem(node, "\(path).source", "missing: name the source file") }
    var given: [String: Field] = [:]
    var rejected: Set<String> = []  // mapped, with a problem already reported
    if let fields = fieldsNode?.mapping {
      for (k, v) in fields {
        let name = k.string ?? ""
        let here = "\(path).fields.\(name)"
        guard columns.contains(name) else {
          problem(
            k, here,
            "not a field of \(entity.rawValue) (expected \(columns.joined(separator: ", ")))")
          continue
        }
        if let f = readField(v, here, columns, problem) {
          given[name] = f
        } else {
          rejected.insert(name)
        }
      }
    } else {
      problem(fieldsNode ?? node, "\(path).fields", "missing: map the fields")
    }
    for c in entity.columns
    where c.required && given[c.name] == nil && !rejected.contains(c.name) && fieldsNode != nil {
      problem(fieldsKey, "\(path).fields.\(c.name)", "required by the data contract but not mapped")
    }
    for (name, f) in given {
      if case .offset(let other, _) = f, given[other] == nil {
        problem(fieldsKey, "\(path).fields.\(name)", "refers to \(other), which is not mapped")
      }
    }
    t.fields = columns.compactMap { c in given[c].map { (c, $0) } }
    return t
  }

  static func readField(
    _ v: Node, _ path: String, _ columns: [String], _ problem: (Node?, String, String) -> Void
  ) -> Field? {
    if let m = v.mapping {
      var column: String?
      var values: [String: String] = [:]
      var constant: String?
      for (k, x) in m {
        switch k.string ?? "" {
        case "column": column = x.string
        case "const": constant = x.string
        case "values":
          for (a, b) in x.mapping ?? [:] { values[a.string ?? ""] = b.string ?? "" }
        default:
          problem(k, "\(path).\(k.string ?? "")", "unknown key (expected column, values, const)")
        }
      }
      if let constant { return .constant(constant) }
      guard let column else {
        problem(v, path, "expected column: NAME")
        return nil
      }
      return .column(column, values: values)
    }
    guard let text = v.string else {
      problem(v, path, "expected a column name, \"=constant\", a {template} or field + days")
      return nil
    }
    if text.hasPrefix("=") { return .constant(String(text.dropFirst())) }
    if text.contains("{") {
      guard let parts = parseTemplate(text) else {
        problem(v, path, "unbalanced braces in template \"\(text)\"")
        return nil
      }
      return .template(parts)
    }
    let words = text.split(separator: " ")
    if words.count == 3, columns.contains(String(words[0])), ["+", "-"].contains(words[1]),
      let n = Int(words[2])
    {
      if let reason = Span.daysProblem(n) {
        problem(v, path, "\(reason) (value \"\(text)\")")
        return nil
      }
      return .offset(field: String(words[0]), days: words[1] == "-" ? -n : n)
    }
    return .column(text, values: [:])
  }

  static func parseTemplate(_ text: String) -> [TemplatePart]? {
    var parts: [TemplatePart] = []
    var literal = ""
    var rest = Substring(text)
    while let open = rest.firstIndex(of: "{") {
      literal += rest[..<open]
      guard let close = rest[open...].firstIndex(of: "}") else { return nil }
      if !literal.isEmpty { parts.append(.text(literal)) }
      literal = ""
      let inner = rest[rest.index(after: open)..<close]
      if inner.hasSuffix("|slug") {
        parts.append(.column(String(inner.dropLast(5)), slug: true))
      } else {
        parts.append(.column(String(inner), slug: false))
      }
      rest = rest[rest.index(after: close)...]
    }
    guard !rest.contains("}") else { return nil }
    literal += rest
    if !literal.isEmpty { parts.append(.text(literal)) }
    return parts
  }

  /// `Ann Lee` → `ann_lee`: lowercase letters and digits, other runs become one underscore.
  public static func slug(_ s: String) -> String {
    var out = ""
    var gap = false
    for ch in s.lowercased().unicodeScalars {
      if ch.properties.isAlphabetic || ("0"..."9").contains(ch) {
        if gap && !out.isEmpty { out += "_" }
        gap = false
        out.unicodeScalars.append(ch)
      } else {
        gap = true
      }
    }
    return out
  }
}
