// Codable conformances of the marks. Data points are written as parallel `x` and `y` arrays
// (x in the x axis's units: values, days since 1970-01-01 or category indices).

extension Mark: Codable {
  private enum CodingKeys: String, CodingKey {
    case type
  }

  /// The `type` tag of each mark in the data format.
  private var typeName: String {
    switch self {
    case .line: return "line"
    case .area: return "area"
    case .band: return "band"
    case .bars: return "bars"
    case .points: return "points"
    case .rule: return "rule"
    case .text: return "text"
    }
  }

  /// Writes `{"type": "line", …the mark's fields}`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(typeName, forKey: .type)
    switch self {
    case .line(let mark): try mark.encode(to: encoder)
    case .area(let mark): try mark.encode(to: encoder)
    case .band(let mark): try mark.encode(to: encoder)
    case .bars(let mark): try mark.encode(to: encoder)
    case .points(let mark): try mark.encode(to: encoder)
    case .rule(let mark): try mark.encode(to: encoder)
    case .text(let mark): try mark.encode(to: encoder)
    }
  }

  /// Reads a mark by its `type` tag.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let type = try container.decode(String.self, forKey: .type)
    switch type {
    case "line": self = .line(try LineMark(from: decoder))
    case "area": self = .area(try AreaMark(from: decoder))
    case "band": self = .band(try BandMark(from: decoder))
    case "bars": self = .bars(try BarMark(from: decoder))
    case "points": self = .points(try PointMark(from: decoder))
    case "rule": self = .rule(try RuleMark(from: decoder))
    case "text": self = .text(try TextMark(from: decoder))
    default:
      throw DecodingError.dataCorruptedError(
        forKey: .type, in: container,
        debugDescription: "unknown mark type \"\(type)\" (expected line, area, band, bars, "
          + "points, rule or text)")
    }
  }
}

/// Encodes and decodes data points as parallel `x` and `y` arrays.
private enum PointCoding {
  static func encode<Key: CodingKey>(
    _ points: [DataPoint], x: Key, y: Key, in container: inout KeyedEncodingContainer<Key>
  ) throws {
    try container.encodeValues(points.map(\.x), forKey: x)
    try container.encodeValues(points.map(\.y), forKey: y)
  }

  static func decode<Key: CodingKey>(x: Key, y: Key, in container: KeyedDecodingContainer<Key>)
    throws -> [DataPoint]
  {
    let xs = try container.decodeValues(forKey: x)
    let ys = try container.decodeValues(forKey: y)
    guard xs.count == ys.count else {
      throw DecodingError.dataCorruptedError(
        forKey: y, in: container,
        debugDescription: "expected as many y values as x values (\(ys.count) y, \(xs.count) x)")
    }
    return zip(xs, ys).map { DataPoint(x: $0, y: $1) }
  }
}

extension LineMark: Codable {
  private enum CodingKeys: String, CodingKey {
    case name, x, y, color, lineWidth, dash, showsPoints, axis
  }

  /// Writes the name, the points as `x` and `y` arrays and the style.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try PointCoding.encode(points, x: .x, y: .y, in: &container)
    try container.encodeIfPresent(color, forKey: .color)
    try container.encode(lineWidth, forKey: .lineWidth)
    try container.encode(dash, forKey: .dash)
    try container.encode(showsPoints, forKey: .showsPoints)
    try container.encode(axis, forKey: .axis)
  }

  /// Reads a line; `x` and `y` are required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
      points: try PointCoding.decode(x: .x, y: .y, in: container),
      color: try container.decodeIfPresent(Color.self, forKey: .color))
    try container.update(&lineWidth, forKey: .lineWidth)
    try container.update(&dash, forKey: .dash)
    try container.update(&showsPoints, forKey: .showsPoints)
    try container.update(&axis, forKey: .axis)
  }
}

extension AreaMark: Codable {
  private enum CodingKeys: String, CodingKey {
    case name, x, y, baseline, color, opacity, strokesEdge, axis
  }

  /// Writes the name, the points as `x` and `y` arrays, the baseline and the style.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try PointCoding.encode(points, x: .x, y: .y, in: &container)
    try container.encode(baseline, forKey: .baseline)
    try container.encodeIfPresent(color, forKey: .color)
    try container.encode(opacity, forKey: .opacity)
    try container.encode(strokesEdge, forKey: .strokesEdge)
    try container.encode(axis, forKey: .axis)
  }

  /// Reads an area; `x` and `y` are required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
      points: try PointCoding.decode(x: .x, y: .y, in: container),
      color: try container.decodeIfPresent(Color.self, forKey: .color))
    try container.update(&baseline, forKey: .baseline)
    try container.update(&opacity, forKey: .opacity)
    try container.update(&strokesEdge, forKey: .strokesEdge)
    try container.update(&axis, forKey: .axis)
  }
}

extension BandMark: Codable {
  private enum CodingKeys: String, CodingKey {
    case name, x, lower, upper, color, opacity, axis
  }

  /// Writes the name, the `x`, `lower` and `upper` arrays and the style.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encodeValues(x, forKey: .x)
    try container.encodeValues(lower, forKey: .lower)
    try container.encodeValues(upper, forKey: .upper)
    try container.encodeIfPresent(color, forKey: .color)
    try container.encode(opacity, forKey: .opacity)
    try container.encode(axis, forKey: .axis)
  }

  /// Reads a band; `x`, `lower` and `upper` are required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
      x: try container.decodeValues(forKey: .x),
      lower: try container.decodeValues(forKey: .lower),
      upper: try container.decodeValues(forKey: .upper),
      color: try container.decodeIfPresent(Color.self, forKey: .color))
    try container.update(&opacity, forKey: .opacity)
    try container.update(&axis, forKey: .axis)
  }
}

