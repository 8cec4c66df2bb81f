import ArcadenceCharts
import ArcadenceCore
import Foundation

/// The chart data file: the numbers behind every chart of a set, which draws the same charts
/// again without the store.
///
/// ```json
/// {"format": "arcadence-charts", "version": 1, "charts": [
///   {"name": "cash-weekly", "caption": "…", "chart": {"kind": "dualAxisBarLine",
///    "title": "…", "width": 800, "height": 500, "periodStarts": ["2026-06-29", …],
///    "bars": {"name": "Cash collected", "values": [412000.5, …]}, …}}, …]}
/// ```
/// Each chart is an `AnyChart`: a `kind` tag and the chart's fields. Missing values are
/// `null`, whole days are ISO dates, colours are `"#RRGGBB"`.
extension ChartSet: Codable {
  /// The `format` tag of chart data files.
  public static let dataFormat = "arcadence-charts"
  /// The version of the chart data format this build reads and writes.
  public static let dataVersion = 1

  private enum CodingKeys: String, CodingKey {
    case format, version, charts
  }

  /// Writes the format tag, the version and the charts in reading order.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(ChartSet.dataFormat, forKey: .format)
    try container.encode(ChartSet.dataVersion, forKey: .version)
    try container.encode(entries, forKey: .charts)
  }

  /// Reads a chart data file: the format tag and version must match, and chart names must be
  /// distinct safe file names.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let format = try container.decode(String.self, forKey: .format)
    guard format == ChartSet.dataFormat else {
      throw DecodingError.dataCorruptedError(
        forKey: .format, in: container,
        debugDescription: "expected \"\(ChartSet.dataFormat)\", found \"\(format)\"")
    }
    let version = try container.decode(Int.self, forKey: .version)
    guard version == ChartSet.dataVersion else {
      throw DecodingError.dataCorruptedError(
        forKey: .version, in: container,
        debugDescription: "this build reads version \(ChartSet.dataVersion), found \(version)")
    }
    let entries = try container.decode([Entry].self, forKey: .charts)
    var seen: Set<String> = []
    for (index, entry) in entries.enumerated() where !seen.insert(entry.name).inserted {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: [CodingKeys.charts, ChartSet.IndexKey(index), Entry.CodingKeys.name],
          debugDescription: "the name \"\(entry.name)\" is used twice"))
    }
    self.init(entries: entries)
  }

  /// The set as a chart data file (UTF-8 JSON, keys sorted, one value per line).
  public func dataJSON() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      return try encoder.encode(self)
    } catch let error as EncodingError {
      var failure = ArcadenceError(
        .invalidData, "cannot write the chart data: \(Self.describe(error))")
      failure.cause = error
      throw failure
    }
  }

  /// Writes the set as a chart data file at `path`.
  public func writeData(to path: String) throws {
    try OutputFile.write([UInt8](try dataJSON()), to: path)
  }

  /// Reads a chart set from chart data; a mistake names `source` and where in it.
  public init(data: Data, source: String) throws {
    do {
      self = try JSONDecoder().decode(ChartSet.self, from: data)
    } catch let error as DecodingError {
      if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
        throw ArcadenceError(.invalidData, "\(source): not valid JSON\(Self.syntaxError(in: data))")
      }
      throw ArcadenceError(.invalidData, "\(source): \(Self.describe(error))")
    }
  }

  /// Reads a chart set from a chart data file.
  public init(dataFile path: String) throws {
    let bytes = try InputFile.bytes(at: path, describing: path)
    try self.init(data: Data(bytes), source: path)
  }

  // MARK: Error messages

  /// A coding key for an array position.
  struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
  }

  /// `charts[3].chart.bars.values[2]`.
  static func path(_ keys: [any CodingKey]) -> String {
    var text = ""
    for key in keys {
      if let index = key.intValue {
        text += "[\(index)]"
      } else {
        text += (text.isEmpty ? "" : ".") + key.stringValue
      }
    }
    return text
  }

  /// What a JSON value of `type` is called in a message.
  static func noun(_ type: Any.Type) -> String {
    switch type {
    case is Double.Type, is Int.Type, is Int32.Type: return "a number"
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    default: return String(describing: type).hasPrefix("Array") ? "an array" : "an object"
    }
  }

  /// Where JSON text stops being JSON, as `" (line 3, column 14: …)"`, or "" if unknown.
  ///
  /// `JSONDecoder` does not say where; `JSONSerialization` gives a character offset.
  static func syntaxError(in data: Data) -> String {
    do {
      _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
      return ""
    } catch {
      var detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
      if detail.hasSuffix(".") { detail.removeLast() }
      detail = detail.prefix(1).lowercased() + detail.dropFirst()
      guard let marker = detail.range(of: "character ") else {
        return detail.isEmpty ? "" : " (\(detail))"
      }
      let digits = detail[marker.upperBound...].prefix { $0.isNumber }
      guard let offset = Int(digits), offset <= data.count else { return "" }
      let before = Array(data.prefix(offset))
      let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
      let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
      var reason = String(detail[..<marker.lowerBound])
      for suffix in [" around ", " at "] where reason.hasSuffix(suffix) {
        reason.removeLast(suffix.count)
      }
      return " (line \(line), column \(column): \(reason))"
    }
  }

  /// One line naming where a decoding problem is and what it is.
  static func describe(_ error: DecodingError) -> String {
    func located(_ keys: [any CodingKey], _ text: String) -> String {
      keys.isEmpty ? text : "\(path(keys)): \(text)"
    }
    switch error {
    case .keyNotFound(let key, let context):
      return located(context.codingPath + [key], "missing")
    case .valueNotFound(let type, let context):
      return located(context.codingPath, "expected \(noun(type)), found null")
    case .typeMismatch(let type, let context):
      var text = "expected \(noun(type))"
      let description = context.debugDescription
      if let found = description.range(of: "but found "),
        let end = description.range(of: " instead", range: found.upperBound..<description.endIndex)
      {
        let words = String(description[found.upperBound..<end.lowerBound])
        let nouns = ["number": "a number", "bool": "true or false", "a dictionary": "an object"]
        text += ", found " + (nouns[words] ?? words)
      }
      return located(context.codingPath, text)
    case .dataCorrupted(let context):
      return located(context.codingPath, context.debugDescription)
    @unknown default:
      return String(describing: error)
    }
  }

  /// One line naming where an encoding problem is and what it is.
  static func describe(_ error: EncodingError) -> String {
    switch error {
    case .invalidValue(_, let context):
      let location = path(context.codingPath)
      return location.isEmpty
        ? context.debugDescription : "\(location): \(context.debugDescription)"
    @unknown default:
      return String(describing: error)
    }
  }
}

extension ChartSet.Entry: Codable {
  enum CodingKeys: String, CodingKey {
    case name, caption, chart
  }

  /// Writes the name, the caption and the chart.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encode(caption, forKey: .caption)
    try container.encode(chart, forKey: .chart)
  }

  /// Reads an entry; the name must be a safe file name (letters, digits, `-` and `_`).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let name = try container.decode(String.self, forKey: .name)
    guard FileName.isSafe(name) else {
      throw DecodingError.dataCorruptedError(
        forKey: .name, in: container,
        debugDescription: "\"\(name)\" is not a safe file name (ASCII letters, digits, - and _, "
          + "at most 60)")
    }
    self.init(
      name: name, caption: try container.decodeIfPresent(String.self, forKey: .caption) ?? "",
      chart: try container.decode(AnyChart.self, forKey: .chart))
  }
}
