import ArcadenceAnalytics
import ArcadenceStore

/// The kinds of id a URL can name (serve.md: rep, team, customer, invoice, case; and a
/// user's own things: a scenario, a job).
public enum IdKind: String, Sendable, CaseIterable {
  case rep, team, customer, invoice
  case caseId = "case"
  /// A scenario: a file of the scenarios folder (`weekly-calls.yaml`) or a stored one (its
  /// number), and a simulation job (its number); their owner decides (``Owner``).
  case scenario, job
}

/// Who owns an id that belongs to a user rather than to the ledger.
public enum Owner: Sendable, Equatable {
  /// No such id.
  case none
  /// Everyone whose role may use the page (a file of the scenarios folder).
  case shared
  /// This login (a stored scenario's author, a job's runner).
  case user(String)
}

/// The pages of the app.
public enum Page: String, Sendable, CaseIterable {
  case home, kpis, scorecards, scorecard, worklist, audit, users
  /// Scenarios (the folder's and the user's own) and one of them; simulation jobs, one job
  /// (progress, result, cancel) and its progress as JSON.
  case scenarios, scenario, jobs, job
  case jobStatus = "job-status"
  /// The rows behind a KPI (`/drill?metric=…`), a customer, an invoice, a case, the weekly
  /// review.
  case drill, customer, invoice
  case casePage = "case"
  case review
  /// The chart set for a period and scope, and one chart of it as SVG.
  case charts, chart
  /// The admin's upload of CSV files, a zip or an export with its mapping.
  case importPage = "import"
  /// The rolling cash forecast and its rolling-origin accuracy, each run as a job.
  case forecast, accuracy
  /// A user's scheduled reports (an admin's: everyone's).
  case subscriptions
}

/// One route: its path, the roles that may use it, and the id its path names.
///
/// Every page is declared once in ``Routes/all``; the router registers exactly these and
/// the authorisation matrix test enumerates them, so a route cannot escape the check.
public struct Route: Sendable {
  public var page: Page
  /// The path, with `:rep`, `:team`, `:customer`, `:invoice` or `:case` for the id it names.
  public var path: String
  public var roles: Set<UserRole>
  /// The id the path names, if any. Ids in the query string (`rep`, `team`, `customer`,
  /// `invoice`, `case`) are checked too, on every route.
  public var names: IdKind?
  /// Whether the route also takes a POST (a form that changes something). A POST passes the
  /// same access check as a GET, after the session's CSRF token is checked.
  public var takesForms = false
  /// Whether the POST is a `multipart/form-data` upload, streamed to its page: the access
  /// check runs before any of it is read, and the page's reader checks the CSRF token before
  /// it writes a file.
  public var takesUploads = false

  /// The path with `id` in place of its parameter.
  public func url(id: String? = nil) -> String {
    guard let names, let id else { return path }
    return path.replacingOccurrences(of: ":" + names.rawValue, with: URLText.pathComponent(id))
  }
}

/// The route table.
public enum Routes {
  static let everyone = Set(UserRole.allCases)
  static let readers: Set<UserRole> = [.manager, .leadership, .analyst, .admin]

  /// Every page behind the login, with who may open it (serve.md's role table): KPIs for
  /// managers (their teams), leadership, analysts and admins, and so the list of scorecards
  /// in scope; one scorecard for all (a rep their own); worklists for reps (their own) and managers (their teams' reps); the audit
  /// log and the users page (list, add, disable, reset a password, change a role) and the
  /// import page (uploads) for admins.
  public static let all: [Route] = [
    Route(page: .home, path: "/", roles: everyone, names: nil),
    Route(page: .kpis, path: "/kpis", roles: readers, names: nil),
    Route(page: .scorecards, path: "/scorecards", roles: readers, names: nil),
    Route(page: .scorecard, path: "/scorecard/:rep", roles: everyone, names: .rep),
    Route(page: .worklist, path: "/worklist/:rep", roles: [.rep, .manager], names: .rep),
    Route(page: .audit, path: "/audit", roles: [.admin], names: nil),
    // Drill-down (serve.md): the rows behind a KPI for managers (their teams), leadership,
    // analysts and admins; a customer, an invoice or a case for everyone in whose scope it
    // is (a rep their own customers' and their own cases).
    Route(page: .drill, path: "/drill", roles: readers, names: nil),
    Route(page: .customer, path: "/customer/:customer", roles: everyone, names: .customer),
    Route(page: .invoice, path: "/invoice/:invoice", roles: everyone, names: .invoice),
    Route(page: .casePage, path: "/case/:case", roles: everyone, names: .caseId),
    Route(page: .review, path: "/review", roles: readers, names: nil),
    Route(page: .charts, path: "/charts", roles: readers, names: nil),
    Route(page: .chart, path: "/chart.svg", roles: readers, names: nil),
    Route(page: .users, path: "/users", roles: [.admin], names: nil, takesForms: true),
    Route(
      page: .importPage, path: "/import", roles: [.admin], names: nil, takesForms: true,
      takesUploads: true),
    // Simulations as jobs (issue 18): analysts and admins; a stored scenario or a job is its
    // owner's (an admin's too): another user's answers 404.
    Route(
      page: .scenarios, path: "/scenarios", roles: [.analyst, .admin], names: nil,
      takesForms: true),
    Route(
      page: .scenario, path: "/scenarios/:scenario", roles: [.analyst, .admin], names: .scenario,
      takesForms: true),
    Route(page: .jobs, path: "/jobs", roles: [.analyst, .admin], names: nil),
    Route(
      page: .job, path: "/jobs/:job", roles: [.analyst, .admin], names: .job, takesForms: true),
    Route(
      page: .jobStatus, path: "/jobs/:job/status", roles: [.analyst, .admin], names: .job),
    // serve.md: analysts (and admins) "run simulations and forecasts"; the forecast covers
    // the whole book, so no rep or manager sees it.
    Route(
      page: .forecast, path: "/forecast", roles: [.analyst, .admin], names: nil, takesForms: true),
    Route(
      page: .accuracy, path: "/accuracy", roles: [.analyst, .admin], names: nil, takesForms: true),
    // Scheduled reports: everyone manages their own; admins everyone's.
    Route(
      page: .subscriptions, path: "/subscriptions", roles: everyone, names: nil, takesForms: true),
  ]

