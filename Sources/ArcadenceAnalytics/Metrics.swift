import ArcadenceCore

/// The value of one KPI.
public enum MetricValue: Sendable, Equatable {
  /// Money in cents.
  case money(Int64)
  /// A count.
  case count(Int)
  /// A fraction (0…1 except where the spec says otherwise), nil when the denominator is 0.
  case ratio(Double?)
  /// A number of days, nil when undefined.
  case days(Double?)
  /// Aging buckets (current, 1–30, 31–60, 61–90, 90+) in cents.
  case aging([Int64])
  /// Escalations per reason, in ``Vocabulary/escalationReasons`` order.
  case byReason([Int])

  /// The value as a plain number for comparisons and ranks (nil when undefined or composite).
  public var number: Double? {
    switch self {
    case .money(let c): Double(c) / 100
    case .count(let n): Double(n)
    case .ratio(let r), .days(let r): r
    case .aging, .byReason: nil
    }
  }
}

/// A KPI of `spec/kpis.md`: its JSON key, the group it is shown in, a label, and whether a
/// higher value is better (for arrows and ranks).
public struct MetricDefinition: Sendable {
  public var key: String
  public var group: String
  public var label: String
  /// true: higher is better; false: lower is better; nil: neither.
  public var higherIsBetter: Bool?
  /// Computes the value from a scope's totals and the period.
  public var value: @Sendable (RepTotals, Period) -> MetricValue
}

/// All the KPIs in the order of the output contract.
public enum Metrics {
  static func ratio(_ n: Int64, _ d: Int64) -> Double? { d == 0 ? nil : Double(n) / Double(d) }
  static func ratio(_ n: Int, _ d: Int) -> Double? { d == 0 ? nil : Double(n) / Double(d) }
  static func pastDue(_ buckets: [Int64]) -> Int64 { buckets[1...].reduce(0, +) }
  static func total(_ buckets: [Int64]) -> Int64 { buckets.reduce(0, +) }
  static func dso(_ t: RepTotals, _ p: Period, _ ar: Int64) -> Double? {
    t.creditSales == 0 ? nil : Double(ar) / Double(t.creditSales) * Double(p.days)
  }

