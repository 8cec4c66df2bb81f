extension Templates {
  /// The users page (``ArcadenceServer/usersPage(user:session:form:address:ledger:)``):
  /// every form posts to `/users` with the session's CSRF token (`{{csrf}}`, found from
  /// inside every section in the page's top-level context).
  static let usersSources: [String: String] = [
    "users": """
    <h1>Users</h1>
    {{#notice}}<div class="notice"><p>{{text}}</p>{{#password}}<p>Password (shown once, give it to them now): <code class="password">{{password}}</code></p>{{/password}}</div>{{/notice}}
    <table>
    <thead><tr><th>Login</th><th>Role</th><th>Scope</th><th>Created (UTC)</th><th>Disabled (UTC)</th><th>Change</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td>{{login}}</td><td>{{role}}</td><td>{{scope}}</td><td>{{created}}</td><td>{{disabled}}</td><td>{{#enabled}}
    <form method="post" action="/users" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="passwd"/><input type="hidden" name="login" value="{{login}}"/><button type="submit">Reset password</button></form>
    <form method="post" action="/users" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="disable"/><input type="hidden" name="login" value="{{login}}"/><button type="submit">Disable</button></form>
    <form method="post" action="/users" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="role"/><input type="hidden" name="login" value="{{login}}"/>
    <select name="role" aria-label="role">{{#roles}}<option value="{{value}}"{{#selected}} selected="selected"{{/selected}}>{{value}}</option>{{/roles}}</select>
    <select name="rep" aria-label="rep"><option value="">no rep</option>{{#reps}}<option value="{{value}}"{{#selected}} selected="selected"{{/selected}}>{{value}} {{name}}</option>{{/reps}}</select>
    <select name="team" multiple="multiple" aria-label="teams">{{#teams}}<option value="{{value}}"{{#selected}} selected="selected"{{/selected}}>{{value}}</option>{{/teams}}</select>
    <button type="submit">Change role</button></form>{{/enabled}}{{^enabled}}
    <form method="post" action="/users" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="enable"/><input type="hidden" name="login" value="{{login}}"/><button type="submit">Enable</button></form>{{/enabled}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    <h2>Add a user</h2>
    <p>A rep is tied to a rep id, a manager to one or more teams; other roles to neither. The password is generated and shown once.</p>
    <form method="post" action="/users"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="add"/>
    <label>Login <input name="login" autocomplete="off"/></label>
    <label>Role <select name="role">{{#roleList}}<option value="{{value}}">{{value}}</option>{{/roleList}}</select></label>
    <label>Rep <select name="rep"><option value="">no rep</option>{{#reps}}<option value="{{value}}">{{value}} {{name}}</option>{{/reps}}</select></label>
    <label>Teams <select name="team" multiple="multiple">{{#teams}}<option value="{{value}}">{{value}}</option>{{/teams}}</select></label>
    <button type="submit">Add</button>
    </form>
    """
  ]
}
