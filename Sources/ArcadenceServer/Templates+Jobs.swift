extension Templates {
  /// The scenario and job pages (``ArcadenceServer/jobsResponse(_:_:)``): every form posts
  /// with the session's CSRF token; a job that has not ended reloads its page every 2 s
  /// (`<meta http-equiv="refresh">`: no script, so nothing for the CSP to allow).
  static let jobsSources: [String: String] = [
    "scenarios": """
    <h1>Scenarios</h1>
    {{#notice}}<div class="notice"><p>{{notice}}</p></div>{{/notice}}
    <h2>Files</h2>
    <p>The scenario files of <code>{{folder}}</code>: open one to run it or copy it.</p>
    <table>
    <thead><tr><th>File</th></tr></thead>
    <tbody>
    {{#files}}<tr><td><a href="{{href}}">{{name}}</a></td></tr>
    {{/files}}
    {{^files}}<tr><td>No scenario files in this folder.</td></tr>{{/files}}
    </tbody>
    </table>
    <h2>Your scenarios</h2>
    <table>
    <thead><tr><th>Name</th><th>Author</th><th>Saved (UTC)</th></tr></thead>
    <tbody>
    {{#own}}<tr><td><a href="{{href}}">{{name}}</a></td><td>{{owner}}</td><td>{{created}}</td></tr>
    {{/own}}
    {{^own}}<tr><td colspan="3">None yet: make one below.</td></tr>{{/own}}
    </tbody>
    </table>
    <h2>Make one from the common knobs</h2>
    <p>Today's cadence (<code>observed</code>) against one proposed policy; empty fields keep today's.</p>
    <form method="post" action="/scenarios" class="knobs"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="compose"/>
    {{#editor}}<label>Name <input name="name" value="{{name}}"/></label>{{/editor}}
    <label>Cadence steps <input name="steps" placeholder="-3 email, 1 call"/></label>
    <label>Repeat every (days) <input name="repeat_every" placeholder="7"/></label>
    <label>with <select name="repeat_channel">{{#channels}}<option value="{{.}}">{{.}}</option>{{/channels}}</select></label>
    <label>until days past due <input name="repeat_until" placeholder="180"/></label>
    <label>Completion <input name="completion" placeholder="observed or 0.9"/></label>
    <label>Reps change <input name="reps_change" placeholder="-2"/></label>
    <label>Calls per rep per day <input name="calls_per_rep" placeholder="observed"/></label>
    <label>Offer auto-pay on reached calls <input type="checkbox" name="offer_autopay"/></label>
    <label>Agency at days past due <input name="agency_dpd" placeholder="60"/></label>
    <label>agency lift <input name="agency_lift" placeholder="0.8"/></label>
    <label>agency fee <input name="agency_fee" placeholder="0.25"/></label>
    <label>Horizon (days) <input name="horizon_days" placeholder="90"/></label>
    <label>Paths <input name="paths" placeholder="1000"/></label>
    <button type="submit">Make YAML</button>
    </form>
    <h2>Scenario YAML</h2>
    {{> scenarioEditor}}
    """,
    "scenarioEditor": """
    {{#editor}}
    {{#error}}<p class="message error">{{error}}</p>{{/error}}
    <form method="post" action="/scenarios" class="editor"><input type="hidden" name="csrf" value="{{csrf}}"/>
    <label>Name <input name="name" value="{{name}}"/></label>
    <label>YAML <textarea name="yaml" rows="24" cols="90" spellcheck="false">{{yaml}}</textarea></label>
    <label>Paths (empty: the scenario's) <input name="paths" value="{{paths}}"/></label>
    <button type="submit" name="action" value="check">Check</button>
    <button type="submit" name="action" value="save">Save</button>
    <button type="submit" name="action" value="run">Save and run</button>
    </form>
    {{/editor}}
    """,
    "scenario": """
    <h1>Scenario {{name}}</h1>
    {{#owner}}<p>Saved by {{owner}}.</p>{{/owner}}
    {{#description}}<p>{{description}}</p>{{/description}}
    {{#error}}<p class="message error">{{error}}</p>{{/error}}
    <form method="post" action="{{action}}"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="run"/>
    <label>Paths <input name="paths" value="{{paths}}"/></label>
    <button type="submit">Run</button>
    </form>
    {{#owner}}<form method="post" action="{{action}}" class="delete"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="delete"/><button type="submit">Delete this scenario</button> (jobs that ran it keep their results)</form>{{/owner}}
    <h2>Copy and edit</h2>
    {{> scenarioEditor}}
    """,
    "jobs": """
    <h1>Simulation jobs</h1>
    <table>
    <thead><tr><th>Job</th><th>Scenario</th><th>Run by</th><th>Paths</th><th>State</th><th>Progress</th><th>Store generation</th><th>Queued (UTC)</th><th>Started</th><th>Finished</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td><a href="{{href}}">#{{id}}</a></td><td>{{scenario}}</td><td>{{owner}}</td><td class="num">{{paths}}</td><td>{{state}}</td><td class="num">{{percent}}%</td><td class="num">{{generation}}</td><td>{{created}}</td><td>{{started}}</td><td>{{finished}}</td></tr>
    {{/rows}}
    {{^rows}}<tr><td colspan="10">No jobs yet: run a scenario from the scenarios page.</td></tr>{{/rows}}
    </tbody>
    </table>
    """,
    "job": """
    {{^finishedState}}<meta http-equiv="refresh" content="2"/>{{/finishedState}}
    <h1>Job #{{id}} · {{scenario}}</h1>
    <p>Run by {{owner}} · {{paths}} paths · store generation {{generation}} · queued {{created}}{{#started}} · started {{started}}{{/started}}{{#finished}} · finished {{finished}}{{/finished}}</p>
    <p class="job-state">State: <strong id="state">{{state}}</strong> · <progress max="100" value="{{percent}}">{{percent}}%</progress> <span id="percent">{{percent}}%</span> ({{progress}} of {{paths}} paths) · <a href="{{status}}">status as JSON</a></p>
    {{^finishedState}}<form method="post" action="{{href}}"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="cancel"/><button type="submit">Cancel</button></form>{{/finishedState}}
    {{#error}}<p class="message error">{{error}}</p>{{/error}}
    {{#table}}<h2>Result</h2>
    <pre class="result">{{table}}</pre>
    {{#warnings}}<pre class="warnings">{{warnings}}</pre>{{/warnings}}
    <p><a href="{{json}}">Download simulation.json</a></p>
    {{> figures}}{{/table}}
    {{#result}}{{{result}}}{{/result}}
    """,
    // The forecast and accuracy pages: the settings form, then the job that answers them on
    // this store generation (its progress, reloading every 2 s, or its result).
    "forecast": """
    {{#refresh}}<meta http-equiv="refresh" content="2"/>{{/refresh}}
    <h1>Cash forecast</h1>
    <p>The rolling 13-week cash forecast (<code>arcadence forecast</code>) on store generation {{generation}}: run as a job, kept with it, shown here until the store changes.</p>
    <form method="get" action="/forecast" class="pickers">
    <label>By <select name="by">{{#by}}<option value="{{value}}"{{#selected}} selected="selected"{{/selected}}>{{label}}</option>{{/by}}</select></label>
    <label>Paths <input name="paths" value="{{paths}}"/></label>
    <button type="submit">Show</button>
    </form>
    {{> modelJob}}
    """,
    "accuracy": """
    {{#refresh}}<meta http-equiv="refresh" content="2"/>{{/refresh}}
    <h1>Forecast accuracy</h1>
    <p>Rolling-origin accuracy of the forecast beside two naive baselines (<code>arcadence accuracy</code>) on store generation {{generation}}: run as a job, kept with it, shown here until the store changes.</p>
    <form method="get" action="/accuracy" class="pickers">
    <label>Cutoffs <input name="cutoffs" value="{{cutoffs}}"/></label>
    <label>Horizons (days) <input name="horizons" value="{{horizons}}"/></label>
    <label>Paths <input name="paths" value="{{paths}}"/></label>
    <button type="submit">Show</button>
    </form>
    {{> modelJob}}
    """,
    "modelJob": """
    {{#job}}<p class="job-state">Job <a href="{{href}}">#{{id}}</a> by {{owner}} · State: <strong id="state">{{state}}</strong> · <progress max="100" value="{{percent}}">{{percent}}%</progress> <span id="percent">{{percent}}%</span>{{#error}} · {{error}}{{/error}}</p>{{/job}}
    {{^job}}<form method="post" class="run"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="run"/>
    {{#by}}{{#selected}}<input type="hidden" name="by" value="{{value}}"/>{{/selected}}{{/by}}
    {{#cutoffs}}<input type="hidden" name="cutoffs" value="{{cutoffs}}"/>{{/cutoffs}}{{#horizons}}<input type="hidden" name="horizons" value="{{horizons}}"/>{{/horizons}}
    <input type="hidden" name="paths" value="{{paths}}"/>
    <p>Not computed on this store generation yet. <button type="submit">Run</button></p></form>{{/job}}
    {{#result}}{{{result}}}{{/result}}
    """,
    "forecastResult": """
    <h2>Cash collected per week</h2>
    <p>{{summary}}</p>
    <p>{{book}}</p>
    <p>{{model}}</p>
    <figure><img src="{{chart}}" alt="Cash forecast by week" width="800"/><figcaption>Weekly median with the P5–P95 band; grey: actual cash of the 8 weeks before the start.</figcaption></figure>
    {{#series}}
    <h3>{{group}}</h3>
    <table class="forecast" data-group="{{group}}">
    <thead><tr><th rowspan="2">Week from</th><th colspan="3">Open book</th><th colspan="3">Future billing</th><th colspan="3">Total</th></tr>
    <tr><th>P5</th><th>P50</th><th>P95</th><th>P5</th><th>P50</th><th>P95</th><th>P5</th><th>P50</th><th>P95</th></tr></thead>
    <tbody>
    {{#weeks}}<tr><td>{{label}}</td>{{#open}}<td class="num">{{.}}</td>{{/open}}{{#future}}<td class="num">{{.}}</td>{{/future}}{{#total}}<td class="num">{{.}}</td>{{/total}}</tr>
    {{/weeks}}
    </tbody>
    </table>
    {{/series}}
    <p>P5/P50/P95 over the paths, each taken separately: the open-book and future-billing P50s need not add up to the total's.</p>
    <h3>Actual cash before the start</h3>
    <table class="actual"><thead><tr><th>Week from</th><th>Cash</th></tr></thead><tbody>
    {{#actual}}<tr><td>{{start}}</td><td class="num">{{cash}}</td></tr>
    {{/actual}}
    </tbody></table>
    <p>Downloads: {{#downloads}}<a href="{{href}}">{{name}}</a> {{/downloads}}(invoices: each open invoice's predicted payment date, median and P10–P90).</p>
    """,
    "accuracyResult": """
    <h2>Accuracy per horizon</h2>
    <p>{{summary}}</p>
    <table class="accuracy">
    <thead><tr><th>Horizon</th><th>Method</th><th>Cutoffs</th><th>Error</th><th>|Error|</th><th>Weekly MAPE</th><th>Weeks in P5–P95</th><th>Total in P5–P95</th><th>Paid invoices</th><th>±3 days</th><th>±7 days</th></tr></thead>
    <tbody>
    {{#rows}}<tr{{#model}} class="model"{{/model}}><td>{{horizon}}</td><td>{{method}}</td><td class="num">{{cutoffs}}</td><td class="num">{{error}}</td><td class="num">{{absError}}</td><td class="num">{{mape}}</td><td class="num">{{weeks}}</td><td class="num">{{totals}}</td><td class="num">{{paid}}</td><td class="num">{{within3}}</td><td class="num">{{within7}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    <figure><img src="{{chart}}" alt="Forecast accuracy" width="800"/><figcaption>Mean |error| of the total per horizon: the model beside the naive baselines.</figcaption></figure>
    <p>Downloads: {{#downloads}}<a href="{{href}}">{{name}}</a> {{/downloads}}</p>
    """,
  ]
}
