# syntax=docker/dockerfile:1.7
#
# TrainSmart server image: Debian 12 (bookworm), three stages.
#
#   docker build -t trainsmart .
#   docker run --rm -p 8000:8000 -v trainsmart-data:/data trainsmart          # SQLite in /data
#   docker run --rm -e DATABASE_URL=postgresql://… trainsmart migrate up       # any §15 command
#
# build    compiles the release binary (migrations and Swagger UI are embedded into it at build
#          time, so the runtime stage needs neither) after `npm ci` in third_party/swagger-ui.
# web      builds the web app (web/, Vite, Node.js 20) into web/dist.
# runtime  debian:12-slim with the shared libraries the binary links and nothing else: no
#          compiler, no shell tools beyond the base image, no package lists, a non-root user.
#
# Operations (what to set, probes, scaling, backups): docs/OPERATIONS.md. scripts/check-image.sh
# runs the build and runtime stages as written in debootstrap roots, to prove them without a
# container engine: it knows ARG, ENV, WORKDIR, RUN, COPY from the context into the same path
# (or `. .`), COPY --from, USER, EXPOSE, STOPSIGNAL, ENTRYPOINT and CMD in exec form; keep each
# package list on its one ARG line.

# Debian 12 (bookworm) for both stages. For byte-for-byte reproducible builds pin the digest as
# well (debian:12-slim@sha256:...) and let a dependency bot move it; the tag alone follows
# Debian's point releases and security updates, which is what a rebuild should pick up.
ARG DEBIAN_TAG=12

# --- build ------------------------------------------------------------------------------------
FROM debian:${DEBIAN_TAG} AS build
ARG DEBIAN_FRONTEND=noninteractive
# The C toolchain, CMake and the -dev packages of the five libraries (scripts/deps.sh "run"),
# plus Debian's Node.js 18 and npm for third_party/swagger-ui (no engine constraint there).
ARG BUILD_PACKAGES="ca-certificates gcc libc6-dev make cmake pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev libpq-dev libsqlite3-dev nodejs npm"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${BUILD_PACKAGES} \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Swagger UI's assets (compiled into the binary for /docs), from the committed lock, without
# install scripts; first and on their own, so the layer is reused until the lock changes.
COPY third_party/swagger-ui/package.json third_party/swagger-ui/package-lock.json third_party/swagger-ui/
RUN --mount=type=cache,target=/root/.npm \
    cd third_party/swagger-ui && npm ci --ignore-scripts --no-fund --no-audit
# The sources (.dockerignore keeps node_modules out, so the installed packages stay).
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DTS_TESTS=OFF \
 && cmake --build /build -j"$(nproc)" \
 && cmake --install /build --prefix /out --strip \
 && /out/bin/trainsmart version

# --- web -------------------------------------------------------------------------------------
# The web app of API.md §18 (web/, Vite): its packages first (a layer that changes only with the
# lock), then its sources; the runtime stage copies web/dist to /usr/local/share/trainsmart/web,
# where WEB_DIR points. The build uses the committed API types (web/src/api/schema.d.ts).
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-fund --no-audit
COPY web/ ./
RUN npm run build && mkdir -p /out && cp -a dist /out/web

# --- runtime ----------------------------------------------------------------------------------
FROM debian:${DEBIAN_TAG}-slim AS runtime
# The binary's direct libraries (ldd build/trainsmart: libmicrohttpd.so.12, libjansson.so.4,
# libsodium.so.23, libpq.so.5, libsqlite3.so.0; apt brings what they need), the IANA time zone
# database the server reads itself (/usr/share/zoneinfo, for check-in dates), and CA
# certificates for PostgreSQL over TLS (sslmode=verify-full with
# sslrootcert=/etc/ssl/certs/ca-certificates.crt).
ARG RUNTIME_PACKAGES="libmicrohttpd12 libjansson4 libsodium23 libpq5 libsqlite3-0 tzdata ca-certificates"
# A fixed, unprivileged UID/GID, so volume ownership and runAsUser policies are predictable.
ARG APP_UID=10001
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${RUNTIME_PACKAGES} \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid ${APP_UID} trainsmart \
 && useradd --uid ${APP_UID} --gid ${APP_UID} --home-dir /data --no-create-home --no-log-init \
      --shell /usr/sbin/nologin trainsmart \
 && install -d -o ${APP_UID} -g ${APP_UID} -m 0750 /data

COPY --from=build /out/bin/trainsmart /usr/local/bin/trainsmart
COPY --from=web /out/ /usr/local/share/trainsmart/

# The defaults of API.md §16 made explicit where the image decides them; everything else is
# set by the deployment (compose.yaml, deploy/cloudrun/service.yaml). PORT is honoured: Cloud
# Run sets it. SQLite (the default backend) lives in /data; mount a volume there, or set
# DATABASE_URL to PostgreSQL.
ENV PORT=8000 \
    HOST=0.0.0.0 \
    DATABASE_URL=sqlite:/data/trainsmart.db \
    WEB_DIR=/usr/local/share/trainsmart/web
WORKDIR /data
USER ${APP_UID}:${APP_UID}
EXPOSE 8000
# The server is PID 1 itself (exec form, no shell in between), so SIGTERM reaches it: it stops
# accepting, drains for SHUTDOWN_GRACE_SECONDS - 1 s and exits 0. It starts no child
# processes, so it needs no init to reap them.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/trainsmart"]
CMD ["serve"]
