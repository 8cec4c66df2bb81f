/// File names derived from untrusted ids (rep ids, team names, policy names).
///
/// A safe id (1 to 60 ASCII letters, digits, `-` and `_`) is its own name, so `R01` stays
/// `R01`. Any other id becomes its safe form (other characters as `_`, cut to 40) followed by
/// `-` and the FNV-1a 32-bit hash of its UTF-8 bytes in hex: `R.1` → `R_1-4ffc9b90`, and
/// `R/1` → `R_1-ebf9bf8d`. ``distinct(_:)`` names a whole set injectively, even on a file
/// system that ignores case. FNV-1a: Fowler, Noll and Vo, <http://www.isthe.com/chongo/tech/comp/fnv/>.
public enum FileName {
  /// The longest name kept as it is.
  public static let maxLength = 60
  /// The longest safe prefix before the hash.
  static let prefixLength = 40

  /// Whether `name` is a safe file name: 1 to 60 ASCII letters, digits, `-` and `_`.
  public static func isSafe(_ name: String) -> Bool {
    let u = name.utf8
    return !u.isEmpty && u.count <= maxLength && u.allSatisfy(isSafeByte)
  }

  /// The longest file name an ``OutputFolder`` writes (a safe name, a prefix such as
  /// `scorecard-` and an extension fit well inside the file system's 255 bytes).
  public static let maxFileNameLength = 200

  /// Whether `name` may be a file written into a folder: 1 to 200 bytes of ASCII letters,
  /// digits, `-`, `_` and `.`, not starting with `.` (so never `.`, `..` or a hidden file)
  /// and holding no `/`. Every name ``safe(_:)`` gives, with a prefix and an extension, is one.
  public static func isFileName(_ name: String) -> Bool {
    let u = name.utf8
    guard let first = u.first, first != UInt8(ascii: "."), u.count <= maxFileNameLength else {
      return false
    }
    return u.allSatisfy { isSafeByte($0) || $0 == UInt8(ascii: ".") }
  }

  /// The name of one id: the id itself when it is safe, else its safe form and a hash.
  public static func safe(_ id: String) -> String {
    isSafe(id) ? id : hashed(id)
  }

  /// Names for `ids`, in order, no two equal even ignoring case; equal ids get equal names.
  ///
  /// Ids whose names would differ only in case (`R01` and `r01`) both take the hash; a rare
  /// remaining clash (a hash collision) takes `-2`, `-3`, … in the order of the ids.
  public static func distinct(_ ids: [String]) -> [String] {
    distinct(ids, readable: { $0 })
  }

  /// Names for `ids` where each id has a readable form (a policy `weekly calls` is
  /// `weekly-calls`): the readable form when it is safe and no other id of the set has it
  /// (ignoring case), else the id's hashed name; no two names equal even ignoring case.
  public static func distinct(_ ids: [String], readable: (String) -> String) -> [String] {
    let forms = ids.map(readable)
    var byFolded: [String: Set<String>] = [:]
    for (id, form) in zip(ids, forms) { byFolded[form.lowercased(), default: []].insert(id) }
    var names = ids.indices.map { i in
      isSafe(forms[i]) && byFolded[forms[i].lowercased(), default: []].count == 1
        ? forms[i] : hashed(ids[i])
    }
    var taken: [String: String] = [:]  // folded name → id
    var chosen: [String: String] = [:]  // id → name
    for i in ids.indices.sorted(by: { ids[$0] < ids[$1] }) {
      if let name = chosen[ids[i]] {
        names[i] = name
        continue
      }
      var name = names[i]
      var k = 2
      while taken[name.lowercased()] != nil {
        name = names[i] + "-\(k)"
        k += 1
      }
      taken[name.lowercased()] = ids[i]
      chosen[ids[i]] = name
      names[i] = name
    }
    return names
  }

  /// The safe form of `id` cut to 40 characters, `-`, and its hash.
  static func hashed(_ id: String) -> String {
    var prefix = ""
    for scalar in id.unicodeScalars.prefix(prefixLength) {
      prefix.append(scalar.isASCII && isSafeByte(UInt8(scalar.value)) ? Character(scalar) : "_")
    }
    if prefix.isEmpty { prefix = "_" }
    return prefix + "-" + hex(fnv1a(id))
  }

  static func isSafeByte(_ b: UInt8) -> Bool {
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
      || b == 0x5F
  }

  /// FNV-1a, 32 bits, of the UTF-8 bytes of `s`.
  static func fnv1a(_ s: String) -> UInt32 {
    var h: UInt32 = 0x811c_9dc5
    for b in s.utf8 {
      h ^= UInt32(b)
      h = h &* 0x0100_0193
    }
    return h
  }

  static func hex(_ v: UInt32) -> String {
    let digits = String(v, radix: 16)
    return String(repeating: "0", count: 8 - digits.count) + digits
  }
}
