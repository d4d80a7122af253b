#!/usr/bin/env bash
# GET /api/v1/modules/{id}/analytics (API.md §13) on modules of RECORDS progress records, one
# per flow type, against the statement the server sends run directly by the database's own
# client, in the same run:
#
#   PostgreSQL  the endpoint (curl, sequential requests on one keep-alive connection) against
#               pgbench -M prepared -c 1 running the statement the server sent (taken from
#               PostgreSQL's statement log), the same number of times; then
#               EXPLAIN (ANALYZE, BUFFERS) of that statement as the server runs it (prepared,
#               after the plan cache has settled);
#   SQLite      the same data copied into a SQLite file (bench/pg_to_sqlite.py), the endpoint
#               against the sqlite3 shell running the server's statement with .timer on.
#
# Runs are interleaved in ROUNDS rounds (endpoint, then database client; by default one run
# of each per round), so both sides see the same machine from one moment to the next; medians
# and p95 over all runs, the ratio endpoint / database client of the medians, and the median
# and range of the rounds' ratios. The machine is shared: only ratios measured in the same run
# mean anything.
#
#   bench/analytics.sh                         both backends, about 10 minutes
#   BACKENDS=postgres RUNS=10 bench/analytics.sh
#
# Knobs: RECORDS (100000), RUNS (20 per flow and side), ROUNDS (RUNS), WARMUP (3),
# BACKENDS ("postgres sqlite"), FLOWS ("linear branching assessment"), SKIP_BUILD (0),
# BENCH_OUT (output directory; default bench/results/analytics-<UTC time>). Needs what
# bench/run.sh needs (PostgreSQL 15 server binaries and pgbench, psql, curl), plus sqlite3 and
# python3 for SQLite. Everything it starts lives in a temporary directory and is stopped by
# the EXIT trap.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/bench

RECORDS=${RECORDS:-100000}
RUNS=${RUNS:-20}
ROUNDS=${ROUNDS:-$RUNS}
WARMUP=${WARMUP:-3}
BACKENDS=${BACKENDS:-"postgres sqlite"}
FLOWS=${FLOWS:-"linear branching assessment"}
PGBIN=/usr/lib/postgresql/15/bin
BIN=$root/build-bench/trainsmart
AUTH='Authorization: Bearer tsk_bench_author' # generate.sql's author wrote every module

if ((RUNS % ROUNDS != 0)); then
  echo "analytics.sh: RUNS must be a multiple of ROUNDS" >&2
  exit 2
fi
per_round=$((RUNS / ROUNDS))
tools=(psql curl python3 "$PGBIN/pgbench" "$PGBIN/pg_ctl")
[[ " $BACKENDS " == *" sqlite "* ]] && tools+=(sqlite3)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "analytics.sh: $tool not found" >&2; exit 2; }
done

