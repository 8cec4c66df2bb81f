#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An error a person can act on: a code, a message, and the context lines that locate it.
///
/// The CLI prints `error: MESSAGE` and each detail line, with no stack trace, and exits
/// with ``exitStatus``. An error that comes from another one keeps it as ``cause`` (as
/// swift-nio's `IOError` keeps its `errno` and GRDB's `DatabaseError` SQLite's code), and its
/// message ends with the cause's reason: `cannot write out.csv: No space left on device`.
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
    /// Any other failure, reported with the words of the error underneath (exit 1).
    case failure
  }

  /// The kind of error.
  public var code: Code
  /// One sentence saying what is wrong.
  public var message: String
  /// Lines that locate the problem, e.g. `invoices.csv:12: column due_on: …`.
  public var details: [String]
  /// The error underneath, if any: a ``SystemError`` (the `errno` of a failed system call),
  /// a chart kit or SQLite error. Its reason is already at the end of ``message``.
  public var cause: (any Error)?

  /// Creates an error; with a `cause`, the message is `message: REASON`, where the reason is
  /// the cause's own words (``reason(of:)``).
  public init(
    _ code: Code, _ message: String, details: [String] = [], cause: (any Error)? = nil
  ) {
    self.code = code
    self.message = cause.map { "\(message): \(ArcadenceError.reason(of: $0))" } ?? message
    self.details = details
    self.cause = cause
  }

  /// The words an error gives for itself: an ``ArcadenceError``'s message, the system's
  /// reason for a ``SystemError``, else the error's description.
  public static func reason(of error: any Error) -> String {
    if let error = error as? ArcadenceError { return error.message }
    return String(describing: error)
  }

  /// Any error as the one a person reads: an ``ArcadenceError`` as it is; any other (a chart
  /// kit `ChartError`, a SQLite error, a system error) as a failure (exit 1) whose message
  /// is the error's own words, kept as the ``cause``.
  public static func reported(_ error: any Error) -> ArcadenceError {
    if let error = error as? ArcadenceError { return error }
    var failure = ArcadenceError(.failure, reason(of: error))
    failure.cause = error
    return failure
  }

  /// Equal code, message and details (the cause's reason is part of the message).
  public static func == (a: ArcadenceError, b: ArcadenceError) -> Bool {
    a.code == b.code && a.message == b.message && a.details == b.details
  }

  /// The process exit status for this error.
  public var exitStatus: Int32 { code == .usage ? 2 : 1 }

  /// The message followed by the detail lines.
  public var description: String {
    ([message] + details).joined(separator: "\n")
  }
}

/// A failed system call: its `errno`, described by the system (`No space left on device`).
public struct SystemError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The `errno` value.
  public var code: Int32

  /// The error for an `errno` value.
  public init(code: Int32) { self.code = code }

  /// The error of the last failed system call of this thread (`errno` now).
  public static var last: SystemError { SystemError(code: errno) }

  /// The system's words for the error (`strerror`).
  public var description: String { String(cString: strerror(code)) }
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
