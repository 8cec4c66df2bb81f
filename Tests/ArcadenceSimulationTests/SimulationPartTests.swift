import ArcadenceCore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// Shards of a run (`--paths-from/--paths-to`) and their merge (`simulate merge`): the merge
/// of any split gives the single run's numbers, and a merge of parts that do not make one
/// run, or of damaged part files, is refused with a message naming the part and the range.
@Suite struct SimulationPartTests {
  /// The hand simulator behind most tests: 40 invoices of $100–$2,000 on 10 customers, two
  /// segments with every contact behaviour on, two policies (so there is a comparison).
  static func simulator(paths: Int = 23, seed: UInt64 = 7, threads: Int = 1) -> Simulator {
    Simulator(
      portfolio: PortfolioFixture.spread(count: 40, segments: 2, firstDue: -50, step: 3),
      parameters: ModelFixture.contacts,
      policies: [
        .none(),
        Policy(
          name: "calls", steps: [CadenceStep(dpd: 1, channel: .call)],
          repeatRule: .init(everyDays: 7, channel: .call), callsPerDay: 3),
      ],
      settings: SimulationSettings(horizon: 20, paths: paths, seed: seed, threads: threads))
  }

  /// A part of `sim`'s paths `range`, labelled as the scenario `scenario` would be.
  static func part(
    _ sim: Simulator, _ range: Range<Int>, scenario: String = "hand", identity: String = "x"
  ) -> SimulationPart {
    SimulationPart(
      scenario: scenario, calibration: "by hand", identity: identity,
      outputs: sim.runPaths(range))
  }

  /// Parts through their file bytes, named `part-K`.
  static func roundTrip(_ parts: [SimulationPart]) throws -> [(
    name: String, part: SimulationPart
  )] {
    try parts.enumerated().map { k, p in
      ("part-\(k)", try SimulationPart.parse(try p.fileBytes(), name: "part-\(k)"))
    }
  }

