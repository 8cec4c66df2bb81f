#!/usr/bin/env bash
# make bench: arcadence against the tools a user would otherwise pick, on the same machine in
# the same run, as ratios (see Benchmarks/README.md).
#
#   1. import of the large CSVs      vs sqlite3's own .import into tables of the same shape
#   2. KPI pack (kpis + scorecard)   vs DuckDB SQL over the same data, every metric compared
#   3. aging by customer             vs DuckDB, every row compared
#   4. simulator invoice-days/s      vs the fair NumPy model (searchsorted inversion, compaction)
#                                      and a C reference of our own algorithm (gcc -O3)
#   5. the chart set, PNG and SVG    vs matplotlib drawing the same charts from the same numbers
#   6. `arcadence serve` under load  vs nginx serving the static dashboard (serve-load.sh)
#
# Wall time, CPU time (user + system) and peak memory (GNU time) of whole processes, median
# of RUNS runs; for DuckDB also the in-process time (the query, the JSON and writing it,
# timed inside bench.py: Python and DuckDB start-up excluded). The data
# (CUSTOMERS × MONTHS, default 50,000 × 24) is generated once and cached under .bench/,
# as are the imported store and the DuckDB file. Nothing here is asserted by `make test`.
# Prints the table and writes Benchmarks/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/.build/release/arcadence}
RUNS=${RUNS:-3}
CUSTOMERS=${CUSTOMERS:-50000}
MONTHS=${MONTHS:-24}
QUARTER=${QUARTER:-2026-Q3}
AS_OF=${AS_OF:-2026-09-30}
PATHS=${PATHS:-2000}
DATA=.bench/data-$CUSTOMERS-$MONTHS
STORE=.bench/store-$CUSTOMERS-$MONTHS.sqlite
# The expert layout (integer keys, derived flags, rows sorted by date: duckdb/load.py); a
# file of the first-round layout has another name, so it is never read by these queries.
DUCK=.bench/duckdb-expert-$CUSTOMERS-$MONTHS.duckdb
OUT=.bench/out-$CUSTOMERS-$MONTHS
mkdir -p .bench "$OUT"
# JOBS selects sections (default all); each writes its own row file, and the table is made
# from every row file present, so `JOBS=sim make bench` refreshes one row.
JOBS=${JOBS:-import kpis aging sim charts serve}
want() { [[ " $JOBS " == *" $1 "* ]]; }

# --- tools: GNU time, sqlite3, gcc (the C reference), and the Python references' packages -------------------------
need_apt=""
command -v /usr/bin/time >/dev/null || need_apt="$need_apt time"
command -v sqlite3 >/dev/null || need_apt="$need_apt sqlite3"
command -v gcc >/dev/null || need_apt="$need_apt gcc"
if [ -n "$need_apt" ]; then
  echo "installing$need_apt" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq $need_apt >/dev/null
fi
python3 -c "import duckdb, numpy, matplotlib, yaml" 2>/dev/null || {
  echo "installing duckdb numpy matplotlib (pip)" >&2
  python3 -m pip install -q -r Benchmarks/requirements.txt
}

