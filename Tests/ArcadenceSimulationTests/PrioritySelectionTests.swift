import ArcadenceCore
import Testing

@testable import ArcadenceSimulation

/// The calls (and e-mails) of a day under capacity: only the first `capacity` in priority
/// order are sorted (``Worker/byPriority(_:_:first:)``, ``Worker/allocateOther(_:)``); they must
/// be exactly the full sort's first.
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

  /// The e-mails' order by hand: (key, invoice, channel) = (5, 2, 1), (5, 2, 3), (9, 0, 1),
  /// (5, 1, 2); priority order (9, 0, 1), (5, 1, 2), (5, 2, 1), (5, 2, 3): the first three
  /// are invoice 0's e-mail, invoice 1's SMS and invoice 2's e-mail, not its letter.
  @Test func theFirstKEmailsByKeyInvoiceAndChannel() {
    var xs: [(Double, Int32, UInt8)] = [(5, 2, 1), (5, 2, 3), (9, 0, 1), (5, 1, 2)]
    Worker.select(&xs, first: 3, by: Worker.before)
    xs[0..<3].sort(by: Worker.before)
    #expect(xs[0..<3].map { "\($0.1):\($0.2)" } == ["0:1", "1:2", "2:1"])
    #expect(xs[3].1 == 2 && xs[3].2 == 3)
  }

  /// Lists of (key, invoice, channel) with repeated invoices and keys, every k: the
  /// selection's first k, sorted, equal the full sort's first k.
  @Test func emailSelectionAgreesWithTheSort() {
    var state: UInt64 = 777
    func next(_ n: UInt64) -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (state >> 33) % n
    }
    for _ in 0..<200 {
      let n = Int(next(30)) + 2
      var seen = Set<String>()
      var xs: [(Double, Int32, UInt8)] = []
      while xs.count < n {
        let i = Int32(next(12))
        let ch = UInt8(1 + next(3))
        guard seen.insert("\(i):\(ch)").inserted else { continue }
        xs.append((Double(i % 4), i, ch))
      }
      let sorted = xs.sorted(by: Worker.before).map { "\($0.1):\($0.2)" }
      for k in 1..<n {
        var ys = xs
        Worker.select(&ys, first: k, by: Worker.before)
        ys[0..<k].sort(by: Worker.before)
        #expect(ys[0..<k].map { "\($0.1):\($0.2)" } == Array(sorted[0..<k]))
      }
    }
  }

  /// E-mail capacity in the engine, by hand: three invoices of $200, $300 and $200, 5 days past
  /// due, an e-mail each at 5 days past due, at most 2 e-mails a day. An e-mail always reaches
  /// and yields a promise kept the next day; there is no other payment. Balance × dpd ranks
  /// $1,500 (invoice 1) before the two $1,000 (invoice 0 before 2, the lower index): invoices 1
  /// and 0 are e-mailed and pay $500 on day 1; invoice 2's $200 stays open.
  @Test func emailCapacityPicksTheFirstByPriority() {
    let portfolio = Portfolio(
      start: Day(iso: "2026-11-01")!, customerSegment: [0, 0, 0], invoiceCustomer: [0, 1, 2],
      invoiceBalance: [20_000, 30_000, 20_000], invoiceDue: [-5, -5, -5])
    let params = ModelParameters(
      segments: ["one"], hazard: [[Double](repeating: 0, count: 7)], reach: [0, 1, 0, 0],
      pPromise: 1, pKept: 1, promiseLeadDays: DayDistribution(days: [1], weights: [1]))
    let policy = Policy(
      name: "two e-mails", steps: [CadenceStep(dpd: 5, channel: .email)], otherPerDay: 2)
    let r = Simulator(
      portfolio: portfolio, parameters: params, policies: [policy],
      settings: SimulationSettings(horizon: 3, paths: 2, seed: 4, threads: 1)
    ).run()
    let o = r.outcomes[0]
    #expect(o.otherContacts.mean == 2 && o.promises.mean == 2)
    #expect(o.totalCash.mean == 50_000 && o.endingAR.mean == 20_000)
  }
}
