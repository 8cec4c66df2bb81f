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

  /// The rep's own cases open more than 14 days at `asOf`, oldest first.
  public static func stuckCases(rep r: Int, ledger l: Ledger, asOf: Day) -> [[String]] {
    l.caseOpenedAt.indices.compactMap { k -> (Int, [String])? in
      let opened = l.caseOpenedOn(k)
      let age = asOf - opened
      guard Int(l.caseRep[k]) == r, KPIEngine.isCaseStuck(k, in: l, atEndOf: asOf) else {
        return nil
      }
      let c = Int(l.caseCustomer[k])
      return (
        age,
        [
          l.caseIds[k], "\(l.customerNames[c]) (\(l.customerIds[c]))",
          l.caseRootCause[k] ?? WeeklyReview.unspecified, opened.description, String(age),
          l.caseEscalationReason[k] ?? "",
        ]
      )
    }.sorted { ($0.0, $1.1[0]) > ($1.0, $0.1[0]) }.map(\.1)
  }

  /// The page for `line`; `chart` is the `src` of the rep's trend chart, if any.
  public static func html(
    line: Scorecard.Line, card: Scorecard, ledger l: Ledger, chart: String?, backLink: String
  ) -> String {
    let e = HTML.escape
    let asOf = card.period.to
    var b = "<header class=\"top\"><h1>Scorecard — \(e(line.name))</h1>"
    b += "<p>\(e(line.repId)) · "
    b += line.team.map { "team \(e($0)) (\(card.teamSize($0)) reps)" } ?? "no team"
    b += " · \(card.period.from) to \(card.period.to)</p></header>"
    b += "<nav><a href=\"\(e(backLink))\">← Dashboard</a></nav><main>"
    b += "<h2>Your numbers</h2>"
    let rows = Scorecard.cardMetrics
      .map { key -> [String] in
        let v = line[key]
        let rank = (line.ranks[key] ?? nil).map { "\($0) of \(card.teamSize(line.team))" }
        return [
          Metrics[key].label, Scorecard.cell(v, key: key),
          Scorecard.medianCell(card.teamMedian(key, team: line.team), like: v),
          line.ranks[key] == nil ? "" : rank ?? "—",
        ]
      }
    b += HTML.table(header: ["Metric", "You", "Team median", "Rank"], rows: rows, numeric: [1, 2])
    b += "<p class=\"note\">Rank 1 is the best in the team; ties share the better rank.</p>"
    if let chart {
      b += "<h2>Your trend</h2>"
      b += HTML.figure(
        src: chart,
        alt: "\(line.name)'s weekly cash collected, contacts reached, calls and "
          + "tasks on time against the team median.", width: 1000, height: 640)
    }
    b += "<h2>Your cases open more than 14 days at \(asOf)</h2>"
    let stuck = stuckCases(rep: line.repIndex, ledger: l, asOf: asOf)
    b +=
      stuck.isEmpty
      ? "<p>None.</p>"
      : HTML.table(
        header: ["Case", "Customer", "Root cause", "Opened", "Age (days)", "Escalated"],
        rows: stuck, numeric: [4])
    b += "<h2>Promises to follow up</h2>"
    let promises = upcomingPromises(rep: line.repIndex, ledger: l, asOf: asOf)
    b +=
      promises.isEmpty
      ? "<p>No open promises.</p>"
      : HTML.table(
        header: [
          "Customer", "Promised", "Paid so far", "Made on", "Promised for", "Window ends",
        ],
        rows: promises.map {
          [
            "\($0.customerName) (\($0.customerId))", Cents.display($0.amount),
            Cents.display($0.paidSoFar), $0.madeOn.description, $0.promisedOn.description,
            $0.windowEnds.description,
          ]
        }, numeric: [1, 2])
    b += "<p class=\"note\">Promises whose window (promised date + 3 days) is still open at "
    b += "\(asOf) and that the customer's payments do not yet cover.</p>"
    b += "</main>"
    return HTML.page(title: "Scorecard \(line.repId) \(line.name)", body: b)
  }
}
