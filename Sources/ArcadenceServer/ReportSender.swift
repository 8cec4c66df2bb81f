import ArcadenceCore
import ArcadenceDelivery
import ArcadenceReports
import ArcadenceSimulation
import Foundation
import Logging

/// Where a report's mail goes: the SMTP client, or a test's recorder.
public protocol MailTransport: Sendable {
  /// Sends the rendered message to `to`.
  func send(_ message: [UInt8], to: String) async throws
}

/// Where a report's summary goes: the webhook, or a test's recorder.
public protocol SummaryTransport: Sendable {
  /// Posts `{"text": text}`.
  func post(text: String) async throws
}

extension SMTPClient: MailTransport {}
extension Webhook: SummaryTransport {}

/// Sends the reports that are due (``ReportSchedule``), for `arcadence reports send-due`
/// and the server's scheduler alike.
///
/// Each due subscription: its content (``ReportMail``, the subscriber's scope), one mail
/// (HTML, charts inline, the CSV attached), tried up to ``attempts`` times with a growing
/// pause (``retryDelay``, doubled each time); then, if asked, the summary to the webhook.
/// Audited: `report.sent`, `report.retry`, `report.failed` (with the error), `report.refused`
/// (the subscriber may no longer receive it: the period is closed), and `report.webhook` /
/// `report.webhook.failed`. A report that fails stays due: the next run
/// tries again; one that was sent is never sent again for the same period.
public struct ReportSender: Sendable {
  public let subscriptions: SubscriptionStore
  public let ledger: LedgerSource
  public let mail: any MailTransport
  public let webhook: (any SummaryTransport)?
  public let fromAddress: String
  /// The app's address as people reach it (`--public-url`, `ARCADENCE_PUBLIC_URL`), no
  /// trailing `/`: links in mails and summaries; nil, no links.
  public let publicURL: String?
  public var attempts = 3
  /// Seconds before the first retry (doubled before each next one).
  public var retryDelay: Int64 = 2
  let logger: Logger

  /// Who the audit names for what the sender does.
  public static let actor = "reports"

  public init(
    subscriptions: SubscriptionStore, ledger: LedgerSource, mail: any MailTransport,
    webhook: (any SummaryTransport)?, fromAddress: String, publicURL: String?,
    logger: Logger = Logger(label: "arcadence.reports") { _ in SwiftLogNoOpLogHandler() }
  ) {
    self.subscriptions = subscriptions
    self.ledger = ledger
    self.mail = mail
    self.webhook = webhook
    self.fromAddress = fromAddress
    self.publicURL = publicURL
    self.logger = logger
  }

  /// What one run did, one line per report (made safe for a terminal by the caller).
  public struct Outcome: Sendable, Equatable {
    public var sent = 0
    public var failed = 0
    public var lines: [String] = []
  }

  /// Sends every report due at `now` (seconds since the epoch, UTC).
  public func sendDue(now: Int64) async throws -> Outcome {
    var outcome = Outcome()
    let due = try subscriptions.list().compactMap { s -> (Subscription, Int64)? in
      ReportSchedule.due(s, now: now, sent: try subscriptions.sent(s.id)).map { (s, $0) }
    }
    guard !due.isEmpty else { return outcome }
    let snapshot = try await ledger.snapshot()
    var worklist: Worklist?
    if due.contains(where: { $0.0.kind == .worklist }) {
      worklist = try await ledger.worklist(of: snapshot)
    }
    for (subscription, at) in due {
      let period = ReportSchedule.periodKey(at)
      let about =
        "#\(subscription.id) \(subscription.kind.rawValue) \(period) to \(subscription.email)"
      // Another run (the server's scheduler, a cron run) is sending it now: leave it.
      guard try subscriptions.claim(subscription.id, period: period) else { continue }
      let content: ReportContent
      do {
        content = try ReportMail.content(
          subscription, user: try subscriptions.accounts.user(subscription.login),
          ledger: snapshot.ledger, worklist: worklist)
      } catch let error as ArcadenceError where error.code == .usage {
        // The subscriber may no longer receive it (disabled, role or scope changed): not
        // something a retry mends, so the period is closed with `report.refused`.
        try subscriptions.markDone(
          subscription.id, period: period, actor: ReportSender.actor, action: "report.refused",
          detail: "\(about): \(error.message)")
        outcome.lines.append("refused \(about): \(error.message)")
        continue
      } catch {
        // Anything else ends the run; the period goes back for the next one.
        try? subscriptions.release(subscription.id, period: period)
        throw error
      }
      do {
        let message = try self.message(content, to: subscription.email)
        try await deliver(message, to: subscription.email, about: about)
        try subscriptions.markDone(
          subscription.id, period: period, actor: ReportSender.actor, action: "report.sent",
          detail: about)
        outcome.sent += 1
        outcome.lines.append("sent \(about)")
        if subscription.webhook { outcome.lines.append(await summary(content, about: about)) }
      } catch {
        let reason = ArcadenceError.reason(of: error)
        try subscriptions.release(subscription.id, period: period)
        try subscriptions.accounts.audit(
          actor: ReportSender.actor, action: "report.failed", detail: "\(about): \(reason)")
        outcome.failed += 1
        outcome.lines.append("failed \(about): \(reason)")
      }
    }
    return outcome
  }

