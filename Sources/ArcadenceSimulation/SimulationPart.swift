import ArcadenceCore
import Foundation

/// What a Monte Carlo run is about apart from its paths' outputs: what its result needs
/// besides them.
struct RunFacts: Sendable, Equatable {
  /// The first simulated day.
  var start: Day
  /// The policies, the first the baseline.
  var policies: [Policy]
  /// The run settings (all paths of the run, not of one shard).
  var settings: SimulationSettings
  /// Invoices open at the start.
  var openInvoices: Int
  /// Balance open at the start (cents).
  var openBalance: Int64
}

/// The outputs of a contiguous range of paths of a run: each path's scalars and daily cash
/// per policy (``ResultBuffers``, whose `firstPath` says where the range starts).
struct PathOutputs: Sendable {
  /// What the run is about.
  var facts: RunFacts
  /// The per-path outputs.
  var buffers: ResultBuffers
  /// Wall-clock seconds spent on these paths.
  var seconds: Double
  /// CPU seconds spent on these paths.
  var cpuSeconds: Double

  /// The paths held.
  var range: Range<Int> { buffers.firstPath..<(buffers.firstPath + buffers.paths) }
}

/// The paths a shard runs: `--paths-from A --paths-to B` (A inclusive, B exclusive, 0-based)
/// of the run's `--paths N`.
public enum PathRange {
  /// The range of `--paths-from` and `--paths-to` (defaults 0 and `paths`), or a usage error
  /// naming the option and its value: the one check of both options.
  public static func check(from: Int?, to: Int?, paths: Int) throws -> Range<Int> {
    let a = from ?? 0
    let b = to ?? paths
    guard a >= 0, a < paths else {
      throw ArcadenceError(
        .usage, "--paths-from: expected 0 to \(paths - 1) with --paths \(paths) (value \(a))")
    }
    guard b >= 1, b <= paths else {
      throw ArcadenceError(
        .usage, "--paths-to: expected 1 to \(paths) with --paths \(paths) (value \(b))")
    }
    guard a < b else {
      throw ArcadenceError(
        .usage, "--paths-from: \(a) is not before --paths-to \(b) (value \(a))")
    }
    return a..<b
  }

  /// `paths [A, B)` for messages.
  static func text(_ r: Range<Int>) -> String { "paths [\(r.lowerBound), \(r.upperBound))" }
}

/// The result of a range of paths of a Monte Carlo run, to be merged with the other ranges
/// into the result of the whole run (issue 19, "Simulations that spread over machines").
///
/// Every draw is keyed by (seed, path, invoice, day, decision), so the paths `[A, B)` of a
/// run get the same numbers whichever machine runs them; a part holds each of its paths'
/// outputs exactly (not summaries: quantiles need every value), and ``merge(_:)`` puts the
/// parts back in path order and summarises them with the code a single run uses
/// (``SimulationResult``), so the merged outputs are the single run's, byte for byte.
/// ``fileName`` in the part's folder holds it (``write(to:)``, ``read(path:)``).
public struct SimulationPart: Sendable {
  /// The file a part is written as inside its folder.
  public static let fileName = "simulation.part"

  /// The scenario's name.
  public var scenario: String
  /// The calibration label (`from_store (data up to …)` or the calibration file).
  public var calibration: String
  /// The fingerprint of everything the draws and outputs depend on: the start state, the
  /// parameters and calibration sample, the policies, the settings but the thread count,
  /// the scenario's name and the calibration label (``SimulationRun/identity``).
  public var identity: String
  /// The outputs of the part's paths.
  var outputs: PathOutputs

  /// The paths this part holds.
  public var range: Range<Int> { outputs.range }
  /// The paths of the whole run.
  public var paths: Int { outputs.facts.settings.paths }
  /// The seed of the run.
  public var seed: UInt64 { outputs.facts.settings.seed }
}

/// The parts merged: the whole run's result and what its outputs are labelled with.
public struct MergedSimulation: Sendable {
  /// The result of every path, as the single run gives it.
  public var result: SimulationResult
  /// The scenario's name.
  public var scenario: String
  /// The calibration label.
  public var calibration: String
  /// How many parts were merged.
  public var parts: Int
}

extension SimulationRun {
  /// The fingerprint of this run's inputs (``SimulationPart/identity``): parts are merged
  /// only when it is the same. O(invoices + customers).
  public var identity: String {
    let sim = simulator
    var f = Fingerprint()
    f.add("arcadence simulation part \(SimulationPart.format)")
    f.add(scenario.name)
    f.add(calibrationLabel)
    f.add(fields: sim.portfolio)
    f.add(fields: sim.parameters)
    f.add(String(reflecting: sim.policies))
    let s = sim.settings
    f.add("horizon \(s.horizon) paths \(s.paths) seed \(s.seed)")
    f.add("shock \(s.portfolioShock) uncertainty \(s.parameterUncertainty)")
    if let sample = sim.sample { f.add(fields: sample) } else { f.add("no sample") }
    f.add(sim.fixedKeys.sorted().joined(separator: ","))
    return f.hex
  }

