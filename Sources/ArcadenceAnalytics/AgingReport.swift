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

  /// Computes the report. O(invoices + their events + activities), plus sorting the rows.
  /// Reads the invoices' ids and the activities' customers and days only for customer rows,
  /// and no other column a ledger may leave out (``LedgerColumns``).
  ///
  /// Sums are kept in flat arrays indexed by group (a customer's, rep's or segment's
  /// position), so no row is copied per invoice; the rows are made once, in their order.
  public init(
    ledger l: Ledger, asOf: Day, grouping: Grouping, scope: Scope = .everyone,
    buckets: AgingBuckets = .standard
  ) throws {
    self.asOf = asOf
    self.grouping = grouping
    self.scope = scope
    self.buckets = buckets
    let n = buckets.count
    AgingReport.requireLoaded(l, for: grouping, asOf: asOf)
    var repInScope = [Bool](repeating: false, count: l.repIds.count)
    for r in try scope.reps(in: l) { repInScope[r] = true }
    let d = asOf.rawValue
    let (groupOf, keys, labels) = AgingReport.groups(ledger: l, grouping: grouping)
    let groups = keys.count
    var sums = [Int64](repeating: 0, count: groups * n)
    var pastDue = [Int64](repeating: 0, count: groups)
    var open = [Int](repeating: 0, count: groups)
    /// The oldest open invoice per customer (customer rows): earliest due, then issued, then id.
    var oldest = [Int](repeating: -1, count: grouping == .customer ? groups : 0)
    var totals = Row(key: "total", label: "Total", count: n)
    for i in l.invoiceAmount.indices where l.invoiceIssued[i] <= d {
      let c = Int(l.invoiceCustomer[i])
      guard repInScope[Int(l.customerRep[c])] else { continue }
      let b = l.balance(i, at: d)
      guard b > 0 else { continue }
      let bucket = buckets.bucket(
        age: buckets.age(day: d, issued: l.invoiceIssued[i], due: l.invoiceDue[i]))
      let g = groupOf[c]
      sums[g * n + bucket] += b
      open[g] += 1
      totals.buckets[bucket] += b
      totals.openInvoices += 1
      if d > l.invoiceDue[i] {
        pastDue[g] += b
        totals.pastDue += b
      }
      if grouping == .customer {
        let o = oldest[g]
        if o < 0
          || (l.invoiceDue[i], l.invoiceIssued[i]) < (l.invoiceDue[o], l.invoiceIssued[o])
          || ((l.invoiceDue[i], l.invoiceIssued[i]) == (l.invoiceDue[o], l.invoiceIssued[o])
            && l.invoiceIds[i] < l.invoiceIds[o])
        {
          oldest[g] = i
        }
      }
    }
    var lastContact = [Int32](repeating: .min, count: grouping == .customer ? groups : 0)
    if grouping == .customer {
      for k in l.activityDay.indices where l.activityDay[k] <= d {
        let c = Int(l.activityCustomer[k])
        if open[c] > 0, l.activityDay[k] > lastContact[c] { lastContact[c] = l.activityDay[k] }
      }
    }
    var total = [Int64](repeating: 0, count: groups)
    for g in 0..<groups {
      for k in 0..<n { total[g] += sums[g * n + k] }
    }
    let order = (0..<groups).filter { open[$0] > 0 }.sorted {
      (pastDue[$0], total[$0], keys[$1]) > (pastDue[$1], total[$1], keys[$0])
    }
    rows = order.map { g in
      var row = Row(key: keys[g], label: labels[g], count: 0)
      row.buckets = Array(sums[(g * n)..<(g * n + n)])
      row.pastDue = pastDue[g]
      row.openInvoices = open[g]
      if grouping == .customer {
        row.rep = l.repIds[Int(l.customerRep[g])]
        let o = oldest[g]
        row.oldestInvoice = (l.invoiceIds[o], Int(d - l.invoiceDue[o]))
        if lastContact[g] != .min { row.lastContact = Day(rawValue: lastContact[g]) }
      }
      return row
    }
    self.totals = totals
  }

  /// Stops unless `l` holds what rows of `grouping` read: for customer rows, the invoices'
  /// ids and every activity up to `asOf` with its customer (a programming error: the
  /// command loads them, ``LedgerColumns``).
  static func requireLoaded(_ l: Ledger, for grouping: Grouping, asOf: Day) {
    precondition(
      grouping != .customer
        || (l.selection.activities.from == .min && l.selection.activities.to >= asOf.rawValue
          && l.selection.columns.isSuperset(of: [.invoiceIds, .activityCustomers])),
      "customer rows need the invoices' ids and every activity up to \(asOf) with its customer")
  }

  /// Each customer's group (its position, its rep's, its segment's or 0), and each group's
  /// key and label.
  static func groups(ledger l: Ledger, grouping: Grouping) -> (
    groupOf: [Int], keys: [String], labels: [String]
  ) {
    let customers = l.customerIds.count
    switch grouping {
    case .none:
      return ([Int](repeating: 0, count: customers), ["all"], ["All customers"])
    case .customer:
      return (Array(0..<customers), l.customerIds, l.customerNames)
    case .rep:
      return (l.customerRep.map { Int($0) }, l.repIds, l.repNames)
    case .segment:
      var groupOf = [Int](repeating: 0, count: customers)
      var keys: [String] = []
      var segmentIndex: [String: Int] = [:]
      for c in 0..<customers {
        let s = l.customerSegments[c] ?? "(none)"
        if let g = segmentIndex[s] {
          groupOf[c] = g
        } else {
          groupOf[c] = keys.count
          segmentIndex[s] = keys.count
          keys.append(s)
        }
      }
      return (groupOf, keys, keys)
    }
  }

  /// Writes buckets as a JSON object under `keys` (``AgingBuckets/keys``, made once per
  /// document: each call builds them) with a total.
  func writeBuckets(_ b: [Int64], keys: [String], to w: inout JSONWriter) {
    w.beginObject()
    for (key, cents) in zip(keys, b) {
      w.key(key)
      w.money(cents)
    }
    w.key("total")
    w.money(b.reduce(0, +))
    w.endObject()
  }

  /// The report as JSON: `{"as_of", "group_by", "scope", "open_invoices", "total": {…},
  /// "rows": [...]}`, written row by row (216,550 values for 20,000 customers, so no tree is
  /// built first). O(rows).
  public func writeJSON(to w: inout JSONWriter) {
    let keys = buckets.keys
    w.beginObject()
    w.key("as_of")
    w.string(asOf.description)
    w.key("group_by")
    w.string(grouping.rawValue)
    w.key("scope")
    scope.json.write(to: &w)
    w.key("open_invoices")
    w.int(Int64(totals.openInvoices))
    w.key("total")
    writeBuckets(totals.buckets, keys: keys, to: &w)
    w.key("rows")
    w.beginArray()
    for r in rows {
      w.element()
      w.beginObject()
      w.key("key")
      w.string(r.key)
      w.key("name")
      w.string(r.label)
      w.key("open_invoices")
      w.int(Int64(r.openInvoices))
      w.key("buckets")
      writeBuckets(r.buckets, keys: keys, to: &w)
      w.key("past_due")
      w.money(r.pastDue)
      if grouping == .customer {
        w.key("rep_id")
        w.string(r.rep)
        w.key("oldest_invoice")
        w.string(r.oldestInvoice?.id)
        w.key("oldest_invoice_dpd")
        w.int(r.oldestInvoice?.dpd)
        w.key("last_contact")
        w.string(r.lastContact?.description)
      }
      w.endObject()
    }
    w.endArray()
    w.endObject()
  }

  /// The report as JSON bytes, pretty-printed (``writeJSON(to:)``).
  public var jsonUTF8: [UInt8] {
    // Room for every row at once (a customer row takes about 450 bytes with five buckets;
    // pages reserved but never written cost nothing), so the document is never copied to
    // grow it.
    var w = JSONWriter(capacity: 64 + rows.count * (448 + 32 * buckets.count))
    writeJSON(to: &w)
    return w.bytes
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
