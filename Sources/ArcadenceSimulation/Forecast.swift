import ArcadenceCharts
import ArcadenceCore
import ArcadenceStore
import Foundation

extension SimulationRun {
  /// The forecast model that `accuracy` validates, as one run: calibrated on data strictly
  /// before `start`, the observed cadence, renewal billing (each path draws its own invoices),
  /// the customer bootstrap (parameter uncertainty) and the portfolio shock. `accuracy` and
  /// `forecast` both build their simulation here.
  public static func forecast(
    name: String, ledger: Ledger, links: InvoiceLinks, start: Day, horizon: Int, paths: Int,
    seed: UInt64, threads: Int, parameterUncertainty: Bool = true, renewalBilling: Bool = true,
    delayShift: Bool = false, delayCurves: Bool = false, selectTiming: Bool = false,
    paymentRuns: Bool = false, weeklyNoise: Bool = false
  ) throws -> SimulationRun {
    // Rolling-origin choice of the payment clock on the store's earlier cutoffs, unless the
    // caller asked for the curves outright.
    let selection =
      selectTiming && !delayCurves
      ? try TimingSelection.select(
        ledger: ledger, links: links, start: start, horizon: horizon, seed: seed,
        threads: threads, delayShift: delayShift) : nil
    // Simulated past the horizon when customers pay in runs, so that cash released back into
    // it is there; `accuracy` and `forecast` read only the horizon (``PaymentRuns/lookahead``).
    let runDays =
      paymentRuns
        && ledger.lastEventDay.map {
          !PaymentRuns.fit(ledger: ledger, until: min(start - 1, $0)).isEmpty
        } == true ? PaymentRuns.lookahead : 0
    var scenario = Scenario(
      name: name, start: start, horizonDays: horizon + runDays, paths: paths, seed: seed,
      parameterUncertainty: parameterUncertainty, policies: [PolicySpec(name: "observed")])
    scenario.renewalBilling = renewalBilling
    scenario.delayShift = delayShift
    scenario.delayCurves = selection?.curves ?? delayCurves
    scenario.paymentRuns = paymentRuns
    var run = try SimulationRun(scenario: scenario, ledger: ledger, links: links, threads: threads)
    run.timingSelection = selection
    if weeklyNoise {
      // The same model (its clock and runs fixed) at the earlier cutoffs.
      let curves = run.delayCurves != nil
      run.weeklyNoise = try WeeklyNoise.measure(ledger: ledger, start: start, horizon: horizon) {
        try SimulationRun.forecast(
          name: "weekly noise", ledger: ledger, links: links, start: $0, horizon: horizon,
          paths: WeeklyNoise.paths, seed: seed, threads: threads,
          parameterUncertainty: parameterUncertainty, renewalBilling: renewalBilling,
          delayShift: delayShift, delayCurves: curves, paymentRuns: paymentRuns)
      }
    }
    return run
  }

  /// The payment day (offset from the start) at each of `levels` of open invoice `i`
  /// (below ``Portfolio/openCount``), nil beyond the clock's reach. Without `runs`, or when
  /// its customer has no run habit, the clock's own quantiles (``clockQuantiles(_:levels:)``).
  /// With one, the quantiles of the day its cash is released (``PaymentRuns``): the clock's
  /// distribution at ``PaymentRuns/quantilePoints`` equally likely days, each split between
  /// the run days around it as the engine splits it (``PaymentRuns/Calendar/outcomes(customer:
  /// paidOn:issued:)``), so a run customer's median lands on a run day when its share is
  /// high. O(quantilePoints × log) beyond the clock's quantiles.
  public func paymentQuantiles(
    _ i: Int, levels: [Double], runs: PaymentRuns.Calendar? = nil
  ) -> [Int32?] {
    let c = Int(portfolio.invoiceCustomer[i])
    guard let runs, runs.habits[c].run != .none else { return clockQuantiles(i, levels: levels) }
    let k = PaymentRuns.quantilePoints
    let clock = clockQuantiles(i, levels: (0..<k).map { (Double($0) + 0.5) / Double(k) })
    var points: [(day: Int32, p: Double)] = []
    for d in clock {
      // Beyond the clock's reach: its weight stays above every day.
      guard let d else { continue }
      for o in runs.outcomes(customer: c, paidOn: d, issued: portfolio.invoiceIssue[i]) {
        points.append((o.day, o.p / Double(k)))
      }
    }
    points.sort { $0.day < $1.day }
    return levels.map { q in
      var sum = 0.0
      for point in points {
        sum += point.p
        if sum >= q - 1e-12 { return point.day }
      }
      return nil
    }
  }

