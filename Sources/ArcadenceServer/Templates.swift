import ArcadenceReports
import Mustache

/// The served app's own page templates (Mustache, escaping every `{{value}}` by default;
/// `{{{…}}}` only for the body the code rendered from another template), on top of the
/// shared ones (``PageTemplates``: the layout, the stylesheet and the tables the static
/// dashboard shows too). Kept as Swift constants so the target builds with no resources.
enum Templates {
  /// The server's own templates (name → Mustache source).
  static var own: [String: String] {
    sources.merging(drillSources) { a, _ in a }.merging(chartSources) { a, _ in a }
      .merging(usersSources) { a, _ in a }.merging(adminSources) { a, _ in a }
      .merging(jobsSources) { a, _ in a }.merging(subscriptionSources) { a, _ in a }
  }

  /// The shared templates and the server's, parsed once. A template that does not parse is
  /// the error kept here; ``ArcadenceServer`` throws it before it serves anything
  /// (`arcadence serve` exits 1 naming the template), so no page is ever rendered from a
  /// library that lacks one.
  static let parsed = Result { try PageTemplates.library(adding: own) }

  /// The parsed library (empty only after a failure that stopped the server's start).
  static var library: MustacheLibrary {
    switch parsed {
    case .success(let library): library
    case .failure: MustacheLibrary()
    }
  }

  /// Renders `name` with `context`; an unknown template renders as an empty string.
  static func render(_ name: String, _ context: [String: Any]) -> String {
    library.render(context, withTemplate: name) ?? ""
  }

  static let sources: [String: String] = [
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
    {{> kpiTable}}
    <p><a href="{{csv}}">Download CSV</a></p>
    """,
    "scorecard": """
    {{> scorecardCard}}
    <p><a href="{{csv}}">Download CSV</a>{{#worklist}} · <a href="{{worklist}}">Worklist</a>{{/worklist}}</p>
    """,
    "scorecards": """
    <h1>Scorecards {{period}}</h1>
    <p>Each value with the rep's rank in their team.</p>
    {{> scorecardsTable}}
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
  ]
}
