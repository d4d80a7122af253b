#!/usr/bin/env bash
# TrainSmart benchmark suite: the server under wrk against the same SQL under pgbench.
#
#   bench/run.sh                 build, load, measure, print the summary (about 15 minutes)
#   bench/run.sh --summary DIR   rewrite DIR/summary.md from DIR/rounds.tsv
#   DURATION=3 ROUNDS=1 bench/run.sh      a quick smoke run
#   ENDPOINTS="post_checkin get_streak_short get_streak_long get_module" bench/run.sh
#                                the check-in endpoints, short and long histories apart
#
# Everything it starts (PostgreSQL cluster, server) lives in a temporary directory and is
# stopped by the EXIT trap, whatever happens. Results go to bench/results/<UTC time>/
# (summary.md, rounds.tsv, raw tool output, server log). See bench/README.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/bench

# --- knobs (environment) -----------------------------------------------------------------
DURATION=${DURATION:-10}                 # seconds per measured run
ROUNDS=${ROUNDS:-3}                      # interleaved rounds per endpoint and tool
CONNS=${CONNS:-32}                       # wrk -c and pgbench -c
WARMUP=${WARMUP:-3}                      # seconds of warm-up per endpoint (each tool)
ENDPOINTS=${ENDPOINTS:-"get_module get_screens put_progress post_assignment get_my_assignments post_checkin get_streak"}
                                         # also known: get_streak_short, get_streak_long (learners
                                         #   with 30-60 / 300-400 days of check-in history)
BENCH_WORKERS=${BENCH_WORKERS:-8}        # server WORKER_THREADS (8/8 measured best on 2 cores, see docs/PERFORMANCE.md)
BENCH_POOL=${BENCH_POOL:-8}              # server DB_POOL_SIZE
PGBENCH_JOBS=${PGBENCH_JOBS:-2}          # pgbench -j (client threads)
WRK_THREADS=${WRK_THREADS:-2}            # wrk -t: as many client threads as pgbench has
COLDSTART_RUNS=${COLDSTART_RUNS:-5}      # 0 skips the cold start measurement
DB_CPUS=${DB_CPUS:-}                     # e.g. 0: PostgreSQL runs on these CPUs only, and the server,
CLIENT_CPUS=${CLIENT_CPUS:-}             #   wrk and pgbench on CLIENT_CPUS (e.g. 1); both empty:
                                         #   everything shares every CPU
SKIP_BUILD=${SKIP_BUILD:-0}
OTHER_MAX=${OTHER_MAX:-}                 # e.g. 25: a round in which other jobs took more than this % of
ROUND_RETRIES=${ROUND_RETRIES:-3}        #   one CPU is done again (at most ROUND_RETRIES times), each
QUIET_WAIT=${QUIET_WAIT:-120}            #   round after waiting (at most QUIET_WAIT s) for the machine
                                         #   to be that quiet; empty: off
LEARNERS=1000
MODULES=200
PUT_LO=501                               # pgbench PUT learners; wrk PUT uses 1..(ROUNDS+1)*WRK_THREADS
PUT_HI=$LEARNERS
ASSIGNED=20                              # generate.sql assigns each learner 5-20 of modules 1..ASSIGNED;
                                         #   POST /assignments uses the other (module, learner) pairs
CHECKIN_POOL=${CHECKIN_POOL:-100000}     # check-in learners for POST /checkins (one check-in each per run)

PGBIN=/usr/lib/postgresql/15/bin
PGBENCH=$PGBIN/pgbench
WRK=${WRK:-wrk}
BIN=$root/build-bench/trainsmart

# The server reads FAULT_CLOCK_FILE (tests only: the clock from a file, read on every use of
# the wall clock); inherited from the caller's environment it would change what is measured.
unset FAULT_CLOCK_FILE

if { [ -n "$DB_CPUS" ] && [ -z "$CLIENT_CPUS" ]; } || { [ -z "$DB_CPUS" ] && [ -n "$CLIENT_CPUS" ]; }; then
  echo "run.sh: set both DB_CPUS and CLIENT_CPUS, or neither" >&2
  exit 2
fi
# Prefixes that pin a command to the database's or the clients' CPUs (empty: no pinning).
on_db=() on_clients=()
if [ -n "$DB_CPUS" ]; then on_db=(taskset -c "$DB_CPUS"); on_clients=(taskset -c "$CLIENT_CPUS"); fi
if (((ROUNDS + 1) * WRK_THREADS >= PUT_LO)); then
  echo "run.sh: (ROUNDS+1)*WRK_THREADS must stay below $PUT_LO (wrk and pgbench PUT learners are disjoint)" >&2
  exit 2
fi
# POST /assignments: how many assignments a run (reset before it) may create, one per free
# (module, learner) pair: wrk thread t and pgbench client c have pairs of their own (see
# bench/README.md), 45,000 per wrk thread at -t2 and 5,580 per pgbench client at -c32.
wrk_pairs=0
for ((t = 0; t < WRK_THREADS; t++)); do
  wrk_pairs=$((wrk_pairs + ((LEARNERS - 1 - t) / WRK_THREADS + 1) * ((MODULES - ASSIGNED - 1 - t) / WRK_THREADS + 1)))
done
pg_client_pairs=$(((LEARNERS / CONNS) * (MODULES - ASSIGNED)))   # the fewest a client has
# POST /checkins: wrk thread t and pgbench client c check in every WRK_THREADS-th / CONNS-th
# check-in learner, each once per run (bench/README.md); the fewest a thread / client has.
wrk_checkins=$((CHECKIN_POOL / WRK_THREADS))
pg_client_checkins=$((CHECKIN_POOL / CONNS))

# The load generators must be there before anything starts: without wrk every HTTP run would
# be recorded as invalid and the run would only say so at the end.
if [ "${1:-}" != --summary ]; then
  for tool in wrk psql curl taskset /usr/lib/postgresql/15/bin/pgbench; do
    command -v "$tool" >/dev/null || {
      echo "run.sh: $tool not found (Debian: apt-get install wrk postgresql-15 curl util-linux)" >&2
      exit 2
    }
  done
fi

