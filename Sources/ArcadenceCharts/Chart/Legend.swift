/// Where (and whether) the legend is shown; entries wrap onto as many lines as needed.
public struct Legend: Sendable, Hashable {
  /// Legend visibility.
  public enum Visibility: String, Sendable, Hashable, Codable {
    /// Shown when the chart has two or more named series.
    case automatic
    /// Always shown (if there is any named series).
    case visible
    /// Never shown.
    case hidden
  }

  /// Legend visibility.
  public var visibility: Visibility

  /// Creates a legend setting.
  public init(_ visibility: Visibility = .automatic) {
    self.visibility = visibility
  }
}
