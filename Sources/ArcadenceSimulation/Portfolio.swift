import ArcadenceCore
import ArcadenceStore
import Foundation

/// Each customer's billing rhythm: the mean gap between its invoices, its last issue date
/// and the amounts to resample new invoices from (simulation.md, "New invoices").
public struct BillingCadence: Sendable {
  /// Days between invoices per customer (0: not billed in the simulation).
  public var gap: [Int32]
  /// Last issue day per customer.
  public var lastIssued: [Int32]
  /// First issue day per customer (`Int32.max` for none).
  public var firstIssued: [Int32] = []
  /// The longest silence after which a customer still counts as billed, days (0 for a
  /// customer with nothing to bill at): ``silenceLimit(gap:longest:)``.
  public var silenceLimit: [Int32] = []
  /// Start of each customer's amounts in `amounts` (`amountStart[c + 1]` is the end).
  public var amountStart: [Int32]
  /// Recent invoice amounts (cents), the last twelve per customer, at the level of `until`
  /// when the amounts drift (``AmountDrift``).
  public var amounts: [Int64]
  /// Days of exposure per invoice per customer, the rate it is billed at while billed (0 for
  /// none; ``gaps(_:until:starts:)``): the fixed schedule's spacing, and the mean the
  /// renewal's drawn gaps are scaled to (``BillingResumption``).
  public var exposureGap: [Int32] = []
  /// Days between invoices per customer whether or not it is still billed: its mean gap, the
  /// typical gap for a customer with one invoice, 0 for none (``BillingResumption`` bills a
  /// customer the cadence calls gone at this rhythm when the book shows such customers
  /// coming back).
  public var rhythm: [Int32] = []
  /// Whether the amounts drift, and whether `amounts` were moved to the level of `until` for it.
  public var amountDrift = AmountDrift.off

  /// The gap customer `c`'s renewal bills at: its gap while billed, else its rhythm (its gap
  /// when no rhythm was fitted). The one choice of ``Portfolio``'s slots and
  /// ``BillingResumption``'s measurement.
  public func renewalGap(_ c: Int) -> Int32 {
    gap[c] > 0 || c >= rhythm.count ? gap[c] : rhythm[c]
  }

  /// Fits the cadence from invoices issued up to `until`. A customer is billed in the
  /// simulation when its last invoice is at most two gaps, 45 days or its longest gap so far
  /// old (whichever is longest), its gap the mean of its own gaps, and it is billed at its
  /// exposure's rate (``gaps(_:until:starts:)``); a customer with a single invoice (a new one)
  /// at the median of all customers' gaps. O(invoices · log invoices).
  public static func fit(ledger l: Ledger, until: Day) -> BillingCadence {
    let u = until.rawValue
    let n = l.customerIds.count
    var days = [[Int32]](repeating: [], count: n)
    var amts = [[Int64]](repeating: [], count: n)
    for i in l.invoiceIssued.indices where l.invoiceIssued[i] <= u {
      let c = Int(l.invoiceCustomer[i])
      days[c].append(l.invoiceIssued[i])
      amts[c].append(l.invoiceAmount[i])
    }
    var out = BillingCadence(gap: [], lastIssued: [], amountStart: [0], amounts: [])
    let sorted = (0..<n).map { c in
      days[c].indices.sorted { (days[c][$0], $0) < (days[c][$1], $1) }
    }
    let rows = (0..<n).map { c in sorted[c].map { (day: days[c][$0], amount: amts[c][$0]) } }
    let starts = windowStarts(rows, created: l.customerCreated)
    let fitted = gaps(rows, until: u, starts: starts)
    (out.gap, out.rhythm, out.exposureGap) = (fitted.gap, fitted.rhythm, fitted.exposureGap)
    out.silenceLimit = fitted.limit
    out.firstIssued = rows.map { $0.first?.day ?? Int32.max }
    let drift = AmountDrift.measure(rows, until: u, starts: starts)
    out.amountDrift = drift
    for c in 0..<n {
      out.lastIssued.append(rows[c].last?.day ?? Int32.min)
      out.amounts.append(
        contentsOf: rows[c].suffix(AmountDrift.pool).map {
          AmountDrift.scaled($0.amount, by: drift.factor(from: Double($0.day), to: Double(u)))
        })
      out.amountStart.append(Int32(out.amounts.count))
    }
    return out
  }

