/// A vector path made of straight segments.
public struct Path: Sendable, Hashable {
  /// One path command.
  public enum Element: Sendable, Hashable {
    /// Start a new subpath at a point.
    case move(Point)
    /// Straight segment to a point.
    case line(Point)
    /// Close the current subpath.
    case close
  }

  /// The commands, in order.
  public private(set) var elements: [Element] = []

  /// Creates an empty path.
  public init() {}

  /// Starts a new subpath at `point`.
  public mutating func move(to point: Point) { elements.append(.move(point)) }

  /// Adds a straight segment to `point`.
  public mutating func line(to point: Point) { elements.append(.line(point)) }

  /// Closes the current subpath.
  public mutating func close() { elements.append(.close) }

  /// True when the path has no commands.
  public var isEmpty: Bool { elements.isEmpty }

  /// An open polyline through the points.
  public static func polyline(_ points: [Point]) -> Path {
    var path = Path()
    for (index, point) in points.enumerated() {
      if index == 0 { path.move(to: point) } else { path.line(to: point) }
    }
    return path
  }

  /// A closed polygon through the points.
  public static func polygon(_ points: [Point]) -> Path {
    var path = polyline(points)
    if !points.isEmpty { path.close() }
    return path
  }

  /// A circle approximated by a regular polygon (smooth at chart marker sizes).
  public static func circle(center: Point, radius: Double, segments: Int = 20) -> Path {
    polygon(
      (0..<segments).map {
        let angle = Double($0) / Double(segments) * 2 * Double.pi
        return Point(x: center.x + radius * cosine(angle), y: center.y + radius * sine(angle))
      })
  }

  /// A single straight segment.
  public static func segment(_ from: Point, _ to: Point) -> Path { polyline([from, to]) }
}
