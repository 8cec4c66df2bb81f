import ArcadenceCore
import Foundation

/// Writes a first mapping for an export by recognising common column names
/// (`arcadence mapping init FILE.csv`).
///
/// It finds the header row (report exports often start with a title block), recognises an
/// invoice or aging export (invoice number, dates, amount, customer, settled date, disputed
/// flag, e-billing date) or a case report (case number, opened and closed date/times, owner,
/// reason), guesses the date and money formats from the values, and writes a commented YAML
/// for a person to confirm. What it could not find is said in the comments.
public enum MappingGuesser {
  /// Normalised spellings (lowercase letters and digits) of the columns it knows.
  static let names: [String: [String]] = [
    "invoice": [
      "invoicenumber", "invoiceno", "invoicenum", "invoiceid", "invoice", "num", "number",
      "documentnumber", "docnumber", "billingdocument", "refnumber",
    ],
    "customer_id": [
      "customerid", "customernumber", "customerno", "custid", "accountid", "accountnumber",
      "customer", "customername", "accountname",
    ],
    "customer_name": ["customername", "customer", "accountname", "name", "company"],
    "issued": [
      "invoicedate", "txndate", "transactiondate", "documentdate", "issuedate", "billingdate",
      "postingdate", "date",
    ],
    "due": ["duedate", "netduedate", "paymentduedate"],
    "amount": ["invoiceamount", "amount", "originalamount", "total", "grossamount"],
    "settled": [
      "settleddate", "paiddate", "paymentdate", "cleareddate", "clearingdate", "datepaid",
    ],
    "autopay": ["autopaydate", "autopayenrolledon", "autopayenrollmentdate", "autopaysince"],
    "paperless": ["paperlessdate", "ebillingdate", "electronicbillingdate"],
    "type": ["transactiontype", "type"],
    "case": ["casenumber", "caseid", "case"],
    "opened": ["datetimeopened", "dateopened", "openeddate", "createddate", "opened"],
    "closed": ["datetimeclosed", "dateclosed", "closeddate", "closed"],
    "owner": ["caseowner", "owner", "ownername", "ownerfullname", "assignedto"],
    "reason": ["casereason", "reason", "rootcause"],
    "origin": ["caseorigin", "origin"],
    "subject": ["subject"],
    "description": ["description"],
  ]

  static func normal(_ s: String) -> String {
    String(
      s.lowercased().unicodeScalars.filter {
        $0.properties.isAlphabetic || ("0"..."9").contains($0)
      }
      .map(Character.init))
  }

