import ArcadenceCharts
import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import Foundation
import Hummingbird

/// The settings of a forecast or accuracy job, kept as the job's text (``Job/yaml``): one
/// `key: value` line per setting, sorted by key, so the same settings give the same text and
/// a page finds the job that already answers them (``JobStore/latest(kind:settings:generation:owner:all:)``).
enum JobSettings {
  static func text(_ pairs: [String: String]) -> String {
    pairs.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)\n" }.joined()
  }

  static func parse(_ text: String) -> [String: String] {
    var out: [String: String] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 1)
      guard parts.count == 2 else { continue }
      out[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
    }
    return out
  }
}

/// The rolling 13-week cash forecast as a job (`/forecast`): ``Forecast/run`` with the CLI's
/// defaults (13 weeks, seed 1) on one thread, the split (`by`) and paths from the form.
enum ForecastJob {
  static let weeks = 13
  static let seed: UInt64 = 1
  static let defaultPaths = 1000

  /// `by` from the form or query: empty for the whole book, else segment, rep or team.
  static func grouping(_ text: String?) throws -> Forecast.Grouping? {
    guard let text, !text.isEmpty else { return nil }
    guard let g = Forecast.Grouping(rawValue: text) else {
      throw ArcadenceError(.usage, "by: expected segment, rep or team (value \"\(text)\")")
    }
    return g
  }

  static func settingsText(by: Forecast.Grouping?, paths: Int) -> String {
    JobSettings.text([
      "by": by?.rawValue ?? "all", "paths": String(paths), "seed": String(seed),
      "weeks": String(weeks),
    ])
  }

  /// The settings a job's text names, on one thread (a job holds one core).
  static func settings(_ text: String) throws -> Forecast.Settings {
    let s = JobSettings.parse(text)
    let by = try grouping(s["by"] == "all" ? nil : s["by"])
    return Forecast.Settings(
      weeks: Int(s["weeks"] ?? "") ?? weeks, paths: Int(s["paths"] ?? "") ?? defaultPaths,
      seed: UInt64(s["seed"] ?? "") ?? seed, threads: 1, by: by)
  }

  static func label(by: Forecast.Grouping?) -> String {
    "forecast" + (by.map { " by \($0.rawValue)" } ?? "")
  }

  /// Runs the forecast and returns the job's outputs: the result as HTML (the page's part
  /// below its form), `forecast.json` / `forecast.csv` (the CLI's `--out` files),
  /// `invoices.csv` / `invoices.json` (`--by invoice`: each open invoice's predicted dates),
  /// the chart as SVG and the calibration's warnings.
  static func run(
    _ job: Job, ledger: Ledger, links: InvoiceLinks, progress: @escaping @Sendable (Int) -> Void
  ) throws -> [(String, [UInt8])] {
    let f = try Forecast.run(
      ledger: ledger, links: links, settings: try settings(job.yaml),
      progress: { done, _ in progress(done) })
    var outputs: [(String, [UInt8])] = [
      ("result.html", Array(Templates.render("forecastResult", context(f, job: job.id)).utf8)),
      ("forecast.json", Array((f.json.rendered() + "\n").utf8)),
      ("forecast.csv", Array(f.csv.utf8)),
      ("invoices.csv", Array(f.invoiceCSV.utf8)),
      ("invoices.json", Array((f.invoiceJSON.rendered() + "\n").utf8)),
      ("forecast.svg", try CairoRenderer().render(f.chart.chart, format: .svg)),
    ]
    if !f.warnings.isEmpty {
      outputs.append(("warnings.txt", Array(f.warnings.joined(separator: "\n").utf8)))
    }
    return outputs
  }

  /// Whole currency units of a band value (``Cents/nearest(_:)``, as the CLI's table).
  static func money(_ v: Double) -> String { Cents.displayWhole(Cents.nearest(v)) }

  static func row(_ label: String, _ w: Forecast.Week) -> [String: Any] {
    [
      "label": label,
      "open": [money(w.openBook.p5), money(w.openBook.p50), money(w.openBook.p95)],
      "future": [
        money(w.futureBilling.p5), money(w.futureBilling.p50), money(w.futureBilling.p95),
      ],
      "total": [money(w.total.p5), money(w.total.p50), money(w.total.p95)],
    ]
  }

  /// The result's template context: per series (the whole book, then each group) a row per
  /// week and one for the horizon; the actual cash of the 8 weeks before; the chart and the
  /// downloads, served by the job's page.
  static func context(_ f: Forecast, job: Int64) -> [String: Any] {
    let url = Routes.route(.job).url(id: String(job))
    return [
      "summary":
        "\(f.settings.weeks) weeks from \(f.start) · \(f.settings.paths) paths · seed "
        + "\(f.settings.seed) · calibrated on data up to \(f.calibratedUntil)",
      "book":
        "Open book: \(f.openInvoices) invoices open at the start, "
        + "\(Cents.displayWhole(f.openBalance)); future billing: invoices issued from "
        + "\(f.start) on.",
      // What the model did, as the CLI's table says it.
      "model": f.modelLines.joined(separator: " "),
      "series": f.series.map { s -> [String: Any] in
        [
          "group": s.group,
          "weeks": s.weeks.map { row($0.start.description, $0) }
            + [row("\(f.settings.weeks) weeks", s.horizon)],
        ]
      },
      "actual": f.actualWeeks.map {
        ["start": $0.start.description, "cash": Cents.displayWhole($0.cash)]
      },
      "chart": url + "?chart=forecast",
      "downloads": ["forecast.csv", "forecast.json", "invoices.csv", "invoices.json"].map {
        ["href": url + "?download=" + $0, "name": $0]
      },
    ]
  }
}

