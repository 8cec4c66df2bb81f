import ArcadenceCore
import ArcadenceDelivery
import ArcadenceServer
import ArgumentParser
import Foundation

/// `arcadence subscriptions add|list|remove`: who receives which scheduled report, when.
struct SubscriptionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "subscriptions",
    abstract: "Manage scheduled reports (the weekly review, the KPI page, a rep's worklist).",
    discussion: """
      weekly-review is sent every Monday, kpis on the 1st of each month, worklist each \
      weekday (Monday to Friday), at --at HH:MM UTC, by `arcadence reports send-due` or the \
      server's scheduler. What is sent is the page the user would see, for their scope.
      """,
    subcommands: [Add.self, List.self, Remove.self])

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Subscribe a user to a report.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The user's login.") var login: String
    @Option(help: "weekly-review, kpis or worklist.") var kind: String
    @Option(help: ArgumentHelp("The delivery time, UTC.", valueName: "HH:MM")) var at = "07:00"
    @Option(help: "The address the report is sent to.") var email: String
    @Option(
      help: "The rep whose worklist is sent (a manager's subscription; a rep's own by default).")
    var rep: String?
    @Flag(help: "Also post a summary to the webhook (ARCADENCE_WEBHOOK_URL).") var webhook = false

    func run() throws {
      try guarded {
        let kind = try ReportKind.parse(kind, name: "--kind")
        let subscriptions = try SubscriptionStore(
          accounts: try Accounts(store: try store.open(create: false)))
        let s = try subscriptions.add(
          login: login, kind: kind, time: at, email: email, webhook: webhook, repId: rep,
          actor: UsersCommand.actor)
        Terminal.print(
          "added #\(s.id): \(s.login) gets \(s.kind.rawValue)"
            + (s.repId.map { " of \($0)" } ?? "")
            + " \(s.kind.cadence) at \(s.time) UTC to \(s.email)"
            + (s.webhook ? ", and a summary on the webhook" : ""))
      }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List subscriptions.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "Only this user's.") var login: String?

    func run() throws {
      try guarded {
        let subscriptions = try SubscriptionStore(
          accounts: try Accounts(store: try store.open(create: false)))
        var table = TextTable(
          header: ["#", "Login", "Report", "Rep", "When", "UTC", "E-mail", "Webhook"],
          alignments: [.right] + Array(repeating: .left, count: 7))
        for s in try subscriptions.list(login: login) {
          table.add([
            "\(s.id)", s.login, s.kind.rawValue, s.repId ?? "", s.kind.cadence, s.time, s.email,
            s.webhook ? "yes" : "",
          ])
        }
        Terminal.print(table.rendered(), terminator: "")
      }
    }
  }

  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a subscription.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The subscription's number (see `subscriptions list`).") var id: Int64

    func run() throws {
      try guarded {
        let subscriptions = try SubscriptionStore(
          accounts: try Accounts(store: try store.open(create: false)))
        try subscriptions.remove(id: id, owner: nil, actor: UsersCommand.actor)
        Terminal.print("removed #\(id)")
      }
    }
  }
}

/// `arcadence reports send-due`: sends the scheduled reports that are due (for cron).
struct ReportsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reports",
    abstract: "Send scheduled reports.",
    subcommands: [SendDue.self])

  struct SendDue: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "send-due",
      abstract: "Send every report due since the last run (once per period; for cron).",
      discussion: """
        The mail server comes from the environment only: ARCADENCE_SMTP_HOST, \
        ARCADENCE_SMTP_PORT (587), ARCADENCE_SMTP_USER, ARCADENCE_SMTP_PASSWORD, \
        ARCADENCE_SMTP_FROM, ARCADENCE_SMTP_STARTTLS (required, or off for a relay on this \
        machine), ARCADENCE_SMTP_CA_FILE (an extra trust root). ARCADENCE_WEBHOOK_URL: a \
        Slack-compatible incoming webhook for the summaries. A report that cannot be sent is \
        retried (--attempts, pauses from --retry-seconds, doubling), audited, and left due \
        for the next run. Exit status 1 when any report failed.
        """)
    @OptionGroup var store: StoreOptions
    @Option(
      help: ArgumentHelp(
        "The app's address for links (default: $ARCADENCE_PUBLIC_URL).", valueName: "URL"))
    var publicUrl: String?
    @Option(
      help: ArgumentHelp(
        "Send what is due at this instant instead of now (catching up, testing).",
        valueName: "ISO-TIMESTAMP"))
    var now: String?
    @Option(help: "Attempts per report in this run (1 to 10).") var attempts = 3
    @Option(help: "Seconds before the first retry, doubled for each next one (0 to 600).")
    var retrySeconds: Int64 = 2

    func run() throws {
      try guarded {
        let environment = ProcessInfo.processInfo.environment
        guard (1...10).contains(attempts) else {
          throw ArcadenceError(.usage, "--attempts: expected 1 to 10 (value \(attempts))")
        }
        guard (0...600).contains(retrySeconds) else {
          throw ArcadenceError(.usage, "--retry-seconds: expected 0 to 600 (value \(retrySeconds))")
        }
        var at = Int64(Date().timeIntervalSince1970)
        if let now {
          guard let t = Timestamp(iso: now) else {
            throw ArcadenceError(.usage, "--now: not an ISO timestamp (value \"\(now)\")")
          }
          at = t.seconds
        }
        guard let smtp = try SMTPSettings.fromEnvironment(environment) else {
          throw ArcadenceError(
            .usage, "ARCADENCE_SMTP_HOST: not set (the mail server reports are sent through)")
        }
        let publicURL =
          try ReportSender.checkPublicURL(publicUrl, name: "--public-url")
          ?? ReportSender.checkPublicURL(
            environment["ARCADENCE_PUBLIC_URL"], name: "ARCADENCE_PUBLIC_URL")
        let webhook = try Webhook.fromEnvironment(environment)
        let storeHandle = try store.open(create: false)
        var sender = ReportSender(
          subscriptions: try SubscriptionStore(accounts: try Accounts(store: storeHandle)),
          ledger: LedgerSource(store: storeHandle), mail: SMTPClient(settings: smtp),
          webhook: webhook, fromAddress: smtp.from, publicURL: publicURL)
        sender.attempts = attempts
        sender.retryDelay = retrySeconds
        if smtp.tls == .off {
          Terminal.note(
            "warning: ARCADENCE_SMTP_STARTTLS=off: mail goes to \(smtp.host):\(smtp.port) "
              + "WITHOUT TLS")
        }
        let run = sender
        let instant = at
        let outcome = try blocking { try await run.sendDue(now: instant) }
        for line in outcome.lines { Terminal.print(line) }
        Terminal.print("\(outcome.sent) sent, \(outcome.failed) failed")
        if outcome.failed > 0 { throw ExitCode(1) }
      }
    }
  }
}

/// Runs `body` on a task and waits for it (the command line is synchronous).
func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  let box = BlockingResult<T>()
  let done = DispatchSemaphore(value: 0)
  Task {
    do { box.set(.success(try await body())) } catch { box.set(.failure(error)) }
    done.signal()
  }
  done.wait()
  guard let result = box.result else { throw ArcadenceError(.failure, "the task gave no result") }
  return try result.get()
}

final class BlockingResult<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Result<T, any Error>?
  func set(_ r: Result<T, any Error>) { lock.withLock { stored = r } }
  var result: Result<T, any Error>? { lock.withLock { stored } }
}
