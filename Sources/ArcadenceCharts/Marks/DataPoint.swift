/// One (x, y) datum; x is a value, a day number, or a category index depending on the x axis.
public struct DataPoint: Sendable, Hashable {
  /// Horizontal coordinate in data units.
  public var x: Double
  /// Vertical coordinate in data units (NaN leaves a gap in lines and areas).
  public var y: Double

  /// Creates a datum.
  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }

  /// Pairs values with x = 0, 1, 2, … (category indices).
  public static func indexed(_ values: [Double]) -> [DataPoint] {
    values.enumerated().map { DataPoint(x: Double($0.offset), y: $0.element) }
  }

  /// Pairs days (since 1970-01-01) with values; extra entries on either side are dropped.
  public static func daily(_ days: [Int32], _ values: [Double]) -> [DataPoint] {
    zip(days, values).map { DataPoint(x: Double($0.0), y: $0.1) }
  }
}
