import ArcadenceCore
import Foundation

/// A synthetic receivables ledger written from how customers and collections teams behave,
/// not from the simulator's model (simulation.md, "Forecast accuracy": a model that wins only
/// on data produced by its own assumptions has not been validated).
///
/// Nothing here uses days-past-due buckets, daily payment hazards or a contact lift. Each
/// customer pays each invoice after a **lognormal** number of days from issue, with its own
/// location (terms × segment factor × a lognormal customer effect; a share of chronically
/// late customers) and its own scale; the raw date is then moved to the customer's **payment
/// run** (the next Friday, the last weekday of the month, or the next weekday). Some invoices
/// are paid in **instalments** or short-paid, some **disputed** (a case that holds payment until
/// it is resolved, sometimes with a credit memo); a few customers **go bad** and never pay
/// again, and anything still open 180 days past due is **written off**. Billing is irregular:
/// subscriptions with jittered periods and annual price rises, plus **Poisson one-off
/// invoices** with month-end and quarter-end spikes and a yearly **season**. Customers
/// **arrive** through the period and **churn** at a monthly rate. **Reps with a daily
/// capacity choose whom to call** (larger, older balances and customers they get along with
/// first); a reached customer may promise, and a kept promise brings the payment forward.
///
/// Deterministic per seed: customers are drawn from their own xoshiro streams, the reps'
/// days from theirs. Memory holds the whole ledger (O(invoices): about 320 bytes per customer-month, hence
/// at most 100,000 customers and 2,400,000 customer-months).
public enum MarketWorld {
  /// The world's constants; the defaults are what `generate --world market` uses.
  public struct Settings: Sendable {
    /// One customer segment.
    public struct Segment: Sendable {
      /// The segment's name (`customers.segment`).
      public var name: String
      /// Share of customers.
      public var share: Double
      /// Payment terms offered and their weights.
      public var terms: [Int]
      /// Weights of `terms`.
      public var termsWeights: [Double]
      /// Share of customers on a subscription.
      public var subscriptionShare: Double
      /// Median subscription invoice, cents.
      public var subscriptionMedian: Double
      /// One-off invoices per month (before season and month-end weights).
      public var oneOffsPerMonth: Double
      /// Median one-off invoice, cents.
      public var oneOffMedian: Double
      /// Median days from issue to payment ÷ terms, for an ordinary customer.
      public var delayFactor: Double
      /// Payment methods (`ach`, `card`, `check`, `wire`) and their weights.
      public var methods: [(String, Double)]
    }

