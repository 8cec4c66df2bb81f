#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading a whole input file (a scenario, a calibration, a mapping, a chart data file), the
/// reading side of ``OutputFile``: a failure is `cannot read WHAT: REASON` with the system's
/// reason (`No such file or directory`, `Is a directory`, `Permission denied`) as the cause.
public enum InputFile {
  /// The bytes of the file at `path`; `what` names it in errors (`the scenario file x.yaml`).
  public static func bytes(at path: String, describing what: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else {
      throw ArcadenceError(.io, "cannot read \(what)", cause: SystemError.last)
    }
    defer { fclose(file) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
      out.append(contentsOf: buffer[0..<n])
      if n < buffer.count {
        if ferror(file) != 0 {
          throw ArcadenceError(.io, "cannot read \(what)", cause: SystemError.last)
        }
        return out
      }
    }
  }

  /// The file at `path` as UTF-8 text, without a leading byte-order mark (as Foundation's
  /// `String(contentsOfFile:encoding:)` reads it); bytes that are not UTF-8 are an error
  /// naming `what`.
  public static func text(at path: String, describing what: String) throws -> String {
    var bytes = try bytes(at: path, describing: what)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw ArcadenceError(.io, "cannot read \(what): not UTF-8 text")
    }
    return text
  }
}
