/// The days-past-due buckets the payment hazards are stated for (simulation.md, "Payment"):
/// not yet due, 0–7, 8–14, 15–30, 31–60, 61–90, 91+.
///
/// Day 0 (the due date itself) belongs to the first past-due bucket, as in the generator's
/// ground truth.
public enum AgingBucket {
  /// Number of buckets.
  public static let count = 7
  /// Names as written to calibration files.
  public static let labels = [
    "not_due", "dpd_0_7", "dpd_8_14", "dpd_15_30", "dpd_31_60", "dpd_61_90", "dpd_91_plus",
  ]
  /// Lowest days past due of each bucket (the first is open below).
  public static let starts: [Int32] = [Int32.min, 0, 8, 15, 31, 61, 91]

  /// The bucket of a days-past-due value. O(1).
  @inline(__always)
  public static func of(dpd: Int32) -> Int {
    if dpd < 0 { return 0 }
    if dpd <= 7 { return 1 }
    if dpd <= 14 { return 2 }
    if dpd <= 30 { return 3 }
    if dpd <= 60 { return 4 }
    if dpd <= 90 { return 5 }
    return 6
  }

  /// The first days-past-due value of the bucket after `b`, or `Int32.max` for the last.
  @inline(__always)
  public static func nextStart(after b: Int) -> Int32 {
    b + 1 < count ? starts[b + 1] : Int32.max
  }
}
