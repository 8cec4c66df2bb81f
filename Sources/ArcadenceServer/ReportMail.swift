import ArcadenceAnalytics
import ArcadenceCharts
import ArcadenceCore
import ArcadenceDelivery
import ArcadenceReports
import ArcadenceSimulation
import ArcadenceStore
import Foundation

/// What one report holds, built by the pages' own code for the subscriber's scope.
public struct ReportContent: Sendable {
  /// The page's title and scope (`Weekly review 2026-W43 · team East`): the mail's subject.
  public var title: String
  /// The HTML document: the page's body in a standalone document, charts as `cid:` images.
  public var html: String
  public var images: [MailMessage.InlineImage]
  /// The page's table as a report CSV (formula cells neutralised by the page's CSV rule).
  public var csvName: String
  public var csv: String
  /// A few headline figures, for the webhook.
  public var headline: String
  /// The page's path and query (`/review?week=2026-W43&team=East`), for the link.
  public var path: String
}

/// Builds a report for a subscription: the page the subscriber would see at its default
/// period, through ``Access/decide`` with the subscriber as the user (the server's one
/// scope rule), by the page functions the server calls (``Pages``) and the worklist's print
/// template; the `/chart.svg` images of the page drawn as PNG and attached inline.
public enum ReportMail {
  /// The content for `subscription` of `user`, from `ledger`; `worklist` is the day's
  /// worklist (worklist subscriptions only). A user who may no longer receive it (role or
  /// scope changed, rep gone, user disabled) is a usage error naming the subscription.
  public static func content(
    _ subscription: Subscription, user: ServerUser?, ledger: Ledger, worklist: Worklist?
  ) throws -> ReportContent {
    guard let user, user.disabledAt == nil else {
      throw ArcadenceError(
        .usage,
        "subscription #\(subscription.id): \(subscription.login) is disabled or no longer exists")
    }
    let route = Routes.route(subscription.kind.page)
    let ids: [(IdKind, String)] = subscription.repId.map { [(.rep, $0)] } ?? []
    guard
      case .allow(let visible) = Access.decide(user: user, route: route, ids: ids, ledger: ledger)
    else {
      throw ArcadenceError(
        .usage,
        "subscription #\(subscription.id): \(user.login) (\(user.binding)) may not open "
          + route.url(id: subscription.repId) + " any more")
    }
    switch subscription.kind {
    case .kpis: return try kpis(ledger: ledger, visible: visible, user: user)
    case .weeklyReview: return try review(ledger: ledger, visible: visible)
    case .worklist:
      return try worklistContent(list: worklist, repId: subscription.repId ?? "")
    }
  }

  /// The charts of the chart set under the KPI table.
  static let kpiCharts = ["cash-weekly", "aging-weekly", "past-due-trend"]

  static func kpis(ledger: Ledger, visible: Visibility, user: ServerUser) throws -> ReportContent {
    guard
      case .html(let title, let body) = try Pages.kpis(
        ledger: ledger, visible: visible, user: user, query: [:]),
      case .csv(let csvName, let csv) = try Pages.kpis(
        ledger: ledger, visible: visible, user: user, query: ["format": "csv"])
    else { throw ArcadenceError(.failure, "the KPI page gave no table") }
    let period = try Pages.period([:], lastDay: ledger.lastEventDay)
    let scope = try Pages.scope([:], visible: visible)
    let report = try KPIReport(engine: KPIEngine(ledger: ledger), period: period, scope: scope)
    let set = try ChartSet(ledger: ledger, period: period, scope: scope)
    var images: [MailMessage.InlineImage] = []
    var figures = ""
    for entry in set.entries where kpiCharts.contains(entry.name) {
      let cid = "chart\(images.count + 1)@arcadence"
      images.append(
        .init(
          contentId: cid, fileName: "\(entry.name).png",
          bytes: try CairoRenderer().render(entry.chart, format: .png(scale: 1))))
      figures +=
        "<figure><img src=\"cid:\(cid)\" alt=\"\(HTML.escape(entry.caption))\" width=\"800\"/>"
        + "<figcaption>\(HTML.escape(entry.caption))</figcaption></figure>\n"
    }
    let headline = [MetricKey.collectedAmount, .collectionRate, .pastDueEnd, .dso].map {
      let key = $0
      return "\(Metrics.all.first { $0.key == key }?.label ?? key.rawValue): "
        + Format.human(report[key], key: key)
    }.joined(separator: " · ")
    let full = "\(title) \(period) · \(scope)"
    return ReportContent(
      title: full, html: document(title: full, body: mailable(body) + figures), images: images,
      csvName: csvName, csv: csv, headline: headline, path: "/kpis" + scopeQuery(scope, [:]))
  }

