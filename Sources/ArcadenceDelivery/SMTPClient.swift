import ArcadenceCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One reply of an SMTP server: its code and its text lines (RFC 5321 §4.2).
public struct SMTPReply: Sendable, Equatable {
  public var code: Int
  public var lines: [String]
  /// The reply as one line: `451 4.3.0 try again later`.
  public var text: String { "\(code) " + lines.joined(separator: " ") }
}

/// Sends messages to a mail server (RFC 5321) with STARTTLS (RFC 3207) through NIOSSL and
/// AUTH PLAIN or LOGIN (RFC 4954) only once the connection is encrypted.
///
/// One connection per message: greeting, EHLO, STARTTLS and EHLO again (unless the
/// settings say `off`), AUTH, MAIL FROM, RCPT TO, DATA (dot-stuffed), QUIT. Every step waits
/// at most ``SMTPSettings/timeout`` seconds. A failure is an ``ArcadenceError`` naming the
/// host, the step and the server's reply (made safe for a terminal).
public struct SMTPClient: Sendable {
  public let settings: SMTPSettings
  let logger: Logger

  /// `logger` hears the warning of every message sent without TLS (the server passes its
  /// own; the command line says it once itself).
  public init(
    settings: SMTPSettings,
    logger: Logger = Logger(label: "arcadence.smtp") { _ in SwiftLogNoOpLogHandler() }
  ) {
    self.settings = settings
    self.logger = logger
  }

  /// Sends `message` (already rendered, CRLF line ends) from ``SMTPSettings/from`` to `to`.
  public func send(_ message: [UInt8], to: String) async throws {
    try HeaderText.checkAddress(to, name: "To")
    if settings.tls == .off {
      logger.warning(
        "SMTP WITHOUT TLS (ARCADENCE_SMTP_STARTTLS=off): the message to \(to) goes to \(settings.host):\(settings.port) in clear"
      )
    }
    let server = "\(settings.host):\(settings.port)"
    do {
      let connection = try await SMTPConnection.open(settings: settings)
      do {
        try await converse(connection, message: message, to: to)
        connection.close()
      } catch {
        connection.close()
        throw error
      }
    } catch let error as SMTPStepError {
      throw ArcadenceError(
        .failure,
        "cannot send mail through \(TerminalText.sanitized(server)): \(error.step): "
          + error.reason)
    } catch {
      throw ArcadenceError(
        .failure,
        "cannot send mail through \(TerminalText.sanitized(server)): "
          + TerminalText.sanitized(ArcadenceError.reason(of: error)))
    }
  }

  func converse(_ c: SMTPConnection, message: [UInt8], to: String) async throws {
    try await c.expect("greeting", nil, [220])
    var capabilities = try await c.expect("EHLO", "EHLO arcadence", [250]).lines
    var encrypted = false
    if settings.tls == .required {
      guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
        throw SMTPStepError(
          step: "STARTTLS",
          reason:
            "the server does not offer STARTTLS (set ARCADENCE_SMTP_STARTTLS=off only for a "
            + "relay on this machine)")
      }
      try await c.expect("STARTTLS", "STARTTLS", [220])
      try await c.startTLS(settings: settings)
      encrypted = true
      capabilities = try await c.expect("EHLO after STARTTLS", "EHLO arcadence", [250]).lines
    }
    if let user = settings.user, let password = settings.password {
      guard encrypted else {
        throw SMTPStepError(step: "AUTH", reason: "credentials are sent only after STARTTLS")
      }
      let auth = capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
      if auth.split(separator: " ").contains("PLAIN") || !auth.contains("LOGIN") {
        let token = Base64.encode([0] + Array(user.utf8) + [0] + Array(password.utf8))
        try await c.expect("AUTH PLAIN", "AUTH PLAIN " + token, [235], secret: true)
      } else {
        try await c.expect("AUTH LOGIN", "AUTH LOGIN", [334])
        try await c.expect("AUTH LOGIN user", Base64.encode(Array(user.utf8)), [334], secret: true)
        try await c.expect(
          "AUTH LOGIN password", Base64.encode(Array(password.utf8)), [235], secret: true)
      }
    }
    try await c.expect("MAIL FROM", "MAIL FROM:<\(settings.from)>", [250])
    try await c.expect("RCPT TO", "RCPT TO:<\(to)>", [250, 251])
    try await c.expect("DATA", "DATA", [354])
    try await c.write(SMTPClient.dotStuffed(message))
    try await c.expect("end of DATA", nil, [250])
    _ = try? await c.expect("QUIT", "QUIT", [221])
  }

  /// `message` as DATA carries it (RFC 5321 §4.5.2): every line ends with CRLF, a line
  /// starting with `.` gets a second `.`, and the data ends with `.` alone on a line.
  public static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(message.count + message.count / 64 + 8)
    var atLineStart = true
    var previous: UInt8 = 0
    for b in message {
      if b == 0x0A, previous != 0x0D { out.append(0x0D) }  // a bare LF becomes CRLF
      if previous == 0x0D, b != 0x0A { out.append(0x0A); atLineStart = true }  // a bare CR too
      if atLineStart, b == UInt8(ascii: ".") { out.append(b) }
      out.append(b)
      atLineStart = b == 0x0A
      previous = b
    }
    if previous == 0x0D { out.append(0x0A) }
    if !out.isEmpty, out.last != 0x0A { out += [0x0D, 0x0A] }
    out += Array(".\r\n".utf8)
    return out
  }
}

/// A step that failed: which, and the reply or the reason.
struct SMTPStepError: Error {
  var step: String
  var reason: String
}

/// The connection to the mail server: one channel, the reply reader in its pipeline.
final class SMTPConnection: Sendable {
  let channel: Channel
  let host: String
  let timeout: Int64