    /// Segments.
    public var segments: [Segment] = [
      Segment(
        name: "enterprise", share: 0.15, terms: [45, 60], termsWeights: [0.5, 0.5],
        subscriptionShare: 0.7, subscriptionMedian: 900_000, oneOffsPerMonth: 0.6,
        oneOffMedian: 600_000, delayFactor: 1.15,
        methods: [("wire", 0.5), ("ach", 0.4), ("check", 0.1)]),
      Segment(
        name: "mid_market", share: 0.35, terms: [30, 45], termsWeights: [0.7, 0.3],
        subscriptionShare: 0.6, subscriptionMedian: 250_000, oneOffsPerMonth: 0.5,
        oneOffMedian: 180_000, delayFactor: 1.05,
        methods: [("ach", 0.6), ("check", 0.25), ("card", 0.05), ("wire", 0.1)]),
      Segment(
        name: "small_business", share: 0.5, terms: [15, 30], termsWeights: [0.4, 0.6],
        subscriptionShare: 0.5, subscriptionMedian: 40_000, oneOffsPerMonth: 0.4,
        oneOffMedian: 35_000, delayFactor: 1.0,
        methods: [("ach", 0.35), ("card", 0.35), ("check", 0.3)]),
    ]
    /// Share of customers already trading when the data starts (the rest arrive uniformly).
    public var existingShare = 0.65
    /// Monthly probability that a customer stops buying.
    public var monthlyChurn = 0.012
    /// Log-scale spread of customers' median delay around the segment's.
    public var customerSpread = 0.3
    /// Range of a customer's log-scale spread of one invoice's delay around its median.
    public var invoiceSigma: ClosedRange<Double> = 0.15...0.5
    /// Share of chronically late customers and how much later they pay.
    public var chronicLateShare = 0.12
    /// Factor on a chronically late customer's median delay.
    public var chronicLateFactor = 1.7
    /// Share of customers that go bad at some day and never pay an invoice issued after it.
    public var goBadShare = 0.025
    /// Days past due at which an open balance is written off.
    public var writeOffAge = 180
    /// Shares of customers paying in a Friday run and in a month-end run (the rest pay on
    /// any weekday).
    public var fridayRunShare = 0.45
    /// Share of customers paying in a month-end run.
    public var monthEndRunShare = 0.2
    /// Share of invoices paid in two or three instalments.
    public var instalmentShare = 0.06
    /// Share of invoices short-paid (the rest later, or credited).
    public var shortPayShare = 0.05
    /// Share of invoices disputed by the customer soon after issue.
    public var disputeShare = 0.04
    /// Share of customers enrolling in auto-pay.
    public var autopayShare = 0.12
    /// Calls a rep makes on a working day (each rep 0.7–1.3 × this).
    public var callsPerRepDay = 18.0
    /// Share of reached customers who promise to pay.
    public var promiseShare = 0.5
    /// Probability a month brings an unidentified check from a customer.
    public var unappliedMonthly = 0.006

    /// The default world.
    public init() {}
  }

  /// Generates the world into `directory` (created if missing).
  public static func run(
    _ options: GeneratorOptions, settings: Settings = Settings(), into directory: String
  ) throws -> WorldSummary {
    guard options.customers > 0, options.months > 0, options.reps > 0, options.teams > 0,
      options.teams <= options.reps
    else {
      throw ArcadenceError(
        .usage, "customers, months and reps must be positive, with at most one team per rep")
    }
    // The world is drawn in memory: about 320 bytes per customer-month (155 MB for 20,000
    // customers × 24 months).
    guard options.customers <= 100_000, options.months <= 1200,
      options.customers * options.months <= 2_400_000
    else {
      throw ArcadenceError(
        .usage,
        "--customers × --months: at most 100,000 customers and 2,400,000 customer-months "
          + "with --world market (value \(options.customers) × \(options.months))")
    }
    guard options.reps <= 100_000 else {
      throw ArcadenceError(.usage, "--reps: expected 1 to 100,000 (value \(options.reps))")
    }
    guard options.months <= 1200,
      options.endIfInCalendar.map({ $0 < Day.maximum - 400 }) ?? false,
      options.start > Day.minimum + 2000
    else {
      throw ArcadenceError(
        .usage,
        "--start \(options.start) with --months \(options.months): outside the calendar")
    }
    let started = Date()
    var world = MarketLedger(options: options, settings: settings)
    world.build()
    try OutputFile.createDirectory(directory)
    var writers: [Entity: CSVWriter] = [:]
    for e in Entity.allCases {
      let w = try CSVWriter(path: (directory as NSString).appendingPathComponent(e.fileName))
      try w.write(e.columns.map(\.name))
      writers[e] = w
    }
    var sink = Sink(writers: writers)
    try world.emit(into: &sink)
    for w in writers.values { try w.close() }
    return WorldSummary(
      rows: Entity.allCases.map { ($0, sink.counts[$0] ?? 0) },
      seconds: Date().timeIntervalSince(started))
  }
}

/// How a customer's accounts-payable team releases payments.
enum PaymentRun: Sendable {
  case friday, monthEnd, anyWeekday

