-- aging.sql — open balances by days-past-due bucket at the end of a day, grouped
-- (the DuckDB counterpart of `arcadence aging --as-of D --by G`), returned as the whole
-- JSON document, built inside DuckDB (to_json over a struct and an ordered list).
--
-- Parameters (named, DuckDB prepared statement):
--   $as_of     DATE     the day; balances at the end of it
--   $group_by  VARCHAR  'none' | 'customer' | 'rep' | 'segment'
-- Money is BIGINT cents in the tables and an exact DECIMAL with 2 decimals in the JSON
-- (money(): cents × 0.01, a macro bench.py defines). Every row carries the customer
-- fields (rep_id, oldest_invoice, oldest_invoice_dpd, last_contact); they are null for
-- the other groupings, whose few rows bench.py drops them from. One row per group with an open invoice, sorted by past-due
-- balance, largest first, then total (largest first), then key; the totals beside them.
--
-- Definitions (spec/data.md, kpis.md):
--   balance(invoice, d) = amount − payments applied with received_on ≤ d − adjustments
--   posted_on ≤ d; open at d when issued_on ≤ d and balance > 0; dpd = d − due_on.
--   Buckets: current (dpd ≤ 0), d1_30, d31_60, d61_90, d90_plus (dpd > 90).
--   Aging follows the customer's rep.
-- Customer rows also carry the customer's rep, the oldest open invoice (earliest due_on,
-- then earliest issued_on, then smallest invoice_id) with its dpd, and the UTC date of
-- the last activity with the customer on or before the day (any rep, any channel).
-- Tables as load.py lays them out (integer keys, rows sorted by date, activity day).

WITH
-- What reduced each invoice by the end of the day: applied payments and adjustments.
reductions AS (
    SELECT inv_key, sum(amount) AS reduced
    FROM (SELECT inv_key, amount FROM payments
          WHERE inv_key IS NOT NULL AND received_on <= $as_of
          UNION ALL
          SELECT inv_key, amount FROM adjustments WHERE posted_on <= $as_of)
    GROUP BY inv_key
),
-- Invoices open at the end of the day, with their group.
open_invoices AS (
    SELECT i.invoice_id, i.cust_key, i.issued_on, i.due_on, c.rep_key,
           i.amount - coalesce(r.reduced, 0) AS balance,
           $as_of - i.due_on AS dpd,
           CASE $group_by
               WHEN 'none' THEN 'all'
               WHEN 'customer' THEN c.customer_id
               WHEN 'rep' THEN CAST(c.rep_key AS VARCHAR)
               WHEN 'segment' THEN coalesce(c.segment, '(none)')
           END AS grp
    FROM invoices i
    JOIN customers c USING (cust_key)
    LEFT JOIN reductions r USING (inv_key)
    WHERE i.issued_on <= $as_of
      AND i.amount - coalesce(r.reduced, 0) > 0
),
-- Per group (and, with the empty grouping set, for everything): Σ balance per bucket.
groups AS (
    SELECT grouping(grp) = 1 AS is_total,
           grp,
           count(*) AS open_invoices,
           coalesce(sum(balance) FILTER (WHERE dpd <= 0), 0)              AS "current",
           coalesce(sum(balance) FILTER (WHERE dpd BETWEEN 1 AND 30), 0)  AS d1_30,
           coalesce(sum(balance) FILTER (WHERE dpd BETWEEN 31 AND 60), 0) AS d31_60,
           coalesce(sum(balance) FILTER (WHERE dpd BETWEEN 61 AND 90), 0) AS d61_90,
           coalesce(sum(balance) FILTER (WHERE dpd > 90), 0)              AS d90_plus,
           sum(balance)                                                   AS total,
           coalesce(sum(balance) FILTER (WHERE dpd >= 1), 0)              AS past_due,
           -- customer rows: the customer's rep and oldest open invoice
           any_value(cust_key) AS cust_key,
           any_value(rep_key) AS rep_key,
           arg_min(invoice_id, (due_on, issued_on, invoice_id)) AS oldest_invoice,
           $as_of - min(due_on) AS oldest_invoice_dpd
    FROM open_invoices
    GROUP BY GROUPING SETS ((grp), ())
),
-- Last contact: UTC date of the latest activity with the customer on or before the day.
last_contact AS (
    SELECT cust_key, max(day) AS last_contact
    FROM activities
    WHERE $group_by = 'customer' AND day <= $as_of
    GROUP BY cust_key
),
-- The rows with their names and keys as printed.
named AS (
    SELECT g.*,
           CASE $group_by WHEN 'rep' THEN rp.rep_id ELSE g.grp END AS key,
           CASE WHEN $group_by = 'none' THEN 'All customers'
                WHEN $group_by = 'customer' THEN cu.name
                WHEN $group_by = 'rep' THEN rp.name
                ELSE g.grp
           END AS name,
           crp.rep_id AS customer_rep, lc.last_contact
    FROM groups g
    LEFT JOIN customers cu ON $group_by = 'customer' AND cu.cust_key = g.cust_key
    LEFT JOIN reps crp ON $group_by = 'customer' AND crp.rep_key = g.rep_key
    LEFT JOIN reps rp ON $group_by = 'rep' AND CAST(rp.rep_key AS VARCHAR) = g.grp
    LEFT JOIN last_contact lc ON $group_by = 'customer' AND lc.cust_key = g.cust_key
    WHERE NOT g.is_total
)
SELECT to_json({
    'as_of': $as_of,
    'group_by': $group_by,
    'scope': {'rep': NULL::VARCHAR, 'team': NULL::VARCHAR},
    'open_invoices': coalesce(t.open_invoices, 0),
    'total': {'current': money(coalesce(t."current", 0)), 'd1_30': money(coalesce(t.d1_30, 0)),
              'd31_60': money(coalesce(t.d31_60, 0)), 'd61_90': money(coalesce(t.d61_90, 0)),
              'd90_plus': money(coalesce(t.d90_plus, 0)), 'total': money(coalesce(t.total, 0))},
    'rows': coalesce((
        SELECT list({
                   'key': key, 'name': name, 'open_invoices': open_invoices,
                   'buckets': {'current': money("current"), 'd1_30': money(d1_30),
                               'd31_60': money(d31_60), 'd61_90': money(d61_90),
                               'd90_plus': money(d90_plus), 'total': money(total)},
                   'past_due': money(past_due), 'rep_id': customer_rep,
                   'oldest_invoice': oldest_invoice, 'oldest_invoice_dpd': oldest_invoice_dpd,
                   'last_contact': last_contact}
               ORDER BY past_due DESC, total DESC, key)
        FROM named), [])
}) AS document
FROM (SELECT 1) one
LEFT JOIN groups t ON t.is_total
