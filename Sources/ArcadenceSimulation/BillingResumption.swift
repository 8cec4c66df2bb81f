import ArcadenceCore
import ArcadenceStore
import Foundation

/// Whether customers that look silent bill again, measured on the book's own recent history.
///
/// Renewal billing (``Portfolio``) bills a customer from its own gaps. Two kinds of customer are
/// not in a gap it has seen: one **silent** for longer than any of its gaps (still within the
/// cadence's rule, so billed, its next invoice drawn inside one gap: at once), and one the
/// cadence calls **lapsed** (silent for longer than two gaps, 45 days and its longest gap: not
/// billed at all). Whether such customers come back differs by book: on the market worlds
/// (customers churn) the silent ones billed 0.2–0.6 of what the renewal expected of them and the
/// lapsed ones 0.04–0.3; on IBM's ledger (customers pause and return) the lapsed ones billed
/// 0.4–0.9 of it, 6.7 % of all billing, which the model sent none of. So each forecast measures
/// it on its own book: at three earlier windows of the horizon's length ending 0, 30 and 60
/// days before the start (data before the start only), each customer is put in its class as the
/// renewal would see it then, and its actual billing in the window is set against the
/// renewal's expectation worked out exactly (``expectedInvoices(gaps:age:horizon:)`` × its mean
/// recent amount). The ratio, at most 1, is the chance per path that such a customer bills
/// (on its renewal as before) or not at all; a lapsed customer that bills does so at its own
/// rhythm, from a uniform day of a gap.
///
/// Measured before it was built (Python on the stores, the same classes and expectation, 12
/// month-start cutoffs, mean |log error| of the 90-day billing / mean bias): IBM 3.4 / −2.7 →
/// 2.6 / +2.0 %, market 1 10.5 / +6.3 → 10.0 / +5.3 %, market 2 9.6 → 9.1 %, market 3 8.8 → 8.8
/// %, market 6 7.8 → 7.1 %, standard worlds and the sample unchanged (their silent customers
/// bill as expected, the lapsed ones never). Correcting the lapsed alone raised the market
/// worlds' over-forecast (market 1 10.5 → 12.0 %): the two classes go together.
public struct BillingResumption: Sendable, Equatable {
  /// The chance per path that a billed customer silent longer than any of its gaps bills.
  public var silent: Double
  /// The chance per path that a customer the cadence calls lapsed bills.
  public var lapsed: Double
  /// The evidence: each class's billing in the windows measured (cents) and the renewal's
  /// expectation of it, and the number of windows.
  public var silentBilled: Int64 = 0
  public var silentExpected: Double = 0
  public var lapsedBilled: Int64 = 0
  public var lapsedExpected: Double = 0
  public var windows = 0

  /// No measurement: silent customers bill as their renewal says, lapsed ones never (the
  /// model before this).
  public static let off = BillingResumption(silent: 1, lapsed: 0)

  public init(silent: Double, lapsed: Double) {
    self.silent = silent
    self.lapsed = lapsed
  }

  /// The measurement as JSON: the two chances and their evidence; the one layout of
  /// `forecast`'s and `accuracy`'s `billing_resumption`.
  public var json: JSONValue {
    .object([
      ("silent", .number(silent)), ("lapsed", .number(lapsed)),
      ("silent_billed", .money(silentBilled)),
      ("silent_expected", .money(computed: silentExpected)),
      ("lapsed_billed", .money(lapsedBilled)),
      ("lapsed_expected", .money(computed: lapsedExpected)),
      ("windows", .int(windows)),
    ])
  }

  /// What the measurement does to future billing, in a sentence.
  public var line: String {
    guard windows > 0 else {
      return "Silent customers: billed on their renewal, lapsed ones not (no earlier window to "
        + "measure them on)."
    }
    func pct(_ v: Double) -> String { String(format: "%.0f%%", v * 100) }
    return "Silent customers bill on \(pct(silent)) of paths and lapsed ones on "
      + "\(pct(lapsed)), as such customers billed against their renewal in \(windows) earlier "
      + "window\(windows == 1 ? "" : "s")."
  }

