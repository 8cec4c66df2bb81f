#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file being written atomically: bytes go to a temporary file in the target's folder,
/// which replaces the target only on ``commit()`` (after `fsync`).
///
/// Every file the product writes goes through this type, so one rule holds everywhere: the
/// target must be a regular file or nothing. A FIFO, a device, a socket, a directory, a
/// symbolic link to anything but a regular file, or a dangling link is refused with
/// `cannot write PATH: not a regular file (a FIFO)` and left as it was. A symbolic link to a
/// regular file is written through: its target is replaced and the link stays. A replaced
/// file keeps its permissions; a new one gets 0666 less the umask. The temporary file is
/// removed on any failure, and errors keep the system's reason ("No space left on device").
public final class OutputFile {
  /// The path as the user gave it (for messages).
  public let path: String
  /// The file the rename replaces: `path`, or the regular file a link at `path` points to.
  private let target: String
  private let temporary: String
  private var descriptor: Int32
  private var done = false

  /// Checks `path` and opens a temporary file beside its target.
  public init(path: String) throws {
    self.path = path
    let (target, mode) = try OutputFile.target(of: path)
    self.target = target
    let dir = OutputFile.folder(of: target)
    // At most 100 bytes of the target's name (by characters a name of multi-byte letters
    // pushed the temporary one past the file system's 255 bytes).
    var base = Substring(target.split(separator: "/").last ?? "out")
    while base.utf8.count > 100 { base.removeLast() }
    var fd: Int32 = -1
    var name = ""
    for attempt in 0..<100 {
      name =
        dir + "/." + base
        + ".tmp-\(getpid())-\(attempt)-\(UInt32.random(in: .min ... .max))"
      fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
      if fd >= 0 || errno != EEXIST { break }
    }
    guard fd >= 0 else { throw OutputFile.failure(path) }
    if let mode, fchmod(fd, mode & 0o7777) != 0 {
      let error = OutputFile.failure(path)
      close(fd)
      unlink(name)
      throw error
    }
    temporary = name
    descriptor = fd
  }

  deinit { abandon() }

  /// Appends `bytes` to the temporary file.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard !done else { throw ArcadenceError(.io, "cannot write \(path): already closed") }
    var offset = 0
    while offset < bytes.count {
      let n = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        let error = OutputFile.failure(path)
        abandon()
        throw error
      }
      offset += n
    }
  }

  /// Appends `bytes` to the temporary file.
  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  /// Flushes the temporary file to disk and renames it over the target.
  public func commit() throws {
    guard !done else { throw ArcadenceError(.io, "cannot write \(path): already closed") }
    guard fsync(descriptor) == 0 else {
      let error = OutputFile.failure(path)
      abandon()
      throw error
    }
    let closed = close(descriptor)
    descriptor = -1
    guard closed == 0, rename(temporary, target) == 0 else {
      let error = OutputFile.failure(path)
      abandon()
      throw error
    }
    done = true
  }

  /// Closes and removes the temporary file; the target is left as it was.
  private func abandon() {
    guard !done else { return }
    done = true
    if descriptor >= 0 { close(descriptor) }
    descriptor = -1
    unlink(temporary)
  }

  // MARK: Whole files

  /// Writes `bytes` to `path` atomically (see ``OutputFile``).
  public static func write(_ bytes: [UInt8], to path: String) throws {
    let file = try OutputFile(path: path)
    try file.write(bytes)
    try file.commit()
  }

  /// Writes `text` as UTF-8 to `path` atomically (see ``OutputFile``).
  public static func write(_ text: String, to path: String) throws {
    try write(Array(text.utf8), to: path)
  }

  /// Creates the folder `path` and its parents; a folder already there is fine, anything
  /// else there is an error (`cannot create the folder PATH: not a directory (a FIFO)`).
  public static func createDirectory(_ path: String) throws {
    var st = stat()
    if stat(path, &st) == 0 {
      guard st.st_mode & S_IFMT == S_IFDIR else {
        throw ArcadenceError(
          .io, "cannot create the folder \(path): not a directory (\(kind(st.st_mode)))")
      }
      return
    }
    if lstat(path, &st) == 0 {  // a dangling link
      throw ArcadenceError(
        .io, "cannot create the folder \(path): not a directory (a symbolic link to nothing)")
    }
    let parent = folder(of: path)
    if parent != path, parent != "." { try createDirectory(parent) }
    guard mkdir(path, 0o777) == 0 || errno == EEXIST else {
      throw ArcadenceError(.io, "cannot create the folder \(path)", cause: SystemError.last)
    }
  }

  /// Refuses a path that is anything but a regular file or nothing (for writers that cannot
  /// go through ``OutputFile``); the message is the one ``OutputFile`` gives.
  public static func checkWritable(_ path: String) throws {
    _ = try target(of: path)
  }

  // MARK: Rules

  /// The file a write to `path` replaces and its current mode (nil when there is none).
  static func target(of path: String) throws -> (String, mode_t?) {
    var st = stat()
    guard lstat(path, &st) == 0 else {
      if errno == ENOENT { return (path, nil) }
      throw failure(path)
    }
    switch st.st_mode & S_IFMT {
    case S_IFREG:
      return (path, st.st_mode)
    case S_IFLNK:
      var followed = stat()
      guard stat(path, &followed) == 0 else {
        throw ArcadenceError(
          .io, "cannot write \(path): not a regular file (a symbolic link to nothing)")
      }
      guard followed.st_mode & S_IFMT == S_IFREG else {
        throw ArcadenceError(
          .io,
          "cannot write \(path): not a regular file (a symbolic link to "
            + "\(kind(followed.st_mode)))")
      }
      guard let resolved = realpath(path, nil) else { throw failure(path) }
      defer { free(resolved) }
      return (String(cString: resolved), followed.st_mode)
    default:
      throw ArcadenceError(.io, "cannot write \(path): not a regular file (\(kind(st.st_mode)))")
    }
  }

  /// `a FIFO`, `a character device`, … for a file mode.
  static func kind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFREG: return "a regular file"
    case S_IFDIR: return "a directory"
    case S_IFIFO: return "a FIFO"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "a special file"
    }
  }

  /// The folder holding `path` (`.` for a bare name).
  static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let dir = String(path[..<slash])
    return dir.isEmpty ? "/" : dir
  }

  /// `cannot write PATH: REASON`, with the last failed system call's `errno` as the cause.
  static func failure(_ path: String) -> ArcadenceError {
    ArcadenceError(.io, "cannot write \(path)", cause: SystemError.last)
  }
}

/// `write(2)` (the method of ``OutputFile`` hides the name).
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, buffer, count)
}
