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

/// The JSON key of every KPI of `spec/kpis.md`, in the order of the output contract.
///
/// Reports, pages and charts name a metric by its case (`report[.collectionRate]`), so a
/// misspelt metric does not compile; the raw value is the key of the JSON, CSV and HTML
/// outputs.
public enum MetricKey: String, CaseIterable, Sendable {
  case collectedAmount = "collected_amount"
  case paymentsCount = "payments_count"
  case unappliedAmount = "unapplied_amount"
  case creditSales = "credit_sales"
  case collectionRate = "collection_rate"
  case arOpenStart = "ar_open_start"
  case arOpenEnd = "ar_open_end"
  case currentAREnd = "current_ar_end"
  case pastDueStart = "past_due_start"
  case pastDueEnd = "past_due_end"
  case agingEnd = "aging_end"
  case agingStart = "aging_start"
  case agingReduction = "aging_reduction"
  case aging90PlusReduction = "aging_90_plus_reduction"
  case dso
  case bestPossibleDSO = "best_possible_dso"
  case averageDaysDelinquent = "add"
  case cei
  case autopayEligible = "autopay_eligible"
  case autopayConverted = "autopay_converted"
  case autopayConversionRate = "autopay_conversion_rate"
  case autopayShareEnd = "autopay_share_end"
  case casesOpened = "cases_opened"
  case casesClosed = "cases_closed"
  case casesOpenEnd = "cases_open_end"
  case casesOpenOver14d = "cases_open_over_14d"
  case caseResolutionMedianDays = "case_resolution_median_days"
  case caseResolutionP90Days = "case_resolution_p90_days"
  case escalations
  case escalationsByReason = "escalations_by_reason"
  case documentationCompleteness = "documentation_completeness"
  case tasksDue = "tasks_due"
  case tasksCompleted = "tasks_completed"
  case taskCompletionRate = "task_completion_rate"
  case tasksOnTimeRate = "tasks_on_time_rate"
  case promisesMade = "promises_made"
  case promisedAmount = "promised_amount"
  case promisesDue = "promises_due"
  case promisesKept = "promises_kept"
  case promiseKeptRate = "promise_kept_rate"
  case calls
  case emails
  case contactsReached = "contacts_reached"

  /// The metric's position in ``Metrics/all`` and in every report's `values`.
  public var index: Int { MetricKey.positions[self] ?? 0 }

  /// Every key's position in `allCases` (``Metrics/all`` has the same order; a test checks).
  private static let positions: [MetricKey: Int] = Dictionary(
    uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

  /// Whether the metric is a reduction (shown as a signed percentage).
  public var isReduction: Bool { rawValue.hasSuffix("_reduction") }
}

/// A KPI of `spec/kpis.md`: its JSON key, the group it is shown in, a label, and whether a
/// higher value is better (for arrows and ranks).
public struct MetricDefinition: Sendable {
  public var key: MetricKey
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

