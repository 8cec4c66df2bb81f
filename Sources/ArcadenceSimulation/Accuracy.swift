import ArcadenceCore
import ArcadenceStore
import Foundation

/// Rolling-origin evaluation of the forecast against the naive baselines (simulation.md,
/// "Forecast accuracy"): at each cutoff, calibrate on data strictly before it, forecast the
/// next 30, 60 and 90 days, and compare with what happened.
public struct Accuracy: Sendable {
  /// A forecasting method.
  public enum Method: String, Sendable, CaseIterable {
    /// The Monte Carlo simulator with the observed cadence (as `backtest`).
    case model
    /// Baseline A: the next H days repeat the previous H days.
    case lastPeriod = "last_period"
    /// Baseline B: each invoice pays at its customer's mean delay; billing repeats.
    case customerAverage = "customer_average"

    /// The label in tables.
    public var label: String {
      switch self {
      case .model: "model"
      case .lastPeriod: "A: last period"
      case .customerAverage: "B: customer average"
      }
    }
  }

  /// How cutoffs are spaced.
  public enum Spacing: String, Sendable, CaseIterable {
    /// Every month start.
    case month
    /// Every quarter start (January, April, July, October).
    case quarter
  }

  /// What to evaluate.
  public struct Settings: Sendable, Equatable {
    /// Number of cutoffs (the latest ones that fit).
    public var cutoffs: Int
    /// Cutoff spacing.
    public var every: Spacing
    /// Horizons in days.
    public var horizons: [Int]
    /// Monte Carlo paths per cutoff.
    public var paths: Int
    /// Random seed.
    public var seed: UInt64
    /// Worker threads.
    public var threads: Int
    /// Whether each path resamples the calibration by customer (on: the band carries the
    /// parameters' uncertainty).
    public var parameterUncertainty = true
    /// Whether future billing is a renewal process drawn per path (on) or the fixed mean-gap
    /// schedule.
    public var renewalBilling = true
    /// Whether the model shifts each customer's payment clock by its own delay
    /// (``DelayShift``).
    public var delayShift = false
    /// Whether invoices pay on days drawn from each customer's delay curve given their age
    /// (``DelayCurves``).
    public var delayCurves = false
    /// Whether each cutoff chooses between the hazard model and delay curves on its own
    /// earlier cutoffs (``TimingSelection``), as ``Forecast/Settings/selectTiming`` says why.
    public var selectTiming = true
    /// Whether run customers' payments are released on their run days (``PaymentRuns``).
    /// On by default, as in `forecast` (``Forecast/Settings/paymentRuns`` says why):
    /// `accuracy` judges the model `forecast` runs.
    public var paymentRuns = true
    /// Whether the weekly band adds the week-to-week noise measured on the store's earlier
    /// cutoffs (``WeeklyNoise``), as in `forecast` (``Forecast/Settings/weeklyNoise``).
    public var weeklyNoise = true

    /// Settings; the defaults are the spec's protocol with 200 paths.
    public init(
      cutoffs: Int = 12, every: Spacing = .month, horizons: [Int] = [30, 60, 90],
      paths: Int = 200, seed: UInt64 = 1, threads: Int = 1
    ) {
      self.cutoffs = cutoffs
      self.every = every
      self.horizons = horizons
      self.paths = paths
      self.seed = seed
      self.threads = threads
    }
  }

  /// One full week of one evaluation.
  public struct Week: Sendable, Equatable {
    /// Actual cash, cents.
    public var actual: Int64
    /// Forecast (mean), cents.
    public var forecast: Double
    /// Forecast P5 and P95, when the method gives a band.
    public var band: ClosedRange<Double>?

    /// Whether the actual falls inside the band (nil without a band).
    public var covered: Bool? { band.map { $0.contains(Double(actual)) } }
    /// −1 when the actual falls below the band, +1 above it, 0 inside (nil without a band).
    public var side: Int? {
      band.map { Double(actual) < $0.lowerBound ? -1 : Double(actual) > $0.upperBound ? 1 : 0 }
    }
  }