work=
if [ "${1:-}" != --summary ]; then
  out=${BENCH_OUT:-$bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  work=$(mktemp -d /tmp/ts-bench.XXXXXX)
  chmod 755 "$work" # the cluster runs as user postgres
fi
pg_started=0
srv_pid=

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=bench/lib.sh
. "$bench/lib.sh"

cleanup() {
  local rc=$?
  set +e
  if [ -n "$srv_pid" ] && kill -0 "$srv_pid" 2>/dev/null; then stop_server; fi
  if [ "$pg_started" = 1 ]; then
    cp "$work/pg/server.log" "$out/postgres.log" 2>/dev/null
    "$root/scripts/pg-cluster.sh" stop "$work/pg" || "$root/scripts/pg-cluster.sh" kill "$work/pg"
  fi
  [ -n "$work" ] && rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers ---------------------------------------------------------------------------------

# CPU ticks (1/100 s) used so far by the server process (all its threads).
srv_ticks() { awk '{print $14 + $15}' "/proc/$srv_pid/stat"; }

# CPU ticks used so far by the whole PostgreSQL cluster: the postmaster, its live children, and
# its exited children (which the kernel adds to the postmaster's cutime/cstime when reaped).
pg_ticks() {
  local pm total=0 t
  pm=$(head -n1 "$work/pg/data/postmaster.pid")
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for c in $(pgrep -P "$pm"); do
    t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$c/stat" 2>/dev/null) || continue
    total=$((total + t))
  done
  echo "$total"
}

rss_kb() { ps -o rss= -p "$srv_pid" | tr -d ' '; }

# CPU ticks (1/100 s) the whole machine has been busy so far (user, nice, system, irq, softirq
# and steal of /proc/stat: a process's own time includes the interrupt work done while it ran),
# and the wall clock in ms.
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
now_ms() { date +%s%3N; }

# Waits (at most QUIET_WAIT s) until the machine has been below OTHER_MAX % of one CPU busy
# for 2 s; the benchmark's own processes are idle then.
wait_machine_quiet() {
  local b0 b1 waited=0
  while [ "$waited" -lt "$QUIET_WAIT" ]; do
    b0=$(busy_ticks); sleep 2; b1=$(busy_ticks)
    [ $(((b1 - b0) / 2)) -le "$OTHER_MAX" ] && return 0
    waited=$((waited + 2))
  done
  log "other jobs kept the machine busy for ${QUIET_WAIT}s: going on"
}

# round_disturbed N: whether a run recorded after line N of rounds.tsv had other jobs take more
# than OTHER_MAX % of one CPU.
round_disturbed() {
  awk -F'\t' -v n="$1" -v max="$OTHER_MAX" 'NR > n && $13 + 0 > max + 0 {d = 1} END {exit !d}' "$out/rounds.tsv"
}

# other_cpu BUSY_TICKS OUR_TICKS ELAPSED_MS: the CPU the machine spent on processes other than
# the benchmark's own (server, PostgreSQL cluster, load generator) during a run, in % of one CPU
# (200 = both cores of a 2-core machine): the shared machine's interference with that run.
other_cpu() { awk -v b="$1" -v o="$2" -v ms="$3" 'BEGIN {printf "%.0f", (ms > 0 ? (b - o) * 1000 / ms : 0)}'; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$srv_pid/status"; }

start_server() {
  env DATABASE_URL="$url" HOST=127.0.0.1 PORT="$hport" DB_POOL_SIZE="$BENCH_POOL" \
    WORKER_THREADS="$BENCH_WORKERS" LOG_LEVEL=warning \
    "${on_clients[@]}" "$BIN" serve >>"$out/server.log" 2>&1 &
  srv_pid=$!
  bench_wait_healthz "$hport" "$srv_pid"
}

stop_server() {
  bench_stop "$srv_pid"
  srv_pid=
}

# Waits (at most 10 s) until no client of the database is inside a statement or transaction:
# requests wrk left in flight when it stopped are finished by the server after it exited.
wait_quiet() {
  sleep 0.3
  for _ in $(seq 1 100); do
    [ "$(psql -X -qAt "$url" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
          AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'")" = 0 ] && return 0
    sleep 0.1
  done
  log "the database did not become idle within 10 s"
}

MANAGER="(SELECT id FROM users WHERE email = 'bench-manager@bench.invalid')"

# POST /assignments runs: every answer counted (wrk: 201s, pgbench: transactions) must have
# created one assignment, and requests still in flight when the tool stopped may have added up
# to CONNS more. check_created WHAT ANSWERS compares with the manager's assignments since the
# last reset; 1 if they differ.
check_created() {
  local made
  wait_quiet
  made=$(psql -X -qAt "$url" -c "SELECT count(*) FROM assignments WHERE assigned_by = $MANAGER")
  if [ "$made" -lt "${2:-0}" ] || [ "$made" -gt $((${2:-0} + CONNS)) ]; then
    log "$1: $made assignments created for ${2:-0} answers"
    return 1
  fi
}

# Deletes what POST /assignments created (the manager's assignments and their notifications) and
# vacuums both tables: every post_assignment run starts from the data as generated, with all of
# its (module, learner) pairs free, and the endpoints after it read the data as generated.
reset_assignments() {
  wait_quiet
  psql -X -q -v ON_ERROR_STOP=1 "$url" \
    -c "WITH d AS (DELETE FROM assignments WHERE assigned_by = $MANAGER RETURNING id)
        DELETE FROM notifications n USING d WHERE n.data->>'assignment_id' = CAST(d.id AS text)" \
    -c 'VACUUM (ANALYZE) assignments, notifications' >/dev/null
}

# POST /checkins runs: the check-in learners' check-ins since the last reset (their histories
# end yesterday) must number the answers counted plus at most CONNS in flight, as for
# assignments, and every one must be on its zone's today as generate.sql dated the histories
# (bench_zones.today): otherwise a local midnight passed during the run, or pgbench computed
# another day than the server, and the check-ins did other work (no run to join). check_checkins
# WHAT ANSWERS: 1 if either fails.
check_checkins() {
  local made wrong
  wait_quiet
  read -r made wrong < <(psql -X -qAt -F ' ' "$url" -c "SELECT count(*), count(*) FILTER (WHERE c.day <> z.today)
      FROM checkins c JOIN bench_checkin_pool p ON p.user_id = c.user_id JOIN bench_zones z ON z.i = p.zone
      WHERE c.day >= (SELECT min(today) FROM bench_zones) AND c.day >= z.today")
  if [ "$made" -lt "${2:-0}" ] || [ "$made" -gt $((${2:-0} + CONNS)) ]; then
    log "$1: $made check-ins created for ${2:-0} answers"
    return 1
  fi
  if [ "$wrong" != 0 ]; then
    log "$1: $wrong check-ins not on their zone's today as loaded (a local midnight during the run?)"
    return 1
  fi
}

# Undoes what POST /checkins created (bench_checkin_reset() in generate.sql: the check-in
# learners' check-ins since, and their runs and streak rows derived again from the rest, which
# restores them as generated; a zone whose local date has moved on gets its check-in learners'
# histories rewritten for the new today) and vacuums the three tables, so every post_checkin run
# starts from the same tables with every check-in learner free to check in.
reset_checkins() {
  local moved
  wait_quiet
  IFS='|' read -r _ moved < <(psql -X -qAt -v ON_ERROR_STOP=1 "$url" \
    -c 'SELECT deleted, zones_moved FROM bench_checkin_reset()' \
    -c 'VACUUM (ANALYZE) checkins, checkin_runs, checkin_streaks')
  [ "${moved:-0}" = 0 ] || log "reset: the local date moved on in $moved zone(s): their check-in learners' histories were dated anew"
}

# bench/check_checkins.sql: the check-in runs and streak rows are what the check-ins make, as
# WHEN (a phrase for the log) left them; 1 if not.
check_checkin_tables() {
  wait_quiet
  if psql -X -q -v ON_ERROR_STOP=1 -f "$bench/check_checkins.sql" "$url" >"$work/check.txt" 2>&1; then
    log "check-in runs and streaks $1: $(sed -n 's/.*NOTICE: *//p' "$work/check.txt")"
  else
    log "check-in runs and streaks $1: $(grep ERROR "$work/check.txt")"
    return 1
  fi
}

before_run() {
  case $1 in
    post_assignment) reset_assignments ;;
    post_checkin) reset_checkins ;;
  esac
}

# The wrk and pgbench scripts of an endpoint: get_streak_short and get_streak_long are
# get_streak over the learners with short and with long check-in histories (generate.sql).
script_of() { case $1 in get_streak_*) echo get_streak ;; *) echo "$1" ;; esac; }

# The learners (LO HI) an endpoint's requests are drawn from (get_streak*).
learner_range() {
  case $1 in
    get_streak_short) echo "1 $((LEARNERS / 2))" ;;
    get_streak_long) echo "$((LEARNERS / 2 + 1)) $LEARNERS" ;;
    *) echo "1 $LEARNERS" ;;
  esac
}

