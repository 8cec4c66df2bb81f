import ArcadenceCharts
import Testing

/// Extended Wilkinson ticks (Talbot, Lin & Hanrahan 2010) against R `labeling::extended`.
struct TickTests {
  /// (dmin, dmax, m, only.loose, R's ticks written as exact decimals), produced by running
  /// R 4.2.2 with labeling 0.4.2 (`extended(dmin, dmax, m, only.loose = ...)`).
  static let rCases: [(Double, Double, Int, Bool, [String])] = [
    (8.1, 14.1, 4, false, ["8", "10", "12", "14"]),
    (0, 100, 5, false, ["0", "25", "50", "75", "100"]),
    (-3.7, 11.2, 5, false, ["-4", "0", "4", "8", "12"]),
    (0, 1, 5, false, ["0", "0.25", "0.5", "0.75", "1"]),
    (0.1, 0.9, 5, false, ["0", "0.25", "0.5", "0.75", "1"]),
    (0, 1, 6, false, ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
    (3, 42, 5, true, ["0", "10", "20", "30", "40", "50"]),
    (0, 40, 5, true, ["0", "10", "20", "30", "40"]),
    (-0.0032, 0.0171, 6, false, ["-0.004", "0", "0.004", "0.008", "0.012", "0.016"]),
    (1234, 98765, 7, false, ["0", "20000", "40000", "60000", "80000", "100000"]),
    (-1_000_000, 2_500_000, 5, true, ["-1000000", "0", "1000000", "2000000", "3000000"]),
    (0.97, 1.03, 4, false, ["0.97", "0.99", "1.01", "1.03"]),
    (17, 18, 3, false, ["17", "17.5", "18"]),
    (-50, -2, 5, false, ["-50", "-40", "-30", "-20", "-10", "0"]),
    (2, 3, 10, true, ["2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "3"]),
    (
      0.001, 0.002, 10, true,
      [
        "0.001", "0.0011", "0.0012", "0.0013", "0.0014", "0.0015", "0.0016", "0.0017", "0.0018",
        "0.0019", "0.002",
      ]
    ),
    (0.473, 1.155, 2, true, ["0.4", "1.2"]),
    (
      8693.445, 21539.343, 10, false,
      [
        "9000", "10000", "11000", "12000", "13000", "14000", "15000", "16000", "17000", "18000",
        "19000", "20000", "21000",
      ]
    ),
    (-0.05, 2.7560000000000002, 4, false, ["0", "1", "2", "3"]),
    (
      -83512.488, 174079.19199999998, 6, false,
      ["-100000", "-50000", "0", "50000", "100000", "150000"]
    ),
    (
      4.752, 45.324000000000005, 9, false,
      ["0", "5", "10", "15", "20", "25", "30", "35", "40", "45"]
    ),
    (
      -985331.706, 60886.56799999997, 9, true,
      [
        "-1000000", "-900000", "-800000", "-700000", "-600000", "-500000", "-400000", "-300000",
        "-200000", "-100000", "0", "100000",
      ]
    ),
    (94.708, 311.152, 5, true, ["80", "120", "160", "200", "240", "280", "320"]),
    (94.193, 403.993, 6, true, ["75", "125", "175", "225", "275", "325", "375", "425"]),
    (-0.009, 0.027999999999999997, 4, true, ["-0.01", "0", "0.01", "0.02", "0.03"]),
    (28.826, 3410.106, 3, true, ["0", "2000", "4000"]),
    (-62.105, 74.26700000000002, 4, true, ["-80", "-40", "0", "40", "80"]),
    (-9.14, -2.0300000000000002, 7, true, ["-10", "-9", "-8", "-7", "-6", "-5", "-4", "-3", "-2"]),
    (438711.675, 488056.521, 2, false, ["440000", "480000"]),
    (
      163.208, 961.155, 10, false, ["200", "300", "400", "500", "600", "700", "800", "900", "1000"]
    ),
    (-0.82, -0.38299999999999995, 4, false, ["-0.8", "-0.7", "-0.6", "-0.5", "-0.4"]),
    (8.661, 54.951, 6, true, ["0", "10", "20", "30", "40", "50", "60"]),
    (23.832, 337.328, 9, false, ["0", "50", "100", "150", "200", "250", "300", "350"]),
    (
      0.009, 0.057, 9, false,
      ["0.01", "0.015", "0.02", "0.025", "0.03", "0.035", "0.04", "0.045", "0.05", "0.055"]
    ),
    (
      -9954.541, 20531.438000000002, 10, true,
      ["-12000", "-8000", "-4000", "0", "4000", "8000", "12000", "16000", "20000", "24000"]
    ),
    (71.58, 2763.09, 6, true, ["0", "500", "1000", "1500", "2000", "2500", "3000"]),
    (
      -0.018, 0.26899999999999996, 7, true,
      ["-0.05", "0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3"]
    ),
    (
      0.001, 0.002, 10, false,
      [
        "0.001", "0.0011", "0.0012", "0.0013", "0.0014", "0.0015", "0.0016", "0.0017", "0.0018",
        "0.0019", "0.002",
      ]
    ),
    (
      70096.55, 360427.179, 9, false,
      ["50000", "100000", "150000", "200000", "250000", "300000", "350000"]
    ),
    (247.227, 997.976, 6, false, ["200", "400", "600", "800", "1000"]),
  ]

  @Test func matchesRBriefVectors() {
    func ticks(_ a: Double, _ b: Double, _ m: Int) -> [Double] {
      ExtendedTicks.ticks(lower: a, upper: b, count: m).values
    }
    #expect(ticks(8.1, 14.1, 4) == [8, 10, 12, 14])
    #expect(ticks(0, 100, 5) == [0, 25, 50, 75, 100])
    // R: extended(-3.7, 11.2, 5) is -4 0 4 8 12 (step 4 with zero as a tick wins).
    #expect(ticks(-3.7, 11.2, 5) == [-4, 0, 4, 8, 12])
    // R: extended(0, 1, 5) is 0 0.25 0.5 0.75 1; the 0.2 steps need m = 6.
    #expect(ticks(0, 1, 5) == [0, 0.25, 0.5, 0.75, 1])
    #expect(ticks(0, 1, 6) == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    #expect(ticks(0.1, 0.9, 5) == [0, 0.25, 0.5, 0.75, 1])
  }

  @Test func matchesRTable() {
    for (low, high, m, loose, expected) in Self.rCases {
      let set = ExtendedTicks.ticks(lower: low, upper: high, count: m, onlyLoose: loose)
      #expect(set.decimals.map(\.description) == expected, "extended(\(low), \(high), \(m))")
    }
  }

  @Test func tickValuesAreExactDecimals() {
    // R's seq() gives 0.6000000000000001 for the 4th tick; integer × step gives 0.6 exactly.
    let set = ExtendedTicks.ticks(lower: 0, upper: 0.7, count: 8)
    #expect(set.values[6] == 0.6)
    #expect(set.values[3] == 0.3)
    #expect(set.labels == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
    let six = ExtendedTicks.ticks(lower: 0, upper: 1, count: 6)
    #expect(six.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    #expect(!six.labels.contains { $0.count > 3 })
  }

  @Test func labelPrecisionFollowsTheTicks() {
    // Step 2.5 → one decimal everywhere.
    let quarter = TickSet(firstSignificand: 0, stepSignificand: 25, exponent: -1, count: 5)
    #expect(quarter.labels == ["0.0", "2.5", "5.0", "7.5", "10.0"])
    // Large integers get separators and no decimals.
    let big = TickSet(firstSignificand: 0, stepSignificand: 25, exponent: 4, count: 3)
    #expect(big.labels == ["0", "250,000", "500,000"])
    // Negative thousandths.
    let small = ExtendedTicks.ticks(lower: -0.0032, upper: 0.0171, count: 6)
    #expect(small.labels == ["-0.004", "0.000", "0.004", "0.008", "0.012", "0.016"])
  }

  @Test func exactDecimalFormatting() {
    #expect(ExactDecimal(significand: -4, exponent: -2).description == "-0.04")
    #expect(
      ExactDecimal(significand: 1_234_567, exponent: 0)
        .formatted(fractionDigits: 2, grouping: true) == "1,234,567.00")
    #expect(ExactDecimal(significand: 125, exponent: -3).formatted(fractionDigits: 2) == "0.13")
    #expect(ExactDecimal(significand: -4, exponent: -3).formatted(fractionDigits: 2) == "0.00")
    #expect(ExactDecimal(significand: 6, exponent: -1).doubleValue == 0.6)
  }
}
