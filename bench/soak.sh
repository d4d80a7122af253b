#!/usr/bin/env bash
# The soak (issue 14, docs/RELIABILITY.md "Soak"): a mixed workload on PostgreSQL at 64
# connections for MINUTES minutes, with 200 notification streams open the whole time.
#
#   bench/soak.sh                 about 12 minutes (10 of load, setup and build around it)
#   MINUTES=3 MINUTE_SECONDS=10 CHECKIN_POOL=10000 bench/soak.sh   a quick check that it works
#
# 1. builds build-soak/ (RelWithDebInfo, no tests; SKIP_BUILD=1 reuses it), starts a private
#    PostgreSQL and loads bench/generate.sql as bench/run.sh does (bench/lib.sh);
# 2. starts `trainsmart serve` (WORKER_THREADS=8, DB_POOL_SIZE=8, LOG_LEVEL=warning: no access
#    lines, so the log holds only warnings and errors) and opens STREAMS notification streams
#    (bench/sse/sse_load.c, learners 1..STREAMS) that stay open to the end;
# 3. runs MINUTES one-minute wrk runs back to back (`wrk -t2 -c64 -d60s --latency -s
#    bench/wrk/soak.lua`: reads, progress saves racing for the same records, check-ins,
#    notification lists, unread counts and mark-read, assignments that notify); after each one
#    it records the requests, the answers by status, p50/p99 latency and the server's RSS
#    (VmRSS of /proc/<pid>/status);
# 4. ends the streams and reports how many were still open, and the server log's errors.
#
# It fails when any answer was neither 2xx nor a progress version conflict (409 "Version
# conflict", which the workload provokes and expects), when the RSS grew by more than
# RSS_LIMIT_PCT (5) percent between the end of minute 2 and the end of the last minute, when a
# stream was not open at the end, when the server logged an error, or when it died.
# Results: BENCH_OUT (default bench/results/soak-<time>/): summary.md, minutes.tsv, the wrk
# output of each minute, the server and sse_load logs.
# Knobs: MINUTES (10), MINUTE_SECONDS (60: the length of a "minute"), CONNS (64), WRK_THREADS
# (2), STREAMS (200), RSS_LIMIT_PCT (5), CHECKIN_POOL (200000), SKIP_BUILD (0), BENCH_OUT.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bench="$root/bench"
MINUTES=${MINUTES:-10}
MINUTE_SECONDS=${MINUTE_SECONDS:-60}
CONNS=${CONNS:-64}
WRK_THREADS=${WRK_THREADS:-2}
STREAMS=${STREAMS:-200}
RSS_LIMIT_PCT=${RSS_LIMIT_PCT:-5}
CHECKIN_POOL=${CHECKIN_POOL:-200000}
LEARNERS=1000
MODULES=200

for tool in wrk psql curl cc; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool not found (scripts/deps.sh bench)" >&2; exit 2; }
done
[ "$MINUTES" -ge 1 ] || { echo "soak.sh: MINUTES must be at least 1" >&2; exit 2; }
[ "$STREAMS" -le "$LEARNERS" ] || { echo "soak.sh: at most $LEARNERS streams" >&2; exit 2; }
out=${BENCH_OUT:-$bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/ts-soak.XXXXXX)
chmod 755 "$work"
srv_pid=
sse_pid=
pg_started=0

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# shellcheck source=bench/lib.sh
. "$bench/lib.sh"

