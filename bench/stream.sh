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
#   BACKEND=sqlite bench/stream.sh      about 1 minute
#
# BACKEND=sqlite: one instance on a SQLite file (the embedded default), loaded with the same
# data set by bench/generate_sqlite.py. Steps 1 and 2 as above; in step 3 the notifications
# must be created by the server itself (on SQLite a stream learns of a row written by another
# process only at the next heartbeat's check), so sse_load's writer sends RATE
# POST /api/v1/assignments per second as the bench author, each a new (module, learner) pair
# for a learner holding a stream; the server creates each assignment's module_assigned
# notification in the request's transaction. Reported: created_at -> arrival as on
# PostgreSQL, and also the request's send -> the event's arrival, matched per assignment, with
# events lost or duplicated.
#
# Notifications go to learners 1..min(STREAMS, 1000), the ones holding a stream, so every
# notification written is one event expected.
# Knobs: BACKEND (postgres, or sqlite), STREAMS (1000), RATE (100), DURATION (20 s of
# notifications), WRK_SECONDS (10), SKIP_BUILD (0), BENCH_OUT (output directory). Needs what
# bench/run.sh needs (for sqlite: wrk, curl, cc and python3, no PostgreSQL).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/bench"
STREAMS=${STREAMS:-1000}
RATE=${RATE:-100}
DURATION=${DURATION:-20}
WRK_SECONDS=${WRK_SECONDS:-10}
BACKEND=${BACKEND:-postgres}
LEARNERS=1000
MODULES=200
PGBIN=/usr/lib/postgresql/15/bin

case "$BACKEND" in
  postgres) tools=(wrk psql curl cc "$PGBIN/pgbench") ;;
  sqlite) tools=(wrk curl cc python3) ;;
  *) echo "stream.sh: BACKEND must be postgres or sqlite" >&2; exit 2 ;;
esac
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "stream.sh: $tool not found" >&2; exit 2; }
done
if [ "$BACKEND" = sqlite ] && [ $((RATE * DURATION)) -gt $(((STREAMS < LEARNERS ? STREAMS : LEARNERS) * MODULES)) ]; then
  echo "stream.sh: RATE x DURATION assignments need more (learner, module) pairs" >&2
  exit 2
fi
out=${BENCH_OUT:-$bench/results/stream-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/ts-stream.XXXXXX)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
chmod 755 "$work"
pids=()
pidb=
pg_started=0

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=bench/lib.sh
. "$bench/lib.sh"

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
cc -O2 -Wall -Wextra -pthread -o "$work/sse_load" "$bench/sse/sse_load.c"

if [ "$BACKEND" = postgres ]; then
  bench_database "$work" "$out"
  bench_generate "$out" -v learners=$LEARNERS -v modules=$MODULES
  psql -X -qAt -v ON_ERROR_STOP=1 -f "$bench/ids.sql" "$url" >"$out/ids.lua"
else
  url="sqlite:$work/trainsmart.db"
  DATABASE_URL="$url" "$BIN" migrate up >"$out/migrate.log" 2>&1
  log "loading bench/generate_sqlite.py into $work/trainsmart.db"
  python3 "$bench/generate_sqlite.py" --learners $LEARNERS --modules $MODULES "$work/trainsmart.db" \
    "$out" >"$out/generate.log" 2>&1 || { cat "$out/generate.log" >&2; exit 1; }
fi

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
if [ "$BACKEND" = postgres ]; then
  portb=$("$root/scripts/free-port.sh")
  start_instance "$portb" "$out/server-b.log"
  pidb=$last_pid
fi

rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# Fails the run, with the server's exit status, when an instance has ended.
check_alive() { # WHEN
  local p rc
  for p in "$pida" ${pidb:+"$pidb"}; do
    kill -0 "$p" 2>/dev/null && continue
    rc=0
    wait "$p" || rc=$?
    log "instance (pid $p) ended $1: exit status $rc$([ "$rc" -gt 128 ] && echo ", signal $((rc - 128))")"
    exit 1
  done
}

