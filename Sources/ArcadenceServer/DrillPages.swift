import ArcadenceAnalytics
import ArcadenceCore
import ArcadenceReports
import ArcadenceStore

extension Pages {
  /// The most rows a drill-down table shows in the page; the CSV has them all.
  static let pageRowLimit = 500

  // MARK: links

  /// The drill-down URL of a metric for a period and a scope (explicit dates, so the rows
  /// are those of the tile even after the data moves on).
  static func drillURL(_ metric: MetricKey, period: Period, scope: Scope) -> String {
    var q = ["metric": metric.rawValue, "from": "\(period.from)", "to": "\(period.to)"]
    switch scope {
    case .everyone: break
    case .rep(let r): q["rep"] = r
    case .team(let t): q["team"] = t
    }
    return url("/drill", q)
  }

  /// `path?k=v&…` with keys sorted and every key and value percent-encoded.
  static func url(_ path: String, _ q: [String: String]) -> String {
    guard !q.isEmpty else { return path }
    return path + "?"
      + q.sorted { $0.key < $1.key }.map {
        URLText.pathComponent($0.key) + "=" + URLText.pathComponent($0.value)
      }.joined(separator: "&")
  }

  /// A cell as text for a person (``PageTable/text(_:_:)``).
  static func human(_ cell: DrillDown.Cell, _ l: Ledger) -> String { PageTable.text(cell, l) }

  /// A cell for a report CSV: plain numbers, ids rather than names where a column has both.
  static func csvCell(_ cell: DrillDown.Cell, _ l: Ledger) -> [String] {
    switch cell {
    case .money(let c): return [Cents.plain(c)]
    case .count(let n): return [String(n)]
    case .days(let d): return [d.map { "\($0)" } ?? ""]
    case .flag(let b): return [b ? "true" : "false"]
    case .customer(let c): return [l.customerIds[c], l.customerNames[c]]
    case .invoice(let i): return [i >= 0 ? l.invoiceIds[i] : ""]
    case .rep(let r): return [l.repIds[r]]
    default: return [human(cell, l)]
    }
  }

  /// The page's link for a cell, only when the user may open it (``Visibility``, the same
  /// rule ``Access/decide`` applies), so no link leads to a 404.
  static func link(_ cell: DrillDown.Cell, _ l: Ledger, _ visible: Visibility) -> String? {
    switch cell {
    case .customer(let c) where visible.has(repIndex: l.owner(customer: c)):
      return Routes.route(.customer).url(id: l.customerIds[c])
    case .invoice(let i) where i >= 0 && visible.has(repIndex: l.owner(invoice: i)):
      return Routes.route(.invoice).url(id: l.invoiceIds[i])
    case .caseRef(let k) where visible.has(repIndex: l.owner(case: k)):
      return Routes.route(.casePage).url(id: l.caseIds[k])
    default: return nil
    }
  }

  /// A table as the `tableList` template's context (at most ``pageRowLimit`` rows), each
  /// cell linked only to what the user may open.
  static func tableContext(
    _ t: PageTable, _ l: Ledger, _ visible: Visibility, csv: String
  ) -> [String: Any] {
    t.context(ledger: l, rowLimit: pageRowLimit, csv: csv) { link($0, l, visible) }
  }

  /// A table as a report CSV (every cell through ``CSVWriter/reportLine(_:)``, so a name
  /// starting with `=` cannot run in a spreadsheet). A customer column becomes two: the id
  /// and the name.
  static func csv(_ t: PageTable, _ l: Ledger) -> String {
    var header: [String] = []
    for (k, title) in t.columns.enumerated() {
      if case .customer = t.rows.first?[k] ?? .text("") {
        header += [title.lowercased() + "_id", title.lowercased() + "_name"]
      } else {
        header.append(title)
      }
    }
    var out = CSVWriter.reportLine(header)
    for row in t.rows { out += CSVWriter.reportLine(row.flatMap { csvCell($0, l) }) }
    return out
  }

