import ArcadenceCharts
import ArcadenceCore

/// Deterministic sample data and charts shared by the tests and the sample-image writer.
enum SampleCharts {
  /// A tiny deterministic generator (64-bit LCG) so samples never change between runs.
  struct Noise {
    var state: UInt64

    mutating func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }

    /// Roughly normal noise (sum of uniforms), mean 0, sd ≈ 1.
    mutating func gaussian() -> Double {
      (0..<6).map { _ in next() }.reduce(0, +) - 3
    }
  }

  static func day(_ year: Int, _ month: Int, _ day: Int) -> Int32 {
    Int32(Day.daysFromCivil(year, month, day))
  }

  static let hostileLabel =
    "<script>alert(\"x\")</script> & \"quotes\" 'single' 😀 "
    + String(repeating: "Acme Receivables & Sons <Holdings> \"Intl\" ", count: 6)

  static func dualAxis() -> DualAxisBarLineSpec {
    var noise = Noise(state: 7)
    let starts = (0..<13).map { day(2026, 4, 6) + Int32($0 * 7) }
    let collected = starts.indices.map { 620_000 + 180_000 * noise.gaussian() + 9_000 * Double($0) }
    let onTime = starts.indices.map {
      min(0.99, 0.88 + 0.025 * noise.gaussian() + 0.004 * Double($0))
    }
    return DualAxisBarLineSpec(
      title: "Weekly cash collected vs. on-time payment rate",
      subtitle: "Q2 2026, weeks starting Monday · Source: ERP ledger export",
      footnote: "On-time = paid on or before the due date. Bars: left axis; line: right axis.",
      periodStarts: starts, bars: NamedSeries(name: "Cash collected", values: collected),
      line: NamedSeries(name: "On-time rate (right axis)", values: onTime),
      barAxis: YAxis(title: "Cash collected", format: .money),
      lineAxis: YAxis(title: "On-time rate", format: .percent, domain: 0.5...1, gridlines: false),
      lineTarget: (0.95, "95% goal"))
  }

  static func stacked() -> StackedBarSpec {
    var noise = Noise(state: 11)
    let months = (0..<12).map {
      day(2025 + (7 + $0) / 12, (7 + $0) % 12 + 1, 1)
    }
    func series(_ base: Double, _ trend: Double) -> [Double] {
      months.indices.map { max(0, base + trend * Double($0) + base * 0.12 * noise.gaussian()) }
    }
    return StackedBarSpec(
      title: "Accounts receivable by ageing bucket",
      subtitle: "Month-end balances, Aug 2025 – Jul 2026 · Source: AR sub-ledger",
      footnote: "Days past due measured from invoice due date at each month end.",
      periods: months,
      series: [
        NamedSeries(name: "Current", values: series(2_400_000, 30_000)),
        NamedSeries(name: "1–30 days", values: series(900_000, 10_000)),
        NamedSeries(name: "31–60 days", values: series(420_000, -6_000)),
        NamedSeries(name: "61–90 days", values: series(210_000, -4_000)),
        NamedSeries(name: "90+ days", values: series(160_000, 2_000)),
      ],
      valueAxis: YAxis(title: "Balance", format: .money))
  }

  static func lineRule() -> LineRuleSpec {
    var noise = Noise(state: 3)
    let days = (0..<52).map { day(2025, 8, 4) + Int32($0 * 7) }
    var dso = 52.0
    let dsoValues = days.indices.map { _ -> Double in
      dso += -0.18 + 0.9 * noise.gaussian()
      return dso
    }
    let best = dsoValues.map { $0 - 9 + 1.2 * noise.gaussian() }
    return LineRuleSpec(
      title: "Days sales outstanding, trailing 90 days",
      subtitle: "Weekly, Aug 2025 – Jul 2026 · Source: AR sub-ledger and revenue journal",
      days: days,
      series: [
        NamedSeries(name: "DSO", values: dsoValues),
        NamedSeries(name: "Best possible DSO", values: best),
      ],
      valueAxis: YAxis(title: "Days", format: .number, includesZero: false),
      rule: (45, "45-day target"))
  }

  static func histogram() -> HistogramSpec {
    var noise = Noise(state: 5)
    let values = (0..<900).map { _ -> Double in
      let base = noise.next() < 0.7 ? 24 + 7 * noise.gaussian() : 45 + 14 * noise.gaussian()
      return max(0, base)
    }
    return HistogramSpec(
      title: "Days to pay, invoices paid in Q2 2026",
      subtitle: "900 invoices · Source: cash application log",
      values: values, binWidth: 5,
      valueAxis: .linear(title: "Days from invoice to payment"),
      countAxis: YAxis(title: "Invoices"), marker: (30, "Net 30 terms"))
  }

  static func pareto() -> ParetoSpec {
    let customers = [
      "Northwind Traders", "Contoso Pharmaceuticals", "Fabrikam Industrial Supply",
      "Tailspin Toys", "Wide World Importers", "Adventure Works Cycles", "Litware Inc.",
      "Proseware", "Coho Vineyard & Winery", "Lucerne Publishing", "Margie's Travel",
      "Trey Research", "Blue Yonder Airlines", "Alpine Ski House", "Humongous Insurance",
    ]
    let balances: [Double] = [
      812_000, 640_500, 402_000, 260_300, 190_000, 150_750, 98_000, 76_000, 61_000, 40_500,
      33_000, 21_000, 14_000, 9_500, 4_000,
    ]
    return ParetoSpec(
      title: "Overdue balance concentration by customer",
      subtitle: "As of Jul 31, 2026 · Source: AR ageing report",
      footnote: "Top 11 customers shown individually; the rest are grouped.",
      categories: customers, values: balances, valueName: "Overdue balance",
      cumulativeName: "Cumulative share (right axis)",
      valueAxis: YAxis(title: "Overdue balance", format: .money))
  }

  static func fan() -> FanChartSpec {
    var noise = Noise(state: 9)
    let history = (0..<26).map { day(2026, 2, 2) + Int32($0 * 7) }
    let historyValues = history.indices.map {
      700_000 + 6_000 * Double($0)
        + 60_000 * noise.gaussian()
    }
    let forecast = (0..<14).map { (history.last ?? 0) + Int32($0 * 7) }
    let start = historyValues.last ?? 0
    let median = forecast.indices.map { start + 5_000 * Double($0) }
    func spread(_ z: Double) -> [Double] {
      forecast.indices.map { median[$0] + z * 28_000 * Double($0).squareRoot() }
    }
    return FanChartSpec(
      title: "Weekly collections forecast with uncertainty",
      subtitle: "Actuals Feb–Jul 2026, forecast to Oct 2026 · Source: collections model v3",
      footnote: "Bands show the 5th–95th and 25th–75th percentiles of 10,000 simulated paths.",
      historyDays: history, history: historyValues, forecastDays: forecast,
      p5: spread(-1.645), p25: spread(-0.674), p50: median, p75: spread(0.674),
      p95: spread(1.645), valueAxis: YAxis(title: "Collections per week", format: .money))
  }

  static func smallMultiples() -> SmallMultiples {
    var noise = Noise(state: 13)
    let regions = ["North America", "Latin America", "UK & Ireland", "DACH", "Nordics", "APAC"]
    let months = (0..<12).map {
      day(2025 + (7 + $0) / 12, (7 + $0) % 12 + 1, 1)
    }
    let panels = regions.enumerated().map { index, region -> Chart in
      var level = 38 + 6 * Double(index)
      let values = months.map { _ -> Double in
        level += -0.4 + 1.6 * noise.gaussian()
        return level
      }
      return Chart(
        title: region, xAxis: .time(), yAxis: YAxis(format: .number),
        marks: [
          .line(LineMark(name: "DSO", points: DataPoint.daily(months, values))),
          .rule(.horizontal(y: 45, label: "Target", color: Palette.vermillion)),
        ])
    }
    return SmallMultiples(
      panels: panels, columns: 3, title: "DSO by region",
      subtitle: "Month-end, trailing 90 days, Aug 2025 – Jul 2026 · Source: AR sub-ledger",
      footnote: "All panels share the same y axis (days).")
  }

  static func hostile(strategy: XAxis.LabelStrategy = .auto) -> Chart {
    Chart(
      width: 640, height: 420, title: hostileLabel, subtitle: hostileLabel,
      footnote: hostileLabel,
      xAxis: .categories(
        ["Current", hostileLabel, "31–60 days", "61–90 days", "90+ 😀"], title: hostileLabel,
        labelStrategy: strategy),
      yAxis: YAxis(title: hostileLabel, format: .money),
      legend: Legend(.visible),
      marks: [
        .bars(
          BarMark(series: [
            BarSeries(name: hostileLabel, values: [1_200_000, 350_000, 90_000, 40_000, 12_000]),
            BarSeries(
              name: "Prior month & <b>bold</b>",
              values: [
                1_100_000, 420_000, 70_000,
                30_000, 9_000,
              ]),
          ])),
        .rule(.horizontal(y: 800_000, label: hostileLabel)),
      ])
  }
}
