import ArcadenceCore
import ArcadenceMapping
import ArcadenceStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// Options of the upload page (`arcadence serve --max-upload-mb`).
public struct UploadOptions: Sendable {
  /// The largest request body accepted, bytes (default 512 MB); a zip's content counts
  /// against the same limit once unpacked.
  public var maxBytes: Int64 = 512 * 1024 * 1024
  /// Where each upload gets its temporary folder (default the system's temporary folder).
  public var folder: String?

  public init() {}

  /// Sets the limit from `--max-upload-mb` (1 to 65,536).
  public mutating func setMaxUploadMB(_ mb: Int) throws {
    guard (1...65_536).contains(mb) else {
      throw ArcadenceError(.usage, "--max-upload-mb: expected 1 to 65,536 (value \(mb))")
    }
    maxBytes = Int64(mb) * 1024 * 1024
  }

  /// The store grows by at most about this many bytes per byte of CSV imported. Measured on
  /// the sample (8.36 MB of CSV, imported into an empty store): the store's files peak at
  /// 22.0 MB during the import (the store and its write-ahead log), 13.5 MB after it and
  /// 16.6 MB once the first page has written the ledger cache, so 2.6× at the peak; 4×
  /// leaves room, and the check errs on the side of refusing.
  static let storeGrowthPerByte: Int64 = 4
}

/// Free space and the device of a path (statvfs / stat), for the disk check before writing.
enum DiskSpace {
  /// Bytes available to an unprivileged writer on the file system holding `path`.
  static func free(_ path: String) -> Int64? {
    var s = statvfs()
    guard statvfs(path, &s) == 0 else { return nil }
    let (bytes, overflow) = Int64(s.f_bavail).multipliedReportingOverflow(by: Int64(s.f_frsize))
    return overflow ? Int64.max : bytes
  }

  /// The device of the file system holding `path`.
  static func device(_ path: String) -> UInt64? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return UInt64(st.st_dev)
  }

  /// Refuses (507) unless the file systems of `temporary` and `store` have room for
  /// `upload` bytes in the first and the store's growth in the second (both in one when
  /// they are the same file system). The message says how much is needed and how much
  /// is free.
  static func check(upload: Int64, csv: Int64, temporary: String, store: String) throws {
    let growth = csv.multipliedReportingOverflow(by: UploadOptions.storeGrowthPerByte)
    let grow = growth.overflow ? Int64.max / 4 : growth.partialValue
    var needs: [(String, Int64, String)] = []
    if device(temporary) == device(store) {
      let both = upload.addingReportingOverflow(grow)
      needs.append(
        (
          temporary, both.overflow ? Int64.max : both.partialValue,
          "upload \(mb(upload)) + expected store growth \(mb(grow))"
        ))
    } else {
      needs.append((temporary, upload, "upload \(mb(upload))"))
      needs.append((store, grow, "expected store growth \(mb(grow))"))
    }
    for (path, need, why) in needs {
      guard let free = free(path) else { continue }
      if free < need {
        throw UploadRefusal(
          status: DiskSpace.insufficientStorage,
          message:
            "not enough free disk space: the import needs \(mb(need)) (\(why)) on the file "
            + "system of \(path), which has \(mb(free)) free; nothing was imported")
      }
    }
  }

  /// 507 Insufficient Storage (RFC 4918 11.5; not among HTTPTypes' names).
  static let insufficientStorage = HTTPResponse.Status(
    code: 507, reasonPhrase: "Insufficient Storage")

  /// The folder holding `path` (`.` for a bare name).
  static func folder(of path: String) -> String {
    let dir = (path as NSString).deletingLastPathComponent
    return dir.isEmpty ? "." : dir
  }

  /// Megabytes, rounded up, for messages.
  static func mb(_ bytes: Int64) -> String {
    let m = bytes / (1024 * 1024) + (bytes % (1024 * 1024) == 0 ? 0 : 1)
    return "\(Cents.grouped(UInt64(max(0, m)))) MB"
  }
}

