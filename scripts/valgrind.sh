#!/usr/bin/env bash
# The API suite on SQLite with every server (and CLI run) the tests start running under
# valgrind's memcheck (docs/RELIABILITY.md, "valgrind"):
#   scripts/valgrind.sh [CTEST_ARGS...]     e.g. -R 'api_test_progress\.sqlite'
# (a -R of one's own replaces the script's '\.sqlite$': keep the suffix, the PostgreSQL variants
# need a cluster the script does not start)
# Builds build-valgrind/ without sanitizers (Debug at -O1 -g, TS_CHEAP_PWHASH so that argon2id
# does not dominate under memcheck), then runs `ctest -L api -R '\.sqlite$'` with
# TS_SERVER_WRAPPER (tests/support/server.c) set to memcheck with one log file per process in
# build-valgrind/valgrind-logs/. Fails when a test fails, or when any process's log has a
# memcheck error or a definitely lost block (--errors-for-leak-kinds=definite); prints a summary
# either way. Suppressions, for third-party code only, are in scripts/valgrind.supp.
# Knobs: VALGRIND_JOBS (2, ctest -j), SKIP_BUILD=1 (reuse build-valgrind/).
# Takes 9-12 minutes on the 2-core development machine (docs/RELIABILITY.md); not part of
# scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build-valgrind
logs=$build/valgrind-logs
error_exit=99

# Tests that cannot pass under memcheck's slowdown (20-50x), by ctest name regex, with the
# reason. Everything else runs.
excluded=(
)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  scripts/deps.sh test # valgrind among them
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" \
    -DTS_WERROR=ON -DTS_CHEAP_PWHASH=ON >/dev/null
  cmake --build "$build" -j"$(nproc)" >/dev/null
  # The web app, which test_webapp drives through the server.
  out=$(cd web && npm run --silent build 2>&1) || { echo "$out" >&2; exit 1; }
fi
vg=$(command -v valgrind) || { echo "valgrind is not installed: scripts/deps.sh test" >&2; exit 1; }

rm -rf "$logs"
mkdir -p "$logs"
rundir=$(mktemp -d /tmp/trainsmart-valgrind.XXXXXX)
chmod 711 "$rundir"
trap 'scripts/pg-cluster.sh sweep "$rundir" >/dev/null 2>&1 || true; rm -rf "$rundir"' EXIT
export TS_TEST_RUN_DIR=$rundir
# No quoting in the wrapper (server.c splits it on spaces): the paths have no spaces.
export TS_SERVER_WRAPPER="$vg --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \
--error-exitcode=$error_exit --num-callers=30 --gen-suppressions=all \
--suppressions=$root/scripts/valgrind.supp --log-file=$logs/vg.%p.log"

exclude_args=()
if [ ${#excluded[@]} -gt 0 ]; then
  exclude_args=(-E "$(IFS='|'; echo "${excluded[*]%% *}")")
fi
start=$(date +%s)
rc=0
(cd "$build" && ctest --output-on-failure -j "${VALGRIND_JOBS:-2}" -L api -R '\.sqlite$' \
  "${exclude_args[@]}" "$@") || rc=$?
secs=$(($(date +%s) - start))

# One log per process. A log without "ERROR SUMMARY" is of a process killed by a signal (a test
# that SIGKILLs its server, or the harness after its grace time): nothing to count there.
servers=0 clis=0 unfinished=0 errors=0 leaks=0 bad=()
for f in "$logs"/vg.*.log; do
  [ -e "$f" ] || continue
  if grep -q '^==[0-9]*== Command: .* serve$' "$f"; then
    servers=$((servers + 1))
  else
    clis=$((clis + 1))
  fi
  if ! grep -q 'ERROR SUMMARY:' "$f"; then
    unfinished=$((unfinished + 1))
    continue
  fi
  e=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$f" | tr -d , | tail -1)
  l=$(sed -n 's/^==[0-9]*==    definitely lost: \([0-9,]*\) bytes.*/\1/p' "$f" | tr -d , | tail -1)
  e=${e:-0} l=${l:-0}
  errors=$((errors + e))
  leaks=$((leaks + l))
  if [ "$e" -gt 0 ] || [ "$l" -gt 0 ]; then bad+=("$f"); fi
done

echo "== valgrind: $servers servers, $clis CLI runs ($unfinished ended by a signal before" \
  "memcheck's summary) in $((secs / 60)) min $((secs % 60)) s"
echo "== memcheck errors: $errors; definitely lost: $leaks bytes; ctest exit status: $rc"
for f in "${bad[@]}"; do
  echo "-- $f"
  grep -m1 'Command:' "$f"
  grep -A25 -m3 -E '^==[0-9]*== (Invalid|Conditional|Use of|Syscall param|Mismatched|Source and destination|[0-9,]+ bytes in [0-9,]+ blocks are definitely)' "$f" | head -80
done
if [ "$rc" -ne 0 ] || [ "$errors" -gt 0 ] || [ "$leaks" -gt 0 ] || [ "$servers" -eq 0 ]; then
  echo "valgrind.sh: FAILED (logs in $logs)" >&2
  exit 1
fi
echo "valgrind.sh: passed"
