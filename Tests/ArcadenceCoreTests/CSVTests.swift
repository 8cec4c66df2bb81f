import Foundation
import Testing

@testable import ArcadenceCore

/// Writes `text` to a temporary file and reads every record back.
func readAll(_ bytes: [UInt8]) throws -> [CSVRecord] {
  let path = NSTemporaryDirectory() + "csv-\(UUID().uuidString).csv"
  _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
  defer { try? FileManager.default.removeItem(atPath: path) }
  let reader = try CSVReader(path: path, fileName: "t.csv")
  var out: [CSVRecord] = []
  while let r = try reader.next() { out.append(r) }
  return out
}

func readAll(_ text: String) throws -> [CSVRecord] { try readAll(Array(text.utf8)) }

@Suite struct CSVReaderTests {
  /// `bytesRead` counts the bytes of the records read, not of the chunk read ahead (the
  /// importer estimates a file's rows from its first ones with it).
  @Test func bytesReadCountsTheRecordsReadNotTheChunkAhead() throws {
    let path = NSTemporaryDirectory() + "csv-\(UUID().uuidString).csv"
    let text = "\u{FEFF}id,name\n1,\"a\nb\"\n22,c\n"
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let reader = try CSVReader(path: path, fileName: "t.csv")
    #expect(reader.totalBytes == 24)
    #expect(reader.bytesRead == 3)  // the byte-order mark
    _ = try reader.next()
    #expect(reader.bytesRead == 11)  // + "id,name\n"
    _ = try reader.next()
    #expect(reader.bytesRead == 19)  // + "1,\"a\nb\"\n"
    while try reader.next() != nil {}
    #expect(reader.bytesRead == 24)
  }

  @Test func rfc4180QuotingAndLineNumbers() throws {
    let records = try readAll(
      "id,name,note\r\n1,\"Smith, Jones\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",x\n3,,\n")
    #expect(
      records.map(\.fields) == [
        ["id", "name", "note"], ["1", "Smith, Jones", "say \"hi\""], ["2", "two\nlines", "x"],
        ["3", "", ""],
      ])
    // Record 3 starts on line 5 because record 2 spans lines 3 and 4.
    #expect(records.map(\.line) == [1, 2, 3, 5])
  }

  @Test func byteOrderMarkAndMissingFinalNewline() throws {
    let records = try readAll([0xEF, 0xBB, 0xBF] + Array("a,b\n1,2".utf8))
    #expect(records.map(\.fields) == [["a", "b"], ["1", "2"]])
  }

  @Test func blankLinesAreSkipped() throws {
    let records = try readAll("a,b\n\n1,2\n\n")
    #expect(records.map(\.fields) == [["a", "b"], ["1", "2"]])
    #expect(records[1].line == 3)
  }

  @Test func rejectsBrokenQuoting() {
    #expect(throws: ArcadenceError.self) { try readAll("a,b\n1,\"open\n") }
    #expect(throws: ArcadenceError.self) { try readAll("a,b\n1,x\"y\n") }
    do {
      _ = try readAll("a,b\n1,\"q\"z\n")
      Issue.record("expected an error")
    } catch let e as ArcadenceError {
      #expect(e.details == ["t.csv:2: unexpected text after a closing quote"])
    } catch { Issue.record("\(error)") }
  }

  @Test func rejectsInvalidUTF8() {
    #expect(throws: ArcadenceError.self) { try readAll(Array("a\n".utf8) + [0xFF, 0x0A]) }
  }

  @Test func largeFieldsCrossChunkBoundaries() throws {
    let long = String(repeating: "x", count: 600_000)
    let records = try readAll("a,b\n\"\(long)\",\(long)\n")
    #expect(records[1].fields[0].count == 600_000 && records[1].fields[1].count == 600_000)
  }

  @Test func writerRoundTrip() throws {
    let rows = [
      ["id", "text"], ["1", "a,b"], ["2", "quote \" inside"], ["3", "line\nbreak"],
      ["4", " padded "], ["5", ""],
    ]
    let text = rows.map(CSVWriter.line).joined()
    #expect(try readAll(text).map(\.fields) == rows)
  }
}

@Suite struct RecordParserTests {
  func parse(_ entity: Entity, _ header: [String], _ fields: [String]) -> [String] {
    let p = RecordParser(entity: entity, header: header)
    return p.parse(CSVRecord(fields: fields, line: 7)).issues.map(\.description)
  }

