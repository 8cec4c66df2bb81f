import ArcadenceCore
import Foundation
import Yams

/// Options of a synthetic dataset.
public struct GeneratorOptions: Sendable {
  /// Number of customers.
  public var customers: Int
  /// Length of the data in months.
  public var months: Int
  /// Seed: the same options give the same bytes.
  public var seed: UInt64
  /// Number of reps.
  public var reps: Int
  /// Number of teams (reps are split evenly).
  public var teams: Int
  /// First day of the data.
  public var start: Day
  /// Reps choose whom to call (``SelectionWorld``); nil: the standard cadence.
  public var selection: SelectionWorld?
  /// The true reached-contact lift, when not the standard 2.0.
  public var reachedLift: Double?

  /// Options with the sample dataset's defaults.
  public init(
    customers: Int = 1500, months: Int = 18, seed: UInt64 = 7, reps: Int = 12, teams: Int = 2,
    start: Day = Day(year: 2025, month: 5, day: 1)!, selection: SelectionWorld? = nil,
    reachedLift: Double? = nil
  ) {
    self.customers = customers
    self.months = months
    self.seed = seed
    self.reps = reps
    self.teams = teams
    self.start = start
    self.selection = selection
    self.reachedLift = reachedLift
  }

  /// The last day of the data: `months` calendar months after `start`, minus one day.
  public var end: Day { endIfInCalendar ?? Day.maximum }

  /// ``end``, or nil when `months` reaches past 9999-12-31 (or is absurd).
  public var endIfInCalendar: Day? {
    guard (0...Span.maxYears * 12).contains(months) else { return nil }
    let (y, m, d) = start.civil
    let total = (y * 12 + m - 1) + months
    let ey = total / 12
    let em = total % 12 + 1
    return Day(year: ey, month: em, day: min(d, Day.daysInMonth(year: ey, month: em))).map {
      $0 - 1
    }
  }
}

/// What a generation wrote.
public struct GenerateSummary: Sendable {
  /// Rows per entity.
  public var rows: [(entity: Entity, count: Int)]
  /// The model the data was drawn from.
  public var truth: GroundTruth
  /// Wall time in seconds.
  public var seconds: Double
}

/// Writes a realistic synthetic dataset as the contract's CSV files plus `generator.yaml`.
///
/// Each customer is simulated day by day from its own random stream (xoshiro256** keyed by
/// seed and customer index), so the output is a pure function of the options and memory
/// holds one customer at a time. See ``GroundTruth`` for the model. O(customers × invoice
/// days open).
public enum Generator {
  /// Generates into `directory` (created if missing).
  public static func run(_ options: GeneratorOptions, into directory: String) throws
    -> GenerateSummary
  {
    guard options.customers > 0, options.months > 0, options.reps > 0, options.teams > 0,
      options.teams <= options.reps
    else {
      throw ArcadenceError(
        .usage, "customers, months and reps must be positive, with at most one team per rep")
    }
    guard options.customers <= 10_000_000 else {
      throw ArcadenceError(
        .usage, "--customers: expected 1 to 10,000,000 (value \(options.customers))")
    }
    guard options.reps <= 100_000 else {
      throw ArcadenceError(.usage, "--reps: expected 1 to 100,000 (value \(options.reps))")
    }
    guard options.months <= Span.maxYears * 12 else {
      throw ArcadenceError(
        .usage,
        "--months: at most \(Span.maxYears * 12) (\(Span.maxYears) years) (value \(options.months))"
      )
    }
    // A month is billed after the last day too: the data must end a month before 9999-12-31.
    guard options.endIfInCalendar.map({ $0 < Day.maximum - 31 }) ?? false else {
      throw ArcadenceError(
        .usage,
        "--start \(options.start) with --months \(options.months) ends after \(Day.maximum)")
    }
    let started = Date()
    let folder = try OutputFolder(directory)
    var writers: [Entity: CSVWriter] = [:]
    for e in Entity.allCases {
      let w = try CSVWriter(path: try folder.path(of: e.fileName))
      try w.write(e.columns.map(\.name))
      writers[e] = w
    }
    if let lift = options.reachedLift, !(0...100).contains(lift) {
      throw ArcadenceError(.usage, "--reached-lift: expected 0 to 100 (value \(lift))")
    }
    let reps = makeReps(options)
    var truth = GroundTruth.standard(
      seed: options.seed, start: options.start.description, end: options.end.description,
      customers: options.customers, reps: reps)
    if let lift = options.reachedLift { truth.reachedLift = lift }
    truth.selection = options.selection
    if let reach = options.selection?.callReach { truth.callReach = reach }
    if let p = options.selection?.pPromise { truth.pPromise = p }
    var sink = Sink(writers: writers)
    for r in reps {
      try sink.emit(.reps, [r.repId, r.name, r.team, "true"])
    }
    let model = Model(truth: truth, start: options.start, end: options.end)
    for i in 0..<options.customers {
      var sim = CustomerSimulation(
        model: model, index: i, rng: Xoshiro(seed: options.seed, stream: UInt64(i) + 1))
      try sim.run(into: &sink)
    }
    for w in writers.values { try w.close() }
    let yaml =
      "# Ground truth of the synthetic data in this folder (arcadence generate).\n"
      + "# Hazards are daily probabilities of paying in full, per segment and bucket.\n"
      + (try YAMLEncoder().encode(truth))
    try folder.write(yaml, as: "generator.yaml")
    return GenerateSummary(
      rows: Entity.allCases.map { ($0, sink.counts[$0] ?? 0) }, truth: truth,
      seconds: Date().timeIntervalSince(started))
  }

