import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceStore
import Foundation

/// The reached-contact lift estimated from the store, with its 95 % confidence interval, or
/// the assumed lift when the data cannot identify it (issue 15 item 6; simulation.md,
/// "Contact lifts and identification").
///
/// **Identification: the rep's workload that day.** Cadence tasks fall due at fixed days
/// past due. Whether a rep does a task on its due day depends on the customer (reps call the
/// likely payers first, so comparing contacted with not contacted is confounded) *and* on
/// how much the rep can do that day. The instrument is that day's workload, measured as the
/// share of the rep's *other* tasks due the same day that were done on time (leave-one-out,
/// as in the "judge leniency" designs: Kling 2006, Dobbie, Goldin & Yang 2018), centred on
/// the rep's own mean so that a rep's general diligence, and whom the rep was given, do not
/// count. Units are call and follow-up tasks on open, undisputed invoices; each unit is
/// followed for ``window`` days after its due day.
///
/// **Model and moment.** On each day at risk the invoice pays with probability `h · m(L)`:
/// `h` its own base hazard (customer, segment, age: unknown, and what reps choose on), and
/// `m(L) = 1 + L · ρ + U · q` the simulator's lift multiplier, with `ρ = Σ exp(−age ÷ τ)`
/// over earlier reached contacts (and resolved disputes, as the calibration counts them), `q`
/// the same over unreached ones with their own decay. Then `E[Y ÷ m(L)] = E[h]`, which the
/// instrument `ζ` does not move, so at the true `L` `Σ (ζ − ζ̄) · Y ÷ m(L) = 0` over the days
/// at risk (Mullahy 1997's multiplicative instrumental-variable moment). Only paid days enter
/// the sum's `L`-dependent part, so it is cheap to solve; it falls with `L` where the
/// instrument moves contacts, and is solved by bisection on [0, ``maxLift``].
///
/// **Naive estimate**, for comparison only: the same moment with "reached on the due day" in
/// place of `ζ`. Reps reach the likely payers first, so it overstates the lift.
///
/// **Assumptions** (stated, not tested by the data):
/// 1. The rep's workload on a day is unrelated to the propensity of the customers whose tasks
///    fall due that day (exogeneity), and it changes payments only through the contacts it
///    allows (exclusion); customers are not moved between reps by how they pay.
/// 2. The decays (`τ` = `reachedDecayDays`) and the unreached lift `U` are the assumed ones;
///    only the reached jump `L` is estimated.
/// 3. Promise windows belong to the promise process and disputed days are not at risk (as in
///    the calibration's life table).
/// 4. Depletion: within a window, invoices contacted more are paid sooner, so the survivors
///    are slightly less willing payers; the bias this leaves is towards 0 and small for
///    a 7-day window (the recovery test measures it).
///
/// **Confidence interval**: percentile bootstrap over customers (Poisson(1) weights from
/// Philox keyed by ``seed``, ``replicates`` replicates; the same data give the same
/// interval). **Verdict**: "estimated" when the instrument is strong (first-stage F of
/// on-time completion on the instrument ≥ 10, Staiger & Stock 1997), at least
/// ``minEvents`` payments fall in the windows, and the interval is bounded; otherwise the
/// assumed lift is kept and a warning says why. O(units × window × contacts per invoice +
/// replicates × days at risk).
public enum LiftEstimator {
  /// Days followed after each task's due day.
  public static let window = 7
  /// Upper end of the search (a jump of 20 is far beyond any published effect).
  public static let maxLift = 20.0
  /// Bootstrap replicates.
  public static let replicates = 200
  /// Bootstrap seed.
  public static let seed: UInt64 = 0x11F7
  /// Fewest payments in the windows for an estimate.
  public static let minEvents = 30
  /// Weakest first stage accepted (Staiger & Stock's rule of thumb).
  public static let minF = 10.0

