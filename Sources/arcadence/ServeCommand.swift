import ArcadenceCore
import ArcadenceDelivery
import ArcadenceServer
import ArgumentParser
import Foundation

/// `arcadence serve`: the pages for every user, behind a login (spec/serve.md).
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve the KPI, scorecard and worklist pages to logged-in users.",
    discussion: """
      Users come from `arcadence users add`. Each sees only their scope: a rep their own \
      worklist and scorecard, a manager their teams, leadership, analysts and admins \
      everyone (spec/serve.md). Binds to 127.0.0.1 unless --host says otherwise. To expose \
      it, serve HTTPS with --tls-cert and --tls-key (PEM files), or put it behind a \
      TLS-terminating reverse proxy with --secure-cookies and --trusted-proxy (the proxy's \
      address, so that X-Forwarded-For names the client in the login throttle and the \
      audit).

      Sessions live in memory: a restart logs everyone out. A session ends after \
      --idle-hours idle or --session-max-hours in all, and at its next request after \
      `arcadence users passwd` or `users disable`. SIGINT or SIGTERM stops it gracefully.

      Admins import on /import: a folder's CSV files, a zip of them, or an export and its \
      mapping, all or nothing as `arcadence import`; an upload over --max-upload-mb is \
      refused as it arrives, and its temporary files (in TMPDIR) are removed whatever happens.
      """)

  @OptionGroup var store: StoreOptions
  @Option(help: "Address to bind.") var host = "127.0.0.1"
  @Option(help: "Port (1 to 65,535).") var port = 8080
  @Flag(help: "Mark the session cookie Secure (when served over HTTPS by a proxy).")
  var secureCookies = false
  @Option(help: "Hours a session may stay idle (1 to 168).") var idleHours = 8
  @Option(help: "Hours a session may last in all, however busy (1 to 2,160; 168 is 7 days).")
  var sessionMaxHours = 168
  @Option(
    help: ArgumentHelp(
      "A reverse proxy's IP address whose X-Forwarded-For is believed (repeatable).",
      valueName: "ADDR"))
  var trustedProxy: [String] = []
  @Option(help: ArgumentHelp("Serve HTTPS with this PEM certificate chain.", valueName: "FILE"))
  var tlsCert: String?
  @Option(help: ArgumentHelp("The PEM private key of --tls-cert.", valueName: "FILE"))
  var tlsKey: String?
  @Option(
    help: ArgumentHelp(
      "The largest upload the import page accepts, in MB (1 to 65,536; a zip counts unpacked).",
      valueName: "MB"))
  var maxUploadMb = 512
  @Option(help: "Simulation jobs run at once (1 to 16); more wait in the queue.") var jobs = 1
  @Option(
    help: "Finished jobs kept per user, with their results (1 to 10,000); older ones are removed.")
  var keepJobs = ServeOptions.defaultKeepJobs
  @Option(
    help: ArgumentHelp(
      "The folder of scenario files listed on /scenarios (default: Scenarios beside the "
        + "store, else ./Scenarios).", valueName: "DIR"))
  var scenarios: String?
  @Flag(help: "Do not send scheduled reports from the server (use `reports send-due` from cron).")
  var noScheduler = false
  @Option(
    help: ArgumentHelp(
      "The app's address as people reach it, for links in reports (default: "
        + "$ARCADENCE_PUBLIC_URL).", valueName: "URL"))
  var publicUrl: String?

  func run() throws {
    try guarded {
      guard (1...65_535).contains(port) else {
        throw ArcadenceError(.usage, "--port: expected 1 to 65,535 (value \(port))")
      }
      var options = ServeOptions()
      try options.setSessionLimits(idleHours: idleHours, maxHours: sessionMaxHours)
      options.host = host
      options.port = port
      options.secureCookies = secureCookies
      options.trustedProxies = try ClientAddress.trusted(trustedProxy)
      options.tlsCertificate = tlsCert
      options.tlsKey = tlsKey
      try options.uploads.setMaxUploadMB(maxUploadMb)
      try options.setJobs(jobs)
      try options.setKeepJobs(keepJobs)
      options.scenarios = scenarios
      let environment = ProcessInfo.processInfo.environment
      options.reports.scheduler = !noScheduler
      options.reports.publicURL =
        try ReportSender.checkPublicURL(publicUrl, name: "--public-url")
        ?? ReportSender.checkPublicURL(
          environment["ARCADENCE_PUBLIC_URL"], name: "ARCADENCE_PUBLIC_URL")
      if !noScheduler {
        options.reports.smtp = try SMTPSettings.fromEnvironment(environment)
        options.reports.webhook = try Webhook.fromEnvironment(environment)
      }
      let server = try ArcadenceServer(store: try store.open(create: false), options: options)
      Terminal.note(
        "serving \(store.path) on \(options.scheme)://\(host):\(port)/ (Ctrl-C stops)")
      do {
        try server.runBlocking()
      } catch let error as ArcadenceError {
        throw error
      } catch {
        throw ArcadenceError(.io, "cannot serve on \(host):\(port): \(error)")
      }
    }
  }
}
