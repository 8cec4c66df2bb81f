import ArcadenceCore
import ArcadenceStore
import Foundation
import GRDB
import HummingbirdBcrypt

/// What a user may do (serve.md, "Roles and what each may see").
public enum UserRole: String, Sendable, CaseIterable {
  case rep, manager, leadership, analyst, admin

  /// Parses `--role` (`prefix` `--`) or the users page's `role` field (`prefix` empty); an
  /// unknown role is a usage error naming the value.
  public static func parse(_ text: String, prefix: String = "--") throws -> UserRole {
    try choice(text, name: "\(prefix)role")
  }
}

/// A person who may log in: a role and, for a rep or a manager, what they are tied to.
public struct ServerUser: Sendable, Equatable {
  public var login: String
  public var role: UserRole
  /// The rep a `rep` user is (nil for every other role).
  public var repId: String?
  /// The teams a `manager` leads (empty for every other role).
  public var teams: [String]
  /// When the user was created and disabled (seconds since the epoch, UTC).
  public var createdAt: Int64
  public var disabledAt: Int64?
  /// Raised by every password change and disable; a session opened under another value is
  /// no longer valid (``Session/credentialsVersion``).
  public var credentialsVersion: Int64 = 0

  /// What the user sees: `R01` (a rep), `East, West` (a manager), `everyone`.
  public var scope: String {
    switch role {
    case .rep: repId ?? ""
    case .manager: teams.joined(separator: ", ")
    default: "everyone"
    }
  }

  /// `rep R01`, `manager East, West`, `admin`.
  public var binding: String {
    switch role {
    case .rep: "rep " + (repId ?? "?")
    case .manager: "manager " + teams.joined(separator: ", ")
    default: role.rawValue
    }
  }
}

/// The users and the audit log, in the store (a migration of their own, beside the
/// store's: the ledger's schema is not touched).
///
/// Passwords are kept as bcrypt hashes (cost ``bcryptCost``) and never written anywhere
/// else: not to the audit log, not to a log line, not to an error message.
public struct Accounts: Sendable {
  /// The store.
  public let store: Store

  /// bcrypt's cost factor (serve.md: at least 10).
  public static let bcryptCost: UInt8 = 10
  /// The shortest password accepted.
  public static let minimumPasswordLength = 12

  /// Opens the accounts of `store`, adding their tables when missing.
  public init(store: Store) throws {
    self.store = store
    do {
      try Accounts.migrator.migrate(store.pool)
    } catch let error as DatabaseError {
      throw ArcadenceError(
        .database,
        "cannot add the users and audit tables to \(store.path): \(error.message ?? "\(error)")")
    }
  }

  static var migrator: DatabaseMigrator {
    var m = DatabaseMigrator()
    m.registerMigration("serve v1: users and audit") { db in
      try db.execute(sql: Accounts.schemaV1)
    }
    m.registerMigration("serve v2: credentials version") { db in
      try db.execute(sql: Accounts.schemaV2)
    }
    return m
  }

  /// The credentials version of each user (``ServerUser/credentialsVersion``): raised in the
  /// same transaction as the password change or disable that makes the user's open sessions
  /// invalid, so the server, which reads the row on every request, ends them at their next
  /// request whichever process made the change.
  static let schemaV2 = """
    ALTER TABLE users ADD COLUMN credentials_version INTEGER NOT NULL DEFAULT 0;
    """

  /// Users, their teams, and the append-only audit log (triggers refuse updates and
  /// deletes). Sessions are kept in the server's memory, not here.
  static let schemaV1 = """
    CREATE TABLE users (
      login TEXT PRIMARY KEY NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('rep', 'manager', 'leadership', 'analyst', 'admin')),
      rep_id TEXT,
      password_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      disabled_at INTEGER,
      CHECK ((role = 'rep') = (rep_id IS NOT NULL))
    );
    CREATE TABLE user_teams (
      login TEXT NOT NULL REFERENCES users(login),
      team TEXT NOT NULL,
      PRIMARY KEY (login, team)
    );
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      detail TEXT NOT NULL DEFAULT '',
      address TEXT NOT NULL DEFAULT ''
    );
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    """

  static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

  // MARK: users

  /// Checks a login name: 1 to 64 characters of letters, digits, `.`, `_`, `-`, `@`.
  static func checkLogin(_ login: String, prefix: String = "--") throws {
    let ok =
      !login.isEmpty && login.count <= 64
      && login.unicodeScalars.allSatisfy {
        ($0.isASCII
          && (CharacterSet.alphanumerics.contains($0) || "._-@".unicodeScalars.contains($0)))
      }
    guard ok else {
      throw ArcadenceError(
        .usage,
        "\(loginName(prefix: prefix)): 1 to 64 ASCII letters, digits, '.', '_', '-' or '@' "
          + "(value \"\(login)\")")
    }
  }

