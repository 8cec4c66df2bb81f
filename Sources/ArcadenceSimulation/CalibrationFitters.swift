import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import Foundation

// The per-process fitters ``Calibration/fit(ledger:links:until:lifts:thinThreshold:)`` is
// made of. Each reads a ``CalibrationInput`` (and what an earlier fitter produced, when it
// needs it) and returns its own parameters, so each can be run and tested on its own. A new
// fitter is a new type with a `fit` function here and one line in `Calibration.fit`.

/// What every fitter reads: the ledger and its invoice links up to a cutoff, the customers'
/// segments, and each invoice's activities, promises and dispute spans.
struct CalibrationInput {
  /// An open or closed case on an invoice, as UTC days: it blocks the days after `opened`
  /// up to and including `closed` (`Int32.max` while open).
  struct CaseSpan {
    /// The day the case was opened.
    var opened: Int32
    /// The day it was closed, or `Int32.max`.
    var closed: Int32
  }

  /// The ledger.
  let ledger: Ledger
  /// Its invoice links (activities, promises and tasks by invoice).
  let links: InvoiceLinks
  /// The last day of data used.
  let until: Int32
  /// The thin threshold (events or trials), as a `Double`.
  let threshold: Double
  /// Segment names and each customer's segment index.
  let segments: (names: [String], ofCustomer: [Int32])
  /// Per invoice, the positions of its activities in `links`.
  let activities: [Range<Int>]
  /// Per invoice, the positions of its promises in `links`.
  let promises: [Range<Int>]
  /// Per invoice, its cases opened by `until`.
  let caseSpans: [[CaseSpan]]
  /// Each customer's payment delay shift (``DelayShift``) when asked for: the payment hazard
  /// of its invoices is counted at `dpd − shift`; otherwise no shift.
  private(set) var delay = DelayShift.Fit.none(customers: 0)

  /// The input of a calibration with data up to and including `until`. O(rows).
  init(
    ledger l: Ledger, links: InvoiceLinks, until u: Int32, threshold: Double,
    delayShift: Bool = false
  ) {
    let nInv = l.invoiceAmount.count
    var spans = [[CaseSpan]](repeating: [], count: nInv)
    for k in l.caseInvoice.indices where l.caseInvoice[k] >= 0 {
      let opened = Timestamp(seconds: l.caseOpenedAt[k]).day.rawValue
      guard opened <= u else { continue }
      let closed = l.caseClosedAt[k].map { Timestamp(seconds: $0).day.rawValue } ?? Int32.max
      spans[Int(l.caseInvoice[k])].append(CaseSpan(opened: opened, closed: closed))
    }
    self.ledger = l
    self.links = links
    self.until = u
    self.threshold = threshold
    self.segments = Calibration.segmentIndex(l)
    self.activities = Calibration.ranges(links.activityInvoice, count: nInv)
    self.promises = Calibration.ranges(links.promiseInvoice, count: nInv)
    self.caseSpans = spans
    self.delay = delayShift ? DelayShift.fit(self) : .none(customers: l.customerIds.count)
  }

  /// Invoice `i`'s delay shift in days (its customer's, for its terms; 0 when not fitted).
  @inline(__always)
  func shift(invoice i: Int) -> Int32 {
    delay.shift(
      customer: Int(ledger.invoiceCustomer[i]),
      terms: ledger.invoiceDue[i] - ledger.invoiceIssued[i])
  }

  /// Number of segments.
  var segmentCount: Int { segments.names.count }
}

/// Per-customer hits and trials of ``CalibrationSample/rateNames``, for the bootstrap
/// (`customer × rates + k`). The contact and promise fitters each fill their own rates.
struct CustomerRateCounts {
  /// Rates per customer.
  static let rates = CalibrationSample.rateNames.count
  /// Hits per customer and rate.
  var hits: [Float]
  /// Trials per customer and rate.
  var trials: [Float]

  /// Zero counts for `customers` customers.
  init(customers: Int) {
    hits = [Float](repeating: 0, count: customers * Self.rates)
    trials = [Float](repeating: 0, count: customers * Self.rates)
  }

