// Codable conformances of the chart model: colours, formats, axes, legend, theme and `Chart`.
// The conventions are in `ChartCoding`.

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
  private enum CodingKeys: String, CodingKey {
    case background, text, secondaryText, gridline, axisLine, rule, palette, titleSize
    case subtitleSize, labelSize, footnoteSize, padding
  }

  /// Writes every setting.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(background, forKey: .background)
    try container.encode(text, forKey: .text)
    try container.encode(secondaryText, forKey: .secondaryText)
    try container.encode(gridline, forKey: .gridline)
    try container.encode(axisLine, forKey: .axisLine)
    try container.encode(rule, forKey: .rule)
    try container.encode(palette, forKey: .palette)
    try container.encode(titleSize, forKey: .titleSize)
    try container.encode(subtitleSize, forKey: .subtitleSize)
    try container.encode(labelSize, forKey: .labelSize)
    try container.encode(footnoteSize, forKey: .footnoteSize)
    try container.encode(padding, forKey: .padding)
  }

  /// Reads the settings present; the others keep the light theme's values.
  public init(from decoder: any Decoder) throws {
    self.init()
    let container = try decoder.container(keyedBy: CodingKeys.self)
    try container.update(&background, forKey: .background)
    try container.update(&text, forKey: .text)
    try container.update(&secondaryText, forKey: .secondaryText)
    try container.update(&gridline, forKey: .gridline)
    try container.update(&axisLine, forKey: .axisLine)
    try container.update(&rule, forKey: .rule)
    try container.update(&palette, forKey: .palette)
    try container.update(&titleSize, forKey: .titleSize)
    try container.update(&subtitleSize, forKey: .subtitleSize)
    try container.update(&labelSize, forKey: .labelSize)
    try container.update(&footnoteSize, forKey: .footnoteSize)
    try container.update(&padding, forKey: .padding)
  }
}

extension XAxis: Codable {
  private enum CodingKeys: String, CodingKey {
    case kind, categories, title, format, domain, tickCount, gridlines, labelStrategy
  }

  /// Writes `kind` (`"linear"`, `"time"` or `"categories"` with `categories`) and the
  /// settings; a time axis's domain is in days since 1970-01-01.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    switch kind {
    case .linear: try container.encode("linear", forKey: .kind)
    case .time: try container.encode("time", forKey: .kind)
    case .categories(let names):
      try container.encode("categories", forKey: .kind)
      try container.encode(names, forKey: .categories)
    }
    try container.encodeIfPresent(title, forKey: .title)
    try container.encode(format, forKey: .format)
    try container.encodeIfPresent(domain, forKey: .domain)
    try container.encode(tickCount, forKey: .tickCount)
    try container.encode(gridlines, forKey: .gridlines)
    try container.encode(labelStrategy, forKey: .labelStrategy)
  }

  /// Reads an axis; only `kind` (and `categories` for a category axis) is required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let name = try container.decode(String.self, forKey: .kind)
    switch name {
    case "linear": self.init(kind: .linear)
    case "time": self.init(kind: .time)
    case "categories":
      self.init(kind: .categories(try container.decode([String].self, forKey: .categories)))
    default:
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: container,
        debugDescription: "unknown x axis kind \"\(name)\" (expected linear, time or categories)")
    }
    title = try container.decodeIfPresent(String.self, forKey: .title)
    try container.update(&format, forKey: .format)
    domain = try container.decodeIfPresent(ClosedRange<Double>.self, forKey: .domain)
    try container.update(&tickCount, forKey: .tickCount)
    try container.update(&gridlines, forKey: .gridlines)
    try container.update(&labelStrategy, forKey: .labelStrategy)
  }
}

extension YAxis: Codable {
  private enum CodingKeys: String, CodingKey {
    case title, format, domain, includesZero, tickCount, gridlines
  }

  /// Writes every setting (`domain` as `[low, high]` when fixed).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeIfPresent(title, forKey: .title)
    try container.encode(format, forKey: .format)
    try container.encodeIfPresent(domain, forKey: .domain)
    try container.encode(includesZero, forKey: .includesZero)
    try container.encode(tickCount, forKey: .tickCount)
    try container.encode(gridlines, forKey: .gridlines)
  }

  /// Reads the settings present; the others take the initialiser's defaults.
  public init(from decoder: any Decoder) throws {
    self.init()
    let container = try decoder.container(keyedBy: CodingKeys.self)
    title = try container.decodeIfPresent(String.self, forKey: .title)
    try container.update(&format, forKey: .format)
    domain = try container.decodeIfPresent(ClosedRange<Double>.self, forKey: .domain)
    try container.update(&includesZero, forKey: .includesZero)
    try container.update(&tickCount, forKey: .tickCount)
    try container.update(&gridlines, forKey: .gridlines)
  }
}

extension Chart: Codable {
  private enum CodingKeys: String, CodingKey {
    case width, height, title, subtitle, footnote, xAxis, yAxis, rightAxis, legend, theme, marks
  }

  /// Writes the canvas size, texts, axes, legend and marks; the theme only when it is not the
  /// light house theme.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(width, forKey: .width)
    try container.encode(height, forKey: .height)
    try container.encode(title, forKey: .title)
    try container.encodeIfPresent(subtitle, forKey: .subtitle)
    try container.encodeIfPresent(footnote, forKey: .footnote)
    try container.encode(xAxis, forKey: .xAxis)
    try container.encode(yAxis, forKey: .yAxis)
    try container.encodeIfPresent(rightAxis, forKey: .rightAxis)
    try container.encode(legend, forKey: .legend)
    if theme != .light { try container.encode(theme, forKey: .theme) }
    try container.encode(marks, forKey: .marks)
  }

  /// Reads a chart; `title` and `xAxis` are required.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      title: try container.decode(String.self, forKey: .title),
      xAxis: try container.decode(XAxis.self, forKey: .xAxis))
    try container.update(&width, forKey: .width)
    try container.update(&height, forKey: .height)
    subtitle = try container.decodeIfPresent(String.self, forKey: .subtitle)
    footnote = try container.decodeIfPresent(String.self, forKey: .footnote)
    try container.update(&yAxis, forKey: .yAxis)
    rightAxis = try container.decodeIfPresent(YAxis.self, forKey: .rightAxis)
    try container.update(&legend, forKey: .legend)
    try container.update(&theme, forKey: .theme)
    try container.update(&marks, forKey: .marks)
  }
}
