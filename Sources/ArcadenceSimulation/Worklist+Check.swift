import ArcadenceCore
import ArcadenceStore
import Foundation

/// The worklist's predictive check: the P(paid within 30 days) it used, out of sample,
/// against what happened.
///
/// For every day D of the 8 weeks (or `weeks`) that end 29 days before the last day of data (so that
/// every outcome window [D, D + 29] is observed), each invoice a contact would be about
/// (open at the end of D − 1, not disputed, not left to auto-pay) is scored with the model
/// calibrated on data before D's week (one calibration per week: no data from D or later
/// enters it). The score is P(paid | contacted today) on the channel of the customer's
/// outbound contact on D when the data has one, else P(paid | not contacted). The outcome is
/// whether the invoice was paid in full (its balance reached 0 with a payment) in [D, D + 29].
public struct WorklistCheck: Sendable {
  /// One decile of the scores.
  public struct Decile: Sendable, Equatable {
    public var count: Int
    public var minPredicted: Double
    public var maxPredicted: Double
    public var meanPredicted: Double
    public var observed: Double
  }

  public var from: Day
  public var to: Day
  public var calibrations: Int
  public var predictions: Int
  public var paid: Int
  public var contacted: Int
  public var meanPredicted: Double
  public var observed: Double
  public var brier: Double
  public var auc: Double?
  /// The AUC among invoice-days without a contact that day, and among those with one.
  public var aucNotContacted: Double?
  public var aucContacted: Double?
  public var deciles: [Decile]

  /// The area under the ROC curve by the Mann–Whitney U statistic: the share of (paid,
  /// unpaid) pairs in which the paid one scores higher, ties counting a half (mid-ranks).
  /// Nil when either class is empty. O(n log n).
  public static func auc(scores: [Double], labels: [Bool]) -> Double? {
    let n = min(scores.count, labels.count)
    let order = (0..<n).sorted { scores[$0] < scores[$1] }
    var rankSum = 0.0
    var pos = 0
    var k = 0
    while k < n {
      var j = k
      while j + 1 < n, scores[order[j + 1]] == scores[order[k]] { j += 1 }
      let mid = Double(k + j) / 2 + 1  // ranks are 1-based
      for m in k...j where labels[order[m]] {
        rankSum += mid
        pos += 1
      }
      k = j + 1
    }
    let neg = n - pos
    guard pos > 0, neg > 0 else { return nil }
    let p = Double(pos)
    return (rankSum - p * (p + 1) / 2) / (p * Double(neg))
  }

  /// Ten groups of (nearly) equal size by ascending score (group g holds sorted positions
  /// ⌊g·n/10⌋ ..< ⌊(g+1)·n/10⌋; ties may straddle a boundary), each with its mean score and
  /// observed share. Empty groups are left out. O(n log n).
  public static func deciles(scores: [Double], labels: [Bool]) -> [Decile] {
    let n = min(scores.count, labels.count)
    let order = (0..<n).sorted { (scores[$0], $0) < (scores[$1], $1) }
    var out: [Decile] = []
    for g in 0..<10 {
      let lo = g * n / 10
      let hi = (g + 1) * n / 10
      guard hi > lo else { continue }
      let idx = order[lo..<hi]
      let s = idx.map { scores[$0] }
      let hits = idx.filter { labels[$0] }.count
      out.append(
        Decile(
          count: hi - lo, minPredicted: s.min() ?? 0, maxPredicted: s.max() ?? 0,
          meanPredicted: s.reduce(0, +) / Double(hi - lo),
          observed: Double(hits) / Double(hi - lo)))
    }
    return out
  }

