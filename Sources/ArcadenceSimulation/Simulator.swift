import ArcadenceCore
import Dispatch
import Foundation

/// How a simulation runs: horizon, paths, seed, threads and the random parts switched on.
public struct SimulationSettings: Sendable, Equatable {
  /// Days simulated (day 0 is the start).
  public var horizon: Int
  /// Number of Monte Carlo paths.
  public var paths: Int
  /// The seed: the Philox key.
  public var seed: UInt64
  /// Worker threads (paths are split into contiguous blocks; results do not depend on it).
  public var threads: Int
  /// Whether each path draws a lognormal portfolio shock on all hazards.
  public var portfolioShock: Bool
  /// Whether each path resamples the calibration by customer (Poisson bootstrap).
  public var parameterUncertainty: Bool

  /// Settings.
  public init(
    horizon: Int = 90, paths: Int = 1000, seed: UInt64 = 1, threads: Int = 1,
    portfolioShock: Bool = true, parameterUncertainty: Bool = false
  ) {
    self.horizon = horizon
    self.paths = paths
    self.seed = seed
    self.threads = threads
    self.portfolioShock = portfolioShock
    self.parameterUncertainty = parameterUncertainty
  }

  /// All available cores.
  public static var allCores: Int { ProcessInfo.processInfo.activeProcessorCount }

  /// Refuses `--paths` outside 1…1,000,000 and `--threads` outside 1…1024: the one check of
  /// both for `simulate` and `backtest`.
  public static func check(paths: Int?, threads: Int?) throws {
    if let paths, paths < 1 || paths > 1_000_000 {
      throw ArcadenceError(.usage, "--paths: expected 1 to 1,000,000 (value \(paths))")
    }
    if let threads, threads < 1 || threads > 1024 {
      throw ArcadenceError(.usage, "--threads: expected 1 to 1024 (value \(threads))")
    }
  }
}

/// The Monte Carlo cadence simulator (simulation.md, "Model").
///
/// Each path runs every policy on the same random numbers: every draw is Philox4x32-10
/// (Salmon et al. 2011) keyed by the seed with counter (path, invoice, day, decision), so
/// policies are compared with common random numbers and a path's result does not depend on
/// the thread that ran it. Paths are split into contiguous blocks over `threads` threads
/// and merged in path order, so the output is bit-identical at any thread count.
///
/// The engine is event driven. An invoice's payment is decided by a clock: one uniform `U`
/// per invoice and the running survival `S = Π(1 − h_d)`; it is paid on the first day
/// `S ≤ U`, which is exactly a daily Bernoulli(h_d) draw, but lets the engine jump: while
/// the hazard is constant (no lift running, same bucket) the payment day is
/// `⌈ln(U ÷ S) ÷ ln(1 − h)⌉` days on, one logarithm instead of a draw per day; while a lift
/// decays, days are stepped with one multiplication each. Write-offs run on a second clock.
/// An invoice is touched only on days something can happen to it (a cadence step, its due
/// date, a promised day, an escalation, a pending call, its payment), so the cost is
/// O(events + lifted invoice-days) per path rather than O(invoice-days). Lifts smaller than
/// 0.001 are dropped.
public struct Simulator: Sendable {
  /// The start state.
  public let portfolio: Portfolio
  /// The parameters (scenario overrides applied).
  public let parameters: ModelParameters
  /// The policies; the first is the baseline of the comparisons.
  public let policies: [Policy]
  /// The run settings.
  public let settings: SimulationSettings
  /// The calibration sample to bootstrap from when `parameterUncertainty` is on.
  public let sample: CalibrationSample?
  /// Keys fixed by scenario overrides (never bootstrapped).
  public let fixedKeys: Set<String>
  /// When set, every invoice pays on a day drawn from its customer's curve given its age
  /// (``DelayCurves``): its hazard clock, write-off clock, promises, disputes and auto-pay
  /// no longer move it (the curves were read from a history that had them all).
  public let delayCurves: DelayCurves?
  /// Optional split of cash: each invoice's key in 0..<``cashKeyCount`` (one per invoice of
  /// the portfolio); when set, the result also holds cash per key, path and week
  /// (``SimulationResult/keyedWeekly``). Empty: no split.
  public var cashKey: [Int32] = []
  /// The number of keys of ``cashKey``.
  public var cashKeyCount = 0
  /// Days per bucket of the keyed cash (7: weeks, as `forecast` shows; 1: days, which
  /// `accuracy` needs to split a 30- or 60-day horizon by source).
  public var cashKeyDays = 7
  /// Each customer's payment-run habit on this run's calendar (``PaymentRuns``): a run
  /// customer's payment is released on its run day. Nil: every payment on its clock's day.
  public var paymentRuns: PaymentRuns.Calendar?

  /// A simulator.
  public init(
    portfolio: Portfolio, parameters: ModelParameters, policies: [Policy],
    settings: SimulationSettings, sample: CalibrationSample? = nil, fixedKeys: Set<String> = [],
    delayCurves: DelayCurves? = nil
  ) {
    self.delayCurves = delayCurves
    self.portfolio = portfolio
    self.parameters = parameters
    self.policies = policies
    self.settings = settings
    self.sample = sample
    self.fixedKeys = fixedKeys
  }

  /// Runs every path of every policy. `progress` is called with (paths done, paths) from
  /// worker threads. The same as running all paths as one shard and merging it
  /// (``SimulationResult/init(merging:)``), so a run split over machines and merged gives
  /// the same result. `isCancelled` is asked before each path: once it answers true, the
  /// workers stop and the result holds only the paths done (the caller throws it away).
  public func run(
    progress: (@Sendable (Int, Int) -> Void)? = nil, isCancelled: (@Sendable () -> Bool)? = nil
  ) -> SimulationResult {
    SimulationResult(
      whole: runPaths(0..<settings.paths, progress: progress, isCancelled: isCancelled))
  }

  /// Runs the paths `range` (of ``SimulationSettings/paths``) of every policy: each path
  /// gets the draws it gets in the whole run, since every draw is keyed by its path.
  /// `progress` is called with (paths done, paths in the range) from worker threads;
  /// `isCancelled` as in ``run(progress:isCancelled:)``.
  /// The range must lie inside `0..<settings.paths` (``PathRange/check(from:to:paths:)``
  /// is the one check of the options).
  func runPaths(
    _ range: Range<Int>, progress: (@Sendable (Int, Int) -> Void)? = nil,
    isCancelled: (@Sendable () -> Bool)? = nil
  ) -> PathOutputs {
    let started = DispatchTime.now()
    let cpuStarted = Simulator.processCPUSeconds()
    let core = EngineCore(self)
    let keys = cashKey.count == portfolio.invoiceCount ? max(0, cashKeyCount) : 0
    let buffers = ResultBuffers(
      policies: policies.count, paths: range.count, horizon: settings.horizon, keys: keys,
      bucketDays: cashKeyDays, firstPath: range.lowerBound)
    let count = range.count
    let threads = max(1, min(settings.threads, count))
    let counter = ProgressCounter()
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      let from = range.lowerBound + count * t / threads
      let to = range.lowerBound + count * (t + 1) / threads
      var worker = Worker(core: core, buffers: buffers)
      for path in from..<to {
        if let isCancelled, isCancelled() { break }
        worker.run(path: path)
        let done = counter.increment()
        progress?(done, count)
      }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    return PathOutputs(
      facts: RunFacts(
        start: portfolio.start, policies: policies, settings: settings,
        openInvoices: portfolio.openCount,
        openBalance: portfolio.invoiceBalance.prefix(portfolio.openCount).reduce(0, +)),
      buffers: buffers, seconds: seconds,
      cpuSeconds: Simulator.processCPUSeconds() - cpuStarted)
  }

