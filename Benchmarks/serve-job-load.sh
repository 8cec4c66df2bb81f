#!/usr/bin/env bash
# The cached KPI page under load (wrk: 2 threads, 32 connections, 10 s) with no simulation job
# running, then during a 2,000-path job of Scenarios/weekly-calls.yaml (issue 18), twice.
# Usage: bash Benchmarks/serve-job-load.sh BIN STORE PORT LEAD_LOGIN LEAD_PASSWORD \
#          ANALYST_LOGIN ANALYST_PASSWORD   (the users must exist in STORE)
set -euo pipefail
BIN=$1; DB=$2; PORT=$3; B=http://127.0.0.1:$PORT; W=$(mktemp -d)
"$BIN" serve --db "$DB" --port "$PORT" > "$W/serve.log" 2>&1 &
SP=$!
trap 'kill $SP 2>/dev/null; rm -rf "$W"' EXIT
sleep 3
login() {  # JAR LOGIN PASSWORD
  local t
  t=$(curl -s -c "$1" -b "$1" "$B/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | sed 's/.*value="//;s/"//')
  curl -s -o /dev/null -c "$1" -b "$1" --data-urlencode "csrf=$t" --data-urlencode "login=$2" \
    --data-urlencode "password=$3" "$B/login"
}
login "$W/lead" "$4" "$5"
login "$W/analyst" "$6" "$7"
SID=$(grep arcadence_session "$W/lead" | awk '{print $7}')
URL="$B/kpis?quarter=2026-Q3"
for i in 1 2 3; do curl -s -o /dev/null -b "$W/lead" "$URL"; done
load() { wrk -t2 -c32 -d10s --latency -H "Cookie: arcadence_session=$SID" "$URL" \
  | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"; }
for round in 1 2; do
  echo "== round $round: no job"; load
  t=$(curl -s -b "$W/analyst" "$B/scenarios/weekly-calls.yaml" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//;s/"//')
  job=$(curl -s -o /dev/null -w "%{redirect_url}" -b "$W/analyst" \
    --data "csrf=$t&action=run&paths=2000" "$B/scenarios/weekly-calls.yaml")
  echo "== round $round: during $job"; load
  curl -s -b "$W/analyst" "$job/status"; echo "   (at the end of the load)"
  until curl -s -b "$W/analyst" "$job/status" | grep -q '"done"\|"failed"'; do sleep 1; done
  curl -s -b "$W/analyst" "$job" | grep -o "started [0-9T:Z-]* · finished [0-9T:Z-]*"
done
