#!/usr/bin/env python3
"""Run one job of the DuckDB reference and write its result as arcadence-shaped JSON.

Usage:
  bench.py --db DUCKDB_PATH --job kpis|scorecard|aging --out FILE.json
           [--quarter 2026-Q3 | --month 2026-08 | --from YYYY-MM-DD --to YYYY-MM-DD]
           [--as-of 2026-09-30] [--by none|customer|rep|segment]

One job per process, so the whole process can be timed like the arcadence CLI
(`/usr/bin/time -f "%e %M" bench.py …`). The database comes from load.py; the work is the
SQL in this folder (kpis.sql, scorecard.sql, aging.sql), run with DuckDB's default
threads. The JSON has the shape and units of arcadence's `--format json`:

- kpis:      {"period": {"from", "to"}, "scope": {"rep", "team"}, "metrics": {…}}
             (like `arcadence kpis --quarter … --format json`, everyone)
- scorecard: {"period", "reps": [{"rep_id", "name", "team", "metrics", "rank"}]}
- aging:     {"as_of", "group_by", "scope", "open_invoices", "total", "rows": [...]}
             (like `arcadence aging --as-of … --by … --format json`; --by defaults to
             customer, the grouping `make bench` times)

Money is converted from SQL cents to currency units here (cents / 100, which prints as
the exact 2-decimal amount); everything else is passed through.
"""

import argparse
import calendar
import datetime as dt
import json
import os
import re
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))

# Metrics whose value is money (cents in SQL, currency units in JSON).
MONEY = {"collected_amount", "unapplied_amount", "credit_sales", "ar_open_start",
         "ar_open_end", "current_ar_end", "past_due_start", "past_due_end",
         "promised_amount"}
# Metrics whose value is an aging object of money buckets.
AGING = {"aging_end", "aging_start"}
BUCKETS = ["current", "d1_30", "d31_60", "d61_90", "d90_plus", "total"]


def dollars(cents):
    """Cents (int) → currency units (float that prints as the exact decimal), or None."""
    return None if cents is None else cents / 100


def period_of(args) -> tuple[dt.date, dt.date]:
    """The period [from, to] from --quarter, --month or --from/--to."""
    if args.quarter:
        m = re.fullmatch(r"(\d{4})-Q([1-4])", args.quarter)
        if not m:
            sys.exit(f"bad --quarter {args.quarter!r} (e.g. 2026-Q3)")
        year, q = int(m[1]), int(m[2])
        last_month = 3 * q
        return (dt.date(year, last_month - 2, 1),
                dt.date(year, last_month, calendar.monthrange(year, last_month)[1]))
    if args.month:
        m = re.fullmatch(r"(\d{4})-(\d{2})", args.month)
        if not m or not 1 <= int(m[2]) <= 12:
            sys.exit(f"bad --month {args.month!r} (e.g. 2026-08)")
        year, month = int(m[1]), int(m[2])
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if args.from_ and args.to:
        return dt.date.fromisoformat(args.from_), dt.date.fromisoformat(args.to)
    sys.exit("give --quarter, --month or --from and --to")


def sql(name: str) -> str:
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read()


def rows_as_dicts(cursor) -> list[dict]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def metrics_json(row: dict) -> dict:
    """One kpis.sql row → the "metrics" object (contract key order = column order)."""
    out = {}
    for key, value in row.items():
        if key in ("scope", "rep_id", "name", "team", "rank"):
            continue
        if key in MONEY:
            value = dollars(value)
        elif key in AGING:
            value = {b: dollars(value[b]) for b in BUCKETS}
        out[key] = value
    return out


def run_kpis(con, p_from, p_to) -> dict:
    params = {"p_from": p_from, "p_to": p_to, "per_rep": False}
    (row,) = rows_as_dicts(con.execute(sql("kpis.sql"), params))
    return {"period": {"from": str(p_from), "to": str(p_to)},
            "scope": {"rep": None, "team": None},
            "metrics": metrics_json(row)}


def run_scorecard(con, p_from, p_to) -> dict:
    params = {"p_from": p_from, "p_to": p_to, "per_rep": True}
    con.execute("CREATE TEMP TABLE rep_kpis AS " + sql("kpis.sql"), params)
    reps = [{"rep_id": r["rep_id"], "name": r["name"], "team": r["team"],
             "metrics": metrics_json(r), "rank": r["rank"]}
            for r in rows_as_dicts(con.execute(sql("scorecard.sql")))]
    return {"period": {"from": str(p_from), "to": str(p_to)}, "reps": reps}


def run_aging(con, as_of, group_by) -> str:
    """The aging JSON, built whole inside DuckDB (aging.sql)."""
    (document,) = con.execute(sql("aging.sql"), {"as_of": as_of, "group_by": group_by}).fetchone()
    if group_by == "customer":
        return document
    # Other groupings (a few rows): without the customer-only fields.
    result = json.loads(document)
    for row in result["rows"]:
        for key in ("rep_id", "oldest_invoice", "oldest_invoice_dpd", "last_contact"):
            del row[key]
    return json.dumps(result, ensure_ascii=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="DuckDB file written by load.py")
    ap.add_argument("--job", required=True, choices=["kpis", "scorecard", "aging"])
    ap.add_argument("--out", required=True, help="JSON file to write ('-' = stdout)")
    ap.add_argument("--quarter")
    ap.add_argument("--month")
    ap.add_argument("--from", dest="from_")
    ap.add_argument("--to")
    ap.add_argument("--as-of", help="day of the aging job (YYYY-MM-DD)")
    ap.add_argument("--by", default="customer", choices=["none", "customer", "rep", "segment"],
                    help="grouping of the aging job (default: customer)")
    ap.add_argument("--timing", help="file to write the in-process seconds to (the query, "
                    "the JSON and writing it; Python and DuckDB start-up excluded)")
    args = ap.parse_args()

    con = duckdb.connect(args.db, read_only=True)  # default threads
    # Money as an exact decimal with two places (to_json writes it as such: 12345.00).
    con.execute("CREATE TEMP MACRO money(cents) AS CAST(cents AS DECIMAL(38, 0)) * 0.01")
    start = time.perf_counter()
    if args.job == "aging":
        if not args.as_of:
            sys.exit("--job aging needs --as-of")
        text = run_aging(con, dt.date.fromisoformat(args.as_of), args.by) + "\n"
    else:
        p_from, p_to = period_of(args)
        result = (run_kpis if args.job == "kpis" else run_scorecard)(con, p_from, p_to)
        # Compact JSON: the C encoder (indent= would use the slow pure-Python one).
        text = json.dumps(result, ensure_ascii=False) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    if args.timing:
        with open(args.timing, "w", encoding="utf-8") as f:
            f.write(f"{time.perf_counter() - start:.4f}\n")


if __name__ == "__main__":
    main()