/// The rolling-origin accuracy evaluation as a job (`/accuracy`): ``Accuracy/run`` on one
/// thread, with the CLI's defaults (12 month-start cutoffs, 30/60/90 days, 200 paths, seed 1)
/// unless the form names others.
enum AccuracyJob {
  static let defaults = (cutoffs: 12, horizons: "30,60,90", paths: 200, seed: UInt64(1))

  /// The settings text from the form's `cutoffs`, `horizons` and `paths` (empty: the CLI's
  /// defaults); a value that is not a number is refused naming its field, and the model's
  /// own bounds are checked by ``Accuracy/run`` (the job fails with its message).
  static func settingsText(cutoffs: String?, horizons: String?, paths: String?) throws -> String {
    let c = cutoffs ?? String(defaults.cutoffs)
    guard let n = Int(c), (1...120).contains(n) else {
      throw ArcadenceError(.usage, "cutoffs: expected 1 to 120 (value \"\(c)\")")
    }
    var days: [Int] = []
    for part in (horizons ?? defaults.horizons).split(separator: ",") {
      let t = part.trimmingCharacters(in: .whitespaces)
      guard let d = Int(t) else {
        throw ArcadenceError(
          .usage, "horizons: expected whole days, comma-separated (value \"\(t)\")")
      }
      if !days.contains(d) { days.append(d) }
    }
    let p = try ScenarioComposer.paths(paths) ?? defaults.paths
    return JobSettings.text([
      "cutoffs": String(n), "horizons": days.sorted().map(String.init).joined(separator: ","),
      "paths": String(p), "seed": String(defaults.seed),
    ])
  }

  static func settings(_ text: String) -> Accuracy.Settings {
    let s = JobSettings.parse(text)
    return Accuracy.Settings(
      cutoffs: Int(s["cutoffs"] ?? "") ?? defaults.cutoffs, every: .month,
      horizons: (s["horizons"] ?? defaults.horizons).split(separator: ",").compactMap {
        Int($0)
      },
      paths: Int(s["paths"] ?? "") ?? defaults.paths, seed: UInt64(s["seed"] ?? "") ?? 1,
      threads: 1)
  }

  /// Units of progress of a job: every cutoff's paths.
  static func units(_ text: String) -> Int {
    let s = settings(text)
    return s.cutoffs * s.paths
  }

  /// Runs the evaluation: the result as HTML, `accuracy.json` (the CLI's `--format json`),
  /// `accuracy.txt` (its table) and the chart of mean |error| per horizon and method.
  static func run(
    _ job: Job, ledger: Ledger, links: InvoiceLinks, progress: @escaping @Sendable (Int) -> Void
  ) throws -> [(String, [UInt8])] {
    let settings = settings(job.yaml)
    let a = try Accuracy.run(ledger: ledger, links: links, settings: settings) { done, _ in
      progress(done * settings.paths)
    }
    return [
      ("result.html", Array(Templates.render("accuracyResult", context(a, job: job.id)).utf8)),
      ("accuracy.json", Array((a.json.rendered() + "\n").utf8)),
      ("accuracy.txt", Array(a.table.utf8)),
      ("accuracy.svg", try CairoRenderer().render(chart(a), format: .svg)),
    ]
  }

  /// A share as a percentage with one decimal (`—` when there is none), as the CLI's table.
  static func percent(_ v: Double?, signed: Bool = false) -> String {
    guard let v, v.isFinite else { return "—" }
    return String(format: signed ? "%+.1f%%" : "%.1f%%", v * 100)
  }

  static func context(_ a: Accuracy, job: Int64) -> [String: Any] {
    let url = Routes.route(.job).url(id: String(job))
    let span = "\(a.cutoffs.first?.description ?? "") … \(a.cutoffs.last?.description ?? "")"
    return [
      "summary":
        "\(a.cutoffs.count) cutoffs (month starts, \(span)) · \(a.settings.paths) paths · seed "
        + "\(a.settings.seed)",
      "rows": a.rows.map { r -> [String: Any] in
        [
          "horizon": "\(r.horizon) d", "method": r.method.label, "model": r.method == .model,
          "cutoffs": String(r.cutoffs), "error": percent(r.meanError, signed: true),
          "absError": percent(r.meanAbsoluteError), "mape": percent(r.weeklyMAPE),
          "weeks": percent(r.weeklyCoverage), "totals": percent(r.totalCoverage),
          "paid": r.invoicesPaid.map(String.init) ?? "—", "within3": percent(r.within3),
          "within7": percent(r.within7),
        ]
      },
      "chart": url + "?chart=accuracy",
      "downloads": ["accuracy.json", "accuracy.txt"].map {
        ["href": url + "?download=" + $0, "name": $0]
      },
    ]
  }

