import ArcadenceCharts
import ArcadenceCore
import ArcadenceGenerator
import ArcadenceReports
import ArcadenceTestSupport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 13 item 3: every file the product writes goes through `OutputFile`, which renames
/// only over a regular file (or nothing) and never replaces a FIFO, a device, a directory or
/// a symbolic link itself. A symbolic link to a regular file is written through: its target
/// is replaced atomically and the link stays.
@Suite struct OutputFileTests {
  /// The kind of file at `path` without following a link (`S_IFREG`, `S_IFIFO`, …).
  static func kind(_ path: String) -> mode_t? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return st.st_mode & S_IFMT
  }

  static func read(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
  }

  /// A store holding the hand fixture, imported through the CLI; returns its path.
  static func fixtureStore() throws -> String { try Hostile.handFixtureStore() }

  /// The files in `dir`, sorted (to see that no temporary file is left behind).
  static func listing(_ dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
  }

  // MARK: The one function

  @Test func writesANewFileAndLeavesNoTemporaryFile() throws {
    let dir = try Hostile.temporaryDirectory("out")
    try OutputFile.write(Array("one\n".utf8), to: dir + "/a.txt")
    try OutputFile.write("two\n", to: dir + "/a.txt")
    #expect(Self.read(dir + "/a.txt") == "two\n")
    #expect(try Self.listing(dir) == ["a.txt"])
  }

  @Test func keepsTheModeOfAFileItReplaces() throws {
    let dir = try Hostile.temporaryDirectory("out")
    let path = dir + "/a.txt"
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    #expect(chmod(path, 0o640) == 0)
    try OutputFile.write("new", to: path)
    var st = stat()
    #expect(stat(path, &st) == 0)
    #expect(st.st_mode & 0o777 == 0o640)
    #expect(Self.read(path) == "new")
  }

  @Test func refusesAFIFO() throws {
    let dir = try Hostile.temporaryDirectory("out")
    let path = dir + "/pipe"
    #expect(mkfifo(path, 0o644) == 0)
    #expect(throws: ArcadenceError(.io, "cannot write \(path): not a regular file (a FIFO)")) {
      try OutputFile.write("x", to: path)
    }
    #expect(Self.kind(path) == S_IFIFO)
    #expect(try Self.listing(dir) == ["pipe"])
  }

  @Test func refusesACharacterDevice() throws {
    // First a copy of /dev/null in a temporary folder (root may mknod): only when that one is
    // refused is the machine's /dev/null tried, so a regression cannot replace it.
    let dir = try Hostile.temporaryDirectory("out")
    let copy = dir + "/null"
    if mknod(copy, S_IFCHR | 0o666, dev_t(0x103)) == 0 {
      #expect(
        throws: ArcadenceError(.io, "cannot write \(copy): not a regular file (a character device)")
      ) {
        try OutputFile.write("x", to: copy)
      }
      guard Self.kind(copy) == S_IFCHR else {
        Issue.record("the copy of /dev/null was replaced")
        return
      }
    }
    #expect(
      throws: ArcadenceError(
        .io, "cannot write /dev/null: not a regular file (a character device)")
    ) {
      try OutputFile.write("x", to: "/dev/null")
    }
    #expect(Self.kind("/dev/null") == S_IFCHR)
  }

  @Test func refusesADirectory() throws {
    let dir = try Hostile.temporaryDirectory("out")
    let path = dir + "/sub"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    #expect(throws: ArcadenceError(.io, "cannot write \(path): not a regular file (a directory)")) {
      try OutputFile.write("x", to: path)
    }
    #expect(Self.kind(path) == S_IFDIR)
  }

  @Test func writesThroughASymbolicLinkToARegularFile() throws {
    let dir = try Hostile.temporaryDirectory("out")
    try "old".write(toFile: dir + "/target.txt", atomically: false, encoding: .utf8)
    #expect(symlink("target.txt", dir + "/link.txt") == 0)
    try OutputFile.write("new", to: dir + "/link.txt")
    #expect(Self.kind(dir + "/link.txt") == S_IFLNK)
    #expect(Self.read(dir + "/target.txt") == "new")
    #expect(try Self.listing(dir) == ["link.txt", "target.txt"])
  }

  @Test func refusesASymbolicLinkToADirectoryOrToNothing() throws {
    let dir = try Hostile.temporaryDirectory("out")
    try FileManager.default.createDirectory(
      atPath: dir + "/sub", withIntermediateDirectories: false)
    #expect(symlink("sub", dir + "/to-dir") == 0)
    #expect(symlink("missing", dir + "/dangling") == 0)
    #expect(
      throws: ArcadenceError(
        .io, "cannot write \(dir)/to-dir: not a regular file (a symbolic link to a directory)")
    ) {
      try OutputFile.write("x", to: dir + "/to-dir")
    }
    #expect(
      throws: ArcadenceError(
        .io, "cannot write \(dir)/dangling: not a regular file (a symbolic link to nothing)")
    ) {
      try OutputFile.write("x", to: dir + "/dangling")
    }
    #expect(Self.kind(dir + "/to-dir") == S_IFLNK)
    #expect(Self.kind(dir + "/dangling") == S_IFLNK)
    #expect(try Self.listing(dir) == ["dangling", "sub", "to-dir"])
    #expect(try Self.listing(dir + "/sub") == [])
  }

  @Test func keepsTheSystemsReason() throws {
    let path = "/nonexistent-\(UUID().uuidString)/a.txt"
    #expect(throws: ArcadenceError(.io, "cannot write \(path): No such file or directory")) {
      try OutputFile.write("x", to: path)
    }
  }

  @Test func refusesAFileWhereAFolderMustBe() throws {
    let dir = try Hostile.temporaryDirectory("out")
    try "x".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
    #expect(
      throws: ArcadenceError(
        .io, "cannot create the folder \(dir)/file: not a directory (a regular file)")
    ) {
      try OutputFile.createDirectory(dir + "/file")
    }
    #expect(Self.read(dir + "/file") == "x")
  }

  // MARK: Streaming writers

  @Test func anAbandonedCSVWriterLeavesNothing() throws {
    let dir = try Hostile.temporaryDirectory("out")
    do {
      let w = try CSVWriter(path: dir + "/a.csv")
      try w.write(["a", "b"])
      try w.flush()
    }
    #expect(try Self.listing(dir) == [])
  }

  @Test func theCSVWriterRefusesAFIFO() throws {
    let dir = try Hostile.temporaryDirectory("out")
    #expect(mkfifo(dir + "/a.csv", 0o644) == 0)
    #expect(
      throws: ArcadenceError(.io, "cannot write \(dir)/a.csv: not a regular file (a FIFO)")
    ) {
      _ = try CSVWriter(path: dir + "/a.csv")
    }
    #expect(Self.kind(dir + "/a.csv") == S_IFIFO)
  }

  @Test func generateRefusesAFIFOInPlaceOfACSVFile() throws {
    let dir = try Hostile.temporaryDirectory("gen")
    #expect(mkfifo(dir + "/invoices.csv", 0o644) == 0)
    let r = try Hostile.run(["generate", "--out", dir, "--customers", "3", "--months", "1"])
    #expect(r.status == 1)
    #expect(r.err == "error: cannot write \(dir)/invoices.csv: not a regular file (a FIFO)\n")
    #expect(Self.kind(dir + "/invoices.csv") == S_IFIFO)
  }

  // MARK: Every writer of the CLI

  @Test func calibrateOutRefusesADeviceAndAFIFO() throws {
    let db = try Self.fixtureStore()
    let dir = try Hostile.temporaryDirectory("out")
    // A character device of our own, like /dev/null (major 1, minor 3; root may mknod), so a
    // regression replaces a copy in a temporary folder, never the machine's /dev/null.
    let device = dir + "/null"
    let haveDevice = mknod(device, S_IFCHR | 0o666, dev_t(0x103)) == 0
    #expect(mkfifo(dir + "/pipe", 0o644) == 0)
    for path in (haveDevice ? [device] : []) + [dir + "/pipe"] {
      let r = try Hostile.run(["calibrate", "--db", db, "--out", path])
      let what = path.hasSuffix("pipe") ? "a FIFO" : "a character device"
      #expect(r.status == 1)
      // Calibration warnings about the tiny fixture's thin hazards may come first.
      #expect(
        r.err.split(separator: "\n").last
          == "error: cannot write \(path): not a regular file (\(what))")
    }
    if haveDevice { #expect(Self.kind(device) == S_IFCHR) }
    #expect(Self.kind(dir + "/pipe") == S_IFIFO)
  }

  @Test func reviewOutWritesThroughALinkAndRefusesADirectory() throws {
    let db = try Self.fixtureStore()
    let dir = try Hostile.temporaryDirectory("out")
    try "old".write(toFile: dir + "/target.md", atomically: false, encoding: .utf8)
    #expect(symlink("target.md", dir + "/link.md") == 0)
    let r = try Hostile.run(["review", "--db", db, "--week", "2026-W12", "--out", dir + "/link.md"])
    #expect(r.status == 0, "\(r.err)")
    #expect(Self.kind(dir + "/link.md") == S_IFLNK)
    #expect(
      Self.read(dir + "/target.md")?.hasPrefix("# Weekly root-cause review — 2026-W12\n") == true)
    let d = try Hostile.run(["review", "--db", db, "--week", "2026-W12", "--out", dir])
    #expect(d.status == 1)
    #expect(d.err == "error: cannot write \(dir): not a regular file (a directory)\n")
  }

  @Test func chartsDataOutAndDashboardOutRefuseSpecialFiles() throws {
    let db = try Self.fixtureStore()
    let dir = try Hostile.temporaryDirectory("out")
    #expect(mkfifo(dir + "/data.json", 0o644) == 0)
    let c = try Hostile.run([
      "charts", "--db", db, "--month", "2026-03", "--data-out", dir + "/data.json",
    ])
    #expect(c.status == 1)
    #expect(c.err == "error: cannot write \(dir)/data.json: not a regular file (a FIFO)\n")
    #expect(Self.kind(dir + "/data.json") == S_IFIFO)

    try "x".write(toFile: dir + "/site", atomically: false, encoding: .utf8)
    let d = try Hostile.run(["dashboard", "--db", db, "--month", "2026-03", "--out", dir + "/site"])
    #expect(d.status == 1)
    #expect(
      d.err == "error: cannot create the folder \(dir)/site: not a directory (a regular file)\n")
    #expect(Self.read(dir + "/site") == "x")

    // A FIFO where the dashboard writes its index page.
    try FileManager.default.createDirectory(
      atPath: dir + "/site2", withIntermediateDirectories: false)
    #expect(mkfifo(dir + "/site2/index.html", 0o644) == 0)
    let i = try Hostile.run([
      "dashboard", "--db", db, "--month", "2026-03", "--out", dir + "/site2",
    ])
    #expect(i.status == 1)
    #expect(i.err == "error: cannot write \(dir)/site2/index.html: not a regular file (a FIFO)\n")
    #expect(Self.kind(dir + "/site2/index.html") == S_IFIFO)
  }

  @Test func chartFilesRefuseAFIFO() throws {
    let db = try Self.fixtureStore()
    let dir = try Hostile.temporaryDirectory("out")
    #expect(mkfifo(dir + "/autopay.svg", 0o644) == 0)
    let r = try Hostile.run([
      "charts", "--db", db, "--month", "2026-03", "--format", "svg", "--out", dir,
    ])
    #expect(r.status == 1)
    #expect(r.err == "error: cannot write \(dir)/autopay.svg: not a regular file (a FIFO)\n")
    #expect(Self.kind(dir + "/autopay.svg") == S_IFIFO)
  }

  /// Issue 14: a write error names the file and gives the system's reason.
  @Test func aWriteErrorThroughTheCLIGivesTheSystemsReason() throws {
    let db = try Self.fixtureStore()
    let dir = try Hostile.temporaryDirectory("out")
    let r = try Hostile.run([
      "charts", "--db", db, "--month", "2026-03", "--data-out", dir + "/missing/data.json",
    ])
    #expect(r.status == 1)
    #expect(r.err == "error: cannot write \(dir)/missing/data.json: No such file or directory\n")
    let name = String(repeating: "n", count: 300)
    let e = try Hostile.run(["export", "--db", db, dir + "/" + name])
    #expect(e.status == 1)
    #expect(e.err == "error: cannot create the folder \(dir)/\(name): File name too long\n")
  }

  /// Issue 14: a chart the chart kit cannot draw reaches the CLI as one line naming the file
  /// and the kit's reason, exit status 1 (not ArgumentParser's generic handler), and nothing
  /// is written.
  @Test func aChartErrorReachingTheCLIIsOneClearLine() throws {
    let dir = try Hostile.temporaryDirectory("out")
    let wide = Chart(
      width: 40_000, height: 500, title: "Too wide", xAxis: .categories(["a"]),
      marks: [.bars(BarMark(name: "n", values: [1], color: Palette.blue))])
    try ChartSet(entries: [ChartSet.Entry(name: "wide", caption: "", chart: .chart(wide))])
      .writeData(to: dir + "/wide.json")
    let r = try Hostile.run([
      "charts", "--from-data", dir + "/wide.json", "--out", dir + "/png", "--format", "png",
    ])
    #expect(r.status == 1)
    #expect(r.err == "error: cannot draw wide.png: Image size 80000×1000 px is out of range\n")
    #expect(r.out.isEmpty)
    #expect(try Self.listing(dir + "/png").isEmpty)
  }
}
