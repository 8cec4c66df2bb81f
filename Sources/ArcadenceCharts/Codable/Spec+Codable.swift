// Codable conformances of the chart specs and the small-multiples grid, through their field
// tables (`FieldCoding`): each starts with the shared header (`CodedField.heading`) and is
// written with its own numbers (a histogram's raw observations, a Pareto chart's unsorted
// categories), so the data can be read back and drawn again, here or by any other tool.

extension DualAxisBarLineSpec: Codable, ChartHeading {
  private static let coding = FieldCoding(
    DualAxisBarLineSpec(
      title: "", periodStarts: [], bars: NamedSeries(name: "", values: []),
      line: NamedSeries(name: "", values: [])),
    CodedField.heading + [
      .days("periodStarts", \.periodStarts), .required("bars", \.bars),
      .required("line", \.line), .reference("lineTarget", \.lineTarget),
      .setting("periodLength", \.periodLength), .setting("barAxis", \.barAxis),
      .setting("lineAxis", \.lineAxis),
    ])

  /// Writes the titles, size, periods (ISO dates), both series, both axes and the target.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads the spec; `title`, `periodStarts`, `bars` and `line` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension StackedBarSpec: Codable, ChartHeading {
  private static let coding = FieldCoding(
    StackedBarSpec(title: "", categories: [], series: []),
    CodedField.heading + [
      .required("categories", \.categories), .required("series", \.series),
      .setting("valueAxis", \.valueAxis), .setting("showsTotals", \.showsTotals),
    ])

  /// Writes the titles, size, categories, the stacked series (bottom first) and the axis.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads the spec; `title`, `categories` and `series` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension LineRuleSpec: Codable, ChartHeading {
  private static let coding = FieldCoding(
    LineRuleSpec(title: "", days: [], series: []),
    CodedField.heading + [
      .days("days", \.days), .required("series", \.series), .reference("rule", \.rule),
      .setting("valueAxis", \.valueAxis), .setting("showsPoints", \.showsPoints),
    ])

  /// Writes the titles, size, days (ISO dates), the lines, the axis and the rule.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads the spec; `title`, `days` and `series` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension HistogramSpec: Codable, ChartHeading {
  private static let coding = FieldCoding(
    HistogramSpec(title: "", values: [], binWidth: 1),
    CodedField.heading + [
      .values("values", \.values), .required("binWidth", \.binWidth),
      .reference("marker", \.marker), .optional("color", \.color),
      .setting("binOrigin", \.binOrigin), .setting("valueAxis", \.valueAxis),
      .setting("countAxis", \.countAxis),
    ])

  /// Writes the titles, size, the raw observations, the bins, both axes and the marker.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads the spec; `title`, `values` and `binWidth` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension ParetoSpec: Codable, ChartHeading {
  private static let coding = FieldCoding(
    ParetoSpec(title: "", categories: [], values: []),
    CodedField.heading + [
      .required("categories", \.categories), .values("values", \.values),
      .check { spec, container in
        guard spec.categories.count == spec.values.count else {
          throw DecodingError.dataCorruptedError(
            forKey: FieldKey("values"), in: container,
            debugDescription: "expected one value per category "
              + "(\(spec.values.count) values, \(spec.categories.count) categories)")
        }
      },
      .optional("maxCategories", \.maxCategories), .optional("threshold", \.threshold),
      .setting("valueName", \.valueName), .setting("cumulativeName", \.cumulativeName),
      .setting("valueAxis", \.valueAxis),
    ])

  /// Writes the titles, size, the categories with their (unsorted) values, the names, the
  /// axis, the folding limit and the threshold.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads the spec; `title`, `categories` and `values` (one per category) are required. A
  /// missing `maxCategories` or `threshold` means none.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension FanChartSpec: Codable, ChartHeading {
  private static let coding = FieldCoding(
    FanChartSpec(title: "", forecastDays: [], p5: [], p25: [], p50: [], p75: [], p95: []),
    CodedField.heading + [
      .days("historyDays", \.historyDays, ifPresent: true),
      .values("history", \.history, ifPresent: true), .days("forecastDays", \.forecastDays),
      .values("p5", \.p5), .values("p25", \.p25), .values("p50", \.p50), .values("p75", \.p75),
      .values("p95", \.p95), .optional("forecastStartLabel", \.forecastStartLabel),
      .setting("valueAxis", \.valueAxis), .setting("color", \.color),
    ])

  /// Writes the titles, size, the history and the forecast percentiles (days as ISO dates),
  /// the axis, the hue and the forecast-start label.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads the spec; `title`, `forecastDays` and the five percentiles are required. A
  /// missing `forecastStartLabel` means no start rule.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}

extension SmallMultiples: Codable, ChartHeading {
  private static let coding = FieldCoding(
    SmallMultiples(panels: [], columns: 1),
    CodedField.heading + [
      .required("panels", \.panels), .required("columns", \.columns),
      .setting("sharesYDomain", \.sharesYDomain), .setting("theme", \.theme, omittedWhen: .light),
    ])

  /// Writes the titles, size, grid settings and every panel as a chart; the theme only when
  /// it is not the light house theme.
  public func encode(to encoder: any Encoder) throws { try Self.coding.encode(self, to: encoder) }

  /// Reads the grid; `title`, `panels` and `columns` are required.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}
