import ArcadenceCore
import Foundation

/// The file a new store is built in before it is moved to its path
/// (``Store/withStore(creatingAt:_:)``): `PATH.importing-PID-RANDOM` in the store's folder.
///
/// The builder holds an advisory lock (`flock`, which does not touch SQLite's own `fcntl`
/// locks) on the file from the moment it creates it until it is published or removed, so an
/// abandoned build (the process killed) is told from a live one by trying that lock, not by a
/// process id, which another process or another namespace may hold. Abandoned builds of the
/// same store are removed by the next import of it.
final class NewStore {
  /// The store's path.
  let path: String
  /// The file being built.
  let file: String
  /// The locked descriptor of `file` (-1 before ``create()`` and after ``remove()``).
  private var lock: Int32 = -1

  /// The separator between a store's name and a build's suffix.
  static let marker = ".importing-"

  init(path: String) {
    self.path = path
    file =
      path + NewStore.marker + "\(getpid())-\(String(UInt32.random(in: .min ... .max), radix: 16))"
  }

  deinit { if lock >= 0 { close(lock) } }

  /// Creates the (empty) file and locks it. An empty file is a valid empty SQLite database.
  func create() throws {
    let fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw failure("cannot create the store \(path)") }
    lock = fd
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      throw failure("cannot create the store \(path)")
    }
  }

  /// Moves the finished file to the store's path: syncs it, links it there (which fails when
  /// anything is at the path, so another process's store is never replaced), removes the
  /// build's own name and syncs the folder. False, with nothing moved, when something is at
  /// the path by now.
  func publish() throws -> Bool {
    guard lock >= 0, fsync(lock) == 0 else { throw failure("cannot write the store \(path)") }
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
    for suffix in ["-journal", "-wal", "-shm", ""] { unlink(file + suffix) }
    close(lock)
    lock = -1
  }

  /// Removes the builds of this store that no process is making any more (their lock is
  /// free), with any file SQLite made beside them.
  func removeAbandoned() {
    let dir = (path as NSString).deletingLastPathComponent
    let prefix = (path as NSString).lastPathComponent + NewStore.marker
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)
    else { return }
    for name in names
    where name.hasPrefix(prefix) && !name.hasSuffix("-journal")
      && !name.hasSuffix("-wal") && !name.hasSuffix("-shm")
    {
      let other = dir.isEmpty ? name : dir + "/" + name
      let fd = open(other, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
      guard fd >= 0 else { continue }
      if flock(fd, LOCK_EX | LOCK_NB) == 0 {
        for suffix in ["-journal", "-wal", "-shm", ""] { unlink(other + suffix) }
      }
      close(fd)
    }
  }

  /// `doing: the system's reason` for the last failed call.
  private func failure(_ doing: String) -> ArcadenceError {
    ArcadenceError(.io, "\(doing): \(String(cString: strerror(errno)))")
  }
}