  /// CPU time used so far by the whole process (all threads), in seconds.
  static func processCPUSeconds() -> Double {
    var t = timespec()
    guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 else { return 0 }
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }
}

/// A thread-safe counter of finished paths.
final class ProgressCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0

  func increment() -> Int {
    lock.lock()
    defer { lock.unlock() }
    value += 1
    return value
  }
}

/// Per-path outputs of every policy, written by the workers at disjoint indices.
final class ResultBuffers: @unchecked Sendable {
  let policies: Int
  let paths: Int
  let horizon: Int
  /// The first path held (buffers of a shard hold paths `firstPath ..< firstPath + paths`;
  /// the indices below count from it).
  let firstPath: Int
  /// Scalars: `(policy × paths + path) × Metric.count + metric`.
  let scalars: UnsafeMutablePointer<Int64>
  /// Cash per day: `(policy × paths + path) × horizon + day`.
  let cash: UnsafeMutablePointer<Int64>
  /// Keys of the cash split (0: none), days per bucket (7 unless the caller asks for
  /// another length) and buckets (⌈horizon ÷ bucketDays⌉, named weeks).
  let keys: Int
  let bucketDays: Int
  let weeks: Int
  /// Cash per key and bucket: `((policy × paths + path) × keys + key) × weeks + week`.
  let keyed: UnsafeMutablePointer<Int64>

  /// The per-path scalar outputs.
  enum Metric: Int, CaseIterable {
    case cash, endingAR, pastDue, d90Plus, creditSales, callsMade, callsMissed, otherContacts
    case autopayEnrollments, agencyFees, writeOffs, promises, disputes, invoiceDays
  }

  init(
    policies: Int, paths: Int, horizon: Int, keys: Int = 0, bucketDays: Int = 7,
    firstPath: Int = 0
  ) {
    self.policies = policies
    self.firstPath = firstPath
    self.paths = paths
    self.horizon = horizon
    self.keys = keys
    self.bucketDays = max(1, bucketDays)
    weeks = (horizon + self.bucketDays - 1) / self.bucketDays
    let nk = policies * paths * keys * weeks
    keyed = .allocate(capacity: max(1, nk))
    keyed.initialize(repeating: 0, count: max(1, nk))
    let ns = policies * paths * Metric.allCases.count
    scalars = .allocate(capacity: max(1, ns))
    scalars.initialize(repeating: 0, count: max(1, ns))
    let nc = policies * paths * horizon
    cash = .allocate(capacity: max(1, nc))
    cash.initialize(repeating: 0, count: max(1, nc))
  }

  deinit {
    scalars.deallocate()
    cash.deallocate()
    keyed.deallocate()
  }

  /// Metric `m` of `policy` on the held path `path` (0 is ``firstPath``).
  @inline(__always)
  func scalar(_ policy: Int, _ path: Int, _ m: Metric) -> Int64 {
    scalars[(policy * paths + path) * Metric.allCases.count + m.rawValue]
  }
}

/// Everything the workers share, read-only.
final class EngineCore: @unchecked Sendable {
  let sim: Simulator
  let philox: Philox4x32
  let policies: [CompiledPolicy]
  let n: Int
  let horizon: Int32
  let segments: Int
  /// New invoices issued on each day (indices).
  let issuedOn: [[Int32]]
  /// Probability of not paying in 30 days per segment and dpd (index dpd − minDpd).
  let notPay30: [[Double]]
  let terms: [Int32]
  /// Per policy, the lifts of recent contacts still running on day 0: reached and unreached
  /// of invoice `i` at `2i` and `2i + 1` (lifts below 0.001 in sum dropped).
  let startLifts: [[Double]]
  /// Each invoice's hazard multiplier at issue: its customer's frailty (``Frailty``).
  let multiplier: [Double]
  /// Per policy, the expected-gain table when its priority is `expected_gain` (else nil).
  let gain: [GainTable?]
  /// Whether invoices are timed by delay curves (``Simulator/delayCurves``).
  let byCurve: Bool

  init(_ s: Simulator) {
    sim = s
    byCurve = s.delayCurves != nil
    philox = Philox4x32(seed: s.settings.seed)
    policies = s.policies.map { CompiledPolicy($0, parameters: s.parameters) }
    n = s.portfolio.invoiceCount
    horizon = Int32(s.settings.horizon)
    segments = s.parameters.hazard.count
    var issued = [[Int32]](repeating: [], count: s.settings.horizon)
    for i in s.portfolio.openCount..<s.portfolio.slotStart {
      let d = Int(s.portfolio.invoiceIssue[i])
      if d >= 0, d < s.settings.horizon { issued[d].append(Int32(i)) }
    }
    issuedOn = issued
    let lo = CompiledPolicy.minDpd
    let hi = CompiledPolicy.maxDpd
    notPay30 = s.parameters.hazard.map { bucketRow in
      let row = HazardBand.expand(bucketRow, factors: s.parameters.bandFactor)
      return (lo...hi).map { dpd in
        var surv = 1.0
        for k in Int32(0)..<30 { surv *= 1 - row[HazardBand.of(dpd: dpd + k)] }
        return surv
      }
    }
    gain = policies.map { $0.policy.priority == .expectedGain ? GainTable($0.parameters) : nil }
    multiplier = s.portfolio.invoiceCustomer.map {
      s.parameters.multiplier(customer: Int($0))
    }
    terms = s.portfolio.invoiceDue.enumerated().map {
      $0.element - s.portfolio.invoiceIssue[$0.offset]
    }
    let p = s.portfolio
    startLifts = policies.map { compiled in
      let lifts = compiled.parameters.lifts
      var out = [Double](repeating: 0, count: 2 * p.openCount)
      for i in 0..<p.openCount {
        var r = 0.0
        var q = 0.0
        for k in Int(p.contactStart[i])..<Int(p.contactStart[i + 1]) {
          let age = Double(-p.contactDay[k])
          if p.contactReached[k] {
            r += lifts.reached * exp(-age / lifts.reachedDecayDays)
          } else {
            q += lifts.unreached * exp(-age / lifts.unreachedDecayDays)
          }
        }
        if r + q >= 1e-3 {
          out[2 * i] = r
          out[2 * i + 1] = q
        }
      }
      return out
    }
  }
}

