import ArcadenceCore
import Foundation

/// The file a new store is built in before it is moved to its path
/// (``Store/withStore(creatingAt:_:)``): `PATH.importing-PID-RANDOM` in the store's folder.
///
/// The builder holds an advisory lock (`flock`, which does not touch SQLite's own `fcntl`
/// locks) on the file from before it has that name until it is published or removed (it is
/// created and locked under a name ending in `.new`, which nobody else touches, then renamed),
/// so an abandoned build (the process killed) is told from a live one by trying that lock, not
/// by a process id, which another process or another namespace may hold. Abandoned builds of
/// the same store are removed by the next import of it. Not covered: a folder on a network
/// file system where `flock` is emulated with `fcntl` locks (SQLite's unlocking would free a
/// live build's lock); and a file system without hard links, where the finished store is
/// renamed into place after a check that nothing is there, not linked (a store another
/// process makes between the two would be replaced).
final class NewStore {
  /// The store's path.
  let path: String
  /// The file being built.
  let file: String
  /// The locked descriptor of `file` (-1 before ``create()`` and after ``publish()`` or
  /// ``remove()``).
  private var lock: Int32 = -1

  /// What follows a store's name in the name of a build of it.
  static let marker = ".importing-"
  /// The longest file name (bytes) most file systems take.
  static let nameMax = 255

  init(path: String) {
    self.path = path
    file =
      path + NewStore.marker
      + "\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))"
  }

  deinit { if lock >= 0 { close(lock) } }

  /// Whether the store can be built aside: nothing is at its path (not even a dangling
  /// symbolic link), no `-wal`, `-shm` or `-journal` file of an earlier store is beside it
  /// (SQLite would replay a leftover log onto the finished store once it is there), and the
  /// build's file name (with `.new` and SQLite's suffixes) is not too long.
  var canBuild: Bool {
    var st = stat()
    for suffix in [""] + Store.companionSuffixes {
      if lstat(path + suffix, &st) == 0 || errno != ENOENT { return false }
    }
    return (file as NSString).lastPathComponent.utf8.count + "-journal".utf8.count
      <= NewStore.nameMax
  }

  /// Creates the (empty) file under a name ending in `.new`, locks it, and renames it to
  /// `file`: nobody can see `file` unlocked. An empty file is a valid empty SQLite database.
  func create() throws {
    let creating = file + ".new"
    let fd = open(creating, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw failure("cannot create the store \(path)") }
    lock = fd
    guard flock(fd, LOCK_EX | LOCK_NB) == 0, rename(creating, file) == 0 else {
      let error = failure("cannot create the store \(path)")
      unlink(creating)
      throw error
    }
  }

  /// Whether `file` is still the file this build locked (another import cannot have
  /// removed it, but a person can).
  private var isOurs: Bool { NewStore.isFile(lock, named: file) }

  /// Whether the open descriptor `fd` is the file `name` names now (same device and inode;
  /// a symbolic link there is not followed).
  static func isFile(_ fd: Int32, named name: String) -> Bool {
    var open = stat()
    var named = stat()
    return fstat(fd, &open) == 0 && lstat(name, &named) == 0 && open.st_dev == named.st_dev
      && open.st_ino == named.st_ino
  }

  /// Moves the finished file to the store's path: checks that nothing of an earlier store
  /// appeared beside the path meanwhile, syncs the file, links it at the path (which fails
  /// when anything is there, so another process's store is never replaced), removes the
  /// build's own name and syncs the folder. False, with nothing moved, when the path or a log
  /// beside it is taken by now.
  func publish() throws -> Bool {
    guard lock >= 0, isOurs else {
      throw ArcadenceError(
        .io,
        "cannot create the store \(path): the file it was being built in was removed; nothing "
          + "was imported")
    }
    guard canBuild else { return false }
    guard fsync(lock) == 0 else { throw failure("cannot write the store \(path)") }
    if link(file, path) != 0 {
      if errno == EEXIST { return false }
      // A file system without hard links: a rename, after checking that nothing is there.
      guard errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS else {
        throw failure("cannot create the store \(path)")
      }
      var st = stat()
      if lstat(path, &st) == 0 { return false }
      guard rename(file, path) == 0 else { throw failure("cannot create the store \(path)") }
    } else {
      unlink(file)
    }
    let dir = (path as NSString).deletingLastPathComponent
    let folder = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folder >= 0 {
      _ = fsync(folder)
      close(folder)
    }
    close(lock)
    lock = -1
    return true
  }

  /// Removes the build (its file and any file SQLite made beside it) and releases its lock.
  func remove() {
    guard lock >= 0 else { return }
    if isOurs {
      Store.removeWithCompanions(file)
    }
    close(lock)
    lock = -1
  }

  /// Removes the builds of this store that no process is making any more (their lock is
  /// free), with any file SQLite made beside them; also a build's second name for a published
  /// store (a kill between linking it and removing that name), and a `.new` file left by a kill
  /// before it was renamed (free and older than a minute: it is locked microseconds after it
  /// is made). Only regular files whose names are exactly a build's (``isBuildName(_:)``): a
  /// store someone named `NAME.importing-archive` is not touched. O(files in the folder).
  func removeAbandoned() {
    let dir = (path as NSString).deletingLastPathComponent
    let prefix = (path as NSString).lastPathComponent + NewStore.marker
    guard
      let names = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)
    else { return }
    for name in names where name.hasPrefix(prefix) {
      var suffix = Substring(name.dropFirst(prefix.count))
      let creating = suffix.hasSuffix(".new")
      if creating { suffix = suffix.dropLast(4) }
      guard NewStore.isBuildName(suffix) else { continue }
      let other = dir.isEmpty ? name : dir + "/" + name
      // Non-blocking: a FIFO by that name would block the open (it is skipped below).
      let fd = open(other, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
      guard fd >= 0 else { continue }
      defer { close(fd) }
      var locked = stat()
      // A regular file locked by nobody, still the file under that name once locked.
      guard flock(fd, LOCK_EX | LOCK_NB) == 0, fstat(fd, &locked) == 0,
        (locked.st_mode & S_IFMT) == S_IFREG, NewStore.isFile(fd, named: other)
      else { continue }
      if creating {
        if time(nil) - locked.st_mtim.tv_sec > 60 { unlink(other) }
      } else {
        Store.removeWithCompanions(other)
      }
    }
  }

  /// Whether `suffix` (what follows the marker) is one ``init(path:)`` makes: a process id and
  /// a hexadecimal number, `1234-9f3a`.
  static func isBuildName(_ suffix: Substring) -> Bool {
    let parts = suffix.split(separator: "-", omittingEmptySubsequences: false)
    return parts.count == 2 && !parts[0].isEmpty && parts[0].allSatisfy(\.isASCII)
      && parts[0].allSatisfy(\.isNumber) && !parts[1].isEmpty && parts[1].count <= 8
      && parts[1].allSatisfy { $0.isASCII && $0.isHexDigit && !$0.isUppercase }
  }

  /// `doing: the system's reason` for the last failed call.
  private func failure(_ doing: String) -> ArcadenceError {
    ArcadenceError(.io, "\(doing): \(String(cString: strerror(errno)))")
  }
}