  /// The days at risk the estimate rests on: per day, its customer, instrument, payment and
  /// contact intensities; per unit, its on-time flag and instrument.
  public struct Observations: Sendable, Equatable {
    /// Customer of each day at risk (index into the bootstrap weights).
    public var customer: [Int32] = []
    /// The centred instrument of the day's unit.
    public var instrument: [Double] = []
    /// Whether the invoice was paid (in full or in part) that day.
    public var paid: [Bool] = []
    /// `ρ`: reached contacts' decayed intensity.
    public var reached: [Double] = []
    /// `q`: unreached contacts' decayed intensity.
    public var unreached: [Double] = []
    /// Whether the day's task was done on its due day and reached the customer (the naive
    /// contrast).
    public var naiveFlag: [Bool] = []
    /// Per unit: the leave-customer-out on-time share of its rep's day, before centring.
    public var unitShare: [Double] = []
    /// Per unit: its instrument.
    public var unitInstrument: [Double] = []
    /// Per unit: whether the task was done on its due day.
    public var unitDone: [Bool] = []
    /// Number of customers (weights).
    public var customers = 0

    /// Empty observations.
    public init() {}

    /// Number of payments.
    public var events: Int { paid.reduce(0) { $0 + ($1 ? 1 : 0) } }
  }

  /// The estimate, its interval, what it rests on, and the lifts to simulate with.
  public struct Result: Sendable {
    /// The point estimate (nil when the moment has no root).
    public var value: Double?
    /// Lower end of the 95 % interval (nil when the moment has no root).
    public var low: Double?
    /// Upper end.
    public var high: Double?
    /// The naive estimate: the same moment with "reached on the due day" in place of the
    /// instrument (contacted against not contacted, confounded by whom reps choose).
    public var naive: Double?
    /// The naive estimate's 95 % interval (the same bootstrap).
    public var naiveLow: Double?
    /// Upper end.
    public var naiveHigh: Double?
    /// Payments in the windows.
    public var events: Int
    /// Tasks (units) used.
    public var units: Int
    /// First-stage F statistic.
    public var firstStageF: Double
    /// Nil when estimated; otherwise why the assumed lift is used.
    public var fallbackReason: String?
    /// The lifts to simulate with: the estimate, or the assumption.
    public var lifts: Lifts

    /// "estimated" or the fallback wording.
    public var verdict: String {
      fallbackReason == nil
        ? "estimated" : "too little variation — falling back to the assumed lift"
    }

    /// The loud warning when falling back (nil when estimated).
    public var warning: String? {
      fallbackReason.map {
        "contact lift: \($0); falling back to the assumed reached lift "
          + String(format: "%.2f", lifts.reached)
          + " (simulate --lift-sensitivity shows whether a ranking depends on it)"
      }
    }

    /// Comment lines for the calibration file: where `reached_lift` comes from.
    public var yamlComment: String {
      func f(_ x: Double?) -> String { x.map { String(format: "%.4f", $0) } ?? "null" }
      return "# reached_lift: \(verdict) (workload instrument: estimate \(f(value)), 95 % CI "
        + "\(f(low))…\(f(high)), \(events) payments, first-stage F "
        + String(format: "%.1f", firstStageF) + ")\n"
    }

    /// Lines for the calibration report.
    public var report: String {
      func f(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "—" }
      var out = "\nContact lift (reached), identified by the rep's workload on the due day\n"
      out += "  estimate \(f(value)), 95 % CI \(f(low))–\(f(high)) (bootstrap over customers)\n"
      out +=
        "  \(units) tasks, \(events) payments in the \(LiftEstimator.window) days after; "
        + "first-stage F \(String(format: "%.1f", firstStageF))\n"
      out +=
        "  naive (reached on the due day vs not, confounded by whom reps call): \(f(naive)), "
        + "95 % CI \(f(naiveLow))–\(f(naiveHigh))\n"
      out += "  verdict: \(verdict); simulating with reached lift \(f(lifts.reached))\n"
      return out
    }
  }