/// One import at a time per store: a second upload while one runs is refused (409) rather
/// than queued behind the write lock with its files on disk.
enum ImportGate {
  private static let lock = NSLock()
  /// The stores with an import running; only touched under `lock`.
  private nonisolated(unsafe) static var running: Set<String> = []

  static func enter(_ store: String) -> Bool {
    lock.withLock { running.insert(store).inserted }
  }

  static func leave(_ store: String) { _ = lock.withLock { running.remove(store) } }
}

/// The admin's import page (`/import`, issue 18): a folder's CSV files, one zip of them, or
/// an export with its mapping file, uploaded as `multipart/form-data`; imported all or
/// nothing by ``FolderImport`` (what `arcadence import` runs), every problem listed as
/// `FILE:LINE: column NAME: reason (value "…")`.
///
/// The body is streamed to a temporary folder (``MultipartReader``), counted against
/// ``UploadOptions/maxBytes`` as it arrives (413 at the limit, before it is written), after
/// a disk check (507 when the disk lacks room for the upload and the store's growth); the
/// folder is removed whatever happens. Every outcome is audited as `import` with the files,
/// the rows and the outcome. The served ledger picks up the new generation by itself.
extension ArcadenceServer {
  /// What one upload came to, for the page and the audit.
  struct ImportReport {
    var status: HTTPResponse.Status
    var heading: String
    var lines: [String] = []
    var notes: [String] = []
    var files: [String] = []
    var imported = false
    /// The audit's outcome: `ok 3 reps, 2 customers`, `failed 5 problems`, `refused: …`.
    var outcome: String
  }

  /// GET shows the form; POST imports the upload and shows what happened.
  func importPage(_ request: Request, user: ServerUser, session: Session, address: String)
    async throws -> Response
  {
    guard request.method == .post else {
      return page(
        .ok, title: "Import", body: importBody(session: session, report: nil), user: user,
        session: session)
    }
    let report = await upload(request, session: session, actor: user.login)
    if report.status == .forbidden {
      return message(
        .forbidden, "Forbidden", "The form did not come from this site: reload the page.")
    }
    try accounts.audit(
      actor: user.login, action: "import",
      detail: "files " + (report.files.isEmpty ? "(none)" : report.files.joined(separator: ", "))
        + "; " + report.outcome,
      address: address)
    return page(
      report.status, title: "Import", body: importBody(session: session, report: report),
      user: user, session: session)
  }

  func importBody(session: Session, report: ImportReport?) -> String {
    var context: [String: Any] = [
      "csrf": session.csrf, "limit": MultipartReader.megabytes(options.uploads.maxBytes),
    ]
    if let report {
      context["report"] = [
        "heading": report.heading, "lines": report.lines, "notes": report.notes,
        "hasLines": !report.lines.isEmpty, "hasNotes": !report.notes.isEmpty,
        "imported": report.imported,
      ]
    }
    return Templates.render("import", context)
  }