  /// The first day each customer's billing is counted from (``gaps(_:until:starts:)``): the
  /// ledger's first invoice or the customer's creation, whichever is later, and never after
  /// the customer's own first invoice (a creation date after it is not believed). `rows` as
  /// in ``gaps(_:until:starts:)``; `created` per customer (the ledger's `customerCreated`).
  static func windowStarts(_ rows: [[(day: Int32, amount: Int64)]], created: [Int32]) -> [Int32] {
    let ledgerStart = rows.compactMap { $0.first?.day }.min() ?? 0
    return rows.indices.map { c in
      let first = rows[c].first?.day ?? Int32.max
      let born = c < created.count ? max(ledgerStart, created[c]) : ledgerStart
      return min(born, first)
    }
  }

  /// Each customer's gap while billed at `u` (0: not billed), its rhythm, its exposure gap and
  /// its silence limit (``silenceLimit(gap:longest:)``, 0 with nothing to bill at), from its
  /// invoices (days ascending) issued up to `u` and the day its billing is counted from
  /// (`starts`, ``windowStarts(_:created:)``): the rules of ``fit(ledger:until:)``, in one
  /// place for it, ``Churn`` and ``AmountDrift``'s billing-season check. O(invoices).
  ///
  /// Whether a customer is still billed is judged on the mean of its gaps (from its first to
  /// its last invoice), as it always was. The *rate* it is billed at is its exposure ÷ its
  /// invoices, `(u − start + 1) ÷ n`: a stationary renewal process has `E[N(T)] = T ÷ μ` over
  /// any window of `T` days whatever the spread of its gaps, so invoices per day of exposure
  /// is the rate for a monthly subscription and for one-off orders alike. The gaps between the
  /// first and last invoice leave out both ends: for irregular (Poisson-like) billing `E[last −
  /// first] = T (n − 1) ÷ (n + 1)`, so their mean read the rate about `2 ÷ n` too high, and
  /// the silence since the last invoice counts as exposure (a customer that has slowed down
  /// is billed slower). Measured: Benchmarks/accuracy.md, "The shock and the billing rate".
  /// (The median gap would over-bill more: real gaps are irregular, mean ≈ 1.4 × median on
  /// IBM's ledger.) The status stays on the mean gap because the exposure gap, longer for an
  /// irregular biller, would also lengthen the silence a customer is forgiven: judged on it,
  /// customers that had stopped stayed billed (market world 6's first cutoff: future billing
  /// +4.4 → +13 % of the 90 days' cash).
  static func gaps(
    _ rows: [[(day: Int32, amount: Int64)]], until u: Int32, starts: [Int32]
  ) -> (gap: [Int32], rhythm: [Int32], exposureGap: [Int32], limit: [Int32]) {
    var own = [Int32](repeating: 0, count: rows.count)
    var exposed = [Int32](repeating: 0, count: rows.count)
    var longest = [Int64](repeating: 0, count: rows.count)
    for (c, r) in rows.enumerated() {
      if r.count >= 2, let first = r.first?.day, let last = r.last?.day, last > first {
        let mean = (Double(last) - Double(first)) / Double(r.count - 1)
        own[c] = Int32(max(1, mean.rounded()))
        let exposure = Double(u) - Double(min(starts[c], first)) + 1
        exposed[c] = Int32(max(1, (exposure / Double(r.count)).rounded()))
        longest[c] = zip(r.dropFirst(), r).map { Int64($0.day) - Int64($1.day) }.max() ?? 0
      }
    }
    let typical = Int32(
      (Statistics.median(own.filter { $0 > 0 }.map(Double.init)) ?? 0).rounded())
    var gap: [Int32] = []
    var rhythm: [Int32] = []
    var exposureGap: [Int32] = []
    var limit: [Int32] = []
    for (c, r) in rows.enumerated() {
      let g = r.count >= 2 ? own[c] : (r.count == 1 ? typical : 0)
      let l = g > 0 ? silenceLimit(gap: g, longest: longest[c]) : 0
      let billed = g > 0 && r.last.map { Int64(u) - Int64($0.day) <= Int64(l) } == true
      gap.append(billed ? g : 0)
      rhythm.append(g)
      exposureGap.append(r.count >= 2 ? exposed[c] : g)
      limit.append(l)
    }
    return (gap, rhythm, exposureGap, limit)
  }

