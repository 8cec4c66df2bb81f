/// A folder the product writes files into: the chart set, the simulation and backtest
/// charts, the dashboard, the forecast files.
///
/// The one home for writing into a folder: the folder (and its parents) is created when the
/// value is made, every file goes through ``OutputFile`` (atomic, regular files only), and
/// every name follows one rule, ``FileName/isFileName(_:)``, so nothing written can land
/// outside the folder or be hidden. Names built from ids come from ``FileName/safe(_:)`` or
/// ``FileName/distinct(_:)``.
public struct OutputFolder: Sendable {
  /// The folder as the user gave it.
  public let path: String

  /// Creates the folder and its parents if they are missing (``OutputFile/createDirectory(_:)``).
  public init(_ path: String) throws {
    try OutputFile.createDirectory(path)
    self.path = path
  }

  /// The path of the file `name` in this folder, or an error when `name` breaks the rule.
  public func path(of name: String) throws -> String {
    guard FileName.isFileName(name) else {
      throw ArcadenceError(
        .invalidData,
        "cannot write \(name) into \(path): not a safe file name (ASCII letters, digits, -, _ "
          + "and ., at most \(FileName.maxFileNameLength) bytes, not starting with .)")
    }
    return path.hasSuffix("/") ? path + name : path + "/" + name
  }

  /// The folder `name` inside this one, created if missing.
  public func folder(_ name: String) throws -> OutputFolder {
    try OutputFolder(try path(of: name))
  }

  /// Writes `bytes` as the file `name` atomically; returns its path.
  @discardableResult
  public func write(_ bytes: [UInt8], as name: String) throws -> String {
    let file = try path(of: name)
    try OutputFile.write(bytes, to: file)
    return file
  }

  /// Writes `text` as UTF-8 as the file `name` atomically; returns its path.
  @discardableResult
  public func write(_ text: String, as name: String) throws -> String {
    try write(Array(text.utf8), as: name)
  }
}