  /// One method's forecast at one cutoff and horizon against what happened.
  public struct Evaluation: Sendable, Equatable {
    /// The cutoff (first forecast day).
    public var cutoff: Day
    /// Days forecast.
    public var horizon: Int
    /// The method.
    public var method: Method
    /// Actual cash over the horizon, cents.
    public var actual: Int64
    /// Forecast total (mean), cents.
    public var forecast: Double
    /// Forecast P5 and P95 of the total, when the method gives a band.
    public var band: ClosedRange<Double>?
    /// The full weeks of the horizon.
    public var weeks: [Week]
    /// Invoices open at the cutoff and paid within the horizon (nil when the method does not
    /// predict payment dates).
    public var invoicesPaid: Int?
    /// Of those, paid within ±3 days of the predicted median.
    public var within3: Int
    /// Of those, paid within ±7 days of the predicted median.
    public var within7: Int
    /// Of the actual cash, what was paid on invoices issued before the cutoff (the open book;
    /// unapplied cash counts here, since it settles balances already billed), cents. The rest
    /// paid invoices issued from the cutoff on (future billing).
    public var actualOpenBook: Int64 = 0
    /// The forecast's (mean) cash from the open book, cents; nil when the method does not
    /// tell its sources apart (baseline A). The rest is from future billing.
    public var forecastOpenBook: Double?
    /// The model's payment clock: "hazard" or "curves" (``DelayCurves``); nil for baselines.
    public var clock: String?
    /// The clocks' errors on the earlier cutoffs when the model chose between them
    /// (``TimingSelection``); nil for baselines and fixed clocks.
    public var timingSelection: TimingSelection?
    /// The week-to-week noise the model's weekly band added (``WeeklyNoise``); nil for
    /// baselines and when it was not measured.
    public var weeklyNoise: WeeklyNoise?
    /// How often silent and lapsed customers billed in the model's future billing
    /// (``BillingResumption``; nil for the baselines).
    public var resumption: BillingResumption?
    /// The rate at which billed customers stopped in the model's future billing (``Churn``;
    /// nil for the baselines).
    public var churn: Churn?
    /// Whether the model's new invoices followed a drift in amounts (``AmountDrift``; nil for
    /// the baselines).
    public var amountDrift: AmountDrift?

    /// The open book's share of the total error: (forecast − actual cash from invoices open at
    /// the cutoff) ÷ the actual total. Added to ``futureBillingError`` it gives ``error``.
    public var openBookError: Double? {
      guard actual > 0, let f = forecastOpenBook else { return nil }
      return (f - Double(actualOpenBook)) / Double(actual)
    }

    /// Future billing's share of the total error: (forecast − actual cash from invoices
    /// issued from the cutoff on) ÷ the actual total.
    public var futureBillingError: Double? {
      guard actual > 0, let f = forecastOpenBook else { return nil }
      let future = forecast - f
      let actualFuture = Double(actual) - Double(actualOpenBook)
      return (future - actualFuture) / Double(actual)
    }

    /// (forecast − actual) ÷ actual; nil when nothing was received.
    public var error: Double? {
      actual > 0 ? (forecast - Double(actual)) / Double(actual) : nil
    }

    /// Mean over weeks with cash of |forecast − actual| ÷ actual; nil without such a week.
    public var weeklyMAPE: Double? {
      Statistics.mean(
        weeks.filter { $0.actual > 0 }.map {
          abs($0.forecast - Double($0.actual)) / Double($0.actual)
        })
    }

    /// Whether the actual total falls inside the band (nil without a band).
    public var totalCovered: Bool? { band.map { $0.contains(Double(actual)) } }
  }

  /// The measures of one method at one horizon, averaged over cutoffs.
  public struct Row: Sendable, Equatable {
    /// The method.
    public var method: Method
    /// The horizon.
    public var horizon: Int
    /// Cutoffs with cash received (the error's denominator).
    public var cutoffs: Int
    /// Mean signed total error.
    public var meanError: Double?
    /// Mean absolute total error.
    public var meanAbsoluteError: Double?
    /// Mean over cutoffs of the weekly MAPE.
    public var weeklyMAPE: Double?
    /// Share of all weeks inside the weekly P5–P95 (nil without bands).
    public var weeklyCoverage: Double?
    /// Share of all weeks whose actual falls below the weekly P5, and above the P95: a band
    /// that is only too narrow misses on both sides alike (about 5 % each); misses mostly on
    /// one side mean the centre is off (nil without bands).
    public var weeksBelowBand: Double?
    public var weeksAboveBand: Double?
    /// Share of cutoffs whose total falls inside the total's P5–P95 (nil without bands).
    public var totalCoverage: Double?
    /// Invoices open at a cutoff and paid within the horizon, all cutoffs together.
    public var invoicesPaid: Int?
    /// Share of them paid within ±3 days of the predicted median.
    public var within3: Double?
    /// Share within ±7 days.
    public var within7: Double?
    /// Mean over cutoffs of the open book's share of the total error
    /// (``Evaluation/openBookError``), and of its absolute value.
    public var openBookError: Double?
    public var openBookAbsoluteError: Double?
    /// The same for future billing (``Evaluation/futureBillingError``).
    public var futureBillingError: Double?
    public var futureBillingAbsoluteError: Double?
    /// Mean over cutoffs of the open book's share of the actual cash.
    public var actualOpenBookShare: Double?
  }

