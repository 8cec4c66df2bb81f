/// The closed vocabularies of the data contract (spec: data.md, "Files").
public enum Vocabulary {
  /// `payments.method`.
  public static let paymentMethods = ["autopay", "ach", "card", "check", "wire", "other"]
  /// `adjustments.kind`.
  public static let adjustmentKinds = ["credit_memo", "write_off"]
  /// `activities.channel`.
  public static let channels = ["call", "email", "sms", "letter"]
  /// `activities.direction`.
  public static let directions = ["outbound", "inbound"]
  /// `activities.outcome`.
  public static let outcomes = [
    "no_answer", "voicemail", "reached", "promise_to_pay", "dispute", "paid", "wrong_contact",
    "autopay_enrolled", "other",
  ]
  /// Outcomes that count as a contact reached (kpis.md, `contacts_reached`).
  public static let reachedOutcomes: Set<String> = [
    "reached", "promise_to_pay", "dispute", "paid", "autopay_enrolled",
  ]
  /// `cases.origin`.
  public static let caseOrigins = [
    "collections", "inbound_phone", "inbound_email", "internal_referral",
  ]
  /// `cases.escalation_reason`, in the order reports list them.
  public static let escalationReasons = [
    "delay", "documentation_gap", "customer_request", "amount", "other",
  ]
  /// `tasks.kind`.
  public static let taskKinds = ["call", "email", "follow_up", "review"]
  /// The recommended root causes (free text is allowed).
  public static let rootCauses = [
    "invoice_discrepancy", "account_setup", "system_error", "pricing", "tax_exemption",
    "duplicate_billing", "payment_misapplied", "contract_terms", "service_issue", "missing_po",
    "wrong_contact", "other",
  ]
}
