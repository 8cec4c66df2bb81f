import ArcadenceCore

// The chart data format, shared by every chart type's `Codable` conformance.
//
// - Series values are numbers, with `null` for a missing value (NaN, which JSON cannot
//   write; infinities are written as `null` too and read back as NaN, which every mark
//   already skips).
// - Whole days (periods, days of a line or fan chart) are ISO dates, `"2026-07-06"`.
// - Colours are `"#RRGGBB"` (or `"#RRGGBBAA"`), or `[r, g, b, a]` in 0...1 when a component
//   is not a whole 8-bit step, so every colour reads back exactly.
// - Presentation settings (sizes, axis options, dashes) may be left out when reading: they
//   take the same defaults as the Swift initialisers. Optional settings left out are nil.
//
// Why not the synthesized conformances: they require every key (a left-out setting could not
// take its default), cannot write NaN as null or days as dates, and have no tagged unions. So
// each type lists its fields once, in a `FieldCoding` table (key, key path, kind of field),
// and one generic encoder and decoder walk the table; `TaggedCoding` writes the enums of
// cases (`AnyChart`, `Mark`) as a tag beside the case's own fields.

/// A coding key named by a string: the keys of the field tables.
struct FieldKey: CodingKey {
  let stringValue: String
  var intValue: Int? { nil }

  init(_ name: String) { stringValue = name }
  init?(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

/// A coding key for an array position, so errors can name `values[3]`.
struct IndexKey: CodingKey {
  let intValue: Int?
  var stringValue: String { "\(intValue ?? 0)" }

  init(_ index: Int) { intValue = index }
  init?(intValue: Int) { self.intValue = intValue }
  init?(stringValue: String) { nil }
}

/// How a chart type is written and read: its fields, in reading order, and the value a read
/// starts from (the initialiser's defaults, with blanks for the required fields).
///
/// Reading sets each field the data holds; a left-out setting keeps the start value's default,
/// a left-out required field is `keyNotFound` naming it.
struct FieldCoding<Root: Sendable>: Sendable {
  let start: Root
  let fields: [CodedField<Root>]

  init(_ start: Root, _ fields: [CodedField<Root>]) {
    self.start = start
    self.fields = fields
  }

  func encode(_ value: Root, to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: FieldKey.self)
    for field in fields { try field.write(value, &container) }
  }

  func decode(from decoder: any Decoder) throws -> Root {
    let container = try decoder.container(keyedBy: FieldKey.self)
    var value = start
    for field in fields { try field.read(&value, container) }
    return value
  }
}

/// One field of a chart type's data form: how it is written and read.
struct CodedField<Root>: Sendable {
  let write: @Sendable (Root, inout KeyedEncodingContainer<FieldKey>) throws -> Void
  let read: @Sendable (inout Root, KeyedDecodingContainer<FieldKey>) throws -> Void

  /// A field that must be present.
  static func required<T: Codable & Sendable>(
    _ name: String, _ path: WritableKeyPath<Root, T> & Sendable
  )
    -> Self
  {
    let key = FieldKey(name)
    return Self(
      write: { try $1.encode($0[keyPath: path], forKey: key) },
      read: { $0[keyPath: path] = try $1.decode(T.self, forKey: key) })
  }

  /// A setting: always written; left out (or null), it keeps the default.
  static func setting<T: Codable & Sendable>(
    _ name: String, _ path: WritableKeyPath<Root, T> & Sendable
  )
    -> Self
  {
    setting(name, path, omit: { _ in false })
  }

  /// A setting not written when it is `omitted` (a theme equal to the house theme).
  static func setting<T: Codable & Equatable & Sendable>(
    _ name: String, _ path: WritableKeyPath<Root, T> & Sendable, omittedWhen omitted: T
  ) -> Self {
    setting(name, path, omit: { $0 == omitted })
  }

  private static func setting<T: Codable & Sendable>(
    _ name: String, _ path: WritableKeyPath<Root, T> & Sendable,
    omit: @escaping @Sendable (T) -> Bool
  ) -> Self {
    let key = FieldKey(name)
    return Self(
      write: { root, container in
        let value = root[keyPath: path]
        if !omit(value) { try container.encode(value, forKey: key) }
      },
      read: { root, container in
        if let value = try container.decodeIfPresent(T.self, forKey: key) {
          root[keyPath: path] = value
        }
      })
  }

  /// An optional field: written when set; left out (or null), it reads as nil whatever the
  /// initialiser's default.
  static func optional<T: Codable & Sendable>(
    _ name: String, _ path: WritableKeyPath<Root, T?> & Sendable
  )
    -> Self
  {
    let key = FieldKey(name)
    return Self(
      write: { try $1.encodeIfPresent($0[keyPath: path], forKey: key) },
      read: { $0[keyPath: path] = try $1.decodeIfPresent(T.self, forKey: key) })
  }

