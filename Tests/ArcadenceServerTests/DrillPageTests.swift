import ArcadenceAnalytics
import ArcadenceCore
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArcadenceServer

/// An `href` as the page writes it, read back as a URL (`&amp;` → `&`).
func unescapedHref(_ s: Substring) -> String { s.replacingOccurrences(of: "&amp;", with: "&") }

@Suite struct DrillPageTests {
  /// Every metric of the KPI page links to its rows for the same period and scope; the
  /// collection rate's rows for March are the cohort I7, I5, I2, I4 and add up to the tile:
  /// collected 0 + 250 + 500 + 0 = 750 of billed 0 + 250 + 500 + 600 = 1,350 → 55.6%.
  @Test func kpiTilesLinkToRowsThatAddUpToTheTile() async throws {
    let h = try Harness()
    let (lead, _) = await h.cookie("lead")
    let (mgr, _) = await h.cookie("mgr")
    try await h.test { client async throws in
      let kpis = text(
        try await client.execute(uri: "/kpis?month=2026-03", method: .get, headers: lead))
      #expect(kpis.contains("<td>Collection rate (cohort)</td><td class=\"num\">55.6%</td>"))
      let links = kpis.matches(of: /<a href="(\/drill\?[^"]*)">rows<\/a>/).map {
        unescapedHref($0.1)
      }
      #expect(links.count == MetricKey.allCases.count)
      let rate = try #require(links.first { $0.contains("metric=collection_rate") })
      #expect(rate == "/drill?from=2026-03-01&metric=collection_rate&to=2026-03-31")
      let page = text(try await client.execute(uri: rate, method: .get, headers: lead))
      #expect(
        page.contains(
          "<h1>Collection rate (cohort): 55.6% · 2026-03-01..2026-03-31 · everyone</h1>"))
      let invoices = page.matches(of: /<a href="\/invoice\/(I\d)">/).map { String($0.1) }
      #expect(invoices == ["I7", "I5", "I2", "I4"])
      #expect(page.contains("Collection rate (cohort) from these rows: 55.6%"))

      // A manager's default scope is their team; the link carries it.
      let mine = text(
        try await client.execute(uri: "/kpis?month=2026-03", method: .get, headers: mgr))
      #expect(
        mine.contains(
          "href=\"/drill?from=2026-03-01&amp;metric=cases_open_over_14d&amp;team=A&amp;to=2026-03-31\""
        ))
    }
  }

  /// Cases open over 14 days at the end of March: K5 (85 days) and K3 (29 days), the oldest
  /// first, each linked to its page; the tile says 2.
  @Test func casesOverFourteenDaysAreThoseCases() async throws {
    let h = try Harness()
    let (mgr, _) = await h.cookie("mgr")
    try await h.test { client async throws in
      let page = text(
        try await client.execute(
          uri: "/drill?metric=cases_open_over_14d&month=2026-03", method: .get, headers: mgr))
      #expect(
        page.contains("<h1>Cases open over 14 days: 2 · 2026-03-01..2026-03-31 · team A</h1>"))
      let cases = page.matches(of: /<a href="\/case\/(K\d)">/).map { String($0.1) }
      #expect(cases == ["K5", "K3"])
      #expect(
        page.contains("<td class=\"num\">85</td>") && page.contains("<td class=\"num\">29</td>"))
      let download = try await client.execute(
        uri: "/drill?metric=cases_open_over_14d&month=2026-03&format=csv", method: .get,
        headers: mgr)
      #expect(
        download.headers[.contentDisposition]
          == "attachment; filename=\"cases_open_over_14d-2026-03-01-2026-03-31-cases.csv\"")
      let csv = text(download)
      let lines = csv.split(separator: "\n")
      #expect(lines.count == 3)
      #expect(lines.dropFirst().map { $0.prefix(3) } == ["K5,", "K3,"])
      // A metric that is not a KPI key is a usage error naming the parameter.
      let bad = try await client.execute(uri: "/drill?metric=nope", method: .get, headers: mgr)
      #expect(bad.status == .badRequest)
      #expect(text(bad).contains("metric: expected a KPI key"))
    }
  }

  /// A rep opens their own customer: its invoices and cases; K4 is R2's case on R1's
  /// customer C1, listed but not linked (its page is R2's), and its URL answers 404.
  @Test func aRepSeesTheirCustomerAndNotAnotherRepsCase() async throws {
    let h = try Harness()
    let (rep, _) = await h.cookie("rep1")
    try await h.test { client async throws in
      let page = text(try await client.execute(uri: "/customer/C1", method: .get, headers: rep))
      #expect(page.contains("<h1>Acme, Inc. (C1)</h1>"))
      let table = try #require(
        page.firstRange(of: "<h2>Invoices</h2>").flatMap { a in
          page.firstRange(of: "<h2>Payments</h2>").map { page[a.upperBound..<$0.lowerBound] }
        })
      let invoices = table.matches(of: /<a href="\/invoice\/(I\d)">/).map { String($0.1) }
      #expect(invoices == ["I1", "I2", "I6"])
      #expect(page.contains("<a href=\"/case/K1\">K1</a>"))
      #expect(page.contains("<td>K4</td>"))
      #expect(
        try await client.execute(uri: "/case/K4", method: .get, headers: rep).status == .notFound)
      // The invoice: 1,000 − 300 − 200 paid − 100 credited = 400 at the end of the data.
      let invoice = text(try await client.execute(uri: "/invoice/I1", method: .get, headers: rep))
      #expect(invoice.contains("balance $400.00"))
      #expect(invoice.contains("<a href=\"/customer/C1\">Acme, Inc. (C1)</a>"))
    }
  }

  /// Ids in the query string are checked like the path's, on every route.
  @Test func customerInvoiceAndCaseIdsInTheQueryAreChecked() async throws {
    let h = try Harness()
    let (mgr, _) = await h.cookie("mgr")
    try await h.test { client async throws in
      for (uri, status) in [
        ("/kpis?customer=C3", HTTPResponse.Status.ok), ("/kpis?customer=C5", .notFound),
        ("/drill?invoice=I5", .ok), ("/drill?invoice=I8", .notFound),
        ("/review?case=K3", .ok), ("/review?case=K7", .notFound),
        ("/customer/C3?invoice=I8", .notFound), ("/kpis?case=NOPE", .notFound),
      ] {
        let r = try await client.execute(uri: uri, method: .get, headers: mgr)
        #expect(r.status == status, "\(uri)")
      }
    }
  }

  /// C3's name is a formula with markup, quotes and a right-to-left override: escaped on its
  /// page and in the drill-down, neutralised in the CSV (and the download audited).
  @Test func hostileCustomerNamesAreEscapedAndNeutralised() async throws {
    let h = try Harness()
    let (mgr, _) = await h.cookie("mgr")
    try await h.test { client async throws in
      for uri in [
        "/customer/C3", "/invoice/I5", "/case/K3", "/drill?metric=collection_rate&month=2026-03",
        "/drill?metric=promises_made&month=2026-03", "/review?week=2026-W10",
      ] {
        let r = try await client.execute(uri: uri, method: .get, headers: mgr)
        #expect(r.status == .ok, "\(uri)")
        let body = text(r)
        #expect(!body.contains("<script"), "\(uri)")
        #expect(!body.contains("\u{202E}"), "\(uri)")
        #expect(!body.contains("\"q'"), "\(uri)")
      }
      let page = text(try await client.execute(uri: "/customer/C3", method: .get, headers: mgr))
      #expect(
        page.contains(
          "<h1>=HYPERLINK(&quot;http://x&quot;)&lt;script&gt;alert(2)&lt;/script&gt;&quot;q&#39; "
            + "\\u{202e}cust (C3)</h1>"))
      let csv = text(
        try await client.execute(
          uri: "/drill?metric=collection_rate&month=2026-03&format=csv", method: .get,
          headers: mgr))
      #expect(
        csv.contains(
          "I5,C3,\"'=HYPERLINK(\"\"http://x\"\")<script>alert(2)</script>\"\"q' \u{202E}cust\","))
      #expect(!csv.contains(",=HYPERLINK"))
    }
    let last = try #require(try h.server.accounts.auditLog(limit: 1).last)
    #expect(last.action == "csv.download")
    #expect(last.detail == "/drill?metric=collection_rate&month=2026-03&format=csv")
  }

  /// The weekly review of 2026-W12 (03-16..03-22) for team A: one case opened (K4,
  /// pricing); open over 14 days at the end of 03-22: K5 (opened 01-05, 76 days) and K3
  /// (03-02, 20 days), oldest first.
  @Test func weeklyReviewWithAWeekPicker() async throws {
    let h = try Harness()
    let (mgr, _) = await h.cookie("mgr")
    try await h.test { client async throws in
      let page = text(
        try await client.execute(uri: "/review?week=2026-W12", method: .get, headers: mgr))
      #expect(page.contains("<h1>Weekly root-cause review — 2026-W12</h1>"))
      #expect(page.contains("2026-03-16 to 2026-03-22 · team A · 1 case opened"))
      #expect(page.contains("<td>pricing</td><td class=\"num\">1</td>"))
      let stuck = page.matches(of: /<a href="\/case\/(K\d)">/).map { String($0.1) }
      #expect(stuck == ["K5", "K3"])
      #expect(
        page.contains("<td class=\"num\">76</td>") && page.contains("<td class=\"num\">20</td>"))
      #expect(page.contains("<a href=\"/review?week=2026-W11\">← 2026-W11</a>"))
      #expect(page.contains("<a href=\"/review?week=2026-W13\">2026-W13 →</a>"))
      // The Pareto and the trend, drawn on request for the same week and team.
      let pareto = "/chart.svg?name=review-pareto&team=A&week=2026-W12"
      #expect(page.contains("<img src=\"\(pareto.replacingOccurrences(of: "&", with: "&amp;"))\""))
      let svg = try await client.execute(uri: pareto, method: .get, headers: mgr)
      #expect(svg.status == .ok)
      #expect(svg.headers[.contentType] == "image/svg+xml")
      #expect(text(svg).contains("<svg"))
      let csv = text(
        try await client.execute(
          uri: "/review?week=2026-W12&format=csv&table=stuck", method: .get, headers: mgr))
      #expect(csv.split(separator: "\n").dropFirst().map { $0.prefix(3) } == ["K5,", "K3,"])
      let bad = try await client.execute(uri: "/review?week=2026-W99", method: .get, headers: mgr)
      #expect(bad.status == .badRequest)
      #expect(text(bad).contains("week: expected an ISO week YYYY-Www"))
      let table = try await client.execute(
        uri: "/review?format=csv&table=nope", method: .get, headers: mgr)
      #expect(table.status == .badRequest)
    }
  }
}

