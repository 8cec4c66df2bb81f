/// A chart of any kind the kit can write as data: one of the specs, a small-multiples grid or
/// a hand-built `Chart`.
///
/// `AnyChart` is drawable and `Codable`. Its JSON is one object: a `kind` tag and the
/// chart's own fields, e.g. `{"kind": "pareto", "title": …, "categories": […], "values": […]}`.
/// Reading it back and drawing it gives the same image as drawing the original value, so the
/// numbers behind a chart can be handed to an analyst or to another plotting tool and drawn
/// again without the data they came from.
public enum AnyChart: ChartDrawable, Codable {
  /// Bars with a line on a right axis over periods.
  case dualAxisBarLine(DualAxisBarLineSpec)
  /// Stacked bars per category or period.
  case stackedBar(StackedBarSpec)
  /// Lines over days with an optional target rule.
  case lineRule(LineRuleSpec)
  /// A histogram of raw observations.
  case histogram(HistogramSpec)
  /// A Pareto chart with its cumulative share.
  case pareto(ParetoSpec)
  /// A forecast fan chart.
  case fan(FanChartSpec)
  /// A grid of chart panels.
  case smallMultiples(SmallMultiples)
  /// A hand-built chart (axes and marks).
  case chart(Chart)

  /// Every `kind` tag, in declaration order.
  public static let kinds = [
    "dualAxisBarLine", "stackedBar", "lineRule", "histogram", "pareto", "fan", "smallMultiples",
    "chart",
  ]

  /// The `kind` tag written to data.
  public var kind: String {
    switch self {
    case .dualAxisBarLine: return "dualAxisBarLine"
    case .stackedBar: return "stackedBar"
    case .lineRule: return "lineRule"
    case .histogram: return "histogram"
    case .pareto: return "pareto"
    case .fan: return "fan"
    case .smallMultiples: return "smallMultiples"
    case .chart: return "chart"
    }
  }

  /// The wrapped value.
  public var drawable: any ChartDrawable {
    switch self {
    case .dualAxisBarLine(let spec): return spec
    case .stackedBar(let spec): return spec
    case .lineRule(let spec): return spec
    case .histogram(let spec): return spec
    case .pareto(let spec): return spec
    case .fan(let spec): return spec
    case .smallMultiples(let grid): return grid
    case .chart(let chart): return chart
    }
  }

  /// The chart's title.
  public var title: String {
    switch self {
    case .dualAxisBarLine(let spec): return spec.title
    case .stackedBar(let spec): return spec.title
    case .lineRule(let spec): return spec.title
    case .histogram(let spec): return spec.title
    case .pareto(let spec): return spec.title
    case .fan(let spec): return spec.title
    case .smallMultiples(let grid): return grid.title
    case .chart(let chart): return chart.title
    }
  }

  /// The canvas size.
  public var size: Size {
    switch self {
    case .dualAxisBarLine(let spec): return Size(width: spec.width, height: spec.height)
    case .stackedBar(let spec): return Size(width: spec.width, height: spec.height)
    case .lineRule(let spec): return Size(width: spec.width, height: spec.height)
    case .histogram(let spec): return Size(width: spec.width, height: spec.height)
    case .pareto(let spec): return Size(width: spec.width, height: spec.height)
    case .fan(let spec): return Size(width: spec.width, height: spec.height)
    case .smallMultiples(let grid): return grid.size
    case .chart(let chart): return chart.size
    }
  }

  /// Draws the wrapped chart.
  public func draw(in frame: Rect, on renderer: any Renderer) {
    drawable.draw(in: frame, on: renderer)
  }

  private enum CodingKeys: String, CodingKey {
    case kind
  }

  /// Writes `kind` and the chart's own fields in one object.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(kind, forKey: .kind)
    switch self {
    case .dualAxisBarLine(let spec): try spec.encode(to: encoder)
    case .stackedBar(let spec): try spec.encode(to: encoder)
    case .lineRule(let spec): try spec.encode(to: encoder)
    case .histogram(let spec): try spec.encode(to: encoder)
    case .pareto(let spec): try spec.encode(to: encoder)
    case .fan(let spec): try spec.encode(to: encoder)
    case .smallMultiples(let grid): try grid.encode(to: encoder)
    case .chart(let chart): try chart.encode(to: encoder)
    }
  }

  /// Reads a chart by its `kind` tag.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let kind = try container.decode(String.self, forKey: .kind)
    switch kind {
    case "dualAxisBarLine": self = .dualAxisBarLine(try DualAxisBarLineSpec(from: decoder))
    case "stackedBar": self = .stackedBar(try StackedBarSpec(from: decoder))
    case "lineRule": self = .lineRule(try LineRuleSpec(from: decoder))
    case "histogram": self = .histogram(try HistogramSpec(from: decoder))
    case "pareto": self = .pareto(try ParetoSpec(from: decoder))
    case "fan": self = .fan(try FanChartSpec(from: decoder))
    case "smallMultiples": self = .smallMultiples(try SmallMultiples(from: decoder))
    case "chart": self = .chart(try Chart(from: decoder))
    default:
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: container,
        debugDescription: "unknown chart kind \"\(kind)\" (expected one of: "
          + AnyChart.kinds.joined(separator: ", ") + ")")
    }
  }
}
