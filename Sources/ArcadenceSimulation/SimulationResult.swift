import ArcadenceCore
import Foundation

/// The distribution of one output over the paths.
public struct Summary: Sendable, Equatable {
  /// Mean over paths.
  public var mean: Double
  /// Sample standard deviation.
  public var sd: Double
  /// 5th percentile (NumPy linear interpolation, like the others).
  public var p5: Double
  /// 25th percentile.
  public var p25: Double
  /// Median.
  public var p50: Double
  /// 75th percentile.
  public var p75: Double
  /// 95th percentile.
  public var p95: Double
  /// Half-width of the 95 % confidence interval of the mean (1.96 · sd ÷ √paths).
  public var ci95: Double
  /// Number of paths (or of paths where the value is defined).
  public var count: Int

  /// The summary of `values`.
  public init(_ values: [Double]) {
    let s = values.sorted()
    count = s.count
    mean = Statistics.mean(values) ?? .nan
    sd = Statistics.standardDeviation(values) ?? 0
    p5 = Statistics.quantile(sorted: s, 0.05) ?? .nan
    p25 = Statistics.quantile(sorted: s, 0.25) ?? .nan
    p50 = Statistics.quantile(sorted: s, 0.5) ?? .nan
    p75 = Statistics.quantile(sorted: s, 0.75) ?? .nan
    p95 = Statistics.quantile(sorted: s, 0.95) ?? .nan
    ci95 = Statistics.ci95HalfWidth(values) ?? 0
  }
}

/// What one policy produced over all paths.
public struct PolicyOutcome: Sendable {
  /// The policy's name.
  public var name: String
  /// The cadence in one line.
  public var cadence: String
  /// Cash collected over the horizon (cents, net of agency fees).
  public var totalCash: Summary
  /// Open receivables at the end of the last day (cents).
  public var endingAR: Summary
  /// Past due (dpd ≥ 1) at the end (cents).
  public var pastDue: Summary
  /// More than 90 days past due at the end (cents).
  public var d90Plus: Summary
  /// DSO at the horizon: ending AR ÷ credit sales of the horizon × days (kpis.md `dso`);
  /// nil when no invoice is issued in the horizon.
  public var dso: Summary?
  /// Calls made.
  public var callsMade: Summary
  /// Call tasks not made on the day they fell due (capacity or not done).
  public var callsMissed: Summary
  /// Emails, SMS and letters sent.
  public var otherContacts: Summary
  /// Customers enrolled in auto-pay.
  public var autopayEnrollments: Summary
  /// Fees kept by the agency (cents).
  public var agencyFees: Summary
  /// Balances written off (cents).
  public var writeOffs: Summary
  /// Promises to pay made.
  public var promises: Summary
  /// Disputes raised.
  public var disputes: Summary
  /// Credit sales over the horizon (cents).
  public var creditSales: Summary
  /// Per-day percentiles (P5, P25, P50, P75, P95) and mean of cumulative cash (cents).
  public var cumulative: [[Double]]
}

/// A policy against the baseline on the same paths (common random numbers).
public struct Comparison: Sendable {
  /// The policy.
  public var policy: String
  /// The baseline (the scenario's first policy).
  public var baseline: String
  /// Mean paired difference of total cash (policy − baseline, cents).
  public var cashDifference: Double
  /// Half-width of its 95 % CI from the paired differences.
  public var pairedCI95: Double
  /// Half-width if the two had been run on independent numbers: 1.96 · √(s₁² + s₂²) ÷ √n.
  public var unpairedCI95: Double
  /// Mean paired difference of ending AR (cents).
  public var endingARDifference: Double
  /// Mean paired difference of the past-due balance (cents).
  public var pastDueDifference: Double
  /// Mean paired difference of the 90+ balance (cents).
  public var d90PlusDifference: Double
  /// Mean paired difference of calls made.
  public var callsDifference: Double
  /// Paired 95 % CI half-width of the ending-AR difference.
  public var endingARCI95: Double
  /// Paired 95 % CI half-width of the past-due difference.
  public var pastDueCI95: Double
  /// Paired 95 % CI half-width of the 90+ difference.
  public var d90PlusCI95: Double
  /// Paired 95 % CI half-width of the calls difference.
  public var callsCI95: Double
  /// Per-day mean paired difference of cumulative cash (cents).
  public var dailyDifference: [Double]
  /// 95 % CI half-width of each day's paired difference.
  public var dailyCI95: [Double]

