import ArcadenceCore
import ArcadenceReports
import ArcadenceStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArcadenceServer

/// The leftovers of issue 17, one suite per item, each named after it.

/// A broken template is an error at the start (serve exits 1 naming it), never a page
/// rendered as "" later.
@Suite struct BrokenTemplateStopsTheStartTests {
  @Test func aTemplateThatDoesNotParseIsAnErrorNamingIt() throws {
    // A section closed under another name, on the source's third line.
    let broken = ["zz-broken": "<h1>{{title}}</h1>\n<p>\n{{#rows}}x{{/cols}}</p>"]
    do {
      _ = try PageTemplates.library(adding: Templates.own.merging(broken) { a, _ in a })
      Issue.record("a broken template was accepted")
    } catch let error as ArcadenceError {
      #expect(
        error.message == "template \"zz-broken\" does not parse: line 3: sectionCloseNameIncorrect"
      )
      // `arcadence serve` prints the message and exits 1 (not a usage error: nothing the
      // person typed is wrong).
      #expect(error.exitStatus == 1)
    }
  }

  @Test func theServersOwnTemplatesAllParseAndTheServerStarts() throws {
    let library = try Templates.parsed.get()
    for name in Templates.own.keys.sorted() + ["layout", "kpiTable"] {
      #expect(library.getTemplate(named: name) != nil, "\(name)")
    }
    // The server's start asks for the same result: with every template parsed, it starts.
    _ = try Harness()
    try PageTemplates.check()
  }
}

/// `Strict-Transport-Security: max-age=31536000` on every answer when the browser reaches the
/// server over HTTPS (TLS here, or `--secure-cookies` behind a proxy), never over plain HTTP.
@Suite struct StrictTransportSecurityTests {
  static func headers(_ options: ServeOptions) async throws -> [String?] {
    let h = try Harness(options: options)
    let (lead, _) = await h.cookie("lead")
    return try await h.test { client async throws in
      var out: [String?] = []
      for uri in ["/healthz", "/login", "/kpis?month=2026-03", "/no-such-page"] {
        let r = try await client.execute(uri: uri, method: .get, headers: lead)
        out.append(r.headers[.strictTransportSecurity])
      }
      return out
    }
  }

  @Test func hstsBehindATLSProxyWithSecureCookies() async throws {
    var options = ServeOptions()
    options.secureCookies = true
    #expect(try await Self.headers(options) == Array(repeating: "max-age=31536000", count: 4))
  }

  @Test func noHSTSOverPlainHTTP() async throws {
    #expect(try await Self.headers(ServeOptions()) == [nil, nil, nil, nil])
  }

  @Test func hstsWhenServedOverTLS() {
    var options = ServeOptions()
    options.tlsCertificate = "cert.pem"
    options.tlsKey = "key.pem"
    #expect(options.strictTransportSecurity == "max-age=31536000")
    #expect(ServeOptions().strictTransportSecurity == nil)
  }
}

/// `arcadence users enable LOGIN` and the users page's Enable button: a disabled user may log
/// in again; sessions from before the disable stay ended; audited as `user.enable`.
@Suite struct UsersEnableTests {
  @Test func enableFromAnotherProcessLetsTheUserLogInAgain() async throws {
    let h = try Harness()
    let (rep, _) = await h.cookie("rep1")
    let cli = try otherProcessAccounts(h)
    try cli.disable(login: "rep1", actor: "cli:ops")
    #expect(try h.server.accounts.authenticate(login: "rep1", password: Harness.password) == nil)
    try cli.enable(login: "rep1", actor: "cli:ops")
    let back = try h.server.accounts.authenticate(login: "rep1", password: Harness.password)
    #expect(back?.login == "rep1" && back?.disabledAt == nil)
    // The disable raised the credentials version (0 → 1); enabling leaves it there, so the
    // session opened before the disable stays ended.
    #expect(back?.credentialsVersion == 1)
    try await h.test { client async throws in
      let r = try await client.execute(uri: "/scorecard/R1", method: .get, headers: rep)
      #expect(r.status == .seeOther && r.headers[.location] == "/login")
    }
    let rows = try h.server.accounts.auditLog(limit: 2).map {
      "\($0.actor) \($0.action) \($0.detail)"
    }
    #expect(rows == ["cli:ops user.disable rep1", "cli:ops user.enable rep1"])
    // An enabled user (or no user) is not a disabled user: a usage error naming LOGIN.
    do {
      try cli.enable(login: "rep1", actor: "cli:ops")
      Issue.record("enabled an enabled user")
    } catch let error as ArcadenceError {
      #expect(error.code == .usage)
      #expect(error.message == "LOGIN: no disabled user with this login (value \"rep1\")")
    }
  }

  @Test func theUsersPagesEnableButton() async throws {
    let h = try Harness()
    let admin = await h.cookie("admin")
    try h.server.accounts.disable(login: "mgr", actor: "test")
    try await h.test { client async throws in
      let page = text(try await client.execute(uri: "/users", method: .get, headers: admin.0))
      // One Enable form, for mgr, carrying the session's token.
      #expect(page.matches(of: /value="enable"/).count == 1)
      #expect(
        page.contains(
          "<input type=\"hidden\" name=\"csrf\" value=\"\(admin.1.csrf)\"/><input type=\"hidden\" "
            + "name=\"action\" value=\"enable\"/><input type=\"hidden\" name=\"login\" value=\"mgr\"/>"
        ))
      let r = try await UsersPageTests.post(
        client, admin, [("action", "enable"), ("login", "mgr")])
      #expect(r.status == .ok)
      #expect(text(r).contains("Enabled mgr; they may log in again."))
      #expect(!text(r).contains("value=\"enable\""))
    }
    #expect(try h.server.accounts.user("mgr")?.disabledAt == nil)
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(
      [row.actor, row.action, row.detail, row.address] == ["admin", "user.enable", "mgr", "local"])
  }
}

