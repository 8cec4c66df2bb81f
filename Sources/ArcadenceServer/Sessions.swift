import Foundation

/// A random 128-bit value as 32 lowercase hex digits (session ids, CSRF tokens).
func randomToken() -> String {
  var rng = SystemRandomNumberGenerator()
  let words = [rng.next() as UInt64, rng.next() as UInt64]
  return words.map { w in
    let hex = String(w, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }.joined()
}

/// Whether two secrets (a CSRF token, a session id) are equal, in time that depends on their
/// lengths only, never on where they first differ: every byte pair is compared and the
/// differences are OR-ed together, so a guess that shares a longer prefix with the secret
/// is answered no faster than one that shares none. The one compare for secrets in the
/// server (the login form's token, the session's CSRF token on every POST).
///
/// The length is not secret (tokens are 32 hex digits), so different lengths answer false
/// at once.
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
  let x = Array(a.utf8)
  let y = Array(b.utf8)
  guard x.count == y.count else { return false }
  var difference: UInt8 = 0
  for i in x.indices { difference |= x[i] ^ y[i] }
  return difference == 0
}

/// One logged-in browser: whose it is, its CSRF token, when it was opened and last used, and
/// the user's credentials version when it was opened.
public struct Session: Sendable, Equatable {
  public var id: String
  public var login: String
  public var csrf: String
  public var lastSeen: Int64
  /// When the session was opened (seconds since the epoch): the absolute lifetime runs
  /// from here, however busy the session is.
  public var createdAt: Int64 = 0
  /// The user's ``ServerUser/credentialsVersion`` at login. A password change or a
  /// disable (by the CLI in another process, or on the users page) raises the version in
  /// the store; the server reads the user's row on every request, and a session whose
  /// version is not the row's is closed there (``ArcadenceServer/authorised(_:_:_:)``).
  public var credentialsVersion: Int64 = 0
}

/// The sessions of a running server, in memory (serve.md, "Accounts and sessions").
///
/// Random 128-bit ids; a session idle longer than ``idleLimit`` seconds, or opened more than
/// ``maxLifetime`` seconds ago however busy, is gone; logout removes it. A restart ends
/// every session (everyone logs in again): nothing about a session is written to the store,
/// so a copied store file carries no live session.
///
/// Ending a user's sessions from another process (`arcadence users passwd|disable`) does not
/// need the sessions in the store: each session keeps the user's credentials version, the
/// store keeps the current one, and the server compares the two on every request (see
/// ``Session/credentialsVersion``). A row per session would need a write per request (the
/// last-seen time) and a sweep; the version needs neither.
public actor SessionStore {
  /// Idle expiry in seconds (default 8 h).
  public let idleLimit: Int64
  /// Absolute lifetime in seconds (default 7 days: a stolen cookie of a session kept busy
  /// by a script still dies within a week, and a person logs in once a week at most).
  public let maxLifetime: Int64
  private var sessions: [String: Session] = [:]
  /// The clock, in seconds since the epoch (tests move it).
  private var clock: @Sendable () -> Int64

  public init(
    idleLimit: Int64 = 8 * 3600, maxLifetime: Int64 = 7 * 24 * 3600,
    clock: @escaping @Sendable () -> Int64 = SessionStore.now
  ) {
    self.idleLimit = idleLimit
    self.maxLifetime = maxLifetime
    self.clock = clock
  }

  public static let now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }

  /// Replaces the clock (tests).
  public func setClock(_ clock: @escaping @Sendable () -> Int64) { self.clock = clock }

  /// Opens a session for `login`, whose credentials version is `credentials` now. Expired
  /// sessions are dropped first (O(open sessions), once per login, which costs a bcrypt
  /// anyway), so sessions nobody comes back to do not pile up in memory.
  public func open(login: String, credentials: Int64 = 0) -> Session {
    let now = clock()
    sessions = sessions.filter { !expired($0.value, now: now) }
    let s = Session(
      id: randomToken(), login: login, csrf: randomToken(), lastSeen: now, createdAt: now,
      credentialsVersion: credentials)
    sessions[s.id] = s
    return s
  }

  /// Idle longer than ``idleLimit`` or older than ``maxLifetime`` (each limit itself still
  /// valid: a session idle exactly 8 h lives).
  func expired(_ s: Session, now: Int64) -> Bool {
    now - s.lastSeen > idleLimit || now - s.createdAt > maxLifetime
  }

  /// The session with this id if it has not been idle too long nor lived too long (and marks
  /// it used); an expired one is removed.
  public func touch(_ id: String) -> Session? {
    guard var s = sessions[id] else { return nil }
    let now = clock()
    guard !expired(s, now: now) else {
      sessions[id] = nil
      return nil
    }
    s.lastSeen = now
    sessions[id] = s
    return s
  }

  /// The session with this id, without marking it used (for the log line).
  public func peek(_ id: String) -> Session? { sessions[id] }

  /// Ends a session; returns it (nil when there was none).
  @discardableResult
  public func close(_ id: String) -> Session? { sessions.removeValue(forKey: id) }

  /// Ends every session of `login` (a disabled user).
  public func closeAll(login: String) { sessions = sessions.filter { $0.value.login != login } }

  /// How many sessions are open.
  public var count: Int { sessions.count }
}