# pgbench -D zo<i>=<ms>: the UTC offset now of generate.sql's zone i (bench_zones), from which
# the check-in scripts compute a learner's today as the server does.
zone_offsets() {
  psql -X -qAt "$url" -c "SELECT string_agg('zo' || i || '=' || CAST(extract(epoch FROM
      timezone(name, now()) - timezone('UTC', now())) * 1000 AS bigint), ' ' ORDER BY i) FROM bench_zones"
}

# Nearest-rank percentiles (ms) of pgbench -l logs (3rd column: latency in µs).
pg_percentiles() {
  cat "$@" | awk '{print $3}' | sort -n | awk '{v[NR] = $1}
    END { if (NR == 0) { print "nan nan"; exit }
          i50 = int((NR * 50 + 99) / 100); i99 = int((NR * 99 + 99) / 100);
          printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }'
}

kv() { # kv KEY LINE: the value of KEY=value in LINE
  sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $2"
}

# One wrk run. Appends a row to rounds.tsv; returns 1 if the run is invalid.
run_wrk() {
  local ep=$1 round=$2 dur=$3 offset=$4 tag=$5
  local f="$out/raw/wrk-$ep-$tag.txt" s0 s1 p0 p1 cpu line tool=wrk range
  local args=(-t"$WRK_THREADS" -c"$CONNS" -d"${dur}s" --latency --timeout 5s
    -s "$bench/wrk/$(script_of "$ep").lua" "http://127.0.0.1:$hport")
  [ "$ep" = put_progress ] && args+=(-- "$offset")
  [ "$ep" = post_assignment ] && args+=(-- "$WRK_THREADS")
  [ "$ep" = post_checkin ] && args+=(-- "$WRK_THREADS")
  case $ep in get_streak*) read -r -a range <<<"$(learner_range "$ep")"; args+=(-- "${range[@]}") ;; esac
  local b0 b1 t0 t1
  s0=$(srv_ticks); p0=$(pg_ticks); b0=$(busy_ticks); t0=$(now_ms)
  { TIMEFORMAT='%U %S'; time BENCH_DIR="$bench" BENCH_IDS="$out/ids.lua" "${on_clients[@]}" "$WRK" "${args[@]}" >"$f" 2>&1; } 2>"$f.cpu"
  s1=$(srv_ticks); p1=$(pg_ticks); b1=$(busy_ticks); t1=$(now_ms)
  line=$(grep '^BENCH ' "$f" || true)
  if [ -z "$line" ]; then
    log "wrk $ep $tag: no result line (see $f)"
    return 1
  fi
  local req rps p50 p99 non2xx errs bad ok exhausted writes=yes
  req=$(kv requests "$line"); rps=$(kv rps "$line"); p50=$(kv p50_ms "$line"); p99=$(kv p99_ms "$line")
  non2xx=$(kv non2xx "$line"); errs=$(kv errors "$line"); bad=$(kv bad "$line")
  ok=$(kv ok "$line"); exhausted=$(kv exhausted "$line")
  # put_progress.lua, post_assignment.lua and post_checkin.lua count their answers other than
  # 200 / 201 themselves (bad=); wrk counts non-2xx (non2xx=)
  [ "${bad:-0}" -gt "$non2xx" ] && non2xx=$bad
  if [ "${exhausted:-0}" != 0 ]; then
    log "wrk $ep $tag: $exhausted requests past the last (module, learner) pair or check-in learner (see bench/README.md)"
    non2xx=$((non2xx + exhausted))
  fi
  [ "$ep" = post_assignment ] && { check_created "wrk $ep $tag" "$ok" || writes=NO; }
  [ "$ep" = post_checkin ] && { check_checkins "wrk $ep $tag" "$ok" || writes=NO; }
  [ "$round" = warmup ] && { [ "$writes" = yes ]; return; }
  local srv_us pg_us other valid=$writes
  cpu=$(awk -v n="$req" '{printf "%.0f", n ? ($1 + $2) * 1e6 / n : 0}' "$f.cpu")
  other=$(other_cpu $((b1 - b0)) "$(awk -v s=$((s1 - s0 + p1 - p0)) '{printf "%.0f", s + ($1 + $2) * 100}' "$f.cpu")" $((t1 - t0)))
  srv_us=$(awk -v d=$((s1 - s0)) -v n="$req" 'BEGIN {printf "%.0f", n ? d * 10000 / n : 0}')
  pg_us=$(awk -v d=$((p1 - p0)) -v n="$req" 'BEGIN {printf "%.0f", n ? d * 10000 / n : 0}')
  if [ "$non2xx" != 0 ] || [ "$errs" != 0 ]; then valid=NO; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ep" "$round" "$tool" "$rps" "$p50" "$p99" \
    "$((non2xx + errs))" "$srv_us" "$pg_us" "$cpu" "$(rss_kb)" "$valid" "$other" >>"$out/rounds.tsv"
  log "$(printf '%-8s' "$tool") $ep round $round: $rps req/s p50 $p50 ms p99 $p99 ms, server ${srv_us} µs/req, postgres ${pg_us} µs/req, bad $((non2xx + errs)), other processes ${other}% CPU"
  [ "$valid" = yes ]
}

