import ArcadenceCore
import Foundation
import GRDB
import Testing

@testable import ArcadenceStore

/// The import's two paths (a table empty at the start, or one that already has rows), the
/// byte-keyed id index and loading part of the ledger.
@Suite struct FastPathTests {
  let fx = Fixture()

  func indexNames(_ store: Store) throws -> [String] {
    try store.pool.read { db in
      try String.fetchAll(
        db,
        sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
      )
    }
  }

  @Test func aFreshImportRebuildsTheIndicesAndAFailedOneKeepsThem() throws {
    let store = try fx.store()
    let expected = try indexNames(store)
    #expect(expected.count == 13)
    _ = try Importer().run(directory: fx.folder("ok", basicFiles), into: store)
    #expect(try indexNames(store) == expected)

    // A failing import into an empty store: the indices it dropped come back with the
    // rollback, and nothing is written.
    let empty = try fx.store("empty.sqlite")
    var files = basicFiles
    files["tasks.csv"] =
      "task_id,rep_id,customer_id,invoice_id,kind,due_on,completed_on\nT1,R1,C1,,call,2026-13-01,\n"
    #expect(throws: ArcadenceError.self) {
      try Importer().run(directory: fx.folder("bad", files), into: empty)
    }
    #expect(try indexNames(empty) == expected)
    #expect(try empty.counts().values.reduce(0, +) == 0)
  }

  @Test func duplicateIdsAreFoundOnBothPaths() throws {
    let dup = """
      invoice_id,customer_id,issued_on,due_on,amount
      I7,C1,2026-01-05,2026-02-04,5.00
      I8,C1,2026-01-05,2026-02-04,6.00
      I7,C1,2026-01-06,2026-02-05,7.00

      """
    // Empty table: found by the primary key, first line named from the rowid.
    var files = basicFiles
    files["invoices.csv"] = dup
    files["payments.csv"] = nil
    files["adjustments.csv"] = nil
    files["cases.csv"] = nil
    files["promises.csv"] = nil
    files["activities.csv"] = nil
    files["tasks.csv"] = nil
    let message = "invoices.csv:4: column invoice_id: duplicate id (first on line 2) (value \"I7\")"
    let fresh = try fx.store("fresh.sqlite")
    do {
      _ = try Importer().run(directory: fx.folder("dup1", files), into: fresh)
      Issue.record("import should have failed")
    } catch let e as ArcadenceError {
      #expect(e.details == [message])
    }
    // A table with rows already: upserts, duplicates found with the temporary table.
    let filled = try fx.store("filled.sqlite")
    _ = try Importer().run(directory: fx.folder("ok", basicFiles), into: filled)
    let before = try Fixture.dump(filled)
    do {
      _ = try Importer().run(directory: fx.folder("dup2", ["invoices.csv": dup]), into: filled)
      Issue.record("import should have failed")
    } catch let e as ArcadenceError {
      #expect(e.details == [message])
    }
    #expect(try Fixture.dump(filled) == before)
  }

  @Test func theByteKeyIndexFindsEveryIdAndNothingElse() {
    let long = String(repeating: "x", count: 40)
    let ids = ["C1", "C10", "INV-00000001", "exactly16bytes!!", long, "", "ünïcode", "C1"]
    let index = ByteKeyIndex(ids)
    #expect(index.find("C1") == 0)  // the first of a repeated id
    #expect(index.find("C10") == 1)
    #expect(index.find("INV-00000001") == 2)
    #expect(index.find("exactly16bytes!!") == 3)
    #expect(index.find(long) == 4)
    #expect(index.find("") == 5)
    #expect(index.find("ünïcode") == 6)
    for missing in ["C2", "C1 ", "c1", "INV-0000001", long + "y", "exactly16bytes!"] {
      #expect(index.find(missing) == -1, "\(missing)")
    }
    let many = (0..<50_000).map { "INV-\($0)" }
    let big = ByteKeyIndex(many)
    #expect(many.indices.allSatisfy { big.find(many[$0]) == Int32($0) })
    #expect(ByteKeyIndex([]).find("x") == -1)
    // Canonically equivalent ids are different ids (SQLite compares bytes), long ones too.
    let tail = "-Holdings-International-Ltd"
    let spellings = ["Caf\u{E9}" + tail, "Cafe\u{301}" + tail, "\u{C9}1", "E\u{301}1"]
    let exact = ByteKeyIndex(spellings)
    #expect(spellings.map { exact.find($0) } == [0, 1, 2, 3])
  }

  @Test func aWindowedLedgerHoldsExactlyTheRowsOfItsWindow() throws {
    let store = try fx.store()
    _ = try Importer().run(directory: fx.folder("ok", basicFiles), into: store)
    let all = try store.loadLedger()
    let feb = DayWindow(
      from: Day(iso: "2026-02-01")!.rawValue, to: Day(iso: "2026-02-28")!.rawValue)
    let some = try store.loadLedger(LedgerSelection(activities: feb, promises: feb, tasks: .none))
    #expect(some.activityDay == all.activityDay.filter { $0 >= feb.from && $0 <= feb.to })
    #expect(some.promiseMade == all.promiseMade.filter { $0 >= feb.from && $0 <= feb.to })
    #expect(some.taskDue.isEmpty && !all.taskDue.isEmpty)
    // Everything else is whole.
    #expect(some.invoiceIds == all.invoiceIds)
    #expect(some.paymentAmount == all.paymentAmount)
    #expect(some.eventDay == all.eventDay)
    #expect(some.caseIds == all.caseIds)
    #expect(all.selection == .everything)
    #expect(
      some.selection.covers(Period(from: Day(iso: "2026-02-03")!, to: Day(iso: "2026-02-10")!))
        == false)
  }
}