  /// Reads, unpacks and imports one upload; never throws (every failure is a report).
  func upload(_ request: Request, session: Session, actor: String) async -> ImportReport {
    let storePath = accounts.store.path
    guard ImportGate.enter(storePath) else {
      return ImportReport(
        status: .conflict, heading: "Another import is running",
        lines: ["Try again when it has finished."], outcome: "refused: another import running")
    }
    defer { ImportGate.leave(storePath) }
    let root = options.uploads.folder ?? NSTemporaryDirectory()
    var folder: String?
    // The files received, for the audit of an upload refused after it was read.
    var received: [String] = []
    // The temporary folder goes whatever happens: imported, refused, or the client gone.
    defer { if let folder { try? FileManager.default.removeItem(atPath: folder) } }
    do {
      let limit = options.uploads.maxBytes
      let declared = request.headers[.contentLength].flatMap { Int64($0) }
      if let declared, declared > limit {
        throw UploadRefusal(
          status: .contentTooLarge,
          message: "upload: \(MultipartReader.megabytes(declared)) is larger than the limit of "
            + "\(MultipartReader.megabytes(limit)) (--max-upload-mb); nothing was imported")
      }
      // Room for the upload (as declared, else as large as allowed) and what it adds.
      let expected = min(declared ?? limit, limit)
      try DiskSpace.check(
        upload: expected, csv: expected, temporary: root,
        store: DiskSpace.folder(of: storePath))
      let made = try ArcadenceServer.temporaryFolder(in: root)
      folder = made
      let csrf = session.csrf
      var reader = try MultipartReader(
        contentType: request.headers[.contentType] ?? "", folder: made, maxBytes: limit
      ) { fields in
        guard let token = fields.first(where: { $0.name == "csrf" })?.value,
          constantTimeEquals(token, csrf)
        else { throw UploadRefusal(status: .forbidden, message: "csrf") }
      }
      for try await chunk in request.body {
        try chunk.withUnsafeReadableBytes { try reader.feed($0) }
      }
      try reader.finish()
      received = reader.files.map(\.name).sorted()
      // Unpacking and importing block: on NIO's blocking pool, off the request threads.
      let (files, ignored, store) = (reader.files, reader.ignored, accounts.store)
      return try await NIOThreadPool.singleton.runIfActive {
        try ArcadenceServer.importUploaded(
          files: files, ignored: ignored, folder: made, limit: limit, store: store)
      }
    } catch let refusal as UploadRefusal {
      return ImportReport(
        status: refusal.status, heading: "Nothing was imported", lines: [refusal.message],
        files: received, outcome: "refused: \(refusal.message)")
    } catch let error as ArcadenceError {
      return ImportReport(
        status: error.code == .usage ? .badRequest : .internalServerError,
        heading: "Nothing was imported", lines: [error.message] + error.details,
        files: received, outcome: "refused: \(error.message)")
    } catch {
      return ImportReport(
        status: .internalServerError, heading: "Nothing was imported",
        lines: ["The upload could not be read: \(error)"], outcome: "refused: \(error)")
    }
  }

