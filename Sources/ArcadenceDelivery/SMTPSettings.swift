import ArcadenceCore

/// How to reach the mail server: from the environment only, never from the store
/// (`ARCADENCE_SMTP_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_FROM`, `_STARTTLS`, `_CA_FILE`).
public struct SMTPSettings: Sendable, Equatable {
  public enum TLSMode: String, Sendable {
    /// STARTTLS must succeed before anything else is sent (the default).
    case required
    /// No TLS at all: for a relay on the same machine; said loudly in the log.
    case off
  }

  public var host: String
  public var port: Int
  public var user: String?
  public var password: String?
  /// The envelope sender and the `From` address.
  public var from: String
  /// The display name of `From`.
  public var fromName: String
  public var tls: TLSMode
  /// An extra trust root (PEM), for a private CA or a test server's self-signed certificate.
  public var caFile: String?
  /// Seconds allowed for the connection and for each reply.
  public var timeout: Int64

  public init(
    host: String, port: Int = 587, user: String? = nil, password: String? = nil, from: String,
    fromName: String = "arcadence", tls: TLSMode = .required, caFile: String? = nil,
    timeout: Int64 = 30
  ) {
    self.host = host
    self.port = port
    self.user = user
    self.password = password
    self.from = from
    self.fromName = fromName
    self.tls = tls
    self.caFile = caFile
    self.timeout = timeout
  }

  /// The settings in `environment`, or nil when `ARCADENCE_SMTP_HOST` is not set. A value
  /// that is not valid is a usage error naming the variable and the value (never the
  /// password's).
  public static func fromEnvironment(_ environment: [String: String]) throws -> SMTPSettings? {
    guard let host = environment["ARCADENCE_SMTP_HOST"], !host.isEmpty else { return nil }
    guard
      host.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F })
    else {
      throw ArcadenceError(
        .usage,
        "ARCADENCE_SMTP_HOST: not a host name or address "
          + "(value \"\(TerminalText.sanitized(host))\")")
    }
    var port = 587
    if let text = environment["ARCADENCE_SMTP_PORT"] {
      guard let p = Int(text), (1...65_535).contains(p) else {
        throw ArcadenceError(
          .usage,
          "ARCADENCE_SMTP_PORT: expected 1 to 65,535 (value \"\(TerminalText.sanitized(text))\")"
        )
      }
      port = p
    }
    guard let from = environment["ARCADENCE_SMTP_FROM"] else {
      throw ArcadenceError(
        .usage, "ARCADENCE_SMTP_FROM: needed with ARCADENCE_SMTP_HOST (the sender's address)")
    }
    try HeaderText.checkAddress(from, name: "ARCADENCE_SMTP_FROM")
    var tls = TLSMode.required
    if let text = environment["ARCADENCE_SMTP_STARTTLS"] {
      guard let mode = TLSMode(rawValue: text) else {
        throw ArcadenceError(
          .usage,
          "ARCADENCE_SMTP_STARTTLS: expected required or off "
            + "(value \"\(TerminalText.sanitized(text))\")")
      }
      tls = mode
    }
    let user = environment["ARCADENCE_SMTP_USER"].flatMap { $0.isEmpty ? nil : $0 }
    let password = environment["ARCADENCE_SMTP_PASSWORD"]
    if user != nil, password == nil {
      throw ArcadenceError(.usage, "ARCADENCE_SMTP_PASSWORD: needed with ARCADENCE_SMTP_USER")
    }
    if user != nil, tls == .off {
      throw ArcadenceError(
        .usage,
        "ARCADENCE_SMTP_USER: credentials are sent only after STARTTLS; "
          + "ARCADENCE_SMTP_STARTTLS=off would send them in clear")
    }
    for (name, value) in [("ARCADENCE_SMTP_USER", user), ("ARCADENCE_SMTP_PASSWORD", password)] {
      if let value, value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
        throw ArcadenceError(.usage, "\(name): no control characters")
      }
    }
    return SMTPSettings(
      host: host, port: port, user: user, password: password, from: from,
      tls: tls, caFile: environment["ARCADENCE_SMTP_CA_FILE"])
  }
}