out=${BENCH_OUT:-$bench/results/analytics-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out/raw"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/ts-analytics.XXXXXX)
chmod 755 "$work" # the cluster runs as user postgres when we are root
pg_started=0
srv_pid=

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=bench/lib.sh
. "$bench/lib.sh"

stop_server() {
  bench_stop "$srv_pid"
  srv_pid=
}

cleanup() {
  local rc=$?
  set +e
  stop_server
  if [ "$pg_started" = 1 ]; then
    cp "$work/pg/server.log" "$out/postgres.log" 2>/dev/null
    "$root/scripts/pg-cluster.sh" stop "$work/pg" || "$root/scripts/pg-cluster.sh" kill "$work/pg"
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() { # DATABASE_URL
  hport=$("$root/scripts/free-port.sh")
  env DATABASE_URL="$1" HOST=127.0.0.1 PORT="$hport" LOG_LEVEL=warning \
    "$BIN" serve >>"$out/server.log" 2>&1 &
  srv_pid=$!
  bench_wait_healthz "$hport" "$srv_pid"
}

# Milliseconds of N sequential requests for module $1 on one keep-alive connection, one a line.
endpoint_ms() {
  local url=http://127.0.0.1:$hport/api/v1/modules/$1/analytics urls=() i
  for ((i = 0; i < $2; i++)); do urls+=(-o /dev/null "$url"); done
  curl -fs -H "$AUTH" -w '%{http_code} %{time_total}\n' "${urls[@]}" |
    awk '$1 != 200 { print "bad status " $1 > "/dev/stderr"; exit 1 } { printf "%.3f\n", $2 * 1000 }'
}

# Milliseconds of N runs of the PostgreSQL statement in file $2 for module $1 (pgbench -l),
# in a session set up as the server sets up its own (src/db/db_pg.c: jit=off; the
# statement_timeout is not reached).
pgbench_ms() {
  local d="$work/pgblog.$$"
  rm -rf "$d" && mkdir -p "$d"
  PGOPTIONS=${PGOPTIONS:--c jit=off} "$PGBIN/pgbench" -n -M prepared -c 1 -j 1 -t "$3" \
    -D mid="$1" -f "$2" -l --log-prefix="$d/log" "$url" >"$work/pgbench.out" 2>&1 ||
    { cat "$work/pgbench.out" >&2; return 1; }
  awk '{ printf "%.3f\n", $3 / 1000 }' "$d"/log*
}

# The same with PostgreSQL's default jit=on, for what JIT compilation costs these statements.
pgbench_jit_ms() { PGOPTIONS='-c jit=on' pgbench_ms "$@"; }

# Milliseconds of N runs of the SQLite statement in file $2 for module $1 (sqlite3 .timer).
sqlite_ms() {
  { echo ".parameter set ?1 '$1'"; echo '.timer on'; echo '.output /dev/null'
    for ((i = 0; i < $3; i++)); do cat "$2"; echo; done; } |
    sqlite3 "$db" 2>&1 | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | awk '{ printf "%.3f\n", $1 * 1000 }'
}

# Median and nearest-rank p95 of the numbers on stdin: "median p95 n".
stats() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan nan 0"; exit }
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.1f %.1f %d\n", m, v[int((NR * 95 + 99) / 100)], NR }'
}

# The six analytics statements are string constants of the binary (src/db/analytics.c):
# statement BACKEND FLOW prints the one the server runs for them.
statement() {
  local backend_re=jsonb flow_re
  [ "$1" = sqlite ] && backend_re=json_each
  case $2 in
    linear) flow_re=completed_screen_ids ;;
    branching) flow_re="'path'|\\\$\\.path" ;;
    assessment) flow_re=attempts ;;
  esac
  strings -n 200 "$BIN" | grep '^WITH head AS' | grep -- "$backend_re" | grep -E -- "$flow_re"
}

# One backend and flow: warm-up, ROUNDS interleaved rounds (endpoint, client, extra client),
# a summary line. EXTRA (optional) is another client function, reported by its median only.
measure() { # BACKEND FLOW MODULE_ID SCRIPT CLIENT [EXTRA]
  local backend=$1 flow=$2 mid=$3 script=$4 client=$5 extra=${6:-} r e c x=- ratios
  endpoint_ms "$mid" "$WARMUP" >/dev/null
  "$client" "$mid" "$script" "$WARMUP" >/dev/null
  : >"$work/e" && : >"$work/c" && : >"$work/x"
  for ((r = 1; r <= ROUNDS; r++)); do
    endpoint_ms "$mid" "$per_round" | tee -a "$work/e" >"$work/e.$r"
    "$client" "$mid" "$script" "$per_round" | tee -a "$work/c" >"$work/c.$r"
    [ -n "$extra" ] && "$extra" "$mid" "$script" "$per_round" >>"$work/x"
    e=$(stats <"$work/e.$r"); c=$(stats <"$work/c.$r")
    printf '%s\t%s\t%s\t%s\t%s\n' "$backend" "$flow" "$r" "${e%% *}" "${c%% *}" >>"$out/rounds.tsv"
  done
  cp "$work/e" "$out/raw/$backend-$flow-endpoint.ms"
  cp "$work/c" "$out/raw/$backend-$flow-client.ms"
  if [ -n "$extra" ]; then
    cp "$work/x" "$out/raw/$backend-$flow-$extra.ms"
    x=$(stats <"$work/x") && x=${x%% *}
  fi
  e=$(stats <"$work/e"); c=$(stats <"$work/c")
  # The rounds' ratios: their median, and the smallest and the largest.
  ratios=$(awk -F'\t' -v b="$backend" -v f="$flow" '$1 == b && $2 == f { print $4 / $5 }' "$out/rounds.tsv" |
    sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "**%.2f** (%.2f-%.2f)", m, v[1], v[NR] }')
  set -- $e $c
  printf '| %s | %s | %s | %s | %s | %s | %.2f | %s | %s |\n' "$backend" "$flow" "$1" "$2" "$4" \
    "$5" "$(awk -v a="$1" -v b="$4" 'BEGIN { print a / b }')" "$ratios" "$x" >>"$out/summary.md"
  log "$backend $flow: endpoint median $1 ms (p95 $2), client median $4 ms (p95 $5), rounds: $ratios; extra: $x"
}