  /// Counts one trial of rate `k` for customer `c`, a hit when `hit`.
  @inline(__always)
  mutating func count(customer c: Int, rate k: Int, hit: Bool) {
    trials[c * Self.rates + k] += 1
    if hit { hits[c * Self.rates + k] += 1 }
  }
}

// MARK: - Payments: the life table

/// The life table of payments: each invoice's days from issue until it was paid in full,
/// written off or credited, or until the cutoff (censored, not dropped).
///
/// Every such day counts, per segment and bucket, towards the all-cause paid rate and, per
/// bucket, towards the write-off rate. A day is at risk for the payment hazard unless an
/// open dispute blocks it, it is an auto-pay customer's due date (counted apart, for
/// ``Calibration/autopayOnTime``) or it lies in a promise window (made + 1 … promised +
/// grace, the promise process's); at-risk days are weighted by the contact lift the
/// simulator will apply on them and counted per customer and bucket and per customer and
/// ``HazardBand``. Past due, they also feed the naive lift's two strata.
/// O(invoice-days + rows).
struct LifeTable {
  /// Invoices paid in full on the day, per `segment × bucket`.
  var paid: [Double]
  /// Days open, per `segment × bucket`.
  var days: [Double]
  /// Write-offs per bucket.
  var writeOffEvents: [Double]
  /// Days open per bucket.
  var writeOffDays: [Double]
  /// Auto-pay customers' due dates.
  var autopayTrials = 0.0
  /// Those paid in full on the day.
  var autopayHits = 0.0
  /// Days with a payment, per `customer × bucket`.
  var customerEvents: [Float]
  /// Lift-adjusted days at risk, per `customer × bucket` (summed in `Double`: a `Float` sum
  /// stops growing at 2^24 — 16,777,216 days in one customer's cell, 100,000 invoices 168
  /// days into 91+ — and rounds fractional lift-adjusted days long before).
  var customerExposure: [Double]
  /// Days with a payment, per `customer × band`.
  var bandEvents: [Float]
  /// Lift-adjusted days at risk, per `customer × band`.
  var bandExposure: [Double]
  /// Naive lift, days 1–7 after a reached contact: (payment days, days) per `segment ×
  /// bucket` cell, at `cell × 2` and `cell × 2 + 1`.
  var afterReached: [Double]
  /// Naive lift, days with no contact in the last 21: (payment days, days) per cell.
  var quiet: [Double]

  /// Zero counts.
  init(segments: Int, customers: Int) {
    let nb = AgingBucket.count
    paid = [Double](repeating: 0, count: segments * nb)
    days = paid
    writeOffEvents = [Double](repeating: 0, count: nb)
    writeOffDays = writeOffEvents
    customerEvents = [Float](repeating: 0, count: customers * nb)
    customerExposure = [Double](repeating: 0, count: customers * nb)
    bandEvents = [Float](repeating: 0, count: customers * HazardBand.count)
    bandExposure = [Double](repeating: 0, count: customers * HazardBand.count)
    afterReached = [Double](repeating: 0, count: segments * nb * 2)
    quiet = afterReached
  }

  /// The life table of every invoice issued by the cutoff.
  static func fit(_ input: CalibrationInput, lifts: Lifts) -> LifeTable {
    let l = input.ledger
    var table = LifeTable(segments: input.segmentCount, customers: l.customerIds.count)
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= input.until {
      table.add(invoice: i, input, lifts: lifts)
    }
    return table
  }

