import ArcadenceCore
import ArcadenceReports
import ArcadenceStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The request context: Hummingbird's core storage and the client's address.
public struct ServerContext: RequestContext {
  public var coreContext: CoreRequestContextStorage
  /// The client's IP address (`local` when there is none, as in router tests): the socket's
  /// peer, replaced by ``Guard`` with the forwarded address when the peer is a trusted proxy
  /// (``ClientAddress``).
  public internal(set) var address: String
  /// Who the request is from, for its log line: set by the handler once it has found the
  /// session (``Guard`` reads it after the handler).
  let login = RequestLogin()

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    address = source.channel.remoteAddress?.ipAddress ?? "local"
  }
}

/// The login a request's log line names (`-` until a handler finds the request's session).
final class RequestLogin: Sendable {
  private let value = Mutex<String?>(nil)
  /// The login, or nil when no handler has set it.
  var login: String? { value.withLock { $0 } }
  func set(_ login: String) { value.withLock { $0 = login } }
}

extension HTTPField.Name {
  /// `X-Frame-Options` (not among HTTPTypes' names).
  static let xFrameOptions = HTTPField.Name("X-Frame-Options") ?? .xContentTypeOptions
  /// `Referrer-Policy`.
  static let referrerPolicy = HTTPField.Name("Referrer-Policy") ?? .xContentTypeOptions
  /// `X-Forwarded-For` (read only from a `--trusted-proxy`).
  static let xForwardedFor = HTTPField.Name("X-Forwarded-For") ?? .xContentTypeOptions
}

