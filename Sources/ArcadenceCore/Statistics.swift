/// Small statistics used by the KPIs, reports and the simulator.
public enum Statistics {
  /// The `p`-th quantile (0…1) of `values` with linear interpolation between closest ranks
  /// (NumPy's default, "linear"): position p·(n−1) in the sorted values. Nil when empty.
  public static func quantile(_ values: [Double], _ p: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    return quantile(sorted: values.sorted(), p)
  }

  /// ``quantile(_:_:)`` on values already sorted ascending.
  public static func quantile(sorted s: [Double], _ p: Double) -> Double? {
    guard !s.isEmpty else { return nil }
    let pos = min(max(p, 0), 1) * Double(s.count - 1)
    let lo = Int(pos.rounded(.down))
    let hi = min(lo + 1, s.count - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - Double(lo))
  }

  /// The median (NumPy's `median`), nil when empty.
  public static func median(_ values: [Double]) -> Double? { quantile(values, 0.5) }

  /// Arithmetic mean, nil when empty.
  public static func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
  }

  /// Sample standard deviation (n − 1), nil for fewer than two values.
  public static func standardDeviation(_ values: [Double]) -> Double? {
    guard values.count > 1, let m = mean(values) else { return nil }
    let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
    return (ss / Double(values.count - 1)).squareRoot()
  }

  /// Half-width of the normal-approximation 95 % confidence interval of the mean:
  /// 1.959964 · s / √n. Nil for fewer than two values.
  public static func ci95HalfWidth(_ values: [Double]) -> Double? {
    guard let s = standardDeviation(values) else { return nil }
    return 1.959_963_984_540_054 * s / Double(values.count).squareRoot()
  }

  /// Standard competition ranking ("1224"): equal values share the better rank. Nil values
  /// get a nil rank. `higherIsBetter` decides the direction.
  public static func competitionRanks(_ values: [Double?], higherIsBetter: Bool) -> [Int?] {
    values.map { v in
      guard let v else { return nil }
      let better = values.reduce(0) { count, other in
        guard let o = other else { return count }
        return count + ((higherIsBetter ? o > v : o < v) ? 1 : 0)
      }
      return better + 1
    }
  }
}
