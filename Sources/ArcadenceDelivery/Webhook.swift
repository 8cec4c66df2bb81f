import ArcadenceCore
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A Slack-compatible incoming webhook (`ARCADENCE_WEBHOOK_URL`): one POST of
/// `{"text": "…"}` per report, over HTTPS (or HTTP for a local sink), on NIO with NIOSSL.
public struct Webhook: Sendable {
  public let url: URL
  /// Seconds allowed for the whole exchange.
  public let timeout: Int64
  /// An extra trust root (PEM) for an HTTPS sink with a private CA (tests).
  public let caFile: String?

  /// The webhook of `environment` (`ARCADENCE_WEBHOOK_URL`), or nil when unset. A URL that
  /// is not `http://` or `https://` with a host is a usage error naming the variable.
  public static func fromEnvironment(_ environment: [String: String]) throws -> Webhook? {
    guard let text = environment["ARCADENCE_WEBHOOK_URL"], !text.isEmpty else { return nil }
    guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
    else {
      // The URL is a secret (Slack's carries a token): only its start is named.
      throw ArcadenceError(
        .usage,
        "ARCADENCE_WEBHOOK_URL: expected an http:// or https:// URL "
          + "(value starts \"\(TerminalText.sanitized(String(text.prefix(12))))…\")")
    }
    return Webhook(url: url, timeout: 30, caFile: environment["ARCADENCE_SMTP_CA_FILE"])
  }

  public init(url: URL, timeout: Int64 = 30, caFile: String? = nil) {
    self.url = url
    self.timeout = timeout
    self.caFile = caFile
  }

  /// Slack's mrkdwn escaping of untrusted text: `&`, `<` and `>` as `&amp;`, `&lt;`,
  /// `&gt;` (nothing else is special to Slack in `text`).
  public static func escaped(_ text: String) -> String {
    var out = ""
    for ch in text {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      default: out.append(ch)
      }
    }
    return out
  }

  /// The request body: `{"text": TEXT}` (JSON escaping by ``JSONValue``).
  public static func body(text: String) -> [UInt8] {
    JSONValue.object([("text", .string(text))]).utf8(pretty: false)
  }

  /// POSTs `{"text": text}`; a status other than 2xx, a connection that fails or no answer
  /// within the timeout is an error naming the host and the status (never the URL's path,
  /// which carries the hook's token).
  public func post(text: String) async throws {
    let host = url.host ?? ""
    let https = url.scheme?.lowercased() == "https"
    let port = url.port ?? (https ? 443 : 80)
    var path = url.path.isEmpty ? "/" : url.path
    if let query = url.query { path += "?" + query }
    let body = Webhook.body(text: text)
    let hostHeader = url.port == nil ? host : "\(host):\(port)"
    let head =
      "POST \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: arcadence\r\n"
      + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
      + "Connection: close\r\n\r\n"
    var tls = TLSConfiguration.makeClientConfiguration()
    if let caFile { tls.additionalTrustRoots = [.file(caFile)] }
    let sslContext: NIOSSLContext? = https ? try NIOSSLContext(configuration: tls) : nil
    let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
    let sni = isAddress ? nil : host
    let named = "webhook \(TerminalText.sanitized(hostHeader))"
    let response: [UInt8]
    do {
      let loop = MultiThreadedEventLoopGroup.singleton.next()
      let collected = loop.makePromise(of: [UInt8].self)
      let channel = try await ClientBootstrap(group: loop)
        .connectTimeout(.seconds(timeout))
        .channelInitializer { channel in
          channel.eventLoop.makeCompletedFuture {
            if let sslContext {
              try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: sslContext, serverHostname: sni))
            }
            try channel.pipeline.syncOperations.addHandler(ResponseCollector(done: collected))
          }
        }
        .connect(host: host, port: port).get()
      let timer = loop.scheduleTask(in: .seconds(timeout)) { channel.close(promise: nil) }
      try await channel.writeAndFlush(ByteBuffer(bytes: Array(head.utf8) + body)).get()
      response = try await collected.futureResult.get()
      timer.cancel()
    } catch {
      throw ArcadenceError(
        .failure,
        "cannot post to the \(named): " + TerminalText.sanitized(ArcadenceError.reason(of: error)))
    }
    // `HTTP/1.1 200 OK`: the status is the second word of the first line.
    let firstLine = response.prefix { $0 != 0x0D && $0 != 0x0A }
    let words = String(decoding: firstLine, as: UTF8.self).split(separator: " ")
    guard words.count >= 2, let status = Int(words[1]) else {
      throw ArcadenceError(.failure, "cannot post to the \(named): no HTTP answer")
    }
    guard (200..<300).contains(status) else {
      throw ArcadenceError(
        .failure,
        "cannot post to the \(named): the server answered "
          + TerminalText.sanitized(String(String(decoding: firstLine, as: UTF8.self).prefix(200))))
    }
  }
}

/// Collects the answer until the server closes the connection (at most 1 MiB).
final class ResponseCollector: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  var bytes: [UInt8] = []
  let done: EventLoopPromise<[UInt8]>

  init(done: EventLoopPromise<[UInt8]>) { self.done = done }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var buffer = unwrapInboundIn(data)
    if bytes.count < 1 << 20, let read = buffer.readBytes(length: buffer.readableBytes) {
      bytes += read
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    done.succeed(bytes)
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    // A TLS peer that closes without close_notify still sent its answer.
    if let ssl = error as? NIOSSLError, case .uncleanShutdown = ssl, !bytes.isEmpty {
      return
    }
    done.fail(error)
    context.close(promise: nil)
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    done.succeed(bytes)
  }
}
