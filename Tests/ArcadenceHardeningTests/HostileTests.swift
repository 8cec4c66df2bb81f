import Foundation
import Testing

/// The harness itself: the CLI runs and a usage error is an ordinary exit, not a trap.
@Suite struct HostileHarnessTests {
  @Test func unknownCommandExitsWithoutTrap() throws {
    let r = try Hostile.run(["no-such-command"])
    #expect(r.status != 0 && r.status != 132 && r.status != 134, "\(r.err)")
  }
}