  /// The first day on or after `day` on which this run pays.
  func day(onOrAfter day: Day) -> Day {
    switch self {
    case .friday:
      return day + (4 - day.weekdayFromMonday + 7) % 7
    case .monthEnd:
      let end = MarketLedger.lastWeekdayOfMonth(day)
      return end >= day ? end : MarketLedger.lastWeekdayOfMonth(MarketLedger.monthEnd(day) + 1)
    case .anyWeekday:
      switch day.weekdayFromMonday {
      case 5: return day + 2
      case 6: return day + 1
      default: return day
      }
    }
  }
}

/// The whole world in memory while it is drawn.
struct MarketLedger {
  struct Customer {
    var segment: Int
    var rep: Int
    var terms: Int
    var createdOn: Day
    var stopsBuying: Day
    var goesBad: Day?
    var autopayOn: Day?
    var autopayOff: Day?
    var medianDelay: Double
    var sigma: Double
    var run: PaymentRun
    var method: String
    /// How easily the rep reaches and persuades this customer (0–1); reps know it.
    var rapport: Double
    var name: String
    var unapplied: [(Day, Int64)] = []
  }

  struct Part {
    var day: Day
    var cents: Int64
  }

  struct Dispute {
    var opened: Timestamp
    var days: Int
    var origin: String
    var cause: String
    var credit: Int64
    var escalation: (Int, String)?
    var confirmed: Bool
  }

  struct Call {
    var at: Timestamp
    var outcome: String
  }

  struct Promise {
    var made: Day
    var promised: Day
    var cents: Int64
  }

  struct Invoice {
    var customer: Int
    var issued: Day
    var due: Day
    var amount: Int64
    var autopay: Bool
    var parts: [Part] = []
    var credit: Part?
    var dispute: Dispute?
    var calls: [Call] = []
    var promises: [Promise] = []
    var lastCall: Day?
  }

  let options: GeneratorOptions
  let settings: MarketWorld.Settings
  let start: Day
  let end: Day
  var customers: [Customer] = []
  var invoices: [Invoice] = []
  var repNames: [(String, String)] = []

  init(options: GeneratorOptions, settings: MarketWorld.Settings) {
    self.options = options
    self.settings = settings
    start = options.start
    end = options.end
  }

  static func monthEnd(_ day: Day) -> Day {
    let (y, m, _) = day.civil
    return Day(year: y, month: m, day: Day.daysInMonth(year: y, month: m)) ?? day
  }

  static func lastWeekdayOfMonth(_ day: Day) -> Day {
    let e = monthEnd(day)
    switch e.weekdayFromMonday {
    case 5: return e - 1
    case 6: return e - 2
    default: return e
    }
  }

  mutating func build() {
    var repRng = Xoshiro(seed: options.seed ^ 0x6D61_726B_6574, stream: 0)
    let perTeam = (options.reps + options.teams - 1) / options.teams
    repNames = (0..<options.reps).map { i in
      let name =
        Names.firstNames[repRng.int(0...(Names.firstNames.count - 1))] + " "
        + Names.lastNames[repRng.int(0...(Names.lastNames.count - 1))]
      let t = i / perTeam
      return (name, t < Names.teams.count ? Names.teams[t] : "Team \(t + 1)")
    }
    for i in 0..<options.customers {
      var rng = Xoshiro(seed: options.seed ^ 0x6D61_726B_6574, stream: UInt64(i) + 1)
      drawCustomer(&rng)
      drawInvoices(of: customers.count - 1, &rng)
    }
    workTheCalls()
  }

  // MARK: - Customers and billing

