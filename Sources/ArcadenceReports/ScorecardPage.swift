import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore

/// One rep's page: their numbers against the team, their trend, and their own open work.
///
/// A rep's page shows that rep's customers and cases and no one else's: the open cases are
/// the rep's own (cases.rep_id), the promises the rep's own (promises.rep_id).
public enum ScorecardPage {
  /// A promise still in play at the end of the period.
  public struct UpcomingPromise: Sendable {
    public var customerId: String
    public var customerName: String
    public var amount: Int64
    public var madeOn: Day
    public var promisedOn: Day
    /// Last day of the window that decides whether it is kept (promised_on + 3).
    public var windowEnds: Day
    /// What the customer has paid since the promise was made, up to the period end.
    public var paidSoFar: Int64
  }

  /// The rep's promises whose window is still open at `asOf` and that are not yet covered by
  /// payments: the ones to follow up. Sorted by window end.
  public static func upcomingPromises(rep r: Int, ledger l: Ledger, asOf: Day)
    -> [UpcomingPromise]
  {
    let d = asOf.rawValue
    return l.promiseMade.indices.compactMap { k -> UpcomingPromise? in
      guard Int(l.promiseRep[k]) == r, l.promiseMade[k] <= d else { return nil }
      let windowEnds = KPIEngine.promiseWindowEnd(promisedOn: l.promisePromised[k])
      guard windowEnds >= d else { return nil }
      let c = Int(l.promiseCustomer[k])
      let paid = l.customerPayments(c, from: l.promiseMade[k], to: d)
      guard paid < l.promiseAmount[k] else { return nil }
      return UpcomingPromise(
        customerId: l.customerIds[c], customerName: l.customerNames[c],
        amount: l.promiseAmount[k], madeOn: Day(rawValue: l.promiseMade[k]),
        promisedOn: Day(rawValue: l.promisePromised[k]), windowEnds: Day(rawValue: windowEnds),
        paidSoFar: paid)
    }.sorted { ($0.windowEnds, $0.customerId) < ($1.windowEnds, $1.customerId) }
  }

  /// The rep's own cases open more than 14 days at `asOf`, oldest first: case, customer,
  /// root cause, opened, age in days, escalation reason.
  public static func stuckCases(rep r: Int, ledger l: Ledger, asOf: Day) -> [[DrillDown.Cell]] {
    l.caseOpenedAt.indices.compactMap { k -> (Int, String, [DrillDown.Cell])? in
      let opened = l.caseOpenedOn(k)
      let age = asOf - opened
      guard Int(l.caseRep[k]) == r, KPIEngine.isCaseStuck(k, in: l, atEndOf: asOf) else {
        return nil
      }
      return (
        age, l.caseIds[k],
        [
          .caseRef(k), .customer(Int(l.caseCustomer[k])),
          .text(l.caseRootCause[k] ?? WeeklyReview.unspecified), .day(opened), .count(age),
          .text(l.caseEscalationReason[k] ?? ""),
        ]
      )
    }.sorted { ($0.0, $1.1) > ($1.0, $0.1) }.map(\.2)
  }

  /// The page for `line` (the served scorecard's `scorecardCard` template, then the trend
  /// and the rep's open work); `chart` is the `src` of the rep's trend chart, if any.
  public static func html(
    line: Scorecard.Line, card: Scorecard, ledger l: Ledger, chart: String?, backLink: String
  ) -> String {
    let asOf = card.period.to
    var context = SharedTables.card(line, card, metrics: Scorecard.cardMetrics)
    let figures: [[String: Any]] =
      chart.map {
        [
          [
            "src": $0, "width": 1000, "height": 640,
            "caption": "\(line.name)'s weekly cash collected, contacts reached, calls and "
              + "tasks on time against the team median.",
          ]
        ]
      } ?? []
    context["figures"] = figures
    context["hasFigures"] = !figures.isEmpty
    let promises = upcomingPromises(rep: line.repIndex, ledger: l, asOf: asOf)
    let tables = [
      PageTable(
        title: "Cases open more than \(KPIEngine.caseAgeLimitDays) days at \(asOf)",
        name: "stuck",
        columns: ["Case", "Customer", "Root cause", "Opened", "Age (days)", "Escalated"],
        rows: stuckCases(rep: line.repIndex, ledger: l, asOf: asOf)),
      PageTable(
        title: "Promises to follow up", name: "promises",
        columns: ["Customer", "Promised", "Paid so far", "Made on", "Promised for", "Window ends"],
        rows: promises.map {
          [
            .text("\($0.customerName) (\($0.customerId))"), .money($0.amount),
            .money($0.paidSoFar), .day($0.madeOn), .day($0.promisedOn), .day($0.windowEnds),
          ]
        },
        note: "Promises whose window (promised date + \(KPIEngine.promiseGraceDays) days) is "
          + "still open at \(asOf) and that the customer's payments do not yet cover."),
    ]
    context["tables"] = tables.map { $0.context(ledger: l) }
    return PageTemplates.staticPage(
      title: "Scorecard \(line.repId) \(line.name)",
      body: PageTemplates.render("scorecardPage", context), nav: [(backLink, "← Dashboard")])
  }
}
