extension Templates {
  /// The admin's import and audit pages (``ArcadenceServer/importPage(_:user:session:address:)``,
  /// ``AuditPage``). The upload form sends the CSRF token as its first field: the reader
  /// checks it before it writes any file.
  static let adminSources: [String: String] = [
    "import": """
    <h1>Import</h1>
    {{#report}}<div class="notice">
    <p class="import-heading">{{heading}}</p>
    {{#hasLines}}<ul class="import-problems">
    {{#lines}}<li><code>{{.}}</code></li>
    {{/lines}}</ul>{{/hasLines}}
    {{#hasNotes}}<ul class="import-notes">{{#notes}}<li>{{.}}</li>{{/notes}}</ul>{{/hasNotes}}
    {{#imported}}<p>The pages show the new data as soon as the server has read it (a few seconds): <a href="/kpis">KPIs</a>.</p>{{/imported}}
    </div>{{/report}}
    <p>All or nothing, exactly as <code>arcadence import</code>: on any problem nothing is written and every problem is listed. Upload at most {{limit}}.</p>
    <h2>A folder's CSV files</h2>
    <form method="post" action="/import" enctype="multipart/form-data"><input type="hidden" name="csrf" value="{{csrf}}"/>
    <label>Folder <input type="file" name="files" multiple="multiple" webkitdirectory="webkitdirectory"/></label>
    <button type="submit">Import the folder</button>
    </form>
    <h2>CSV files, a zip of them, or an export and its mapping</h2>
    <p>A zip's CSV files are read wherever they sit in it; a mapping inside a zip or a folder is the file named <code>mapping.yaml</code>.</p>
    <form method="post" action="/import" enctype="multipart/form-data"><input type="hidden" name="csrf" value="{{csrf}}"/>
    <label>Files (.csv, or a .zip of them) <input type="file" name="files" multiple="multiple" accept=".csv,.zip"/></label>
    <label>Mapping file, for other systems' exports (optional) <input type="file" name="mapping" accept=".yaml,.yml"/></label>
    <button type="submit">Import the files</button>
    </form>
    """,
    "auditPage": """
    <h1>Audit log</h1>
    <form method="get" action="/audit" class="pickers">
    <label>Who <input name="who" value="{{who}}"/></label>
    <label>What <input name="what" placeholder="user, import, login.failure" value="{{what}}"/></label>
    <label>From <input name="from" placeholder="YYYY-MM-DD" value="{{from}}"/></label>
    <label>To <input name="to" placeholder="YYYY-MM-DD" value="{{to}}"/></label>
    <button type="submit">Show</button>
    </form>
    <p>{{summary}}</p>
    <table>
    <thead><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Detail</th><th>From</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{detail}}</td><td>{{address}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    <p>{{#newer}}<a href="{{newer}}">Newer</a> · {{/newer}}{{#older}}<a href="{{older}}">Older</a> · {{/older}}<a href="{{csv}}">Download CSV</a></p>
    """,
  ]
}
