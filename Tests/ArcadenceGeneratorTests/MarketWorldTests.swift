import ArcadenceCore
import ArcadenceStore
import Foundation
import GRDB
import Testing

@testable import ArcadenceGenerator

@Suite struct MarketWorldTests {
  let root = NSTemporaryDirectory() + "arcadence-world-\(UUID().uuidString)"
  let small = GeneratorOptions(
    customers: 150, months: 12, seed: 5, reps: 4, teams: 2, start: Day(iso: "2026-01-01")!)

  func imported(
    _ options: GeneratorOptions, _ settings: MarketWorld.Settings = .init(), _ name: String
  )
    throws -> (WorldSummary, Store)
  {
    let summary = try MarketWorld.run(options, settings: settings, into: root + "/" + name)
    let store = try Store(path: root + "/\(name).sqlite")
    let result = try Importer().run(directory: root + "/" + name, into: store)
    #expect(result.rows.map(\.count) == summary.rows.map(\.count))
    return (summary, store)
  }

  @Test func sameSeedSameBytesOtherSeedOtherBytesAndTheDefaultWorldIsTheSample() throws {
    _ = try World.market.generate(small, into: root + "/a")
    _ = try World.market.generate(small, into: root + "/b")
    var other = small
    other.seed = 6
    _ = try World.market.generate(other, into: root + "/c")
    let a = try folderBytes(root + "/a")
    #expect(a.count == 9)  // the nine CSV files
    #expect(a == (try folderBytes(root + "/b")))
    #expect(a["invoices.csv"] != (try folderBytes(root + "/c"))["invoices.csv"])
    // The default world is the existing generator, byte for byte.
    _ = try World.standard.generate(small, into: root + "/s")
    _ = try Generator.run(small, into: root + "/g")
    #expect(try folderBytes(root + "/s") == (try folderBytes(root + "/g")))
  }