/// Failed logins counted per account and per address over a sliding window; past the limit
/// every attempt is refused without checking the password (serve.md: rate-limited per
/// account and per address, not saying whether the account exists).
public actor LoginThrottle {
  /// Failures allowed per login name within ``window`` seconds.
  public let perAccount: Int
  /// Failures allowed per address within ``window`` seconds.
  public let perAddress: Int
  public let window: Int64
  private var failures: [String: [Int64]] = [:]
  private let clock: @Sendable () -> Int64

  public init(
    perAccount: Int = 5, perAddress: Int = 20, window: Int64 = 15 * 60,
    clock: @escaping @Sendable () -> Int64 = SessionStore.now
  ) {
    self.perAccount = perAccount
    self.perAddress = perAddress
    self.window = window
    self.clock = clock
  }

  private func recent(_ key: String, now: Int64) -> Int {
    let kept = (failures[key] ?? []).filter { now - $0 < window }
    failures[key] = kept.isEmpty ? nil : kept
    return kept.count
  }

  /// Whether another attempt for `login` from `address` may be checked.
  public func allows(login: String, address: String) -> Bool {
    let now = clock()
    return recent("login:" + login, now: now) < perAccount
      && recent("addr:" + address, now: now) < perAddress
  }

  /// Counts a failed attempt. Keys whose failures have all left the window are dropped
  /// once there are many, so made-up login names cannot grow the table without bound.
  public func failed(login: String, address: String) {
    let now = clock()
    if failures.count >= 10_000 {
      failures = failures.filter { $0.value.contains { now - $0 < window } }
    }
    failures["login:" + login, default: []].append(now)
    failures["addr:" + address, default: []].append(now)
  }

  /// Clears the account's failures after a successful login.
  public func succeeded(login: String) { failures["login:" + login] = nil }

  /// What ``begin(login:address:)`` decided.
  public enum Decision: Equatable, Sendable {
    /// The password may be checked; the attempt already counts as a failure.
    case allowed
    /// Refused; `report` is true for the first refusal of this login in the window, so
    /// the audit gets one row per blocked account and window, not one per request.
    case refused(report: Bool)
  }

  private var reported: [String: Int64] = [:]

  /// Checks and reserves in one step: an allowed attempt is counted as a failure before
  /// the password is checked (bcrypt takes tens of milliseconds), so requests sent at once
  /// cannot all pass the check before the first failure is recorded. A success then gives
  /// the reservation back (``succeeded(login:address:)``).
  public func begin(login: String, address: String) -> Decision {
    let now = clock()
    guard allows(login: login, address: address) else {
      let key = "login:" + login
      if reported.count >= 10_000 { reported = reported.filter { now - $0.value < window } }
      if let last = reported[key], now - last < window { return .refused(report: false) }
      reported[key] = now
      return .refused(report: true)
    }
    failed(login: login, address: address)
    return .allowed
  }

  /// After a successful login that ``begin(login:address:)`` reserved: the account's
  /// failures are cleared and the address's reservation is given back.
  public func succeeded(login: String, address: String) {
    succeeded(login: login)
    if var list = failures["addr:" + address], !list.isEmpty {
      list.removeLast()
      failures["addr:" + address] = list.isEmpty ? nil : list
    }
  }
}
