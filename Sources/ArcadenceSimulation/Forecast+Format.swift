import ArcadenceCharts
import ArcadenceCore
import Foundation

extension Forecast {
  /// Whole cents of a band value (a P5/P50/P95 of cents, interpolated).
  static func cents(_ v: Double) -> Int64 { Int64(exactly: v.rounded()) ?? 0 }

  /// Which payment clock ran and why, in a sentence.
  public var clockLine: String {
    let name = clock == "curves" ? "delay curves" : "hazards by days past due"
    guard let s = timingSelection else { return "Payment clock: \(name) (fixed by the options)." }
    func pct(_ e: Double?) -> String { Accuracy.percent(e) }
    return "Payment clock: \(name), chosen on the store's earlier cutoffs (mean |error| "
      + "hazards \(pct(s.hazardError)), curves \(pct(s.curvesError)))."
  }

  /// What the weekly band adds (``WeeklyNoise``), in a sentence.
  public func noiseLine(_ n: WeeklyNoise) -> String {
    guard n.weeks >= WeeklyNoise.minimumWeeks else {
      return "Weekly band: the paths' own (too few earlier weeks to measure more: \(n.weeks))."
    }
    guard n.relativeVariance > 0 else {
      return "Weekly band: the paths' own (on \(n.weeks) earlier weeks they carried all the "
        + "week-to-week spread)."
    }
    return "Weekly band: the paths' spread plus ±\(Accuracy.percent(n.relativeSD)) (1 s.d.) "
      + "week-to-week noise the paths missed on \(n.weeks) earlier weeks."
  }

  /// What the model did, a sentence each: the clock, the weekly band, silent customers' billing,
  /// customers leaving, the amounts' drift, unapplied cash.
  /// The one wording of the table's header lines and the served forecast page.
  public var modelLines: [String] {
    [clockLine] + (weeklyNoise.map { [noiseLine($0)] } ?? [])
      + [resumption.line, churn.line, amountDrift.line] + amountDrift.seasonLines
      + (unapplied.line(weekly: unappliedWeekly).map { [$0] } ?? [])
  }

  /// The weekly forecast as a table: one row per group and week, then each group's horizon.
  public var table: String {
    func money(_ v: Double) -> String { Cents.displayWhole(Forecast.cents(v)) }
    var out =
      "Cash forecast · \(settings.weeks) week\(settings.weeks == 1 ? "" : "s") from \(start) · "
      + "\(settings.paths) paths · seed \(settings.seed)\n"
    out +=
      "Calibrated on data up to \(calibratedUntil); open book: \(openInvoices) invoice"
      + "\(openInvoices == 1 ? "" : "s") open at the start, \(Cents.displayWhole(openBalance)); "
      + "future billing: invoices issued from \(start) on.\n"
    for line in modelLines { out += line + "\n" }
    out += "\n"
    var header = ["week from"]
    if settings.by != nil { header.insert(settings.by?.rawValue ?? "", at: 0) }
    header += [
      "open book P50", "future billing P50", "total P5", "total P50", "total P95",
    ]
    var t = TextTable(header: header)
    let rows = series.flatMap { s in
      s.weeks.map { (s.group, $0.start.description, $0) }
        + [(s.group, "\(settings.weeks) weeks", s.horizon)]
    }
    for (group, label, w) in rows {
      do {
        var row = [label]
        if settings.by != nil { row.insert(group, at: 0) }
        row += [
          money(w.openBook.p50), money(w.futureBilling.p50), money(w.total.p5),
          money(w.total.p50), money(w.total.p95),
        ]
        t.add(row)
      }
    }
    out += t.rendered()
    out +=
      "\nP5/P50/P95 over the paths; each is taken separately, so the open-book and "
      + "future-billing P50s need not add up to the total's (they do path by path). Model: "
      + "as `arcadence accuracy` validates it (renewal billing, customer bootstrap, portfolio "
      + "shock, observed cadence).\n"
    return out
  }

  /// The weekly forecast as CSV: one line per group, week and part.
  public var csv: String {
    var out = CSVWriter.reportLine([
      "group", "week_start", "part", "p5", "p50", "p95",
    ])
    for s in series {
      for w in s.weeks {
        for (part, b) in [("open_book", w.openBook), ("future_billing", w.futureBilling)]
          + [("total", w.total)]
        {
          out += CSVWriter.reportLine([
            s.group, w.start.description, part, Cents.plain(Forecast.cents(b.p5)),
            Cents.plain(Forecast.cents(b.p50)), Cents.plain(Forecast.cents(b.p95)),
          ])
        }
      }
    }
    return out
  }

