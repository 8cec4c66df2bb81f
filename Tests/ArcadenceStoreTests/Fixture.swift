import ArcadenceCore
import Foundation
import GRDB

@testable import ArcadenceStore

/// A temporary folder of CSV files and a fresh store beside it.
struct Fixture {
  let root: String

  init() {
    root = NSTemporaryDirectory() + "arcadence-test-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  /// Writes `files` (name → contents) into a sub-folder and returns its path.
  func folder(_ name: String, _ files: [String: String]) -> String {
    let dir = root + "/" + name
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (file, text) in files {
      try! text.write(toFile: dir + "/" + file, atomically: true, encoding: .utf8)
    }
    return dir
  }

  func store(_ name: String = "store.sqlite") throws -> Store {
    try Store(path: root + "/" + name)
  }

  /// Every row of every table, in id order, as text: equal dumps mean equal stores.
  static func dump(_ store: Store) throws -> String {
    try store.pool.read { db in
      var out = ""
      for e in Entity.allCases {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(e.table) ORDER BY \(e.idColumn)")
        out += "\(e.table): \(rows.map(\.description).joined(separator: "; "))\n"
      }
      return out
    }
  }
}

/// A small valid dataset (every entity), written by hand.
let basicFiles: [String: String] = [
  "reps.csv": "rep_id,name,team,active\nR1,Ann Lee,East,\nR2,\"Bo \"\"B\"\" Diaz\",West,false\n",
  "customers.csv": """
  customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,autopay_cancelled_on
  C1,"Acme, Inc.",smb,R1,30,2026-01-01,2026-02-01,2026-03-01
  C2,<Beta & Co>,,R2,0,2026-01-15,,

  """,
  "invoices.csv": """
  invoice_id,customer_id,issued_on,due_on,amount
  I1,C1,2026-01-05,2026-02-04,1000.00
  I2,C2,2026-01-20,2026-01-20,250.5

  """,
  "payments.csv": """
  payment_id,customer_id,invoice_id,received_on,amount,method
  P1,C1,I1,2026-02-10,400,ach
  P2,C2,,2026-02-11,99.99,

  """,
  "adjustments.csv":
    "adjustment_id,invoice_id,posted_on,amount,kind\nA1,I1,2026-02-20,100,credit_memo\n",
  "activities.csv": """
  activity_id,customer_id,invoice_id,rep_id,occurred_at,channel,direction,outcome
  T1,C1,I1,R1,2026-02-05T09:30:00-05:00,call,outbound,promise_to_pay

  """,
  "promises.csv": """
  promise_id,customer_id,invoice_id,rep_id,made_on,promised_on,amount
  PR1,C1,I1,R1,2026-02-05,2026-02-12,600

  """,
  "cases.csv": """
  case_id,customer_id,invoice_id,rep_id,opened_at,closed_at,origin,root_cause,escalated_at,escalation_reason,summary,investigation,resolution,customer_confirmed
  K1,C2,I2,R2,2026-02-01T10:00:00Z,,inbound_email,pricing,2026-02-03T10:00:00Z,delay,"Price ""wrong""
  on line 2",,,

  """,
  "tasks.csv": """
  task_id,rep_id,customer_id,invoice_id,kind,due_on,completed_on
  TK1,R1,C1,I1,call,2026-02-05,2026-02-05
  TK2,R2,C2,,review,2026-02-06,

  """,
]
