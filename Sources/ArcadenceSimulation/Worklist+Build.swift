import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import Foundation

extension Worklist {
  /// The worklist of `day` for the reps `reps` (ledger indices), with `calibration` fitted on
  /// data up to the day before (or to the last day of data, when that is earlier). `calls` overrides every rep's capacity. O(rows + open
  /// invoices · 30).
  ///
  /// Items: a promise due today (a reminder email) or broken yesterday (a follow-up call, by
  /// kpis.md's rule through ``KPIEngine/promiseOutcome(_:asOf:)``); the latest step of the
  /// observed cadence (``Calibration/cadence``, then the repeat) that is due today or overdue
  /// with no outbound contact since (none while a promise is pending); an auto-pay offer for
  /// a customer not enrolled with three or more invoices in the last 365 days, more than half
  /// of them paid late or still unpaid after their due date, one past due now and no outbound
  /// contact in the last 14 days; and open cases that are over the 14-day limit or pass it
  /// within two days (``KPIEngine/caseOverLimit(openedOn:asOf:)``). Contacts are about the
  /// customer's open invoices that are not disputed (an open case links them) and not left
  /// to auto-pay; a customer with none left gets no contact. Calls are ranked by expected
  /// gain and cut at the rep's capacity; emails ranked the same way.
  ///
  /// A call offers auto-pay when the policy does (the observed one does when anyone
  /// enrolled on a call), so its gain counts the enrolment (``probabilities(hazard:factors:multiplier:dpd:reach:lifts:prior:promise:autopay:cap:)``).
  /// Case work has no gain and is ranked by age (oldest first, then balance): the model
  /// draws a dispute's resolution time from the calibrated distribution whatever the rep
  /// does, so it has no number for what a case update is worth; the 14-day limit it guards
  /// is a rule, not a payment.
  /// With `buckets`, each item also names the aging bucket of its oldest invoice. With
  /// `policy`, its cadence steps and repeat (``Policy/steps``, ``Policy/repeatRule``, up to
  /// its `until_dpd`) replace the observed ones; nothing else of the policy is used.
  public static func build(
    ledger l: Ledger, calibration: Calibration, day: Day, reps: [Int], calls: Int? = nil,
    buckets: AgingBuckets? = nil, policy: Policy? = nil
  ) -> Worklist {
    let ctx = WorklistContext(ledger: l, calibration: calibration, day: day)
    let inScope = Set(reps)
    let cadence = policy ?? Policy.observed(calibration)
    var found = WorklistCandidates(customers: l.customerIds.count)
    found.addPromises(ledger: l, day: day.rawValue)
    found.addCadence(ctx, cadence: cadence, word: policy.map { "policy \($0.name): cadence" })
    found.addAutopay(ctx)
    let byRep = contactItems(
      found, ctx, day: day, inScope: inScope, offerAutopay: cadence.offerAutopay,
      buckets: buckets)
    let caseItems = caseItems(ctx, day: day, inScope: inScope, buckets: buckets)
    let perDay = callsPerDay(ledger: l, before: day.rawValue, inScope: inScope)
    let byGain: (WorklistItem, WorklistItem) -> Bool = {
      let a = $0.expectedGain ?? 0
      let b = $1.expectedGain ?? 0
      return a != b ? a > b : $0.id < $1.id
    }
    var out: [RepWorklist] = []
    for r in reps.sorted() {
      let capacity: Int
      let source: String
      if let calls {
        capacity = calls
        source = "--calls"
      } else if let days = perDay[r], let m = Statistics.median(days.values.map(Double.init)) {
        capacity = Int(m.rounded())
        source = "median calls on the rep's \(days.count) days with calls in the last 90"
      } else {
        capacity = Int(calibration.callsPerRepPerDay.rounded())
        source = "no calls in the last 90 days: the team's typical calls per rep"
      }
      let items = (byRep[r] ?? []).sorted(by: byGain)
      let callItems = items.filter { $0.action == .call }
      let cut = min(max(0, capacity), callItems.count)
      out.append(
        RepWorklist(
          rep: r, repId: l.repIds[r], repName: l.repNames[r], team: l.repTeams[r],
          capacity: max(0, capacity), capacitySource: source, calls: Array(callItems[..<cut]),
          callsBelowCut: Array(callItems[cut...]), emails: items.filter { $0.action == .email },
          cases: (caseItems[r] ?? []).sorted {
            ($0.caseAgeDays ?? 0, $0.balance, $1.id) > ($1.caseAgeDays ?? 0, $1.balance, $0.id)
          }))
    }
    return Worklist(
      day: day, calibratedUntil: calibration.until, reps: out, buckets: buckets,
      policyName: policy?.name)
  }