@Suite struct EmptyLinkTests {
  /// No page links to nowhere: leadership may not open worklists, so its scorecards carry no
  /// worklist link (it used to be `<a href="">`, a link to the page itself).
  @Test func noPageHasAnEmptyLink() async throws {
    let h = try Harness()
    let (lead, _) = await h.cookie("lead")
    let (mgr, _) = await h.cookie("mgr")
    try await h.test { client async throws in
      for (uri, headers) in [
        ("/scorecard/R1", lead), ("/scorecards", lead), ("/scorecard/R1", mgr),
        ("/scorecards", mgr), ("/customer/C1", lead), ("/review?week=2026-W12", lead),
        ("/drill?metric=calls&month=2026-03", lead), ("/charts?month=2026-03", lead),
      ] {
        let body = text(try await client.execute(uri: uri, method: .get, headers: headers))
        #expect(body.contains("<a href=\"/"), "\(uri)")
        #expect(!body.contains("href=\"\""), "\(uri)")
      }
      let card = text(try await client.execute(uri: "/scorecard/R1", method: .get, headers: mgr))
      #expect(card.contains("<a href=\"/worklist/R1\">Worklist</a>"))
    }
  }
}

@Suite struct ChartPageTests {
  /// The charts page lists the chart set of the period and scope as images drawn on request;
  /// each is drawn once per store generation and parameters, and drawn again after a write.
  @Test func chartsAreDrawnOnRequestAndCachedPerGeneration() async throws {
    let h = try Harness()
    let (lead, _) = await h.cookie("lead")
    let (mgr, _) = await h.cookie("mgr")
    let src = "/chart.svg?from=2026-03-01&name=cash-weekly&to=2026-03-31"
    try await h.test { client async throws in
      let page = text(
        try await client.execute(uri: "/charts?month=2026-03", method: .get, headers: lead))
      #expect(page.contains("<img src=\"\(src.replacingOccurrences(of: "&", with: "&amp;"))\""))
      let first = try await client.execute(uri: src, method: .get, headers: lead)
      #expect(first.status == .ok)
      #expect(first.headers[.contentType] == "image/svg+xml")
      #expect(text(first).contains("<svg"))
      let again = try await client.execute(uri: src, method: .get, headers: lead)
      #expect(again.body == first.body)
      // A manager's team chart: rep names are drawn as outlines, never as markup.
      let team = text(
        try await client.execute(
          uri: "/chart.svg?name=reps-A&month=2026-03", method: .get, headers: mgr))
      #expect(team.contains("<svg") && !team.contains("<script") && !team.contains("\u{202E}"))
      let unknown = try await client.execute(
        uri: "/chart.svg?name=nope&month=2026-03", method: .get, headers: lead)
      #expect(unknown.status == .notFound)
    }
    // One set for (everyone, March) and one for (team A, March); two charts drawn.
    #expect(await h.server.charts.built == 2)
    #expect(await h.server.charts.drawn == 2)
    try await h.store.pool.write {
      try $0.execute(
        sql: """
          INSERT INTO payments (payment_id, customer_id, invoice_id, received_on, amount, method)
          VALUES ('P9', 'C1', NULL, ?, 1000, 'ach')
          """, arguments: [Day(iso: "2026-03-09").map { Int($0.rawValue) }])
    }
    // The reload runs in the background (LedgerSource's visibility rule): start it and wait.
    _ = try await h.server.ledger.snapshot()
    await h.server.ledger.settled()
    try await h.test { client async throws in
      #expect(try await client.execute(uri: src, method: .get, headers: lead).status == .ok)
    }
    #expect(await h.server.charts.built == 3)
    #expect(await h.server.charts.drawn == 3)
  }
}
