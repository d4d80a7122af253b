#!/usr/bin/env bash
# Notification streams under load (issue 10's benchmark), on PostgreSQL with two instances:
#
#   1. GET module throughput on instance A (wrk, as bench/run.sh measures it), then the same
#      with STREAMS idle streams open on A, in the same run: the share that remains;
#   2. A's RSS idle and with the streams open;
#   3. delivery latency: STREAMS streams spread over A and B while pgbench writes RATE
#      notifications per second for random learners straight into the database, as the server
#      writes them (bench/pgbench/notify.sql: numbering lock, row, NOTIFY); each event's
#      created_at against its arrival at the client (bench/sse/sse_load.c), p50 / p99.
#
#   bench/stream.sh                     about 2 minutes
#
# Notifications go to learners 1..min(STREAMS, 1000), the ones holding a stream, so every
# notification written is one event expected.
# Knobs: STREAMS (1000), RATE (100), DURATION (20 s of notifications), WRK_SECONDS (10),
# SKIP_BUILD (0), BENCH_OUT (output directory). Needs what bench/run.sh needs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/bench"
STREAMS=${STREAMS:-1000}
RATE=${RATE:-100}
DURATION=${DURATION:-20}
WRK_SECONDS=${WRK_SECONDS:-10}
LEARNERS=1000
PGBIN=/usr/lib/postgresql/15/bin

for tool in wrk psql curl cc "$PGBIN/pgbench"; do
  command -v "$tool" >/dev/null || { echo "stream.sh: $tool not found" >&2; exit 2; }
done
out=${BENCH_OUT:-$bench/results/stream-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/ts-stream.XXXXXX)
chmod 755 "$work"
pids=()
pg_started=0

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

cleanup() {
  local rc=$?
  set +e
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  if [ "$pg_started" = 1 ]; then
    "$root/scripts/pg-cluster.sh" stop "$work/pg" || "$root/scripts/pg-cluster.sh" kill "$work/pg"
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building Release binary into build-bench/"
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=Release -DTS_TESTS=OFF >"$out/build.log"
  cmake --build "$root/build-bench" -j"$(nproc)" >>"$out/build.log"
fi
BIN="$root/build-bench/trainsmart"
cc -O2 -Wall -Wextra -o "$work/sse_load" "$bench/sse/sse_load.c"

pgport=$("$root/scripts/free-port.sh")
log "starting PostgreSQL on 127.0.0.1:$pgport"
"$root/scripts/pg-cluster.sh" start "$work/pg" "$pgport" >/dev/null
pg_started=1
url="postgresql://trainsmart@127.0.0.1:$pgport/tsbench"
psql -X -q -h 127.0.0.1 -p "$pgport" -U trainsmart -d postgres -c 'CREATE DATABASE tsbench'
DATABASE_URL="$url" "$BIN" migrate up >"$out/migrate.log" 2>&1
log "loading bench/generate.sql"
psql -X -q -v ON_ERROR_STOP=1 -v learners=$LEARNERS -v modules=200 -f "$bench/generate.sql" \
  "$url" >"$out/generate.log" 2>&1 || { cat "$out/generate.log" >&2; exit 1; }
psql -X -qAt -v ON_ERROR_STOP=1 -f "$bench/ids.sql" "$url" >"$out/ids.lua"

start_instance() { # PORT LOGFILE -> pid in $last_pid
  env DATABASE_URL="$url" HOST=127.0.0.1 PORT="$1" DB_POOL_SIZE=8 WORKER_THREADS=8 \
    LOG_LEVEL=warning SSE_MAX_STREAMS_PER_USER=5 "$BIN" serve >>"$2" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
  for _ in $(seq 1 200); do
    curl -fs -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
    sleep 0.05
  done
  echo "instance on :$1 did not start" >&2
  return 1
}
porta=$("$root/scripts/free-port.sh")
start_instance "$porta" "$out/server-a.log"
pida=$last_pid
portb=$("$root/scripts/free-port.sh")
start_instance "$portb" "$out/server-b.log"

rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

get_module() { # -> "req/s p99"
  BENCH_DIR="$bench" BENCH_IDS="$out/ids.lua" wrk -t2 -c32 -d"${WRK_SECONDS}s" --latency \
    -s "$bench/wrk/get_module.lua" "http://127.0.0.1:$porta" >"$out/wrk-$1.txt" 2>&1
  sed -n 's/^BENCH .* rps=\([0-9.]*\) p50_ms=[0-9.]* p99_ms=\([0-9.]*\).*/\1 \2ms/p' "$out/wrk-$1.txt"
}

idle_rss=$(rss_mib "$pida")
log "GET module without streams"
read -r rps0 p99_0 < <(get_module no-streams)
log "opening $STREAMS streams on instance A"
"$work/sse_load" 127.0.0.1 "$porta" "$STREAMS" "$LEARNERS" $((WRK_SECONDS + 15)) >"$out/sse-idle.txt" &
load_pid=$!
pids+=("$load_pid")
sleep 5
streams_rss=$(rss_mib "$pida")
log "GET module with $STREAMS streams open"
read -r rps1 p99_1 < <(get_module with-streams)
wait "$load_pid" || log "some idle streams failed: $(cat "$out/sse-idle.txt")"

log "delivery: $STREAMS streams over A and B, $RATE notifications/s for ${DURATION}s"
"$work/sse_load" 127.0.0.1 "$porta,$portb" "$STREAMS" "$LEARNERS" $((DURATION + 8)) >"$out/sse-delivery.txt" &
load_pid=$!
pids+=("$load_pid")
sleep 4
"$PGBIN/pgbench" -n -M simple -c 4 -j 2 -R "$RATE" -T "$DURATION" -D learners=$((STREAMS < LEARNERS ? STREAMS : LEARNERS)) \
  -f "$bench/pgbench/notify.sql" "$url" >"$out/pgbench-notify.txt" 2>&1
created=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out/pgbench-notify.txt")
wait "$load_pid" || log "some delivery streams failed"

ratio=$(awk -v a="$rps1" -v b="$rps0" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
{
  echo "# Stream benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "- GET module on instance A, wrk -t2 -c32 ${WRK_SECONDS}s: $rps0 req/s (p99 $p99_0) without streams,"
  echo "  $rps1 req/s (p99 $p99_1) with $STREAMS idle streams open: **$ratio** remains."
  echo "- RSS of instance A: $idle_rss MiB idle, $streams_rss MiB with $STREAMS streams."
  echo "- Idle streams: $(cat "$out/sse-idle.txt")"
  echo "- Delivery, $STREAMS streams over two instances, $RATE notifications/s written for ${DURATION}s"
  echo "  ($created written): $(cat "$out/sse-delivery.txt")"
} >"$out/summary.md"
cat "$out/summary.md"