  /// Runs the check on a store whose last day of data is `lastDay`.
  public static func run(
    ledger l: Ledger, links: InvoiceLinks, lastDay: Day, weeks: Int = 8,
    progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> WorklistCheck {
    let horizon = Worklist.horizonDays
    let to = lastDay - (horizon - 1)
    let from = to - (weeks * 7 - 1)
    guard let first = l.invoiceIssued.min(), from.rawValue - 1 > first else {
      throw ArcadenceError(
        .usage,
        "--check: needs data from before \(from) (\(weeks) weeks ending \(horizon - 1) days before "
          + "the last day, \(lastDay))")
    }
    // How each invoice closed: the day its balance reached 0 and whether by a payment.
    var closedOn = [Int32](repeating: Int32.max, count: l.invoiceAmount.count)
    var closedByPayment = [Bool](repeating: false, count: l.invoiceAmount.count)
    for i in l.invoiceAmount.indices {
      var bal = l.invoiceAmount[i]
      for k in Int(l.invoiceEventStart[i])..<Int(l.invoiceEventStart[i + 1]) {
        bal -= l.eventAmount[k]
        if bal <= 0 {
          closedOn[i] = max(l.eventDay[k], l.invoiceIssued[i])
          closedByPayment[i] = l.eventKind[k] == .payment
          break
        }
      }
    }
    // Outbound contacts on each day of the range, per customer (a call wins over others).
    var contactOn = [Int64: Channel]()
    for k in l.activityDay.indices
    where l.activityOutbound[k] && l.activityDay[k] >= from.rawValue
      && l.activityDay[k] <= to.rawValue
    {
      let key = Int64(l.activityDay[k]) << 32 | Int64(l.activityCustomer[k])
      let ch = Channel(rawValue: Int(l.activityChannel[k].rawValue)) ?? .call
      if contactOn[key].map({ $0.rawValue > ch.rawValue }) ?? true { contactOn[key] = ch }
    }
    var scores: [Double] = []
    var labels: [Bool] = []
    var wasContacted: [Bool] = []
    var contacted = 0
    var calibration: Calibration?
    var calibrations = 0
    for offset in 0..<(weeks * 7) {
      let day = from + offset
      if offset % 7 == 0 {
        calibration = Calibration.fit(ledger: l, links: links, until: day - 1)
        calibrations += 1
        progress(offset / 7, weeks)
      }
      guard let cal = calibration else { continue }
      let ctx = WorklistContext(ledger: l, calibration: cal, day: day)
      for c in l.customerIds.indices {
        let key = Int64(day.rawValue) << 32 | Int64(c)
        let channel = contactOn[key]
        for i in ctx.contactInvoices(c) {
          let p = ctx.probabilities(i, channel: channel ?? .call)
          scores.append(channel == nil ? p.notContacted : p.contacted)
          if channel != nil { contacted += 1 }
          wasContacted.append(channel != nil)
          labels.append(
            closedByPayment[i] && closedOn[i] >= day.rawValue
              && Int64(closedOn[i]) <= Int64(day.rawValue) + Int64(horizon - 1))
        }
      }
    }
    progress(weeks, weeks)
    let n = Double(max(1, scores.count))
    let paid = labels.filter { $0 }.count
    var brier = 0.0
    for (s, y) in zip(scores, labels) { brier += (s - (y ? 1 : 0)) * (s - (y ? 1 : 0)) }
    func subsetAUC(_ flag: Bool) -> Double? {
      let k = wasContacted.indices.filter { wasContacted[$0] == flag }
      return auc(scores: k.map { scores[$0] }, labels: k.map { labels[$0] })
    }
    return WorklistCheck(
      from: from, to: to, calibrations: calibrations, predictions: scores.count, paid: paid,
      contacted: contacted, meanPredicted: scores.reduce(0, +) / n, observed: Double(paid) / n,
      brier: brier / n, auc: auc(scores: scores, labels: labels),
      aucNotContacted: subsetAUC(false), aucContacted: subsetAUC(true),
      deciles: deciles(scores: scores, labels: labels))
  }

  /// The report for people.
  public var table: String {
    var out =
      "Predictive check of P(paid within 30 days), days \(from) … \(to) "
      + "(\(calibrations) weekly calibrations, each on data before its week)\n"
    out +=
      "  \(predictions) invoice-days scored (\(contacted) with a contact that day), "
      + "\(paid) paid within 30 days\n"
    out += String(
      format: "  mean predicted %.3f, observed %.3f, Brier %.4f, AUC %@\n", meanPredicted,
      observed, brier, auc.map { String(format: "%.3f", $0) } ?? "—")
    out +=
      "  AUC without a contact that day \(aucNotContacted.map { String(format: "%.3f", $0) } ?? "—"), "
      + "with one \(aucContacted.map { String(format: "%.3f", $0) } ?? "—")\n"
    out += "\n  decile  invoice-days  predicted (range)        mean pred  observed\n"
    for (k, d) in deciles.enumerated() {
      out += String(
        format: "  %6d  %12d  %.3f … %.3f            %9.3f  %8.3f\n", k + 1, d.count,
        d.minPredicted, d.maxPredicted, d.meanPredicted, d.observed)
    }
    return out
  }

  /// The report as JSON.
  public var json: JSONValue {
    .object([
      ("from", .string("\(from)")), ("to", .string("\(to)")),
      ("calibrations", .int(Int64(calibrations))), ("predictions", .int(Int64(predictions))),
      ("contacted", .int(Int64(contacted))), ("paid", .int(Int64(paid))),
      ("mean_predicted", .number(meanPredicted)), ("observed", .number(observed)),
      ("brier", .number(brier)), ("auc", .number(auc)),
      ("auc_not_contacted", .number(aucNotContacted)), ("auc_contacted", .number(aucContacted)),
      (
        "deciles",
        .array(
          deciles.map { d in
            .object([
              ("count", .int(Int64(d.count))), ("min_predicted", .number(d.minPredicted)),
              ("max_predicted", .number(d.maxPredicted)),
              ("mean_predicted", .number(d.meanPredicted)), ("observed", .number(d.observed)),
            ])
          })
      ),
    ])
  }
}