  /// The longest silence after which a customer with mean gap `gap` and longest gap so far
  /// `longest` still counts as billed: two gaps, 45 days or its longest gap, whichever is
  /// longest (with irregular gaps a silence of twice the mean is common). The one rule of the
  /// cadence's status and of ``Churn``'s ends.
  static func silenceLimit(gap: Int32, longest: Int64) -> Int32 {
    Int32(clamping: max(2 * Int64(gap), 45, longest))
  }
}

/// The start state of a simulation: every invoice open at the start date with what the
/// model needs about it, the customers, and the invoices their billing cadence will issue
/// over the horizon (simulation.md, "Model").
///
/// All days are offsets from ``start`` (day 0 is the first simulated day); invoices
/// `0..<openCount` are open at the start, the rest are issued during the horizon (their
/// amounts are drawn per path). Flat arrays, one entry per invoice or customer.
public struct Portfolio: Sendable {
  /// The first simulated day.
  public var start: Day
  /// Segment index of each customer.
  public var customerSegment: [Int32]
  /// Whether each customer is on auto-pay at the start.
  public var customerAutopay: [Bool]
  /// Start of each customer's amounts in `amounts` (for new invoices).
  public var amountStart: [Int32]
  /// Amounts (cents) new invoices are resampled from, at the level of the day before the start.
  public var amounts: [Int64]
  /// The drift a new invoice's resampled amount follows after that day (``AmountDrift``).
  public var amountDrift = AmountDrift.off

  /// Invoices open at the start (the first ones).
  public var openCount: Int
  /// Customer of each invoice.
  public var invoiceCustomer: [Int32]
  /// Balance at the start (cents; 0 for invoices issued later).
  public var invoiceBalance: [Int64]
  /// Issue day offset (negative for invoices issued before the start).
  public var invoiceIssue: [Int32]
  /// Due day offset.
  public var invoiceDue: [Int32]
  /// Index in the ledger, or −1 for invoices issued in the simulation.
  public var invoiceLedger: [Int32]
  /// Offset of the day an open dispute was opened (≤ −1), or `Int32.min` for none.
  public var disputeOpened: [Int32]
  /// Offset of an open promise's promised day (≥ 0), or `Int32.max` for none.
  public var promiseDay: [Int32]
  /// Start of each open invoice's recent outbound contacts in `contactDay`.
  public var contactStart: [Int32]
  /// Offsets (≤ −1) of recent outbound contacts (and of the day after a dispute was
  /// resolved), for the lifts still running at the start.
  public var contactDay: [Int32]
  /// Whether each of those contacts reached the customer.
  public var contactReached: [Bool]

  /// Renewal billing: the number of invoice slots, the last invoices, whose issue days each
  /// path draws (0 when billing is the fixed schedule). A slot's `invoiceIssue` is 0 and its
  /// `invoiceDue` the customer's terms; the simulator moves both per path.
  public var slotCount = 0
  /// The first renewal slot (``invoiceCount`` when there are none).
  public var slotStart: Int { invoiceCount - slotCount }
  /// Start of each customer's slots (offsets from ``slotStart``; `customers + 1` entries).
  public var renewalSlots: [Int32] = []
  /// Start of each customer's gaps in ``renewalGaps`` (`customers + 1` entries).
  public var renewalGapStart: [Int32] = []
  /// The days between each renewal-billed customer's invoices (its last 24 gaps; a customer
  /// with one invoice has the median of all customers' mean gaps).
  public var renewalGaps: [Int32] = []
  /// Days from each customer's last invoice to the start (≥ 1).
  public var renewalAge: [Int32] = []
  /// The chance per path that each customer bills at all (``BillingResumption``: below 1 for
  /// a customer silent longer than any of its gaps or lapsed); empty: every one bills.
  public var renewalChance: [Double] = []
  /// What the chances were measured as (``BillingResumption/off`` without renewal billing).
  public var resumption = BillingResumption.off
  /// The chance per day that a billed customer stops billing for good (``Churn``; off without
  /// renewal billing).
  public var churn = Churn.off

