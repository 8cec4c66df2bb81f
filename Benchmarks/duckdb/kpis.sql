-- kpis.sql — every KPI of spec/kpis.md for a period, in DuckDB SQL.
--
-- Parameters (named, DuckDB prepared statement):
--   $p_from, $p_to  DATE    the period P = [from, to], both inclusive
--   $per_rep        BOOLEAN false: one row for everyone (scope -1);
--                           true: one row per rep in the store (scope = rep_key)
-- Notation of the spec: start = from − 1 day; days(P) = to − from + 1; "at d" = at the
-- end of day d. Money is BIGINT cents, ratios DOUBLE, NULL where a denominator is 0.
-- Tables as load.py lays them out: integer keys (cust_key, inv_key, rep_key), rows
-- sorted by date, the per-row flags (outbound call/email, reached, documented, credit
-- memo) and UTC dates (activity day, case opened/closed/escalated on) derived at load.
--
-- Scope (spec "Scope"): invoices, payments, adjustments, aging and auto-pay follow the
-- customer's rep; activities, promises, cases and tasks follow their own rep_id.
-- Columns come out in the order of the output contract.

WITH
-- Customers with the scope they count in (their current rep).
cust AS (
    SELECT cust_key,
           CASE WHEN $per_rep THEN rep_key ELSE -1 END AS scope,
           created_on, autopay_enrolled_on, autopay_cancelled_on
    FROM customers
),
-- The rows of the result: every rep, or one row for everyone.
scopes AS (
    SELECT rep_key AS scope FROM reps WHERE $per_rep
    UNION ALL
    SELECT -1 WHERE NOT $per_rep
),

-- ── Cash ───────────────────────────────────────────────────────────────────────────
cash AS (
    SELECT c.scope,
           -- collected_amount: Σ amount of payments with received_on in P (applied or not)
           sum(p.amount) AS collected_amount,
           -- payments_count: how many such payments
           count(*) AS payments_count,
           -- unapplied_amount: Σ amount of those payments that have no invoice_id
           coalesce(sum(p.amount) FILTER (WHERE p.inv_key IS NULL), 0) AS unapplied_amount
    FROM payments p JOIN cust c USING (cust_key)
    WHERE p.received_on BETWEEN $p_from AND $p_to
    GROUP BY c.scope
),
sales AS (
    -- credit_sales: Σ amount of invoices issued in P (gross: credit memos not subtracted)
    SELECT c.scope, sum(i.amount) AS credit_sales
    FROM invoices i JOIN cust c USING (cust_key)
    WHERE i.issued_on BETWEEN $p_from AND $p_to
    GROUP BY c.scope
),
-- collection_rate: cohort = invoices with due_on in P. Billed = Σ (amount − credit memos
-- posted ≤ to). Collected = Σ over cohort invoices of min(net amount, payments applied
-- with received_on ≤ to) (also before P). Rate = collected ÷ billed. Write-offs count
-- as not collected (they are neither subtracted from billed nor collected).
cohort AS (
    SELECT c.scope,
           i.amount - coalesce(cm.credited, 0) AS net,
           coalesce(ap.paid, 0) AS paid
    FROM invoices i
    JOIN cust c USING (cust_key)
    LEFT JOIN (SELECT inv_key, sum(amount) AS credited
               FROM adjustments
               WHERE credit_memo AND posted_on <= $p_to
               GROUP BY inv_key) cm USING (inv_key)
    LEFT JOIN (SELECT inv_key, sum(amount) AS paid
               FROM payments
               WHERE inv_key IS NOT NULL AND received_on <= $p_to
               GROUP BY inv_key) ap USING (inv_key)
    WHERE i.due_on BETWEEN $p_from AND $p_to
),
collection AS (
    SELECT scope, sum(net) AS billed, sum(least(net, paid)) AS collected
    FROM cohort
    GROUP BY scope
),

