#!/usr/bin/env bash
# Installs the Debian 12 packages TrainSmart needs, skipping what is already present.
#   scripts/deps.sh run    build and run the server
#   scripts/deps.sh test   also the test suite's (Criterion, libcurl, a PostgreSQL 15 server)
#   scripts/deps.sh bench  also the benchmark tools (wrk, pgbench)
set -euo pipefail

want=(build-essential cmake pkg-config tzdata ca-certificates
      libmicrohttpd-dev libjansson-dev libsodium-dev libpq-dev libsqlite3-dev)
case "${1:-run}" in
  run) ;;
  test) want+=(libcriterion-dev libcurl4-openssl-dev postgresql-15 postgresql-client-15 procps) ;;
  bench) want+=(libcriterion-dev libcurl4-openssl-dev postgresql-15 postgresql-client-15 procps
                postgresql-contrib wrk) ;;
  *) echo "usage: scripts/deps.sh [run|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

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
