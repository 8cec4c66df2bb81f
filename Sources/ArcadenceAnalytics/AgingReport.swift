import ArcadenceCore
import ArcadenceStore

/// The aging report as of any past day: open balances by aging bucket, grouped.
///
/// Buckets are ``AgingBuckets`` (by default kpis.md's current (dpd ≤ 0), 1–30, 31–60, 61–90
/// and 90+ (dpd > 90)), from the balances of data.md at the end of the day; each row's
/// buckets add up to its total, and the rows add up to the total open balance. The past-due
/// column is always the balance of invoices past their due date, whatever the buckets. Customer rows also name the oldest open invoice and
/// the last contact (activity) on or before the day.
public struct AgingReport: Sendable {
  /// How rows are grouped.
  public enum Grouping: String, Sendable, CaseIterable {
    case none, customer, rep, segment
  }

  /// One row.
  public struct Row: Sendable {
    public var key: String
    public var label: String
    public var buckets: [Int64]
    /// Balance of the invoices past their due date (dpd ≥ 1).
    public var pastDue: Int64 = 0
    public var openInvoices = 0
    /// Oldest open invoice (by due date) and its days past due (customer rows).
    public var oldestInvoice: (id: String, dpd: Int)?
    /// Last activity with the customer on or before the day (customer rows).
    public var lastContact: Day?
    /// The customer's rep (customer rows).
    public var rep: String?

    /// An empty row with `count` buckets.
    public init(key: String, label: String, count: Int) {
      self.key = key
      self.label = label
      buckets = [Int64](repeating: 0, count: count)
    }

    public var total: Int64 { buckets.reduce(0, +) }
  }

  public var asOf: Day
  public var grouping: Grouping
  public var scope: Scope
  /// The buckets.
  public var buckets: AgingBuckets
  /// Rows sorted by past-due balance, largest first (then total, then key).
  public var rows: [Row]
  /// The sum of every row.
  public var totals: Row

  /// Computes the report. O(invoices + their events).
  public init(
    ledger l: Ledger, asOf: Day, grouping: Grouping, scope: Scope = .everyone,
    buckets: AgingBuckets = .standard
  ) throws {
    self.asOf = asOf
    self.grouping = grouping
    self.scope = scope
    self.buckets = buckets
    let n = buckets.count
    let inScope = Set(try scope.reps(in: l))
    let d = asOf.rawValue
    var byKey: [Int: Row] = [:]
    var totals = Row(key: "total", label: "Total", count: n)
    /// The oldest open invoice per customer: earliest due, then issued, then id.
    var oldest: [Int: Int] = [:]
    var segmentIndex: [String: Int] = [:]
    func groupKey(_ c: Int) -> (Int, String, String) {
      switch grouping {
      case .none: return (0, "all", "All customers")
      case .customer: return (c, l.customerIds[c], l.customerNames[c])
      case .rep:
        let r = Int(l.customerRep[c])
        return (r, l.repIds[r], l.repNames[r])
      case .segment:
        let s = l.customerSegments[c] ?? "(none)"
        if segmentIndex[s] == nil { segmentIndex[s] = segmentIndex.count }
        return (segmentIndex[s]!, s, s)
      }
    }
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= d {
      let c = Int(l.invoiceCustomer[i])
      guard inScope.contains(Int(l.customerRep[c])) else { continue }
      let b = l.balance(i, at: d)
      guard b > 0 else { continue }
      let bucket = buckets.bucket(
        age: buckets.age(day: d, issued: l.invoiceIssued[i], due: l.invoiceDue[i]))
      let (k, key, label) = groupKey(c)
      var row = byKey[k] ?? Row(key: key, label: label, count: n)
      row.buckets[bucket] += b
      row.openInvoices += 1
      totals.buckets[bucket] += b
      totals.openInvoices += 1
      if d > l.invoiceDue[i] {
        row.pastDue += b
        totals.pastDue += b
      }
      if grouping == .customer {
        row.rep = l.repIds[Int(l.customerRep[c])]
        if oldest[k].map({ o in
          (l.invoiceDue[i], l.invoiceIssued[i]) < (l.invoiceDue[o], l.invoiceIssued[o])
            || ((l.invoiceDue[i], l.invoiceIssued[i]) == (l.invoiceDue[o], l.invoiceIssued[o])
              && l.invoiceIds[i] < l.invoiceIds[o])
        }) ?? true {
          oldest[k] = i
          row.oldestInvoice = (l.invoiceIds[i], Int(d - l.invoiceDue[i]))
        }
      }
      byKey[k] = row
    }
    if grouping == .customer {
      precondition(
        l.selection.activities.from == .min && l.selection.activities.to >= d,
        "the last contact needs every activity up to \(asOf)")
      for k in l.activityDay.indices where l.activityDay[k] <= d {
        let c = Int(l.activityCustomer[k])
        guard var row = byKey[c] else { continue }
        if row.lastContact.map({ $0.rawValue < l.activityDay[k] }) ?? true {
          row.lastContact = Day(rawValue: l.activityDay[k])
          byKey[c] = row
        }
      }
    }
    rows = byKey.values.sorted {
      ($0.pastDue, $0.total, $1.key) > ($1.pastDue, $1.total, $0.key)
    }
    self.totals = totals
  }

