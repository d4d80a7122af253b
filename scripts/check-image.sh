#!/usr/bin/env bash
# shellcheck disable=SC2016 # dpkg-query's ${Package} formats are meant literally
# Proves the Dockerfile's runtime stage without a container engine: builds a Debian 12 root
# folder with `debootstrap --variant=minbase`, runs the runtime stage in it as written (its ARG,
# ENV and RUN lines: exactly the packages of `ARG RUNTIME_PACKAGES`, the user, /data), puts the
# release binary where its `COPY --from=build` puts it, shows that `ldd` finds every library,
# then does what `docker run` would: ENTRYPOINT + CMD (`serve`) with `chroot --userspec` as its
# USER, in its WORKDIR, with its ENV only (SQLite in /data; PORT moved to a free port, HOST to
# loopback), and checks /healthz, /readyz, the web app (built as the web stage does, with this
# machine's Node.js), compose.yaml's health check and a clean exit 0 after
# SIGTERM within SHUTDOWN_GRACE_SECONDS. Prints a summary (docs/OPERATIONS.md keeps one).
#
#   scripts/check-image.sh [--fresh] [--keep] [--build-in-root | --binary PATH]
#
#   --fresh          debootstrap again instead of reusing the cached minbase root
#   --keep           leave the root folders in place afterwards (for a look inside)
#   --build-in-root  build the binary as the Dockerfile's build stage does, in a root of its
#                    own: its ARG BUILD_PACKAGES installed, the source (git's tracked and
#                    untracked-but-not-ignored files) copied to its WORKDIR, its RUN lines run
#                    as written (minus --mount flags)
#   --binary PATH    the binary to test; default: a Release build on this machine into
#                    build-image/, installed stripped as the build stage does
#
# Needs root (debootstrap, chroot, mount) and network access to deb.debian.org; installs
# debootstrap with apt-get when it is missing. The pristine minbase root is cached in
# $TS_CHECK_IMAGE_CACHE (default /var/cache/trainsmart-check-image); every run works on a fresh
# copy of it, so runs do not influence each other. Not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

fresh=0
keep=0
build_in_root=0
binary=
while [ $# -gt 0 ]; do
  case "$1" in
    --fresh) fresh=1 ;;
    --keep) keep=1 ;;
    --binary) binary=${2:?--binary needs a path}; shift ;;
    --build-in-root) build_in_root=1 ;;
    -h | --help) sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-image: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "check-image: needs root (debootstrap, chroot)" >&2; exit 2; }

cache=${TS_CHECK_IMAGE_CACHE:-/var/cache/trainsmart-check-image}
base=$cache/minbase
root=$cache/root
broot=$cache/build-root
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
  if [ "$keep" -eq 0 ]; then
    for r in "$root" "$broot"; do
      # Never remove a folder that still has something mounted inside.
      if [ -d "$r" ] && ! grep -q " $r/" /proc/mounts; then rm -rf "$r"; fi
    done
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

# --- the Debian 12 minbase root (cached) --------------------------------------------------------
mkdir -p "$cache"
rm -f "$cache"/{server.log,apt.log,build-stage.log,build-stage.sh,runtime-stage.sh,ldd.txt}
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

# --- the binary ---------------------------------------------------------------------------------
# A fresh copy of the minbase root in `$1`, with /proc and name resolution, ready for apt.
new_root() {
  ! grep -q " $1/" /proc/mounts || fail "something is still mounted under $1; unmount it first"
  rm -rf "$1"
  cp -a "$base" "$1"
  mount -t proc proc "$1/proc" && mounted+=("$1/proc")
  [ -c "$1/dev/null" ] || { mount --bind /dev "$1/dev" && mounted+=("$1/dev"); }
  cp /etc/resolv.conf "$1/etc/resolv.conf"
  # The apt settings of Debian's container images: downloaded packages and apt's binary caches
  # are deleted after each install, and no translations are fetched.
  cat >"$1/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$1/etc/apt/apt.conf.d/docker-no-languages"
}