  mutating func drawCustomer(_ rng: inout Xoshiro) {
    let s = settings
    let seg = rng.pick(s.segments.map(\.share))
    let spec = s.segments[seg]
    let span = end - start
    let created: Day
    let buysFrom: Day
    if rng.chance(s.existingShare) {
      created = start - rng.int(30...1500)
      buysFrom = start
    } else {
      created = start + rng.int(0...max(0, span - 30))
      buysFrom = created
    }
    let dailyChurn = 1 - pow(1 - s.monthlyChurn, 1 / 30.44)
    // Geometric days until churn (a rate outside (0, 1) means never: the data ends first).
    var stops =
      buysFrom
      + (dailyChurn > 0 && dailyChurn < 1 ? min(rng.geometric(dailyChurn), 40_000) : 40_000)
    var goesBad: Day?
    if rng.chance(s.goBadShare) {
      let bad = buysFrom + rng.int(0...max(0, end - buysFrom))
      goesBad = bad
      stops = min(stops, bad + 90)  // credit hold
    }
    var autopayOn: Day?
    var autopayOff: Day?
    if rng.chance(s.autopayShare) {
      let on = created + rng.int(0...240)
      if on <= end {
        autopayOn = on
        let off = on + 1 + min(rng.geometric(1.0 / 900), 40_000)
        if off <= end { autopayOff = off }
      }
    }
    let chronic = rng.chance(s.chronicLateShare)
    let terms = spec.terms[rng.pick(spec.termsWeights)]
    let median =
      Double(terms) * spec.delayFactor * exp(s.customerSpread * rng.normal())
      * (chronic ? s.chronicLateFactor : 1)
    let sigma =
      s.invoiceSigma.lowerBound
      + (s.invoiceSigma.upperBound - s.invoiceSigma.lowerBound) * rng.uniform()
    let u = rng.uniform()
    let run: PaymentRun =
      u < s.fridayRunShare
      ? .friday : u < s.fridayRunShare + s.monthEndRunShare ? .monthEnd : .anyWeekday
    let method = spec.methods[rng.pick(spec.methods.map(\.1))].0
    // Rapport is higher with customers who pay on time anyway: the confounder a naive lift
    // estimate falls into.
    let rapport = min(
      1, max(0, 0.5 - (chronic ? 0.25 : 0) + 0.15 * rng.normal()))
    let a = Names.first[rng.int(0...(Names.first.count - 1))]
    let b = Names.second[rng.int(0...(Names.second.count - 1))]
    let c = Names.suffixes[rng.int(0...(Names.suffixes.count - 1))]
    var customer = Customer(
      segment: seg, rep: rng.int(0...(options.reps - 1)), terms: terms, createdOn: created,
      stopsBuying: stops, goesBad: goesBad, autopayOn: autopayOn, autopayOff: autopayOff,
      medianDelay: median, sigma: sigma, run: run, method: method, rapport: rapport,
      name: c.isEmpty ? "\(a) \(b)" : "\(a) \(b) \(c)")
    var month = buysFrom
    while month <= end {
      if rng.chance(s.unappliedMonthly) {
        let day = run.day(onOrAfter: month + rng.int(0...27))
        if day <= end { customer.unapplied.append((day, Int64(rng.int(2_000...40_000)))) }
      }
      month = month + 30
    }
    customers.append(customer)
  }

  /// Seasonal factor of one-off billing: highest in November, lowest in May, and a quiet
  /// second half of December.
  static func season(_ day: Day) -> Double {
    let (_, m, d) = day.civil
    let base = 1 + 0.25 * cos(2 * Double.pi * Double(m - 11) / 12)
    return m == 12 && d > 18 ? base * 0.4 : base
  }

  /// Month-end and quarter-end spike of one-off billing (the last three days of a month).
  static func periodEndWeight(_ day: Day) -> Double {
    let (_, m, d) = day.civil
    guard monthEnd(day) - day < 3, d > 25 else { return 1 }
    return m % 3 == 0 ? 5 : 3
  }

