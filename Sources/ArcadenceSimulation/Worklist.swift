import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import Foundation

/// Why an item is on a rep's worklist.
public enum WorklistReason: String, Sendable, CaseIterable {
  /// A promise whose window (promised_on + 3 days) ended yesterday unkept (kpis.md's rule).
  case promiseBroken = "promise_broken"
  /// A promise whose promised date is today.
  case promiseDue = "promise_due"
  /// A step of the observed cadence is due today or overdue.
  case cadence
  /// An open case past the 14-day limit.
  case caseOverLimit = "case_over_14d"
  /// An open case that passes the 14-day limit today or tomorrow.
  case caseNearLimit = "case_near_14d"
  /// A customer not on auto-pay who pays late: offer auto-pay.
  case autopayCandidate = "autopay_candidate"
}

/// What the rep should do with an item.
public enum WorklistAction: String, Sendable {
  case call
  case email
  case caseUpdate = "case_update"
}

/// One item of a rep's day.
public struct WorklistItem: Sendable, Equatable {
  /// Stable id: the day, the customer's file-safe name and the action (`2026-03-01-C1-call`),
  /// or the day, the case's file-safe name and `case`; names from ``FileName/distinct(_:)``
  /// over the store's ids, so no two items share an id.
  public var id: String
  /// Rep index in the ledger.
  public var rep: Int
  /// Customer index in the ledger.
  public var customer: Int
  /// The customer's id and name (untrusted text).
  public var customerId: String
  public var customerName: String
  /// Ids of the invoices the item is about.
  public var invoiceIds: [String]
  /// Their open balance at the end of yesterday, cents.
  public var balance: Int64
  /// Days past due of the oldest of them (negative: not yet due).
  public var daysPastDue: Int
  /// The customer's last activity before today and its outcome.
  public var lastContact: Day?
  public var lastOutcome: String?
  /// Why it is on the list, most pressing first.
  public var reasons: [WorklistReason]
  /// The suggested action.
  public var action: WorklistAction
  /// P(paid within 30 days) of the balance, balance-weighted, without and with today's
  /// contact (nil for case work).
  public var pNotContacted: Double?
  public var pContacted: Double?
  /// Expected gain of today's contact, cents (nil for case work).
  public var expectedGain: Int64?
  /// Age of the case in days (case work only).
  public var caseAgeDays: Int?
  /// One line: why here, why this rank.
  public var why: String
  /// The aging bucket (an index into ``Worklist/buckets``) of the oldest invoice, when the
  /// worklist was built with buckets.
  public var agingBucket: Int? = nil
}

/// One rep's day: calls up to capacity (ranked by expected gain), then emails and case work.
public struct RepWorklist: Sendable, Equatable {
  public var rep: Int
  public var repId: String
  public var repName: String
  public var team: String?
  /// Calls the rep makes on a typical day (the cut-off).
  public var capacity: Int
  /// Where the capacity comes from.
  public var capacitySource: String
  public var calls: [WorklistItem]
  /// Call items ranked below the cut-off.
  public var callsBelowCut: [WorklistItem]
  public var emails: [WorklistItem]
  public var cases: [WorklistItem]
}

/// `arcadence worklist`: for a day, the items each rep should work and what each is worth.
///
/// Expected gain of contacting a customer today = Σ over its open, undisputed invoices of
/// balance × (P(paid within 30 days | contacted today) − P(paid within 30 days | not)),
/// computed analytically from the calibrated model (``paidWithin(hazard:factors:multiplier:dpd:days:lift:cap:)``):
/// survival through the days-past-due buckets of the segment's hazards, with the lifts of the
/// customer's recent contacts, and for a contact on channel c, with probability reach(c) the
/// reached lift and otherwise the unreached lift from tomorrow on. No Monte Carlo.
public struct Worklist: Sendable {
  /// The day worked.
  public var day: Day
  /// The last day of data the model was calibrated on (the day before, or the last day of
  /// data when that is earlier).
  public var calibratedUntil: Day
  /// One entry per rep in scope, in rep order.
  public var reps: [RepWorklist]
  /// The aging buckets items are labelled with (`--buckets`, `--basis`); nil: no bucket
  /// column, days past due only.
  public var buckets: AgingBuckets? = nil
  /// The policy whose cadence replaced the observed one (`--policy`), nil: the observed.
  public var policyName: String? = nil

