import Testing

@testable import ArcadenceCore

@Suite("Parallel")
struct ParallelTests {
  /// 10 rows in 3 parts: 10 = 3 · 3 + 1, so the first part takes the extra row.
  @Test func rangesCoverEveryRowOnceInOrder() {
    #expect(Parallel.range(0, of: 3, rows: 10) == 0..<4)
    #expect(Parallel.range(1, of: 3, rows: 10) == 4..<7)
    #expect(Parallel.range(2, of: 3, rows: 10) == 7..<10)
  }

  /// Fewer rows than parts: the last parts are empty, and nothing is left out.
  @Test func morePartsThanRows() {
    #expect(Parallel.range(0, of: 4, rows: 2) == 0..<1)
    #expect(Parallel.range(1, of: 4, rows: 2) == 1..<2)
    #expect(Parallel.range(2, of: 4, rows: 2) == 2..<2)
    #expect(Parallel.range(3, of: 4, rows: 2) == 2..<2)
  }

  /// Each part sums its range of 1…100 (1–25 = 325, 26–50 = 950, 51–75 = 1,575,
  /// 76–100 = 2,200); the parts come back in part order whatever thread finished first.
  @Test func mapKeepsPartOrder() {
    let values = Array(1...100)
    let sums = Parallel.map(4) { part in
      Parallel.range(part, of: 4, rows: values.count).reduce(0) { $0 + values[$1] }
    }
    #expect(sums == [325, 950, 1575, 2200])
    #expect(Parallel.map(1) { $0 + 7 } == [7])
    #expect(Parallel.map(0) { $0 }.isEmpty)
  }
}
