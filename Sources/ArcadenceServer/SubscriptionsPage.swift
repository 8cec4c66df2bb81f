import ArcadenceCore
import ArcadenceStore

/// `/subscriptions`: a user's scheduled reports (issue 18), and forms to add and remove
/// them; an admin sees and manages everyone's (the add form takes a login). Every change
/// goes through ``SubscriptionStore`` (the same checks and messages as `arcadence
/// subscriptions`, with the form's field names) and is audited with the user's address; a
/// refused change is audited as `subscription.ACTION.refused`.
extension ArcadenceServer {
  /// GET lists; POST (CSRF already checked) adds or removes, then lists.
  func subscriptionsPage(
    user: ServerUser, session: Session, form: FormFields?, address: String, ledger: Ledger
  ) throws -> PageBody {
    let store = try SubscriptionStore(accounts: accounts)
    let admin = user.role == .admin
    var notice: String?
    if let form {
      let action = form.first("action") ?? ""
      do {
        switch action {
        case "add":
          let login = admin ? (form.first("login") ?? user.login) : user.login
          let added = try store.add(
            login: login, kind: try ReportKind.parse(form.first("kind") ?? "", name: "kind"),
            time: form.first("at") ?? "", email: form.first("email") ?? "",
            webhook: form.first("webhook") == "on", repId: form.first("rep"),
            actor: user.login, address: address, prefix: "")
          notice =
            "Added #\(added.id): \(added.kind.rawValue) \(added.kind.cadence) at "
            + "\(added.time) UTC to \(added.email)."
        case "remove":
          guard let id = form.first("id").flatMap({ Int64($0) }) else {
            throw ArcadenceError(
              .usage, "id: not a subscription number (value \"\(form.first("id") ?? "")\")")
          }
          try store.remove(
            id: id, owner: admin ? nil : user.login, actor: user.login, address: address,
            prefix: "")
          notice = "Removed #\(id)."
        default:
          throw ArcadenceError(.usage, "action: expected add or remove (value \"\(action)\")")
        }
      } catch let error as ArcadenceError where error.code == .usage {
        let known = ["add", "remove"].contains(action) ? action : "change"
        try accounts.audit(
          actor: user.login, action: "subscription.\(known).refused", detail: error.message,
          address: address)
        throw error
      }
    }
    let rows: [[String: Any]] = try store.list(login: admin ? nil : user.login).map { s in
      [
        "id": "\(s.id)", "login": s.login, "kind": s.kind.rawValue, "when": s.kind.cadence,
        "time": s.time, "email": s.email, "webhook": s.webhook ? "yes" : "no",
        "rep": s.repId ?? "",
      ]
    }
    let visible = Visibility(user: user, ledger: ledger)
    let kinds = ReportKind.allCases.filter { Routes.route($0.page).roles.contains(user.role) }
    var context: [String: Any] = [
      "csrf": session.csrf, "rows": rows, "hasRows": !rows.isEmpty, "admin": admin,
      "login": user.login,
      "kinds": kinds.map { ["value": $0.rawValue, "when": $0.cadence] },
      "reps": visible.reps.map { ["value": ledger.repIds[$0], "name": ledger.repNames[$0]] },
      "worklist": kinds.contains(.worklist) && user.role != .rep,
    ]
    if let notice { context["notice"] = notice }
    return .html(title: "Subscriptions", body: Templates.render("subscriptions", context))
  }
}

extension Templates {
  /// The subscriptions page; every form posts to `/subscriptions` with the CSRF token.
  static let subscriptionSources: [String: String] = [
    "subscriptions": """
    <h1>Scheduled reports</h1>
    {{#notice}}<div class="notice"><p>{{notice}}</p></div>{{/notice}}
    <p>Reports are built as the pages are, for your scope, and sent by e-mail (HTML with the charts, the table as CSV) at the time given, in UTC.</p>
    {{#hasRows}}<table>
    <thead><tr><th>#</th><th>Login</th><th>Report</th><th>When</th><th>Time (UTC)</th><th>E-mail</th><th>Webhook</th><th>Rep</th><th></th></tr></thead>
    <tbody>
    {{#rows}}<tr><td>{{id}}</td><td>{{login}}</td><td>{{kind}}</td><td>{{when}}</td><td>{{time}}</td><td>{{email}}</td><td>{{webhook}}</td><td>{{rep}}</td><td>
    <form method="post" action="/subscriptions" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="remove"/><input type="hidden" name="id" value="{{id}}"/><button type="submit">Remove</button></form></td></tr>
    {{/rows}}
    </tbody>
    </table>{{/hasRows}}{{^hasRows}}<p>No scheduled reports yet.</p>{{/hasRows}}
    <h2>Add one</h2>
    <form method="post" action="/subscriptions"><input type="hidden" name="csrf" value="{{csrf}}"/><input type="hidden" name="action" value="add"/>
    {{#admin}}<label>Login <input name="login" value="{{login}}" autocomplete="off"/></label>{{/admin}}
    <label>Report <select name="kind">{{#kinds}}<option value="{{value}}">{{value}} ({{when}})</option>{{/kinds}}</select></label>
    <label>Time (UTC) <input name="at" placeholder="07:00" value="07:00"/></label>
    <label>E-mail <input name="email" type="email" autocomplete="email"/></label>
    {{#worklist}}<label>Rep (worklist) <select name="rep"><option value="">—</option>{{#reps}}<option value="{{value}}">{{value}} {{name}}</option>{{/reps}}</select></label>{{/worklist}}
    <label><input name="webhook" type="checkbox"/> Also post a summary to the team's webhook</label>
    <button type="submit">Add</button>
    </form>
    """
  ]
}
