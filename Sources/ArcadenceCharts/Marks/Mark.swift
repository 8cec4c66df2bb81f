/// One layer of a chart; layers are drawn in order, later ones on top.
public enum Mark: Sendable, Hashable {
  /// A line (optionally with markers).
  case line(LineMark)
  /// A filled area down to a baseline.
  case area(AreaMark)
  /// A filled band between two series.
  case band(BandMark)
  /// Vertical bars (single, grouped or stacked).
  case bars(BarMark)
  /// Scatter markers.
  case points(PointMark)
  /// A reference line with a label.
  case rule(RuleMark)
  /// A text annotation.
  case text(TextMark)

  /// The y axis this mark is measured against.
  public var axis: YAxisSide {
    switch self {
    case .line(let mark): return mark.axis
    case .area(let mark): return mark.axis
    case .band(let mark): return mark.axis
    case .bars(let mark): return mark.axis
    case .points(let mark): return mark.axis
    case .rule(let mark): return mark.axis
    case .text(let mark): return mark.axis
    }
  }
}