  /// A portfolio of open invoices stated by hand (no customers billed, no disputes, no
  /// promises, no contacts), for tests and what-ifs.
  public init(
    start: Day, customerSegment: [Int32], customerAutopay: [Bool]? = nil,
    invoiceCustomer: [Int32], invoiceBalance: [Int64], invoiceDue: [Int32],
    invoiceIssue: [Int32]? = nil
  ) {
    self.start = start
    self.customerSegment = customerSegment
    self.customerAutopay =
      customerAutopay ?? [Bool](repeating: false, count: customerSegment.count)
    amountStart = [Int32](repeating: 0, count: customerSegment.count + 1)
    amounts = []
    openCount = invoiceBalance.count
    self.invoiceCustomer = invoiceCustomer
    self.invoiceBalance = invoiceBalance
    self.invoiceIssue = invoiceIssue ?? invoiceDue.map { min($0, 0) - 30 }
    self.invoiceDue = invoiceDue
    invoiceLedger = [Int32](repeating: -1, count: invoiceBalance.count)
    disputeOpened = [Int32](repeating: Int32.min, count: invoiceBalance.count)
    promiseDay = [Int32](repeating: Int32.max, count: invoiceBalance.count)
    contactStart = [Int32](repeating: 0, count: invoiceBalance.count + 1)
    contactDay = []
    contactReached = []
  }

  /// Number of invoices, open and to be issued.
  public var invoiceCount: Int { invoiceBalance.count }

  /// The most one path can sum in cents: the simulation keeps its totals (cash, credit
  /// sales, ending balance) in 64-bit cents, with room for two of them added.
  public static let summable = Int64.max / 4

  /// An upper bound of what one path could owe and bill, in cents (a Double: it may exceed
  /// 64 bits): the open balance plus, for every invoice to be issued, its customer's largest
  /// pooled amount, × the drift's largest factor when new invoices follow one. Nil when it
  /// is within ``summable``. O(invoices + amounts).
  public var mostBilled: Double? {
    var largest = [Double](repeating: 0, count: max(0, amountStart.count - 1))
    for c in largest.indices {
      for k in Int(amountStart[c])..<Int(amountStart[c + 1]) {
        largest[c] = max(largest[c], Double(amounts[k]))
      }
    }
    let factor = amountDrift.isUsed ? AmountDrift.maxFactor : 1
    var total = invoiceBalance[..<openCount].reduce(0) { $0 + Double($1) }
    for i in openCount..<invoiceCount {
      let c = Int(invoiceCustomer[i])
      if c < largest.count { total += largest[c] * factor }
    }
    return total > Double(Self.summable) ? total : nil
  }

