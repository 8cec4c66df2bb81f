import ArcadenceTestSupport
import Foundation
import Testing

/// `simulate --paths-from A --paths-to B --out part-K/` and `simulate merge part-*/ --out DIR`
/// through the real executable on the hand fixture store: the merge prints and writes exactly
/// the single run's bytes (table, JSON, `simulation.json`, every chart PNG and SVG, the
/// `--data-out` file) for 1, 2 and 7 parts at 1 and 2 threads; bad ranges and parts that do
/// not make one run are usage errors (exit 2) that name the option or the part and write
/// nothing into `--out`.
@Suite struct SimulateShardCLITests {
  /// A two-policy scenario over 30 days and 23 paths on the hand fixture.
  static func scenario(name: String = "shards", in dir: String) throws -> String {
    let path = dir + "/\(name).yaml"
    try Data(
      """
      name: \(name)
      start: auto
      horizon_days: 30
      paths: 23
      seed: 5
      calibration: from_store
      new_invoices: true
      portfolio_shock: true
      policies:
        - name: observed
          cadence: observed
        - name: weekly calls
          cadence:
            steps:
              - {dpd: -3, channel: email}
              - {dpd: 1, channel: call}
            repeat: {every_days: 7, channel: call}
          capacity: {reps: 1, calls_per_rep_per_day: 1}

      """.utf8
    ).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// Every file of `dir`, by name.
  static func files(_ dir: String) throws -> [String: Data] {
    var out: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
      out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
    }
    return out
  }

