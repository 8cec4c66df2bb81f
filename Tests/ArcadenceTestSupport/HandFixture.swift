import ArcadenceCore
import ArcadenceStore
import Foundation

/// A dataset small enough to compute every KPI on paper, imported through the real CSV path.
///
/// The period under test is March 2026: P = [2026-03-01, 2026-03-31], days(P) = 31,
/// start = 2026-02-28. Every expected value in `KPIEngineTests` is derived in a comment there
/// from the rows below.
///
/// Reps: R1 and R2 in team A, R3 in team A but inactive and idle, R4 with no team and no rows.
/// Customers: C1 (R1) converts to auto-pay in March; C2 (R1) cancelled auto-pay in February;
/// C3 (R2) is created in March; C4 (R2) has not been billed for over a year.
public enum HandFixture {
  public static let files: [String: String] = [
    "reps.csv": """
    rep_id,name,team,active
    R1,Ann <Lead> & Co,A,true
    R2,Bo Diaz,A,true
    R3,Cy Idle,A,false
    R4,Di Solo,,true

    """,
    "customers.csv": """
    customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,autopay_cancelled_on
    C1,"Acme, Inc.",smb,R1,30,2025-01-01,2026-03-10,
    C2,Beta <b>,smb,R1,30,2025-06-01,2025-12-01,2026-02-15
    C3,Gamma,ent,R2,0,2026-03-05,,
    C4,Delta,ent,R2,30,2024-01-01,,

    """,
    // I1: 1000 due 02-09; 300 paid 02-20, 200 paid 03-15, credit memo 100 on 03-20.
    // I2: 500 due 03-17, paid in full on 03-17.
    // I3: 800 due 2025-12-01, written off on 03-25.
    // I4: 600 issued 03-01 due 03-31; credit memo 50 on 04-02 and payment 04-05 (after P).
    // I5: 250 issued and due 03-10; 100 paid before issue (03-05), 200 on 03-28 (overpaid).
    // I6: 2000 due 2025-10-31, never paid.
    // I7: 300 due 03-03, fully credited on 03-02.
    "invoices.csv": """
    invoice_id,customer_id,issued_on,due_on,amount
    I1,C1,2026-01-10,2026-02-09,1000.00
    I2,C1,2026-02-15,2026-03-17,500
    I3,C2,2025-11-01,2025-12-01,800
    I4,C2,2026-03-01,2026-03-31,600
    I5,C3,2026-03-10,2026-03-10,250
    I6,C1,2025-10-01,2025-10-31,2000
    I7,C2,2026-02-01,2026-03-03,300

    """,
    "payments.csv": """
    payment_id,customer_id,invoice_id,received_on,amount,method
    P1,C1,I1,2026-02-20,300,ach
    P2,C1,I1,2026-03-15,200,ach
    P3,C1,I2,2026-03-17,500,autopay
    P4,C2,I4,2026-04-05,600,check
    P5,C3,I5,2026-03-05,100,card
    P6,C3,I5,2026-03-28,200,card
    P7,C2,,2026-03-08,75,check

    """,
    "adjustments.csv": """
    adjustment_id,invoice_id,posted_on,amount,kind
    A1,I1,2026-03-20,100,credit_memo
    A2,I3,2026-03-25,800,write_off
    A3,I4,2026-04-02,50,credit_memo
    A4,I7,2026-03-02,300,credit_memo

    """,
    "activities.csv": """
    activity_id,customer_id,invoice_id,rep_id,occurred_at,channel,direction,outcome
    X1,C1,I1,R1,2026-03-01T10:00:00Z,call,outbound,reached
    X2,C1,I1,R1,2026-03-02T10:00:00Z,call,outbound,voicemail
    X3,C2,,R1,2026-03-03T10:00:00Z,email,outbound,no_answer
    X4,C3,,R2,2026-03-04T10:00:00Z,call,inbound,dispute
    X5,C3,I5,R2,2026-03-31T23:30:00-01:00,call,outbound,promise_to_pay
    X6,C1,I1,R1,2026-02-28T23:59:59Z,call,outbound,reached
    X7,C1,,R2,2026-03-10T12:00:00Z,sms,outbound,autopay_enrolled

    """,
    "promises.csv": """
    promise_id,customer_id,invoice_id,rep_id,made_on,promised_on,amount
    PR1,C1,I1,R1,2026-03-01,2026-03-12,200
    PR2,C2,,R1,2026-03-05,2026-03-20,100
    PR3,C3,I5,R2,2026-03-25,2026-03-29,50
    PR4,C1,I1,R1,2026-02-20,2026-02-25,300
    PR5,C3,I5,R2,2026-03-02,2026-03-02,100

    """,
    "cases.csv": """
    case_id,customer_id,invoice_id,rep_id,opened_at,closed_at,origin,root_cause,escalated_at,escalation_reason,summary,investigation,resolution,customer_confirmed
    K1,C1,I1,R1,2026-02-20T10:00:00Z,2026-03-05T22:00:00Z,collections,pricing,,,Price <wrong>,Checked,Credited,true
    K2,C2,I4,R1,2026-03-10T00:00:00Z,2026-03-12T12:00:00Z,inbound_phone,pricing,2026-03-11T00:00:00Z,documentation_gap,  ,Checked,Fixed,true
    K3,C3,I5,R2,2026-03-02T09:00:00Z,,inbound_email,missing_po,2026-03-20T10:00:00Z,delay,Needs PO,,,
    K4,C1,,R2,2026-03-20T23:30:00-05:00,,collections,pricing,,,,,,
    K5,C2,I3,R1,2026-01-05T00:00:00Z,2026-04-02T00:00:00Z,collections,pricing,2026-02-10T00:00:00Z,amount,,,,
    K6,C3,I5,R2,2026-03-30T12:00:00Z,2026-03-31T23:00:00-02:00,internal_referral,,,,,,,

    """,
    "tasks.csv": """
    task_id,rep_id,customer_id,invoice_id,kind,due_on,completed_on
    T1,R1,C1,I1,call,2026-03-05,2026-03-05
    T2,R1,C2,,email,2026-03-10,2026-03-12
    T3,R2,C3,I5,call,2026-03-20,
    T4,R2,C3,,follow_up,2026-03-31,2026-04-02
    T5,R1,C1,I1,call,2026-02-25,2026-02-25
    T6,R2,C3,,review,2026-03-15,2026-03-01

    """,
  ]

  /// Imports the fixture into a fresh store and loads its ledger.
  public static func ledger() throws -> Ledger {
    try store().loadLedger()
  }

  /// Imports the fixture (or a variant of its files) into a fresh store.
  public static func store(files: [String: String] = HandFixture.files) throws -> Store {
    let root = NSTemporaryDirectory() + "arcadence-kpi-\(UUID().uuidString)"
    let dir = root + "/csv"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, text) in files {
      try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }
    let store = try Store(path: root + "/store.sqlite")
    _ = try Importer().run(directory: dir, into: store)
    return store
  }

  public static let march = Period(from: Day(iso: "2026-03-01")!, to: Day(iso: "2026-03-31")!)
}