  /// A page of tables: HTML, or the CSV of the table the query's `table` names (the first by
  /// default). An unknown table name is a usage error naming it.
  static func tables(
    title: String, heading: String, lines: [String], facts: [(String, DrillDown.Cell)] = [],
    tables: [PageTable], path: String, query q: [String: String], file: String,
    ledger l: Ledger, visible: Visibility
  ) throws -> PageBody {
    if q["format"] == "csv" {
      let name = q["table"] ?? tables.first?.name ?? ""
      guard let t = tables.first(where: { $0.name == name }) else {
        throw ArcadenceError(
          .usage,
          "table: expected one of \(tables.map(\.name).joined(separator: ", ")) "
            + "(value \"\(name)\")")
      }
      return .csv(name: "\(file)-\(t.name).csv", text: csv(t, l))
    }
    var picked = q
    picked["format"] = nil
    let context: [String: Any] = [
      "heading": heading, "lines": lines.map { ["line": $0] }, "hasFacts": !facts.isEmpty,
      "facts": facts.map { fact -> [String: Any] in
        var f: [String: Any] = ["label": fact.0, "value": human(fact.1, l)]
        if let href = link(fact.1, l, visible) { f["link"] = href }
        return f
      },
      "tables": tables.map { t -> [String: Any] in
        var tq = picked
        tq["format"] = "csv"
        tq["table"] = t.name
        return tableContext(t, l, visible, csv: url(path, tq))
      },
    ]
    return .html(title: title, body: Templates.render("tables", context))
  }

  // MARK: the rows behind a KPI

  /// `/drill?metric=KEY&…period…&rep|team`: the rows behind one KPI tile, with the value
  /// they add up to (the metric's definition over their terms: the tile's number).
  static func drill(ledger l: Ledger, visible: Visibility, query q: [String: String]) throws
    -> PageBody
  {
    let key = q["metric"] ?? MetricKey.collectionRate.rawValue
    guard let metric = MetricKey(rawValue: key) else {
      throw ArcadenceError(
        .usage,
        "metric: expected a KPI key such as collection_rate or cases_open_over_14d "
          + "(value \"\(key)\")")
    }
    let period = try period(q, lastDay: l.lastEventDay)
    let scope = try scope(q, visible: visible)
    let reps = try scope.reps(in: l)
    let rows = KPIEngine(ledger: l).drillDown(metric, period: period, reps: reps)
    let d = Metrics[metric]
    let value = Format.human(rows.value, key: metric)
    let kind: String
    switch rows.kind {
    case .invoice: kind = "invoices"
    case .payment: kind = "payments"
    case .customer: kind = "customers"
    case .caseRow: kind = "cases"
    case .task: kind = "tasks"
    case .promise: kind = "promises"
    case .activity: kind = "activities"
    }
    let table = PageTable(
      title: "\(Format.count(rows.rows.count)) \(kind)", name: kind, columns: rows.columns,
      rows: rows.rows.map(\.cells),
      note: "\(d.label) from these rows: \(value) (kpis.md's definition over the rows).")
    return try tables(
      title: d.label,
      heading: "\(d.label): \(value) · \(period) · \(scope)",
      lines: [DrillDown.explanation(metric)], tables: [table], path: "/drill", query: q,
      file: "\(metric.rawValue)-\(period.from)-\(period.to)", ledger: l, visible: visible)
  }

  // MARK: customer, invoice, case

  /// A customer: its invoices, payments, activity timeline, promises and cases, as of the
  /// last day of the data.
  static func customer(
    ledger l: Ledger, visible: Visibility, id: String, query q: [String: String]
  ) throws -> PageBody {
    guard let c = l.customer(id) else { throw ArcadenceError(.usage, "unknown customer") }
    let asOf = l.lastEventDay ?? Day(rawValue: 0)
    var invoices: [[DrillDown.Cell]] = []
    var open: Int64 = 0
    for i in l.invoiceIds.indices where Int(l.invoiceCustomer[i]) == c {
      let b = l.balance(i, at: asOf.rawValue)
      if b > 0 { open += b }
      let dpd = Int(asOf.rawValue) - Int(l.invoiceDue[i])
      invoices.append([
        .invoice(i), .day(Day(rawValue: l.invoiceIssued[i])), .day(Day(rawValue: l.invoiceDue[i])),
        .money(l.invoiceAmount[i]), .money(b), b > 0 ? .count(dpd) : .text(""),
      ])
    }
    var payments: [[DrillDown.Cell]] = []
    for k in l.paymentAmount.indices where Int(l.paymentCustomer[k]) == c {
      payments.append([
        .day(Day(rawValue: l.paymentReceived[k])), .invoice(Int(l.paymentInvoice[k])),
        .money(l.paymentAmount[k]),
      ])
    }
    let onAutopay = l.autopayEnrolled(c, at: asOf.rawValue)
    return try tables(
      title: "Customer \(l.customerIds[c])",
      heading: "\(l.customerNames[c]) (\(l.customerIds[c]))",
      lines: [
        "As of \(asOf): open balance \(Cents.display(open)); "
          + (onAutopay ? "on auto-pay." : "not on auto-pay.")
      ],
      facts: [
        ("Rep", .rep(l.owner(customer: c))), ("Segment", .text(l.customerSegments[c] ?? "")),
        ("Payment terms (days)", .count(Int(l.customerTerms[c]))),
        ("Created", .day(Day(rawValue: l.customerCreated[c]))),
      ],
      tables: [
        PageTable(
          title: "Invoices", name: "invoices",
          columns: ["Invoice", "Issued", "Due", "Amount", "Balance", "Days past due"],
          rows: invoices),
        PageTable(
          title: "Payments", name: "payments", columns: ["Received", "Invoice", "Amount"],
          rows: payments),
      ] + customerHistory(c, l, asOf: asOf),
      path: Routes.route(.customer).url(id: l.customerIds[c]), query: q,
      file: "customer-\(FileName.safe(l.customerIds[c]))", ledger: l, visible: visible)
  }