# One stage of the Dockerfile as a shell script to run inside a root: ARG and ENV exported (and
# expanded in later instructions), WORKDIR created, every RUN run by `sh -c` from the WORKDIR as
# Docker runs it (--mount flags dropped: caches only). What a root cannot run is printed as
# "# key: value" lines at the top for the caller: context (the WORKDIR of `COPY . .`), copy
# (`COPY --from=STAGE SRC DEST`), env (each ENV setting), workdir, user, argv (ENTRYPOINT + CMD).
stage_script() {
  python3 - "$1" <<'PY'
import json, os, re, shlex, sys

stage = sys.argv[1]
text = re.sub(r"\\\n", " ", open("Dockerfile").read())
values, meta, out = {}, [], []
inside, workdir, argv = False, "/", {"ENTRYPOINT": [], "CMD": []}


def expand(v):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)",
                  lambda m: values.get(m.group(1) or m.group(2), m.group(0)), v)


for line in text.splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    word, _, rest = line.partition(" ")
    word, rest = word.upper(), rest.strip()
    if word == "FROM":
        inside = rest.split()[-1] == stage
    elif not inside:
        continue
    elif word in ("ARG", "ENV"):
        for item in shlex.split(rest):
            name, eq, value = item.partition("=")
            if not eq:
                continue
            values[name] = expand(value)
            out.append("export %s=%s" % (name, shlex.quote(values[name])))
            if word == "ENV":
                meta.append("env: %s=%s" % (name, values[name]))
    elif word == "WORKDIR":
        workdir = expand(rest)
        out.append("mkdir -p %s" % shlex.quote(workdir))
    elif word == "COPY" and rest.split() == [".", "."]:
        meta.append("context: " + workdir)
    elif word == "COPY" and not rest.startswith("--") and all(
            os.path.dirname(src) + "/" == rest.split()[-1] for src in rest.split()[:-1]):
        pass  # files of the context to the same place: the whole context is copied first
    elif word == "COPY" and rest.startswith("--from="):
        meta.append("copy: " + expand(rest[len("--from="):]))
    elif word == "RUN":
        while rest.startswith("--"):
            rest = rest.partition(" ")[2].lstrip()
        out.append("(cd %s && sh -c %s)" % (shlex.quote(workdir), shlex.quote(rest)))
    elif word == "USER":
        meta.append("user: " + expand(rest))
    elif word in argv:
        argv[word] = json.loads(rest)
    elif word in ("EXPOSE", "STOPSIGNAL", "LABEL"):
        meta.append("%s: %s" % (word.lower(), expand(rest)))
    else:
        sys.exit("check-image: stage %s: cannot run %s %s" % (stage, word, rest))
meta += ["workdir: " + workdir, "argv: " + shlex.join(argv["ENTRYPOINT"] + argv["CMD"])]
print("\n".join("# " + m for m in meta))
print("set -e")
print("\n".join(out))
PY
}
# The value of "# KEY: value" in a stage script (first one).
stage_meta() { sed -n "s/^# $2: //p" "$1" | head -1; }

t0=$(now)
if [ "$build_in_root" -eq 1 ]; then
  log "the Dockerfile's build stage in a root of its own ($broot)"
  new_root "$broot"
  stage_script build >"$cache/build-stage.sh" || fail "cannot read the build stage"
  context=$(stage_meta "$cache/build-stage.sh" context)
  [ -n "$context" ] || fail "the build stage has no COPY . ."
  mkdir -p "$broot$context"
  git ls-files -z -co --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$broot$context"
  cp "$cache/build-stage.sh" "$broot/build-stage.sh"
  # This machine's own CA certificates (an egress proxy that re-signs TLS, say), as a Docker
  # build would be given them: into the root's local CA folder, which the stage's
  # ca-certificates package adds to the system bundle, and that bundle named to Node.js for npm.
  ca_env=()
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    mkdir -p "$broot/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$broot/usr/local/share/ca-certificates/"
    ca_env=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
  fi
  chroot "$broot" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root \
    "${ca_env[@]}" sh /build-stage.sh >"$cache/build-stage.log" 2>&1 ||
    { tail -20 "$cache/build-stage.log" >&2; fail "the build stage failed (log: $cache/build-stage.log)"; }
  binary=$broot/out/bin/trainsmart
  build_note="Dockerfile build stage in a debootstrap root: $(chroot "$broot" dpkg-query -W \
    -f='${Package}\n' | wc -l) packages, $(chroot "$broot" gcc -dumpfullversion) gcc"