  mutating func drawInvoices(of index: Int, _ rng: inout Xoshiro) {
    let c = customers[index]
    let spec = settings.segments[c.segment]
    let from = max(start, c.createdOn)
    let last = min(end, c.stopsBuying)
    guard from <= last else { return }
    var issues: [(Day, Int64)] = []
    let subscribed = rng.chance(spec.subscriptionShare)
    if subscribed {
      let quarterly = rng.chance(0.25)
      let period = quarterly ? 91.3 : 30.44
      let base = rng.lognormal(median: spec.subscriptionMedian, sigma: 0.8)
      let raises = rng.chance(0.6)
      var day = from + rng.int(0...Int(period))
      while day <= last {
        let years = Double(max(0, day - c.createdOn) / 365)
        let amount = base * (raises ? pow(1.05, years) : 1) * exp(0.08 * rng.normal())
        issues.append((day, max(100, Int64(amount.rounded()))))
        day = day + max(Int(period / 2), Int((period + period * 0.08 * rng.normal()).rounded()))
      }
    }
    let rate = spec.oneOffsPerMonth * (subscribed ? 1 : 2.5) / 30.44
    var day = from
    while day <= last {
      if day.weekdayFromMonday < 5,
        rng.chance(min(1, rate * 7 / 5 * Self.season(day) * Self.periodEndWeight(day)))
      {
        let amount = rng.lognormal(median: spec.oneOffMedian, sigma: 1.0)
        issues.append((day, max(100, Int64(amount.rounded()))))
      }
      day = day + 1
    }
    issues.sort { $0.0 < $1.0 }
    for (issued, amount) in issues {
      invoices.append(drawInvoice(customer: index, issued: issued, amount: amount, &rng))
    }
  }

  func autopayActive(_ c: Customer, on day: Day) -> Bool {
    guard let on = c.autopayOn, on <= day else { return false }
    return c.autopayOff.map { $0 > day } ?? true
  }

  /// One invoice and how it will be paid if nobody calls.
  func drawInvoice(customer index: Int, issued: Day, amount: Int64, _ rng: inout Xoshiro)
    -> Invoice
  {
    let s = settings
    let c = customers[index]
    let due = issued + c.terms
    let autopay = autopayActive(c, on: due)
    var inv = Invoice(customer: index, issued: issued, due: due, amount: amount, autopay: autopay)
    if autopay {
      inv.parts = [Part(day: due, cents: amount)]
      return inv
    }
    if let bad = c.goesBad, issued >= bad { return inv }
    let delay = max(1, Int(rng.lognormal(median: c.medianDelay, sigma: c.sigma).rounded()))
    guard delay <= c.terms + s.writeOffAge else { return inv }
    let first = c.run.day(onOrAfter: issued + delay)
    let u = rng.uniform()
    if u < s.instalmentShare, amount >= 200 {
      let n = rng.chance(0.5) ? 2 : 3
      let each = amount / Int64(n)
      var day = first
      for k in 0..<n {
        let cents = k == n - 1 ? amount - each * Int64(n - 1) : each
        inv.parts.append(Part(day: day, cents: cents))
        day = c.run.day(onOrAfter: day + rng.int(14...31))
      }
    } else if u < s.instalmentShare + s.shortPayShare, amount >= 200 {
      let paid = Int64((Double(amount) * (0.7 + 0.25 * rng.uniform())).rounded())
      inv.parts.append(Part(day: first, cents: paid))
      if rng.chance(0.6) {
        inv.parts.append(
          Part(day: c.run.day(onOrAfter: first + rng.int(20...45)), cents: amount - paid))
      } else {
        inv.credit = Part(day: first + rng.int(10...30), cents: amount - paid)
      }
    } else {
      inv.parts = [Part(day: first, cents: amount)]
    }
    if rng.chance(s.disputeShare) {
      let opened = issued + rng.int(3...25)
      dispute(
        &inv, opened: Timestamp(day: opened, hour: rng.int(14...22), minute: rng.int(0...59)),
        origin: rng.chance(0.5) ? "inbound_email" : "inbound_phone", &rng)
    }
    return inv
  }

  static let causes: [(String, Double)] = [
    ("invoice_discrepancy", 0.24), ("pricing", 0.16), ("missing_po", 0.14),
    ("service_issue", 0.12), ("duplicate_billing", 0.07), ("contract_terms", 0.07),
    ("account_setup", 0.06), ("tax_exemption", 0.04), ("payment_misapplied", 0.04),
    ("wrong_contact", 0.03), ("system_error", 0.02), ("other", 0.01),
  ]

