// Codable conformances of the chart model: colours, formats, axes, legend, theme and `Chart`.
// The conventions and the field tables are in `CodingSupport.swift`.

extension Color: Codable {
  /// Writes `"#RRGGBB"` (`"#RRGGBBAA"` when translucent) if every component is a whole 8-bit
  /// step, else `[red, green, blue, alpha]`, so the colour reads back exactly.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    let components = [red, green, blue, alpha]
    let bytes = components.map { (max(0, min(1, $0)) * 255).rounded() }
    guard zip(components, bytes).allSatisfy({ $0 == $1 / 255 }) else {
      try container.encode(components)
      return
    }
    let digits = (alpha == 1 ? bytes.dropLast() : bytes[...]).map {
      let hex = String(Int($0), radix: 16, uppercase: true)
      return hex.count == 1 ? "0" + hex : hex
    }
    try container.encode("#" + digits.joined())
  }

  /// Reads `"#RRGGBB"`, `"#RRGGBBAA"` or `[red, green, blue]` / `[red, green, blue, alpha]`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let text = try? container.decode(String.self) {
      let digits = text.dropFirst()
      guard text.hasPrefix("#"), digits.count == 6 || digits.count == 8,
        let value = UInt32(digits, radix: 16)
      else {
        throw DecodingError.dataCorruptedError(
          in: container, debugDescription: "expected a colour \"#RRGGBB\", found \"\(text)\"")
      }
      if digits.count == 6 {
        self.init(hex: value)
      } else {
        self.init(hex: value >> 8, alpha: Double(value & 0xFF) / 255)
      }
      return
    }
    guard let components = try? container.decode([Double].self),
      components.count == 3 || components.count == 4,
      components.allSatisfy({ (0...1).contains($0) })
    else {
      throw DecodingError.dataCorruptedError(
        in: container,
        debugDescription: "expected a colour \"#RRGGBB\" or [red, green, blue, alpha] in 0...1")
    }
    self.init(
      red: components[0], green: components[1], blue: components[2],
      alpha: components.count == 4 ? components[3] : 1)
  }
}

extension ValueFormat: Codable {
  private enum CodingKeys: String, CodingKey {
    case suffix
  }

  /// Writes `"number"`, `"plain"`, `"money"`, `"percent"` or `{"suffix": " days"}`.
  ///
  /// A `.custom` format is a closure and cannot be written: encoding it throws.
  public func encode(to encoder: any Encoder) throws {
    let name: String
    switch self {
    case .number: name = "number"
    case .plain: name = "plain"
    case .money: name = "money"
    case .percent: name = "percent"
    case .suffixed(let suffix):
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(suffix, forKey: .suffix)
      return
    case .custom:
      throw EncodingError.invalidValue(
        self,
        EncodingError.Context(
          codingPath: encoder.codingPath,
          debugDescription: "a custom value format is code and cannot be written as data"))
    }
    var container = encoder.singleValueContainer()
    try container.encode(name)
  }

  /// Reads the forms `encode(to:)` writes.
  public init(from decoder: any Decoder) throws {
    if let keyed = try? decoder.container(keyedBy: CodingKeys.self) {
      self = .suffixed(try keyed.decode(String.self, forKey: .suffix))
      return
    }
    let container = try decoder.singleValueContainer()
    let name = try container.decode(String.self)
    switch name {
    case "number": self = .number
    case "plain": self = .plain
    case "money": self = .money
    case "percent": self = .percent
    default:
      throw DecodingError.dataCorruptedError(
        in: container,
        debugDescription: "unknown value format \"\(name)\" (expected number, plain, money, "
          + "percent or {\"suffix\": …})")
    }
  }
}

extension Legend: Codable {
  /// Writes the visibility: `"automatic"`, `"visible"` or `"hidden"`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(visibility)
  }

  /// Reads the visibility.
  public init(from decoder: any Decoder) throws {
    self.init(try decoder.singleValueContainer().decode(Visibility.self))
  }
}

extension Theme: Codable {
  private static let coding = FieldCoding(
    Theme(),
    [
      .setting("background", \.background), .setting("text", \.text),
      .setting("secondaryText", \.secondaryText), .setting("gridline", \.gridline),
      .setting("axisLine", \.axisLine), .setting("rule", \.rule), .setting("palette", \.palette),
      .setting("titleSize", \.titleSize), .setting("subtitleSize", \.subtitleSize),
      .setting("labelSize", \.labelSize), .setting("footnoteSize", \.footnoteSize),
      .setting("padding", \.padding),
    ])

  /// Writes every setting.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads the settings present; the others keep the light theme's values.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension XAxis: Codable {
  /// `kind`: `"linear"`, `"time"` or `"categories"` with `categories`.
  private static let kind = CodedField<XAxis>(
    write: { axis, container in
      switch axis.kind {
      case .linear: try container.encode("linear", forKey: FieldKey("kind"))
      case .time: try container.encode("time", forKey: FieldKey("kind"))
      case .categories(let names):
        try container.encode("categories", forKey: FieldKey("kind"))
        try container.encode(names, forKey: FieldKey("categories"))
      }
    },
    read: { axis, container in
      let name = try container.decode(String.self, forKey: FieldKey("kind"))
      switch name {
      case "linear": axis.kind = .linear
      case "time": axis.kind = .time
      case "categories":
        axis.kind = .categories(try container.decode([String].self, forKey: FieldKey("categories")))
      default:
        throw DecodingError.dataCorruptedError(
          forKey: FieldKey("kind"), in: container,
          debugDescription: "unknown x axis kind \"\(name)\" (expected linear, time or categories)")
      }
    })

  private static let coding = FieldCoding(
    XAxis(kind: .linear),
    [
      kind, .optional("title", \.title), .setting("format", \.format),
      .optional("domain", \.domain), .setting("tickCount", \.tickCount),
      .setting("gridlines", \.gridlines), .setting("labelStrategy", \.labelStrategy),
    ])

  /// Writes `kind` (`"linear"`, `"time"` or `"categories"` with `categories`) and the
  /// settings; a time axis's domain is in days since 1970-01-01.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads an axis; only `kind` (and `categories` for a category axis) is required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension YAxis: Codable {
  private static let coding = FieldCoding(
    YAxis(),
    [
      .optional("title", \.title), .setting("format", \.format), .optional("domain", \.domain),
      .setting("includesZero", \.includesZero), .setting("tickCount", \.tickCount),
      .setting("gridlines", \.gridlines),
    ])

  /// Writes every setting (`domain` as `[low, high]` when fixed).
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads the settings present; the others take the initialiser's defaults.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension Chart: Codable, ChartHeading {
  /// Chart's own order: `title` and `xAxis` (both required) are read first.
  private static let coding = FieldCoding(
    Chart(title: "", xAxis: .linear()),
    [
      .required("title", \.title), .required("xAxis", \.xAxis), .setting("width", \.width),
      .setting("height", \.height), .optional("subtitle", \.subtitle),
      .optional("footnote", \.footnote), .setting("yAxis", \.yAxis),
      .optional("rightAxis", \.rightAxis), .setting("legend", \.legend),
      .setting("theme", \.theme, omittedWhen: .light), .setting("marks", \.marks),
    ])

  /// Writes the canvas size, texts, axes, legend and marks; the theme only when it is not the
  /// light house theme.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads a chart; `title` and `xAxis` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}
