#!/usr/bin/env bash
# Time the DuckDB reference against arcadence on one dataset and check every metric.
#
#   Benchmarks/duckdb/run.sh DATA_DIR STORE DUCKDB_FILE [OUT_DIR]
#
# DATA_DIR: the contract CSVs; STORE: arcadence's store imported from them; DUCKDB_FILE:
# loaded from DATA_DIR by load.py if it does not exist yet (cached, not timed).
# Env: BIN (arcadence binary, default .build/release/arcadence), RUNS (default 3),
# QUARTER (2026-Q3), AS_OF (2026-09-30).
# For each job (kpis, scorecard, aging by customer) both sides run RUNS times as whole
# processes under GNU time; the last outputs are compared with compare.py. Prints one
# line per job: median wall seconds and peak KB of each side, DuckDB's median in-process
# seconds (bench.py --timing: the query, the JSON and writing it, without Python and DuckDB
# start-up), and the comparison.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$1 STORE=$2 DUCK=$3 OUT=${4:-$(mktemp -d)}
BIN=${BIN:-.build/release/arcadence}
RUNS=${RUNS:-3} QUARTER=${QUARTER:-2026-Q3} AS_OF=${AS_OF:-2026-09-30}
mkdir -p "$OUT"
[ -f "$DUCK" ] || python3 "$HERE/load.py" "$DATA" "$DUCK"

median() { sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"; }
# measure OUTFILE COMMAND… → "median_seconds max_kb median_inprocess"; stdout of the last run
# to OUTFILE; the in-process seconds are those bench.py writes to $OUT/inproc.txt ("-" if none).
measure() {
  local out=$1; shift
  local times=() inproc=() mem=0
  for _ in $(seq "$RUNS"); do
    rm -f "$OUT/inproc.txt"
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > "$out"
    read -r t m < "$OUT/time.txt"
    times+=("$t"); [ "$m" -gt "$mem" ] && mem=$m
    [ -f "$OUT/inproc.txt" ] && inproc+=("$(cat "$OUT/inproc.txt")")
  done
  local ip=-
  [ ${#inproc[@]} -gt 0 ] && ip=$(printf '%s\n' "${inproc[@]}" | median)
  echo "$(printf '%s\n' "${times[@]}" | median) $mem $ip"
}

echo "job | arcadence s | arcadence MB | duckdb s | duckdb MB | duckdb in-process s | comparison"
for job in kpis scorecard aging; do
  case $job in
    aging) ours=(aging --db "$STORE" --as-of "$AS_OF" --by customer --format json)
           theirs=(--job aging --as-of "$AS_OF" --by customer) ;;
    *)     ours=("$job" --db "$STORE" --quarter "$QUARTER" --format json)
           theirs=(--job "$job" --quarter "$QUARTER") ;;
  esac
  read -r ot om _ < <(measure "$OUT/ours-$job.json" "$BIN" "${ours[@]}")
  read -r dt dm di < <(measure /dev/null python3 "$HERE/bench.py" --db "$DUCK" "${theirs[@]}" \
    --out "$OUT/theirs-$job.json" --timing "$OUT/inproc.txt")
  verdict=$(python3 "$HERE/compare.py" "$OUT/ours-$job.json" "$OUT/theirs-$job.json" \
    > "$OUT/compare-$job.txt" && tail -1 "$OUT/compare-$job.txt" \
    || echo "DISAGREE: $(tail -1 "$OUT/compare-$job.txt") (see $OUT/compare-$job.txt)")
  echo "$job | $ot | $((om / 1024)) | $dt | $((dm / 1024)) | $di | $verdict"
done