/// Where an invoice stands on the current path and policy.
enum InvoiceState: UInt8 {
  /// Not issued yet (a new invoice before its issue day, or one with no amount).
  case notIssued = 0
  /// Open: its clocks run and it takes part in the cadence.
  case open = 1
  /// Paid in full.
  case paid = 2
  /// Written off.
  case writtenOff = 3
}

/// The event an invoice's clocks fire: paid in full or written off.
enum ClockEvent: UInt8 {
  /// The payment clock crossed its threshold (or a promise or auto-pay paid it).
  case paid = 1
  /// The write-off clock crossed its threshold.
  case writtenOff = 2
}

/// The state of one invoice on the current path and policy, in one record so that handling
/// an invoice touches two cache lines rather than one per field (128 bytes, stride 128; the
/// records are 64-byte aligned).
///
/// The payment and write-off clocks are survival products: each day multiplies
/// `paySurvival` by `1 − hazard` (and `writeOffSurvival` by `1 − write-off hazard`), and the
/// event fires on the day the product falls to its uniform threshold (inversion sampling).
struct InvoiceRecord {
  /// Survival of the payment clock through `anchor`.
  var paySurvival = 1.0
  /// Survival of the write-off clock through `anchor`.
  var writeOffSurvival = 1.0
  /// The payment clock's threshold (uniform, drawn once per path).
  var payThreshold = 0.0
  /// The write-off clock's threshold.
  var writeOffThreshold = 0.0
  /// The running reached-contact term of the lift.
  var reachedLift = 0.0
  /// The running unreached-contact term of the lift.
  var unreachedLift = 0.0
  /// The invoice's hazard multiplier (customer frailty, escalations).
  var multiplier = 1.0
  /// The agency's fee share once placed with an agency, else 0.
  var fee = 0.0
  /// Open balance in cents.
  var balance: Int64 = 0
  /// Due day (fixed).
  var due: Int32 = 0
  /// Customer index (fixed).
  var customer: Int32 = 0
  /// First index in the flat hazard table, `segment × HazardBand.count` (fixed).
  var row: Int32 = 0
  /// The last day the clocks have been advanced through.
  var anchor: Int32 = 0
  /// Last day blocked by an open dispute (`Int32.min`: none).
  var blocked = Int32.min
  /// Day a kept promise pays (`Int32.max`: none).
  var promise = Int32.max
  /// Day of the next cadence step (`Int32.max`: none).
  var nextCadence = Int32.max
  /// Day a call became due and is still waiting for capacity (`Int32.max`: none).
  var pending = Int32.max
  /// Day the clocks fire `eventKind` (`Int32.max`: not within the scheduled span).
  var event = Int32.max
  /// Day a resolved dispute lifts the hazard like a reached contact, or `Int32.max`.
  var resolvedLift = Int32.max
  /// Escalations applied so far.
  var escalated: Int32 = 0
  /// Next invoice on the same day's wake list, or −1.
  var wakeNext: Int32 = -1
  /// The customer's delay shift (fixed, ``DelayShift``): the payment hazard is its
  /// segment's at `dpd − shift`.
  var shift: Int32 = 0
  /// Where the invoice stands.
  var state = InvoiceState.notIssued
  /// What fires on `event`.
  var eventKind = ClockEvent.paid
  /// Placed with an agency (no more cadence).
  var agency = false
  /// On today's list to be rescheduled after the contacts.
  var queued = false
}

/// The memory a ``Worker`` reuses from path to path, allocated once and freed in `deinit`
/// (as ``ResultBuffers`` owns its own): the worker keeps copies of these pointers for the hot
/// loop, and this object alive as long as it runs.
final class WorkerStorage {
  /// Per-invoice records, 64-byte aligned.
  let invoices: UnsafeMutablePointer<InvoiceRecord>
  /// Records allocated (at least 1).
  let count: Int
  /// Auto-pay status per customer.
  let autopay: UnsafeMutablePointer<Bool>
  /// Amounts of the invoices issued in the horizon on the current path.
  let newAmount: UnsafeMutablePointer<Int64>
  /// Issue day of each invoice on the current path.
  let issueDay: UnsafeMutablePointer<Int32>
  /// Head of each day's wake list.
  let wakeHead: UnsafeMutablePointer<Int32>
  /// The current path and policy's scalar outputs (one per ``ResultBuffers/Metric``).
  let counts: UnsafeMutablePointer<Int64>
  /// The current path and policy's cash per day.
  let cash: UnsafeMutablePointer<Int64>

  /// Storage for `invoices` records (at least one), `customers` customers and `horizon`
  /// days, every record `InvoiceRecord()`, every other value 0 (wake heads −1).
  init(invoices n: Int, customers: Int, horizon: Int) {
    count = max(1, n)
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: count * MemoryLayout<InvoiceRecord>.stride, alignment: 64)
    invoices = raw.bindMemory(to: InvoiceRecord.self, capacity: count)
    invoices.initialize(repeating: InvoiceRecord(), count: count)
    newAmount = .allocate(capacity: count)
    newAmount.initialize(repeating: 0, count: count)
    issueDay = .allocate(capacity: count)
    issueDay.initialize(repeating: 0, count: count)
    autopay = .allocate(capacity: max(1, customers))
    autopay.initialize(repeating: false, count: max(1, customers))
    wakeHead = .allocate(capacity: horizon + 1)
    wakeHead.initialize(repeating: -1, count: horizon + 1)
    counts = .allocate(capacity: ResultBuffers.Metric.allCases.count)
    counts.initialize(repeating: 0, count: ResultBuffers.Metric.allCases.count)
    cash = .allocate(capacity: max(1, horizon))
    cash.initialize(repeating: 0, count: max(1, horizon))
  }

  deinit {
    invoices.deinitialize(count: count)
    UnsafeMutableRawPointer(invoices).deallocate()
    newAmount.deallocate()
    issueDay.deallocate()
    wakeHead.deallocate()
    autopay.deallocate()
    counts.deallocate()
    cash.deallocate()
  }
}

/// One thread's state: per-invoice records reused from path to path.
struct Worker {
  let core: EngineCore
  let buffers: ResultBuffers
  let n: Int
  let h: Int32
  let portfolio: Portfolio

  /// Owns the memory behind the pointers below (freed when the worker goes).
  let storage: WorkerStorage
  /// Per-invoice state, one 128-byte record per invoice (``InvoiceRecord``).
  let inv: UnsafeMutablePointer<InvoiceRecord>
  /// Auto-pay status per customer.
  let autopay: UnsafeMutablePointer<Bool>
  let customers: Int
  /// Amounts of the invoices issued in the horizon on the current path.
  let newAmount: UnsafeMutablePointer<Int64>
  /// Issue day of each invoice on the current path (renewal slots move per path; a slot not
  /// issued in the horizon has `Int32.max`).
  let issueDay: UnsafeMutablePointer<Int32>
  /// Renewal slots issued on each day of the current path.
  var slotIssued: [[Int32]] = []
  var queue: [Int32] = []
  /// Spare buffers that the day's queue, calls and e-mails are swapped into while they are
  /// handled, so that emptying the live ones reallocates nothing (a copy and a
  /// `removeAll(keepingCapacity:)` of the copied-from array made a new buffer every day).
  var queueSpare: [Int32] = []
  var poolSpare: [Int32] = []
  var otherSpare: [(Int32, UInt8)] = []
  /// Intrusive per-day wake lists: `wakeHead[day]` is the first invoice, `inv[i].wakeNext`
  /// the next (−1 ends a list). Each open invoice is in at most one list.
  let wakeHead: UnsafeMutablePointer<Int32>
  var pool: [Int32] = []
  var otherPool: [(Int32, UInt8)] = []
  /// Cash per day on the current path and policy (``WorkerStorage/cash``: a pointer, so that
  /// adding to it checks no uniqueness).
  let cash: UnsafeMutablePointer<Int64>
  /// Cash per key and week on the current path and policy (empty without a split).
  var keyedCash: [Int64]
  /// The scalar outputs (``WorkerStorage/counts``).
  let counts: UnsafeMutablePointer<Int64>