  /// A customer's activity timeline (latest first), promises (judged by
  /// ``KPIEngine/promiseOutcome(_:asOf:)`` at the end of `asOf`) and cases.
  static func customerHistory(_ c: Int, _ l: Ledger, asOf: Day) -> [PageTable] {
    let engine = KPIEngine(ledger: l)
    var activities: [(Int32, [DrillDown.Cell])] = []
    for k in l.activityDay.indices where Int(l.activityCustomer[k]) == c {
      activities.append(
        (
          l.activityDay[k],
          [
            .day(Day(rawValue: l.activityDay[k])), .rep(Int(l.activityRep[k])),
            .text(DrillDown.channelName(l.activityChannel[k])),
            .text(l.activityOutbound[k] ? "outbound" : "inbound"), .text(l.activityOutcome[k]),
          ]
        ))
    }
    var promises: [[DrillDown.Cell]] = []
    for k in l.promiseMade.indices where Int(l.promiseCustomer[k]) == c {
      let (due, kept) = engine.promiseOutcome(k, asOf: asOf.rawValue)
      promises.append([
        .day(Day(rawValue: l.promiseMade[k])), .day(Day(rawValue: l.promisePromised[k])),
        .money(l.promiseAmount[k]), .rep(Int(l.promiseRep[k])),
        .text(due ? (kept ? "kept" : "broken") : "not yet due"),
      ])
    }
    var cases: [[DrillDown.Cell]] = []
    for k in l.caseIds.indices where Int(l.caseCustomer[k]) == c {
      cases.append(caseCells(k, l, asOf: asOf))
    }
    return [
      PageTable(
        title: "Activity timeline", name: "activities",
        columns: ["Day", "Rep", "Channel", "Direction", "Outcome"],
        rows: activities.sorted { $0.0 > $1.0 }.map { $0.1 }),
      PageTable(
        title: "Promises to pay", name: "promises",
        columns: ["Made", "Promised", "Amount", "Rep", "Outcome"], rows: promises),
      PageTable(title: "Cases", name: "cases", columns: caseColumns, rows: cases),
    ]
  }

  static let caseColumns = [
    "Case", "Rep", "Opened", "Closed", "Root cause", "Invoice", "Age (days)", "Over 14 days",
    "Escalated", "Documented",
  ]

  /// A case's row: its age and the 14-day rule (``KPIEngine/caseOverLimit(openedOn:asOf:)``)
  /// at the end of `asOf` while it is open.
  static func caseCells(_ k: Int, _ l: Ledger, asOf: Day) -> [DrillDown.Cell] {
    let opened = l.caseOpenedOn(k)
    let open = l.isCaseOpen(k, atEndOf: asOf)
    return [
      .caseRef(k), .rep(l.owner(case: k)), .day(opened),
      .day(l.caseClosedAt[k].map { Timestamp(seconds: $0).day }), .text(l.caseRootCause[k] ?? ""),
      .invoice(Int(l.caseInvoice[k])), open ? .count(asOf - opened) : .text(""),
      .flag(open && KPIEngine.caseOverLimit(openedOn: opened.rawValue, asOf: asOf.rawValue)),
      .text(l.caseEscalationReason[k] ?? ""), .flag(l.caseDocumented[k]),
    ]
  }

