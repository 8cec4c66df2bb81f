# Sourced by Benchmarks/run.sh (uses its row, calc, fmt, BIN, STORE, RUNS). The simulator on
# Benchmarks/numpy/bench-throughput.yaml (5,000 open invoices of the large store × 90 days × 2,000
# paths) on 1 and 2 threads, against two references on 1 thread:
#   - the fair NumPy model (numpy/fair.py: inversion by searchsorted, compaction), target ≥ 10×;
#   - the C reference of our own algorithm (c/engine.c, gcc -O3), target ≥ 0.8× per core.
# Invoice-days per second of the simulation itself (every side times from the first path to the
# last, after loading), median of RUNS runs; CPU seconds of the same span in the notes.
# DENSE=1 also runs the first-round NumPy model (numpy/simulate.py, day by day over dense
# arrays) and reports it in the notes. numpy/bench.py runs the same with more detail.
SIM=.bench/numpy
mkdir -p "$SIM" .bench/c
"$BIN" calibrate --db "$STORE" --out .bench/calibration-throughput.yaml > /dev/null
"$BIN" simulate Benchmarks/numpy/bench-throughput.yaml --db "$STORE" --paths 1 --threads 1 \
  --portfolio-out "$SIM/portfolio.csv" --format json > /dev/null 2>&1
refargs=(Benchmarks/numpy/bench-throughput.yaml --calibration .bench/calibration-throughput.yaml
  --portfolio "$SIM/portfolio.csv")
# sim_run OUT.json COMMAND… → "seconds cpu_seconds invoice_days" of one run; the JSON to OUT.json.
sim_run() {
  local json=$1; shift
  "$@" > "$json" 2> "$SIM/stderr.txt"
  python3 - "$json" "$SIM/stderr.txt" <<'EOF'
import json, re, sys
m = re.search(r"([\d.]+) s \(([\d.]+) s CPU\), ([\d,]+) invoice-days", open(sys.argv[2]).read())
t = json.load(open(sys.argv[1])).get("throughput")
if t:
    print(t["seconds"], t["cpu_seconds"], t["invoice_days"])
else:
    print(m.group(1), m.group(2), m.group(3).replace(",", ""))
EOF
}
median_of() { sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"; }
r1=(); r2=(); rf=(); rc=(); rd=(); c1=(); cf=(); cc=()
for _ in $(seq "$RUNS"); do
  read -r s c n < <(sim_run "$SIM/ours-1.json" "$BIN" simulate Benchmarks/numpy/bench-throughput.yaml \
    --db "$STORE" --threads 1 --format json)
  r1+=("$(calc "$n / $s")"); c1+=("$(calc "$n / $c")")
  read -r s c n < <(sim_run "$SIM/ours-2.json" "$BIN" simulate Benchmarks/numpy/bench-throughput.yaml \
    --db "$STORE" --threads 2 --format json)
  r2+=("$(calc "$n / $s")")
  read -r s c n < <(sim_run "$SIM/fair.json" python3 Benchmarks/numpy/fair.py "${refargs[@]}" \
    --chunk 500 --samples "$SIM/fair.npz")
  rf+=("$(calc "$n / $s")"); cf+=("$(calc "$n / $c")")
  read -r s c n < <(sim_run "$SIM/c.json" python3 Benchmarks/c/run.py "${refargs[@]}" --build .bench/c)
  rc+=("$(calc "$n / $s")"); cc+=("$(calc "$n / $c")")
  if [ "${DENSE:-0}" = 1 ]; then
    read -r s c n < <(sim_run "$SIM/numpy.json" python3 Benchmarks/numpy/simulate.py "${refargs[@]}" \
      --chunk 500 --samples "$SIM/numpy.npz")
    rd+=("$(calc "$n / $s")")
  fi
done
one=$(printf '%s\n' "${r1[@]}" | median_of)
two=$(printf '%s\n' "${r2[@]}" | median_of)
fair=$(printf '%s\n' "${rf[@]}" | median_of)
cref=$(printf '%s\n' "${rc[@]}" | median_of)
one_cpu=$(printf '%s\n' "${c1[@]}" | median_of)
fair_cpu=$(printf '%s\n' "${cf[@]}" | median_of)
c_cpu=$(printf '%s\n' "${cc[@]}" | median_of)
vs_fair=$(calc "$one / $fair")
vs_c=$(calc "$one / $cref")
scaling=$(calc "$two / $one")
agree=$(python3 Benchmarks/numpy/check.py "$SIM/ours-1.json" "$SIM/fair.json" "$SIM/fair.npz" | tail -1 | cut -d: -f1)
same=$(python3 Benchmarks/c/equal.py "$SIM/ours-1.json" "$SIM/c.json" || true)
cmp -s "$SIM/ours-1.json" "$SIM/ours-2.json" && threads_same="1 and 2 threads byte-identical" \
  || threads_same="1 and 2 threads DIFFER"
met=$(calc "'yes' if $vs_fair >= 10 and $vs_c >= 0.8 and $scaling >= 1.8 and '$agree' == 'AGREE' and '$same'.startswith('equal') else 'no'")
dense=""
if [ "${DENSE:-0}" = 1 ]; then
  dense="; first-round dense NumPy $(fmt "$(printf '%s\n' "${rd[@]}" | median_of) / 1e6" .1f) M/s"
fi
row 4 "simulator (invoice-days/s)" \
  "$(fmt "$one / 1e6" .1f) M/s (1 thread), $(fmt "$two / 1e6" .1f) M/s (2)" "" \
  "fair NumPy $(fmt "$fair / 1e6" .1f) M/s; C $(fmt "$cref / 1e6" .1f) M/s (1 thread each)" "" \
  "$(fmt "$vs_fair" .1f)× fair NumPy; $(fmt "$vs_c" .2f)× C; 2 threads $(fmt "$scaling" .2f)×" \
  "≥ 10× NumPy; ≥ 0.8× C per core; ≥ 1.8× on 2" "$met" \
  "5,000 open invoices × 90 days × 2,000 paths; per CPU-second: ours $(fmt "$one_cpu / 1e6" .1f) M, NumPy $(fmt "$fair_cpu / 1e6" .1f) M, C $(fmt "$c_cpu / 1e6" .1f) M; fair NumPy vs ours (check.py): $agree; C vs ours: $same; $threads_same$dense"
