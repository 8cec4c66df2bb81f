import ArcadenceAnalytics
import ArcadenceCharts
import ArcadenceCore
import ArcadenceReports
import ArcadenceStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The chart set (``ChartSet``) drawn on request as SVG, kept per store generation, period
/// and scope: a set is built once for its key and each chart drawn once, until the store's
/// generation moves. Bounded: at most ``maxSets`` sets and ``maxCharts`` drawings are kept
/// (the oldest go first).
public actor ChartCache {
  static let maxSets = 8
  static let maxCharts = 256

  private var sets: [(key: String, set: ChartSet)] = []
  private var svgs: [String: [UInt8]] = [:]
  private var svgOrder: [String] = []
  /// How many sets and drawings were made (for tests: a second request draws nothing).
  public private(set) var built = 0
  public private(set) var drawn = 0

  public init() {}

  static func key(generation: Int64?, period: Period, scope: Scope) -> String {
    "\(generation.map(String.init) ?? "-")|\(period.from)|\(period.to)|\(scope)"
  }

  /// The chart set of `period` and `scope` for the ledger of `generation`.
  func set(ledger: Ledger, generation: Int64?, period: Period, scope: Scope) throws -> ChartSet {
    let key = ChartCache.key(generation: generation, period: period, scope: scope)
    if let hit = sets.first(where: { $0.key == key }) { return hit.set }
    let set = try ChartSet(ledger: ledger, period: period, scope: scope)
    built += 1
    sets.append((key, set))
    if sets.count > ChartCache.maxSets { sets.removeFirst() }
    return set
  }

  /// One chart of the set as SVG, or nil when the set has no chart of that name.
  func svg(name: String, ledger: Ledger, generation: Int64?, period: Period, scope: Scope)
    throws -> [UInt8]?
  {
    let key = ChartCache.key(generation: generation, period: period, scope: scope) + "|" + name
    if let hit = svgs[key] { return hit }
    let set = try set(ledger: ledger, generation: generation, period: period, scope: scope)
    guard let entry = set.entries.first(where: { $0.name == name }) else { return nil }
    let bytes = try CairoRenderer().render(entry.chart, format: .svg)
    drawn += 1
    keep(bytes, key)
    return bytes
  }

  private func keep(_ bytes: [UInt8], _ key: String) {
    svgs[key] = bytes
    svgOrder.append(key)
    if svgOrder.count > ChartCache.maxCharts { svgs[svgOrder.removeFirst()] = nil }
  }

  /// The names of the weekly review's charts (``ReviewPage``).
  static let reviewCharts = ["review-pareto", "review-trend"]

  /// One chart of the weekly review of `week` (``ReviewPage/paretoChart(_:)`` or
  /// ``ReviewPage/trendChart(_:)``) as SVG, or nil for another name.
  func reviewSVG(name: String, ledger: Ledger, generation: Int64?, week: Period, scope: Scope)
    throws -> [UInt8]?
  {
    guard ChartCache.reviewCharts.contains(name) else { return nil }
    let key = ChartCache.key(generation: generation, period: week, scope: scope) + "|" + name
    if let hit = svgs[key] { return hit }
    let review = try WeeklyReview(ledger: ledger, week: week, scope: scope)
    let renderer = CairoRenderer()
    let bytes =
      name == "review-pareto"
      ? try renderer.render(ReviewPage.paretoChart(review), format: .svg)
      : try renderer.render(ReviewPage.trendChart(review), format: .svg)
    drawn += 1
    keep(bytes, key)
    return bytes
  }
}

extension Pages {
  /// The URL of one chart as SVG for a period and a scope.
  static func chartURL(_ name: String, period: Period, scope: Scope) -> String {
    var q = ["name": name, "from": "\(period.from)", "to": "\(period.to)"]
    switch scope {
    case .everyone: break
    case .rep(let r): q["rep"] = r
    case .team(let t): q["team"] = t
    }
    return url(Routes.route(.chart).path, q)
  }

  /// `/charts?…period…&rep|team`: every chart of the set for the period and scope, each an
  /// image drawn on request (`/chart.svg`), with its caption as alt text.
  static func charts(
    ledger l: Ledger, generation: Int64?, cache: ChartCache, visible: Visibility,
    query q: [String: String]
  ) async throws -> PageBody {
    let period = try period(q, lastDay: l.lastEventDay)
    let scope = try scope(q, visible: visible)
    let set = try await cache.set(ledger: l, generation: generation, period: period, scope: scope)
    let context: [String: Any] = [
      "heading": "Charts \(period) · \(scope)",
      "figures": set.entries.map {
        [
          "src": chartURL($0.name, period: period, scope: scope), "caption": $0.caption,
          "width": 800,
        ]
      },
    ]
    return .html(title: "Charts", body: Templates.render("charts", context))
  }

  /// `/chart.svg?name=…&…period…&rep|team`: one chart as SVG (by default the weekly cash
  /// chart). An unknown name is a 404 like an unknown id.
  static func chartSVG(
    ledger l: Ledger, generation: Int64?, cache: ChartCache, visible: Visibility,
    query q: [String: String]
  ) async throws -> Response? {
    let scope = try scope(q, visible: visible)
    let name = q["name"] ?? "cash-weekly"
    let drawing: [UInt8]?
    if ChartCache.reviewCharts.contains(name) {
      drawing = try await cache.reviewSVG(
        name: name, ledger: l, generation: generation, week: try reviewWeek(q, l), scope: scope)
    } else {
      drawing = try await cache.svg(
        name: name, ledger: l, generation: generation,
        period: try period(q, lastDay: l.lastEventDay), scope: scope)
    }
    guard let bytes = drawing else { return nil }
    return Response(
      status: .ok, headers: [.contentType: "image/svg+xml"],
      body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
  }
}

extension Templates {
  /// The charts page (each chart through the shared `figures` template).
  static let chartSources: [String: String] = [
    "charts": """
    <h1>{{heading}}</h1>
    {{> figures}}
    """
  ]
}
