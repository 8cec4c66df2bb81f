import ArcadenceCore
import ArcadenceStore
import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `--db PATH`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
  @Option(
    name: .long,
    help: "The SQLite store (default: $ARCADENCE_DB or \(Store.defaultPath)).")
  var db: String?

  /// The path in force: the flag, then the environment, then the default.
  var path: String {
    db ?? ProcessInfo.processInfo.environment["ARCADENCE_DB"] ?? Store.defaultPath
  }

  func open(create: Bool) throws -> Store { try Store(path: path, create: create) }
}

/// Runs a command body (or a `validate()`); any error becomes one `error: …` message on
/// stderr and a non-zero exit (``ArcadenceError/reported(_:)``), never a stack trace or
/// ArgumentParser's generic handler. An `ExitCode` already chosen passes through.
func guarded(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let exit as ExitCode {
    throw exit
  } catch {
    let reported = ArcadenceError.reported(error)
    Terminal.error(reported.description)
    throw ExitCode(reported.exitStatus)
  }
}

/// Writes text to a file atomically (``OutputFile``), or fails with a message naming it.
func writeText(_ text: String, to path: String) throws {
  try OutputFile.write(text, to: path)
}

/// Writing to the terminal: stdout for results, stderr for progress and errors.
///
/// Text goes out through ``TerminalText``: control and bidi characters from the data show as
/// escapes (`\u{1b}`), the program's own line breaks stay.
enum Terminal {
  static let stderrIsTTY = isatty(2) == 1
  static let stdoutIsTTY = isatty(1) == 1

  static func error(_ text: String) {
    let safe = TerminalText.sanitized(text, keepingLineBreaks: true)
    FileHandle.standardError.write(Data(("error: " + safe + "\n").utf8))
  }

  /// Prints text on stdout like `print`, with control and bidi characters escaped.
  static func print(_ text: String, terminator: String = "\n") {
    Swift.print(TerminalText.sanitized(text, keepingLineBreaks: true), terminator: terminator)
  }

  /// Prints a JSON document and a newline on stdout (as bytes: a report can be megabytes).
  static func printJSON(_ json: JSONValue) { printJSON(bytes: json.utf8()) }

  /// Prints a JSON document already written (``JSONWriter``), with a final line break.
  static func printJSON(bytes: [UInt8]) {
    fflush(nil)  // whatever `print` has buffered goes first
    // Like `print`, a write error (a closed pipe, a full disk) is not a crash. The line
    // break is written on its own: appending it would copy a document of megabytes.
    try? FileHandle.standardOutput.write(contentsOf: bytes)
    try? FileHandle.standardOutput.write(contentsOf: [UInt8(ascii: "\n")])
  }

  static func note(_ text: String) {
    let safe = TerminalText.sanitized(text, keepingLineBreaks: true)
    FileHandle.standardError.write(Data((safe + "\n").utf8))
  }

  /// Draws `label [#####-----] 45%` in place on stderr when it is a terminal.
  static func progress(_ label: String, fraction: Double) {
    guard stderrIsTTY else { return }
    let width = 30
    let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded())
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let pct = Int((fraction * 100).rounded())
    let line = "\r\(label.padding(toLength: 16, withPad: " ", startingAt: 0)) [\(bar)] \(pct)%"
    FileHandle.standardError.write(Data(line.utf8))
  }

  static func endProgress() {
    guard stderrIsTTY else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
  }
}