  /// Opens a dispute on `inv`: payment waits for the resolution, which may credit part of the
  /// invoice.
  func dispute(_ inv: inout Invoice, opened: Timestamp, origin: String, _ rng: inout Xoshiro) {
    let c = customers[inv.customer]
    let days = max(1, Int(rng.lognormal(median: 12, sigma: 0.7).rounded()))
    let closed = opened.day + days
    // A credit takes part of what is still to be paid; a short-pay credit already planned
    // stays the only one.
    let future = inv.parts.filter { $0.day >= opened.day }.reduce(Int64(0)) { $0 + $1.cents }
    var credit: Int64 = 0
    if inv.credit == nil, future > 0, rng.chance(0.35) {
      credit =
        rng.chance(0.2) ? future : Int64((Double(future) * (0.1 + 0.5 * rng.uniform())).rounded())
    }
    var escalation: (Int, String)?
    if rng.chance(0.12), days >= 2 {
      let reasons = Vocabulary.escalationReasons
      escalation = (rng.int(1...(days - 1)), reasons[rng.int(0...(reasons.count - 1))])
    }
    // Payments not yet made wait for the resolution; the credit takes the last of them first.
    let release = c.run.day(onOrAfter: closed + rng.int(2...10))
    var parts: [Part] = []
    var toCredit = credit
    for p in inv.parts.reversed() {
      if p.day < opened.day {
        parts.append(p)
        continue
      }
      let cut = min(toCredit, p.cents)
      toCredit -= cut
      if p.cents - cut > 0 { parts.append(Part(day: max(p.day, release), cents: p.cents - cut)) }
    }
    inv.parts = parts.reversed()
    if credit > 0 {
      inv.credit = Part(day: closed, cents: credit)
    } else if let old = inv.credit, old.day >= opened.day {
      inv.credit = Part(day: max(old.day, closed), cents: old.cents)
    }
    inv.dispute = Dispute(
      opened: opened, days: days, origin: origin,
      cause: Self.causes[rng.pick(Self.causes.map(\.1))].0, credit: credit,
      escalation: escalation, confirmed: rng.chance(0.8))
  }

  // MARK: - Reps

  /// Balance of `inv` at the start of `day` (payments and credits before it taken off).
  static func balance(_ inv: Invoice, before day: Day) -> Int64 {
    var b = inv.amount
    for p in inv.parts where p.day < day { b -= p.cents }
    if let cr = inv.credit, cr.day < day { b -= cr.cents }
    return b
  }

  /// Each rep, each working day, calls the past-due invoices it ranks highest, up to its
  /// capacity. A reached customer may promise; a kept promise brings the payment forward.
  mutating func workTheCalls() {
    var byRep: [[Int]] = Array(repeating: [], count: options.reps)
    for (i, inv) in invoices.enumerated() where !inv.autopay {
      byRep[customers[inv.customer].rep].append(i)
    }
    for r in 0..<options.reps {
      var rng = Xoshiro(seed: options.seed ^ 0x6361_6C6C, stream: UInt64(r) + 1)
      let capacity = max(1, Int((settings.callsPerRepDay * (0.7 + 0.6 * rng.uniform())).rounded()))
      let queue = byRep[r].sorted { (invoices[$0].due, $0) < (invoices[$1].due, $1) }
      var next = 0
      var active: [Int] = []
      var day = start
      while day <= end {
        defer { day = day + 1 }
        while next < queue.count, invoices[queue[next]].due < day {
          active.append(queue[next])
          next += 1
        }
        guard day.weekdayFromMonday < 5 else { continue }
        active.removeAll { i in
          Self.balance(invoices[i], before: day) <= 0
            || day - invoices[i].due > settings.writeOffAge
        }
        var ranked: [(Double, Int)] = []
        for i in active {
          let inv = invoices[i]
          if let last = inv.lastCall, day - last < 7 { continue }
          if let d = inv.dispute, d.opened.day <= day, day <= d.opened.day + d.days { continue }
          let c = customers[inv.customer]
          let score =
            log(Double(Self.balance(inv, before: day))) + 0.02 * Double(min(day - inv.due, 90))
            + 3 * c.rapport - log(-log(max(rng.uniform(), 1e-12)))
          ranked.append((score, i))
        }
        ranked.sort { $0 > $1 }
        for (_, i) in ranked.prefix(capacity) { call(i, on: day, &rng) }
      }
    }
  }