  /// An invoice: its amount, balance and every payment, credit memo and write-off, and the
  /// cases linked to it.
  static func invoice(
    ledger l: Ledger, visible: Visibility, id: String, query q: [String: String]
  ) throws -> PageBody {
    guard let i = l.invoice(id) else { throw ArcadenceError(.usage, "unknown invoice") }
    let asOf = l.lastEventDay ?? Day(rawValue: 0)
    let c = Int(l.invoiceCustomer[i])
    var events: [[DrillDown.Cell]] = []
    var k = Int(l.invoiceEventStart[i])
    let end = Int(l.invoiceEventStart[i + 1])
    while k < end {
      let kind: String
      switch l.eventKind[k] {
      case .payment: kind = "payment"
      case .creditMemo: kind = "credit memo"
      case .writeOff: kind = "write-off"
      }
      events.append([.day(Day(rawValue: l.eventDay[k])), .text(kind), .money(l.eventAmount[k])])
      k += 1
    }
    let cases = l.caseIds.indices.filter { Int(l.caseInvoice[$0]) == i }.map {
      caseCells($0, l, asOf: asOf)
    }
    let (net, collected) = KPIEngine(ledger: l).cohortAmounts(i, asOf: asOf.rawValue)
    let balance = l.balance(i, at: asOf.rawValue)
    return try tables(
      title: "Invoice \(l.invoiceIds[i])", heading: "Invoice \(l.invoiceIds[i])",
      lines: [
        "As of \(asOf): balance \(Cents.display(balance)); net of credit memos "
          + "\(Cents.display(net)), collected \(Cents.display(collected)) (the collection "
          + "rate's terms)."
      ],
      facts: [
        ("Customer", .customer(c)), ("Rep", .rep(l.owner(invoice: i))),
        ("Issued", .day(Day(rawValue: l.invoiceIssued[i]))),
        ("Due", .day(Day(rawValue: l.invoiceDue[i]))), ("Amount", .money(l.invoiceAmount[i])),
      ],
      tables: [
        PageTable(
          title: "Payments and adjustments", name: "events", columns: ["Day", "Kind", "Amount"],
          rows: events),
        PageTable(title: "Cases", name: "cases", columns: caseColumns, rows: cases),
      ],
      path: Routes.route(.invoice).url(id: l.invoiceIds[i]), query: q,
      file: "invoice-\(FileName.safe(l.invoiceIds[i]))", ledger: l, visible: visible)
  }

  /// A case: its customer, invoice, owner, dates, root cause, escalation and documentation.
  static func casePage(
    ledger l: Ledger, visible: Visibility, id: String, query q: [String: String]
  ) throws -> PageBody {
    guard let k = l.caseIndex(id) else { throw ArcadenceError(.usage, "unknown case") }
    let asOf = l.lastEventDay ?? Day(rawValue: 0)
    let escalated = l.caseEscalatedAt[k].map { Timestamp(seconds: $0).description } ?? ""
    return try tables(
      title: "Case \(l.caseIds[k])", heading: "Case \(l.caseIds[k])",
      lines: [
        l.isCaseOpen(k, atEndOf: asOf)
          ? "Open at the end of \(asOf), \(asOf - l.caseOpenedOn(k)) days after it was opened "
            + "(the limit is \(KPIEngine.caseAgeLimitDays))."
          : "Closed."
      ],
      facts: [
        ("Customer", .customer(Int(l.caseCustomer[k]))), ("Owner", .rep(l.owner(case: k))),
        ("Invoice", .invoice(Int(l.caseInvoice[k]))),
        ("Opened", .text(Timestamp(seconds: l.caseOpenedAt[k]).description)),
        ("Closed", .text(l.caseClosedAt[k].map { Timestamp(seconds: $0).description } ?? "")),
        ("Root cause", .text(l.caseRootCause[k] ?? "")),
        ("Escalated", .text(escalated)),
        ("Escalation reason", .text(l.caseEscalationReason[k] ?? "")),
        ("Documented", .flag(l.caseDocumented[k])),
      ],
      tables: [
        PageTable(
          title: "Case", name: "case", columns: caseColumns, rows: [caseCells(k, l, asOf: asOf)])
      ],
      path: Routes.route(.casePage).url(id: l.caseIds[k]), query: q,
      file: "case-\(FileName.safe(l.caseIds[k]))", ledger: l, visible: visible)
  }

  // MARK: weekly review

  /// The weekly review's Pareto and trend as images drawn on request (`/chart.svg`) for the
  /// review's week and scope; nothing for a week with no cases.
  static func reviewFigures(_ r: WeeklyReview, scope: Scope) -> String {
    var chartQuery: [String: String] = ["week": r.weekLabel]
    switch scope {
    case .everyone: break
    case .rep(let rep): chartQuery["rep"] = rep
    case .team(let team): chartQuery["team"] = team
    }
    let figures = ReviewPage.figures(r) { kind, _ in
      chartQuery["name"] = "review-\(kind)"
      return url(Routes.route(.chart).path, chartQuery)
    }
    return Templates.render("reviewFigures", figures)
  }

