import ArcadenceTestSupport
import Foundation
import Testing

/// `--buckets` and `--basis` on every command that ages balances: a bad value is a usage
/// error (exit 2) naming the option and the value, before the store is read.
@Suite struct AgingOptionsTests {
  @Test func badBucketsAreUsageErrorsOnEveryCommand() throws {
    let db = try Hostile.handFixtureStore()
    let dir = try Hostile.temporaryDirectory("aging-options")
    let commands: [[String]] = [
      ["aging"], ["dashboard", "--out", dir + "/site"], ["charts", "--out", dir + "/charts"],
      ["worklist"],
    ]
    for command in commands {
      let r = try Hostile.run(command + ["--db", db, "--buckets", "30,0"])
      #expect(r.status == 2, "\(command)")
      #expect(r.err == "error: --buckets: edges must be strictly increasing (value \"30,0\")\n")
      let b = try Hostile.run(command + ["--db", db, "--basis", "paid"])
      #expect(b.status == 2, "\(command)")
      #expect(b.err == "error: --basis: expected due or issued (value \"paid\")\n")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/site"))
  }

  @Test func agingWithBucketsFromTheCommandLine() throws {
    let db = try Hostile.handFixtureStore()
    // As of 03-31 (AgingReportBucketsTests): I4 600 current, I1 400 at 50 dpd, I6 2000 at 151.
    let r = try Hostile.run([
      "aging", "--db", db, "--as-of", "2026-03-31", "--buckets", "0,45,150", "--format", "csv",
    ])
    #expect(r.status == 0, "\(r.err)")
    #expect(
      r.out == """
        key,name,current,d1_45,d46_150,d150_plus,total,past_due,open_invoices
        all,All customers,600.00,0.00,400.00,2000.00,3000.00,2400.00,3
        total,Total,600.00,0.00,400.00,2000.00,3000.00,2400.00,3

        """)
  }
}