  // Path and policy parameters.
  var path = 0
  /// The path's portfolio shock (1 when off).
  var shock = 1.0
  /// Daily payment hazard per `segment × band` on this path (shock and cap applied).
  var payHazard: [Double] = []
  /// `log(1 − payHazard)` of each cell, for spans of constant hazard.
  var logPaySurvival: [Double] = []
  /// Daily write-off hazard per band.
  var writeOff: [Double] = []
  /// `log(1 − writeOff)` of each band.
  var logWriteOffSurvival: [Double] = []
  var baseRates: [String: Double] = [:]
  var reach = [Double](repeating: 0, count: 4)
  var pPromise = 0.0
  var pKept = 0.0
  var pDispute = 0.0
  var pAccept = 0.0
  var onTime = 0.0
  var cap = 0.95
  var rDecay = 0.0
  var qDecay = 0.0
  var rJump = 0.0
  var qJump = 0.0
  var policy: CompiledPolicy
  var policyIndex = 0
  /// The current policy's number of escalations.
  var escalationCount = 0

  init(core: EngineCore, buffers: ResultBuffers) {
    self.core = core
    self.buffers = buffers
    n = core.n
    h = core.horizon
    portfolio = core.sim.portfolio
    customers = portfolio.customerSegment.count
    storage = WorkerStorage(
      invoices: core.n, customers: customers, horizon: Int(core.horizon))
    inv = storage.invoices
    for i in 0..<core.n {
      inv[i].due = portfolio.invoiceDue[i]
      inv[i].customer = portfolio.invoiceCustomer[i]
      inv[i].row = portfolio.customerSegment[Int(inv[i].customer)] * Int32(HazardBand.count)
      inv[i].shift = core.sim.parameters.shift(customer: Int(inv[i].customer), terms: core.terms[i])
    }
    newAmount = storage.newAmount
    issueDay = storage.issueDay
    for i in 0..<core.n { issueDay[i] = portfolio.invoiceIssue[i] }
    slotIssued = [[Int32]](repeating: [], count: Int(core.horizon))
    autopay = storage.autopay
    wakeHead = storage.wakeHead
    cash = storage.cash
    counts = storage.counts
    keyedCash = [Int64](repeating: 0, count: buffers.keys * buffers.weeks)
    policy = core.policies[0]
  }

  // MARK: Path set-up

  /// Runs every policy on one path.
  mutating func run(path: Int) {
    self.path = path
    let sim = core.sim
    let base = sim.parameters
    // The portfolio shock: one mean-one lognormal multiplier on all hazards.
    var shock = 1.0
    if sim.settings.portfolioShock, base.shockSigma > 0 {
      let w = core.philox.draw(path: path, invoice: 0, day: 0, decision: .shock)
      let z = Philox4x32.normal(Philox4x32.unit(w.0, w.1), Philox4x32.unit(w.2, w.3))
      shock = exp(base.shockSigma * z - base.shockSigma * base.shockSigma / 2)
    }
    self.shock = shock
    var hazard = base.hazard
    baseRates = [:]
    if sim.settings.parameterUncertainty, let sample = sim.sample {
      let boot = Bootstrap.resample(sample, philox: core.philox, path: path)
      hazard = boot.hazard.map { $0.map { $0 * sample.hazardMultiplier } }
      for (k, v) in boot.rates where !sim.fixedKeys.contains(k) { baseRates[k] = v }
    }
    payHazard = []
    logPaySurvival = []
    for row in hazard {
      for v in HazardBand.expand(row, factors: base.bandFactor) {
        let x = min(base.hazardCap, v * shock)
        payHazard.append(x)
        logPaySurvival.append(log1p(-x))
      }
    }
    writeOff = HazardBand.bucket.map { $0 < base.writeOff.count ? min(1, base.writeOff[$0]) : 0 }
    logWriteOffSurvival = writeOff.map { log1p(-$0) }
    drawRenewals()
    // The clocks and new invoices' amounts: drawn once per path, shared by every policy.
    for i in 0..<n {
      let w = core.philox.draw(path: path, invoice: i, day: 0, decision: .clocks)
      inv[i].payThreshold = Philox4x32.unit(w.0, w.1)
      inv[i].writeOffThreshold = Philox4x32.unit(w.2, w.3)
    }
    for i in portfolio.openCount..<n {
      let c = Int(inv[i].customer)
      let lo = Int(portfolio.amountStart[c])
      let hi = Int(portfolio.amountStart[c + 1])
      guard hi > lo else {
        inv[i].balance = 0
        continue
      }
      let w = core.philox.draw(
        path: path, invoice: i, day: portfolio.invoiceIssue[i], decision: .amount)
      let pooled = portfolio.amounts[
        lo + min(hi - lo - 1, Int(Philox4x32.unit(w.0) * Double(hi - lo)))]
      inv[i].balance = portfolio.amountDrift.amount(pooled, issueDay: issueDay[i])
      newAmount[i - portfolio.openCount] = inv[i].balance
    }
    for k in core.policies.indices {
      runPolicy(k)
    }
  }

