import ArcadenceCore
import ArcadenceStore
import Foundation
import Testing

@testable import ArcadenceSimulation

/// The week-to-week noise of the weekly band (``WeeklyNoise``), worked out by hand, and its
/// effect on `forecast` and `accuracy`: the band widens, nothing else moves.
@Suite struct WeeklyNoiseTests {
  /// Eight weeks of paths 90 and 110 (mean 100, sample variance (10² + 10²) ÷ 1 = 200)
  /// against an actual of 120: Σ(a − m)² = 8 × 400 = 3,200, Σv = 8 × 200 = 1,600, Σm² =
  /// 8 × 10,000 = 80,000, τ² = (3,200 − 1,600) ÷ 80,000 = 0.02. A ninth week the paths
  /// expected 1 of (0.5 and 1.5, v = 0.5) that took 5 adds 16, 0.5 and 1: τ² = (3,216 −
  /// 1,600.5) ÷ 80,001 ≈ 0.020194 (a mean of ratios would give (8 × 0.04 + 16) ÷ 9 −
  /// (8 × 0.02 + 0.5) ÷ 9 ≈ 1.74).
  /// Paths that spread more than the residuals: 0, not negative. Seven weeks: too few (the
  /// count is kept). A mean of 0 or a single path: not a week.
  @Test func theUnexplainedVarianceOnPaper() {
    var sums = WeeklyNoise.Sums()
    for _ in 0..<7 { sums.add(values: [90, 110], actual: 120) }
    #expect(sums.estimate == WeeklyNoise(relativeVariance: 0, weeks: 7))
    sums.add(values: [90, 110], actual: 120)
    #expect(sums.residual == 3_200 && sums.spread == 1_600 && sums.level == 80_000)
    #expect(sums.estimate.weeks == 8)
    #expect(abs(sums.estimate.relativeVariance - 0.02) < 1e-12)
    sums.add(values: [0.5, 1.5], actual: 5)
    #expect(sums.estimate.weeks == 9)
    #expect(abs(sums.estimate.relativeVariance - 1_615.5 / 80_001) < 1e-12)
    var wide = WeeklyNoise.Sums()
    for _ in 0..<8 { wide.add(values: [50, 150], actual: 110) }
    #expect(wide.estimate == WeeklyNoise(relativeVariance: 0, weeks: 8))
    var none = WeeklyNoise.Sums()
    none.add(values: [0, 0], actual: 5)
    none.add(values: [100], actual: 5)
    #expect(none == WeeklyNoise.Sums())
  }

  /// Without noise every multiplier is 1; with τ² = 0.25 (τ = 0.5) the multipliers of 20,000
  /// paths have mean 1 and relative variance 0.25 (standard errors ≈ 0.004 and ≈ 0.01), are
  /// the same for the same seed and week, and differ between weeks.
  @Test func multipliersAreMeanOneWithTheMeasuredVariance() throws {
    #expect(WeeklyNoise.none.multipliers(paths: 3, week: 0, seed: 1) == [1, 1, 1])
    let n = WeeklyNoise(relativeVariance: 0.25, weeks: 26)
    #expect(n.relativeSD == 0.5)
    let k = n.multipliers(paths: 20_000, week: 2, seed: 7)
    let mean = try #require(Statistics.mean(k))
    let variance = k.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(k.count - 1)
    #expect(abs(mean - 1) < 0.02, "mean \(mean)")
    #expect(abs(variance - 0.25) < 0.05, "variance \(variance)")
    #expect(k == n.multipliers(paths: 20_000, week: 2, seed: 7))
    #expect(k != n.multipliers(paths: 20_000, week: 3, seed: 7))
    #expect(k.allSatisfy { $0 > 0 })
  }

  /// A band is never widened past what each path could collect: four paths of 10 with
  /// multiplier 2 widen to 10…20; held to 15 each, to 10…15; a ceiling below a path's own
  /// value leaves the path's value (10…10).
  @Test func aWidenedBandStopsAtWhatIsOwed() {
    let v = [10.0, 10, 10, 10]
    let k = [2.0, 2, 2, 2]
    #expect(WeeklyNoise.widened(v, multipliers: k) == 10...20)
    #expect(WeeklyNoise.widened(v, multipliers: k, ceilings: [15, 15, 15, 15]) == 10...15)
    #expect(WeeklyNoise.widened(v, multipliers: k, ceilings: [5, 5, 5, 5]) == 10...10)
  }

  /// A band with multipliers keeps the paths' median; its P5 and P95 are those of the
  /// products. Five paths 10…50 (P50 30): times 0.5 for the first and 2 for the last, the
  /// products are 5, 20, 30, 40, 100, P5 = 5 + 0.2 × 15 = 8, P95 = 40 + 0.8 × 60 = 88.
  @Test func aWidenedBandKeepsTheMedian() {
    let b = Forecast.Band([10, 20, 30, 40, 50], multipliers: [0.5, 1, 1, 1, 2])
    #expect(b.p50 == 30)
    #expect(abs(b.p5 - 8) < 1e-9)
    #expect(abs(b.p95 - 88) < 1e-9)
  }

