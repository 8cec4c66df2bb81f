import ArcadenceTestSupport
import Foundation
import Testing

/// `arcadence users enable LOGIN` as a person runs it: a disabled user is enabled again (and
/// the audit log says so); enabling a user who is not disabled is a usage error naming LOGIN
/// and the value (exit 2).
@Suite struct UsersEnableCommandTests {
  @Test func usersEnableReenablesADisabledUser() throws {
    let db = try Hostile.handFixtureStore()
    let add = try Hostile.run(
      ["users", "add", "ana", "--role", "analyst", "--password-stdin", "--db", db],
      input: Data("a long enough password\n".utf8))
    #expect(add.status == 0)
    #expect(try Hostile.run(["users", "disable", "ana", "--db", db]).out == "disabled ana\n")
    // ana's row: created and disabled, two timestamps.
    func stamps() throws -> Int {
      let out = try Hostile.run(["users", "list", "--db", db]).out
      let row = out.split(separator: "\n").first { $0.hasPrefix("ana ") } ?? ""
      return row.matches(of: /\d\d:\d\d:\d\dZ/).count
    }
    #expect(try stamps() == 2)
    let enable = try Hostile.run(["users", "enable", "ana", "--db", db])
    #expect(enable.status == 0)
    #expect(enable.out == "enabled ana\n")
    // The Disabled column is empty again.
    #expect(try stamps() == 1)
    let audit = try Hostile.run(["audit", "--db", db, "--limit", "1"]).out
    #expect(audit.contains("user.enable") && audit.contains("ana"))
    let again = try Hostile.run(["users", "enable", "ana", "--db", db])
    #expect(again.status == 2)
    #expect(again.err == "error: LOGIN: no disabled user with this login (value \"ana\")\n")
  }
}