# One pgbench -M prepared run of bench/pgbench/SCRIPT.sql. Appends a row to rounds.tsv.
run_pgbench() {
  local ep=$1 round=$2 dur=$3 tag=$4 script=$5
  local f="$out/raw/pgbench-$script-$tag.txt" d="$work/pgblog-$script-$tag" p0 p1 cpu
  mkdir -p "$d"
  local args=(-M prepared -c "$CONNS" -j "$PGBENCH_JOBS" -T "$dur" -n
    -D learners=$LEARNERS -D modules=$MODULES -D now="$(date +%s%3N)"
    -D put_lo=$PUT_LO -D put_hi=$PUT_HI -D clients="$CONNS" -D k=0 -D assigned=$ASSIGNED
    -f "$bench/pgbench/$script.sql")
  [ "$round" != warmup ] && args+=(-l --log-prefix="$d/log")
  case $ep in
    post_checkin | get_streak*)
      local lo hi zo
      read -r lo hi <<<"$(learner_range "$ep")"
      args+=(-D lo="$lo" -D hi="$hi")
      for zo in $(zone_offsets); do args+=(-D "$zo"); done ;;
  esac
  local b0 b1 t0 t1
  p0=$(pg_ticks); b0=$(busy_ticks); t0=$(now_ms)
  { TIMEFORMAT='%U %S'; time "${on_clients[@]}" "$PGBENCH" "${args[@]}" "$url" >"$f" 2>&1; } 2>"$f.cpu" || {
    log "pgbench $script $tag failed (see $f)"
    grep -q 'assignments_module_id_user_id_key' "$f" &&
      log "pgbench $script $tag: a (module, learner) pair was used twice (run out of pairs, or not reset?)"
    [ "$ep" = post_checkin ] && grep -q 'expected one row, got 0' "$f" &&
      log "pgbench $script $tag: a client ran out of check-in learners (CHECKIN_POOL)"
    return 1
  }
  sleep 0.5 # let the postmaster reap the exited backends, so their CPU time is counted
  p1=$(pg_ticks); b1=$(busy_ticks); t1=$(now_ms)
  local tps failed txs pcts pg_us other valid=yes
  txs=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$f")
  [ "$ep" = post_assignment ] && { check_created "pgbench $script $tag" "$txs" || valid=NO; }
  [ "$ep" = post_checkin ] && { check_checkins "pgbench $script $tag" "$txs" || valid=NO; }
  [ "$round" = warmup ] && { [ "$valid" = yes ]; return; }
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$f")
  cpu=$(awk -v n="$txs" '{printf "%.0f", n ? ($1 + $2) * 1e6 / n : 0}' "$f.cpu")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$f")
  grep -q 'aborted' "$f" && valid=NO
  [ "${failed:-0}" != 0 ] && valid=NO
  pcts=$(pg_percentiles "$d"/log*)
  pg_us=$(awk -v d=$((p1 - p0)) -v n="$txs" 'BEGIN {printf "%.0f", n ? d * 10000 / n : 0}')
  other=$(other_cpu $((b1 - b0)) "$(awk -v s=$((p1 - p0)) '{printf "%.0f", s + ($1 + $2) * 100}' "$f.cpu")" $((t1 - t0)))
  local tool=pgbench
  [ "$script" != "$(script_of "$ep")" ] && tool=pgbench-${script#"$(script_of "$ep")_"}
  printf '%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t-\t%s\t%s\t-\t%s\t%s\n' "$ep" "$round" "$tool" "$tps" \
    "${pcts% *}" "${pcts#* }" "${failed:-0}" "$pg_us" "$cpu" "$valid" "$other" >>"$out/rounds.tsv"
  log "$(printf '%-8s' "$tool") $ep round $round: $tps tps p50 ${pcts% *} ms p99 ${pcts#* } ms, postgres ${pg_us} µs/tx, other processes ${other}% CPU"
  rm -rf "$d"
  [ "$valid" = yes ]
}

# Statement signatures ("SELECT tokens", "BEGIN", "UPDATE progress", "SELECT pg_notify", ...) of
# SQL text on stdin, one statement per line.
sql_signatures() {
  awk '{ w = toupper($1); t = ""
         if (match($0, / FROM [A-Za-z_]+/)) t = substr($0, RSTART + 6, RLENGTH - 6)
         else if (match($0, /^SELECT [A-Za-z_]+\(/)) t = substr($0, 8, RLENGTH - 8)
         else if (w == "UPDATE") t = $2
         else if (w == "INSERT") t = $3
         sub(/;$/, "", w); print w (t != "" ? " " t : "") }'
}

