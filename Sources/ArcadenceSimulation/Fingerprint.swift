/// A 64-bit FNV-1a fingerprint of values, for telling runs apart (a fingerprint, not a
/// defence against forgery).
///
/// Arrays of plain numbers and flags are hashed as their bytes with their count; a struct's
/// stored properties are visited in declaration order through `Mirror`, so a property added
/// later is covered without an edit; anything else is hashed as `String(reflecting:)`
/// (shortest round-trip text for `Double`). O(bytes).
struct Fingerprint {
  /// The running hash.
  private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  /// Mixes in raw bytes.
  mutating func add(bytes: UnsafeRawBufferPointer) {
    var h = value
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    value = h
  }

  /// Mixes in a count (so that `[a] + [b, c]` and `[a, b] + [c]` differ).
  mutating func add(count: Int) {
    withUnsafeBytes(of: Int64(count).littleEndian) { add(bytes: $0) }
  }

  /// Mixes in a string's UTF-8, preceded by its length.
  mutating func add(_ text: String) {
    var t = text
    t.withUTF8 { bytes in
      add(count: bytes.count)
      add(bytes: UnsafeRawBufferPointer(bytes))
    }
  }

  /// Mixes in an array of plain values as its bytes, preceded by its count.
  mutating func add<T: BitwiseCopyable>(array: [T]) {
    add(count: array.count)
    array.withUnsafeBytes { add(bytes: $0) }
  }

  /// Mixes in every stored property of `value` (label and value), arrays of numbers and
  /// flags as bytes, everything else as its reflected text.
  mutating func add(fields value: Any) {
    for child in Mirror(reflecting: value).children {
      add(child.label ?? "")
      switch child.value {
      case let a as [Int32]: add(array: a)
      case let a as [Int64]: add(array: a)
      case let a as [Double]: add(array: a)
      case let a as [Float]: add(array: a)
      case let a as [Bool]: add(array: a)
      default: add(String(reflecting: child.value))
      }
    }
  }

  /// The hash as 16 lower-case hexadecimal digits.
  var hex: String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
  }
}
