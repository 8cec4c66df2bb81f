#!/usr/bin/env python3
"""Load the contract CSVs (spec/data.md) into a DuckDB database file.

Usage: load.py DATA_DIR DUCKDB_PATH

This is the DuckDB counterpart of `arcadence import`: a one-time step whose result is
cached, not part of the timed comparison. Every file is read as text (all_varchar) and
converted with explicit SQL casts, so the types are exactly those of the contract:

- dates              -> DATE
- timestamps         -> TIMESTAMP holding the UTC instant ("2026-03-31T22:30:00-05:00" is
                        stored as 2026-04-01 03:30:00; a bare date means 00:00 UTC)
- money              -> BIGINT cents, parsed as DECIMAL(18,2) and scaled, so "123.45" is
                        exactly 12345 (no floating point); more than 2 fraction digits,
                        signs or symbols are rejected
- booleans           -> BOOLEAN (true/false, 1/0, yes/no)
- empty field        -> NULL

The database file is replaced if it exists. Only the CSV files present are loaded
(reps and customers are required, like the analytics need them).
"""

import os
import sys
import time

import duckdb

# Table -> [(column, contract type)], in data.md order; `convert` turns each contract
# type into SQL, SQL_TYPES names the stored type.
SCHEMA = {
    "reps": [("rep_id", "id"), ("name", "text"), ("team", "text"), ("active", "bool")],
    "customers": [
        ("customer_id", "id"), ("name", "text"), ("segment", "text"), ("rep_id", "id"),
        ("payment_terms_days", "int"), ("created_on", "date"),
        ("autopay_enrolled_on", "date"), ("autopay_cancelled_on", "date"),
    ],
    "invoices": [
        ("invoice_id", "id"), ("customer_id", "id"), ("issued_on", "date"),
        ("due_on", "date"), ("amount", "money"),
    ],
    "payments": [
        ("payment_id", "id"), ("customer_id", "id"), ("invoice_id", "id"),
        ("received_on", "date"), ("amount", "money"), ("method", "text"),
    ],
    "adjustments": [
        ("adjustment_id", "id"), ("invoice_id", "id"), ("posted_on", "date"),
        ("amount", "money"), ("kind", "text"),
    ],
    "activities": [
        ("activity_id", "id"), ("customer_id", "id"), ("invoice_id", "id"), ("rep_id", "id"),
        ("occurred_at", "timestamp"), ("channel", "text"), ("direction", "text"),
        ("outcome", "text"),
    ],
    "promises": [
        ("promise_id", "id"), ("customer_id", "id"), ("invoice_id", "id"), ("rep_id", "id"),
        ("made_on", "date"), ("promised_on", "date"), ("amount", "money"),
    ],
    "cases": [
        ("case_id", "id"), ("customer_id", "id"), ("invoice_id", "id"), ("rep_id", "id"),
        ("opened_at", "timestamp"), ("closed_at", "timestamp"), ("origin", "text"),
        ("root_cause", "text"), ("escalated_at", "timestamp"), ("escalation_reason", "text"),
        ("summary", "text"), ("investigation", "text"), ("resolution", "text"),
        ("customer_confirmed", "bool"),
    ],
    "tasks": [
        ("task_id", "id"), ("rep_id", "id"), ("customer_id", "id"), ("invoice_id", "id"),
        ("kind", "text"), ("due_on", "date"), ("completed_on", "date"),
    ],
}

SQL_TYPES = {"id": "VARCHAR", "text": "VARCHAR", "int": "INTEGER", "date": "DATE",
             "timestamp": "TIMESTAMP", "bool": "BOOLEAN", "money": "BIGINT"}

# Dependency order (references point to earlier tables).
ORDER = ["reps", "customers", "invoices", "payments", "adjustments", "activities",
         "promises", "cases", "tasks"]


