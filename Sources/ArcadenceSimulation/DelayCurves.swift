import ArcadenceCore
import ArcadenceStore
import Foundation

/// Each customer's payment timing as a curve of days since issue: a Kaplan–Meier estimate
/// (Kaplan & Meier 1958) from the customer's own invoices, mixed with its segment's curve by
/// credibility, and the day an invoice pays drawn from it *given the invoice's age*.
///
/// Why it works. The hazard model pays an invoice by its days past due, one curve per segment
/// (× the customer's frailty); a customer who always pays about 33 days after issue is, on
/// that curve, partly a week-one payer and partly a day-60 straggler. The open book at a cutoff
/// is mostly invoices of slow payers at the age where they usually pay, and the segment curve
/// pays them as the segment's stragglers — too slowly (market world 1: of the balance 1–30
/// days past due, 75 % paid within 30 days, 44 % predicted). A curve of the customer's own
/// delays, read from the invoice's current age (the survival S(a + t) ÷ S(a − 1) of an invoice
/// `a` days old), pays it when that customer's invoices of that age pay: conditioning on not
/// yet paid is what the time-since-issue clock gives for free. It is the "simple reference
/// forecaster" of issue 15 (each customer's Kaplan–Meier delay curve), which reached 1.7 % on
/// an independent world.
///
/// The estimate, per customer `c` and its segment `s`, from the invoices issued up to the last
/// day of data `u`, each split into shares of its amount (``observations(ledger:until:length:)``):
/// a share paid by `u` is an event at its days from issue to payment; the share still open at
/// `u` is censored (known unpaid through `u − issued` days); a share closed by a credit memo or
/// write-off never pays (at risk at every age, never an event), so the curve's floor is the
/// share of the cash that never comes in, and S(t) is the share of an invoice's amount still
/// unpaid at age t. Past
/// the customer's last payment, the share of its own curve still owed by invoices censored
/// later follows the segment's tail (``kaplanMeier(events:censored:never:length:tail:)``):
/// left flat, it read as never paid, and the curves under-paid the standard world's open book
/// by 3–4 % of the 90-day cash. A customer enrolled in auto-pay at `u` is read only from the
/// invoices issued since its enrolment (the regime it pays in now).
/// The customer's curve is the mixture `S(t) = w S_c(t) + (1 − w) S_s(t)` with `w = n ÷ (n +
/// k)`, `n` the customer's invoices and ``credibility`` `k`: a mixture of survival curves,
/// not of hazards, so that conditioning on age moves the weight by itself — an invoice older
/// than the customer's own invoices ever took is paid by the segment's tail, which has
/// seen invoices that old.
///
/// Used by the forecast (``Scenario/delayCurves``): the observed cadence is in the history
/// these curves are read from, so contacts, promises, disputes and auto-pay do not move a
/// curve-timed invoice again (``Simulator``).
public struct DelayCurves: Sendable, Equatable {
  /// Days from issue a curve covers (three years, as ``PaymentTiming/limitDays``); an
  /// invoice older than that does not pay in the forecast.
  public static let days = 1096
  /// The credibility constant `k`: the customer's own curve weighs `n ÷ (n + k)` after `n`
  /// invoices.
  public static let credibility = 5.0

  /// Days per curve.
  public let length: Int
  /// `survival[c × length + t]`: the probability that an invoice of customer `c` is still
  /// unpaid at the end of day `t` after its issue (`t = 0`: the issue day).
  public var survival: [Double]

  /// The number of customers.
  public var customers: Int { length > 0 ? survival.count / length : 0 }

  /// Curves from explicit survival values (each customer's `length` values in a row).
  public init(length: Int, survival: [Double]) {
    self.length = length
    self.survival = survival
  }

