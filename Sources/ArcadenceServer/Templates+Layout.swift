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
}
