import ArcadenceCore
import ArcadenceStore

/// The weekly root-cause review of kpis.md: what broke this week, what escalated, what is
/// stuck, and how the top causes trend.
public struct WeeklyReview: Sendable {
  /// One root cause of the week's Pareto.
  public struct Cause: Sendable {
    public var rootCause: String
    public var count: Int
    public var share: Double
    public var cumulativeShare: Double
    /// Σ amount of the distinct invoices linked to these cases, in cents.
    public var amountAtStake: Int64
    /// Cases whose customer had a case with the same root cause opened in the 90 days before.
    public var recurring: Int
    /// Count in the previous week, for "rose or fell".
    public var previousWeek: Int
  }

  /// A case open more than 14 days at the end of the week.
  public struct StuckCase: Sendable {
    public var caseId: String
    public var customerId: String
    public var customerName: String
    public var repId: String
    public var repName: String
    public var rootCause: String
    public var openedOn: Day
    public var ageDays: Int
    public var escalationReason: String?
  }

  /// Label used for cases with no root cause.
  public static let unspecified = "(unspecified)"
  /// How many causes get an 8-week trend.
  public static let trendCauses = 5

  public var week: Period
  public var scope: Scope
  public var casesOpened: Int
  public var causes: [Cause]
  /// Escalations in the week per reason, all five reasons.
  public var escalations: [(reason: String, count: Int)]
  /// Cases open over 14 days at the end of the week, oldest first.
  public var stuck: [StuckCase]
  /// The ISO weeks of the trend, oldest first, ending at this week.
  public var trendWeeks: [String]
  /// Weekly counts of the top causes over those 8 weeks.
  public var trend: [(rootCause: String, counts: [Int])]

  /// Computes the review for an ISO week. O(cases).
  public init(ledger l: Ledger, week: Period, scope: Scope = .everyone) throws {
    self.week = week
    self.scope = scope
    let inScope = Set(try scope.reps(in: l))
    let cases = l.caseOpenedAt.indices.filter { inScope.contains(Int(l.caseRep[$0])) }
    func cause(_ k: Int) -> String {
      let c = l.caseRootCause[k]?.trimmingWhitespace() ?? ""
      return c.isEmpty ? WeeklyReview.unspecified : c
    }
    func opened(_ k: Int) -> Day { l.caseOpenedOn(k) }

    // Recurrence: an earlier case of the same customer and cause opened in the 90 days
    // before this one's opening date.
    var history: [String: [Int64]] = [:]  // "customer|cause" → opened_at, all cases
    for k in l.caseOpenedAt.indices {
      history["\(l.caseCustomer[k])|\(cause(k))", default: []].append(l.caseOpenedAt[k])
    }
    func isRecurring(_ k: Int) -> Bool {
      let day = opened(k)
      return (history["\(l.caseCustomer[k])|\(cause(k))"] ?? []).contains { t in
        t < l.caseOpenedAt[k] && Timestamp(seconds: t).day >= day - 90
      }
    }

    let thisWeek = cases.filter { week.contains(opened($0)) }
    let lastWeek = cases.filter { week.previous.contains(opened($0)) }
    casesOpened = thisWeek.count
    let grouped = Dictionary(grouping: thisWeek, by: cause)
    let previousCounts = Dictionary(grouping: lastWeek, by: cause).mapValues(\.count)
    let ordered = grouped.sorted { a, b in
      a.value.count != b.value.count ? a.value.count > b.value.count : a.key < b.key
    }
    var cumulative = 0
    causes = ordered.map { name, ks in
      cumulative += ks.count
      let invoices = Set(ks.map { l.caseInvoice[$0] }.filter { $0 >= 0 })
      return Cause(
        rootCause: name, count: ks.count, share: Double(ks.count) / Double(thisWeek.count),
        cumulativeShare: Double(cumulative) / Double(thisWeek.count),
        amountAtStake: invoices.reduce(0) { $0 + l.invoiceAmount[Int($1)] },
        recurring: ks.filter(isRecurring).count, previousWeek: previousCounts[name] ?? 0)
    }

    var reasons = [Int](repeating: 0, count: 5)
    for k in cases {
      guard let e = l.caseEscalatedAt[k], week.contains(Timestamp(seconds: e).day),
        let reason = l.caseEscalationReason[k],
        let i = Vocabulary.escalationReasons.firstIndex(of: reason)
      else { continue }
      reasons[i] += 1
    }
    escalations = zip(Vocabulary.escalationReasons, reasons).map { ($0, $1) }

    let end = week.to
    stuck = cases.compactMap { k -> StuckCase? in
      let o = opened(k)
      guard KPIEngine.isCaseStuck(k, in: l, atEndOf: end) else { return nil }
      let c = Int(l.caseCustomer[k])
      let r = Int(l.caseRep[k])
      return StuckCase(
        caseId: l.caseIds[k], customerId: l.customerIds[c], customerName: l.customerNames[c],
        repId: l.repIds[r], repName: l.repNames[r], rootCause: cause(k), openedOn: o,
        ageDays: end - o, escalationReason: l.caseEscalationReason[k])
    }.sorted { ($0.ageDays, $1.caseId) > ($1.ageDays, $0.caseId) }

    let weeks = (0..<8).reversed().map { Period(from: week.from - 7 * $0, to: week.to - 7 * $0) }
    trendWeeks = weeks.map { $0.from.isoWeekLabel }
    trend = causes.prefix(WeeklyReview.trendCauses).map { c in
      (
        c.rootCause,
        weeks.map { w in
          cases.filter { cause($0) == c.rootCause && w.contains(opened($0)) }.count
        }
      )
    }
  }

