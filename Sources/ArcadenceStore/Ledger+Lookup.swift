/// Finding a row of the ledger by its id (the ids a served URL names). Ids are compared as
/// UTF-8 bytes, as SQLite stores and sorts them, so two spellings of one accented id that
/// Swift's `==` would call equal are different ids here, as in the store.
extension Ledger {
  /// Index of a customer by id: customers are sorted by id (SQLite's byte order), so a
  /// binary search. O(log customers).
  public func customer(_ id: String) -> Int? {
    var lo = 0
    var hi = customerIds.count
    while lo < hi {
      let mid = lo + (hi - lo) / 2
      if customerIds[mid].utf8.lexicographicallyPrecedes(id.utf8) { lo = mid + 1 } else { hi = mid }
    }
    return lo < customerIds.count && customerIds[lo].utf8.elementsEqual(id.utf8) ? lo : nil
  }

  /// Index of an invoice by id (invoices are in rowid order: a scan). O(invoices).
  public func invoice(_ id: String) -> Int? {
    invoiceIds.firstIndex { $0.utf8.elementsEqual(id.utf8) }
  }

  /// Index of a case by id (a scan). O(cases).
  public func caseIndex(_ id: String) -> Int? {
    caseIds.firstIndex { $0.utf8.elementsEqual(id.utf8) }
  }
}
