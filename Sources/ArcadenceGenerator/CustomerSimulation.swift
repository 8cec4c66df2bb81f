import ArcadenceCore
import Foundation

/// One customer's history, simulated day by day from its own random stream.
///
/// The customer is billed monthly; each invoice is then followed until it is paid, written
/// off or the data ends. The rep works the cadence of ``GroundTruth/cadence`` as tasks that
/// are done on time, late or never; contacts reach the customer some of the time, raise the
/// payment hazard for a while, and may bring a promise, a dispute (a case that blocks
/// payment until it is resolved) or an auto-pay enrollment.
struct CustomerSimulation {
  let model: Model
  let index: Int
  var rng: Xoshiro

  var truth: GroundTruth { model.truth }

  // Customer attributes.
  var customerId = ""
  var segment: GroundTruth.Segment
  var rep: GroundTruth.RepProfile
  var terms = 30
  var size = 1.0
  var createdOn: Day
  var autopayOn: Day?
  var autopayOff: Day?
  var preferredCause: String?
  /// The rep's index in ``GroundTruth/reps``.
  var repIndex = 0
  /// The customer's hazard multiplier (1 in the standard world).
  var propensity = 1.0
  /// Its rank in the reps' call order, 0 = the most likely to pay (``SelectionWorld``).
  var priorityRank = 0.5

  init(model: Model, index: Int, rng: Xoshiro) {
    self.model = model
    self.index = index
    self.rng = rng
    let t = model.truth
    segment = t.segments[self.rng.pick(t.segments.map(\.share))]
    repIndex = self.rng.int(0...(t.reps.count - 1))
    rep = t.reps[repIndex]
    createdOn = model.start
    if let world = t.selection {
      let z = SelectionWorld.propensityScore(seed: t.seed, customer: index)
      propensity = exp(world.propensitySigma * z)
      priorityRank = 0.5 * erfc(z / 2.0.squareRoot())
    }
  }

