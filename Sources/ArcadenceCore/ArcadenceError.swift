/// An error a person can act on: a code, a message, and the context lines that locate it.
///
/// The CLI prints `error: MESSAGE` and each detail line, with no stack trace, and exits
/// with ``exitStatus``.
public struct ArcadenceError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What kind of mistake this is; decides the exit status.
  public enum Code: String, Sendable {
    /// Wrong arguments or an unknown rep, team or period (exit 2).
    case usage
    /// Input data that breaks the data contract (exit 1).
    case invalidData
    /// A file or directory that cannot be read or written (exit 1).
    case io
    /// The SQLite store refused an operation (exit 1).
    case database
    /// A scenario or configuration file that is not valid (exit 1).
    case invalidConfiguration
  }

  /// The kind of error.
  public var code: Code
  /// One sentence saying what is wrong.
  public var message: String
  /// Lines that locate the problem, e.g. `invoices.csv:12: column due_on: …`.
  public var details: [String]

  /// Creates an error.
  public init(_ code: Code, _ message: String, details: [String] = []) {
    self.code = code
    self.message = message
    self.details = details
  }

  /// The process exit status for this error.
  public var exitStatus: Int32 { code == .usage ? 2 : 1 }

  /// The message followed by the detail lines.
  public var description: String {
    ([message] + details).joined(separator: "\n")
  }
}

/// One problem with one value of an input file, in the data contract's format:
/// `FILE:LINE: column NAME: what is wrong (value "…")`.
public struct InputIssue: Sendable, Hashable, CustomStringConvertible {
  /// File name as the user sees it (`invoices.csv`).
  public var file: String
  /// 1-based physical line where the record starts (the header is line 1).
  public var line: Int
  /// Column name, or nil for a problem with the whole record.
  public var column: String?
  /// What is wrong.
  public var message: String
  /// The offending value, if any.
  public var value: String?

  /// Creates an issue.
  public init(file: String, line: Int, column: String?, message: String, value: String?) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
    self.value = value
  }

  /// `invoices.csv:12: column due_on: before issued_on (value "2026-01-01")`.
  public var description: String {
    var s = "\(file):\(line): "
    if let column { s += "column \(column): " }
    s += message
    if let value { s += " (value \"\(InputIssue.clip(value))\")" }
    return s
  }

  /// Keeps error lines readable: quotes and unsafe characters escaped (one rule:
  /// ``TerminalText``), long values shortened.
  static func clip(_ value: String) -> String {
    var out = ""
    for scalar in value.unicodeScalars {
      if scalar == "\"" {
        out += "\\\""
      } else if TerminalText.isUnsafe(scalar) {
        out += TerminalText.escape(scalar)
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out.count > 80 ? String(out.prefix(77)) + "…" : out
  }
}

/// One problem with one row of the store (written by another tool, since the importer
/// checks every row): `TABLE ID: column NAME: what is wrong (value "…")`, the store's
/// form of ``InputIssue``, with the id and the value escaped the same way.
public struct StoreIssue: Sendable, Hashable, CustomStringConvertible {
  /// The table (`payments`).
  public var table: String
  /// The row's id (`P1`).
  public var id: String
  /// The column.
  public var column: String
  /// What is wrong.
  public var message: String
  /// The offending value, if any.
  public var value: String?

  /// Creates an issue.
  public init(table: String, id: String, column: String, message: String, value: String?) {
    self.table = table
    self.id = id
    self.column = column
    self.message = message
    self.value = value
  }

  /// `payments P1: column customer_id: no such customer (value "C9")`.
  public var description: String {
    var s = "\(table) \(InputIssue.clip(id)): column \(column): \(message)"
    if let value { s += " (value \"\(InputIssue.clip(value))\")" }
    return s
  }
}