# --- build and data ---------------------------------------------------------------------------

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building Release binary into build-bench/"
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=Release -DTS_TESTS=OFF >"$out/build.log"
  cmake --build "$root/build-bench" -j"$(nproc)" >>"$out/build.log"
fi
{
  echo "date: $(date -u +%FT%TZ)"
  echo "git: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' (modified)')"
  echo "cpu: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "postgres: $("$PGBIN/postgres" --version)"
  command -v sqlite3 >/dev/null && echo "sqlite3 shell: $(sqlite3 --version | cut -d' ' -f1)"
  echo "records per module: $RECORDS; runs per flow and side: $RUNS in $ROUNDS rounds"
} >"$out/machine.txt"

bench_database "$work" "$out"
bench_generate "$out" -v learners=10 -v modules=1 # the author and its token
log "loading bench/generate_analytics.sql"
psql -X -v ON_ERROR_STOP=1 -v records="$RECORDS" -f "$bench/generate_analytics.sql" "$url" \
  >>"$out/generate.log" 2>&1 || { cat "$out/generate.log" >&2; exit 1; }
declare -A module
while IFS='|' read -r flow id; do module[$flow]=$id; done < <(psql -X -qAt -c 'SELECT flow, module_id FROM bench_analytics' "$url")

cat >"$out/summary.md" <<EOF
# Analytics benchmark

$(cat "$out/machine.txt")

Milliseconds per request: the endpoint (HTTP, token lookup, the analytics statement, rendering)
against the database's own client running the same statement (PostgreSQL: pgbench -M prepared
in a session set up as the server's, jit=off; SQLite: the sqlite3 shell). Ratio: endpoint
median / client median; rounds: the median (smallest-largest) of the same ratio in each of the $ROUNDS
interleaved rounds, the steadier figure when the machine's load changes during a flow's runs.
Last column (PostgreSQL): pgbench's median with PostgreSQL's default jit=on.

| Backend | Flow | Endpoint median | Endpoint p95 | Client median | Client p95 | Ratio | Rounds | Client, jit=on |
|---|---|---|---|---|---|---|---|---|
EOF
: >"$out/rounds.tsv"

# --- PostgreSQL -----------------------------------------------------------------------------

