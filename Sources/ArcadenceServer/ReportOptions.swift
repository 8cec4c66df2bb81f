import ArcadenceDelivery
import ServiceLifecycle

/// `serve`'s options for scheduled reports.
public struct ReportOptions: Sendable {
  /// Whether the server sends due reports itself (`--no-scheduler` clears it).
  public var scheduler = true
  /// The mail server (from the environment); nil, no scheduled reports.
  public var smtp: SMTPSettings?
  /// The webhook (from the environment), if any.
  public var webhook: Webhook?
  /// `--public-url` or `ARCADENCE_PUBLIC_URL`, for links in reports.
  public var publicURL: String?

  public init() {}
}

extension ArcadenceServer {
  /// The report sender of this server's store (``ReportSender``), with `mail` (the SMTP
  /// client of the options by default).
  public func reportSender(mail: any MailTransport) throws -> ReportSender {
    ReportSender(
      subscriptions: try SubscriptionStore(accounts: accounts), ledger: ledger, mail: mail,
      webhook: options.reports.webhook, fromAddress: options.reports.smtp?.from ?? "",
      publicURL: options.reports.publicURL, logger: logger)
  }

  /// The scheduler beside the HTTP server, when it is on and the mail server is set; said
  /// in the log either way.
  func reportServices() throws -> [any Service] {
    let reports = options.reports
    guard reports.scheduler else {
      logger.info("scheduled reports: off (--no-scheduler)")
      return []
    }
    guard let smtp = reports.smtp else {
      logger.info("scheduled reports: off (ARCADENCE_SMTP_HOST is not set)")
      return []
    }
    if smtp.tls == .off {
      logger.warning(
        "scheduled reports: SMTP WITHOUT TLS to \(smtp.host):\(smtp.port) (ARCADENCE_SMTP_STARTTLS=off): use only for a relay on this machine"
      )
    }
    logger.info("scheduled reports: on, through \(smtp.host):\(smtp.port), checked each minute")
    let sender = try reportSender(mail: SMTPClient(settings: smtp, logger: logger))
    return [ReportScheduler(sender: sender, logger: logger)]
  }
}