  /// Renewal billing on this path (``Portfolio/renewalGaps``): a customer with a chance below
  /// 1 (``Portfolio/renewalChance``) bills on the path with that chance; each billed customer's
  /// first issue day is a gap of its own at least as long as the time since its last invoice (the
  /// residual of the current gap), uniformly among those, or when none is that long a uniform
  /// point of a drawn gap; each later gap is drawn uniformly from its gaps. With a churn rate
  /// (``Portfolio/churn``) each customer with chance 1 also draws the day it stops, exponential
  /// from its last invoice, and issues only before it (both draws are one Philox block, so a
  /// book with no churn and every chance 1 draws as before). O(slots).
  mutating func drawRenewals() {
    let p = portfolio
    guard p.slotStart < n, p.renewalSlots.count == customers + 1 else { return }
    for d in slotIssued.indices { slotIssued[d].removeAll(keepingCapacity: true) }
    let philox = core.philox
    for c in 0..<customers {
      let lo = p.slotStart + Int(p.renewalSlots[c])
      let hi = p.slotStart + Int(p.renewalSlots[c + 1])
      guard hi > lo else { continue }
      let gaps = p.renewalGaps[Int(p.renewalGapStart[c])..<Int(p.renewalGapStart[c + 1])]
      guard !gaps.isEmpty else {
        for i in lo..<hi { issueDay[i] = Int32.max }
        continue
      }
      // A customer that looks silent bills on this path with its chance (BillingResumption);
      // one billed on its gaps stops at an exponential day from its last invoice when
      // customers leave (Churn).
      let age = p.renewalAge[c]
      var stop = h
      let chance = c < p.renewalChance.count ? p.renewalChance[c] : 1
      if chance < 1 || p.churn.rate > 0 {
        let z = philox.draw(path: path, invoice: lo, day: 0, decision: .resumption)
        if chance < 1 {
          if Philox4x32.unit(z.0, z.1) >= chance {
            for i in lo..<hi { issueDay[i] = Int32.max }
            continue
          }
        } else {
          let t = -log(1 - Philox4x32.unit(z.2, z.3)) / p.churn.rate - Double(age)
          stop = Int32(max(0, min(Double(h), t.rounded(.up))))
        }
      }
      var w = philox.draw(path: path, invoice: lo, day: 0, decision: .billing)
      let eligible = gaps.filter { $0 >= age }
      var day: Int32
      if eligible.isEmpty {
        let g = gaps[
          gaps.startIndex + min(gaps.count - 1, Int(Philox4x32.unit(w.0) * Double(gaps.count)))]
        day = Int32(Philox4x32.unit(w.1) * Double(g))
      } else {
        day =
          eligible[min(eligible.count - 1, Int(Philox4x32.unit(w.0) * Double(eligible.count)))]
          - age
      }
      var i = lo
      while i < hi {
        guard day < stop else { break }
        issueDay[i] = day
        inv[i].due = day + p.invoiceDue[i]
        slotIssued[Int(day)].append(Int32(i))
        i += 1
        w = philox.draw(path: path, invoice: i, day: 0, decision: .billing)
        day +=
          gaps[
            gaps.startIndex + min(gaps.count - 1, Int(Philox4x32.unit(w.0) * Double(gaps.count)))]
      }
      while i < hi {
        issueDay[i] = Int32.max
        i += 1
      }
    }
  }

  mutating func setParameters(_ p: CompiledPolicy) {
    var params = core.sim.parameters
    for (k, v) in baseRates { params.apply(k, v) }
    for (k, v) in p.policy.overrides { params.apply(k, v) }
    reach = params.reach
    pPromise = params.pPromise
    pKept = params.pKept
    pDispute = params.pDispute
    pAccept = params.pAutopayAccept
    onTime = params.autopayOnTime
    cap = params.hazardCap
    let l = params.lifts
    rDecay = l.reachedDecayDays > 0 ? exp(-1 / l.reachedDecayDays) : 0
    qDecay = l.unreachedDecayDays > 0 ? exp(-1 / l.unreachedDecayDays) : 0
    rJump = l.reached * rDecay
    qJump = l.unreached * qDecay
    promiseLead = params.promiseLeadDays
    resolution = params.resolutionDays
  }

  /// The current policy's promise lead days (kept apart from the rest of its parameters
  /// so that a contact reads it without copying them).
  var promiseLead = DayDistribution(days: [7], weights: [1])
  /// The current policy's dispute resolution times.
  var resolution = QuantileDistribution(values: [], fallback: 7)

  // MARK: One policy on one path

  /// Runs policy `k` on the current path: every invoice reset, the open ones started,
  /// the horizon's days, then the ending state and the path's outputs written out.
  mutating func runPolicy(_ k: Int) {
    policyIndex = k
    policy = core.policies[k]
    escalationCount = policy.policy.escalations.count
    setParameters(policy)
    resetPolicyState()
    startOpenInvoices(lifts: core.startLifts[k])
    for day in 0..<h {
      // New invoices.
      for i in core.issuedOn[Int(day)] { issue(Int(i), on: day) }
      for i in slotIssued[Int(day)] { issue(Int(i), on: day) }
      // Wakes.
      while wakeHead[Int(day)] >= 0 {
        let i = Int(wakeHead[Int(day)])
        wakeHead[Int(day)] = inv[i].wakeNext
        process(i, day)
      }
      allocateCalls(day)
      allocateOther(day)
      scheduleQueued(day)
    }
    countEndingState()
    writeOut()
  }

  /// Clears the wake lists, the path's outputs, auto-pay and every invoice's record (its
  /// clocks' thresholds and amount stay: they are the path's, shared by every policy).
  mutating func resetPolicyState() {
    for d in 0...Int(h) { wakeHead[d] = -1 }
    for d in 0..<Int(h) { cash[d] = 0 }
    for k in keyedCash.indices { keyedCash[k] = 0 }
    for m in 0..<ResultBuffers.Metric.allCases.count { counts[m] = 0 }
    for c in 0..<customers { autopay[c] = portfolio.customerAutopay[c] }
    for i in 0..<n {
      inv[i].state = .notIssued
      inv[i].event = Int32.max
      inv[i].pending = Int32.max
      inv[i].escalated = 0
      inv[i].agency = false
      inv[i].multiplier = core.multiplier[i]
      inv[i].fee = 0
      inv[i].promise = Int32.max
      inv[i].blocked = Int32.min
      inv[i].resolvedLift = Int32.max
      inv[i].reachedLift = 0
      inv[i].unreachedLift = 0
      inv[i].paySurvival = 1
      inv[i].writeOffSurvival = 1
    }
  }

  /// Opens the invoices open at the start: their balances, the lifts of recent contacts
  /// (`lifts`: reached and unreached per invoice), the rest of an open dispute, an open
  /// promise kept or not, the escalations already due, and their first wake.
  mutating func startOpenInvoices(lifts startLifts: [Double]) {
    let philox = core.philox
    for i in 0..<portfolio.openCount {
      inv[i].balance = portfolio.invoiceBalance[i]
      inv[i].state = .open
      inv[i].anchor = -1
      let due = inv[i].due
      // Lifts of recent contacts still running on day 0 (the same on every path).
      inv[i].reachedLift = startLifts[2 * i]
      inv[i].unreachedLift = startLifts[2 * i + 1]
      // An open dispute: the rest of its resolution time, given its age.
      let opened = portfolio.disputeOpened[i]
      if opened != Int32.min {
        let w = philox.draw(path: path, invoice: i, day: 0, decision: .openDispute)
        let dist = resolution
        let age = Double(-opened)
        let f = dist.share(below: age)
        let r = dist.value(at: f + Philox4x32.unit(w.0) * (1 - f))
        inv[i].blocked = max(0, opened + max(1, Int32(r.rounded())))
        inv[i].resolvedLift = inv[i].blocked + 1
      }
      // An open promise: kept or not.
      if portfolio.promiseDay[i] != Int32.max {
        let w = philox.draw(path: path, invoice: i, day: 0, decision: .openPromise)
        if Philox4x32.unit(w.0) < pKept { inv[i].promise = portfolio.promiseDay[i] }
      }
      // Escalations already due.
      escalate(i, dpd: -due)
      inv[i].nextCadence = cadenceDay(i, fromDpd: -due)
      if let curves = core.sim.delayCurves {
        payByCurve(i, curves, age: -portfolio.invoiceIssue[i], on: 0)
      }
      schedule(i, after: -1)
    }
  }