  /// The weekly forecast as JSON.
  public var json: JSONValue {
    func band(_ b: Band) -> JSONValue {
      .object([
        ("p5", .money(Forecast.cents(b.p5))), ("p50", .money(Forecast.cents(b.p50))),
        ("p95", .money(Forecast.cents(b.p95))),
      ])
    }
    func week(_ w: Week) -> JSONValue {
      .object([
        ("week_start", .string(w.start.description)), ("open_book", band(w.openBook)),
        ("future_billing", band(w.futureBilling)), ("total", band(w.total)),
      ])
    }
    return .object([
      ("start", .string(start.description)), ("weeks", .int(settings.weeks)),
      ("paths", .int(settings.paths)), ("seed", .string(String(settings.seed))),
      ("by", settings.by.map { .string($0.rawValue) } ?? .null),
      ("calibrated_until", .string(calibratedUntil.description)),
      ("clock", .string(clock)),
      (
        "clock_selection",
        timingSelection.map { s in
          .object([
            ("hazard_error", s.hazardError.map { .number($0) } ?? .null),
            ("curves_error", s.curvesError.map { .number($0) } ?? .null),
          ])
        } ?? .null
      ),
      ("weekly_noise", WeeklyNoise.json(weeklyNoise)),
      ("billing_resumption", resumption.json), ("churn", churn.json),
      ("amount_drift", amountDrift.json),
      (
        "unapplied_cash",
        .object([
          ("per_week", .money(unappliedWeekly)), ("window_days", .int(unapplied.days)),
          ("window_cash", .money(unapplied.total)),
        ])
      ),
      ("open_invoices", .int(openInvoices)), ("open_balance", .money(openBalance)),
      (
        "actual_weeks",
        .array(
          actualWeeks.map {
            .object([("week_start", .string($0.start.description)), ("cash", .money($0.cash))])
          })
      ),
      (
        "series",
        .array(
          series.map { s in
            .object([
              ("group", .string(s.group)), ("weeks", .array(s.weeks.map(week))),
              ("horizon", week(s.horizon)),
            ])
          })
      ),
    ])
  }

  /// The open invoices' predicted payment dates as CSV.
  public var invoiceCSV: String {
    var out = CSVWriter.reportLine([
      "invoice_id", "customer_id", "customer_name", "amount", "balance", "due_date",
      "days_past_due", "p10_date", "median_date", "p90_date",
    ])
    for p in invoices {
      out += CSVWriter.reportLine([
        p.invoiceId, p.customerId, p.customerName, Cents.plain(p.amount), Cents.plain(p.balance),
        p.due.description, String(p.daysPastDue), p.p10?.description ?? "",
        p.median?.description ?? "", p.p90?.description ?? "",
      ])
    }
    return out
  }

  /// The open invoices' predicted payment dates as JSON.
  public var invoiceJSON: JSONValue {
    func day(_ d: Day?) -> JSONValue { d.map { .string($0.description) } ?? .null }
    return .object([
      ("start", .string(start.description)),
      ("calibrated_until", .string(calibratedUntil.description)),
      (
        "invoices",
        .array(
          invoices.map { p in
            .object([
              ("invoice_id", .string(p.invoiceId)), ("customer_id", .string(p.customerId)),
              ("customer_name", .string(p.customerName)), ("amount", .money(p.amount)),
              ("balance", .money(p.balance)), ("due_date", .string(p.due.description)),
              ("days_past_due", .int(p.daysPastDue)), ("p10_date", day(p.p10)),
              ("median_date", day(p.median)), ("p90_date", day(p.p90)),
            ])
          })
      ),
    ])
  }

  /// The chart: weekly bars of the total's P50 with the P5–P95 band, and the actual cash of
  /// the 8 weeks before the start.
  public var chart: SimulationCharts.Entry {
    let whole = series[0]
    let mid = whole.weeks.map { Double($0.start.rawValue) + 3 }
    let before = actualWeeks.map { Double($0.start.rawValue) + 3 }
    let sub =
      "\(settings.weeks) weeks from \(start) · calibrated on data up to \(calibratedUntil) · "
      + "\(settings.paths) paths"
    // Whole weeks on both sides, so the first and last bars are not cut.
    let first = actualWeeks.first?.start ?? start
    let domain = first.rawValue...(start + 7 * settings.weeks).rawValue
    let chart = Chart(
      title: "Cash forecast by week", subtitle: sub,
      footnote: "Bars: median forecast cash per week (grey: actual cash in the 8 weeks before). "
        + "Band: P5–P95 of the week's cash over the paths.",
      xAxis: .time(domain: domain), yAxis: YAxis(title: "Cash per week", format: .money),
      legend: Legend(.visible),
      marks: [
        .bars(
          BarMark(
            x: before,
            series: [
              BarSeries(
                name: "Actual", values: actualWeeks.map { Double($0.cash) / 100 },
                color: Color(hex: 0x999999))
            ], width: 5)),
        .bars(
          BarMark(
            x: mid,
            series: [
              BarSeries(
                name: "Forecast P50", values: whole.weeks.map { $0.total.p50 / 100 },
                color: Palette.blue)
            ], width: 5)),
        .band(
          BandMark(
            name: "Forecast P5–P95", x: mid, lower: whole.weeks.map { $0.total.p5 / 100 },
            upper: whole.weeks.map { $0.total.p95 / 100 }, color: Palette.orange, opacity: 0.25)),
        .rule(.vertical(x: Double(start.rawValue), label: "Start")),
      ])
    return SimulationCharts.Entry(name: "forecast", chart: .chart(chart))
  }
}
