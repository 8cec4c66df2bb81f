import ArcadenceCore
import ArcadenceStore
import Foundation

/// What actually happened after a cutoff, and the facts about paid invoices that the
/// evaluation and the naive baselines share (simulation.md, "Forecast accuracy").
public enum Actuals {
  /// Cash received on each of the `days` days from `start` (every payment, applied or not),
  /// cents. O(payments).
  public static func dailyCash(_ l: Ledger, from start: Day, days: Int) -> [Int64] {
    dailyCash(l, from: start, days: days, issuedBefore: nil)
  }

  /// Cash received on each of the `days` days from `start`, counting only payments on
  /// invoices issued before `issuedBefore` and unapplied cash (which settles balances
  /// already billed): the open book's part of ``dailyCash(_:from:days:)`` when
  /// `issuedBefore` is the start; every payment when nil. O(payments).
  public static func dailyCash(_ l: Ledger, from start: Day, days: Int, issuedBefore: Day?)
    -> [Int64]
  {
    var out = [Int64](repeating: 0, count: max(0, days))
    let s = Int64(start.rawValue)
    for k in l.paymentReceived.indices {
      let d = Int64(l.paymentReceived[k]) - s
      guard d >= 0, d < Int64(days) else { continue }
      if let before = issuedBefore {
        let i = Int(l.paymentInvoice[k])
        if i >= 0, i < l.invoiceIssued.count, l.invoiceIssued[i] >= before.rawValue { continue }
      }
      out[Int(d)] &+= l.paymentAmount[k]
    }
    return out
  }

  /// The day invoice `i` was paid: the day its balance first reached 0 or less, when the
  /// event that closed it was a payment; nil while open or when a credit memo or a write-off
  /// closed it. Depends only on the invoice's events up to that day. O(events of the
  /// invoice).
  public static func paidDay(_ l: Ledger, _ i: Int) -> Int32? {
    var b = l.invoiceAmount[i]
    for k in Int(l.invoiceEventStart[i])..<Int(l.invoiceEventStart[i + 1]) {
      b = b &- l.eventAmount[k]
      if b <= 0 { return l.eventKind[k] == .payment ? l.eventDay[k] : nil }
    }
    return nil
  }
}

/// The two naive forecasts every model is reported beside (simulation.md, "Forecast
/// accuracy", baselines A and B). Both read only data before the cutoff.
public enum Baselines {
  /// Customers with fewer paid invoices than this use their segment's mean delay.
  public static let minimumPaidInvoices = 3

  /// Baseline A, last period: cash on day `k` of the next `horizon` days is the cash of day
  /// `k` of the `horizon` days before the cutoff. O(payments).
  public static func lastPeriod(_ l: Ledger, cutoff: Day, horizon: Int) -> [Double] {
    Actuals.dailyCash(l, from: cutoff - horizon, days: horizon).map(Double.init)
  }

  /// Mean days from issue to payment per customer, from the invoices paid before `cutoff`:
  /// the customer's own mean with at least ``minimumPaidInvoices`` paid invoices, otherwise
  /// its segment's mean, otherwise the mean of all paid invoices, otherwise the customer's
  /// payment terms. O(invoices + events).
  public static func customerDelays(_ l: Ledger, before cutoff: Day) -> [Double] {
    let n = l.customerIds.count
    var sum = [Double](repeating: 0, count: n)
    var count = [Int](repeating: 0, count: n)
    var segSum: [String: Double] = [:]
    var segCount: [String: Int] = [:]
    var allSum = 0.0
    var allCount = 0
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] < cutoff.rawValue {
      guard let p = Actuals.paidDay(l, i), p < cutoff.rawValue else { continue }
      let c = Int(l.invoiceCustomer[i])
      let d = Double(Int64(p) - Int64(l.invoiceIssued[i]))
      sum[c] += d
      count[c] += 1
      let s = l.customerSegments[c] ?? "unassigned"
      segSum[s, default: 0] += d
      segCount[s, default: 0] += 1
      allSum += d
      allCount += 1
    }
    return (0..<n).map { c in
      if count[c] >= minimumPaidInvoices { return sum[c] / Double(count[c]) }
      let s = l.customerSegments[c] ?? "unassigned"
      if let k = segCount[s], k > 0 { return (segSum[s] ?? 0) / Double(k) }
      if allCount > 0 { return allSum / Double(allCount) }
      return Double(l.customerTerms[c])
    }
  }

  /// Baseline B, customer average: each invoice open at the end of `cutoff − 1` pays its
  /// balance at issue + its customer's mean delay (on the cutoff day when that is already
  /// past); the invoices issued in the `horizon` days before the cutoff are issued again
  /// `horizon` days later and paid at the same mean delays. Returns the daily cash, its part
  /// from the open book, and each open invoice's predicted payment day (by ledger index).
  /// O(invoices + events).
  public static func customerAverage(_ l: Ledger, cutoff: Day, horizon: Int)
    -> (daily: [Double], openBook: [Double], predicted: [Int32: Int32])
  {
    let delays = customerDelays(l, before: cutoff)
    let c0 = Int64(cutoff.rawValue)
    let h = Int64(horizon)
    var daily = [Double](repeating: 0, count: max(0, horizon))
    var openBook = daily
    var predicted: [Int32: Int32] = [:]
    func offset(_ c: Int) -> Int64 { Int64(delays[c].rounded()) }
    for i in l.invoiceAmount.indices where Int64(l.invoiceIssued[i]) < c0 {
      let c = Int(l.invoiceCustomer[i])
      let issued = Int64(l.invoiceIssued[i])
      let b = l.balance(i, at: cutoff.rawValue - 1)
      if b > 0 {
        let day = max(issued + offset(c), c0)
        predicted[Int32(i)] = Int32(clamping: day)
        if day - c0 < h {
          daily[Int(day - c0)] += Double(b)
          openBook[Int(day - c0)] += Double(b)
        }
      }
      if issued >= c0 - h {
        let day = issued + h + offset(c)
        if day >= c0, day - c0 < h { daily[Int(day - c0)] += Double(l.invoiceAmount[i]) }
      }
    }
    return (daily, openBook, predicted)
  }
}

