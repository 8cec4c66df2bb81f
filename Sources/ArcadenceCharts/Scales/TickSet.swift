/// Evenly spaced tick values held exactly as integers times a power of ten.
///
/// Tick `i` is `(firstSignificand + i × stepSignificand) × 10^exponent`.
public struct TickSet: Sendable, Hashable {
  /// Significand of the first tick.
  public let firstSignificand: Int
  /// Significand of the step between ticks.
  public let stepSignificand: Int
  /// Shared power of ten.
  public let exponent: Int
  /// Number of ticks.
  public let count: Int

  /// Creates a tick set from its exact parts.
  public init(firstSignificand: Int, stepSignificand: Int, exponent: Int, count: Int) {
    self.firstSignificand = firstSignificand
    self.stepSignificand = stepSignificand
    self.exponent = exponent
    self.count = max(0, count)
  }

  /// The ticks as exact decimals.
  public var decimals: [ExactDecimal] {
    (0..<count).map {
      ExactDecimal(significand: firstSignificand + $0 * stepSignificand, exponent: exponent)
    }
  }

  /// The ticks as `Double`s (each the nearest double to the exact decimal).
  public var values: [Double] { decimals.map(\.doubleValue) }

  /// The exact step between ticks.
  public var step: ExactDecimal {
    ExactDecimal(significand: stepSignificand, exponent: exponent)
  }

  /// Decimals needed so every tick is written exactly and identically precise.
  public var fractionDigits: Int { decimals.map(\.fractionDigits).max() ?? 0 }

  /// Plain-number labels with a shared precision, e.g. "0.0", "0.2", … "1.0".
  public var labels: [String] { ValueFormat.number.labels(for: self) }

  /// The first tick value (or nil when empty).
  public var first: Double? { count > 0 ? decimals[0].doubleValue : nil }
  /// The last tick value (or nil when empty).
  public var last: Double? { count > 0 ? decimals[count - 1].doubleValue : nil }

  /// Keeps only the ticks inside `lower...upper` (with a small relative tolerance).
  public func clipped(to lower: Double, _ upper: Double) -> TickSet {
    let tolerance = max(abs(upper - lower), 1e-300) * 1e-9
    let values = self.values
    let inside = values.indices.filter {
      values[$0] >= lower - tolerance && values[$0] <= upper + tolerance
    }
    guard let firstIndex = inside.first, let lastIndex = inside.last else {
      return TickSet(
        firstSignificand: 0, stepSignificand: stepSignificand, exponent: exponent,
        count: 0)
    }
    return TickSet(
      firstSignificand: firstSignificand + firstIndex * stepSignificand,
      stepSignificand: stepSignificand, exponent: exponent, count: lastIndex - firstIndex + 1)
  }
}
