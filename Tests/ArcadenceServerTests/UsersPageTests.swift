import ArcadenceCore
import ArcadenceStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import ArcadenceServer

/// Finding 8: the admin's users page.
@Suite struct UsersPageTests {
  /// POSTs `fields` to /users with the session's CSRF token.
  static func post(
    _ client: any TestClientProtocol, _ session: (HTTPFields, Session), _ fields: [(String, String)]
  ) async throws -> TestResponse {
    var headers = formHeaders
    headers[.cookie] = session.0[.cookie]
    return try await client.execute(
      uri: "/users", method: .post, headers: headers,
      body: formBody([("csrf", session.1.csrf)] + fields))
  }

  static func shownPassword(_ r: TestResponse) -> String? {
    text(r).firstMatch(of: /<code class="password">([A-Za-z0-9]{20})<\/code>/).map { String($0.1) }
  }

  /// The page lists every user with role and scope, and every form carries the token.
  @Test func theAdminSeesEveryUserAndEveryFormCarriesTheToken() async throws {
    let h = try Harness()
    let (admin, session) = await h.cookie("admin")
    try await h.test { client async throws in
      let r = try await client.execute(uri: "/users", method: .get, headers: admin)
      #expect(r.status == .ok)
      let page = text(r)
      #expect(page.contains("<td>mgr</td><td>manager</td><td>A</td>"))
      #expect(page.contains("<td>rep1</td><td>rep</td><td>R1</td>"))
      #expect(page.contains("<td>lead</td><td>leadership</td><td>everyone</td>"))
      // 5 users × 3 forms + the add form + the layout's logout form, each with the
      // session's token.
      let forms = page.matches(of: /method="post"/).count
      let tokens = page.components(separatedBy: "name=\"csrf\" value=\"\(session.csrf)\"").count - 1
      #expect(forms == 17)
      #expect(tokens == 17)
      // The nav links the page for an admin only.
      #expect(page.contains("<a href=\"/users\">users</a>"))
      // R2's hostile name in the rep pickers is escaped.
      #expect(!page.contains("<script") && !page.contains("\u{202E}"))
    }
    let (lead, _) = await h.cookie("lead")
    try await h.test { client async throws in
      let r = try await client.execute(uri: "/kpis", method: .get, headers: lead)
      #expect(!text(r).contains("href=\"/users\""))
    }
  }

  /// Adding a rep from the browser: the password is generated, shown once on the answer to
  /// the POST (not in a Location, not in the audit, not in a log line), and works; the audit
  /// says who, what and from where.
  @Test func anAdminAddsARepAndSeesThePasswordOnce() async throws {
    let sink = LogLines()
    let h = try Harness(logger: Logger(label: "test") { _ in CollectingHandler(sink: sink) })
    let admin = await h.cookie("admin")
    let password = try await h.test { client async throws in
      let r = try await Self.post(
        client, admin, [("action", "add"), ("login", "rita"), ("role", "rep"), ("rep", "R3")])
      #expect(r.status == .ok)
      #expect(r.headers[.location] == nil)
      #expect(r.headers[.cacheControl] == "no-store")
      #expect(text(r).contains("Added rita (rep R3)."))
      #expect(text(r).contains("<td>rita</td><td>rep</td><td>R3</td>"))
      let password = try #require(Self.shownPassword(r))
      // The list again: the password is not shown a second time.
      let again = try await client.execute(uri: "/users", method: .get, headers: admin.0)
      #expect(!text(again).contains(password))
      return password
    }
    #expect(try h.server.accounts.authenticate(login: "rita", password: password)?.repId == "R3")
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(row.actor == "admin")
    #expect(row.action == "user.add")
    #expect(row.detail == "rita rep R3")
    #expect(row.address == "local")
    let everything = sink.all.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
    #expect(!everything.contains(password))
    #expect(try !h.server.accounts.auditLog(limit: 100).contains { $0.detail.contains(password) })
  }

