import ArcadenceCore
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
      """)

  @OptionGroup var store: StoreOptions
  @Argument(help: "The folder holding the CSV files.") var directory: String
  @Flag(help: "Ignore columns the data contract does not name instead of rejecting them.")
  var ignoreExtraColumns = false
  @Option(help: "Stop after this many problems.") var maxErrors = 50

  func run() throws {
    try guarded {
      let db = try store.open(create: true)
      let importer = Importer(ignoreExtraColumns: ignoreExtraColumns, errorLimit: maxErrors)
      let summary = try importer.run(directory: directory, into: db) { p in
        Terminal.progress(
          p.entity.fileName,
          fraction: p.totalBytes > 0 ? Double(p.bytesRead) / Double(p.totalBytes) : 1)
      }
      Terminal.endProgress()
      for name in summary.skippedFiles {
        Terminal.note("note: skipped \(name) (not a file of the data contract)")
      }
      print(summary.description + " into \(db.path)")
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
      print(
        "exported "
          + rows.map { "\(Cents.grouped(UInt64($0.1))) \($0.0.rawValue)" }.joined(separator: ", ")
          + " to \(directory)")
    }
  }
}
