import ArcadenceReports
import Mustache

/// Escaping for Mustache's `{{…}}`: the one home of HTML escaping, ``HTML/escape(_:)``
/// (`& < > " '`, and bidi controls shown as escapes so a name cannot reorder the text after
/// it).
struct ArcadenceHTML: MustacheContentType {
  func escapeText(_ text: String) -> String { HTML.escape(text) }
}

/// The page templates (Mustache, escaping every `{{value}}` by default; `{{{…}}}` only for
/// the body the code rendered from another template). Kept as Swift constants so the target
/// builds with no resources.
enum Templates {
  static let contentType = "ARCADENCE_HTML"

  /// The templates, parsed once; a template that does not parse is a programming error
  /// caught by every test.
  static let library: MustacheLibrary = {
    MustacheContentTypes.register(ArcadenceHTML(), named: contentType)
    var library = MustacheLibrary()
    let all = sources.merging(drillSources) { a, _ in a }.merging(chartSources) { a, _ in a }
      .merging(usersSources) { a, _ in a }
    for (name, text) in all {
      // The pragma makes every template escape through HTML.escape.
      try? library.register("{{% CONTENT_TYPE: \(contentType)}}" + text, named: name)
    }
    return library
  }()

  /// Renders `name` with `context`; an unknown template renders as an empty string.
  static func render(_ name: String, _ context: [String: Any]) -> String {
    library.render(context, withTemplate: name) ?? ""
  }

  static let sources: [String: String] = [
    "layout": """
    <!DOCTYPE html>
    <html lang="en">
    <head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
    <title>{{title}} · arcadence</title><link rel="stylesheet" href="/static/app.css"/></head>
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
    "login": """
    <h1>Log in</h1>
    {{#message}}<p class="message">{{message}}</p>{{/message}}
    <form method="post" action="/login">
    <input type="hidden" name="csrf" value="{{csrf}}"/>
    <label>Login <input name="login" autocomplete="username" value="{{login}}"/></label>
    <label>Password <input name="password" type="password" autocomplete="current-password"/></label>
    <button type="submit">Log in</button>
    </form>
    """,
    "message": """
    <h1>{{heading}}</h1>
    <p>{{text}}</p>
    """,
    "kpis": """
    <h1>KPIs {{period}} · {{scope}}</h1>
    <p>{{comparison}}</p>
    <form method="get" action="/kpis" class="pickers">
    <label>Quarter <input name="quarter" placeholder="2026-Q3" value="{{quarter}}"/></label>
    <label>Month <input name="month" placeholder="2026-07" value="{{month}}"/></label>
    <label>ISO week <input name="week" placeholder="2026-W27" value="{{week}}"/></label>
    <label>From <input name="from" placeholder="YYYY-MM-DD" value="{{from}}"/></label>
    <label>To <input name="to" placeholder="YYYY-MM-DD" value="{{to}}"/></label>
    <label>Team <select name="team"><option value="">{{teamDefault}}</option>{{#teams}}<option value="{{value}}"{{#selected}} selected="selected"{{/selected}}>{{value}}</option>{{/teams}}</select></label>
    <label>Rep <select name="rep"><option value="">—</option>{{#reps}}<option value="{{value}}"{{#selected}} selected="selected"{{/selected}}>{{value}} {{name}}</option>{{/reps}}</select></label>
    <button type="submit">Show</button>
    </form>
    <table>
    <thead><tr><th>Metric</th><th>Value</th><th>Previous</th><th>Change</th><th>Rows</th></tr></thead>
    <tbody>
    {{#rows}}<tr{{#section}} class="section"{{/section}}><td>{{label}}</td><td class="num">{{value}}</td><td class="num">{{previous}}</td><td class="num">{{change}}</td><td>{{#drill}}<a href="{{drill}}">rows</a>{{/drill}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    <p><a href="{{csv}}">Download CSV</a></p>
    """,
    "scorecard": """
    <h1>Scorecard {{period}} · {{repId}} {{repName}}</h1>
    <p>{{team}}</p>
    <table>
    <thead><tr><th>Metric</th><th>Value</th><th>Rank in team</th><th>Team median</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td>{{label}}</td><td class="num">{{value}}</td><td class="num">{{rank}}</td><td class="num">{{median}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    <p><a href="{{csv}}">Download CSV</a>{{#worklist}} · <a href="{{worklist}}">Worklist</a>{{/worklist}}</p>
    """,
    "scorecards": """
    <h1>Scorecards {{period}}</h1>
    <p>Each value with the rep's rank in their team.</p>
    <table>
    <thead><tr><th>Rep</th><th>Name</th><th>Team</th>{{#titles}}<th>{{title}}</th>{{/titles}}<th></th></tr></thead>
    <tbody>
    {{#rows}}<tr><td><a href="{{href}}">{{repId}}</a></td><td>{{name}}</td><td>{{team}}</td>{{#cells}}<td class="num">{{value}}</td>{{/cells}}<td>{{#worklist}}<a href="{{worklist}}">worklist</a>{{/worklist}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    <p><a href="{{csv}}">Download CSV</a></p>
    """,
    "worklist": """
    <h1>Worklist {{day}} · {{repId}} {{repName}}</h1>
    <p>Capacity {{capacity}} calls ({{capacitySource}}); model calibrated on data to {{calibratedUntil}}.</p>
    {{#sections}}
    <h2>{{title}}</h2>
    <table>
    <thead><tr><th>#</th><th>Action</th><th>Customer</th><th>Open balance</th><th>Days past due</th><th>Expected gain</th><th>Why</th></tr></thead>
    <tbody>
    {{#items}}<tr><td class="num">{{rank}}</td><td>{{action}}</td><td>{{customer}}</td><td class="num">{{balance}}</td><td class="num">{{dpd}}</td><td class="num">{{gain}}</td><td>{{why}}</td></tr>
    {{/items}}
    {{^items}}<tr><td colspan="7">Nothing today.</td></tr>{{/items}}
    </tbody>
    </table>
    {{/sections}}
    <p><a href="{{csv}}">Download CSV</a> · <a href="{{scorecard}}">Scorecard</a></p>
    """,
    "audit": """
    <h1>Audit log</h1>
    <table>
    <thead><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Detail</th><th>From</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{detail}}</td><td>{{address}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    <p><a href="/audit?format=csv">Download CSV</a></p>
    """,
  ]

  /// The stylesheet, served from the app (the CSP allows no inline style or script).
  static let css = """
    body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
    header { background: #1f3b57; color: #fff; padding: 0.5rem 1rem; display: flex; gap: 1rem;
      align-items: center; flex-wrap: wrap; }
    header a { color: #fff; }
    header form.logout { margin-left: auto; }
    main { padding: 1rem; max-width: 72rem; }
    table { border-collapse: collapse; margin: 0.5rem 0; }
    th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    tr.section td { font-weight: bold; background: #f3f5f7; }
    form.pickers label, form label { display: inline-block; margin: 0.2rem 0.6rem 0.2rem 0; }
    p.message { color: #a00; }
    p.note { color: #555; font-size: 0.9rem; }
    dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
    dl.facts dd { margin: 0; }
    form.inline { display: inline-block; margin: 0 0.3rem 0.2rem 0; vertical-align: middle; }
    div.notice { border: 1px solid #1f3b57; padding: 0.2rem 0.8rem; margin: 0.5rem 0; }
    code.password { font-size: 1.1rem; user-select: all; }

    """
}