  /// Adds invoice `i`'s days, from its issue date to the day it closed or the cutoff.
  mutating func add(invoice i: Int, _ input: CalibrationInput, lifts: Lifts) {
    let l = input.ledger
    let nb = AgingBucket.count
    let c = Int(l.invoiceCustomer[i])
    let s = Int(input.segments.ofCustomer[c])
    let issued = l.invoiceIssued[i]
    let due = l.invoiceDue[i]
    // The payment hazard runs on the customer's shifted clock (DelayShift).
    let hazardDue = due + input.shift(invoice: i)
    let close = Self.closing(invoice: i, ledger: l, until: input.until)
    let links = input.links
    let windows = input.promises[i].map {
      (links.promiseMade[$0] + 1, KPIEngine.promiseWindowEnd(promisedOn: links.promisePromised[$0]))
    }
    let spans = input.caseSpans[i]
    var contact = ContactLift(activities: input.activities[i], lifts: lifts)
    var payments = Int(l.invoiceEventStart[i])
    let paymentsEnd = Int(l.invoiceEventStart[i + 1])
    var d = issued
    while d <= min(close.day, input.until) {
      contact.advance(to: d, links: links, spans: spans)
      let b = AgingBucket.of(dpd: d - due)
      let cell = s * nb + b
      let paidToday = d == close.day && close.kind == .payment
      // Any payment today (a partial one too): the hazard fired.
      var paymentToday = false
      while payments < paymentsEnd, l.eventDay[payments] <= d {
        if l.eventDay[payments] == d || (l.eventDay[payments] < issued && d == issued) {
          if l.eventKind[payments] == .payment { paymentToday = true }
        }
        payments += 1
      }
      days[cell] += 1
      if paidToday { paid[cell] += 1 }
      writeOffDays[b] += 1
      if d == close.day, close.kind == .writeOff { writeOffEvents[b] += 1 }
      if spans.contains(where: { $0.opened < d && d <= $0.closed }) {
        // Blocked by an open dispute: not at risk.
      } else if d == due, l.autopayEnrolled(c, at: d) {
        autopayTrials += 1
        if paidToday { autopayHits += 1 }
      } else if !windows.contains(where: { $0.0 <= d && d <= $0.1 }) {
        addAtRisk(
          customer: c, cell: cell, dpd: d - hazardDue, day: d, contact: contact,
          hit: paymentToday)
      }
      d += 1
    }
  }

  /// Counts one day at risk of customer `c` in `cell` (`segment × bucket` of the real days
  /// past due, for the naive lift), `dpd` days past due on the customer's shifted clock
  /// (``DelayShift``: the hazard's bucket and band), under the lift `contact` holds, with a
  /// payment when `hit`.
  @inline(__always)
  mutating func addAtRisk(
    customer c: Int, cell: Int, dpd: Int32, day d: Int32, contact: ContactLift, hit: Bool
  ) {
    let nb = AgingBucket.count
    let nk = HazardBand.count
    let b = AgingBucket.of(dpd: dpd)
    let m = contact.multiplier
    customerExposure[c * nb + b] += m
    let k = HazardBand.of(dpd: dpd)
    bandExposure[c * nk + k] += m
    if hit {
      customerEvents[c * nb + b] += 1
      bandEvents[c * nk + k] += 1
    }
    guard cell % nb >= 1 else { return }
    if contact.lastReached != Int32.min, d - contact.lastReached >= 1,
      d - contact.lastReached <= 7
    {
      afterReached[cell * 2] += hit ? 1 : 0
      afterReached[cell * 2 + 1] += 1
    } else if contact.lastContact == Int32.min || d - contact.lastContact > 21 {
      quiet[cell * 2] += hit ? 1 : 0
      quiet[cell * 2 + 1] += 1
    }
  }

  /// The day invoice `i` closed by `until` (its balance reached 0; never before its issue
  /// date) and by what kind of event, or `Int32.max` (and `.payment`) when still open.
  static func closing(invoice i: Int, ledger l: Ledger, until u: Int32) -> (
    day: Int32, kind: Ledger.EventKind
  ) {
    var balance = l.invoiceAmount[i]
    for k in Int(l.invoiceEventStart[i])..<Int(l.invoiceEventStart[i + 1]) {
      guard l.eventDay[k] <= u else { break }
      balance -= l.eventAmount[k]
      if balance <= 0 { return (max(l.eventDay[k], l.invoiceIssued[i]), l.eventKind[k]) }
    }
    return (Int32.max, .payment)
  }
}

/// The contact lift on one invoice's days, day after day: the reached and unreached terms
/// (``Lifts``) of its outbound contacts before the day, decayed, and of its disputes
/// resolved the day before last.
struct ContactLift {
  /// The reached term.
  private(set) var reached = 0.0
  /// The unreached term.
  private(set) var unreached = 0.0
  /// Day of the last reached outbound contact before the day (`Int32.min`: none).
  private(set) var lastReached = Int32.min
  /// Day of the last outbound contact before the day (`Int32.min`: none).
  private(set) var lastContact = Int32.min
  private var next: Int
  private let end: Int
  private let lifts: Lifts
  private let reachedDecay: Double
  private let unreachedDecay: Double

