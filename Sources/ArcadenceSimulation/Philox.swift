import Foundation

/// The Philox4x32-10 counter-based random number generator.
///
/// A pure function of a 64-bit key and a 128-bit counter: ten rounds of two 32×32→64-bit
/// multiplications and a Weyl key schedule turn the counter into four 32-bit words (Salmon,
/// Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3", SC '11, 2011; the
/// constants and known-answer vectors of the Random123 library). There is no state to
/// share or advance, so any draw of the simulator can be computed on any thread in any
/// order: the simulator keys every draw by (seed, path, invoice, day, decision), which
/// gives the same numbers at any thread count and the same numbers to every policy (common
/// random numbers). O(1): twenty multiplications per four words.
public struct Philox4x32: Sendable, Hashable {
  /// The two key words.
  public var key: (UInt32, UInt32)

  static let m0: UInt32 = 0xD251_1F53
  static let m1: UInt32 = 0xCD9E_8D57
  static let w0: UInt32 = 0x9E37_79B9
  static let w1: UInt32 = 0xBB67_AE85

  /// A generator with the key `(k0, k1)`.
  public init(key k0: UInt32, _ k1: UInt32) { key = (k0, k1) }

  /// A generator keyed by a 64-bit seed (low word first).
  public init(seed: UInt64) {
    self.init(key: UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
  }

  /// Whether two generators have the same key.
  public static func == (a: Philox4x32, b: Philox4x32) -> Bool {
    a.key.0 == b.key.0 && a.key.1 == b.key.1
  }

  /// Hashes the key.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(key.0)
    hasher.combine(key.1)
  }

  /// The four output words for a counter, Philox4x32 with ten rounds.
  @inline(__always)
  public func block(_ c0: UInt32, _ c1: UInt32, _ c2: UInt32, _ c3: UInt32)
    -> (UInt32, UInt32, UInt32, UInt32)
  {
    var x0 = c0
    var x1 = c1
    var x2 = c2
    var x3 = c3
    var k0 = key.0
    var k1 = key.1
    for round in 0..<10 {
      if round > 0 {
        k0 &+= Philox4x32.w0
        k1 &+= Philox4x32.w1
      }
      let p0 = UInt64(Philox4x32.m0) &* UInt64(x0)
      let p1 = UInt64(Philox4x32.m1) &* UInt64(x2)
      let hi0 = UInt32(truncatingIfNeeded: p0 >> 32)
      let lo0 = UInt32(truncatingIfNeeded: p0)
      let hi1 = UInt32(truncatingIfNeeded: p1 >> 32)
      let lo1 = UInt32(truncatingIfNeeded: p1)
      x0 = hi1 ^ x1 ^ k0
      x1 = lo1
      x2 = hi0 ^ x3 ^ k1
      x3 = lo0
    }
    return (x0, x1, x2, x3)
  }

  /// The block for a simulator draw: counter = (path, invoice, day, decision).
  @inline(__always)
  public func draw(path: Int, invoice: Int, day: Int32, decision: Decision)
    -> (UInt32, UInt32, UInt32, UInt32)
  {
    block(
      UInt32(truncatingIfNeeded: path), UInt32(truncatingIfNeeded: invoice),
      UInt32(bitPattern: day), decision.rawValue)
  }

  /// A uniform number in (0, 1) from one word: (w + ½) / 2³².
  @inline(__always)
  public static func unit(_ w: UInt32) -> Double { (Double(w) + 0.5) * 0x1p-32 }

  /// A uniform number in (0, 1) with 52 random bits from two words: (k + ½) / 2⁵², which
  /// stays below 1 in double precision.
  @inline(__always)
  public static func unit(_ a: UInt32, _ b: UInt32) -> Double {
    let bits = (UInt64(a) << 20) ^ UInt64(b >> 12)
    return (Double(bits & ((1 << 52) - 1)) + 0.5) * 0x1p-52
  }

  /// A standard normal number from two uniforms (Box–Muller).
  @inline(__always)
  public static func normal(_ u1: Double, _ u2: Double) -> Double {
    (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
  }
}

/// What a draw decides: the fourth counter word, so that two decisions about the same
/// invoice on the same day never share numbers.
public struct Decision: RawRepresentable, Sendable, Hashable {
  /// The counter word.
  public var rawValue: UInt32
  /// A decision with this counter word.
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// The two thresholds of an invoice's payment and write-off clocks.
  public static let clocks = Decision(rawValue: 1)
  /// Auto-pay on the due date.
  public static let autopay = Decision(rawValue: 2)
  /// Whether a cadence task is done, per channel (`+ channel`).
  public static let completion = Decision(rawValue: 16)
  /// Reach and outcome of a contact, per channel (`+ channel`).
  public static let contact = Decision(rawValue: 32)
  /// Promise lead, kept, resolution time of a contact's outcome, per channel (`+ channel`).
  public static let outcome = Decision(rawValue: 48)
  /// A dispute open at the start: its remaining resolution time.
  public static let openDispute = Decision(rawValue: 64)
  /// A promise open at the start: whether it is kept.
  public static let openPromise = Decision(rawValue: 65)
  /// The amount of a new invoice.
  public static let amount = Decision(rawValue: 66)
  /// The portfolio shock of a path.
  public static let shock = Decision(rawValue: 80)
  /// The bootstrap weight of a customer.
  public static let bootstrap = Decision(rawValue: 81)
  /// Whether an invoice is kept in a sample of the book (``Portfolio/sample(openInvoices:seed:)``).
  public static let sample = Decision(rawValue: 82)
  /// A renewal-billed customer's next gap (``Portfolio/renewalGaps``), per slot.
  public static let billing = Decision(rawValue: 83)
  /// Whether and where a run customer's payment moves to its run day (``PaymentRuns``).
  public static let paymentRun = Decision(rawValue: 84)
  /// A path's week multiplier of the weekly band (``WeeklyNoise``), per week.
  public static let weeklyNoise = Decision(rawValue: 85)
  /// Whether a silent or lapsed customer bills on a path (``BillingResumption``).
  public static let resumption = Decision(rawValue: 86)

  /// This decision for a channel (0…3).
  public func channel(_ c: Int) -> Decision { Decision(rawValue: rawValue + UInt32(c)) }
}
