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
# Wall time and peak memory (GNU time) of whole processes, median of RUNS runs. The data
# (CUSTOMERS × MONTHS, default 50,000 × 24) is generated once and cached under .bench/,
# as are the imported store and the DuckDB file. Nothing here is asserted by `make test`.
# Prints the table and writes Benchmarks/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/.build/release/arcadence
RUNS=${RUNS:-3}
CUSTOMERS=${CUSTOMERS:-50000}
MONTHS=${MONTHS:-24}
QUARTER=${QUARTER:-2026-Q3}
AS_OF=${AS_OF:-2026-09-30}
PATHS=${PATHS:-2000}
DATA=.bench/data-$CUSTOMERS-$MONTHS
STORE=.bench/store-$CUSTOMERS-$MONTHS.sqlite
DUCK=.bench/duckdb-$CUSTOMERS-$MONTHS.duckdb
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
read -r ot om < <(BEFORE="rm -f $OUT/import.sqlite*" measure /dev/null \
  "$BIN" import "$DATA" --db "$OUT/import.sqlite")
read -r rt rm_ < <(measure /dev/null Benchmarks/sqlite/import.sh "$DATA" "$OUT/reference.sqlite")
rm -f "$OUT"/import.sqlite* "$OUT"/reference.sqlite*
ratio=$(calc "$ot / $rt")
met=$(calc "'yes' if $ratio <= 1.5 and $om < 300 * 1024 else 'no'")
row 1 "import" "$ot s" "$((om / 1024))" "$rt s (sqlite3 .import)" "$((rm_ / 1024))" \
  "$(fmt "$ratio" .2f)×" "≤ 1.5×, < 300 MB" "$met" "validates every field and reference"
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
# The first command that reads the ledger after a change (an import) reads the tables and
# builds the ledger cache; later ones read the cache. Timed once here (the generation is
# advanced to make the cache stale), then the usual median of warm runs.
sqlite3 "$STORE" "UPDATE store_generation SET generation = generation + 1"
read -r ct cm < <(RUNS=1 measure /dev/null "$BIN" kpis --db "$STORE" --quarter "$QUARTER" --format json)
read -r kt km < <(measure "$OUT/ours-kpis.json" "$BIN" kpis --db "$STORE" --quarter "$QUARTER" --format json)
read -r st sm < <(measure "$OUT/ours-scorecard.json" "$BIN" scorecard --db "$STORE" --quarter "$QUARTER" --format json)
read -r dkt dkm < <(measure /dev/null "${duck[@]}" --job kpis --quarter "$QUARTER" --out "$OUT/duck-kpis.json")
read -r dst dsm < <(measure /dev/null "${duck[@]}" --job scorecard --quarter "$QUARTER" --out "$OUT/duck-scorecard.json")
a1=$(agree "$OUT/ours-kpis.json" "$OUT/duck-kpis.json")
a2=$(agree "$OUT/ours-scorecard.json" "$OUT/duck-scorecard.json")
ours=$(calc "$kt + $st"); theirs=$(calc "$dkt + $dst")
ratio=$(calc "$ours / $theirs")
met=$(calc "'yes' if $ratio <= 1.0 and 'DISAGREE' not in '''$a1 $a2''' else 'no'")
row 2 "KPI pack (kpis + scorecard)" "$(fmt "$ours" .2f) s" "$(( (km > sm ? km : sm) / 1024 ))" \
  "$(fmt "$theirs" .2f) s (DuckDB)" "$(( (dkm > dsm ? dkm : dsm) / 1024 ))" \
  "$(fmt "$ratio" .2f)×" "≤ 1×, all equal" "$met" \
  "kpis: $a1; scorecard: $a2; first kpis after an import (builds the ledger cache): $ct s, $((cm / 1024)) MB"
fi

if want aging; then
echo "3/6 aging by customer as of $AS_OF" >&2
read -r at am < <(measure "$OUT/ours-aging.json" "$BIN" aging --db "$STORE" --as-of "$AS_OF" --by customer --format json)
read -r dat dam < <(measure /dev/null "${duck[@]}" --job aging --as-of "$AS_OF" --by customer --out "$OUT/duck-aging.json")
a3=$(agree "$OUT/ours-aging.json" "$OUT/duck-aging.json")
ratio=$(calc "$at / $dat")
met=$(calc "'yes' if $ratio <= 1.0 and 'DISAGREE' not in '''$a3''' else 'no'")
row 3 "aging by customer" "$at s" "$((am / 1024))" "$dat s (DuckDB)" "$((dam / 1024))" \
  "$(fmt "$ratio" .2f)×" "≤ 1×, all equal" "$met" "$a3"
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
  echo "aging as of $AS_OF. Median of $RUNS runs of whole processes (wall time), peak resident"
  echo "memory; release build. Produced by \`make bench\`; each row's date is its own run."
  echo
  echo "| job | arcadence | MB | reference | MB | ratio | target | met? | notes | run |"
  echo "|---|---:|---:|---|---:|---:|---|---|---|---|"
  cat "$OUT"/row-*.tsv | awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}'
} > Benchmarks/results.md
cat Benchmarks/results.md
