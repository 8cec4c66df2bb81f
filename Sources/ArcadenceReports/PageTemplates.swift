import ArcadenceCore
import Mustache

/// Escaping for Mustache's `{{…}}`: the one home of HTML escaping, ``HTML/escape(_:)``
/// (`& < > " '`, and bidi controls shown as escapes so a name cannot reorder the text after
/// it).
struct ArcadenceHTML: MustacheContentType {
  func escapeText(_ text: String) -> String { HTML.escape(text) }
}

/// The one source of page markup: the layout, the stylesheet and the templates of every
/// table that the served app (`arcadence serve`) and the static pages (`dashboard`,
/// `review --format html`) both show — the KPI table, a rep's scorecard, the scorecards of
/// many reps, pages of tables (the weekly review, drill-downs), KPI tiles and figures.
///
/// They live here, in ArcadenceReports, rather than in the server or a target of their own:
/// the data flows Core → Store → Analytics → Reports → Server / CLI, the static pages are
/// written here, and the server already depends on this target; a separate target would
/// add a node without removing an edge. The server adds its own page templates (login,
/// users, audit, pickers) with ``library(adding:)``, so they can use these as partials.
///
/// Every template escapes `{{value}}` through ``HTML/escape(_:)`` (a registered content
/// type); `{{{…}}}` is used only for markup the code rendered from another template and for
/// the stylesheet.
public enum PageTemplates {
  static let contentType = "ARCADENCE_HTML"

  /// A library with the shared templates and `extra` (name → Mustache source), every one
  /// parsed now. A template that does not parse is an error naming it, its line and what
  /// is wrong (`template "kpis" does not parse: line 3: sectionCloseNameIncorrect`), so a
  /// broken template stops `serve` (and the static pages) at the start instead of rendering
  /// as an empty page later. Templates are tried in name order, so the error is the same
  /// from run to run.
  public static func library(adding extra: [String: String] = [:]) throws -> MustacheLibrary {
    MustacheContentTypes.register(ArcadenceHTML(), named: contentType)
    var library = MustacheLibrary()
    let all = sources.merging(extra, uniquingKeysWith: { a, _ in a })
    for name in all.keys.sorted() {
      // The pragma makes every template escape through HTML.escape. It adds no line, so
      // the parser's line numbers are the source's.
      do {
        try library.register("{{% CONTENT_TYPE: \(contentType)}}" + (all[name] ?? ""), named: name)
      } catch let error as MustacheTemplate.ParserError {
        throw ArcadenceError(
          .invalidConfiguration,
          "template \"\(name)\" does not parse: line \(error.context.lineNumber): \(error.error)")
      } catch {
        throw ArcadenceError(.invalidConfiguration, "template \"\(name)\" does not parse: \(error)")
      }
    }
    return library
  }

  /// The shared templates, parsed once; a failure is kept and reported by ``check()``.
  static let parsed = Result { try library() }

  /// Throws the error of a shared template that does not parse: called before anything is
  /// rendered (the static pages' commands), so a broken template is an error at the start.
  public static func check() throws { _ = try parsed.get() }

  /// The shared templates (empty only when one does not parse, which ``check()`` reported
  /// at the start: nothing renders from here before that).
  static var shared: MustacheLibrary {
    switch parsed {
    case .success(let library): library
    case .failure: MustacheLibrary()
    }
  }

  /// Renders the shared template `name` with `context` ("" for an unknown name).
  static func render(_ name: String, _ context: [String: Any]) -> String {
    shared.render(context, withTemplate: name) ?? ""
  }

  /// A whole static page: the layout around `body` (markup rendered from these templates),
  /// with the stylesheet inline so the file stands alone, and `nav` as relative links.
  /// No script, no form, nothing fetched from elsewhere.
  public static func staticPage(
    title: String, body: String, nav: [(href: String, label: String)] = [],
    description: String? = nil
  ) -> String {
    var context: [String: Any] = [
      "title": title, "body": body, "inlineStyle": css,
      "nav": nav.map { ["href": $0.href, "label": $0.label] },
    ]
    if let description { context["description"] = description }
    return render("layout", context)
  }