extension BarSeries: Codable {
  private enum CodingKeys: String, CodingKey {
    case name, values, color
  }

  /// Writes the name, the values and the colour if explicit.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encodeValues(values, forKey: .values)
    try container.encodeIfPresent(color, forKey: .color)
  }

  /// Reads a series; `values` is required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
      values: try container.decodeValues(forKey: .values),
      color: try container.decodeIfPresent(Color.self, forKey: .color))
  }
}

extension BarMark: Codable {
  private enum CodingKeys: String, CodingKey {
    case x, series, layout, width, axis
  }

  /// Writes the positions, the series, the layout and the width if explicit.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeValues(x, forKey: .x)
    try container.encode(series, forKey: .series)
    try container.encode(layout, forKey: .layout)
    try container.encodeIfPresent(width, forKey: .width)
    try container.encode(axis, forKey: .axis)
  }

  /// Reads bars; `x` and `series` are required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      x: try container.decodeValues(forKey: .x),
      series: try container.decode([BarSeries].self, forKey: .series),
      width: try container.decodeIfPresent(Double.self, forKey: .width))
    try container.update(&layout, forKey: .layout)
    try container.update(&axis, forKey: .axis)
  }
}

extension PointMark: Codable {
  private enum CodingKeys: String, CodingKey {
    case name, x, y, color, radius, axis
  }

  /// Writes the name, the points as `x` and `y` arrays and the style.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try PointCoding.encode(points, x: .x, y: .y, in: &container)
    try container.encodeIfPresent(color, forKey: .color)
    try container.encode(radius, forKey: .radius)
    try container.encode(axis, forKey: .axis)
  }

  /// Reads points; `x` and `y` are required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
      points: try PointCoding.decode(x: .x, y: .y, in: container),
      color: try container.decodeIfPresent(Color.self, forKey: .color))
    try container.update(&radius, forKey: .radius)
    try container.update(&axis, forKey: .axis)
  }
}

extension RuleMark: Codable {
  private enum CodingKeys: String, CodingKey {
    case x, y, label, color, dash, lineWidth, axis
  }

  /// Writes `y` for a horizontal rule or `x` for a vertical one, the label and the style.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch orientation {
    case .horizontal(let y): try container.encode(y, forKey: .y)
    case .vertical(let x): try container.encode(x, forKey: .x)
    }
    try container.encodeIfPresent(label, forKey: .label)
    try container.encodeIfPresent(color, forKey: .color)
    try container.encode(dash, forKey: .dash)
    try container.encode(lineWidth, forKey: .lineWidth)
    try container.encode(axis, forKey: .axis)
  }

  /// Reads a rule; exactly one of `x` and `y` is required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let x = try container.decodeIfPresent(Double.self, forKey: .x)
    let y = try container.decodeIfPresent(Double.self, forKey: .y)
    let orientation: Orientation
    switch (x, y) {
    case (nil, let y?): orientation = .horizontal(y: y)
    case (let x?, nil): orientation = .vertical(x: x)
    default:
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: container.codingPath,
          debugDescription: "a rule needs exactly one of x (vertical) and y (horizontal)"))
    }
    self.init(
      orientation, label: try container.decodeIfPresent(String.self, forKey: .label),
      color: try container.decodeIfPresent(Color.self, forKey: .color))
    try container.update(&dash, forKey: .dash)
    try container.update(&lineWidth, forKey: .lineWidth)
    try container.update(&axis, forKey: .axis)
  }
}

extension TextAnchor: Codable {
  private enum CodingKeys: String, CodingKey {
    case horizontal, vertical
  }

  /// Writes `{"horizontal": "middle", "vertical": "bottom"}`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(horizontal, forKey: .horizontal)
    try container.encode(vertical, forKey: .vertical)
  }

  /// Reads both alignments.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      try container.decode(Horizontal.self, forKey: .horizontal),
      try container.decode(Vertical.self, forKey: .vertical))
  }
}

extension TextMark: Codable {
  private enum CodingKeys: String, CodingKey {
    case text, x, y, anchor, color, size, weight, axis
  }

  /// Writes the text, its position and its style.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(text, forKey: .text)
    try container.encode(position.x, forKey: .x)
    try container.encode(position.y, forKey: .y)
    try container.encode(anchor, forKey: .anchor)
    try container.encodeIfPresent(color, forKey: .color)
    try container.encodeIfPresent(size, forKey: .size)
    try container.encode(weight, forKey: .weight)
    try container.encode(axis, forKey: .axis)
  }

  /// Reads an annotation; `text`, `x` and `y` are required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      try container.decode(String.self, forKey: .text),
      at: DataPoint(
        x: try container.decode(Double.self, forKey: .x),
        y: try container.decode(Double.self, forKey: .y)),
      color: try container.decodeIfPresent(Color.self, forKey: .color),
      size: try container.decodeIfPresent(Double.self, forKey: .size))
    try container.update(&anchor, forKey: .anchor)
    try container.update(&weight, forKey: .weight)
    try container.update(&axis, forKey: .axis)
  }
}
