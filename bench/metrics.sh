#!/usr/bin/env bash
# What counting for /metrics costs: GET /api/v1/modules/{id} (bench/wrk/get_module.lua) against
# the same server built twice, with the request path's counting (TS_METRICS=ON, the default) and
# without it (TS_METRICS=OFF), side by side on one PostgreSQL database.
#
#   bench/metrics.sh                         build both, load, measure, print the summary
#   ROUNDS=3 DURATION=5 bench/metrics.sh     a quicker run
#   PERF=1 bench/metrics.sh                  also one ON run under perf record
#   bench/metrics.sh --summary DIR           rewrite DIR/summary.md from DIR/rounds.tsv
#
# Both servers run at once on their own ports (the idle one costs nothing), so every round
# measures the two back to back on the same warm database: ON then OFF in odd rounds, OFF then
# ON in even ones, so a drift of the machine's load during a round does not favour either build.
# Each round gives the ratio ON/OFF of the throughputs; the figure is the median of the rounds.
# Placements (PLACEMENTS): "shared" (every process on every CPU) and "pinned" (PostgreSQL on
# CPU 0, the servers and wrk on CPU 1, as DB_CPUS=0 CLIENT_CPUS=1 of run.sh); one cluster
# serves both, re-pinned between them with taskset. Results go to bench/results/metrics-<UTC>/
# (rounds.tsv, summary.md, raw wrk output, server logs). See docs/PERFORMANCE.md, "Metrics".
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/bench

DURATION=${DURATION:-5}           # seconds per measured run
ROUNDS=${ROUNDS:-10}              # rounds per placement (each: one ON and one OFF run)
WARMUP=${WARMUP:-3}               # seconds of warm-up per build and placement
CONNS=${CONNS:-32}                # wrk -c
WRK_THREADS=${WRK_THREADS:-2}     # wrk -t
BENCH_WORKERS=${BENCH_WORKERS:-8} # WORKER_THREADS of both servers
BENCH_POOL=${BENCH_POOL:-8}       # DB_POOL_SIZE of both servers
PLACEMENTS=${PLACEMENTS:-"shared pinned"}
SKIP_BUILD=${SKIP_BUILD:-0}
OTHER_MAX=${OTHER_MAX:-}          # e.g. 40: a round in which other jobs took more than this % of one
ROUND_RETRIES=${ROUND_RETRIES:-5} #   CPU during either run is done again (at most ROUND_RETRIES
                                  #   times; the disturbed ones go to rounds_disturbed.tsv)
PERF=${PERF:-0}                   # 1: one more ON run (last placement) under perf record; the
                                  #   share of the server's CPU samples in the counting code
WRK=${WRK:-wrk}
LEARNERS=1000
MODULES=200

