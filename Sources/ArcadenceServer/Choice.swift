import ArcadenceCore

extension CaseIterable where Self: RawRepresentable, Self.RawValue == String {
  /// The case spelled `text`; anything else is a usage error naming the option or field
  /// (`name`), the choices and the value. One home for the server's closed vocabularies
  /// typed by people (a role, a report kind).
  static func choice(_ text: String, name: String) throws -> Self {
    guard let value = Self(rawValue: text) else {
      throw ArcadenceError(
        .usage,
        "\(name): expected one of \(allCases.map(\.rawValue).joined(separator: ", ")) "
          + "(value \"\(text)\")")
    }
    return value
  }
}