  /// The binding is checked by the same rule as `users add` (Accounts.checkBinding), with the
  /// form's field names in place of the options: each refusal a 400 naming field and value,
  /// and nothing added.
  @Test func badBindingsAreRefusedByTheCLIsRuleNamingTheFormsFields() async throws {
    let h = try Harness()
    let admin = await h.cookie("admin")
    try await h.test { client async throws in
      let cases: [([(String, String)], String)] = [
        (
          [("role", "rep"), ("rep", "R9")],
          "rep: no rep with this id in the store (value &quot;R9&quot;)"
        ),
        ([("role", "rep")], "role rep needs rep REP_ID (the rep this user is)"),
        (
          [("role", "manager"), ("team", "Z")],
          "team: no rep in the store has this team (value &quot;Z&quot;; teams: A)"
        ),
        ([("role", "analyst"), ("rep", "R1")], "rep: only for role rep"),
        ([("role", "boss")], "role: expected one of rep, manager, leadership, analyst, admin"),
      ]
      for (fields, expected) in cases {
        let r = try await Self.post(
          client, admin, [("action", "add"), ("login", "newbie")] + fields)
        #expect(r.status == .badRequest, "\(fields)")
        #expect(text(r).contains(expected), "\(fields)")
      }
      let taken = try await Self.post(
        client, admin, [("action", "add"), ("login", "mgr"), ("role", "admin")])
      #expect(text(taken).contains("login: a user with this login exists (value &quot;mgr&quot;)"))
    }
    #expect(try h.server.accounts.list().count == 5)
  }

  /// A manager of two teams: `team` sent twice, as a `<select multiple>` sends it (R4, who
  /// has no team in the fixture, is put in team B first).
  @Test func aManagerOfTwoTeamsFromAMultipleSelect() async throws {
    let h = try Harness()
    try await h.store.pool.write {
      try $0.execute(sql: "UPDATE reps SET team = 'B' WHERE rep_id = 'R4'")
    }
    let admin = await h.cookie("admin")
    try await h.test { client async throws in
      let r = try await Self.post(
        client, admin,
        [("action", "add"), ("login", "mona"), ("role", "manager"), ("team", "A"), ("team", "B")])
      #expect(text(r).contains("Added mona (manager A, B)."))
    }
    #expect(try h.server.accounts.user("mona")?.teams == ["A", "B"])
  }