  /// The route of a page.
  public static func route(_ page: Page) -> Route {
    all.first { $0.page == page } ?? all[0]
  }
}

/// What a user may see: the reps (ledger indices) and teams in their scope.
public struct Visibility: Sendable, Equatable {
  /// Rep indices in scope, ascending.
  public var reps: [Int]
  /// Teams in scope, sorted.
  public var teams: [String]
  /// Whether the scope is everyone (leadership, analyst, admin).
  public var everyone: Bool

  /// The scope of `user` in `ledger`: a rep sees their rep; a manager their teams' reps
  /// (inactive ones included); every other role everyone. Nothing the browser sends enters.
  public init(user: ServerUser, ledger: Ledger) {
    switch user.role {
    case .rep:
      reps = user.repId.flatMap { ledger.rep($0) }.map { [$0] } ?? []
      teams = []
      everyone = false
    case .manager:
      let mine = Set(user.teams)
      reps = ledger.repTeams.indices.filter { ledger.repTeams[$0].map(mine.contains) ?? false }
      teams = ledger.teams.filter(mine.contains)
      everyone = false
    case .leadership, .analyst, .admin:
      reps = Array(ledger.repIds.indices)
      teams = ledger.teams
      everyone = true
    }
  }

  /// Whether the rep with this id exists and is in scope.
  public func has(rep id: String, in ledger: Ledger) -> Bool {
    guard let i = ledger.rep(id) else { return false }
    return everyone || reps.contains(i)
  }

  /// Whether the team exists and is in scope.
  public func has(team: String) -> Bool { teams.contains(team) }

  /// Whether rep `r` (an index) is in scope.
  public func has(repIndex r: Int) -> Bool { everyone || reps.contains(r) }

  /// Whether the customer exists and its rep (``Ledger/owner(customer:)``, kpis.md's
  /// ownership rule) is in scope.
  public func has(customer id: String, in ledger: Ledger) -> Bool {
    guard let c = ledger.customer(id) else { return false }
    return has(repIndex: ledger.owner(customer: c))
  }

  /// Whether the invoice exists and its customer's rep is in scope.
  public func has(invoice id: String, in ledger: Ledger) -> Bool {
    guard let i = ledger.invoice(id) else { return false }
    return has(repIndex: ledger.owner(invoice: i))
  }

  /// Whether the case exists and its own rep (``Ledger/owner(case:)``) is in scope.
  public func has(case id: String, in ledger: Ledger) -> Bool {
    guard let k = ledger.caseIndex(id) else { return false }
    return has(repIndex: ledger.owner(case: k))
  }
}

/// The outcome of the access check.
public enum Decision: Sendable, Equatable {
  case allow(Visibility)
  /// The role may not use this page (403).
  case forbidden
  /// An id outside the user's scope, or no such id (404: no hint that it exists).
  case notFound
}

/// The one access check: every request behind the login passes here before its handler.
public enum Access {
  /// Decides 200/403/404 from the user, the route and every id the URL names (`ids`: the
  /// path's id and the query's `rep`, `team`, `customer`, `invoice` and `case`). The role is checked first, so a page the role
  /// may not use answers 403 whatever id it names.
  /// A scenario or job id is in scope when `owner` says it is shared or ``owns(_:owner:)``.
  public static func decide(
    user: ServerUser, route: Route, ids: [(IdKind, String)], ledger: Ledger,
    owner: (IdKind, String) -> Owner = { _, _ in .none }
  ) -> Decision {
    guard route.roles.contains(user.role) else { return .forbidden }
    let visible = Visibility(user: user, ledger: ledger)
    for (kind, id) in ids {
      switch kind {
      case .rep: if !visible.has(rep: id, in: ledger) { return .notFound }
      case .team: if !visible.has(team: id) { return .notFound }
      case .customer: if !visible.has(customer: id, in: ledger) { return .notFound }
      case .invoice: if !visible.has(invoice: id, in: ledger) { return .notFound }
      case .caseId: if !visible.has(case: id, in: ledger) { return .notFound }
      case .scenario, .job:
        switch owner(kind, id) {
        case .none: return .notFound
        case .shared: break
        case .user(let login): if !owns(user, owner: login) { return .notFound }
        }
      }
    }
    return .allow(visible)
  }

  /// Whether `user` may open what `owner` made (a stored scenario, a job): its author, or an
  /// admin (who sees every job, with who ran it).
  public static func owns(_ user: ServerUser, owner: String) -> Bool {
    user.login == owner || user.role == .admin
  }
}

/// Percent-encoding for ids placed in URLs.
enum URLText {
  /// `id` as one path segment or query value: everything but unreserved characters
  /// (RFC 3986) percent-encoded.
  static func pathComponent(_ id: String) -> String {
    var out = ""
    for byte in id.utf8 {
      let c = Character(Unicode.Scalar(byte))
      if c.isASCII, c.isLetter || c.isNumber || "-._~".contains(c) {
        out.append(c)
      } else {
        let hex = String(byte, radix: 16, uppercase: true)
        out += "%" + (hex.count == 1 ? "0" + hex : hex)
      }
    }
    return out
  }
}
