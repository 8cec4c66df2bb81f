import ArcadenceCore
import ArcadenceServer
import ArgumentParser

/// `arcadence serve`: the pages for every user, behind a login (spec/serve.md).
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve the KPI, scorecard and worklist pages to logged-in users.",
    discussion: """
      Users come from `arcadence users add`. Each sees only their scope: a rep their own
      worklist and scorecard, a manager their teams, leadership, analysts and admins
      everyone (spec/serve.md). Binds to 127.0.0.1 unless --host says otherwise; no TLS yet:
      put it behind a TLS-terminating reverse proxy (with --secure-cookies) to expose it.
      Sessions live in memory: a restart logs everyone out. SIGINT or SIGTERM stops it
      gracefully.
      """)

  @OptionGroup var store: StoreOptions
  @Option(help: "Address to bind.") var host = "127.0.0.1"
  @Option(help: "Port (1 to 65,535).") var port = 8080
  @Flag(help: "Mark the session cookie Secure (when served over HTTPS by a proxy).")
  var secureCookies = false
  @Option(help: "Hours a session may stay idle (1 to 168).") var idleHours = 8

  func run() throws {
    try guarded {
      guard (1...65_535).contains(port) else {
        throw ArcadenceError(.usage, "--port: expected 1 to 65,535 (value \(port))")
      }
      guard (1...168).contains(idleHours) else {
        throw ArcadenceError(.usage, "--idle-hours: expected 1 to 168 (value \(idleHours))")
      }
      var options = ServeOptions()
      options.host = host
      options.port = port
      options.secureCookies = secureCookies
      options.idleLimit = Int64(idleHours) * 3600
      let server = try ArcadenceServer(store: try store.open(create: false), options: options)
      Terminal.note("serving \(store.path) on http://\(host):\(port)/ (Ctrl-C stops)")
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