  /// The aging bucket (of `buckets`) of the oldest of `invoices` on `day`, or nil without
  /// buckets.
  static func bucket(_ invoices: [Int], _ ctx: WorklistContext, buckets: AgingBuckets?) -> Int? {
    guard let buckets else { return nil }
    let l = ctx.l
    return invoices.map {
      buckets.bucket(
        age: buckets.age(day: ctx.day, issued: l.invoiceIssued[$0], due: l.invoiceDue[$0]))
    }.max()
  }

  /// One contact item per candidate customer whose rep is in scope and who has invoices to
  /// contact about, by rep: its invoices, balance, expected gain (a call offering auto-pay
  /// when `offerAutopay`) and the reason first in ``WorklistReason`` order.
  static func contactItems(
    _ found: WorklistCandidates, _ ctx: WorklistContext, day: Day, inScope: Set<Int>,
    offerAutopay: Bool, buckets: AgingBuckets?
  ) -> [Int: [WorklistItem]] {
    let l = ctx.l
    // Item ids: file-safe names that are distinct across the store's customers (and cases),
    // and a suffix that keeps customer items apart from case items.
    let customerKey = FileName.distinct(l.customerIds)
    var byRep = [Int: [WorklistItem]]()
    for (c, cd) in found.candidates {
      let rep = cd.promiseRep ?? Int(l.customerRep[c])
      guard inScope.contains(rep) else { continue }
      let invoices = ctx.contactInvoices(c).sorted {
        (l.invoiceDue[$0], l.invoiceIds[$0]) < (l.invoiceDue[$1], l.invoiceIds[$1])
      }
      guard !invoices.isEmpty else { continue }
      let channel: Channel = cd.call ? .call : .email
      var total: Int64 = 0
      var gain: Int64 = 0
      var pn = 0.0
      var pc = 0.0
      var oldest = Int.min
      for i in invoices {
        let b = ctx.balance[i] ?? 0
        let p = ctx.probabilities(i, channel: channel, offerAutopay: offerAutopay)
        total = add(total, b)
        gain = add(gain, cents(b, times: p.contacted - p.notContacted))
        pn += Double(b) * p.notContacted
        pc += Double(b) * p.contacted
        oldest = max(oldest, ctx.dpd(i))
      }
      let w = Double(total)
      let reasons = cd.reasons.sorted {
        (WorklistReason.allCases.firstIndex(of: $0.0) ?? 0)
          < (WorklistReason.allCases.firstIndex(of: $1.0) ?? 0)
      }
      let last = ctx.activities[c].last
      let action: WorklistAction = cd.call ? .call : .email
      let pnv = w > 0 ? pn / w : 0
      let pcv = w > 0 ? pc / w : 0
      let why =
        (reasons.first?.1 ?? "")
        + "; \(action == .call ? "a call" : "an email") moves P(paid in 30 d) of "
        + "\(Cents.display(total)) from "
        + String(format: "%.1f%% to %.1f%%", pnv * 100, pcv * 100)
      byRep[rep, default: []].append(
        WorklistItem(
          id: "\(day)-\(customerKey[c])-\(action.rawValue)", rep: rep,
          customer: c, customerId: l.customerIds[c], customerName: l.customerNames[c],
          invoiceIds: invoices.map { l.invoiceIds[$0] }, balance: total, daysPastDue: oldest,
          lastContact: last.map { Day(rawValue: l.activityDay[$0]) },
          lastOutcome: last.map { l.activityOutcome[$0] }, reasons: reasons.map(\.0),
          action: action, pNotContacted: pnv, pContacted: pcv, expectedGain: gain,
          caseAgeDays: nil, why: why, agingBucket: bucket(invoices, ctx, buckets: buckets)))
    }
    return byRep
  }