def convert(col: str, kind: str, table: str) -> str:
    """SQL expression turning the text column `col` into its contract type."""
    c = f'NULLIF("{col}", \'\')'  # an empty field is null (quoted or not)
    if kind in ("id", "text"):
        return c
    if kind == "int":
        return f"CAST({c} AS INTEGER)"
    if kind == "date":
        return f"CAST({c} AS DATE)"
    if kind == "timestamp":
        # Parse with its offset (or Z; a bare date is midnight in the session zone, UTC),
        # then keep the UTC wall time as a plain TIMESTAMP.
        return f"timezone('UTC', CAST({c} AS TIMESTAMPTZ))"
    if kind == "bool":
        v = f"lower(trim({c}))"
        default = "true" if (table, col) == ("reps", "active") else "NULL"
        return (f"CASE WHEN {c} IS NULL THEN {default} "
                f"WHEN {v} IN ('true', '1', 'yes') THEN true "
                f"WHEN {v} IN ('false', '0', 'no') THEN false "
                f"ELSE error('{table}.{col}: not a boolean: ' || {c}) END")
    if kind == "money":
        # Exact decimal parse: at most 2 fraction digits, '.' separator, no sign/symbols.
        return (f"CASE WHEN {c} IS NULL THEN NULL "
                f"WHEN regexp_full_match({c}, '[0-9]+(\\.[0-9]{{1,2}})?') "
                f"THEN CAST(CAST({c} AS DECIMAL(18, 2)) * 100 AS BIGINT) "
                f"ELSE error('{table}.{col}: not a money amount: ' || {c}) END")
    raise ValueError(kind)


def load_typed(con, data_dir: str) -> None:
    """The contract files into typed tables `src_<table>` (text ids, exact types)."""
    for table in ORDER:
        columns = SCHEMA[table]
        ddl = ", ".join(f"{c} {SQL_TYPES[k]}" for c, k in columns)
        con.execute(f"CREATE TABLE src_{table} ({ddl})")
        path = os.path.join(data_dir, f"{table}.csv")
        if not os.path.exists(path):
            if table in ("reps", "customers"):
                sys.exit(f"missing {path}")
            print(f"{table}: no file, empty table", file=sys.stderr)
            continue
        t0 = time.time()
        # Every column as text; RFC 4180 quoting; the header names the columns (any order).
        quoted = path.replace("'", "''")
        source = (f"read_csv('{quoted}', header = true, all_varchar = true, "
                  f"delim = ',', quote = '\"', escape = '\"')")
        header = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        unknown = set(header) - {c for c, _ in columns}
        if unknown:
            sys.exit(f"{path}: unknown columns {sorted(unknown)}")
        select = ", ".join(convert(c, k, table) if c in header else "NULL" for c, k in columns)
        con.execute(f"INSERT INTO src_{table} SELECT {select} FROM {source}")
        # Ids are unique within their file (checked, not indexed: no index is needed).
        key = columns[0][0]
        n, distinct = con.execute(
            f"SELECT count(*), count(DISTINCT {key}) FROM src_{table}").fetchone()
        if n != distinct:
            sys.exit(f"{path}: {n - distinct} duplicate {key} values")
        print(f"{table}: {n:,} rows in {time.time() - t0:.2f} s", file=sys.stderr)