  /// The Kaplan–Meier survival over `length` days of `events[t]` paid and `censored[t]` last
  /// seen unpaid at the end of day `t`, with `never` at risk at every age that never pays (each
  /// a count of invoices, or a sum of shares of invoices: the estimate is the same for
  /// weights). With a `tail` (the segment's curve), the mass the estimate leaves
  /// undecided after the last payment is completed by that tail (below). O(length).
  ///
  /// Tail completion, and why. After the last day `t*` with a payment, Kaplan–Meier stays
  /// flat at `S(t*)`: the invoices still at risk then are the `never` ones and invoices
  /// censored later (still open at the last day of data), and the estimate cannot say when
  /// the latter pay, so a flat curve reads their mass as *never paying*. Per customer that
  /// is the common case, not an edge: the customer's oldest open invoice is usually older
  /// than every delay it has paid at, so its own curve ends in a floor, and in the forecast
  /// both that invoice (conditioned on its age, it is almost all floor) and every new
  /// invoice of the customer (a share of the floor never pays) are paid too little. On the
  /// standard world's sample at 2026-03-01, of the open book's cash paid within 90 days the
  /// flat curves predicted 0.93 of the actual (invoices 61–90 days old 0.79, over 90 days
  /// 0.29). Completed, that mass is split as the at-risk count is: the `never` share stays
  /// (`q = never ÷ r*`, `r*` at risk after `t*`) and the rest follows the tail's
  /// conditional survival from `t*`: `S(t) = S(t*) · (q + (1 − q) · T(t) ÷ T(t*))` for `t >
  /// t*` (`T(−1) = 1`; a tail already at 0 on `t*` pays it on `t* + 1`). That is
  /// Kaplan–Meier's own assumption (the censored fare as those still at risk) carried past
  /// its last event with the segment standing in for the customer (tail completion of a
  /// Kaplan–Meier curve: Efron 1967, Brown, Hollander & Korwar 1974, there with a parametric
  /// tail). The same sample, completed: 1.01 of the actual (61–90 days 1.03, over 90 0.88).
  public static func kaplanMeier(
    events: [Double], censored: [Double], never: Double, length: Int, tail: [Double]? = nil
  ) -> [Double] {
    var atRisk = events.reduce(0, +) + censored.reduce(0, +) + never
    var s = 1.0
    var out = [Double](repeating: 1, count: length)
    // The last day with a payment, the survival then and the count at risk after it.
    var last = -1
    var sLast = 1.0
    var riskAfterLast = atRisk
    for t in 0..<length {
      let e = t < events.count ? events[t] : 0
      if atRisk > 0, e > 0 { s *= max(0, 1 - e / atRisk) }
      out[t] = s
      atRisk -= e + (t < censored.count ? censored[t] : 0)
      if e > 0 {
        last = t
        sLast = s
        riskAfterLast = atRisk
      }
    }
    // Weights are shares of invoices (sums of fractions), so "more at risk than never pays"
    // allows for rounding.
    guard let tail, riskAfterLast > never + 1e-9, sLast > 0, last + 1 < length else {
      return out
    }
    let q = min(1, never / riskAfterLast)
    let base = last >= 0 ? (last < tail.count ? tail[last] : 0) : 1
    for t in (last + 1)..<length {
      let ratio = base > 0 && t < tail.count ? min(1, tail[t] / base) : 0
      out[t] = sLast * (q + (1 - q) * ratio)
    }
    return out
  }

  /// Fits every customer's curve from the invoices issued up to `until` (the last day of
  /// data). `segmentOf` gives each customer's segment index (below `segments`).
  /// O(invoices + events + (customers + segments) × length).
  public static func fit(
    ledger l: Ledger, until: Day, segmentOf: [Int32], segments: Int, length: Int = days,
    credibility k: Double = credibility
  ) -> DelayCurves {
    let n = l.customerIds.count
    let rows = observations(ledger: l, until: until, length: length)
    func seg(_ c: Int) -> Int {
      let s = c < segmentOf.count ? Int(segmentOf[c]) : 0
      return s >= 0 && s < segments ? s : 0
    }
    var segEvents = [[Double]](
      repeating: [Double](repeating: 0, count: length), count: max(1, segments))
    var segCensored = segEvents
    var segNever = [Double](repeating: 0, count: max(1, segments))
    var byCustomer = [[(t: Int32, kind: UInt8, w: Double)]](repeating: [], count: n)
    var invoices = [Int](repeating: 0, count: n)
    for r in rows where Int(r.c) >= 0 && Int(r.c) < n {
      let s = seg(Int(r.c))
      byCustomer[Int(r.c)].append((r.t, r.kind, r.w))
      if r.first { invoices[Int(r.c)] += 1 }
      switch r.kind {
      case 0: segEvents[s][Int(r.t)] += r.w
      case 1: segCensored[s][Int(r.t)] += r.w
      default: segNever[s] += r.w
      }
    }
    let segCurves = segEvents.indices.map {
      kaplanMeier(
        events: segEvents[$0], censored: segCensored[$0], never: segNever[$0], length: length)
    }
    var survival = [Double](repeating: 1, count: n * length)
    var events = [Double](repeating: 0, count: length)
    var censored = [Double](repeating: 0, count: length)
    for c in 0..<n {
      let base = c * length
      let sc = segCurves[seg(c)]
      let own = byCustomer[c]
      guard !own.isEmpty else {
        for t in 0..<length { survival[base + t] = sc[t] }
        continue
      }
      var never = 0.0
      for r in own {
        switch r.kind {
        case 0: events[Int(r.t)] += r.w
        case 1: censored[Int(r.t)] += r.w
        default: never += r.w
        }
      }
      let curve = kaplanMeier(
        events: events, censored: censored, never: never, length: length, tail: sc)
      let w = Double(invoices[c]) / (Double(invoices[c]) + k)
      for t in 0..<length { survival[base + t] = w * curve[t] + (1 - w) * sc[t] }
      for r in own {
        events[Int(r.t)] = 0
        censored[Int(r.t)] = 0
      }
    }
    return DelayCurves(length: length, survival: survival)
  }

