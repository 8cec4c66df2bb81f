import ArcadenceTestSupport
import Foundation
import Testing

/// Helpers shared by the hardening suite.
///
/// `ArcadenceHardeningTests` guards the promises the README makes about hostile input and
/// faults: an import is all-or-nothing even on a full disk, odd bytes are rejected with a
/// message, special files are never replaced, the ledger cache is never stale, no input traps
/// the process (exit 132/134), and untrusted text stays text in every output. Every case an
/// adversarial pass reproduced lives here, one file per kind of fault, so the next person
/// adds to it.
enum Hostile {
  /// The package root (this file is Tests/ArcadenceHardeningTests/Hostile.swift).
  static let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }()

  /// The built `arcadence` executable, next to the test bundle in the build products folder.
  static var executable: URL {
    var dir = Bundle.main.bundleURL
    while dir.pathComponents.count > 1 {
      let candidate = dir.appendingPathComponent("arcadence")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: repoRoot + "/.build/debug/arcadence")
  }

  /// A launcher for ``run(_:environment:input:through:)`` that runs the CLI as user and group
  /// 65534 (nobody), for whom file modes hold (the tests run as root, who may write anything).
  static let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

  /// Runs the CLI as a person would; returns its exit status and both streams. With
  /// `through` (a launcher and its arguments, such as `setpriv --reuid=…`), the launcher runs
  /// the CLI.
  static func run(
    _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil,
    through launcher: [String] = []
  ) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    if let first = launcher.first {
      p.executableURL = URL(fileURLWithPath: first)
      p.arguments = launcher.dropFirst() + [executable.path] + arguments
    } else {
      p.executableURL = executable
      p.arguments = arguments
    }
    if let environment { p.environment = environment }
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    if let input {
      let inPipe = Pipe()
      p.standardInput = inPipe
      try p.run()
      inPipe.fileHandleForWriting.write(input)
      try inPipe.fileHandleForWriting.close()
    } else {
      p.standardInput = FileHandle.nullDevice
      try p.run()
    }
    // Read both pipes concurrently so a large stderr cannot block the child.
    nonisolated(unsafe) var e = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      e = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return (
      p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self)
    )
  }

  /// A fresh temporary directory, removed by the caller (or left for the OS).
  static func temporaryDirectory(_ label: String = "hostile") throws -> String {
    let path = NSTemporaryDirectory() + "arcadence-\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// The hand fixture (HandFixture.files: data from 2025-10-01 to 2026-04-05) imported
  /// through the CLI into a new store; returns the store's path.
  static func handFixtureStore() throws -> String {
    let data = try dataset(HandFixture.files)
    let db = try temporaryDirectory("db") + "/store.sqlite"
    let r = try run(["import", data, "--db", db])
    #expect(r.status == 0, "\(r.err)")
    return db
  }

  /// Writes `files` (name → contents) into a new temporary directory and returns its path.
  static func dataset(_ files: [String: String]) throws -> String {
    let dir = try temporaryDirectory("data")
    for (name, text) in files {
      try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
    }
    return dir
  }
}
