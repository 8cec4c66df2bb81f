-- aging.sql — open balances by days-past-due bucket at the end of a day, grouped
-- (the DuckDB counterpart of `arcadence aging --as-of D --by G`).
--
-- Parameters (named, DuckDB prepared statement):
--   $as_of     DATE     the day; balances at the end of it
--   $group_by  VARCHAR  'none' | 'customer' | 'rep' | 'segment'
-- Money is BIGINT cents. One row per group with an open invoice, sorted by past-due
-- balance, largest first, then total (largest first), then key; plus one total row
-- (is_total = true, first).
--
-- Definitions (spec/data.md, kpis.md):
--   balance(invoice, d) = amount − payments applied with received_on ≤ d − adjustments
--   posted_on ≤ d; open at d when issued_on ≤ d and balance > 0; dpd = d − due_on.
--   Buckets: current (dpd ≤ 0), d1_30, d31_60, d61_90, d90_plus (dpd > 90).
--   Aging follows the customer's rep.
-- Customer rows also carry the customer's rep, the oldest open invoice (earliest due_on,
-- then earliest issued_on, then smallest invoice_id) with its dpd, and the UTC date of
-- the last activity with the customer on or before the day (any rep, any channel).

WITH
-- What reduced each invoice by the end of the day: applied payments and adjustments.
reductions AS (
    SELECT invoice_id, sum(amount) AS reduced
    FROM (SELECT invoice_id, amount FROM payments
          WHERE invoice_id IS NOT NULL AND received_on <= $as_of
          UNION ALL
          SELECT invoice_id, amount FROM adjustments WHERE posted_on <= $as_of)
    GROUP BY invoice_id
),
-- Invoices open at the end of the day, with their group.
open_invoices AS (
    SELECT i.invoice_id, i.customer_id, i.issued_on, i.due_on, c.rep_id,
           i.amount - coalesce(r.reduced, 0) AS balance,
           $as_of - i.due_on AS dpd,
           CASE $group_by
               WHEN 'none' THEN 'all'
               WHEN 'customer' THEN c.customer_id
               WHEN 'rep' THEN c.rep_id
               WHEN 'segment' THEN coalesce(c.segment, '(none)')
           END AS key
    FROM invoices i
    JOIN customers c USING (customer_id)
    LEFT JOIN reductions r USING (invoice_id)
    WHERE i.issued_on <= $as_of
      AND i.amount - coalesce(r.reduced, 0) > 0
),
-- Per group (and, with the empty grouping set, for everything): Σ balance per bucket.
groups AS (
    SELECT grouping(key) = 1 AS is_total,
           key,
           count(*) AS open_invoices,
           coalesce(sum(balance) FILTER (WHERE dpd <= 0), 0)              AS "current",
           coalesce(sum(balance) FILTER (WHERE dpd BETWEEN 1 AND 30), 0)  AS d1_30,
           coalesce(sum(balance) FILTER (WHERE dpd BETWEEN 31 AND 60), 0) AS d31_60,
           coalesce(sum(balance) FILTER (WHERE dpd BETWEEN 61 AND 90), 0) AS d61_90,
           coalesce(sum(balance) FILTER (WHERE dpd > 90), 0)              AS d90_plus,
           sum(balance)                                                   AS total,
           coalesce(sum(balance) FILTER (WHERE dpd >= 1), 0)              AS past_due,
           -- customer rows: the customer's rep and oldest open invoice
           any_value(rep_id) AS rep_id,
           arg_min(invoice_id, (due_on, issued_on, invoice_id)) AS oldest_invoice,
           $as_of - min(due_on) AS oldest_invoice_dpd
    FROM open_invoices
    GROUP BY GROUPING SETS ((key), ())
),
-- Last contact: UTC date of the latest activity with the customer on or before the day.
last_contact AS (
    SELECT customer_id, CAST(max(occurred_at) AS DATE) AS last_contact
    FROM activities
    WHERE $group_by = 'customer'
      AND occurred_at < CAST($as_of + 1 AS TIMESTAMP)
    GROUP BY customer_id
)
SELECT g.is_total,
       CASE WHEN g.is_total THEN 'total' ELSE g.key END AS key,
       CASE WHEN g.is_total THEN 'Total'
            WHEN $group_by = 'none' THEN 'All customers'
            WHEN $group_by = 'customer' THEN cu.name
            WHEN $group_by = 'rep' THEN rp.name
            ELSE g.key
       END AS name,
       g.open_invoices, g."current", g.d1_30, g.d31_60, g.d61_90, g.d90_plus, g.total,
       g.past_due,
       g.rep_id, g.oldest_invoice, g.oldest_invoice_dpd, lc.last_contact
FROM groups g
LEFT JOIN customers cu ON $group_by = 'customer' AND cu.customer_id = g.key
LEFT JOIN reps rp ON $group_by = 'rep' AND rp.rep_id = g.key
LEFT JOIN last_contact lc ON $group_by = 'customer' AND lc.customer_id = g.key
ORDER BY g.is_total DESC, g.past_due DESC, g.total DESC, g.key
