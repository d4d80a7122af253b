#!/usr/bin/env bash
# shellcheck disable=SC2016 # dpkg-query's ${Package} formats are meant literally
# Proves the Dockerfile's runtime stage without a container engine: builds a Debian 12 root
# folder with `debootstrap --variant=minbase`, installs into it exactly the runtime packages the
# Dockerfile names (its `ARG RUNTIME_PACKAGES=` line), creates the same non-root user, copies the
# release binary to the same path, shows `ldd` finds every library, then starts `serve` inside
# with `chroot --userspec` on SQLite in /data and checks /healthz, /readyz and a clean exit 0
# after SIGTERM within SHUTDOWN_GRACE_SECONDS. Prints a summary (docs/OPERATIONS.md keeps one).
#
#   scripts/check-image.sh [--fresh] [--keep] [--binary PATH]
#
#   --fresh        debootstrap again instead of reusing the cached minbase root
#   --keep         leave the root folder in place afterwards (for a look inside)
#   --binary PATH  the binary to test; default: a Release build into build-image/, installed
#                  stripped exactly as the Dockerfile's build stage does
#
# Needs root (debootstrap, chroot, mount) and network access to deb.debian.org; installs
# debootstrap with apt-get when it is missing. The pristine minbase root is cached in
# $TS_CHECK_IMAGE_CACHE (default /var/cache/trainsmart-check-image); every run works on a fresh
# copy of it, so runs do not influence each other. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=0
keep=0
binary=
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) fresh=1 ;;
    --keep) keep=1 ;;
    --binary) binary=${2:?--binary needs a path}; shift ;;
    -h | --help) sed -n '3,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-image: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "check-image: needs root (debootstrap, chroot)" >&2; exit 2; }

cache=${TS_CHECK_IMAGE_CACHE:-/var/cache/trainsmart-check-image}
base=$cache/minbase
root=$cache/root
mirror=http://deb.debian.org/debian
log() { printf '== %s\n' "$*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- what the Dockerfile says ---------------------------------------------------------------
dockerfile_arg() { sed -n "s/^ARG $1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" Dockerfile | head -1; }
packages=$(dockerfile_arg RUNTIME_PACKAGES)
uid=$(dockerfile_arg APP_UID)
tag=$(dockerfile_arg DEBIAN_TAG)
if [ -z "$packages" ] || [ -z "$uid" ]; then
  echo "check-image: cannot read ARG RUNTIME_PACKAGES / ARG APP_UID from Dockerfile" >&2
  exit 1
fi
# The image's own settings (Dockerfile ENV), except HOST: here the chroot shares the host's
# network, so the server listens on loopback only.
grace=10

# --- clean-up on every exit path --------------------------------------------------------------
server_pid=
mounted=()
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  if [ "$keep" -eq 0 ] && [ -d "$root" ]; then
    # Never remove a folder that still has something mounted inside.
    if ! grep -q " $root/" /proc/mounts; then rm -rf "$root"; fi
  fi
  [ "$rc" -eq 0 ] || echo "check-image: FAILED (exit $rc)" >&2
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "check-image: $*" >&2
  [ -f "$cache/server.log" ] && { echo "--- server log:" >&2; tail -20 "$cache/server.log" >&2; }
  exit 1
}

# --- tools --------------------------------------------------------------------------------------
if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap \
    >/dev/null
fi
command -v curl >/dev/null || fail "curl is needed"

# --- the binary, built as the Dockerfile's build stage builds it ------------------------------
t0=$(now)
if [ -z "$binary" ]; then
  log "building the release binary into build-image/"
  scripts/deps.sh run
  cmake -S . -B build-image -DCMAKE_BUILD_TYPE=Release -DTS_TESTS=OFF >/dev/null
  cmake --build build-image -j"$(nproc)" >/dev/null
  rm -rf build-image/out
  cmake --install build-image --prefix build-image/out --strip >/dev/null
  binary=build-image/out/bin/trainsmart
