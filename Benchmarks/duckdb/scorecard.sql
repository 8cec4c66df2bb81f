-- scorecard.sql — the per-rep scorecard: every KPI in each rep's scope plus the rep's
-- rank in the team (spec/kpis.md, "Scope and scorecards").
--
-- Input: the temp table rep_kpis = kpis.sql run with $per_rep = true (one row per rep in
-- the store, scope = rep_id). bench.py creates it, then runs this query.
--
-- Ranks: standard competition ranking (ties share the better rank: 1, 2, 2, 4) within the
-- rep's team; a null value gets a null rank (and does not take a place). Reps without a
-- team are ranked among themselves (like `arcadence scorecard`). Higher is better for
-- collected_amount, calls, emails, contacts_reached, promises_made, promise_kept_rate,
-- cases_closed, autopay_converted, task_completion_rate, tasks_on_time_rate,
-- documentation_completeness; lower is better for cases_open_over_14d and
-- case_resolution_median_days. Every rep in the store, sorted by rep_id.

WITH
-- One rank per ranked metric and rep. rank() numbers each (team, value-is-null) partition,
-- so nulls take no place; their own "rank" is replaced by null.
ranks AS (
    SELECT r.rep_id,
           CASE WHEN k.collected_amount IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.collected_amount IS NULL
                                  ORDER BY k.collected_amount DESC)
           END AS collected_amount,
           CASE WHEN k.calls IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.calls IS NULL
                                  ORDER BY k.calls DESC)
           END AS calls,
           CASE WHEN k.emails IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.emails IS NULL
                                  ORDER BY k.emails DESC)
           END AS emails,
           CASE WHEN k.contacts_reached IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.contacts_reached IS NULL
                                  ORDER BY k.contacts_reached DESC)
           END AS contacts_reached,
           CASE WHEN k.promises_made IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.promises_made IS NULL
                                  ORDER BY k.promises_made DESC)
           END AS promises_made,
           CASE WHEN k.promise_kept_rate IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.promise_kept_rate IS NULL
                                  ORDER BY k.promise_kept_rate DESC)
           END AS promise_kept_rate,
           CASE WHEN k.cases_closed IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.cases_closed IS NULL
                                  ORDER BY k.cases_closed DESC)
           END AS cases_closed,
           CASE WHEN k.autopay_converted IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.autopay_converted IS NULL
                                  ORDER BY k.autopay_converted DESC)
           END AS autopay_converted,
           CASE WHEN k.task_completion_rate IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.task_completion_rate IS NULL
                                  ORDER BY k.task_completion_rate DESC)
           END AS task_completion_rate,
           CASE WHEN k.tasks_on_time_rate IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.tasks_on_time_rate IS NULL
                                  ORDER BY k.tasks_on_time_rate DESC)
           END AS tasks_on_time_rate,
           CASE WHEN k.documentation_completeness IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.documentation_completeness IS NULL
                                  ORDER BY k.documentation_completeness DESC)
           END AS documentation_completeness,
           CASE WHEN k.cases_open_over_14d IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.cases_open_over_14d IS NULL
                                  ORDER BY k.cases_open_over_14d ASC)
           END AS cases_open_over_14d,
           CASE WHEN k.case_resolution_median_days IS NOT NULL
                THEN rank() OVER (PARTITION BY r.team, k.case_resolution_median_days IS NULL
                                  ORDER BY k.case_resolution_median_days ASC)
           END AS case_resolution_median_days
    FROM reps r
    JOIN rep_kpis k ON k.scope = r.rep_key
)
SELECT r.rep_id, r.name, r.team,
       k.* EXCLUDE (scope),
       -- the rank object, in the spec's order of ranked metrics (higher is better first)
       {'collected_amount': rk.collected_amount,
        'calls': rk.calls,
        'emails': rk.emails,
        'contacts_reached': rk.contacts_reached,
        'promises_made': rk.promises_made,
        'promise_kept_rate': rk.promise_kept_rate,
        'cases_closed': rk.cases_closed,
        'autopay_converted': rk.autopay_converted,
        'task_completion_rate': rk.task_completion_rate,
        'tasks_on_time_rate': rk.tasks_on_time_rate,
        'documentation_completeness': rk.documentation_completeness,
        'cases_open_over_14d': rk.cases_open_over_14d,
        'case_resolution_median_days': rk.case_resolution_median_days} AS rank
FROM reps r
JOIN rep_kpis k ON k.scope = r.rep_key
JOIN ranks rk USING (rep_id)
ORDER BY r.rep_id
