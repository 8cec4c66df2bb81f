import ArcadenceCharts
import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import Foundation

/// A flag a running job's simulator asks before each path.
final class CancelFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var set = false
  func cancel() { lock.withLock { set = true } }
  var isSet: Bool { lock.withLock { set } }
}

/// Runs simulation jobs in the background, at most ``limit`` at once (`serve --jobs N`).
///
/// Each job runs on a thread of its own (a `Thread`, as the CLI's simulator runs on its own
/// threads, one worker per job), never on NIO's event loops or Swift's cooperative pool, so
/// requests are served while it runs. The state lives in the store (``JobStore``): queued
/// when submitted, running once a slot is free (with the store generation of the ledger it
/// reads), its progress written about every 5 % of its paths, then done (with the result
/// table, `simulation.json` and the charts as SVG), failed (with the error the CLI would
/// print) or cancelled. A cancel of a running job sets its flag, which the simulator asks
/// before each path. Every step is audited under the job's owner.
public final class JobRunner: @unchecked Sendable {
  public let jobs: JobStore
  let ledger: LedgerSource
  let accounts: Accounts
  /// Jobs run at once.
  public let limit: Int
  /// Finished jobs kept per user (`serve --keep-jobs`); older ones are pruned with their
  /// outputs at the start and after each job (``prune()``).
  public let keep: Int
  private let lock = NSLock()
  /// The jobs holding a slot (starting or running), with their cancel flags.
  private var active: [Int64: CancelFlag] = [:]
  private var hook: (@Sendable (Int64) -> Void)?
  /// Tests: called on the job's thread once it is running, before the simulation starts.
  var beforeRun: (@Sendable (Int64) -> Void)? {
    get { lock.withLock { hook } }
    set { lock.withLock { hook = newValue } }
  }

  init(
    jobs: JobStore, ledger: LedgerSource, accounts: Accounts, limit: Int,
    keep: Int = ServeOptions.defaultKeepJobs
  ) {
    self.jobs = jobs
    self.ledger = ledger
    self.accounts = accounts
    self.limit = max(1, limit)
    self.keep = max(1, keep)
  }

  /// Removes each user's finished jobs beyond their newest ``keep``, outputs included, and
  /// audits it: one `job.pruned` row per owner naming the jobs removed.
  func prune() throws {
    let removed = try jobs.prune(keep: keep)
    for (owner, list) in Dictionary(grouping: removed, by: \.owner).sorted(by: { $0.key < $1.key })
    {
      try accounts.audit(
        actor: owner, action: "job.pruned",
        detail: list.map { "#\($0.id)" }.joined(separator: " ") + " (keeps \(keep) per user)")
    }
  }

  /// Marks the jobs a previous server left queued or running as failed ("server
  /// restarted"), each audited: nothing runs them any more.
  func recover() throws {
    for job in try jobs.failUnfinished() {
      try accounts.audit(
        actor: job.owner, action: "job.failed",
        detail: "#\(job.id) \(job.scenario): server restarted"
      )
    }
  }

  /// Queues a job and starts it when a slot is free.
  public func submit(
    kind: JobKind = .simulation, owner: String, scenario: String, yaml: String, file: String,
    paths: Int, address: String
  ) throws -> Job {
    let job = try jobs.addJob(
      kind: kind, owner: owner, scenario: scenario, yaml: yaml, file: file, paths: paths)
    try accounts.audit(
      actor: owner, action: "job.queued", detail: "#\(job.id) \(scenario) \(paths) paths",
      address: address)
    pump()
    return job
  }

  /// Cancels a queued job at once, or asks a running one to stop (it ends as cancelled at
  /// its next path). False when the job had ended already.
  public func cancel(_ job: Job, actor: String, address: String) throws -> Bool {
    guard !job.state.isFinished else { return false }
    let flag = lock.withLock { active[job.id] }
    flag?.cancel()
    try accounts.audit(
      actor: actor, action: "job.cancel", detail: "#\(job.id) \(job.scenario)", address: address)
    if flag == nil, try jobs.finish(job.id, as: .cancelled) {
      try accounts.audit(actor: job.owner, action: "job.cancelled", detail: "#\(job.id)")
    }
    return true
  }

  /// Jobs holding a slot (tests).
  var activeCount: Int { lock.withLock { active.count } }

  /// Starts queued jobs while slots are free.
  func pump() {
    let queued = (try? jobs.queued()) ?? []
    var starting: [(Job, CancelFlag)] = []
    lock.withLock {
      for job in queued where active.count < limit && active[job.id] == nil {
        let flag = CancelFlag()
        active[job.id] = flag
        starting.append((job, flag))
      }
    }
    for (job, flag) in starting {
      Task { await self.start(job, flag) }
    }
  }

