import ArcadenceCore
import Foundation
import GRDB

/// Writes the store back to the CSV files of the data contract.
///
/// The output re-imports to the same store: import → export → import is a round trip.
/// Rows are written in id order; timestamps in UTC with `Z`; money with two decimals.
public enum Exporter {
  /// Writes one CSV per entity into `directory` (created if missing); returns rows per entity.
  @discardableResult
  public static func run(store: Store, directory: String) throws -> [(Entity, Int)] {
    let folder = try OutputFolder(directory)
    return try store.pool.read { db in
      var out: [(Entity, Int)] = []
      for entity in Entity.allCases {
        let columns = entity.columns
        let writer = try CSVWriter(path: try folder.path(of: entity.fileName))
        try writer.write(columns.map(\.name))
        let cursor = try Row.fetchCursor(
          db,
          sql: "SELECT \(columns.map(\.name).joined(separator: ", ")) FROM \(entity.table) "
            + "ORDER BY \(entity.idColumn)")
        var n = 0
        var fields = [String](repeating: "", count: columns.count)
        while let row = try cursor.next() {
          for (i, c) in columns.enumerated() {
            fields[i] = c.format(FieldValue(row[i] as DatabaseValue))
          }
          try writer.write(fields)
          n += 1
        }
        try writer.close()
        out.append((entity, n))
      }
      return out
    }
  }
}
