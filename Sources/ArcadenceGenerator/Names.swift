/// Word lists for synthetic names and case notes.
enum Names {
  static let firstNames = [
    "Maya", "Daniel", "Priya", "Marcus", "Elena", "Tomás", "Aisha", "Jonah", "Chloé", "Kenji",
    "Rosa", "Liam", "Fatima", "Owen", "Ingrid", "Samuel", "Zoë", "Andre", "Nadia", "Victor",
  ]
  static let lastNames = [
    "Okafor", "Lindqvist", "Ramírez", "Chen", "O'Neill", "Patel", "Novak", "Haddad", "Brooks",
    "Yamamoto", "Fischer", "Adeyemi", "Moreau", "Kowalski", "Santos", "Byrne", "Ivanova",
  ]
  static let teams = ["East", "West", "Central", "Enterprise", "Growth", "Public Sector"]
  static let first = [
    "Northwind", "Blue Harbor", "Cedar", "Summit", "Keystone", "Redwood", "Lakeside", "Granite",
    "Silver Creek", "Harbor & Main", "Pioneer", "Evergreen", "Ironbridge", "Brightline",
    "Meridian", "Oakmont", "Riverside", "Sterling", "Atlas", "Juniper", "Falcon", "Bayview",
    "Copperfield", "Westgate", "Horizon", "Maple Leaf", "Crescent", "Highland", "Sunrise",
    "Müller & Söhne", "Café Olé", "O'Brien", "Smith, Jones", "Nordlys", "Zürich Alpine",
  ]
  static let second = [
    "Logistics", "Dental", "Foods", "Systems", "Builders", "Health", "Media", "Supply",
    "Analytics", "Hospitality", "Motors", "Labs", "Outfitters", "Partners", "Energy", "Printing",
    "Software", "Farms", "Clinics", "Freight",
  ]
  static let suffixes = ["Inc.", "LLC", "Ltd", "Co.", "Group", "GmbH", "Corp.", "& Co.", ""]

  static let summaries: [String: [String]] = [
    "invoice_discrepancy": [
      "Customer says invoice total doesn't match the signed quote",
      "Quantity billed differs from the delivery note",
    ],
    "missing_po": [
      "AP rejected the invoice: no PO number", "PO # missing; customer needs it to release payment",
    ],
    "pricing": [
      "Customer disputes the unit price (expected \"Q3 promo\" rate)",
      "Rate increase applied before the contract's renewal date",
    ],
    "duplicate_billing": [
      "Same service billed twice this month", "Invoice duplicates one already paid by card",
    ],
    "account_setup": [
      "Billing address & tax ID wrong on the account", "Invoices sent to the wrong entity",
    ],
    "payment_misapplied": [
      "Payment applied to another invoice", "Customer paid; cash posted to the wrong account",
    ],
    "tax_exemption": ["Sales tax charged although the customer is exempt"],
    "contract_terms": ["Customer expects net-60 per contract, billed net-30"],
    "service_issue": ["Customer withholding payment over an outage", "Late delivery complaint"],
    "system_error": ["Invoice generated twice by the billing run", "Portal showed a $0 balance"],
    "wrong_contact": ["Invoices going to a former employee"],
    "other": ["Customer asked for a copy of the invoice <with signature>"],
  ]
}
