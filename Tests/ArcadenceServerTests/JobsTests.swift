import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArcadenceServer

/// A small scenario for the hand fixture: today's cadence against a weekly call, 30 days.
let smallScenario = """
  name: small
  description: Two policies, 30 days.
  start: auto
  horizon_days: 30
  paths: 20
  seed: 7
  calibration: from_store
  policies:
    - name: observed
      cadence: observed
    - name: weekly calls
      cadence:
        steps:
          - {dpd: 1, channel: call}
        repeat: {every_days: 7, channel: call, until_dpd: 180}

  """

extension Harness {
  /// Scenario 1 and job 1 (queued) are the analyst's, scenario 2 and job 2 the admin's; no
  /// runner picks the jobs up (they are written straight to the store).
  func seedJobs() throws {
    let jobs = server.jobRunner.jobs
    for owner in ["analyst", "admin"] {
      let s = try jobs.addScenario(owner: owner, name: "small", yaml: smallScenario)
      _ = try jobs.addJob(
        owner: owner, scenario: s.name, yaml: s.yaml, file: "small.yaml", paths: 20)
    }
  }

  /// POSTs `fields` with `login`'s session and CSRF token.
  func post(_ uri: String, as login: String, _ fields: [(String, String)]) async throws
    -> TestResponse
  {
    let (cookie, session) = await self.cookie(login)
    var form = formHeaders
    form[.cookie] = cookie[.cookie]
    let headers = form
    return try await test { client async throws in
      try await client.execute(
        uri: uri, method: .post, headers: headers,
        body: formBody([("csrf", session.csrf)] + fields))
    }
  }

  /// GETs `uri` with a session of `login`.
  func get(_ uri: String, as login: String) async throws -> TestResponse {
    let (cookie, _) = await self.cookie(login)
    return try await test { client async throws in
      try await client.execute(uri: uri, method: .get, headers: cookie)
    }
  }

  /// Waits until job `id` is in `states` (polling the store; no time is asserted).
  func wait(job id: Int64, for states: Set<JobState>) async throws -> Job {
    for _ in 0..<6000 {
      if let job = try server.jobRunner.jobs.job(id), states.contains(job.state) { return job }
      try await Task.sleep(for: .milliseconds(10))
    }
    throw ArcadenceError(.failure, "job \(id) never reached \(states)")
  }
}

/// The job id a `303 See Other` to `/jobs/N` names.
func jobId(_ r: TestResponse) throws -> Int64 {
  let location = try #require(r.headers[.location])
  return try #require(Int64(location.replacingOccurrences(of: "/jobs/", with: "")))
}

@Suite struct JobsTests {
  /// queued → running → done: the analyst saves and runs the small scenario with 20 paths;
  /// the job ends done with all 20 paths, its `simulation.json` is byte for byte what the
  /// library gives for the same scenario, ledger and paths (the CLI's run), the page shows the
  /// paired difference and the charts, and each step is in the audit log.
  @Test func aJobRunsToDoneWithTheCLIsResult() async throws {
    let h = try Harness()
    let r = try await h.post(
      "/scenarios", as: "analyst",
      [("action", "run"), ("name", "small"), ("yaml", smallScenario), ("paths", "20")])
    #expect(r.status == .seeOther)
    let id = try jobId(r)
    let job = try await h.wait(job: id, for: [.done, .failed, .cancelled])
    #expect(job.state == .done, "\(job.error ?? "")")
    #expect(job.progress == 20)
    #expect(job.generation != nil)
    #expect(job.startedAt != nil && job.finishedAt != nil)

    let store = h.server.jobRunner.jobs.store
    let ledger = try store.loadLedger()
    let run = try SimulationRun(
      scenario: try Scenario.parse(smallScenario, file: "small.yaml"), ledger: ledger,
      links: try store.loadInvoiceLinks(for: ledger), paths: 20, threads: 1)
    let expected = run.run().json(scenario: "small", calibration: run.calibrationLabel)
    let json = try await h.get("/jobs/\(id)?format=json", as: "analyst")
    #expect(json.status == .ok)
    #expect(
      json.headers[.contentDisposition] == "attachment; filename=\"job-\(id)-simulation.json\"")
    #expect(String(buffer: json.body) == expected.rendered() + "\n")

