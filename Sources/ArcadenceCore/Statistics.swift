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

extension Statistics {
  /// The 97.5 % quantile of Student's t distribution with `df` degrees of freedom (the
  /// multiplier of a two-sided 95 % interval from `df + 1` values): exact to three decimals
  /// for 1–30 (the standard table), then 1.959964 + 2.4 ÷ df (2.020 at 40, 2.000 at 60,
  /// 1.980 at 120, within 0.003 of the exact values). Nil for `df < 1`.
  public static func studentT975(df: Int) -> Double? {
    let table = [
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
      2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
      2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ]
    guard df >= 1 else { return nil }
    return df <= table.count ? table[df - 1] : 1.959_964 + 2.4 / Double(df)
  }
}
