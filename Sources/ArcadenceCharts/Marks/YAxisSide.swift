/// Which y axis a mark is measured against.
public enum YAxisSide: String, Sendable, Hashable, Codable {
  /// The left (primary) axis.
  case left
  /// The right (secondary) axis of a dual-axis chart.
  case right
}