-- ── Receivables and aging ──────────────────────────────────────────────────────────
-- balance(invoice, d) = amount − payments applied with received_on ≤ d − adjustments
-- (credit memos and write-offs) posted_on ≤ d. Open at d: issued_on ≤ d and balance > 0.
-- dpd(invoice, d) = d − due_on.
reductions AS (
    SELECT inv_key,
           coalesce(sum(amount) FILTER (WHERE on_day <= $p_from - 1), 0) AS by_start,
           sum(amount) AS by_end
    FROM (SELECT inv_key, received_on AS on_day, amount
          FROM payments WHERE inv_key IS NOT NULL AND received_on <= $p_to
          UNION ALL
          SELECT inv_key, posted_on, amount
          FROM adjustments WHERE posted_on <= $p_to)
    GROUP BY inv_key
),
-- Every invoice issued by `to`, with its balance at `start` and at `to`.
invoice_balances AS (
    SELECT c.scope, i.issued_on, i.due_on,
           i.amount - coalesce(r.by_start, 0) AS balance_start,
           i.amount - coalesce(r.by_end, 0) AS balance_end
    FROM invoices i
    JOIN cust c USING (cust_key)
    LEFT JOIN reductions r USING (inv_key)
    WHERE i.issued_on <= $p_to
),
-- One row per invoice open at `start` (snapshot = 'start') and per invoice open at `to`
-- (snapshot = 'end'), with its balance and dpd on that day.
open_invoices AS (
    SELECT scope, 'start' AS snapshot, balance_start AS balance, ($p_from - 1) - due_on AS dpd
    FROM invoice_balances
    WHERE issued_on <= $p_from - 1 AND balance_start > 0
    UNION ALL
    SELECT scope, 'end' AS snapshot, balance_end AS balance, $p_to - due_on AS dpd
    FROM invoice_balances
    WHERE balance_end > 0
),
-- Buckets: current (dpd ≤ 0), 1–30, 31–60, 61–90, 90+ (dpd > 90); Σ balance per bucket.
aging AS (
    SELECT scope, snapshot,
           coalesce(sum(balance) FILTER (WHERE dpd <= 0), 0)              AS "current",
           coalesce(sum(balance) FILTER (WHERE dpd BETWEEN 1 AND 30), 0)  AS d1_30,
           coalesce(sum(balance) FILTER (WHERE dpd BETWEEN 31 AND 60), 0) AS d31_60,
           coalesce(sum(balance) FILTER (WHERE dpd BETWEEN 61 AND 90), 0) AS d61_90,
           coalesce(sum(balance) FILTER (WHERE dpd > 90), 0)              AS d90_plus,
           sum(balance)                                                   AS total
    FROM open_invoices
    GROUP BY scope, snapshot
),
-- Start and end side by side, zero where nothing is open.
receivables AS (
    SELECT s.scope,
           {'current': coalesce(a0."current", 0), 'd1_30': coalesce(a0.d1_30, 0),
            'd31_60': coalesce(a0.d31_60, 0), 'd61_90': coalesce(a0.d61_90, 0),
            'd90_plus': coalesce(a0.d90_plus, 0), 'total': coalesce(a0.total, 0)} AS aging_start,
           {'current': coalesce(a1."current", 0), 'd1_30': coalesce(a1.d1_30, 0),
            'd31_60': coalesce(a1.d31_60, 0), 'd61_90': coalesce(a1.d61_90, 0),
            'd90_plus': coalesce(a1.d90_plus, 0), 'total': coalesce(a1.total, 0)} AS aging_end
    FROM scopes s
    LEFT JOIN aging a0 ON a0.scope = s.scope AND a0.snapshot = 'start'
    LEFT JOIN aging a1 ON a1.scope = s.scope AND a1.snapshot = 'end'
),
receivables_kpis AS (
    SELECT scope, aging_start, aging_end,
           -- ar_open_start, ar_open_end: Σ balance of open invoices at `start` and at `to`
           aging_start.total AS ar_open_start,
           aging_end.total AS ar_open_end,
           -- current_ar_end: the part of ar_open_end on invoices with dpd ≤ 0
           aging_end."current" AS current_ar_end,
           -- past_due_start, past_due_end: Σ balance of open invoices with dpd ≥ 1
           aging_start.total - aging_start."current" AS past_due_start,
           aging_end.total - aging_end."current" AS past_due_end
    FROM receivables
),