fi
[ -x "$binary" ] || fail "no executable at $binary"
t_build=$(secs "$t0" "$(now)")

# --- the Debian 12 minbase root (cached) --------------------------------------------------------
mkdir -p "$cache"
t0=$(now)
if [ "$fresh" -eq 1 ] || [ ! -f "$base/etc/debian_version" ]; then
  log "debootstrap --variant=minbase bookworm (into $base)"
  rm -rf "$base" "$base.tmp"
  debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log" >&2; fail "debootstrap failed"; }
  # The apt sources of Debian's container images: the release, its updates and security.
  rm -f "$base.tmp/etc/apt/sources.list"
  cat >"$base.tmp/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror}-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # As in the images: no package lists or downloaded packages left in the base.
  chroot "$base.tmp" apt-get clean
  rm -rf "$base.tmp"/var/lib/apt/lists/*
  mv "$base.tmp" "$base"
  date -u +%FT%TZ >"$cache/minbase.stamp"
  boot_note="debootstrap"
else
  boot_note="cached minbase root of $(cat "$cache/minbase.stamp" 2>/dev/null || echo '?')"
fi
t_boot=$(secs "$t0" "$(now)")

log "fresh copy of the minbase root at $root"
rm -rf "$root"
cp -a "$base" "$root"
size_base=$(du -sxm "$root" | cut -f1)
pkgs_base=$(chroot "$root" dpkg-query -W -f='${Package}\n' | wc -l)

mount -t proc proc "$root/proc" && mounted+=("$root/proc")
[ -c "$root/dev/null" ] || { mount --bind /dev "$root/dev" && mounted+=("$root/dev"); }
cp /etc/resolv.conf "$root/etc/resolv.conf"

# --- the runtime stage's RUN, step by step -------------------------------------------------------
log "apt-get install --no-install-recommends $packages"
t0=$(now)
# shellcheck disable=SC2086 # the list is split into package names on purpose
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages \
         && rm -rf /var/lib/apt/lists/* && apt-get clean" >"$cache/apt.log" 2>&1 ||
  { tail -20 "$cache/apt.log" >&2; fail "apt-get install failed inside the root"; }
t_apt=$(secs "$t0" "$(now)")
chroot "$root" groupadd --gid "$uid" trainsmart
chroot "$root" useradd --uid "$uid" --gid "$uid" --home-dir /data --no-create-home --no-log-init \
  --shell /usr/sbin/nologin trainsmart
install -d -o "$uid" -g "$uid" -m 0750 "$root/data"
install -m 0755 "$binary" "$root/usr/local/bin/trainsmart"
size_final=$(du -sxm "$root" | cut -f1)
pkgs_final=$(chroot "$root" dpkg-query -W -f='${Package}\n' | wc -l)

log "ldd /usr/local/bin/trainsmart (inside the root)"
chroot "$root" ldd /usr/local/bin/trainsmart >"$cache/ldd.txt" 2>&1 || true
sed 's/^/   /' "$cache/ldd.txt"
! grep -q "not found" "$cache/ldd.txt" || fail "a library is missing in the runtime root"
version=$(env -i /usr/sbin/chroot --userspec="$uid:$uid" "$root" /usr/local/bin/trainsmart version)

# --- serve as the non-root user ------------------------------------------------------------------
port=$(scripts/free-port.sh)
log "serve as uid $uid on 127.0.0.1:$port, DATABASE_URL=sqlite:/data/trainsmart.db"
t0=$(now)
# env -i: nothing of this shell's environment reaches the server; -C /data is the WORKDIR.
env -i PATH=/usr/local/bin:/usr/bin:/bin PORT="$port" HOST=127.0.0.1 \
  DATABASE_URL=sqlite:/data/trainsmart.db WEB_DIR=/usr/local/share/trainsmart/web \
  SHUTDOWN_GRACE_SECONDS="$grace" \
  /usr/sbin/chroot --userspec="$uid:$uid" "$root" /usr/bin/env -C /data /usr/local/bin/trainsmart serve \
  >"$cache/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || fail "serve exited early"
  sleep 0.1
done
t_ready=$(secs "$t0" "$(now)")

check() { # path expected-status expected-body
  local body status
  body=$(curl -sS -w '\n%{http_code}' "http://127.0.0.1:$port$1") || fail "GET $1: no answer"
  status=${body##*$'\n'}
  body=${body%$'\n'*}
  { [ "$status" = "$2" ] && [ "$body" = "$3" ]; } || fail "GET $1: $status $body (expected $2 $3)"
  printf '   GET %-8s %s %s\n' "$1" "$status" "$body"
}
check /healthz 200 '{"status":"ok","version":"1.0.0"}'
check /readyz 200 '{"status":"ready","database":"ok","migrations":"current","shutting_down":false}'
# compose.yaml's health check of the api service, run inside the root as the image would.
probe=$(sed -n '/^ *# check-image: the next line/,/^ *test:/s/^ *test: //p' compose.yaml |
  python3 -c 'import json, sys; print(json.loads(sys.stdin.read())[3].replace("$$", "$"))')
[ -n "$probe" ] || fail "cannot read the api health check from compose.yaml"
env -i /usr/sbin/chroot --userspec="$uid:$uid" "$root" /bin/bash -c "${probe//\/8000 /\/$port }" ||
  fail "compose.yaml's health check probe failed inside the root"
printf '   compose.yaml health check (bash /dev/tcp, GET /readyz): healthy\n'
db_owner=$(stat -c '%u:%g %a' "$root/data/trainsmart.db")
[ "${db_owner%% *}" = "$uid:$uid" ] || fail "database file owned by ${db_owner%% *}, not $uid:$uid"
proc_user=$(ps -o user=,uid= -p "$server_pid" | awk '{print $2}')
[ "$proc_user" = "$uid" ] || fail "server runs as uid $proc_user, not $uid"

log "SIGTERM"
t0=$(now)
kill -TERM "$server_pid"
rc=
for _ in $(seq 1 $((grace * 10))); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    rc=0
    wait "$server_pid" || rc=$?
    break
  fi
  sleep 0.1
done
t_stop=$(secs "$t0" "$(now)")
[ -n "$rc" ] || fail "serve still running ${grace} s after SIGTERM"
server_pid=
[ "$rc" -eq 0 ] || fail "serve exited $rc after SIGTERM"
grep -q '"msg":"stopped"' "$cache/server.log" || fail "no \"stopped\" line in the log"

# --- summary ----------------------------------------------------------------------------------
versions=$(for p in $packages; do
  chroot "$root" dpkg-query -W -f='${Package} ${Version}\n' "$p"
done | paste -sd, - | sed 's/,/, /g')
cat <<EOF

check-image: OK
  Dockerfile           runtime stage FROM debian:${tag}-slim: RUNTIME_PACKAGES, APP_UID=$uid
  root                 debootstrap --variant=minbase bookworm, Debian $(cat "$root/etc/debian_version") ($boot_note, ${t_boot} s)
  runtime packages     $versions
  packages in root     $pkgs_base (minbase) -> $pkgs_final (+$((pkgs_final - pkgs_base)) with dependencies)
  root size            ${size_base} MiB (minbase) -> ${size_final} MiB (+$((size_final - size_base)) MiB, binary included); apt install ${t_apt} s
  binary               $(stat -c %s "$root/usr/local/bin/trainsmart") bytes (stripped), $version, ldd: no library missing
  serve                uid $uid in /data, SQLite file $db_owner; /healthz 200 after ${t_ready} s; /readyz 200
  SIGTERM              exit 0 after ${t_stop} s (SHUTDOWN_GRACE_SECONDS=$grace)
  build                ${t_build} s
EOF