/// Options of `arcadence serve`.
public struct ServeOptions: Sendable {
  public var host = "127.0.0.1"
  public var port = 8080
  /// `Secure` on the session cookie (behind a TLS-terminating proxy).
  public var secureCookies = false
  /// Idle expiry of a session, seconds.
  public var idleLimit: Int64 = 8 * 3600
  /// Absolute lifetime of a session, seconds (default 7 days).
  public var maxLifetime: Int64 = 7 * 24 * 3600
  /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`, canonical IP
  /// addresses: ``ClientAddress/trusted(_:)``); empty, the header is ignored.
  public var trustedProxies: Set<String> = []
  /// `--tls-cert` and `--tls-key`: PEM files; with both, the server speaks HTTPS and the
  /// cookies are `Secure`.
  public var tlsCertificate: String?
  public var tlsKey: String?
  /// The import page's upload limit and temporary folder (`--max-upload-mb`).
  public var uploads = UploadOptions()
  /// Simulation jobs run at once (`--jobs`, 1 to 16).
  public var jobs = 1
  /// Finished jobs kept per user (`--keep-jobs`, 1 to 10,000): older ones are removed with
  /// their results at the start and after each job.
  public var keepJobs = ServeOptions.defaultKeepJobs
  /// The default of `--keep-jobs`.
  public static let defaultKeepJobs = 50
  /// The folder of scenario files listed on `/scenarios` (`--scenarios`); nil: see
  /// ``ArcadenceServer/scenarioFolder(store:option:)``.
  public var scenarios: String?
  /// Scheduled reports (`serve --no-scheduler` turns them off; they also need SMTP settings
  /// in the environment: ``ArcadenceDelivery/SMTPSettings``), the webhook and the public URL
  /// for links.
  public var reports = ReportOptions()

  public init() {}

  /// Sets the session limits from `--idle-hours` (1 to 168) and `--session-max-hours` (1 to
  /// 2,160, at least the idle limit: a lifetime shorter than the idle limit would make the
  /// idle limit meaningless); either out of range is a usage error naming it.
  public mutating func setSessionLimits(idleHours: Int, maxHours: Int) throws {
    guard (1...168).contains(idleHours) else {
      throw ArcadenceError(.usage, "--idle-hours: expected 1 to 168 (value \(idleHours))")
    }
    guard (1...2_160).contains(maxHours) else {
      throw ArcadenceError(
        .usage, "--session-max-hours: expected 1 to 2,160 (value \(maxHours))")
    }
    guard maxHours >= idleHours else {
      throw ArcadenceError(
        .usage, "--session-max-hours: at least --idle-hours (\(idleHours)) (value \(maxHours))")
    }
    idleLimit = Int64(idleHours) * 3600
    maxLifetime = Int64(maxHours) * 3600
  }

  /// Sets ``jobs`` from `--jobs` (1 to 16; out of range is a usage error naming it).
  public mutating func setJobs(_ n: Int) throws {
    guard (1...16).contains(n) else {
      throw ArcadenceError(.usage, "--jobs: expected 1 to 16 (value \(n))")
    }
    jobs = n
  }

  /// Sets ``keepJobs`` from `--keep-jobs` (1 to 10,000; out of range is a usage error
  /// naming it).
  public mutating func setKeepJobs(_ n: Int) throws {
    guard (1...10_000).contains(n) else {
      throw ArcadenceError(.usage, "--keep-jobs: expected 1 to 10,000 (value \(n))")
    }
    keepJobs = n
  }

  /// Whether cookies are marked `Secure`: served over TLS, or `--secure-cookies` behind a
  /// TLS-terminating proxy.
  public var cookiesAreSecure: Bool { secureCookies || tlsCertificate != nil }

  /// The `Strict-Transport-Security` value when the browser reaches the server over HTTPS
  /// (served over TLS, or `--secure-cookies` behind a TLS-terminating proxy): browsers then
  /// refuse plain HTTP to this host for a year. Nil over plain HTTP, where a browser must
  /// ignore it anyway and where sending it would lock users out of a server without TLS.
  public var strictTransportSecurity: String? {
    cookiesAreSecure ? "max-age=31536000" : nil
  }

  /// The scheme the server answers on.
  public var scheme: String { tlsCertificate == nil ? "http" : "https" }
}

/// `arcadence serve`: the pages of spec/serve.md behind a login, one access check for all.
public final class ArcadenceServer: Sendable {
  public let accounts: Accounts
  public let ledger: LedgerSource
  public let sessions: SessionStore
  public let throttle: LoginThrottle
  public let options: ServeOptions
  /// The charts drawn on request, per store generation, period and scope.
  public let charts = ChartCache()
  /// The computed pages, per (page, period, scope, store generation).
  public let pages: PageCache
  /// Simulation jobs (issue 18): the store's scenarios and jobs and the runner.
  public let jobRunner: JobRunner
  /// The folder whose `*.yaml` files `/scenarios` lists.
  public let scenarioFolder: String
  /// The layout around page bodies, per title, navigation and user (``LayoutFrames``).
  let layouts = LayoutFrames()
  /// Recent query strings, decoded (``QueryStrings``).
  let queries = QueryStrings()
  let logger: Logger
  /// HTTP/1.1, over TLS when `--tls-cert`/`--tls-key` were given (checked in `init`).
  let serverBuilder: HTTPServerBuilder

  static let sessionCookie = "arcadence_session"
  static let loginCookie = "arcadence_login"

  /// The security headers of every response (serve.md): a CSP with no inline script or
  /// style and no other origin, no sniffing, no framing, no referrer to other sites.
  static let securityHeaders: [(HTTPField.Name, String)] = [
    (
      .contentSecurityPolicy,
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    (.xContentTypeOptions, "nosniff"),
    (.xFrameOptions, "DENY"),
    (.referrerPolicy, "same-origin"),
  ]

  public init(
    store: Store, options: ServeOptions = ServeOptions(), sessions: SessionStore? = nil,
    throttle: LoginThrottle = LoginThrottle(),
    logger: Logger = Logger(label: "arcadence.serve") { LogLineHandler(label: $0) },
    ledger: LedgerSource? = nil
  ) throws {
    // Every template parsed before anything else: a broken one stops the start, named.
    _ = try Templates.parsed.get()
    accounts = try Accounts(store: store)
    // The decoy hash an unknown login is checked against, made now rather than at the first
    // unknown login (which would take two bcrypts: a one-time timing signal).
    _ = Accounts.decoyHash
    self.ledger = ledger ?? LedgerSource(store: store)
    self.sessions =
      sessions ?? SessionStore(idleLimit: options.idleLimit, maxLifetime: options.maxLifetime)
    self.throttle = throttle
    self.options = options
    pages = PageCache()
    jobRunner = JobRunner(
      jobs: try JobStore(store: store), ledger: self.ledger, accounts: accounts,
      limit: options.jobs, keep: options.keepJobs)
    try jobRunner.recover()
    try jobRunner.prune()
    scenarioFolder = ArcadenceServer.scenarioFolder(store: store.path, option: options.scenarios)
    self.logger = logger
    switch (options.tlsCertificate, options.tlsKey) {
    case (nil, nil): serverBuilder = .http1()
    case (let certificate?, let key?):
      serverBuilder = try .tls(
        .http1(),
        tlsConfiguration: ServerTLS.configuration(certificate: certificate, key: key))
    case (nil, _?): throw ArcadenceError(.usage, "--tls-key needs --tls-cert")
    case (_?, nil): throw ArcadenceError(.usage, "--tls-cert needs --tls-key")
    }
  }

  // MARK: responses

  func page(
    _ status: HTTPResponse.Status, title: String, body: String, user: ServerUser? = nil,
    session: Session? = nil
  ) -> Response {
    let shown = session.flatMap { s in user.map { ($0, s) } }
    let key = LayoutFrames.Key(
      title: title, role: user?.role, repId: user?.repId, login: shown?.0.login,
      csrf: shown?.1.csrf)
    let buffer =
      layouts.frame(key) {
        ArcadenceServer.layout(title: title, body: $0, user: user, session: session)
      }?.page(body)
      ?? ByteBuffer(
        string: ArcadenceServer.layout(title: title, body: body, user: user, session: session))
    return Response(
      status: status, headers: [.contentType: "text/html; charset=utf-8"],
      body: .init(byteBuffer: buffer))
  }

  /// The layout template around `body`: the navigation of `user`'s role, and with a
  /// `session`, the user's login, role and the logout form's CSRF token.
  static func layout(title: String, body: String, user: ServerUser?, session: Session?)
    -> String
  {
    var nav: [Templates.NavLink] = []
    var shown: Templates.LayoutUser?
    if let user {
      nav = Templates.nav(role: user.role, repId: user.repId)
      if let session {
        shown = Templates.LayoutUser(
          login: user.login, role: user.role.rawValue, csrf: session.csrf)
      }
    }
    var context: [String: Any] = [
      "title": title, "body": body, "stylesheet": "/static/app.css",
      "nav": nav.map { ["href": $0.href, "label": $0.label] },
    ]
    if let shown {
      context["user"] = ["login": shown.login, "role": shown.role, "csrf": shown.csrf]
    }
    return Templates.render("layout", context)
  }

  func message(_ status: HTTPResponse.Status, _ heading: String, _ text: String) -> Response {
    page(
      status, title: heading,
      body: Templates.render("message", ["heading": heading, "text": text]))
  }

  static func redirect(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
  }

  func cookie(_ name: String, _ value: String, path: String, maxAge: Int?) -> Cookie {
    Cookie(
      name: name, value: value, maxAge: maxAge, path: path, secure: options.cookiesAreSecure,
      httpOnly: true, sameSite: .lax)
  }

  // MARK: router

  /// The router: `/healthz`, the stylesheet, login and logout, and every route of
  /// ``Routes/all`` behind ``authorised(_:_:_:)``.
  public func router() -> Router<ServerContext> {
    let router = Router(context: ServerContext.self)
    router.add(middleware: Guard(server: self))
    router.get("/healthz") { _, _ in "ok\n" }
    // A load balancer's health check may ask with HEAD: the same status, no body.
    router.head("/healthz") { _, _ in Response(status: .ok) }
    router.get("/static/app.css") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: PageTemplates.css)))
    }
    router.get("/login") { request, context in self.loginForm(request, message: nil, login: "") }
    router.post("/login") { request, context in try await self.login(request, context) }
    router.post("/logout") { request, context in try await self.logout(request, context) }
    for route in Routes.all {
      router.get(RouterPath(route.path)) { request, context in
        try await self.authorised(route, request, context)
      }
      if route.takesForms {
        router.post(RouterPath(route.path)) { request, context in
          try await self.authorised(route, request, context)
        }
      }
    }
    return router
  }

  /// The application on `options.host:port`.
  public func application() throws -> some ApplicationProtocol {
    Application(
      router: router(), server: serverBuilder,
      configuration: .init(
        address: .hostname(options.host, port: options.port), serverName: "arcadence"),
      services: try reportServices(), logger: logger)
  }

  // MARK: login

  func loginForm(_ request: Request, message: String?, login: String) -> Response {
    let token = request.cookies[ArcadenceServer.loginCookie]?.value ?? randomToken()
    var response = page(
      message == nil ? .ok : .unauthorized, title: "Log in",
      body: Templates.render(
        "login", ["csrf": token, "message": message ?? "", "login": login]))
    response.setCookie(cookie(ArcadenceServer.loginCookie, token, path: "/login", maxAge: 3600))
    return response
  }

  struct LoginForm: Decodable {
    var login: String?
    var password: String?
    var csrf: String?
  }

  static func form<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T? {
    let body = try await FormLimit.body(request, page: nil)
    return try? URLEncodedFormDecoder().decode(type, from: String(buffer: body))
  }

  /// POST /login: the form's CSRF token must match the login cookie; the throttle is
  /// asked before the password is checked; the answer is the same for an unknown login
  /// and a wrong password.
  func login(_ request: Request, _ context: ServerContext) async throws -> Response {
    let form = try await ArcadenceServer.form(LoginForm.self, request)
    let expected = request.cookies[ArcadenceServer.loginCookie]?.value
    guard let form, let token = form.csrf, let expected, !token.isEmpty,
      constantTimeEquals(token, expected)
    else {
      return message(
        .forbidden, "Forbidden",
        "The form expired or did not come from this site: reload the login page.")
    }
    let login = form.login ?? ""
    let password = form.password ?? ""
    // What the audit names: the login if it is a user's, never other typed text (a
    // password typed into the login box must not reach the log).
    let accounts = self.accounts
    let actor =
      ((try? Accounts.checkLogin(login)) != nil && (try? accounts.user(login)) != nil)
      ? login : "(unknown login)"
    switch await throttle.begin(login: login, address: context.address) {
    case .allowed: break
    case .refused(let report):
      if report {
        try? accounts.audit(actor: actor, action: "login.throttled", address: context.address)
      }
      return message(
        .tooManyRequests, "Too many attempts",
        "Too many failed logins: wait 15 minutes and try again.")
    }
    // bcrypt takes tens of milliseconds by design: on NIO's blocking pool, not on the
    // threads that serve the other requests.
    let found = try await NIOThreadPool.singleton.runIfActive {
      try accounts.authenticate(login: login, password: password)
    }
    guard let user = found else {
      // Counted as a failure by `begin` already.
      try accounts.audit(actor: actor, action: "login.failure", address: context.address)
      return loginForm(request, message: "Wrong login or password.", login: login)
    }
    await throttle.succeeded(login: login, address: context.address)
    // A new session id at every login, and the session this browser held before (if any,
    // whoever's) is ended: an id planted or seen before the login is worth nothing after it.
    if let old = request.cookies[ArcadenceServer.sessionCookie]?.value,
      let closed = await sessions.close(old)
    {
      context.login.set(closed.login)
    }
    let session = await sessions.open(
      login: user.login, credentials: user.credentialsVersion)
    try accounts.audit(actor: user.login, action: "login.success", address: context.address)
    var response = ArcadenceServer.redirect("/")
    response.setCookie(cookie(ArcadenceServer.sessionCookie, session.id, path: "/", maxAge: nil))
    // The login form's token has done its work.
    response.setCookie(cookie(ArcadenceServer.loginCookie, "", path: "/login", maxAge: 0))
    return response
  }

  struct LogoutForm: Decodable { var csrf: String? }

  /// POST /logout: with the session's CSRF token, ends the session on the server.
  func logout(_ request: Request, _ context: ServerContext) async throws -> Response {
    guard let id = request.cookies[ArcadenceServer.sessionCookie]?.value,
      let session = await sessions.touch(id)
    else { return ArcadenceServer.redirect("/login") }
    context.login.set(session.login)
    let form = try await ArcadenceServer.form(LogoutForm.self, request)
    guard let token = form?.csrf, constantTimeEquals(token, session.csrf) else {
      return message(.forbidden, "Forbidden", "The form did not come from this site.")
    }
    await sessions.close(id)
    try accounts.audit(actor: session.login, action: "logout", address: context.address)
    var response = ArcadenceServer.redirect("/login")
    response.setCookie(cookie(ArcadenceServer.sessionCookie, "", path: "/", maxAge: 0))
    return response
  }

  // MARK: the access check

  /// Every page behind the login: the session (else to the login page), the user (enabled,
  /// credentials unchanged since the login), for a POST the session's CSRF token, then
  /// ``Access/decide`` on the route and every id the URL names, then the page.
  func authorised(_ route: Route, _ request: Request, _ context: ServerContext) async throws
    -> Response
  {
    // long-function: the request pipeline in order: session, user, the one access check, the page,
    // the audit and log line; split, the order would be harder to see
    guard let id = request.cookies[ArcadenceServer.sessionCookie]?.value,
      let session = await sessions.touch(id)
    else { return ArcadenceServer.redirect("/login") }
    context.login.set(session.login)
    // The user's row is read on every request: a disable or a password change made since
    // the login (by `arcadence users` in another process, or on the users page) has raised
    // the credentials version, and the session ends here. The store's generation is read on
    // the same visit to a reader connection (two single-statement reads, no transaction).
    let (found, now) = try userAndGeneration(session.login)
    guard let user = found, user.disabledAt == nil,
      user.credentialsVersion == session.credentialsVersion
    else {
      await sessions.close(id)
      return ArcadenceServer.redirect("/login")
    }
    var form: FormFields?
    // An upload's CSRF token is checked by the upload's reader, before it writes a file.
    if request.method == .post, !route.takesUploads {
      let fields = try await FormFields.read(request, page: route.page)
      guard let fields, let token = fields.first("csrf"), constantTimeEquals(token, session.csrf)
      else {
        try refusedPost(
          route, fields, user: user, reason: "the form's CSRF token is missing or wrong",
          address: context.address)
        return message(
          .forbidden, "Forbidden", "The form did not come from this site: reload the page.")
      }
      form = fields
    }
    let snapshot: LedgerSource.Snapshot
    if let held = self.ledger.heldSnapshot(at: now) {
      snapshot = held
    } else {
      snapshot = try await self.ledger.snapshot(generation: now)
    }
    let generation = snapshot.generation
    // As a browser sends a GET form: `+` is a space, and an empty picker means "not given".
    guard
      let query = queries.parameters(
        request.uri.query ?? "",
        decode: { try? URLEncodedFormDecoder().decode([String: String].self, from: $0) })
    else {
      return message(.badRequest, "Bad request", "The query string could not be read.")
    }
    var ids: [(IdKind, String)] = []
    var pathId: String?
    if let kind = route.names {
      let raw = context.parameters.get(kind.rawValue) ?? ""
      pathId = raw.removingPercentEncoding ?? raw
      ids.append((kind, pathId ?? ""))
    }
    if let r = query["rep"] { ids.append((.rep, r)) }
    if let t = query["team"] { ids.append((.team, t)) }
    if let c = query["customer"] { ids.append((.customer, c)) }
    if let i = query["invoice"] { ids.append((.invoice, i)) }
    if let k = query["case"] { ids.append((.caseId, k)) }
    let visible: Visibility
    switch Access.decide(
      user: user, route: route, ids: ids, ledger: snapshot.ledger, owner: owner)
    {
    case .forbidden:
      if request.method == .post {
        try refusedPost(
          route, form, user: user, reason: "the \(user.role.rawValue) role may not use this page",
          address: context.address)
      }
      return page(
        .forbidden, title: "Forbidden",
        body: Templates.render(
          "message", ["heading": "Forbidden", "text": "Your role may not open this page."]),
        user: user, session: session)
    case .notFound:
      return page(
        .notFound, title: "Not found",
        body: Templates.render("message", ["heading": "Not found", "text": "No such page."]),
        user: user, session: session)
    case .allow(let v): visible = v
    }
    if route.page == .importPage {
      return try await importPage(request, user: user, session: session, address: context.address)
    }
    if route.page == .home {
      if user.role == .rep, let rep = user.repId {
        return ArcadenceServer.redirect(Routes.route(.worklist).url(id: rep))
      }
      return ArcadenceServer.redirect("/kpis")
    }
    if route.page == .chart {
      // An image, not a page: the chart cache keeps it per generation, period and scope.
      guard
        let svg = try await Pages.chartSVG(
          ledger: snapshot.ledger, generation: generation, cache: charts, visible: visible,
          query: query)
      else {
        return page(
          .notFound, title: "Not found",
          body: Templates.render("message", ["heading": "Not found", "text": "No such chart."]),
          user: user, session: session)
      }
      return svg
    }
    if route.page.isJobs {
      return try await jobsResponse(
        route.page,
        JobsRequest(
          user: user, session: session, form: form, address: context.address, pathId: pathId,
          query: query, ledger: snapshot.ledger, generation: generation))
    }
    let body: PageBody
    do {
      if route.page == .users {
        body = try await usersPage(
          user: user, session: session, form: form, address: context.address,
          ledger: snapshot.ledger)
      } else if route.page == .subscriptions {
        body = try subscriptionsPage(
          user: user, session: session, form: form, address: context.address,
          ledger: snapshot.ledger)
      } else if let generation, route.page.isComputedFromLedger {
        let key = PageCache.Key(
          page: route.page, pathId: pathId, query: query, role: user.role, visible: visible,
          generation: generation)
        // A kept page is taken under the cache's lock alone; the computation is only
        // assembled on a miss.
        if let kept = pages.cached(key) {
          body = kept
        } else {
          body = try await pages.page(
            key,
            compute: computation(
              route, pathId: pathId, query: query, user: user, visible: visible,
              snapshot: snapshot))
        }
      } else {
        body = try await computation(
          route, pathId: pathId, query: query, user: user, visible: visible, snapshot: snapshot)()
      }
    } catch let error as ArcadenceError where error.code == .usage {
      return page(
        .badRequest, title: "Bad request",
        body: Templates.render("message", ["heading": "Bad request", "text": error.message]),
        user: user, session: session)
    }
    switch body {
    case .html(let title, let html):
      return page(.ok, title: title, body: html, user: user, session: session)
    case .csv(let name, let text):
      try accounts.audit(
        actor: user.login, action: "csv.download", detail: request.uri.description,
        address: context.address)
      return Response(
        status: .ok,
        headers: [
          .contentType: "text/csv; charset=utf-8",
          // A name the pages built from safe parts is kept (with its `.csv`); any other
          // gets FileName's safe form.
          .contentDisposition:
            "attachment; filename=\"\(FileName.isFileName(name) ? name : FileName.safe(name))\"",
        ],
        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
  }

  /// The user named `login` and the store's generation, read on one visit to a reader
  /// connection (two single-statement reads: no transaction needed), on the calling thread:
  /// a synchronous function, so that GRDB's synchronous read is the one called (its async
  /// read would move to the reader's queue and back for two steps of cached statements).
  func userAndGeneration(_ login: String) throws -> (ServerUser?, Int64?) {
    try accounts.store.pool.unsafeRead { db in
      (try Accounts.user(login, in: db), try LedgerSource.generation(in: db))
    }
  }

  /// The computation of a page body from `snapshot` for `user`, who sees `visible`: what
  /// the page cache runs on a miss, and what a page that is not kept runs every time.
  func computation(
    _ route: Route, pathId: String?, query: [String: String], user: ServerUser,
    visible: Visibility, snapshot: LedgerSource.Snapshot
  ) -> @Sendable () async throws -> PageBody {
    { [self] in
      let ledger = snapshot.ledger
      switch route.page {
      case .home: throw HTTPError(.notFound)  // answered above
      case .kpis:
        return try Pages.kpis(ledger: ledger, visible: visible, user: user, query: query)
      case .scorecards:
        return try Pages.scorecards(ledger: ledger, visible: visible, user: user, query: query)
      case .scorecard:
        return try Pages.scorecard(
          ledger: ledger, repId: pathId ?? "", user: user, query: query)
      case .worklist:
        return Pages.worklist(
          list: try await self.ledger.worklist(of: snapshot), repId: pathId ?? "", query: query)
      case .audit:
        return try AuditPage.page(accounts: self.accounts, query: query)
      case .drill:
        return try Pages.drill(ledger: ledger, visible: visible, query: query)
      case .customer:
        return try Pages.customer(
          ledger: ledger, visible: visible, id: pathId ?? "", query: query)
      case .invoice:
        return try Pages.invoice(
          ledger: ledger, visible: visible, id: pathId ?? "", query: query)
      case .casePage:
        return try Pages.casePage(
          ledger: ledger, visible: visible, id: pathId ?? "", query: query)
      case .review:
        return try Pages.review(ledger: ledger, visible: visible, query: query)
      case .charts:
        return try await Pages.charts(
          ledger: ledger, generation: snapshot.generation, cache: self.charts, visible: visible,
          query: query)
      case .chart, .users, .importPage, .scenarios, .scenario, .jobs, .job, .jobStatus, .forecast,
        .accuracy, .subscriptions:
        throw HTTPError(.notFound)  // answered above
      }
    }
  }

  /// Audits a POST refused before it changed anything (a wrong CSRF token, a role that may
  /// not use the page): on /users as `user.ACTION.refused`
  /// (``refusedAction(_:)``), elsewhere as `form.refused`; the detail names the login the
  /// form was about, if any, and why it was refused.
  func refusedPost(
    _ route: Route, _ form: FormFields?, user: ServerUser, reason: String, address: String
  ) throws {
    let action =
      route.page == .users
      ? ArcadenceServer.refusedAction(form?.first("action") ?? "")
      : "form.refused"
    let about = form?.first("login").map { "\($0): " } ?? ""
    try accounts.audit(
      actor: user.login, action: action, detail: about + reason, address: address)
  }

  // MARK: running

  /// Runs the server until SIGINT or SIGTERM (graceful shutdown through
  /// swift-service-lifecycle), blocking the calling thread.
  public func runBlocking() throws {
    let app = try application()
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    Task {
      do { try await app.runService() } catch { outcome.set(error) }
      done.signal()
    }
    done.wait()
    if let error = outcome.error { throw error }
  }
}

/// The error a background task ended with.
final class Outcome: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Error?
  func set(_ e: Error) { lock.withLock { stored = e } }
  var error: Error? { lock.withLock { stored } }
}

/// Around every request: the security headers on every response (errors included), and
/// one structured log line (method, path, status, user, address, milliseconds). Never logs a
/// query string or a body, so no password or token reaches a log.
struct Guard: RouterMiddleware {
  typealias Context = ServerContext
  let server: ArcadenceServer

  func handle(
    _ request: Request, context: ServerContext,
    next: (Request, ServerContext) async throws -> Response
  ) async throws -> Response {
    let start = ContinuousClock.now
    // The client's address for everything after this point (throttle, audit, log line):
    // the socket's, or the forwarded one when the socket's is a trusted proxy.
    var context = context
    context.address = ClientAddress.resolve(
      peer: context.address, forwardedFor: request.headers[values: .xForwardedFor],
      trusted: server.options.trustedProxies)
    var response: Response
    do {
      response = try await next(request, context)
    } catch let error as FormLimit.TooLarge {
      response = server.message(.contentTooLarge, "Too large", error.message)
    } catch let error as HTTPResponseError where error.status == .notFound {
      response = server.message(.notFound, "Not found", "No such page.")
    } catch let error as HTTPResponseError {
      response = server.message(error.status, "Error", "The request could not be served.")
    } catch {
      server.logger.error("request failed", metadata: ["error": "\(error)"])
      response = server.message(
        .internalServerError, "Error", "Something went wrong; it has been logged.")
    }
    for (name, value) in ArcadenceServer.securityHeaders { response.headers[name] = value }
    if let hsts = server.options.strictTransportSecurity {
      response.headers[.strictTransportSecurity] = hsts
    }
    // Pages and CSVs behind the login are not kept by the browser or a proxy (the back
    // button after a logout on a shared machine); the stylesheet and /healthz may be.
    if !request.uri.path.hasPrefix("/static/"), request.uri.path != "/healthz" {
      response.headers[.cacheControl] = "no-store"
    }
    // Who asked: set by the handler that found the session (every page behind the login,
    // logout, a login that replaced a session); else the session the cookie names, if any
    // (the login form, the stylesheet).
    var login = context.login.login ?? "-"
    if context.login.login == nil, let id = request.cookies[ArcadenceServer.sessionCookie]?.value,
      let s = await server.sessions.peek(id)
    {
      login = s.login
    }
    let ms = (ContinuousClock.now - start).components
    server.logger.info(
      "request",
      metadata: [
        "method": "\(request.method)", "path": "\(request.uri.path)",
        "status": "\(response.status.code)", "user": "\(login)", "address": "\(context.address)",
        "ms": "\(ms.seconds * 1000 + ms.attoseconds / 1_000_000_000_000_000)",
      ])
    return response
  }
}