  /// Every metric, keyed and ordered as in kpis.md (the order of ``MetricKey/allCases``).
  public static let all: [MetricDefinition] = {
    func m(
      _ key: MetricKey, _ group: String, _ label: String, _ better: Bool?,
      _ value: @escaping @Sendable (RepTotals, Period) -> MetricValue
    ) -> MetricDefinition {
      MetricDefinition(key: key, group: group, label: label, higherIsBetter: better, value: value)
    }
    return [
      m(.collectedAmount, "cash", "Cash collected", true) { t, _ in .money(t.collected) },
      m(.paymentsCount, "cash", "Payments", true) { t, _ in .count(t.paymentsCount) },
      m(.unappliedAmount, "cash", "Unapplied cash", false) { t, _ in .money(t.unapplied) },
      m(.creditSales, "cash", "Credit sales (invoiced)", nil) { t, _ in .money(t.creditSales) },
      m(.collectionRate, "cash", "Collection rate (cohort)", true) { t, _ in
        .ratio(ratio(t.cohortCollected, t.cohortBilled))
      },
      m(.arOpenStart, "aging", "Open AR at start", nil) { t, _ in .money(total(t.agingStart)) },
      m(.arOpenEnd, "aging", "Open AR at end", nil) { t, _ in .money(total(t.agingEnd)) },
      m(.currentAREnd, "aging", "Current AR at end", nil) { t, _ in .money(t.agingEnd[0]) },
      m(.pastDueStart, "aging", "Past due at start", false) { t, _ in
        .money(pastDue(t.agingStart))
      },
      m(.pastDueEnd, "aging", "Past due at end", false) { t, _ in .money(pastDue(t.agingEnd)) },
      m(.agingEnd, "aging", "Aging at end", nil) { t, _ in .aging(t.agingEnd) },
      m(.agingStart, "aging", "Aging at start", nil) { t, _ in .aging(t.agingStart) },
      m(.agingReduction, "aging", "Aging reduction (past due)", true) { t, _ in
        let s = pastDue(t.agingStart)
        return .ratio(s == 0 ? nil : Double(s - pastDue(t.agingEnd)) / Double(s))
      },
      m(.aging90PlusReduction, "aging", "Aging reduction (90+)", true) { t, _ in
        let s = t.agingStart[4]
        return .ratio(s == 0 ? nil : Double(s - t.agingEnd[4]) / Double(s))
      },
      m(.dso, "aging", "DSO", false) { t, p in .days(dso(t, p, total(t.agingEnd))) },
      m(.bestPossibleDSO, "aging", "Best possible DSO", false) { t, p in
        .days(dso(t, p, t.agingEnd[0]))
      },
      m(.averageDaysDelinquent, "aging", "Average days delinquent", false) { t, p in
        guard let a = dso(t, p, total(t.agingEnd)), let b = dso(t, p, t.agingEnd[0]) else {
          return .days(nil)
        }
        return .days(a - b)
      },
      m(.cei, "aging", "Collection effectiveness (CEI)", true) { t, _ in
        let base = total(t.agingStart) + t.creditSales
        return .ratio(ratio(base - total(t.agingEnd), base - t.agingEnd[0]))
      },
      m(.autopayEligible, "autopay", "Auto-pay eligible customers", nil) { t, _ in
        .count(t.autopayEligible)
      },
      m(.autopayConverted, "autopay", "Auto-pay conversions", true) { t, _ in
        .count(t.autopayConverted)
      },
      m(.autopayConversionRate, "autopay", "Auto-pay conversion rate", true) { t, _ in
        .ratio(ratio(t.autopayConverted, t.autopayEligible))
      },
      m(.autopayShareEnd, "autopay", "Auto-pay share at end", true) { t, _ in
        .ratio(ratio(t.autopayEnrolledEnd, t.autopayActiveCustomers))
      },
      m(.casesOpened, "cases", "Cases opened", nil) { t, _ in .count(t.casesOpened) },
      m(.casesClosed, "cases", "Cases closed", true) { t, _ in .count(t.casesClosed) },
      m(.casesOpenEnd, "cases", "Cases open at end", false) { t, _ in .count(t.casesOpenEnd) },
      m(.casesOpenOver14d, "cases", "Cases open over 14 days", false) { t, _ in
        .count(t.casesOpenOver14d)
      },
      m(.caseResolutionMedianDays, "cases", "Resolution time, median (days)", false) {
        t, _ in .days(Statistics.quantile(t.resolutionDays, 0.5))
      },
      m(.caseResolutionP90Days, "cases", "Resolution time, p90 (days)", false) { t, _ in
        .days(Statistics.quantile(t.resolutionDays, 0.9))
      },
      m(.escalations, "cases", "Escalations", false) { t, _ in
        .count(t.escalationsByReason.reduce(0, +))
      },
      m(.escalationsByReason, "cases", "Escalations by reason", nil) { t, _ in
        .byReason(t.escalationsByReason)
      },
      m(.documentationCompleteness, "cases", "Documentation completeness", true) { t, _ in
        .ratio(ratio(t.casesClosedDocumented, t.casesClosed))
      },
      m(.tasksDue, "cadence", "Tasks due", nil) { t, _ in .count(t.tasksDue) },
      m(.tasksCompleted, "cadence", "Tasks completed", true) { t, _ in .count(t.tasksCompleted) },
      m(.taskCompletionRate, "cadence", "Task completion rate", true) { t, _ in
        .ratio(ratio(t.tasksCompleted, t.tasksDue))
      },
      m(.tasksOnTimeRate, "cadence", "Tasks on time", true) { t, _ in
        .ratio(ratio(t.tasksOnTime, t.tasksDue))
      },
      m(.promisesMade, "promises", "Promises made", true) { t, _ in .count(t.promisesMade) },
      m(.promisedAmount, "promises", "Amount promised", true) { t, _ in
        .money(t.promisedAmount)
      },
      m(.promisesDue, "promises", "Promises due", nil) { t, _ in .count(t.promisesDue) },
      m(.promisesKept, "promises", "Promises kept", true) { t, _ in .count(t.promisesKept) },
      m(.promiseKeptRate, "promises", "Promise kept rate", true) { t, _ in
        .ratio(ratio(t.promisesKept, t.promisesDue))
      },
      m(.calls, "outreach", "Calls", true) { t, _ in .count(t.calls) },
      m(.emails, "outreach", "Emails", true) { t, _ in .count(t.emails) },
      m(.contactsReached, "outreach", "Contacts reached", true) { t, _ in
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

  /// The definition of a metric.
  public static subscript(key: MetricKey) -> MetricDefinition { all[key.index] }
}