  /// Buckets as a JSON object (``AgingBuckets/keys``) with a total.
  func bucketsJSON(_ b: [Int64]) -> JSONValue {
    var pairs = zip(buckets.keys, b).map { ($0, JSONValue.money($1)) }
    pairs.append(("total", .money(b.reduce(0, +))))
    return .object(pairs)
  }

  /// `{"as_of", "group_by", "scope", "total": {…}, "rows": [...]}`.
  public var json: JSONValue {
    .object([
      ("as_of", .string(asOf.description)), ("group_by", .string(grouping.rawValue)),
      ("scope", scope.json), ("open_invoices", .int(Int64(totals.openInvoices))),
      ("total", bucketsJSON(totals.buckets)),
      (
        "rows",
        .array(
          rows.map { r in
            var pairs: [(String, JSONValue)] = [
              ("key", .string(r.key)), ("name", .string(r.label)),
              ("open_invoices", .int(Int64(r.openInvoices))),
              ("buckets", bucketsJSON(r.buckets)), ("past_due", .money(r.pastDue)),
            ]
            if grouping == .customer {
              pairs += [
                ("rep_id", .string(r.rep)),
                ("oldest_invoice", .string(r.oldestInvoice?.id)),
                ("oldest_invoice_dpd", .int(r.oldestInvoice?.dpd)),
                ("last_contact", .string(r.lastContact?.description)),
              ]
            }
            return .object(pairs)
          })
      ),
    ])
  }

  var extraHeader: [String] {
    grouping == .customer ? ["Rep", "Oldest open invoice", "Last contact"] : []
  }

  func extraCells(_ r: Row) -> [String] {
    guard grouping == .customer else { return [] }
    return [
      r.rep ?? "", r.oldestInvoice.map { "\($0.id) (\($0.dpd) dpd)" } ?? "",
      r.lastContact?.description ?? "never",
    ]
  }

  /// The report as a table, with a total row.
  public func table(limit: Int? = nil) -> String {
    var out = "Aging as of \(asOf) · \(scope)"
    if !buckets.isStandard { out += " · buckets \(buckets)" }
    out += grouping == .none ? "\n\n" : " · by \(grouping.rawValue)\n\n"
    var t = TextTable(
      header: [grouping == .none ? "" : grouping.rawValue.capitalized] + buckets.labels
        + ["Total", "Past due"] + extraHeader,
      alignments: [.left] + Array(repeating: .right, count: buckets.count + 2)
        + Array(repeating: .left, count: extraHeader.count))
    let shown = limit.map { Array(rows.prefix($0)) } ?? rows
    func money(_ b: [Int64]) -> [String] { b.map { Cents.display($0) } }
    if grouping != .none {
      for r in shown {
        let label = grouping == .customer ? "\(r.key) \(r.label)" : r.label
        t.add(
          [label] + money(r.buckets) + [Cents.display(r.total), Cents.display(r.pastDue)]
            + extraCells(r))
      }
    }
    t.add(
      ["Total"] + money(totals.buckets)
        + [Cents.display(totals.total), Cents.display(totals.pastDue)])
    out += t.rendered()
    if let limit, rows.count > limit {
      out += "(\(rows.count - limit) more rows; --limit 0 shows all)\n"
    }
    return out
  }

  /// One row per group plus a total row; money in currency units.
  public var csv: String {
    var out = CSVWriter.reportLine(
      ["key", "name"] + buckets.keys + ["total", "past_due", "open_invoices"]
        + (grouping == .customer
          ? ["rep_id", "oldest_invoice", "oldest_invoice_dpd", "last_contact"] : []))
    for r in rows + [totals] {
      var cells = [r.key, r.label] + r.buckets.map(Cents.plain)
      cells += [Cents.plain(r.total), Cents.plain(r.pastDue), String(r.openInvoices)]
      if grouping == .customer {
        cells += [
          r.rep ?? "", r.oldestInvoice?.id ?? "", r.oldestInvoice.map { String($0.dpd) } ?? "",
          r.lastContact?.description ?? "",
        ]
      }
      out += CSVWriter.reportLine(cells)
    }
    return out
  }
}