  /// A mapping (YAML text) for the file at `path`.
  public static func guess(path: String) throws -> String {
    // long-function: a linear script (header row, column roles, formats, then the YAML), each
    // step commented; its guesses feed the YAML written at the end.
    let reader = try CSVReader(path: path)
    var records: [CSVRecord] = []
    while records.count < 400, let r = try reader.next() { records.append(r) }
    guard !records.isEmpty else { throw ArcadenceError(.invalidData, "\(path) is empty") }
    let file = (path as NSString).lastPathComponent
    let known = Set(names.values.joined())
    // The header: the first row where at least two cells are names it knows.
    let headerIndex =
      records.prefix(30).firstIndex { r in
        r.fields.filter { known.contains(normal($0)) }.count >= 2
      } ?? 0
    let header = records[headerIndex].fields.map { $0.trimmingWhitespace() }
    let rows = Array(records.dropFirst(headerIndex + 1))
    var used: Set<String> = []
    func find(_ role: String) -> String? {
      for candidate in names[role] ?? [] {
        if let c = header.first(where: { normal($0) == candidate && !used.contains($0) }) {
          return c
        }
      }
      return nil
    }
    func take(_ role: String) -> String? {
      let c = find(role)
      if let c { used.insert(c) }
      return c
    }
    func samples(_ column: String?) -> [String] {
      guard let column, let i = header.firstIndex(of: column) else { return [] }
      return rows.compactMap { i < $0.fields.count ? $0.fields[i].trimmingWhitespace() : nil }
        .filter { !$0.isEmpty }
    }
    let headerLine = headerIndex + 1
    var y = "# Mapping for \(file), written by `arcadence mapping init`.\n"
    y += "# Check every line (the guesses are marked), then run:\n"
    y += "#   arcadence import FOLDER --mapping THIS_FILE.yaml\n"
    y +=
      "# Field forms: a source column; \"=constant\"; \"text {Column} text\" (use {Column|slug}\n"
    y += "# to make an id from a name); \"other_field + 30\" (days); or {column: C, values: {…}}.\n"
    y += "version: 1\n"

    if let caseColumn = take("case") {
      return y
        + caseMapping(
          file: file, headerLine: headerLine, caseColumn: caseColumn, take: take, samples: samples)
    }

    guard let invoice = take("invoice"), let amount = take("amount") else {
      throw ArcadenceError(
        .invalidData,
        "\(file): no invoice number and amount columns, and no case number, among: "
          + header.joined(separator: ", "))
    }
    let due = take("due")
    let issued = take("issued")
    let settled = take("settled")
    let autopay = take("autopay")
    let paperless = take("paperless")
    let type = take("type")
    let customerID = take("customer_id")
    let customerName = find("customer_name")
    let dates = samples(issued) + samples(due) + samples(settled)
    let dateFormat = guessDateFormat(dates)
    let moneyFormat = guessMoneyFormat(samples(amount))
    var terms = 30
    if let issued, let due {
      let pairs = zip(samples(issued), samples(due)).compactMap { a, b -> Int? in
        guard let x = dateFormat.day(a), let z = dateFormat.day(b) else { return nil }
        return z - x
      }.sorted()
      if !pairs.isEmpty { terms = pairs[pairs.count / 2] }
    }
    let q = yamlQuote
    y += "options:\n"
    y +=
      "  date_format: \(dateFormat.rawValue)   # guessed from: \(samples(issued).prefix(3).joined(separator: ", "))\n"
    y +=
      "  money_format: \(moneyFormat.rawValue)   # guessed from: \(samples(amount).prefix(3).joined(separator: ", "))\n"
    y += "targets:\n"
    let common =
      "    source: \(q(file))\n" + (headerLine > 1 ? "    header_row: \(headerLine)\n" : "")
    let rowFilter =
      (type.map {
        "    only_if: {\(q($0)): [Invoice]}   # invoices only, not payments or credits\n"
      }
        ?? "") + "    skip_if_empty: [\(q(invoice))]   # group titles and totals have no number\n"
    // An id column is kept as it is; a name becomes an id (`Acme Corp` → `acme_corp`).
    let customerIsName = customerID.map { normal($0).contains("name") || normal($0) == "customer" }
    let customerKey =
      customerID.map { customerIsName == true ? "\"{\($0)|slug}\"" : yamlQuote($0) } ?? "=unknown"
    let customerKeyNote =
      customerIsName == true
      ? "   # an id made from the name" : customerID == nil ? "   # no customer column found" : ""
    // Reps: one placeholder rep that owns the created customers.
    y += "  reps:\n" + common + "    unique_by: rep_id\n    existing: keep\n    fields:\n"
    y += "      rep_id: =unassigned   # a rep for customers created from this file\n"
    y += "      name: =Unassigned\n"
    // Customers from the first invoice of each.
    y += "  customers:   # created from the invoices (no customer file): one per customer\n"
    y += common + rowFilter
    y += "    unique_by: customer_id\n    aggregate: {created_on: min}   # the earliest invoice\n"
    y += "    existing: keep   # customers already in the store are left as they are\n"
    y += "    fields:\n"
    y += "      customer_id: \(customerKey)\(customerKeyNote)\n"
    if let customerName {
      y += "      name: \(q(customerName))\n"
    } else {
      // No name column: the customer id stands in (a column, or the one constant id).
      y += "      name: \(customerID.map(q) ?? customerKey)   # no customer name column: the "
      y += "customer id stands in as the name\n"
    }
    y += "      rep_id: =unassigned\n"
    y += "      payment_terms_days: =\(terms)   # the median of due − invoice date in the file\n"
    y += "      created_on: \(q(issued ?? "?"))\n"
    if let autopay {
      y += "      autopay_enrolled_on: \(q(autopay))\n"
    }
    if let paperless {
      // Going paperless is not auto-pay: on IBM's sample, invoices of customers past their
      // e-billing date were paid on the due date 11 % of the time (auto-pay pays on it).
      y += "      # \(paperless): the switch to e-billing (paperless invoices) is NOT an auto-pay\n"
      y += "      # enrollment (its customers do not pay on the due date), so it is not imported.\n"
    }
    y += "  invoices:\n" + common + rowFilter + "    fields:\n"
    y += "      invoice_id: \(q(invoice))\n"
    y += "      customer_id: \(customerKey)\n"
    y += "      issued_on: \(q(issued ?? "?"))\n"
    y += "      due_on: \(due.map(q) ?? "issued_on + \(terms)")\n"
    y += "      amount: \(q(amount))\n"
    if let settled {
      y += "  payments:   # one payment of the full amount on each settled date\n"
      y += common + "    skip_if_empty: [\(q(settled))]   # unsettled invoices have no payment\n"
      y += "    fields:\n"
      y += "      payment_id: \"PAY-{\(invoice)}\"\n"
      y += "      customer_id: \(customerKey)\n"
      y += "      invoice_id: \(q(invoice))\n"
      y += "      received_on: \(q(settled))\n"
      y += "      amount: \(q(amount))\n"
      y += "      method: =other\n"
    } else {
      y += "# No settled or paid date column: import payments from another export.\n"
    }
    if let disputed = find("disputed") ?? header.first(where: { normal($0) == "disputed" }) {
      y += "# \(disputed): a dispute flag. The export does not say when a dispute was opened or\n"
      y += "# closed, so no cases are created; add a cases target if you know the dates.\n"
    }
    return y
  }