  /// The settings.
  public var settings: Settings
  /// The cutoffs, oldest first.
  public var cutoffs: [Day]
  /// Every evaluation: cutoff-major, then horizon, then method.
  public var evaluations: [Evaluation]
  /// The calibration warnings (``Calibration/warnings``) at each cutoff that has any.
  public var warnings: [(cutoff: Day, lines: [String])] = []
  /// Where the data stops for the evaluation (``DataEnd``; nil for one built by hand).
  public var dataEnd: DataEnd?

  /// The last day an evaluation window may reach, and why.
  ///
  /// The last event, but no later than where the invoices or the payments stop: a stream's
  /// last day plus the longest silence between its days over the 90 days before (a book that
  /// issues every weekday: 3 days; a stream with one day: that day). Why: an extract cut by
  /// issue date has no invoices after its cut while their payments run on (IBM's sample:
  /// invoices to 2013-12-02, payments to 2014-01-09), so a window past the cut compares the
  /// forecast's billing with billing missing from the data, not absent from the world, and
  /// both the model and baseline B look wrong by the missing weeks (IBM's 2013-10-01 cutoff:
  /// future billing +10.9 % of the 90-day cash). A live store's streams end together and
  /// nothing changes.
  public struct DataEnd: Sendable, Equatable {
    /// The last day a window may reach.
    public var day: Day
    /// The last event of any kind.
    public var lastEvent: Day
    /// The last invoice issued and the last payment received (nil without any).
    public var lastInvoice: Day?
    public var lastPayment: Day?

    /// Whether a stream stopping early moved the end before the last event.
    public var isCut: Bool { day < lastEvent }

    public init(ledger l: Ledger) {
      let last = l.lastEventDay ?? Day(rawValue: 0)
      let invoices = Self.streamEnd(l.invoiceIssued)
      let payments = Self.streamEnd(l.paymentReceived)
      var day = last.rawValue
      for e in [invoices, payments].compactMap({ $0 }) { day = min(day, e.bound) }
      self.day = Day(rawValue: day)
      lastEvent = last
      lastInvoice = invoices.map { Day(rawValue: $0.last) }
      lastPayment = payments.map { Day(rawValue: $0.last) }
    }

    /// A stream's last day and the day it counts as stopped by: the last day plus the longest
    /// silence between its days over the 90 days before it (the silence running into that
    /// stretch included, so a quarterly rhythm keeps its 91 days); nil for no days.
    /// O(days · log days).
    public static func streamEnd(_ days: [Int32]) -> (last: Int32, bound: Int32)? {
      guard let top = days.max() else { return nil }
      var recent = Set(days.filter { $0 >= top - 90 })
      if let before = days.filter({ $0 < top - 90 }).max() { recent.insert(before) }
      let sorted = recent.sorted()
      let silence = zip(sorted.dropFirst(), sorted).map { $0 - $1 }.max() ?? 0
      return (top, top + silence)
    }

    /// One line for the table, when the end was cut.
    public var note: String? {
      guard isCut else { return nil }
      return "Windows end by \(day): the invoices stop on "
        + "\(lastInvoice.map(\.description) ?? "—") and the payments on "
        + "\(lastPayment.map(\.description) ?? "—") (the last event is \(lastEvent)), so no "
        + "window runs past where a stream stops.\n"
    }
  }

  /// The cutoffs: the latest `settings.cutoffs` month (or quarter) starts with at least the
  /// longest horizon of data before them (for baseline A) and after them up to `last`.
  public static func cutoffs(first: Day, last: Day, settings: Settings) -> [Day] {
    guard let longest = settings.horizons.max(), settings.cutoffs > 0 else { return [] }
    var out: [Day] = []
    var (y, m, _) = last.civil
    while out.count < settings.cutoffs {
      guard let d = Day(year: y, month: m, day: 1), d - first >= longest else { break }
      let fits = settings.every == .month || (m - 1) % 3 == 0
      if fits, d + (longest - 1) <= last { out.append(d) }
      m -= 1
      if m == 0 {
        m = 12
        y -= 1
      }
    }
    return out.reversed()
  }

