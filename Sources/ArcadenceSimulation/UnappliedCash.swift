import ArcadenceCore
import ArcadenceStore
import Foundation

/// Cash that arrives without an invoice to settle (unapplied payments), forecast at the rate
/// it arrived in the weeks before the start.
///
/// Why. The data contract counts an unapplied payment as cash collected, and so do the actuals
/// `accuracy` judges against (``Actuals/dailyCash(_:from:days:issuedBefore:)``: with the open
/// book, since it settles balances already billed). The simulator pays invoices, so it never
/// draws such cash: a book where x % of the cash arrives unapplied was forecast about x % low,
/// every week (an adversarial ledger whose payments were all unapplied: −100 % at every
/// horizon). Nothing ties an unapplied payment to an invoice or a due date, so the forecast
/// carries its recent rate forward: the unapplied cash received in the ``windowDays`` days
/// up to the last payment before the start (``measure(ledger:start:)``),
/// per customer, so `--by` groups get their own customers' share. The same amount is added to
/// every path, as part of the open book: it moves the median and both ends of the band by the
/// same cents and widens nothing. What it assumes: the stream goes on at its recent pace (a
/// lump, such as one large unapplied payment in the window, is carried forward as a rate).
public struct UnappliedCash: Sendable, Equatable {
  /// Days of history the rate is read from.
  public static let windowDays = 91

  /// Unapplied cash received in the window, per customer (cents; index: ledger customer).
  public var perCustomer: [Int64]
  /// Days the window covers (``windowDays``, or fewer when the data starts later).
  public var days: Int

  /// No unapplied cash.
  public static let none = UnappliedCash(perCustomer: [], days: windowDays)

  public init(perCustomer: [Int64], days: Int) {
    self.perCustomer = perCustomer
    self.days = days
  }

  /// All customers' unapplied cash in the window (cents).
  public var total: Int64 { perCustomer.reduce(0, &+) }

  /// Cents over `span` days at the window's rate, all customers: `cash × span ÷ days`,
  /// rounded to the cent. O(customers).
  public func cents(over span: Int) -> Int64 { cents(over: span, groups: 1) { _ in nil }[0] }

  /// Cents over `span` days at the window's rate by group, in one pass: entry 0 is the whole
  /// book, entry g > 0 the customers `groupOf` puts in group g (nil or 0: in no group but the
  /// whole book); each `cash × span ÷ days`, rounded to the cent. O(customers).
  public func cents(over span: Int, groups: Int, groupOf: (Int) -> Int?) -> [Int64] {
    var cash = [Int64](repeating: 0, count: max(1, groups))
    for (c, v) in perCustomer.enumerated() {
      cash[0] &+= v
      if let g = groupOf(c), g > 0, g < cash.count { cash[g] &+= v }
    }
    guard days > 0, span > 0 else { return cash.map { _ in 0 } }
    return cash.map { Int64((Double($0) * Double(span) / Double(days)).rounded()) }
  }

  /// The unapplied cash per customer received in the ``windowDays`` days before the day
  /// after the last payment received before `start` (the start itself when a payment came the
  /// day before; earlier when the payments stopped or paused, so quiet days at the end of the
  /// data do not dilute the rate), never before the first payment (then `days` is shorter).
  /// Reads only payments before `start`. O(payments).
  public static func measure(ledger l: Ledger, start: Day) -> UnappliedCash {
    let received = l.paymentReceived.filter { $0 < start.rawValue }
    guard let first = received.min(), let last = received.max() else { return .none }
    let end = min(start.rawValue, last + 1)
    let from = max(end - Int32(windowDays), first)
    var out = UnappliedCash(
      perCustomer: [Int64](repeating: 0, count: l.customerIds.count), days: Int(end - from))
    for k in l.paymentReceived.indices where l.paymentInvoice[k] < 0 {
      let d = l.paymentReceived[k]
      let c = Int(l.paymentCustomer[k])
      guard d >= from, d < end, c >= 0, c < out.perCustomer.count else { continue }
      out.perCustomer[c] &+= l.paymentAmount[k]
    }
    return out
  }

  /// The forecast line: nil without unapplied cash.
  public func line(weekly: Int64) -> String? {
    guard total > 0 else { return nil }
    return "Unapplied cash: \(Cents.displayWhole(weekly)) a week in the open book, the rate "
      + "received without an invoice in the \(days) days before the start."
  }
}
