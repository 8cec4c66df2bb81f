import Testing

@testable import ArcadenceSimulation

@Suite struct PhiloxTests {
  /// Random123's kat_vectors for philox4x32_10, also reproduced with randomgen's
  /// `Philox(number=4, width=32)` (which increments its counter before each block).
  @Test func knownAnswerVectors() {
    let zero = Philox4x32(key: 0, 0).block(0, 0, 0, 0)
    #expect(zero == (0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
    let ones = Philox4x32(key: 0xffff_ffff, 0xffff_ffff).block(
      0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff)
    #expect(ones == (0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
    let pi = Philox4x32(key: 0xa409_3822, 0x299f_31d0).block(
      0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344)
    #expect(pi == (0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
  }

  @Test func seedIsTheKeyLowWordFirst() {
    #expect(Philox4x32(seed: 0x299f_31d0_a409_3822) == Philox4x32(key: 0xa409_3822, 0x299f_31d0))
  }

  @Test func uniformsAreInsideTheOpenInterval() {
    #expect(Philox4x32.unit(0) == 0.5 / 4_294_967_296)
    #expect(Philox4x32.unit(UInt32.max) == 1 - 0.5 / 4_294_967_296)
    #expect(Philox4x32.unit(0, 0) == 0.5 / 4_503_599_627_370_496)
    #expect(Philox4x32.unit(UInt32.max, UInt32.max) == 1 - 0.5 / 4_503_599_627_370_496)
  }

  /// The counter layout: each of path, invoice, day and decision changes the block.
  @Test func everyCounterWordMatters() {
    let p = Philox4x32(seed: 42)
    let base = p.draw(path: 1, invoice: 2, day: 3, decision: .clocks).0
    #expect(p.draw(path: 2, invoice: 2, day: 3, decision: .clocks).0 != base)
    #expect(p.draw(path: 1, invoice: 3, day: 3, decision: .clocks).0 != base)
    #expect(p.draw(path: 1, invoice: 2, day: -3, decision: .clocks).0 != base)
    #expect(p.draw(path: 1, invoice: 2, day: 3, decision: .autopay).0 != base)
    #expect(p.draw(path: 1, invoice: 2, day: 3, decision: .clocks).0 == base)
  }

  /// 100,000 uniforms: mean ½ (sd of the mean 0.00091) and each tenth holds about 10 %.
  @Test func uniformsLookUniform() {
    let p = Philox4x32(seed: 7)
    var sum = 0.0
    var bins = [Int](repeating: 0, count: 10)
    for k in 0..<100_000 {
      let u = Philox4x32.unit(p.draw(path: k, invoice: 0, day: 0, decision: .clocks).0)
      sum += u
      bins[Int(u * 10)] += 1
    }
    #expect(abs(sum / 100_000 - 0.5) < 0.004)
    #expect(bins.allSatisfy { abs($0 - 10_000) < 400 })
  }
}
