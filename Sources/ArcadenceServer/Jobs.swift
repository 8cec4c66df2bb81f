import ArcadenceCore
import ArcadenceStore
import Foundation
import GRDB

/// The state of a simulation job (issue 18): queued, then running, then done, failed or
/// cancelled. A job never goes back.
public enum JobState: String, Sendable, CaseIterable {
  case queued, running, done, failed, cancelled

  /// Whether the job has ended (done, failed or cancelled).
  public var isFinished: Bool { self == .done || self == .failed || self == .cancelled }
}

/// What a job runs: a scenario (`simulate`), the rolling cash forecast (`forecast`) or the
/// rolling-origin accuracy evaluation (`accuracy`).
public enum JobKind: String, Sendable, CaseIterable {
  case simulation, forecast, accuracy
}

/// A scenario an analyst wrote in the browser, kept in the store and private to its author
/// (and admins: ``Access/owns(_:owner:)``).
public struct StoredScenario: Sendable, Equatable {
  public var id: Int64
  public var owner: String
  public var name: String
  public var yaml: String
  public var createdAt: Int64
}

/// One simulation run as a job: who ran which scenario, with how many paths, on which store
/// generation, how far it got and how it ended.
public struct Job: Sendable, Equatable {
  public var id: Int64
  /// What it runs; a forecast or accuracy job keeps its settings in ``yaml``
  /// (``JobSettings``) and its label in ``scenario``.
  public var kind: JobKind = .simulation
  public var owner: String
  /// The scenario's name as listed (`weekly-calls.yaml`, or a stored scenario's name).
  public var scenario: String
  /// The scenario text the job runs (kept, so a later edit does not change a job's meaning).
  public var yaml: String
  /// The file name errors name (and a file scenario's calibration path is relative to).
  public var file: String
  /// Paths to simulate.
  public var paths: Int
  /// The store generation the ledger was read at when the job started (nil before).
  public var generation: Int64?
  public var state: JobState
  /// Paths done, 0…paths.
  public var progress: Int
  public var createdAt: Int64
  public var startedAt: Int64?
  public var finishedAt: Int64?
  /// Why it failed (the same message the CLI prints), or nil.
  public var error: String?
}

/// The scenarios, jobs and job outputs tables (a migration of their own, beside the users
/// and audit tables): every read and write of them goes through here.
public struct JobStore: Sendable {
  public let store: Store

  /// Opens the job tables of `store`, adding them when missing.
  public init(store: Store) throws {
    self.store = store
    do {
      try JobStore.migrator.migrate(store.pool)
    } catch let error as DatabaseError {
      throw ArcadenceError(
        .database,
        "cannot add the scenarios and jobs tables to \(store.path): \(error.message ?? "\(error)")")
    }
  }

  static var migrator: DatabaseMigrator {
    var m = DatabaseMigrator()
    m.registerMigration("serve jobs v1: scenarios, jobs, job outputs") { db in
      try db.execute(sql: JobStore.schemaV1)
    }
    m.registerMigration("serve jobs v2: job kinds (forecast, accuracy)") { db in
      try db.execute(
        sql: "ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'simulation'")
    }
    return m
  }

  /// Stored scenarios (owner, name, YAML), jobs and each job's outputs (the result table,
  /// `simulation.json`, the charts as SVG).
  static let schemaV1 = """
    CREATE TABLE scenarios (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      owner TEXT NOT NULL,
      name TEXT NOT NULL,
      yaml TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX scenarios_owner ON scenarios (owner);
    CREATE TABLE jobs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      owner TEXT NOT NULL,
      scenario TEXT NOT NULL,
      yaml TEXT NOT NULL,
      file TEXT NOT NULL,
      paths INTEGER NOT NULL,
      generation INTEGER,
      state TEXT NOT NULL
        CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
      progress INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      finished_at INTEGER,
      error TEXT
    );
    CREATE INDEX jobs_owner ON jobs (owner);
    CREATE TABLE job_outputs (
      job_id INTEGER NOT NULL REFERENCES jobs (id),
      name TEXT NOT NULL,
      content BLOB NOT NULL,
      PRIMARY KEY (job_id, name)
    );
    """

  static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

  // MARK: scenarios