/// A refused change on the users page is in the audit log as refused: who tried what, on
/// whom, and why.
@Suite struct RefusedAdminChangesAreAuditedTests {
  @Test func refusedChangesAppearInTheAuditLog() async throws {
    let h = try Harness()
    let admin = await h.cookie("admin")
    let (lead, leadSession) = await h.cookie("lead")
    try await h.test { client async throws in
      // The only admin disabling themselves.
      let own = try await UsersPageTests.post(
        client, admin, [("action", "disable"), ("login", "admin")])
      #expect(own.status == .badRequest)
      // An unknown role.
      let role = try await UsersPageTests.post(
        client, admin, [("action", "role"), ("login", "mgr"), ("role", "boss")])
      #expect(role.status == .badRequest)
      // A wrong CSRF token (another session's).
      var headers = formHeaders
      headers[.cookie] = admin.0[.cookie]
      let csrf = try await client.execute(
        uri: "/users", method: .post, headers: headers,
        body: formBody([("csrf", leadSession.csrf), ("action", "disable"), ("login", "lead")]))
      #expect(csrf.status == .forbidden)
      // A role that may not use the page, with its own valid token.
      headers[.cookie] = lead[.cookie]
      let forbidden = try await client.execute(
        uri: "/users", method: .post, headers: headers,
        body: formBody([("csrf", leadSession.csrf), ("action", "add"), ("login", "x")]))
      #expect(forbidden.status == .forbidden)
    }
    let rows = try h.server.accounts.auditLog(limit: 4).map {
      [$0.actor, $0.action, $0.detail, $0.address]
    }
    #expect(
      rows == [
        [
          "admin", "user.disable.refused",
          "admin: login: the only enabled admin cannot be disabled or lose the admin role; add "
            + "another admin first (value \"admin\")",
          "local",
        ],
        [
          "admin", "user.role.refused",
          "mgr: role: expected one of rep, manager, leadership, analyst, admin (value \"boss\")",
          "local",
        ],
        [
          "admin", "user.disable.refused", "lead: the form's CSRF token is missing or wrong",
          "local",
        ],
        ["lead", "user.add.refused", "x: the leadership role may not use this page", "local"],
      ])
    // Nothing was changed.
    #expect(try h.server.accounts.user("admin")?.disabledAt == nil)
    #expect(try h.server.accounts.user("lead")?.disabledAt == nil)
    #expect(try h.server.accounts.user("mgr")?.role == .manager)
  }

  @Test func anUnknownActionIsAuditedUnderAFixedName() {
    #expect(ArcadenceServer.refusedAction("disable") == "user.disable.refused")
    #expect(ArcadenceServer.refusedAction("<script>") == "user.change.refused")
    #expect(ArcadenceServer.refusedAction("") == "user.change.refused")
  }
}

/// `--trusted-proxy` with IPv4-mapped IPv6 addresses: `::ffff:10.0.0.1` is `10.0.0.1`, as the
/// option, as the socket's peer (a dual-stack socket) and in `X-Forwarded-For`.
@Suite struct IPv4MappedTrustedProxyTests {
  @Test func mappedAndPlainIPv4AreTheSameAddress() throws {
    #expect(ClientAddress.canonical("::ffff:10.0.0.1") == "10.0.0.1")
    #expect(ClientAddress.canonical("::FFFF:10.0.0.1") == "10.0.0.1")
    #expect(ClientAddress.canonical("0:0:0:0:0:ffff:a00:1") == "10.0.0.1")
    // Not mapped: left as IPv6 (::10.0.0.1 is the deprecated IPv4-compatible form,
    // 64:ff9b::/96 a NAT64 prefix).
    #expect(ClientAddress.canonical("::ffff:0:10.0.0.1") != "10.0.0.1")
    #expect(ClientAddress.canonical("64:ff9b::10.0.0.1") == "64:ff9b::a00:1")
    // The option in either form trusts the proxy whichever form the socket reports.
    let mapped = try ClientAddress.trusted(["::ffff:10.0.0.1"])
    let plain = try ClientAddress.trusted(["10.0.0.1"])
    #expect(mapped == ["10.0.0.1"] && plain == ["10.0.0.1"])
    for trusted in [mapped, plain] {
      for peer in ["10.0.0.1", "::ffff:10.0.0.1"] {
        #expect(
          ClientAddress.resolve(
            peer: peer, forwardedFor: ["::ffff:203.0.113.9"], trusted: trusted)
            == "203.0.113.9")
      }
    }
    // An untrusted mapped peer is its IPv4 address (the throttle and the audit see one
    // address, not two).
    #expect(
      ClientAddress.resolve(peer: "::ffff:192.0.2.5", forwardedFor: ["1.1.1.1"], trusted: plain)
        == "192.0.2.5")
  }
}