/// The predicted payment day of an open invoice from the calibrated base hazards alone.
public enum PaymentTiming {
  /// Days looked ahead before giving up on a median.
  public static let limitDays: Int32 = 3 * 365

  /// The median payment day (offset from the start): ``quantiles`` at ½.
  public static func median(
    row: [Double], due: Int32, autopay: Bool = false, autopayOnTime: Double = 0,
    promiseDay: Int32 = Int32.max, pKept: Double = 0, cap: Double = 0.95,
    multiplier: Double = 1, factors: [Double] = []
  ) -> Int32? {
    quantiles(
      [0.5], row: row, due: due, autopay: autopay, autopayOnTime: autopayOnTime,
      promiseDay: promiseDay, pKept: pKept, cap: cap, multiplier: multiplier, factors: factors)[0]
  }

  /// The payment day (offset from the start) at each probability in `levels` of an invoice
  /// due on offset `due`, in a segment with daily hazards `row` per ``AgingBucket``: for a
  /// level q, the first day t on which the probability of still being unpaid at the end of
  /// day t, S(t) = Π_{d ≤ t} (1 − h_d), falls to 1 − q or below. An auto-pay invoice not yet
  /// due is paid on its due date (every level) when `autopayOnTime` ≥ ½, an open promise on
  /// its day (every level not reached before) when `pKept` ≥ ½. Every hazard is scaled by
  /// `multiplier`, the customer's frailty (``Frailty``), capped at `cap`, and each band's by
  /// its factor in `factors` (``HazardBand``). Contacts, disputes and the portfolio shock are
  /// left out: these are the quantiles of the base model. A level not reached within
  /// ``limitDays`` is nil. The hazard runs on the customer's shifted clock: day t is on the
  /// curve at `t − due − shift` days past due (``DelayShift``). Levels are probabilities in
  /// (0, 1), in any order. O(days).
  public static func quantiles(
    _ levels: [Double], row: [Double], due: Int32, autopay: Bool = false,
    autopayOnTime: Double = 0, promiseDay: Int32 = Int32.max, pKept: Double = 0,
    cap: Double = 0.95, multiplier: Double = 1, factors: [Double] = [], shift: Int32 = 0
  ) -> [Int32?] {
    var out = [Int32?](repeating: nil, count: levels.count)
    if autopay, due >= 0, autopayOnTime >= 0.5 { return levels.map { _ in due } }
    let bands = HazardBand.expand(row, factors: factors)
    var left = levels.count
    var s = 1.0
    for t in Int32(0)..<limitDays where left > 0 {
      let kept = t == promiseDay && pKept >= 0.5
      if !kept {
        s *= 1 - min(cap, max(0, bands[HazardBand.of(dpd: t &- due &- shift)] * multiplier))
      }
      for (k, q) in levels.enumerated() where out[k] == nil && (kept || s <= 1 - q) {
        out[k] = t
        left -= 1
      }
    }
    return out
  }
}
