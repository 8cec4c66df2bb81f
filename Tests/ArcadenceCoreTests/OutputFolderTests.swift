import Foundation
import Testing

@testable import ArcadenceCore

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 14 item 4: one folder type for every writer, one file-name rule, and errors that
/// keep the system's reason as their cause.
@Suite struct OutputFolderTests {
  static func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "arcadence-folder-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  // MARK: The name rule

  @Test func namesOfSafeIdsWithPrefixAndExtensionAreFileNames() {
    #expect(FileName.isFileName("index.html"))
    #expect(FileName.isFileName("scorecard-R01.png"))
    #expect(FileName.isFileName("review-2026-W39.html"))
    #expect(FileName.isFileName("x"))
    // The longest safe id (60) or hashed name (40 + 1 + 8 = 49) behind a prefix still fits.
    let longest = "scorecard-" + String(repeating: "a", count: FileName.maxLength) + ".html"
    #expect(longest.utf8.count == 75)
    #expect(FileName.isFileName(longest))
    #expect(FileName.isFileName("scorecard-" + FileName.safe("R/../x") + ".svg"))
  }

  @Test func namesThatCouldLeaveTheFolderOrHideAreRefused() {
    #expect(!FileName.isFileName(""))
    #expect(!FileName.isFileName("."))
    #expect(!FileName.isFileName(".."))
    #expect(!FileName.isFileName(".hidden"))
    #expect(!FileName.isFileName("a/b.png"))
    #expect(!FileName.isFileName("../x.png"))
    #expect(!FileName.isFileName("/etc/passwd"))
    #expect(!FileName.isFileName("a b.png"))  // space
    #expect(!FileName.isFileName("Zürich.png"))  // not ASCII
    #expect(!FileName.isFileName("a\u{0}b"))
    #expect(!FileName.isFileName("a\\b"))
    // 200 bytes is the limit, 201 is over.
    #expect(FileName.isFileName(String(repeating: "a", count: 200)))
    #expect(!FileName.isFileName(String(repeating: "a", count: 201)))
    // A dot after the first byte is fine (an extension, or two).
    #expect(FileName.isFileName("a..b"))
    #expect(FileName.isFileName("chart.data.json"))
  }

  // MARK: The folder

  @Test func writesIntoTheFolderItCreatesAndReturnsThePaths() throws {
    let root = try Self.temporaryFolder()
    let folder = try OutputFolder(root + "/site/")
    let sub = try folder.folder("charts")
    #expect(sub.path == root + "/site/charts")
    let page = try folder.write("<p>hi</p>", as: "index.html")
    let chart = try sub.write([1, 2, 3], as: "a.svg")
    #expect(page == root + "/site/index.html")
    #expect(chart == root + "/site/charts/a.svg")
    #expect(FileManager.default.contents(atPath: page) == Data("<p>hi</p>".utf8))
    #expect(FileManager.default.contents(atPath: chart) == Data([1, 2, 3]))
  }

  @Test func anUnsafeNameIsAnErrorNamingItAndTheFolder() throws {
    let root = try Self.temporaryFolder()
    let folder = try OutputFolder(root)
    #expect(throws: ArcadenceError.self) { try folder.write("x", as: "../escape.txt") }
    do {
      try folder.write("x", as: "../escape.txt")
    } catch let error as ArcadenceError {
      #expect(error.code == .invalidData)
      #expect(
        error.message.hasPrefix("cannot write ../escape.txt into \(root): not a safe file name"))
    }
    #expect(!FileManager.default.fileExists(atPath: root + "/../escape.txt"))
  }

  // MARK: Errors keep their cause

  @Test func aWriteErrorEndsWithTheSystemsReasonAndKeepsErrno() throws {
    let root = try Self.temporaryFolder()
    let path = root + "/missing-folder/out.csv"
    do {
      try OutputFile.write("x", to: path)
      Issue.record("wrote into a missing folder")
    } catch let error as ArcadenceError {
      #expect(error.message == "cannot write \(path): No such file or directory")
      #expect((error.cause as? SystemError)?.code == ENOENT)
      #expect(error.exitStatus == 1)
    }
    // A name longer than the file system's 255 bytes: the system says so.
    let long = root + "/" + String(repeating: "n", count: 300)
    do {
      try OutputFile.write("x", to: long)
      Issue.record("wrote a 300-byte name")
    } catch let error as ArcadenceError {
      #expect(error.message == "cannot write \(long): File name too long")
      #expect((error.cause as? SystemError)?.code == ENAMETOOLONG)
    }
  }

  @Test func aCauseIsAppendedToTheMessageOnce() {
    let inner = ArcadenceError(.io, "cannot write a.txt", cause: SystemError(code: ENOSPC))
    #expect(inner.message == "cannot write a.txt: No space left on device")
    #expect(inner.description == inner.message)
    let outer = ArcadenceError(.io, "cannot save the site", cause: inner)
    #expect(outer.message == "cannot save the site: cannot write a.txt: No space left on device")
    #expect(ArcadenceError(.usage, "--x: bad").cause == nil)
  }

  struct OtherError: Error, CustomStringConvertible {
    var description: String { "the renderer ran out of ink" }
  }

  @Test func anyOtherErrorIsReportedInItsOwnWordsWithExitStatusOne() {
    let reported = ArcadenceError.reported(OtherError())
    #expect(reported.message == "the renderer ran out of ink")
    #expect(reported.code == .failure)
    #expect(reported.exitStatus == 1)
    #expect(reported.cause is OtherError)
    // An ArcadenceError is reported as it is (a usage error keeps exit status 2).
    let usage = ArcadenceError(.usage, "--weeks: expected 1 to 104 (value 0)")
    #expect(ArcadenceError.reported(usage) == usage)
    #expect(ArcadenceError.reported(usage).exitStatus == 2)
  }

  // MARK: Reading

  @Test func aReadErrorEndsWithTheSystemsReason() throws {
    let root = try Self.temporaryFolder()
    do {
      _ = try InputFile.text(at: root + "/none.yaml", describing: "the scenario file none.yaml")
      Issue.record("read a missing file")
    } catch let error as ArcadenceError {
      #expect(error.message == "cannot read the scenario file none.yaml: No such file or directory")
      #expect((error.cause as? SystemError)?.code == ENOENT)
    }
    do {
      _ = try InputFile.bytes(at: root, describing: "the folder")
      Issue.record("read a folder as a file")
    } catch let error as ArcadenceError {
      #expect(error.message == "cannot read the folder: Is a directory")
    }
    // A byte-order mark is dropped; other bytes come back as they are.
    try Data([0xEF, 0xBB, 0xBF, 0x61, 0x0A]).write(to: URL(fileURLWithPath: root + "/bom.yaml"))
    #expect(try InputFile.text(at: root + "/bom.yaml", describing: "x") == "a\n")
    #expect(try InputFile.bytes(at: root + "/bom.yaml", describing: "x").count == 5)
    try Data([0x61, 0xFF]).write(to: URL(fileURLWithPath: root + "/bad.yaml"))
    #expect(throws: ArcadenceError(.io, "cannot read bad: not UTF-8 text")) {
      try InputFile.text(at: root + "/bad.yaml", describing: "bad")
    }
  }
}