-- ── Auto-pay ───────────────────────────────────────────────────────────────────────
-- Customers with at least one invoice issued in the 365 days that end at `to`
-- ([to − 364, to]).
billed_365 AS (
    SELECT DISTINCT cust_key
    FROM invoices
    WHERE issued_on BETWEEN $p_to - 364 AND $p_to
),
autopay_facts AS (
    SELECT c.scope,
           -- enrolled at d: autopay_enrolled_on ≤ d and (autopay_cancelled_on null or > d)
           coalesce(c.autopay_enrolled_on <= $p_to
                    AND (c.autopay_cancelled_on IS NULL OR c.autopay_cancelled_on > $p_to),
                    false) AS enrolled_end,
           -- eligible: created_on ≤ start, not enrolled at start (a cancellation on or
           -- before start means not enrolled), invoiced in the 365 days ending at `to`
           c.created_on <= $p_from - 1
           AND NOT coalesce(c.autopay_enrolled_on <= $p_from - 1
                            AND (c.autopay_cancelled_on IS NULL
                                 OR c.autopay_cancelled_on > $p_from - 1),
                            false) AS eligible,
           coalesce(c.autopay_enrolled_on BETWEEN $p_from AND $p_to, false) AS enrolled_in_p
    FROM cust c SEMI JOIN billed_365 b USING (cust_key)
),
autopay AS (
    SELECT scope,
           -- autopay_eligible
           count(*) FILTER (WHERE eligible) AS autopay_eligible,
           -- autopay_converted: eligible customers whose autopay_enrolled_on is in P
           count(*) FILTER (WHERE eligible AND enrolled_in_p) AS autopay_converted,
           -- autopay_share_end: enrolled at `to` ÷ customers invoiced in the 365 days
           -- ending at `to` (numerator restricted to the denominator)
           count(*) FILTER (WHERE enrolled_end) AS enrolled_end,
           count(*) AS billed_customers
    FROM autopay_facts
    GROUP BY scope
),