  /// `pairedCI95 ÷ unpairedCI95`: how much narrower common random numbers make it.
  public var crnRatio: Double? { unpairedCI95 > 0 ? pairedCI95 / unpairedCI95 : nil }
}

/// The outputs of a Monte Carlo run (simulation.md, "Outputs").
public struct SimulationResult: Sendable {
  /// The first simulated day.
  public var start: Day
  /// The run settings.
  public var settings: SimulationSettings
  /// The policies.
  public var policies: [Policy]
  /// One outcome per policy.
  public var outcomes: [PolicyOutcome]
  /// Each policy after the first against the first.
  public var comparisons: [Comparison]
  /// Invoices open at the start.
  public var openInvoices: Int
  /// Balance open at the start (cents).
  public var openBalance: Int64
  /// Invoice-days simulated (open invoices × days, summed over paths and policies).
  public var invoiceDays: Int64
  /// Wall-clock seconds of the run (not part of the JSON, which is deterministic).
  public var seconds: Double
  /// CPU seconds the process used during the run, all threads together (a measure that
  /// other load on the machine disturbs less than ``seconds``; not part of the JSON).
  public var cpuSeconds: Double
  /// Cash per policy, path and day (cents): `cash[policy][path × horizon + day]`.
  public var cash: [[Int64]]
  /// Total cash per policy and path (cents).
  public var totals: [[Int64]]
  /// With a cash split (``Simulator/cashKey``): the number of keys, and cash per policy,
  /// path, key and week (cents), `keyedWeekly[policy][(path × keys + key) × weeks + week]`
  /// with ⌈horizon ÷ 7⌉ weeks (the last one short when the horizon is not whole weeks);
  /// with ``Simulator/cashKeyDays`` other than 7, a "week" is a bucket of that many days.
  public var keys = 0
  public var keyedWeekly: [[Int64]] = []

