import ArcadenceCore
import ArcadenceStore
import ArcadenceTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import HummingbirdTesting
import Logging
import Testing

@testable import ArcadenceServer

/// The review findings on sessions, TLS and user management (issue 17, second slice), one
/// test per finding, each named after it.

/// The session cookie a login answer sets, as a request header.
func sessionHeader(_ r: TestResponse) throws -> HTTPFields {
  let setCookie = r.headers[values: .setCookie].joined(separator: "\n")
  let id = try #require(setCookie.firstMatch(of: /arcadence_session=([0-9a-f]{32})/)?.1)
  return [.cookie: "\(ArcadenceServer.sessionCookie)=\(id)"]
}

/// The CSRF token on a page (the logout form's, or any form's).
func csrfToken(_ r: TestResponse) throws -> String {
  String(try #require(text(r).firstMatch(of: /name="csrf" value="([0-9a-f]{32})"/)?.1))
}

/// `arcadence users …` as the CLI runs it: another connection to the same store file, as
/// another process would open it.
func otherProcessAccounts(_ h: Harness) throws -> Accounts {
  try Accounts(store: Store(path: h.store.path, create: false))
}

@Suite struct PasswdAndDisableEndSessionsTests {
  /// Finding 1: a session made before `users passwd` is refused after it, though the change
  /// was made through another connection (the CLI's process) and the server's memory never
  /// heard of it; the new password then logs in.
  @Test func aSessionMadeBeforeThePasswordChangeIsRefusedAfterIt() async throws {
    let h = try Harness()
    try await h.test { client async throws in
      let login = try await SessionTests.logIn(client, login: "lead", password: Harness.password)
      let lead = try sessionHeader(login)
      #expect(try await client.execute(uri: "/kpis", method: .get, headers: lead).status == .ok)
      try otherProcessAccounts(h).setPassword(
        login: "lead", password: "a brand new password", actor: "cli:ops")
      let after = try await client.execute(uri: "/kpis", method: .get, headers: lead)
      #expect(after.status == .seeOther)
      #expect(after.headers[.location] == "/login")
      #expect(await h.server.sessions.count == 0)
      // The old password no longer works, the new one does, and its session is good.
      let old = try await SessionTests.logIn(client, login: "lead", password: Harness.password)
      #expect(old.status == .unauthorized)
      let fresh = try await SessionTests.logIn(
        client, login: "lead", password: "a brand new password")
      let again = try sessionHeader(fresh)
      #expect(try await client.execute(uri: "/kpis", method: .get, headers: again).status == .ok)
    }
    // Version 0 at creation, 1 after the one change.
    #expect(try h.server.accounts.user("lead")?.credentialsVersion == 1)
  }

  /// Finding 1, disable: `users disable` from another process ends a live session too.
  @Test func aSessionMadeBeforeADisableIsRefusedAfterIt() async throws {
    let h = try Harness()
    try await h.test { client async throws in
      let login = try await SessionTests.logIn(client, login: "mgr", password: Harness.password)
      let mgr = try sessionHeader(login)
      #expect(try await client.execute(uri: "/kpis", method: .get, headers: mgr).status == .ok)
      try otherProcessAccounts(h).disable(login: "mgr", actor: "cli:ops")
      let after = try await client.execute(uri: "/kpis", method: .get, headers: mgr)
      #expect(after.headers[.location] == "/login")
    }
    #expect(try h.server.accounts.user("mgr")?.credentialsVersion == 1)
  }
}

@Suite struct SessionLifetimeTests {
  /// Finding 2: a session kept busy (a request every 7 hours, never 8 h idle) still ends
  /// 7 days after it was opened: at 24 × 7 h = 168 h exactly it lives, one second later it
  /// is gone.
  @Test func aBusySessionEndsAtItsAbsoluteLifetime() async throws {
    let clock = TestClock()
    let store = SessionStore(clock: { clock.now })
    #expect(await store.maxLifetime == 7 * 24 * 3600)
    let s = await store.open(login: "lead")
    for _ in 0..<24 {
      clock.advance(7 * 3600)
      #expect(await store.touch(s.id) != nil)
    }
    clock.advance(1)
    #expect(await store.touch(s.id) == nil)
    #expect(await store.count == 0)
  }

  /// `--session-max-hours` reaches the store: 2 hours, a request each hour.
  @Test func theLifetimeComesFromTheOptions() async throws {
    var options = ServeOptions()
    options.maxLifetime = 2 * 3600
    let server = try ArcadenceServer(store: HandFixtureStore.make(), options: options)
    #expect(await server.sessions.maxLifetime == 7200)
    #expect(await server.sessions.idleLimit == 8 * 3600)
  }

  /// `--idle-hours` and `--session-max-hours`: 8 and 168 give 28,800 s and 604,800 s; out
  /// of range, or a lifetime shorter than the idle limit, is a usage error naming the option.
  @Test func sessionLimitOptions() throws {
    var o = ServeOptions()
    try o.setSessionLimits(idleHours: 8, maxHours: 168)
    #expect(o.idleLimit == 28_800 && o.maxLifetime == 604_800)
    func message(_ idle: Int, _ max: Int) -> String? {
      var o = ServeOptions()
      do {
        try o.setSessionLimits(idleHours: idle, maxHours: max)
        return nil
      } catch let e as ArcadenceError {
        return e.code == .usage ? e.message : "not usage: \(e)"
      } catch { return "\(error)" }
    }
    #expect(message(8, 4) == "--session-max-hours: at least --idle-hours (8) (value 4)")
    #expect(message(0, 168) == "--idle-hours: expected 1 to 168 (value 0)")
    #expect(message(8, 2_161) == "--session-max-hours: expected 1 to 2,160 (value 2161)")
    #expect(message(1, 1) == nil)
  }

  /// Expired sessions are dropped at the next login, not kept in memory for ever: two
  /// sessions left idle for 8 h + 1 s, then a login: one session remains.
  @Test func expiredSessionsAreDroppedAtTheNextLogin() async throws {
    let clock = TestClock()
    let store = SessionStore(clock: { clock.now })
    _ = await store.open(login: "a")
    _ = await store.open(login: "b")
    clock.advance(8 * 3600 + 1)
    _ = await store.open(login: "c")
    #expect(await store.count == 1)
  }
}

/// A store for tests that need no users.
enum HandFixtureStore {
  static func make() throws -> Store { try Harness().store }
}

@Suite struct CSRFCompareTests {
  /// Finding 3: the one compare for secrets answers as `==` does, without stopping at the
  /// first difference (its time depends on the lengths only; not timed here).
  @Test func theConstantTimeCompareAnswersAsEquality() {
    let token = "0123456789abcdef0123456789abcdef"
    #expect(constantTimeEquals(token, token))
    #expect(!constantTimeEquals(token, "1123456789abcdef0123456789abcdef"))  // first byte
    #expect(!constantTimeEquals(token, "0123456789abcdef0123456789abcdee"))  // last byte
    #expect(!constantTimeEquals(token, String(token.dropLast())))  // shorter
    #expect(!constantTimeEquals(token, token + "0"))  // longer
    #expect(!constantTimeEquals(token, ""))
    #expect(constantTimeEquals("", ""))
    // Bytes, not characters: "é" precomposed and decomposed are different secrets.
    #expect(!constantTimeEquals("\u{E9}", "e\u{301}"))
  }

  /// Finding 3, in use: a logout whose token differs from the session's in the last digit
  /// only is refused, and the session lives on.
  @Test func aTokenWrongInItsLastDigitIsRefused() async throws {
    let h = try Harness()
    let (lead, session) = await h.cookie("lead")
    try await h.test { client async throws in
      var headers = formHeaders
      headers[.cookie] = lead[.cookie]
      let last = session.csrf.last == "0" ? "1" : "0"
      let nearly = String(session.csrf.dropLast()) + last
      let r = try await client.execute(
        uri: "/logout", method: .post, headers: headers, body: formBody([("csrf", nearly)]))
      #expect(r.status == .forbidden)
      #expect(try await client.execute(uri: "/kpis", method: .get, headers: lead).status == .ok)
    }
  }
}

@Suite struct LoginRotatesTheSessionTests {
  /// Finding 4: logging in while logged in ends the old session and gives a new id; the
  /// login form's token is cleared too.
  @Test func loggingInAgainClosesTheOldSession() async throws {
    let h = try Harness()
    try await h.test { client async throws in
      let first = try sessionHeader(
        try await SessionTests.logIn(client, login: "lead", password: Harness.password))
      // The same browser logs in again (as someone else), sending its old cookie.
      let form = try await client.execute(uri: "/login", method: .get, headers: first)
      let token = try csrfToken(form)
      var headers = formHeaders
      headers[.cookie] = (first[.cookie] ?? "") + "; \(ArcadenceServer.loginCookie)=\(token)"
      let second = try await client.execute(
        uri: "/login", method: .post, headers: headers,
        body: formBody([("csrf", token), ("login", "analyst"), ("password", Harness.password)]))
      #expect(second.status == .seeOther)
      let cookies = second.headers[values: .setCookie]
      #expect(cookies.contains { $0.hasPrefix("\(ArcadenceServer.loginCookie)=;") })
      let fresh = try sessionHeader(second)
      #expect(fresh[.cookie] != first[.cookie])
      #expect(
        try await client.execute(uri: "/kpis", method: .get, headers: first).status == .seeOther)
      #expect(try await client.execute(uri: "/kpis", method: .get, headers: fresh).status == .ok)
    }
    #expect(await h.server.sessions.count == 1)
  }
}

