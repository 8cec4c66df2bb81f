import ArcadenceStore

/// Whose row is it: the one ownership rule of kpis.md's "Scope", used by the KPI engine to
/// attribute every row to a rep and by the served app to decide whether a customer, an
/// invoice or a case is in a user's scope.
///
/// Invoices, payments, adjustments, aging and auto-pay follow the customer's rep;
/// activities, promises, cases and tasks follow their own rep_id.
extension Ledger {
  /// The rep (index) a customer and its invoices, payments and adjustments belong to.
  @inline(__always)
  public func owner(customer c: Int) -> Int { Int(customerRep[c]) }

  /// The rep (index) an invoice belongs to: its customer's rep.
  @inline(__always)
  public func owner(invoice i: Int) -> Int { owner(customer: Int(invoiceCustomer[i])) }

  /// The rep (index) a case belongs to: its own rep_id (not the customer's rep).
  @inline(__always)
  public func owner(case k: Int) -> Int { Int(caseRep[k]) }
}
