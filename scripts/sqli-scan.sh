#!/usr/bin/env bash
# SQL-injection scan of a running release server with sqlmap (docs/SECURITY.md, "SQL injection
# scan"): every parameter of every route of /openapi.json — query parameters, path ids, the
# string and number fields of JSON bodies and the headers the server reads.
#   scripts/sqli-scan.sh [sqlite|postgres]     (default sqlite)
# Builds build-scan/ (RelWithDebInfo), starts the server on a fresh database (PostgreSQL: a
# private cluster, scripts/pg-cluster.sh), loads the demo content, creates an admin, then
# scripts/sqli-scan.py registers a learner and an author, creates the objects whose ids the
# routes take and runs sqlmap once per route. Fails when sqlmap finds an injectable parameter
# or cannot test one, when the server logged an error-level line, answered any 5xx or died.
# Tuning: SQLI_LEVEL, SQLI_RISK, SQLI_TECHNIQUE, SQLI_TARGET_TIMEOUT, SQLI_ONLY (sqli-scan.py).
# Needs `scripts/deps.sh scan` (sqlmap); the work folder (logs, sqlmap output) is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
case "$backend" in sqlite | postgres) ;; *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;; esac

scripts/deps.sh scan
cmake -S . -B build-scan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTS_TESTS=OFF >/dev/null
cmake --build build-scan -j2 --target trainsmart >/dev/null
bin=$PWD/build-scan/trainsmart

work=$(mktemp -d /tmp/sqli-scan.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "$backend" = postgres ]; then scripts/pg-cluster.sh stop "$work/pg" 2>/dev/null || true; fi
}
trap cleanup EXIT

if [ "$backend" = postgres ]; then
  pgport=$(scripts/free-port.sh)
  scripts/pg-cluster.sh start "$work/pg" "$pgport"
  export DATABASE_URL="postgresql://trainsmart@127.0.0.1:$pgport/postgres"
  export SQLI_DBMS=PostgreSQL
else
  export DATABASE_URL="sqlite:$work/scan.db"
  export SQLI_DBMS=SQLite
fi
export HOST=127.0.0.1 LOG_LEVEL=info SSE_MAX_STREAMS_PER_USER=1
export SQLI_ADMIN_EMAIL=scan-admin@example.com TRAINSMART_ADMIN_PASSWORD=scan-admin-password
"$bin" seed-demo >/dev/null 2>"$work/setup.log"
"$bin" create-admin --email "$SQLI_ADMIN_EMAIL" >/dev/null 2>>"$work/setup.log"

# The server under scan, with a login limit sqlmap's probing of /auth/login does not reach; and
# a second one on the same database with the default limit, where only /auth/login is scanned.
port=$(scripts/free-port.sh)
PORT=$port LOGIN_RATE_LIMIT=1000000 "$bin" serve >"$work/server.log" 2>&1 &
pids+=($!)
lport=$(scripts/free-port.sh)
while [ "$lport" = "$port" ]; do lport=$(scripts/free-port.sh); done
PORT=$lport AUTO_MIGRATE=false "$bin" serve >"$work/server-limited.log" 2>&1 &
pids+=($!)
for p in "$port" "$lport"; do
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$p/readyz" >/dev/null && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$p/readyz" >/dev/null || { echo "server on $p did not start" >&2; exit 1; }
done

rc=0
python3 scripts/sqli-scan.py "http://127.0.0.1:$port" "http://127.0.0.1:$lport" "$work" | tee "$work/scan.txt" || rc=1

# The servers' side: alive, no 5xx, no error-level log line; then request totals by status.
for i in 0 1; do
  if ! kill -0 "${pids[$i]}" 2>/dev/null; then echo "sqli-scan: server ${pids[$i]} died" >&2; rc=1; fi
done
for p in "$port" "$lport"; do
  curl -s "http://127.0.0.1:$p/metrics" | grep '^trainsmart_http_requests_total{' || true
done | awk '{ s = $1; sub(/.*status="/, "", s); sub(/".*/, "", s); n[s] += $2; t += $2 }
            END { printf "server: %d requests; by status:", t
                  for (s in n) printf " %s:%d", s, n[s]; printf "\n" }' | tee -a "$work/scan.txt"
fivexx=$(for p in "$port" "$lport"; do curl -s "http://127.0.0.1:$p/metrics"; done |
  awk '/^trainsmart_http_requests_total\{/ && /status="5/ { n += $2 } END { print n + 0 }')
if [ "$fivexx" -ne 0 ]; then echo "sqli-scan: the server answered $fivexx 5xx" >&2; rc=1; fi
errors=$(cat "$work/server.log" "$work/server-limited.log" | grep -c '"level":"error"' || true)
if [ "$errors" -ne 0 ]; then
  echo "sqli-scan: $errors error-level log lines:" >&2
  grep -h '"level":"error"' "$work/server.log" "$work/server-limited.log" | head -20 >&2
  rc=1
fi
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${pids[@]}"; do
  if ! wait "$p"; then echo "sqli-scan: server $p exited non-zero after SIGTERM" >&2; rc=1; fi
done
pids=()
echo "sqli-scan ($backend): $([ $rc -eq 0 ] && echo PASSED || echo FAILED); logs in $work"
exit $rc