  /// The label of an item's bucket, `—` when it has none.
  func bucketLabel(_ it: WorklistItem) -> String {
    guard let buckets, let b = it.agingBucket, b < buckets.count else { return "—" }
    return buckets.labels[b]
  }

  /// The key of an item's bucket (CSV, JSON), nil when it has none.
  func bucketKey(_ it: WorklistItem) -> String? {
    guard let buckets, let b = it.agingBucket, b < buckets.count else { return nil }
    return buckets.keys[b]
  }

  /// The horizon of "paid within", days (today and the 29 after).
  public static let horizonDays = 30
  /// Hazard cap per day, as in the simulator.
  public static let hazardCap = 0.95

  /// P(paid in full within `days` days from today) for an invoice `dpd` days past due today,
  /// with daily hazards `hazard` per ``AgingBucket``, each band's scaled by its factor in
  /// `factors` (``HazardBand``; empty: 1) and all by the customer's frailty `multiplier`
  /// (``Frailty``), as in the simulator; multiplied on day t (0 = today) by `lift(t)` and
  /// capped at `cap`: 1 − Π_{t<days} (1 − min(cap, h(dpd + t) · lift(t))). O(days).
  public static func paidWithin(
    hazard: [Double], factors: [Double] = [], multiplier: Double = 1, dpd: Int,
    days: Int = horizonDays, lift: (Int) -> Double, cap: Double = hazardCap
  ) -> Double {
    let bands = HazardBand.expand(hazard, factors: factors)
    var survive = 1.0
    for t in 0..<max(0, days) {
      let d = Int32(clamping: dpd + t)
      let h = bands[HazardBand.of(dpd: d)] * multiplier
      survive *= 1 - min(cap, max(0, h * lift(t)))
    }
    return 1 - survive
  }

  /// P(a contact reached today brings a promise that is kept within `days` days), as the
  /// simulator draws it: a promise with probability `pPromise`, kept (the whole balance paid
  /// on its day) with probability `pKept`, due `max(1, lead)` days later with `lead` drawn
  /// from `lead`; within the window when that day is at most `days − 1`. O(lead values).
  public static func promiseKeptWithin(
    pPromise: Double, pKept: Double, lead: DayDistribution, days: Int = horizonDays
  ) -> Double {
    let total = lead.total
    guard total > 0, total.isFinite else { return 0 }
    var within = 0.0
    for (d, w) in zip(lead.days, lead.weights) where max(1, d) <= days - 1 { within += w }
    let p = min(1, max(0, pPromise)) * min(1, max(0, pKept)) * (within / total)
    return p.isFinite ? p : 0
  }

  /// P(a reached call that offers auto-pay ends with the invoice paid by auto-pay on its due
  /// date): no promise, no dispute, accepted, paid on time:
  /// (1 − pPromise) · (1 − pDispute) · pAccept · onTime. O(1).
  public static func autopayPaysDue(
    pPromise: Double, pDispute: Double, pAccept: Double, onTime: Double
  ) -> Double {
    func p(_ x: Double) -> Double { x.isFinite ? min(1, max(0, x)) : 0 }
    return (1 - p(pPromise)) * (1 - p(pDispute)) * p(pAccept) * p(onTime)
  }