elif [ -z "$binary" ]; then
  log "building the release binary into build-image/"
  scripts/deps.sh run
  cmake -S . -B build-image -DCMAKE_BUILD_TYPE=Release -DTS_TESTS=OFF >/dev/null
  cmake --build build-image -j"$(nproc)" >/dev/null
  rm -rf build-image/out
  cmake --install build-image --prefix build-image/out --strip >/dev/null
  binary=build-image/out/bin/trainsmart
  build_note="this machine, build-image/"
else
  build_note="given: $binary"
fi
[ -x "$binary" ] || fail "no executable at $binary"
t_build=$(secs "$t0" "$(now)")

log "fresh copy of the minbase root at $root"
new_root "$root"
size_base=$(du -sxm "$root" | cut -f1)
pkgs_base=$(chroot "$root" dpkg-query -W -f='${Package}\n' | wc -l)


# --- the runtime stage, as written ---------------------------------------------------------------
stage_script runtime >"$cache/runtime-stage.sh" || fail "cannot read the runtime stage"
rt=$cache/runtime-stage.sh
log "the runtime stage's RUN: apt-get install --no-install-recommends $packages, user, /data"
t0=$(now)
cp "$rt" "$root/runtime-stage.sh"
chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  sh /runtime-stage.sh >"$cache/apt.log" 2>&1 ||
  { tail -20 "$cache/apt.log" >&2; fail "the runtime stage's RUN failed inside the root"; }
rm "$root/runtime-stage.sh"
t_apt=$(secs "$t0" "$(now)")
# COPY --from=build: the binary to the stage's path (root-owned, as COPY makes it).
dest=$(stage_meta "$rt" copy | awk '$1 == "build" { print $3 }')
[ -n "$dest" ] || fail "the runtime stage copies no binary from the build stage"
install -m 0755 "$binary" "$root$dest"
# COPY --from=web: the web app. The web stage runs `npm ci` and `npm run build` in web/ on
# node:20 and copies web/dist to /out/web; the same build runs here with this machine's Node.js
# (scripts/deps.sh run installs it), and its output goes where the runtime stage's COPY puts it.
web_dest=$(sed -n 's/^# copy: //p' "$rt" | awk '$1 == "web" { print $3 }')
web_dest=${web_dest%/}
[ -n "$web_dest" ] || fail "the runtime stage copies nothing from the web stage"
grep -q 'cp -a dist /out/web' Dockerfile || fail "the web stage no longer copies web/dist to /out/web"
log "the web stage: npm run build in web/, web/dist -> $web_dest/web"
out=$(cd web && npm run --silent build 2>&1) || { echo "$out" >&2; fail "the web app did not build"; }
install -d "$root$web_dest"
cp -a web/dist "$root$web_dest/web"
chown -R root:root "$root$web_dest/web"
size_final=$(du -sxm "$root" | cut -f1)
pkgs_final=$(chroot "$root" dpkg-query -W -f='${Package}\n' | wc -l)
user=$(stage_meta "$rt" user)
workdir=$(stage_meta "$rt" workdir)
read -r -a argv <<<"$(stage_meta "$rt" argv)"
[ "${user%%:*}" = "$uid" ] || fail "USER $user is not APP_UID $uid"
[ "${argv[0]}" = "$dest" ] || fail "ENTRYPOINT ${argv[0]} is not the copied binary $dest"
# The image's ENV, with PORT on a free port and HOST on loopback: the chroot shares this
# machine's network.
port=$(scripts/free-port.sh)
image_env=()
while IFS= read -r kv; do
  case "$kv" in
    PORT=*) image_env+=("PORT=$port") ;;
    HOST=*) image_env+=("HOST=127.0.0.1") ;;
    *) image_env+=("$kv") ;;
  esac
done < <(sed -n 's/^# env: //p' "$rt")