  /// The result of the outputs of every path, `0..<settings.paths` (one shard, or the
  /// shards merged in path order by ``init(merging:)``): the one place where the per-path
  /// outputs become summaries, so a single run and a merge give the same numbers.
  init(whole o: PathOutputs) {
    // long-function: left whole while issue 14 item 3 (typed metric keys, the JSON shaping)
    // reworks this file in parallel; the per-policy summaries and the paired comparisons
    // are its two halves.
    let b = o.buffers
    let policies = o.facts.policies
    let settings = o.facts.settings
    start = o.facts.start
    self.settings = settings
    self.policies = policies
    seconds = o.seconds
    cpuSeconds = o.cpuSeconds
    openInvoices = o.facts.openInvoices
    openBalance = o.facts.openBalance
    let paths = settings.paths
    let h = settings.horizon
    typealias M = ResultBuffers.Metric
    var days: Int64 = 0
    var cash: [[Int64]] = []
    var totals: [[Int64]] = []
    var outcomes: [PolicyOutcome] = []
    func column(_ k: Int, _ m: M) -> [Double] {
      (0..<paths).map { Double(b.scalar(k, $0, m)) }
    }
    keys = b.keys
    if b.keys > 0 {
      let per = paths * b.keys * b.weeks
      keyedWeekly = policies.indices.map {
        Array(UnsafeBufferPointer(start: b.keyed + $0 * per, count: per))
      }
    }
    for k in policies.indices {
      let c = Array(UnsafeBufferPointer(start: b.cash + k * paths * h, count: paths * h))
      cash.append(c)
      totals.append((0..<paths).map { b.scalar(k, $0, .cash) })
      days += (0..<paths).reduce(0) { $0 + b.scalar(k, $1, .invoiceDays) }
      let credit = column(k, .creditSales)
      let ar = column(k, .endingAR)
      let dsoValues = zip(ar, credit).compactMap { $1 > 0 ? $0 / $1 * Double(h) : nil }
      outcomes.append(
        PolicyOutcome(
          name: policies[k].name, cadence: policies[k].cadenceSummary,
          totalCash: Summary(column(k, .cash)), endingAR: Summary(ar),
          pastDue: Summary(column(k, .pastDue)), d90Plus: Summary(column(k, .d90Plus)),
          dso: dsoValues.isEmpty ? nil : Summary(dsoValues),
          callsMade: Summary(column(k, .callsMade)),
          callsMissed: Summary(column(k, .callsMissed)),
          otherContacts: Summary(column(k, .otherContacts)),
          autopayEnrollments: Summary(column(k, .autopayEnrollments)),
          agencyFees: Summary(column(k, .agencyFees)),
          writeOffs: Summary(column(k, .writeOffs)), promises: Summary(column(k, .promises)),
          disputes: Summary(column(k, .disputes)), creditSales: Summary(credit),
          cumulative: SimulationResult.dailyPercentiles(c, paths: paths, horizon: h)))
    }
    invoiceDays = days
    self.cash = cash
    self.totals = totals
    self.outcomes = outcomes
    var comparisons: [Comparison] = []
    for k in policies.indices.dropFirst() {
      func paired(_ m: M) -> (Double, Double) {
        let d = (0..<paths).map { Double(b.scalar(k, $0, m) - b.scalar(0, $0, m)) }
        return (Statistics.mean(d) ?? 0, Statistics.ci95HalfWidth(d) ?? 0)
      }
      let (cashMean, cashCI) = paired(.cash)
      let s0 = Statistics.standardDeviation(column(0, .cash)) ?? 0
      let s1 = Statistics.standardDeviation(column(k, .cash)) ?? 0
      let unpaired =
        1.959_963_984_540_054 * (s0 * s0 + s1 * s1).squareRoot()
        / Double(paths).squareRoot()
      let ar = paired(.endingAR)
      let pd = paired(.pastDue)
      let d90 = paired(.d90Plus)
      let calls = paired(.callsMade)
      var dailyMean: [Double] = []
      var dailyCI: [Double] = []
      var running = [Double](repeating: 0, count: paths)
      for d in 0..<h {
        for p in 0..<paths {
          running[p] += Double(cash[k][p * h + d] - cash[0][p * h + d])
        }
        dailyMean.append(Statistics.mean(running) ?? 0)
        dailyCI.append(Statistics.ci95HalfWidth(running) ?? 0)
      }
      comparisons.append(
        Comparison(
          policy: policies[k].name, baseline: policies[0].name, cashDifference: cashMean,
          pairedCI95: cashCI, unpairedCI95: unpaired, endingARDifference: ar.0,
          pastDueDifference: pd.0, d90PlusDifference: d90.0, callsDifference: calls.0,
          endingARCI95: ar.1, pastDueCI95: pd.1, d90PlusCI95: d90.1, callsCI95: calls.1,
          dailyDifference: dailyMean, dailyCI95: dailyCI))
    }
    self.comparisons = comparisons
  }

  /// Per-day P5, P25, P50, P75, P95 and mean of cumulative cash. O(days · paths log paths).
  static func dailyPercentiles(_ cash: [Int64], paths: Int, horizon h: Int) -> [[Double]] {
    var out = [[Double]](repeating: [], count: 6)
    var running = [Double](repeating: 0, count: paths)
    for d in 0..<h {
      for p in 0..<paths { running[p] += Double(cash[p * h + d]) }
      let s = running.sorted()
      for (k, q) in [0.05, 0.25, 0.5, 0.75, 0.95].enumerated() {
        out[k].append(Statistics.quantile(sorted: s, q) ?? 0)
      }
      out[5].append(Statistics.mean(running) ?? 0)
    }
    return out
  }

  /// Cumulative cash by the end of day `d` (0-based) on each path of policy `k` (cents).
  public func cumulativeCash(policy k: Int, through d: Int) -> [Double] {
    let h = settings.horizon
    return (0..<settings.paths).map { p in
      var s: Int64 = 0
      for t in 0...d { s += cash[k][p * h + t] }
      return Double(s)
    }
  }

  /// Cash per path in each block of `length` days from the start (the last block may be
  /// shorter): `[block][path]`, cents.
  public func blockCash(policy k: Int, length: Int) -> [[Double]] {
    let h = settings.horizon
    let blocks = (h + length - 1) / length
    var out = [[Double]](
      repeating: [Double](repeating: 0, count: settings.paths), count: blocks)
    for p in 0..<settings.paths {
      for d in 0..<h { out[d / length][p] += Double(cash[k][p * h + d]) }
    }
    return out
  }