# One traced request per endpoint (after one untraced request that warms the server's caches):
# the statements PostgreSQL received (log_statement = all) go to statements.txt and their
# signatures are compared with bench/pgbench/<endpoint>_server.sql. A mismatch means the pgbench
# script no longer matches the server's code and the ratio would be meaningless.
trace_statements() {
  local m f ver ep n auth=(-H 'Authorization: Bearer tsk_bench_1000') ok=0 am al body items cl
  m=$(sed -n '/modules = {/{n;p;q}' "$out/ids.lua" | tr -d ' ",')
  f=$(sed -n '/first = {/{n;p;q}' "$out/ids.lua" | tr -d ' ",')
  # POST /assignments: the manager assigns the last two modules to the last learner (pairs the
  # benchmark uses too: reset_assignments deletes them before it starts)
  am=$(sed -n '/^  modules = {/,/^  }/p' "$out/ids.lua" | sed -n "$MODULES,$((MODULES + 1))p" | tr -d ' ",' | grep .)
  al=$(sed -n '/^  learner_ids = {/,/^  }/p' "$out/ids.lua" | sed -n "$((LEARNERS + 1))p" | tr -d ' ",')
  # POST /checkins: two check-in learners whose check-in joins the run ending yesterday and
  # makes it the longest (class 3 in generate.sql), so that the conditional UPDATE is traced
  # (reset_checkins undoes them before the benchmark starts)
  cl=$(psql -X -qAt "$url" -c 'SELECT n FROM bench_checkin_pool WHERE bench_pool_class(n) = 3 ORDER BY n DESC LIMIT 2')
  psql -X -q "$url" -c "ALTER SYSTEM SET log_statement = 'all'" -c 'SELECT pg_reload_conf()' >/dev/null
  sleep 0.3
  : >"$out/statements.txt"
  for ep in $ENDPOINTS; do
    for pass in warm traced; do
      [ "$pass" = traced ] && { sleep 0.2; n=$(wc -l <"$work/pg/server.log"); }
      case $ep in
        get_module) curl -fs -o /dev/null "${auth[@]}" "http://127.0.0.1:$hport/api/v1/modules/$m" ;;
        get_screens) curl -fs -o /dev/null "${auth[@]}" "http://127.0.0.1:$hport/api/v1/modules/$m/screens" ;;
        put_progress)
          ver=$(curl -fs "${auth[@]}" "http://127.0.0.1:$hport/api/v1/modules/$m/progress" |
            sed -n 's/.*"version":\([0-9]*\).*/\1/p')
          [ "$pass" = traced ] && { sleep 0.2; n=$(wc -l <"$work/pg/server.log"); }
          curl -fs -o /dev/null "${auth[@]}" -X PUT -H 'Content-Type: application/json' \
            -d "{\"version\":$ver,\"progress_data\":{\"current_screen_id\":null,\"completed_screen_ids\":[\"$f\"],\"responses\":{}}}" \
            "http://127.0.0.1:$hport/api/v1/modules/$m/progress" ;;
        post_assignment) # must be 201: a 409 (pair already assigned) runs other statements
          body="{\"module_id\":\"$(sed -n "$([ "$pass" = warm ] && echo 1 || echo 2)p" <<<"$am")\",\"user_id\":\"$al\",\"due_at\":\"$(date -u -d '+14 days' +%Y-%m-%dT%H:%M:%SZ)\"}"
          curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer tsk_bench_manager' \
            -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$hport/api/v1/assignments" | grep -qx 201 ;;
        get_my_assignments) # must list the learner's generated assignments (5-20)
          items=$(curl -fs "${auth[@]}" "http://127.0.0.1:$hport/api/v1/users/me/assignments" | grep -o '"overdue":' | wc -l)
          [ "$items" -ge 5 ] ;;
        post_checkin) # must be 201: a 409 (already checked in today) runs other statements
          curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
            -H "Authorization: Bearer tsk_bench_checkin_$(sed -n "$([ "$pass" = warm ] && echo 1 || echo 2)p" <<<"$cl")" \
            -d '{"mood":3,"confidence":4,"note":"Bench check-in."}' "http://127.0.0.1:$hport/api/v1/checkins" | grep -qx 201 ;;
        get_streak*)
          curl -fs -o /dev/null -H "Authorization: Bearer tsk_bench_$(learner_range "$ep" | cut -d' ' -f2)" \
            "http://127.0.0.1:$hport/api/v1/checkins/streak" ;;
        *) log "trace: no request for $ep in trace_statements()"; false ;;
      esac || {
        log "MISMATCH: trace: $ep $pass request failed"
        echo "MISMATCH $ep: the $pass request failed" >>"$out/statements.txt"
        ok=1
      }
    done
    sleep 0.3
    tail -n +"$((n + 1))" "$work/pg/server.log" |
      sed -n 's/.*LOG:  \(execute [^:]*\|statement\): //p' >"$work/server-$ep.sql"
    grep -v -e '^--' -e '^\\' -e '^[[:space:]]*$' "$bench/pgbench/$(script_of "$ep")_server.sql" |
      sed 's/ *\\[ga]set.*//' >"$work/pgbench-$ep.sql"
    {
      echo "== $ep: statements the server sent for one request"
      cat "$work/server-$ep.sql"
      echo
    } >>"$out/statements.txt"
    if diff <(sql_signatures <"$work/server-$ep.sql") <(sql_signatures <"$work/pgbench-$ep.sql") >"$work/sigdiff"; then
      log "statements of $ep match bench/pgbench/$(script_of "$ep")_server.sql ($(wc -l <"$work/server-$ep.sql") statements)"
    else
      log "MISMATCH: bench/pgbench/$(script_of "$ep")_server.sql does not run what the server runs (< server, > pgbench):"
      cat "$work/sigdiff" >&2
      echo "MISMATCH $ep" >>"$out/statements.txt"
      ok=1
    fi
  done
  psql -X -q "$url" -c 'ALTER SYSTEM RESET log_statement' -c 'SELECT pg_reload_conf()' >/dev/null
  return $ok
}

