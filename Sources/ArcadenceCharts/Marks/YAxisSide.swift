/// Which y axis a mark is measured against.
public enum YAxisSide: Sendable, Hashable {
  /// The left (primary) axis.
  case left
  /// The right (secondary) axis of a dual-axis chart.
  case right
}
