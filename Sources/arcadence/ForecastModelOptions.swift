import ArcadenceSimulation
import ArgumentParser

/// The forecast model's choices, one set of flags for `forecast` and `accuracy` (the model
/// `accuracy` validates is the one `forecast` runs, so they are declared once).
struct ForecastModelOptions: ParsableArguments {
  @Flag(
    help: """
      Shift each customer's payment clock by its own delay (credibility-weighted, DelayShift): \
      better invoice dates, totals measured lower on the market worlds.
      """)
  var delayShift = false
  @Flag(
    help: """
      Pay each invoice on a day drawn from its customer's delay curve (Kaplan–Meier of cash on \
      days since issue, mixed with its segment's), given the invoice's age (DelayCurves).
      """)
  var delayCurves = false
  @Flag(
    inversion: .prefixedNo,
    help: """
      Choose the hazard model or delay curves by their error on the store's own earlier \
      cutoffs (the default; --delay-curves or --no-select-timing fixes the clock).
      """)
  var selectTiming = true
  @Flag(
    inversion: .prefixedNo,
    help: """
      Release run customers' payments on their run days (Fridays, month ends) read from the \
      store (PaymentRuns), simulating 35 days past the forecast's end so cash due back in is \
      there (the default; --no-payment-runs pays on the clock's days).
      """)
  var paymentRuns = true
  @Flag(
    inversion: .prefixedNo,
    help: """
      Widen each week's P5–P95 by the week-to-week noise the model missed on the store's \
      earlier cutoffs (WeeklyNoise; the default; --no-weekly-noise keeps the paths' own band).
      """)
  var weeklyNoise = true

  /// Sets the model's choices on a forecast's or an accuracy run's settings.
  func apply<S: ForecastModelChoices>(to settings: inout S) {
    settings.delayShift = delayShift
    settings.delayCurves = delayCurves
    settings.selectTiming = selectTiming
    settings.paymentRuns = paymentRuns
    settings.weeklyNoise = weeklyNoise
  }
}

/// Settings that carry the forecast model's choices (``ForecastModelOptions``).
protocol ForecastModelChoices {
  var delayShift: Bool { get set }
  var delayCurves: Bool { get set }
  var selectTiming: Bool { get set }
  var paymentRuns: Bool { get set }
  var weeklyNoise: Bool { get set }
}

extension Accuracy.Settings: ForecastModelChoices {}
extension Forecast.Settings: ForecastModelChoices {}
