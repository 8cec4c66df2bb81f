import ArcadenceCore

/// Which synthetic world `arcadence generate` writes.
public enum World: String, Sendable, CaseIterable {
  /// The sample's generator (``Generator``): per-segment payment hazards by days-past-due
  /// bucket and the cadence's contact lift, the model the simulator calibrates.
  case standard
  /// A world written from how receivables behave rather than from the simulator's model
  /// (``MarketWorld``): lognormal days-to-pay per customer, irregular billing, payment runs,
  /// instalments, arrivals and churn, reps who choose whom to call.
  case market
}

/// What a generation of any world wrote.
public struct WorldSummary: Sendable {
  /// Rows per entity.
  public var rows: [(entity: Entity, count: Int)]
  /// Wall time in seconds.
  public var seconds: Double
}

extension World {
  /// Generates this world with `options` into `directory` (created if missing).
  public func generate(_ options: GeneratorOptions, into directory: String) throws
    -> WorldSummary
  {
    switch self {
    case .standard:
      let s = try Generator.run(options, into: directory)
      return WorldSummary(rows: s.rows, seconds: s.seconds)
    case .market:
      return try MarketWorld.run(options, into: directory)
    }
  }
}