  /// Runs the evaluation on the store. `progress` is called after each cutoff.
  public static func run(
    ledger: Ledger, links: InvoiceLinks, settings: Settings,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws -> Accuracy {
    guard ledger.lastEventDay != nil, let first = ledger.invoiceIssued.min() else {
      throw ArcadenceError(.usage, "the store is empty: import data first")
    }
    let end = DataEnd(ledger: ledger)
    let last = end.day
    guard let longest = settings.horizons.max(), let shortest = settings.horizons.min() else {
      throw ArcadenceError(.usage, "--horizons: expected at least one horizon")
    }
    guard shortest >= 7, longest <= 366 else {
      throw ArcadenceError(
        .usage, "--horizons: expected 7 to 366 days (value \(shortest < 7 ? shortest : longest))")
    }
    let days = cutoffs(first: Day(rawValue: first), last: last, settings: settings)
    guard !days.isEmpty else {
      throw ArcadenceError(
        .usage,
        "no cutoff fits: a cutoff needs \(longest) days of data before it and after it "
          + "(data from \(Day(rawValue: first)) to \(end.lastEvent)"
          + (end.isCut
            ? "; windows end by \(last), where the invoices (to "
              + "\(end.lastInvoice.map(\.description) ?? "—")) or the payments (to "
              + "\(end.lastPayment.map(\.description) ?? "—")) stop)" : ")"))
    }
    var out = Accuracy(settings: settings, cutoffs: days, evaluations: [])
    out.dataEnd = end
    for (n, cutoff) in days.enumerated() {
      let (evaluations, warnings) = try evaluateWithWarnings(
        ledger: ledger, links: links, cutoff: cutoff, settings: settings)
      out.evaluations += evaluations
      if !warnings.isEmpty { out.warnings.append((cutoff, warnings)) }
      progress?(n + 1, days.count)
    }
    return out
  }

  /// The evaluations at one cutoff: every horizon, every method.
  public static func evaluate(
    ledger l: Ledger, links: InvoiceLinks, cutoff: Day, settings: Settings
  ) throws -> [Evaluation] {
    try evaluateWithWarnings(ledger: l, links: links, cutoff: cutoff, settings: settings).0
  }

  /// The evaluations at one cutoff and the warnings of its calibration.
  static func evaluateWithWarnings(
    ledger l: Ledger, links: InvoiceLinks, cutoff: Day, settings: Settings
  ) throws -> ([Evaluation], [String]) {
    // long-function: the model and both baselines at every horizon from one simulation and
    // one read of the actuals; split, each part would take the same dozen arrays.
    let longest = settings.horizons.max() ?? 0
    // A forecast's band carries what is not known: which customers' behaviour the history
    // shows (parameter uncertainty, the customer bootstrap), the portfolio shock, and how
    // many invoices each customer sends (renewal billing).
    let run = try SimulationRun.forecast(
      name: "accuracy", ledger: l, links: links, start: cutoff, horizon: longest,
      paths: settings.paths, seed: settings.seed, threads: settings.threads,
      parameterUncertainty: settings.parameterUncertainty,
      renewalBilling: settings.renewalBilling, delayShift: settings.delayShift,
      delayCurves: settings.delayCurves, selectTiming: settings.selectTiming,
      paymentRuns: settings.paymentRuns, weeklyNoise: settings.weeklyNoise)
    let book = run.portfolio
    let result = splitBySource(run)
    let unapplied = UnappliedCash.measure(ledger: l, start: cutoff)
    var modelMedian: [Int32: Int32] = [:]
    let runs = run.paymentRunCalendar
    for i in 0..<book.openCount {
      if let m = run.paymentQuantiles(i, levels: [0.5], runs: runs)[0] {
        modelMedian[book.invoiceLedger[i]] = cutoff.rawValue &+ m
      }
    }
    let actual = Actuals.dailyCash(l, from: cutoff, days: longest)
    let actualOpen = Actuals.dailyCash(l, from: cutoff, days: longest, issuedBefore: cutoff)
    // Invoices open at the cutoff and the day each was paid, if it was.
    var paid: [(invoice: Int32, day: Int32)] = []
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] < cutoff.rawValue {
      guard l.balance(i, at: cutoff.rawValue - 1) > 0, let p = Actuals.paidDay(l, i),
        p >= cutoff.rawValue
      else { continue }
      paid.append((Int32(i), p))
    }
    let paths = result.settings.paths
    let simulated = result.settings.horizon  // + PaymentRuns.lookahead when customers pay in runs
    var out: [Evaluation] = []
    for h in settings.horizons {
      let a = Array(actual[0..<h])
      // The model: per-path cash over the first h days.
      var totals = [Double](repeating: 0, count: paths)
      var openBook = 0.0
      var weekly = [[Double]](
        repeating: [Double](repeating: 0, count: paths), count: h / 7)
      for p in 0..<paths {
        for d in 0..<h {
          let v = Double(result.cash[0][p * simulated + d])
          totals[p] += v
          if d / 7 < weekly.count { weekly[d / 7][p] += v }
          openBook += Double(result.keyedWeekly[0][(p * 2) * simulated + d])
        }
      }
      // Unapplied cash at its recent rate (``UnappliedCash``): the same on every path, in the
      // open book, never widened.
      let uWeek = Double(unapplied.cents(over: 7))
      let uHorizon = Double(unapplied.cents(over: h))
      for p in 0..<paths { totals[p] += uHorizon }
      openBook += uHorizon * Double(paths)
      let modelWeeks = weekly.enumerated().map { w, values -> Week in
        // The band with the week-to-week noise (``WeeklyNoise``); the mean is the paths'.
        let noise = run.weeklyNoise.multipliers(paths: paths, week: w, seed: settings.seed)
        let withU = values.map { $0 + uWeek }
        return Week(
          actual: a[(w * 7)..<(w * 7 + 7)].reduce(0, +), forecast: Statistics.mean(withU) ?? 0,
          band: WeeklyNoise.widened(
            withU, wide: zip(values, noise).map { $0 * $1 + uWeek }))
      }
      let aOpen = actualOpen[0..<h].reduce(0, +)
      var model = evaluation(
        cutoff: cutoff, horizon: h, method: .model, actual: a,
        forecast: Statistics.mean(totals) ?? 0, band: band(sorted: totals.sorted()),
        weeks: modelWeeks, predicted: modelMedian, paid: paid)
      model.actualOpenBook = aOpen
      model.forecastOpenBook = paths > 0 ? openBook / Double(paths) : nil
      model.clock = run.delayCurves == nil ? "hazard" : "curves"
      model.timingSelection = run.timingSelection
      model.weeklyNoise = settings.weeklyNoise ? run.weeklyNoise : nil
      model.resumption = run.portfolio.resumption
      model.churn = run.portfolio.churn
      model.amountDrift = run.portfolio.amountDrift
      out.append(model)
      let lastPeriod = Baselines.lastPeriod(l, cutoff: cutoff, horizon: h)
      var last = evaluation(
        cutoff: cutoff, horizon: h, method: .lastPeriod, actual: a, daily: lastPeriod,
        predicted: nil, paid: paid)
      last.actualOpenBook = aOpen
      out.append(last)
      let average = Baselines.customerAverage(l, cutoff: cutoff, horizon: h)
      var b = evaluation(
        cutoff: cutoff, horizon: h, method: .customerAverage, actual: a, daily: average.daily,
        predicted: average.predicted, paid: paid)
      b.actualOpenBook = aOpen
      b.forecastOpenBook = average.openBook[0..<h].reduce(0, +)
      out.append(b)
    }
    return (out, run.calibration.warnings)
  }

