import ArcadenceCharts
import ArcadenceCore
import Testing

struct FormatTests {
  @Test func compactMoneyFromDollars() {
    #expect(ChartFormat.money(dollars: 1_234_567) == "$1.2M")
    #expect(ChartFormat.money(dollars: 350_000) == "$350K")
    #expect(ChartFormat.money(dollars: 950) == "$950")
    #expect(ChartFormat.money(dollars: 0) == "$0")
    #expect(ChartFormat.money(dollars: -1_234_567) == "-$1.2M")
    #expect(ChartFormat.money(dollars: 12_345) == "$12K")
    #expect(ChartFormat.money(dollars: 1_500) == "$1.5K")
    #expect(ChartFormat.money(dollars: 999_999) == "$1M")
    #expect(ChartFormat.money(dollars: 2_000_000_000) == "$2B")
    #expect(ChartFormat.money(dollars: -0.2) == "$0")
  }

  @Test func compactMoneyFromCents() {
    #expect(ChartFormat.money(cents: 123_456_700) == "$1.2M")
    #expect(ChartFormat.money(cents: -35_000_000) == "-$350K")
    #expect(ChartFormat.money(cents: 95_000) == "$950")
    #expect(ChartFormat.money(cents: 0) == "$0")
  }

  @Test func moneyTickLabelsAreExact() {
    let ticks = TickSet(firstSignificand: 0, stepSignificand: 25, exponent: 4, count: 6)
    #expect(
      ValueFormat.money.labels(for: ticks) == [
        "$0", "$250K", "$500K", "$750K", "$1M", "$1.25M",
      ])
    let negative = TickSet(firstSignificand: -1, stepSignificand: 1, exponent: 6, count: 3)
    #expect(ValueFormat.money.labels(for: negative) == ["-$1M", "$0", "$1M"])
  }

  @Test func percentDigitsFollowTheStep() {
    #expect(ChartFormat.percent(0.95) == "95%")
    #expect(ChartFormat.percent(0.125, fractionDigits: 1) == "12.5%")
    #expect(ValueFormat.percent.format(0.125) == "12.5%")
    #expect(ValueFormat.percent.format(0.95) == "95%")
    let quarterSteps = TickSet(firstSignificand: 0, stepSignificand: 25, exponent: -2, count: 5)
    #expect(ValueFormat.percent.labels(for: quarterSteps) == ["0%", "25%", "50%", "75%", "100%"])
    let fine = TickSet(firstSignificand: 100, stepSignificand: 25, exponent: -3, count: 3)
    #expect(ValueFormat.percent.labels(for: fine) == ["10.0%", "12.5%", "15.0%"])
  }

  @Test func thousandsSeparators() {
    #expect(ChartFormat.grouped(1_234_567) == "1,234,567")
    #expect(ChartFormat.grouped(-1_234_567) == "-1,234,567")
    #expect(ChartFormat.grouped(999) == "999")
    #expect(ChartFormat.number(1234.5, fractionDigits: 1) == "1,234.5")
    #expect(ValueFormat.number.format(1_234_567) == "1,234,567")
    #expect(ValueFormat.suffixed(" days").format(14) == "14 days")
  }

  @Test func dates() {
    let day = Int32(Day.daysFromCivil(2026, 7, 6))
    #expect(ChartFormat.date(day, style: .monthYear) == "Jul 2026")
    #expect(ChartFormat.date(day, style: .quarter) == "2026-Q3")
    #expect(ChartFormat.date(day, style: .monthDay) == "Jul 6")
    #expect(ChartFormat.date(day, style: .iso) == "2026-07-06")
    #expect(ChartFormat.date(day, style: .long) == "Jul 6, 2026")
  }
}
