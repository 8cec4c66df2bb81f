/// The message for a key given twice in one YAML mapping, at the line of the second
/// occurrence: `scenario.yaml:7: key "horizon_days" appears twice (first at line 3)`.
///
/// The YAML parser reports only where the first occurrence is; the second is found in the
/// text by walking down from it: the next line at the first key's indentation that names
/// the same key, before the mapping ends (a line indented less). Flow mappings
/// (`{a: 1, a: 2}`) fall back to the first line. Shared by scenario, calibration and mapping
/// files.
public enum DuplicateKey {
  /// The message; `firstLine` and `firstColumn` are 1-based, as the parser reports them.
  public static func message(
    file: String, key: String, text: String, firstLine: Int, firstColumn: Int
  ) -> String {
    guard
      let second = line(ofRepeated: key, in: text, firstLine: firstLine, firstColumn: firstColumn)
    else { return "\(file):\(firstLine): key \"\(key)\" appears twice" }
    return "\(file):\(second): key \"\(key)\" appears twice (first at line \(firstLine))"
  }

  /// The 1-based line of the next occurrence of `key` in the block mapping whose key at
  /// (`firstLine`, `firstColumn`) is the first, or nil.
  public static func line(ofRepeated key: String, in text: String, firstLine: Int, firstColumn: Int)
    -> Int?
  {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard firstLine >= 1, firstLine < lines.count, firstColumn >= 1 else { return nil }
    let indent = firstColumn - 1
    for index in firstLine..<lines.count {
      var l = Substring(lines[index])
      if l.hasSuffix("\r") { l = l.dropLast() }
      let content = l.drop { $0 == " " }
      if content.isEmpty || content.hasPrefix("#") { continue }
      let depth = l.count - content.count
      if depth < indent { return nil }
      if depth == indent, names(content, key) { return index + 1 }
    }
    return nil
  }

  /// Whether `content` starts with `key:` (the key plain, or in single or double quotes).
  static func names(_ content: Substring, _ key: String) -> Bool {
    for form in [key, "\"\(key)\"", "'\(key)'"] where content.hasPrefix(form) {
      let rest = content.dropFirst(form.count).drop { $0 == " " || $0 == "\t" }
      if rest.hasPrefix(":") { return true }
    }
    return false
  }
}