get_module() { # -> "req/s p99"
  BENCH_DIR="$bench" BENCH_IDS="$out/ids.lua" wrk -t2 -c32 -d"${WRK_SECONDS}s" --latency \
    -s "$bench/wrk/get_module.lua" "http://127.0.0.1:$porta" >"$out/wrk-$1.txt" 2>&1
  sed -n 's/^BENCH .* rps=\([0-9.]*\) p50_ms=[0-9.]* p99_ms=\([0-9.]*\).*/\1 \2ms/p' "$out/wrk-$1.txt"
}

idle_rss=$(rss_mib "$pida")
log "GET module without streams"
read -r rps0 p99_0 < <(get_module no-streams)
check_alive "during GET module without streams"
log "opening $STREAMS streams on instance A"
"$work/sse_load" 127.0.0.1 "$porta" "$STREAMS" "$LEARNERS" $((WRK_SECONDS + 15)) >"$out/sse-idle.txt" &
load_pid=$!
pids+=("$load_pid")
sleep 5
check_alive "while the streams opened"
streams_rss=$(rss_mib "$pida")
log "GET module with $STREAMS streams open"
read -r rps1 p99_1 < <(get_module with-streams)
check_alive "during GET module with streams"
wait "$load_pid" || log "some idle streams failed: $(cat "$out/sse-idle.txt")"

if [ "$BACKEND" = postgres ]; then
  log "delivery: $STREAMS streams over A and B, $RATE notifications/s for ${DURATION}s"
  "$work/sse_load" 127.0.0.1 "$porta,$portb" "$STREAMS" "$LEARNERS" $((DURATION + 8)) >"$out/sse-delivery.txt" &
  load_pid=$!
  pids+=("$load_pid")
  sleep 4
  "$PGBIN/pgbench" -n -M simple -c 4 -j 2 -R "$RATE" -T "$DURATION" -D learners=$((STREAMS < LEARNERS ? STREAMS : LEARNERS)) \
    -f "$bench/pgbench/notify.sql" "$url" >"$out/pgbench-notify.txt" 2>&1
  created=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$out/pgbench-notify.txt")
  wait "$load_pid" || log "some delivery streams failed"
else
  log "delivery: $STREAMS streams on A, $RATE assignments/s through POST /api/v1/assignments for ${DURATION}s"
  # Streams open first; the writer starts 4 s in, and the streams stay 4 s after its last request.
  "$work/sse_load" -w "$out/assign_ids.txt" -r "$RATE" -d "$DURATION" -s 4 \
    127.0.0.1 "$porta" "$STREAMS" "$LEARNERS" $((DURATION + 8)) >"$out/sse-delivery.txt" || \
    log "delivery incomplete: a stream failed, a request was not answered 201, or an event was lost or repeated"
  created=$(sed -n 's/.* created=\([0-9]*\).*/\1/p' "$out/sse-delivery.txt")
fi
check_alive "during the delivery test"
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

ratio=$(awk -v a="$rps1" -v b="$rps0" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
{
  if [ "$BACKEND" = postgres ]; then
    echo "# Stream benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  else
    echo "# Stream benchmark, SQLite, one instance ($(date -u +%Y-%m-%dT%H:%MZ))"
  fi
  echo
  echo "- GET module on instance A, wrk -t2 -c32 ${WRK_SECONDS}s: $rps0 req/s (p99 $p99_0) without streams,"
  echo "  $rps1 req/s (p99 $p99_1) with $STREAMS idle streams open: **$ratio** remains."
  echo "- RSS of instance A: $idle_rss MiB idle, $streams_rss MiB with $STREAMS streams."
  echo "- Idle streams: $(cat "$out/sse-idle.txt")"
  if [ "$BACKEND" = postgres ]; then
    echo "- Delivery, $STREAMS streams over two instances, $RATE notifications/s written for ${DURATION}s"
    echo "  ($created written): $(cat "$out/sse-delivery.txt")"
  else
    echo "- Delivery, $STREAMS streams on one instance, $RATE assignments/s sent for ${DURATION}s"
    echo "  ($created created): $(cat "$out/sse-delivery.txt")"
  fi
  echo "- Host load average (1, 5, 15 min): $load_start at the start, $load_end at the end."
} >"$out/summary.md"
cat "$out/summary.md"
