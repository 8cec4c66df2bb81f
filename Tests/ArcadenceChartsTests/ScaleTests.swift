import ArcadenceCharts
import ArcadenceCore
import Testing

struct ScaleTests {
  @Test func linearMapsExactly() {
    let scale = LinearScale(domain: 0...10, range: 0...100)
    #expect(scale.map(2.5) == 25)
    #expect(scale.map(0) == 0)
    #expect(scale.map(10) == 100)
    #expect(scale.invert(25) == 2.5)
    #expect(scale.map(-1) == -10)
  }

  @Test func invertedRangesWork() {
    let reversed = LinearScale(domain: 0...10, range: 0...100, reversed: true)
    #expect(reversed.map(2.5) == 75)
    #expect(reversed.map(10) == 0)
    // A y axis: bottom pixel 300, top pixel 20.
    let y = LinearScale(domain: 0...40, rangeStart: 300, rangeEnd: 20)
    #expect(y.map(0) == 300)
    #expect(y.map(40) == 20)
    #expect(y.map(10) == 230)
    #expect(y.invert(230) == 10)
  }

  @Test func niceWidensToLooseTicks() {
    // R: extended(3, 42, 5, only.loose = TRUE) is 0 10 20 30 40 50.
    let scale = LinearScale(domain: 3...42, range: 0...500, nice: true)
    #expect(scale.domain == 0...50)
    #expect(scale.ticks(count: 5).values == [0, 10, 20, 30, 40, 50])
    #expect(scale.map(25) == 250)
    // Without nice, ticks stay inside the domain.
    #expect(
      LinearScale(domain: 3...42, range: 0...1).ticks().values.allSatisfy {
        $0 >= 3 && $0 <= 42
      })
  }

  @Test func bandScaleUsesPadding() {
    let band = BandScale(
      categories: ["A", "B", "C", "D"], range: 0...100, paddingInner: 0.2, paddingOuter: 0.1)
    #expect(band.step == 25)
    #expect(band.bandwidth == 20)
    #expect((0..<4).map(band.start) == [2.5, 27.5, 52.5, 77.5])
    #expect(band.center(1) == 37.5)
    #expect(band.start(of: "C") == 52.5)
    #expect(band.start(of: "Z") == nil)
    let tight = BandScale(categories: ["x", "y"], range: 0...100, paddingInner: 0, paddingOuter: 0)
    #expect(tight.start(1) == 50 && tight.bandwidth == 50)
  }

  @Test func civilDatesRoundTrip() {
    #expect(Int32(Day.daysFromCivil(1970, 1, 1)) == 0)
    #expect(Int32(Day.daysFromCivil(2026, 1, 1)) == 20_454)
    #expect(Int32(Day.daysFromCivil(2026, 7, 1)) == 20_635)
    #expect(Day.civilFromDays(20_640) == (2026, 7, 6))
    #expect(Day(rawValue: 20_640).weekdayFromMonday == 0)  // Monday
    #expect(Day.civilFromDays(-1) == (1969, 12, 31))
    #expect(Int32(Day.daysFromCivil(2024, 2, 29)) == 19_782)
  }

  @Test func timeTicksAtMonthBoundariesForThreeMonths() {
    // 2026-07-01 (day 20,635) to 2026-09-30 (day 20,726).
    let scale = TimeScale(domain: 20_635...20_726, range: 0...910)
    let ticks = scale.ticks(maxCount: 6)
    #expect(ticks.map(\.day) == [20_635, 20_666, 20_697])
    #expect(ticks.map(\.label) == ["Jul 2026", "Aug 2026", "Sep 2026"])
    #expect(scale.map(day: 20_666) == 310)
  }

  @Test func timeTicksChooseStepBySpan() {
    // Three weeks: Mondays, labelled month-day.
    let weeks = TimeScale(domain: 20_640...20_660, range: 0...100).ticks(maxCount: 6)
    #expect(weeks.map(\.label) == ["Jul 6", "Jul 13", "Jul 20"])
    // Two years: quarters.
    let start = Int32(Day.daysFromCivil(2025, 1, 1))
    let end = Int32(Day.daysFromCivil(2026, 12, 31))
    let quarters = TimeScale(domain: start...end, range: 0...100).ticks(maxCount: 8)
    #expect(quarters.count == 8)
    #expect(quarters.first?.label == "2025-Q1")
    #expect(quarters.last?.label == "2026-Q4")
    // Twelve years: year starts every two years.
    let decade = TimeScale(
      domain: Int32(Day.daysFromCivil(2015, 1, 1))...end, range: 0...1)
    #expect(
      decade.ticks(maxCount: 6).map(\.label) == [
        "2016", "2018", "2020", "2022", "2024",
        "2026",
      ])
  }
}