  /// No lift yet, over the invoice's activities at `activities` in the links.
  init(activities: Range<Int>, lifts: Lifts) {
    next = activities.lowerBound
    end = activities.upperBound
    self.lifts = lifts
    reachedDecay = exp(-1 / lifts.reachedDecayDays)
    unreachedDecay = exp(-1 / lifts.unreachedDecayDays)
  }

  /// The hazard multiplier on the current day, `1 + reached + unreached`.
  var multiplier: Double { 1 + reached + unreached }

  /// Moves to day `d` (the day after the previous call): decays both terms by a day, adds
  /// the contacts before `d`, and a reached contact on the day after each dispute closed on
  /// `d − 2`; a total under 0.001 is dropped to 0.
  @inline(__always)
  mutating func advance(to d: Int32, links: InvoiceLinks, spans: [CalibrationInput.CaseSpan]) {
    reached *= reachedDecay
    unreached *= unreachedDecay
    while next < end, links.activityDay[next] < d {
      if links.activityOutbound[next] {
        let age = Double(d - links.activityDay[next])
        if Vocabulary.reachedOutcomes.contains(links.activityOutcome[next]) {
          reached += lifts.reached * exp(-age / lifts.reachedDecayDays)
          lastReached = links.activityDay[next]
        } else {
          unreached += lifts.unreached * exp(-age / lifts.unreachedDecayDays)
        }
        lastContact = links.activityDay[next]
      }
      next += 1
    }
    // A dispute resolved (closed) on day c engages the customer like a reached contact on
    // day c + 1.
    for span in spans where span.closed != Int32.max && span.closed + 2 == d {
      reached += lifts.reached * exp(-1 / lifts.reachedDecayDays)
    }
    if reached + unreached < 1e-3 {
      reached = 0
      unreached = 0
    }
  }
}

// MARK: - Hazards

/// The payment, paid-in-full and write-off rates from the life table: payment hazards with
/// a frailty per customer (``Frailty``), thin cells topped up at the pooled bucket rate
/// (``Calibration/pooledPriors(events:exposure:segments:threshold:)``); write-offs unshrunk.
struct HazardFit {
  /// The frailty fit (hazards, multipliers, band factors, priors).
  var frailty: Frailty.Fit
  /// All-cause paid-in-full rate per segment and bucket.
  var paidRate: [[Estimate]]
  /// Write-off hazard per bucket.
  var writeOff: [Estimate]
  /// Lift-adjusted days at risk per `customer × bucket`, as stored in the sample.
  var customerExposure: [Float]

  /// Fits the rates of `table` for `segments` segments and customers of `segmentOf`.
  static func fit(
    _ table: LifeTable, segments nSeg: Int, segmentOf: [Int32], threshold th: Double
  ) -> HazardFit {
    let nb = AgingBucket.count
    // Hazards, shrunk towards the pooled bucket rate. When the pooled rate itself rests on
    // fewer than `th` payments (one segment: the same thin cell), the prior is the pooled
    // rate of the nearest bucket that has `th` (the younger one on a tie): an empty 61–90
    // cell then pays like the oldest bucket with data instead of never.
    let customerExposure = table.customerExposure.map(Float.init)
    let bandExposure = table.bandExposure.map(Float.init)
    let pooledPaid = Calibration.pooledPriors(
      events: table.paid, exposure: table.days, segments: nSeg, threshold: th)
    // Payment hazards with a customer frailty each (Frailty): the segment hazard is refitted
    // given the customers' multipliers.
    let frailty = Frailty.fit(
      events: table.customerEvents, exposure: customerExposure, segmentOf: segmentOf,
      segments: nSeg, threshold: th, bandEvents: table.bandEvents, bandExposure: bandExposure)
    let paidRate = (0..<nSeg).map { s in
      (0..<nb).map { b in
        Estimate.hazard(
          events: table.paid[s * nb + b], exposure: table.days[s * nb + b], threshold: th,
          pooled: pooledPaid.rates[b])
      }
    }
    return HazardFit(
      frailty: frailty, paidRate: paidRate, writeOff: writeOffRates(table),
      customerExposure: customerExposure)
  }