  /// Every metric, keyed and ordered as in kpis.md.
  public static let all: [MetricDefinition] = {
    func m(
      _ key: String, _ group: String, _ label: String, _ better: Bool?,
      _ value: @escaping @Sendable (RepTotals, Period) -> MetricValue
    ) -> MetricDefinition {
      MetricDefinition(key: key, group: group, label: label, higherIsBetter: better, value: value)
    }
    return [
      m("collected_amount", "cash", "Cash collected", true) { t, _ in .money(t.collected) },
      m("payments_count", "cash", "Payments", true) { t, _ in .count(t.paymentsCount) },
      m("unapplied_amount", "cash", "Unapplied cash", false) { t, _ in .money(t.unapplied) },
      m("credit_sales", "cash", "Credit sales (invoiced)", nil) { t, _ in .money(t.creditSales) },
      m("collection_rate", "cash", "Collection rate (cohort)", true) { t, _ in
        .ratio(ratio(t.cohortCollected, t.cohortBilled))
      },
      m("ar_open_start", "aging", "Open AR at start", nil) { t, _ in .money(total(t.agingStart)) },
      m("ar_open_end", "aging", "Open AR at end", nil) { t, _ in .money(total(t.agingEnd)) },
      m("current_ar_end", "aging", "Current AR at end", nil) { t, _ in .money(t.agingEnd[0]) },
      m("past_due_start", "aging", "Past due at start", false) { t, _ in
        .money(pastDue(t.agingStart))
      },
      m("past_due_end", "aging", "Past due at end", false) { t, _ in .money(pastDue(t.agingEnd)) },
      m("aging_end", "aging", "Aging at end", nil) { t, _ in .aging(t.agingEnd) },
      m("aging_start", "aging", "Aging at start", nil) { t, _ in .aging(t.agingStart) },
      m("aging_reduction", "aging", "Aging reduction (past due)", true) { t, _ in
        let s = pastDue(t.agingStart)
        return .ratio(s == 0 ? nil : Double(s - pastDue(t.agingEnd)) / Double(s))
      },
      m("aging_90_plus_reduction", "aging", "Aging reduction (90+)", true) { t, _ in
        let s = t.agingStart[4]
        return .ratio(s == 0 ? nil : Double(s - t.agingEnd[4]) / Double(s))
      },
      m("dso", "aging", "DSO", false) { t, p in .days(dso(t, p, total(t.agingEnd))) },
      m("best_possible_dso", "aging", "Best possible DSO", false) { t, p in
        .days(dso(t, p, t.agingEnd[0]))
      },
      m("add", "aging", "Average days delinquent", false) { t, p in
        guard let a = dso(t, p, total(t.agingEnd)), let b = dso(t, p, t.agingEnd[0]) else {
          return .days(nil)
        }
        return .days(a - b)
      },
      m("cei", "aging", "Collection effectiveness (CEI)", true) { t, _ in
        let base = total(t.agingStart) + t.creditSales
        return .ratio(ratio(base - total(t.agingEnd), base - t.agingEnd[0]))
      },
      m("autopay_eligible", "autopay", "Auto-pay eligible customers", nil) { t, _ in
        .count(t.autopayEligible)
      },
      m("autopay_converted", "autopay", "Auto-pay conversions", true) { t, _ in
        .count(t.autopayConverted)
      },
      m("autopay_conversion_rate", "autopay", "Auto-pay conversion rate", true) { t, _ in
        .ratio(ratio(t.autopayConverted, t.autopayEligible))
      },
      m("autopay_share_end", "autopay", "Auto-pay share at end", true) { t, _ in
        .ratio(ratio(t.autopayEnrolledEnd, t.autopayActiveCustomers))
      },
      m("cases_opened", "cases", "Cases opened", nil) { t, _ in .count(t.casesOpened) },
      m("cases_closed", "cases", "Cases closed", true) { t, _ in .count(t.casesClosed) },
      m("cases_open_end", "cases", "Cases open at end", false) { t, _ in .count(t.casesOpenEnd) },
      m("cases_open_over_14d", "cases", "Cases open over 14 days", false) { t, _ in
        .count(t.casesOpenOver14d)
      },
      m("case_resolution_median_days", "cases", "Resolution time, median (days)", false) {
        t, _ in .days(Statistics.quantile(t.resolutionDays, 0.5))
      },
      m("case_resolution_p90_days", "cases", "Resolution time, p90 (days)", false) { t, _ in
        .days(Statistics.quantile(t.resolutionDays, 0.9))
      },
      m("escalations", "cases", "Escalations", false) { t, _ in
        .count(t.escalationsByReason.reduce(0, +))
      },
      m("escalations_by_reason", "cases", "Escalations by reason", nil) { t, _ in
        .byReason(t.escalationsByReason)
      },
      m("documentation_completeness", "cases", "Documentation completeness", true) { t, _ in
        .ratio(ratio(t.casesClosedDocumented, t.casesClosed))
      },
      m("tasks_due", "cadence", "Tasks due", nil) { t, _ in .count(t.tasksDue) },
      m("tasks_completed", "cadence", "Tasks completed", true) { t, _ in .count(t.tasksCompleted) },
      m("task_completion_rate", "cadence", "Task completion rate", true) { t, _ in
        .ratio(ratio(t.tasksCompleted, t.tasksDue))
      },
      m("tasks_on_time_rate", "cadence", "Tasks on time", true) { t, _ in
        .ratio(ratio(t.tasksOnTime, t.tasksDue))
      },
      m("promises_made", "promises", "Promises made", true) { t, _ in .count(t.promisesMade) },
      m("promised_amount", "promises", "Amount promised", true) { t, _ in
        .money(t.promisedAmount)
      },
      m("promises_due", "promises", "Promises due", nil) { t, _ in .count(t.promisesDue) },
      m("promises_kept", "promises", "Promises kept", true) { t, _ in .count(t.promisesKept) },
      m("promise_kept_rate", "promises", "Promise kept rate", true) { t, _ in
        .ratio(ratio(t.promisesKept, t.promisesDue))
      },
      m("calls", "outreach", "Calls", true) { t, _ in .count(t.calls) },
      m("emails", "outreach", "Emails", true) { t, _ in .count(t.emails) },
      m("contacts_reached", "outreach", "Contacts reached", true) { t, _ in
        .count(t.contactsReached)
      },
    ]
  }()

  /// The groups in display order, with their titles.
  public static let groups: [(key: String, title: String)] = [
    ("cash", "Cash"), ("aging", "Receivables and aging"), ("autopay", "Auto-pay"),
    ("cases", "Cases"), ("cadence", "Cadence and follow-up"), ("promises", "Promises to pay"),
    ("outreach", "Outreach"),
  ]

  /// The metric with a JSON key.
  public static func definition(_ key: String) -> MetricDefinition? {
    all.first { $0.key == key }
  }
}
