import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArcadenceServer

/// The cells of the `<table class="…"` … `data-group="group"` (or the first of the class)
/// whose `<td class="num">` hold values, in order.
func numberCells(_ page: String, table: String) -> [String] {
  guard let start = page.range(of: table) else { return [] }
  let rest = page[start.upperBound...]
  let end = rest.range(of: "</table>")?.lowerBound ?? rest.endIndex
  var cells: [String] = []
  var scan = rest[..<end]
  while let open = scan.range(of: "<td class=\"num\">") {
    guard let close = scan[open.upperBound...].range(of: "</td>") else { break }
    cells.append(String(scan[open.upperBound..<close.lowerBound]))
    scan = scan[close.upperBound...]
  }
  return cells
}

@Suite struct ForecastPagesTests {
  /// The analyst's forecast page: nothing yet on this generation (a Run button); the run is
  /// a job; once done, the page's table is `Forecast.run`'s result for the same store, seed
  /// and paths on one thread, value for value (every week's open-book, future-billing and
  /// total P5/P50/P95, then the horizon's); a second run on the same generation goes to the
  /// same job; the per-invoice CSV is the CLI's `--by invoice` CSV byte for byte.
  @Test func theForecastPageIsForecastsResultValueForValue() async throws {
    let h = try Harness()
    let before = text(try await h.get("/forecast?by=segment&paths=40", as: "analyst"))
    #expect(before.contains("Not computed on this store generation yet."))
    let r = try await h.post(
      "/forecast?by=segment&paths=40", as: "analyst",
      [("action", "run"), ("by", "segment"), ("paths", "40")])
    #expect(r.status == .seeOther)
    let id = try jobId(r)
    let job = try await h.wait(job: id, for: [.done, .failed, .cancelled])
    #expect(job.state == .done, "\(job.error ?? "")")
    #expect(job.kind == .forecast)
    #expect(job.progress == 40)

    let store = h.server.jobRunner.jobs.store
    let ledger = try store.loadLedger()
    let f = try Forecast.run(
      ledger: ledger, links: try store.loadInvoiceLinks(for: ledger),
      settings: Forecast.Settings(weeks: 13, paths: 40, seed: 1, threads: 1, by: .segment))
    let page = text(try await h.get("/forecast?by=segment&paths=40", as: "analyst"))
    #expect(!page.contains("http-equiv=\"refresh\""))
    // The model line: which clock ran, what the weekly band adds (as the CLI's table).
    #expect(page.contains("Payment clock: "))
    #expect(page.contains("Weekly band: the paths"))
    func whole(_ v: Double) -> String { Cents.displayWhole(Cents.nearest(v)) }
    #expect(f.series.count >= 2)  // the whole book, then each segment
    for s in f.series {
      let expected = (s.weeks + [s.horizon]).flatMap { w in
        [w.openBook, w.futureBilling, w.total].flatMap {
          [whole($0.p5), whole($0.p50), whole($0.p95)]
        }
      }
      let cells = numberCells(page, table: "data-group=\"\(s.group)\"")
      #expect(cells.count == 14 * 9, "\(s.group)")
      #expect(cells == expected, "\(s.group)")
    }
    // 13 weekly rows and the horizon's row in the whole book's table.
    #expect(page.components(separatedBy: "<tr><td>20").count - 1 >= 13)
    #expect(page.contains("<td>13 weeks</td>"))
    #expect(page.contains("src=\"/jobs/\(id)?chart=forecast\""))
    let chart = try await h.get("/jobs/\(id)?chart=forecast", as: "analyst")
    #expect(chart.headers[.contentType] == "image/svg+xml")

    // The same settings on the same generation: the job that answers them, not a new one.
    let again = try await h.post(
      "/forecast", as: "analyst", [("action", "run"), ("by", "segment"), ("paths", "40")])
    #expect(try jobId(again) == id)

    let csv = try await h.get("/jobs/\(id)?download=invoices.csv", as: "analyst")
    #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
    #expect(String(buffer: csv.body) == f.invoiceCSV)
    let json = try await h.get("/jobs/\(id)?download=forecast.json", as: "analyst")
    #expect(String(buffer: json.body) == f.json.rendered() + "\n")
    #expect(try await h.get("/jobs/\(id)?download=result.html", as: "analyst").status == .notFound)
    let actions = try h.server.accounts.auditLog(limit: 10).map(\.action)
    #expect(actions.filter { $0 == "job.download" }.count == 2)

    // A split that is not one answers 400 naming the field.
    let bad = try await h.get("/forecast?by=customer", as: "analyst")
    #expect(bad.status == .badRequest)
    #expect(text(bad).contains("by: expected segment, rep or team (value &quot;customer&quot;)"))
  }