  /// Sends `message`, up to ``attempts`` times; each failure but the last is audited as
  /// `report.retry` (the last is the caller's `report.failed`).
  func deliver(_ message: [UInt8], to: String, about: String) async throws {
    var delay = retryDelay
    for attempt in 1...max(1, attempts) {
      do {
        try await mail.send(message, to: to)
        return
      } catch let error where attempt < attempts {
        try subscriptions.accounts.audit(
          actor: ReportSender.actor, action: "report.retry",
          detail: "\(about): attempt \(attempt) of \(attempts) failed, next in \(delay) s: "
            + ArcadenceError.reason(of: error))
        logger.warning("report.retry \(about): \(ArcadenceError.reason(of: error))")
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
        delay = min(delay * 2, 3600)
      }
    }
  }

  /// Posts the summary to the webhook, audited; the line for the run's output.
  func summary(_ content: ReportContent, about: String) async -> String {
    guard let webhook else {
      try? subscriptions.accounts.audit(
        actor: ReportSender.actor, action: "report.webhook.failed",
        detail: "\(about): ARCADENCE_WEBHOOK_URL is not set")
      return "webhook not posted \(about): ARCADENCE_WEBHOOK_URL is not set"
    }
    var text =
      "*" + Webhook.escaped(content.title) + "*\n" + Webhook.escaped(content.headline)
    if let base = publicURL {
      text += "\n<" + Webhook.escaped(base + content.path) + "|Open in arcadence>"
    }
    var delay = retryDelay
    for attempt in 1...max(1, attempts) {
      do {
        try await webhook.post(text: text)
        try? subscriptions.accounts.audit(
          actor: ReportSender.actor, action: "report.webhook", detail: about)
        return "webhook posted \(about)"
      } catch {
        let reason = ArcadenceError.reason(of: error)
        guard attempt < attempts else {
          try? subscriptions.accounts.audit(
            actor: ReportSender.actor, action: "report.webhook.failed",
            detail: "\(about): \(reason)")
          return "webhook failed \(about): \(reason)"
        }
        if delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
        delay = min(delay * 2, 3600)
      }
    }
    return "webhook failed \(about)"
  }

  /// The mail of `content` to `to`: subject, HTML (with a link to the page when the public
  /// URL is known, and the page's own links made absolute), charts inline, the CSV attached.
  func message(_ content: ReportContent, to: String) throws -> [UInt8] {
    var html = content.html
    if let base = publicURL {
      let escaped = HTML.escape(base)
      html = html.replacingOccurrences(of: "href=\"/", with: "href=\"\(escaped)/")
      html = html.replacingOccurrences(
        of: "<main>",
        with: "<main><p><a href=\"\(HTML.escape(base + content.path))\">Open this page in "
          + "arcadence</a></p>")
    }
    return try MailMessage(
      fromName: "arcadence", fromAddress: fromAddress, to: to, subject: content.title,
      date: Int64(Date().timeIntervalSince1970),
      messageId: MailMessage.randomToken() + "@arcadence", html: html, images: content.images,
      attachments: [
        .init(
          fileName: content.csvName, contentType: "text/csv; charset=utf-8",
          bytes: Array(content.csv.utf8))
      ]
    ).rendered()
  }

  /// The public URL of `--public-url` or `ARCADENCE_PUBLIC_URL`: `http(s)://host…`, its
  /// trailing `/` dropped; anything else is a usage error naming `name`.
  public static func checkPublicURL(_ text: String?, name: String) throws -> String? {
    guard let text, !text.isEmpty else { return nil }
    guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
      url.host?.isEmpty == false, url.query == nil, url.fragment == nil,
      !text.contains("\""), !text.contains("<"), !text.contains(">")
    else {
      throw ArcadenceError(
        .usage,
        "\(name): expected http:// or https:// and a host, no query "
          + "(value \"\(TerminalText.sanitized(text))\")")
    }
    var base = text
    while base.hasSuffix("/") { base.removeLast() }
    return base
  }
}
