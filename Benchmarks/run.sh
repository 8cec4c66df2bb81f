#!/usr/bin/env bash
# Benchmarks at scale: generate (once, cached in .bench/) 50,000 customers × 24 months and time
# each job of the main workflow on it. Figures are wall time and peak memory (GNU time),
# median of RUNS runs. Nothing here is asserted by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/arcadence
RUNS=${RUNS:-3}
CUSTOMERS=${CUSTOMERS:-50000}
MONTHS=${MONTHS:-24}
DATA=.bench/data-$CUSTOMERS-$MONTHS
STORE=.bench/store-$CUSTOMERS-$MONTHS.sqlite
mkdir -p .bench
command -v /usr/bin/time >/dev/null || { echo "installing GNU time"; apt-get install -y -qq time >/dev/null; }

measure() {  # measure LABEL COMMAND… → prints "LABEL|median seconds|max KB"
  local label=$1; shift
  local times=() mem=0
  for _ in $(seq "$RUNS"); do
    [ -n "${BEFORE:-}" ] && eval "$BEFORE"
    /usr/bin/time -f "%e %M" -o .bench/time.txt "$@" > /dev/null
    read -r t m < .bench/time.txt
    times+=("$t"); [ "$m" -gt "$mem" ] && mem=$m
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  printf '%s|%s|%s\n' "$label" "$median" "$mem"
}

if [ ! -f "$DATA/tasks.csv" ]; then
  echo "generating $CUSTOMERS customers × $MONTHS months into $DATA (once)" >&2
  $BIN generate --out "$DATA" --customers "$CUSTOMERS" --months "$MONTHS" --seed 1 --reps 60 --teams 6 >&2
fi
rows=$(cat "$DATA"/*.csv | wc -l)
{
  echo "job|median s|peak KB"
  BEFORE="rm -rf .bench/gen" measure "generate $CUSTOMERS×$MONTHS" \
    $BIN generate --out .bench/gen --customers "$CUSTOMERS" --months "$MONTHS" --seed 1 --reps 60 --teams 6
  BEFORE="rm -f $STORE $STORE-wal $STORE-shm" measure "import ($rows rows)" \
    $BIN import "$DATA" --db "$STORE"
  measure "kpis --quarter 2026-Q3" $BIN kpis --db "$STORE" --quarter 2026-Q3 --format json
  measure "scorecard --quarter 2026-Q3" $BIN scorecard --db "$STORE" --quarter 2026-Q3 --format json
  measure "aging --by customer" $BIN aging --db "$STORE" --as-of 2026-09-30 --by customer --format csv
  measure "review --week 2026-W39" $BIN review --db "$STORE" --week 2026-W39
} > .bench/results.txt
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(swift --version 2>&1 | head -1)"
{
  echo "# Benchmark results"
  echo
  echo "Machine: $machine. Data: $CUSTOMERS customers × $MONTHS months ($rows CSV rows)."
  echo "Median of $RUNS runs, release build."
  echo
  echo "| job | median wall time (s) | peak memory (MB) |"
  echo "|---|---:|---:|"
  tail -n +2 .bench/results.txt | awk -F'|' '{printf "| %s | %s | %d |\n", $1, $2, $3/1024}'
} > Benchmarks/results.md
cat Benchmarks/results.md
