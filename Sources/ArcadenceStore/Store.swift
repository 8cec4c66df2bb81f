import ArcadenceCore
import Foundation
import GRDB
import GRDBSQLite

/// The embedded SQLite store: one file, WAL mode, foreign keys on, versioned migrations.
///
/// Money is stored as integer cents, dates as days since 1970-01-01 and timestamps as
/// seconds since the epoch (UTC), so no query ever rounds a balance.
public final class Store: Sendable {
  /// The default store path, relative to the working directory.
  public static let defaultPath = "Data/arcadence.sqlite"

  /// The path of the SQLite file.
  public let path: String
  /// The GRDB connection pool (one writer, concurrent readers); a single connection
  /// (`DatabaseQueue`) while a new store is being built by its first import
  /// (``withStore(creatingAt:_:)``).
  ///
  /// `package`, not `public`: GRDB stays out of the library's API. Other targets read the
  /// store through `Store`'s own methods (``loadLedger(_:useCache:)``, ``loadInvoiceLinks(for:)``,
  /// ``lastEventDay()``, the importer and exporter); the package's tests may query it with SQL.
  package let pool: any DatabaseWriter

  /// Whether this store was opened read-only (its file or folder cannot be written): every
  /// read works, nothing is written (no ledger cache), and no file is left beside it.
  public let isReadOnly: Bool

