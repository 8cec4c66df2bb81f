import ArcadenceCore
import ArcadenceStore

/// Cash from customers who are not in the book yet: they arrive at the historical rate and
/// pay, day by day after their first invoice, what the last year's newcomers paid.
///
/// Why: the simulator bills and collects only customers it knows at the cutoff, while real
/// books keep gaining customers whose first invoices fall in the horizon.
public enum NewCustomers {
  /// Days of data treated as the book that already existed (customers first billed then are
  /// not arrivals: a ledger starts with every customer billing for the first time).
  public static let warmUpDays = 120
  /// Longest history read (days before the cutoff).
  public static let historyDays = 365
  /// Shortest usable history: with less, no arrivals are forecast.
  public static let minimumHistoryDays = 180

  /// Expected cash, cents, on each of the `horizon` days from `cutoff`: arrivals per day λ
  /// (customers created and first billed in the history window, ÷ its length) × the mean
  /// cash p[t] a newcomer paid t days after its first invoice (over those observed that
  /// long before the cutoff), summed over arrival days: e[d] = λ Σ_{s ≤ d} p[d − s].
  /// O(invoices + payments + horizon).
  public static func expectedCash(_ l: Ledger, cutoff: Day, horizon: Int) -> [Double] {
    var out = [Double](repeating: 0, count: max(0, horizon))
    guard horizon > 0, let dataStart = l.invoiceIssued.min() else { return out }
    let c0 = Int(cutoff.rawValue)
    let from = max(c0 - historyDays, Int(dataStart) + warmUpDays)
    let window = c0 - from
    guard window >= minimumHistoryDays else { return out }
    var first = [Int](repeating: Int.max, count: l.customerIds.count)
    for i in l.invoiceIssued.indices where Int(l.invoiceIssued[i]) < c0 {
      let c = Int(l.invoiceCustomer[i])
      first[c] = min(first[c], Int(l.invoiceIssued[i]))
    }
    var isNew = [Bool](repeating: false, count: first.count)
    var followed = [Double](repeating: 0, count: horizon)
    var arrivals = 0
    for c in first.indices where first[c] >= from && first[c] < c0 {
      guard Int(l.customerCreated[c]) >= from - 31 else { continue }
      isNew[c] = true
      arrivals += 1
      for t in 0..<min(horizon, c0 - first[c]) { followed[t] += 1 }
    }
    guard arrivals > 0 else { return out }
    var cash = [Double](repeating: 0, count: horizon)
    for k in l.paymentReceived.indices {
      let c = Int(l.paymentCustomer[k])
      guard c >= 0, c < isNew.count, isNew[c] else { continue }
      let t = Int(l.paymentReceived[k]) - first[c]
      if t >= 0, t < horizon, Int(l.paymentReceived[k]) < c0 {
        cash[t] += Double(l.paymentAmount[k])
      }
    }
    let rate = Double(arrivals) / Double(window)
    let profile = (0..<horizon).map { followed[$0] > 0 ? cash[$0] / followed[$0] : 0 }
    var sum = 0.0
    for d in 0..<horizon {
      sum += profile[d]
      out[d] = rate * sum
    }
    return out
  }
}