  /// Runs the shards `ranges` of the scenario into `dir/part-K`; returns the part folders.
  static func shards(
    _ ranges: [(Int, Int)], db: String, scenario: String, dir: String, threads: String,
    seed: Int = 5, extra: [String] = []
  ) throws -> [String] {
    var folders: [String] = []
    for (k, (a, b)) in ranges.enumerated() {
      let folder = dir + "/part-\(k)"
      let r = try Hostile.run(
        [
          "simulate", scenario, "--db", db, "--threads", threads, "--paths-from", "\(a)",
          "--paths-to", "\(b)", "--out", folder,
        ] + extra)
      #expect(r.status == 0, "\(r.err)")
      #expect(
        r.out
          == "Scenario shards · paths [\(a), \(b)) of 23 · seed \(seed) · wrote "
          + "\(folder)/simulation.part\n")
      folders.append(folder)
    }
    return folders
  }

  @Test(arguments: ["1", "2"]) func mergeWritesTheSingleRunsBytes(threads: String) throws {
    let db = try Hostile.handFixtureStore()
    let dir = try Hostile.temporaryDirectory("shards")
    let scenario = try Self.scenario(in: dir)
    let single = try Hostile.run([
      "simulate", scenario, "--db", db, "--threads", threads, "--out", dir + "/single",
      "--data-out", dir + "/single-data.json",
    ])
    #expect(single.status == 0, "\(single.err)")
    #expect(single.out.hasPrefix("Scenario shards · start "))
    #expect(single.out.contains(" · 30 days · 23 paths · seed 5\n"))
    let singleJSON = try Hostile.run([
      "simulate", scenario, "--db", db, "--threads", threads, "--format", "json",
    ])
    let expected = try Self.files(dir + "/single")
    #expect(
      expected.keys.sorted() == [
        "comparison.png", "comparison.svg", "fan-observed.png", "fan-observed.svg",
        "fan-weekly-calls.png", "fan-weekly-calls.svg", "simulation.json",
      ])
    let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/single-data.json"))
    let splits: [[(Int, Int)]] = [
      [(0, 23)],
      [(0, 12), (12, 23)],
      [(0, 1), (1, 4), (4, 9), (9, 10), (10, 17), (17, 22), (22, 23)],
    ]
    for split in splits {
      let run = try Hostile.temporaryDirectory("split-\(split.count)")
      let parts = try Self.shards(
        split, db: db, scenario: scenario, dir: run, threads: threads)
      let merged = try Hostile.run(
        ["simulate", "merge"] + parts.reversed() + [
          "--out", run + "/merged", "--data-out", run + "/merged-data.json",
        ])
      #expect(merged.status == 0, "\(merged.err)")
      #expect(merged.out == single.out, "\(split.count) parts")
      #expect(try Self.files(run + "/merged") == expected, "\(split.count) parts")
      #expect(
        try Data(contentsOf: URL(fileURLWithPath: run + "/merged-data.json")) == data,
        "\(split.count) parts")
      let json = try Hostile.run(["simulate", "merge", "--format", "json"] + parts)
      #expect(json.status == 0)
      #expect(json.out == singleJSON.out, "\(split.count) parts")
    }
  }

  @Test func badRangesAreUsageErrors() throws {
    let db = try Hostile.handFixtureStore()
    let dir = try Hostile.temporaryDirectory("shard-ranges")
    let scenario = try Self.scenario(in: dir)
    let cases: [([String], String)] = [
      (
        ["--paths-from=-1", "--paths-to", "5"],
        "error: --paths-from: expected 0 to 22 with --paths 23 (value -1)\n"
      ),
      (
        ["--paths-from", "5", "--paths-to", "5"],
        "error: --paths-from: 5 is not before --paths-to 5 (value 5)\n"
      ),
      (
        ["--paths-from", "9", "--paths-to", "3"],
        "error: --paths-from: 9 is not before --paths-to 3 (value 9)\n"
      ),
      (["--paths-to", "24"], "error: --paths-to: expected 1 to 23 with --paths 23 (value 24)\n"),
      (
        ["--paths", "10", "--paths-to", "11"],
        "error: --paths-to: expected 1 to 10 with --paths 10 (value 11)\n"
      ),
    ]
    for (options, message) in cases {
      let r = try Hostile.run(
        ["simulate", scenario, "--db", db, "--out", dir + "/p"] + options)
      #expect(r.status == 2, "\(options)")
      #expect(r.err == message)
    }
    let noOut = try Hostile.run(["simulate", scenario, "--db", db, "--paths-from", "3"])
    #expect(noOut.status == 2)
    #expect(
      noOut.err == "error: --paths-from: a shard needs --out DIR for its part file (value 3)\n")
    let markov = try Hostile.run([
      "simulate", scenario, "--db", db, "--paths-to", "4", "--out", dir + "/p", "--method",
      "markov",
    ])
    #expect(markov.status == 2)
    #expect(
      markov.err
        == "error: --paths-to: a shard runs the Monte Carlo method only, without "
        + "--lift-sensitivity (value 4)\n")
    #expect(!FileManager.default.fileExists(atPath: dir + "/p"))
  }

  /// Gaps, overlaps, another seed, another scenario, a damaged or cut part: exit 2, the
  /// part and range named, and `--out` never created.
  @Test func mergeRefusesPartsThatAreNotOneRun() throws {
    let db = try Hostile.handFixtureStore()
    let dir = try Hostile.temporaryDirectory("shard-refusals")
    let scenario = try Self.scenario(in: dir)
    let parts = try Self.shards(
      [(0, 10), (10, 23), (9, 23)], db: db, scenario: scenario, dir: dir, threads: "1")
    let seeded = try Self.shards(
      [(10, 23)], db: db, scenario: scenario, dir: dir + "/seeded", threads: "1",
      seed: 6, extra: ["--seed", "6"])
    let other = try Self.scenario(name: "other", in: dir)
    let r = try Hostile.run([
      "simulate", other, "--db", db, "--paths-from", "10", "--out", dir + "/other",
    ])
    #expect(r.status == 0, "\(r.err)")
    let damaged = dir + "/damaged"
    try FileManager.default.createDirectory(atPath: damaged, withIntermediateDirectories: true)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: parts[1] + "/simulation.part"))
    bytes[bytes.count - 100] ^= 0x40
    try bytes.write(to: URL(fileURLWithPath: damaged + "/simulation.part"))
    let cut = dir + "/cut"
    try FileManager.default.createDirectory(atPath: cut, withIntermediateDirectories: true)
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut + "/simulation.part"))
    let cases: [([String], String)] = [
      (
        [parts[0], parts[2]],
        "\(parts[2]): paths [9, 23) overlap \(parts[0]) (paths [0, 10)): each path must be in one "
          + "part"
      ),
      (
        [parts[1]],
        "paths [0, 10) of 23 are in no part (the next part is \(parts[1]), paths [10, 23)): run "
          + "them with --paths-from 0 --paths-to 10"
      ),
      (
        [parts[0], seeded[0]],
        "\(seeded[0]): seed 6, but \(parts[0]) has seed 5: parts of different runs cannot be "
          + "merged"
      ),
      (
        [parts[0], dir + "/other"],
        "\(dir)/other: scenario other, but \(parts[0]) has scenario shards: parts of different "
          + "runs cannot be merged"
      ),
      (
        [parts[0], damaged],
        "\(damaged)/simulation.part: damaged or cut short (its checksum does not match): run "
          + "that part again"
      ),
      (
        [parts[0], cut],
        "\(cut)/simulation.part: damaged or cut short (its checksum does not match): run that "
          + "part again"
      ),
      (
        [parts[0], scenario],
        "\(scenario): not a simulation part (written by simulate --paths-from/--paths-to)"
      ),
    ]
    for (folders, message) in cases {
      let m = try Hostile.run(["simulate", "merge"] + folders + ["--out", dir + "/merged"])
      #expect(m.status == 2, "\(folders)")
      #expect(m.err == "error: \(message)\n")
      #expect(m.out == "")
      #expect(!FileManager.default.fileExists(atPath: dir + "/merged"))
    }
    let missing = try Hostile.run(["simulate", "merge", dir + "/nowhere", "--out", dir + "/m"])
    #expect(missing.status == 1)
    #expect(
      missing.err.hasPrefix(
        "error: cannot read the part file \(dir)/nowhere: No such file or directory"))
  }
}
