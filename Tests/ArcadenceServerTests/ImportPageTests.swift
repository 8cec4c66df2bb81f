import ArcadenceCore
import ArcadenceStore
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ArcadenceServer

/// The admin's upload page (`/import`): imported by the CLI's code, all or nothing, every
/// problem listed, the size limit enforced as the body arrives, zips read safely, the
/// temporary folder removed whatever happens, every outcome audited.
@Suite struct ImportPageTests {
  /// A harness whose uploads go to a folder of their own (to check it is left empty) with
  /// `limit` bytes at most.
  static func harness(limit: Int64 = 512 * 1024 * 1024) throws -> (Harness, String) {
    let folder = NSTemporaryDirectory() + "arcadence-upload-test-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var options = ServeOptions()
    options.uploads.maxBytes = limit
    options.uploads.folder = folder
    return (try Harness(options: options), folder)
  }

  static func generation(_ h: Harness) throws -> Int64? {
    try h.store.pool.read {
      try Int64.fetchOne($0, sql: "SELECT generation FROM store_generation WHERE id = 1")
    }
  }

  static func contents(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
  }

  /// Posts `files` with the session's own token (as the browser sends the form).
  static func upload(
    _ h: Harness, _ files: [(name: String, bytes: [UInt8])],
    mapping: (name: String, bytes: [UInt8])? = nil, headers extra: HTTPFields = [:]
  ) async throws -> (HTTPResponse.Status, String) {
    let (cookie, session) = await h.cookie("admin")
    let upload = TestUpload(fields: [("csrf", session.csrf)], files: files, mapping: mapping)
    return try await h.test { client async throws in
      var headers = TestUpload.headers(cookie: cookie)
      for field in extra { headers[field.name] = field.value }
      let r = try await client.execute(
        uri: "/import", method: .post, headers: headers, body: upload.body)
      return (r.status, text(r))
    }
  }

  static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

  /// A new customer C6 of R1 and an unapplied payment of $10.00 from it on 2026-03-09.
  static let goodFolder: [(name: String, bytes: [UInt8])] = [
    (
      "upload/customers.csv",
      bytes(
        "customer_id,name,segment,rep_id,payment_terms_days,created_on,autopay_enrolled_on,"
          + "autopay_cancelled_on\nC6,Foxtrot,smb,R1,30,2025-01-01,,\n")
    ),
    (
      "upload/payments.csv",
      bytes(
        "payment_id,customer_id,invoice_id,received_on,amount,method\nP9,C6,,2026-03-09,10.00,ach\n"
      )
    ),
  ]

  /// March's cash collected (the hand fixture): P2 200 + P3 500 + P5 100 + P6 200 + P7 75 =
  /// $1,075.00 for everyone, $775.00 for R1 (P2, P3, P7). The upload adds P9's $10.00 to
  /// both: $1,085.00 and $785.00.
  @Test func aGoodFolderImportsAndTheKPIsMove() async throws {
    let (h, folder) = try Self.harness()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let (status, page) = try await Self.upload(h, Self.goodFolder)
    #expect(status == .ok)
    #expect(page.contains("imported 1 customers, 1 payments in"))
    #expect(Self.contents(folder).isEmpty)
    _ = try await h.server.ledger.snapshot()
    await h.server.ledger.settled()
    let (lead, _) = await h.cookie("lead")
    try await h.test { client async throws in
      let all = text(
        try await client.execute(uri: "/kpis?month=2026-03", method: .get, headers: lead))
      #expect(all.contains("<td>Cash collected</td><td class=\"num\">$1,085.00</td>"))
      let r1 = text(
        try await client.execute(uri: "/kpis?month=2026-03&rep=R1", method: .get, headers: lead))
      #expect(r1.contains("<td>Cash collected</td><td class=\"num\">$785.00</td>"))
    }
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(row.actor == "admin")
    #expect(row.action == "import")
    #expect(row.detail == "files customers.csv, payments.csv; ok 1 customers, 1 payments")
  }