  /// Resetting a password: shown once, the old one fails, and the user's open session ends.
  @Test func resettingAPasswordShowsItOnceAndEndsTheirSessions() async throws {
    let h = try Harness()
    let admin = await h.cookie("admin")
    try await h.test { client async throws in
      let login = try await SessionTests.logIn(client, login: "rep1", password: Harness.password)
      let rep = try sessionHeader(login)
      #expect(
        try await client.execute(uri: "/worklist/R1", method: .get, headers: rep).status == .ok)
      let r = try await Self.post(client, admin, [("action", "passwd"), ("login", "rep1")])
      #expect(r.status == .ok)
      #expect(text(r).contains("New password for rep1; their open sessions have ended."))
      let password = try #require(Self.shownPassword(r))
      #expect(
        try await client.execute(uri: "/worklist/R1", method: .get, headers: rep).status
          == .seeOther)
      #expect(try h.server.accounts.authenticate(login: "rep1", password: password) != nil)
      #expect(try h.server.accounts.authenticate(login: "rep1", password: Harness.password) == nil)
    }
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(
      [row.actor, row.action, row.detail, row.address] == ["admin", "user.passwd", "rep1", "local"])
  }

  /// Disabling ends the user's session; the only enabled admin can be neither disabled nor
  /// demoted (our choice: the store always keeps one enabled admin, so the page stays
  /// reachable); with a second admin, an admin may disable themselves, and their own session
  /// ends with it.
  @Test func disablingAndTheLastAdmin() async throws {
    let h = try Harness()
    let admin = await h.cookie("admin")
    let (mgr, _) = await h.cookie("mgr")
    try await h.test { client async throws in
      // The harness's sessions are opened at credentials version 0, as their users are.
      #expect(try await client.execute(uri: "/kpis", method: .get, headers: mgr).status == .ok)
      let d = try await Self.post(client, admin, [("action", "disable"), ("login", "mgr")])
      #expect(text(d).contains("Disabled mgr; their open sessions have ended."))
      #expect(
        try await client.execute(uri: "/kpis", method: .get, headers: mgr).status == .seeOther)
      let last =
        "login: the only enabled admin cannot be disabled or lose the admin role; add another "
        + "admin first (value &quot;admin&quot;)"
      let selfDisable = try await Self.post(
        client, admin, [("action", "disable"), ("login", "admin")])
      #expect(selfDisable.status == .badRequest)
      #expect(text(selfDisable).contains(last))
      let demote = try await Self.post(
        client, admin, [("action", "role"), ("login", "admin"), ("role", "analyst")])
      #expect(demote.status == .badRequest)
      #expect(text(demote).contains(last))
      _ = try await Self.post(
        client, admin, [("action", "add"), ("login", "ada"), ("role", "admin")])
      let now = try await Self.post(client, admin, [("action", "disable"), ("login", "admin")])
      #expect(now.status == .ok)
      #expect(
        try await client.execute(uri: "/users", method: .get, headers: admin.0).status
          == .seeOther)
    }
    // The two refusals are audited too, as refused (issue 17's leftovers).
    let actions = try h.server.accounts.auditLog(limit: 5).map {
      "\($0.actor) \($0.action) \($0.detail)"
    }
    let refusal =
      "admin: login: the only enabled admin cannot be disabled or lose the admin role; add "
      + "another admin first (value \"admin\")"
    #expect(
      actions == [
        "admin user.disable mgr", "admin user.disable.refused " + refusal,
        "admin user.role.refused " + refusal, "admin user.add ada admin",
        "admin user.disable admin",
      ])
    // The same rule holds for the command line.
    #expect(throws: ArcadenceError.self) {
      try h.server.accounts.disable(login: "ada", actor: "cli:ops")
    }
  }

  /// A role change applies at the user's next request without ending the session (the
  /// role and scope are read on every request): mgr becomes rep R2, loses /kpis (403), and
  /// sees R2's scorecard but not R1's (404).
  @Test func aRoleChangeAppliesAtTheNextRequest() async throws {
    let h = try Harness()
    let admin = await h.cookie("admin")
    let (mgr, _) = await h.cookie("mgr")
    try await h.test { client async throws in
      #expect(try await client.execute(uri: "/kpis", method: .get, headers: mgr).status == .ok)
      let r = try await Self.post(
        client, admin, [("action", "role"), ("login", "mgr"), ("role", "rep"), ("rep", "R2")])
      #expect(text(r).contains("mgr is now rep R2."))
      #expect(
        try await client.execute(uri: "/kpis", method: .get, headers: mgr).status == .forbidden)
      #expect(
        try await client.execute(uri: "/scorecard/R2", method: .get, headers: mgr).status == .ok)
      #expect(
        try await client.execute(uri: "/scorecard/R1", method: .get, headers: mgr).status
          == .notFound)
    }
    let user = try #require(try h.server.accounts.user("mgr"))
    #expect(user.role == .rep && user.repId == "R2" && user.teams.isEmpty)
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect([row.actor, row.action, row.detail] == ["admin", "user.role", "mgr rep R2"])
  }

  /// Every POST carries the session's CSRF token: none, or another session's, is a 403 and
  /// changes nothing.
  @Test func aPostWithoutTheSessionsTokenChangesNothing() async throws {
    let h = try Harness()
    let (admin, _) = await h.cookie("admin")
    let (_, other) = await h.cookie("lead")
    try await h.test { client async throws in
      var headers = formHeaders
      headers[.cookie] = admin[.cookie]
      for token in [nil, other.csrf] {
        let fields =
          [("action", "disable"), ("login", "lead")] + (token.map { [("csrf", $0)] } ?? [])
        let r = try await client.execute(
          uri: "/users", method: .post, headers: headers, body: formBody(fields))
        #expect(r.status == .forbidden)
      }
    }
    #expect(try h.server.accounts.user("lead")?.disabledAt == nil)
  }

  /// The POST side of the authorisation matrix, generated from ``Routes/all``: every route
  /// that takes forms × every role, with the role's own valid token and no action: a role
  /// the route does not list gets 403 before anything is read; one it lists gets 400 (no
  /// such action).
  @Test func everyFormRouteEveryRole() async throws {
    let h = try Harness()
    try h.seedJobs()
    let formRoutes = Routes.all.filter(\.takesForms)
    // The import page's POST is an upload: a form that is not multipart is refused (400).
    #expect(
      formRoutes.map(\.page) == [
        .users, .importPage, .scenarios, .scenario, .job, .forecast, .accuracy, .subscriptions,
      ])
    for route in formRoutes {
      for role in UserRole.allCases {
        let session = await h.cookie(Harness.loginOf[role] ?? "")
        // A path naming a scenario or a job names the role's own (or, for a role that may
        // not use the route, the analyst's).
        let own = AuthorisationMatrixTests.ids[role]?[route.names ?? .rep]?.inScope ?? "1"
        let status = try await h.test { client async throws in
          var headers = formHeaders
          headers[.cookie] = session.0[.cookie]
          return try await client.execute(
            uri: route.url(id: own), method: .post, headers: headers,
            body: formBody([("csrf", session.1.csrf), ("action", "")])
          ).status
        }
        #expect(status == (route.roles.contains(role) ? .badRequest : .forbidden), "\(role)")
      }
    }
  }
}
