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

  private static let coding = TaggedCoding<AnyChart>(
    tagKey: FieldKey("kind"),
    cases: [
      ("dualAxisBarLine", { .dualAxisBarLine(try DualAxisBarLineSpec(from: $0)) }),
      ("stackedBar", { .stackedBar(try StackedBarSpec(from: $0)) }),
      ("lineRule", { .lineRule(try LineRuleSpec(from: $0)) }),
      ("histogram", { .histogram(try HistogramSpec(from: $0)) }),
      ("pareto", { .pareto(try ParetoSpec(from: $0)) }),
      ("fan", { .fan(try FanChartSpec(from: $0)) }),
      ("smallMultiples", { .smallMultiples(try SmallMultiples(from: $0)) }),
      ("chart", { .chart(try Chart(from: $0)) }),
    ],
    unknown: { kind, kinds in
      "unknown chart kind \"\(kind)\" (expected one of: \(kinds.joined(separator: ", ")))"
    })

  /// Every `kind` tag, in declaration order.
  public static let kinds = coding.tags

  /// The `kind` tag and the wrapped chart.
  private var tagged: (kind: String, chart: any ChartDrawable & ChartHeading & Encodable) {
    switch self {
    case .dualAxisBarLine(let spec): return ("dualAxisBarLine", spec)
    case .stackedBar(let spec): return ("stackedBar", spec)
    case .lineRule(let spec): return ("lineRule", spec)
    case .histogram(let spec): return ("histogram", spec)
    case .pareto(let spec): return ("pareto", spec)
    case .fan(let spec): return ("fan", spec)
    case .smallMultiples(let grid): return ("smallMultiples", grid)
    case .chart(let chart): return ("chart", chart)
    }
  }

  /// The `kind` tag written to data.
  public var kind: String { tagged.kind }

  /// The wrapped value.
  public var drawable: any ChartDrawable { tagged.chart }

  /// The chart's title.
  public var title: String { tagged.chart.title }

  /// The canvas size.
  public var size: Size { Size(width: tagged.chart.width, height: tagged.chart.height) }

  /// Draws the wrapped chart.
  public func draw(in frame: Rect, on renderer: any Renderer) {
    drawable.draw(in: frame, on: renderer)
  }

  /// Writes `kind` and the chart's own fields in one object.
  public func encode(to encoder: any Encoder) throws {
    try Self.coding.encode(tag: kind, fields: tagged.chart, to: encoder)
  }

  /// Reads a chart by its `kind` tag.
  public init(from decoder: any Decoder) throws { self = try Self.coding.decode(from: decoder) }
}