  mutating func run(into sink: inout Sink) throws {
    customerId = sink.nextId(.customers)
    terms = segment.termsDays[rng.pick(segment.termsWeights)]
    size = rng.lognormal(median: segment.medianInvoice, sigma: truth.customerSizeSigma)
    let span = model.end - model.start
    if rng.chance(truth.existingAtStart) {
      createdOn = model.start - rng.int(30...1500)
      if rng.chance(segment.autopayAtStart) {
        enroll(on: max(createdOn + 1, model.start - rng.int(1...365)))
      }
    } else {
      createdOn = model.start + rng.int(0...max(0, span - 45))
    }
    let name = companyName()
    let billingDay = rng.int(1...28)

    // Customers are written first so that every later row can refer to them; the auto-pay
    // dates they end up with are only known afterwards, so the row is buffered.
    var rows = Rows()
    var (y, m, _) = max(createdOn + 1, model.start).civil
    var issue = Day(year: y, month: m, day: billingDay)!
    if issue < createdOn + 1 || issue < model.start {
      (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
      issue = Day(year: y, month: m, day: billingDay)!
    }
    while issue <= model.end {
      try simulateInvoice(issuedOn: issue, rows: &rows, sink: &sink)
      (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
      issue = Day(year: y, month: m, day: billingDay)!
    }
    // Unidentified cash: a check that cannot be matched to an invoice.
    var month = max(createdOn, model.start)
    while month <= model.end {
      if rng.chance(truth.pUnappliedMonthly) {
        let day = min(model.end, month + rng.int(0...27))
        let cents = Int64(rng.int(5_000...60_000))
        rows.payments.append([customerId, "", day.description, Cents.plain(cents), "check"])
      }
      month = month + 30
    }
    try sink.emit(
      .customers,
      [
        customerId, name, segment.name, rep.repId, String(terms), createdOn.description,
        autopayOn.map(\.description) ?? "", autopayOff.map(\.description) ?? "",
      ])
    try rows.flush(into: &sink)
  }

  mutating func enroll(on day: Day) {
    guard autopayOn == nil, day <= model.end else { return }
    autopayOn = day
    let cancel = day + 1 + rng.geometric(truth.autopayCancelDaily)
    if cancel <= model.end { autopayOff = cancel }
  }

  func autopayActive(on day: Day) -> Bool {
    guard let on = autopayOn, on <= day else { return false }
    return autopayOff.map { $0 > day } ?? true
  }

  mutating func companyName() -> String {
    let a = Names.first[rng.int(0...(Names.first.count - 1))]
    let b = Names.second[rng.int(0...(Names.second.count - 1))]
    let c = Names.suffixes[rng.int(0...(Names.suffixes.count - 1))]
    return c.isEmpty ? "\(a) \(b)" : "\(a) \(b) \(c)"
  }

  mutating func timestamp(_ day: Day) -> Timestamp {
    Timestamp(day: day, hour: rng.int(13...21), minute: rng.int(0...59), second: 0)
  }

  /// A pending piece of work on an invoice.
  enum Work {
    case task(kind: String, taskId: String)
    case inboundCase
  }

  mutating func simulateInvoice(issuedOn: Day, rows: inout Rows, sink: inout Sink) throws {
    // long-function: one invoice's story, top to bottom in the order its random draws are
    // made; that order is the dataset (the same seed gives the same bytes), so it stays in
    // one piece rather than be spread over helpers whose call order would carry it.
    let invoiceId = rows.nextInvoiceId(sink)
    let due = issuedOn + terms
    let cents = max(
      100, Int64((rng.lognormal(median: size, sigma: truth.invoiceSigma) * 100).rounded()))
    rows.invoices.append([
      invoiceId, customerId, issuedOn.description, due.description, Cents.plain(cents),
    ])
    var balance = cents
    var reached = 0.0
    var unreached = 0.0
    var blockedUntil: Day?  // an open dispute blocks payment until this day
    var forced: [(day: Day, cents: Int64)] = []  // kept promises
    var work: [(day: Day, work: Work)] = []
    if rng.chance(truth.pInboundCase) {
      work.append((issuedOn + rng.int(1...20), .inboundCase))
    }
    let lastStep = truth.cadence.map(\.dpd).max() ?? 0
    var day = issuedOn
    while day <= model.end, balance > 0 {
      let dpd = day - due
      let blocked = blockedUntil.map { day < $0 } ?? false

      // Payment.
      if !blocked {
        if let i = forced.firstIndex(where: { $0.day == day }) {
          let paid = min(balance, forced[i].cents)
          forced.remove(at: i)
          rows.pay(customerId, invoiceId, day, paid, method())
          balance -= paid
        } else if dpd == 0, autopayActive(on: day), rng.chance(truth.autopayOnTime) {
          rows.pay(customerId, invoiceId, day, balance, "autopay")
          balance = 0
        } else {
          let h = min(
            0.95,
            segment.hazards[GroundTruth.bucket(dpd: dpd)] * propensity
              * (1 + reached + unreached))
          if rng.chance(h) {
            var paid = balance
            if balance >= 2_000, rng.chance(truth.pPartialPayment) {
              paid = balance * Int64(rng.int(30...70)) / 100
            }
            rows.pay(customerId, invoiceId, day, paid, method())
            balance -= paid
          }
        }
        if balance <= 0 { break }
      }

      // The cadence: tasks fall due at fixed days past due while the invoice is open.
      if !blocked, dpd >= 1 {
        var kinds = truth.cadence.filter { $0.dpd == dpd }.map(\.kind)
        if dpd > lastStep, (dpd - lastStep) % truth.repeatEveryDays == 0 { kinds.append("call") }
        for kind in kinds {
          let done = scheduleTask(
            kind: kind, due: day, invoiceId: invoiceId, rows: &rows, sink: sink)
          if let done { work.append(done) }
        }
      }

      // Work done today: contacts and inbound cases.
      var i = 0
      while i < work.count {
        guard work[i].day == day else {
          i += 1
          continue
        }
        let item = work.remove(at: i).work
        guard !(blockedUntil.map { day < $0 } ?? false) else { continue }
        switch item {
        case .task(let kind, _):
          guard kind != "review" else { continue }
          let channel = kind == "email" ? "email" : "call"
          let outcome = contact(
            channel: channel, day: day, dpd: dpd, invoiceId: invoiceId, balance: balance,
            rows: &rows, sink: sink, forced: &forced, work: &work, blockedUntil: &blockedUntil)
          if outcome { reached += truth.reachedLift } else { unreached += truth.unreachedLift }
        case .inboundCase:
          let origin = ["inbound_phone", "inbound_email", "internal_referral"][
            rng.pick([0.55, 0.35, 0.10])]
          let at = timestamp(day)
          if origin != "internal_referral" {
            rows.activity(
              customerId, invoiceId, rep.repId, at, origin == "inbound_phone" ? "call" : "email",
              "inbound", "dispute")
          }
          blockedUntil = openCase(
            at: at, origin: origin, invoiceId: invoiceId, balance: balance, rows: &rows)
        }
      }

      // A dispute resolved today may end in a credit memo.
      if let until = blockedUntil, until == day {
        if rng.chance(truth.pCreditAfterDispute) {
          let credit = max(1, balance * Int64(rng.int(10...100)) / 100)
          rows.adjust(invoiceId, day, min(credit, balance), "credit_memo")
          balance -= min(credit, balance)
        }
        reached += truth.reachedLift
        blockedUntil = nil
      }

      if dpd == truth.writeOffDpd, balance > 0, !blocked, rng.chance(truth.pWriteOff) {
        rows.adjust(invoiceId, day, balance, "write_off")
        balance = 0
      }
      reached *= model.reachedDecay
      unreached *= model.unreachedDecay
      day = day + 1
    }
  }

  mutating func method() -> String {
    switch segment.name {
    case "enterprise": ["wire", "ach", "check"][rng.pick([0.45, 0.45, 0.10])]
    case "mid_market": ["ach", "check", "card", "wire"][rng.pick([0.45, 0.3, 0.2, 0.05])]
    default: ["card", "check", "ach", "other"][rng.pick([0.5, 0.25, 0.2, 0.05])]
    }
  }

  /// Writes a task and returns when (and whether) the rep does it.
  mutating func scheduleTask(
    kind: String, due: Day, invoiceId: String, rows: inout Rows, sink: Sink
  ) -> (day: Day, work: Work)? {
    let taskId = rows.nextTaskId(sink)
    var completed: Day?
    if let world = truth.selection {
      let kappa = world.capacityShare(seed: truth.seed, rep: repIndex, day: due)
      if rng.chance(world.onTimeProbability(capacity: kappa, rank: priorityRank)) {
        completed = due
      } else if rng.chance(world.pLate) {
        completed = due + 1 + min(6, rng.geometric(0.45))
      }
    } else if rng.chance(rep.completion) {
      completed = rng.chance(rep.onTime) ? due : due + 1 + min(6, rng.geometric(0.45))
    }
    let shown = completed.flatMap { $0 <= model.end ? $0 : nil }
    rows.tasks.append([
      taskId, rep.repId, customerId, invoiceId, kind, due.description,
      shown?.description ?? "",
    ])
    return completed.map { ($0, .task(kind: kind, taskId: taskId)) }
  }

  /// One outbound contact; returns whether it reached the customer.
  mutating func contact(
    channel: String, day: Day, dpd: Int, invoiceId: String, balance: Int64, rows: inout Rows,
    sink: Sink, forced: inout [(day: Day, cents: Int64)], work: inout [(day: Day, work: Work)],
    blockedUntil: inout Day?
  ) -> Bool {
    let at = timestamp(day)
    let reachP = channel == "call" ? min(0.95, truth.callReach * rep.reachSkill) : truth.emailReach
    guard rng.chance(reachP) else {
      let outcome =
        channel == "email"
        ? "no_answer" : ["voicemail", "no_answer", "wrong_contact"][rng.pick([0.6, 0.35, 0.05])]
      rows.activity(customerId, invoiceId, rep.repId, at, channel, "outbound", outcome)
      return false
    }
    var outcome = "reached"
    if rng.chance(truth.pPromise) {
      outcome = "promise_to_pay"
      let promised = day + rng.int(truth.promiseDays[0]...truth.promiseDays[1])
      let amount = rng.chance(0.2) ? max(100, balance / 2) : balance
      rows.promises.append([
        customerId, invoiceId, rep.repId, day.description, promised.description,
        Cents.plain(amount),
      ])
      if rng.chance(truth.pKept) {
        let payDay = promised + (rng.chance(0.75) ? 0 : rng.int(1...3))
        forced.append((payDay > day ? payDay : day + 1, amount))
      }
      if let follow = scheduleTask(
        kind: "follow_up", due: promised + 4, invoiceId: invoiceId, rows: &rows, sink: sink)
      {
        work.append(follow)
      }
    } else if rng.chance(truth.pDispute) {
      outcome = "dispute"
      rows.activity(customerId, invoiceId, rep.repId, at, channel, "outbound", outcome)
      blockedUntil = openCase(
        at: at, origin: "collections", invoiceId: invoiceId, balance: balance, rows: &rows)
      return true
    } else if channel == "call", autopayOn == nil, rng.chance(truth.pAutopayAccept) {
      outcome = "autopay_enrolled"
      enroll(on: day)
    }
    rows.activity(customerId, invoiceId, rep.repId, at, channel, "outbound", outcome)
    return true
  }

  /// Opens a case; returns the day payment becomes possible again.
  mutating func openCase(
    at opened: Timestamp, origin: String, invoiceId: String, balance: Int64, rows: inout Rows
  ) -> Day {
    let cause: String
    if let p = preferredCause, rng.chance(truth.pRepeatCause) {
      cause = p
    } else {
      cause = model.causeNames[rng.pick(model.causeWeights)]
    }
    preferredCause = cause
    let days = rng.lognormal(
      median: truth.resolutionMedianDays * rep.resolutionFactor, sigma: truth.resolutionSigma)
    let closed = Timestamp(seconds: opened.seconds + Int64(days * 86_400))
    let isClosed = closed.day <= model.end
    // Escalations.
    var escalated: (Timestamp, String)?
    if days > 10, rng.chance(0.5) {
      escalated = (
        Timestamp(seconds: opened.seconds + Int64(rng.int(10...min(14, Int(days))) * 86_400)),
        "delay"
      )
    } else if balance > 1_000_000, rng.chance(0.35) {
      escalated = (Timestamp(seconds: opened.seconds + Int64(rng.int(1...3)) * 86_400), "amount")
    } else if rng.chance(0.08) {
      let reason = ["customer_request", "documentation_gap", "other"][rng.pick([0.45, 0.4, 0.15])]
      escalated = (Timestamp(seconds: opened.seconds + Int64(rng.int(1...5)) * 86_400), reason)
    }
    if let e = escalated, e.0.day > model.end || (isClosed && e.0 > closed) { escalated = nil }
    // Documentation: complete with the rep's rate, otherwise something is missing.
    let summaries = Names.summaries[cause] ?? ["Billing question"]
    var summary = summaries[rng.int(0...(summaries.count - 1))] + " (\(invoiceId))"
    var investigation = "Checked \(invoiceId) against the order, contract and payment history."
    var resolution = ""
    var confirmed = ""
    if isClosed {
      resolution = "Resolved: corrected billing and confirmed the balance with the customer."
      confirmed = "true"
      if !rng.chance(rep.documentation) {
        switch rng.int(0...3) {
        case 0: summary = ""
        case 1: investigation = "  "
        case 2: resolution = ""
        default: confirmed = rng.chance(0.5) ? "false" : ""
        }
      }
    } else {
      resolution = ""
      if rng.chance(0.3) { investigation = "" }
    }
    rows.cases.append([
      customerId, invoiceId, rep.repId, opened.description, isClosed ? closed.description : "",
      origin, cause, escalated?.0.description ?? "", escalated?.1 ?? "", summary, investigation,
      resolution, confirmed,
    ])
    return closed.day + 1
  }
}

/// One customer's rows, held until the customer row itself is written.
struct Rows {
  var invoices: [[String]] = []
  var payments: [[String]] = []  // without payment_id
  var adjustments: [[String]] = []  // without adjustment_id
  var activities: [[String]] = []  // without activity_id
  var promises: [[String]] = []  // without promise_id
  var cases: [[String]] = []  // without case_id
  var tasks: [[String]] = []  // with task_id

  mutating func nextInvoiceId(_ sink: Sink) -> String {
    let n = (sink.counts[.invoices] ?? 0) + invoices.count + 1
    return "INV-" + Generator.pad(n, 8)
  }

  mutating func nextTaskId(_ sink: Sink) -> String {
    let n = (sink.counts[.tasks] ?? 0) + tasks.count + 1
    return "TSK-" + Generator.pad(n, 8)
  }

  mutating func pay(
    _ customer: String, _ invoice: String, _ day: Day, _ cents: Int64, _ method: String
  ) {
    payments.append([customer, invoice, day.description, Cents.plain(cents), method])
  }

  mutating func adjust(_ invoice: String, _ day: Day, _ cents: Int64, _ kind: String) {
    adjustments.append([invoice, day.description, Cents.plain(cents), kind])
  }

  mutating func activity(
    _ customer: String, _ invoice: String, _ rep: String, _ at: Timestamp, _ channel: String,
    _ direction: String, _ outcome: String
  ) {
    activities.append([customer, invoice, rep, at.description, channel, direction, outcome])
  }

  /// Writes everything in dependency order, assigning ids where the row has none yet.
  func flush(into sink: inout Sink) throws {
    for r in invoices { try sink.emit(.invoices, r) }
    for r in payments { try sink.emit(.payments, [sink.nextId(.payments)] + r) }
    for r in adjustments { try sink.emit(.adjustments, [sink.nextId(.adjustments)] + r) }
    for r in activities { try sink.emit(.activities, [sink.nextId(.activities)] + r) }
    for r in promises { try sink.emit(.promises, [sink.nextId(.promises)] + r) }
    for r in cases { try sink.emit(.cases, [sink.nextId(.cases)] + r) }
    for r in tasks { try sink.emit(.tasks, r) }
  }
}
