import ArcadenceCore
import ArcadenceStore
import Foundation

/// A scenario made ready to run against a store: the calibration resolved, the policies in
/// numbers, the start state built.
public struct SimulationRun: Sendable {
  /// The scenario.
  public var scenario: Scenario
  /// The calibration in force.
  public var calibration: Calibration
  /// `from_store` or the calibration file.
  public var calibrationLabel: String
  /// The contact-lift estimate behind a `from_store` calibration (nil for a file).
  public var liftEstimate: LiftEstimator.Result?
  /// The parameters with the scenario's overrides.
  public var parameters: ModelParameters
  /// The policies in numbers.
  public var policies: [Policy]
  /// The start state.
  public var portfolio: Portfolio
  /// The run settings.
  public var settings: SimulationSettings
  /// Each customer's delay curve when the scenario pays by curves (``Scenario/delayCurves``).
  public var delayCurves: DelayCurves?
  /// Each customer's payment-run habit when the scenario asks for them
  /// (``Scenario/paymentRuns``).
  public var paymentRuns: PaymentRuns?
  /// The rolling-origin choice between the hazard model and delay curves, when the forecast
  /// made one (``TimingSelection``).
  public var timingSelection: TimingSelection?
  /// The week-to-week noise the weekly band adds, when the forecast measured it
  /// (``WeeklyNoise``; ``WeeklyNoise/none`` otherwise).
  public var weeklyNoise = WeeklyNoise.none

  /// Why a run from the day after the store's last day cannot be: it would end past the
  /// calendar. `run` names the run ("a forecast"), `fix` says what to give instead. The one
  /// wording of `forecast`'s and `simulate`'s error.
  static func noRoomAfter(_ last: Day, run: String, fix: String) -> String {
    "the store's last day is \(last) (its latest invoice, payment, adjustment or activity), so "
      + "\(run) from the day after would end after \(Day.maximum): \(fix)"
  }

  /// The run's first day (the file's, or the day after the store's last), the store's last
  /// day and the horizon in days, or a usage error saying what is wrong with them.
  static func checkedStart(_ scenario: Scenario, ledger: Ledger, horizon: Int?) throws -> (
    Day, Day, Int
  ) {
    guard let last = ledger.lastEventDay else {
      throw ArcadenceError(.usage, "the store is empty: import data first")
    }
    let start = scenario.start ?? last + 1
    let h = horizon ?? scenario.horizonDays
    guard h >= 1, h <= 730 else {
      throw ArcadenceError(.usage, "--horizon: expected 1 to 730 days (value \(h))")
    }
    let startKey = "\(scenario.file.isEmpty ? "scenario" : scenario.file): start"
    try Span.day(start, after: last, option: startKey)
    guard scenario.start != nil || start.offset(by: h - 1) != nil else {
      throw ArcadenceError(
        .usage,
        "\(startKey): "
          + noRoomAfter(last, run: "a simulation", fix: "set start: to a day in the data"))
    }
    guard start.offset(by: h - 1) != nil else {
      throw ArcadenceError(
        .usage, "\(startKey): \(start) with a horizon of \(h) days ends after \(Day.maximum)")
    }
    return (start, last, h)
  }