  /// Write-offs are rare and bucket-specific (a zero is meaningful): no shrinkage; a bucket
  /// without days at risk gets the overall rate; thin only when the bucket has fewer than
  /// 1,000 days at risk.
  static func writeOffRates(_ table: LifeTable) -> [Estimate] {
    let total = table.writeOffEvents.reduce(0, +)
    let totalDays = table.writeOffDays.reduce(0, +)
    return (0..<AgingBucket.count).map { b in
      let events = table.writeOffEvents[b]
      let days = table.writeOffDays[b]
      let raw = days > 0 ? events / days : (totalDays > 0 ? total / totalDays : 0)
      return Estimate(value: raw, events: events, exposure: days, raw: raw, thin: days < 1000)
    }
  }
}

// MARK: - Lift

/// The naive estimate of the reached-contact lift: the Mantel–Haenszel rate ratio (Mantel &
/// Haenszel 1959) of payments on days 1–7 after a reached contact over days with no contact
/// in 21, across `segment × bucket` strata, turned into a jump by the mean reached decay over
/// days 1–7. Confounded (reps call those who have not paid): shown, never used.
enum NaiveLift {
  /// The estimate from the life table's two strata, nil when no stratum has both.
  static func fit(_ table: LifeTable, lifts: Lifts, threshold th: Double) -> Estimate? {
    var num = 0.0
    var den = 0.0
    var events = 0.0
    for cell in 0..<(table.afterReached.count / 2) {
      let (ea, xa) = (table.afterReached[cell * 2], table.afterReached[cell * 2 + 1])
      let (eb, xb) = (table.quiet[cell * 2], table.quiet[cell * 2 + 1])
      guard xa > 0, xb > 0 else { continue }
      num += ea * xb / (xa + xb)
      den += eb * xa / (xa + xb)
      events += ea
    }
    guard den > 0 else { return nil }
    let ratio = num / den
    let meanDecay = (1...7).map { exp(-Double($0) / lifts.reachedDecayDays) }.reduce(0, +) / 7
    let v = (ratio - 1) / meanDecay
    return Estimate(value: v, events: events, exposure: 0, raw: v, thin: events < th)
  }
}

// MARK: - Contacts

/// Outbound contacts and their outcomes: reach per channel, and of reached contacts the
/// shares ending in a promise, (of the rest) a dispute, and (of the rest, calls to customers
/// not on auto-pay the day before) an auto-pay enrolment. O(activities).
struct ContactFit {
  /// Reach per channel.
  var reach: [Estimate]
  /// Promise share of reached contacts.
  var pPromise: Estimate
  /// Dispute share of reached contacts without a promise.
  var pDispute: Estimate
  /// Auto-pay enrolment share of the remaining reached calls.
  var pAutopayAccept: Estimate

