/// Visual defaults for charts: the light house theme with Okabe–Ito series colours.
public struct Theme: Sendable, Hashable {
  /// Canvas background.
  public var background: Color = .white
  /// Primary text (titles, tick labels).
  public var text: Color = Color(hex: 0x333333)
  /// Secondary text (subtitle, footnote, axis titles).
  public var secondaryText: Color = Color(hex: 0x666666)
  /// Horizontal gridlines.
  public var gridline: Color = Color(hex: 0xE5E5E5)
  /// Axis baseline.
  public var axisLine: Color = Color(hex: 0x9E9E9E)
  /// Default colour of rules (target lines).
  public var rule: Color = Color(hex: 0x4D4D4D)
  /// Series colours, assigned in order to marks without an explicit colour.
  public var palette: [Color] = Palette.okabeIto
  /// Title font size in points.
  public var titleSize: Double = 17
  /// Subtitle font size in points.
  public var subtitleSize: Double = 12
  /// Tick label, legend and axis title font size in points.
  public var labelSize: Double = 11
  /// Footnote font size in points.
  public var footnoteSize: Double = 9.5
  /// Padding between the canvas edge and any content, in points.
  public var padding: Double = 18

  /// Creates the default light theme.
  public init() {}

  /// The default light theme: white background, light grey gridlines, dark grey text.
  public static let light = Theme()

  /// A smaller variant for panels of a small-multiples grid.
  public func compact() -> Theme {
    var theme = self
    theme.titleSize = 12
    theme.subtitleSize = 10
    theme.labelSize = 9.5
    theme.footnoteSize = 8.5
    theme.padding = 6
    return theme
  }

  /// The palette colour for the series at `index`, cycling through the palette.
  public func seriesColor(_ index: Int) -> Color {
    palette.isEmpty ? text : palette[index % palette.count]
  }
}
