import ArcadenceCore
import ArcadenceStore

/// Whose numbers: everyone, one rep, or one team (kpis.md, "Scope").
public enum Scope: Sendable, Equatable, CustomStringConvertible {
  case everyone
  case rep(String)
  case team(String)

  /// Builds a scope from the `--rep` / `--team` options; both at once is a usage error.
  public static func from(rep: String?, team: String?) throws -> Scope {
    switch (rep, team) {
    case (nil, nil): return .everyone
    case (let r?, nil): return .rep(r)
    case (nil, let t?): return .team(t)
    default: throw ArcadenceError(.usage, "give --rep or --team, not both")
    }
  }

  /// The indices of the reps in scope. `--team` includes the team's inactive reps; a rep
  /// with no team is only in `everyone` and its own `rep` scope. An unknown rep or team is a
  /// usage error (exit status 2).
  public func reps(in ledger: Ledger) throws -> [Int] {
    switch self {
    case .everyone:
      return Array(ledger.repIds.indices)
    case .rep(let id):
      guard let i = ledger.rep(id) else {
        throw ArcadenceError(
          .usage,
          "unknown rep \"\(id)\" (reps: \(ledger.repIds.prefix(20).joined(separator: ", ")))")
      }
      return [i]
    case .team(let name):
      let members = ledger.repTeams.indices.filter { ledger.repTeams[$0] == name }
      guard !members.isEmpty else {
        throw ArcadenceError(
          .usage, "unknown team \"\(name)\" (teams: \(ledger.teams.joined(separator: ", ")))")
      }
      return members
    }
  }

  /// `everyone`, `rep R01`, `team East`.
  public var description: String {
    switch self {
    case .everyone: "everyone"
    case .rep(let r): "rep \(r)"
    case .team(let t): "team \(t)"
    }
  }

  /// The scope object of the JSON contract: `{"rep": …, "team": …}`.
  public var json: JSONValue {
    switch self {
    case .everyone: .object([("rep", .null), ("team", .null)])
    case .rep(let r): .object([("rep", .string(r)), ("team", .null)])
    case .team(let t): .object([("rep", .null), ("team", .string(t))])
    }
  }
}
