import ArcadenceCore
import ArcadenceStore
import Foundation

/// Customers who stop billing for good during the forecast, at the rate the book's own last
/// year shows.
///
/// Renewal billing (``Portfolio``) bills every customer it calls billed to the end of the
/// horizon. On a book whose customers leave (the market worlds: 1.2 % a month stop buying,
/// 2.5 % go bad), some of them stop part-way, and the renewal billed them anyway: future billing
/// was +0.5 to +2.6 % of the 90 days' cash on the market worlds without a season (Benchmarks/
/// accuracy.md, "Customers who leave").
///
/// **The rate.** Over the year before the data's end (the start, or the day the invoices stop
/// when the start is past them, as ``BillingResumption`` does), a customer is at risk of ending
/// from its first invoice; it *ends* where the cadence's rule (``BillingCadence/silenceLimit(gap:longest:)``)
/// calls it gone, dated at its last invoice. An end is only seen once its silence passes the
/// customer's limit, so a billed customer's time at risk stops `limit` days before that day (a
/// right-censored exponential: ends ÷ days at risk is the maximum-likelihood rate). Only
/// customers whose invoices span at least a day count: a one-off buyer has no lifetime to
/// measure, and counted as an end with no day at risk it made the rate explode on a book of
/// many one-off buyers (300 of them beside 5 monthly billers: 284 % a month, stopping the
/// monthly billers at once).
///
/// **Real ends.** The rule also calls gone customers that only paused: on IBM's ledger nobody
/// leaves, yet the rule sees 0.6–1.5 % a month end. How much the customers it calls gone went
/// on billing is measured on the same book (``BillingResumption/lapsed``: their billing ÷ their
/// renewal's expectation in three earlier windows), so the share of ends taken as real is
/// `1 − lapsed` (IBM: 0–0.2; the market worlds: 0.2–1). With no such measurement (no earlier
/// window, or no customer called gone in them) none is taken as real: the rate is 0, as before.
///
/// **In the simulator** each customer billed on its own gaps (chance 1, ``Portfolio/renewalChance``)
/// draws on each path the day it stops, exponential with this rate from its last invoice (the
/// estimate's clock: alive up to its last invoice), and issues nothing from that day on. Silent
/// and lapsed customers are left to their chances, which were measured on what such customers
/// billed and so already hold their leaving.
///
/// Measured (Benchmarks/accuracy.md, "Customers who leave"; 12 cutoffs): 90-day mean |error|
/// over fifteen datasets 2.97 → 2.86 %, every market-made world better but the seasonal one;
/// books where the rule saw no end unchanged byte for byte; IBM 2.10 → 2.16 %.
public struct Churn: Sendable, Equatable {
  /// The chance per day that a billed customer stops billing for good.
  public var rate: Double
  /// Ends the rule saw in the year before the start.
  public var ends = 0
  /// The days customers were at risk of an end the rule could see in that year.
  public var daysAtRisk: Int64 = 0
  /// The share of those ends taken as real (`1 − lapsed`, ``BillingResumption``; 0 when that
  /// was not measured).
  public var realShare = 0.0

  /// No churn: every billed customer bills to the end of the horizon (the model before this).
  public static let off = Churn(rate: 0)

  public init(rate: Double) { self.rate = rate }

  /// The length of the window ends are counted in, days.
  static let window: Int32 = 365

  /// Measures the rate for a forecast from `start`: on the cadence fitted to the day before it
  /// (`billing`), or, when the start is past the day the invoices stop
  /// (``Accuracy/DataEnd/streamEnd(_:)``), refitted to that day so that days without data are
  /// not read as silence. O(invoices · log invoices).
  static func measure(
    ledger l: Ledger, billing: BillingCadence, start: Day, resumption: BillingResumption
  ) -> Churn {
    let prev = start.rawValue - 1
    guard let stream = Accuracy.DataEnd.streamEnd(l.invoiceIssued.filter { $0 <= prev }) else {
      return .off
    }
    guard stream.bound < prev else {
      return measure(billing: billing, until: prev, resumption: resumption)
    }
    let refitted = BillingCadence.fit(ledger: l, until: Day(rawValue: stream.bound))
    return measure(billing: refitted, until: stream.bound, resumption: resumption)
  }

  /// Measures the rate from `billing` fitted up to `until` and the lapsed customers' measured
  /// billing share (`resumption`). O(customers).
  static func measure(billing b: BillingCadence, until u: Int32, resumption: BillingResumption)
    -> Churn
  {
    let w0 = Int64(u) - Int64(window) + 1
    var ends = 0
    var atRisk: Int64 = 0
    for c in b.gap.indices where c < b.silenceLimit.count && b.silenceLimit[c] > 0 {
      let first = Int64(b.firstIssued[c])
      let last = Int64(b.lastIssued[c])
      guard last > first else { continue }
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
    let measured = resumption.windows > 0 && resumption.lapsedExpected > 0
    out.realShare = measured ? min(1, max(0, 1 - resumption.lapsed)) : 0
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
    let seen = "\(ends) end\(ends == 1 ? "" : "s") in the last year"
    guard ends > 0 else {
      return "Customers leaving: none seen in the last year; billed customers bill to the end."
    }
    guard rate > 0 else {
      return "Customers leaving: \(seen), none taken as real (customers called gone billed "
        + "again, or no earlier window to tell); billed customers bill to the end."
    }
    return "Customers leaving: \(String(format: "%.2f%%", monthly * 100)) a month stop billing "
      + "(\(seen), \(String(format: "%.0f%%", realShare * 100)) taken as real: customers "
      + "called gone went on billing the rest)."
  }
}