# GET /checkins/streak of every learner against the same figures computed by PostgreSQL with
# its own reading of the tz database (today in the learner's zone) from the check-ins
# themselves (current streak: the consecutive days up to today, or up to yesterday when today
# has none): the data's day numbers, zones and runs and the server's today agree. One curl
# process, one request per learner. A difference is written to streak_check.txt and fails the
# run; the comparison is tried twice, in case a zone's local midnight fell between the reads.
check_streak_answers() {
  local cfg="$work/streak.curl" n
  : >"$cfg"
  for ((n = 1; n <= LEARNERS; n++)); do
    [ "$n" -gt 1 ] && echo next >>"$cfg"
    printf 'url = "http://127.0.0.1:%s/api/v1/checkins/streak"\nheader = "Authorization: Bearer tsk_bench_%s"\nsilent\nwrite-out = "\\n"\n' \
      "$hport" "$n" >>"$cfg"
  done
  for _ in 1 2; do
    curl -K "$cfg" >"$work/streak.server" || true
    psql -X -qAt -v ON_ERROR_STOP=1 "$url" >"$work/streak.expected" <<SQL
SELECT format('{"current_streak":%s,"longest_streak":%s,"last_checkin_date":%s,"today":"%s","today_done":%s,"timezone":"%s"}',
              coalesce(e.end_day - cur.first_day + 1, 0), coalesce(s.longest, 0),
              coalesce('"' || to_char(DATE '1970-01-01' + last.day, 'YYYY-MM-DD') || '"', 'null'),
              to_char(DATE '1970-01-01' + t.today, 'YYYY-MM-DD'), CASE WHEN e.done THEN 'true' ELSE 'false' END, u.timezone)
FROM generate_series(1, $LEARNERS) AS n
JOIN users u ON u.id = bench_learner_uuid(n)
CROSS JOIN LATERAL (SELECT bench_local_day(u.timezone, CAST(extract(epoch FROM clock_timestamp()) * 1000 AS bigint)) AS today) t
CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM checkins WHERE user_id = u.id AND day = t.today) AS done) d
-- the day the current streak ends on: today, or yesterday when today has no check-in
CROSS JOIN LATERAL (SELECT CASE WHEN d.done THEN t.today ELSE t.today - 1 END AS end_day, d.done) e
-- its first day: the earliest d such that every day from d to that end has a check-in
LEFT JOIN LATERAL (SELECT min(day) AS first_day
                   FROM (SELECT day, row_number() OVER (ORDER BY day DESC) AS k
                         FROM checkins WHERE user_id = u.id AND day <= e.end_day) c
                   WHERE e.end_day - day + 1 = k) cur ON TRUE
LEFT JOIN checkin_streaks s ON s.user_id = u.id
CROSS JOIN LATERAL (SELECT max(day) AS day FROM checkins WHERE user_id = u.id) last
ORDER BY n
SQL
    if diff "$work/streak.expected" "$work/streak.server" >"$out/streak_check.txt"; then
      log "GET /checkins/streak: the answers of all $LEARNERS learners match PostgreSQL's figures"
      return 0
    fi
  done
  log "MISMATCH: GET /checkins/streak answers differ from PostgreSQL's figures (< expected, > server): $out/streak_check.txt"
  return 1
}

# EXPLAIN (ANALYZE, BUFFERS) of the streak statement (db_checkins_streak_get, its text as the
# server sent it in trace_statements) for the learner with the longest check-in history and the
# one with the shortest, as a custom plan and as the generic plan that a prepared statement (the
# server's, pgbench's) switches to after five executions when it looks no dearer: index probes
# only, the same few buffers and rows whatever the history's length. Written to
# explain_streak.txt.
explain_streak() {
  local stmt
  stmt=$(cat "$work"/server-get_streak*.sql 2>/dev/null | grep -m1 'FROM checkin_streaks' || true)
  if [ -z "$stmt" ]; then
    log "explain: no traced streak statement"
    return 1
  fi
  echo "$stmt" >"$out/explain_streak.txt"
  psql -X -q -v stmt="$stmt" "$url" >>"$out/explain_streak.txt" 2>&1 <<'SQL'
\pset footer off
PREPARE streak(uuid, integer) AS :stmt;
SELECT n, k.checkins, k.runs, k.first, k.last, bench_local_day(u.timezone, CAST(extract(epoch FROM now()) * 1000 AS bigint)) AS today,
       u.id AS user_id, u.timezone
FROM generate_series(1, (SELECT count(*) FROM users WHERE email LIKE 'bench-learner-%')::integer) AS n
JOIN users u ON u.id = bench_learner_uuid(n)
CROSS JOIN LATERAL (SELECT count(*) AS checkins, min(day) AS first, max(day) AS last,
                           (SELECT count(*) FROM checkin_runs r WHERE r.user_id = u.id) AS runs
                    FROM checkins c WHERE c.user_id = u.id) k
ORDER BY k.checkins DESC, n LIMIT 1 \gset long_
SELECT n, k.checkins, k.runs, bench_local_day(u.timezone, CAST(extract(epoch FROM now()) * 1000 AS bigint)) AS today, u.id AS user_id
FROM generate_series(1, (SELECT count(*) FROM users WHERE email LIKE 'bench-learner-%')::integer) AS n
JOIN users u ON u.id = bench_learner_uuid(n)
CROSS JOIN LATERAL (SELECT count(*) AS checkins, (SELECT count(*) FROM checkin_runs r WHERE r.user_id = u.id) AS runs
                    FROM checkins c WHERE c.user_id = u.id) k
ORDER BY k.checkins, n LIMIT 1 \gset short_
SELECT (SELECT count(*) FROM checkins) AS checkins_rows, (SELECT count(*) FROM checkin_runs) AS runs_rows,
       (SELECT count(*) FROM checkin_streaks) AS streak_rows;
\echo
\echo == learner :long_n (:long_timezone): :long_checkins check-ins in :long_runs runs, days :long_first .. :long_last, today :long_today
\echo -- custom plan (first execution)
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE streak(:'long_user_id', :long_today);
SET plan_cache_mode = force_generic_plan;
\echo -- generic plan (a prepared statement may settle on it after five executions)
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE streak(:'long_user_id', :long_today);
RESET plan_cache_mode;
\echo
\echo == learner :short_n: :short_checkins check-ins in :short_runs runs, today :short_today
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE streak(:'short_user_id', :short_today);
SET plan_cache_mode = force_generic_plan;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE streak(:'short_user_id', :short_today);
SQL
  log "EXPLAIN of the streak statement, longest and shortest history: $out/explain_streak.txt"
}