  /// Two bad rows: nothing is written (the generation does not move) and the page lists
  /// both, escaped, in the CLI's words.
  @Test func aBadFolderWritesNothingAndListsEveryProblem() async throws {
    let (h, folder) = try Self.harness()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let before = try Self.generation(h)
    let (status, page) = try await Self.upload(
      h,
      [
        (
          "payments.csv",
          Self.bytes(
            "payment_id,customer_id,invoice_id,received_on,amount,method\n"
              + "P9,C1,,2026-03-09,12.345,ach\nP10,<C99>,,2026-03-09,1.00,ach\n")
        )
      ])
    #expect(status == .badRequest)
    #expect(page.contains("error: import failed: nothing was written (2 problems)"))
    #expect(
      page.contains(
        "payments.csv:2: column amount: not a valid amount (digits, &#39;.&#39; and at most 2 "
          + "decimals, no symbols) (value &quot;12.345&quot;)"))
    #expect(
      page.contains(
        "payments.csv:3: column customer_id: no customer with this id in the import or the "
          + "store (value &quot;&lt;C99&gt;&quot;)"))
    #expect(try Self.generation(h) == before)
    #expect(Self.contents(folder).isEmpty)
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(
      row.detail == "files payments.csv; failed: import failed: nothing was written (2 problems)")
  }

  /// Content-Length over the limit: refused before a byte is read. Without one (a chunked
  /// body), the reader refuses at the chunk that passes the limit. Either way 413, nothing
  /// imported, the folder left empty.
  @Test func anOversizeUploadIsRefusedWith413() async throws {
    let (h, folder) = try Self.harness(limit: 1_000)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let big: [(name: String, bytes: [UInt8])] = [
      ("payments.csv", [UInt8](repeating: UInt8(ascii: "x"), count: 5_000))
    ]
    let before = try Self.generation(h)
    // The test client sends the Content-Length: 5,000 bytes of file and 330 of form (a 32-character token).
    let (status, page) = try await Self.upload(h, big)
    #expect(status == .contentTooLarge)
    #expect(
      page.contains(
        "upload: 5,330 bytes is larger than the limit of 1,000 bytes (--max-upload-mb); "
          + "nothing was imported"))
    #expect(try Self.generation(h) == before)
    #expect(Self.contents(folder).isEmpty)
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(row.action == "import")
    #expect(row.detail.hasPrefix("files (none); refused: upload: 5,330 bytes is larger than"))
  }

  /// Room on the disk is checked before anything is written: an upload declared at 2^59
  /// bytes (512 PiB) under a limit of 2^60 needs 2^59 + 4 × 2^59 (the store's growth) =
  /// 5 × 2^59 bytes = 2,748,779,069,440 MB on the file system of the temporary folder and
  /// the store (one file system here).
  @Test func anUploadTheDiskCannotHoldIsRefusedWith507() throws {
    let folder = NSTemporaryDirectory()
    #expect(throws: UploadRefusal.self) {
      try DiskSpace.check(upload: 1 << 59, csv: 1 << 59, temporary: folder, store: folder)
    }
    do {
      try DiskSpace.check(upload: 1 << 59, csv: 1 << 59, temporary: folder, store: folder)
    } catch let refusal as UploadRefusal {
      #expect(refusal.status.code == 507)
      #expect(
        refusal.message.hasPrefix(
          "not enough free disk space: the import needs 2,748,779,069,440 MB (upload "
            + "549,755,813,888 MB + expected store growth 2,199,023,255,552 MB) on the file "
            + "system of \(folder), which has "))
    }
    // A small upload passes.
    try DiskSpace.check(upload: 1_000, csv: 1_000, temporary: folder, store: folder)
  }

  /// While an import runs on a store, a second upload to it is refused (409), audited, and
  /// leaves nothing behind; once the first ends, uploads go through again.
  @Test func oneImportAtATimePerStore() async throws {
    let (h, folder) = try Self.harness()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(ImportGate.enter(h.store.path))
    let (busy, page) = try await Self.upload(h, Self.goodFolder)
    #expect(busy == .conflict)
    #expect(page.contains("Another import is running"))
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(row.detail == "files (none); refused: another import running")
    ImportGate.leave(h.store.path)
    let (status, _) = try await Self.upload(h, Self.goodFolder)
    #expect(status == .ok)
    #expect(Self.contents(folder).isEmpty)
  }

  /// A forged form (no token, or another session's) is refused before any file is written.
  @Test func anUploadWithoutTheSessionsTokenIsForbidden() async throws {
    let (h, folder) = try Self.harness()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let (cookie, _) = await h.cookie("admin")
    let (_, other) = await h.cookie("admin")
    for fields in [[(String, String)](), [("csrf", other.csrf)]] {
      let upload = TestUpload(fields: fields, files: Self.goodFolder)
      let status = try await h.test { client async throws in
        try await client.execute(
          uri: "/import", method: .post, headers: TestUpload.headers(cookie: cookie),
          body: upload.body
        ).status
      }
      #expect(status == .forbidden)
    }
    #expect(Self.contents(folder).isEmpty)
    #expect(try h.server.accounts.auditLog(limit: 100).allSatisfy { $0.action != "import" })
  }

  /// The good folder as one zip (in a folder of its own, one entry stored, one deflated,
  /// plus a macOS resource fork and a README left out): the same import.
  @Test func aZipOfTheFolderImports() async throws {
    let (h, folder) = try Self.harness()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let zip = TestZip(entries: [
      .init(name: "upload/", data: []),
      .init(name: "upload/customers.csv", data: Self.goodFolder[0].bytes),
      .init(name: "upload/payments.csv", data: Self.goodFolder[1].bytes, method: 8),
      .init(name: "__MACOSX/upload/._payments.csv", data: [0, 1, 2]),
      .init(name: "upload/README.txt", data: Self.bytes("hello")),
    ])
    let (status, page) = try await Self.upload(h, [("export.zip", zip.bytes)])
    #expect(status == .ok)
    #expect(page.contains("imported 1 customers, 1 payments in"))
    #expect(page.contains("note: skipped upload/README.txt in export.zip"))
    #expect(Self.contents(folder).isEmpty)
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(
      row.detail == "files export.zip (customers.csv, payments.csv); ok 1 customers, 1 payments")
  }

  /// `../`, an absolute path and a symbolic link are refused before anything is extracted;
  /// so are sizes over the limit (declared, or lied about and found while inflating).
  @Test func hostileZipsAreRefused() async throws {
    let (h, folder) = try Self.harness(limit: 4_000)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let csv = Self.goodFolder[1].bytes
    let cases: [(TestZip, String)] = [
      (
        TestZip(entries: [.init(name: "up/../../payments.csv", data: csv)]),
        "file: the archive holds a path with &#39;..&#39;, &quot;up/../../payments.csv&quot; "
          + "(value &quot;bad.zip&quot;)"
      ),
      (
        TestZip(entries: [.init(name: "/tmp/payments.csv", data: csv)]),
        "file: the archive holds an absolute path, &quot;/tmp/payments.csv&quot;"
      ),
      (
        TestZip(entries: [
          .init(name: "payments.csv", data: Self.bytes("/etc/passwd"), symlink: true)
        ]),
        "file: the archive holds a symbolic link, &quot;payments.csv&quot;"
      ),
      (
        TestZip(entries: [
          .init(name: "payments.csv", data: csv, declaredSize: 3_000),
          .init(name: "customers.csv", data: csv, declaredSize: 3_000),
        ]),
        "file: the archive would unpack to more than 4,000 bytes (the upload limit)"
      ),
      (
        TestZip(entries: [.init(name: "payments.csv", data: csv, method: 8, declaredSize: 10)]),
        "file: &quot;payments.csv&quot; unpacks to more than its declared size or the upload limit"
      ),
    ]
    let before = try Self.generation(h)
    for (zip, message) in cases {
      let (status, page) = try await Self.upload(h, [("bad.zip", zip.bytes)])
      #expect(status == .badRequest, "\(message)")
      #expect(page.contains(message), "\(message)")
    }
    // Audited with the file received and the refusal.
    let row = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(
      row.detail
        == "files bad.zip; refused: file: \"payments.csv\" unpacks to more than its declared "
        + "size or the upload limit (value \"bad.zip\")")
    #expect(try Self.generation(h) == before)
    #expect(Self.contents(folder).isEmpty)
  }

  /// An export and its mapping file, as `arcadence import --mapping` reads them.
  @Test func anExportWithItsMappingImports() async throws {
    let (h, folder) = try Self.harness()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let mapping = """
      version: 1
      targets:
        payments:
          source: bank.csv
          fields:
            payment_id: Ref
            customer_id: =C1
            received_on: Date
            amount: Amount
            method: =wire
      """
    let bank = "Ref,Date,Amount\nW1,2026-03-09,10.00\n"
    let (status, page) = try await Self.upload(
      h, [("bank.csv", Self.bytes(bank))], mapping: ("bank.yaml", Self.bytes(mapping)))
    #expect(status == .ok, "\(page)")
    #expect(page.contains("imported 1 payments in"))
    #expect(Self.contents(folder).isEmpty)
    let amount = try await h.store.pool.read {
      try Int64.fetchOne($0, sql: "SELECT amount FROM payments WHERE payment_id = 'W1'")
    }
    #expect(amount == 1_000)
    // In a zip, the mapping is the file named mapping.yaml; another YAML is left out.
    let zip = TestZip(entries: [
      .init(name: "exports/bank.csv", data: Self.bytes("Ref,Date,Amount\nW2,2026-03-10,20.00\n")),
      .init(name: "exports/mapping.yaml", data: Self.bytes(mapping)),
      .init(name: "exports/generator.yaml", data: Self.bytes("seed: 7\n")),
    ])
    let (zipped, zipPage) = try await Self.upload(h, [("exports.zip", zip.bytes)])
    #expect(zipped == .ok, "\(zipPage)")
    #expect(zipPage.contains("imported 1 payments in"))
    #expect(
      zipPage.contains(
        "note: skipped generator.yaml (a mapping is sent as the mapping file, or named "
          + "mapping.yaml)"))
    let second = try await h.store.pool.read {
      try Int64.fetchOne($0, sql: "SELECT amount FROM payments WHERE payment_id = 'W2'")
    }
    #expect(second == 2_000)
  }
}