  /// Runs `run` with its cash keyed per day by source: key 0 the open book, key 1 future
  /// billing (the decomposition of the error).
  static func splitBySource(_ run: SimulationRun) -> SimulationResult {
    let book = run.portfolio
    var sim = run.simulator
    sim.cashKeyCount = 2
    sim.cashKeyDays = 1
    sim.cashKey = (0..<book.invoiceCount).map { $0 < book.openCount ? 0 : 1 }
    return sim.run()
  }

  /// P5…P95 of sorted values (NumPy linear interpolation).
  static func band(sorted s: [Double]) -> ClosedRange<Double>? {
    guard let lo = Statistics.quantile(sorted: s, 0.05),
      let hi = Statistics.quantile(sorted: s, 0.95), lo <= hi
    else { return nil }
    return lo...hi
  }

  /// An evaluation of a point forecast given per day (no band).
  static func evaluation(
    cutoff: Day, horizon h: Int, method: Method, actual a: [Int64], daily: [Double],
    predicted: [Int32: Int32]?, paid: [(invoice: Int32, day: Int32)]
  ) -> Evaluation {
    let weeks = (0..<(h / 7)).map { w in
      Week(
        actual: a[(w * 7)..<(w * 7 + 7)].reduce(0, +),
        forecast: daily[(w * 7)..<(w * 7 + 7)].reduce(0, +), band: nil)
    }
    return evaluation(
      cutoff: cutoff, horizon: h, method: method, actual: a, forecast: daily.reduce(0, +),
      band: nil, weeks: weeks, predicted: predicted, paid: paid)
  }