  /// Reads the ledger (the server's held snapshot), marks the job running and hands it to a
  /// thread of its own.
  private func start(_ job: Job, _ flag: CancelFlag) async {
    do {
      let snapshot = try await ledger.snapshot()
      guard try jobs.markRunning(job.id, generation: snapshot.generation) else {
        release(job.id)  // cancelled while queued
        return
      }
      try accounts.audit(
        actor: job.owner, action: "job.started",
        detail:
          "#\(job.id) \(job.scenario) generation \(snapshot.generation.map(String.init) ?? "-")")
      let thread = Thread { [self] in
        self.run(job, snapshot.ledger, flag)
        self.release(job.id)
      }
      thread.name = "arcadence-job-\(job.id)"
      thread.start()
    } catch {
      end(job, .failed, error: ArcadenceError.reason(of: error))
      release(job.id)
    }
  }

  private func release(_ id: Int64) {
    _ = lock.withLock { active.removeValue(forKey: id) }
    pump()
  }

  /// The job itself, on its own thread: parse, calibrate, simulate, draw, store.
  private func run(_ job: Job, _ ledger: Ledger, _ flag: CancelFlag) {
    beforeRun?(job.id)
    if job.kind != .simulation {
      do {
        let links = try jobs.store.loadInvoiceLinks(for: ledger)
        let reporter = ProgressWriter(job: job.id, paths: job.paths, jobs: jobs)
        let outputs: [(String, [UInt8])]
        if job.kind == .forecast {
          outputs = try ForecastJob.run(job, ledger: ledger, links: links) { reporter.report($0) }
        } else {
          outputs = try AccuracyJob.run(job, ledger: ledger, links: links) { reporter.report($0) }
        }
        // The model's runs have no cancel point: a cancelled one is discarded at its end.
        if flag.isSet {
          end(job, .cancelled)
        } else {
          end(job, .done, progress: job.paths, outputs: outputs)
        }
      } catch {
        end(job, flag.isSet ? .cancelled : .failed, error: ArcadenceError.reason(of: error))
      }
      return
    }
    do {
      let scenario = try Scenario.parse(job.yaml, file: job.file)
      let links = try jobs.store.loadInvoiceLinks(for: ledger)
      let run = try SimulationRun(
        scenario: scenario, ledger: ledger, links: links, paths: job.paths, threads: 1)
      let reporter = ProgressWriter(job: job.id, paths: run.settings.paths, jobs: jobs)
      let result = run.run(
        progress: { done, _ in reporter.report(done) }, isCancelled: { flag.isSet })
      if flag.isSet {
        end(job, .cancelled)
        return
      }
      let json = result.json(scenario: scenario.name, calibration: run.calibrationLabel)
      var outputs: [(String, [UInt8])] = [
        ("table.txt", Array(result.table(scenario: scenario.name).utf8)),
        ("simulation.json", Array((json.rendered() + "\n").utf8)),
      ]
      let warnings =
        run.calibration.warnings + (run.liftEstimate?.warning.map { [$0] } ?? [])
      if !warnings.isEmpty {
        outputs.append(("warnings.txt", Array(warnings.joined(separator: "\n").utf8)))
      }
      let renderer = CairoRenderer()
      for entry in SimulationCharts.charts(result, scenario: scenario.name) {
        outputs.append((entry.name + ".svg", try renderer.render(entry.chart, format: .svg)))
      }
      end(job, .done, progress: run.settings.paths, outputs: outputs)
    } catch {
      end(job, flag.isSet ? .cancelled : .failed, error: ArcadenceError.reason(of: error))
    }
  }

  /// Records the end of a job and audits it (once: a job ended already is left alone).
  private func end(
    _ job: Job, _ state: JobState, error: String? = nil, progress: Int? = nil,
    outputs: [(String, [UInt8])] = []
  ) {
    let ended =
      (try? jobs.finish(job.id, as: state, error: error, progress: progress, outputs: outputs))
      ?? false
    guard ended else { return }
    let detail = "#\(job.id) \(job.scenario)" + (error.map { ": " + $0 } ?? "")
    try? accounts.audit(actor: job.owner, action: "job." + state.rawValue, detail: detail)
    try? prune()
  }
}

/// Writes a running job's progress to the store about every 5 % of its paths (and not
/// at every path: 2,000 writes would cost more than the paths).
final class ProgressWriter: @unchecked Sendable {
  private let lock = NSLock()
  private var written = 0
  let job: Int64
  let step: Int
  let jobs: JobStore

  init(job: Int64, paths: Int, jobs: JobStore) {
    self.job = job
    step = max(1, paths / 20)
    self.jobs = jobs
  }

  func report(_ done: Int) {
    let due = lock.withLock {
      guard done >= written + step else { return false }
      written = done
      return true
    }
    if due { try? jobs.setProgress(job, done) }
  }
}