  /// By rep, a group is a rep's name from the data: R2's name (markup, quotes, a right-to-left
  /// override) is escaped in the kept result, never markup.
  @Test func groupNamesFromTheDataAreEscaped() async throws {
    let h = try Harness()
    let r = try await h.post(
      "/forecast", as: "analyst", [("action", "run"), ("by", "rep"), ("paths", "10")])
    let job = try await h.wait(job: try jobId(r), for: [.done, .failed, .cancelled])
    #expect(job.state == .done, "\(job.error ?? "")")
    let page = text(try await h.get("/forecast?by=rep&paths=10", as: "analyst"))
    #expect(page.contains("<h3>&lt;script&gt;alert(1)&lt;/script&gt;&quot;q&#39; "))
    #expect(!page.contains("<script>alert(1)"))
  }

  /// The accuracy page: the job's per-horizon table is `Accuracy.run`'s rows for the same
  /// settings (one cutoff, 30 days, 10 paths on the hand fixture), the model beside the naive
  /// baselines A and B, with its chart; the result is kept with the job.
  @Test func theAccuracyPageIsAccuracysRows() async throws {
    let h = try Harness()
    let fields = [("cutoffs", "1"), ("horizons", "30"), ("paths", "10")]
    let r = try await h.post("/accuracy", as: "analyst", [("action", "run")] + fields)
    let id = try jobId(r)
    let job = try await h.wait(job: id, for: [.done, .failed, .cancelled])
    #expect(job.state == .done, "\(job.error ?? "")")
    #expect(job.kind == .accuracy)
    #expect(job.paths == 10)  // one cutoff × 10 paths

    let store = h.server.jobRunner.jobs.store
    let ledger = try store.loadLedger()
    let a = try Accuracy.run(
      ledger: ledger, links: try store.loadInvoiceLinks(for: ledger),
      settings: Accuracy.Settings(cutoffs: 1, horizons: [30], paths: 10, seed: 1, threads: 1))
    let page = text(try await h.get("/accuracy?cutoffs=1&horizons=30&paths=10", as: "analyst"))
    let cells = numberCells(page, table: "<table class=\"accuracy\">")
    func pct(_ v: Double?, _ signed: Bool = false) -> String {
      guard let v, v.isFinite else { return "—" }
      return String(format: signed ? "%+.1f%%" : "%.1f%%", v * 100)
    }
    let expected = a.rows.flatMap { r in
      [
        String(r.cutoffs), pct(r.meanError, true), pct(r.meanAbsoluteError), pct(r.weeklyMAPE),
        pct(r.weeklyCoverage), pct(r.totalCoverage), r.invoicesPaid.map(String.init) ?? "—",
        pct(r.within3), pct(r.within7),
      ]
    }
    #expect(a.rows.map(\.method) == [.model, .lastPeriod, .customerAverage])
    #expect(cells == expected)
    #expect(
      page.contains("<td>A: last period</td>") && page.contains("<td>B: customer average</td>"))
    #expect(page.contains("src=\"/jobs/\(id)?chart=accuracy\""))
    let json = try await h.get("/jobs/\(id)?download=accuracy.json", as: "analyst")
    #expect(String(buffer: json.body) == a.json.rendered() + "\n")
    // A field that is not a number is refused naming it; nothing is queued.
    let bad = try await h.post("/accuracy", as: "analyst", [("action", "run"), ("cutoffs", "x")])
    #expect(bad.status == .badRequest)
    #expect(text(bad).contains("cutoffs: expected 1 to 120 (value &quot;x&quot;)"))
    #expect(try h.server.jobRunner.jobs.jobs(owner: "analyst", all: false).count == 1)
  }

  /// Deleting a saved scenario: another analyst gets 404 and it stays; its author deletes it
  /// (audited `scenario.delete`) and the job that ran it keeps its result; an admin may
  /// delete anyone's (the audit names whose).
  @Test func deleteASavedScenario() async throws {
    let h = try Harness()
    try h.server.accounts.add(
      login: "analyst2", role: .analyst, repId: nil, teams: [], password: Harness.password,
      actor: "test")
    let run = try await h.post(
      "/scenarios", as: "analyst",
      [("action", "run"), ("name", "small"), ("yaml", smallScenario), ("paths", "20")])
    let job = try await h.wait(job: try jobId(run), for: [.done, .failed, .cancelled])
    #expect(job.state == .done)
    let jobs = h.server.jobRunner.jobs
    let saved = try #require(try jobs.scenarios(owner: "analyst", all: false).first)

    let other = try await h.post("/scenarios/\(saved.id)", as: "analyst2", [("action", "delete")])
    #expect(other.status == .notFound)
    #expect(try jobs.scenario(saved.id) != nil)

    let mine = try await h.post("/scenarios/\(saved.id)", as: "analyst", [("action", "delete")])
    #expect(mine.status == .seeOther)
    #expect(mine.headers[.location] == "/scenarios")
    #expect(try jobs.scenario(saved.id) == nil)
    #expect(try await h.get("/scenarios/\(saved.id)", as: "analyst").status == .notFound)
    // The job keeps its text and results.
    #expect(try jobs.job(job.id)?.state == .done)
    #expect(try jobs.outputNames(job.id).contains("simulation.json"))
    #expect(try await h.get("/jobs/\(job.id)?format=json", as: "analyst").status == .ok)

    let second = try jobs.addScenario(owner: "analyst2", name: "theirs", yaml: smallScenario)
    let byAdmin = try await h.post("/scenarios/\(second.id)", as: "admin", [("action", "delete")])
    #expect(byAdmin.status == .seeOther)
    let audit = try h.server.accounts.auditLog(limit: 50).filter { $0.action == "scenario.delete" }
    #expect(audit.map(\.actor) == ["analyst", "admin"])
    #expect(audit.map(\.detail) == ["#\(saved.id) small", "#\(second.id) theirs of analyst2"])
  }

  /// Retention, counted by hand: with `--keep-jobs 2`, the analyst's five finished jobs lose
  /// the three oldest (with their outputs), the queued one stays and is not counted, the
  /// admin's single job stays; one `job.pruned` row names them. A server started on the store
  /// with `--keep-jobs 1` prunes at its start, after marking the queued job failed.
  @Test func finishedJobsBeyondTheLimitArePruned() throws {
    var options = ServeOptions()
    try options.setKeepJobs(2)
    let h = try Harness(options: options)
    let jobs = h.server.jobRunner.jobs
    var ids: [Int64] = []
    for _ in 0..<5 {
      let j = try jobs.addJob(
        owner: "analyst", scenario: "small", yaml: smallScenario, file: "s.yaml", paths: 1)
      #expect(try jobs.finish(j.id, as: .done, outputs: [("table.txt", [1, 2, 3])]))
      ids.append(j.id)
    }
    let queued = try jobs.addJob(
      owner: "analyst", scenario: "small", yaml: smallScenario, file: "s.yaml", paths: 1)
    let admins = try jobs.addJob(
      owner: "admin", scenario: "small", yaml: smallScenario, file: "s.yaml", paths: 1)
    #expect(try jobs.finish(admins.id, as: .failed, error: "x"))

    try h.server.jobRunner.prune()
    let left = try jobs.jobs(owner: "", all: true).map(\.id).sorted()
    #expect(left == [ids[3], ids[4], queued.id, admins.id])
    let outputs = try jobs.store.pool.read { db in
      try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job_outputs") ?? -1
    }
    #expect(outputs == 2)
    let pruned = try h.server.accounts.auditLog(limit: 5).filter { $0.action == "job.pruned" }
    #expect(pruned.map(\.detail) == ["#\(ids[0]) #\(ids[1]) #\(ids[2]) (keeps 2 per user)"])
    #expect(pruned.map(\.actor) == ["analyst"])

    // The restart marks the queued job failed ("server restarted"): now finished and the
    // analyst's newest, it is the one kept.
    var one = ServeOptions()
    try one.setKeepJobs(1)
    let restarted = try ArcadenceServer(store: jobs.store, options: one)
    let kept = try restarted.jobRunner.jobs.jobs(owner: "", all: true).map(\.id).sorted()
    #expect(kept == [queued.id, admins.id])
    #expect(throws: ArcadenceError.self) { try one.setKeepJobs(0) }
    do { try one.setKeepJobs(0) } catch let e as ArcadenceError {
      #expect(e.message == "--keep-jobs: expected 1 to 10,000 (value 0)")
    }
  }

  /// Form sizes, from their one rule: a scenario of 100 KiB saves through the editor (1 MiB
  /// limit); a form over 1 MiB there, or over 16 KiB on the users page, answers 413 with the
  /// limit named, and nothing is stored.
  @Test func theEditorTakesA100KiBScenarioAndLimitsAreNamed() async throws {
    let h = try Harness()
    let padding = String(
      repeating: "# a comment line to make the scenario large, 64 bytes.....\n", count: 1_800)
    let big = smallScenario + padding
    #expect(big.utf8.count > 100 * 1024)
    let saved = try await h.post(
      "/scenarios", as: "analyst", [("action", "save"), ("name", "big"), ("yaml", big)])
    #expect(saved.status == .seeOther, "\(text(saved).prefix(300))")
    let jobs = h.server.jobRunner.jobs
    #expect(try jobs.scenarios(owner: "analyst", all: false).first?.yaml == big)

    let huge = String(repeating: "x", count: 1024 * 1024)
    let tooBig = try await h.post(
      "/scenarios", as: "analyst", [("action", "save"), ("name", "huge"), ("yaml", huge)])
    #expect(tooBig.status == .contentTooLarge)
    #expect(
      text(tooBig).contains(
        "form: larger than 1024 KiB, the limit for this page (the scenario editor&#39;s); "
          + "nothing was changed"))
    let users = try await h.post(
      "/users", as: "admin",
      [
        ("action", "add"), ("login", "x"), ("role", "analyst"),
        ("pad", String(repeating: "y", count: 16 * 1024)),
      ])
    #expect(users.status == .contentTooLarge)
    #expect(
      text(users).contains("form: larger than 16 KiB, the limit for this page; nothing was changed")
    )
    #expect(try h.server.accounts.user("x") == nil)
    #expect(try jobs.scenarios(owner: "analyst", all: false).count == 1)
  }
}
