import ArcadenceCore
import ArcadenceStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// The request context: Hummingbird's core storage and the peer's address.
public struct ServerContext: RequestContext {
  public var coreContext: CoreRequestContextStorage
  /// The client's IP address (`local` when there is none, as in router tests).
  public let address: String

  public init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    address = source.channel.remoteAddress?.ipAddress ?? "local"
  }
}

extension HTTPField.Name {
  /// `X-Frame-Options` (not among HTTPTypes' names).
  static let xFrameOptions = HTTPField.Name("X-Frame-Options") ?? .xContentTypeOptions
  /// `Referrer-Policy`.
  static let referrerPolicy = HTTPField.Name("Referrer-Policy") ?? .xContentTypeOptions
}

/// Options of `arcadence serve`.
public struct ServeOptions: Sendable {
  public var host = "127.0.0.1"
  public var port = 8080
  /// `Secure` on the session cookie (behind a TLS-terminating proxy).
  public var secureCookies = false
  /// Idle expiry of a session, seconds.
  public var idleLimit: Int64 = 8 * 3600

  public init() {}
}

/// `arcadence serve`: the pages of spec/serve.md behind a login, one access check for all.
public final class ArcadenceServer: Sendable {
  public let accounts: Accounts
  public let ledger: LedgerSource
  public let sessions: SessionStore
  public let throttle: LoginThrottle
  public let options: ServeOptions
  /// The computed pages, per (page, period, scope, store generation).
  public let pages: PageCache
  let logger: Logger

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
    throttle: LoginThrottle = LoginThrottle(), logger: Logger = Logger(label: "arcadence.serve")
  ) throws {
    accounts = try Accounts(store: store)
    // The decoy hash an unknown login is checked against, made now rather than at the first
    // unknown login (which would take two bcrypts: a one-time timing signal).
    _ = Accounts.decoyHash
    ledger = LedgerSource(store: store)
    self.sessions = sessions ?? SessionStore(idleLimit: options.idleLimit)
    self.throttle = throttle
    self.options = options
    pages = PageCache()
    self.logger = logger
  }

  // MARK: responses

  func page(
    _ status: HTTPResponse.Status, title: String, body: String, user: ServerUser? = nil,
    session: Session? = nil
  ) -> Response {
    var nav: [[String: String]] = []
    if let user {
      for route in Routes.all where route.roles.contains(user.role) && route.names == nil {
        nav.append(["href": route.path, "label": route.page.rawValue])
      }
      if let rep = user.repId {
        nav.append(["href": Routes.route(.scorecard).url(id: rep), "label": "scorecard"])
      }
    }
    var context: [String: Any] = ["title": title, "body": body, "nav": nav]
    if let user, let session {
      context["user"] = ["login": user.login, "role": user.role.rawValue, "csrf": session.csrf]
    }
    let html = Templates.render("layout", context)
    return Response(
      status: status, headers: [.contentType: "text/html; charset=utf-8"],
      body: .init(byteBuffer: ByteBuffer(string: html)))
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
      name: name, value: value, maxAge: maxAge, path: path, secure: options.secureCookies,
      httpOnly: true, sameSite: .lax)
  }

  // MARK: router

  /// The router: `/healthz`, the stylesheet, login and logout, and every route of
  /// ``Routes/all`` behind ``authorised(_:_:_:)``.
  public func router() -> Router<ServerContext> {
    let router = Router(context: ServerContext.self)
    router.add(middleware: Guard(server: self))
    router.get("/healthz") { _, _ in "ok\n" }
    router.get("/static/app.css") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: Templates.css)))
    }
    router.get("/login") { request, context in self.loginForm(request, message: nil, login: "") }
    router.post("/login") { request, context in try await self.login(request, context) }
    router.post("/logout") { request, context in try await self.logout(request, context) }
    for route in Routes.all {
      router.get(RouterPath(route.path)) { request, context in
        try await self.authorised(route, request, context)
      }
    }
    return router
  }

  /// The application on `options.host:port`.
  public func application() -> some ApplicationProtocol {
    Application(
      router: router(),
      configuration: .init(
        address: .hostname(options.host, port: options.port), serverName: "arcadence"),
      logger: logger)
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
    var request = request
    let body = try await request.collectBody(upTo: 16 * 1024)
    return try? URLEncodedFormDecoder().decode(type, from: String(buffer: body))
  }

  /// POST /login: the form's CSRF token must match the login cookie; the throttle is
  /// asked before the password is checked; the answer is the same for an unknown login
  /// and a wrong password.
  func login(_ request: Request, _ context: ServerContext) async throws -> Response {
    let form = try await ArcadenceServer.form(LoginForm.self, request)
    let expected = request.cookies[ArcadenceServer.loginCookie]?.value
    guard let form, let token = form.csrf, let expected, !token.isEmpty, token == expected else {
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
    let session = await sessions.open(login: user.login)
    try accounts.audit(actor: user.login, action: "login.success", address: context.address)
    var response = ArcadenceServer.redirect("/")
    response.setCookie(cookie(ArcadenceServer.sessionCookie, session.id, path: "/", maxAge: nil))
    return response
  }

  struct LogoutForm: Decodable { var csrf: String? }

  /// POST /logout: with the session's CSRF token, ends the session on the server.
  func logout(_ request: Request, _ context: ServerContext) async throws -> Response {
    guard let id = request.cookies[ArcadenceServer.sessionCookie]?.value,
      let session = await sessions.touch(id)
    else { return ArcadenceServer.redirect("/login") }
    let form = try await ArcadenceServer.form(LogoutForm.self, request)
    guard let token = form?.csrf, token == session.csrf else {
      return message(.forbidden, "Forbidden", "The form did not come from this site.")
    }
    await sessions.close(id)
    try accounts.audit(actor: session.login, action: "logout", address: context.address)
    var response = ArcadenceServer.redirect("/login")
    response.setCookie(cookie(ArcadenceServer.sessionCookie, "", path: "/", maxAge: 0))
    return response
  }

  // MARK: the access check

  /// Every page behind the login: the session (else to the login page), the user (enabled),
  /// then ``Access/decide`` on the route and every id the URL names, then the page.
  func authorised(_ route: Route, _ request: Request, _ context: ServerContext) async throws
    -> Response
  {
    // long-function: the request pipeline in order: session, user, the one access check, the page,
    // the audit and log line; split, the order would be harder to see
    guard let id = request.cookies[ArcadenceServer.sessionCookie]?.value,
      let session = await sessions.touch(id)
    else { return ArcadenceServer.redirect("/login") }
    guard let user = try accounts.user(session.login), user.disabledAt == nil else {
      await sessions.close(id)
      return ArcadenceServer.redirect("/login")
    }
    let (ledger, generation) = try await self.ledger.snapshot()
    // As a browser sends a GET form: `+` is a space, and an empty picker means "not given".
    guard
      let decoded = try? URLEncodedFormDecoder().decode(
        [String: String].self, from: request.uri.query ?? "")
    else {
      return message(.badRequest, "Bad request", "The query string could not be read.")
    }
    let query = decoded.filter { !$0.value.isEmpty }
    var ids: [(IdKind, String)] = []
    var pathId: String?
    if let kind = route.names {
      let raw = context.parameters.get(kind.rawValue) ?? ""
      pathId = raw.removingPercentEncoding ?? raw
      ids.append((kind, pathId ?? ""))
    }
    if let r = query["rep"] { ids.append((.rep, r)) }
    if let t = query["team"] { ids.append((.team, t)) }
    let visible: Visibility
    switch Access.decide(user: user, route: route, ids: ids, ledger: ledger) {
    case .forbidden:
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
    if route.page == .home {
      if user.role == .rep, let rep = user.repId {
        return ArcadenceServer.redirect(Routes.route(.worklist).url(id: rep))
      }
      return ArcadenceServer.redirect("/kpis")
    }
    let body: PageBody
    do {
      let compute: @Sendable () async throws -> PageBody = { [pathId] in
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
            list: try await self.ledger.currentWorklist(), repId: pathId ?? "", query: query)
        case .audit:
          return Pages.audit(entries: try self.accounts.auditLog(limit: 1000), query: query)
        }
      }
      if let generation, route.page.isComputedFromLedger {
        let key = PageCache.Key(
          page: route.page, pathId: pathId, query: query, role: user.role, visible: visible,
          generation: generation)
        body = try await pages.page(key, compute: compute)
      } else {
        body = try await compute()
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
          // The pages build names from safe ids; FileName.safe is for an id (it would hash
          // the whole `kpis-….csv`, dropping the extension).
          .contentDisposition:
            "attachment; filename=\"\(FileName.isFileName(name) ? name : FileName.safe(name))\"",
        ],
        body: .init(byteBuffer: ByteBuffer(string: text)))
    }
  }

  // MARK: running

  /// Runs the server until SIGINT or SIGTERM (graceful shutdown through
  /// swift-service-lifecycle), blocking the calling thread.
  public func runBlocking() throws {
    let app = application()
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
    // Who asked, read before the handler runs (a logout ends the session it names).
    var login = "-"
    if let id = request.cookies[ArcadenceServer.sessionCookie]?.value,
      let s = await server.sessions.peek(id)
    {
      login = s.login
    }
    var response: Response
    do {
      response = try await next(request, context)
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
    // Pages and CSVs behind the login are not kept by the browser or a proxy (the back
    // button after a logout on a shared machine); the stylesheet and /healthz may be.
    if !request.uri.path.hasPrefix("/static/"), request.uri.path != "/healthz" {
      response.headers[.cacheControl] = "no-store"
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