  mutating func call(_ i: Int, on day: Day, _ rng: inout Xoshiro) {
    let c = customers[invoices[i].customer]
    let at = Timestamp(day: day, hour: rng.int(13...21), minute: rng.int(0...59))
    invoices[i].lastCall = day
    guard rng.chance(0.2 + 0.5 * c.rapport) else {
      invoices[i].calls.append(Call(at: at, outcome: rng.chance(0.6) ? "no_answer" : "voicemail"))
      return
    }
    let u = rng.uniform()
    if u < settings.promiseShare {
      let promised = c.run.day(onOrAfter: day + rng.int(1...10))
      let owed = Self.balance(invoices[i], before: day + 1)
      invoices[i].calls.append(Call(at: at, outcome: "promise_to_pay"))
      invoices[i].promises.append(Promise(made: day, promised: promised, cents: owed))
      let bad = c.goesBad.map { invoices[i].issued >= $0 } ?? false
      if !bad, rng.chance(0.5 + 0.4 * c.rapport) {
        // Kept: what is still to come is paid on the promised day, if that is sooner.
        var parts = invoices[i].parts.filter { $0.day <= day }
        let rest = invoices[i].parts.filter { $0.day > day }
        if let firstRest = rest.first, promised < firstRest.day {
          parts.append(Part(day: promised, cents: rest.reduce(0) { $0 + $1.cents }))
          invoices[i].parts = parts
        }
      }
    } else if u < settings.promiseShare + 0.05, invoices[i].dispute == nil {
      invoices[i].calls.append(Call(at: at, outcome: "dispute"))
      var inv = invoices[i]
      dispute(&inv, opened: at, origin: "collections", &rng)
      invoices[i] = inv
    } else {
      invoices[i].calls.append(Call(at: at, outcome: "reached"))
    }
  }

  // MARK: - Rows

  static func id(_ prefix: String, _ n: Int, _ width: Int) -> String {
    prefix + Generator.pad(n, width)
  }

  func emit(into sink: inout Sink) throws {
    for (i, (name, team)) in repNames.enumerated() {
      try sink.emit(.reps, [Self.id("R", i + 1, 2), name, team, "true"])
    }
    for (i, c) in customers.enumerated() {
      try sink.emit(
        .customers,
        [
          Self.id("C", i + 1, 6), c.name, settings.segments[c.segment].name,
          Self.id("R", c.rep + 1, 2), String(c.terms), c.createdOn.description,
          c.autopayOn?.description ?? "", c.autopayOff?.description ?? "",
        ])
      for (day, cents) in c.unapplied {
        try sink.emit(
          .payments,
          [
            sink.nextId(.payments), Self.id("C", i + 1, 6), "", day.description, Cents.plain(cents),
            "check",
          ])
      }
    }
    for (i, inv) in invoices.enumerated() { try emit(inv, id: Self.id("INV-", i + 1, 8), &sink) }
  }

