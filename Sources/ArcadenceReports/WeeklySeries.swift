import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore

/// KPI totals week by week over a period, for one scope: the data behind the trend charts.
///
/// The weeks are the ISO weeks (Monday to Sunday) whose Thursday falls in the period — the
/// ISO rule for which month or quarter a week belongs to — so every point is a full week; a
/// period with no Thursday is a single "week" of its own. Each week's flow numbers are the
/// KPI definitions applied to that week as a period (a point equals `arcadence kpis --from
/// MON --to SUN`). Cohort rates are different: a week is too short to judge a cohort, so
/// ``cohortCollectionRate(reps:)`` and ``promiseKeptRate(reps:)`` break the period's own KPI
/// down by due week and by the week a promise was made, judged at the end of the period.
public struct WeeklySeries: Sendable {
  /// The weeks.
  public var weeks: [Period]
  /// The period the weeks cover.
  public var period: Period
  /// Per week, the totals of every rep (indexed like the ledger's reps).
  public var repTotals: [[RepTotals]]
  /// The reps in scope.
  public var reps: [Int]
  let engine: KPIEngine

  /// Computes every week, one pass per week. O(weeks × rows).
  public init(engine: KPIEngine, period: Period, reps: [Int]) {
    var weeks: [Period] = []
    var monday = period.from.startOfISOWeek
    while monday <= period.to {
      if period.contains(monday + 3) { weeks.append(Period(from: monday, to: monday + 6)) }
      monday = monday + 7
    }
    if weeks.isEmpty { weeks = [period] }
    self.weeks = weeks
    self.period = period
    self.reps = reps
    self.engine = engine
    repTotals = weeks.map { engine.repTotals($0) }
  }

  /// The day cohorts are judged at: the end of the period, or of the last week if later.
  var judgedAt: Int32 { max(period.to.rawValue, weeks.last!.to.rawValue) }

  /// Collection rate of the invoices due in each week, judged at the end of the period
  /// (kpis.md's cohort rules via ``KPIEngine/cohortAmounts(_:asOf:)``); NaN for a week with
  /// nothing billed. Summed over the weeks of a quarter, the terms give the quarter's rate.
  public func cohortCollectionRate(reps subset: [Int]? = nil) -> [Double] {
    let l = engine.ledger
    let inScope = Set(subset ?? reps)
    var billed = [Int64](repeating: 0, count: weeks.count)
    var collected = [Int64](repeating: 0, count: weeks.count)
    for i in l.invoiceAmount.indices {
      guard let w = week(of: l.invoiceDue[i]),
        inScope.contains(Int(l.customerRep[Int(l.invoiceCustomer[i])]))
      else { continue }
      let (net, got) = engine.cohortAmounts(i, asOf: judgedAt)
      billed[w] += net
      collected[w] += got
    }
    return weeks.indices.map { billed[$0] == 0 ? .nan : Double(collected[$0]) / Double(billed[$0]) }
  }

  /// Kept rate of the promises made in each week, judged at the end of the period (kpis.md
  /// via ``KPIEngine/promiseOutcome(_:asOf:)``); NaN for a week with no promise due.
  public func promiseKeptRate(reps subset: [Int]? = nil) -> [Double] {
    let l = engine.ledger
    let inScope = Set(subset ?? reps)
    var due = [Int](repeating: 0, count: weeks.count)
    var kept = [Int](repeating: 0, count: weeks.count)
    for k in l.promiseMade.indices {
      guard let w = week(of: l.promiseMade[k]), inScope.contains(Int(l.promiseRep[k])) else {
        continue
      }
      let outcome = engine.promiseOutcome(k, asOf: judgedAt)
      if outcome.due { due[w] += 1 }
      if outcome.kept { kept[w] += 1 }
    }
    return weeks.indices.map { due[$0] == 0 ? .nan : Double(kept[$0]) / Double(due[$0]) }
  }

  /// The index of the week holding `day`, if any.
  func week(of day: Int32) -> Int? {
    guard let first = weeks.first, let last = weeks.last, day >= first.from.rawValue,
      day <= last.to.rawValue
    else { return nil }
    if weeks.count == 1 { return 0 }
    return Int(day - first.from.rawValue) / 7
  }

  /// The scope's totals in week `w`.
  public func totals(_ w: Int, reps subset: [Int]? = nil) -> RepTotals {
    RepTotals.sum((subset ?? reps).map { repTotals[w][$0] })
  }

  /// A metric per week for the scope (or a subset of reps), as numbers; NaN where undefined.
  public func series(_ key: MetricKey, reps subset: [Int]? = nil) -> [Double] {
    let d = Metrics[key]
    return weeks.indices.map { w in d.value(totals(w, reps: subset), weeks[w]).number ?? .nan }
  }

  /// The median over `reps` of a metric, week by week (NaN where no rep has a value).
  public func medianSeries(_ key: MetricKey, over reps: [Int]) -> [Double] {
    let d = Metrics[key]
    return weeks.indices.map { w in
      Statistics.median(reps.compactMap { d.value(repTotals[w][$0], weeks[w]).number }) ?? .nan
    }
  }

  /// First day of each week (Monday, or the period's first day).
  public var starts: [Int32] { weeks.map(\.from.rawValue) }
  /// Last day of each week.
  public var ends: [Int32] { weeks.map(\.to.rawValue) }
}