# --- summary -------------------------------------------------------------------------------------
# summarise: writes $out/summary.md from $out/rounds.tsv (and perf_metrics.txt when there).
summarise() {
  {
    echo "# /metrics counting: GET module, TS_METRICS=ON / OFF"
    echo
    sed 's/^/    /' "$out/machine.txt"
    echo
    echo "| Placement | Round | ON req/s | OFF req/s | ON/OFF | ON µs CPU/req | OFF µs CPU/req | other jobs % (ON, OFF) |"
    echo "|---|---|---|---|---|---|---|---|"
    awk -F'\t' 'NR > 1 {k = $1 "\t" $2; rps[k "\t" $3] = $4; cpu[k "\t" $3] = $7; oth[k "\t" $3] = $8; if (!seen[k]++) keys[++n] = k}
      END {for (i = 1; i <= n; i++) {split(keys[i], kk, "\t"); on = rps[keys[i] "\ton"]; off = rps[keys[i] "\toff"];
           printf "| %s | %s | %.0f | %.0f | %.3f | %s | %s | %s, %s |\n", kk[1], kk[2], on, off, (off > 0 ? on / off : 0),
             cpu[keys[i] "\ton"], cpu[keys[i] "\toff"], oth[keys[i] "\ton"], oth[keys[i] "\toff"]}}' "$out/rounds.tsv"
    echo
    echo "Medians over the rounds (the ratio is the median of the per-round ratios):"
    echo
    echo "| Placement | ON/OFF req/s | ON req/s | OFF req/s | ON µs CPU/req | OFF µs CPU/req |"
    echo "|---|---|---|---|---|---|"
    for placement in $PLACEMENTS; do
      awk -F'\t' -v p="$placement" '
        function median(a, n,   i, j, t) {
          for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {t = a[j]; a[j] = a[j - 1]; a[j - 1] = t}
          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        NR > 1 && $1 == p {rps[$2 "\t" $3] = $4; rounds[$2] = 1
          if ($3 == "on") {on[++non] = $4; con[non] = $7} else {off[++noff] = $4; coff[noff] = $7}}
        END {for (r in rounds) if (rps[r "\toff"] > 0) ratio[++nr] = rps[r "\ton"] / rps[r "\toff"]
             printf "| %s | %.3f | %.0f | %.0f | %.1f | %.1f |\n", p, median(ratio, nr), median(on, non),
               median(off, noff), median(con, non), median(coff, noff)}' "$out/rounds.tsv"
    done
    if [ -f "$out/micro.txt" ]; then
      echo
      echo "The counting code alone (bench/metrics_micro.c, best of 5 x 10^7):"
      echo
      sed 's/^/    /' "$out/micro.txt"
    fi
    if [ -f "$out/perf_metrics.txt" ]; then
      echo
      echo "perf (one ON run, placement $placement, \`perf report --no-children --sort sym\`):"
      echo
      sed 's/^/    /' "$out/perf_metrics.txt"
    fi
  } >"$out/summary.md"
}

if [ "${1:-}" = --summary ]; then # bench/metrics.sh --summary DIR: rewrite DIR/summary.md
  out=$(cd "${2:?usage: metrics.sh --summary DIR}" && pwd)
  PLACEMENTS=$(awk -F'\t' 'NR > 1 && !seen[$1]++ {printf "%s ", $1}' "$out/rounds.tsv")
  summarise
  cat "$out/summary.md"
  exit 0
fi

unset FAULT_CLOCK_FILE # tests only; would change what is measured
for tool in "$WRK" psql curl taskset; do
  command -v "$tool" >/dev/null || { echo "metrics.sh: $tool not found" >&2; exit 2; }
done

out=${BENCH_OUT:-$bench/results/metrics-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out/raw"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/ts-bench-metrics.XXXXXX)
chmod 755 "$work" # the cluster runs as user postgres
pg_started=0
declare -A pid port bin
pid[on]= pid[off]=
bin[on]=$root/build-bench-metrics-on/trainsmart
bin[off]=$root/build-bench-metrics-off/trainsmart
BIN=${bin[on]} # lib.sh migrates with it

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=bench/lib.sh
. "$bench/lib.sh"

cleanup() {
  local rc=$?
  set +e
  bench_stop "${pid[on]}"
  bench_stop "${pid[off]}"
  if [ "$pg_started" = 1 ]; then
    cp "$work/pg/server.log" "$out/postgres.log" 2>/dev/null
    "$root/scripts/pg-cluster.sh" stop "$work/pg" || "$root/scripts/pg-cluster.sh" kill "$work/pg"
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -------------------------------------------------------------------------------------
if [ "$SKIP_BUILD" != 1 ]; then
  for v in on off; do
    flag=$(echo "$v" | tr a-z A-Z)
    log "building Release with TS_METRICS=$flag into build-bench-metrics-$v/"
    cmake -S "$root" -B "$root/build-bench-metrics-$v" -DCMAKE_BUILD_TYPE=Release -DTS_TESTS=OFF \
      -DTS_METRICS="$flag" >"$out/build-$v.log" 2>&1
    cmake --build "$root/build-bench-metrics-$v" -j2 >>"$out/build-$v.log" 2>&1 ||
      { tail -30 "$out/build-$v.log" >&2; exit 1; }
  done
fi

# --- the counting code alone (bench/metrics_micro.c) --------------------------------------------
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DTS_METRICS=1 -DTS_VERSION='"bench"' \
  -I"$root/src" "$bench/metrics_micro.c" "$root/build-bench-metrics-on/libtscore.a" \
  $(pkg-config --libs libmicrohttpd jansson libsodium libpq sqlite3) -lpthread -lm \
  -o "$work/metrics_micro" >"$out/micro-build.log" 2>&1 || { cat "$out/micro-build.log" >&2; exit 1; }
"$work/metrics_micro" >"$out/micro.txt"
log "counting alone: $(tr '\n' ';' <"$out/micro.txt")"

# --- database ------------------------------------------------------------------------------------
bench_database "$work" "$out"
bench_generate "$out" -v learners=$LEARNERS -v modules=$MODULES -v assigned=20 -v checkin_pool=1000
psql -X -qAt -v ON_ERROR_STOP=1 -f "$bench/ids.sql" "$url" >"$out/ids.lua"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "kernel: $(uname -sr)"
  echo "wrk: $("$WRK" -v 2>&1 | head -n1)"
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null)"
  echo "settings: DURATION=$DURATION ROUNDS=$ROUNDS WARMUP=$WARMUP CONNS=$CONNS WRK_THREADS=$WRK_THREADS WORKER_THREADS=$BENCH_WORKERS DB_POOL_SIZE=$BENCH_POOL PLACEMENTS=\"$PLACEMENTS\" OTHER_MAX=${OTHER_MAX:-off}"
  echo "loadavg before: $(cat /proc/loadavg)"
} >"$out/machine.txt"

# --- servers -------------------------------------------------------------------------------------
for v in on off; do
  port[$v]=$("$root/scripts/free-port.sh")
  env DATABASE_URL="$url" HOST=127.0.0.1 PORT="${port[$v]}" DB_POOL_SIZE="$BENCH_POOL" \
    WORKER_THREADS="$BENCH_WORKERS" LOG_LEVEL=warning "${bin[$v]}" serve >>"$out/server-$v.log" 2>&1 &
  pid[$v]=$!
  bench_wait_healthz "${port[$v]}" "${pid[$v]}"
done
# The OFF build's /metrics has no request counters; the ON build's must.
curl -fs "http://127.0.0.1:${port[on]}/metrics" | grep -q '^# TYPE trainsmart_http_requests_total counter' ||
  { echo "metrics.sh: the ON build does not count requests" >&2; exit 1; }
if curl -fs "http://127.0.0.1:${port[off]}/metrics" | grep -q '^trainsmart_http_requests_total'; then
  echo "metrics.sh: the OFF build counts requests" >&2
  exit 1
fi

# place shared|pinned: sets the CPUs of the cluster (every process, and so every backend it
# forks later), of both servers (every thread) and of wrk (the prefix `on_clients`).
on_clients=()
place() {
  local db_cpus=0-$(($(nproc) - 1)) cl_cpus=0-$(($(nproc) - 1)) pm
  if [ "$1" = pinned ]; then db_cpus=0 cl_cpus=1; fi
  pm=$(head -n1 "$work/pg/data/postmaster.pid")
  for p in "$pm" $(pgrep -P "$pm"); do taskset -a -p -c "$db_cpus" "$p" >/dev/null; done
  for v in on off; do taskset -a -p -c "$cl_cpus" "${pid[$v]}" >/dev/null; done
  on_clients=(taskset -c "$cl_cpus")
}

busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
srv_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The whole PostgreSQL cluster's CPU ticks: postmaster, live children, reaped children.
pg_ticks() {
  local pm total t
  pm=$(head -n1 "$work/pg/data/postmaster.pid")
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for c in $(pgrep -P "$pm"); do
    t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$c/stat" 2>/dev/null) || continue
    total=$((total + t))
  done
  echo "$total"
}

# run_wrk BUILD SECONDS TAG: prints "rps p50_ms p99_ms server_cpu_us_per_request other_pct",
# other_pct being what processes other than the server, the cluster and wrk took of the
# machine during the run, in % of one CPU (the shared machine's interference).
run_wrk() {
  local v=$1 f="$out/raw/wrk-$3.txt" b0 b1 t0 t1 s0 s1 p0 p1 line
  b0=$(busy_ticks); t0=$(date +%s%3N); s0=$(srv_ticks "${pid[$v]}"); p0=$(pg_ticks)
  { TIMEFORMAT='%U %S'; time BENCH_DIR="$bench" BENCH_IDS="$out/ids.lua" "${on_clients[@]}" "$WRK" \
    -t"$WRK_THREADS" -c"$CONNS" -d"$2s" --latency --timeout 5s -s "$bench/wrk/get_module.lua" \
    "http://127.0.0.1:${port[$v]}" >"$f" 2>&1; } 2>"$f.cpu"
  b1=$(busy_ticks); t1=$(date +%s%3N); s1=$(srv_ticks "${pid[$v]}"); p1=$(pg_ticks)
  line=$(grep '^BENCH ' "$f") || { log "wrk $3: no result line (see $f)"; return 1; }
  if ! grep -q ' non2xx=0 ' <<<"$line " || ! grep -q ' errors=0 ' <<<"$line "; then
    log "wrk $3: errors or non-2xx answers: $line"
    return 1
  fi
  kv() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<" $line"; }
  local req ours
  req=$(kv requests)
  ours=$(awk -v s=$((s1 - s0 + p1 - p0)) '{printf "%.0f", s + ($1 + $2) * 100}' "$f.cpu")
  echo "$(kv rps) $(kv p50_ms) $(kv p99_ms)" \
    "$(awk -v d=$((s1 - s0)) -v n="$req" 'BEGIN {printf "%.1f", n ? d * 10000 / n : 0}')" \
    "$(awk -v b=$((b1 - b0)) -v o="$ours" -v ms=$((t1 - t0)) 'BEGIN {printf "%.0f", (b - o) * 1000 / ms}')"
}