  /// The payment day (offset from the start) at each of `levels` of open invoice `i`
  /// (below ``Portfolio/openCount``) by the payment clock alone: from its customer's delay
  /// curve given its age when the run pays by curves (``DelayCurves``), else under the base
  /// model (``PaymentTiming/quantiles``): its segment's hazards × its customer's frailty on
  /// its customer's shifted clock (``DelayShift``), auto-pay and an open promise.
  public func clockQuantiles(_ i: Int, levels: [Double]) -> [Int32?] {
    let book = portfolio
    let params = parameters
    let c = Int(book.invoiceCustomer[i])
    if let curves = delayCurves {
      // P(paid by day t) ≥ q where the conditional survival falls to 1 − q.
      return levels.map {
        curves.draw(customer: c, age: -book.invoiceIssue[i], u: 1 - $0)
      }
    }
    let seg = Int(book.customerSegment[c])
    return PaymentTiming.quantiles(
      levels, row: seg < params.hazard.count ? params.hazard[seg] : [], due: book.invoiceDue[i],
      autopay: book.customerAutopay[c], autopayOnTime: params.autopayOnTime,
      promiseDay: book.promiseDay[i], pKept: params.pKept, cap: params.hazardCap,
      multiplier: params.multiplier(customer: c), factors: params.bandFactor,
      shift: params.shift(customer: c, terms: book.invoiceDue[i] - book.invoiceIssue[i]))
  }
}

/// The rolling cash forecast (`arcadence forecast`): the next weeks' cash collected, P5/P50/P95
/// over the paths, with the open book (invoices open at the start) and future billing
/// (invoices issued from the start on) apart, overall or per segment, rep or team; and each
/// open invoice's predicted payment date.
public struct Forecast: Sendable {
  /// How to split the weekly forecast.
  public enum Grouping: String, Sendable, CaseIterable {
    case segment, rep, team
  }

  /// What to forecast.
  public struct Settings: Sendable, Equatable {
    /// First forecast day (nil: the day after the last event).
    public var start: Day?
    /// Weeks forecast (1 to 104).
    public var weeks: Int
    /// Monte Carlo paths.
    public var paths: Int
    /// Random seed.
    public var seed: UInt64
    /// Worker threads.
    public var threads: Int
    /// The split, or nil for the whole book.
    public var by: Grouping?
    /// Whether each customer's payment clock is shifted by its own delay (``DelayShift``).
    public var delayShift = false
    /// Whether invoices pay on days drawn from their customer's delay curve given their age
    /// (``DelayCurves``).
    public var delayCurves = false
    /// Whether the payment clock (hazards or delay curves) is chosen on the store's earlier
    /// cutoffs (``TimingSelection``).
    /// On by default (2026-12-01): chosen by rolling origin on the store's own history, the
    /// clock that fits this book, so a ledger paid by days past due keeps the hazards and one
    /// paid by each customer's delay habits gets the curves. 90-day mean |total error| over
    /// 12 cutoffs (Benchmarks/accuracy.md), hazards → selected, baseline B: market worlds
    /// 1/2/3 5.95/6.22/7.38 → 4.63/4.27/4.63 % (6.53/5.63/4.96), held-out market 6/7
    /// 5.15/6.39 → 3.44/5.12 % (3.38/5.13); the sample 1.28 → 1.76 % (3.25), standard worlds
    /// 31/37 2.40/1.58 → 2.36/1.78 % (2.41/2.41), IBM 3.86 → 3.99 % (3.82). Ignored when
    /// ``delayCurves`` asks for the curves outright.
    public var selectTiming = true
    /// Whether run customers' payments are released on their run days (``PaymentRuns``).
    /// On by default (issue 15, Benchmarks/accuracy.md "Payment runs keeping the expected
    /// day"): with the placement that keeps each payment's expected day and the same 35-day
    /// lookahead as `accuracy`, on market worlds 1/2/3 (12 cutoffs, 200 paths) the 90-day
    /// weekly MAPE fell 24.1/18.4/22.9 → 15.3/12.1/16.2 %, the weeks in the P5–P95 band rose
    /// 54.9/66.0/66.7 → 74.3/80.6/75.0 %, the 30-day |total error| fell 12.2/9.2/12.1 →
    /// 8.2/6.0/8.4 %, the 90-day one moved 4.63/4.27/4.63 → 3.52/4.08/4.70 % and ±7-day
    /// invoice hits rose 44.6/45.6/44.2 → 50.0/50.8/49.7 %; the sample and standard world 31
    /// moved by at most 0.06 point (90 days: 1.76 → 1.74 %, 2.36 → 2.39 %). A book without run
    /// habits is forecast exactly as without them.
    public var paymentRuns = true
    /// Whether each week's P5–P95 adds the week-to-week noise measured on the store's earlier
    /// cutoffs (``WeeklyNoise``). On by default (issue 15, Benchmarks/accuracy.md "Weekly
    /// bands that cover"): the paths alone left 19–26 % of weeks outside the band on market
    /// worlds.
    public var weeklyNoise = true

