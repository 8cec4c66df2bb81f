import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArcadenceServer

/// Changing a user's scope from the browser: the role form with the same role and another
/// rep (or teams) moves what they see at their next request, and is audited.
@Suite struct UsersScopeTests {
  @Test func aRepMovedToAnotherRepSeesOnlyTheNewOne() async throws {
    let h = try Harness()
    let admin = await h.cookie("admin")
    let (rep1, _) = await h.cookie("rep1")
    try await h.test { client async throws in
      #expect(
        try await client.execute(uri: "/scorecard/R1", method: .get, headers: rep1).status == .ok)
      let r = try await UsersPageTests.post(
        client, admin, [("action", "role"), ("login", "rep1"), ("role", "rep"), ("rep", "R2")])
      #expect(r.status == .ok)
      #expect(text(r).contains("rep1 is now rep R2."))
      #expect(
        try await client.execute(uri: "/scorecard/R1", method: .get, headers: rep1).status
          == .notFound)
      #expect(
        try await client.execute(uri: "/scorecard/R2", method: .get, headers: rep1).status == .ok)
      // A customer of R2's (C3) is now in scope, one of R1's (C1) no longer.
      #expect(
        try await client.execute(uri: "/customer/C3", method: .get, headers: rep1).status == .ok)
      #expect(
        try await client.execute(uri: "/customer/C1", method: .get, headers: rep1).status
          == .notFound)
    }
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(row.action == "user.role")
    #expect(row.detail == "rep1 rep R2")
    #expect(row.actor == "admin")
  }
}