  /// An evaluation; counts the invoice-level hits of `predicted` (nil: no dates predicted).
  static func evaluation(
    cutoff: Day, horizon h: Int, method: Method, actual a: [Int64], forecast: Double,
    band: ClosedRange<Double>?, weeks: [Week], predicted: [Int32: Int32]?,
    paid: [(invoice: Int32, day: Int32)]
  ) -> Evaluation {
    var e = Evaluation(
      cutoff: cutoff, horizon: h, method: method, actual: a.reduce(0, +), forecast: forecast,
      band: band, weeks: weeks, invoicesPaid: nil, within3: 0, within7: 0)
    guard let predicted else { return e }
    let end = Int64(cutoff.rawValue) + Int64(h)
    var n = 0
    for (i, p) in paid where Int64(p) < end {
      n += 1
      guard let m = predicted[i] else { continue }
      let gap = abs(Int64(p) - Int64(m))
      if gap <= 3 { e.within3 += 1 }
      if gap <= 7 { e.within7 += 1 }
    }
    e.invoicesPaid = n
    return e
  }

  /// The measures per horizon and method, in the order of the settings' horizons and of
  /// ``Method/allCases``.
  public var rows: [Row] {
    var out: [Row] = []
    for h in settings.horizons {
      for m in Method.allCases {
        let es = evaluations.filter { $0.horizon == h && $0.method == m }
        let errors = es.compactMap(\.error)
        let weeks = es.flatMap(\.weeks).compactMap(\.covered)
        let sides = es.flatMap(\.weeks).compactMap(\.side)
        func sideShare(_ v: Int) -> Double? {
          sides.isEmpty ? nil : Double(sides.filter { $0 == v }.count) / Double(sides.count)
        }
        let totals = es.compactMap(\.totalCovered)
        let paid = es.compactMap(\.invoicesPaid)
        let n = paid.reduce(0, +)
        func share(_ k: Int) -> Double? { n > 0 ? Double(k) / Double(n) : nil }
        let openErrors = es.compactMap(\.openBookError)
        let futureErrors = es.compactMap(\.futureBillingError)
        out.append(
          Row(
            method: m, horizon: h, cutoffs: errors.count, meanError: Statistics.mean(errors),
            meanAbsoluteError: Statistics.mean(errors.map(abs)),
            weeklyMAPE: Statistics.mean(es.compactMap(\.weeklyMAPE)),
            weeklyCoverage: weeks.isEmpty
              ? nil : Double(weeks.filter { $0 }.count) / Double(weeks.count),
            weeksBelowBand: sideShare(-1), weeksAboveBand: sideShare(1),
            totalCoverage: totals.isEmpty
              ? nil : Double(totals.filter { $0 }.count) / Double(totals.count),
            invoicesPaid: paid.isEmpty ? nil : n,
            within3: paid.isEmpty ? nil : share(es.map(\.within3).reduce(0, +)),
            within7: paid.isEmpty ? nil : share(es.map(\.within7).reduce(0, +)),
            openBookError: Statistics.mean(openErrors),
            openBookAbsoluteError: Statistics.mean(openErrors.map(abs)),
            futureBillingError: Statistics.mean(futureErrors),
            futureBillingAbsoluteError: Statistics.mean(futureErrors.map(abs)),
            actualOpenBookShare: Statistics.mean(
              es.filter { $0.actual > 0 }.map {
                Double($0.actualOpenBook) / Double($0.actual)
              })))
      }
    }
    return out
  }

  /// A share as a percentage with one decimal ("—" when absent or not finite); the one
  /// format of `accuracy`'s and `forecast`'s error shares.
  static func percent(_ v: Double?, signed: Bool = false) -> String {
    guard let v, v.isFinite else { return "—" }
    return String(format: signed ? "%+.1f%%" : "%.1f%%", v * 100)
  }

