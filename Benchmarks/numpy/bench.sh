# Sourced by Benchmarks/run.sh (uses its row, calc, fmt, BIN, STORE, RUNS). The simulator on
# Benchmarks/numpy/bench-throughput.yaml (5,000 open invoices of the large store × 90 days × 2,000
# paths) on 1 and 2 threads, against simulate.py on 1 thread; invoice-days per second of
# the simulation itself (both sides time from the first path to the last, after loading),
# median of RUNS runs. bench.py runs the same with more detail and the statistical check.
SIM=.bench/numpy
mkdir -p "$SIM"
"$BIN" calibrate --db "$STORE" --out .bench/calibration-throughput.yaml > /dev/null
"$BIN" simulate Benchmarks/numpy/bench-throughput.yaml --db "$STORE" --paths 1 --threads 1 \
  --portfolio-out "$SIM/portfolio.csv" --format json > /dev/null 2>&1
sim_rate() {  # sim_rate COMMAND… → invoice-days per second of one run (from its report)
  "$@" 2>&1 >/dev/null | python3 -c '
import json, re, sys
text = sys.stdin.read()
m = re.search(r"([\d.]+) s \(([\d.]+) s CPU\), ([\d,]+) invoice-days", text)
if m:
    print(int(m.group(3).replace(",", "")) / float(m.group(1)))
else:
    t = json.load(open(".bench/numpy/numpy.json"))["throughput"]
    print(t["invoice_days"] / t["seconds"])'
}
median_of() { sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"; }
r1=(); r2=(); rn=()
for _ in $(seq "$RUNS"); do
  r1+=("$(sim_rate "$BIN" simulate Benchmarks/numpy/bench-throughput.yaml --db "$STORE" --threads 1 --format json)")
  r2+=("$(sim_rate "$BIN" simulate Benchmarks/numpy/bench-throughput.yaml --db "$STORE" --threads 2 --format json)")
  rn+=("$(sim_rate python3 Benchmarks/numpy/simulate.py Benchmarks/numpy/bench-throughput.yaml \
    --calibration .bench/calibration-throughput.yaml --portfolio "$SIM/portfolio.csv" \
    --chunk 500 --out "$SIM/numpy.json")")
done
one=$(printf '%s\n' "${r1[@]}" | median_of)
two=$(printf '%s\n' "${r2[@]}" | median_of)
np=$(printf '%s\n' "${rn[@]}" | median_of)
ratio=$(calc "$one / $np")
scaling=$(calc "$two / $one")
met=$(calc "'yes' if $ratio >= 5 and $scaling >= 1.8 else 'no'")
row 4 "simulator (invoice-days/s)" "$(fmt "$one / 1e6" .1f) M/s (1 thread), $(fmt "$two / 1e6" .1f) M/s (2)" "" \
  "$(fmt "$np / 1e6" .1f) M/s (NumPy, 1 thread)" "" "$(fmt "$ratio" .1f)× NumPy; 2 threads $(fmt "$scaling" .2f)×" \
  "≥ 5×; near-linear (≥ 1.8×)" "$met" "5,000 open invoices × 90 days × 2,000 paths; statistical check: numpy/check.py"
