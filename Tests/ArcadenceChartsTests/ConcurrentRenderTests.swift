import Foundation
import Testing

@testable import ArcadenceCharts

/// The served app draws charts on several threads at once (pages, jobs, mail): each
/// renderer owns its Cairo surface and context, and what one thread draws does not depend
/// on what the others draw at the same time.
struct ConcurrentRenderTests {
  @Test func chartsDrawnOnEightThreadsAtOnceEqualTheOnesDrawnAlone() throws {
    let svg = try CairoRendererTests.normalisedSVG(
      try CairoRenderer().render(SampleCharts.dualAxis(), format: .svg))
    let png = try CairoRenderer().render(SampleCharts.hostile(), format: .png(scale: 1))
    let outcomes = Outcomes()
    DispatchQueue.concurrentPerform(iterations: 8) { t in
      for i in 0..<6 {
        do {
          if (t + i) % 2 == 0 {
            let bytes = try CairoRenderer().render(SampleCharts.dualAxis(), format: .svg)
            outcomes.add(try CairoRendererTests.normalisedSVG(bytes) == svg)
          } else {
            let bytes = try CairoRenderer().render(SampleCharts.hostile(), format: .png(scale: 1))
            outcomes.add(bytes == png)
          }
        } catch { outcomes.add(false) }
      }
    }
    #expect(outcomes.all == Array(repeating: true, count: 48))
  }
}

/// Results collected from several threads.
private final class Outcomes: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [Bool] = []
  func add(_ ok: Bool) { lock.withLock { items.append(ok) } }
  var all: [Bool] { lock.withLock { items } }
}