  /// The portfolio at the end of `start − 1` in the store, with the new invoices billed over
  /// `horizon` days when `newInvoices`. Only data up to `start − 1` is read, so a backtest
  /// can start inside the data. O(invoices + rows).
  ///
  /// With `renewal`, billing is a renewal process drawn per path instead of the fixed
  /// mean-gap schedule: each billed customer gets slots, and each path draws its next issue
  /// day from the customer's own gaps given the time since its last invoice (a gap at least
  /// that long), then the following ones independently. Why: real gaps are irregular
  /// (coefficient of variation ≈ 1 on IBM's ledger), so how many invoices a customer sends in
  /// 90 days is itself uncertain; the fixed schedule sent the same invoices on every path and
  /// the band of the total was too narrow to contain the actual (33 % of IBM's cutoffs).
  public init(
    ledger l: Ledger, links: InvoiceLinks, segments: [String], start: Day, horizon: Int,
    newInvoices: Bool, renewal: Bool = false
  ) {
    // long-function: fills the portfolio's parallel arrays in one pass over the open invoices
    // and one over the customers (billing, renewal slots); the passes share those arrays.
    let s = start.rawValue
    let prev = s - 1
    var lookup: [String: Int32] = [:]
    for (k, n) in segments.enumerated() { lookup[n] = Int32(k) }
    self.start = start
    customerSegment = l.customerSegments.map { lookup[$0 ?? "unassigned"] ?? 0 }
    customerAutopay = l.customerIds.indices.map { l.autopayEnrolled($0, at: prev) }
    let billing = BillingCadence.fit(ledger: l, until: Day(rawValue: prev))
    amountStart = billing.amountStart
    amounts = billing.amounts
    amountDrift = billing.amountDrift

    // Open disputes and promises per invoice, as of the end of `start − 1`.
    var disputes: [Int32: Int32] = [:]
    var resolved: [Int32: [Int32]] = [:]
    for k in l.caseInvoice.indices where l.caseInvoice[k] >= 0 {
      let opened = Timestamp(seconds: l.caseOpenedAt[k]).day.rawValue
      let closed = l.caseClosedAt[k].map { Timestamp(seconds: $0).day.rawValue } ?? Int32.max
      // A dispute resolved recently engages the customer like a contact the day after.
      if closed < prev, closed + 1 > prev - 60 {
        resolved[l.caseInvoice[k], default: []].append(closed + 1)
      }
      guard opened <= prev, closed > prev else { continue }
      let i = l.caseInvoice[k]
      disputes[i] = min(disputes[i] ?? Int32.max, opened - s)
    }
    var promises: [Int32: Int32] = [:]
    for k in links.promiseInvoice.indices {
      guard links.promiseMade[k] <= prev, links.promisePromised[k] >= s else { continue }
      promises[links.promiseInvoice[k]] = links.promisePromised[k] - s
    }
    let contacts = Calibration.ranges(links.activityInvoice, count: l.invoiceAmount.count)

    invoiceCustomer = []
    invoiceBalance = []
    invoiceIssue = []
    invoiceDue = []
    invoiceLedger = []
    disputeOpened = []
    promiseDay = []
    contactStart = [0]
    contactDay = []
    contactReached = []
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= prev {
      let b = l.balance(i, at: prev)
      guard b > 0 else { continue }
      let c = l.invoiceCustomer[i]
      invoiceCustomer.append(c)
      invoiceBalance.append(b)
      invoiceIssue.append(l.invoiceIssued[i] - s)
      invoiceDue.append(l.invoiceDue[i] - s)
      invoiceLedger.append(Int32(i))
      disputeOpened.append(disputes[Int32(i)] ?? Int32.min)
      promiseDay.append(promises[Int32(i)] ?? Int32.max)
      for k in contacts[i] where links.activityOutbound[k] {
        let d = links.activityDay[k]
        guard d <= prev, d > prev - 60 else { continue }
        contactDay.append(d - s)
        contactReached.append(Vocabulary.reachedOutcomes.contains(links.activityOutcome[k]))
      }
      for d in resolved[Int32(i)] ?? [] {
        contactDay.append(d - s)
        contactReached.append(true)
      }
      contactStart.append(Int32(contactDay.count))
    }
    openCount = invoiceBalance.count

    // New invoices on each billed customer's cadence.
    guard newInvoices else { return }
    if renewal {
      resumption = BillingResumption.measure(ledger: l, start: start, horizon: horizon)
      churn = Churn.measure(ledger: l, billing: billing, start: start, resumption: resumption)
      addRenewalSlots(ledger: l, billing: billing, start: s, horizon: horizon)
      return
    }
    var scheduled: [(day: Int32, customer: Int32)] = []
    for c in l.customerIds.indices
    where billing.gap[c] > 0 && billing.amountStart[c + 1] > billing.amountStart[c] {
      // Billed while its mean gap says so, at its exposure's rate.
      let every = max(1, billing.exposureGap[c])
      var d = billing.lastIssued[c] + every
      while d < s { d += every }
      while d < s + Int32(horizon) {
        scheduled.append((d - s, Int32(c)))
        d += every
      }
    }
    scheduled.sort { ($0.day, $0.customer) < ($1.day, $1.customer) }
    for (day, c) in scheduled {
      invoiceCustomer.append(c)
      invoiceBalance.append(0)
      invoiceIssue.append(day)
      invoiceDue.append(day + l.customerTerms[Int(c)])
      invoiceLedger.append(-1)
      disputeOpened.append(Int32.min)
      promiseDay.append(Int32.max)
      contactStart.append(Int32(contactDay.count))
    }
  }