  /// Forecasts on the same earlier cutoffs as the clock choice, reading no data after the
  /// start: from 2026-03-17 over 14 days on ``PaperLedger`` only 03-03 has history behind
  /// it (01-02 is one day after the first invoice), so at most 2 weeks are measured: too few
  /// to widen.
  @Test func tooFewEarlierWeeksWidenNothing() throws {
    let store = try PaperLedger.store(PaperLedger.files)
    let l = try store.loadLedger()
    let links = try store.loadInvoiceLinks(for: l)
    let run = try SimulationRun.forecast(
      name: "t", ledger: l, links: links, start: Day(iso: "2026-03-17")!, horizon: 14,
      paths: 4, seed: 1, threads: 1, weeklyNoise: true)
    #expect(run.weeklyNoise.weeks <= 2)
    #expect(run.weeklyNoise.relativeVariance == 0)
  }

  /// On the sample, 4 weeks from 2026-04-01 (where the paths missed some of the earlier
  /// weeks' spread): the weekly noise only widens each week's band. Every median, the
  /// horizon's bands, the per-path cash and the invoice dates are those of the forecast
  /// without it; each week's P5 is no higher and P95 no lower, and some strictly; the noise
  /// was measured on two earlier 4-week windows (8 weeks) and the JSON and table say so.
  @Test func theForecastOnlyWidensItsWeeks() throws {
    let (ledger, links) = try SampleData.get()
    var settings = Forecast.Settings(
      start: Day(iso: "2026-04-01")!, weeks: 4, paths: 60, seed: 3, threads: 2)
    let wide = try Forecast.run(ledger: ledger, links: links, settings: settings)
    settings.weeklyNoise = false
    let plain = try Forecast.run(ledger: ledger, links: links, settings: settings)
    let noise = try #require(wide.weeklyNoise)
    #expect(noise.weeks == 8)
    #expect(noise.relativeVariance > 0)
    #expect(plain.weeklyNoise == nil)
    #expect(wide.pathTotal == plain.pathTotal)
    #expect(wide.invoices == plain.invoices)
    #expect(wide.series[0].horizon == plain.series[0].horizon)
    var wider = 0
    for (a, b) in zip(wide.series[0].weeks, plain.series[0].weeks) {
      let pairs = [
        (a.total, b.total), (a.openBook, b.openBook), (a.futureBilling, b.futureBilling),
      ]
      for (x, y) in pairs {
        #expect(x.p50 == y.p50)
        if x.p5 != y.p5 || x.p95 != y.p95 { wider += 1 }
      }
    }
    #expect(wider > 0)
    let json = wide.json.rendered()
    #expect(json.contains("\"weeks_measured\": 8"))
    #expect(plain.json.rendered().contains("\"weekly_noise\": null"))
    #expect(wide.table.contains("Weekly band: "))
    // The sentence, by hand: τ² = 0.0144 → ±12.0 %; none unexplained; too few weeks.
    #expect(
      wide.noiseLine(WeeklyNoise(relativeVariance: 0.0144, weeks: 26))
        == "Weekly band: the paths' spread plus ±12.0% (1 s.d.) week-to-week noise the paths "
        + "missed on 26 earlier weeks.")
    #expect(
      wide.noiseLine(WeeklyNoise(relativeVariance: 0, weeks: 26))
        == "Weekly band: the paths' own (on 26 earlier weeks they carried all the week-to-week "
        + "spread).")
    #expect(
      wide.noiseLine(WeeklyNoise(relativeVariance: 0, weeks: 5))
        == "Weekly band: the paths' own (too few earlier weeks to measure more: 5).")
  }

  /// `accuracy` with and without the noise at the sample's 2026-04-01 cutoff over 28 days:
  /// the same total, band of the total, weekly means and invoice hits; only the weeks' band
  /// may change, and only wider (a week covered without the noise is covered with it).
  @Test func accuracyOnlyWidensItsWeeks() throws {
    let (ledger, links) = try SampleData.get()
    let cutoff = Day(iso: "2026-04-01")!
    var settings = Accuracy.Settings(cutoffs: 1, horizons: [28], paths: 40, seed: 1, threads: 2)
    let wide = try Accuracy.evaluate(
      ledger: ledger, links: links, cutoff: cutoff, settings: settings)
    settings.weeklyNoise = false
    let plain = try Accuracy.evaluate(
      ledger: ledger, links: links, cutoff: cutoff, settings: settings)
    #expect(wide.count == plain.count)
    var widened = 0
    for (a, b) in zip(wide, plain) {
      #expect(a.forecast == b.forecast)
      #expect(a.band == b.band)
      #expect(a.within7 == b.within7)
      #expect(a.weeks.map(\.forecast) == b.weeks.map(\.forecast))
      for (x, y) in zip(a.weeks, b.weeks) {
        #expect((x.band == nil) == (y.band == nil))
        if let xb = x.band, let yb = y.band, xb != yb { widened += 1 }
        if y.covered == true { #expect(x.covered == true) }
      }
    }
    // The model's weeks widened (τ > 0 at this cutoff with seed 1), the baselines' have no band.
    #expect(widened > 0)
    let model = try #require(wide.first { $0.method == .model })
    let noise = try #require(model.weeklyNoise)
    #expect(noise.weeks == 8)
    #expect(noise.relativeVariance > 0)
    #expect(try #require(plain.first { $0.method == .model }).weeklyNoise == nil)
  }
}
