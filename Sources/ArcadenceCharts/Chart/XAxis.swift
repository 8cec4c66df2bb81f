/// The horizontal axis: continuous values, calendar days, or categories.
public struct XAxis: Sendable {
  /// What the x coordinates of the marks mean.
  public enum Kind: Sendable, Hashable {
    /// Plain numbers (ticks by extended Wilkinson, Talbot, Lin & Hanrahan 2010).
    case linear
    /// Days since 1970-01-01, with calendar ticks (days, weeks, months, quarters, years).
    case time
    /// Named categories; marks use x = category index.
    case categories([String])
  }

  /// How category labels that do not fit their band are handled.
  public enum LabelStrategy: String, Sendable, Hashable, Codable {
    /// Horizontal if they fit; else truncated with "…" when bands are wide enough to stay
    /// readable; else rotated 45°; else thinned.
    case auto
    /// Horizontal, each truncated with "…" to its band width.
    case truncate
    /// Rotated 45° (thinned if even rotated labels would collide).
    case rotate
    /// Horizontal, showing every 2nd, 3rd, … label.
    case thin
  }

  /// What the x coordinates mean.
  public var kind: Kind
  /// Axis title shown centred below the tick labels.
  public var title: String?
  /// Tick label format for linear axes.
  public var format: ValueFormat
  /// Fixed domain (data units or days); nil fits the data.
  public var domain: ClosedRange<Double>?
  /// Preferred maximum number of ticks (fewer are used when labels would collide).
  public var tickCount: Int
  /// Whether to draw vertical gridlines at the ticks.
  public var gridlines: Bool
  /// Category label handling.
  public var labelStrategy: LabelStrategy

  /// Creates an x axis.
  public init(
    kind: Kind, title: String? = nil, format: ValueFormat = .number,
    domain: ClosedRange<Double>? = nil, tickCount: Int = 8, gridlines: Bool = false,
    labelStrategy: LabelStrategy = .auto
  ) {
    self.kind = kind
    self.title = title
    self.format = format
    self.domain = domain
    self.tickCount = tickCount
    self.gridlines = gridlines
    self.labelStrategy = labelStrategy
  }

  /// A category axis.
  public static func categories(
    _ names: [String], title: String? = nil, labelStrategy: LabelStrategy = .auto
  ) -> XAxis {
    XAxis(kind: .categories(names), title: title, labelStrategy: labelStrategy)
  }

  /// A calendar axis over days since 1970-01-01.
  public static func time(title: String? = nil, domain: ClosedRange<Int32>? = nil) -> XAxis {
    XAxis(
      kind: .time, title: title,
      domain: domain.map { Double($0.lowerBound)...Double($0.upperBound) })
  }

  /// A numeric axis.
  public static func linear(
    title: String? = nil, format: ValueFormat = .number, domain: ClosedRange<Double>? = nil
  ) -> XAxis {
    XAxis(kind: .linear, title: title, format: format, domain: domain)
  }
}