  /// Adds the invoices still open on the last day to ending A/R, past due, 90+ and
  /// invoice-days.
  mutating func countEndingState() {
    let last = h - 1
    for i in 0..<n where inv[i].state == .open {
      let b = inv[i].balance
      counts[ResultBuffers.Metric.endingAR.rawValue] += b
      let dpd = last - inv[i].due
      if dpd >= 1 { counts[ResultBuffers.Metric.pastDue.rawValue] += b }
      if dpd > 90 { counts[ResultBuffers.Metric.d90Plus.rawValue] += b }
      counts[ResultBuffers.Metric.invoiceDays.rawValue] += Int64(
        last - max(0, issueDay[i]) + 1)
    }
  }

  /// Copies the path's scalars, daily cash and keyed cash into the shared buffers (at this
  /// policy and path's own indices, counted from the buffers' first path).
  func writeOut() {
    let mcount = ResultBuffers.Metric.allCases.count
    let slot = policyIndex * buffers.paths + path - buffers.firstPath
    let sBase = slot * mcount
    for m in 0..<mcount { buffers.scalars[sBase + m] = counts[m] }
    let cBase = slot * Int(h)
    for d in 0..<Int(h) { buffers.cash[cBase + d] = cash[d] }
    let kBase = slot * keyedCash.count
    for k in keyedCash.indices { buffers.keyed[kBase + k] = keyedCash[k] }
  }

  @inline(__always)
  func add(_ m: ResultBuffers.Metric, _ v: Int64) { counts[m.rawValue] += v }

  /// The day of the next cadence step at or after `dpd`, or `Int32.max`.
  @inline(__always)
  mutating func cadenceDay(_ i: Int, fromDpd dpd: Int32) -> Int32 {
    if inv[i].agency { return Int32.max }
    let next = policy.nextStep(from: dpd)
    return next == Int32.max ? Int32.max : inv[i].due + next
  }

  mutating func issue(_ i: Int, on day: Int32) {
    let amount = newAmount[i - portfolio.openCount]
    guard amount > 0 else { return }
    inv[i].balance = amount
    inv[i].state = .open
    inv[i].anchor = day - 1
    add(.creditSales, inv[i].balance)
    let due = inv[i].due
    inv[i].nextCadence = cadenceDay(i, fromDpd: day - due)
    if let curves = core.sim.delayCurves { payByCurve(i, curves, age: 0, on: day) }
    schedule(i, after: day - 1)
  }

  /// Times invoice `i`, `age` days old on `day`, by its customer's delay curve: the payment
  /// day is drawn once (``DelayCurves/draw(customer:age:u:shock:)`` with the path's payment
  /// threshold and shock) and kept as the invoice's promise; the hazard and write-off clocks
  /// are stopped and an open dispute dropped, since the curve already holds what they do.
  mutating func payByCurve(_ i: Int, _ curves: DelayCurves, age: Int32, on day: Int32) {
    inv[i].multiplier = 0
    inv[i].writeOffThreshold = 0
    inv[i].blocked = Int32.min
    inv[i].resolvedLift = Int32.max
    inv[i].promise = Int32.max
    let t = curves.draw(
      customer: Int(inv[i].customer), age: age, u: inv[i].payThreshold, shock: shock)
    if let t, Int64(day) + Int64(t) < Int64(h) { inv[i].promise = day + t }
  }

  /// Applies the escalations due at `dpd`.
  mutating func escalate(_ i: Int, dpd: Int32) {
    // Most policies escalate nothing: a count kept per policy, so that the common case reads
    // no array (and retains none).
    guard Int(inv[i].escalated) < escalationCount else { return }
    let list = policy.policy.escalations
    while Int(inv[i].escalated) < list.count, Int32(list[Int(inv[i].escalated)].atDpd) <= dpd {
      let e = list[Int(inv[i].escalated)]
      inv[i].multiplier *= 1 + e.lift
      if e.to == .agency {
        inv[i].agency = true
        inv[i].fee = e.fee
        inv[i].nextCadence = Int32.max
        inv[i].pending = Int32.max
      }
      inv[i].escalated += 1
    }
  }

  // MARK: Payment clocks

  /// Advances invoice `i` from its anchor through day `limit − 1`; returns the day and kind
  /// of the first event, or nil (state advanced to `limit − 1`).
  @inline(__always)
  mutating func advance(_ i: Int, to limit: Int32) -> (Int32, ClockEvent)? {
    // long-function: the simulator's hot loop (make bench's invoice-days/s): the clocks'
    // survivals, thresholds and lift terms stay in locals across the blocked, lifted and
    // constant-hazard spans and are written back once.
    var d = inv[i].anchor + 1
    guard d < limit else { return nil }
    let due = inv[i].due
    // The payment clock runs on the customer's shifted days (DelayShift), the write-off
    // clock on the real ones.
    let payDue = due + inv[i].shift
    let row = Int(inv[i].row)
    let m = inv[i].multiplier
    var s = inv[i].paySurvival
    var sw = inv[i].writeOffSurvival
    var r = inv[i].reachedLift
    var q = inv[i].unreachedLift
    let u = inv[i].payThreshold
    let uw = inv[i].writeOffThreshold
    let blockedThrough = inv[i].blocked
    while d < limit {
      if d <= blockedThrough {
        let end = min(blockedThrough + 1, limit)
        if r + q > 0 {
          let steps = Double(end - d)
          r *= pow(rDecay, steps)
          q *= pow(qDecay, steps)
          if r + q < 1e-3 {
            r = 0
            q = 0
          }
        }
        d = end
        continue
      }
      let b = HazardBand.of(dpd: d - payDue)
      let bw = HazardBand.of(dpd: d - due)
      let next = HazardBand.nextStart(after: b)
      let nextW = HazardBand.nextStart(after: bw)
      var segEnd = next == Int32.max ? limit : min(limit, payDue + next)
      if nextW != Int32.max { segEnd = min(segEnd, due + nextW) }
      if r + q > 0 {
        // A lift is running: one step per day until the bucket ends, the lift drops below
        // 0.001 or the limit. In a bucket without a write-off hazard the write-off clock's
        // factor is exactly 1 and is skipped (while its threshold is not already crossed).
        let base = payHazard[row + b] * m
        let wb = writeOff[bw]
        let noWriteOff = wb == 0 && sw > uw
        repeat {
          let hd = min(cap, base * (1 + r + q))
          s *= 1 - hd
          if s <= u { return (d, .paid) }
          if !noWriteOff {
            sw *= 1 - wb
            if sw <= uw { return (d, .writtenOff) }
          }
          r *= rDecay
          q *= qDecay
          d += 1
          if r + q < 1e-3 {
            r = 0
            q = 0
            break
          }
        } while d < segEnd
        continue
      }
      // Constant hazard until the bucket ends or the limit.
      let span = segEnd - d
      let lh = m == 1 ? logPaySurvival[row + b] : log1p(-min(cap, payHazard[row + b] * m))
      let lw = logWriteOffSurvival[bw]
      let kPay = lh < 0 ? Worker.days(log(u / s) / lh) : Int64.max
      let kWo = lw < 0 ? Worker.days(log(uw / sw) / lw) : Int64.max
      let kMin = min(kPay, kWo)
      if kMin <= Int64(span) {
        return (d + Int32(kMin) - 1, kPay <= kWo ? .paid : .writtenOff)
      }
      s *= exp(Double(span) * lh)
      sw *= exp(Double(span) * lw)
      d = segEnd
    }
    inv[i].paySurvival = s
    inv[i].writeOffSurvival = sw
    inv[i].reachedLift = r
    inv[i].unreachedLift = q
    inv[i].anchor = limit - 1
    return nil
  }