  /// One rep's part of the printable worklist (the `worklistPrint` template).
  public struct PrintedWorklist {
    public var title: String
    public var counts: String
    /// Cells per row (text; escaped by the template), with the row's `id`.
    public var rows: [(id: String, cells: [String])]

    public init(title: String, counts: String, rows: [(id: String, cells: [String])]) {
      self.title = title
      self.counts = counts
      self.rows = rows
    }
  }

  /// The printable worklist page: a section per rep (`columns` heading every table), all
  /// text escaped by the template.
  public static func worklistPage(
    day: String, calibratedUntil: String, policy: String?, columns: [String],
    reps: [PrintedWorklist]
  ) -> String {
    let context: [String: Any] = [
      "reps": reps.enumerated().map { n, r -> [String: Any] in
        [
          "breakBefore": n > 0, "title": r.title, "day": day, "counts": r.counts,
          "calibratedUntil": calibratedUntil, "columns": columns,
          "rows": r.rows.map { ["id": $0.id, "cells": $0.cells] as [String: Any] },
        ].merging(policy.map { ["policy": $0] } ?? [:]) { a, _ in a }
      }
    ]
    return staticPage(title: "Worklist \(day)", body: render("worklistPrint", context))
  }

  static let sources: [String: String] = [
    // The page: served (`stylesheet`, `user` with the logout form and its CSRF token) or
    // static (`inlineStyle`, relative `nav`, no form).
    "layout": """
    <!DOCTYPE html>
    <html lang="en">
    <head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
    <title>{{title}} · arcadence</title>{{#description}}<meta name="description" content="{{description}}"/>{{/description}}
    {{#stylesheet}}<link rel="stylesheet" href="{{stylesheet}}"/>{{/stylesheet}}{{#inlineStyle}}<style>
    {{{inlineStyle}}}</style>{{/inlineStyle}}</head>
    <body>
    <header><strong>arcadence</strong>
    {{#nav}}<a href="{{href}}">{{label}}</a> {{/nav}}
    {{#user}}<form class="logout" method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}"/><span>{{login}} ({{role}})</span> <button type="submit">Log out</button></form>{{/user}}
    </header>
    <main>
    {{{body}}}
    </main>
    </body>
    </html>

    """,
    // The KPI pack, grouped, with the previous period; with `drillable` (served), a last
    // column links each metric to its rows (`drill`).
    "kpiTable": """
    <table class="kpis">
    <thead><tr><th>Metric</th><th class="num">Value</th><th class="num">Previous</th><th class="num">Change</th>{{#drillable}}<th>Rows</th>{{/drillable}}</tr></thead>
    <tbody>
    {{#kpiRows}}<tr{{#section}} class="section"{{/section}}><td>{{label}}</td><td class="num">{{value}}</td><td class="num">{{previous}}</td><td class="num">{{change}}</td>{{#drillable}}<td>{{#drill}}<a href="{{drill}}">rows</a>{{/drill}}</td>{{/drillable}}</tr>
    {{/kpiRows}}
    </tbody>
    </table>
    """,
    // One rep's card: each metric, the rank in the team and the team's median.
    "scorecardCard": """
    <h1>Scorecard {{period}} · {{repId}} {{repName}}</h1>
    <p>{{team}}</p>
    <table class="scorecard">
    <thead><tr><th>Metric</th><th class="num">Value</th><th class="num">Rank in team</th><th class="num">Team median</th></tr></thead>
    <tbody>
    {{#cardRows}}<tr><td>{{label}}</td><td class="num">{{value}}</td><td class="num">{{rank}}</td><td class="num">{{median}}</td></tr>
    {{/cardRows}}
    </tbody>
    </table>
    <p class="note">Rank 1 is the best in the team; ties share the better rank.</p>
    """,
    // Many reps, one row each, each value with the rep's rank in the team.
    "scorecardsTable": """
    <table class="scorecards">
    <thead><tr><th>Rep</th><th>Name</th><th>Team</th>{{#titles}}<th>{{title}}</th>{{/titles}}<th></th></tr></thead>
    <tbody>
    {{#repRows}}<tr><td><a href="{{href}}">{{repId}}</a></td><td>{{name}}</td><td>{{team}}</td>{{#cells}}<td class="num">{{value}}</td>{{/cells}}<td>{{#worklist}}<a href="{{worklist}}">worklist</a>{{/worklist}}</td></tr>
    {{/repRows}}
    </tbody>
    </table>
    """,
    // A page of tables (``PageTable``): the weekly review, a drill-down, a customer, …
    "tables": """
    <h1>{{heading}}</h1>
    {{#lines}}<p>{{line}}</p>
    {{/lines}}
    {{#hasFacts}}<dl class="facts">{{#facts}}<dt>{{label}}</dt><dd>{{#link}}<a href="{{link}}">{{value}}</a>{{/link}}{{^link}}{{value}}{{/link}}</dd>{{/facts}}</dl>{{/hasFacts}}
    {{> tableList}}
    """,
    // The printable worklist (`worklist --format html`): a section per rep, each starting a
    // new printed page, with a box to tick per item.
    "worklistPrint": """
    {{#reps}}
    <section{{#breakBefore}} style="page-break-before: always"{{/breakBefore}}>
    <h1>{{title}}: {{day}}</h1>
    <p>{{counts}}. Model calibrated on data to {{calibratedUntil}}.{{#policy}} Cadence of policy {{policy}}.{{/policy}}</p>
    <table>
    <thead><tr>{{#columns}}<th>{{.}}</th>{{/columns}}</tr></thead>
    <tbody>
    {{#rows}}<tr id="{{id}}">{{#cells}}<td>{{.}}</td>{{/cells}}</tr>
    {{/rows}}
    </tbody>
    </table>
    </section>
    {{/reps}}
    """,
    "tableList": """
    {{#tables}}
    <h2{{#anchor}} id="{{anchor}}"{{/anchor}}>{{title}}</h2>
    <table>
    <thead><tr>{{#columns}}<th{{#num}} class="num"{{/num}}>{{column}}</th>{{/columns}}</tr></thead>
    <tbody>
    {{#rows}}<tr{{#total}} class="total"{{/total}}>{{#cells}}<td{{#num}} class="num"{{/num}}>{{#link}}<a href="{{link}}">{{text}}</a>{{/link}}{{^link}}{{text}}{{/link}}</td>{{/cells}}</tr>
    {{/rows}}
    {{#empty}}<tr><td colspan="{{span}}">None.</td></tr>{{/empty}}
    </tbody>
    </table>
    {{#note}}<p class="note">{{note}}</p>{{/note}}
    {{#cut}}<p class="note">{{cut}}</p>{{/cut}}
    {{#csv}}<p><a href="{{csv}}">Download CSV</a></p>{{/csv}}
    {{/tables}}
    """,
    // Charts: each an image with its caption as the alt text.
    "figures": """
    {{#figures}}<figure><img src="{{src}}" alt="{{caption}}" width="{{width}}"{{#height}} height="{{height}}"{{/height}} loading="lazy"/><figcaption>{{caption}}</figcaption></figure>
    {{/figures}}
    """,
    // The weekly review's charts, with a heading when there is any.
    "reviewFigures": """
    {{#hasFigures}}<h2>Charts</h2>{{/hasFigures}}
    {{> figures}}
    """,
    // The static weekly review (the served one adds the week picker and CSV links).
    "reviewPage": """
    {{> tables}}
    {{> reviewFigures}}
    """,
    // KPI tiles: the value, the change against the previous period, the target.
    "tiles": """
    <div class="tiles">
    {{#tiles}}<div class="tile" data-metric="{{metric}}" data-value="{{csv}}"><div class="label">{{label}}</div><div class="value">{{value}}</div><div class="change {{tone}}">{{change}} <span class="neutral">vs previous {{days}} days</span></div>{{#target}}<div class="target {{tone}}">{{text}}</div>{{/target}}</div>
    {{/tiles}}
    </div>
    """,
    // The static dashboard's index.
    "dashboard": """
    <h1>Collections dashboard</h1>
    <p>{{period}} · {{comparison}} · source: {{source}}</p>
    <h2 id="kpis">Key numbers</h2>
    {{> tiles}}
    <h2>Every KPI</h2>
    {{> kpiTable}}
    <h2 id="charts">Charts</h2>
    <div class="charts">
    {{> figures}}
    </div>
    {{> tableList}}
    <h2 id="reps">Scorecards</h2>
    {{> scorecardsTable}}
    <p class="note">Generated by arcadence from the store; every number follows the KPI definitions (spec/kpis.md).</p>
    """,
    // A static scorecard page: the card, the trend, the rep's open work.
    "scorecardPage": """
    {{> scorecardCard}}
    {{#hasFigures}}<h2>Trend</h2>{{/hasFigures}}
    {{> figures}}
    {{> tableList}}
    """,
  ]

