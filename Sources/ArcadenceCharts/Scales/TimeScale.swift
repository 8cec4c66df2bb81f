/// Maps whole days (Int32 days since 1970-01-01) linearly onto a pixel range, with
/// calendar-aligned ticks chosen by span.
public struct TimeScale: Sendable, Hashable {
  /// A tick on a time axis: the day and its label.
  public struct Tick: Sendable, Hashable {
    /// Days since 1970-01-01.
    public let day: Int32
    /// The label, e.g. "Jul 2026", "2026-Q3", "Jul 6".
    public let label: String
  }

  /// The first and last day shown.
  public let domain: ClosedRange<Int32>
  /// Pixel position of the first day.
  public let rangeStart: Double
  /// Pixel position of the last day.
  public let rangeEnd: Double

  /// Creates a time scale from days onto a pixel range.
  public init(domain: ClosedRange<Int32>, range: ClosedRange<Double>) {
    self.init(domain: domain, rangeStart: range.lowerBound, rangeEnd: range.upperBound)
  }

  /// Creates a time scale mapping `domain.lowerBound → rangeStart`, `upperBound → rangeEnd`.
  public init(domain: ClosedRange<Int32>, rangeStart: Double, rangeEnd: Double) {
    self.domain = domain
    self.rangeStart = rangeStart
    self.rangeEnd = rangeEnd
  }

  /// The pixel position of a (possibly fractional) day.
  public func map(_ day: Double) -> Double {
    let span = Double(domain.upperBound) - Double(domain.lowerBound)
    guard span != 0 else { return (rangeStart + rangeEnd) / 2 }
    return rangeStart + (day - Double(domain.lowerBound)) / span * (rangeEnd - rangeStart)
  }

  /// The pixel position of a whole day.
  public func map(day: Int32) -> Double { map(Double(day)) }

  /// The finest calendar step giving at most `maxCount` ticks (at least `minimum`).
  public func step(maxCount: Int, minimum: CalendarStep = .day) -> CalendarStep {
    let span = Double(domain.upperBound) - Double(domain.lowerBound)
    for step in CalendarStep.allCases where step >= minimum {
      if span / step.approximateDays > Double(maxCount) * 2 + 2 { continue }
      if step.boundaries(in: domain).count <= Swift.max(1, maxCount) { return step }
    }
    return .decade
  }

  /// Ticks at the finest calendar step with at most `maxCount` ticks, labelled by step:
  /// a 3-month span gives month starts labelled "Jul 2026", "Aug 2026", "Sep 2026".
  public func ticks(maxCount: Int = 6) -> [Tick] {
    ticks(step: step(maxCount: maxCount))
  }

  /// Ticks at every boundary of `step` inside the domain.
  public func ticks(step: CalendarStep) -> [Tick] {
    step.boundaries(in: domain).map {
      Tick(day: $0, label: ChartFormat.date($0, style: step.labelStyle))
    }
  }
}
