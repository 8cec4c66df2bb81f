import ArcadenceCore
import Yams

/// Reads configuration YAML through Yams' node API so that every mistake names the file,
/// the line and the key: `baseline.yaml:14: key policies[0].capacity.reps: expected a whole
/// number ≥ 0 (value "-2")`.
struct YAMLReader {
  /// The file name as the user gave it.
  let file: String

  /// The root node of `text`; a syntax error names its line.
  func root(_ text: String) throws -> Node {
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw ArcadenceError(.invalidConfiguration, "\(file): the file is empty")
      }
      return node
    } catch let error as YamlError {
      var line = 0
      var what = "\(error)"
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        line = mark.line
        what = problem
      case .duplicatedKeysInMapping(let duplicates, let context):
        throw ArcadenceError(
          .invalidConfiguration,
          DuplicateKey.message(
            file: file, key: duplicates.first ?? "?", text: text, firstLine: context.mark.line,
            firstColumn: context.mark.column))
      default: break
      }
      throw ArcadenceError(
        .invalidConfiguration, "\(file):\(line): not valid YAML: \(what)")
    }
  }

  /// An error at `node`'s line about `key`.
  func error(_ node: Node?, _ key: String, _ message: String, value: Node? = nil)
    -> ArcadenceError
  {
    let line = node?.mark?.line ?? 0
    var text = "\(file):\(line): key \(key): \(message)"
    if let v = value?.scalar?.string { text += " (value \"\(v)\")" }
    return ArcadenceError(.invalidConfiguration, text)
  }

  /// The pairs of a mapping, with every key checked against `allowed`.
  func mapping(_ node: Node, _ path: String, allowed: [String]) throws -> [(
    key: String, node: Node
  )] {
    guard case .mapping(let m) = node else {
      throw error(node, path.isEmpty ? "(top level)" : path, "expected a mapping of keys")
    }
    var seen = Set<String>()
    var out: [(String, Node)] = []
    for (k, v) in m {
      guard let name = k.scalar?.string else {
        throw error(k, path, "keys must be plain words")
      }
      let full = path.isEmpty ? name : path + "." + name
      guard allowed.contains(name) else {
        throw error(
          k, full,
          "unknown key (expected one of: \(allowed.joined(separator: ", ")))")
      }
      guard seen.insert(name).inserted else { throw error(k, full, "given twice") }
      out.append((name, v))
    }
    return out
  }

  /// The items of a sequence.
  func sequence(_ node: Node, _ key: String) throws -> [Node] {
    guard case .sequence(let s) = node else { throw error(node, key, "expected a list") }
    return Array(s)
  }

  /// A plain string.
  func string(_ node: Node, _ key: String) throws -> String {
    guard let s = node.scalar?.string, !s.isEmpty else {
      throw error(node, key, "expected text")
    }
    return s
  }

  /// One of `words`.
  func word(_ node: Node, _ key: String, _ words: [String]) throws -> String {
    guard let s = node.scalar?.string, words.contains(s) else {
      throw error(
        node, key, "expected one of \(words.joined(separator: ", "))", value: node)
    }
    return s
  }

  /// `word` when the node is that word, else nil.
  func isWord(_ node: Node, _ word: String) -> Bool {
    guard case .scalar(let s) = node else { return false }
    return s.string == word && s.style == .plain
  }

  /// A whole number in `range`.
  func int(_ node: Node, _ key: String, _ range: ClosedRange<Int>) throws -> Int {
    guard case .scalar(let s) = node, s.style == .plain, let v = node.int else {
      throw error(node, key, "expected a whole number", value: node)
    }
    _ = s
    guard range.contains(v) else {
      throw error(
        node, key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)",
        value: node)
    }
    return v
  }

  /// A number in `range`.
  func double(_ node: Node, _ key: String, _ range: ClosedRange<Double>) throws -> Double {
    guard case .scalar(let s) = node, s.style == .plain, let v = node.float, v.isFinite else {
      throw error(node, key, "expected a number", value: node)
    }
    guard range.contains(v) else {
      throw error(
        node, key,
        "expected a number from \(format(range.lowerBound)) to \(format(range.upperBound))",
        value: node)
    }
    return v
  }

  /// `true` or `false`.
  func bool(_ node: Node, _ key: String) throws -> Bool {
    guard case .scalar(let s) = node, s.style == .plain, let v = node.bool else {
      throw error(node, key, "expected true or false", value: node)
    }
    return v
  }

  /// A `YYYY-MM-DD` date.
  func day(_ node: Node, _ key: String) throws -> Day {
    guard let s = node.scalar?.string, let d = Day(iso: s) else {
      throw error(node, key, "expected a date YYYY-MM-DD", value: node)
    }
    return d
  }

  func format(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e12 ? String(Int64(v)) : String(v)
  }
}