# Medians per (endpoint, tool) and the summary table.
summarise() {
  local t="$out/rounds.tsv"
  {
    echo "# Benchmark summary ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    echo "Medians of $ROUNDS rounds of ${DURATION}s, $CONNS connections (wrk -t$WRK_THREADS, pgbench -j$PGBENCH_JOBS -M prepared);"
    echo "server WORKER_THREADS=$BENCH_WORKERS DB_POOL_SIZE=$BENCH_POOL; CPUs: PostgreSQL ${DB_CPUS:-all}, server and load generators ${CLIENT_CPUS:-all}."
    echo
    echo "- **ceiling**: pgbench/<endpoint>.sql, the SQL the endpoint needs done one statement at a time (token"
    echo "  lookup, its reads and writes); the issue's baseline. **server SQL**: pgbench/<endpoint>_server.sql,"
    echo "  exactly the statements the server sends; the ratio to it is what the HTTP layer costs."
    echo "- Ratios: of the medians, and (in parentheses) the median of the ratios of runs in the same round,"
    echo "  which is steadier when the machine's speed drifts."
    echo "- CPU: time per request (per pgbench transaction) of the server process, the whole PostgreSQL cluster"
    echo "  and the load generator; all of them share the same cores."
    echo
    echo "| endpoint | server req/s | ceiling tps | ratio | server SQL tps | ratio | server p50 / p99 ms | ceiling p50 / p99 ms | CPU µs/req server + PG + wrk | CPU µs/tx PG + pgbench: ceiling; server SQL | RSS idle / after / peak MiB | valid |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for ep in $ENDPOINTS; do
      awk -F'\t' -v ep="$ep" -v idle="$(sed -n 's/^idle //p' "$out/rss.txt")" \
        -v hwm="$(sed -n "s/^peak $ep //p" "$out/rss.txt")" '
        function med(tool, col,   n, i, j, a, tmp) {
          n = 0
          for (i = 1; i <= NR_; i++) if (E[i] == ep && T[i] == tool) a[++n] = C[i, col] + 0
          if (n == 0) return "nan"
          for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { tmp = a[i]; a[i] = a[j]; a[j] = tmp }
          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        # the ratio taken round by round: each wrk run against the pgbench run of its round
        function rounds(tool,   n, i, j, rr, tmp) {
          n = 0
          for (i = 1; i <= NR_; i++) if (T[i] == "wrk")
            for (j = 1; j <= NR_; j++) if (T[j] == tool && R[j] == R[i] && C[j, 4] > 0) rr[++n] = C[i, 4] / C[j, 4]
          for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (rr[j] < rr[i]) { tmp = rr[i]; rr[i] = rr[j]; rr[j] = tmp }
          return n == 0 ? 0 : (n % 2 ? rr[(n + 1) / 2] : (rr[n / 2] + rr[n / 2 + 1]) / 2)
        }
        { NR_++; E[NR_] = $1; R[NR_] = $2; T[NR_] = $3; for (k = 4; k <= NF; k++) C[NR_, k] = $k; if ($3 == "wrk" && $11 + 0 > rss_after) rss_after = $11; if ($12 != "yes") bad = 1 }
        END {
          s = med("wrk", 4); p = med("pgbench", 4); q = med("pgbench-server", 4)
          ws = med("wrk", 8); wp = med("wrk", 9); wc = med("wrk", 10)
          pp = med("pgbench", 9); pc = med("pgbench", 10); qp = med("pgbench-server", 9); qc = med("pgbench-server", 10)
          printf "| %s | %.0f | %.0f | %.2f (%.2f) | %.0f | %.2f (%.2f) | %.2f / %.2f | %.2f / %.2f | %d + %d + %d = %d | %d + %d = %d; %d + %d = %d | %.1f / %.1f / %.1f | %s |\n",
            ep, s, p, (p > 0 ? s / p : 0), rounds("pgbench"), q, (q > 0 ? s / q : 0), rounds("pgbench-server"),
            med("wrk", 5), med("wrk", 6), med("pgbench", 5), med("pgbench", 6),
            ws, wp, wc, ws + wp + wc, pp, pc, pp + pc, qp, qc, qp + qc,
            idle / 1024, rss_after / 1024, hwm / 1024, (bad ? "NO" : "yes")
        }' <(awk -F'\t' -v ep="$ep" '$1 == ep' "$t")
    done
    echo
    [ -f "$out/coldstart.txt" ] && echo "Cold start (exec to /healthz 200): $(grep '^COLDSTART' "$out/coldstart.txt")"
    if grep -q '^MISMATCH' "$out/statements.txt" 2>/dev/null; then
      echo; echo "**WARNING: a pgbench script does not match the server's statements (statements.txt).**"
    fi
    true
  } >"$out/summary.md"
}

if [ "${1:-}" = --summary ]; then # bench/run.sh --summary DIR: rewrite DIR/summary.md
  out=$(cd "${2:?usage: run.sh --summary DIR}" && pwd)
  eval "$(sed -n 's/^settings: //p' "$out/machine.txt" | tr ' ' '\n' |
    sed -n 's/^\(DURATION\|ROUNDS\|CONNS\|PGBENCH_JOBS\|WRK_THREADS\|DB_CPUS\|CLIENT_CPUS\)=/\1=/p; s/^WORKER_THREADS=/BENCH_WORKERS=/p; s/^DB_POOL_SIZE=/BENCH_POOL=/p')"
  ENDPOINTS=$(awk -F'\t' 'NR > 1 && !seen[$1]++ {printf "%s ", $1}' "$out/rounds.tsv")
  summarise
  cat "$out/summary.md"
  exit 0
fi

# --- 1. build ------------------------------------------------------------------------------------
if [ "$SKIP_BUILD" != 1 ]; then
  log "building Release binary into build-bench/"
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=Release -DTS_TESTS=OFF >"$out/build.log" 2>&1
  cmake --build "$root/build-bench" -j2 >>"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }
fi
mkdir -p "$out/raw"

# --- 2. database ---------------------------------------------------------------------------------
bench_database "$work" "$out" "${on_db[@]}"
bench_generate "$out" -v learners=$LEARNERS -v modules=$MODULES -v assigned=$ASSIGNED \
  -v checkin_pool="$CHECKIN_POOL"