  /// Checks a new password (length only: it is never shown).
  static func checkPassword(_ password: String) throws {
    // bcrypt reads a C string: a NUL would end the password early.
    guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else {
      throw ArcadenceError(.usage, "password: no control characters (NUL, tab, newline, …)")
    }
    guard password.count >= minimumPasswordLength, password.utf8.count <= 72 else {
      throw ArcadenceError(
        .usage,
        "password: at least \(minimumPasswordLength) characters and at most 72 bytes of UTF-8 "
          + "(bcrypt reads no more); the one given has \(password.count) characters, "
          + "\(password.utf8.count) bytes")
    }
  }

  /// A new random password: 20 characters from a 55-letter alphabet (about 115 bits).
  public static func generatePassword() -> String {
    let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
    var rng = SystemRandomNumberGenerator()
    return String((0..<20).map { _ in alphabet[Int(rng.next(upperBound: UInt(alphabet.count)))] })
  }

  /// Checks what a user of `role` is tied to, the one rule for `users add` and the users
  /// page (add, change of role): `rep` users need `repId` (a rep in the store), managers at
  /// least one team (teams in the store); other roles take neither. `prefix` is how the
  /// place names its inputs in messages (`--` for the command line's options, nothing for
  /// the page's form fields), as ``PeriodChoice`` does.
  public func checkBinding(role: UserRole, repId: String?, teams: [String], prefix: String = "--")
    throws
  {
    let p = prefix
    switch role {
    case .rep:
      guard let repId else {
        throw ArcadenceError(.usage, "\(p)role rep needs \(p)rep REP_ID (the rep this user is)")
      }
      guard teams.isEmpty else {
        throw ArcadenceError(.usage, "\(p)team: only for \(p)role manager")
      }
      let known = try store.pool.read {
        try Bool.fetchOne($0, sql: "SELECT 1 FROM reps WHERE rep_id = ?", arguments: [repId])
      }
      guard known == true else {
        throw ArcadenceError(
          .usage, "\(p)rep: no rep with this id in the store (value \"\(repId)\")")
      }
    case .manager:
      guard repId == nil else { throw ArcadenceError(.usage, "\(p)rep: only for \(p)role rep") }
      guard !teams.isEmpty else {
        throw ArcadenceError(.usage, "\(p)role manager needs \(p)team TEAM (one or more)")
      }
      let known = try Set(
        store.pool.read {
          try String.fetchAll($0, sql: "SELECT DISTINCT team FROM reps WHERE team IS NOT NULL")
        })
      for team in teams where !known.contains(team) {
        throw ArcadenceError(
          .usage,
          "\(p)team: no rep in the store has this team (value \"\(team)\"; teams: "
            + known.sorted().joined(separator: ", ") + ")")
      }
    default:
      guard repId == nil else { throw ArcadenceError(.usage, "\(p)rep: only for \(p)role rep") }
      guard teams.isEmpty else {
        throw ArcadenceError(.usage, "\(p)team: only for \(p)role manager")
      }
    }
  }

  /// How a place names the login in messages: `LOGIN` (the command's argument) or `login`
  /// (the form field).
  static func loginName(prefix: String) -> String { prefix.isEmpty ? "login" : "LOGIN" }

  /// Adds a user. `rep` users need `repId` (a rep in the store), managers at least one team
  /// (teams in the store); other roles take neither (``checkBinding(role:repId:teams:prefix:)``).
  /// Audited as `user.add` by `actor` from `address`. Returns the user.
  @discardableResult
  public func add(
    login: String, role: UserRole, repId: String?, teams: [String], password: String,
    actor: String, address: String = "", prefix: String = "--"
  ) throws -> ServerUser {
    try Accounts.checkLogin(login, prefix: prefix)
    try Accounts.checkPassword(password)
    try checkBinding(role: role, repId: repId, teams: teams, prefix: prefix)
    let hash = Bcrypt.hash(password, cost: Accounts.bcryptCost)
    let user = ServerUser(
      login: login, role: role, repId: repId, teams: Array(Set(teams)).sorted(),
      createdAt: Accounts.now(), disabledAt: nil)
    try store.pool.write { db in
      if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE login = ?", arguments: [login])
        == true
      {
        throw ArcadenceError(
          .usage,
          "\(Accounts.loginName(prefix: prefix)): a user with this login exists "
            + "(value \"\(login)\")")
      }
      try db.execute(
        sql: """
          INSERT INTO users (login, role, rep_id, password_hash, created_at)
          VALUES (?, ?, ?, ?, ?)
          """, arguments: [login, role.rawValue, repId, hash, user.createdAt])
      for team in user.teams {
        try db.execute(
          sql: "INSERT INTO user_teams (login, team) VALUES (?, ?)", arguments: [login, team])
      }
      try Accounts.append(
        db, actor: actor, action: "user.add", detail: "\(login) \(user.binding)",
        address: address)
    }
    return user
  }