    /// Settings; the defaults are finance's 13 weeks with 1,000 paths.
    public init(
      start: Day? = nil, weeks: Int = 13, paths: Int = 1000, seed: UInt64 = 1, threads: Int = 1,
      by: Grouping? = nil
    ) {
      self.start = start
      self.weeks = weeks
      self.paths = paths
      self.seed = seed
      self.threads = threads
      self.by = by
    }
  }

  /// P5, P50 and P95 over the paths, cents.
  public struct Band: Sendable, Equatable {
    public var p5: Double
    public var p50: Double
    public var p95: Double

    /// The band of `values` (NumPy linear interpolation).
    init(_ values: [Double]) {
      let s = values.sorted()
      p5 = Statistics.quantile(sorted: s, 0.05) ?? 0
      p50 = Statistics.quantile(sorted: s, 0.5) ?? 0
      p95 = Statistics.quantile(sorted: s, 0.95) ?? 0
    }

    /// The median of `values` with the band widened by each path's `multipliers`, each
    /// path held to its `ceilings` (``WeeklyNoise/widened(_:multipliers:ceilings:)``): the
    /// median stays the paths'.
    init(_ values: [Double], multipliers: [Double], ceilings: [Double]? = nil) {
      self.init(values, wide: zip(values, multipliers).map { $0 * $1 }, ceilings: ceilings)
    }

    /// The median of `values` with the band widened to each path's `wide` value
    /// (``WeeklyNoise/widened(_:wide:ceilings:)``).
    init(_ values: [Double], wide: [Double], ceilings: [Double]? = nil) {
      self.init(values)
      if let b = WeeklyNoise.widened(values, wide: wide, ceilings: ceilings) {
        p5 = b.lowerBound
        p95 = b.upperBound
      }
    }
  }

  /// One week of one group.
  public struct Week: Sendable, Equatable {
    /// First day of the week.
    public var start: Day
    /// Cash from invoices open at the start.
    public var openBook: Band
    /// Cash from invoices issued in the horizon.
    public var futureBilling: Band
    /// All cash (per path, the sum of the two).
    public var total: Band
  }

  /// The forecast of one group (or of the whole book).
  public struct Series: Sendable, Equatable {
    /// The group's name ("all" for the whole book).
    public var group: String
    /// The weeks.
    public var weeks: [Week]
    /// The whole horizon.
    public var horizon: Week
  }

