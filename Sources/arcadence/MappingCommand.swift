import ArcadenceCore
import ArcadenceMapping
import ArgumentParser
import Foundation

struct MappingCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "mapping",
    abstract: "Write mappings for exports from other systems.",
    subcommands: [MappingInit.self])
}

struct MappingInit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Guess a mapping from an export's header and values; writes a commented YAML.",
    discussion: """
      Recognises invoice and aging exports (invoice number, dates, amount, customer, settled
      date, e-billing date) and case reports (case number, opened and closed date/times,
      owner, reason). Confirm every line, then `arcadence import FOLDER --mapping FILE`.
      """)

  @Argument(help: "The export (CSV).") var file: String
  @Option(help: "Write the mapping here (default: standard output).") var out: String?

  func run() throws {
    try guarded {
      let yaml = try MappingGuesser.guess(path: file)
      if let out {
        try writeText(yaml, to: out)
        Terminal.print("wrote \(out): check it, then `arcadence import FOLDER --mapping \(out)`")
      } else {
        Terminal.print(yaml, terminator: "")
      }
    }
  }
}