# the generated check-in runs and streaks must be what the check-ins make (bench/check_checkins.sql)
psql -X -q -v ON_ERROR_STOP=1 -f "$bench/check_checkins.sql" "$url" >>"$out/generate.log" 2>&1 ||
  { tail -n 3 "$out/generate.log" >&2; exit 1; }
psql -X -qAt -v ON_ERROR_STOP=1 -f "$bench/ids.sql" "$url" >"$out/ids.lua"

# --- 3. machine and revision -------------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "kernel: $(uname -sr)"
  echo "postgres: $("$PGBIN/postgres" --version)"
  echo "wrk: $("$WRK" -v 2>&1 | head -n1)"
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null) ($(git -C "$root" status --porcelain -- src migrations | wc -l) changed files under src/ migrations/)"
  echo "settings: DURATION=$DURATION ROUNDS=$ROUNDS CONNS=$CONNS WORKER_THREADS=$BENCH_WORKERS DB_POOL_SIZE=$BENCH_POOL PGBENCH_JOBS=$PGBENCH_JOBS WRK_THREADS=$WRK_THREADS DB_CPUS=${DB_CPUS:-all} CLIENT_CPUS=${CLIENT_CPUS:-all} OTHER_MAX=${OTHER_MAX:-off}"
  echo "loadavg before: $(cat /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/generate.log" >>"$out/machine.txt"

# --- 4. cold start --------------------------------------------------------------------------------
hport=$("$root/scripts/free-port.sh")
if [ "$COLDSTART_RUNS" -gt 0 ]; then
  if command -v python3 >/dev/null; then
    log "cold start x$COLDSTART_RUNS"
    DATABASE_URL="$url" HOST=127.0.0.1 PORT="$hport" DB_POOL_SIZE="$BENCH_POOL" \
      WORKER_THREADS="$BENCH_WORKERS" LOG_LEVEL=warning \
      "${on_clients[@]}" python3 "$bench/coldstart.py" "$COLDSTART_RUNS" "$hport" "$BIN" serve >"$out/coldstart.txt" 2>&1 ||
      log "cold start measurement failed (see $out/coldstart.txt)"
    log "$(tail -n1 "$out/coldstart.txt")"
  else
    log "python3 not found: cold start skipped"
  fi
fi

# --- 5. measure -----------------------------------------------------------------------------------
start_server
sleep 1
rss_idle=$(rss_kb)
echo "idle $rss_idle" >"$out/rss.txt"
log "server pid $srv_pid on :$hport, idle RSS $((rss_idle / 1024)) MiB"
status=0
case " $ENDPOINTS " in *" post_assignment "*)
  log "post_assignment: a run may create $wrk_pairs assignments with wrk ($((wrk_pairs / WRK_THREADS)) per thread), $pg_client_pairs per pgbench client" ;;
esac
case " $ENDPOINTS " in *" post_checkin "*)
  log "post_checkin: a run may create $wrk_checkins check-ins with wrk per thread, $pg_client_checkins per pgbench client ($CHECKIN_POOL check-in learners)" ;;
esac
trace_statements || { status=1; log "pgbench scripts out of date: fix them before trusting the ratios"; }
reset_assignments # the traced POST /assignments
case " $ENDPOINTS " in *" post_checkin "*) reset_checkins ;; esac # the traced POST /checkins
case " $ENDPOINTS " in *" get_streak"*)
  check_streak_answers || status=1
  explain_streak || status=1 ;;
esac
printf 'endpoint\tround\ttool\trps\tp50_ms\tp99_ms\tbad\tserver_cpu_us_per_req\tpg_cpu_us_per_req\tclient_cpu_us_per_req\trss_kb\tvalid\tother_cpu_pct\n' >"$out/rounds.tsv"
for ep in $ENDPOINTS; do
  log "== $ep: warm-up ${WARMUP}s each"
  before_run "$ep"; run_wrk "$ep" warmup "$WARMUP" 0 warmup || status=1
  before_run "$ep"; run_pgbench "$ep" warmup "$WARMUP" warmup "$(script_of "$ep")" || status=1
  for r in $(seq 1 "$ROUNDS"); do
    for attempt in $(seq 0 "$ROUND_RETRIES"); do
      [ -n "$OTHER_MAX" ] && wait_machine_quiet
      n0=$(wc -l <"$out/rounds.tsv")
      before_run "$ep"; run_wrk "$ep" "$r" "$DURATION" $((r * WRK_THREADS)) "r$r" || status=1
      if [ "$ep" = post_checkin ] && [ "$r" = 1 ]; then
        check_checkin_tables "after the server's first run" || status=1
      fi
      before_run "$ep"; run_pgbench "$ep" "$r" "$DURATION" "r$r" "$(script_of "$ep")" || status=1
      before_run "$ep"; run_pgbench "$ep" "$r" "$DURATION" "r$r" "$(script_of "$ep")_server" || status=1
      { [ -n "$OTHER_MAX" ] && round_disturbed "$n0"; } || break
      if [ "$attempt" = "$ROUND_RETRIES" ]; then
        log "$ep round $r: other jobs took more than $OTHER_MAX% of a CPU in every attempt: kept"
        break
      fi
      log "$ep round $r: other jobs took more than $OTHER_MAX% of a CPU: round moved to rounds_disturbed.tsv, again"
      tail -n +"$((n0 + 1))" "$out/rounds.tsv" >>"$out/rounds_disturbed.tsv"
      head -n "$n0" "$out/rounds.tsv" >"$work/rounds.tsv" && cat "$work/rounds.tsv" >"$out/rounds.tsv"
    done
  done
  if [ "$ep" = post_assignment ]; then reset_assignments; fi # the endpoints after it read the data as generated
  if [ "$ep" = post_checkin ]; then # as pgbench's replay of the server's statements left them, and restored
    check_checkin_tables "after pgbench's last run" || status=1
    reset_checkins
    check_checkin_tables "after the reset" || status=1
  fi
  echo "peak $ep $(hwm_kb)" >>"$out/rss.txt"
done
stop_server
echo "loadavg after: $(cat /proc/loadavg)" >>"$out/machine.txt"

summarise
cat "$out/summary.md"
log "results in $out"
[ "$status" = 0 ] || log "SOME RUNS WERE INVALID (non-200 answers, errors or failed transactions): see rounds.tsv"
exit $status
