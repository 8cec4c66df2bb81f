import Foundation

/// The one lock around every call into Cairo, process-wide.
///
/// Cairo keeps process-wide state behind every drawing context: the toy font faces, the
/// scaled fonts and their glyph caches, the font subsets an SVG or PDF surface emits. The
/// Cairo this package links on Debian 12 (1.16) is not safe to drive from several threads at
/// once there: the served app draws charts on request threads, in simulation jobs and in
/// report mail at the same time, and its test suite aborted now and then with glibc heap
/// corruption (`tcache_thread_shutdown(): unaligned tcache chunk detected`, `malloc():
/// unsorted double linked list corrupted`). A core dump of one abort showed the corrupted
/// free chunk (its link zeroed after it was freed) among Cairo's SVG glyph output in the heap
/// of a thread that had drawn charts. So ``CairoContext`` and ``CairoSurface`` — the only
/// code that calls Cairo — take this lock around each call, their `deinit`s included: no two
/// Cairo calls ever run at once. It is recursive (drawing text measures it first) and
/// uncontended in the CLI, where charts are drawn one after another; the Swift side of a
/// chart (layout, scales, labels) still runs in parallel.
enum CairoLock {
  private static let lock = NSRecursiveLock()

  /// Runs `body` holding the lock.
  static func run<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body()
  }
}