@Suite struct HealthzHeadTests {
  /// Finding 5: `HEAD /healthz` answers 200 with no body, without a login.
  @Test func headHealthzAnswers200WithNoBody() async throws {
    let h = try Harness()
    try await h.test { client async throws in
      let head = try await client.execute(uri: "/healthz", method: .head)
      #expect(head.status == .ok)
      #expect(head.body.readableBytes == 0)
      let get = try await client.execute(uri: "/healthz", method: .get)
      #expect(text(get) == "ok\n")
    }
  }
}

@Suite struct TrustedProxyTests {
  /// Finding 6, the rule, worked by hand. Trusted: 10.0.0.1 and ::1.
  @Test func forwardedForIsReadOnlyFromATrustedProxy() throws {
    let trusted = try ClientAddress.trusted(["10.0.0.1", "0:0:0:0:0:0:0:1"])
    #expect(trusted == ["10.0.0.1", "::1"])
    // Not from a trusted proxy: the header is ignored, whatever it says.
    #expect(
      ClientAddress.resolve(peer: "192.0.2.5", forwardedFor: ["203.0.113.9"], trusted: trusted)
        == "192.0.2.5")
    // From the proxy: the client it names.
    #expect(
      ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["203.0.113.9"], trusted: trusted)
        == "203.0.113.9")
    // A client that sends its own X-Forwarded-For: the proxy appends the real address, and
    // the walk from the right stops there, at the first untrusted hop.
    #expect(
      ClientAddress.resolve(
        peer: "10.0.0.1", forwardedFor: ["1.1.1.1, 203.0.113.9"], trusted: trusted)
        == "203.0.113.9")
    // Two proxies in a row, both trusted, and two header lines.
    #expect(
      ClientAddress.resolve(
        peer: "::1", forwardedFor: ["203.0.113.9", " 10.0.0.1"], trusted: trusted)
        == "203.0.113.9")
    // Garbage stops the walk at the last good hop; no header: the proxy itself.
    #expect(
      ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: ["<script>"], trusted: trusted)
        == "10.0.0.1")
    #expect(
      ClientAddress.resolve(peer: "10.0.0.1", forwardedFor: [], trusted: trusted) == "10.0.0.1")
  }

  @Test func aTrustedProxyMustBeAnIPAddress() {
    #expect(throws: ArcadenceError.self) { try ClientAddress.trusted(["proxy.local"]) }
    do {
      _ = try ClientAddress.trusted(["10.0.0.0/8"])
    } catch let e as ArcadenceError {
      #expect(e.code == .usage)
      #expect(
        e.message
          == "--trusted-proxy: expected the proxy's IP address, such as 127.0.0.1 or ::1 "
          + "(value \"10.0.0.0/8\")")
    } catch { Issue.record("not an ArcadenceError: \(error)") }
  }

  /// Finding 6, over a real socket: a failed login with `X-Forwarded-For: 203.0.113.9` is
  /// audited from the socket's address without `--trusted-proxy`, from 203.0.113.9 with it.
  @Test func theAuditTakesTheForwardedAddressOnlyBehindATrustedProxy() async throws {
    for trusting in [false, true] {
      var options = ServeOptions()
      if trusting { options.trustedProxies = try ClientAddress.trusted(["127.0.0.1", "::1"]) }
      let h = try Harness(options: options)
      let app = Application(router: h.server.router())
      // TestClient with a long read timeout (the set-up's own gives up after 15 s, too
      // short for a loaded machine running the whole suite).
      try await app.test(.live) { framework async throws in
        let port = try #require(framework.port)
        try await TestClient.withClient(
          host: "localhost", port: port, configuration: .init(timeout: .seconds(300))
        ) { client in
          let form = try await client.get("/login")
          let page = form.body.map { String(buffer: $0) } ?? ""
          let token = try #require(page.firstMatch(of: /name="csrf" value="([0-9a-f]{32})"/)?.1)
          var headers = formHeaders
          headers[.cookie] = "\(ArcadenceServer.loginCookie)=\(token)"
          headers[.xForwardedFor] = "203.0.113.9"
          let r = try await client.post(
            "/login", headers: headers,
            body: formBody([
              ("csrf", String(token)), ("login", "lead"), ("password", "wrong password!"),
            ]))
          #expect(r.status == .unauthorized)
        }
      }
      let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
      #expect(row.action == "login.failure")
      if trusting {
        #expect(row.address == "203.0.113.9")
      } else {
        #expect(row.address == "127.0.0.1" || row.address == "::1")
      }
    }
  }
}

