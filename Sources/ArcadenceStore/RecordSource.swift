import ArcadenceCore

/// Where an import reads the rows of one entity from: a contract CSV file, or an export
/// mapped onto the contract (see `ArcadenceMapping`).
///
/// A source yields records whose fields are already in the contract's formats, in the
/// order of ``header``; the importer then validates them exactly as it validates a contract
/// file. Problems are reported against the source: its file name, its line numbers, and its
/// own column names.
public protocol RecordSource: AnyObject {
  /// The entity the records are rows of.
  var entity: Entity { get }
  /// The file named in messages.
  var fileName: String { get }
  /// The contract column names the records carry, in order.
  var header: [String] { get }
  /// Bytes of the source read so far, and its size (for a progress bar).
  var progress: (read: Int64, total: Int64) { get }
  /// The next record and any problem found while converting it; nil at the end.
  func next() throws -> (record: CSVRecord, issues: [InputIssue])?
  /// How a contract column appears in the source, for messages (`InvoiceDate (issued_on)`).
  func describe(column: String) -> String
  /// Whether a row whose id is already in the store is left as it is (true) or replaces it
  /// (false, the contract's rule for its own files).
  var keepsExisting: Bool { get }
}

extension RecordSource {
  /// Contract files replace existing rows.
  public var keepsExisting: Bool { false }
}

/// A contract CSV file as it is.
public final class ContractFile: RecordSource {
  public let entity: Entity
  public let header: [String]
  private let reader: CSVReader

  /// Opens `path` and reads its header; nil header means an empty file. A field longer than
  /// `maxFieldBytes` stops the reading.
  public init(
    entity: Entity, path: String, maxFieldBytes: Int = CSVReader.defaultMaxFieldBytes
  ) throws {
    self.entity = entity
    reader = try CSVReader(path: path, fileName: entity.fileName, maxFieldBytes: maxFieldBytes)
    header = try reader.next()?.fields ?? []
  }

  public var fileName: String { entity.fileName }
  public var progress: (read: Int64, total: Int64) { (reader.bytesRead, reader.totalBytes) }

  public func next() throws -> (record: CSVRecord, issues: [InputIssue])? {
    try reader.next().map { ($0, []) }
  }

  public func describe(column: String) -> String { column }
}
