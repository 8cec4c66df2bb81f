import Dispatch
import Foundation

/// Work split into parts that run at the same time, one thread each, with the parts'
/// results handed back in part order.
///
/// For sums over rows (the KPI totals, the aging buckets): each part adds up one range of
/// rows, and adding the parts' results in order gives exactly the one-thread result (integer
/// sums; lists appended in row order).
public enum Parallel {
  /// How many parts to split row scans into: the active processors, at most `limit`.
  public static func parts(limit: Int = 4) -> Int {
    max(1, min(limit, ProcessInfo.processInfo.activeProcessorCount))
  }

  /// The rows of part `part` of `count` parts of `0..<rows`: consecutive, about equal ranges
  /// that cover every row once.
  public static func range(_ part: Int, of count: Int, rows: Int) -> Range<Int> {
    let start = rows / count * part + min(part, rows % count)
    let end = rows / count * (part + 1) + min(part + 1, rows % count)
    return start..<end
  }

  /// `body(part)` for every part in `0..<count`, each on its own thread (the calling one
  /// included); the results in part order.
  public static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 1 else { return count == 1 ? [body(0)] : [] }
    let results = Results<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { results.set($0, body($0)) }
    return results.values
  }
}

/// One slot per part, written once each under a lock.
private final class Results<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [T?]

  init(count: Int) { slots = [T?](repeating: nil, count: count) }

  func set(_ part: Int, _ value: T) {
    lock.lock()
    slots[part] = value
    lock.unlock()
  }

  /// Every slot's value (all set: `concurrentPerform` returns when every part has run).
  var values: [T] {
    lock.lock()
    defer { lock.unlock() }
    return slots.compactMap { $0 }
  }
}
