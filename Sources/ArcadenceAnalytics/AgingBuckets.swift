import ArcadenceCore

/// How open balances are split into aging buckets: the edges (in days) and what the days
/// count from. The one home of bucket assignment, labels, JSON keys and the `--buckets` /
/// `--basis` options.
///
/// Edges `e₀ < e₁ < … < eₖ` make k + 2 buckets: age ≤ e₀, then e₍ⱼ₋₁₎ < age ≤ eⱼ, then
/// age > eₖ. The age is days past due (`basis: .due`, negative before the due date) or days
/// since the invoice date (`basis: .issued`, 0 on the day it is issued). Every age falls in
/// exactly one bucket, so the buckets of a balance always add up to it.
///
/// ``standard`` — edges 0, 30, 60, 90 by due date — is the five buckets of kpis.md
/// (`aging_start`, `aging_end`: current, 1–30, 31–60, 61–90, 90+), which the KPI engine
/// uses always; reports default to it. A last bucket reads `90+ days` and means more than
/// 90, as kpis.md writes it, so `--buckets 0,30,60,90,120` ends with `120+ days` (> 120).
public struct AgingBuckets: Sendable, Equatable, CustomStringConvertible {
  /// What the age of an invoice counts from.
  public enum Basis: String, Sendable, CaseIterable {
    /// Days past the due date (negative before it).
    case due
    /// Days since the invoice date.
    case issued
  }

  /// The edges, strictly increasing, each from 0 to ``maxEdge``.
  public let edges: [Int]
  /// What the age counts from.
  public let basis: Basis

  /// The largest edge accepted: 100 years.
  public static let maxEdge = 36_500
  /// The most edges accepted.
  public static let maxEdgeCount = 20

  /// The five buckets of kpis.md: current, 1–30, 31–60, 61–90 and 90+ days past due.
  public static let standard = AgingBuckets(checked: [0, 30, 60, 90], basis: .due)

  /// The edges used when only `--basis` is given: 0, 30, 60, 90 past due; by invoice date
  /// 30, 60, 90 (0–30, 31–60, 61–90, 90+ days old, as ledgers usually age invoices).
  public static func defaultEdges(_ basis: Basis) -> [Int] {
    basis == .due ? [0, 30, 60, 90] : [30, 60, 90]
  }

  init(checked edges: [Int], basis: Basis) {
    self.edges = edges
    self.basis = basis
  }

  /// Buckets from edges; throws a usage error naming `--buckets` when the edges are not 1 to
  /// 20 strictly increasing whole numbers from 0 to 36,500.
  public init(edges: [Int], basis: Basis = .due) throws {
    let value = edges.map(String.init).joined(separator: ",")
    try AgingBuckets.check(edges, value: value)
    self.init(checked: edges, basis: basis)
  }

  /// Parses the `--buckets` and `--basis` options (either may be absent: the defaults above).
  /// Errors are usage errors naming the option and its value.
  public static func parse(buckets: String?, basis: String?) throws -> AgingBuckets {
    var b = Basis.due
    if let basis {
      guard let parsed = Basis(rawValue: basis) else {
        throw ArcadenceError(.usage, "--basis: expected due or issued (value \"\(basis)\")")
      }
      b = parsed
    }
    guard let buckets else { return AgingBuckets(checked: defaultEdges(b), basis: b) }
    var edges: [Int] = []
    for part in buckets.split(separator: ",", omittingEmptySubsequences: false) {
      let word = part.trimmingWhitespace()
      guard !word.isEmpty, word.utf8.count <= 18, word.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
        let n = Int(word)
      else {
        throw ArcadenceError(
          .usage,
          "--buckets: expected whole numbers of days separated by commas, such as "
            + "0,30,60,90 (value \"\(buckets)\")")
      }
      edges.append(n)
    }
    try check(edges, value: buckets)
    return AgingBuckets(checked: edges, basis: b)
  }

  static func check(_ edges: [Int], value: String) throws {
    func fail(_ why: String) -> ArcadenceError {
      ArcadenceError(.usage, "--buckets: \(why) (value \"\(value)\")")
    }
    guard !edges.isEmpty, edges.count <= maxEdgeCount else {
      throw fail("expected 1 to \(maxEdgeCount) edges")
    }
    guard edges.allSatisfy({ $0 >= 0 && $0 <= maxEdge }) else {
      throw fail("each edge must be from 0 to \(maxEdge) days")
    }
    guard zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
      throw fail("edges must be strictly increasing")
    }
  }

  /// How many buckets there are: one more than the edges.
  public var count: Int { edges.count + 1 }

  /// Whether these are the five buckets of kpis.md.
  public var isStandard: Bool { self == .standard }

  /// The age of an invoice at the end of `day`: days past due or days since issue.
  @inline(__always)
  public func age(day: Int32, issued: Int32, due: Int32) -> Int32 {
    basis == .due ? day - due : day - issued
  }

  /// The bucket of an age. O(edges).
  @inline(__always)
  public func bucket(age: Int32) -> Int {
    for (j, e) in edges.enumerated() where Int64(age) <= Int64(e) { return j }
    return edges.count
  }

  /// Labels for people: `Current`, `1–30 days`, …, `90+ days` (by invoice date `0–30 days`,
  /// …). A first bucket by due date with an edge above 0 is `Current to 15 days`.
  public var labels: [String] {
    var out: [String] = []
    for (j, e) in edges.enumerated() {
      if j == 0 {
        switch basis {
        case .due: out.append(e == 0 ? "Current" : "Current to \(e) days")
        case .issued: out.append(e == 0 ? "0 days" : "0–\(e) days")
        }
      } else {
        let lo = edges[j - 1] + 1
        out.append(lo == e ? "\(e) days" : "\(lo)–\(e) days")
      }
    }
    out.append("\(edges[edges.count - 1])+ days")
    return out
  }

  /// JSON and CSV keys: `current`, `d1_30`, …, `d90_plus` (the first bucket by due date with
  /// an edge above 0 is `current_to_d15`; by invoice date `d0_30`).
  public var keys: [String] {
    var out: [String] = []
    for (j, e) in edges.enumerated() {
      if j == 0 {
        switch basis {
        case .due: out.append(e == 0 ? "current" : "current_to_d\(e)")
        case .issued: out.append("d0_\(e)")
        }
      } else {
        out.append("d\(edges[j - 1] + 1)_\(e)")
      }
    }
    out.append("d\(edges[edges.count - 1])_plus")
    return out
  }

  /// `0,30,60,90 by due date`.
  public var description: String {
    edges.map(String.init).joined(separator: ",")
      + (basis == .due ? " by due date" : " by invoice date")
  }
}
