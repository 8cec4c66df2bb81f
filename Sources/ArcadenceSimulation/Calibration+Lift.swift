import ArcadenceCore
import ArcadenceStore

extension Calibration {
  /// Fits every parameter with the reached-contact lift estimated from the rep's workload
  /// (``LiftEstimator``) where the data allows it, and the assumed lift otherwise; the hazards
  /// are then lift-adjusted with the lift in force. Returns the estimator's result beside the
  /// calibration (its ``LiftEstimator/Result/warning`` says when the assumption is kept).
  public static func fitEstimatingLift(
    ledger l: Ledger, links: InvoiceLinks, until: Day, thinThreshold: Int = 30,
    delayShift: Bool = false
  ) -> (calibration: Calibration, lift: LiftEstimator.Result) {
    let lift = LiftEstimator.estimate(ledger: l, links: links, until: until)
    var calibration = fit(
      ledger: l, links: links, until: until, lifts: lift.lifts, thinThreshold: thinThreshold,
      delayShift: delayShift)
    calibration.reachedLiftEstimated = lift.fallbackReason == nil
    return (calibration, lift)
  }
}
