import ArcadenceCore
import ArcadenceGenerator
import ArgumentParser

struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write a realistic synthetic dataset (CSV files plus generator.yaml).",
    discussion: """
      The same options and seed always give the same bytes. The ground-truth model the data
      is drawn from is written to generator.yaml beside the CSV files. Import the folder with
      `arcadence import DIR`.
      """)

  @Option(help: "The folder to write into.") var out: String
  @Option(help: "Number of customers.") var customers = 1500
  @Option(help: "Length of the data in months.") var months = 18
  @Option(help: "Random seed.") var seed: UInt64 = 7
  @Option(help: "Number of reps.") var reps = 12
  @Option(help: "Number of teams.") var teams = 2
  @Option(help: "First day of the data (YYYY-MM-DD).") var start = "2025-05-01"
  @Flag(
    help: ArgumentHelp(
      "Reps choose whom to call: the most likely payers first when the day's workload is high.",
      discussion: "Customers get a hidden payment propensity; tasks are done on time by the "
        + "rep's daily capacity and that ranking; calls reach 75 % (× the rep's skill) and "
        + "15 % of reached contacts promise. The test bed of the contact-lift estimator."))
  var selection = false
  @Option(help: "The true reached-contact lift (default 2.0).") var reachedLift: Double?
  @Option(
    help: """
      standard (the sample's model) or market (a world not written from the simulator's \
      model: lognormal days-to-pay, payment runs, irregular billing, churn).
      """)
  var world = "standard"

  /// The day of `--start`.
  func startDay() throws -> Day {
    guard let day = Day(iso: start) else {
      throw ArcadenceError(.usage, "--start: not a valid date (YYYY-MM-DD): \(start)")
    }
    return day
  }

  func validate() throws {
    try guarded {
      _ = try startDay()
      guard World(rawValue: world) != nil else {
        throw ArcadenceError(
          .usage,
          "--world: expected "
            + World.allCases.map(\.rawValue).joined(separator: " or ")
            + " (value \"\(world)\")")
      }
      if world != World.standard.rawValue, selection || reachedLift != nil {
        throw ArcadenceError(
          .usage,
          "--selection and --reached-lift shape the standard world only (value \"\(world)\")")
      }
    }
  }

  func run() throws {
    try guarded {
      let startDay = try startDay()
      let options = GeneratorOptions(
        customers: customers, months: months, seed: seed, reps: reps, teams: teams,
        start: startDay, selection: selection ? SelectionWorld() : nil, reachedLift: reachedLift)
      guard let kind = World(rawValue: world) else {
        throw ArcadenceError(
          .usage,
          "--world: expected "
            + World.allCases.map(\.rawValue).joined(separator: " or ")
            + " (value \"\(world)\")")
      }
      let summary = try kind.generate(options, into: out)
      Terminal.print(
        "generated "
          + summary.rows.map { "\(Cents.grouped(UInt64($0.count))) \($0.entity.rawValue)" }
          .joined(separator: ", ")
          + " (\(options.start)..\(options.end)) in \(out) in "
          + String(format: "%.2f s", summary.seconds))
    }
  }
}