  /// The ISO week label, `2026-W14`.
  public var weekLabel: String { week.from.isoWeekLabel }

  /// The review as JSON.
  public var json: JSONValue {
    .object([
      ("week", .string(weekLabel)), ("period", week.json), ("scope", scope.json),
      ("cases_opened", .int(Int64(casesOpened))),
      (
        "root_causes",
        .array(
          causes.map { c in
            .object([
              ("root_cause", .string(c.rootCause)), ("count", .int(Int64(c.count))),
              ("share", .number(c.share)), ("cumulative_share", .number(c.cumulativeShare)),
              ("amount_at_stake", .money(c.amountAtStake)),
              ("recurring", .int(Int64(c.recurring))),
              ("previous_week", .int(Int64(c.previousWeek))),
            ])
          })
      ),
      ("escalations_by_reason", .object(escalations.map { ($0.reason, .int(Int64($0.count))) })),
      (
        "cases_open_over_14d",
        .array(
          stuck.map { s in
            .object([
              ("case_id", .string(s.caseId)), ("customer_id", .string(s.customerId)),
              ("customer_name", .string(s.customerName)), ("rep_id", .string(s.repId)),
              ("rep_name", .string(s.repName)), ("root_cause", .string(s.rootCause)),
              ("opened_on", .string(s.openedOn.description)), ("age_days", .int(Int64(s.ageDays))),
              ("escalation_reason", .string(s.escalationReason)),
            ])
          })
      ),
      ("trend_weeks", .array(trendWeeks.map { .string($0) })),
      (
        "trend",
        .object(trend.map { ($0.rootCause, .array($0.counts.map { .int(Int64($0)) })) })
      ),
    ])
  }

  /// Escapes text for a Markdown table cell: pipes, backslashes, HTML-significant
  /// characters, inline markup, markup that would start a block (`#`, `-`, `+`, `=`, `~`
  /// first; `>` is always `&gt;`), and line breaks, so untrusted text cannot change the table or inject markup.
  ///
  /// Works on Unicode scalars, so CRLF (one `Character`) is seen: every line break (LF, CR,
  /// CRLF, NEL, U+2028, U+2029) becomes one space; other control and bidi characters show as
  /// escapes (``TerminalText``).
  public static func markdownCell(_ s: String) -> String {
    var out = ""
    var afterCR = false
    for (i, c) in s.unicodeScalars.enumerated() {
      defer { afterCR = c == "\r" }
      switch c {
      case "|": out += "\\|"
      case "\\": out += "\\\\"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "&": out += "&amp;"
      case "*", "_", "`", "[", "]": out += "\\\(c)"
      case _ where i == 0 && "#-+=~".unicodeScalars.contains(c): out += "\\\(c)"
      case "\n" where afterCR: continue
      case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": out += " "
      default:
        if TerminalText.isUnsafe(c) {
          out += TerminalText.escape(c)
        } else {
          out.unicodeScalars.append(c)
        }
      }
    }
    return out
  }

  /// The review as Markdown, for a wiki or the meeting notes.
  public var markdown: String {
    let md = WeeklyReview.markdownCell
    var out = "# Weekly root-cause review — \(weekLabel)\n\n"
    out += "\(week.from) to \(week.to) · \(md(scope.description)) · "
    out += "\(casesOpened) case\(casesOpened == 1 ? "" : "s") opened\n\n"
    out += "## Root causes (Pareto)\n\n"
    if causes.isEmpty {
      out += "No cases were opened this week.\n\n"
    } else {
      out +=
        "| Root cause | Cases | Share | Cumulative | Amount at stake | Recurring | vs last week |\n"
      out += "|---|---:|---:|---:|---:|---:|---|\n"
      for c in causes {
        let delta = c.count - c.previousWeek
        let move = delta > 0 ? "▲ +\(delta)" : delta < 0 ? "▼ \(delta)" : "="
        out += "| \(md(c.rootCause)) | \(c.count) | \(Format.percent(c.share)) | "
        out += "\(Format.percent(c.cumulativeShare)) | \(Cents.display(c.amountAtStake)) | "
        out += "\(c.recurring) | \(move) (\(c.previousWeek)) |\n"
      }
      out += "\n"
    }
    out += "## Escalations by reason\n\n| Reason | Escalations |\n|---|---:|\n"
    for e in escalations { out += "| \(e.reason) | \(e.count) |\n" }
    out += "\n## Cases open more than 14 days at the end of the week\n\n"
    if stuck.isEmpty {
      out += "None.\n\n"
    } else {
      out += "| Case | Customer | Owner | Root cause | Opened | Age (days) | Escalated |\n"
      out += "|---|---|---|---|---|---:|---|\n"
      for s in stuck {
        out += "| \(md(s.caseId)) | \(md(s.customerName)) (\(md(s.customerId))) | "
        out += "\(md(s.repName)) (\(md(s.repId))) | \(md(s.rootCause)) | \(s.openedOn) | "
        out += "\(s.ageDays) | \(s.escalationReason ?? "") |\n"
      }
      out += "\n"
    }
    out += "## Trend of the top causes (cases opened per week)\n\n"
    if trend.isEmpty {
      out += "No causes to trend.\n"
    } else {
      out += "| Root cause | " + trendWeeks.joined(separator: " | ") + " |\n"
      out += "|---|" + String(repeating: "---:|", count: trendWeeks.count) + "\n"
      for t in trend {
        out +=
          "| \(md(t.rootCause)) | " + t.counts.map(String.init).joined(separator: " | ")
          + " |\n"
      }
    }
    return out
  }
}
