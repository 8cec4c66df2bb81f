import Testing

@testable import ArcadenceSimulation

/// The calls of a day under capacity: only the first `capacity` in priority order are
/// sorted (``Worker/byPriority(_:_:first:)``); they must be exactly the full sort's first.
@Suite struct PrioritySelectionTests {
  /// By hand: keys 3, 7, 3, 9, 7 on invoices 5, 1, 2, 4, 0. Priority order: 9 (4), 7 (0),
  /// 7 (1), 3 (2), 3 (5); the first three are (9, 4), (7, 0), (7, 1).
  @Test func theFirstKAreTheFullSortsFirstK() {
    var xs: [(Double, Int32)] = [(3, 5), (7, 1), (3, 2), (9, 4), (7, 0)]
    Worker.select(&xs, first: 3)
    xs[0..<3].sort(by: Worker.before)
    #expect(xs[0..<3].map(\.1) == [4, 0, 1])
    #expect(Set(xs[3...].map(\.1)) == [2, 5])
  }

  /// Many lists with ties (keys from a small set), every k: the selection's first k, sorted,
  /// equal the full sort's first k.
  @Test func selectionAgreesWithTheSortOnListsWithTies() {
    var state: UInt64 = 12_345
    func next(_ n: UInt64) -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (state >> 33) % n
    }
    for _ in 0..<200 {
      let n = Int(next(40)) + 2
      var xs: [(Double, Int32)] = (0..<n).map { i in (Double(next(5)), Int32(i)) }
      for i in stride(from: n - 1, to: 0, by: -1) { xs.swapAt(i, Int(next(UInt64(i + 1)))) }
      let sorted = xs.sorted(by: Worker.before).map(\.1)
      for k in 1..<n {
        var ys = xs
        Worker.select(&ys, first: k)
        ys[0..<k].sort(by: Worker.before)
        #expect(Array(ys[0..<k].map(\.1)) == Array(sorted[0..<k]))
        #expect(Set(ys.map(\.1)) == Set(sorted))
      }
    }
  }

}