  /// A customer's standing at a start, as the renewal sees it.
  enum Standing: Equatable {
    /// No invoice, or nothing to bill at.
    case none
    /// Billed, in one of its gaps (or with one invoice so far).
    case regular
    /// Billed, silent for longer than any of its gaps.
    case silent
    /// Not billed: the cadence calls it gone.
    case lapsed
  }

  /// Customer `c`'s renewal at start `s` from its issue days before `s` (sorted): its gaps
  /// (the last 24, or its rhythm with one invoice) scaled to its exposure's rate
  /// (``scaled(_:toMean:)``), the days since its last invoice and its standing, judged on the
  /// gaps as they were. O(invoices of the customer).
  static func renewal(
    days d: [Int32], billing: BillingCadence, customer c: Int, start s: Int32
  ) -> (gaps: [Int32], age: Int32, standing: Standing) {
    let gap = billing.renewalGap(c)
    guard let last = d.last, billing.amountStart[c + 1] > billing.amountStart[c], gap > 0
    else { return ([], 0, .none) }
    let gaps = d.count >= 2 ? Array(zip(d.dropFirst(), d).map { $0 - $1 }.suffix(24)) : [gap]
    let age = s - last
    let standing: Standing =
      billing.gap[c] == 0
      ? .lapsed : d.count >= 2 && !gaps.contains(where: { $0 >= age }) ? .silent : .regular
    let rate = c < billing.exposureGap.count ? billing.exposureGap[c] : gap
    return (scaled(gaps, toMean: rate), age, standing)
  }

  /// `gaps` × one factor that makes their mean `mean` days (rounded to whole days), their
  /// shape kept: the renewal's gaps at the customer's exposure rate
  /// (``BillingCadence/gaps(_:until:starts:)``), since the gaps between its invoices leave
  /// out the long ones cut by the window's ends. Unchanged when all are 0 or `mean` is not
  /// positive. A limit, stated: the rate is read from the customer's whole history and the
  /// shape from its last 24 gaps, so a customer that bills more often lately than it used to
  /// is billed at its long-run rate.
  static func scaled(_ gaps: [Int32], toMean mean: Int32) -> [Int32] {
    let total = gaps.reduce(0) { $0 + Int64($1) }
    guard total > 0, mean > 0 else { return gaps }
    let f = Double(mean) * Double(gaps.count) / Double(total)
    return gaps.map { Int32(min(Double(Int32.max / 4), (Double($0) * f).rounded())) }
  }

  /// The renewal slots a customer gets for `horizon` days when its next gaps are drawn from
  /// `gaps`: 3 × the invoices their mean gap (a fraction of a day when the customer bills
  /// several times a day) issues + 3 (a path that would issue more is cut there). Gaps all 0
  /// (every invoice on one day): 64 + 2 × the horizon, all on one day. A fixed cap of 64, and
  /// then one from the mean gap rounded to whole days, used to stop the billing of customers
  /// billing more than once a day, or more often than the cap allowed over a long horizon,
  /// part-way through the forecast. Cost: the slots grow with the horizon × the billing rate
  /// (each slot takes a draw on every path). The one rule of ``Portfolio``'s slots and of
  /// ``expectedInvoices(gaps:age:horizon:slots:)``.
  static func slots(horizon: Int, gaps: [Int32]) -> Int {
    guard horizon > 0, !gaps.isEmpty else { return 3 }
    let total = gaps.reduce(0) { $0 + Int($1) }
    guard total > 0 else { return 64 + 2 * horizon }
    let expected = Double(horizon) * Double(gaps.count) / Double(total)
    return Int((3 * expected).rounded(.up)) + 3
  }

