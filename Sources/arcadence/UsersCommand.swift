import ArcadenceCore
import ArcadenceServer
import ArgumentParser
import Foundation

/// `arcadence users add|list|disable|enable|passwd|role`: the people who may log in to `serve`.
struct UsersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "users",
    abstract: "Manage who may log in to `arcadence serve` (roles and scopes: spec/serve.md).",
    subcommands: [Add.self, List.self, Disable.self, Enable.self, Passwd.self, Role.self])

  /// Who the audit log names for a change made from the command line.
  static var actor: String {
    let env = ProcessInfo.processInfo.environment
    if let name = env["USER"] ?? env["LOGNAME"] { return "cli:" + name }
    return "cli:uid \(getuid())"
  }

  /// The new password: one line from stdin with `--password-stdin`, else generated (and
  /// printed once by the caller).
  static func password(fromStdin: Bool) throws -> (String, generated: Bool) {
    guard fromStdin else { return (Accounts.generatePassword(), true) }
    guard let line = readLine(strippingNewline: true) else {
      throw ArcadenceError(.usage, "--password-stdin: no line on standard input")
    }
    return (line, false)
  }

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add a user: a role, and the rep (--role rep) or teams (--role manager).",
      discussion: """
        Roles: rep (needs --rep), manager (needs --team, repeatable), leadership, analyst,
        admin. The password is read from one line of standard input with --password-stdin;
        without it a password is generated and printed once. It is stored as a bcrypt hash.
        """)
    @OptionGroup var store: StoreOptions
    @Argument(help: "The login name.") var login: String
    @Option(help: "rep, manager, leadership, analyst or admin.") var role: String
    @Option(help: "The rep this user is (--role rep).") var rep: String?
    @Option(help: "A team this manager leads (repeat for several).") var team: [String] = []
    @Flag(help: "Read the password from one line of standard input.") var passwordStdin = false

    func run() throws {
      try guarded {
        let role = try UserRole.parse(role)
        let (password, generated) = try UsersCommand.password(fromStdin: passwordStdin)
        let accounts = try Accounts(store: try store.open(create: false))
        let user = try accounts.add(
          login: login, role: role, repId: rep, teams: team, password: password,
          actor: UsersCommand.actor)
        Terminal.print("added \(user.login) (\(user.binding))")
        if generated { Terminal.print("password (shown once): \(password)") }
      }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the users.")
    @OptionGroup var store: StoreOptions

    func run() throws {
      try guarded {
        let users = try Accounts(store: try store.open(create: false)).list()
        var table = TextTable(
          header: ["Login", "Role", "Scope", "Created", "Disabled"],
          alignments: Array(repeating: .left, count: 5))
        for u in users {
          table.add([
            u.login, u.role.rawValue, u.scope, Timestamp(seconds: u.createdAt).description,
            u.disabledAt.map { Timestamp(seconds: $0).description } ?? "",
          ])
        }
        Terminal.print(table.rendered(), terminator: "")
      }
    }
  }

  struct Disable: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Disable a user: no new login, and their sessions end at their next request.",
      discussion: "The only enabled admin cannot be disabled: add another admin first.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The login name.") var login: String

    func run() throws {
      try guarded {
        let accounts = try Accounts(store: try store.open(create: false))
        try accounts.disable(login: login, actor: UsersCommand.actor)
        Terminal.print("disabled \(login)")
      }
    }
  }

  struct Enable: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Enable a disabled user again: they may log in with their password.",
      discussion: """
        Sessions that were open when the user was disabled stay ended. `users passwd` sets
        a new password first if the old one should not work any more.
        """)
    @OptionGroup var store: StoreOptions
    @Argument(help: "The login name.") var login: String

    func run() throws {
      try guarded {
        let accounts = try Accounts(store: try store.open(create: false))
        try accounts.enable(login: login, actor: UsersCommand.actor)
        Terminal.print("enabled \(login)")
      }
    }
  }

  struct Passwd: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Set a user's password (from stdin with --password-stdin, else generated).",
      discussion: "The user's open sessions in a running server end at their next request.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The login name.") var login: String
    @Flag(help: "Read the password from one line of standard input.") var passwordStdin = false

    func run() throws {
      try guarded {
        let (password, generated) = try UsersCommand.password(fromStdin: passwordStdin)
        let accounts = try Accounts(store: try store.open(create: false))
        try accounts.setPassword(login: login, password: password, actor: UsersCommand.actor)
        Terminal.print("changed the password of \(login)")
        if generated { Terminal.print("password (shown once): \(password)") }
      }
    }
  }

  struct Role: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Change a user's role and what it is tied to (checked as `users add` checks).",
      discussion: """
        The new role and scope apply from the user's next request; open sessions stay. The
        only enabled admin keeps the admin role.
        """)
    @OptionGroup var store: StoreOptions
    @Argument(help: "The login name.") var login: String
    @Option(help: "rep, manager, leadership, analyst or admin.") var role: String
    @Option(help: "The rep this user is (--role rep).") var rep: String?
    @Option(help: "A team this manager leads (repeat for several).") var team: [String] = []

    func run() throws {
      try guarded {
        let role = try UserRole.parse(role)
        let accounts = try Accounts(store: try store.open(create: false))
        let user = try accounts.setRole(
          login: login, role: role, repId: rep, teams: team, actor: UsersCommand.actor)
        Terminal.print("\(user.login) is now \(user.binding)")
      }
    }
  }
}

/// `arcadence audit`: the append-only audit log.
struct AuditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Show the audit log: logins, logouts, user changes, CSV downloads.")
  @OptionGroup var store: StoreOptions
  @Option(help: "How many of the latest entries (1 to 100,000).") var limit = 50

  func run() throws {
    try guarded {
      guard limit >= 1, limit <= 100_000 else {
        throw ArcadenceError(.usage, "--limit: expected 1 to 100,000 (value \(limit))")
      }
      let entries = try Accounts(store: try store.open(create: false)).auditLog(limit: limit)
      var table = TextTable(
        header: ["When (UTC)", "Who", "What", "Detail", "From"],
        alignments: Array(repeating: .left, count: 5))
      for e in entries {
        table.add([Timestamp(seconds: e.at).description, e.actor, e.action, e.detail, e.address])
      }
      Terminal.print(table.rendered(), terminator: "")
    }
  }
}