cleanup() {
  local rc=$?
  set +e
  [ -n "$sse_pid" ] && kill -TERM "$sse_pid" 2>/dev/null && wait "$sse_pid" 2>/dev/null
  bench_stop "$srv_pid"
  if [ "$pg_started" = 1 ]; then
    "$root/scripts/pg-cluster.sh" stop "$work/pg" >/dev/null || "$root/scripts/pg-cluster.sh" kill "$work/pg"
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. build, database --------------------------------------------------------------------------
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building RelWithDebInfo binary into build-soak/"
  cmake -S "$root" -B "$root/build-soak" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTS_TESTS=OFF >"$out/build.log" 2>&1
  cmake --build "$root/build-soak" -j2 >>"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }
fi
BIN="$root/build-soak/trainsmart"
cc -O2 -Wall -Wextra -pthread -o "$work/sse_load" "$bench/sse/sse_load.c"
bench_database "$work" "$out"
bench_generate "$out" -v learners=$LEARNERS -v modules=$MODULES -v checkin_pool="$CHECKIN_POOL"
psql -X -qAt -v ON_ERROR_STOP=1 -f "$bench/ids.sql" "$url" >"$out/ids.lua"

# --- 2. server and streams -----------------------------------------------------------------------
port=$("$root/scripts/free-port.sh")
env -u FAULT_CLOCK_FILE DATABASE_URL="$url" HOST=127.0.0.1 PORT="$port" WORKER_THREADS=8 \
  DB_POOL_SIZE=8 LOG_LEVEL=warning "$BIN" serve >"$out/server.log" 2>&1 &
srv_pid=$!
bench_wait_healthz "$port" "$srv_pid"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$srv_pid/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
alive() { kill -0 "$srv_pid" 2>/dev/null || { log "the server died $1 (see $out/server.log)"; exit 1; }; }
log "server pid $srv_pid on :$port, idle RSS $(($(rss_kb) / 1024)) MiB; opening $STREAMS streams"
# Held to the end (SIGTERM then); the SECONDS bound is only a backstop.
"$work/sse_load" 127.0.0.1 "$port" "$STREAMS" "$STREAMS" $((MINUTES * MINUTE_SECONDS * 3 / 2 + 120)) >"$out/sse.txt" 2>&1 &
sse_pid=$!
sleep 3
alive "while the streams opened"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'minute\trequests\trps\tok_2xx\tconflicts_409\tunexpected\tunexpected_by_status\tp50_ms\tp99_ms\trss_kb\treads\tprogress\tcheckins\tassigns\tnotifs\texhausted\tloadavg\n' >"$out/minutes.tsv"

# --- 3. the load, a minute at a time ---------------------------------------------------------------
for m in $(seq 0 $((MINUTES - 1))); do
  f="$out/wrk-minute-$((m + 1)).txt"
  BENCH_DIR="$bench" BENCH_IDS="$out/ids.lua" wrk -t"$WRK_THREADS" -c"$CONNS" -d"${MINUTE_SECONDS}s" --timeout 10s \
    --latency -s "$bench/wrk/soak.lua" "http://127.0.0.1:$port" -- "$WRK_THREADS" "$m" "$MINUTES" >"$f" 2>&1 ||
    { cat "$f" >&2; exit 1; }
  alive "in minute $((m + 1))"
  line=$(grep '^BENCH ' "$f") || { cat "$f" >&2; exit 1; }
  val() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
  by_status=$(sed -n 's/^BENCH_STATUS thread=[0-9]* //p' "$f" | tr ' ' '\n' |
    awk -F= 'NF == 2 {n[$1] += $2} END {for (s in n) printf "%s%s:%d", (k++ ? "," : ""), s, n[s]}')
  # wrk's own socket errors and timeouts count as unexpected too
  unexpected=$(($(val unexpected) + $(val errors)))
  [ "$(val errors)" = 0 ] || by_status="${by_status:+$by_status,}socket:$(val errors)"
  printf '%d\t%d\t%.0f\t%d\t%d\t%d\t%s\t%.1f\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n' $((m + 1)) \
    "$(val requests)" "$(val rps)" "$(val ok)" "$(val conflicts)" "$unexpected" "${by_status:--}" \
    "$(val p50_ms)" "$(val p99_ms)" "$(rss_kb)" "$(val reads)" "$(val progress)" "$(val checkins)" \
    "$(val assigns)" "$(val notifs)" "$(val exhausted)" "$(cut -d' ' -f1 /proc/loadavg)" >>"$out/minutes.tsv"
  log "minute $((m + 1)): $(val requests) requests, p99 $(val p99_ms) ms, $(val conflicts) conflicts," \
    "$unexpected unexpected, RSS $(($(rss_kb) / 1024)) MiB"
  sed -n 's/^BENCH_UNEXPECTED //p' "$f" | while read -r u; do log "  unexpected: $u"; done
done

# --- 4. the end ----------------------------------------------------------------------------------
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
kill -TERM "$sse_pid"
wait "$sse_pid" || true
sse_pid=
sse=$(cat "$out/sse.txt")
streams_open=$(sed -n 's/.* open=\([0-9]*\).*/\1/p' <<<"$sse")
alive "at the end"
server_errors=$(grep -c '"level":"error"' "$out/server.log" || true)
server_warnings=$(grep -c '"level":"warning"' "$out/server.log" || true)
# the distinct messages of the warnings and errors, ids and numbers blurred: "12 × message"
log_kinds=$(grep -E '"level":"(warning|error)"' "$out/server.log" | sed -n 's/.*"msg":"\([^"]*\)".*/\1/p' |
  sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/…/g' | sort | uniq -c | sort -rn |
  awk '{n = $1; $1 = ""; printf "%s%d × %s", (k++ ? "; " : ""), n, substr($0, 2)}')
rss_end=$(rss_kb)

status=0
total_unexpected=$(awk -F'\t' 'NR > 1 {n += $6} END {print n + 0}' "$out/minutes.tsv")
total_requests=$(awk -F'\t' 'NR > 1 {n += $2} END {print n + 0}' "$out/minutes.tsv")
total_conflicts=$(awk -F'\t' 'NR > 1 {n += $5} END {print n + 0}' "$out/minutes.tsv")
[ "$total_unexpected" = 0 ] || { log "FAIL: $total_unexpected unexpected answers"; status=1; }
[ "${streams_open:-0}" = "$STREAMS" ] || { log "FAIL: ${streams_open:-0} of $STREAMS streams open at the end"; status=1; }
[ "$server_errors" = 0 ] || { log "FAIL: $server_errors errors in the server log"; status=1; }
if [ "$MINUTES" -ge 3 ]; then
  rss2=$(awk -F'\t' 'NR == 3 {print $10}' "$out/minutes.tsv")
  rssn=$(awk -F'\t' 'END {print $10}' "$out/minutes.tsv")
  growth=$(awk -v a="$rss2" -v b="$rssn" 'BEGIN {printf "%.2f", (b - a) * 100 / a}')
  awk -v g="$growth" -v l="$RSS_LIMIT_PCT" 'BEGIN {exit !(g <= l)}' ||
    { log "FAIL: RSS grew by $growth% between minute 2 and minute $MINUTES (limit $RSS_LIMIT_PCT%)"; status=1; }
  growth_line="$(mib "$rss2") MiB at the end of minute 2, $(mib "$rssn") MiB at the end of minute $MINUTES: **$growth%** (limit $RSS_LIMIT_PCT%)"
else
  growth_line="not measured (fewer than 3 minutes)"
fi

{
  echo "# Soak ($(date -u +%Y-%m-%dT%H:%MZ), $(git -C "$root" rev-parse --short HEAD 2>/dev/null))"
  echo
  echo "$MINUTES minutes on PostgreSQL, wrk -t$WRK_THREADS -c$CONNS (bench/wrk/soak.lua), $STREAMS notification streams open throughout."
  echo
  echo "| Minute | Requests | req/s | 2xx | 409 version conflict (expected) | Unexpected | p50 ms | p99 ms | RSS MiB | Load avg |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' 'NR > 1 {u = $6 == 0 ? "0" : $6 " (" $7 ")";
    printf "| %d | %d | %d | %d | %d | %s | %s | %s | %.1f | %s |\n", $1, $2, $3, $4, $5, u, $8, $9, $10 / 1024, $17}' "$out/minutes.tsv"
  echo
  echo "- Requests: $total_requests in all; $total_conflicts progress version conflicts (409, expected); $total_unexpected unexpected answers."
  echo "- Mix (whole run): $(awk -F'\t' 'NR > 1 {r += $11; p += $12; c += $13; a += $14; n += $15; x += $16}
      END {printf "%d reads, %d progress saves, %d check-ins, %d assignments, %d notification requests (list, unread count, mark read); %d check-ins or assignments past their share became reads", r, p, c, a, n, x}' "$out/minutes.tsv")."
  echo "- RSS: $growth_line; $(mib "$rss_end") MiB at the end."
  echo "- Streams: $sse"
  echo "- Server log: $server_errors errors, $server_warnings warnings${log_kinds:+ ($log_kinds)}."
  echo "- Host load average (1, 5, 15 min): $load_start at the start, $load_end at the end ($(nproc) cores)."
  [ "$status" = 0 ] && echo "- Result: **passed**." || echo "- Result: **FAILED**."
} >"$out/summary.md"
cat "$out/summary.md"
log "results in $out"
exit $status
