import Foundation

/// xoshiro256** (Blackman & Vigna 2018, <https://prng.di.unimi.it>), seeded with SplitMix64.
///
/// The generator needs a fast, reproducible stream per customer; the same seed gives the same
/// bytes on every platform because nothing here depends on Foundation's random sources.
struct Xoshiro: RandomNumberGenerator {
  private var s0, s1, s2, s3: UInt64

  /// A stream determined by `seed` and a `stream` number (e.g. a customer's index).
  init(seed: UInt64, stream: UInt64 = 0) {
    var x = seed &+ stream &* 0x9E37_79B9_7F4A_7C15
    func splitmix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitmix()
    s1 = splitmix()
    s2 = splitmix()
    s3 = splitmix()
  }

  mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = s3 << 45 | s3 >> 19
    return result
  }

  /// Uniform in [0, 1) with 53 bits.
  mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool { uniform() < p }

  /// Uniform integer in `range`.
  mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }

  /// Standard normal (Box–Muller).
  mutating func normal() -> Double {
    let u1 = max(uniform(), 0x1.0p-60)
    return (-2 * log(u1)).squareRoot() * cos(2 * .pi * uniform())
  }

  /// Lognormal with the given median and log-scale σ.
  mutating func lognormal(median: Double, sigma: Double) -> Double {
    median * exp(sigma * normal())
  }

  /// An index drawn with probability proportional to `weights`.
  mutating func pick(_ weights: [Double]) -> Int {
    let total = weights.reduce(0, +)
    var u = uniform() * total
    for (i, w) in weights.enumerated() {
      if u < w { return i }
      u -= w
    }
    return weights.count - 1
  }

  /// Geometric number of failures before a success with probability `p` (≥ 0).
  mutating func geometric(_ p: Double) -> Int {
    Int((log(max(uniform(), 1e-300)) / log(1 - p)).rounded(.down))
  }
}