  /// Each invoice issued up to `until` as the curves see it, in shares of its amount: (customer,
  /// invoice, day of age, kind, share, first piece of its invoice), kind 0 paid on that day of age, 1
  /// still open there (censored), 2 closed without paying (a credit memo or write-off: never
  /// pays). A payment of part of an invoice is an event of that part at its age, so the
  /// curves are of *cash*, the share of an invoice's amount still unpaid at each age.
  ///
  /// Why shares, not invoices. Counting an invoice as one unit at the day its balance reached
  /// 0, a short-paid invoice whose rest was credited counted as never paid although most of it
  /// was cash, and an instalment plan paid nothing until its last instalment; the curves
  /// under-paid the cash of the open book and of new invoices (market worlds: open book −2 to
  /// −4 % of the 90-day cash at every cutoff). O(invoices + events).
  static func observations(ledger l: Ledger, until: Day, length: Int) -> [(
    c: Int32, invoice: Int32, t: Int32, kind: UInt8, w: Double, first: Bool
  )] {
    let u = until.rawValue
    var rows: [(c: Int32, invoice: Int32, t: Int32, kind: UInt8, w: Double, first: Bool)] = []
    let top = Int64(length - 1)
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= u {
      // A customer on auto-pay at `until` pays in that regime (on the due date, mostly):
      // its invoices from before the enrolment were paid in another and are left out of
      // the curves (its own and its segment's). On the standard world's sample at
      // 2026-03-01, invoices issued in the 90 days from the cutoff paid within them 0.98 of
      // the actual by the curves with those invoices, 1.00 without (standard 31, two
      // cutoffs: 0.99/1.00 → 1.01/1.01; market 1, where few enrol: 0.99 → 0.99).
      let c = Int(l.invoiceCustomer[i])
      if c >= 0, c < l.customerAutopayOn.count, c < l.customerAutopayOff.count,
        l.autopayEnrolled(c, at: u),
        l.invoiceIssued[i] < l.customerAutopayOn[c]
      {
        continue
      }
      let issued = Int64(l.invoiceIssued[i])
      let amount = l.invoiceAmount[i]
      guard amount > 0 else { continue }
      let whole = Double(amount)
      var left = amount
      var first = true
      func add(_ t: Int64, _ kind: UInt8, _ cents: Int64) {
        rows.append(
          (
            l.invoiceCustomer[i], Int32(i), Int32(min(top, max(0, t))), kind,
            Double(cents) / whole, first
          ))
        first = false
      }
      for k in Int(l.invoiceEventStart[i])..<Int(l.invoiceEventStart[i + 1]) {
        guard left > 0, l.eventDay[k] <= u else { break }
        // A negative event (a reversal) is left to the balance; a part is at most what is left.
        let part = min(left, max(0, l.eventAmount[k]))
        guard part > 0 else { continue }
        add(Int64(l.eventDay[k]) - issued, l.eventKind[k] == .payment ? 0 : 2, part)
        left -= part
      }
      if left > 0 { add(Int64(u) - issued, 1, left) }
    }
    return rows
  }

  /// Customer `c`'s survival at the end of day `t` after issue (1 before issue; the last
  /// value beyond the curve).
  @inline(__always)
  public func survival(_ c: Int, _ t: Int) -> Double {
    guard t >= 0, length > 0 else { return 1 }
    return survival[c * length + min(t, length - 1)]
  }

  /// The day, counted from now, on which an invoice of customer `c` that is `age` days old
  /// and unpaid pays, for the uniform draw `u`: the first `t ≥ 0` with `S(age + t) ≤ u^(1 ÷
  /// shock) · S(age − 1)` — inversion of the survival conditional on not yet paid, every
  /// hazard raised by the path's `shock` (a proportional shock multiplies the cumulative
  /// hazard, so the conditional survival becomes its `shock`-th power). Nil when it does not
  /// pay within the curve. O(log length).
  public func draw(customer c: Int, age: Int32, u: Double, shock: Double = 1) -> Int32? {
    guard c >= 0, c < customers, age >= 0, Int(age) < length else { return nil }
    let a = Int(age)
    let alive = survival(c, a - 1)
    guard alive > 0 else { return nil }
    let target = (shock > 0 && shock != 1 ? pow(u, 1 / shock) : u) * alive
    // S is non-increasing: the first day at or below the target.
    var lo = a
    var hi = length
    while lo < hi {
      let mid = (lo + hi) / 2
      if survival(c, mid) <= target { hi = mid } else { lo = mid + 1 }
    }
    return lo < length ? Int32(lo - a) : nil
  }
}
