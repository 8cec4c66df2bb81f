// Codable conformances of the chart specs and the small-multiples grid: each is written with
// its own numbers (a histogram's raw observations, a Pareto chart's unsorted categories), so
// the data can be read back and drawn again, here or by any other tool.

extension NamedSeries: Codable {
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

/// The keys shared by every spec: titles and canvas size.
private enum HeaderKeys: String, CodingKey {
  case title, subtitle, footnote, width, height
}

/// The titles and canvas size of a spec, as coded.
private struct Header {
  var title: String
  var subtitle: String?
  var footnote: String?
  var width: Double
  var height: Double

  init(title: String, subtitle: String?, footnote: String?, width: Double, height: Double) {
    self.title = title
    self.subtitle = subtitle
    self.footnote = footnote
    self.width = width
    self.height = height
  }

  /// Reads the header; the title is required, the size defaults to `defaultSize`.
  init(from decoder: any Decoder, defaultSize: Size = Size(width: 800, height: 500)) throws {
    let container = try decoder.container(keyedBy: HeaderKeys.self)
    title = try container.decode(String.self, forKey: .title)
    subtitle = try container.decodeIfPresent(String.self, forKey: .subtitle)
    footnote = try container.decodeIfPresent(String.self, forKey: .footnote)
    width = try container.decodeIfPresent(Double.self, forKey: .width) ?? defaultSize.width
    height = try container.decodeIfPresent(Double.self, forKey: .height) ?? defaultSize.height
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: HeaderKeys.self)
    try container.encode(title, forKey: .title)
    try container.encodeIfPresent(subtitle, forKey: .subtitle)
    try container.encodeIfPresent(footnote, forKey: .footnote)
    try container.encode(width, forKey: .width)
    try container.encode(height, forKey: .height)
  }
}

extension DualAxisBarLineSpec: Codable {
  private enum CodingKeys: String, CodingKey {
    case periodStarts, periodLength, bars, line, barAxis, lineAxis, lineTarget
  }

  /// Writes the titles, size, periods (ISO dates), both series, both axes and the target.
  public func encode(to encoder: any Encoder) throws {
    try Header(
      title: title, subtitle: subtitle, footnote: footnote, width: width, height: height
    ).encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeDays(periodStarts, forKey: .periodStarts)
    try container.encode(periodLength, forKey: .periodLength)
    try container.encode(bars, forKey: .bars)
    try container.encode(line, forKey: .line)
    try container.encode(barAxis, forKey: .barAxis)
    try container.encode(lineAxis, forKey: .lineAxis)
    try container.encodeReference(lineTarget, forKey: .lineTarget)
  }

  /// Reads the spec; `title`, `periodStarts`, `bars` and `line` are required.
  public init(from decoder: any Decoder) throws {
    let header = try Header(from: decoder)
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      title: header.title, subtitle: header.subtitle, footnote: header.footnote,
      periodStarts: try container.decodeDays(forKey: .periodStarts),
      bars: try container.decode(NamedSeries.self, forKey: .bars),
      line: try container.decode(NamedSeries.self, forKey: .line),
      lineTarget: try container.decodeReference(forKey: .lineTarget), width: header.width,
      height: header.height)
    try container.update(&periodLength, forKey: .periodLength)
    try container.update(&barAxis, forKey: .barAxis)
    try container.update(&lineAxis, forKey: .lineAxis)
  }
}

extension StackedBarSpec: Codable {
  private enum CodingKeys: String, CodingKey {
    case categories, series, valueAxis, showsTotals
  }

  /// Writes the titles, size, categories, the stacked series (bottom first) and the axis.
  public func encode(to encoder: any Encoder) throws {
    try Header(
      title: title, subtitle: subtitle, footnote: footnote, width: width, height: height
    ).encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(categories, forKey: .categories)
    try container.encode(series, forKey: .series)
    try container.encode(valueAxis, forKey: .valueAxis)
    try container.encode(showsTotals, forKey: .showsTotals)
  }