  @Test func headerProblemsAreAllReported() {
    let p = RecordParser(entity: .invoices, header: ["invoice_id", "amount", "foo", "amount"])
    #expect(
      p.headerIssues.map(\.description) == [
        "invoices.csv:1: column foo: unknown column for invoices.csv (wrong export? "
          + "--ignore-extra-columns skips it)",
        "invoices.csv:1: column amount: column appears twice in the header",
        "invoices.csv:1: column customer_id: required column is missing from the header",
        "invoices.csv:1: column issued_on: required column is missing from the header",
        "invoices.csv:1: column due_on: required column is missing from the header",
      ])
    #expect(p.missingRequired)
    let lenient = RecordParser(
      entity: .reps, header: ["rep_id", "name", "extra"], ignoreExtraColumns: true)
    #expect(lenient.headerIssues.isEmpty)
  }

  @Test func fieldAndRowRules() {
    let h = ["invoice_id", "customer_id", "issued_on", "due_on", "amount"]
    #expect(
      parse(.invoices, h, ["I1", "C1", "2026-01-10", "2026-01-09", "0"]) == [
        "invoices.csv:7: column amount: must be greater than 0 (value \"0\")",
        "invoices.csv:7: column due_on: is before issued_on (value \"2026-01-09\")",
      ])
    #expect(
      parse(.invoices, h, ["I1", "", "2026-02-30", "2026-03-01", "-3.00"]) == [
        "invoices.csv:7: column customer_id: is required",
        "invoices.csv:7: column issued_on: not a valid date (YYYY-MM-DD) (value \"2026-02-30\")",
        "invoices.csv:7: column amount: must be greater than 0 (value \"-3.00\")",
      ])
    #expect(
      parse(.invoices, h, ["I1", "C1"]) == [
        "invoices.csv:7: expected 5 fields as in the header, found 2"
      ])
  }

  @Test func vocabulariesAndBooleans() {
    let h = ["payment_id", "customer_id", "received_on", "amount", "method"]
    #expect(
      parse(.payments, h, ["P1", "C1", "2026-01-01", "10", "bitcoin"]) == [
        "payments.csv:7: column method: not one of autopay, ach, card, check, wire, other "
          + "(value \"bitcoin\")"
      ])
    let r = RecordParser(entity: .reps, header: ["rep_id", "name", "active"])
    #expect(r.parse(CSVRecord(fields: ["R1", "Ann", "YES"], line: 2)).values[3] == .integer(1))
    #expect(r.parse(CSVRecord(fields: ["R1", "Ann", ""], line: 2)).values[3] == .integer(1))
    #expect(r.parse(CSVRecord(fields: ["R1", "Ann", "0"], line: 2)).values[3] == .integer(0))
    #expect(
      r.parse(CSVRecord(fields: ["R1", "Ann", "maybe"], line: 2)).issues.map(\.description) == [
        "reps.csv:2: column active: not a boolean (true/false, 1/0, yes/no) (value \"maybe\")"
      ])
  }

  /// Terms are bounded by the span of the supported days, the store's own rule
  /// (`StoreBounds.terms`): a value the import took used to make every later command refuse
  /// the store. One past the bound, far past it, or too long for a 64-bit integer are all
  /// named by the same range; a non-number says so.
  @Test func termsWithinTheSupportedSpan() {
    let c = ["customer_id", "name", "rep_id", "payment_terms_days", "created_on"]
    let range = "must be a whole number of days from 0 to 3652058"
    #expect(parse(.customers, c, ["C1", "Acme", "R1", "3652058", "2026-01-01"]) == [])
    #expect(parse(.customers, c, ["C1", "Acme", "R1", "0", "2026-01-01"]) == [])
    #expect(parse(.customers, c, ["C1", "Acme", "R1", "0003652058", "2026-01-01"]) == [])
    #expect(parse(.customers, c, ["C1", "Acme", "R1", "00000030", "2026-01-01"]) == [])
    for bad in ["3652059", "100000000", "1000000000", "99999999999999999999999"] {
      #expect(
        parse(.customers, c, ["C1", "Acme", "R1", bad, "2026-01-01"]) == [
          "customers.csv:7: column payment_terms_days: \(range) (value \"\(bad)\")"
        ])
    }
    #expect(
      parse(.customers, c, ["C1", "Acme", "R1", "1e3", "2026-01-01"]) == [
        "customers.csv:7: column payment_terms_days: not a whole number of days (value \"1e3\")"
      ])
  }

  @Test func customerAndCaseRules() {
    let c = [
      "customer_id", "name", "rep_id", "payment_terms_days", "created_on", "autopay_enrolled_on",
      "autopay_cancelled_on",
    ]
    #expect(
      parse(.customers, c, ["C1", "Acme", "R1", "-1", "2026-01-01", "", "2026-02-01"]) == [
        "customers.csv:7: column payment_terms_days: must be a whole number of days from 0 to "
          + "3652058 (value \"-1\")",
        "customers.csv:7: column autopay_cancelled_on: needs autopay_enrolled_on "
          + "(value \"2026-02-01\")",
      ])
    #expect(
      parse(.customers, c, ["C1", "Acme", "R1", "30", "2026-01-01", "2026-02-01", "2026-02-01"])
        == [
          "customers.csv:7: column autopay_cancelled_on: must be after autopay_enrolled_on "
            + "(value \"2026-02-01\")"
        ])
    let k = [
      "case_id", "customer_id", "rep_id", "opened_at", "closed_at", "origin", "escalated_at",
    ]
    #expect(
      parse(
        .cases, k,
        [
          "K1", "C1", "R1", "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", "collections",
          "2026-01-01T05:00:00Z",
        ]) == [
          "cases.csv:7: column closed_at: is before opened_at (value \"2026-01-01T00:00:00Z\")",
          "cases.csv:7: column escalation_reason: is required when escalated_at is set",
        ])
  }
}