  static func caseMapping(
    file: String, headerLine: Int, caseColumn: String, take: (String) -> String?,
    samples: (String?) -> [String]
  ) -> String {
    let q = yamlQuote
    let opened = take("opened")
    let closed = take("closed")
    let owner = take("owner")
    let reason = take("reason")
    let origin = take("origin")
    let subject = take("subject")
    let description = take("description")
    let account = take("customer_id")
    let dateFormat = guessDateFormat(samples(opened) + samples(closed))
    var y = "options:\n"
    y +=
      "  date_format: \(dateFormat.rawValue)   # guessed from: \(samples(opened).prefix(2).joined(separator: ", "))\n"
    y += "  utc_offset: \"+00:00\"   # the time zone the report's times are in\n"
    y += "targets:\n"
    let common =
      "    source: \(q(file))\n" + (headerLine > 1 ? "    header_row: \(headerLine)\n" : "")
    let ownerID = owner.map { "\"{\($0)|slug}\"" } ?? "=unassigned"
    y += "  reps:   # created from the case owners; reps already in the store are kept\n"
    y += common + "    unique_by: rep_id\n    existing: keep\n    fields:\n"
    y += "      rep_id: \(ownerID)\n      name: \(owner.map(q) ?? "=Unassigned")\n"
    y += "  cases:\n" + common + "    fields:\n"
    y += "      case_id: \(q(caseColumn))\n"
    y += "      customer_id: \(account.map(q) ?? "?")   # must match customer_id in the store\n"
    y += "      rep_id: \(ownerID)\n"
    y += "      opened_at: \(opened.map(q) ?? "?")\n"
    if let closed { y += "      closed_at: \(q(closed))\n" }
    if let origin {
      y += "      origin:\n        column: \(q(origin))\n        values: {Phone: inbound_phone, "
      y += "Email: inbound_email, Web: inbound_email, Internal: internal_referral, "
      y += "Collections: collections}\n"
    } else {
      y += "      origin: =collections\n"
    }
    if let reason {
      y += "      root_cause:   # translate your reasons to the recommended vocabulary\n"
      y += "        column: \(q(reason))\n        values: {\"Billing Error\": invoice_discrepancy, "
      y +=
        "\"Duplicate Invoice\": duplicate_billing, \"Pricing\": pricing, \"Missing PO\": missing_po}\n"
    }
    if let subject { y += "      summary: \(q(subject))\n" }
    if let description { y += "      investigation: \(q(description))\n" }
    return y
  }

  /// The first format that reads every sample (day-first when a first number exceeds 12).
  static func guessDateFormat(_ values: [String]) -> DateFormat {
    let order: [DateFormat] = [
      .iso, .monthDayYear, .dayMonthYear, .dayMonthYearDots, .monthDayShortYear, .excel,
    ]
    return order.first { f in !values.isEmpty && values.allSatisfy { f.day($0) != nil } } ?? .iso
  }

  /// `eu` when decimals follow a comma, `us` for symbols, thousands commas or parentheses.
  static func guessMoneyFormat(_ values: [String]) -> MoneyFormat {
    if values.contains(where: { $0.range(of: #",\d{2}$"#, options: .regularExpression) != nil })
      && !values.contains(where: { $0.range(of: #"\.\d{2}$"#, options: .regularExpression) != nil })
    {
      return .eu
    }
    if values.allSatisfy({ MoneyFormat.plain.cents($0) != nil }) { return .plain }
    return .us
  }

  /// A YAML scalar: quoted when it holds anything YAML might read otherwise.
  static func yamlQuote(_ s: String) -> String {
    let plain = s.range(of: #"^[A-Za-z_][A-Za-z0-9_ ./-]*$"#, options: .regularExpression) != nil
    if plain && !["yes", "no", "true", "false", "null", "on", "off"].contains(s.lowercased()) {
      return s
    }
    return "\""
      + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      + "\""
  }
}
