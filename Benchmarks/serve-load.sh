#!/usr/bin/env bash
# `arcadence serve` under load, against nginx serving the static dashboard's index.html from
# disk on the same machine in the same run (issue 17). Called by Benchmarks/run.sh (JOBS
# including `serve`, on the benchmark store) and runnable on its own:
#
#   STORE=/tmp/sample.sqlite QUARTER=2026-Q3 bash Benchmarks/serve-load.sh
#
# With wrk (Debian; 2 threads, CONNECTIONS connections, DURATION, 10 s request timeout):
#   1. the KPI page (logged-in cookie) for QUARTER, cached, and nginx: req/s, p50, p99, ratios;
#   2. a second page (SECOND_PAGE: the scorecards list now; a drill-down page once it lands);
#   3. one uncached KPI page (the ledger already in memory) against `arcadence kpis` for the
#      same period (median of RUNS whole processes), and the first page after the start;
#   4. the KPI page again while `arcadence import` commits a change (IMPORT_DIR, default one
#      rep of DATA re-imported: the store's generation moves, the server reloads its ledger).
# Every response that is not a 200 counts as an error (a wrk Lua counter), as do socket
# errors. The server's resident memory is sampled every second of every run.
# Prints a table and writes rows 6 to 9 (OUT/row-N.tsv) for run.sh's results.md; on its own
# against a store under .bench/, it puts them into Benchmarks/results.md too.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/.build/release/arcadence}
STORE=${STORE:?set STORE to an imported store (run.sh passes the benchmark store)}
DATA=${DATA:-Data/sample}
QUARTER=${QUARTER:-2026-Q3}
RUNS=${RUNS:-3}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-32}
OUT=${OUT:-.bench/out-serve}
KPI_PAGE="/kpis?quarter=$QUARTER"
SECOND_PAGE=${SECOND_PAGE:-/scorecards?quarter=$QUARTER}
W=$OUT/serve
mkdir -p "$W"
W=$(cd "$W" && pwd)

# --- tools: wrk, nginx, curl, GNU time ------------------------------------------------------
need=""
command -v wrk >/dev/null || need="$need wrk"
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need="$need nginx-light"
command -v curl >/dev/null || need="$need curl"
command -v /usr/bin/time >/dev/null || need="$need time"
command -v sqlite3 >/dev/null || need="$need sqlite3"
if [ -n "$need" ]; then
  echo "installing$need" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
calc() { python3 -c "print($1)"; }

SERVER_PID=""; NGINX_PID=""
stop() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  SERVER_PID=""; NGINX_PID=""
}
trap stop EXIT INT TERM

# --- the user, the dashboard, nginx --------------------------------------------------------
password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
if "$BIN" users list --db "$STORE" 2>/dev/null | grep -q '^bench-lead '; then
  echo "$password" | "$BIN" users passwd bench-lead --password-stdin --db "$STORE" >/dev/null
else
  echo "$password" | "$BIN" users add bench-lead --role leadership --password-stdin --db "$STORE" >/dev/null
fi
[ -f "$W/site/index.html" ] || "$BIN" dashboard --db "$STORE" --out "$W/site" >/dev/null
nginx_port=$(free_port)
mkdir -p "$W/nginx"
{
  [ "$(id -u)" = 0 ] && echo "user $(id -un);"
  cat <<EOF
worker_processes auto;
daemon off;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
  default_type text/html;
  access_log off;
  client_body_temp_path $W/nginx/body;
  proxy_temp_path $W/nginx/proxy;
  fastcgi_temp_path $W/nginx/fastcgi;
  uwsgi_temp_path $W/nginx/uwsgi;
  scgi_temp_path $W/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $W/site;
    index index.html;
  }
}
EOF
} > "$W/nginx/nginx.conf"
"$NGINX" -p "$W/nginx" -e "$W/nginx/error.log" -c "$W/nginx/nginx.conf" &
NGINX_PID=$!