# The tables the queries read, built from src_* the way an expert lays out an analytical
# store: integer surrogate keys (0-based, in id order, like arcadence's ledger indices)
# instead of text ids in every join; the per-row facts that do not depend on the period
# derived once (what arcadence's ledger cache stores: an activity's UTC day, outbound and
# reached flags, a case's UTC dates and documented flag, an adjustment's credit-memo flag);
# rows sorted by their date so DuckDB's zone maps skip the row groups outside a period.
# Text ids and names stay only where the output needs them (reps, customers, invoice ids).
LAYOUT = [
    """CREATE TABLE reps AS
       SELECT CAST(row_number() OVER (ORDER BY rep_id) - 1 AS INTEGER) AS rep_key,
              rep_id, name, team, active
       FROM src_reps ORDER BY rep_id""",
    """CREATE TABLE customers AS
       SELECT CAST(row_number() OVER (ORDER BY c.customer_id) - 1 AS INTEGER) AS cust_key,
              c.customer_id, c.name, c.segment, r.rep_key, c.payment_terms_days,
              c.created_on, c.autopay_enrolled_on, c.autopay_cancelled_on
       FROM src_customers c JOIN reps r USING (rep_id) ORDER BY c.customer_id""",
    """CREATE TABLE invoices AS
       SELECT CAST(row_number() OVER (ORDER BY i.invoice_id) - 1 AS INTEGER) AS inv_key,
              i.invoice_id, c.cust_key, i.issued_on, i.due_on, i.amount
       FROM src_invoices i JOIN customers c USING (customer_id)
       ORDER BY i.issued_on, inv_key""",
    """CREATE TABLE payments AS
       SELECT c.cust_key, i.inv_key, p.received_on, p.amount
       FROM src_payments p JOIN customers c USING (customer_id)
       LEFT JOIN invoices i USING (invoice_id)
       ORDER BY p.received_on""",
    """CREATE TABLE adjustments AS
       SELECT i.inv_key, a.posted_on, a.amount, a.kind = 'credit_memo' AS credit_memo
       FROM src_adjustments a JOIN invoices i USING (invoice_id)
       ORDER BY a.posted_on""",
    """CREATE TABLE activities AS
       SELECT c.cust_key, r.rep_key, CAST(a.occurred_at AS DATE) AS day,
              a.channel = 'call' AND a.direction = 'outbound' AS outbound_call,
              a.channel = 'email' AND a.direction = 'outbound' AS outbound_email,
              a.outcome IN ('reached', 'promise_to_pay', 'dispute', 'paid', 'autopay_enrolled')
                  AS reached
       FROM src_activities a JOIN customers c USING (customer_id) JOIN reps r
            ON r.rep_id = a.rep_id
       ORDER BY day""",
    """CREATE TABLE promises AS
       SELECT c.cust_key, r.rep_key, p.made_on, p.promised_on, p.amount
       FROM src_promises p JOIN customers c USING (customer_id) JOIN reps r
            ON r.rep_id = p.rep_id
       ORDER BY p.made_on""",
    # documented: summary, investigation and resolution non-blank after trimming all
    # Unicode whitespace (the White_Space property), customer_confirmed true.
    r"""CREATE TABLE cases AS
       SELECT r.rep_key,
              epoch(k.opened_at)::BIGINT AS opened_s, epoch(k.closed_at)::BIGINT AS closed_s,
              epoch_us(k.opened_at) AS opened_us, epoch_us(k.closed_at) AS closed_us,
              CAST(k.opened_at AS DATE) AS opened_on, CAST(k.closed_at AS DATE) AS closed_on,
              CAST(k.escalated_at AS DATE) AS escalated_on, k.escalation_reason,
              NOT regexp_full_match(coalesce(k.summary, ''), '[\t\n\x{0B}\f\r\x{85}\p{Z}]*')
              AND NOT regexp_full_match(coalesce(k.investigation, ''),
                                        '[\t\n\x{0B}\f\r\x{85}\p{Z}]*')
              AND NOT regexp_full_match(coalesce(k.resolution, ''),
                                        '[\t\n\x{0B}\f\r\x{85}\p{Z}]*')
              AND coalesce(k.customer_confirmed, false) AS documented
       FROM src_cases k JOIN reps r USING (rep_id)
       ORDER BY k.opened_at""",
    """CREATE TABLE tasks AS
       SELECT r.rep_key, t.due_on, t.completed_on
       FROM src_tasks t JOIN reps r USING (rep_id)
       ORDER BY t.due_on""",
]


def load(data_dir: str, db_path: str) -> None:
    for suffix in ("", ".wal"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    con = duckdb.connect(db_path)
    con.execute("SET TimeZone = 'UTC'")  # bare-date timestamps mean 00:00 UTC
    load_typed(con, data_dir)
    t0 = time.time()
    for statement in LAYOUT:
        con.execute(statement)
    for table in ORDER:
        con.execute(f"DROP TABLE src_{table}")
    print(f"layout (keys, flags, sorted): {time.time() - t0:.2f} s", file=sys.stderr)
    con.execute("CHECKPOINT")
    con.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    load(sys.argv[1], sys.argv[2])