  /// Reads the spec; `title`, `categories` and `series` are required.
  public init(from decoder: any Decoder) throws {
    let header = try Header(from: decoder)
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      title: header.title, subtitle: header.subtitle, footnote: header.footnote,
      categories: try container.decode([String].self, forKey: .categories),
      series: try container.decode([NamedSeries].self, forKey: .series), width: header.width,
      height: header.height)
    try container.update(&valueAxis, forKey: .valueAxis)
    try container.update(&showsTotals, forKey: .showsTotals)
  }
}

extension LineRuleSpec: Codable {
  private enum CodingKeys: String, CodingKey {
    case days, series, valueAxis, rule, showsPoints
  }

  /// Writes the titles, size, days (ISO dates), the lines, the axis and the rule.
  public func encode(to encoder: any Encoder) throws {
    try Header(
      title: title, subtitle: subtitle, footnote: footnote, width: width, height: height
    ).encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeDays(days, forKey: .days)
    try container.encode(series, forKey: .series)
    try container.encode(valueAxis, forKey: .valueAxis)
    try container.encodeReference(rule, forKey: .rule)
    try container.encode(showsPoints, forKey: .showsPoints)
  }

  /// Reads the spec; `title`, `days` and `series` are required.
  public init(from decoder: any Decoder) throws {
    let header = try Header(from: decoder)
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      title: header.title, subtitle: header.subtitle, footnote: header.footnote,
      days: try container.decodeDays(forKey: .days),
      series: try container.decode([NamedSeries].self, forKey: .series),
      rule: try container.decodeReference(forKey: .rule), width: header.width,
      height: header.height)
    try container.update(&valueAxis, forKey: .valueAxis)
    try container.update(&showsPoints, forKey: .showsPoints)
  }
}

extension HistogramSpec: Codable {
  private enum CodingKeys: String, CodingKey {
    case values, binWidth, binOrigin, valueAxis, countAxis, marker, color
  }

  /// Writes the titles, size, the raw observations, the bins, both axes and the marker.
  public func encode(to encoder: any Encoder) throws {
    try Header(
      title: title, subtitle: subtitle, footnote: footnote, width: width, height: height
    ).encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeValues(values, forKey: .values)
    try container.encode(binWidth, forKey: .binWidth)
    try container.encode(binOrigin, forKey: .binOrigin)
    try container.encode(valueAxis, forKey: .valueAxis)
    try container.encode(countAxis, forKey: .countAxis)
    try container.encodeReference(marker, forKey: .marker)
    try container.encodeIfPresent(color, forKey: .color)
  }

  /// Reads the spec; `title`, `values` and `binWidth` are required.
  public init(from decoder: any Decoder) throws {
    let header = try Header(from: decoder)
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      title: header.title, subtitle: header.subtitle, footnote: header.footnote,
      values: try container.decodeValues(forKey: .values),
      binWidth: try container.decode(Double.self, forKey: .binWidth),
      marker: try container.decodeReference(forKey: .marker),
      color: try container.decodeIfPresent(Color.self, forKey: .color), width: header.width,
      height: header.height)
    try container.update(&binOrigin, forKey: .binOrigin)
    try container.update(&valueAxis, forKey: .valueAxis)
    try container.update(&countAxis, forKey: .countAxis)
  }
}

extension ParetoSpec: Codable {
  private enum CodingKeys: String, CodingKey {
    case categories, values, valueName, cumulativeName, valueAxis, maxCategories, threshold
  }

  /// Writes the titles, size, the categories with their (unsorted) values, the names, the
  /// axis, the folding limit and the threshold.
  public func encode(to encoder: any Encoder) throws {
    try Header(
      title: title, subtitle: subtitle, footnote: footnote, width: width, height: height
    ).encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(categories, forKey: .categories)
    try container.encodeValues(values, forKey: .values)
    try container.encode(valueName, forKey: .valueName)
    try container.encode(cumulativeName, forKey: .cumulativeName)
    try container.encode(valueAxis, forKey: .valueAxis)
    try container.encodeIfPresent(maxCategories, forKey: .maxCategories)
    try container.encodeIfPresent(threshold, forKey: .threshold)
  }

