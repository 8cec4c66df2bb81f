/// The resolved horizontal scale of a laid-out chart.
public enum XPositioning: Sendable, Hashable {
  /// A numeric axis.
  case linear(LinearScale)
  /// A calendar axis.
  case time(TimeScale)
  /// A category axis.
  case band(BandScale)

  /// The pixel position of an x coordinate (value, day, or category index).
  public func position(_ x: Double) -> Double {
    switch self {
    case .linear(let scale): return scale.map(x)
    case .time(let scale): return scale.map(x)
    case .band(let scale): return scale.position(x)
    }
  }
}
