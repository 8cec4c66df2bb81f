import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArcadenceServer

@Suite struct DownloadTests {
  /// Found by the browser check: the download was named `kpis-2026-07-01-2026-09-30_csv-…`
  /// (the whole name hashed as if it were an id), so a spreadsheet did not open it as CSV.
  @Test func csvDownloadsKeepTheirNameAndExtension() async throws {
    let h = try Harness()
    let (lead, _) = await h.cookie("lead")
    let (rep, _) = await h.cookie("rep1")
    try await h.test { client async throws in
      let kpis = try await client.execute(
        uri: "/kpis?month=2026-03&format=csv", method: .get, headers: lead)
      #expect(
        kpis.headers[.contentDisposition]
          == "attachment; filename=\"kpis-2026-03-01-2026-03-31.csv\"")
      let card = try await client.execute(
        uri: "/scorecard/R1?month=2026-03&format=csv", method: .get, headers: rep)
      #expect(
        card.headers[.contentDisposition]
          == "attachment; filename=\"scorecard-R1-2026-03-01.csv\"")
    }
  }
}