  /// Reads the spec; `title`, `categories` and `values` are required. A missing
  /// `maxCategories` or `threshold` means none.
  public init(from decoder: any Decoder) throws {
    let header = try Header(from: decoder)
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let categories = try container.decode([String].self, forKey: .categories)
    let values = try container.decodeValues(forKey: .values)
    guard categories.count == values.count else {
      throw DecodingError.dataCorruptedError(
        forKey: .values, in: container,
        debugDescription: "expected one value per category "
          + "(\(values.count) values, \(categories.count) categories)")
    }
    self.init(
      title: header.title, subtitle: header.subtitle, footnote: header.footnote,
      categories: categories, values: values,
      maxCategories: try container.decodeIfPresent(Int.self, forKey: .maxCategories),
      threshold: try container.decodeIfPresent(Double.self, forKey: .threshold),
      width: header.width, height: header.height)
    try container.update(&valueName, forKey: .valueName)
    try container.update(&cumulativeName, forKey: .cumulativeName)
    try container.update(&valueAxis, forKey: .valueAxis)
  }
}

extension FanChartSpec: Codable {
  private enum CodingKeys: String, CodingKey {
    case historyDays, history, forecastDays, p5, p25, p50, p75, p95, valueAxis, color
    case forecastStartLabel
  }

  /// Writes the titles, size, the history and the forecast percentiles (days as ISO dates),
  /// the axis, the hue and the forecast-start label.
  public func encode(to encoder: any Encoder) throws {
    try Header(
      title: title, subtitle: subtitle, footnote: footnote, width: width, height: height
    ).encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeDays(historyDays, forKey: .historyDays)
    try container.encodeValues(history, forKey: .history)
    try container.encodeDays(forecastDays, forKey: .forecastDays)
    try container.encodeValues(p5, forKey: .p5)
    try container.encodeValues(p25, forKey: .p25)
    try container.encodeValues(p50, forKey: .p50)
    try container.encodeValues(p75, forKey: .p75)
    try container.encodeValues(p95, forKey: .p95)
    try container.encode(valueAxis, forKey: .valueAxis)
    try container.encode(color, forKey: .color)
    try container.encodeIfPresent(forecastStartLabel, forKey: .forecastStartLabel)
  }

  /// Reads the spec; `title`, `forecastDays` and the five percentiles are required. A
  /// missing `forecastStartLabel` means no start rule.
  public init(from decoder: any Decoder) throws {
    let header = try Header(from: decoder)
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      title: header.title, subtitle: header.subtitle, footnote: header.footnote,
      historyDays: container.contains(.historyDays)
        ? try container.decodeDays(forKey: .historyDays) : [],
      history: container.contains(.history) ? try container.decodeValues(forKey: .history) : [],
      forecastDays: try container.decodeDays(forKey: .forecastDays),
      p5: try container.decodeValues(forKey: .p5), p25: try container.decodeValues(forKey: .p25),
      p50: try container.decodeValues(forKey: .p50),
      p75: try container.decodeValues(forKey: .p75),
      p95: try container.decodeValues(forKey: .p95),
      forecastStartLabel: try container.decodeIfPresent(String.self, forKey: .forecastStartLabel),
      width: header.width, height: header.height)
    try container.update(&valueAxis, forKey: .valueAxis)
    try container.update(&color, forKey: .color)
  }
}

extension SmallMultiples: Codable {
  private enum CodingKeys: String, CodingKey {
    case columns, sharesYDomain, theme, panels
  }

  /// Writes the titles, size, grid settings and every panel as a chart; the theme only when
  /// it is not the light house theme.
  public func encode(to encoder: any Encoder) throws {
    try Header(
      title: title, subtitle: subtitle, footnote: footnote, width: width, height: height
    ).encode(to: encoder)
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(columns, forKey: .columns)
    try container.encode(sharesYDomain, forKey: .sharesYDomain)
    if theme != .light { try container.encode(theme, forKey: .theme) }
    try container.encode(panels, forKey: .panels)
  }

  /// Reads the grid; `panels` and `columns` are required.
  public init(from decoder: any Decoder) throws {
    let header = try Header(from: decoder, defaultSize: Size(width: 960, height: 640))
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      panels: try container.decode([Chart].self, forKey: .panels),
      columns: try container.decode(Int.self, forKey: .columns), title: header.title,
      subtitle: header.subtitle, footnote: header.footnote, width: header.width,
      height: header.height)
    try container.update(&sharesYDomain, forKey: .sharesYDomain)
    try container.update(&theme, forKey: .theme)
  }
}
