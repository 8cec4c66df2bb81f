import ArcadenceAnalytics
import ArcadenceCore
import Testing

/// The one period rule, read by the command line (`--quarter`) and by the served pages'
/// query strings (`quarter`): the same periods, the same messages but for the prefix.
@Suite struct PeriodChoiceTests {
  @Test func namesAPeriodOneWay() throws {
    #expect(
      try PeriodChoice(quarter: "2026-Q3", prefix: "").named()
        == Period(from: Day(iso: "2026-07-01")!, to: Day(iso: "2026-09-30")!))
    #expect(
      try PeriodChoice(week: "2026-W01", prefix: "--").named()
        == Period(from: Day(iso: "2025-12-29")!, to: Day(iso: "2026-01-04")!))
    #expect(try PeriodChoice(prefix: "").named() == nil)
    // Nothing named: the latest full quarter ending by the data's last day.
    #expect(
      try PeriodChoice(prefix: "").resolve(lastDay: { Day(iso: "2026-10-31") })
        == Period(from: Day(iso: "2026-07-01")!, to: Day(iso: "2026-09-30")!))
  }

  @Test func mistakesNameTheParameterAsThePlaceSpellsIt() {
    func message(_ c: PeriodChoice) -> String? {
      do {
        _ = try c.named()
        return nil
      } catch { return (error as? ArcadenceError)?.message }
    }
    #expect(
      message(PeriodChoice(month: "2026-13", prefix: "--"))
        == "--month: expected YYYY-MM such as 2026-07 (value \"2026-13\")")
    #expect(
      message(PeriodChoice(month: "2026-13", prefix: ""))
        == "month: expected YYYY-MM such as 2026-07 (value \"2026-13\")")
    #expect(message(PeriodChoice(from: "2026-01-01", prefix: "")) == "from and to go together")
    #expect(
      message(PeriodChoice(quarter: "2026-Q1", month: "2026-01", prefix: "--"))
        == "name the period one way: --from/--to, --quarter, --month or --week")
  }
}