  /// The two probabilities of one invoice: not contacted today, and contacted today on a
  /// channel with reach `reach`. `prior(t)` is the lift on day t left by earlier contacts;
  /// `promise` is ``promiseKeptWithin(pPromise:pKept:lead:days:)``: a reached contact is
  /// paid within the window when the lifted hazard pays it or a kept promise does,
  /// P = 1 − (1 − P_hazard) · (1 − promise). The one home of the expected gain: the worklist
  /// ranks by it and the simulator's `priority: expected_gain` tabulates it (``GainTable``).
  ///
  /// `autopay` is ``autopayPaysDue(pPromise:pDispute:pAccept:onTime:)`` for a call that offers
  /// auto-pay to a customer not enrolled: a reached call that brings no promise and no
  /// dispute enrols the customer with the acceptance rate, and auto-pay then pays the invoice
  /// on its due date with the on-time rate, as the simulator draws it. Auto-pay pays on the
  /// due date only, so switching is worth something within the window only for an invoice
  /// due in 1 to `days − 1` days; there P = 1 − (1 − P_hazard) · (1 − promise − autopay)
  /// (the promise and the enrolment exclude each other). A past-due invoice gains nothing
  /// from it (its next invoices would, but they are not part of the open balance). The
  /// hazard is read at `dpd − shift`, the customer's delay shift (``DelayShift``).
  public static func probabilities(
    hazard: [Double], factors: [Double] = [], multiplier: Double = 1, dpd: Int, reach: Double,
    lifts: Lifts, prior: (Int) -> Double, promise: Double = 0, autopay: Double = 0,
    cap: Double = hazardCap, shift: Int = 0
  ) -> (notContacted: Double, contacted: Double) {
    // The hazard runs on the customer's shifted clock (DelayShift); auto-pay on the real due date.
    func paid(_ lift: (Int) -> Double) -> Double {
      paidWithin(
        hazard: hazard, factors: factors, multiplier: multiplier, dpd: dpd - shift, lift: lift,
        cap: cap)
    }
    let none = paid { 1 + prior($0) }
    let lifted = paid { t in
      1 + prior(t) + (t >= 1 ? lifts.reached * exp(-Double(t) / lifts.reachedDecayDays) : 0)
    }
    let dueInWindow = dpd <= -1 && dpd >= -(horizonDays - 1)
    let switched = dueInWindow ? min(1, max(0, autopay)) : 0
    let reached = 1 - (1 - lifted) * max(0, 1 - min(1, max(0, promise)) - switched)
    let unreached = paid { t in
      1 + prior(t) + (t >= 1 ? lifts.unreached * exp(-Double(t) / lifts.unreachedDecayDays) : 0)
    }
    let r = min(1, max(0, reach))
    return (none, r * reached + (1 - r) * unreached)
  }

  /// The lift on day t (0 = `day`) left by the outbound contacts on `contactDays` with their
  /// reached flags: the calibration's rule (a contact on day a lifts days after a).
  static func priorLift(
    day: Int32, contacts: [(day: Int32, reached: Bool)], lifts: Lifts
  ) -> (Int) -> Double {
    { t in
      var m = 0.0
      let d = Int64(day) + Int64(t)
      for c in contacts where Int64(c.day) < d {
        let age = Double(d - Int64(c.day))
        m +=
          c.reached
          ? lifts.reached * exp(-age / lifts.reachedDecayDays)
          : lifts.unreached * exp(-age / lifts.unreachedDecayDays)
      }
      return m
    }
  }

  /// Saturating sum of cents (sums of imported amounts cannot reach Int64's range; this
  /// keeps that true whatever the ledger holds).
  static func add(_ a: Int64, _ b: Int64) -> Int64 {
    let (s, o) = a.addingReportingOverflow(b)
    return o ? (b > 0 ? Int64.max : Int64.min) : s
  }

  /// Cents of `balance × p`, rounded; 0 when not finite.
  static func cents(_ balance: Int64, times p: Double) -> Int64 {
    let v = (Double(balance) * p).rounded()
    return Int64(exactly: v) ?? 0
  }
}

/// What the worklist knows about the ledger on a day: indexes built once.
struct WorklistContext {
  let l: Ledger
  let cal: Calibration
  let day: Int32
  let segmentOf: [Int32]
  /// Open invoices (balance > 0 at the end of yesterday, issued by then) per customer.
  var openInvoices: [[Int]]
  /// Balance of each open invoice.
  var balance: [Int: Int64]
  /// Invoices blocked by a case open at the end of yesterday.
  var disputed: Set<Int>
  /// Activities of each customer before today, in day order.
  var activities: [[Int]]