  init(channel: Channel, host: String, timeout: Int64) {
    self.channel = channel
    self.host = host
    self.timeout = timeout
  }

  static func open(settings: SMTPSettings) async throws -> SMTPConnection {
    let channel: Channel
    do {
      channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connectTimeout(.seconds(settings.timeout))
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(SMTPReplyReader())
          }
        }
        .connect(host: settings.host, port: settings.port).get()
    } catch {
      throw SMTPStepError(
        step: "connect", reason: TerminalText.sanitized(ArcadenceError.reason(of: error)))
    }
    return SMTPConnection(channel: channel, host: settings.host, timeout: settings.timeout)
  }

  func close() { channel.close(promise: nil) }

  func write(_ bytes: [UInt8]) async throws {
    try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
  }

  /// Sends `command` (if any), waits for the reply and checks its code; a `secret` command
  /// (credentials) is never quoted in an error.
  @discardableResult
  func expect(_ step: String, _ command: String?, _ codes: Set<Int>, secret: Bool = false)
    async throws -> SMTPReply
  {
    let reply: SMTPReply
    do {
      if let command { try await write(Array((command + "\r\n").utf8)) }
      reply = try await next()
    } catch let error as SMTPStepError {
      throw error
    } catch {
      throw SMTPStepError(
        step: step, reason: TerminalText.sanitized(ArcadenceError.reason(of: error)))
    }
    guard codes.contains(reply.code) else {
      let text = String(reply.text.prefix(300))
      throw SMTPStepError(
        step: step, reason: "the server replied \"\(TerminalText.sanitized(text))\"")
    }
    return reply
  }

  /// The next reply, within the timeout.
  func next() async throws -> SMTPReply {
    let loop = channel.eventLoop
    let channel = channel
    let waiting = loop.flatSubmit { () -> EventLoopFuture<SMTPReply> in
      do {
        return try channel.pipeline.syncOperations.handler(type: SMTPReplyReader.self).next(loop)
      } catch {
        return loop.makeFailedFuture(error)
      }
    }
    let promise = loop.makePromise(of: SMTPReply.self)
    let seconds = timeout
    let timer = loop.scheduleTask(in: .seconds(seconds)) {
      promise.fail(SMTPStepError(step: "reply", reason: "no reply within \(seconds) s"))
    }
    waiting.whenComplete { result in
      timer.cancel()
      promise.completeWith(result)
    }
    return try await promise.futureResult.get()
  }

  /// Puts TLS under the reply reader: the server's certificate must be valid for the host
  /// (or, for an IP address, for that address), from the system's roots or the CA file.
  func startTLS(settings: SMTPSettings) async throws {
    var tls = TLSConfiguration.makeClientConfiguration()
    if let ca = settings.caFile { tls.additionalTrustRoots = [.file(ca)] }
    let context: NIOSSLContext
    do {
      context = try NIOSSLContext(configuration: tls)
    } catch {
      throw SMTPStepError(
        step: "STARTTLS",
        reason: "cannot set up TLS (ARCADENCE_SMTP_CA_FILE?): "
          + TerminalText.sanitized(String(describing: error)))
    }
    let isAddress = (try? SocketAddress(ipAddress: settings.host, port: 0)) != nil
    let hostname = isAddress ? nil : settings.host
    let channel = channel
    try await channel.eventLoop.submit {
      try channel.pipeline.syncOperations.handler(type: SMTPReplyReader.self).reset()
      try channel.pipeline.syncOperations.addHandler(
        NIOSSLClientHandler(context: context, serverHostname: hostname), position: .first)
    }.get()
  }
}

/// Reads the server's replies: lines up to LF, a reply ends at a line whose fourth
/// character is not `-`. At most 64 KiB of an unfinished line is kept.
final class SMTPReplyReader: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer

  private var pending: [UInt8] = []
  private var lines: [String] = []
  private var replies = CircularBuffer<SMTPReply>()
  private var waiters = CircularBuffer<EventLoopPromise<SMTPReply>>()
  private var failure: (any Error)?

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var buffer = unwrapInboundIn(data)
    if let bytes = buffer.readBytes(length: buffer.readableBytes) { pending += bytes }
    while let end = pending.firstIndex(of: 0x0A) {
      var line = Array(pending[..<end])
      pending.removeSubrange(...end)
      if line.last == 0x0D { line.removeLast() }
      let text = String(decoding: line, as: UTF8.self)
      lines.append(String(text.dropFirst(4)))
      if line.count < 4 || line[3] != UInt8(ascii: "-") {
        let reply = SMTPReply(code: Int(text.prefix(3)) ?? 0, lines: lines)
        lines = []
        if let waiter = waiters.popFirst() { waiter.succeed(reply) } else { replies.append(reply) }
      }
    }
    if pending.count > 65_536 {
      fail(SMTPStepError(step: "reply", reason: "a reply line longer than 64 KiB"))
      context.close(promise: nil)
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    fail(error)
    context.close(promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    fail(SMTPStepError(step: "reply", reason: "the server closed the connection"))
    context.fireChannelInactive()
  }

  private func fail(_ error: any Error) {
    if failure == nil { failure = error }
    while let waiter = waiters.popFirst() { waiter.fail(error) }
  }

  /// Forgets what was read before STARTTLS (RFC 3207 §4.2).
  func reset() {
    pending = []
    lines = []
    replies.removeAll()
  }

  /// The next reply (now, or when it arrives).
  func next(_ loop: EventLoop) -> EventLoopFuture<SMTPReply> {
    if let reply = replies.popFirst() { return loop.makeSucceededFuture(reply) }
    if let failure { return loop.makeFailedFuture(failure) }
    let promise = loop.makePromise(of: SMTPReply.self)
    waiters.append(promise)
    return promise.futureResult
  }
}
