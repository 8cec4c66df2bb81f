import ArcadenceCore
import ArcadenceSimulation
import ArcadenceStore
import Foundation
import Testing

/// Every file in `Scenarios/` runs on the committed sample (Data/sample) as a user would run
/// it: `arcadence simulate Scenarios/NAME.yaml` after `arcadence import Data/sample`.
/// Benchmark inputs that need the large benchmark store live under `Benchmarks/` instead.
@Suite struct ScenarioFilesTests {
  /// Data/sample imported once into a temporary store, shared by every scenario.
  static let sample: Result<(ledger: Ledger, links: InvoiceLinks), ArcadenceError> = {
    do {
      let path = try Hostile.temporaryDirectory("scenarios") + "/sample.sqlite"
      let store = try Store(path: path)
      _ = try Importer().run(directory: Hostile.repoRoot + "/Data/sample", into: store)
      let ledger = try store.loadLedger()
      return .success((ledger, try store.loadInvoiceLinks(for: ledger)))
    } catch let e as ArcadenceError {
      return .failure(e)
    } catch {
      return .failure(ArcadenceError(.io, "\(error)"))
    }
  }()

  /// The scenario files, by name.
  static let files: [String] = {
    let folder = Hostile.repoRoot + "/Scenarios"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted()
  }()

  @Test func theShippedScenariosAreTheUserOnes() {
    #expect(
      Self.files == [
        "agency-at-60.yaml", "aggressive-early-calls.yaml", "autopay-push.yaml", "baseline.yaml",
        "capacity-cut.yaml", "optimize-cadence.yaml", "priority-under-capacity.yaml",
        "weekly-calls.yaml",
      ])
  }

  /// 20 paths over 30 days per file: every policy gets 20 paths of cash, and the sample's
  /// open book collects something on each of them.
  @Test(arguments: files) func runsOnTheSample(_ name: String) throws {
    let (ledger, links) = try Self.sample.get()
    let scenario = try Scenario.load(path: Hostile.repoRoot + "/Scenarios/" + name)
    let run = try SimulationRun(
      scenario: scenario, ledger: ledger, links: links, paths: 20, horizon: 30, threads: 1)
    let result = run.run()
    #expect(result.settings.paths == 20)
    #expect(result.settings.horizon == 30)
    #expect(result.outcomes.map(\.name) == scenario.policies.map(\.name))
    #expect(result.openInvoices > 0 && result.openBalance > 0)
    for outcome in result.outcomes {
      #expect(outcome.totalCash.count == 20, "\(name): \(outcome.name)")
      #expect(outcome.totalCash.p5 > 0, "\(name): \(outcome.name)")
    }
    #expect(result.cash.map(\.count) == Array(repeating: 20 * 30, count: scenario.policies.count))
  }

  /// The benchmark scenario is where the benchmark scripts look for it.
  @Test func benchmarkScenarioLivesUnderBenchmarks() throws {
    let path = Hostile.repoRoot + "/Benchmarks/numpy/bench-throughput.yaml"
    let scenario = try Scenario.load(path: path)
    #expect(scenario.name == "bench-throughput")
    #expect(scenario.calibration == .file("../../.bench/calibration-throughput.yaml"))
    let script = try String(
      contentsOfFile: Hostile.repoRoot + "/Benchmarks/numpy/bench.sh", encoding: .utf8)
    #expect(!script.contains("Scenarios/bench-throughput.yaml"))
    #expect(script.contains("Benchmarks/numpy/bench-throughput.yaml"))
  }
}