  init(ledger l: Ledger, calibration: Calibration, day: Day) {
    self.l = l
    cal = calibration
    self.day = day.rawValue
    let y = day.rawValue - 1
    let segs = Calibration.segmentIndex(l)
    // The calibration's segment order is the ledger's; map names defensively.
    var lookup: [String: Int32] = [:]
    for (k, n) in calibration.segments.enumerated() { lookup[n] = Int32(k) }
    segmentOf = segs.ofCustomer.map { lookup[segs.names[Int($0)]] ?? 0 }
    openInvoices = [[Int]](repeating: [], count: l.customerIds.count)
    balance = [:]
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= y {
      let b = l.balance(i, at: y)
      guard b > 0 else { continue }
      openInvoices[Int(l.invoiceCustomer[i])].append(i)
      balance[i] = b
    }
    disputed = []
    for k in l.caseInvoice.indices where l.caseInvoice[k] >= 0 {
      if l.isCaseOpen(k, atEndOf: Day(rawValue: y)) { disputed.insert(Int(l.caseInvoice[k])) }
    }
    activities = [[Int]](repeating: [], count: l.customerIds.count)
    for k in l.activityDay.indices where l.activityDay[k] <= y {
      activities[Int(l.activityCustomer[k])].append(k)
    }
    for c in activities.indices where activities[c].count > 1 {
      activities[c].sort { (l.activityDay[$0], $0) < (l.activityDay[$1], $1) }
    }
  }

  /// Hazards of customer `c`'s segment (per ``AgingBucket``; the customer's frailty and the
  /// band factors are applied in ``Worklist/paidWithin(hazard:factors:multiplier:dpd:days:lift:cap:)``).
  func hazard(_ c: Int) -> [Double] {
    let s = Int(segmentOf[c])
    guard s < cal.hazard.count else { return [] }
    return cal.hazard[s].map(\.value)
  }

  /// Outbound contacts of `c` in the 30 days before today.
  func recentContacts(_ c: Int) -> [(day: Int32, reached: Bool)] {
    activities[c].compactMap { k in
      l.activityOutbound[k] && l.activityDay[k] >= day - 30
        ? (l.activityDay[k], l.activityReached[k]) : nil
    }
  }

  /// Days past due today of invoice `i`.
  func dpd(_ i: Int) -> Int { Int(day) - Int(l.invoiceDue[i]) }

  /// Whether invoice `i` is left to auto-pay (an enrolled customer's invoice not yet due).
  func leftToAutopay(_ i: Int) -> Bool {
    let c = Int(l.invoiceCustomer[i])
    return l.autopayEnrolled(c, at: day - 1) && dpd(i) <= 0
  }

  /// The invoices a contact about customer `c` would be about.
  func contactInvoices(_ c: Int) -> [Int] {
    openInvoices[c].filter { !disputed.contains($0) && !leftToAutopay($0) }
  }

  /// P(paid within 30 days) of invoice `i` without and with a contact today on `channel`;
  /// a call offers auto-pay (when `offerAutopay`) to a customer not enrolled.
  func probabilities(_ i: Int, channel: Channel, offerAutopay: Bool = false)
    -> (notContacted: Double, contacted: Double)
  {
    let c = Int(l.invoiceCustomer[i])
    let reach = channel.rawValue < cal.reach.count ? cal.reach[channel.rawValue].value : 0
    let offers = offerAutopay && channel == .call && !l.autopayEnrolled(c, at: day - 1)
    let autopay =
      offers
      ? Worklist.autopayPaysDue(
        pPromise: cal.pPromise.value, pDispute: cal.pDispute.value,
        pAccept: cal.pAutopayAccept.value, onTime: cal.autopayOnTime.value) : 0
    return Worklist.probabilities(
      hazard: hazard(c), factors: cal.bandFactor.map(\.value),
      multiplier: c < cal.frailty.count ? cal.frailty[c] : 1, dpd: dpd(i), reach: reach,
      lifts: cal.lifts,
      prior: Worklist.priorLift(day: day, contacts: recentContacts(c), lifts: cal.lifts),
      promise: Worklist.promiseKeptWithin(
        pPromise: cal.pPromise.value, pKept: cal.pKept.value, lead: cal.promiseLeadDays),
      autopay: autopay,
      shift: Int(cal.delay?.shift(customer: c, terms: l.invoiceDue[i] - l.invoiceIssued[i]) ?? 0)
    )
  }
}