  /// The slots of renewal billing (see ``init(ledger:links:segments:start:horizon:newInvoices:renewal:)``):
  /// per billed customer, 3 × the invoices the mean of its drawn gaps issues over the horizon
  /// + 3 (``BillingResumption/slots(horizon:gaps:)``; a path that would issue more is cut
  /// there). O(invoices · log invoices).
  mutating func addRenewalSlots(
    ledger l: Ledger, billing: BillingCadence, start s: Int32, horizon: Int
  ) {
    let n = l.customerIds.count
    var days = [[Int32]](repeating: [], count: n)
    for i in l.invoiceIssued.indices where l.invoiceIssued[i] < s {
      days[Int(l.invoiceCustomer[i])].append(l.invoiceIssued[i])
    }
    let first = invoiceBalance.count
    renewalSlots = [0]
    renewalGapStart = [0]
    renewalGaps = []
    renewalAge = []
    renewalChance = []
    for c in 0..<n {
      let d = days[c].sorted()
      let r = BillingResumption.renewal(days: d, billing: billing, customer: c, start: s)
      let chance: Double =
        switch r.standing {
        case .none: 0
        case .regular: 1
        case .silent: resumption.silent
        case .lapsed: resumption.lapsed
        }
      var k = 0
      if chance > 0 {
        renewalGaps.append(contentsOf: r.gaps)
        renewalAge.append(r.age)
        k = BillingResumption.slots(horizon: horizon, gaps: r.gaps)
      } else {
        renewalAge.append(0)
      }
      renewalChance.append(chance)
      for _ in 0..<k {
        invoiceCustomer.append(Int32(c))
        invoiceBalance.append(0)
        invoiceIssue.append(0)
        invoiceDue.append(l.customerTerms[c])
        invoiceLedger.append(-1)
        disputeOpened.append(Int32.min)
        promiseDay.append(Int32.max)
        contactStart.append(Int32(contactDay.count))
      }
      renewalSlots.append(renewalSlots[c] + Int32(k))
      renewalGapStart.append(Int32(renewalGaps.count))
    }
    slotCount = invoiceBalance.count - first
  }

  /// A uniform random sample of the book: `count` of the invoices open at the start, drawn
  /// without replacement, and each invoice to be issued in the horizon kept with the same
  /// probability `count ÷ openCount`, so the sample is a thinning of the whole book with its
  /// mix of ages, segments, disputes and promises. Customers (segments, auto-pay, billing
  /// amounts) are kept whole. The draws are Philox4x32-10 keyed by `seed` (decision
  /// ``Decision/sample``, one block per invoice), so the same seed picks the same invoices.
  /// `count` must be at most ``openCount``; the order of the kept invoices is unchanged.
  /// O(invoices · log invoices).
  public func sample(openInvoices count: Int, seed: UInt64) -> Portfolio {
    precondition(count >= 0 && count <= openCount, "sample larger than the open book")
    let philox = Philox4x32(seed: seed)
    func key(_ i: Int) -> (UInt32, UInt32, UInt32, UInt32) {
      philox.draw(path: 0, invoice: i, day: 0, decision: .sample)
    }
    // The open invoices with the `count` smallest keys (ties by index).
    let ranked = (0..<openCount).map { i -> (Double, Int) in
      let w = key(i)
      return (Philox4x32.unit(w.0, w.1), i)
    }.sorted { $0 < $1 }
    var keep = ranked.prefix(count).map(\.1).sorted()
    let share = openCount > 0 ? Double(count) / Double(openCount) : 0
    for i in openCount..<slotStart {
      let w = key(i)
      if Philox4x32.unit(w.2, w.3) < share { keep.append(i) }
    }
    // Renewal slots are the customers' (kept whole, like their amounts).
    keep.append(contentsOf: slotStart..<invoiceCount)
    var out = self
    out.openCount = count
    out.invoiceCustomer = keep.map { invoiceCustomer[$0] }
    out.invoiceBalance = keep.map { invoiceBalance[$0] }
    out.invoiceIssue = keep.map { invoiceIssue[$0] }
    out.invoiceDue = keep.map { invoiceDue[$0] }
    out.invoiceLedger = keep.map { invoiceLedger[$0] }
    out.disputeOpened = keep.map { disputeOpened[$0] }
    out.promiseDay = keep.map { promiseDay[$0] }
    out.contactStart = [0]
    out.contactDay = []
    out.contactReached = []
    for i in keep {
      for k in Int(contactStart[i])..<Int(contactStart[i + 1]) {
        out.contactDay.append(contactDay[k])
        out.contactReached.append(contactReached[k])
      }
      out.contactStart.append(Int32(out.contactDay.count))
    }
    return out
  }