log "ldd $dest (inside the root)"
chroot "$root" ldd "$dest" >"$cache/ldd.txt" 2>&1 || true
sed 's/^/   /' "$cache/ldd.txt"
! grep -q "not found" "$cache/ldd.txt" || fail "a library is missing in the runtime root"
version=$(env -i "${image_env[@]}" /usr/sbin/chroot --userspec="$user" "$root" "$dest" version)

# --- docker run: ENTRYPOINT + CMD as USER in WORKDIR with the image's ENV ------------------------
log "${argv[*]} as $user in $workdir; ${image_env[*]}"
t0=$(now)
# env -i: nothing of this shell's environment reaches the server, only the image's ENV.
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${image_env[@]}" \
  SHUTDOWN_GRACE_SECONDS="$grace" \
  /usr/sbin/chroot --userspec="$user" "$root" /usr/bin/env -C "$workdir" "${argv[@]}" \
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
check /healthz 200 "{\"status\":\"ok\",\"version\":\"${version#trainsmart }\"}"
check /readyz 200 '{"status":"ready","database":"ok","migrations":"current","shutting_down":false}'
# The files compiled into the binary (Swagger UI, the OpenAPI document) are served from it alone.
for path in /openapi.json /docs; do
  status=$(curl -sS -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$port$path") ||
    fail "GET $path: no answer"
  [ "${status%% *}" = 200 ] || fail "GET $path: $status"
  printf '   GET %-8s %s\n' "$path" "$status"
done
# The web app (API.md §18) from WEB_DIR: the page for / and client routes, its entry script
# precompressed, a missing asset as 404 JSON.
entry=$(grep -o '/app/assets/index-[A-Za-z0-9_-]*\.js' "$root$web_dest/web/index.html" | head -1)
[ -n "$entry" ] || fail "the web app's index.html names no entry script"
for spec in "/ 200 text/html" "/app/modules 200 text/html" "$entry 200 text/javascript br" \
            "/app/assets/missing.js 404 application/json"; do
  read -r path want_status want_type want_coding <<<"$spec"
  got=$(curl -sS -o /dev/null -H 'Accept-Encoding: gzip, br' \
    -w '%{http_code}|%{content_type}|%header{content-encoding}' "http://127.0.0.1:$port$path") ||
    fail "GET $path: no answer"
  IFS='|' read -r status ctype coding <<<"$got"
  { [ "$status" = "$want_status" ] && [[ "$ctype" == "$want_type"* ]] &&
    [ "${coding:-}" = "${want_coding:-}" ]; } || fail "GET $path: $got (expected $spec)"
  printf '   GET %-8s %s\n' "$path" "$got"
done
# compose.yaml's health check of the api service, run inside the root as the image would.
probe=$(sed -n '/^ *# check-image: the test below/,/^ *test:/s/^ *test: //p' compose.yaml)
[ -n "$probe" ] || fail "cannot find the api health check in compose.yaml"
probe=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])[3].replace("$$", "$"))' \
  "$probe") || fail "the api health check in compose.yaml is not [\"CMD\", \"bash\", \"-c\", …]"
env -i /usr/sbin/chroot --userspec="$user" "$root" /bin/bash -c "${probe//\/8000 /\/$port }" ||
  fail "compose.yaml's health check probe failed inside the root"
printf '   compose.yaml health check (bash /dev/tcp, GET /readyz): healthy\n'
db_url=$(sed -n 's/^# env: DATABASE_URL=sqlite://p' "$rt")
[ -n "$db_url" ] || fail "the image's DATABASE_URL is not SQLite"
db_owner=$(stat -c '%u:%g %a' "$root$db_url")
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
  web app              $web_dest/web: $(find "$root$web_dest/web" -type f | wc -l) files, $(du -sk "$root$web_dest/web" | cut -f1) KiB; /, /app/modules, the entry script (br), a missing asset (404 JSON)
  docker run           ${argv[*]} as $user in $workdir, SQLite $db_url $db_owner; /healthz 200 after ${t_ready} s; /readyz 200
  SIGTERM              exit 0 after ${t_stop} s (SHUTDOWN_GRACE_SECONDS=$grace)
  binary built         ${build_note}; ${t_build} s
EOF