  /// Invoice-days simulated per second of wall time.
  public var invoiceDaysPerSecond: Double { seconds > 0 ? Double(invoiceDays) / seconds : 0 }
}

extension SimulationResult {
  /// The result as JSON with a stable key order: scenario, per-policy outputs with the
  /// daily percentile series of cumulative cash, and the paired comparisons. Contains
  /// nothing that depends on the machine or the thread count.
  public func json(scenario: String, calibration: String) -> JSONValue {
    // long-function: the output contract written key by key in its stable order; left whole
    // while issue 14 item 3 reworks the JSON shaping in parallel.
    func money(_ v: Double) -> JSONValue { .money(computed: v) }
    func number(_ v: Double) -> JSONValue { .number((v * 1000).rounded() / 1000) }
    func summary(_ s: Summary, isMoney: Bool, ci: Bool = false) -> JSONValue {
      let f = isMoney ? money : number
      var pairs: [(String, JSONValue)] = [
        ("mean", f(s.mean)), ("p5", f(s.p5)), ("p50", f(s.p50)), ("p95", f(s.p95)),
      ]
      if ci { pairs.append(("ci95_half_width", f(s.ci95))) }
      return .object(pairs)
    }
    let days = (0..<settings.horizon).map { JSONValue.string((start + $0).description) }
    let policiesJSON: [JSONValue] = outcomes.map { o in
      let names = ["p5", "p25", "p50", "p75", "p95", "mean"]
      return .object([
        ("name", .string(o.name)),
        ("cadence", .string(o.cadence)),
        ("total_cash", summary(o.totalCash, isMoney: true, ci: true)),
        ("ending_ar", summary(o.endingAR, isMoney: true)),
        ("past_due", summary(o.pastDue, isMoney: true)),
        ("d90_plus", summary(o.d90Plus, isMoney: true)),
        ("dso", o.dso.map { summary($0, isMoney: false) } ?? .null),
        ("calls_made", summary(o.callsMade, isMoney: false)),
        ("calls_missed", summary(o.callsMissed, isMoney: false)),
        ("other_contacts", summary(o.otherContacts, isMoney: false)),
        ("autopay_enrollments", summary(o.autopayEnrollments, isMoney: false)),
        ("promises", summary(o.promises, isMoney: false)),
        ("disputes", summary(o.disputes, isMoney: false)),
        ("agency_fees", summary(o.agencyFees, isMoney: true)),
        ("write_offs", summary(o.writeOffs, isMoney: true)),
        ("credit_sales", summary(o.creditSales, isMoney: true)),
        (
          "daily_cumulative_cash",
          .object(
            [("days", .array(days))]
              + names.enumerated().map { k, name in (name, .array(o.cumulative[k].map(money))) })
        ),
      ])
    }
    let comparisonsJSON: [JSONValue] = comparisons.map { c in
      .object([
        ("policy", .string(c.policy)),
        ("baseline", .string(c.baseline)),
        (
          "total_cash_difference",
          .object([
            ("mean", money(c.cashDifference)), ("ci95_low", money(c.cashDifference - c.pairedCI95)),
            ("ci95_high", money(c.cashDifference + c.pairedCI95)),
            ("ci95_half_width", money(c.pairedCI95)),
            ("unpaired_ci95_half_width", money(c.unpairedCI95)),
            ("crn_ratio", c.crnRatio.map { number($0) } ?? .null),
          ])
        ),
        (
          "ending_ar_difference",
          .object([
            ("mean", money(c.endingARDifference)), ("ci95_half_width", money(c.endingARCI95)),
          ])
        ),
        (
          "past_due_difference",
          .object([("mean", money(c.pastDueDifference)), ("ci95_half_width", money(c.pastDueCI95))])
        ),
        (
          "d90_plus_difference",
          .object([("mean", money(c.d90PlusDifference)), ("ci95_half_width", money(c.d90PlusCI95))])
        ),
        (
          "calls_made_difference",
          .object([("mean", number(c.callsDifference)), ("ci95_half_width", number(c.callsCI95))])
        ),
      ])
    }
    return .object([
      (
        "scenario",
        .object([
          ("name", .string(scenario)), ("method", .string("monte_carlo")),
          ("calibration", .string(calibration)), ("start", .string(start.description)),
          ("horizon_days", .int(settings.horizon)), ("paths", .int(settings.paths)),
          ("seed", .string(String(settings.seed))),
          ("portfolio_shock", .bool(settings.portfolioShock)),
          ("parameter_uncertainty", .bool(settings.parameterUncertainty)),
          ("open_invoices", .int(openInvoices)), ("open_balance", .money(openBalance)),
        ])
      ),
      ("policies", .array(policiesJSON)),
      ("comparisons", .array(comparisonsJSON)),
    ])
  }

