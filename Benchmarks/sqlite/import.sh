#!/usr/bin/env bash
# sqlite3 `.import` of the contract CSVs in DATA_DIR into a new SQLite file DB, into tables of
# the store's shape (schema.sql, then indices.sql), in one transaction, with the bulk-load
# pragmas of a new file (journal off, synchronous off), then switched to WAL like the store.
#   Benchmarks/sqlite/import.sh DATA_DIR DB
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$1 DB=$2
rm -f "$DB" "$DB-wal" "$DB-shm"
{
  echo ".bail on"
  echo ".read $HERE/schema.sql"
  echo "BEGIN;"
  for t in reps customers invoices payments adjustments activities promises cases tasks; do
    echo ".import --csv --skip 1 $DATA/$t.csv $t"
  done
  echo ".read $HERE/indices.sql"
  echo "COMMIT;"
  echo "PRAGMA journal_mode = WAL;"
} | sqlite3 "$DB" > /dev/null
