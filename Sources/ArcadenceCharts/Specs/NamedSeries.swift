/// A named list of values (one per category, period or day), used by the specs.
public struct NamedSeries: Sendable, Hashable {
  /// Legend name.
  public var name: String
  /// The values.
  public var values: [Double]
  /// Explicit colour, or nil for the next palette colour.
  public var color: Color?

  /// Creates a named series.
  public init(name: String, values: [Double], color: Color? = nil) {
    self.name = name
    self.values = values
    self.color = color
  }
}
