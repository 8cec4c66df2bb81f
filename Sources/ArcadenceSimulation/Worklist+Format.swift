import ArcadenceCore
import ArcadenceReports
import Foundation

extension WorklistItem {
  /// `INV-1, INV-2 +3 more`.
  var invoiceList: String {
    let head = invoiceIds.prefix(3).joined(separator: ", ")
    return invoiceIds.count > 3 ? head + " +\(invoiceIds.count - 3) more" : head
  }

  var reasonList: String { reasons.map(\.rawValue).joined(separator: "+") }

  var lastContactText: String {
    guard let lastContact else { return "—" }
    return "\(lastContact) \(lastOutcome ?? "")"
  }

  var gainText: String { expectedGain.map { Cents.display($0) } ?? "—" }

  static func percent(_ p: Double?) -> String {
    p.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
  }
}

extension RepWorklist {
  /// Calls, then emails, then case work, with each item's section and rank.
  var ordered: [(section: String, rank: Int, item: WorklistItem)] {
    calls.enumerated().map { ("call", $0.offset + 1, $0.element) }
      + emails.enumerated().map { ("email", $0.offset + 1, $0.element) }
      + cases.enumerated().map { ("case", $0.offset + 1, $0.element) }
  }

  var title: String {
    "\(repId) \(repName)" + (team.map { " (team \($0))" } ?? "")
  }
}

extension Worklist {
  /// One rep's counts, as the table and the page head them: "4 of 4 calls (median calls on
  /// …), 9 more below the cut, 5 emails, 1 case".
  static func counts(_ r: RepWorklist) -> String {
    func n(_ k: Int, _ one: String) -> String { "\(k) \(one)\(k == 1 ? "" : "s")" }
    return "\(r.calls.count) of \(n(r.capacity, "call")) (\(r.capacitySource))"
      + (r.callsBelowCut.isEmpty ? "" : ", \(r.callsBelowCut.count) more below the cut")
      + ", \(n(r.emails.count, "email")), \(n(r.cases.count, "case"))"
  }