  /// One open invoice's predicted payment date.
  public struct InvoicePrediction: Sendable, Equatable {
    public var invoiceId: String
    public var customerId: String
    public var customerName: String
    /// Amount and balance at the start, cents.
    public var amount: Int64
    public var balance: Int64
    public var due: Day
    /// Days past due on the start day (negative: due in that many days).
    public var daysPastDue: Int
    /// P10, median and P90 of the payment day (nil: not reached within three years).
    public var p10: Day?
    public var median: Day?
    public var p90: Day?
  }

  /// The settings.
  public var settings: Settings
  /// The first forecast day.
  public var start: Day
  /// The last day of data the calibration used.
  public var calibratedUntil: Day
  /// The whole book first, then each group (sorted by name) when split.
  public var series: [Series]
  /// Actual cash received in each of the 8 full weeks before the start (oldest first).
  public var actualWeeks: [(start: Day, cash: Int64)]
  /// Invoices open at the start and their balance, cents.
  public var openInvoices: Int
  public var openBalance: Int64
  /// Per path, cash over the horizon: from the open book, from future billing, and the
  /// simulator's own total (the first two add up to the third).
  public var pathOpenBook: [Int64]
  public var pathFutureBilling: [Int64]
  public var pathTotal: [Int64]
  /// The open invoices' predicted payment dates, in ledger order.
  public var invoices: [InvoicePrediction]
  /// The calibration's warnings.
  public var warnings: [String]
  /// The payment clock the forecast ran: "hazard" or "curves" (``DelayCurves``).
  public var clock = "hazard"
  /// How the clock was chosen on the store's earlier cutoffs (nil: fixed by the settings).
  public var timingSelection: TimingSelection?
  /// The week-to-week noise each week's band adds (nil: not measured, by the settings).
  public var weeklyNoise: WeeklyNoise?
  /// How often silent and lapsed customers bill (``BillingResumption``).
  public var resumption = BillingResumption.off
  /// The rate at which billed customers stop billing (``Churn``).
  public var churn = Churn.off
  /// Whether new invoices' amounts follow a drift (``AmountDrift``).
  public var amountDrift = AmountDrift.off
  /// A note for stderr when the start is long after the book's last invoice
  /// (``startNote(ledger:start:)``).
  public var startNote: String?
  /// The unapplied cash the open book's weeks include (``UnappliedCash``), and its weekly
  /// cents for the whole book.
  public var unapplied = UnappliedCash.none
  public var unappliedWeekly: Int64 = 0

  /// Days after the last invoice past which a start is worth a note.
  public static let staleDays = 90

  /// A note when `start` is more than ``staleDays`` after the last invoice: the forecast then
  /// ages the book as it stood then, as if nothing had been billed or paid since — a start
  /// far past the data (`--from`), or a default start moved by a stray late event (a payment
  /// dated a century ahead), says so instead of forecasting quietly. Nil otherwise.
  public static func startNote(ledger l: Ledger, start: Day) -> String? {
    guard let lastInvoice = l.invoiceIssued.max() else { return nil }
    let gap = Int(start.rawValue) - Int(lastInvoice)
    guard gap > staleDays else { return nil }
    return "note: the forecast starts \(start), \(gap) days after the last invoice "
      + "(\(Day(rawValue: lastInvoice))): it ages the book as it stood then, as if nothing was "
      + "billed or paid since; give --from to start nearer the data"
  }