  /// Opens the store at `path`, creating it (and its folder) when `create` is true.
  ///
  /// Without `create`, a missing file is an error that tells the person how to make one. An
  /// existing store that this process cannot write (a read-only file or folder), or any
  /// store when `readOnly` is true, is opened read-only (see ``openingURI(path:)``).
  public init(path: String, create: Bool = true, readOnly: Bool = false) throws {
    self.path = path
    let fm = FileManager.default
    let exists = fm.fileExists(atPath: path)
    if !exists {
      guard create else {
        throw ArcadenceError(
          .io, "no store at \(path): run `arcadence import DIR` first (or pass --db PATH)")
      }
      let dir = (path as NSString).deletingLastPathComponent
      if !dir.isEmpty, !fm.fileExists(atPath: dir) {
        // `cannot create the folder DIR: REASON`, the system's reason kept.
        try OutputFile.createDirectory(dir)
      }
    }
    isReadOnly = exists && (readOnly || !Store.canWrite(path))
    var config = Configuration()
    config.foreignKeysEnabled = true
    config.readonly = isReadOnly
    // A writer waits for another (an import for the end of a report's cache save, say)
    // rather than failing at once; the cache save itself does not wait (see
    // `saveLedgerCache`).
    config.busyMode = .timeout(Store.busyTimeout)
    config.label = "arcadence"
    config.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = NORMAL")
      try db.execute(sql: "PRAGMA cache_size = -65536")  // 64 MiB page cache
      // Readers map the file instead of copying each page into the page cache (SQLite
      // caps this at its compile-time maximum, 2 GB on Debian): a read of the ledger
      // cache's blobs copied every page twice and filled the 64 MiB cache with fresh pages
      // first (issue 20). Pages still in the write-ahead log are read as before. Not the
      // writer: the pages it maps would count in its resident memory (a whole file for the
      // cache refresh after an import, whose peak memory has a target).
      if db.configuration.readonly {
        try db.execute(sql: "PRAGMA mmap_size = \(Store.mmapBytes)")
      }
    }
    do {
      let readOnly = isReadOnly
      pool = try Store.whileBusy {
        let pool = try DatabasePool(
          path: readOnly ? Store.openingURI(path: path) : path, configuration: config)
        // Migrating takes the write lock even when there is nothing to do; checking first
        // lets a report open the store while an import is writing to it.
        if try !pool.read({ try Store.migrator.hasCompletedMigrations($0) }) {
          guard !readOnly else {
            throw ArcadenceError(
              .database,
              "the store \(path) was made by an older version and cannot be updated: it is "
                + "read-only")
          }
          try Store.migrate(pool)
        }
        return pool
      }
    } catch let error as DatabaseError {
      if isReadOnly, error.resultCode.primaryResultCode == .SQLITE_CANTOPEN,
        Store.hasPendingLog(path), !fm.fileExists(atPath: path + "-shm")
      {
        throw ArcadenceError(
          .database,
          "cannot read the store \(path): its last changes are in \(path)-wal, which SQLite "
            + "reads only with a \(path)-shm file, missing and not creatable in a folder you "
            + "cannot write; run any command on the store once as a user who can write its "
            + "folder, or copy the store and its -wal file to a folder you can write")
      }
      throw Store.failure(error, path: path, doing: "cannot open the store \(path)")
    }
  }

  /// A new store being built at `file` by its first import, named `path` in every message
  /// (``withStore(creatingAt:_:)``): one connection whose rollback journal is kept in memory
  /// (a new file's pages are never journaled, so it stays small; a failed build is thrown
  /// away whole) and which does not sync (``NewStore/publish()`` syncs the finished file
  /// once); the schema applied. Nothing but the import may use it: it has no concurrent
  /// readers.
  private init(building file: String, named path: String) throws {
    self.path = path
    isReadOnly = false
    var config = Configuration()
    config.foreignKeysEnabled = true
    config.label = "arcadence"
    config.prepareDatabase { db in
      try db.execute(sql: "PRAGMA journal_mode = MEMORY")
      try db.execute(sql: "PRAGMA synchronous = OFF")
      try db.execute(sql: "PRAGMA cache_size = -65536")  // 64 MiB page cache
    }
    do {
      // `mode=rw`: the file ``NewStore/create()`` made and locked, never a new one.
      let queue = try DatabaseQueue(path: Store.uri(file, "mode=rw"), configuration: config)
      try Store.migrator.migrate(queue)
      pool = queue
    } catch let error as DatabaseError {
      throw Store.failure(error, path: path, doing: "cannot create the store \(path)")
    }
  }

  /// Ends the build of a new store: switches it to WAL mode (as every store is) and closes
  /// its connection.
  private func finishBuilding() throws {
    do {
      try pool.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA journal_mode = WAL")
      }
      try pool.close()
    } catch let error as DatabaseError {
      throw Store.failure(error, path: path, doing: "cannot write the store \(path)")
    }
  }

  /// How much of the store file each reading connection maps into memory (`PRAGMA
  /// mmap_size`).
  static let mmapBytes: Int64 = 1 << 31

  /// Runs `open` (open the pool and bring it to the current schema) again while another
  /// process holds a lock that SQLite reports at once rather than through the busy handler,
  /// for up to ``busyTimeout``: when several processes create the same new store, one of
  /// them is switching it to WAL mode or migrating it, and the others' open or first read
  /// fails meanwhile with "database is locked" (SQLITE_BUSY) before any timeout applies.
  static func whileBusy(_ open: () throws -> DatabasePool) throws -> DatabasePool {
    let deadline = Date().addingTimeInterval(busyTimeout)
    while true {
      do {
        return try open()
      } catch let error as DatabaseError
        where error.resultCode.primaryResultCode == .SQLITE_BUSY && Date() < deadline
      {
        Thread.sleep(forTimeInterval: 0.02)
      }
    }
  }

  /// Whether a write-ahead log with content is beside the store at `path` (changes not yet
  /// copied into the store file).
  static func hasPendingLog(_ path: String) -> Bool {
    let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size]
    return ((wal as? NSNumber)?.intValue ?? 0) > 0
  }

  /// Brings the store at `pool` to the current schema.
  ///
  /// GRDB reads which migrations are applied before it takes the write lock, so when two
  /// processes create the same store at once both run the first migration and the second
  /// fails ("table reps already exists"). Each migration runs in its own transaction: the
  /// failed one left nothing, and once another process has applied them all there is
  /// nothing left to do.
  static func migrate(_ pool: DatabasePool) throws {
    for attempt in 1... {
      do {
        try migrator.migrate(pool)
        return
      } catch let error as DatabaseError {
        if try pool.read({ try migrator.hasCompletedMigrations($0) }) { return }
        if attempt >= 3 { throw error }
      }
    }
  }

  /// Whether this process may write the store at `path` and create files beside it (SQLite
  /// writes `-wal` and `-shm` files in the same folder).
  static func canWrite(_ path: String) -> Bool {
    let dir = (path as NSString).deletingLastPathComponent
    return access(path, W_OK) == 0 && access(dir.isEmpty ? "." : dir, W_OK | X_OK) == 0
  }

  /// The SQLite URI that opens `path` read-only: `immutable=1` (no lock, no `-wal` or
  /// `-shm` file created) when no write-ahead log is pending beside it, else `mode=ro`, which
  /// reads the log's committed pages (it needs the `-shm` file the writer keeps). The path is
  /// percent-encoded, so `?`, `#` and `%` in it stay part of the name.
  static func openingURI(path: String) -> String {
    uri(path, hasPendingLog(path) ? "mode=ro" : "immutable=1")
  }

  /// The SQLite URI of the file at `path` with `query`; the path is percent-encoded, so `?`,
  /// `#` and `%` in it stay part of the name.
  static func uri(_ path: String, _ query: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "?#%")
    let cwd = FileManager.default.currentDirectoryPath
    let absolute = path.hasPrefix("/") ? path : cwd + (cwd.hasSuffix("/") ? "" : "/") + path
    let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
    // `file://` and an empty authority: after `file:` alone, a path starting `//` (a relative
    // path from `/`, or `//tmp/x`) would be read as a host name.
    return "file://\(encoded)?" + query
  }

  /// The error a person sees when SQLite fails on this store: a damaged file is named as
  /// such with what to do; anything else is `doing: SQLite's message`. One home for every
  /// SQLite failure of the store.
  static func failure(_ error: DatabaseError, path: String, doing: String) -> ArcadenceError {
    let message = error.message ?? "\(error)"
    switch error.resultCode.primaryResultCode {
    case .SQLITE_CORRUPT, .SQLITE_NOTADB:
      var failure = ArcadenceError(
        .database,
        "the store \(path) is damaged (SQLite: \(message)); restore it from a backup or "
          + "re-import its data")
      failure.cause = error
      return failure
    default:
      var failure = ArcadenceError(.database, "\(doing): \(message)")
      failure.cause = error
      return failure
    }
  }

  /// Runs `body`, turning a SQLite failure into ``failure(_:path:doing:)``.
  func reading<T>(_ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as DatabaseError {
      throw Store.failure(error, path: path, doing: "cannot read the store \(path)")
    }
  }

  /// Runs `body` on the store at `path`, creating the store if it is missing; a failed
  /// first import leaves nothing behind. A store that existed before is never removed.
  ///
  /// A missing store is built beside its path, in `PATH.importing-PID-RANDOM` (``NewStore``),
  /// and moved into place only once `body` has succeeded: so its first import writes every
  /// page once (a rollback journal, which a new file's pages never enter, instead of the
  /// write-ahead log, which copies each page a second time when it is checkpointed; issue 20),
  /// and no process ever sees a half-built store, even after a kill. When another process
  /// created the store meanwhile, `body` runs again on that store (as if it had existed).
  /// The store is made in place as before (``withStoreInPlace(at:_:)``) when something is at
  /// `path` (a symbolic link, say), when a `-wal`, `-shm` or `-journal` file of an earlier
  /// store is still beside it (SQLite would replay that log onto a finished store moved
  /// there; onto the empty file made in place it discards it), or when the side file's name
  /// would be too long. Builds of this store a killed import left behind are removed first.
  public static func withStore<T>(creatingAt path: String, _ body: (Store) throws -> T) throws
    -> T
  {
    let new = NewStore(path: path)
    new.removeAbandoned()
    guard new.canBuild else { return try withStoreInPlace(at: path, body) }
    let fm = FileManager.default
    let dir = (path as NSString).deletingLastPathComponent
    let dirExisted = dir.isEmpty || fm.fileExists(atPath: dir)
    if !dirExisted { try OutputFile.createDirectory(dir) }
    do {
      try new.create()
      let store = try Store(building: new.file, named: path)
      let result = try body(store)
      try store.finishBuilding()
      guard try new.publish() else {
        new.remove()
        return try withStoreInPlace(at: path, body)
      }
      return result
    } catch {
      new.remove()
      removeFolder(dir, ifMadeHere: !dirExisted)
      throw error
    }
  }

  /// Runs `body` on the store at `path` itself, creating it if it is missing; when it was
  /// missing and the creation or `body` fails, removes what this created (the store file,
  /// its `-wal` and `-shm`, and its folder if that is new and left empty). A store that
  /// existed before is never removed.
  static func withStoreInPlace<T>(at path: String, _ body: (Store) throws -> T) throws -> T {
    let fm = FileManager.default
    let dir = (path as NSString).deletingLastPathComponent
    let existed = fm.fileExists(atPath: path)
    let dirExisted = dir.isEmpty || fm.fileExists(atPath: dir)
    do {
      // The store is released (its connections closed) before the files are removed.
      return try body(try Store(path: path, create: true))
    } catch {
      if !existed {
        removeIfEmpty(path)
        removeFolder(dir, ifMadeHere: !dirExisted)
      }
      throw error
    }
  }

  /// The files SQLite keeps beside a store, by what follows the store's path.
  static let companionSuffixes = ["-wal", "-shm", "-journal"]

  /// Unlinks `file` and the files SQLite keeps beside it (``companionSuffixes``).
  static func removeWithCompanions(_ file: String) {
    for suffix in companionSuffixes + [""] { unlink(file + suffix) }
  }

  /// Removes the folder `dir` when this process made it (`madeHere`) and it is empty: what a
  /// failed first import leaves of the folder it created.
  static func removeFolder(_ dir: String, ifMadeHere madeHere: Bool) {
    let fm = FileManager.default
    if madeHere, (try? fm.contentsOfDirectory(atPath: dir))?.isEmpty == true {
      try? fm.removeItem(atPath: dir)
    }
  }

  /// Removes the store at `path` with its `-wal`, `-shm` and `-journal` files, unless
  /// another process may be using it: it created the same store meanwhile and imported into
  /// it, or it has the store open (waiting for the write lock, say: SQLite would let it write
  /// to the removed file and report success). The checks and the removal happen under the
  /// store's write lock, so no import commits between them. Through a symlink, the file it
  /// points to is removed, never the link.
  static func removeIfEmpty(_ path: String) {
    guard let resolved = realpath(path, nil) else { return }
    let file = String(cString: resolved)
    free(resolved)
    // Closing a descriptor drops every lock this process holds on the file, SQLite's too:
    // the one opened on the `-shm` file is closed only once SQLite's connection is.
    var shm: Int32 = -1
    defer { if shm >= 0 { close(shm) } }
    var config = Configuration()
    config.busyMode = .timeout(busyTimeout)
    guard let queue = try? DatabaseQueue(path: file, configuration: config) else { return }
    try? queue.writeWithoutTransaction { db in
      // Closing this connection must not delete the log and shared-memory files by name:
      // by then they may be another store's.
      var persist: Int32 = 1
      _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
      try db.execute(sql: "BEGIN IMMEDIATE")
      defer { try? db.execute(sql: "ROLLBACK") }
      for entity in Entity.allCases where try db.tableExists(entity.table) {
        if try Int.fetchOne(db, sql: "SELECT 1 FROM \(entity.table) LIMIT 1") != nil { return }
      }
      shm = open(file + "-shm", O_RDWR)
      guard shm >= 0, !Store.isOpenElsewhere(shm: shm) else { return }
      removeWithCompanions(file)
    }
  }

  /// Whether another process has open the store whose `-shm` file is open as `shm`: each
  /// SQLite connection in WAL mode holds a read lock on its byte 128 while it is open (the
  /// unix VFS's "DMS" byte, which tells the first connection to open a store that it is).
  static func isOpenElsewhere(shm: Int32) -> Bool {
    var lock = flock()
    lock.l_type = Int16(F_WRLCK)
    lock.l_whence = Int16(SEEK_SET)
    lock.l_start = 128
    lock.l_len = 1
    guard fcntl(shm, F_GETLK, &lock) == 0 else { return true }
    return lock.l_type != Int16(F_UNLCK)
  }

  /// How long a writer waits for another to finish, in seconds.
  static let busyTimeout: TimeInterval = 60

  /// The store's schema, one migration per version. Never edit a shipped migration: add one.
  static var migrator: DatabaseMigrator {
    var m = DatabaseMigrator()
    m.registerMigration("v1: data contract") { db in
      try db.execute(sql: Store.schemaV1)
    }
    // Only new tables and triggers: no need to check every foreign key of a large store.
    m.registerMigration("v2: ledger cache", foreignKeyChecks: .immediate) { db in
      try db.execute(sql: Store.schemaV2)
      for trigger in Store.ledgerTriggers { try db.execute(sql: trigger.sql) }
    }
    return m
  }

  /// Row counts per entity.
  public func counts() throws -> [Entity: Int] {
    try reading { try countsUnchecked() }
  }

  private func countsUnchecked() throws -> [Entity: Int] {
    try pool.read { db in
      var out: [Entity: Int] = [:]
      for e in Entity.allCases {
        out[e] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(e.table)") ?? 0
      }
      return out
    }
  }

  /// The last day on which anything happened in the store (payments, activities, cases,
  /// tasks, invoices, adjustments), or nil for an empty store.
  public func lastEventDay() throws -> Day? {
    try reading { try lastEventDayUnchecked() }
  }

  private func lastEventDayUnchecked() throws -> Day? {
    try pool.read { db in
      let sql = """
        SELECT MAX(d) FROM (
          SELECT MAX(issued_on) AS d FROM invoices
          UNION ALL SELECT MAX(received_on) FROM payments
          UNION ALL SELECT MAX(posted_on) FROM adjustments
          UNION ALL SELECT MAX(occurred_at) / 86400 FROM activities
          UNION ALL SELECT MAX(opened_at) / 86400 FROM cases
          UNION ALL SELECT MAX(closed_at) / 86400 FROM cases
          UNION ALL SELECT MAX(completed_on) FROM tasks
          UNION ALL SELECT MAX(made_on) FROM promises)
        """
      switch try DatabaseValue.fetchOne(db, sql: sql)?.storage {
      case nil, .null?: return nil
      case .int64(let d)? where Day.supportedRange.contains(d):
        return Day(rawValue: Int32(d))
      default: throw try ruleBreakError(db)  // a date written by another tool
      }
    }
  }

  /// The ledger cache (see ``Store/loadLedger(_:useCache:)``): a columnar copy of the
  /// ledger, and the store's generation, which every change to a ledger table advances.
  static let schemaV2 = """
    CREATE TABLE ledger_cache (
      name TEXT PRIMARY KEY NOT NULL,
      data BLOB NOT NULL
    );
    CREATE TABLE store_generation (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      generation INTEGER NOT NULL
    );
    INSERT INTO store_generation (id, generation) VALUES (1, 0);
    """

  /// The triggers that advance the store's generation on any insert, update or delete in a
  /// ledger table, whoever writes (another tool on the file included). Row triggers cost a
  /// statement per row, so the importer drops them inside its transaction, advances the
  /// generation once, and creates them again before it commits. Dropping a table drops its
  /// triggers (a tool rebuilding a table to alter it), so the cache is only read while all
  /// of them exist, and saving it creates any that are missing. Part of migration v2: a
  /// change here needs a new migration.
  static let ledgerTriggers: [(name: String, sql: String, stored: String)] = [
    "reps", "customers", "invoices", "payments", "adjustments", "activities", "promises",
    "cases", "tasks",
  ].flatMap { table in
    ["insert", "update", "delete"].map { op in
      let name = "\(table)_\(op)_advances_generation"
      let body = """
        \(name) AFTER \(op.uppercased()) ON \(table)
        BEGIN UPDATE store_generation SET generation = generation + 1; END
        """
      // SQLite keeps the statement in sqlite_master without `IF NOT EXISTS`.
      return (name, "CREATE TRIGGER IF NOT EXISTS " + body, "CREATE TRIGGER " + body)
    }
  }

  static let schemaV1 = """
    CREATE TABLE reps (
      rep_id TEXT PRIMARY KEY NOT NULL,
      name TEXT NOT NULL,
      team TEXT,
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
    );
    CREATE TABLE customers (
      customer_id TEXT PRIMARY KEY NOT NULL,
      name TEXT NOT NULL,
      segment TEXT,
      rep_id TEXT NOT NULL REFERENCES reps(rep_id),
      payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days >= 0),
      created_on INTEGER NOT NULL,
      autopay_enrolled_on INTEGER,
      autopay_cancelled_on INTEGER,
      CHECK (autopay_cancelled_on IS NULL
        OR (autopay_enrolled_on IS NOT NULL AND autopay_cancelled_on > autopay_enrolled_on))
    );
    CREATE INDEX customers_rep ON customers(rep_id);
    CREATE TABLE invoices (
      invoice_id TEXT PRIMARY KEY NOT NULL,
      customer_id TEXT NOT NULL REFERENCES customers(customer_id),
      issued_on INTEGER NOT NULL,
      due_on INTEGER NOT NULL,
      amount INTEGER NOT NULL CHECK (amount > 0),
      CHECK (due_on >= issued_on)
    );
    CREATE INDEX invoices_customer ON invoices(customer_id);
    CREATE INDEX invoices_due ON invoices(due_on);
    CREATE TABLE payments (
      payment_id TEXT PRIMARY KEY NOT NULL,
      customer_id TEXT NOT NULL REFERENCES customers(customer_id),
      invoice_id TEXT REFERENCES invoices(invoice_id),
      received_on INTEGER NOT NULL,
      amount INTEGER NOT NULL CHECK (amount > 0),
      method TEXT CHECK (method IN ('autopay', 'ach', 'card', 'check', 'wire', 'other'))
    );
    CREATE INDEX payments_invoice ON payments(invoice_id);
    CREATE INDEX payments_customer ON payments(customer_id, received_on);
    CREATE INDEX payments_received ON payments(received_on);
    CREATE TABLE adjustments (
      adjustment_id TEXT PRIMARY KEY NOT NULL,
      invoice_id TEXT NOT NULL REFERENCES invoices(invoice_id),
      posted_on INTEGER NOT NULL,
      amount INTEGER NOT NULL CHECK (amount > 0),
      kind TEXT NOT NULL CHECK (kind IN ('credit_memo', 'write_off'))
    );
    CREATE INDEX adjustments_invoice ON adjustments(invoice_id);
    CREATE TABLE activities (
      activity_id TEXT PRIMARY KEY NOT NULL,
      customer_id TEXT NOT NULL REFERENCES customers(customer_id),
      invoice_id TEXT REFERENCES invoices(invoice_id),
      rep_id TEXT NOT NULL REFERENCES reps(rep_id),
      occurred_at INTEGER NOT NULL,
      channel TEXT NOT NULL CHECK (channel IN ('call', 'email', 'sms', 'letter')),
      direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
      outcome TEXT NOT NULL CHECK (outcome IN ('no_answer', 'voicemail', 'reached',
        'promise_to_pay', 'dispute', 'paid', 'wrong_contact', 'autopay_enrolled', 'other'))
    );
    CREATE INDEX activities_occurred ON activities(occurred_at);
    CREATE INDEX activities_customer ON activities(customer_id, occurred_at);
    CREATE TABLE promises (
      promise_id TEXT PRIMARY KEY NOT NULL,
      customer_id TEXT NOT NULL REFERENCES customers(customer_id),
      invoice_id TEXT REFERENCES invoices(invoice_id),
      rep_id TEXT NOT NULL REFERENCES reps(rep_id),
      made_on INTEGER NOT NULL,
      promised_on INTEGER NOT NULL,
      amount INTEGER NOT NULL CHECK (amount > 0),
      CHECK (promised_on >= made_on)
    );
    CREATE INDEX promises_made ON promises(made_on);
    CREATE TABLE cases (
      case_id TEXT PRIMARY KEY NOT NULL,
      customer_id TEXT NOT NULL REFERENCES customers(customer_id),
      invoice_id TEXT REFERENCES invoices(invoice_id),
      rep_id TEXT NOT NULL REFERENCES reps(rep_id),
      opened_at INTEGER NOT NULL,
      closed_at INTEGER,
      origin TEXT NOT NULL CHECK (origin IN ('collections', 'inbound_phone', 'inbound_email',
        'internal_referral')),
      root_cause TEXT,
      escalated_at INTEGER,
      escalation_reason TEXT CHECK (escalation_reason IN ('delay', 'documentation_gap',
        'customer_request', 'amount', 'other')),
      summary TEXT,
      investigation TEXT,
      resolution TEXT,
      customer_confirmed INTEGER CHECK (customer_confirmed IN (0, 1)),
      CHECK (closed_at IS NULL OR closed_at >= opened_at),
      CHECK ((escalated_at IS NULL) = (escalation_reason IS NULL))
    );
    CREATE INDEX cases_opened ON cases(opened_at);
    CREATE INDEX cases_customer ON cases(customer_id, opened_at);
    CREATE TABLE tasks (
      task_id TEXT PRIMARY KEY NOT NULL,
      rep_id TEXT NOT NULL REFERENCES reps(rep_id),
      customer_id TEXT NOT NULL REFERENCES customers(customer_id),
      invoice_id TEXT REFERENCES invoices(invoice_id),
      kind TEXT NOT NULL CHECK (kind IN ('call', 'email', 'follow_up', 'review')),
      due_on INTEGER NOT NULL,
      completed_on INTEGER
    );
    CREATE INDEX tasks_due ON tasks(due_on);
    """
}