if [[ " $BACKENDS " == *" postgres "* ]]; then
  start_server "$url"
  # The statements the server sends, from PostgreSQL's log: one request per flow, traced.
  psql -X -q "$url" -c "ALTER SYSTEM SET log_statement = 'all'" -c 'SELECT pg_reload_conf()' >/dev/null
  sleep 0.3
  for flow in $FLOWS; do
    n=$(wc -l <"$work/pg/server.log")
    endpoint_ms "${module[$flow]}" 1 >/dev/null
    sleep 0.3
    tail -n +"$((n + 1))" "$work/pg/server.log" | sed -n 's/.*LOG:  execute [^:]*: \(WITH head AS .*\)/\1/p' |
      head -n1 >"$work/pg-$flow.sql"
    if [ ! -s "$work/pg-$flow.sql" ] || [ "$(cat "$work/pg-$flow.sql")" != "$(statement postgres "$flow")" ]; then
      log "MISMATCH: the statement traced for $flow is not the one in the binary"
      exit 1
    fi
    sed 's/\$1/:mid/g' "$work/pg-$flow.sql" >"$out/pgbench-$flow.sql"
  done
  psql -X -q "$url" -c 'ALTER SYSTEM RESET log_statement' -c 'SELECT pg_reload_conf()' >/dev/null
  for flow in $FLOWS; do
    curl -fs -H "$AUTH" "http://127.0.0.1:$hport/api/v1/modules/${module[$flow]}/analytics" \
      >"$out/reply-postgres-$flow.json"
    log "postgres $flow: $RUNS requests and $RUNS pgbench runs in $ROUNDS rounds"
    measure postgres "$flow" "${module[$flow]}" "$out/pgbench-$flow.sql" pgbench_ms pgbench_jit_ms
    # The plan the server's prepared statement settles on (custom plans for the first five
    # executions, then possibly the generic one), with its buffers.
    { echo "PREPARE analytics AS $(cat "$work/pg-$flow.sql");"
      for _ in 1 2 3 4 5 6; do echo "EXECUTE analytics('${module[$flow]}') \\g /dev/null"; done
      echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE analytics('${module[$flow]}');"
      # Per-node timing costs two clock readings per row and node, a lot for a plan that
      # rescans a subquery per record: the execution time without it, for comparison.
      echo "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE analytics('${module[$flow]}');"; } |
      PGOPTIONS='-c jit=off' psql -X -q "$url" >"$out/plan-postgres-$flow.txt"
  done
  stop_server
fi

# --- SQLite ---------------------------------------------------------------------------------

if [[ " $BACKENDS " == *" sqlite "* ]]; then
  db=$work/trainsmart.db
  DATABASE_URL="sqlite:$db" "$BIN" migrate up >>"$out/migrate.log" 2>&1
  log "copying the data set into SQLite (bench/pg_to_sqlite.py)"
  python3 "$bench/pg_to_sqlite.py" "$url" "$db" >>"$out/generate.log"
  # The copy wrote some 450 MB: the kernel writing it back slowed the first requests 2-3 times.
  sync
  start_server "sqlite:$db"
  for flow in $FLOWS; do
    # The server rewrites $N to ?N when it prepares a statement (src/db/db_sqlite.c).
    statement sqlite "$flow" | sed 's/\$1/?1/g; s/$/;/' >"$out/sqlite-$flow.sql"
    [ -s "$out/sqlite-$flow.sql" ] || { log "no SQLite statement found for $flow"; exit 1; }
    curl -fs -H "$AUTH" "http://127.0.0.1:$hport/api/v1/modules/${module[$flow]}/analytics" \
      >"$out/reply-sqlite-$flow.json"
    log "sqlite $flow: $RUNS requests and $RUNS sqlite3 runs in $ROUNDS rounds"
    measure sqlite "$flow" "${module[$flow]}" "$out/sqlite-$flow.sql" sqlite_ms
    { echo ".parameter set ?1 '${module[$flow]}'"; echo "EXPLAIN QUERY PLAN $(cat "$out/sqlite-$flow.sql")"; } |
      sqlite3 "$db" >"$out/plan-sqlite-$flow.txt"
  done
  stop_server
fi

# Both backends read the same data, so they must give the same replies.
same=0
echo >>"$out/summary.md"
for flow in $FLOWS; do
  [ -f "$out/reply-postgres-$flow.json" ] && [ -f "$out/reply-sqlite-$flow.json" ] || continue
  if cmp -s "$out/reply-postgres-$flow.json" "$out/reply-sqlite-$flow.json"; then
    echo "The $flow replies of both backends are identical." >>"$out/summary.md"
  else
    echo "DIFFERENT: the $flow replies of the two backends differ." >>"$out/summary.md"
    same=1
  fi
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/summary.md"
cat "$out/summary.md"
exit "$same"