  /// ⌈k⌉ as a number of days: 1 when k ≤ 1, `Int64.max` (never, in any horizon) past 10⁹.
  /// Truncation and a correction rather than `rounded(.up)`, which is a call to `ceil` on the
  /// x86-64 baseline (after the `log` before it, 9 % of `schedule`'s samples in `perf`); the
  /// same value for every k. O(1).
  @inline(__always)
  static func days(_ k: Double) -> Int64 {
    if k <= 1 { return 1 }
    if k > 1e9 { return Int64.max }
    let t = Int64(k)
    return Double(t) < k ? t + 1 : t
  }

  /// Schedules the next day invoice `i` needs attention, after day `day` (its anchor).
  mutating func schedule(_ i: Int, after day: Int32) {
    let due = inv[i].due
    var limit = h
    if inv[i].nextCadence > day { limit = min(limit, inv[i].nextCadence) }
    if due > day { limit = min(limit, due) }
    if inv[i].promise > day { limit = min(limit, inv[i].promise) }
    if inv[i].resolvedLift > day { limit = min(limit, inv[i].resolvedLift) }
    if inv[i].pending != Int32.max { limit = min(limit, day + 1) }
    if Int(inv[i].escalated) < escalationCount {
      let list = policy.policy.escalations
      limit = min(limit, max(day + 1, due + Int32(list[Int(inv[i].escalated)].atDpd)))
    }
    if let (d, kind) = advance(i, to: limit) {
      inv[i].event = d
      inv[i].eventKind = kind
      wake(i, on: d)
    } else if limit < h {
      wake(i, on: limit)
    }
  }

  /// Puts invoice `i` on day `d`'s wake list.
  @inline(__always)
  func wake(_ i: Int, on d: Int32) {
    inv[i].wakeNext = wakeHead[Int(d)]
    wakeHead[Int(d)] = Int32(i)
  }

  /// Closes invoice `i` on `day`: paid or written off.
  mutating func close(_ i: Int, on day: Int32, kind: ClockEvent) {
    let b = inv[i].balance
    if kind == .paid {
      let f = inv[i].fee
      let kept = f > 0 ? Int64((Double(b) * (1 - f)).rounded()) : b
      let at = runDay(i, paidOn: day)
      if at < h {
        cash[Int(at)] += kept
        if !keyedCash.isEmpty {
          keyedCash[Int(core.sim.cashKey[i]) * buffers.weeks + Int(at) / buffers.bucketDays] += kept
        }
        add(.cash, kept)
      }
      add(.agencyFees, b - kept)
      inv[i].state = .paid
    } else {
      add(.writeOffs, b)
      inv[i].state = .writtenOff
    }
    add(.invoiceDays, Int64(day - max(0, issueDay[i]) + 1))
    inv[i].balance = 0
    if inv[i].pending != Int32.max { inv[i].pending = Int32.max }
  }

  // MARK: A day in the life of an invoice

  mutating func process(_ i: Int, _ day: Int32) {
    guard inv[i].state == .open else { return }
    if inv[i].event == day {
      close(i, on: day, kind: inv[i].eventKind)
      return
    }
    let due = inv[i].due
    let dpd = day - due
    // The day's payment: a kept promise, auto-pay on the due date, or the hazard.
    if day > inv[i].blocked {
      if inv[i].promise == day {
        close(i, on: day, kind: .paid)
        return
      }
      if dpd == 0, autopay[Int(inv[i].customer)], !core.byCurve {
        let w = core.philox.draw(path: path, invoice: i, day: day, decision: .autopay)
        if Philox4x32.unit(w.0) < onTime {
          close(i, on: day, kind: .paid)
          return
        }
      }
    }
    if inv[i].anchor < day, let (_, kind) = advance(i, to: day + 1) {
      close(i, on: day, kind: kind)
      return
    }
    // A dispute resolved yesterday: the customer is engaged, as after a reached contact.
    if inv[i].resolvedLift == day {
      inv[i].reachedLift += rJump
      inv[i].resolvedLift = Int32.max
    }
    escalate(i, dpd: dpd)
    // Cadence steps due today.
    if inv[i].nextCadence == day {
      if day > inv[i].blocked {
        let channels = policy.channels(at: dpd)
        for ch in 0..<4 where channels & (1 << UInt8(ch)) != 0 {
          let w = core.philox.draw(
            path: path, invoice: i, day: day, decision: Decision.completion.channel(ch))
          if policy.policy.completion < 1, Philox4x32.unit(w.0) >= policy.policy.completion {
            if ch == 0 { add(.callsMissed, 1) }
            continue
          }
          if ch == 0 {
            if inv[i].pending == Int32.max {
              inv[i].pending = day
            } else {
              add(.callsMissed, 1)
            }
          } else {
            otherPool.append((Int32(i), UInt8(ch)))
            enqueue(i)
          }
        }
      }
      inv[i].nextCadence = cadenceDay(i, fromDpd: dpd + 1)
    }
    if inv[i].pending != Int32.max, !inv[i].agency, day > inv[i].blocked {
      pool.append(Int32(i))
      enqueue(i)
    } else {
      inv[i].pending = Int32.max
    }
    if !inv[i].queued { schedule(i, after: day) }
  }

  /// Marks invoice `i` to be scheduled after today's contacts.
  @inline(__always)
  mutating func enqueue(_ i: Int) {
    if !inv[i].queued {
      inv[i].queued = true
      queue.append(Int32(i))
    }
  }

  /// Schedules the invoices that had contacts today, once each.
  mutating func scheduleQueued(_ day: Int32) {
    swap(&queue, &queueSpare)
    for i32 in queueSpare {
      let i = Int(i32)
      inv[i].queued = false
      if inv[i].state == .open { schedule(i, after: day) }
    }
    queueSpare.removeAll(keepingCapacity: true)
  }

  // MARK: Contacts and capacity

  mutating func allocateCalls(_ day: Int32) {
    guard !pool.isEmpty else { return }
    let capacity = policy.policy.callsPerDay ?? Int.max
    swap(&pool, &poolSpare)
    // Only the first `capacity` need an order (they are called in it); the rest are missed
    // whatever their order, so they are left unsorted.
    if poolSpare.count > capacity { poolSpare = byPriority(poolSpare, day, first: capacity) }
    for (k, i32) in poolSpare.enumerated() {
      let i = Int(i32)
      if k < capacity {
        inv[i].pending = Int32.max
        contact(i, day, channel: 0)
      } else if inv[i].pending == day {
        add(.callsMissed, 1)
      }
    }
    poolSpare.removeAll(keepingCapacity: true)
  }

