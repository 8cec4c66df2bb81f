import ArcadenceCore
import ArcadenceStore

/// One import of a folder into the store, with or without a mapping file: the one home of
/// what `arcadence import DIR [--mapping FILE]` does, called by the command line and by the
/// served app's upload page (`/import`), so both read, check and write exactly alike.
///
/// Contract files are read by ``Importer/run(directory:into:progress:)``; with a mapping,
/// the exports the mapping names are read through it (``Mapping/sources(directory:maxFieldBytes:)``).
/// Either way the import is one transaction: on any problem nothing is written and the error
/// (``ArcadenceError`` `.invalidData`) holds one `FILE:LINE: column NAME: …` line per problem.
public struct FolderImport: Sendable {
  /// The importer's options (extra columns, the number of problems listed, the field limit).
  public var importer: Importer
  /// The mapping file, when the folder holds other systems' exports.
  public var mapping: String?

  /// What one import did.
  public struct Outcome: Sendable {
    /// Rows per entity, the time it took and the CSV files that are not the contract's.
    public var summary: ImportSummary
    /// Source rows a mapping's `skip_if_empty` / `only_if` left out.
    public var skippedSourceRows: Int
    /// The notes the command line prints before its summary line (skipped rows and files).
    public var notes: [String] {
      var out: [String] = []
      if skippedSourceRows > 0 {
        out.append("note: \(skippedSourceRows) source rows left out by skip_if_empty / only_if")
      }
      for name in summary.skippedFiles {
        out.append("note: skipped \(name) (not a file of the data contract)")
      }
      return out
    }
  }

  /// An import with `importer`'s options, through `mapping` if given.
  public init(importer: Importer, mapping: String? = nil) {
    self.importer = importer
    self.mapping = mapping
  }

  /// Imports `directory` into `store`, all or nothing.
  public func run(
    directory: String, into store: Store,
    progress: (@Sendable (ImportProgress) -> Void)? = nil
  ) throws -> Outcome {
    guard let mapping else {
      let summary = try importer.run(directory: directory, into: store, progress: progress)
      return Outcome(summary: summary, skippedSourceRows: 0)
    }
    let sources = try Mapping(path: mapping).sources(
      directory: directory, maxFieldBytes: importer.maxFieldBytes)
    let summary = try importer.run(sources: sources, into: store, progress: progress)
    return Outcome(summary: summary, skippedSourceRows: sources.map(\.skipped).reduce(0, +))
  }
}