  /// The evaluation as tables: the measures per horizon and method, then each cutoff's
  /// total error per method.
  public var table: String {
    func pct(_ v: Double?, signed: Bool = false) -> String { Accuracy.percent(v, signed: signed) }
    let span = "\(cutoffs.first?.description ?? "") … \(cutoffs.last?.description ?? "")"
    var out =
      "Forecast accuracy · rolling origin · \(cutoffs.count) cutoff\(cutoffs.count == 1 ? "" : "s") "
      + "(\(settings.every.rawValue) "
      + "starts, \(span)) · \(settings.paths) paths · seed \(settings.seed)\n"
    out +=
      "Each cutoff: calibrated and baselines fitted on data before it; actual cash counts "
      + "every payment received.\n"
    out += (dataEnd?.note ?? "") + "\n"
    var t = TextTable(header: [
      "horizon", "method", "cutoffs", "error", "|error|", "weekly MAPE", "weeks in P5–P95",
      "total in P5–P95", "paid invoices", "±3 days", "±7 days",
    ])
    for r in rows {
      t.add([
        "\(r.horizon) d", r.method.label, String(r.cutoffs), pct(r.meanError, signed: true),
        pct(r.meanAbsoluteError), pct(r.weeklyMAPE), pct(r.weeklyCoverage),
        pct(r.totalCoverage), r.invoicesPaid.map(String.init) ?? "—", pct(r.within3),
        pct(r.within7),
      ])
    }
    out += t.rendered()
    out +=
      "\nWhere the error comes from: the open book (invoices issued before the cutoff) and "
      + "future billing (issued from it on), each as (forecast − actual) ÷ the actual total, "
      + "so the two add up to the error:\n\n"
    var d = TextTable(header: [
      "horizon", "method", "open book share of actual", "open book error", "open book |error|",
      "future billing error", "future billing |error|",
    ])
    for r in rows where r.openBookError != nil {
      d.add([
        "\(r.horizon) d", r.method.label, pct(r.actualOpenBookShare),
        pct(r.openBookError, signed: true), pct(r.openBookAbsoluteError),
        pct(r.futureBillingError, signed: true), pct(r.futureBillingAbsoluteError),
      ])
    }
    out += d.rendered()
    out += "\nTotal error per cutoff (forecast − actual) ÷ actual:\n\n"
    var header = ["cutoff", "horizon", "actual"]
    header += Method.allCases.map(\.label)
    var c = TextTable(header: header)
    for day in cutoffs {
      for h in settings.horizons {
        let es = evaluations.filter { $0.cutoff == day && $0.horizon == h }
        guard let first = es.first else { continue }
        var row = [day.description, "\(h) d", Cents.displayWhole(first.actual)]
        for m in Method.allCases {
          row.append(pct(es.first { $0.method == m }?.error, signed: true))
        }
        c.add(row)
      }
    }
    out += c.rendered()
    out +=
      "\nInvoice level: invoices open at a cutoff and paid within the horizon; the model's "
      + "predicted date is the median of its calibrated base hazards (× the customer's frailty, "
      + "by days to due; contacts, disputes and the portfolio shock left out; with delay curves, "
      + "the median of the customer's curve given the invoice's age), baseline B's is "
      + "issue + the customer's mean delay. The model's bands include parameter uncertainty "
      + "(customer bootstrap) and renewal billing (each path draws its own invoices).\n"
    return out
  }

  /// The clock choice of one evaluation as JSON: each clock's mean |error| on the earlier
  /// cutoffs and its signed error at each (null without a choice).
  static func selectionJSON(_ s: TimingSelection?) -> JSONValue {
    guard let s else { return .null }
    func ratio(_ v: Double?) -> JSONValue {
      guard let v, v.isFinite else { return .null }
      return .number((v * 1e4).rounded() / 1e4)
    }
    let hazard: [JSONValue] = s.hazardErrors.map { ratio($0) }
    let curves: [JSONValue] = s.curvesErrors.map { ratio($0) }
    return .object([
      ("hazard_error", ratio(s.hazardError)), ("curves_error", ratio(s.curvesError)),
      ("hazard_errors", .array(hazard)), ("curves_errors", .array(curves)),
      ("clock", .string(s.curves ? "curves" : "hazard")),
    ])
  }