  /// Case work by rep: the cases open at the end of yesterday that are over the 14-day
  /// limit today or pass it within two days (``KPIEngine/caseOverLimit(openedOn:asOf:)``).
  static func caseItems(
    _ ctx: WorklistContext, day: Day, inScope: Set<Int>, buckets: AgingBuckets?
  ) -> [Int: [WorklistItem]] {
    let l = ctx.l
    let d = day.rawValue
    let y = d - 1
    var caseItems = [Int: [WorklistItem]]()
    let caseKey = FileName.distinct(l.caseIds)
    for k in l.caseOpenedAt.indices where l.isCaseOpen(k, atEndOf: Day(rawValue: y)) {
      let rep = Int(l.caseRep[k])
      guard inScope.contains(rep) else { continue }
      let opened = l.caseOpenedOn(k).rawValue
      let over = KPIEngine.caseOverLimit(openedOn: opened, asOf: d)
      guard over || KPIEngine.caseOverLimit(openedOn: opened, asOf: d + 2) else { continue }
      let c = Int(l.caseCustomer[k])
      let age = Int(d) - Int(opened)
      let inv = Int(l.caseInvoice[k])
      let invoices = inv >= 0 ? [inv] : []
      let bal = inv >= 0 ? max(0, l.balance(inv, at: y)) : 0
      let last = ctx.activities[c].last
      let limit = Int(KPIEngine.caseAgeLimitDays)
      let why =
        over
        ? "case \(l.caseIds[k]) open \(age) days, past the \(limit)-day limit"
          + (bal > 0 ? "; \(Cents.display(bal)) blocked until it is resolved" : "")
        : "case \(l.caseIds[k]) open \(age) days: passes the \(limit)-day limit in "
          + "\(limit + 1 - age) day\(limit + 1 - age == 1 ? "" : "s")"
      caseItems[rep, default: []].append(
        WorklistItem(
          id: "\(day)-\(caseKey[k])-case", rep: rep, customer: c,
          customerId: l.customerIds[c], customerName: l.customerNames[c],
          invoiceIds: invoices.map { l.invoiceIds[$0] }, balance: bal,
          daysPastDue: inv >= 0 ? ctx.dpd(inv) : 0,
          lastContact: last.map { Day(rawValue: l.activityDay[$0]) },
          lastOutcome: last.map { l.activityOutcome[$0] },
          reasons: [over ? .caseOverLimit : .caseNearLimit], action: .caseUpdate,
          pNotContacted: nil, pContacted: nil, expectedGain: nil, caseAgeDays: age, why: why,
          agingBucket: bucket(invoices, ctx, buckets: buckets)))
    }
    return caseItems
  }

  /// Outbound calls per rep in scope and day over the 90 days before `day`: each rep's
  /// capacity is the median over its days with calls.
  static func callsPerDay(ledger l: Ledger, before d: Int32, inScope: Set<Int>)
    -> [Int: [Int32: Int]]
  {
    let y = d - 1
    var perDay = [Int: [Int32: Int]]()
    for k in l.activityDay.indices
    where l.activityOutbound[k] && l.activityChannel[k] == .call && l.activityDay[k] <= y
      && l.activityDay[k] > y - 90 && inScope.contains(Int(l.activityRep[k]))
    {
      perDay[Int(l.activityRep[k]), default: [:]][l.activityDay[k], default: 0] += 1
    }
    return perDay
  }

  /// The latest cadence step at or before `dpd` days past due of `steps` (sorted by dpd),
  /// the repeat after the last step included (its occurrences up to `untilDpd`), or nil
  /// before the first.
  static func latestStep(_ steps: [CadenceStep], repeatRule: Policy.Repeat?, dpd: Int)
    -> CadenceStep?
  {
    // As the simulator reads a policy: the repeat counts from the last step, or from 0.
    let lastDpd = steps.last?.dpd ?? 0
    if dpd > lastDpd, let r = repeatRule, r.everyDays > 0 {
      var k = (dpd - lastDpd) / r.everyDays
      if let until = r.untilDpd { k = min(k, (until - lastDpd) / r.everyDays) }
      if k >= 1 {
        return CadenceStep(dpd: lastDpd + k * r.everyDays, channel: r.channel)
      }
    }
    // Of the steps on the latest dpd reached, the call.
    guard let top = steps.last(where: { $0.dpd <= dpd }) else { return nil }
    return steps.first { $0.dpd == top.dpd && $0.channel == .call } ?? top
  }
}

/// The customers a worklist may contact and why, gathered reason by reason.
struct WorklistCandidates {
  /// Why a customer is a candidate, whether it needs a call, and the rep of the promise
  /// behind it (who then owns the item).
  struct Candidate {
    var reasons: [(WorklistReason, String)] = []
    var call = false
    var promiseRep: Int?
  }
  /// Candidates by customer.
  var candidates = [Int: Candidate]()
  /// Customers with a promise still pending (no cadence step for them).
  var pending: [Bool]

  /// No candidates yet among `customers` customers.
  init(customers: Int) { pending = [Bool](repeating: false, count: customers) }