# measure OUTFILE COMMAND… → "median_seconds peak_KB"; the last run's stdout goes to OUTFILE.
# BEFORE (a shell snippet) runs before each run, untimed.
measure() {
  local out=$1; shift
  local times=() mem=0
  for _ in $(seq "$RUNS"); do
    [ -n "${BEFORE:-}" ] && eval "$BEFORE"
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$@" > "$out"
    read -r t m < "$OUT/time.txt"
    times+=("$t"); [ "$m" -gt "$mem" ] && mem=$m
  done
  echo "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p") $mem"
}
median() { sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"; }
# measure_cpu OUTFILE COMMAND… → "median_wall peak_KB median_cpu median_inprocess"; like
# measure, plus the median CPU seconds (user + system) and, when the command writes the
# file $OUT/inproc.txt (bench.py --timing), the median of its in-process seconds (else "-").
measure_cpu() {
  local out=$1; shift
  local times=() cpus=() inproc=() mem=0
  for _ in $(seq "$RUNS"); do
    [ -n "${BEFORE:-}" ] && eval "$BEFORE"
    rm -f "$OUT/inproc.txt"
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/time.txt" "$@" > "$out"
    read -r t m u sy < "$OUT/time.txt"
    times+=("$t"); cpus+=("$(fmt "$u + $sy" .2f)"); [ "$m" -gt "$mem" ] && mem=$m
    [ -f "$OUT/inproc.txt" ] && inproc+=("$(cat "$OUT/inproc.txt")")
  done
  local ip=-
  [ ${#inproc[@]} -gt 0 ] && ip=$(printf '%s\n' "${inproc[@]}" | median)
  echo "$(printf '%s\n' "${times[@]}" | median) $mem $(printf '%s\n' "${cpus[@]}" | median) $ip"
}
# split_row N TEXT: the in-process split of row N (its own column of the table).
split_row() { printf '%s' "$2" > "$OUT/split-$1.txt"; }
# row N JOB OURS OURS_MB REFERENCE REF_MB RATIO TARGET MET NOTE → .bench/out/row-N.tsv
row() {
  local n=$1; shift
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(date -u +%Y-%m-%d)" > "$OUT/row-$n.tsv"
}
calc() { python3 -c "print($1)"; }
fmt() { python3 -c "print(f'{$1:$2}')"; }

# --- data -----------------------------------------------------------------------------------
if [ ! -f "$DATA/tasks.csv" ]; then
  echo "generating $CUSTOMERS customers × $MONTHS months into $DATA (once)" >&2
  "$BIN" generate --out "$DATA" --customers "$CUSTOMERS" --months "$MONTHS" --seed 1 \
    --reps 60 --teams 6 >&2
fi
csv_rows=$(cat "$DATA"/*.csv | wc -l)

# --- 1. import ------------------------------------------------------------------------------
if want import; then
echo "1/6 import ($csv_rows CSV rows)" >&2
read -r ot om oc _ < <(BEFORE="rm -f $OUT/import.sqlite*" measure_cpu /dev/null \
  "$BIN" import "$DATA" --db "$OUT/import.sqlite")
read -r rt rm_ rc _ < <(measure_cpu /dev/null Benchmarks/sqlite/import.sh "$DATA" "$OUT/reference.sqlite")
rm -f "$OUT"/import.sqlite* "$OUT"/reference.sqlite*
ratio=$(calc "$ot / $rt")
met=$(calc "'yes' if $ratio <= 1.2 and $om < 300 * 1024 else 'no'")
row 1 "import" "$ot s ($(fmt "$oc" .2f) s CPU)" "$((om / 1024))" \
  "$rt s ($rc s CPU; sqlite3 .import, journal off, synchronous off, then WAL)" "$((rm_ / 1024))" \
  "$(fmt "$ratio" .2f)×" "≤ 1.2×, < 300 MB" "$met" \
  "validates every field and reference; .import parses and checks nothing, on one core"
split_row 1 "no start-up to split off (both are native processes)"
fi
[ -f "$STORE" ] || "$BIN" import "$DATA" --db "$STORE" >&2

# --- 2, 3. KPI pack and aging against DuckDB --------------------------------------------------
[ -f "$DUCK" ] || { echo "loading $DATA into DuckDB (once)" >&2; python3 Benchmarks/duckdb/load.py "$DATA" "$DUCK" >&2; }
duck=(python3 Benchmarks/duckdb/bench.py --db "$DUCK")
agree() {  # agree OURS THEIRS → "N metrics agree" or "DISAGREE …"
  if python3 Benchmarks/duckdb/compare.py "$1" "$2" > "$OUT/compare.txt"; then
    tail -1 "$OUT/compare.txt"
  else
    echo "DISAGREE: $(grep -c . "$OUT/compare.txt") lines, see $OUT/compare.txt"
  fi
}
if want kpis; then
echo "2/6 KPI pack for $QUARTER" >&2
# An import builds the ledger cache after its commit, so the first command after it reads
# the cache like every later one: timed once after re-importing the reps (the same rows: the
# store is unchanged, but its generation moves and the cache is rebuilt, which the import's
# time includes). A change by another tool (the generation advanced with sqlite3) leaves the
# cache stale, and the first command after it reads the tables and builds the cache: timed
# once too. Then the usual median of warm runs.
mkdir -p "$OUT/reps-only" && cp "$DATA/reps.csv" "$OUT/reps-only/"
read -r it im icpu _ < <(RUNS=1 measure_cpu /dev/null "$BIN" import "$OUT/reps-only" --db "$STORE")
read -r ct cm ccpu _ < <(RUNS=1 measure_cpu /dev/null "$BIN" kpis --db "$STORE" --quarter "$QUARTER" --format json)
sqlite3 "$STORE" "UPDATE store_generation SET generation = generation + 1"
read -r xt xm xcpu _ < <(RUNS=1 measure_cpu /dev/null "$BIN" kpis --db "$STORE" --quarter "$QUARTER" --format json)
read -r kt km kc _ < <(measure_cpu "$OUT/ours-kpis.json" "$BIN" kpis --db "$STORE" --quarter "$QUARTER" --format json)
read -r st sm sc _ < <(measure_cpu "$OUT/ours-scorecard.json" "$BIN" scorecard --db "$STORE" --quarter "$QUARTER" --format json)
read -r dkt dkm dkc dki < <(measure_cpu /dev/null "${duck[@]}" --job kpis --quarter "$QUARTER" --out "$OUT/duck-kpis.json" --timing "$OUT/inproc.txt")
read -r dst dsm dsc dsi < <(measure_cpu /dev/null "${duck[@]}" --job scorecard --quarter "$QUARTER" --out "$OUT/duck-scorecard.json" --timing "$OUT/inproc.txt")
a1=$(agree "$OUT/ours-kpis.json" "$OUT/duck-kpis.json")
a2=$(agree "$OUT/ours-scorecard.json" "$OUT/duck-scorecard.json")
ours=$(calc "$kt + $st"); theirs=$(calc "$dkt + $dst"); theirs_in=$(calc "$dki + $dsi")
ratio=$(calc "$ours / $theirs"); ratio_in=$(calc "$ours / $theirs_in")
cold=$(calc "$ct / $kt")
met=$(calc "'yes' if $ratio <= 0.5 and $ratio_in <= 1.0 and $cold <= 2.0 and 'DISAGREE' not in '''$a1 $a2''' else 'no'")
row 2 "KPI pack (kpis + scorecard)" "$(fmt "$ours" .2f) s ($(fmt "$kc + $sc" .2f) s CPU)" \
  "$(( (km > sm ? km : sm) / 1024 ))" \
  "$(fmt "$theirs" .2f) s ($(fmt "$dkc + $dsc" .2f) s CPU; DuckDB, expert layout)" \
  "$(( (dkm > dsm ? dkm : dsm) / 1024 ))" \
  "$(fmt "$ratio" .2f)× whole; $(fmt "$ratio_in" .2f)× DuckDB in-process; cold kpis $(fmt "$cold" .2f)× warm" \
  "≤ 0.5× whole, ≤ 1× in-process, cold ≤ 2× warm, all equal" "$met" \
  "kpis: $a1; scorecard: $a2; first kpis after an import: $ct s ($ccpu s CPU), $((cm / 1024)) MB (the import of the 60 reps, which rebuilt the cache: $it s, $icpu s CPU, $((im / 1024)) MB); first kpis after another tool's write (reads the tables, builds the cache): $xt s ($xcpu s CPU), $((xm / 1024)) MB"
split_row 2 "DuckDB in-process $(fmt "$theirs_in" .2f) s (kpis $dki + scorecard $dsi), start-up $(fmt "$theirs - $theirs_in" .2f) s; ours whole $(fmt "$ours" .2f) s"
fi

if want aging; then
echo "3/6 aging by customer as of $AS_OF" >&2
read -r at am ac _ < <(measure_cpu "$OUT/ours-aging.json" "$BIN" aging --db "$STORE" --as-of "$AS_OF" --by customer --format json)
read -r dat dam dac dai < <(measure_cpu /dev/null "${duck[@]}" --job aging --as-of "$AS_OF" --by customer --out "$OUT/duck-aging.json" --timing "$OUT/inproc.txt")
a3=$(agree "$OUT/ours-aging.json" "$OUT/duck-aging.json")
ratio=$(calc "$at / $dat"); ratio_in=$(calc "$at / $dai")
met=$(calc "'yes' if $ratio <= 0.5 and $ratio_in <= 1.0 and 'DISAGREE' not in '''$a3''' else 'no'")
row 3 "aging by customer" "$at s ($ac s CPU)" "$((am / 1024))" \
  "$dat s ($dac s CPU; DuckDB, JSON built in SQL)" "$((dam / 1024))" \
  "$(fmt "$ratio" .2f)× whole; $(fmt "$ratio_in" .2f)× DuckDB in-process" \
  "≤ 0.5× whole, ≤ 1× in-process, all equal" "$met" "$a3"
split_row 3 "DuckDB in-process $dai s, start-up $(fmt "$dat - $dai" .2f) s; ours whole $at s"
fi

# --- 4. simulator ---------------------------------------------------------------------------
if want sim; then
  echo "4/6 simulator: 5,000 open invoices × 90 days × $PATHS paths" >&2
  source Benchmarks/numpy/bench.sh
fi

# --- 5. charts ------------------------------------------------------------------------------
if want charts; then
  echo "5/6 charts" >&2
  source Benchmarks/matplotlib/bench.sh
fi

# --- 6. serve under load ----------------------------------------------------------------------
if want serve; then
  echo "6/6 serve under load (wrk) against nginx" >&2
  SERVE_LOAD_FROM_RUN=1 BIN=$BIN STORE=$STORE DATA=$DATA QUARTER=$QUARTER RUNS=$RUNS OUT=$OUT \
    bash Benchmarks/serve-load.sh
fi

# --- the table ----------------------------------------------------------------------------------
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'))"
machine="$machine, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
versions="$(swift --version 2>&1 | head -1); $(sqlite3 --version | cut -d' ' -f1 | sed 's/^/sqlite3 /');"
versions="$versions $(python3 -c 'import sys, duckdb, numpy, matplotlib; print(f"Python {sys.version.split()[0]}, DuckDB {duckdb.__version__}, NumPy {numpy.__version__}, matplotlib {matplotlib.__version__}")')"
{
  echo "# Benchmark results"
  echo
  echo "Machine: $machine. Versions: $versions."
  echo "Data: $CUSTOMERS customers × $MONTHS months ($csv_rows CSV rows); KPI period $QUARTER;"
  echo "aging as of $AS_OF. Median of $RUNS runs of whole processes (wall time, and CPU time"
  echo "user + system where given), peak resident memory; release build. The references are"
  echo "the expert ones of issue 20 (Benchmarks/README.md); the in-process split gives DuckDB's"
  echo "time inside bench.py (query, JSON, write) without Python and DuckDB start-up."
  echo "Produced by \`make bench\`; each row's date is its own run."
  echo
  echo "| job | arcadence | MB | reference | MB | ratio | target | met? | in-process split | notes | run |"
  echo "|---|---:|---:|---|---:|---:|---|---|---|---|---|"
  for f in "$OUT"/row-*.tsv; do
    n=$(basename "$f" .tsv); n=${n#row-}
    sp=""; [ -f "$OUT/split-$n.txt" ] && sp=$(cat "$OUT/split-$n.txt")
    awk -F'\t' -v sp="$sp" '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, sp, $9, $10}' "$f"
  done
} > Benchmarks/results.md
cat Benchmarks/results.md