  /// Estimates the lift from the store's data up to `until`. `assumed` gives the decays, the
  /// unreached lift, and the reached lift to fall back on.
  public static func estimate(
    ledger l: Ledger, links: InvoiceLinks, until: Day, assumed: Lifts = .assumed
  ) -> Result {
    let obs = observations(ledger: l, links: links, until: until, lifts: assumed)
    return estimate(obs, assumed: assumed)
  }

  /// The estimate from prepared observations.
  public static func estimate(_ o: Observations, assumed: Lifts) -> Result {
    let f = firstStageF(o)
    let events = o.events
    let u = assumed.unreached
    let naiveZ = o.naiveFlag.map { $0 ? 1.0 : 0.0 }
    let iv = Moment(o, instrument: o.instrument)
    let plain = Moment(o, instrument: naiveZ)
    let point = iv.solve(weights: nil, unreached: u)
    let naive = plain.solve(weights: nil, unreached: u)
    var result = Result(
      value: point, low: nil, high: nil, naive: naive, naiveLow: nil, naiveHigh: nil,
      events: events, units: o.unitDone.count, firstStageF: f, fallbackReason: nil,
      lifts: assumed)
    if point != nil, events > 0 {
      let philox = Philox4x32(seed: seed)
      var draws: [Double] = []
      var naiveDraws: [Double] = []
      for b in 0..<replicates {
        let w = (0..<o.customers).map { Bootstrap.weight(philox, path: b, customer: $0) }
        // No root: the moment is still positive at the top of the range.
        draws.append(iv.solve(weights: w, unreached: u) ?? maxLift)
        naiveDraws.append(plain.solve(weights: w, unreached: u) ?? maxLift)
      }
      draws.sort()
      naiveDraws.sort()
      result.low = Statistics.quantile(sorted: draws, 0.025)
      result.high = Statistics.quantile(sorted: draws, 0.975)
      result.naiveLow = Statistics.quantile(sorted: naiveDraws, 0.025)
      result.naiveHigh = Statistics.quantile(sorted: naiveDraws, 0.975)
    }
    if events < minEvents {
      result.fallbackReason =
        "only \(events) payments in the task windows (fewer than \(minEvents))"
    } else if !(f >= minF) {
      result.fallbackReason =
        "the rep's daily workload barely moves which tasks are done on time (first-stage F "
        + String(format: "%.1f", f) + " < \(Int(minF)), \(o.unitDone.count) tasks)"
    } else if point == nil {
      result.fallbackReason = "the workload moment has no root in 0…\(Int(maxLift))"
    } else if let high = result.high, high >= maxLift {
      result.fallbackReason =
        "the 95 % interval is unbounded above (\(Int(maxLift)) or more, \(events) payments)"
    } else if let point {
      result.lifts.reached = point
    }
    return result
  }

  /// The root in L of `Σ w (ζ − ζ̄) · Y ÷ (1 + L ρ + U q)` on [0, ``maxLift``]: 0 when
  /// the sum is already ≤ 0 there, nil when it is still > 0 at ``maxLift``. Bisection to
  /// 1e-6. O(days at risk · 50).
  public static func solve(
    _ o: Observations, weights: [Double]?, unreached u: Double, instrument z: [Double]
  ) -> Double? {
    Moment(o, instrument: z).solve(weights: weights, unreached: u)
  }

  /// The moment's sufficient statistics for one instrument: per customer its days at risk
  /// and their instrument sum, and the paid days. A bootstrap replicate then costs
  /// O(customers + paid days × 50) instead of O(days at risk).
  struct Moment {
    var days: [Double]
    var sum: [Double]
    var events: [(customer: Int, z: Double, rho: Double, q: Double)] = []

    init(_ o: Observations, instrument z: [Double]) {
      days = [Double](repeating: 0, count: o.customers)
      sum = [Double](repeating: 0, count: o.customers)
      for k in o.customer.indices {
        let c = Int(o.customer[k])
        days[c] += 1
        sum[c] += z[k]
        if o.paid[k] { events.append((c, z[k], o.reached[k], o.unreached[k])) }
      }
    }

