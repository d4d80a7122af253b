#!/usr/bin/env bash
# The whole test suite, on SQLite and on PostgreSQL: installs what it needs, builds with
# -Werror and ASan+UBSan, builds the web app, starts a private PostgreSQL 15 cluster on a free
# port, runs ctest (the web app's browser journeys included), then runs the API tests once more
# against a server built with ThreadSanitizer (build-tsan/; TS_TEST_TSAN=0 skips that pass),
# then runs every fuzz harness for a few seconds (scripts/fuzz.sh), and stops the cluster again
# whatever the outcome. At the
# end, passed or not, it checks that no process the run started is still running (a server a
# test failed to stop, say): it names each one with its command line, kills it, and fails the
# run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/deps.sh test
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DTS_WERROR=ON \
  -DTS_SANITIZE=address,undefined >/dev/null
cmake --build build-test -j"$(nproc)"
# The server alone, with ThreadSanitizer, for the second pass of the API tests (Criterion itself
# does not start under TSan; the tests start this binary through TS_TEST_BINARY). Optimised, as
# TSan's own documentation advises: at -O0 it is several times slower still.
tsan=${TS_TEST_TSAN:-1}
if [ "$tsan" = 1 ]; then
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTS_WERROR=ON \
    -DTS_SANITIZE=thread -DTS_TESTS=OFF >/dev/null
  cmake --build build-tsan -j"$(nproc)" --target trainsmart
fi
# The web app (type check + bundle into web/dist), which the browser journeys (ctest label "web")
# drive through the server under test; its output only when it fails.
out=$(cd web && npm run --silent build 2>&1) || { echo "$out" >&2; exit 1; }

# The run's own directory: the PostgreSQL cluster, and the tests' scratch directories and
# clusters (tests/support/server.c, ts_scratch_dir()). Exported, its path also marks every
# process of this run: no other run, checkout or hand-started server has it in its environment.
# Traversable by all, since the clusters run as "postgres" when we are root.
rundir=$(mktemp -d /tmp/trainsmart-test.XXXXXX)
chmod 711 "$rundir"
export TS_TEST_RUN_DIR=$rundir
pgdir=$rundir/pg

# Pids of the processes of this run that were started from build-test/ or build-tsan/ (servers,
# test workers) and are still running. Zombies have no exe link and are skipped: they are gone.
run_processes() {
  local p exe
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case "$exe" in "$root/build-test/"* | "$root/build-tsan/"*) ;; *) continue ;; esac
    grep -qzxF "TS_TEST_RUN_DIR=$rundir" "$p/environ" 2>/dev/null || continue
    echo "${p#/proc/}"
  done
}

# Fails when a process of this run outlived ctest, after naming and killing it. A server
# killed as its test process died may still be on its way out: it gets two seconds.
check_no_strays() {
  local pids p
  pids=$(run_processes)
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -n "$pids" ] || return 0
    sleep 0.2
    pids=$(run_processes)
  done
  [ -n "$pids" ] || return 0
  echo "test.sh: processes started by this test run are still running; killing them:" >&2
  for p in $pids; do # all named first: killing a test runner takes its servers with it
    echo "  pid $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" >&2
  done
  for p in $pids; do kill -KILL "$p" 2>/dev/null; done
  return 1
}

finish() {
  local rc=$? left
  trap - EXIT
  set +e
  cd "$root"
  check_no_strays || [ "$rc" -ne 0 ] || rc=1
  scripts/pg-cluster.sh stop "$pgdir" 2>/dev/null
  # Clusters that tests started and did not stop (their process died before it could).
  left=$(scripts/pg-cluster.sh sweep "$rundir" 2>/dev/null)
  if [ -n "$left" ]; then
    echo "test.sh: PostgreSQL clusters started by tests were still running; stopped them:" >&2
    while read -r dir; do echo "  $dir" >&2; done <<<"$left"
    [ "$rc" -ne 0 ] || rc=1
  fi
  rm -rf "$rundir"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port can be taken between the check and the start: try a few.
for attempt in 1 2 3 4 5; do
  pgport=$(scripts/free-port.sh)
  if scripts/pg-cluster.sh start "$pgdir" "$pgport"; then break; fi
  [ "$attempt" -lt 5 ] || { echo "could not start PostgreSQL" >&2; exit 1; }
done
export TS_TEST_PG_URL="postgresql://trainsmart@127.0.0.1:$pgport/postgres"

cd build-test
rc=0
ctest --output-on-failure -j "${TS_TEST_JOBS:-4}" "$@" || rc=$?
# Second pass: the API tests (label "api") against the ThreadSanitizer server. On a race the
# server stops at once with exit code 66 (halt_on_error), so the test that drove it fails: it
# asserts the server's exit code, or its next request finds the server gone.
if [ "$tsan" = 1 ]; then
  echo "== API tests against the ThreadSanitizer server (build-tsan/trainsmart)"
  TS_TEST_BINARY=$root/build-tsan/trainsmart \
    TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
    ctest --output-on-failure -j "${TS_TEST_JOBS:-4}" -L api "$@" || rc=$?
fi
# Last: every fuzz harness of fuzz/ for a short smoke run (TS_FUZZ_SMOKE_SECONDS each, default
# 8: nine harnesses and the clang build take about 100 s), from the committed seeds, failing on
# any crash, leak, hang or sanitizer report (docs/RELIABILITY.md, "Fuzzing"). Skipped when ctest
# arguments select a part of the suite, or with TS_FUZZ_SMOKE_SECONDS=0.
smoke=${TS_FUZZ_SMOKE_SECONDS:-8}
if [ $# -eq 0 ] && [ "$smoke" != 0 ]; then
  echo "== fuzz smoke run, ${smoke} s per harness (scripts/fuzz.sh)"
  (cd "$root" && scripts/fuzz.sh "$smoke") || rc=$?
fi
exit "$rc"