  /// Contacts the day's e-mails, SMS and letters up to the policy's `otherPerDay`: the first
  /// `capacity` in (priority, invoice, channel) order, found as the calls' are (a selection,
  /// then a sort of those alone, O(n + k log k)); the rest are not sent.
  mutating func allocateOther(_ day: Int32) {
    guard !otherPool.isEmpty else { return }
    let capacity = policy.policy.otherPerDay ?? Int.max
    swap(&otherPool, &otherSpare)
    defer { otherSpare.removeAll(keepingCapacity: true) }
    if otherSpare.count > capacity {
      guard capacity > 0 else { return }
      let keys = priorityKeyed(otherSpare.map(\.0), day)
      var keyed = zip(keys, otherSpare).map { ($0.0, $0.1, $1.1) }
      Worker.select(&keyed, first: capacity, by: Worker.before)
      keyed[0..<capacity].sort(by: Worker.before)
      otherSpare = keyed[0..<capacity].map { ($0.1, $0.2) }
    }
    for (i32, ch) in otherSpare {
      let i = Int(i32)
      if inv[i].state == .open, day > inv[i].blocked {
        contact(i, day, channel: Int(ch))
      }
    }
  }

  /// `ids` in priority order (ties: lower invoice index first).
  func byPriority(_ ids: [Int32], _ day: Int32) -> [Int32] {
    priorityKeyed(ids, day).sorted(by: Worker.before).map(\.1)
  }

  /// `ids` with its first `k` those of ``byPriority(_:_:)``, in its order, and the others
  /// after them in no particular order: a selection (quickselect) and a sort of the `k`,
  /// O(n + k log k) instead of a sort of all n (the calls of a day under capacity: the sort
  /// was a quarter of the simulator's time on weekly-calls).
  func byPriority(_ ids: [Int32], _ day: Int32, first k: Int) -> [Int32] {
    var keyed = priorityKeyed(ids, day)
    guard k < keyed.count else { return keyed.sorted(by: Worker.before).map(\.1) }
    Worker.select(&keyed, first: k)
    keyed[0..<k].sort(by: Worker.before)
    return keyed.map(\.1)
  }

  /// The priority order: the higher key first, ties by the lower invoice index (a strict
  /// total order, so the first k are the same whichever way they are found).
  static func before(_ a: (Double, Int32), _ b: (Double, Int32)) -> Bool {
    a.0 != b.0 ? a.0 > b.0 : a.1 < b.1
  }

  /// The e-mails' priority order: by ``before(_:_:)`` on (key, invoice), then the lower
  /// channel first (one invoice's contacts in channel order).
  static func before(_ a: (Double, Int32, UInt8), _ b: (Double, Int32, UInt8)) -> Bool {
    a.0 != b.0 ? a.0 > b.0 : (a.1 != b.1 ? a.1 < b.1 : a.2 < b.2)
  }

  /// Moves the first `k` of `xs` in ``before(_:_:)`` order to `xs[0..<k]` (in any order).
  static func select(_ xs: inout [(Double, Int32)], first k: Int) {
    select(&xs, first: k, by: before)
  }

  /// Moves the first `k` of `xs` in the strict total order `before` to `xs[0..<k]` (in any
  /// order): Hoare's quickselect with the middle element as pivot; 0 < k < xs.count.
  /// O(n) expected.
  static func select<T>(_ xs: inout [T], first k: Int, by before: (T, T) -> Bool) {
    var lo = 0
    var hi = xs.count - 1
    while lo < hi {
      let pivot = xs[lo + (hi - lo) / 2]
      var i = lo
      var j = hi
      while i <= j {
        while before(xs[i], pivot) { i += 1 }
        while before(pivot, xs[j]) { j -= 1 }
        if i <= j {
          xs.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      // Now xs[lo...j] come before or equal the pivot, xs[i...hi] after or equal it.
      if k - 1 <= j {
        hi = j
      } else if k - 1 >= i {
        lo = i
      } else {
        return
      }
    }
  }

  /// Each of `ids` with its priority key for `day` (the policy's priority rule).
  func priorityKeyed(_ ids: [Int32], _ day: Int32) -> [(Double, Int32)] {
    ids.map { i32 in
      let i = Int(i32)
      let dpd = day - inv[i].due
      let b = Double(inv[i].balance)
      let key: Double
      switch policy.policy.priority {
      case .balanceXDpd: key = b * Double(max(dpd, 1))
      case .oldestFirst: key = Double(dpd) * 1e12 + b
      case .largestFirst: key = b
      case .risk:
        let seg = Int(portfolio.customerSegment[Int(inv[i].customer)])
        let idx = Int(
          min(max(dpd, CompiledPolicy.minDpd), CompiledPolicy.maxDpd) - CompiledPolicy.minDpd)
        key = b * core.notPay30[seg][idx]
      case .expectedGain:
        let seg = Int(portfolio.customerSegment[Int(inv[i].customer)])
        let g = core.gain[policyIndex]?.gain(
          segment: seg, dpd: dpd, multiplier: inv[i].multiplier * shock)
        key = b * (g ?? 0)
      }
      return (key, i32)
    }
  }

  /// One contact on a channel: reach, lift, and the reached outcomes.
  mutating func contact(_ i: Int, _ day: Int32, channel ch: Int) {
    add(ch == 0 ? .callsMade : .otherContacts, 1)
    let w = core.philox.draw(
      path: path, invoice: i, day: day, decision: Decision.contact.channel(ch))
    guard Philox4x32.unit(w.0) < reach[ch] else {
      inv[i].unreachedLift += qJump
      return
    }
    inv[i].reachedLift += rJump
    if Philox4x32.unit(w.1) < pPromise {
      add(.promises, 1)
      let x = core.philox.draw(
        path: path, invoice: i, day: day, decision: Decision.outcome.channel(ch))
      let lead = max(1, Int32(promiseLead.sample(Philox4x32.unit(x.0))))
      if Philox4x32.unit(x.1) < pKept, !core.byCurve {
        inv[i].promise = day + lead
      }
    } else if Philox4x32.unit(w.2) < pDispute {
      add(.disputes, 1)
      let x = core.philox.draw(
        path: path, invoice: i, day: day, decision: Decision.outcome.channel(ch))
      let r = resolution.value(at: Philox4x32.unit(x.2))
      if !core.byCurve {
        inv[i].blocked = day + max(1, Int32(r.rounded()))
        inv[i].resolvedLift = inv[i].blocked + 1
      }
      inv[i].pending = Int32.max
    } else if ch == 0, policy.policy.offerAutopay {
      let c = Int(inv[i].customer)
      if !autopay[c], Philox4x32.unit(w.3) < pAccept {
        autopay[c] = true
        add(.autopayEnrollments, 1)
      }
    }
  }
}