/// Whether `openssl` can be run (the TLS round trip makes a throwaway certificate with it).
let openSSLPath: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first {
  FileManager.default.isExecutableFile(atPath: $0)
}

/// A throwaway self-signed certificate and key (P-256, CN=localhost) in a fresh folder.
func selfSignedCertificate(_ openssl: String) throws -> (cert: String, key: String, dir: String) {
  let dir = NSTemporaryDirectory() + "arcadence-tls-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  let p = Process()
  p.executableURL = URL(fileURLWithPath: openssl)
  p.arguments = [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem", "-days", "2", "-subj",
    "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
  ]
  p.standardOutput = FileHandle.nullDevice
  p.standardError = FileHandle.nullDevice
  try p.run()
  p.waitUntilExit()
  #expect(p.terminationStatus == 0)
  return (dir + "/cert.pem", dir + "/key.pem", dir)
}

@Suite struct TLSTests {
  func usage(_ options: ServeOptions) throws -> String? {
    do {
      _ = try ArcadenceServer(store: HandFixtureStore.make(), options: options)
      return nil
    } catch let e as ArcadenceError {
      return e.code == .usage ? e.message : "not usage: \(e)"
    }
  }

  /// Finding 7, the configuration errors: each a usage error (exit 2) naming the option and
  /// the file, found when the server is made, not at the first connection.
  @Test func badOrMissingCertificateFilesAreUsageErrors() throws {
    let dir = NSTemporaryDirectory() + "arcadence-tls-bad-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let garbage = dir + "/garbage.pem"
    try "not a certificate\n".write(toFile: garbage, atomically: true, encoding: .utf8)
    var o = ServeOptions()
    o.tlsCertificate = dir + "/missing.pem"
    #expect(try usage(o) == "--tls-cert needs --tls-key")
    o.tlsKey = garbage
    #expect(
      try usage(o)
        == "--tls-cert: cannot read the certificate file \"\(dir)/missing.pem\": "
        + "No such file or directory")
    o.tlsCertificate = garbage
    let notPEM = try usage(o)
    #expect(
      notPEM
        == "--tls-cert: not a PEM certificate (-----BEGIN CERTIFICATE-----) "
        + "(file \"\(garbage)\")")
    o.tlsCertificate = nil
    #expect(try usage(o) == "--tls-key needs --tls-cert")
    o.tlsCertificate = dir
    #expect(try usage(o)?.hasPrefix("--tls-cert: cannot read the certificate file") == true)
  }

  /// A key that is not the certificate's, or is not a key, is refused at start.
  @Test(.enabled(if: openSSLPath != nil, "openssl is not installed: no certificate to test with"))
  func aKeyThatIsNotTheCertificatesIsRefused() throws {
    let openssl = try #require(openSSLPath)
    let a = try selfSignedCertificate(openssl)
    let b = try selfSignedCertificate(openssl)
    var o = ServeOptions()
    o.tlsCertificate = a.cert
    o.tlsKey = b.key
    let mismatch = try usage(o)
    #expect(
      mismatch
        == "--tls-key: the private key is not the certificate's (files \"\(b.key)\", "
        + "\"\(a.cert)\")")
    o.tlsKey = a.cert
    let notKey = try usage(o)
    #expect(notKey == "--tls-key: not an unencrypted PEM private key (file \"\(a.cert)\")")
    o.tlsKey = a.key
    #expect(try usage(o) == nil)
  }

  /// Finding 7, end to end: a server made with `--tls-cert`/`--tls-key` (a throwaway
  /// self-signed certificate) speaks HTTPS with that certificate (the client trusts it and
  /// nothing else, and checks the name), /healthz answers, a login works and its session
  /// cookie is `Secure` without `--secure-cookies`, and the session's page is served.
  ///
  /// The server runs under HummingbirdTesting's HTTPS set-up; the requests go through its
  /// `TestClient` with a 5-minute read timeout, because the set-up's own client gives up
  /// after 15 s, which a loaded machine running the whole suite exceeded once.
  @Test(.enabled(if: openSSLPath != nil, "openssl is not installed: no certificate to test with"))
  func httpsServesAndCookiesAreSecure() async throws {
    let openssl = try #require(openSSLPath)
    let pair = try selfSignedCertificate(openssl)
    var options = ServeOptions()
    options.tlsCertificate = pair.cert
    options.tlsKey = pair.key
    #expect(options.cookiesAreSecure && options.scheme == "https")
    let h = try Harness(options: options)
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(pair.cert))
    let configuration = TestClient.Configuration(
      tlsConfiguration: tls, timeout: .seconds(300), serverName: "localhost")
    try await h.server.application().test(.ahc(.https)) { framework async throws in
      let port = try #require(framework.port)
      try await TestClient.withClient(host: "localhost", port: port, configuration: configuration) {
        client in
        let health = try await client.get("/healthz")
        #expect(health.status == .ok)
        #expect(health.body.map { String(buffer: $0) } == "ok\n")
        // Over TLS, HSTS on every answer (issue 17's leftovers).
        #expect(health.headers[.strictTransportSecurity] == "max-age=31536000")
        let form = try await client.get("/login")
        let page = form.body.map { String(buffer: $0) } ?? ""
        let token = try #require(page.firstMatch(of: /name="csrf" value="([0-9a-f]{32})"/)?.1)
        #expect(form.headers[values: .setCookie].first?.contains("; Secure") == true)
        var headers = formHeaders
        headers[.cookie] = "\(ArcadenceServer.loginCookie)=\(token)"
        let login = try await client.post(
          "/login", headers: headers,
          body: formBody([
            ("csrf", String(token)), ("login", "lead"), ("password", Harness.password),
          ]))
        #expect(login.status == .seeOther)
        let session = login.headers[values: .setCookie].first {
          $0.hasPrefix("arcadence_session=")
        }
        #expect(session?.contains("; Secure") == true)
        let id = try #require(session?.firstMatch(of: /arcadence_session=([0-9a-f]{32})/)?.1)
        let kpis = try await client.get(
          "/kpis?month=2026-03", headers: [.cookie: "\(ArcadenceServer.sessionCookie)=\(id)"])
        #expect(kpis.status == .ok)
        #expect(
          kpis.body.map { String(buffer: $0) }?.contains(
            "<td>Cash collected</td><td class=\"num\">$1,075.00</td>") == true)
      }
    }
  }
}

@Suite struct CredentialsVersionMigrationTests {
  /// A store whose users were added by the first slice (the v1 tables only) gains the
  /// credentials version at 0 for everyone when the server or a `users` command opens it;
  /// the first password change makes it 1, and the new password logs in.
  @Test func aFirstSliceStoreGainsTheVersionAtZero() throws {
    let store = try HandFixture.store()
    try Accounts.migrator.migrate(store.pool, upTo: "serve v1: users and audit")
    try store.pool.write {
      try $0.execute(
        sql: """
          INSERT INTO users (login, role, rep_id, password_hash, created_at)
          VALUES ('old', 'leadership', NULL, 'not a hash', 1800000000)
          """)
    }
    let accounts = try Accounts(store: store)
    #expect(try accounts.user("old")?.credentialsVersion == 0)
    try accounts.setPassword(login: "old", password: "another good password", actor: "t")
    #expect(try accounts.user("old")?.credentialsVersion == 1)
    #expect(try accounts.authenticate(login: "old", password: "another good password") != nil)
  }
}