# --- the server ------------------------------------------------------------------------------
port=$(free_port)
BASE=http://127.0.0.1:$port
"$BIN" serve --db "$STORE" --port "$port" > "$W/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$nginx_port/" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "$BASE/healthz" >/dev/null || { echo "arcadence serve did not start; see $W/serve.log" >&2; exit 1; }
curl -fs "http://127.0.0.1:$nginx_port/" >/dev/null || { echo "nginx did not start; see $W/nginx/error.log" >&2; exit 1; }
jar=$W/cookies.txt
rm -f "$jar"
csrf=$(curl -fs -c "$jar" -b "$jar" "$BASE/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "login=bench-lead" \
  --data-urlencode "password=$password" "$BASE/login"
session=$(awk '$6 == "arcadence_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not log in as bench-lead" >&2; exit 1; }
COOKIE="Cookie: arcadence_session=$session"

# seconds of one GET (status must be 200)
get_time() {
  local r; r=$(curl -s -o /dev/null -H "$COOKIE" -w '%{http_code} %{time_total}' "$BASE$1")
  [ "${r%% *}" = 200 ] || { echo "GET $1 answered ${r%% *}" >&2; exit 1; }
  echo "${r#* }"
}
# first page after the start: reads the ledger (from the store's ledger cache) and computes
other_quarter=$(python3 -c "y, q = '$QUARTER'.split('-Q'); q = int(q) - 1 or 4; y = int(y) - (q == 4); print(f'{y}-Q{q}')")
first=$(get_time "/kpis?quarter=$other_quarter")
# uncached: the ledger in memory, this period's page not computed yet; then cached (median of 5)
uncached=$(get_time "$KPI_PAGE")
warm=$(for _ in 1 2 3 4 5; do get_time "$KPI_PAGE"; done | sort -g | sed -n 3p)
get_time "$SECOND_PAGE" >/dev/null
cli=$(for _ in $(seq "$RUNS"); do
  /usr/bin/time -f %e -o "$W/time.txt" "$BIN" kpis --db "$STORE" --quarter "$QUARTER" --format json >/dev/null
  cat "$W/time.txt"
done | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")

# --- wrk ------------------------------------------------------------------------------------
cat > "$W/count.lua" <<'EOF'
-- Counts every response that is not a 200 (wrk itself counts only non-2xx/3xx: a redirect
-- to the login page would pass).
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  local e = summary.errors
  io.write(string.format("ARCADENCE not200=%d socket=%d requests=%d\n", total,
    e.connect + e.read + e.write + e.timeout, summary.requests))
end
EOF
# sample_rss PID FILE: the resident set (KB) of PID and its children (nginx's workers) once a
# second while W/sampling exists
sample_rss() {
  : > "$2"
  while [ -f "$W/sampling" ]; do
    ps -o rss= -p "$1" --ppid "$1" 2>/dev/null | awk '{s += $1} END {if (s) print s}' >> "$2" || true
    sleep 1
  done
}
# load NAME URL [HEADER]: wrk for DURATION; leaves W/NAME.wrk and W/NAME.rss
load() {
  local name=$1 url=$2; shift 2
  touch "$W/sampling"
  local pid=$SERVER_PID; [[ "$url" == *":$nginx_port/"* ]] && pid=$NGINX_PID
  sample_rss "$pid" "$W/$name.rss" &
  local sampler=$!
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -s "$W/count.lua" "$@" "$url" > "$W/$name.wrk"
  rm -f "$W/sampling"; wait "$sampler" || true
}
# stats NAME → "req/s p50_ms p99_ms errors rss_first_MB rss_max_MB rss_last_MB"
stats() {
  python3 - "$W/$1.wrk" "$W/$1.rss" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(v, unit): return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p = {k: ms(v, u) for k, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
m = re.search(r"ARCADENCE not200=(\d+) socket=(\d+)", text)
errors = int(m.group(1)) + int(m.group(2))
rss = [int(x) for x in open(sys.argv[2]).read().split()] or [0]
print(f"{rps:.0f} {p['50']:.2f} {p['99']:.2f} {errors} {rss[0] // 1024} {max(rss) // 1024} {rss[-1] // 1024}")
EOF
}

echo "serve under load: $CONNECTIONS connections × $DURATION each (wrk, 2 threads)" >&2
load nginx "http://127.0.0.1:$nginx_port/index.html"
load kpis "$BASE$KPI_PAGE" -H "$COOKIE"
load second "$BASE$SECOND_PAGE" -H "$COOKIE"
# the KPI page while an import commits
import_dir=${IMPORT_DIR:-}
if [ -z "$import_dir" ]; then
  import_dir=$W/import; mkdir -p "$import_dir"; head -2 "$DATA/reps.csv" > "$import_dir/reps.csv"
fi
before=$(sqlite3 "$STORE" "SELECT generation FROM store_generation" 2>/dev/null || echo "?")
load during "$BASE$KPI_PAGE" -H "$COOKIE" &
loader=$!
sleep $(( ${DURATION%s} / 3 ))  # a third into the run (DURATION in seconds: 30s)
import_rc=0
/usr/bin/time -f %e -o "$W/import-time.txt" "$BIN" import "$import_dir" --db "$STORE" > "$W/import.log" 2>&1 || import_rc=$?
wait "$loader"
after=$(sqlite3 "$STORE" "SELECT generation FROM store_generation" 2>/dev/null || echo "?")
stop
trap - EXIT INT TERM

# --- the table ------------------------------------------------------------------------------
read -r n_rps n_p50 n_p99 n_err n_rss0 n_rssmax n_rss1 < <(stats nginx)
read -r k_rps k_p50 k_p99 k_err k_rss0 k_rssmax k_rss1 < <(stats kpis)
read -r s_rps s_p50 s_p99 s_err s_rss0 s_rssmax s_rss1 < <(stats second)
read -r d_rps d_p50 d_p99 d_err d_rss0 d_rssmax d_rss1 < <(stats during)
ms() { calc "f'{$1 * 1000:.1f}'"; }
ratio_rps() { calc "f'{$1 / $2:.2f}'"; }
ratio_p99() { calc "f'{$1 / $2:.1f}'"; }
met_cached() { calc "'yes' if $1 / $2 >= 0.25 and $3 <= 4 * $4 and $5 == 0 else 'no'"; }
flat() { calc "'flat' if $2 <= 1.10 * $1 + 8 else 'GROWS'"; }  # max within 10 % (+8 MB) of the first sample
u_ratio=$(calc "f'{$uncached / $cli:.2f}'")
printf '\n%-34s %10s %9s %9s %7s   %s\n' "page (${CONNECTIONS} conn, $DURATION)" "req/s" "p50 ms" "p99 ms" "errors" "server RSS MB" >&2
printf '%-34s %10s %9s %9s %7s   %s\n' "nginx index.html (from disk)" "$n_rps" "$n_p50" "$n_p99" "$n_err" "$n_rss0 → $n_rss1" \
  "KPI page, cached" "$k_rps" "$k_p50" "$k_p99" "$k_err" "$k_rss0 → $k_rss1 (max $k_rssmax)" \
  "second page, cached" "$s_rps" "$s_p50" "$s_p99" "$s_err" "$s_rss0 → $s_rss1 (max $s_rssmax)" \
  "KPI page, import committing" "$d_rps" "$d_p50" "$d_p99" "$d_err" "$d_rss0 → $d_rss1 (max $d_rssmax)" >&2
cat >&2 <<EOF

ratios to nginx: KPI page $(ratio_rps "$k_rps" "$n_rps")× req/s, p99 $(ratio_p99 "$k_p99" "$n_p99")×; second page $(ratio_rps "$s_rps" "$n_rps")× req/s, p99 $(ratio_p99 "$s_p99" "$n_p99")×
KPI page: first after start $(ms "$first") ms (reads the ledger), uncached $(ms "$uncached") ms, cached $(ms "$warm") ms; \`arcadence kpis\` $cli s → uncached/CLI $u_ratio×
import during the load: exit $import_rc in $(cat "$W/import-time.txt" 2>/dev/null || echo ?) s, generation $before → $after, $d_err errors
second page: $SECOND_PAGE
EOF
row() {
  local n=$1; shift
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "$(date -u +%Y-%m-%d)" > "$OUT/row-$n.tsv"
}
row 6 "serve: KPI page, cached ($CONNECTIONS conn × $DURATION)" "$k_rps req/s, p50 $k_p50 ms, p99 $k_p99 ms" "$k_rssmax" \
  "nginx $n_rps req/s, p50 $n_p50 ms, p99 $n_p99 ms" "$n_rssmax" \
  "$(ratio_rps "$k_rps" "$n_rps")× req/s, p99 $(ratio_p99 "$k_p99" "$n_p99")×" "≥ 0.25× req/s, p99 ≤ 4×, 0 errors" \
  "$(met_cached "$k_rps" "$n_rps" "$k_p99" "$n_p99" "$k_err")" \
  "$k_err errors; server RSS $k_rss0 → $k_rss1 MB ($(flat "$k_rss0" "$k_rssmax")); nginx serves the static dashboard's index.html"
row 7 "serve: $SECOND_PAGE, cached" "$s_rps req/s, p50 $s_p50 ms, p99 $s_p99 ms" "$s_rssmax" \
  "nginx $n_rps req/s, p99 $n_p99 ms" "$n_rssmax" \
  "$(ratio_rps "$s_rps" "$n_rps")× req/s, p99 $(ratio_p99 "$s_p99" "$n_p99")×" "≥ 0.25× req/s, p99 ≤ 4×, 0 errors" \
  "$(met_cached "$s_rps" "$n_rps" "$s_p99" "$n_p99" "$s_err")" \
  "$s_err errors; server RSS $s_rss0 → $s_rss1 MB ($(flat "$s_rss0" "$s_rssmax"))"
row 8 "serve: KPI page, uncached" "$(ms "$uncached") ms" "" "\`arcadence kpis\` $cli s" "" "$u_ratio×" "≤ 2×" \
  "$(calc "'yes' if $uncached <= 2 * $cli else 'no'")" \
  "ledger in memory; first page after the start (reads the ledger) $(ms "$first") ms; cached $(ms "$warm") ms"
row 9 "serve: KPI page while an import commits" "$d_rps req/s, p99 $d_p99 ms" "$d_rssmax" "" "" "" "0 errors" \
  "$(calc "'yes' if $d_err == 0 and $import_rc == 0 and '$before' != '$after' else 'no'")" \
  "$d_err errors; import exit $import_rc, generation $before → $after; server RSS $d_rss0 → $d_rss1 MB, max $d_rssmax ($(flat "$d_rss0" "$d_rssmax"): the old and the new ledger are both held while it reloads)"
# On its own against a store under .bench/: the rows into results.md (run.sh remakes it whole).
if [ -z "${SERVE_LOAD_FROM_RUN:-}" ] && [[ "$STORE" == .bench/* || "$STORE" == "$PWD/.bench/"* ]] && [ -f Benchmarks/results.md ]; then
  python3 - "$OUT" <<'EOF'
import glob, sys
lines = [l for l in open("Benchmarks/results.md").read().splitlines() if not l.startswith("| serve: ")]
for path in sorted(glob.glob(sys.argv[1] + "/row-[6-9].tsv")):
    lines.append("| " + " | ".join(open(path).read().rstrip("\n").split("\t")) + " |")
open("Benchmarks/results.md", "w").write("\n".join(lines) + "\n")
EOF
fi
for n in 6 7 8 9; do tr '\t' '|' < "$OUT/row-$n.tsv"; done