  @Test func theWorldSatisfiesTheDataContract() throws {
    let (summary, store) = try imported(small, .init(), "d")
    #expect(summary.rows.first { $0.entity == .customers }?.count == 150)
    let end = Int(small.end.rawValue)
    try store.pool.read { db in
      // Nothing is dated after the data ends.
      for (table, column) in [
        ("payments", "received_on"), ("adjustments", "posted_on"), ("invoices", "issued_on"),
        ("tasks", "completed_on"), ("promises", "made_on"),
      ] {
        let late = try Int.fetchOne(
          db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(column) > ?", arguments: [end])
        #expect(late == 0, "\(table).\(column)")
      }
      // No invoice receives more than its amount, and no payment precedes its invoice.
      let overpaid = try Int.fetchOne(
        db,
        sql: """
          SELECT COUNT(*) FROM invoices i WHERE i.amount <
            (SELECT COALESCE(SUM(amount), 0) FROM payments p WHERE p.invoice_id = i.invoice_id)
            + (SELECT COALESCE(SUM(amount), 0) FROM adjustments a WHERE a.invoice_id = i.invoice_id)
          """)
      #expect(overpaid == 0)
      let early = try Int.fetchOne(
        db,
        sql: """
          SELECT COUNT(*) FROM payments p JOIN invoices i USING (invoice_id)
          WHERE p.received_on <= i.issued_on
          """)
      #expect(early == 0)
      // Write-offs happen at 180 days past due, and only then.
      let offAge = try Int.fetchAll(
        db,
        sql: """
          SELECT DISTINCT a.posted_on - i.due_on FROM adjustments a JOIN invoices i USING (invoice_id)
          WHERE a.kind = 'write_off'
          """)
      #expect(offAge == [180])
      // Every behaviour the world describes shows up at least once in a year of 150 customers.
      for (what, sql) in [
        (
          "instalments",
          "SELECT COUNT(*) FROM (SELECT invoice_id FROM payments WHERE invoice_id IS NOT NULL GROUP BY invoice_id HAVING COUNT(*) > 1)"
        ),
        ("credit memos", "SELECT COUNT(*) FROM adjustments WHERE kind = 'credit_memo'"),
        ("cases", "SELECT COUNT(*) FROM cases"),
        ("promises", "SELECT COUNT(*) FROM promises"),
        ("unapplied cash", "SELECT COUNT(*) FROM payments WHERE invoice_id IS NULL"),
        ("arrivals", "SELECT COUNT(*) FROM customers WHERE created_on >= \(small.start.rawValue)"),
        ("auto-pay", "SELECT COUNT(*) FROM payments WHERE method = 'autopay'"),
      ] {
        #expect(try Int.fetchOne(db, sql: sql) ?? 0 > 0, "\(what)")
      }
    }
    // The ledger the reports read loads and passes the store's own checks.
    let ledger = try store.loadLedger()
    #expect(ledger.invoiceIds.count == summary.rows.first { $0.entity == .invoices }?.count)
  }

  @Test func paymentsClusterOnFridaysAndMonthEnds() throws {
    let (_, store) = try imported(small, .init(), "e")
    try store.pool.read { db in
      // Payments made by customers (not auto-pay, not unidentified cash).
      let days = try Int32.fetchAll(
        db,
        sql: """
          SELECT received_on FROM payments WHERE invoice_id IS NOT NULL AND method != 'autopay'
          """)
      #expect(days.count > 1000)
      let d = days.map { Day(rawValue: $0) }
      let fridays = Double(d.filter { $0.weekdayFromMonday == 4 }.count) / Double(d.count)
      let monthEnds =
        Double(d.filter { MarketLedger.lastWeekdayOfMonth($0) == $0 }.count) / Double(d.count)
      // 45 % of customers pay in a Friday run, and a fifth of the others' days are Fridays:
      // about 0.45 + 0.35 × 0.2 = 0.52 of payments (customers differ in how often they pay,
      // hence the margin); a uniform weekday would give 0.2.
      #expect(fridays > 0.4 && fridays < 0.65)
      // 20 % pay on the month's last weekday, and about 1 in 21 of the others' days is one:
      // about 0.2 + 0.8 × 0.05 = 0.24; uniform would give 0.05.
      #expect(monthEnds > 0.15 && monthEnds < 0.35)
      #expect(d.allSatisfy { $0.weekdayFromMonday < 5 })  // payment runs are on weekdays
    }
  }

  @Test func daysToPayHaveTheConfiguredMedianWhenNothingElseInterferes() throws {
    // One segment on 30-day terms, paying at 1.2 × terms = 36 days from issue; no payment
    // runs (only the weekend moves a date, by at most two days), and nothing else that moves
    // a payment: no chronic lateness, bad debts, instalments, disputes, auto-pay or promises.
    var s = MarketWorld.Settings()
    s.segments = [s.segments[1]]
    s.segments[0].terms = [30]
    s.segments[0].termsWeights = [1]
    s.segments[0].delayFactor = 1.2
    (s.chronicLateShare, s.goBadShare, s.instalmentShare, s.shortPayShare) = (0, 0, 0, 0)
    (s.disputeShare, s.autopayShare, s.promiseShare, s.unappliedMonthly) = (0, 0, 0, 0)
    (s.fridayRunShare, s.monthEndRunShare) = (0, 0)
    var options = small
    options.customers = 300
    let (_, store) = try imported(options, s, "f")
    try store.pool.read { db in
      let delays = try Int.fetchAll(
        db,
        sql: """
          SELECT p.received_on - i.issued_on FROM payments p JOIN invoices i USING (invoice_id)
          ORDER BY 1
          """)
      #expect(delays.count > 2000)
      let median = delays[delays.count / 2]
      // The lognormal's median is 36 (the customer and invoice effects are symmetric in log
      // scale); weekends move it up by at most 2; 300 customers' spread (log-sd 0.3) leaves
      // a standard error of about 1.25 × 0.3 × 36 ÷ √300 ≈ 0.8 day: 34 to 41.
      #expect(median >= 34 && median <= 41, "median \(median)")
      // Payments only fall on weekdays.
      let weekend = try Int.fetchOne(
        db,
        sql: "SELECT COUNT(*) FROM payments WHERE (received_on + 3) % 7 >= 5")
      #expect(weekend == 0)
    }
  }

  @Test func paymentRunsPayOnTheirDays() {
    let wed = Day(iso: "2026-04-29")!  // a Wednesday
    #expect(PaymentRun.friday.day(onOrAfter: wed).description == "2026-05-01")
    #expect(PaymentRun.friday.day(onOrAfter: wed + 2).description == "2026-05-01")
    #expect(PaymentRun.monthEnd.day(onOrAfter: wed).description == "2026-04-30")
    // May 2026 ends on a Sunday: its last weekday is Friday the 29th.
    #expect(PaymentRun.monthEnd.day(onOrAfter: wed + 2).description == "2026-05-29")
    #expect(PaymentRun.monthEnd.day(onOrAfter: Day(iso: "2026-05-30")!).description == "2026-06-30")
    #expect(
      PaymentRun.anyWeekday.day(onOrAfter: Day(iso: "2026-05-02")!).description == "2026-05-04")
    #expect(PaymentRun.anyWeekday.day(onOrAfter: wed) == wed)
  }

  @Test func badOptionsAreUsageErrors() {
    var o = small
    o.customers = 2_000_000
    #expect(throws: ArcadenceError.self) { try MarketWorld.run(o, into: root + "/x") }
    o = small
    o.teams = 9
    #expect(throws: ArcadenceError.self) { try MarketWorld.run(o, into: root + "/y") }
  }
}