  /// Unpacks the zips among the uploaded files, picks the mapping file if there is one, checks
  /// the disk again for the store's growth, and imports.
  static func importUploaded(
    files uploaded: [MultipartReader.File], ignored: [String], folder: String, limit: Int64,
    store: Store
  ) throws -> ImportReport {
    var names = uploaded.map(\.name)
    // For the audit: each file sent, a zip with what came out of it.
    var sent: [String] = []
    var notes = ignored.map { "note: skipped \($0) (not .csv, .zip, .yaml or .yml)" }
    let budget = limit
    var unpacked: Int64 = 0
    for file in uploaded where file.name.lowercased().hasSuffix(".zip") {
      let extracted = try ArcadenceServer.unzip(
        file, into: folder, budget: budget - unpacked, taken: Set(names))
      unpacked += extracted.bytes
      names.append(contentsOf: extracted.names)
      names.removeAll { $0 == file.name }
      sent.append("\(file.name) (\(extracted.names.sorted().joined(separator: ", ")))")
      notes += extracted.skipped.map { "note: skipped \($0) in \(file.name)" }
      try FileManager.default.removeItem(atPath: file.path)
    }
    // The mapping: the file sent in the form's `mapping` field, or one named mapping.yaml
    // (.yml) in the folder or a zip. Any other YAML (a generated folder's generator.yaml) is
    // not a mapping: left out, with a note.
    let isYAML = { (n: String) in
      n.lowercased().hasSuffix(".yaml") || n.lowercased().hasSuffix(".yml")
    }
    let chosen = Set(uploaded.filter { $0.field == "mapping" }.map(\.name))
    let mappings = names.filter {
      isYAML($0)
        && (chosen.contains($0) || ["mapping.yaml", "mapping.yml"].contains($0.lowercased()))
    }
    for name in names where isYAML(name) && !mappings.contains(name) {
      notes.append(
        "note: skipped \(name) (a mapping is sent as the mapping file, or named mapping.yaml)")
    }
    let csvs = names.filter { $0.lowercased().hasSuffix(".csv") }
    guard mappings.count <= 1 else {
      throw UploadRefusal(
        status: .badRequest,
        message: "mapping: at most one mapping file (value \"\(mappings.joined(separator: ", "))\")"
      )
    }
    guard !csvs.isEmpty else {
      throw UploadRefusal(
        status: .badRequest,
        message: "file: no CSV file in the upload; choose a folder's files or a zip")
    }
    let csvBytes = csvs.reduce(Int64(0)) { total, name in
      let size = (try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.size])
      return total + ((size as? NSNumber)?.int64Value ?? 0)
    }
    try DiskSpace.check(
      upload: 0, csv: csvBytes, temporary: folder,
      store: DiskSpace.folder(of: store.path))
    let run = FolderImport(
      importer: Importer(), mapping: mappings.first.map { folder + "/" + $0 })
    let files =
      (uploaded.map(\.name).filter { !$0.lowercased().hasSuffix(".zip") } + sent).sorted()
    do {
      let outcome = try run.run(directory: folder, into: store)
      let rows = outcome.summary.rows.map {
        "\(Cents.grouped(UInt64($0.count))) \($0.entity.rawValue)"
      }.joined(separator: ", ")
      return ImportReport(
        status: .ok, heading: outcome.summary.description,
        lines: [], notes: notes + outcome.notes, files: files, imported: true,
        outcome: "ok \(rows)")
    } catch let error as ArcadenceError {
      // An import's problems are the details; the message says nothing was written.
      return ImportReport(
        status: error.code == .database || error.code == .failure
          ? .internalServerError : .badRequest,
        heading: "error: " + error.message, lines: error.details, notes: notes, files: files,
        outcome: "failed: " + error.message)
    }
  }

  /// A new folder only this process can enter (mkdtemp, mode 0700) under `root`.
  static func temporaryFolder(in root: String) throws -> String {
    var template = Array(
      ((root as NSString).appendingPathComponent("arcadence-upload-XXXXXX")).utf8CString)
    // The name is read inside the closure: mkdtemp returns a pointer into the buffer.
    let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
      guard let base = buffer.baseAddress, let filled = mkdtemp(base) else { return nil }
      return String(cString: filled)
    }
    guard let made else {
      throw ArcadenceError(
        .io, "cannot make a temporary folder in \(root)", cause: SystemError.last)
    }
    return made
  }

  /// What one zip gave: the files written, their bytes, the entries left out.
  struct Unzipped {
    var names: [String] = []
    var bytes: Int64 = 0
    var skipped: [String] = []
  }

  /// Extracts the `.csv` files and a mapping (`.yaml`, `.yml`) of `file` into `folder`,
  /// flattened to their last path component; folders, hidden entries (`.x`, `__MACOSX/`) and
  /// other files are left out. ``ZipReader`` refuses `..`, absolute paths, links and bombs.
  static func unzip(
    _ file: MultipartReader.File, into folder: String, budget: Int64, taken: Set<String>
  ) throws -> Unzipped {
    let zip = try ZipReader(
      path: file.path, shownName: file.name,
      limits: .init(maxTotalBytes: max(0, budget)))
    defer { zip.close() }
    var out = Unzipped()
    var seen = taken
    for entry in zip.entries where !entry.isDirectory {
      let parts = entry.name.split(separator: "/")
      let base = entry.baseName
      let lower = base.lowercased()
      let wanted = [".csv", ".yaml", ".yml"].contains { lower.hasSuffix($0) }
      guard wanted, !parts.contains(where: { $0.hasPrefix(".") || $0 == "__MACOSX" }) else {
        out.skipped.append(TerminalText.sanitized(entry.name))
        continue
      }
      guard FileName.isFileName(base) else {
        throw UploadRefusal(
          status: .badRequest,
          message: "file: \(ZipReader.quoted(entry.name)) in \(file.name) needs a name of ASCII "
            + "letters, digits, '-', '_' and '.' (rename it) (value \"\(file.name)\")")
      }
      guard seen.insert(base).inserted else {
        throw UploadRefusal(
          status: .badRequest,
          message: "file: two files named \(base) in the upload (value \"\(file.name)\")")
      }
      let output = try OutputFile(path: folder + "/" + base)
      out.bytes += try zip.extract(entry, budget: budget - out.bytes) { try output.write($0) }
      try output.commit()
      out.names.append(base)
    }
    return out
  }
}
