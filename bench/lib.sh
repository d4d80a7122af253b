# Shell functions the benchmark scripts share (run.sh, stream.sh, analytics.sh). Source it
# after setting root (the checkout), bench (its bench/ folder), BIN (the trainsmart binary) and
# a log function; the caller's EXIT trap stops what these start (pg_started, the pids).

# bench_database WORK OUT [PREFIX...]: starts a private PostgreSQL (scripts/pg-cluster.sh) in
# WORK/pg on a free loopback port, run under PREFIX when one is given (e.g. taskset -c 0);
# creates the database tsbench and migrates it. Sets pgport, url and pg_started=1.
bench_database() {
  local work=$1 out=$2
  shift 2
  pgport=$("$root/scripts/free-port.sh")
  log "starting PostgreSQL on 127.0.0.1:$pgport ($work/pg)"
  "$@" "$root/scripts/pg-cluster.sh" start "$work/pg" "$pgport" >/dev/null
  pg_started=1
  url="postgresql://trainsmart@127.0.0.1:$pgport/tsbench"
  psql -X -q -h 127.0.0.1 -p "$pgport" -U trainsmart -d postgres -c 'CREATE DATABASE tsbench'
  DATABASE_URL="$url" "$BIN" migrate up >"$out/migrate.log" 2>&1
}

# bench_generate OUT [PSQL_ARGS...]: loads bench/generate.sql into $url (PSQL_ARGS such as
# -v learners=1000); its output goes to OUT/generate.log, which is shown when it fails.
bench_generate() {
  local out=$1
  shift
  log "loading bench/generate.sql"
  psql -X -q -v ON_ERROR_STOP=1 "$@" -f "$bench/generate.sql" "$url" >"$out/generate.log" 2>&1 ||
    { cat "$out/generate.log" >&2; exit 1; }
}

# bench_wait_healthz PORT PID: waits (at most 10 s) until the server PID answers /healthz on
# PORT; 1 when it exited or did not answer.
bench_wait_healthz() {
  for _ in $(seq 1 200); do
    if curl -fs -o /dev/null "http://127.0.0.1:$1/healthz"; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "server exited at start" >&2; return 1; }
    sleep 0.05
  done
  echo "server did not answer /healthz within 10 s" >&2
  return 1
}

# bench_stop PID: SIGTERM, a bounded wait (15 s), then SIGKILL; reaps it. Nothing for "".
bench_stop() {
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