    let page = text(try await h.get("/jobs/\(id)", as: "analyst"))
    #expect(page.contains("Paired differences against observed"))
    #expect(page.contains("weekly calls"))
    #expect(!page.contains("http-equiv=\"refresh\""))  // ended: no more reloading
    #expect(page.contains("src=\"/jobs/\(id)?chart=comparison\""))
    let chart = try await h.get("/jobs/\(id)?chart=comparison", as: "analyst")
    #expect(chart.status == .ok)
    #expect(chart.headers[.contentType] == "image/svg+xml")
    #expect(try await h.get("/jobs/\(id)?chart=nope", as: "analyst").status == .notFound)

    let status = text(try await h.get("/jobs/\(id)/status", as: "analyst"))
    #expect(
      status.hasPrefix(
        "{\"id\":\(id),\"state\":\"done\",\"progress\":20,\"paths\":20,\"percent\":100,"))

    let audit = try h.server.accounts.auditLog(limit: 20).filter { $0.action.hasPrefix("job.") }
    #expect(audit.map(\.action) == ["job.queued", "job.started", "job.done", "job.download"])
    #expect(audit.allSatisfy { $0.actor == "analyst" })
  }

  /// A scenario that cannot run on this store fails with the error the CLI prints, shown on
  /// the job's page and audited.
  @Test func aFailedScenarioShowsItsError() async throws {
    let h = try Harness()
    let yaml = smallScenario.replacingOccurrences(
      of: "calibration: from_store", with: "calibration: from_store\nopen_invoices: 5000")
    let r = try await h.post(
      "/scenarios", as: "analyst", [("action", "run"), ("name", "too-many"), ("yaml", yaml)])
    let id = try jobId(r)
    let job = try await h.wait(job: id, for: [.done, .failed, .cancelled])
    #expect(job.state == .failed)
    let error = try #require(job.error)
    #expect(error.hasPrefix("too-many.yaml: open_invoices: 5000, but the store has only "))
    let page = text(try await h.get("/jobs/\(id)", as: "analyst"))
    #expect(page.contains("too-many.yaml: open_invoices: 5000, but the store has only "))
    #expect(
      try h.server.accounts.auditLog(limit: 5).last?.action == "job.failed")
  }

  /// With one slot: job A runs (held before its first path), job B waits queued; cancelling
  /// B ends it at once; cancelling A sets its flag, and once released it stops at the next
  /// path and ends cancelled; then a third job C gets the slot and runs to done.
  @Test func cancelQueuedAndRunningJobs() async throws {
    let h = try Harness()
    let gate = DispatchSemaphore(value: 0)
    let held = JobHold(gate)
    h.server.jobRunner.beforeRun = { id in held.hold(id) }
    func run(_ name: String) async throws -> Int64 {
      try jobId(
        try await h.post(
          "/scenarios", as: "analyst",
          [("action", "run"), ("name", name), ("yaml", smallScenario), ("paths", "50")]))
    }
    let a = try await run("a")
    _ = try await h.wait(job: a, for: [.running])
    let b = try await run("b")
    #expect(try h.server.jobRunner.jobs.job(b)?.state == .queued)
    let status = text(try await h.get("/jobs/\(b)/status", as: "analyst"))
    #expect(status.hasPrefix("{\"id\":\(b),\"state\":\"queued\",\"progress\":0,"))
    #expect(text(try await h.get("/jobs/\(b)", as: "analyst")).contains("http-equiv=\"refresh\""))

    let cancelB = try await h.post("/jobs/\(b)", as: "analyst", [("action", "cancel")])
    #expect(cancelB.status == .seeOther)
    #expect(try h.server.jobRunner.jobs.job(b)?.state == .cancelled)

    _ = try await h.post("/jobs/\(a)", as: "analyst", [("action", "cancel")])
    #expect(try h.server.jobRunner.jobs.job(a)?.state == .running)
    h.server.jobRunner.beforeRun = nil
    gate.signal()
    let endedA = try await h.wait(job: a, for: [.done, .failed, .cancelled])
    #expect(endedA.state == .cancelled)
    #expect(endedA.progress == 0)  // stopped before its first path
    #expect(try h.server.jobRunner.jobs.outputNames(a).isEmpty)

    let c = try await run("c")
    #expect(try await h.wait(job: c, for: [.done, .failed, .cancelled]).state == .done)
    let actions = try h.server.accounts.auditLog(limit: 30).map(\.action).filter {
      $0.hasPrefix("job.")
    }
    #expect(actions.filter { $0 == "job.cancel" }.count == 2)
    #expect(actions.filter { $0 == "job.cancelled" }.count == 2)
  }

  /// A server started on a store whose previous server left a job running and one queued
  /// marks both failed ("server restarted"), audited, rather than leaving them for ever.
  @Test func aRestartMarksRunningJobsFailed() async throws {
    let h = try Harness()
    let jobs = h.server.jobRunner.jobs
    let running = try jobs.addJob(
      owner: "analyst", scenario: "small", yaml: smallScenario, file: "small.yaml", paths: 20)
    #expect(try jobs.markRunning(running.id, generation: 1))
    let queued = try jobs.addJob(
      owner: "analyst", scenario: "small", yaml: smallScenario, file: "small.yaml", paths: 20)
    let restarted = try ArcadenceServer(store: jobs.store)
    for id in [running.id, queued.id] {
      let job = try #require(try restarted.jobRunner.jobs.job(id))
      #expect(job.state == .failed)
      #expect(job.error == "server restarted")
    }
    let audit = try restarted.accounts.auditLog(limit: 2)
    #expect(
      audit.map(\.detail) == [
        "#\(running.id) small: server restarted", "#\(queued.id) small: server restarted",
      ])
  }

  /// Two analysts: neither opens the other's scenario or job (404, like an id that does not
  /// exist), nor sees them listed; an admin sees both.
  @Test func twoAnalystsDoNotSeeEachOthersScenariosOrJobs() async throws {
    let h = try Harness()
    try h.server.accounts.add(
      login: "analyst2", role: .analyst, repId: nil, teams: [], password: Harness.password,
      actor: "test")
    try h.seedJobs()  // scenario and job 1: analyst's; 2: admin's
    let jobs = h.server.jobRunner.jobs
    let mine = try jobs.addScenario(owner: "analyst2", name: "second-private", yaml: smallScenario)
    let myJob = try jobs.addJob(
      owner: "analyst2", scenario: mine.name, yaml: smallScenario, file: "x.yaml", paths: 20)
    for uri in ["/scenarios/1", "/jobs/1", "/jobs/1/status"] {
      #expect(try await h.get(uri, as: "analyst2").status == .notFound, "\(uri)")
      #expect(try await h.get(uri, as: "analyst").status == .ok, "\(uri)")
    }
    for uri in ["/scenarios/\(mine.id)", "/jobs/\(myJob.id)", "/jobs/\(myJob.id)/status"] {
      #expect(try await h.get(uri, as: "analyst").status == .notFound, "\(uri)")
      #expect(try await h.get(uri, as: "analyst2").status == .ok, "\(uri)")
      #expect(try await h.get(uri, as: "admin").status == .ok, "\(uri)")
    }
    // Nor by a POST: running or cancelling another's is the same 404.
    let run = try await h.post("/scenarios/1", as: "analyst2", [("action", "run")])
    #expect(run.status == .notFound)
    let cancel = try await h.post("/jobs/1", as: "analyst2", [("action", "cancel")])
    #expect(cancel.status == .notFound)
    #expect(try jobs.job(1)?.state == .queued)

    let list2 = text(try await h.get("/jobs", as: "analyst2"))
    #expect(list2.contains("href=\"/jobs/\(myJob.id)\""))
    #expect(!list2.contains("href=\"/jobs/1\""))
    let scen2 = text(try await h.get("/scenarios", as: "analyst2"))
    #expect(scen2.contains("second-private"))
    #expect(!scen2.contains("href=\"/scenarios/1\""))
    #expect(scen2.contains("href=\"/scenarios/weekly-calls.yaml\""))  // the folder's: shared
    let adminList = text(try await h.get("/jobs", as: "admin"))
    for id in [1, 2, myJob.id] { #expect(adminList.contains("href=\"/jobs/\(id)\"")) }
  }

  /// The editor is checked by the CLI's scenario reader: the page answers 400 with the
  /// file, line and key, escaped, and keeps the text typed; nothing is stored.
  @Test func invalidYAMLShowsTheCLIsError() async throws {
    let h = try Harness()
    let bad =
      "name: x\nhorizon_days: 90\nbogus: <b>1</b>\npolicies:\n  - name: a\n    cadence: observed\n"
    let r = try await h.post(
      "/scenarios", as: "analyst", [("action", "save"), ("name", "bad"), ("yaml", bad)])
    #expect(r.status == .badRequest)
    let page = text(r)
    #expect(page.contains("bad.yaml:3: key bogus: unknown key"))
    #expect(page.contains("bogus: &lt;b&gt;1&lt;/b&gt;"))  // the text kept, escaped
    #expect(try h.server.jobRunner.jobs.scenarios(owner: "analyst", all: true).isEmpty)
    // A name that is not a safe file name, a calibration file (a path on the server), and
    // paths out of the CLI's range, each named.
    let name = try await h.post(
      "/scenarios", as: "analyst", [("action", "check"), ("name", "../x"), ("yaml", smallScenario)])
    #expect(text(name).contains("name: 1 to 60 letters, digits, - and _ (value &quot;../x&quot;)"))
    let file = smallScenario.replacingOccurrences(
      of: "calibration: from_store", with: "calibration: /etc/passwd")
    let cal = try await h.post(
      "/scenarios", as: "analyst", [("action", "save"), ("name", "c"), ("yaml", file)])
    #expect(text(cal).contains("c.yaml: key calibration: only from_store"))
    let paths = try await h.post(
      "/scenarios", as: "analyst",
      [("action", "run"), ("name", "p"), ("yaml", smallScenario), ("paths", "0")])
    #expect(paths.status == .badRequest)
    #expect(text(paths).contains("--paths: expected 1 to 1,000,000 (value 0)"))
  }

  /// The knobs become this YAML (worked out by hand from the form), which the reader accepts.
  @Test func theKnobsFormMakesYAML() throws {
    let form = try #require(
      FormFields(
        "name=knobs&horizon_days=60&paths=300&steps=-3+email%2C+1+call&repeat_every=7"
          + "&repeat_channel=call&repeat_until=120&completion=0.8&reps_change=-2"
          + "&offer_autopay=on&agency_dpd=60"))
    let yaml = try ScenarioComposer(form).yaml
    #expect(
      yaml == """
        name: "knobs"
        description: "Made with the form on the scenarios page."
        start: auto
        horizon_days: 60
        paths: 300
        seed: 1
        calibration: from_store
        new_invoices: true
        portfolio_shock: true
        policies:
          - name: observed
            cadence: observed
          - name: proposed
            cadence:
              steps:
                - {dpd: -3, channel: email}
                - {dpd: 1, channel: call}
              repeat:
                every_days: 7
                channel: call
                until_dpd: 120
            completion: 0.8
            capacity:
              reps: observed
              reps_change: -2
              calls_per_rep_per_day: observed
            offer_autopay: true
            escalation:
              - at_dpd: 60
                to: agency
                lift: 0.8
                fee: 0.25

        """)
    let s = try ScenarioComposer.check(name: "knobs", yaml: yaml)
    #expect(s.policies.count == 2)
    #expect(s.horizonDays == 60)
    #expect(s.paths == 300)
    // A value that could smuggle a key in is refused, named.
    let bad = try #require(FormFields("steps=1+call%0Abogus%3A+1"))
    #expect(throws: ArcadenceError.self) { try ScenarioComposer(bad) }
    let channel = try #require(FormFields("steps=1+fax"))
    do {
      _ = try ScenarioComposer(channel)
      Issue.record("expected an error")
    } catch let e as ArcadenceError {
      #expect(e.message == "steps: expected one of call, email, sms, letter (value \"fax\")")
    }
  }

  /// Every POST of the scenario and job pages without the session's token, or with another,
  /// is 403 and changes nothing (generated from ``Routes/all``).
  @Test func everyJobsPostNeedsTheCSRFToken() async throws {
    let h = try Harness()
    try h.seedJobs()
    let (cookie, _) = await h.cookie("analyst")
    var post = formHeaders
    post[.cookie] = cookie[.cookie]
    let headers = post
    for route in Routes.all where route.takesForms && route.page.isJobs {
      for token in [nil, String(repeating: "0", count: 32)] {
        let fields =
          (token.map { [("csrf", $0)] } ?? []) + [
            ("action", route.page == .job ? "cancel" : "run"), ("name", "x"),
            ("yaml", smallScenario),
          ]
        let status = try await h.test { client async throws in
          try await client.execute(
            uri: route.url(id: "1"), method: .post, headers: headers, body: formBody(fields)
          ).status
        }
        #expect(status == .forbidden, "\(route.path) \(token ?? "none")")
      }
    }
    #expect(try h.server.jobRunner.jobs.job(1)?.state == .queued)
    #expect(try h.server.jobRunner.jobs.jobs(owner: "analyst", all: true).count == 2)
  }
}

/// Holds a job's thread until the test releases it (once).
final class JobHold: @unchecked Sendable {
  let gate: DispatchSemaphore
  init(_ gate: DispatchSemaphore) { self.gate = gate }
  func hold(_ id: Int64) { gate.wait() }
}
