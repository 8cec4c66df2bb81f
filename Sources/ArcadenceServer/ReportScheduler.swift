import ArcadenceCore
import Logging
import ServiceLifecycle

/// The server's sender of scheduled reports: a service beside the HTTP server that wakes
/// each minute and sends what is due (``ReportSender/sendDue(now:)``, the same code as
/// `arcadence reports send-due`), until the server shuts down (`serve --no-scheduler` leaves
/// it out).
public struct ReportScheduler: Service {
  public let sender: ReportSender
  let logger: Logger
  /// Seconds between two runs.
  public var interval: Int64 = 60

  public init(sender: ReportSender, logger: Logger) {
    self.sender = sender
    self.logger = logger
  }

  public func run() async throws {
    await cancelWhenGracefulShutdown {
      // After a run with failures the next waits twice as long (up to an hour), so a mail
      // server that is down is not retried, and audited, every minute.
      var wait = interval
      while !Task.isCancelled {
        var failed = false
        do {
          let outcome = try await sender.sendDue(now: Accounts.now())
          for line in outcome.lines {
            logger.info("\(TerminalText.sanitized(line))")
          }
          failed = outcome.failed > 0
        } catch {
          failed = true
          logger.error(
            "scheduled reports: \(TerminalText.sanitized(ArcadenceError.reason(of: error)))")
        }
        wait = failed ? min(wait * 2, 3600) : interval
        do { try await Task.sleep(for: .seconds(wait)) } catch { return }
      }
    }
  }
}
