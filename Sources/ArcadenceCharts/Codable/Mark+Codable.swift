// Codable conformances of the marks, through their field tables (`FieldCoding`). Data points
// are written as parallel `x` and `y` arrays (x in the x axis's units: values, days since
// 1970-01-01 or category indices).

extension Mark: Codable {
  private static let coding = TaggedCoding<Mark>(
    tagKey: FieldKey("type"),
    cases: [
      ("line", { .line(try LineMark(from: $0)) }), ("area", { .area(try AreaMark(from: $0)) }),
      ("band", { .band(try BandMark(from: $0)) }), ("bars", { .bars(try BarMark(from: $0)) }),
      ("points", { .points(try PointMark(from: $0)) }), ("rule", { .rule(try RuleMark(from: $0)) }),
      ("text", { .text(try TextMark(from: $0)) }),
    ],
    unknown: { type, types in
      "unknown mark type \"\(type)\" (expected \(types.dropLast().joined(separator: ", ")) "
        + "or \(types.last ?? ""))"
    })

  /// The `type` tag and the mark.
  private var tagged: (type: String, mark: any Encodable) {
    switch self {
    case .line(let mark): return ("line", mark)
    case .area(let mark): return ("area", mark)
    case .band(let mark): return ("band", mark)
    case .bars(let mark): return ("bars", mark)
    case .points(let mark): return ("points", mark)
    case .rule(let mark): return ("rule", mark)
    case .text(let mark): return ("text", mark)
    }
  }

  /// Writes `{"type": "line", …the mark's fields}`.
  public func encode(to encoder: any Encoder) throws {
    try Self.coding.encode(tag: tagged.type, fields: tagged.mark, to: encoder)
  }

  /// Reads a mark by its `type` tag.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension LineMark: Codable {
  private static let coding = FieldCoding(
    LineMark(name: "", points: []),
    [
      .setting("name", \.name), .points(\.points), .optional("color", \.color),
      .setting("lineWidth", \.lineWidth), .setting("dash", \.dash),
      .setting("showsPoints", \.showsPoints), .setting("axis", \.axis),
    ])

  /// Writes the name, the points as `x` and `y` arrays and the style.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads a line; `x` and `y` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension AreaMark: Codable {
  private static let coding = FieldCoding(
    AreaMark(name: "", points: []),
    [
      .setting("name", \.name), .points(\.points), .optional("color", \.color),
      .setting("baseline", \.baseline), .setting("opacity", \.opacity),
      .setting("strokesEdge", \.strokesEdge), .setting("axis", \.axis),
    ])

  /// Writes the name, the points as `x` and `y` arrays, the baseline and the style.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads an area; `x` and `y` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension BandMark: Codable {
  private static let coding = FieldCoding(
    BandMark(name: "", x: [], lower: [], upper: []),
    [
      .setting("name", \.name), .values("x", \.x), .values("lower", \.lower),
      .values("upper", \.upper), .optional("color", \.color), .setting("opacity", \.opacity),
      .setting("axis", \.axis),
    ])

  /// Writes the name, the `x`, `lower` and `upper` arrays and the style.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads a band; `x`, `lower` and `upper` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension NamedSeries: Codable {
  private static let coding = FieldCoding(
    NamedSeries(name: "", values: []),
    [.setting("name", \.name), .values("values", \.values), .optional("color", \.color)])

  /// Writes the name, the values and the colour if explicit.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads a series; `values` is required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension BarMark: Codable {
  private static let coding = FieldCoding(
    BarMark(x: [], series: []),
    [
      .values("x", \.x), .required("series", \.series), .optional("width", \.width),
      .setting("layout", \.layout), .setting("axis", \.axis),
    ])

  /// Writes the positions, the series, the layout and the width if explicit.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads bars; `x` and `series` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension PointMark: Codable {
  private static let coding = FieldCoding(
    PointMark(name: "", points: []),
    [
      .setting("name", \.name), .points(\.points), .optional("color", \.color),
      .setting("radius", \.radius), .setting("axis", \.axis),
    ])

  /// Writes the name, the points as `x` and `y` arrays and the style.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads points; `x` and `y` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension RuleMark: Codable {
  /// `y` for a horizontal rule, `x` for a vertical one: exactly one of them.
  private static let orientation = CodedField<RuleMark>(
    write: { rule, container in
      switch rule.orientation {
      case .horizontal(let y): try container.encode(y, forKey: FieldKey("y"))
      case .vertical(let x): try container.encode(x, forKey: FieldKey("x"))
      }
    },
    read: { rule, container in
      let x = try container.decodeIfPresent(Double.self, forKey: FieldKey("x"))
      switch (x, try container.decodeIfPresent(Double.self, forKey: FieldKey("y"))) {
      case (nil, let y?): rule.orientation = .horizontal(y: y)
      case (let x?, nil): rule.orientation = .vertical(x: x)
      default:
        throw DecodingError.dataCorrupted(
          DecodingError.Context(
            codingPath: container.codingPath,
            debugDescription: "a rule needs exactly one of x (vertical) and y (horizontal)"))
      }
    })

  private static let coding = FieldCoding(
    RuleMark(.horizontal(y: 0)),
    [
      orientation, .optional("label", \.label), .optional("color", \.color),
      .setting("dash", \.dash), .setting("lineWidth", \.lineWidth), .setting("axis", \.axis),
    ])

  /// Writes `y` for a horizontal rule or `x` for a vertical one, the label and the style.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads a rule; exactly one of `x` and `y` is required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension TextMark: Codable {
  private static let coding = FieldCoding(
    TextMark("", at: DataPoint(x: 0, y: 0)),
    [
      .required("text", \.text), .required("x", \.position.x), .required("y", \.position.y),
      .optional("color", \.color), .optional("size", \.size), .setting("anchor", \.anchor),
      .setting("weight", \.weight), .setting("axis", \.axis),
    ])

  /// Writes the text, its position and its style.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads an annotation; `text`, `x` and `y` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}
