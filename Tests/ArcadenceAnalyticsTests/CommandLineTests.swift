import ArcadenceTestSupport
import Foundation
import Testing

/// Runs the built `arcadence` executable as a person would.
@Suite struct CommandLineTests {
  /// The spec's metric keys (kpis.md, "Metrics"), in its order.
  static let specKeys = [
    "collected_amount", "payments_count", "unapplied_amount", "credit_sales", "collection_rate",
    "ar_open_start", "ar_open_end", "current_ar_end", "past_due_start", "past_due_end",
    "aging_end", "aging_start", "aging_reduction", "aging_90_plus_reduction", "dso",
    "best_possible_dso", "add", "cei", "autopay_eligible", "autopay_converted",
    "autopay_conversion_rate", "autopay_share_end", "cases_opened", "cases_closed",
    "cases_open_end", "cases_open_over_14d", "case_resolution_median_days",
    "case_resolution_p90_days", "escalations", "escalations_by_reason",
    "documentation_completeness", "tasks_due", "tasks_completed", "task_completion_rate",
    "tasks_on_time_rate", "promises_made", "promised_amount", "promises_due", "promises_kept",
    "promise_kept_rate", "calls", "emails", "contacts_reached",
  ]

  static var executable: URL {
    // The test bundle sits in the build products folder next to the executable.
    var dir = Bundle.main.bundleURL
    while dir.pathComponents.count > 1 {
      let candidate = dir.appendingPathComponent("arcadence")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: ".build/debug/arcadence")
  }

  func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = CommandLineTests.executable
    p.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (
      p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self)
    )
  }

  @Test func kpisJSONParsesAndCarriesEveryKey() throws {
    let store = try HandFixture.store()
    let r = try run(["kpis", "--db", store.path, "--month", "2026-03", "--format", "json"])
    #expect(r.status == 0, "\(r.err)")
    let object = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
    #expect(Set(object.keys) == ["period", "scope", "metrics"])
    let period = object["period"] as! [String: Any]
    #expect(period["from"] as? String == "2026-03-01" && period["to"] as? String == "2026-03-31")
    let metrics = object["metrics"] as! [String: Any]
    #expect(Set(metrics.keys) == Set(CommandLineTests.specKeys))
    #expect(metrics["collected_amount"] as? Double == 1075.0)
    let aging = metrics["aging_end"] as! [String: Any]
    #expect(Set(aging.keys).isSuperset(of: ["current", "d1_30", "d31_60", "d61_90", "d90_plus"]))
    let reasons = metrics["escalations_by_reason"] as! [String: Any]
    #expect(reasons.count == 5)
    // Keys come in the spec's order.
    let order = CommandLineTests.specKeys.compactMap { k in r.out.range(of: "\"\(k)\":")?.lowerBound
    }
    #expect(order == order.sorted())
  }

  @Test func userMistakesGiveAClearErrorAndANonZeroStatus() throws {
    let store = try HandFixture.store()
    let unknownRep = try run(["kpis", "--db", store.path, "--month", "2026-03", "--rep", "R9"])
    #expect(unknownRep.status == 2)
    #expect(unknownRep.err.hasPrefix("error: unknown rep \"R9\""))
    let badWeek = try run(["review", "--db", store.path, "--week", "2026-W60"])
    #expect(badWeek.status == 2)
    #expect(badWeek.err.contains("--week: expected an ISO week"))
    let noStore = try run(["kpis", "--db", "/nonexistent/none.sqlite"])
    #expect(noStore.status == 1)
    #expect(noStore.err.contains("no store at /nonexistent/none.sqlite"))
    for r in [unknownRep, badWeek, noStore] { #expect(!r.err.contains("Stack") && r.out.isEmpty) }
  }

  @Test func chartsDrawFromTheirDataWithoutTheStore() throws {
    let store = try HandFixture.store()
    let dir = NSTemporaryDirectory() + "arcadence-chart-data-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let data = dir + "/charts.json"
    let written = try run([
      "charts", "--db", store.path, "--month", "2026-03", "--out", dir + "/store",
      "--format", "png", "--scale", "1", "--data-out", data,
    ])
    #expect(written.status == 0, "\(written.err)")
    #expect(written.out.contains("wrote the data of 14 charts (2026-03-01..2026-03-31) to"))
    let drawn = try run([
      "charts", "--from-data", data, "--out", dir + "/data", "--format", "png", "--scale", "1",
    ])
    #expect(drawn.status == 0, "\(drawn.err)")
    #expect(drawn.out.contains("wrote 14 files (14 charts, from \(data))"))
    // The same PNG bytes from the store and from the data file.
    for name in ["cash-weekly", "root-cause-pareto", "scorecard-R1"] {
      let a = FileManager.default.contents(atPath: "\(dir)/store/\(name).png")
      let b = FileManager.default.contents(atPath: "\(dir)/data/\(name).png")
      #expect(a != nil && a == b, "\(name)")
    }
    // A malformed file: one line naming the file, the place and the problem; exit status 1.
    let bad = dir + "/bad.json"
    try Data(
      #"{"format": "arcadence-charts", "version": 1, "charts": [{"name": "x", "chart": {"kind": "histogram", "title": "T", "values": [1, true], "binWidth": 2}}]}"#
        .utf8
    ).write(to: URL(fileURLWithPath: bad))
    let failed = try run(["charts", "--from-data", bad, "--out", dir + "/bad"])
    #expect(failed.status == 1)
    #expect(
      failed.err
        == "error: \(bad): charts[0].chart.values[1]: expected a number, found true or false\n")
    #expect(!FileManager.default.fileExists(atPath: dir + "/bad"))
    let mixed = try run(["charts", "--from-data", data, "--month", "2026-03", "--out", dir])
    #expect(mixed.status == 2 && mixed.err.contains("--from-data draws the file as it is"))
    let missing = try run(["charts", "--from-data", dir + "/none.json", "--out", dir])
    #expect(missing.status == 1 && missing.err.contains("cannot read \(dir)/none.json"))
    for r in [failed, mixed, missing] { #expect(!r.err.contains("Stack") && r.out.isEmpty) }
  }

  @Test func csvAndTableShowTheSameNumbers() throws {
    let store = try HandFixture.store()
    let csv = try run(["kpis", "--db", store.path, "--month", "2026-03", "--format", "csv"])
    #expect(csv.out.contains("\ncollected_amount,1075.00,"))
    #expect(csv.out.contains("\naging_end.d90_plus,2000.00,"))
    let table = try run(["kpis", "--db", store.path, "--month", "2026-03"])
    #expect(table.out.contains("$1,075.00"))
    let scorecard = try run(["scorecard", "--db", store.path, "--month", "2026-03", "--rep", "R1"])
    #expect(scorecard.out.contains("Cash collected") && scorecard.out.contains("$775"))
  }
}
