#!/usr/bin/env bash
# The charts benchmark: arcadence's Cairo renderer against matplotlib, both drawing the full
# chart set to PNG and SVG from the same chart data file. Wall time, CPU time (user + system)
# and peak memory (GNU time) of each whole process, RUNS runs each, alternating; writes
# results.md next to this script. Needs a release build, python3 with matplotlib, and the store (DB, default
# Data/arcadence.sqlite: `make demo` or `arcadence import Data/sample --db …`).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.build/release/arcadence
DB=${DB:-Data/arcadence.sqlite}
RUNS=${RUNS:-3}
WORK=.bench/charts
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }

# The numbers behind the charts, once (this is the only step that reads the store).
$BIN charts --db "$DB" --data-out "$WORK/charts.json" >&2

run() {  # run LABEL COMMAND… → appends "LABEL wall-seconds KB cpu-seconds" to times.txt
  local label=$1; shift
  rm -rf "$WORK/out-$label"
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.txt" "$@" "$WORK/out-$label" > /dev/null
  awk -v l="$label" '{printf "%s %s %s %.2f\n", l, $1, $2, $3 + $4}' "$WORK/time.txt" \
    >> "$WORK/times.txt"
}

: > "$WORK/times.txt"
for _ in $(seq "$RUNS"); do
  run arcadence $BIN charts --from-data "$WORK/charts.json" --format png,svg --out
  run matplotlib python3 Benchmarks/matplotlib/charts.py "$WORK/charts.json"
done

median() { sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
ours=$(awk '$1 == "arcadence" {print $2}' "$WORK/times.txt" | median)
theirs=$(awk '$1 == "matplotlib" {print $2}' "$WORK/times.txt" | median)
ours_cpu=$(awk '$1 == "arcadence" {print $4}' "$WORK/times.txt" | median)
theirs_cpu=$(awk '$1 == "matplotlib" {print $4}' "$WORK/times.txt" | median)
ours_mem=$(awk '$1 == "arcadence" {print $3}' "$WORK/times.txt" | sort -n | tail -1)
theirs_mem=$(awk '$1 == "matplotlib" {print $3}' "$WORK/times.txt" | sort -n | tail -1)
charts=$(grep -c '"kind" : ' "$WORK/charts.json" || true)
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(swift --version 2>&1 | head -1), Python $(python3 -c 'import sys; print(sys.version.split()[0])'), matplotlib $(python3 -c 'import matplotlib; print(matplotlib.__version__)')"
{
  echo "# Charts benchmark: arcadence against matplotlib"
  echo
  echo "Machine: $machine."
  echo "The chart set of \`$DB\` ($(ls "$WORK/out-arcadence" | wc -l) files: PNG at scale 2 and SVG),"
  echo "drawn from the same chart data file by each side. Whole processes (start-up included),"
  echo "median wall time, median CPU time (user + system) and highest peak memory of $RUNS"
  echo "runs each. The machine may be shared: CPU time is the steadier figure."
  echo
  echo "| renderer | wall time, each run (s) | median wall (s) | median CPU (s) | peak memory (MB) |"
  echo "|---|---|---:|---:|---:|"
  for label in arcadence matplotlib; do
    all=$(awk -v l=$label '$1 == l {printf "%s%s", sep, $2; sep=", "}' "$WORK/times.txt")
    if [ $label = arcadence ]; then med=$ours cpu=$ours_cpu mem=$ours_mem
    else med=$theirs cpu=$theirs_cpu mem=$theirs_mem; fi
    echo "| $label | $all | $med | $cpu | $((mem / 1024)) |"
  done
  echo
  awk -v a="$ours" -v b="$theirs" -v c="$ours_cpu" -v d="$theirs_cpu" \
    'BEGIN {printf "arcadence is %.1f× faster in wall time, %.1f× in CPU time (target: 5×).\n", b / a, d / c}'
} > Benchmarks/matplotlib/results.md
cat Benchmarks/matplotlib/results.md