  /// Series values, `null` for NaN and infinities (read back as NaN). Required unless
  /// `ifPresent`, when a left-out key keeps the default.
  static func values(
    _ name: String, _ path: WritableKeyPath<Root, [Double]> & Sendable, ifPresent: Bool = false
  ) -> Self {
    let key = FieldKey(name)
    return Self(
      write: { try $1.encode($0[keyPath: path].map { $0.isFinite ? $0 : nil }, forKey: key) },
      read: { root, container in
        guard !ifPresent || container.contains(key) else { return }
        root[keyPath: path] = try container.decode([Double?].self, forKey: key).map { $0 ?? .nan }
      })
  }

  /// Whole days as ISO dates (a real day of years 0001–9999, ``Day/init(iso:)``). Required
  /// unless `ifPresent`, when a left-out key keeps the default.
  static func days(
    _ name: String, _ path: WritableKeyPath<Root, [Int32]> & Sendable, ifPresent: Bool = false
  ) -> Self {
    let key = FieldKey(name)
    return Self(
      write: {
        try $1.encode($0[keyPath: path].map { ChartFormat.date($0, style: .iso) }, forKey: key)
      },
      read: { root, container in
        guard !ifPresent || container.contains(key) else { return }
        root[keyPath: path] = try container.decode([String].self, forKey: key).enumerated().map {
          index, text in
          guard let day = Day(iso: text) else {
            throw DecodingError.dataCorrupted(
              DecodingError.Context(
                codingPath: container.codingPath + [key, IndexKey(index)],
                debugDescription: "expected a date YYYY-MM-DD, found \"\(text)\""))
          }
          return day.rawValue
        }
      })
  }

  /// A labelled reference value (a target rule, a histogram marker) as
  /// `{"value": …, "label": …}`; left out, none.
  static func reference(
    _ name: String, _ path: WritableKeyPath<Root, (value: Double, label: String)?> & Sendable
  ) -> Self {
    let key = FieldKey(name)
    return Self(
      write: { try $1.encodeIfPresent($0[keyPath: path].map(CodedReference.init), forKey: key) },
      read: { $0[keyPath: path] = try $1.decodeIfPresent(CodedReference.self, forKey: key)?.tuple })
  }

  /// Data points as parallel `x` and `y` arrays of series values, as many of each.
  static func points(_ path: WritableKeyPath<Root, [DataPoint]> & Sendable) -> Self {
    let x = FieldKey("x")
    let y = FieldKey("y")
    return Self(
      write: { root, container in
        try container.encode(root[keyPath: path].map { $0.x.isFinite ? $0.x : nil }, forKey: x)
        try container.encode(root[keyPath: path].map { $0.y.isFinite ? $0.y : nil }, forKey: y)
      },
      read: { root, container in
        let xs = try container.decode([Double?].self, forKey: x).map { $0 ?? .nan }
        let ys = try container.decode([Double?].self, forKey: y).map { $0 ?? .nan }
        guard xs.count == ys.count else {
          throw DecodingError.dataCorruptedError(
            forKey: y, in: container,
            debugDescription:
              "expected as many y values as x values (\(ys.count) y, \(xs.count) x)")
        }
        root[keyPath: path] = zip(xs, ys).map { DataPoint(x: $0, y: $1) }
      })
  }

  /// A check on what has been read so far (it writes nothing).
  static func check(
    _ test: @escaping @Sendable (Root, KeyedDecodingContainer<FieldKey>) throws -> Void
  )
    -> Self
  {
    Self(write: { _, _ in }, read: { try test($0, $1) })
  }
}

/// The titles and canvas size every chart has.
protocol ChartHeading {
  var title: String { get set }
  var subtitle: String? { get set }
  var footnote: String? { get set }
  var width: Double { get set }
  var height: Double { get set }
}

extension CodedField where Root: ChartHeading {
  /// The header every spec and grid starts with: `title` (required), `subtitle`, `footnote`,
  /// `width` and `height` (the size defaults to the spec's own).
  static var heading: [Self] {
    [
      .required("title", \.title), .optional("subtitle", \.subtitle),
      .optional("footnote", \.footnote), .setting("width", \.width), .setting("height", \.height),
    ]
  }
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

/// An enum of cases written as one object: a tag beside the case's own fields
/// (`{"type": "line", "name": …}`).
struct TaggedCoding<Value>: Sendable {
  /// The key of the tag.
  let tagKey: FieldKey
  /// Each case's tag and how to read it, in declaration order.
  let cases: [(tag: String, read: @Sendable (any Decoder) throws -> Value)]
  /// The message for an unknown tag, given the tag and the known ones.
  let unknown: @Sendable (String, [String]) -> String

  /// The tags, in declaration order.
  var tags: [String] { cases.map(\.tag) }

  func encode(tag: String, fields: any Encodable, to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: FieldKey.self)
    try container.encode(tag, forKey: tagKey)
    try fields.encode(to: encoder)
  }

  func decode(from decoder: any Decoder) throws -> Value {
    let container = try decoder.container(keyedBy: FieldKey.self)
    let tag = try container.decode(String.self, forKey: tagKey)
    guard let known = cases.first(where: { $0.tag == tag }) else {
      throw DecodingError.dataCorruptedError(
        forKey: tagKey, in: container, debugDescription: unknown(tag, tags))
    }
    return try known.read(decoder)
  }
}
