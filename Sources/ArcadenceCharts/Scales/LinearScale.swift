/// Maps a continuous `Double` domain linearly onto a pixel range (which may be inverted).
///
/// `LinearScale(domain: 0...10, range: 0...100).map(2.5) == 25`. For a y axis, pass
/// `reversed: true` (or `rangeStart: bottom, rangeEnd: top`) so larger values sit higher.
public struct LinearScale: Sendable, Hashable {
  /// The data interval.
  public private(set) var domain: ClosedRange<Double>
  /// Pixel position of `domain.lowerBound`.
  public var rangeStart: Double
  /// Pixel position of `domain.upperBound`.
  public var rangeEnd: Double
  /// Ticks remembered from `nice` so the axis ends exactly on its first and last tick.
  private var niceTicks: TickSet?
  private var niceCount = 0

  /// Creates a scale from `domain` onto `range` (reversed maps the lower bound to the end).
  ///
  /// With `nice`, the domain is widened to the loose extended-Wilkinson labels for
  /// `tickCount` ticks (Talbot, Lin & Hanrahan 2010), so it starts and ends on a tick.
  public init(
    domain: ClosedRange<Double>, range: ClosedRange<Double>, reversed: Bool = false,
    nice: Bool = false, tickCount: Int = 5
  ) {
    self.init(
      domain: domain, rangeStart: reversed ? range.upperBound : range.lowerBound,
      rangeEnd: reversed ? range.lowerBound : range.upperBound, nice: nice, tickCount: tickCount)
  }

  /// Creates a scale mapping `domain.lowerBound → rangeStart` and `upperBound → rangeEnd`.
  public init(
    domain: ClosedRange<Double>, rangeStart: Double, rangeEnd: Double, nice: Bool = false,
    tickCount: Int = 5
  ) {
    self.domain = domain
    self.rangeStart = rangeStart
    self.rangeEnd = rangeEnd
    if nice { self = niced(count: tickCount) }
  }

  /// The pixel position of a data value.
  public func map(_ value: Double) -> Double {
    let span = domain.upperBound - domain.lowerBound
    guard span != 0 else { return (rangeStart + rangeEnd) / 2 }
    return rangeStart + (value - domain.lowerBound) / span * (rangeEnd - rangeStart)
  }

  /// The data value at a pixel position.
  public func invert(_ pixel: Double) -> Double {
    let span = rangeEnd - rangeStart
    guard span != 0 else { return domain.lowerBound }
    return domain.lowerBound + (pixel - rangeStart) / span * (domain.upperBound - domain.lowerBound)
  }

  /// About `count` extended-Wilkinson ticks (Talbot, Lin & Hanrahan 2010) inside the domain.
  public func ticks(count: Int = 5) -> TickSet {
    if let niceTicks, count == niceCount { return niceTicks }
    return ExtendedTicks.ticks(lower: domain.lowerBound, upper: domain.upperBound, count: count)
      .clipped(to: domain.lowerBound, domain.upperBound)
  }

  /// The scale with its domain widened to loose extended-Wilkinson labels for `count` ticks.
  public func niced(count: Int = 5) -> LinearScale {
    let set = ExtendedTicks.ticks(
      lower: domain.lowerBound, upper: domain.upperBound, count: count, onlyLoose: true)
    guard let first = set.first, let last = set.last, first < last else { return self }
    var scale = self
    scale.domain = first...last
    scale.niceTicks = set
    scale.niceCount = count
    return scale
  }
}