  /// Every user, by login.
  public func list() throws -> [ServerUser] {
    try store.pool.read { db in
      let teams = try Row.fetchAll(db, sql: "SELECT login, team FROM user_teams ORDER BY team")
      var byLogin: [String: [String]] = [:]
      for row in teams { byLogin[row["login"], default: []].append(row["team"]) }
      return try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY login").compactMap { row in
        guard let role = UserRole(rawValue: row["role"]) else { return nil }
        let login: String = row["login"]
        return ServerUser(
          login: login, role: role, repId: row["rep_id"], teams: byLogin[login] ?? [],
          createdAt: row["created_at"], disabledAt: row["disabled_at"],
          credentialsVersion: row["credentials_version"])
      }
    }
  }

  /// The user named `login`, or nil.
  ///
  /// Read on every request behind the login, so exact (a disable, a password or role change
  /// made by the CLI in another process counts at the next request) and cheap: one statement,
  /// prepared once per reader connection (``user(_:in:)``).
  public func user(_ login: String) throws -> ServerUser? {
    try store.pool.unsafeRead { try Accounts.user(login, in: $0) }
  }

  /// The user named `login` read on `db`, or nil: the row and its teams in ONE statement (a
  /// join, one row per team), so they come from the same commit without a transaction
  /// around two statements (a single SELECT reads one snapshot of the store).
  static func user(_ login: String, in db: Database) throws -> ServerUser? {
    let rows = try Row.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT u.role, u.rep_id, u.created_at, u.disabled_at, u.credentials_version, t.team
          FROM users u LEFT JOIN user_teams t ON t.login = u.login
          WHERE u.login = ? ORDER BY t.team
          """), arguments: [login])
    guard let row = rows.first, let role = UserRole(rawValue: row["role"]) else { return nil }
    return ServerUser(
      login: login, role: role, repId: row["rep_id"],
      teams: rows.compactMap { $0["team"] as String? },
      createdAt: row["created_at"], disabledAt: row["disabled_at"],
      credentialsVersion: row["credentials_version"])
  }

  /// The user whose login and password match and who is not disabled, or nil. Always
  /// runs one bcrypt verification, so the time taken does not tell whether the login exists.
  public func authenticate(login: String, password: String) throws -> ServerUser? {
    let hash = try store.pool.read {
      try String.fetchOne(
        $0, sql: "SELECT password_hash FROM users WHERE login = ? AND disabled_at IS NULL",
        arguments: [login])
    }
    let ok = Bcrypt.verify(password, hash: hash ?? Accounts.decoyHash)
    guard ok, hash != nil else { return nil }
    return try user(login)
  }

  /// A hash of a password nobody has, verified when the login is unknown.
  static let decoyHash = Bcrypt.hash(generatePassword(), cost: bcryptCost)

  /// Refuses a change that would leave no enabled admin: the store always keeps one, so
  /// the users page stays reachable (an admin may disable or demote themselves only while
  /// another enabled admin exists). Run inside the change's transaction.
  static func keepAnAdmin(_ db: Database, changing login: String, prefix: String) throws {
    let target = try Row.fetchOne(
      db, sql: "SELECT role, disabled_at FROM users WHERE login = ?", arguments: [login])
    guard let target, target["role"] == UserRole.admin.rawValue,
      (target["disabled_at"] as Int64?) == nil
    else { return }
    let others =
      try Int.fetchOne(
        db,
        sql: """
          SELECT COUNT(*) FROM users
          WHERE role = 'admin' AND disabled_at IS NULL AND login != ?
          """, arguments: [login]) ?? 0
    guard others > 0 else {
      throw ArcadenceError(
        .usage,
        "\(loginName(prefix: prefix)): the only enabled admin cannot be disabled or lose the "
          + "admin role; add another admin first (value \"\(login)\")")
    }
  }

  /// Disables a user: no new login, and their open sessions end at their next request (the
  /// credentials version is raised in the same transaction). The last enabled admin cannot
  /// be disabled (``keepAnAdmin(_:changing:prefix:)``).
  public func disable(login: String, actor: String, address: String = "", prefix: String = "--")
    throws
  {
    try store.pool.write { db in
      try Accounts.keepAnAdmin(db, changing: login, prefix: prefix)
      try db.execute(
        sql: """
          UPDATE users SET disabled_at = ?, credentials_version = credentials_version + 1
          WHERE login = ? AND disabled_at IS NULL
          """,
        arguments: [Accounts.now(), login])
      guard db.changesCount == 1 else {
        throw ArcadenceError(
          .usage,
          "\(Accounts.loginName(prefix: prefix)): no enabled user with this login "
            + "(value \"\(login)\")")
      }
      try Accounts.append(
        db, actor: actor, action: "user.disable", detail: login, address: address)
    }
  }

  /// Enables a disabled user again: they may log in with their password (the one they had,
  /// or the one set while disabled). Sessions opened before the disable stay ended: the
  /// disable raised the credentials version and enabling does not lower it. Audited as
  /// `user.enable`; a login that is not a disabled user's is a usage error naming it.
  public func enable(login: String, actor: String, address: String = "", prefix: String = "--")
    throws
  {
    try store.pool.write { db in
      try db.execute(
        sql: "UPDATE users SET disabled_at = NULL WHERE login = ? AND disabled_at IS NOT NULL",
        arguments: [login])
      guard db.changesCount == 1 else {
        throw ArcadenceError(
          .usage,
          "\(Accounts.loginName(prefix: prefix)): no disabled user with this login "
            + "(value \"\(login)\")")
      }
      try Accounts.append(
        db, actor: actor, action: "user.enable", detail: login, address: address)
    }
  }

  /// Sets a new password; the user's open sessions end at their next request (the
  /// credentials version is raised in the same transaction).
  public func setPassword(
    login: String, password: String, actor: String, address: String = "", prefix: String = "--"
  ) throws {
    try Accounts.checkPassword(password)
    let hash = Bcrypt.hash(password, cost: Accounts.bcryptCost)
    try store.pool.write { db in
      try db.execute(
        sql: """
          UPDATE users SET password_hash = ?, credentials_version = credentials_version + 1
          WHERE login = ?
          """, arguments: [hash, login])
      guard db.changesCount == 1 else {
        throw ArcadenceError(
          .usage,
          "\(Accounts.loginName(prefix: prefix)): no user with this login (value \"\(login)\")")
      }
      try Accounts.append(
        db, actor: actor, action: "user.passwd", detail: login, address: address)
    }
  }

  /// Changes a user's role and what it is tied to, checked as `users add` checks them
  /// (``checkBinding(role:repId:teams:prefix:)``); the last enabled admin keeps the admin
  /// role. Open sessions stay: the server reads the user's role and scope on every request,
  /// so the new scope applies from the next one. Audited as `user.role`.
  @discardableResult
  public func setRole(
    login: String, role: UserRole, repId: String?, teams: [String], actor: String,
    address: String = "", prefix: String = "--"
  ) throws -> ServerUser {
    try checkBinding(role: role, repId: repId, teams: teams, prefix: prefix)
    let teams = Array(Set(teams)).sorted()
    try store.pool.write { db in
      if role != .admin { try Accounts.keepAnAdmin(db, changing: login, prefix: prefix) }
      try db.execute(
        sql: "UPDATE users SET role = ?, rep_id = ? WHERE login = ?",
        arguments: [role.rawValue, repId, login])
      guard db.changesCount == 1 else {
        throw ArcadenceError(
          .usage,
          "\(Accounts.loginName(prefix: prefix)): no user with this login (value \"\(login)\")")
      }
      try db.execute(sql: "DELETE FROM user_teams WHERE login = ?", arguments: [login])
      for team in teams {
        try db.execute(
          sql: "INSERT INTO user_teams (login, team) VALUES (?, ?)", arguments: [login, team])
      }
      let binding =
        ServerUser(
          login: login, role: role, repId: repId, teams: teams, createdAt: 0, disabledAt: nil
        ).binding
      try Accounts.append(
        db, actor: actor, action: "user.role", detail: "\(login) \(binding)", address: address)
    }
    guard let user = try user(login) else {
      throw ArcadenceError(
        .usage,
        "\(Accounts.loginName(prefix: prefix)): no user with this login (value \"\(login)\")")
    }
    return user
  }

  // MARK: audit

  /// One line of the audit log.
  public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var at: Int64
    public var actor: String
    public var action: String
    public var detail: String
    public var address: String
  }

  /// Appends to the audit log.
  public func audit(actor: String, action: String, detail: String = "", address: String = "")
    throws
  {
    try store.pool.write {
      try Accounts.append($0, actor: actor, action: action, detail: detail, address: address)
    }
  }

  static func append(
    _ db: Database, actor: String, action: String, detail: String, address: String
  ) throws {
    try db.execute(
      sql: "INSERT INTO audit (at, actor, action, detail, address) VALUES (?, ?, ?, ?, ?)",
      arguments: [now(), actor, action, detail, address])
  }

  /// The latest `limit` entries, newest last.
  public func auditLog(limit: Int) throws -> [AuditEntry] {
    try store.pool.read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM audit ORDER BY id DESC LIMIT ?", arguments: [limit]
      ).reversed().map {
        AuditEntry(
          id: $0["id"], at: $0["at"], actor: $0["actor"], action: $0["action"],
          detail: $0["detail"], address: $0["address"])
      }
    }
  }
}