-- ── Cases (billing investigations; scope: the case's rep_id) ───────────────────────
case_facts AS (
    SELECT CASE WHEN $per_rep THEN rep_key ELSE -1 END AS scope,
           opened_on, closed_on, escalated_on,            -- UTC dates (load.py)
           escalation_reason,
           -- resolution time: exact elapsed seconds ÷ 86,400
           (closed_us - opened_us) / 86400e6 AS resolution_days,
           -- documentation complete (load.py): summary, investigation and resolution
           -- non-blank after trimming all Unicode whitespace, customer_confirmed true
           documented
    FROM cases
),
case_kpis AS (
    SELECT scope,
           -- cases_opened, cases_closed: date of opened_at / closed_at in P
           count(*) FILTER (WHERE opened_on BETWEEN $p_from AND $p_to) AS cases_opened,
           count(*) FILTER (WHERE closed_on BETWEEN $p_from AND $p_to) AS cases_closed,
           -- cases_open_end: opened on or before `to`, not closed by the end of `to`
           count(*) FILTER (WHERE opened_on <= $p_to
                            AND (closed_on IS NULL OR closed_on > $p_to)) AS cases_open_end,
           -- cases_open_over_14d: of those, `to` − date(opened_at) > 14 days
           count(*) FILTER (WHERE opened_on <= $p_to
                            AND (closed_on IS NULL OR closed_on > $p_to)
                            AND $p_to - opened_on > 14) AS cases_open_over_14d,
           -- case_resolution_median_days, _p90_days: over cases closed in P, linear
           -- interpolation between closest ranks (NumPy's default = quantile_cont)
           quantile_cont(resolution_days, 0.5)
               FILTER (WHERE closed_on BETWEEN $p_from AND $p_to) AS case_resolution_median_days,
           quantile_cont(resolution_days, 0.9)
               FILTER (WHERE closed_on BETWEEN $p_from AND $p_to) AS case_resolution_p90_days,
           -- escalations: cases with escalated_at in P; by reason, all five, zeros included
           count(*) FILTER (WHERE escalated_on BETWEEN $p_from AND $p_to) AS escalations,
           {'delay': count(*) FILTER (WHERE escalated_on BETWEEN $p_from AND $p_to
                                      AND escalation_reason = 'delay'),
            'documentation_gap': count(*) FILTER (WHERE escalated_on BETWEEN $p_from AND $p_to
                                      AND escalation_reason = 'documentation_gap'),
            'customer_request': count(*) FILTER (WHERE escalated_on BETWEEN $p_from AND $p_to
                                      AND escalation_reason = 'customer_request'),
            'amount': count(*) FILTER (WHERE escalated_on BETWEEN $p_from AND $p_to
                                      AND escalation_reason = 'amount'),
            'other': count(*) FILTER (WHERE escalated_on BETWEEN $p_from AND $p_to
                                      AND escalation_reason = 'other')} AS escalations_by_reason,
           -- documentation_completeness: share of cases closed in P that are documented
           count(*) FILTER (WHERE closed_on BETWEEN $p_from AND $p_to AND documented)
               AS cases_closed_documented
    FROM case_facts
    GROUP BY scope
),

-- ── Cadence and follow-up (scope: the task's rep_id) ───────────────────────────────
task_kpis AS (
    SELECT CASE WHEN $per_rep THEN rep_key ELSE -1 END AS scope,
           -- tasks_due: tasks with due_on in P
           count(*) AS tasks_due,
           -- tasks_completed: of those, completed_on set and ≤ to (even before from)
           count(*) FILTER (WHERE completed_on <= $p_to) AS tasks_completed,
           -- numerator of tasks_on_time_rate: of tasks_due, completed_on ≤ due_on
           count(*) FILTER (WHERE completed_on <= due_on) AS tasks_on_time
    FROM tasks
    WHERE due_on BETWEEN $p_from AND $p_to
    GROUP BY ALL
),

-- ── Promises to pay (scope: the promise's rep_id) ──────────────────────────────────
promises_made AS (
    SELECT row_number() OVER () AS promise_no, cust_key, made_on, amount,
           CASE WHEN $per_rep THEN rep_key ELSE -1 END AS scope,
           promised_on + 3 AS deadline              -- promised_on + 3 days
    FROM promises
    WHERE made_on BETWEEN $p_from AND $p_to
),
-- Σ of the customer's payments (any invoice or unapplied, whatever the scope) with
-- received_on in [made_on, promised_on + 3]; each promise judged on its own.
promise_cover AS (
    SELECT pm.promise_no, sum(p.amount) AS paid
    FROM promises_made pm
    JOIN payments p ON p.cust_key = pm.cust_key
                   AND p.received_on BETWEEN pm.made_on AND pm.deadline
    GROUP BY pm.promise_no
),
promise_kpis AS (
    SELECT pm.scope,
           -- promises_made, promised_amount: promises with made_on in P
           count(*) AS promises_made,
           sum(pm.amount) AS promised_amount,
           -- promises_due: promised_on + 3 days ≤ to
           count(*) FILTER (WHERE pm.deadline <= $p_to) AS promises_due,
           -- promises_kept: due, and covered by the customer's payments (kept ⊆ due)
           count(*) FILTER (WHERE pm.deadline <= $p_to
                            AND coalesce(pc.paid, 0) >= pm.amount) AS promises_kept
    FROM promises_made pm LEFT JOIN promise_cover pc USING (promise_no)
    GROUP BY pm.scope
),

-- ── Outreach (scope: the activity's rep_id) ────────────────────────────────────────
outreach AS (
    SELECT CASE WHEN $per_rep THEN rep_key ELSE -1 END AS scope,
           -- calls, emails: outbound activities of that channel with occurred_at in P
           count(*) FILTER (WHERE outbound_call) AS calls,
           count(*) FILTER (WHERE outbound_email) AS emails,
           -- contacts_reached: activities (any channel and direction) in P whose outcome is
           -- reached, promise_to_pay, dispute, paid or autopay_enrolled (load.py's flag)
           count(*) FILTER (WHERE reached) AS contacts_reached
    FROM activities
    -- UTC date of occurred_at (load.py) in P; rows sorted by it, so the scan prunes
    WHERE day BETWEEN $p_from AND $p_to
    GROUP BY ALL
)

-- ── The KPI pack, one row per scope, in contract order ─────────────────────────────
SELECT
    s.scope,
    -- Cash
    coalesce(cash.collected_amount, 0) AS collected_amount,
    coalesce(cash.payments_count, 0) AS payments_count,
    coalesce(cash.unapplied_amount, 0) AS unapplied_amount,
    coalesce(sales.credit_sales, 0) AS credit_sales,
    col.collected / CAST(nullif(col.billed, 0) AS DOUBLE) AS collection_rate,
    -- Receivables and aging
    r.ar_open_start, r.ar_open_end, r.current_ar_end, r.past_due_start, r.past_due_end,
    r.aging_end, r.aging_start,
    -- aging_reduction: (past_due_start − past_due_end) ÷ past_due_start (signed)
    (r.past_due_start - r.past_due_end) / CAST(nullif(r.past_due_start, 0) AS DOUBLE)
        AS aging_reduction,
    -- aging_90_plus_reduction: the same for the d90_plus bucket
    (r.aging_start.d90_plus - r.aging_end.d90_plus)
        / CAST(nullif(r.aging_start.d90_plus, 0) AS DOUBLE) AS aging_90_plus_reduction,
    -- dso: ar_open_end ÷ credit_sales × days(P)
    r.ar_open_end / CAST(nullif(sales.credit_sales, 0) AS DOUBLE)
        * ($p_to - $p_from + 1) AS dso,
    -- best_possible_dso: current_ar_end ÷ credit_sales × days(P)
    r.current_ar_end / CAST(nullif(sales.credit_sales, 0) AS DOUBLE)
        * ($p_to - $p_from + 1) AS best_possible_dso,
    -- add: dso − best_possible_dso (average days delinquent)
    r.ar_open_end / CAST(nullif(sales.credit_sales, 0) AS DOUBLE) * ($p_to - $p_from + 1)
      - r.current_ar_end / CAST(nullif(sales.credit_sales, 0) AS DOUBLE) * ($p_to - $p_from + 1)
        AS "add",
    -- cei: (ar_open_start + credit_sales − ar_open_end)
    --      ÷ (ar_open_start + credit_sales − current_ar_end)
    (r.ar_open_start + coalesce(sales.credit_sales, 0) - r.ar_open_end)
        / CAST(nullif(r.ar_open_start + coalesce(sales.credit_sales, 0) - r.current_ar_end, 0)
               AS DOUBLE) AS cei,
    -- Auto-pay
    coalesce(ap.autopay_eligible, 0) AS autopay_eligible,
    coalesce(ap.autopay_converted, 0) AS autopay_converted,
    -- autopay_conversion_rate: converted ÷ eligible
    ap.autopay_converted / CAST(nullif(ap.autopay_eligible, 0) AS DOUBLE)
        AS autopay_conversion_rate,
    ap.enrolled_end / CAST(nullif(ap.billed_customers, 0) AS DOUBLE) AS autopay_share_end,
    -- Cases
    coalesce(ck.cases_opened, 0) AS cases_opened,
    coalesce(ck.cases_closed, 0) AS cases_closed,
    coalesce(ck.cases_open_end, 0) AS cases_open_end,
    coalesce(ck.cases_open_over_14d, 0) AS cases_open_over_14d,
    ck.case_resolution_median_days,
    ck.case_resolution_p90_days,
    coalesce(ck.escalations, 0) AS escalations,
    coalesce(ck.escalations_by_reason,
             {'delay': 0, 'documentation_gap': 0, 'customer_request': 0, 'amount': 0,
              'other': 0}) AS escalations_by_reason,
    ck.cases_closed_documented / CAST(nullif(ck.cases_closed, 0) AS DOUBLE)
        AS documentation_completeness,
    -- Cadence and follow-up
    coalesce(t.tasks_due, 0) AS tasks_due,
    coalesce(t.tasks_completed, 0) AS tasks_completed,
    -- task_completion_rate: tasks_completed ÷ tasks_due
    t.tasks_completed / CAST(nullif(t.tasks_due, 0) AS DOUBLE) AS task_completion_rate,
    -- tasks_on_time_rate: (of tasks_due, completed_on ≤ due_on) ÷ tasks_due
    t.tasks_on_time / CAST(nullif(t.tasks_due, 0) AS DOUBLE) AS tasks_on_time_rate,
    -- Promises
    coalesce(pk.promises_made, 0) AS promises_made,
    coalesce(pk.promised_amount, 0) AS promised_amount,
    coalesce(pk.promises_due, 0) AS promises_due,
    coalesce(pk.promises_kept, 0) AS promises_kept,
    -- promise_kept_rate: kept ÷ due
    pk.promises_kept / CAST(nullif(pk.promises_due, 0) AS DOUBLE) AS promise_kept_rate,
    -- Outreach
    coalesce(o.calls, 0) AS calls,
    coalesce(o.emails, 0) AS emails,
    coalesce(o.contacts_reached, 0) AS contacts_reached
FROM scopes s
LEFT JOIN cash USING (scope)
LEFT JOIN sales USING (scope)
LEFT JOIN collection col USING (scope)
LEFT JOIN receivables_kpis r USING (scope)
LEFT JOIN autopay ap USING (scope)
LEFT JOIN case_kpis ck USING (scope)
LEFT JOIN task_kpis t USING (scope)
LEFT JOIN promise_kpis pk USING (scope)
LEFT JOIN outreach o USING (scope)
ORDER BY s.scope