  /// The forecast's first day (the one asked for, or the day after the store's last) and the
  /// store's last day, or a usage error saying what is wrong with them.
  static func checkedStart(ledger l: Ledger, settings: Settings) throws -> (Day, Day) {
    guard let last = l.lastEventDay else {
      throw ArcadenceError(.usage, "the store is empty: import data first")
    }
    guard settings.weeks >= 1, settings.weeks <= 104 else {
      throw ArcadenceError(.usage, "--weeks: expected 1 to 104 (value \(settings.weeks))")
    }
    let start = settings.start ?? last + 1
    try Span.day(start, after: last, option: "--from")
    // The run simulates up to the horizon plus the payment runs' lookahead: say which day
    // would end it past the calendar, and why the start is there when it was not given.
    guard start.offset(by: settings.weeks * 7 + PaymentRuns.lookahead - 1) != nil else {
      throw ArcadenceError(
        .usage,
        settings.start == nil
          ? SimulationRun.noRoomAfter(last, run: "a forecast", fix: "name a start with --from")
          : "--from: \(start) with --weeks \(settings.weeks) ends after \(Day.maximum) (with "
            + "the \(PaymentRuns.lookahead) days the model simulates past the horizon)")
    }
    if let first = l.invoiceIssued.min(), start.rawValue <= first {
      throw ArcadenceError(
        .usage,
        "--from: \(start) is not after the first invoice (\(Day(rawValue: first))): the "
          + "forecast is calibrated on the data before it")
    }
    return (start, last)
  }

