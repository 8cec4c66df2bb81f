import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Page {
  /// The scenario and job pages (answered by ``ArcadenceServer/jobsResponse(_:_:)``).
  var isJobs: Bool {
    switch self {
    case .scenarios, .scenario, .jobs, .job, .jobStatus, .forecast, .accuracy: true
    default: false
    }
  }
}

/// What a scenario or job page needs of the request, once the access check has passed.
struct JobsRequest: Sendable {
  var user: ServerUser
  var session: Session
  /// The POST's form (CSRF checked), nil for a GET.
  var form: FormFields?
  var address: String
  /// The path's scenario or job id.
  var pathId: String?
  var query: [String: String]
  var ledger: Ledger
  /// The store generation the request's ledger was read at.
  var generation: Int64? = nil
}

/// The analysts' pages (issue 18): scenarios (the folder's files and the user's own, a form
/// for the common knobs, a YAML editor checked with the CLI's errors) and simulations run as
/// jobs (``JobRunner``): the list, one job's progress and result, its progress as JSON.
extension ArcadenceServer {
  /// `--scenarios DIR`, else `Scenarios` beside the store when that folder exists, else
  /// `Scenarios` in the working directory (the repository's, for `serve` run from its root).
  static func scenarioFolder(store: String, option: String?) -> String {
    if let option { return option }
    let beside = ((store as NSString).deletingLastPathComponent as NSString)
      .appendingPathComponent("Scenarios")
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: beside, isDirectory: &isFolder), isFolder.boolValue {
      return beside
    }
    return "Scenarios"
  }

  /// The `*.yaml` files of the scenarios folder (names safe as file names), sorted.
  func scenarioFiles() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: scenarioFolder)) ?? []
    return names.filter { $0.hasSuffix(".yaml") && FileName.isFileName($0) }.sorted()
  }

  /// The owner of a scenario or job id, for ``Access/decide(user:route:ids:ledger:owner:)``:
  /// a file of the scenarios folder is shared, a stored scenario its author's, a job its
  /// runner's; anything else does not exist.
  func owner(_ kind: IdKind, _ id: String) -> Owner {
    switch kind {
    case .scenario:
      if id.hasSuffix(".yaml") { return scenarioFiles().contains(id) ? .shared : .none }
      guard let n = Int64(id), let s = try? jobRunner.jobs.scenario(n) else { return .none }
      return .user(s.owner)
    case .job:
      guard let n = Int64(id), let j = try? jobRunner.jobs.job(n) else { return .none }
      return .user(j.owner)
    default: return .none
    }
  }

  /// The scenario and job pages.
  func jobsResponse(_ page: Page, _ r: JobsRequest) async throws -> Response {
    do {
      switch page {
      case .scenarios: return try scenariosPage(r)
      case .scenario: return try scenarioPage(r)
      case .jobs: return try jobsPage(r)
      case .job: return try jobPage(r)
      case .jobStatus: return try jobStatus(r)
      case .forecast: return try forecastPage(r)
      case .accuracy: return try accuracyPage(r)
      default: throw HTTPError(.notFound)
      }
    } catch let error as ArcadenceError where error.code == .usage {
      return self.page(
        .badRequest, title: "Bad request",
        body: Templates.render("message", ["heading": "Bad request", "text": error.message]),
        user: r.user, session: r.session)
    }
  }

  var jobs: JobStore { jobRunner.jobs }

  // MARK: scenarios

  /// GET: the folder's scenarios and the user's own, the knobs form and the editor. POST
  /// `action=compose` turns the knobs into YAML in the editor; `check` validates the editor's
  /// text; `save` stores it as the user's scenario; `run` stores it and runs it as a job.
  func scenariosPage(_ r: JobsRequest) throws -> Response {
    var editor = ScenarioEditor(name: "my-scenario", yaml: ScenarioComposer.example)
    var status: HTTPResponse.Status = .ok
    var notice: String?
    if let form = r.form {
      editor.name = form.first("name") ?? ""
      editor.yaml = form.first("yaml") ?? ""
      editor.paths = form.first("paths") ?? ""
      do {
        switch form.first("action") ?? "" {
        case "compose":
          editor.yaml = try ScenarioComposer(form).yaml
          _ = try ScenarioComposer.check(name: editor.name, yaml: editor.yaml)
          notice = "YAML made from the form: check it, then save or run it."
        case "check":
          let s = try ScenarioComposer.check(name: editor.name, yaml: editor.yaml)
          notice =
            "\(editor.name).yaml is valid: \(s.policies.count) policies, "
            + "\(s.horizonDays) days, \(s.paths) paths."
        case "save", "run":
          let scenario = try ScenarioComposer.check(name: editor.name, yaml: editor.yaml)
          let paths = try ScenarioComposer.paths(editor.paths)
          let stored = try jobs.addScenario(
            owner: r.user.login, name: editor.name, yaml: editor.yaml)
          try accounts.audit(
            actor: r.user.login, action: "scenario.save", detail: "#\(stored.id) \(stored.name)",
            address: r.address)
          if form.first("action") == "run" {
            let job = try jobRunner.submit(
              owner: r.user.login, scenario: stored.name, yaml: stored.yaml,
              file: stored.name + ".yaml", paths: paths ?? scenario.paths, address: r.address)
            return ArcadenceServer.redirect(Routes.route(.job).url(id: String(job.id)))
          }
          return ArcadenceServer.redirect(Routes.route(.scenario).url(id: String(stored.id)))
        case let other:
          throw ArcadenceError(
            .usage, "action: expected compose, check, save or run (value \"\(other)\")")
        }
      } catch let error as ArcadenceError {
        status = .badRequest
        editor.error = error.message
      }
    }
    let own = try jobs.scenarios(owner: r.user.login, all: r.user.role == .admin)
    let context: [String: Any] = [
      "csrf": r.session.csrf, "folder": scenarioFolder,
      "files": scenarioFiles().map { name in
        ["name": name, "href": Routes.route(.scenario).url(id: name)]
      },
      "own": own.map { s in
        [
          "name": s.name, "owner": s.owner, "created": Timestamp(seconds: s.createdAt).description,
          "href": Routes.route(.scenario).url(id: String(s.id)),
        ]
      },
      "editor": editor.context, "notice": notice ?? "",
      "channels": Channel.allCases.map(\.name),
    ]
    return self.page(
      status, title: "Scenarios",
      body: Templates.render("scenarios", JobsView.withoutEmpty(context)), user: r.user,
      session: r.session)
  }

  /// One scenario: its YAML in the editor (saved as a new scenario of the user's), and a
  /// form to run it. POST `action=run` (with `paths`, empty for the file's) queues a job and
  /// goes to its page.
  func scenarioPage(_ r: JobsRequest) throws -> Response {
    let id = r.pathId ?? ""
    let (name, yaml, file, owner) = try scenarioSource(id)
    if let form = r.form {
      if form.first("action") == "delete" {
        return try deleteScenario(id, name: name, owner: owner, r)
      }
      guard form.first("action") == "run" else {
        throw ArcadenceError(
          .usage, "action: expected run or delete (value \"\(form.first("action") ?? "")\")")
      }
      let paths = try ScenarioComposer.paths(form.first("paths"))
      let scenario = try Scenario.parse(yaml, file: file)
      let job = try jobRunner.submit(
        owner: r.user.login, scenario: name, yaml: yaml, file: file,
        paths: paths ?? scenario.paths, address: r.address)
      return ArcadenceServer.redirect(Routes.route(.job).url(id: String(job.id)))
    }
    var description = ""
    var error = ""
    var paths = ""
    do {
      let s = try Scenario.parse(yaml, file: file)
      description = s.description ?? ""
      paths = String(s.paths)
    } catch let e as ArcadenceError { error = e.message }
    let context: [String: Any] = [
      "csrf": r.session.csrf, "name": name, "owner": owner ?? "", "description": description,
      "error": error, "paths": paths, "action": Routes.route(.scenario).url(id: id),
      "editor": ScenarioEditor(
        name: FileName.safe(name.replacingOccurrences(of: ".yaml", with: "")), yaml: yaml
      )
      .context,
    ]
    return self.page(
      .ok, title: name, body: Templates.render("scenario", JobsView.withoutEmpty(context)),
      user: r.user,
      session: r.session)
  }

  /// Deletes a stored scenario (the access check has let only its author or an admin
  /// through), audited `scenario.delete`; a file of the scenarios folder is not deleted from
  /// the browser (400). Jobs that ran it keep their copy of its text and their results.
  func deleteScenario(_ id: String, name: String, owner: String?, _ r: JobsRequest) throws
    -> Response
  {
    guard owner != nil, let n = Int64(id) else {
      throw ArcadenceError(
        .usage, "action: a scenario file of the folder cannot be deleted here (value \"\(id)\")")
    }
    if try jobs.deleteScenario(n) {
      try accounts.audit(
        actor: r.user.login, action: "scenario.delete",
        detail: "#\(n) \(name)" + (owner == r.user.login ? "" : " of \(owner ?? "")"),
        address: r.address)
    }
    return ArcadenceServer.redirect(Routes.route(.scenarios).path)
  }

  /// A scenario's name, text, file name for errors and owner (nil for a file).
  func scenarioSource(_ id: String) throws -> (String, String, String, String?) {
    if id.hasSuffix(".yaml") {
      let path = (scenarioFolder as NSString).appendingPathComponent(id)
      let text = try InputFile.text(at: path, describing: "the scenario file \(id)")
      return (id, text, path, nil)
    }
    guard let n = Int64(id), let s = try jobs.scenario(n) else { throw HTTPError(.notFound) }
    return (s.name, s.yaml, s.name + ".yaml", s.owner)
  }

  // MARK: jobs

  /// Every job the user may see (an admin: everyone's), newest first: who ran what, when, on
  /// which store generation, and how it stands.
  func jobsPage(_ r: JobsRequest) throws -> Response {
    let list = try jobs.jobs(owner: r.user.login, all: r.user.role == .admin)
    let context: [String: Any] = ["rows": list.map(JobsView.row)]
    return self.page(
      .ok, title: "Jobs", body: Templates.render("jobs", context), user: r.user,
      session: r.session)
  }

  /// One job: its state and progress (the page reloads itself every 2 s until the job ends:
  /// a `<meta http-equiv="refresh">`, no script), a cancel button while it has not ended,
  /// its error, or its result: the table with the paired differences and their CIs, the fan
  /// and comparison charts, the JSON. `?chart=NAME` answers one chart as SVG, `?format=json`
  /// downloads `simulation.json`. POST `action=cancel` cancels it.
  func jobPage(_ r: JobsRequest) throws -> Response {
    guard let n = Int64(r.pathId ?? ""), let job = try jobs.job(n) else {
      throw HTTPError(.notFound)
    }
    let url = Routes.route(.job).url(id: String(job.id))
    if let form = r.form {
      guard form.first("action") == "cancel" else {
        throw ArcadenceError(
          .usage, "action: expected cancel (value \"\(form.first("action") ?? "")\")")
      }
      _ = try jobRunner.cancel(job, actor: r.user.login, address: r.address)
      return ArcadenceServer.redirect(url)
    }
    let names = try jobs.outputNames(job.id)
    if let chart = r.query["chart"] {
      guard names.contains(chart + ".svg"), let bytes = try jobs.output(job.id, chart + ".svg")
      else { throw HTTPError(.notFound) }
      return Response(
        status: .ok, headers: [.contentType: "image/svg+xml"],
        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
    // `?format=json` is `simulation.json`; `?download=NAME` any CSV or JSON output.
    if let name = r.query["format"] == "json" ? "simulation.json" : r.query["download"] {
      guard name.hasSuffix(".json") || name.hasSuffix(".csv") || name.hasSuffix(".txt"),
        names.contains(name), let bytes = try jobs.output(job.id, name)
      else { throw HTTPError(.notFound) }
      try accounts.audit(
        actor: r.user.login, action: "job.download", detail: "#\(job.id) \(name)",
        address: r.address)
      let type =
        name.hasSuffix(".json")
        ? "application/json" : name.hasSuffix(".csv") ? "text/csv; charset=utf-8" : "text/plain"
      return Response(
        status: .ok,
        headers: [
          .contentType: type,
          .contentDisposition: "attachment; filename=\"job-\(job.id)-\(name)\"",
        ],
        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
    var context = JobsView.row(job)
    context["csrf"] = r.session.csrf
    context["refresh"] = !job.state.isFinished
    if job.state == .done, job.kind != .simulation {
      context["result"] = String(
        decoding: try jobs.output(job.id, "result.html") ?? [], as: UTF8.self)
    } else if job.state == .done {
      context["table"] = String(decoding: try jobs.output(job.id, "table.txt") ?? [], as: UTF8.self)
      context["warnings"] = String(
        decoding: try jobs.output(job.id, "warnings.txt") ?? [], as: UTF8.self)
      context["json"] = url + "?format=json"
      let charts = names.filter { $0.hasSuffix(".svg") }.map { String($0.dropLast(4)) }
      // The comparison first, then one fan per policy.
      context["figures"] = charts.sorted {
        ($0 == "comparison" ? 0 : 1, $0) < ($1 == "comparison" ? 0 : 1, $1)
      }
      .map { name in
        ["src": url + "?chart=" + URLText.pathComponent(name), "caption": name, "width": 800]
      }
    }
    return self.page(
      .ok, title: "Job \(job.id)", body: Templates.render("job", JobsView.withoutEmpty(context)),
      user: r.user,
      session: r.session)
  }

  /// `/jobs/:job/status`: the job's state and progress as JSON (for a script polling it).
  func jobStatus(_ r: JobsRequest) throws -> Response {
    guard let n = Int64(r.pathId ?? ""), let job = try jobs.job(n) else {
      throw HTTPError(.notFound)
    }
    let json = JobsView.status(job).rendered(pretty: false) + "\n"
    return Response(
      status: .ok, headers: [.contentType: "application/json"],
      body: .init(byteBuffer: ByteBuffer(string: json)))
  }
}

/// How a job is shown: a row of the list and the job page share it.
enum JobsView {
  static func time(_ t: Int64?) -> String { t.map { Timestamp(seconds: $0).description } ?? "" }

  /// Percent of the paths done, rounded down (0 for a job of no paths).
  static func percent(_ job: Job) -> Int {
    job.paths > 0 ? min(100, job.progress * 100 / job.paths) : 0
  }

  static func row(_ job: Job) -> [String: Any] {
    withoutEmpty([
      "id": String(job.id), "href": Routes.route(.job).url(id: String(job.id)),
      "owner": job.owner, "scenario": job.scenario, "paths": String(job.paths),
      "state": job.state.rawValue, "progress": String(job.progress),
      "percent": String(percent(job)),
      "generation": job.generation.map(String.init) ?? "", "created": time(job.createdAt),
      "started": time(job.startedAt), "finished": time(job.finishedAt),
      "error": job.error ?? "", "finishedState": job.state.isFinished,
      "status": Routes.route(.jobStatus).url(id: String(job.id)),
    ])
  }

  /// `context` without its empty strings: a Mustache section (`{{#error}}`) is shown for
  /// any string, the empty one included.
  static func withoutEmpty(_ context: [String: Any]) -> [String: Any] {
    context.filter { ($0.value as? String).map { !$0.isEmpty } ?? true }
  }

  /// The status document: `{"id", "state", "progress", "paths", "percent", "generation",
  /// "error"}`.
  static func status(_ job: Job) -> JSONValue {
    .object([
      ("id", .int(job.id)), ("state", .string(job.state.rawValue)),
      ("progress", .int(Int64(job.progress))), ("paths", .int(Int64(job.paths))),
      ("percent", .int(Int64(percent(job)))),
      ("generation", job.generation.map { .int($0) } ?? .null),
      ("error", .string(job.error)),
    ])
  }
}

/// The editor's fields as the page shows them.
struct ScenarioEditor {
  var name: String
  var yaml: String
  var paths = ""
  var error = ""

  var context: [String: Any] {
    JobsView.withoutEmpty(["name": name, "yaml": yaml, "paths": paths, "error": error])
  }
}