  /// Fits the contact rates, counting each customer's trials into `counts` (reach_call,
  /// reach_email, p_promise, p_dispute, p_autopay_accept).
  static func fit(_ input: CalibrationInput, counts: inout CustomerRateCounts) -> ContactFit {
    let l = input.ledger
    var reachHits = [Double](repeating: 0, count: Channel.allCases.count)
    var reachTrials = [Double](repeating: 0, count: Channel.allCases.count)
    var reached = 0.0
    var promises = 0.0
    var disputes = 0.0
    var autopayTrials = 0.0
    var autopayHits = 0.0
    for k in l.activityDay.indices where l.activityDay[k] <= input.until && l.activityOutbound[k] {
      let c = Int(l.activityCustomer[k])
      let ch = Int(l.activityChannel[k].rawValue)
      let ok = l.activityReached[k]
      reachTrials[ch] += 1
      if ok { reachHits[ch] += 1 }
      if ch <= 1 { counts.count(customer: c, rate: ch, hit: ok) }
      guard ok else { continue }
      let outcome = l.activityOutcome[k]
      reached += 1
      counts.count(customer: c, rate: 2, hit: outcome == "promise_to_pay")
      if outcome == "promise_to_pay" {
        promises += 1
        continue
      }
      counts.count(customer: c, rate: 4, hit: outcome == "dispute")
      if outcome == "dispute" {
        disputes += 1
        continue
      }
      if l.activityChannel[k] == .call, !l.autopayEnrolled(c, at: l.activityDay[k] - 1) {
        autopayTrials += 1
        counts.count(customer: c, rate: 5, hit: outcome == "autopay_enrolled")
        if outcome == "autopay_enrolled" { autopayHits += 1 }
      }
    }
    let th = input.threshold
    let p = Calibration.priors
    return ContactFit(
      reach: Channel.allCases.map { ch in
        Estimate.rate(
          hits: reachHits[ch.rawValue], trials: reachTrials[ch.rawValue], threshold: th,
          prior: p["reach_" + ch.name]!)
      },
      pPromise: .rate(hits: promises, trials: reached, threshold: th, prior: p["p_promise"]!),
      pDispute: .rate(
        hits: disputes, trials: reached - promises, threshold: th, prior: p["p_dispute"]!),
      pAutopayAccept: .rate(
        hits: autopayHits, trials: autopayTrials, threshold: th, prior: p["p_autopay_accept"]!))
  }
}

// MARK: - Promises

/// Promises: the kept rate by kpis.md's rule (``KPIEngine/promiseOutcome(_:asOf:)``) of
/// those due by the cutoff, the promise process's own kept rate net of the payments the
/// hazard would have brought anyway, and the lead times (days from made to promised, at most
/// 90) of every promise made by the cutoff. O(promises · window).
struct PromiseFit {
  /// Observed kept rate.
  var keptObserved: Estimate
  /// Kept rate of the promise process itself.
  var kept: Estimate
  /// Lead times.
  var leadDays: DayDistribution

  /// Fits the promise parameters; `background` is
  /// ``backgroundPayment(_:hazard:lifts:)``. Counts each customer's due promises into
  /// `counts` (p_kept).
  static func fit(_ input: CalibrationInput, background q: Double, counts: inout CustomerRateCounts)
    -> PromiseFit
  {
    let l = input.ledger
    let engine = KPIEngine(ledger: l)
    var keptHits = 0.0
    var keptTrials = 0.0
    var leadCounts: [Int: Double] = [:]
    for k in l.promiseMade.indices where l.promiseMade[k] <= input.until {
      let lead = Int(l.promisePromised[k] - l.promiseMade[k])
      leadCounts[min(lead, 90), default: 0] += 1
      let outcome = engine.promiseOutcome(k, asOf: input.until)
      guard outcome.due else { continue }
      keptTrials += 1
      counts.count(customer: Int(l.promiseCustomer[k]), rate: 3, hit: outcome.kept)
      if outcome.kept { keptHits += 1 }
    }
    let observed = Estimate.rate(
      hits: keptHits, trials: keptTrials, threshold: input.threshold,
      prior: Calibration.priors["p_kept"]!)
    let leads = leadCounts.keys.sorted()
    return PromiseFit(
      keptObserved: observed,
      kept: Estimate(
        value: min(1, max(0, (observed.value - q) / max(1e-9, 1 - q))), events: keptHits,
        exposure: keptTrials, raw: observed.raw, thin: observed.thin),
      leadDays: leads.isEmpty
        ? DayDistribution(days: [7], weights: [1])
        : DayDistribution(days: leads, weights: leads.map { leadCounts[$0] ?? 0 }))
  }

