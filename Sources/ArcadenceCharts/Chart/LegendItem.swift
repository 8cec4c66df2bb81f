/// A legend entry with its swatch position (its label is among the layout's texts).
public struct LegendItem: Sendable, Hashable {
  /// How the swatch is drawn.
  public enum Swatch: Sendable, Hashable {
    /// A filled square (bars, areas, bands).
    case box
    /// A short line segment stroked like the series (width, dash, marker).
    case line(LineStyle)
    /// A marker only.
    case marker
  }

  /// The series name.
  public var name: String
  /// The swatch colour.
  public var color: Color
  /// The swatch kind.
  public var swatch: Swatch
  /// Where the swatch is drawn.
  public var swatchRect: Rect
}
