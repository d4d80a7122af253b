#!/usr/bin/env bash
# The whole test suite, on SQLite and on PostgreSQL: installs what it needs, builds with
# -Werror and ASan+UBSan, starts a private PostgreSQL 15 cluster on a free port, runs ctest,
# and stops the cluster again whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DTS_WERROR=ON \
  -DTS_SANITIZE=address,undefined >/dev/null
cmake --build build-test -j"$(nproc)"

pgdir=$(mktemp -d /tmp/trainsmart-pg.XXXXXX)
cleanup() {
  scripts/pg-cluster.sh stop "$pgdir" 2>/dev/null || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
# A port can be taken between the check and the start: try a few.
for attempt in 1 2 3 4 5; do
  pgport=$(scripts/free-port.sh)
  if scripts/pg-cluster.sh start "$pgdir" "$pgport"; then break; fi
  [ "$attempt" -lt 5 ] || { echo "could not start PostgreSQL" >&2; exit 1; }
done
export TS_TEST_PG_URL="postgresql://trainsmart@127.0.0.1:$pgport/postgres"

cd build-test
ctest --output-on-failure -j "${TS_TEST_JOBS:-4}" "$@"
