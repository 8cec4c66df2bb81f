# Sourced by Benchmarks/run.sh (uses its measure, row, calc, fmt, BIN, STORE, OUT).
# Both sides draw the full chart set, PNG and SVG, from the same chart data file, written
# once (untimed) from the large store by `arcadence charts --data-out`.
"$BIN" charts --db "$STORE" --quarter "$QUARTER" --data-out "$OUT/charts.json" >&2
read -r ct cm < <(BEFORE="rm -rf $OUT/charts-ours" measure /dev/null \
  "$BIN" charts --from-data "$OUT/charts.json" --format png,svg --out "$OUT/charts-ours")
read -r mt mm < <(BEFORE="rm -rf $OUT/charts-mpl" measure /dev/null \
  python3 Benchmarks/matplotlib/charts.py "$OUT/charts.json" "$OUT/charts-mpl" --format png,svg)
files=$(find "$OUT/charts-ours" -type f \( -name '*.png' -o -name '*.svg' \) | wc -l)
ratio=$(calc "$mt / $ct")
met=$(calc "'yes' if $ratio >= 5 else 'no'")
row 5 "charts ($files files, PNG + SVG)" "$ct s" "$((cm / 1024))" "$mt s (matplotlib)" \
  "$((mm / 1024))" "$(fmt "$ratio" .1f)× faster" "≥ 5× faster" "$met" \
  "same chart data file; PNG at scale 2"