  /// The result as a table for people.
  public func table(scenario: String) -> String {
    func money(_ v: Double) -> String { Cents.displayWhole(Cents.nearest(v)) }
    func signedMoney(_ v: Double) -> String { (v >= 0 ? "+" : "") + money(v) }
    func count(_ v: Double) -> String { String(format: "%.1f", v) }
    var out =
      "Scenario \(scenario) · start \(start) · \(settings.horizon) days · "
      + "\(Cents.grouped(UInt64(settings.paths))) paths · seed \(settings.seed)\n"
      + "Open at start: \(Cents.grouped(UInt64(openInvoices))) invoices, "
      + "\(Cents.displayWhole(openBalance))\n\n"
    var t = TextTable(header: ["per path"] + outcomes.map(\.name))
    t.add(["Total cash, mean"] + outcomes.map { money($0.totalCash.mean) })
    t.add(["  95% CI of the mean ±"] + outcomes.map { money($0.totalCash.ci95) })
    t.add(["  P5"] + outcomes.map { money($0.totalCash.p5) })
    t.add(["  P50"] + outcomes.map { money($0.totalCash.p50) })
    t.add(["  P95"] + outcomes.map { money($0.totalCash.p95) })
    t.add(["Ending AR, mean"] + outcomes.map { money($0.endingAR.mean) })
    t.add(["Past due, mean"] + outcomes.map { money($0.pastDue.mean) })
    t.add(["90+, mean"] + outcomes.map { money($0.d90Plus.mean) })
    t.add(["DSO at horizon, mean"] + outcomes.map { $0.dso.map { count($0.mean) } ?? "–" })
    t.add(["Calls made"] + outcomes.map { count($0.callsMade.mean) })
    t.add(["Calls missed"] + outcomes.map { count($0.callsMissed.mean) })
    t.add(["Emails/SMS/letters"] + outcomes.map { count($0.otherContacts.mean) })
    t.add(["Auto-pay enrollments"] + outcomes.map { count($0.autopayEnrollments.mean) })
    t.add(
      ["Promises / disputes"]
        + outcomes.map { count($0.promises.mean) + " / " + count($0.disputes.mean) })
    t.add(["Agency fees"] + outcomes.map { money($0.agencyFees.mean) })
    t.add(["Written off"] + outcomes.map { money($0.writeOffs.mean) })
    out += t.rendered()
    out += "\nCadences:\n"
    for o in outcomes { out += "  \(o.name): \(o.cadence)\n" }
    if !comparisons.isEmpty {
      out +=
        "\nPaired differences against \(comparisons[0].baseline) (same random numbers; 95% CI):\n"
      var c = TextTable(
        header: [
          "policy", "total cash", "95% CI", "unpaired CI ±", "CRN ratio", "ending AR",
          "90+", "calls",
        ])
      for x in comparisons {
        c.add([
          x.policy, signedMoney(x.cashDifference),
          "\(signedMoney(x.cashDifference - x.pairedCI95)) … \(signedMoney(x.cashDifference + x.pairedCI95))",
          money(x.unpairedCI95), x.crnRatio.map { String(format: "%.2f", $0) } ?? "–",
          signedMoney(x.endingARDifference), signedMoney(x.d90PlusDifference),
          (x.callsDifference >= 0 ? "+" : "") + count(x.callsDifference),
        ])
      }
      out += c.rendered()
    }
    return out
  }
}