  /// The expected number of invoices in `horizon` days of the renewal the simulator draws
  /// (``Simulator``'s `drawRenewals`): the first issue day is a gap at least `age` long minus
  /// `age`, uniformly among those, or when none is that long a uniform day of a uniformly drawn
  /// gap; each later gap is drawn uniformly from `gaps` (a gap of 0 issues another invoice the
  /// same day). Worked out exactly by the renewal equation over days, then held to the
  /// customer's `slots` (the simulator issues no more; the cap is applied to the mean, which is
  /// exact when the count is near-certain, as it is when the cap binds). Gaps all 0: every
  /// slot on the first day. O(horizon · gaps).
  static func expectedInvoices(
    gaps: [Int32], age: Int32, horizon: Int, slots: Int = .max
  ) -> Double {
    guard !gaps.isEmpty, horizon > 0, slots > 0 else { return 0 }
    let n = Double(gaps.count)
    let zeros = Double(gaps.filter { $0 == 0 }.count) / n
    guard zeros < 1 else { return slots == .max ? 0 : Double(slots) }
    var first = [Double](repeating: 0, count: horizon)
    let eligible = gaps.filter { $0 >= age }
    if !eligible.isEmpty {
      for g in eligible where Int(g - age) < horizon {
        first[Int(g - age)] += 1 / Double(eligible.count)
      }
    } else {
      for g in gaps {
        if g == 0 {
          first[0] += 1 / n
          continue
        }
        for t in 0..<min(Int(g), horizon) { first[t] += 1 / n / Double(g) }
      }
    }
    let positive = gaps.filter { $0 > 0 }.map(Int.init)
    var issue = [Double](repeating: 0, count: horizon)
    var total = 0.0
    for t in 0..<horizon {
      var v = first[t]
      for g in positive where g <= t { v += issue[t - g] / n }
      issue[t] = v / (1 - zeros)
      total += issue[t]
    }
    return min(total, Double(slots))
  }

  /// Measures the two chances for a forecast from `start` over `horizon` days: three windows
  /// of `horizon` days ending 0, 30 and 60 days before the start — or before the day the
  /// invoices stop (``Accuracy/DataEnd/streamEnd(_:)`` of those issued before the start), when
  /// the start is past the data, so that no window counts billing missing from the data as
  /// none — each at least 60 days after the first invoice. Reads only invoices issued before
  /// the start. O(windows · (invoices · log invoices + customers · horizon · 24)).
  public static func measure(ledger l: Ledger, start: Day, horizon: Int) -> BillingResumption {
    let before = l.invoiceIssued.filter { $0 < start.rawValue }
    guard horizon > 0, let firstDay = before.min(),
      let stream = Accuracy.DataEnd.streamEnd(before)
    else { return .off }
    let end = min(start.rawValue, stream.bound + 1)
    let n = l.customerIds.count
    var out = BillingResumption.off
    for j in 0..<3 {
      let c = end - Int32(horizon) - Int32(30 * j)
      guard c - firstDay >= 60 else { break }
      let billing = BillingCadence.fit(ledger: l, until: Day(rawValue: c - 1))
      var days = [[Int32]](repeating: [], count: n)
      var billed = [Int64](repeating: 0, count: n)
      for i in l.invoiceIssued.indices {
        let d = l.invoiceIssued[i]
        let k = Int(l.invoiceCustomer[i])
        guard k >= 0, k < n else { continue }
        if d < c {
          days[k].append(d)
        } else if d < c + Int32(horizon) {
          billed[k] += l.invoiceAmount[i]
        }
      }
      for k in 0..<n {
        let d = days[k].sorted()
        let r = renewal(days: d, billing: billing, customer: k, start: c)
        guard r.standing == .silent || r.standing == .lapsed else { continue }
        let amounts = billing.amounts[
          Int(billing.amountStart[k])..<Int(billing.amountStart[k + 1])]
        let mean = Double(amounts.reduce(0, +)) / Double(amounts.count)
        let cap = slots(horizon: horizon, gaps: r.gaps)
        let expected =
          expectedInvoices(gaps: r.gaps, age: r.age, horizon: horizon, slots: cap) * mean
        if r.standing == .silent {
          out.silentBilled += billed[k]
          out.silentExpected += expected
        } else {
          out.lapsedBilled += billed[k]
          out.lapsedExpected += expected
        }
      }
      out.windows += 1
    }
    if out.silentExpected > 0 {
      out.silent = min(1, Double(out.silentBilled) / out.silentExpected)
    }
    if out.lapsedExpected > 0 {
      out.lapsed = min(1, Double(out.lapsedBilled) / out.lapsedExpected)
    }
    return out
  }
}