@Suite struct MultipartReaderTests {
  /// The reader refuses the chunk that passes the limit before writing it: at the refusal,
  /// the file being written holds at most the limit's bytes.
  @Test func theFileNeverHoldsMoreThanTheLimit() throws {
    let folder = NSTemporaryDirectory() + "arcadence-multipart-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let body = TestUpload(
      fields: [("csrf", "t")], files: [("a.csv", [UInt8](repeating: 65, count: 10_000))]
    ).bytes
    var reader = try MultipartReader(
      contentType: "multipart/form-data; boundary=\(TestUpload.boundary)", folder: folder,
      maxBytes: 1_000, beforeFirstFile: { _ in })
    var refused: UploadRefusal?
    var offset = 0
    while offset < body.count {
      let end = min(body.count, offset + 300)
      do {
        try Array(body[offset..<end]).withUnsafeBytes { try reader.feed($0) }
      } catch let r as UploadRefusal {
        refused = r
        break
      }
      offset = end
    }
    #expect(refused?.status == .contentTooLarge)
    // Refused at the 4th chunk (bytes 900..<1,200): 900 bytes read, fewer written.
    #expect(offset == 900)
    let written = try FileManager.default.contentsOfDirectory(atPath: folder).map {
      (try FileManager.default.attributesOfItem(atPath: folder + "/" + $0)[.size] as? NSNumber)?
        .int64Value ?? 0
    }
    #expect(written.count == 1)
    #expect(written.reduce(0, +) <= 1_000)
  }

  /// Fields and files split at every possible chunk boundary come out the same.
  @Test func chunkBoundariesDoNotMatter() throws {
    let body = TestUpload(
      fields: [("csrf", "tok\r\n--x")], files: [("d/a.csv", Array("a,b\r\n1,2\r\n".utf8))]
    ).bytes
    for size in [1, 2, 7, 64, body.count] {
      let folder = NSTemporaryDirectory() + "arcadence-multipart-\(UUID().uuidString)"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(atPath: folder) }
      var seen: [String] = []
      var reader = try MultipartReader(
        contentType: "multipart/form-data; boundary=\"\(TestUpload.boundary)\"", folder: folder,
        maxBytes: 1_000_000, beforeFirstFile: { seen = $0.map(\.value) })
      var offset = 0
      while offset < body.count {
        let end = min(body.count, offset + size)
        try Array(body[offset..<end]).withUnsafeBytes { try reader.feed($0) }
        offset = end
      }
      try reader.finish()
      #expect(seen == ["tok\r\n--x"], "\(size)")
      #expect(reader.files.map(\.name) == ["a.csv"])
      #expect(try String(contentsOfFile: folder + "/a.csv", encoding: .utf8) == "a,b\r\n1,2\r\n")
    }
  }

  @Test func contentDispositionParameters() {
    let p = MultipartReader.parameters(#" form-data; name="files"; filename="a \"b\".csv""#)
    #expect(p["name"] == "files")
    #expect(p["filename"] == #"a "b".csv"#)
    #expect(MultipartReader.boundary("text/plain") == nil)
    #expect(MultipartReader.boundary("multipart/form-data; boundary=abc") == "abc")
  }
}
