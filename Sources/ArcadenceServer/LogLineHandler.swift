import ArcadenceCore
import Foundation
import Logging

/// The swift-log handler of `arcadence serve`: one line per event on standard error, built
/// with plain string appends and written with one `write(2)`.
///
/// `2026-11-30T19:10:26Z info arcadence.serve: request address=127.0.0.1 method=GET ms=0
/// path=/kpis status=200 user=lead`: the time (UTC, whole seconds, ``Timestamp``), the
/// level, the label, the message, then the metadata sorted by key. Every part passes through
/// ``TerminalText/sanitized(_:keepingLineBreaks:)``, so a path or a login cannot start a
/// false line or drive the terminal that shows the log. swift-log's own stream handler
/// formats the time through the C library (a time zone lookup per line) and flushes a
/// buffered stream per line; this one does neither, since the server writes a line for every
/// request (serve.md: one structured log line per request).
public struct LogLineHandler: LogHandler {
  public var metadata: Logger.Metadata = [:]
  public var logLevel: Logger.Level = .info
  public let label: String
  /// Where the lines go (a file descriptor; standard error by default).
  let descriptor: Int32

  public init(label: String) {
    self.init(label: label, descriptor: 2)
  }

  init(label: String, descriptor: Int32) {
    self.label = label
    self.descriptor = descriptor
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  /// The line of an event at `seconds` (since the epoch), with its line break.
  func line(_ event: LogEvent, seconds: Int64) -> String {
    var fields = metadata
    if let own = event.metadata { fields.merge(own) { _, new in new } }
    var line = Timestamp(seconds: seconds).description
    line += " \(event.level) "
    line += TerminalText.sanitized(label)
    line += ": "
    line += TerminalText.sanitized("\(event.message)")
    for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
      line += " "
      line += TerminalText.sanitized(key)
      line += "="
      line += TerminalText.sanitized("\(value)")
    }
    if let error = event.error { line += " error=" + TerminalText.sanitized("\(error)") }
    line += "\n"
    return line
  }

  public func log(event: LogEvent) {
    var text = line(event, seconds: Int64(time(nil)))
    text.withUTF8 { bytes in
      var rest = UnsafeRawBufferPointer(bytes)
      while let base = rest.baseAddress, !rest.isEmpty {
        let written = write(descriptor, base, rest.count)
        guard written > 0 else { return }  // a closed or full log is not worth a failed request
        rest = UnsafeRawBufferPointer(rebasing: rest[written...])
      }
    }
  }
}
