/// Maps categories to equal-width bands with inner and outer padding (d3's band scale).
public struct BandScale: Sendable, Hashable {
  /// The categories, in display order.
  public let categories: [String]
  /// Pixel start of the range.
  public let rangeStart: Double
  /// Pixel end of the range.
  public let rangeEnd: Double
  /// Fraction of the step left empty between bands.
  public let paddingInner: Double
  /// Fraction of a step left empty before the first and after the last band.
  public let paddingOuter: Double
  /// Distance between the starts of consecutive bands.
  public let step: Double
  /// Width of each band.
  public let bandwidth: Double
  private let offset: Double

  /// Creates a band scale; with 4 categories over 0...100, inner 0.2 and outer 0.1, bands
  /// start at 2.5, 27.5, 52.5, 77.5 and are 20 wide.
  public init(
    categories: [String], range: ClosedRange<Double>, paddingInner: Double = 0.2,
    paddingOuter: Double = 0.1
  ) {
    self.categories = categories
    self.rangeStart = range.lowerBound
    self.rangeEnd = range.upperBound
    self.paddingInner = paddingInner
    self.paddingOuter = paddingOuter
    let n = Double(categories.count)
    let width = range.upperBound - range.lowerBound
    let step = width / Swift.max(1, n - paddingInner + paddingOuter * 2)
    self.step = step
    self.bandwidth = step * (1 - paddingInner)
    self.offset = range.lowerBound + (width - step * (n - paddingInner)) / 2
  }

  /// Left edge of the band at `index`.
  public func start(_ index: Int) -> Double { offset + step * Double(index) }

  /// Centre of the band at `index`.
  public func center(_ index: Int) -> Double { start(index) + bandwidth / 2 }

  /// Centre position for a fractional category coordinate (index 1.5 lies between bands 1, 2).
  public func position(_ coordinate: Double) -> Double {
    offset + step * coordinate + bandwidth / 2
  }

  /// Left edge of the band of a named category, or nil when absent.
  public func start(of category: String) -> Double? {
    categories.firstIndex(of: category).map(start)
  }
}