  func emit(_ inv: Invoice, id: String, _ sink: inout Sink) throws {
    // long-function: one invoice written to every table it touches (invoice, parts, credit, dispute
    // case, calls, promises, tasks), in the order the contract reads them
    let c = customers[inv.customer]
    let cid = Self.id("C", inv.customer + 1, 6)
    let rid = Self.id("R", c.rep + 1, 2)
    try sink.emit(
      .invoices, [id, cid, inv.issued.description, inv.due.description, Cents.plain(inv.amount)])
    let writeOff = inv.due + settings.writeOffAge
    var paid: Int64 = 0
    for p in inv.parts where p.day <= writeOff && p.day <= end {
      paid += p.cents
      try sink.emit(
        .payments,
        [
          sink.nextId(.payments), cid, id, p.day.description, Cents.plain(p.cents),
          inv.autopay ? "autopay" : c.method,
        ])
    }
    if let cr = inv.credit, cr.day <= writeOff, cr.day <= end {
      paid += cr.cents
      try sink.emit(
        .adjustments,
        [sink.nextId(.adjustments), id, cr.day.description, Cents.plain(cr.cents), "credit_memo"])
    }
    if writeOff <= end, inv.amount - paid > 0 {
      try sink.emit(
        .adjustments,
        [
          sink.nextId(.adjustments), id, writeOff.description, Cents.plain(inv.amount - paid),
          "write_off",
        ])
    }
    guard !inv.autopay else { return }
    // Dunning e-mails at 1 and 30 days past due while a balance is open.
    for dpd in [1, 30] {
      let day = inv.due + dpd
      if day <= end, day <= writeOff, Self.balance(inv, before: day) > 0 {
        try sink.emit(
          .activities,
          [
            sink.nextId(.activities), cid, id, rid, Timestamp(day: day, hour: 6).description,
            "email", "outbound", "other",
          ])
      }
    }
    for call in inv.calls where call.at.day <= end {
      try sink.emit(
        .activities,
        [
          sink.nextId(.activities), cid, id, rid, call.at.description, "call", "outbound",
          call.outcome,
        ])
    }
    for p in inv.promises where p.made <= end && p.cents > 0 {
      try sink.emit(
        .promises,
        [
          sink.nextId(.promises), cid, id, rid, p.made.description, p.promised.description,
          Cents.plain(p.cents),
        ])
    }
    // The cadence's call task at 3 days past due, done when the rep first calls.
    let taskDue = inv.due + 3
    if taskDue <= end, Self.balance(inv, before: taskDue) > 0 {
      let done = inv.calls.first { $0.at.day > inv.due }?.at.day
      try sink.emit(
        .tasks,
        [
          sink.nextId(.tasks), rid, cid, id, "call", taskDue.description,
          done.flatMap { $0 <= end ? $0.description : nil } ?? "",
        ])
    }
    for p in inv.promises
    where p.promised + 1 <= end && Self.balance(inv, before: p.promised + 1) > 0 {
      let done = inv.calls.first { $0.at.day > p.promised }?.at.day
      try sink.emit(
        .tasks,
        [
          sink.nextId(.tasks), rid, cid, id, "follow_up", (p.promised + 1).description,
          done.flatMap { $0 <= end ? $0.description : nil } ?? "",
        ])
    }
    if let d = inv.dispute, d.opened.day <= end {
      let closed = Timestamp(seconds: d.opened.seconds + Int64(d.days) * 86_400)
      let isClosed = closed.day <= end
      var escalated = ("", "")
      if let e = d.escalation {
        let at = Timestamp(seconds: d.opened.seconds + Int64(e.0) * 86_400)
        if at.day <= end { escalated = (at.description, e.1) }
      }
      let summary = Names.summaries[d.cause]?.first ?? ""
      let resolution =
        !isClosed
        ? ""
        : d.credit > 0
          ? "Credit memo issued for \(Cents.plain(d.credit))" : "Invoice confirmed correct"
      try sink.emit(
        .cases,
        [
          sink.nextId(.cases), cid, id, rid, d.opened.description,
          isClosed ? closed.description : "", d.origin, d.cause, escalated.0, escalated.1, summary,
          "", resolution, isClosed ? (d.confirmed ? "true" : "false") : "",
        ])
      if d.origin != "collections" {
        try sink.emit(
          .activities,
          [
            sink.nextId(.activities), cid, id, rid, d.opened.description,
            d.origin == "inbound_email" ? "email" : "call", "inbound", "dispute",
          ])
      }
    }
  }
}