  /// Mean |error| of the total per horizon, one bar per method (the model beside the naive
  /// baselines A and B).
  static func chart(_ a: Accuracy) -> AnyChart {
    let rows = a.rows
    let labels = a.settings.horizons.map { "\($0) days" }
    let colors = [Palette.blue, Color(hex: 0x999999), Palette.orange]
    let series = Accuracy.Method.allCases.enumerated().map { k, m in
      BarSeries(
        name: m.label,
        values: a.settings.horizons.map { h in
          rows.first { $0.horizon == h && $0.method == m }?.meanAbsoluteError ?? .nan
        }, color: colors[k % colors.count])
    }
    return .chart(
      Chart(
        title: "Forecast accuracy: mean |error| of the total",
        subtitle:
          "\(a.cutoffs.count) cutoffs · \(a.settings.paths) paths · seed \(a.settings.seed)",
        footnote: "Lower is better. A: the previous H days repeat; B: each invoice at its "
          + "customer's mean delay.",
        xAxis: .categories(labels), yAxis: YAxis(title: "|error|", format: .percent),
        legend: Legend(.visible),
        marks: [.bars(BarMark(x: labels.indices.map(Double.init), series: series))]))
  }
}

extension ArcadenceServer {
  /// `/forecast`: the split picker and the forecast of the current store generation (the
  /// newest job with these settings the user may see: queued or running, its progress; done,
  /// its result), else a Run button. POST `action=run` queues a job, unless one with the same
  /// settings already answers for this generation, and goes to it.
  func forecastPage(_ r: JobsRequest) throws -> Response {
    let by = try ForecastJob.grouping(r.form?.first("by") ?? r.query["by"])
    let paths =
      try ScenarioComposer.paths(r.form?.first("paths") ?? r.query["paths"])
      ?? ForecastJob.defaultPaths
    let text = ForecastJob.settingsText(by: by, paths: paths)
    return try modelPage(
      r, kind: .forecast, settings: text, label: ForecastJob.label(by: by), units: paths,
      title: "Forecast",
      context: [
        "paths": String(paths),
        "by": [("", "whole book"), ("segment", "segment"), ("rep", "rep"), ("team", "team")].map {
          choice -> [String: Any] in
          ["value": choice.0, "label": choice.1, "selected": choice.0 == (by?.rawValue ?? "")]
        },
      ])
  }

  /// `/accuracy`: as ``forecastPage(_:)`` for the rolling-origin evaluation.
  func accuracyPage(_ r: JobsRequest) throws -> Response {
    let field = { (name: String) in r.form?.first(name) ?? r.query[name] }
    let text = try AccuracyJob.settingsText(
      cutoffs: field("cutoffs"), horizons: field("horizons"), paths: field("paths"))
    let s = JobSettings.parse(text)
    return try modelPage(
      r, kind: .accuracy, settings: text, label: "accuracy", units: AccuracyJob.units(text),
      title: "Accuracy",
      context: [
        "cutoffs": s["cutoffs"] ?? "", "horizons": s["horizons"] ?? "", "paths": s["paths"] ?? "",
      ])
  }

  /// The forecast and accuracy pages' shared part: the run (POST) or the job that answers
  /// these settings on this generation, shown with its progress or result.
  func modelPage(
    _ r: JobsRequest, kind: JobKind, settings: String, label: String, units: Int, title: String,
    context: [String: Any]
  ) throws -> Response {
    let found = try jobs.latest(
      kind: kind, settings: settings, generation: r.generation, owner: r.user.login,
      all: r.user.role == .admin)
    if let form = r.form {
      guard form.first("action") == "run" else {
        throw ArcadenceError(
          .usage, "action: expected run (value \"\(form.first("action") ?? "")\")")
      }
      let job =
        try found
        ?? jobRunner.submit(
          kind: kind, owner: r.user.login, scenario: label, yaml: settings, file: "",
          paths: units, address: r.address)
      return ArcadenceServer.redirect(Routes.route(.job).url(id: String(job.id)))
    }
    var page = context
    page["csrf"] = r.session.csrf
    page["generation"] = r.generation.map(String.init) ?? "-"
    if let found {
      page["job"] = JobsView.row(found)
      if found.state == .done {
        page["result"] = String(
          decoding: try jobs.output(found.id, "result.html") ?? [], as: UTF8.self)
      } else {
        page["refresh"] = true
      }
    }
    return self.page(
      .ok, title: title, body: Templates.render(kind.rawValue, JobsView.withoutEmpty(page)),
      user: r.user, session: r.session)
  }
}
