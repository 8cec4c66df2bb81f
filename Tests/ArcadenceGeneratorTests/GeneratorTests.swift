import ArcadenceCore
import ArcadenceStore
import Foundation
import GRDB
import Testing
import Yams

@testable import ArcadenceGenerator

@Suite struct GeneratorTests {
  let root = NSTemporaryDirectory() + "arcadence-gen-\(UUID().uuidString)"
  let small = GeneratorOptions(
    customers: 120, months: 6, seed: 11, reps: 4, teams: 2, start: Day(iso: "2026-01-01")!)

  @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
    _ = try Generator.run(small, into: root + "/a")
    _ = try Generator.run(small, into: root + "/b")
    var other = small
    other.seed = 12
    _ = try Generator.run(other, into: root + "/c")
    let a = try folderBytes(root + "/a")
    #expect(a.count == 10)  // nine CSV files and generator.yaml
    #expect(a == (try folderBytes(root + "/b")))
    #expect(a["invoices.csv"] != (try folderBytes(root + "/c"))["invoices.csv"])
  }

  /// generator.yaml names the root causes in the vocabulary's order, whichever dictionary
  /// holds them (a `[String: Double]` would be written in its hash order, which differs from
  /// one dictionary instance to the next, so the same seed wrote different bytes).
  @Test func rootCauseWeightsAreWrittenInVocabularyOrder() throws {
    var truth = GroundTruth.standard(
      seed: 1, start: "2026-01-01", end: "2026-01-31", customers: 1, reps: [])
    var yamls: Set<String> = []
    for k in 0..<8 {
      // The same weights, put in in other orders.
      let pairs = truth.rootCauseWeights.values.sorted { $0.key < $1.key }
      let rotated = Array(pairs[k...] + pairs[..<k])
      truth.rootCauseWeights = NamedWeights(values: Dictionary(uniqueKeysWithValues: rotated))
      yamls.insert(try YAMLEncoder().encode(truth))
    }
    #expect(yamls.count == 1)
    let lines = try #require(yamls.first).split(separator: "\n").map(String.init)
    let start = try #require(lines.firstIndex(of: "rootCauseWeights:")) + 1
    let names = lines[start..<(start + Vocabulary.rootCauses.count)].map {
      String($0.dropFirst(2).prefix { $0 != ":" })
    }
    #expect(names == Vocabulary.rootCauses)
  }

  @Test func endIsTheLastDayOfTheLastMonth() {
    #expect(small.end.description == "2026-06-30")
    #expect(GeneratorOptions(months: 18).end.description == "2026-10-31")
  }

  @Test func generatedDataImportsAndFollowsTheModel() throws {
    let summary = try Generator.run(small, into: root + "/d")
    let store = try Store(path: root + "/d.sqlite")
    let imported = try Importer().run(directory: root + "/d", into: store)
    #expect(imported.rows.map(\.count) == summary.rows.map(\.count))
    #expect(summary.rows.first { $0.entity == .customers }?.count == 120)
    try store.pool.read { db in
      // Two teams of two reps.
      #expect(try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT team) FROM reps") == 2)
      // No payment is dated after the data ends, and no invoice is overpaid.
      let end = Int(small.end.rawValue)
      #expect(
        try Int.fetchOne(
          db, sql: "SELECT COUNT(*) FROM payments WHERE received_on > ?",
          arguments: [end]) == 0)
      let overpaid = try Int.fetchOne(
        db,
        sql: """
          SELECT COUNT(*) FROM invoices i WHERE i.amount <
            (SELECT COALESCE(SUM(amount), 0) FROM payments p WHERE p.invoice_id = i.invoice_id)
            + (SELECT COALESCE(SUM(amount), 0) FROM adjustments a WHERE a.invoice_id = i.invoice_id)
          """)
      #expect(overpaid == 0)
      // Every auto-pay invoice payment lands on the due date.
      let late = try Int.fetchOne(
        db,
        sql: """
          SELECT COUNT(*) FROM payments p JOIN invoices i USING (invoice_id)
          WHERE p.method = 'autopay' AND p.received_on != i.due_on
          """)
      #expect(late == 0)
      // Cases carry root causes of the vocabulary, skewed towards invoice discrepancies.
      let causes = try String.fetchAll(db, sql: "SELECT DISTINCT root_cause FROM cases")
      #expect(causes.allSatisfy { Vocabulary.rootCauses.contains($0) })
    }
  }

  @Test func groundTruthIsWrittenAndReadable() throws {
    let summary = try Generator.run(small, into: root + "/e")
    let text = try String(contentsOfFile: root + "/e/generator.yaml", encoding: .utf8)
    let truth = try YAMLDecoder().decode(GroundTruth.self, from: text)
    #expect(truth == summary.truth)
    #expect(truth.segments.map(\.name) == ["enterprise", "mid_market", "small_business"])
    #expect(truth.reps.count == 4)
  }

  @Test func bucketsFollowTheSimulationSpec() {
    #expect(GroundTruth.bucket(dpd: -1) == 0)
    #expect(GroundTruth.bucket(dpd: 0) == 1)
    #expect(GroundTruth.bucket(dpd: 7) == 1)
    #expect(GroundTruth.bucket(dpd: 8) == 2)
    #expect(GroundTruth.bucket(dpd: 30) == 3)
    #expect(GroundTruth.bucket(dpd: 60) == 4)
    #expect(GroundTruth.bucket(dpd: 90) == 5)
    #expect(GroundTruth.bucket(dpd: 91) == 6)
  }

  @Test func theLedgerCacheHoldsWhatTheTablesHold() throws {
    _ = try Generator.run(small, into: root + "/f")
    let store = try Store(path: root + "/f.sqlite")
    _ = try Importer().run(directory: root + "/f", into: store)
    let tables = try store.loadLedger(useCache: false)
    #expect(tables.activityDay.count > 500)
    #expect(try store.loadLedger() == tables)  // builds the cache
    #expect(try store.ledgerCacheStatus().current)
    #expect(try store.loadLedger() == tables)  // reads it
    let q2 = Period(from: Day(iso: "2026-04-01")!, to: Day(iso: "2026-06-30")!)
    let selection = LedgerSelection.kpis(covering: [q2])
    let window = try store.loadLedger(selection)
    #expect(window == (try store.loadLedger(selection, useCache: false)))
    #expect(window.activityDay.count < tables.activityDay.count)
  }
}

/// Every file of a folder by name, for comparing two generated folders byte for byte
/// (GeneratorTests and MarketWorldTests).
func folderBytes(_ dir: String) throws -> [String: Data] {
  var out: [String: Data] = [:]
  for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
    out[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
  }
  return out
}
