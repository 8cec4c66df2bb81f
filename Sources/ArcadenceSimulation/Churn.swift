import ArcadenceCore
import Foundation

/// Customers who stop billing for good during the forecast, at the rate the book's own last
/// year shows.
///
/// Renewal billing (``Portfolio``) bills every customer it calls billed to the end of the
/// horizon. On a book whose customers leave (the market worlds: 1.2 % a month stop buying,
/// 2.5 % go bad), some of them stop part-way, and the renewal billed them anyway: future billing
/// was 1.3–2.6 % of the 90 days' cash too high on every market world, and 0 to −1 % on books
/// where nobody leaves.
///
/// **The rate.** Over the year before the start, a customer is at risk of ending from its first
/// invoice; it *ends* where the cadence's rule (``BillingCadence/gaps(_:until:starts:)``: silent
/// for longer than two gaps, 45 days and its longest gap) calls it gone, at its last invoice. An
/// end is only seen once its silence passes the customer's limit, so a billed customer's time at
/// risk stops `limit` days before the start (a right-censored exponential: ends ÷ days at risk
/// is the maximum-likelihood rate). Customers with one invoice take the book's typical gap, as
/// the cadence does.
///
/// **Real ends.** The rule also calls gone customers that only paused: on IBM's ledger nobody
/// leaves, yet the rule sees 0.6–1.5 % a month end. How much the customers it calls gone went
/// on billing is already measured on the same book (``BillingResumption/lapsed``: their billing
/// ÷ their renewal's expectation in three earlier windows), so the share of ends taken as real
/// is `1 − lapsed` (IBM: 0–0.2; the market worlds: 0.2–1).
///
/// **In the simulator** each billed customer draws on each path the day it stops, exponential
/// with this rate from the start, and issues nothing from that day on.
///
/// Measured (Benchmarks/accuracy.md, "Customers who leave"): 90-day mean |error| on the market
/// worlds fell, books without ends are unchanged byte for byte, IBM within 0.04 point.
public struct Churn: Sendable, Equatable {
  /// The chance per day that a billed customer stops billing for good.
  public var rate: Double
  /// Ends the rule saw in the year before the start.
  public var ends = 0
  /// The days customers were at risk of an end the rule could see in that year.
  public var daysAtRisk: Int64 = 0
  /// The share of those ends taken as real (`1 − lapsed`, ``BillingResumption``).
  public var realShare = 1.0

  /// No churn: every billed customer bills to the end of the horizon (the model before this).
  public static let off = Churn(rate: 0)

  public init(rate: Double) { self.rate = rate }

  /// The length of the window ends are counted in, days.
  static let window: Int32 = 365

  /// Measures the rate from `billing` fitted up to `until` (the day before the start) and the
  /// lapsed customers' measured billing share (`resumption`). O(customers).
  static func measure(billing b: BillingCadence, until u: Int32, resumption: BillingResumption)
    -> Churn
  {
    let w0 = Int64(u) - Int64(window) + 1
    var ends = 0
    var atRisk: Int64 = 0
    for c in b.gap.indices where c < b.silenceLimit.count && b.silenceLimit[c] > 0 {
      let first = Int64(b.firstIssued[c])
      let last = Int64(b.lastIssued[c])
      // Ends with the last invoice before this day are visible by `u`.
      let seen = Int64(u) - Int64(b.silenceLimit[c])
      guard seen > w0 else { continue }
      let from = max(w0, first)
      if b.gap[c] == 0 {
        guard last >= w0 else { continue }
        ends += 1
        atRisk += max(0, last - from)
      } else {
        atRisk += max(0, seen - from)
      }
    }
    var out = Churn(rate: 0)
    out.ends = ends
    out.daysAtRisk = atRisk
    out.realShare = min(1, max(0, 1 - resumption.lapsed))
    out.rate = atRisk > 0 ? Double(ends) / Double(atRisk) * out.realShare : 0
    return out
  }

  /// The rate per 30 days, for people.
  public var monthly: Double { rate * 30 }

  /// The measurement as JSON; the one layout of `forecast`'s and `accuracy`'s `churn`.
  public var json: JSONValue {
    .object([
      ("rate_per_30_days", .number(monthly)), ("ends", .int(ends)),
      ("days_at_risk", .int(Int(daysAtRisk))), ("real_share", .number(realShare)),
    ])
  }

  /// What the measurement does to future billing, in a sentence.
  public var line: String {
    guard ends > 0, rate > 0 else {
      return "Customers leaving: none seen in the last year; billed customers bill to the end."
    }
    return "Customers leaving: \(String(format: "%.2f%%", monthly * 100)) a month stop billing "
      + "(\(ends) ends in the last year, \(String(format: "%.0f%%", realShare * 100)) taken as "
      + "real: customers called gone went on billing the rest)."
  }
}