  /// The stylesheet of every page: served from `/static/app.css` (the CSP allows no inline
  /// style there), inline in a static page. Readable on a laptop and a phone, printable.
  public static let css = """
    body { font-family: "DejaVu Sans", system-ui, sans-serif; margin: 0; color: #1f2328;
      line-height: 1.4; }
    header { background: #1f3b57; color: #fff; padding: 0.5rem 1rem; display: flex; gap: 1rem;
      align-items: center; flex-wrap: wrap; }
    header a { color: #fff; }
    header form.logout { margin-left: auto; }
    main { padding: 1rem; max-width: 80rem; }
    main a { color: #0a5a8c; }
    h2 { font-size: 1.2rem; margin: 1.6rem 0 0.5rem; }
    table { border-collapse: collapse; margin: 0.5rem 0; }
    th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left;
      vertical-align: top; }
    th { background: #f6f8fa; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    tr.section td { font-weight: bold; background: #f3f5f7; }
    tr.total td { font-weight: bold; }
    form.pickers label, form label { display: inline-block; margin: 0.2rem 0.6rem 0.2rem 0; }
    p.message { color: #a00; }
    p.note { color: #555; font-size: 0.9rem; }
    dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
    dl.facts dd { margin: 0; }
    form.inline { display: inline-block; margin: 0 0.3rem 0.2rem 0; vertical-align: middle; }
    div.notice { border: 1px solid #1f3b57; padding: 0.2rem 0.8rem; margin: 0.5rem 0; }
    code.password { font-size: 1.1rem; user-select: all; }
    .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
      gap: 12px; }
    .tile { border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px;
      background: #f6f8fa; }
    .tile .label { color: #57606a; font-size: 0.85rem; }
    .tile .value { font-size: 1.5rem; font-weight: bold; margin: 2px 0; }
    .tile .change, .tile .target { font-size: 0.85rem; }
    .good { color: #116329; }
    .bad { color: #a40e26; }
    .neutral { color: #57606a; }
    .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr));
      gap: 16px; }
    figure { margin: 0.5rem 0; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px;
      background: #fff; max-width: 100%; }
    figure img { max-width: 100%; height: auto; display: block; }
    figcaption { color: #57606a; font-size: 0.85rem; padding: 6px 4px 0; }
    @media (max-width: 600px) {
      main { padding: 0.6rem; }
      .charts { grid-template-columns: 1fr; }
    }
    @media print {
      header { display: none; }
      body { font-size: 11pt; }
      main { max-width: none; padding: 0; }
      .tile, figure, table { break-inside: avoid; }
      .charts { grid-template-columns: 1fr 1fr; }
      a { color: inherit; text-decoration: none; }
    }

    """
}