  static func makeReps(_ options: GeneratorOptions) -> [GroundTruth.RepProfile] {
    var rng = Xoshiro(seed: options.seed, stream: 0)
    let perTeam = (options.reps + options.teams - 1) / options.teams
    return (0..<options.reps).map { i in
      let name =
        // The seed reduced first: the same names, without overflow for any seed.
        Names.firstNames[
          (i * 7 + Int(options.seed % UInt64(Names.firstNames.count))) % Names.firstNames.count]
        + " "
        + Names.lastNames[
          (i * 5 + Int((options.seed / 3) % UInt64(Names.lastNames.count)))
            % Names.lastNames.count]
      let team =
        i / perTeam < Names.teams.count ? Names.teams[i / perTeam] : "Team \(i / perTeam + 1)"
      return GroundTruth.RepProfile(
        repId: "R" + pad(i + 1, 2), name: name, team: team,
        completion: round3(0.78 + 0.2 * rng.uniform()), onTime: round3(0.55 + 0.4 * rng.uniform()),
        reachSkill: round3(0.75 + 0.5 * rng.uniform()),
        documentation: round3(0.45 + 0.5 * rng.uniform()),
        resolutionFactor: round3(0.6 + 1.2 * rng.uniform()))
    }
  }

  static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

  static func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
  }
}

/// Numbers the per-customer simulation reads often, derived once from the ground truth.
struct Model: Sendable {
  let truth: GroundTruth
  let start: Day
  let end: Day
  let causeNames: [String]
  let causeWeights: [Double]
  let reachedDecay: Double
  let unreachedDecay: Double

  init(truth: GroundTruth, start: Day, end: Day) {
    self.truth = truth
    self.start = start
    self.end = end
    causeNames = Vocabulary.rootCauses.filter { truth.rootCauseWeights[$0] != nil }
    causeWeights = causeNames.map { truth.rootCauseWeights[$0]! }
    reachedDecay = exp(-1 / truth.reachedDecayDays)
    unreachedDecay = exp(-1 / truth.unreachedDecayDays)
  }
}

/// Writes rows and hands out sequential ids.
struct Sink {
  let writers: [Entity: CSVWriter]
  var counts: [Entity: Int] = [:]

  mutating func emit(_ entity: Entity, _ fields: [String]) throws {
    counts[entity, default: 0] += 1
    try writers[entity]!.write(fields)
  }

  /// The id the next row of `entity` will get (`INV-00000042`).
  func nextId(_ entity: Entity) -> String {
    let n = (counts[entity] ?? 0) + 1
    switch entity {
    case .reps: return "R" + Generator.pad(n, 2)
    case .customers: return "C" + Generator.pad(n, 6)
    case .invoices: return "INV-" + Generator.pad(n, 8)
    case .payments: return "PAY-" + Generator.pad(n, 8)
    case .adjustments: return "ADJ-" + Generator.pad(n, 7)
    case .activities: return "ACT-" + Generator.pad(n, 8)
    case .promises: return "PTP-" + Generator.pad(n, 7)
    case .cases: return "CASE-" + Generator.pad(n, 6)
    case .tasks: return "TSK-" + Generator.pad(n, 8)
    }
  }
}
