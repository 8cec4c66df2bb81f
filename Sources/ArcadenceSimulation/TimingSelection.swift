import ArcadenceCore
import ArcadenceStore
import Foundation

/// Chooses, for one store and one forecast start, between the two payment clocks — the
/// hazard model (segment hazards by days past due × frailty, with the observed cadence's
/// contacts) and the customers' delay curves (``DelayCurves``) — by rolling-origin
/// evaluation on the store's own earlier cutoffs (Tashman 2000, "Out-of-sample tests of
/// forecasting accuracy").
///
/// Why. Neither clock wins everywhere (12 month-start cutoffs, 90 days, 200 paths): on three
/// market worlds, whose customers each keep their own delay distribution, the curves bring the
/// mean |total error| from 5.95/6.22/7.38 % down to 4.63/4.27/4.63 %; on the standard world,
/// where payment follows days past due and the cadence's contacts, they raise it from
/// 1.28 % (sample) and 2.40 % (seed 31) to 2.37 % and 2.99 % (the open book is right under
/// both clocks there; the curves' error is future billing, whose simulated volume the hazard
/// clock's faster timing offsets). Which one a ledger follows is
/// a property of the ledger, and the ledger's own history can tell: at each of ``lags``
/// earlier cutoffs `s = start − lag` (so that the `horizon` days after `s` end before
/// `start`), both clocks forecast from data before `s` and are scored against what came in;
/// the one with the lower mean |total error| forecasts from `start`. Only data before `start`
/// is read, so `accuracy`'s cutoffs see no future.
public struct TimingSelection: Sendable, Equatable {
  /// The earlier cutoffs, in days before the start beyond the horizon: `start − horizon −
  /// lag` for each.
  public static let lags = [0, 60]
  /// Monte Carlo paths per clock at each earlier cutoff (only the mean is used).
  public static let paths = 40

  /// Mean |total error| of each clock over the earlier cutoffs that fit (nil: none fit).
  public var hazardError: Double?
  public var curvesError: Double?
  /// Each clock's signed total error, (mean − actual) ÷ actual, at each earlier cutoff used.
  public var hazardErrors: [Double] = []
  public var curvesErrors: [Double] = []

  /// Whether the curves forecast: only when they did better on the earlier cutoffs.
  public var curves: Bool {
    guard let h = hazardError, let c = curvesError else { return false }
    return c < h
  }

  /// Scores both clocks at the earlier cutoffs of a forecast from `start` over `horizon`
  /// days. O(cutoffs × (calibration + paths × simulation)).
  public static func select(
    ledger l: Ledger, links: InvoiceLinks, start: Day, horizon: Int, seed: UInt64,
    threads: Int, delayShift: Bool
  ) throws -> TimingSelection {
    var hazard: [Double] = []
    var curves: [Double] = []
    for (s, actual) in earlierCutoffs(ledger: l, start: start, horizon: horizon) {
      let run = try SimulationRun.forecast(
        name: "selection", ledger: l, links: links, start: s, horizon: horizon,
        paths: paths, seed: seed, threads: threads, delayShift: delayShift, delayCurves: true)
      for byCurves in [false, true] {
        var sim = run.simulator
        if !byCurves { sim = sim.withoutDelayCurves }
        let e = signedError(totals: sim.run().totals[0], actual: actual)
        if byCurves { curves.append(e) } else { hazard.append(e) }
      }
    }
    return TimingSelection(
      hazardError: Statistics.mean(hazard.map(abs)), curvesError: Statistics.mean(curves.map(abs)),
      hazardErrors: hazard, curvesErrors: curves)
  }

  /// The earlier cutoffs both clocks are scored on, with the cash that came in over the
  /// `horizon` days after each: `start − horizon − lag` for each of ``lags``, kept when it
  /// has a horizon's worth of history after the first invoice to calibrate on and its
  /// window received cash (an error relative to nothing means nothing). O(invoices + events).
  public static func earlierCutoffs(ledger l: Ledger, start: Day, horizon: Int) -> [(
    start: Day, actual: Int64
  )] {
    guard let first = l.invoiceIssued.min() else { return [] }
    var out: [(start: Day, actual: Int64)] = []
    for lag in lags {
      let s = start - (horizon + lag)
      guard Int64(s.rawValue) - Int64(first) >= Int64(horizon) else { continue }
      let actual = Actuals.dailyCash(l, from: s, days: horizon).reduce(0, +)
      if actual > 0 { out.append((s, actual)) }
    }
    return out
  }

  /// A clock's |total error| at one earlier cutoff: the paths' mean total against the
  /// actual, relative to the actual (no paths count as a mean of 0). O(paths).
  public static func error(totals: [Int64], actual: Int64) -> Double {
    abs(signedError(totals: totals, actual: actual))
  }

  /// A clock's signed total error at one earlier cutoff, (paths' mean − actual) ÷ actual.
  /// O(paths).
  public static func signedError(totals: [Int64], actual: Int64) -> Double {
    let mean = Statistics.mean(totals.map(Double.init)) ?? 0
    return (mean - Double(actual)) / Double(actual)
  }
}

extension Simulator {
  /// The same simulator paying by the hazard model (no delay curves).
  var withoutDelayCurves: Simulator {
    var s = Simulator(
      portfolio: portfolio, parameters: parameters, policies: policies, settings: settings,
      sample: sample, fixedKeys: fixedKeys, delayCurves: nil)
    s.cashKey = cashKey
    s.cashKeyCount = cashKeyCount
    s.cashKeyDays = cashKeyDays
    return s
  }
}
