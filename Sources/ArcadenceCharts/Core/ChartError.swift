/// An error raised while rendering or writing a chart, with a human-readable message.
public struct ChartError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The broad category of failure.
  public enum Kind: Sendable, Hashable {
    /// Cairo reported a non-success `cairo_status_t`.
    case cairo
    /// Writing the output file failed.
    case io
    /// The chart or renderer was used incorrectly (e.g. drawing before `begin`).
    case invalidUsage
  }

  /// The broad category of failure.
  public let kind: Kind
  /// What went wrong, in words.
  public let message: String

  /// Creates an error of the given kind.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  /// The human-readable message.
  public var description: String { message }
}