  /// The terminal table: per rep, the calls (cut at capacity), emails and case work, laid
  /// out by `TextTable` (which shows control and bidi characters as escapes, so a name can
  /// neither drive the terminal nor split a row).
  public var table: String {
    var out = "Worklist for \(day) (model calibrated on data to \(calibratedUntil))"
    if let policyName {
      out += TerminalText.sanitized(" · cadence of policy \"\(policyName)\"")
    }
    out += "\n"
    for r in reps {
      out += "\n\(TerminalText.sanitized("\(r.title): \(Worklist.counts(r))"))\n"
      let withBucket = buckets != nil
      var t = TextTable(
        header: ["#", "action", "customer", "invoices", "balance", "dpd"]
          + (withBucket ? ["bucket"] : []) + ["last contact", "reason", "gain", "why"],
        alignments: [.left, .left, .left, .left, .right, .right]
          + (withBucket ? [.left] : []) + [.left, .left, .right, .left])
      for (section, rank, it) in r.ordered {
        t.add(
          [
            "\(section) \(rank)", it.action.rawValue, Worklist.clip(it.customerName, 28),
            Worklist.clip(it.invoiceList, 26), Cents.display(it.balance), "\(it.daysPastDue)",
          ] + (withBucket ? [bucketLabel(it)] : []) + [
            it.lastContactText, it.reasonList, it.gainText, it.why,
          ])
      }
      if t.rows.isEmpty {
        out += "  nothing to work\n"
        continue
      }
      for line in t.rendered().split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
        out += "  " + line + "\n"
      }
    }
    return out
  }

  /// At most `n` characters, with `…` when cut.
  static func clip(_ s: String, _ n: Int) -> String {
    s.count <= n ? s : String(s.prefix(n - 1)) + "…"
  }

  /// The CSV columns (with buckets, `aging_bucket` follows `days_past_due`).
  public static let csvHeader = [
    "item_id", "date", "rep_id", "rep_name", "section", "rank", "action", "customer_id",
    "customer_name", "invoice_ids", "open_balance", "days_past_due", "last_contact_on",
    "last_outcome", "reasons", "p_paid_30d_not_contacted", "p_paid_30d_contacted",
    "expected_gain", "case_age_days", "why",
  ]

  /// A report CSV (one row per item, calls below the cut left out): every cell through
  /// `CSVWriter.reportLine`, so a name starting with `=` stays text.
  public var csv: String {
    let withBucket = buckets != nil
    var header = Worklist.csvHeader
    if withBucket, let k = header.firstIndex(of: "days_past_due") {
      header.insert("aging_bucket", at: k + 1)
    }
    var out = CSVWriter.reportLine(header)
    for r in reps {
      for (section, rank, it) in r.ordered {
        var cells: [String] = [
          it.id, "\(day)", r.repId, r.repName, section, "\(rank)", it.action.rawValue,
          it.customerId, it.customerName, it.invoiceIds.joined(separator: " "),
          Cents.plain(it.balance), "\(it.daysPastDue)",
        ]
        if withBucket { cells.append(bucketKey(it) ?? "") }
        cells += [
          it.lastContact.map { "\($0)" } ?? "",
          it.lastOutcome ?? "", it.reasons.map(\.rawValue).joined(separator: " "),
          it.pNotContacted.map { String(format: "%.4f", $0) } ?? "",
          it.pContacted.map { String(format: "%.4f", $0) } ?? "",
          it.expectedGain.map(Cents.plain) ?? "", it.caseAgeDays.map { "\($0)" } ?? "", it.why,
        ]
        out += CSVWriter.reportLine(cells)
      }
    }
    return out
  }

  /// The JSON document: `{"date", "calibrated_until", "reps": [{…, "calls", "emails",
  /// "cases", "calls_below_cut"}]}`.
  public var json: JSONValue {
    func item(_ it: WorklistItem, rank: Int) -> JSONValue {
      .object(
        [
          ("item_id", .string(it.id)), ("rank", .int(Int64(rank))),
          ("action", .string(it.action.rawValue)), ("customer_id", .string(it.customerId)),
          ("customer_name", .string(it.customerName)),
          ("invoice_ids", .array(it.invoiceIds.map { .string($0) })),
          ("open_balance", .money(it.balance)), ("days_past_due", .int(Int64(it.daysPastDue))),
        ] + (buckets == nil ? [] : [("aging_bucket", .string(bucketKey(it)))]) + [
          ("last_contact_on", .string(it.lastContact.map { "\($0)" })),
          ("last_outcome", .string(it.lastOutcome)),
          ("reasons", .array(it.reasons.map { .string($0.rawValue) })),
          ("p_paid_30d_not_contacted", .number(it.pNotContacted)),
          ("p_paid_30d_contacted", .number(it.pContacted)),
          ("expected_gain", it.expectedGain.map { .money($0) } ?? .null),
          ("case_age_days", .int(it.caseAgeDays)), ("why", .string(it.why)),
        ])
    }
    func list(_ items: [WorklistItem]) -> JSONValue {
      .array(items.enumerated().map { item($0.element, rank: $0.offset + 1) })
    }
    let policy: [(String, JSONValue)] = policyName.map { [("cadence_policy", .string($0))] } ?? []
    return .object(
      [("date", .string("\(day)")), ("calibrated_until", .string("\(calibratedUntil)"))] + policy
        + [
          (
            "reps",
            .array(
              reps.map { r in
                .object([
                  ("rep_id", .string(r.repId)), ("name", .string(r.repName)),
                  ("team", .string(r.team)), ("capacity", .int(Int64(r.capacity))),
                  ("capacity_source", .string(r.capacitySource)), ("calls", list(r.calls)),
                  ("emails", list(r.emails)), ("cases", list(r.cases)),
                  ("calls_below_cut", .int(Int64(r.callsBelowCut.count))),
                ])
              })
          )
        ])
  }

  /// A printable page per rep (one HTML document; each rep starts a new printed page),
  /// from the shared `worklistPrint` template, which escapes every piece of text.
  public var html: String {
    let columns =
      ["#", "Action", "Customer", "Invoices", "Balance", "DPD"]
      + (buckets == nil ? [] : ["Bucket"]) + ["Last contact", "Reason", "Gain", "Why", "Done"]
    let printed = reps.map { r in
      PageTemplates.PrintedWorklist(
        title: r.title, counts: Worklist.counts(r),
        rows: r.ordered.map { (section, rank, it) in
          let cells =
            [
              "\(section) \(rank)", it.action.rawValue,
              it.customerName + " (" + it.customerId + ")", it.invoiceList,
              Cents.display(it.balance), "\(it.daysPastDue)",
            ] + (buckets == nil ? [] : [bucketLabel(it)]) + [
              it.lastContactText, it.reasonList, it.gainText, it.why, "☐",
            ]
          return (id: it.id, cells: cells)
        })
    }
    return PageTemplates.worklistPage(
      day: "\(day)", calibratedUntil: "\(calibratedUntil)", policy: policyName,
      columns: columns, reps: printed)
  }
}