  /// Runs the paths `range` of this run (checked by ``PathRange/check(from:to:paths:)``) and
  /// returns them as a part to merge.
  public func runPart(
    paths range: Range<Int>, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws -> SimulationPart {
    let r = try PathRange.check(
      from: range.lowerBound, to: range.upperBound, paths: settings.paths)
    return SimulationPart(
      scenario: scenario.name, calibration: calibrationLabel, identity: identity,
      outputs: simulator.runPaths(r, progress: progress))
  }
}

extension SimulationResult {
  /// The result of parts that together hold every path once, in path order (checked by
  /// ``SimulationPart/merge(_:)``): their outputs copied into one set of buffers, then
  /// summarised as a single run is.
  init(merging parts: [PathOutputs]) {
    if parts.count == 1, parts[0].range == 0..<parts[0].facts.settings.paths {
      self.init(whole: parts[0])
      return
    }
    let facts = parts[0].facts
    let n = facts.settings.paths
    let h = facts.settings.horizon
    let m = ResultBuffers.Metric.allCases.count
    let all = ResultBuffers(policies: facts.policies.count, paths: n, horizon: h)
    for p in parts {
      let b = p.buffers
      for k in facts.policies.indices {
        (all.scalars + (k * n + b.firstPath) * m).update(
          from: b.scalars + k * b.paths * m, count: b.paths * m)
        (all.cash + (k * n + b.firstPath) * h).update(
          from: b.cash + k * b.paths * h, count: b.paths * h)
      }
    }
    self.init(
      whole: PathOutputs(
        facts: facts, buffers: all, seconds: parts.reduce(0) { $0 + $1.seconds },
        cpuSeconds: parts.reduce(0) { $0 + $1.cpuSeconds }))
  }
}

extension SimulationPart {
  /// Merges parts of one run into the whole run's result. `parts` pairs each part with the
  /// name it is known by (its file), for messages. Refused with a usage error naming the
  /// part and the range: parts of different runs (seed, paths, horizon, scenario,
  /// calibration, policies or the store's start state differ), overlapping ranges, paths in
  /// no part. O(policies · paths · horizon).
  public static func merge(_ parts: [(name: String, part: SimulationPart)]) throws
    -> MergedSimulation
  {
    guard let first = parts.first else {
      throw ArcadenceError(.usage, "simulate merge: expected at least one part folder")
    }
    for (name, part) in parts.dropFirst() {
      if let difference = part.differs(from: first.part) {
        throw ArcadenceError(
          .usage,
          "\(name): \(difference.this), but \(first.name) has \(difference.that): parts of "
            + "different runs cannot be merged")
      }
    }
    let sorted = parts.sorted { $0.part.range.lowerBound < $1.part.range.lowerBound }
    var next = 0
    var previous: (name: String, part: SimulationPart)?
    for (name, part) in sorted {
      let r = part.range
      if r.lowerBound < next, let previous {
        throw ArcadenceError(
          .usage,
          "\(name): \(PathRange.text(r)) overlap \(previous.name) "
            + "(\(PathRange.text(previous.part.range))): each path must be in one part")
      }
      if r.lowerBound > next {
        throw ArcadenceError(
          .usage,
          "\(PathRange.text(next..<r.lowerBound)) of \(first.part.paths) are in no part "
            + "(the next part is \(name), \(PathRange.text(r))): run them with --paths-from "
            + "\(next) --paths-to \(r.lowerBound)")
      }
      next = r.upperBound
      previous = (name, part)
    }
    if next < first.part.paths {
      throw ArcadenceError(
        .usage,
        "\(PathRange.text(next..<first.part.paths)) of \(first.part.paths) are in no part: "
          + "run them with --paths-from \(next) --paths-to \(first.part.paths)")
    }
    // What the result adds up (invoice-days over every path and policy) must not overflow.
    var invoiceDays: Int64 = 0
    for (name, part) in sorted {
      let b = part.outputs.buffers
      for k in 0..<b.policies {
        for p in 0..<b.paths {
          let (sum, overflow) = invoiceDays.addingReportingOverflow(
            b.scalar(k, p, .invoiceDays))
          guard !overflow else {
            throw ArcadenceError(
              .usage, "\(name): the invoice-days of its paths add up past 2^63: not a part file")
          }
          invoiceDays = sum
        }
      }
    }
    return MergedSimulation(
      result: SimulationResult(merging: sorted.map(\.part.outputs)),
      scenario: first.part.scenario, calibration: first.part.calibration, parts: parts.count)
  }

  /// The first thing that tells this part's run from `other`'s, as this part's and the
  /// other's words (`seed 7`, `seed 20261101`); nil when both come from the same run.
  func differs(from other: SimulationPart) -> (this: String, that: String)? {
    let a = outputs.facts
    let b = other.outputs.facts
    let checks: [(String, String)] = [
      ("scenario \(scenario)", "scenario \(other.scenario)"),
      ("seed \(a.settings.seed)", "seed \(b.settings.seed)"),
      ("--paths \(a.settings.paths)", "--paths \(b.settings.paths)"),
      ("a horizon of \(a.settings.horizon) days", "a horizon of \(b.settings.horizon) days"),
      ("start \(a.start)", "start \(b.start)"),
      ("calibration \(calibration)", "calibration \(other.calibration)"),
      (
        "policies \(a.policies.map(\.name).joined(separator: ", "))",
        "policies \(b.policies.map(\.name).joined(separator: ", "))"
      ),
      (
        "portfolio shock \(a.settings.portfolioShock), parameter uncertainty "
          + "\(a.settings.parameterUncertainty)",
        "portfolio shock \(b.settings.portfolioShock), parameter uncertainty "
          + "\(b.settings.parameterUncertainty)"
      ),
      (
        "\(a.openInvoices) open invoices (\(a.openBalance) cents)",
        "\(b.openInvoices) open invoices (\(b.openBalance) cents)"
      ),
    ]
    if let d = checks.first(where: { $0.0 != $0.1 }) { return d }
    if a.policies != b.policies {
      return ("other policy settings", "those of its own scenario")
    }
    if identity != other.identity {
      return (
        "run fingerprint \(identity) (its store, calibration or scenario differ)",
        "fingerprint \(other.identity)"
      )
    }
    return nil
  }
}
