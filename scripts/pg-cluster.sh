#!/usr/bin/env bash
# A private, throwaway PostgreSQL 15 cluster for tests and benchmarks.
#   scripts/pg-cluster.sh start DIR PORT   initdb (if needed) and start on 127.0.0.1:PORT
#   scripts/pg-cluster.sh stop DIR         stop it (fast shutdown)
#   scripts/pg-cluster.sh kill DIR         stop it at once (immediate shutdown)
#   scripts/pg-cluster.sh restart-fast DIR       restart it: fast shutdown, then start
#   scripts/pg-cluster.sh restart-immediate DIR  restart it: immediate shutdown (a crash:
#                                          recovery from the WAL at start), then start
#   scripts/pg-cluster.sh sweep ROOT       kill every cluster still running under ROOT, at any
#                                          depth, printing the DIR of each (for test.sh, to
#                                          stop what a test that died could not)
# The cluster trusts local connections for user "trainsmart" and keeps nothing durable
# (fsync off): it exists only for the length of a test run. As root, it runs as the
# "postgres" user that Debian's package creates, since PostgreSQL refuses to run as root.
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
cmd=${1:?usage: pg-cluster.sh start|stop|kill|sweep DIR [PORT]}
dir=${2:?missing DIR}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port=${3:?missing PORT}
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$dir/data" -U trainsmart --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
          -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  stop) as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
  kill) as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null ;;
  restart-fast | restart-immediate)
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m "${cmd#restart-}" -w -t 30 \
      restart >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    ;;
  sweep)
    # A running cluster has DIR/data/postmaster.pid; pg_ctl status tells a stale one apart.
    { find "$dir" -path '*/data/postmaster.pid' 2>/dev/null || true; } | while read -r pidfile; do
      data=${pidfile%/postmaster.pid}
      if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        echo "${data%/data}"
        as_pg "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null || true
      fi
    done
    ;;
  *) echo "usage: pg-cluster.sh start|stop|kill|restart-fast|restart-immediate|sweep DIR [PORT]" >&2; exit 2 ;;
esac