  static func review(ledger: Ledger, visible: Visibility) throws -> ReportContent {
    guard
      case .html(let title, let body) = try Pages.review(
        ledger: ledger, visible: visible, query: [:]),
      case .csv(let csvName, let csv) = try Pages.review(
        ledger: ledger, visible: visible, query: ["format": "csv"])
    else { throw ArcadenceError(.failure, "the review page gave no table") }
    let week = try Pages.reviewWeek([:], ledger)
    let scope = try Pages.scope([:], visible: visible)
    let r = try WeeklyReview(ledger: ledger, week: week, scope: scope)
    // The page's images are `/chart.svg?name=review-…`: the same charts drawn as PNG.
    var images: [MailMessage.InlineImage] = []
    let html = try inlined(mailable(body)) { query in
      let renderer = CairoRenderer()
      let bytes: [UInt8]
      switch query["name"] {
      case "review-pareto":
        bytes = try renderer.render(ReviewPage.paretoChart(r), format: .png(scale: 1))
      case "review-trend":
        bytes = try renderer.render(ReviewPage.trendChart(r), format: .png(scale: 1))
      default: return nil
      }
      let cid = "chart\(images.count + 1)@arcadence"
      images.append(
        .init(contentId: cid, fileName: "\(query["name"] ?? "chart").png", bytes: bytes))
      return cid
    }
    let full = "\(title) · \(scope)"
    return ReportContent(
      title: full, html: document(title: full, body: html), images: images, csvName: csvName,
      csv: csv, headline: ReviewPage.summary(r),
      path: "/review" + scopeQuery(scope, ["week": r.weekLabel]))
  }

  static func worklistContent(list: Worklist?, repId: String) throws -> ReportContent {
    guard var list, let rep = list.reps.first(where: { $0.repId == repId }) else {
      throw ArcadenceError(.usage, "the store is empty: no worklist for \(repId)")
    }
    list.reps = [rep]
    let title = "Worklist \(rep.repId) \(rep.repName) for \(list.day)"
    let headline =
      "\(rep.calls.count) calls, \(rep.emails.count) emails, \(rep.cases.count) cases "
      + "(capacity \(rep.capacity))"
    return ReportContent(
      title: title, html: list.html, images: [],
      csvName: "worklist-\(FileName.safe(repId))-\(list.day).csv", csv: list.csv,
      headline: headline, path: Routes.route(.worklist).url(id: repId))
  }

  /// `?rep=…` or `?team=…` (and `extra`) for the link to the page.
  static func scopeQuery(_ scope: Scope, _ extra: [String: String]) -> String {
    var q = extra
    switch scope {
    case .everyone: break
    case .rep(let r): q["rep"] = r
    case .team(let t): q["team"] = t
    }
    return q.isEmpty ? "" : Pages.url("", q)
  }

  /// The page body without its forms (pickers and buttons do nothing in a mail).
  static func mailable(_ body: String) -> String {
    var out = ""
    var rest = Substring(body)
    while let start = rest.range(of: "<form") {
      out += rest[..<start.lowerBound]
      guard let end = rest[start.upperBound...].range(of: "</form>") else {
        rest = ""
        break
      }
      rest = rest[end.upperBound...]
    }
    return out + rest
  }

  /// `html` with each `src="/chart.svg?…"` replaced by `src="cid:…"` from `draw` (given the
  /// image's query), or left as it is when `draw` gives nil.
  static func inlined(_ html: String, draw: ([String: String]) throws -> String?) throws
    -> String
  {
    let marker = "src=\"/chart.svg?"
    var out = ""
    var rest = Substring(html)
    while let start = rest.range(of: marker) {
      out += rest[..<start.lowerBound]
      guard let end = rest[start.upperBound...].firstIndex(of: "\"") else { break }
      let raw = String(rest[start.upperBound..<end]).replacingOccurrences(of: "&amp;", with: "&")
      var query: [String: String] = [:]
      for pair in raw.split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1).map {
          String($0).removingPercentEncoding ?? String($0)
        }
        if kv.count == 2 { query[kv[0]] = kv[1] }
      }
      if let cid = try draw(query) {
        out += "src=\"cid:\(cid)\""
      } else {
        out += rest[start.lowerBound...end]
      }
      rest = rest[rest.index(after: end)...]
    }
    return out + rest
  }

  /// A standalone HTML document around a page body, with the app's stylesheet inline.
  static func document(title: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"/><title>\(HTML.escape(title))</title>
    <style>\(PageTemplates.css)</style></head>
    <body><main>
    \(body)
    </main></body></html>
    """
  }
}