  /// Prepares `scenario` against the store's ledger; `paths`, `seed` and `horizon` override
  /// the file's values when given. `reachedLift` sets the reached-contact lift (a `from_store`
  /// calibration is then fitted with it, so the hazards stay lift-adjusted; it wins over a
  /// scenario's `reached_lift` override).
  public init(
    scenario: Scenario, ledger: Ledger, links: InvoiceLinks, paths: Int? = nil,
    seed: UInt64? = nil, horizon: Int? = nil, threads: Int = 1, reachedLift: Double? = nil
  ) throws {
    let (start, last, h) = try Self.checkedStart(scenario, ledger: ledger, horizon: horizon)
    switch scenario.calibration {
    case .fromStore:
      // No data after the last day: fitting past it would only add censored exposure.
      let until = Span.clip(start - 1, toLast: last, option: "start").day
      if let reachedLift {
        let lifts = Lifts(reached: reachedLift)
        calibration = Calibration.fit(
          ledger: ledger, links: links, until: until, lifts: lifts,
          delayShift: scenario.delayShift)
      } else {
        (calibration, liftEstimate) = Calibration.fitEstimatingLift(
          ledger: ledger, links: links, until: until, delayShift: scenario.delayShift)
      }
      calibrationLabel = "from_store (data up to \(until))"
    case .file(let name):
      let path =
        name.hasPrefix("/") ? name : (scenario.folder as NSString).appendingPathComponent(name)
      calibration = try Calibration.load(path: path)
      calibrationLabel = path
    }
    if scenario.parameterUncertainty, calibration.sample == nil {
      throw ArcadenceError(
        .invalidConfiguration,
        "\(scenario.file): parameter_uncertainty: true needs calibration: from_store (a "
          + "calibration file carries no per-customer counts to resample)")
    }
    var params = ModelParameters(calibration: calibration)
    var multiplier = 1.0
    for (k, v) in scenario.overrides {
      params.apply(k, v)
      if k == "hazard_multiplier" { multiplier *= v }
    }
    if let reachedLift { params.lifts.reached = reachedLift }
    calibration.sample?.hazardMultiplier = multiplier
    parameters = params
    let cal = calibration
    policies = try scenario.policies.map { try $0.resolve(cal) }
    var book = Portfolio(
      ledger: ledger, links: links, segments: calibration.segments, start: start, horizon: h,
      newInvoices: scenario.newInvoices, renewal: scenario.renewalBilling)
    if let n = scenario.openInvoices {
      guard n <= book.openCount else {
        throw ArcadenceError(
          .invalidConfiguration,
          "\(scenario.file): open_invoices: \(n), but the store has only \(book.openCount) "
            + "invoices open at \(start)")
      }
      book = book.sample(openInvoices: n, seed: scenario.seed)
    }
    if let most = book.mostBilled {
      let reach =
        most < 9.2e18 ? Cents.display(Int64(most)) : "more than \(Cents.display(Int64.max))"
      throw ArcadenceError(
        .usage,
        "\(scenario.file.isEmpty ? "" : "\(scenario.file): ")over \(h) days this book could "
          + "reach \(reach) (the open balance plus each new invoice at its customer's largest "
          + "amount), beyond what the simulation can sum in whole cents "
          + "(\(Cents.display(Portfolio.summable))): shorten the horizon")
    }
    portfolio = book
    let delayCurvesUntil = Span.clip(start - 1, toLast: last, option: "start").day
    delayCurves = try Self.curves(
      scenario, ledger: ledger, until: delayCurvesUntil, book: book,
      segments: calibration.segments.count)
    paymentRuns = Self.runs(scenario, ledger: ledger, until: delayCurvesUntil)
    self.scenario = scenario
    settings = SimulationSettings(
      horizon: h, paths: paths ?? scenario.paths, seed: seed ?? scenario.seed,
      threads: max(1, threads), portfolioShock: scenario.portfolioShock,
      parameterUncertainty: scenario.parameterUncertainty)
  }

  /// The customers' delay curves when `scenario` pays by them (``Scenario/delayCurves``),
  /// read from the data up to `until`; they need a `from_store` calibration.
  static func curves(
    _ scenario: Scenario, ledger: Ledger, until: Day, book: Portfolio, segments: Int
  ) throws -> DelayCurves? {
    guard scenario.delayCurves else { return nil }
    guard case .fromStore = scenario.calibration else {
      throw ArcadenceError(
        .invalidConfiguration,
        "\(scenario.file): delay curves need calibration: from_store (they are read from "
          + "the store's invoices)")
    }
    return DelayCurves.fit(
      ledger: ledger, until: until, segmentOf: book.customerSegment, segments: segments)
  }

  /// The customers' payment-run habits when `scenario` asks for them and is calibrated from
  /// the store (``PaymentRuns``), read from the data up to `until`.
  static func runs(_ scenario: Scenario, ledger: Ledger, until: Day) -> PaymentRuns? {
    guard scenario.paymentRuns, case .fromStore = scenario.calibration else { return nil }
    return PaymentRuns.fit(ledger: ledger, until: until)
  }

  /// The simulator of this run.
  public var simulator: Simulator {
    var sim = Simulator(
      portfolio: portfolio, parameters: parameters, policies: policies, settings: settings,
      sample: calibration.sample, fixedKeys: Set(scenario.overrides.map(\.key)),
      delayCurves: delayCurves)
    sim.paymentRuns = paymentRunCalendar
    return sim
  }

  /// Runs the Monte Carlo simulation; `isCancelled` is asked before each path
  /// (``Simulator/run(progress:isCancelled:)``).
  public func run(
    progress: (@Sendable (Int, Int) -> Void)? = nil, isCancelled: (@Sendable () -> Bool)? = nil
  ) -> SimulationResult {
    simulator.run(progress: progress, isCancelled: isCancelled)
  }

  /// The Markov aging chain's closed-form expectation for the invoices open at the start.
  public func markov() -> MarkovResult {
    MarkovChain(calibration: calibration).expected(portfolio, horizon: settings.horizon)
  }
}