  /// Runs the forecast on the store.
  public static func run(
    ledger l: Ledger, links: InvoiceLinks, settings: Settings,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws -> Forecast {
    let (start, last) = try checkedStart(ledger: l, settings: settings)
    let run = try SimulationRun.forecast(
      name: "forecast", ledger: l, links: links, start: start, horizon: settings.weeks * 7,
      paths: settings.paths, seed: settings.seed, threads: settings.threads,
      delayShift: settings.delayShift, delayCurves: settings.delayCurves,
      selectTiming: settings.selectTiming, paymentRuns: settings.paymentRuns,
      weeklyNoise: settings.weeklyNoise)
    let book = run.portfolio
    let (names, customerGroup) = groups(ledger: l, by: settings.by)
    // Keys: 2 × group + (0 open book, 1 future billing); group 0 is the whole book.
    var sim = run.simulator
    sim.cashKeyCount = 2 * names.count
    sim.cashKey = (0..<book.invoiceCount).map { i in
      let c = Int(book.invoiceCustomer[i])
      return 2 * (c < customerGroup.count ? customerGroup[c] : 0) + (i < book.openCount ? 0 : 1)
    }
    let result = sim.run(progress: progress)
    var groupOpen = [Double](repeating: 0, count: names.count)
    for i in 0..<book.openCount {
      let c = Int(book.invoiceCustomer[i])
      let g = c < customerGroup.count ? Int(customerGroup[c]) : 0
      groupOpen[0] += Double(book.invoiceBalance[i])
      if g > 0 { groupOpen[g] += Double(book.invoiceBalance[i]) }
    }
    let unapplied = UnappliedCash.measure(ledger: l, start: start)
    let unappliedWeekly = unapplied.cents(over: 7, groups: names.count) { c in
      c < customerGroup.count ? Int(customerGroup[c]) : nil
    }
    let cash = weeklySeries(
      result, groups: names, start: start, weeks: settings.weeks, noise: run.weeklyNoise,
      seed: settings.seed, openBalance: groupOpen, unappliedWeekly: unappliedWeekly)
    let before = Actuals.dailyCash(l, from: start - 56, days: 56)
    let actualWeeks = (0..<8).map { w in
      (start: start - 56 + 7 * w, cash: before[(w * 7)..<(w * 7 + 7)].reduce(0, +))
    }
    var forecast = Forecast(
      settings: settings, start: start,
      calibratedUntil: Span.clip(start - 1, toLast: last, option: "--from").day,
      series: cash.series, actualWeeks: actualWeeks, openInvoices: book.openCount,
      openBalance: book.invoiceBalance.prefix(book.openCount).reduce(0, +),
      pathOpenBook: cash.pathOpen, pathFutureBilling: cash.pathFuture,
      pathTotal: zip(cash.pathOpen, cash.pathFuture).map { $0 + $1 },
      invoices: invoicePredictions(run, ledger: l, start: start),
      warnings: run.calibration.warnings)
    forecast.clock = run.delayCurves == nil ? "hazard" : "curves"
    forecast.timingSelection = run.timingSelection
    forecast.weeklyNoise = settings.weeklyNoise ? run.weeklyNoise : nil
    forecast.resumption = run.portfolio.resumption
    forecast.churn = run.portfolio.churn
    forecast.amountDrift = run.portfolio.amountDrift
    forecast.startNote = startNote(ledger: l, start: start)
    forecast.unapplied = unapplied
    forecast.unappliedWeekly = unappliedWeekly[0]
    return forecast
  }

  /// The forecast's groups: "all", then the sorted names of `by` (segment, rep or team;
  /// "unassigned" for none), and each customer's group (0 without `by`).
  static func groups(ledger l: Ledger, by: Grouping?) -> (
    names: [String], customerGroup: [Int32]
  ) {
    var customerGroup = [Int32](repeating: 0, count: l.customerIds.count)
    guard let by else { return (["all"], customerGroup) }
    // Customers are grouped by what they belong to — a segment's or team's text, a rep's
    // index, or nothing ("unassigned") — and each group then gets a label no other group and
    // not the whole book's "all" has: a rep sharing its name is shown with its id, a segment
    // or team that reads "all" or "unassigned" with the grouping's name, and any label still
    // taken twice with " #2", " #3" in the groups' order.
    enum Key: Hashable, Comparable {
      case unassigned
      case text(String)
      case rep(Int)
    }
    let keys: [Key] = l.customerIds.indices.map { c in
      switch by {
      case .segment: return l.customerSegments[c].map(Key.text) ?? .unassigned
      case .rep, .team:
        let r = Int(l.customerRep[c])
        guard r >= 0, r < l.repIds.count else { return .unassigned }
        if by == .rep { return .rep(r) }
        return l.repTeams[r].map(Key.text) ?? .unassigned
      }
    }
    let distinct = Array(Set(keys)).sorted()
    func base(_ k: Key) -> String {
      switch k {
      case .unassigned: return "unassigned"
      case .text(let t): return t
      case .rep(let r): return l.repNames[r]
      }
    }
    var uses: [String: Int] = ["all": 1]
    for k in distinct { uses[base(k), default: 0] += 1 }
    var labels: [Key: String] = [:]
    var taken: Set<String> = ["all"]
    for k in distinct {
      var label = base(k)
      if (uses[label] ?? 0) > 1 {
        switch k {
        case .unassigned: break
        case .text(let t): label = "\(t) (\(by.rawValue))"
        case .rep(let r): label = "\(l.repNames[r]) (\(l.repIds[r]))"
        }
      }
      var unique = label
      var n = 2
      while taken.contains(unique) {
        unique = "\(label) #\(n)"
        n += 1
      }
      taken.insert(unique)
      labels[k] = unique
    }
    let sorted = distinct.sorted { (labels[$0] ?? "", $0) < (labels[$1] ?? "", $1) }
    var index: [Key: Int32] = [:]
    for (i, k) in sorted.enumerated() { index[k] = Int32(i) + 1 }
    customerGroup = keys.map { index[$0] ?? 0 }
    return (["all"] + sorted.map { labels[$0] ?? "" }, customerGroup)
  }

  /// Per group, the weekly cash of the open book, future billing and both, and the
  /// horizon's totals, as bands over the paths; and per path the whole book's horizon cash
  /// from each source. `result` carries keyed weekly cash, `2 × group + (0 open book,
  /// 1 future billing)`; group 0 (the whole book) sums every group's keys. Only the first
  /// `weeks` are read: the run may simulate further (``PaymentRuns/lookahead``). Each week's
  /// bands add `noise`, held to what is still owed when `openBalance` (per group) is given
  /// (each path's multiplier applies to both sources, so a path's open
  /// book and future billing still add up to its total); the horizon's do not.
  static func weeklySeries(
    _ result: SimulationResult, groups names: [String], start: Day, weeks: Int,
    noise: WeeklyNoise = .none, seed: UInt64 = 0, openBalance: [Double]? = nil,
    unappliedWeekly: [Int64]? = nil
  ) -> (series: [Series], pathOpen: [Int64], pathFuture: [Int64]) {
    let paths = result.settings.paths
    let keyed = result.keyedWeekly[0]
    let keys = result.keys
    // The simulated weeks: the stride of the keyed cash.
    let simulated = (result.settings.horizon + 6) / 7
    func cash(_ p: Int, _ key: Int, _ w: Int) -> Int64 {
      keyed[(p * keys + key) * simulated + w]
    }
    var series: [Series] = []
    var pathOpen = [Int64](repeating: 0, count: paths)
    var pathFuture = [Int64](repeating: 0, count: paths)
    for g in names.indices {
      // Group 0 (the whole book) sums every group's keys.
      let members = g == 0 && names.count > 1 ? Array(1..<names.count) : [g]
      var out: [Week] = []
      var hOpen = [Double](repeating: 0, count: paths)
      var hFuture = [Double](repeating: 0, count: paths)
      // Unapplied cash: the same cents every week and path, in the open book, never widened.
      let u = unappliedWeekly.map { g < $0.count ? $0[g] : 0 } ?? 0
      for w in 0..<weeks {
        var o = [Double](repeating: 0, count: paths)
        var f = [Double](repeating: 0, count: paths)
        for p in 0..<paths {
          var a: Int64 = 0
          var b: Int64 = 0
          for m in members {
            a += cash(p, 2 * m, w)
            b += cash(p, 2 * m + 1, w)
          }
          o[p] = Double(a)
          f[p] = Double(b)
          hOpen[p] += Double(a)
          hFuture[p] += Double(b)
          if g == 0 {
            pathOpen[p] += a &+ u
            pathFuture[p] += b
          }
        }
        let k = noise.multipliers(paths: paths, week: w, seed: seed)
        // What the open book still owes on each path at the week's start: its widened week
        // can collect no more (and a path's total no more than that plus its widened
        // future billing).
        let du = Double(u)
        var openCap: [Double]? = nil
        var totalCap: [Double]? = nil
        if let balance = openBalance, g < balance.count {
          let owed = (0..<paths).map { p in max(0, balance[g] - (hOpen[p] - o[p])) }
          openCap = owed.map { $0 + du }
          totalCap = (0..<paths).map { p in owed[p] + f[p] * k[p] + du }
        }
        let openValues = o.map { $0 + du }
        out.append(
          Week(
            start: start + 7 * w,
            openBook: Band(
              openValues, wide: (0..<paths).map { o[$0] * k[$0] + du }, ceilings: openCap),
            futureBilling: Band(f, multipliers: k),
            total: Band(
              zip(openValues, f).map { $0 + $1 },
              wide: (0..<paths).map { (o[$0] + f[$0]) * k[$0] + du }, ceilings: totalCap)))
      }
      let weeksOfU = Double(u) * Double(weeks)
      let horizon = Week(
        start: start, openBook: Band(hOpen.map { $0 + weeksOfU }), futureBilling: Band(hFuture),
        total: Band(zip(hOpen, hFuture).map { $0 + $1 + weeksOfU }))
      series.append(Series(group: names[g], weeks: out, horizon: horizon))
    }
    return (series, pathOpen, pathFuture)
  }

  /// The open invoices' payment dates (10th, 50th and 90th percentiles over the paths).
  static func invoicePredictions(_ run: SimulationRun, ledger l: Ledger, start: Day)
    -> [InvoicePrediction]
  {
    let book = run.portfolio
    var invoices: [InvoicePrediction] = []
    let runs = run.paymentRunCalendar
    for i in 0..<book.openCount {
      let li = Int(book.invoiceLedger[i])
      let c = Int(book.invoiceCustomer[i])
      let q = run.paymentQuantiles(i, levels: [0.1, 0.5, 0.9], runs: runs)
      invoices.append(
        InvoicePrediction(
          invoiceId: l.invoiceIds[li], customerId: l.customerIds[c],
          customerName: l.customerNames[c], amount: l.invoiceAmount[li],
          balance: book.invoiceBalance[i], due: start + Int(book.invoiceDue[i]),
          daysPastDue: -Int(book.invoiceDue[i]), p10: q[0].map { start + Int($0) },
          median: q[1].map { start + Int($0) }, p90: q[2].map { start + Int($0) }))
    }
    return invoices
  }
}