  /// An evaluation's billing resumption, or null (kept apart: inline, the JSON literal grows
  /// past what the type checker takes in reasonable time).
  static func resumptionJSON(_ r: BillingResumption?) -> JSONValue { r?.json ?? .null }
  /// An evaluation's churn, or null (kept apart for the same reason).
  static func churnJSON(_ c: Churn?) -> JSONValue { c?.json ?? .null }
  /// An evaluation's amount drift, or null (kept apart for the same reason).
  static func driftJSON(_ d: AmountDrift?) -> JSONValue { d?.json ?? .null }

  /// A ratio rounded to four decimals, or null when absent or not finite.
  static func ratioJSON(_ v: Double?) -> JSONValue {
    guard let v, v.isFinite else { return .null }
    return .number((v * 1e4).rounded() / 1e4)
  }

  /// One evaluation as JSON: its measures, then what the model measured on the store (kept
  /// apart, and in two lists: as one literal it grows past what the type checker takes in
  /// reasonable time).
  static func evaluationJSON(_ e: Evaluation) -> JSONValue {
    let ratio = ratioJSON
    func money(_ v: Double) -> JSONValue { .money(computed: v) }
    let measures: [(String, JSONValue)] = [
      ("cutoff", .string(e.cutoff.description)), ("horizon_days", .int(e.horizon)),
      ("method", .string(e.method.rawValue)), ("actual", .money(e.actual)),
      ("forecast", money(e.forecast)),
      ("p5", e.band.map { money($0.lowerBound) } ?? .null),
      ("p95", e.band.map { money($0.upperBound) } ?? .null),
      ("error", ratio(e.error)), ("weekly_mape", ratio(e.weeklyMAPE)),
      ("weeks_covered", .int(e.band == nil ? nil : e.weeks.filter { $0.covered == true }.count)),
      ("weeks", .int(e.weeks.count)), ("invoices_paid", .int(e.invoicesPaid)),
      ("within_3_days", .int(e.invoicesPaid == nil ? nil : e.within3)),
      ("within_7_days", .int(e.invoicesPaid == nil ? nil : e.within7)),
      ("actual_open_book", .money(e.actualOpenBook)),
      ("forecast_open_book", e.forecastOpenBook.map { money($0) } ?? .null),
      ("open_book_error", ratio(e.openBookError)),
      ("future_billing_error", ratio(e.futureBillingError)),
    ]
    let model: [(String, JSONValue)] = [
      ("clock", e.clock.map { .string($0) } ?? .null),
      ("selection", selectionJSON(e.timingSelection)),
      ("weekly_noise", WeeklyNoise.json(e.weeklyNoise)),
      ("billing_resumption", resumptionJSON(e.resumption)), ("churn", churnJSON(e.churn)),
      ("amount_drift", driftJSON(e.amountDrift)),
    ]
    return .object(measures + model)
  }

  /// The evaluation as JSON: settings, the measures, and every evaluation.
  public var json: JSONValue {
    let ratio = Self.ratioJSON
    return .object([
      ("cutoffs", .array(cutoffs.map { .string($0.description) })),
      ("every", .string(settings.every.rawValue)),
      ("data_end", dataEnd.map { .string($0.day.description) } ?? .null),
      ("horizons", .array(settings.horizons.map { .int($0) })),
      ("paths", .int(settings.paths)), ("seed", .string(String(settings.seed))),
      (
        "summary",
        .array(
          rows.map { r in
            .object([
              ("horizon_days", .int(r.horizon)), ("method", .string(r.method.rawValue)),
              ("cutoffs", .int(r.cutoffs)), ("mean_error", ratio(r.meanError)),
              ("mean_absolute_error", ratio(r.meanAbsoluteError)),
              ("weekly_mape", ratio(r.weeklyMAPE)), ("weekly_coverage", ratio(r.weeklyCoverage)),
              ("weeks_below_band", ratio(r.weeksBelowBand)),
              ("weeks_above_band", ratio(r.weeksAboveBand)),
              ("total_coverage", ratio(r.totalCoverage)),
              ("invoices_paid", .int(r.invoicesPaid)), ("within_3_days", ratio(r.within3)),
              ("within_7_days", ratio(r.within7)),
              ("actual_open_book_share", ratio(r.actualOpenBookShare)),
              ("open_book_error", ratio(r.openBookError)),
              ("open_book_absolute_error", ratio(r.openBookAbsoluteError)),
              ("future_billing_error", ratio(r.futureBillingError)),
              ("future_billing_absolute_error", ratio(r.futureBillingAbsoluteError)),
            ])
          })
      ),
      ("evaluations", .array(evaluations.map(Self.evaluationJSON))),
    ])
  }
}