printf 'placement\tround\tbuild\trps\tp50_ms\tp99_ms\tserver_cpu_us\tother_pct\n' >"$out/rounds.tsv"
for placement in $PLACEMENTS; do
  place "$placement"
  log "$placement: warm-up ${WARMUP}s per build"
  run_wrk on "$WARMUP" "warmup-$placement-on" >/dev/null
  run_wrk off "$WARMUP" "warmup-$placement-off" >/dev/null
  for ((r = 1; r <= ROUNDS; r++)); do
    order="on off"
    ((r % 2 == 0)) && order="off on"
    for ((try = 0; ; try++)); do
      rows=() disturbed=0
      for v in $order; do
        read -r rps p50 p99 cpu other < <(run_wrk "$v" "$DURATION" "$placement-$r-$v-$try")
        rows+=("$(printf '%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s' "$placement" "$r" "$v" "$rps" "$p50" "$p99" "$cpu" "$other")")
        log "$placement round $r $v: $rps req/s (p50 $p50 ms, p99 $p99 ms; server ${cpu} µs CPU/request; other jobs ${other}% of one CPU)"
        [ -n "$OTHER_MAX" ] && [ "${other:-0}" -gt "$OTHER_MAX" ] && disturbed=1
      done
      if [ "$disturbed" = 0 ] || [ "$try" -ge "$ROUND_RETRIES" ]; then
        printf '%s\n' "${rows[@]}" >>"$out/rounds.tsv"
        break
      fi
      printf '%s\n' "${rows[@]}" >>"$out/rounds_disturbed.tsv"
      log "$placement round $r: other jobs above ${OTHER_MAX}% of one CPU; again"
    done
  done
done

# --- where the ON build's CPU goes (PERF=1) ---------------------------------------------------------
if [ "$PERF" = 1 ]; then
  log "perf: one ${DURATION}s ON run under perf record"
  perf record -q -F 1999 -p "${pid[on]}" -o "$out/perf.data" -- sleep "$DURATION" 2>"$out/perf.log" &
  perf_pid=$!
  run_wrk on "$DURATION" perf-on >/dev/null
  wait "$perf_pid" || true
  perf report -i "$out/perf.data" --no-children --sort sym --stdio 2>/dev/null >"$out/perf.txt"
  # The counting code: its functions (bump() and the label lookups are inlined into them).
  awk '/^ +[0-9.]+%/ && /http_metrics_|metrics_end|metrics_route|shard_get/ {gsub("%", "", $1); s += $1; print}
       END {printf "counting code: %.2f%% of the server'"'"'s samples\n", s}' "$out/perf.txt" >"$out/perf_metrics.txt"
fi

summarise
echo "loadavg after: $(cat /proc/loadavg)" >>"$out/machine.txt"
cat "$out/summary.md"
log "results in $out"
