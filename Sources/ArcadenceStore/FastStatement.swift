import ArcadenceCore
import GRDB
import GRDBSQLite

/// A GRDB-prepared statement driven through the SQLite C API, for the import's hot loop.
///
/// GRDB builds a `StatementArguments` value (and resolves key paths) for every execution,
/// which costs more than the SQLite work of a one-row upsert. This wrapper binds values with
/// `sqlite3_bind_*` directly. It owns nothing: GRDB owns the statement and finalizes it. Every
/// SQLite status is checked and turned into a `DatabaseError` with the statement's SQL.
struct FastStatement {
  let statement: Statement
  let connection: OpaquePointer?
  var raw: OpaquePointer { statement.sqliteStatement }

  init(_ db: Database, sql: String) throws {
    statement = try db.makeStatement(sql: sql)
    connection = db.sqliteConnection
  }

  /// Binds `values` to parameters 1…n, text copied (`SQLITE_TRANSIENT`); with `rowid`, that
  /// goes to parameter 1 and the values to 2…n+1.
  func bind(_ values: [FieldValue], rowid: Int64? = nil) throws {
    sqlite3_reset(raw)
    try bind(values, rowid: rowid, at: 1)
  }

  /// Binds `rowid` (if any) and then `values` from parameter `first` on, without resetting:
  /// the rows of a multi-row INSERT.
  func bind(_ values: [FieldValue], rowid: Int64?, at first: Int32) throws {
    var offset = first
    if let rowid {
      try check(sqlite3_bind_int64(raw, first, rowid))
      offset += 1
    }
    for (i, v) in values.enumerated() {
      let index = Int32(i) + offset
      let code: Int32
      switch v {
      case .null: code = sqlite3_bind_null(raw, index)
      case .integer(let n): code = sqlite3_bind_int64(raw, index, n)
      case .text(let s): code = FastStatement.bindText(raw, index, s)
      }
      try check(code)
    }
  }

  /// Binds `text` to parameter `index` (copied).
  func bind(text: String, at index: Int32) throws {
    try check(FastStatement.bindText(raw, index, text))
  }

  /// Binds all of `text`'s UTF-8 bytes (copied), by their count: a length of −1 would make
  /// SQLite stop at the first NUL byte.
  static func bindText(_ statement: OpaquePointer, _ index: Int32, _ text: String) -> Int32 {
    var text = text
    return text.withUTF8 { bytes in
      guard let base = bytes.baseAddress, !bytes.isEmpty else {
        // Empty text, not NULL (which a null pointer would bind).
        return sqlite3_bind_text64(statement, index, "", 0, transient, UInt8(SQLITE_UTF8))
      }
      return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
        sqlite3_bind_text64(
          statement, index, $0, UInt64(bytes.count), transient, UInt8(SQLITE_UTF8))
      }
    }
  }

  /// Binds `bytes` to parameter `index` as a blob without copying them (`SQLITE_STATIC`): they
  /// must stay valid until the statement has run. No bytes bind an empty blob, not NULL.
  func bind(bytes: UnsafeRawBufferPointer, at index: Int32) throws {
    guard let base = bytes.baseAddress, !bytes.isEmpty else {
      return try check(sqlite3_bind_zeroblob(raw, index, 0))
    }
    try check(sqlite3_bind_blob64(raw, index, base, UInt64(bytes.count), nil))
  }

  /// Runs the statement to completion (no rows expected).
  func execute() throws {
    let code = sqlite3_step(raw)
    guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    sqlite3_reset(raw)
  }

  /// Steps once; returns whether a row is available (read it before the next call).
  func step() throws -> Bool {
    let code = sqlite3_step(raw)
    switch code {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    default: throw error(code)
    }
  }

  /// Ends the current execution, so that the statement holds no read lock (a schema change
  /// such as `DROP INDEX` fails while a statement is active).
  func reset() { sqlite3_reset(raw) }

  /// Text of column `i` of the current row, or nil for NULL.
  func text(_ i: Int32) -> String? {
    guard let p = sqlite3_column_text(raw, i) else { return nil }
    // By the byte count, not up to the first NUL.
    let n = Int(sqlite3_column_bytes(raw, i))
    return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
  }

  /// Integer of column `i` of the current row.
  func integer(_ i: Int32) -> Int64 { sqlite3_column_int64(raw, i) }

  /// Integer of column `i` of the current row, or nil for NULL.
  func optionalInteger(_ i: Int32) -> Int64? {
    sqlite3_column_type(raw, i) == SQLITE_NULL ? nil : sqlite3_column_int64(raw, i)
  }

  /// Column `i` of the current row, typed by context (NULL reads as 0 or "").
  subscript(_ i: Int32) -> Int64 { integer(i) }
  subscript(_ i: Int32) -> Int32 { Int32(truncatingIfNeeded: integer(i)) }
  subscript(_ i: Int32) -> String { text(i) ?? "" }
  /// Column `i` of the current row, nil for NULL.
  subscript(_ i: Int32) -> String? { text(i) }
  subscript(_ i: Int32) -> Int64? { optionalInteger(i) }
  subscript(_ i: Int32) -> Int32? { optionalInteger(i).map { Int32(truncatingIfNeeded: $0) } }

  /// Runs a query and calls `body` for each row (read columns with `text`, `integer`).
  func forEachRow(_ body: (FastStatement) throws -> Void) throws {
    sqlite3_reset(raw)
    while try step() { try body(self) }
    sqlite3_reset(raw)
  }

  /// Rows changed by the last execution.
  var changes: Int32 { sqlite3_changes(connection) }

  private func check(_ code: Int32) throws {
    guard code == SQLITE_OK else { throw error(code) }
  }

  private func error(_ code: Int32) -> DatabaseError {
    sqlite3_reset(raw)
    let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
    return DatabaseError(
      resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
  }

  /// SQLite's "copy the text now" destructor.
  static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