  /// Stores `yaml` (already validated) as `owner`'s scenario named `name`.
  public func addScenario(owner: String, name: String, yaml: String) throws -> StoredScenario {
    try store.pool.write { db in
      let at = JobStore.now()
      try db.execute(
        sql: "INSERT INTO scenarios (owner, name, yaml, created_at) VALUES (?, ?, ?, ?)",
        arguments: [owner, name, yaml, at])
      return StoredScenario(
        id: db.lastInsertedRowID, owner: owner, name: name, yaml: yaml, createdAt: at)
    }
  }

  /// The stored scenario with this id, or nil.
  public func scenario(_ id: Int64) throws -> StoredScenario? {
    try store.pool.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM scenarios WHERE id = ?", arguments: [id]).map(
        JobStore.scenario)
    }
  }

  /// Deletes a stored scenario; false when there was none. Jobs that ran it keep their own
  /// copy of its text and their results.
  public func deleteScenario(_ id: Int64) throws -> Bool {
    try store.pool.write { db in
      try db.execute(sql: "DELETE FROM scenarios WHERE id = ?", arguments: [id])
      return db.changesCount == 1
    }
  }

  /// The scenarios `owner` may see (every one when `all`), newest first.
  public func scenarios(owner: String, all: Bool) throws -> [StoredScenario] {
    try store.pool.read { db in
      try Row.fetchAll(
        db,
        sql: "SELECT * FROM scenarios WHERE ? OR owner = ? ORDER BY id DESC",
        arguments: [all, owner]
      ).map(JobStore.scenario)
    }
  }

  static func scenario(_ r: Row) -> StoredScenario {
    StoredScenario(
      id: r["id"], owner: r["owner"], name: r["name"], yaml: r["yaml"], createdAt: r["created_at"])
  }

  // MARK: jobs

  /// A new queued job.
  public func addJob(
    kind: JobKind = .simulation, owner: String, scenario: String, yaml: String, file: String,
    paths: Int
  ) throws -> Job {
    try store.pool.write { db in
      let at = JobStore.now()
      try db.execute(
        sql: """
          INSERT INTO jobs (kind, owner, scenario, yaml, file, paths, state, created_at)
          VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)
          """,
        arguments: [kind.rawValue, owner, scenario, yaml, file, paths, at])
      return Job(
        id: db.lastInsertedRowID, kind: kind, owner: owner, scenario: scenario, yaml: yaml,
        file: file,
        paths: paths,
        generation: nil, state: .queued, progress: 0, createdAt: at, startedAt: nil,
        finishedAt: nil, error: nil)
    }
  }

  /// The job with this id, or nil.
  public func job(_ id: Int64) throws -> Job? {
    try store.pool.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(
        JobStore.job)
    }
  }

  /// The jobs `owner` may see (every one when `all`), newest first, at most `limit`.
  public func jobs(owner: String, all: Bool, limit: Int = 500) throws -> [Job] {
    try store.pool.read { db in
      try Row.fetchAll(
        db, sql: "SELECT * FROM jobs WHERE ? OR owner = ? ORDER BY id DESC LIMIT ?",
        arguments: [all, owner, limit]
      ).map(JobStore.job)
    }
  }

  /// The newest job of `kind` with these settings (``Job/yaml``) on store `generation` that
  /// `owner` may see (every owner's when `all`) and that has not failed or been cancelled:
  /// the result a forecast or accuracy page shows instead of running it again.
  public func latest(
    kind: JobKind, settings: String, generation: Int64?, owner: String, all: Bool
  ) throws -> Job? {
    try store.pool.read { db in
      try Row.fetchOne(
        db,
        sql: """
          SELECT * FROM jobs WHERE kind = ? AND yaml = ? AND (? OR owner = ?)
            AND (state IN ('queued', 'running') OR (state = 'done' AND generation IS ?))
          ORDER BY id DESC LIMIT 1
          """,
        arguments: [kind.rawValue, settings, all, owner, generation]
      ).map(JobStore.job)
    }
  }

  /// Removes each owner's finished jobs beyond their newest `keep` (by id), with their
  /// outputs, in one transaction; returns the removed jobs. Queued and running jobs are never
  /// removed, nor counted.
  func prune(keep: Int) throws -> [Job] {
    try store.pool.write { db in
      let old = try Row.fetchAll(
        db,
        sql: """
          SELECT * FROM (
            SELECT *, ROW_NUMBER() OVER (PARTITION BY owner ORDER BY id DESC) AS rank
            FROM jobs WHERE state IN ('done', 'failed', 'cancelled'))
          WHERE rank > ? ORDER BY id
          """,
        arguments: [keep]
      ).map(JobStore.job)
      for job in old {
        try db.execute(sql: "DELETE FROM job_outputs WHERE job_id = ?", arguments: [job.id])
        try db.execute(sql: "DELETE FROM jobs WHERE id = ?", arguments: [job.id])
      }
      return old
    }
  }

  /// The queued jobs, oldest first.
  func queued() throws -> [Job] {
    try store.pool.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE state = 'queued' ORDER BY id").map(
        JobStore.job)
    }
  }

  static func job(_ r: Row) -> Job {
    Job(
      id: r["id"], kind: JobKind(rawValue: r["kind"] ?? "") ?? .simulation, owner: r["owner"],
      scenario: r["scenario"], yaml: r["yaml"], file: r["file"],
      paths: r["paths"],
      generation: r["generation"], state: JobState(rawValue: r["state"]) ?? .failed,
      progress: r["progress"], createdAt: r["created_at"], startedAt: r["started_at"],
      finishedAt: r["finished_at"], error: r["error"])
  }

  /// Moves a queued job to running on `generation`; false when it was no longer queued (a
  /// cancel came first).
  func markRunning(_ id: Int64, generation: Int64?) throws -> Bool {
    try store.pool.write { db in
      try db.execute(
        sql: """
          UPDATE jobs SET state = 'running', started_at = ?, generation = ?
          WHERE id = ? AND state = 'queued'
          """,
        arguments: [JobStore.now(), generation, id])
      return db.changesCount == 1
    }
  }

  /// Records the paths done of a running job.
  func setProgress(_ id: Int64, _ done: Int) throws {
    try store.pool.write { db in
      try db.execute(
        sql: "UPDATE jobs SET progress = ? WHERE id = ? AND state = 'running'",
        arguments: [done, id])
    }
  }

  /// Ends a job that has not ended yet (queued or running) as `state`, with its outputs
  /// (when done) in the same transaction; false when it had ended already.
  func finish(
    _ id: Int64, as state: JobState, error: String? = nil, progress: Int? = nil,
    outputs: [(String, [UInt8])] = []
  ) throws -> Bool {
    try store.pool.write { db in
      try db.execute(
        sql: """
          UPDATE jobs SET state = ?, finished_at = ?, error = ?, progress = COALESCE(?, progress)
          WHERE id = ? AND state IN ('queued', 'running')
          """,
        arguments: [state.rawValue, JobStore.now(), error, progress, id])
      guard db.changesCount == 1 else { return false }
      for (name, bytes) in outputs {
        try db.execute(
          sql: "INSERT OR REPLACE INTO job_outputs (job_id, name, content) VALUES (?, ?, ?)",
          arguments: [id, name, Data(bytes)])
      }
      return true
    }
  }

  /// Marks every job left queued or running (by a server that stopped) as failed with
  /// "server restarted"; returns their ids.
  func failUnfinished() throws -> [Job] {
    try store.pool.write { db in
      let left = try Row.fetchAll(
        db, sql: "SELECT * FROM jobs WHERE state IN ('queued', 'running') ORDER BY id"
      ).map(JobStore.job)
      try db.execute(
        sql: """
          UPDATE jobs SET state = 'failed', finished_at = ?, error = 'server restarted'
          WHERE state IN ('queued', 'running')
          """,
        arguments: [JobStore.now()])
      return left
    }
  }

  /// One output of a job (`table.txt`, `simulation.json`, `comparison.svg`, `fan-….svg`).
  public func output(_ id: Int64, _ name: String) throws -> [UInt8]? {
    try store.pool.read { db in
      try Data.fetchOne(
        db, sql: "SELECT content FROM job_outputs WHERE job_id = ? AND name = ?",
        arguments: [id, name]
      ).map { [UInt8]($0) }
    }
  }

  /// The names of a job's outputs, sorted.
  public func outputNames(_ id: Int64) throws -> [String] {
    try store.pool.read { db in
      try String.fetchAll(
        db, sql: "SELECT name FROM job_outputs WHERE job_id = ? ORDER BY name", arguments: [id])
    }
  }
}