  /// Promises made before day `d`: a promise due today (a reminder email) or broken
  /// yesterday (a follow-up call, by ``KPIEngine/promiseOutcome(_:asOf:)``); a promise
  /// whose window (``KPIEngine/promiseWindowEnd(promisedOn:)``) is still open and not yet
  /// paid leaves its customer pending.
  mutating func addPromises(ledger l: Ledger, day d: Int32) {
    let y = d - 1
    let engine = KPIEngine(ledger: l)
    for k in l.promiseMade.indices where l.promiseMade[k] <= y {
      let c = Int(l.promiseCustomer[k])
      let promised = l.promisePromised[k]
      let amount = Cents.display(l.promiseAmount[k])
      let windowEnd = Int64(KPIEngine.promiseWindowEnd(promisedOn: promised))
      if promised == d {
        candidates[c, default: Candidate()].reasons.append(
          (.promiseDue, "promise of \(amount) due today (made \(Day(rawValue: l.promiseMade[k])))"))
        candidates[c]?.promiseRep = Int(l.promiseRep[k])
      } else if windowEnd == Int64(y) {
        let outcome = engine.promiseOutcome(k, asOf: y)
        if outcome.due && !outcome.kept {
          candidates[c, default: Candidate()].reasons.append(
            (
              .promiseBroken,
              "promise of \(amount) for \(Day(rawValue: promised)) broken yesterday"
            ))
          candidates[c]?.call = true
          candidates[c]?.promiseRep = Int(l.promiseRep[k])
        }
      }
      if windowEnd >= Int64(d), promised != d,
        l.customerPayments(c, from: l.promiseMade[k], to: y) < l.promiseAmount[k]
      {
        pending[c] = true
      }
    }
  }

  /// Cadence steps due or overdue (`cadence`'s steps and repeat, the observed cadence or a
  /// policy's, its reasons worded `word`, default "cadence"): per customer not pending, the
  /// most pressing of its invoices' latest steps with no outbound contact since (a call
  /// before an email, then the most overdue).
  mutating func addCadence(_ ctx: WorklistContext, cadence: Policy, word: String?) {
    let l = ctx.l
    let steps = cadence.steps.sorted {
      ($0.dpd, $0.channel.rawValue) < ($1.dpd, $1.channel.rawValue)
    }
    for c in pending.indices where !pending[c] {
      var best: (call: Bool, overdue: Int, text: String)?
      for i in ctx.contactInvoices(c) {
        let dpd = ctx.dpd(i)
        guard let step = Worklist.latestStep(steps, repeatRule: cadence.repeatRule, dpd: dpd) else {
          continue
        }
        let stepDay = Int64(l.invoiceDue[i]) + Int64(step.dpd)
        let done = ctx.activities[c].contains { k in
          l.activityOutbound[k] && Int64(l.activityDay[k]) >= stepDay
        }
        guard !done else { continue }
        let overdue = dpd - step.dpd
        let isCall = step.channel == .call
        let text =
          "\(word ?? "cadence") \(step.channel.name) at dpd \(step.dpd) on \(l.invoiceIds[i])"
          + (overdue > 0 ? " (\(overdue) day\(overdue == 1 ? "" : "s") overdue)" : " (due today)")
        if best == nil || (isCall && !(best?.call ?? false))
          || (isCall == best?.call && overdue > (best?.overdue ?? 0))
        {
          best = (isCall, overdue, text)
        }
      }
      if let best {
        candidates[c, default: Candidate()].reasons.append((.cadence, best.text))
        if best.call { candidates[c]?.call = true }
      }
    }
  }

  /// Auto-pay candidates: not enrolled, billed three or more times in the last 365 days,
  /// more than half of those invoices late, one past due now, no outbound contact in the
  /// last 14 days.
  mutating func addAutopay(_ ctx: WorklistContext) {
    let l = ctx.l
    let y = ctx.day - 1
    let nCust = pending.count
    var issuedInYear = [Int](repeating: 0, count: nCust)
    var lateInYear = [Int](repeating: 0, count: nCust)
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= y && l.invoiceIssued[i] > y - 365 {
      let c = Int(l.invoiceCustomer[i])
      issuedInYear[c] += 1
      var bal = l.invoiceAmount[i]
      var closed: Int32?
      for k in Int(l.invoiceEventStart[i])..<Int(l.invoiceEventStart[i + 1]) {
        guard l.eventDay[k] <= y else { break }
        bal -= l.eventAmount[k]
        if bal <= 0 {
          closed = l.eventDay[k]
          break
        }
      }
      if (closed ?? y) > l.invoiceDue[i] { lateInYear[c] += 1 }
    }
    for c in 0..<nCust
    where !l.autopayEnrolled(c, at: y) && issuedInYear[c] >= 3
      && lateInYear[c] * 2 > issuedInYear[c]
      && ctx.contactInvoices(c).contains(where: { ctx.dpd($0) >= 1 })
      && !ctx.activities[c].contains(where: { l.activityOutbound[$0] && l.activityDay[$0] > y - 14 }
      )
    {
      candidates[c, default: Candidate()].reasons.append(
        (
          .autopayCandidate,
          "not on auto-pay, \(lateInYear[c]) of \(issuedInYear[c]) invoices this year late: "
            + "offer auto-pay"
        ))
      candidates[c]?.call = true
    }
  }
}