  /// The mean probability, over promises on an invoice due by the cutoff, that the hazard
  /// (with the contact and resolved-dispute lifts of the invoice's history, as the simulator
  /// applies them) pays the invoice inside the promise window (made + 1 … promised + grace).
  /// O(promises · window · activities of the invoice).
  static func backgroundPayment(_ input: CalibrationInput, hazard: [[Estimate]], lifts: Lifts)
    -> Double
  {
    let l = input.ledger
    let links = input.links
    let u = input.until
    var sum = 0.0
    var count = 0.0
    for k in links.promiseInvoice.indices
    where links.promiseMade[k] <= u
      && KPIEngine.promiseWindowEnd(promisedOn: links.promisePromised[k]) <= u
    {
      let i = Int(links.promiseInvoice[k])
      let s = Int(input.segments.ofCustomer[Int(l.invoiceCustomer[i])])
      let due = l.invoiceDue[i] + input.shift(invoice: i)
      var survive = 1.0
      var d = links.promiseMade[k] + 1
      let windowEnd = KPIEngine.promiseWindowEnd(promisedOn: links.promisePromised[k])
      while d <= windowEnd {
        var m = 1.0
        for a in input.activities[i] where links.activityOutbound[a] && links.activityDay[a] < d {
          let age = Double(d - links.activityDay[a])
          m +=
            Vocabulary.reachedOutcomes.contains(links.activityOutcome[a])
            ? lifts.reached * exp(-age / lifts.reachedDecayDays)
            : lifts.unreached * exp(-age / lifts.unreachedDecayDays)
        }
        for span in input.caseSpans[i] where span.closed != Int32.max && span.closed + 1 < d {
          m += lifts.reached * exp(-Double(d - span.closed - 1) / lifts.reachedDecayDays)
        }
        let h = min(0.95, hazard[s][AgingBucket.of(dpd: d - due)].value * m)
        survive *= 1 - h
        d += 1
      }
      sum += 1 - survive
      count += 1
    }
    return count > 0 ? sum / count : 0
  }
}

// MARK: - Cases, tasks, capacity

/// Cases: the resolution time (days, fractional) of every case closed by the cutoff.
/// O(cases).
enum CaseFit {
  /// The resolution times' quantiles (7 days when no case closed).
  static func resolution(_ input: CalibrationInput) -> QuantileDistribution {
    let l = input.ledger
    var days: [Double] = []
    for k in l.caseOpenedAt.indices {
      guard let closed = l.caseClosedAt[k], Timestamp(seconds: closed).day.rawValue <= input.until
      else { continue }
      days.append(Double(closed - l.caseOpenedAt[k]) / 86_400)
    }
    return QuantileDistribution(values: days, fallback: 7)
  }
}

/// Tasks: the share of cadence tasks (call, email, follow-up) due at least 14 days before
/// the cutoff that were done by it. O(tasks).
enum TaskFit {
  /// The completion rate.
  static func completion(_ input: CalibrationInput) -> Estimate {
    let links = input.links
    let u = input.until
    var trials = 0.0
    var hits = 0.0
    for k in links.taskDue.indices where links.taskDue[k] <= u - 14 {
      let kind = links.taskKind[k]
      guard kind == "call" || kind == "email" || kind == "follow_up" else { continue }
      trials += 1
      if links.taskCompleted[k] <= u { hits += 1 }
    }
    return .rate(
      hits: hits, trials: trials, threshold: input.threshold,
      prior: Calibration.priors["completion"]!)
  }
}

/// Capacity: the reps who made an outbound call in the last 30 days, and the typical calls
/// per rep per day, the median over the last 90 days with calls (the busiest day overstates
/// what the team makes on a normal day, so capacity never bound), rounded to hundredths.
/// O(activities).
enum CapacityFit {
  /// Reps calling, and calls per rep per day.
  static func fit(_ input: CalibrationInput) -> (reps: Int, callsPerRepPerDay: Double) {
    let l = input.ledger
    let u = input.until
    var callReps = Set<Int32>()
    var callsPerDay: [Int32: Int] = [:]
    for k in l.activityDay.indices
    where l.activityOutbound[k] && l.activityChannel[k] == .call && l.activityDay[k] <= u {
      let d = l.activityDay[k]
      if d > u - 30 { callReps.insert(l.activityRep[k]) }
      if d > u - 90 { callsPerDay[d, default: 0] += 1 }
    }
    let reps = callReps.count
    let typical = Statistics.median(callsPerDay.values.map(Double.init)) ?? 0
    return (reps, reps > 0 ? (typical / Double(reps) * 100).rounded() / 100 : 0)
  }
}