    func solve(weights: [Double]?, unreached u: Double) -> Double? {
      var sw = 0.0
      var swz = 0.0
      for c in days.indices {
        let w = weights?[c] ?? 1
        sw += w * days[c]
        swz += w * sum[c]
      }
      guard sw > 0 else { return nil }
      let zbar = swz / sw
      var ev: [(c: Double, rho: Double, q: Double)] = []
      for e in events {
        let w = weights?[e.customer] ?? 1
        if w > 0 { ev.append((w * (e.z - zbar), e.rho, e.q)) }
      }
      func moment(_ lift: Double) -> Double {
        var m = 0.0
        for e in ev { m += e.c / (1 + lift * e.rho + u * e.q) }
        return m
      }
      if moment(0) <= 0 { return 0 }
      if moment(maxLift) > 0 { return nil }
      var lo = 0.0
      var hi = maxLift
      while hi - lo > 1e-6 {
        let mid = (lo + hi) / 2
        if moment(mid) > 0 { lo = mid } else { hi = mid }
      }
      return (lo + hi) / 2
    }
  }

  /// The first-stage F: on-time completion of each unit regressed on its instrument (one
  /// regressor, so F = t²). 0 without variation.
  public static func firstStageF(_ o: Observations) -> Double {
    let n = Double(o.unitDone.count)
    guard n > 2 else { return 0 }
    let zbar = o.unitInstrument.reduce(0, +) / n
    let dbar = Double(o.unitDone.filter { $0 }.count) / n
    var szz = 0.0
    var szd = 0.0
    for (z, d) in zip(o.unitInstrument, o.unitDone) {
      szz += (z - zbar) * (z - zbar)
      szd += (z - zbar) * ((d ? 1 : 0) - dbar)
    }
    guard szz > 0 else { return 0 }
    let beta = szd / szz
    var ssr = 0.0
    for (z, d) in zip(o.unitInstrument, o.unitDone) {
      let r = (d ? 1 : 0) - dbar - beta * (z - zbar)
      ssr += r * r
    }
    let s2 = ssr / (n - 2)
    guard s2 > 0 else { return .infinity }
    return beta * beta * szz / s2
  }