  /// The start state as CSV, one row per invoice, for tools outside the product (the NumPy
  /// reference model in `Benchmarks/numpy`) and for people checking what a run started from.
  ///
  /// Columns: `kind` (`open` at the start, `new` when billed in the horizon), `ledger_index`
  /// (the invoice's index in the store's ledger, −1 for new ones), `customer` (index in the
  /// ledger), `segment` (name from `segments`), `autopay` (the customer's status at the
  /// start, 0 or 1), `balance` (cents; 0 for new invoices), `issue_day` and `due_day`
  /// (offsets from ``start``), `dispute_opened` and `promise_day` (offsets, empty when
  /// none), `contacts` (recent outbound contacts still lifting the hazard, `day:1` reached or
  /// `day:0` not, separated by `;`) and `amounts` (for new invoices, the customer's amounts
  /// in cents that each path resamples from, separated by `;`; when the book's amounts drift,
  /// ``AmountDrift``, at the level of the invoice's issue day, and for renewal slots, whose
  /// issue day each path draws, at the level of the day before the start). O(invoices +
  /// contacts).
  /// A data file, not a report: fields are quoted as RFC 4180 requires (a segment name with a
  /// comma stays one field) but not neutralised for spreadsheets (`-2:1` stays as it is).
  public func csv(segments: [String]) -> String {
    var out = CSVWriter.line([
      "kind", "ledger_index", "customer", "segment", "autopay", "balance", "issue_day", "due_day",
      "dispute_opened", "promise_day", "contacts", "amounts",
    ])
    for i in 0..<invoiceCount {
      let c = Int(invoiceCustomer[i])
      let seg = Int(customerSegment[c])
      let contacts = (Int(contactStart[i])..<Int(contactStart[i + 1])).map {
        "\(contactDay[$0]):\(contactReached[$0] ? 1 : 0)"
      }
      var pool: [String] = []
      if i >= openCount {
        // On the fixed schedule the issue day is known: the amounts are at its level.
        let day = i < slotStart ? invoiceIssue[i] : Int32.max
        pool = (Int(amountStart[c])..<Int(amountStart[c + 1])).map {
          String(amountDrift.amount(amounts[$0], issueDay: day))
        }
      }
      let fields: [String] = [
        i < openCount ? "open" : "new", String(invoiceLedger[i]), String(c),
        seg < segments.count ? segments[seg] : String(seg), customerAutopay[c] ? "1" : "0",
        String(invoiceBalance[i]), String(invoiceIssue[i]), String(invoiceDue[i]),
        disputeOpened[i] == Int32.min ? "" : String(disputeOpened[i]),
        promiseDay[i] == Int32.max ? "" : String(promiseDay[i]),
        contacts.joined(separator: ";"), pool.joined(separator: ";"),
      ]
      out += CSVWriter.line(fields)
    }
    return out
  }

  /// Balance at the start by ``AgingBucket``.
  public var openByBucket: [Int64] {
    var out = [Int64](repeating: 0, count: AgingBucket.count)
    for i in 0..<openCount { out[AgingBucket.of(dpd: -invoiceDue[i] - 1)] += invoiceBalance[i] }
    return out
  }
}
