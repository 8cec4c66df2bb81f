import ArcadenceReports

extension Templates {
  /// One link of the navigation bar.
  struct NavLink: Equatable, Sendable {
    var href: String
    var label: String
  }

  /// The navigation of a user of `role` (bound to `repId` when a rep): every page their
  /// role may open that names no id (the drill-down and the chart image excepted), then
  /// their own scorecard. From ``Routes/all``, so a new route shows up by itself.
  static func nav(role: UserRole, repId: String?) -> [NavLink] {
    var nav: [NavLink] = []
    for route in Routes.all
    where route.roles.contains(role) && route.names == nil && route.page != .drill
      && route.page != .chart
    {
      nav.append(NavLink(href: route.path, label: route.page.rawValue))
    }
    if let repId {
      nav.append(NavLink(href: Routes.route(.scorecard).url(id: repId), label: "scorecard"))
    }
    return nav
  }

  /// The user shown in the layout's header.
  struct LayoutUser: Sendable {
    var login: String
    var role: String
    var csrf: String
  }

  /// The `layout` template rendered without the template engine: it wraps every page, so it
  /// is on every request's path (a tenth of a cached page's time went to the generic lookup
  /// and the dictionaries it needs). The same bytes as `render("layout", …)` —
  /// `TemplatesTests` compares the two on hostile values — and every value escaped by
  /// ``HTML/escape(_:)`` as the template does; `body` is markup the pages built (the
  /// template's `{{{body}}}`). O(body + nav).
  static func layout(title: String, body: String, nav: [NavLink], user: LayoutUser?) -> String {
    var html = ""
    html.reserveCapacity(body.utf8.count + 1024)
    html += layoutHead
    html += HTML.escape(title)
    html += layoutAfterTitle
    for link in nav {
      html += "<a href=\""
      html += HTML.escape(link.href)
      html += "\">"
      html += HTML.escape(link.label)
      html += "</a> "
    }
    html += "\n"
    if let user {
      html += "<form class=\"logout\" method=\"post\" action=\"/logout\">"
      html += "<input type=\"hidden\" name=\"csrf\" value=\""
      html += HTML.escape(user.csrf)
      html += "\"/><span>"
      html += HTML.escape(user.login)
      html += " ("
      html += HTML.escape(user.role)
      html += ")</span> <button type=\"submit\">Log out</button></form>"
    }
    html += "\n</header>\n<main>\n"
    html += body
    html += "\n</main>\n</body>\n</html>\n"
    return html
  }

  private static let layoutHead = """
    <!DOCTYPE html>
    <html lang="en">
    <head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
    <title>
    """
  private static let layoutAfterTitle = """
     · arcadence</title><link rel="stylesheet" href="/static/app.css"/></head>
    <body>
    <header><strong>arcadence</strong>

    """
}
