import Foundation
import GRDBSQLite

/// Maps ids to dense indices by their UTF-8 bytes, so that resolving a reference read from
/// SQLite makes no `String` and hashes no `String`: loading the ledger resolves millions of
/// them (profiled: with `[String: Int32]` that was a third of the load).
///
/// Ids of up to 16 bytes (all the contract's own, and most systems') are packed into two
/// words stored in the slot itself, so a look-up touches one cache line: open addressing
/// with linear probing over at least twice as many slots as ids. Longer ids go to a
/// dictionary. The first occurrence of a repeated id wins.
struct ByteKeyIndex: Sendable {
  private struct Slot {
    var low: UInt64 = 0
    var high: UInt64 = 0
    /// The id's index, or −1 for an empty slot.
    var index: Int32 = -1
    var length: Int32 = 0
  }

  private var slots: [Slot]
  private let shift: UInt64
  /// Ids longer than 16 bytes, by their bytes (a `String` key would hold canonically
  /// equivalent ids equal).
  private var long: [LongKey: Int32] = [:]

  /// An id's bytes, hashed in one pass.
  private struct LongKey: Hashable {
    let bytes: [UInt8]
    func hash(into hasher: inout Hasher) {
      bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
  }

  /// Indexes `ids`: id `ids[i]` maps to `i`.
  init(_ ids: [String]) {
    var bits: UInt64 = 4
    while (1 << bits) < ids.count * 2 { bits += 1 }
    slots = [Slot](repeating: Slot(), count: 1 << bits)
    shift = 64 - bits
    for (i, id) in ids.enumerated() {
      var utf8 = id
      utf8.withUTF8 { add($0, index: Int32(i)) }
    }
  }

  private mutating func add(_ key: UnsafeBufferPointer<UInt8>, index: Int32) {
    guard key.count <= 16 else {
      let id = LongKey(bytes: Array(key))
      if long[id] == nil { long[id] = index }
      return
    }
    let (low, high) = Self.pack(key)
    let mask = slots.count - 1
    var s = slot(low, high, key.count)
    while slots[s].index >= 0 {
      if slots[s].low == low && slots[s].high == high && Int(slots[s].length) == key.count {
        return
      }
      s = (s + 1) & mask
    }
    slots[s] = Slot(low: low, high: high, index: index, length: Int32(key.count))
  }

  /// The bytes (at most 16) as two little-endian words, zero-padded.
  @inline(__always)
  private static func pack(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
    var words: (UInt64, UInt64) = (0, 0)
    withUnsafeMutableBytes(of: &words) { raw in
      raw.baseAddress!.copyMemory(from: key.baseAddress!, byteCount: key.count)
    }
    return (UInt64(littleEndian: words.0), UInt64(littleEndian: words.1))
  }

  @inline(__always)
  private func slot(_ low: UInt64, _ high: UInt64, _ length: Int) -> Int {
    var h = low &* 0x9e37_79b9_7f4a_7c15
    h ^= (high &+ UInt64(length)) &* 0xc2b2_ae3d_27d4_eb4f
    h ^= h >> 29
    return Int(truncatingIfNeeded: (h &* 0xbf58_476d_1ce4_e5b9) >> shift)
  }

  /// The index of the id with these bytes, or −1.
  @inline(__always)
  func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
    guard key.count <= 16 else {
      return long[LongKey(bytes: Array(key))] ?? -1
    }
    guard key.count > 0 else { return find0() }
    let (low, high) = Self.pack(key)
    let mask = slots.count - 1
    var s = slot(low, high, key.count)
    return slots.withUnsafeBufferPointer { slots in
      while true {
        let candidate = slots[s]
        if candidate.index < 0 { return -1 }
        if candidate.low == low && candidate.high == high
          && Int(candidate.length) == key.count
        {
          return candidate.index
        }
        s = (s + 1) & mask
      }
    }
  }

  /// The empty id (no contract id is empty, but an index must not crash on one).
  private func find0() -> Int32 {
    var s = slot(0, 0, 0)
    while slots[s].index >= 0 {
      if slots[s].length == 0 { return slots[s].index }
      s = (s + 1) & (slots.count - 1)
    }
    return -1
  }

  /// The index of `id`, or −1.
  func find(_ id: String) -> Int32 {
    var id = id
    return id.withUTF8 { find($0) }
  }
}

extension FastStatement {
  /// The index in `index` of the text in column `i` of the current row; −1 for NULL or an
  /// id the index does not hold.
  @inline(__always)
  func key(_ i: Int32, in index: ByteKeyIndex) -> Int32 {
    guard let p = sqlite3_column_text(raw, i) else { return -1 }
    let n = Int(sqlite3_column_bytes(raw, i))
    return index.find(UnsafeBufferPointer(start: p, count: n))
  }
}