  @Test func pathRangesAreCheckedOptionByOption() throws {
    #expect(try PathRange.check(from: nil, to: nil, paths: 10) == 0..<10)
    #expect(try PathRange.check(from: 3, to: 7, paths: 10) == 3..<7)
    #expect(try PathRange.check(from: 9, to: nil, paths: 10) == 9..<10)
    #expect(try PathRange.check(from: nil, to: 1, paths: 10) == 0..<1)
    let refused: [(Int?, Int?, String)] = [
      (-1, nil, "--paths-from: expected 0 to 9 with --paths 10 (value -1)"),
      (10, nil, "--paths-from: expected 0 to 9 with --paths 10 (value 10)"),
      (nil, 11, "--paths-to: expected 1 to 10 with --paths 10 (value 11)"),
      (nil, 0, "--paths-to: expected 1 to 10 with --paths 10 (value 0)"),
      (nil, -4, "--paths-to: expected 1 to 10 with --paths 10 (value -4)"),
      (5, 5, "--paths-from: 5 is not before --paths-to 5 (value 5)"),
      (7, 3, "--paths-from: 7 is not before --paths-to 3 (value 7)"),
    ]
    for (from, to, message) in refused {
      #expect(throws: ArcadenceError(.usage, message)) {
        try PathRange.check(from: from, to: to, paths: 10)
      }
    }
  }

  /// The agency fixture of SimulatorTests (a $100 invoice paid on day 0 of every path, $25
  /// to the agency) over 50 paths in three parts, [0, 17), [17, 18) and [18, 50): every
  /// path's total is $75.00, the fee $25.00, and the merged totals are the parts' in order.
  @Test func mergedPartsAreTheParts() throws {
    let sim = Simulator(
      portfolio: Portfolio(
        start: Day(iso: "2026-11-01")!, customerSegment: [0], invoiceCustomer: [0],
        invoiceBalance: [10_000], invoiceDue: [-10]),
      parameters: ModelParameters(
        segments: ["one"], hazard: [[Double](repeating: 0.5, count: 7)], hazardCap: 1),
      policies: [
        Policy(name: "agency", escalations: [.init(atDpd: 0, to: .agency, lift: 1, fee: 0.25)])
      ],
      settings: SimulationSettings(horizon: 5, paths: 50, seed: 1))
    let parts = try Self.roundTrip([
      Self.part(sim, 18..<50), Self.part(sim, 0..<17), Self.part(sim, 17..<18),
    ])
    let merged = try SimulationPart.merge(parts)
    let r = merged.result
    #expect(merged.parts == 3)
    #expect(r.totals[0] == [Int64](repeating: 7_500, count: 50))
    #expect(r.cash[0] == Array([[Int64]](repeating: [7_500, 0, 0, 0, 0], count: 50).joined()))
    #expect(r.outcomes[0].agencyFees.mean == 2_500)
    #expect(r.outcomes[0].totalCash.count == 50)
    // Invoice-days: the invoice is open on day 0 only, so 1 per path.
    #expect(r.invoiceDays == 50)
  }

  /// 23 paths in 1, 2 and 7 parts (uneven), at 1 and 2 threads, through the file format:
  /// the merged result's per-path values, JSON and table are the single run's.
  @Test(arguments: [1, 2]) func anySplitGivesTheSingleRun(threads: Int) throws {
    let sim = Self.simulator(threads: threads)
    let single = sim.run()
    let json = single.json(scenario: "hand", calibration: "by hand").rendered()
    let table = single.table(scenario: "hand")
    let splits: [[Range<Int>]] = [
      [0..<23],
      [0..<11, 11..<23],
      [0..<1, 1..<5, 5..<6, 6..<13, 13..<14, 14..<20, 20..<23],
    ]
    for split in splits {
      let parts = try Self.roundTrip(split.reversed().map { Self.part(sim, $0) })
      let merged = try SimulationPart.merge(parts)
      let r = merged.result
      #expect(r.totals == single.totals, "\(split)")
      #expect(r.cash == single.cash, "\(split)")
      #expect(r.invoiceDays == single.invoiceDays, "\(split)")
      #expect(
        r.json(scenario: merged.scenario, calibration: merged.calibration).rendered() == json,
        "\(split)")
      #expect(r.table(scenario: merged.scenario) == table, "\(split)")
    }
    // The run has something to compare: two policies, cash on every path of each.
    #expect(single.comparisons.count == 1)
    #expect(single.totals.allSatisfy { $0.count == 23 && $0.allSatisfy { $0 > 0 } })
  }

  /// Parts that do not make one run are refused, naming the part and the range.
  @Test func partsOfDifferentRunsOrRangesAreRefused() throws {
    let sim = Self.simulator()
    let a = Self.part(sim, 0..<10)
    let b = Self.part(sim, 10..<23)
    func refused(_ parts: [SimulationPart], _ message: String) throws {
      let named = try Self.roundTrip(parts)
      #expect(throws: ArcadenceError(.usage, message)) { try SimulationPart.merge(named) }
    }
    try refused(
      [a, Self.part(sim, 9..<23)],
      "part-1: paths [9, 23) overlap part-0 (paths [0, 10)): each path must be in one part")
    try refused(
      [a, Self.part(sim, 12..<23)],
      "paths [10, 12) of 23 are in no part (the next part is part-1, paths [12, 23)): run "
        + "them with --paths-from 10 --paths-to 12")
    try refused(
      [Self.part(sim, 3..<10), b],
      "paths [0, 3) of 23 are in no part (the next part is part-0, paths [3, 10)): run them "
        + "with --paths-from 0 --paths-to 3")
    try refused(
      [a], "paths [10, 23) of 23 are in no part: run them with --paths-from 10 --paths-to 23")
    try refused(
      [a, a],
      "part-1: paths [0, 10) overlap part-0 (paths [0, 10)): each path must be in one part")
    try refused(
      [a, Self.part(Self.simulator(seed: 8), 10..<23)],
      "part-1: seed 8, but part-0 has seed 7: parts of different runs cannot be merged")
    try refused(
      [a, Self.part(Self.simulator(paths: 24), 10..<24)],
      "part-1: --paths 24, but part-0 has --paths 23: parts of different runs cannot be merged")
    try refused(
      [a, Self.part(sim, 10..<23, scenario: "other")],
      "part-1: scenario other, but part-0 has scenario hand: parts of different runs cannot "
        + "be merged")
    try refused(
      [a, Self.part(sim, 10..<23, identity: "y")],
      "part-1: run fingerprint y (its store, calibration or scenario differ), but part-0 has "
        + "fingerprint x: parts of different runs cannot be merged")
    #expect(throws: ArcadenceError(.usage, "simulate merge: expected at least one part folder")) {
      try SimulationPart.merge([])
    }
  }

  /// A damaged, cut or forged part file is refused with its name, never a trap.
  @Test func damagedPartFilesAreRefused() throws {
    let bytes = try Self.part(Self.simulator(), 0..<5).fileBytes()
    func refused(_ b: [UInt8], _ why: String) {
      #expect(throws: ArcadenceError(.usage, "p: " + why)) {
        try SimulationPart.parse(b, name: "p")
      }
    }
    let damaged = "damaged or cut short (its checksum does not match): run that part again"
    var flipped = bytes
    flipped[bytes.count / 2] ^= 0x01
    refused(flipped, damaged)
    refused(Array(bytes.prefix(bytes.count - 9)), damaged)
    refused(Array(bytes.prefix(40)), damaged)
    refused(
      Array("ARCADENCE-SIMULATION-PART 1\n".utf8), "cut short: no header")
    refused([], "not a simulation part (written by simulate --paths-from/--paths-to)")
    refused(
      Array("ARCADENCE-SIMULATION-PART 2\n{}\n".utf8),
      "a part of format 2; this arcadence reads format 1: run every part with the same version")
    // Forged with a valid checksum: a negative value, then a header whose range is beyond
    // its paths, then one whose counts disagree with the payload.
    func sealed(_ b: [UInt8]) -> [UInt8] {
      var body = Array(b.prefix(b.count - 8))
      var f = Fingerprint()
      body.withUnsafeBytes { f.add(bytes: $0) }
      withUnsafeBytes(of: f.value.littleEndian) { body += $0 }
      return body
    }
    var negative = bytes
    let lastValue = bytes.count - 16
    for k in 0..<8 { negative[lastValue + k] = 0xFF }
    refused(
      sealed(negative), "a value out of range at byte \(lastValue) (-1; at most 2^53)")
    let text = String(decoding: bytes, as: UTF8.self)
    func edited(_ from: String, _ to: String) -> [UInt8] {
      let headerEnd = bytes.indices.filter { bytes[$0] == 0x0A }[1]
      let header = String(decoding: bytes[..<headerEnd], as: UTF8.self)
      #expect(header.contains(from), "\(from) not in \(text.prefix(200))")
      return sealed(
        Array(header.replacingOccurrences(of: from, with: to).utf8) + bytes[headerEnd...])
    }
    refused(
      edited("\"paths_to\":5", "\"paths_to\":50"),
      "--paths-to: expected 1 to 23 with --paths 23 (value 50)")
    refused(
      edited("\"paths_to\":5", "\"paths_to\":4"),
      "holds \(5 * 2 * 34 * 8) bytes of values; its header (paths [0, 4), 2 policies, 20 days) "
        + "says \(4 * 2 * 34 * 8)")
    refused(
      edited("\"horizon_days\":20", "\"horizon_days\":0"),
      "horizon_days: expected 1 to 730 (value 0)")
    refused(
      edited("\"paths\":23", "\"paths\":0"), "--paths: expected 1 to 1,000,000 (value 0)")
  }
}
