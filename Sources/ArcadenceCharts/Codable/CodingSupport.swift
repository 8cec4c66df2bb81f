import ArcadenceCore

/// Conventions shared by the charts' `Codable` conformances (the chart data format).
///
/// - Series values are numbers, with `null` for a missing value (NaN, which JSON cannot
///   write; infinities are written as `null` too and read back as NaN, which every mark
///   already skips).
/// - Whole days (periods, days of a line or fan chart) are ISO dates, `"2026-07-06"`.
/// - Colours are `"#RRGGBB"` (or `"#RRGGBBAA"`), or `[r, g, b, a]` in 0...1 when a component
///   is not a whole 8-bit step, so every colour reads back exactly.
/// - Presentation settings (sizes, axis options, dashes) may be left out when reading: they
///   take the same defaults as the Swift initialisers. Optional settings left out are nil.
enum ChartCoding {
  /// Parses a strict `YYYY-MM-DD` date (a real day of years 0001–9999, the rule of every
  /// date in arcadence: ``Day/init(iso:)``) into days since 1970-01-01.
  static func day(iso text: String) -> Int32? { Day(iso: text)?.rawValue }
}

/// A coding key for an array position, so errors can name `values[3]`.
struct IndexKey: CodingKey {
  let intValue: Int?
  var stringValue: String { "\(intValue ?? 0)" }

  init(_ index: Int) { intValue = index }
  init?(intValue: Int) { self.intValue = intValue }
  init?(stringValue: String) { nil }
}

/// A reference value with a label (a target rule, a histogram marker), as coded.
struct CodedReference: Codable {
  var value: Double
  var label: String

  init(_ reference: (value: Double, label: String)) {
    value = reference.value
    label = reference.label
  }

  var tuple: (value: Double, label: String) { (value, label) }
}

extension KeyedEncodingContainer {
  /// Encodes series values, writing `null` for NaN and infinities.
  mutating func encodeValues(_ values: [Double], forKey key: Key) throws {
    try encode(values.map { $0.isFinite ? $0 : nil }, forKey: key)
  }

  /// Encodes whole days as ISO dates.
  mutating func encodeDays(_ days: [Int32], forKey key: Key) throws {
    try encode(days.map { ChartFormat.date($0, style: .iso) }, forKey: key)
  }

  /// Encodes a labelled reference value as `{"value": …, "label": …}` when present.
  mutating func encodeReference(_ reference: (value: Double, label: String)?, forKey key: Key)
    throws
  {
    try encodeIfPresent(reference.map(CodedReference.init), forKey: key)
  }
}

extension KeyedDecodingContainer {
  /// Decodes series values; `null` reads as NaN.
  func decodeValues(forKey key: Key) throws -> [Double] {
    try decode([Double?].self, forKey: key).map { $0 ?? .nan }
  }

  /// Decodes ISO dates into days since 1970-01-01.
  func decodeDays(forKey key: Key) throws -> [Int32] {
    try decode([String].self, forKey: key).enumerated().map { index, text in
      guard let day = ChartCoding.day(iso: text) else {
        throw DecodingError.dataCorrupted(
          DecodingError.Context(
            codingPath: codingPath + [key, IndexKey(index)],
            debugDescription: "expected a date YYYY-MM-DD, found \"\(text)\""))
      }
      return day
    }
  }

  /// Decodes a labelled reference value, or nil when the key is absent or null.
  func decodeReference(forKey key: Key) throws -> (value: Double, label: String)? {
    try decodeIfPresent(CodedReference.self, forKey: key)?.tuple
  }

  /// Replaces `value` with the key's value when present, keeping the default otherwise.
  func update<T: Decodable>(_ value: inout T, forKey key: Key) throws {
    if let decoded = try decodeIfPresent(T.self, forKey: key) { value = decoded }
  }
}