  /// The query's ISO `week`, or the last full ISO week of the data.
  static func reviewWeek(_ q: [String: String], _ l: Ledger) throws -> Period {
    if let named = try PeriodChoice(week: q["week"], prefix: "").named() { return named }
    guard let last = l.lastEventDay else {
      throw ArcadenceError(.usage, "the store is empty: import data first")
    }
    return Period.lastFullISOWeek(endingBy: last)
  }

  /// `/review?week=2026-W14&team=…`: the weekly root-cause review (``WeeklyReview``) for the
  /// week (by default the last full ISO week of the data) and the scope (a manager's first
  /// team by default, everyone for leadership).
  static func review(ledger l: Ledger, visible: Visibility, query q: [String: String]) throws
    -> PageBody
  {
    let week = try reviewWeek(q, l)
    let scope = try scope(q, visible: visible)
    let r = try WeeklyReview(ledger: l, week: week, scope: scope)
    var picked = q
    picked["format"] = nil
    picked["table"] = nil
    // The weeks before and after, when they are in the calendar.
    var around: [String: Any] = [:]
    for (name, step) in [("previous", -7), ("next", 7)] {
      guard let day = week.from.offset(by: step) else { continue }
      var moved = picked
      moved["week"] = day.isoWeekLabel
      around[name] = ["href": url("/review", moved), "label": day.isoWeekLabel]
    }
    var page = try tables(
      title: "Weekly review \(r.weekLabel)",
      heading: ReviewPage.heading(r),
      lines: [ReviewPage.summary(r)],
      tables: ReviewPage.tables(r, ledger: l), path: "/review", query: q,
      file: "review-\(r.weekLabel)", ledger: l, visible: visible)
    if case .html(let title, let body) = page {
      var context = around
      context["week"] = q["week"] ?? r.weekLabel
      context["teams"] = visible.teams.map { ["value": $0, "selected": q["team"] == $0] }
      context["teamDefault"] = visible.everyone ? "everyone" : "—"
      let picker = Templates.render("weekPicker", context)
      let figures = reviewFigures(r, scope: scope)
      page = .html(title: title, body: picker + body + figures)
    }
    return page
  }
}

extension Templates {
  /// The review's week picker (every page of tables — a drill-down, a customer, an invoice,
  /// a case, the weekly review — is the shared `tables` template of ``PageTemplates``).
  static let drillSources: [String: String] = [
    "weekPicker": """
    <form method="get" action="/review" class="pickers">
    <label>ISO week <input name="week" placeholder="2026-W14" value="{{week}}"/></label>
    <label>Team <select name="team"><option value="">{{teamDefault}}</option>{{#teams}}<option value="{{value}}"{{#selected}} selected="selected"{{/selected}}>{{value}}</option>{{/teams}}</select></label>
    <button type="submit">Show</button>
    {{#previous}}<a href="{{href}}">← {{label}}</a>{{/previous}}
    {{#next}}<a href="{{href}}">{{label}} →</a>{{/next}}
    </form>
    """
  ]
}

extension DrillDown {
  /// One sentence on which rows are behind a metric.
  static func explanation(_ m: MetricKey) -> String {
    switch kind(of: m) {
    case .invoice where m == .collectionRate:
      return "The cohort: invoices due in the period, with the amount net of credit memos "
        + "posted by its end and what was collected on each by then (capped at the net)."
    case .invoice: return "Invoices issued in the period."
    case .payment:
      return m == .unappliedAmount
        ? "Payments received in the period with no invoice." : "Payments received in the period."
    case .customer where isAutopay(m):
      return "Customers billed in the 365 days ending at the period's end; eligible: created "
        + "before the period and not enrolled at its start."
    case .customer:
      return "Customers by past-due balance at the end of the period (open balances at the "
        + "start and the end by days past due, and credit sales)."
    case .caseRow:
      switch m {
      case .casesOpenOver14d:
        return "Cases open at the end of the period and opened more than "
          + "\(KPIEngine.caseAgeLimitDays) days before it."
      case .casesOpened: return "Cases opened in the period."
      case .casesOpenEnd: return "Cases open at the end of the period."
      case .escalations, .escalationsByReason: return "Cases escalated in the period."
      default: return "Cases closed in the period."
      }
    case .task: return "Tasks due in the period."
    case .promise: return "Promises made in the period, judged at its end."
    case .activity: return "Activities in the period."
    }
  }
}
