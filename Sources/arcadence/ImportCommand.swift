import ArcadenceCore
import ArcadenceMapping
import ArcadenceStore
import ArgumentParser

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import a folder of CSV files into the store, all or nothing.",
    discussion: """
      Reads reps.csv, customers.csv, invoices.csv, payments.csv, adjustments.csv,
      activities.csv, promises.csv, cases.csv and tasks.csv (whichever are present) in
      that order inside one transaction. Rows whose id is already in the store replace
      it. On any problem nothing is written and every problem is listed as
      FILE:LINE: column NAME: reason (value "…").

      With --mapping FILE.yaml, the folder holds other systems' exports (an ERP's aging
      detail, a CRM's case report, a payment history) and the mapping says how to read them;
      `arcadence mapping init EXPORT.csv` writes a first mapping to confirm. Data/mappings/
      has ready ones.
      """)

  @OptionGroup var store: StoreOptions
  @Argument(help: "The folder holding the CSV files.") var directory: String
  @Flag(help: "Ignore columns the data contract does not name instead of rejecting them.")
  var ignoreExtraColumns = false
  @Option(help: "Stop after this many problems.") var maxErrors = 50
  @Option(help: "A mapping file for exports that are not in the contract's format.")
  var mapping: String?
  @Option(help: "The longest field accepted, in bytes (a longer one stops the import).")
  var maxFieldBytes = CSVReader.defaultMaxFieldBytes

  func validate() throws {
    guard maxFieldBytes >= 1 else {
      throw ValidationError("--max-field-bytes must be at least 1")
    }
  }

  func run() throws {
    try guarded {
      let importer = Importer(
        ignoreExtraColumns: ignoreExtraColumns, errorLimit: maxErrors,
        maxFieldBytes: maxFieldBytes)
      let progress: @Sendable (ImportProgress) -> Void = { p in
        Terminal.progress(
          p.entity.fileName,
          fraction: p.totalBytes > 0 ? Double(p.bytesRead) / Double(p.totalBytes) : 1)
      }
      // A failed import into a store that did not exist leaves no store behind.
      let outcome = try Store.withStore(creatingAt: store.path) { db -> FolderImport.Outcome in
        defer { Terminal.endProgress() }
        return try FolderImport(importer: importer, mapping: mapping).run(
          directory: directory, into: db, progress: progress)
      }
      for note in outcome.notes { Terminal.note(note) }
      let summary = outcome.summary
      Terminal.print(summary.description + " into \(store.path)")
    }
  }
}

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the store back to CSV files (re-importable: a round trip).")

  @OptionGroup var store: StoreOptions
  @Argument(help: "The folder to write the CSV files into.") var directory: String

  func run() throws {
    try guarded {
      let db = try store.open(create: false)
      let rows = try Exporter.run(store: db, directory: directory)
      Terminal.print(
        "exported "
          + rows.map { "\(Cents.grouped(UInt64($0.1))) \($0.0.rawValue)" }.joined(separator: ", ")
          + " to \(directory)")
    }
  }
}
