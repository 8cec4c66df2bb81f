import Testing

@testable import ArcadenceCore

@Suite struct DayTests {
  @Test func epochAndKnownDates() {
    #expect(Day(iso: "1970-01-01")?.rawValue == 0)
    #expect(Day(iso: "2000-03-01")?.rawValue == 11_017)
    #expect(Day(iso: "2026-11-23")?.rawValue == 20_780)
    #expect(Day(rawValue: 20_780).description == "2026-11-23")
    #expect(Day(iso: "1969-12-31")?.rawValue == -1)
  }

  @Test func rejectsImpossibleAndMalformedDates() {
    #expect(Day(iso: "2026-02-29") == nil)  // 2026 is not a leap year
    #expect(Day(iso: "2024-02-29") != nil)
    #expect(Day(iso: "2026-02-30") == nil)
    #expect(Day(iso: "2026-13-01") == nil)
    #expect(Day(iso: "2026-04-31") == nil)
    #expect(Day(iso: "2026-4-01") == nil)
    #expect(Day(iso: "2026/04/01") == nil)
    #expect(Day(iso: "") == nil)
    #expect(Day(iso: "1900-02-29") == nil)  // century, not leap
    #expect(Day(iso: "2000-02-29") != nil)
  }

  @Test func weekdaysAndArithmetic() {
    #expect(Day(iso: "1970-01-01")!.weekdayFromMonday == 3)  // Thursday
    #expect(Day(iso: "2026-11-23")!.weekdayFromMonday == 0)  // Monday
    #expect(Day(iso: "2026-03-01")! - Day(iso: "2026-02-01")! == 28)
    #expect((Day(iso: "2024-02-28")! + 1).description == "2024-02-29")
  }

  @Test func isoWeeks() {
    // 2026-01-01 is a Thursday, so it is in 2026-W01; 2021-01-03 (Sunday) is in 2020-W53.
    #expect(Day(iso: "2026-01-01")!.isoWeekLabel == "2026-W01")
    #expect(Day(iso: "2021-01-03")!.isoWeekLabel == "2020-W53")
    #expect(Day(iso: "2024-12-30")!.isoWeekLabel == "2025-W01")
    #expect(Period.isoWeeksInYear(2020) == 53)
    #expect(Period.isoWeeksInYear(2026) == 53)
    #expect(Period.isoWeeksInYear(2025) == 52)
    let w53 = Period.parseISOWeek("2020-W53")!
    #expect(w53.from.description == "2020-12-28" && w53.to.description == "2021-01-03")
    #expect(Period.parseISOWeek("2025-W53") == nil)
    let w27 = Period.parseISOWeek("2026-W27")!
    #expect(w27.from.description == "2026-06-29" && w27.to.description == "2026-07-05")
  }

  @Test func lastFullISOWeek() {
    // 2026-10-31 is a Saturday: the last full week ended Sunday 2026-10-25 (2026-W43).
    let w = Period.lastFullISOWeek(endingBy: Day(iso: "2026-10-31")!)
    #expect(w.from.description == "2026-10-19" && w.to.description == "2026-10-25")
    // On a Sunday the week ending that day counts; on a Monday it is the week before.
    #expect(Period.lastFullISOWeek(endingBy: Day(iso: "2026-10-25")!) == w)
    #expect(Period.lastFullISOWeek(endingBy: Day(iso: "2026-10-26")!) == w)
  }

  @Test func quartersAndMonths() {
    let q = Period.parseQuarter("2026-Q3")!
    #expect(q.from.description == "2026-07-01" && q.to.description == "2026-09-30")
    #expect(q.days == 92)
    #expect(q.start.description == "2026-06-30")
    #expect(q.previous.from.description == "2026-03-31")  // same length: 92 days back
    let feb = Period.parseMonth("2024-02")!
    #expect(feb.days == 29)
    #expect(Period.parseQuarter("2026-Q5") == nil)
    #expect(Period.parseMonth("2026-13") == nil)
  }
}

@Suite struct TimestampTests {
  @Test func parsesZuluOffsetsAndBareDates() {
    #expect(Timestamp(iso: "2026-03-04T15:20:00Z")?.description == "2026-03-04T15:20:00Z")
    #expect(Timestamp(iso: "2026-03-04T10:20:00-05:00")?.description == "2026-03-04T15:20:00Z")
    #expect(Timestamp(iso: "2026-03-04T16:20:00+0100")?.description == "2026-03-04T15:20:00Z")
    #expect(Timestamp(iso: "2026-03-04")?.description == "2026-03-04T00:00:00Z")
    #expect(Timestamp(iso: "2026-03-04T15:20Z")?.description == "2026-03-04T15:20:00Z")
    #expect(
      Timestamp(iso: "2026-03-04T15:20:00.750Z") == Timestamp(iso: "2026-03-04T15:20:00Z"))
  }

  @Test func theDateOfATimestampIsItsUTCDate() {
    // kpis.md: 2026-03-31T22:30:00-05:00 is on 2026-04-01.
    #expect(Timestamp(iso: "2026-03-31T22:30:00-05:00")?.day.description == "2026-04-01")
    #expect(Timestamp(iso: "1969-12-31T23:59:59Z")?.day.description == "1969-12-31")
  }

  @Test func rejectsAmbiguousOrBrokenTimes() {
    #expect(Timestamp(iso: "2026-03-04T15:20:00") == nil)  // no zone
    #expect(Timestamp(iso: "2026-03-04T25:00:00Z") == nil)
    #expect(Timestamp(iso: "2026-02-30T10:00:00Z") == nil)
    #expect(Timestamp(iso: "2026-03-04T10:00:00+5") == nil)
    #expect(Timestamp(iso: "yesterday") == nil)
  }
}

@Suite struct CentsTests {
  @Test func parsesPlainDecimals() {
    #expect(Cents.parse("1234.5") == 123_450)
    #expect(Cents.parse("1234.50") == 123_450)
    #expect(Cents.parse("0.07") == 7)
    #expect(Cents.parse("12") == 1200)
    #expect(Cents.parse("-5.00") == -500)
  }

  @Test func rejectsSymbolsSeparatorsAndThreeDecimals() {
    for bad in ["12.345", "$12", "1,234.50", "12.", ".5", "1e3", " 12", "12 ", "", "1.2.3", "--1"] {
      #expect(Cents.parse(bad) == nil, "\(bad)")
    }
  }

  @Test func formats() {
    #expect(Cents.plain(123_450) == "1234.50")
    #expect(Cents.plain(7) == "0.07")
    #expect(Cents.plain(-705) == "-7.05")
    #expect(Cents.display(123_456_789) == "$1,234,567.89")
    #expect(Cents.displayWhole(99_950) == "$1,000")
    #expect(Cents.grouped(1000) == "1,000")
    #expect(Cents.grouped(999) == "999")
  }
}