  /// Builds the observations from the ledger (see the type's discussion).
  public static func observations(
    ledger l: Ledger, links: InvoiceLinks, until: Day, lifts: Lifts
  ) -> Observations {
    // long-function: one pass over call tasks, each giving a unit and its days at risk; the steps
    // share the per-invoice spans, promise windows and decayed contacts, which a split would pass
    // around
    let u = until.rawValue
    // The rep's day: tasks due and done on time, every kind.
    // The customer's own tasks that day are left out with the task itself: they share its
    // customer's propensity.
    var repDay: [Int64: (due: Int32, onTime: Int32)] = [:]
    var customerDay: [Int64: (due: Int32, onTime: Int32)] = [:]
    for k in l.taskDue.indices where l.taskDue[k] <= u {
      let day = Int64(UInt32(bitPattern: l.taskDue[k]))
      let onTime: Int32 = l.taskCompleted[k] == l.taskDue[k] ? 1 : 0
      let key = Int64(l.taskRep[k]) << 32 | day
      var v = repDay[key] ?? (0, 0)
      v.due += 1
      v.onTime += onTime
      repDay[key] = v
      let own = Int64(l.taskCustomer[k]) << 32 | day
      var x = customerDay[own] ?? (0, 0)
      x.due += 1
      x.onTime += onTime
      customerDay[own] = x
    }
    // The same per-invoice activities, promises and dispute spans the calibration reads.
    let input = CalibrationInput(ledger: l, links: links, until: u, threshold: 0)
    let actIdx = input.activities
    let proIdx = input.promises
    let caseSpans = input.caseSpans
    // Units and their days at risk, before centring and normalising.
    struct Day1 {
      var unit: Int
      var customer: Int32
      var paid: Bool
      var rho: Double
      var q: Double
    }
    var days: [Day1] = []
    var unitRaw: [Double] = []
    var unitRep: [Int32] = []
    var unitDone: [Bool] = []
    var unitReached: [Bool] = []
    let w = Int32(window)
    for k in links.taskDue.indices {
      let kind = links.taskKind[k]
      guard kind == "call" || kind == "follow_up" else { continue }
      let d = links.taskDue[k]
      guard d <= u - w else { continue }
      let i = Int(links.taskInvoice[k])
      let c = Int(l.invoiceCustomer[i])
      // Open after the due day's payments, not disputed.
      guard l.balance(i, at: d) > 0 else { continue }
      let spans = caseSpans[i]
      guard !spans.contains(where: { $0.opened < d && d <= $0.closed }) else { continue }
      let rep = l.customerRep[c]
      let key = Int64(rep) << 32 | Int64(UInt32(bitPattern: d))
      let own = customerDay[Int64(c) << 32 | Int64(UInt32(bitPattern: d))] ?? (1, 0)
      guard let cell = repDay[key], cell.due > own.due else { continue }
      let done = links.taskCompleted[k] == d
      let reachedToday = actIdx[i].contains {
        links.activityDay[$0] == d && links.activityOutbound[$0]
          && Vocabulary.reachedOutcomes.contains(links.activityOutcome[$0])
      }
      let z = Double(cell.onTime - own.onTime) / Double(cell.due - own.due)
      let unit = unitRaw.count
      unitRaw.append(min(1, max(0, z)))
      unitRep.append(rep)
      unitDone.append(done)
      unitReached.append(done && reachedToday)
      let windows = proIdx[i].map {
        (
          links.promiseMade[$0] + 1,
          KPIEngine.promiseWindowEnd(promisedOn: links.promisePromised[$0])
        )
      }
      let due = l.invoiceDue[i]
      var t = d + 1
      while t <= d + w {
        guard l.balance(i, at: t - 1) > 0 else { break }
        let blocked = spans.contains { $0.opened < t && t <= $0.closed }
        let promised = windows.contains { $0.0 <= t && t <= $0.1 }
        let autopayDue = t == due && l.autopayEnrolled(c, at: t)
        if !blocked, !promised, !autopayDue {
          var rho = 0.0
          var q = 0.0
          for a in actIdx[i] where links.activityOutbound[a] && links.activityDay[a] < t {
            let age = Double(t - links.activityDay[a])
            if Vocabulary.reachedOutcomes.contains(links.activityOutcome[a]) {
              rho += exp(-age / lifts.reachedDecayDays)
            } else {
              q += exp(-age / lifts.unreachedDecayDays)
            }
          }
          for span in spans where span.closed != Int32.max && span.closed + 1 < t {
            rho += exp(-Double(t - span.closed - 1) / lifts.reachedDecayDays)
          }
          var paid = false
          for e in Int(l.invoiceEventStart[i])..<Int(l.invoiceEventStart[i + 1])
          where l.eventDay[e] == t && l.eventKind[e] == .payment {
            paid = true
          }
          days.append(
            Day1(unit: unit, customer: Int32(c), paid: paid, rho: rho, q: q))
        }
        t += 1
      }
    }
    // Centre the instrument on each rep's mean over its units.
    var repSum: [Int32: (Double, Double)] = [:]
    for (z, r) in zip(unitRaw, unitRep) {
      let v = repSum[r] ?? (0, 0)
      repSum[r] = (v.0 + z, v.1 + 1)
    }
    let centred = zip(unitRaw, unitRep).map { z, r -> Double in
      let v = repSum[r] ?? (0, 1)
      return z - v.0 / max(1, v.1)
    }
    var o = Observations()
    o.customers = l.customerIds.count
    o.unitShare = unitRaw
    o.unitInstrument = centred
    o.unitDone = unitDone
    for x in days {
      o.customer.append(x.customer)
      o.instrument.append(centred[x.unit])
      o.paid.append(x.paid)
      o.reached.append(x.rho)
      o.unreached.append(x.q)
      o.naiveFlag.append(unitReached[x.unit])
    }
    return o
  }
}
