#!/usr/bin/env bash
# Builds TrainSmart and its web app (web/ into web/dist), loads the demo modules (once) and serves
# the API and the app on http://localhost:8000 with the embedded SQLite database ./trainsmart.db
# (created on first start). Configuration: environment variables, see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh run
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTS_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
# The web app: type-checked and bundled (tsc + Vite); its output only when it fails.
out=$(cd web && npm run --silent build 2>&1) || { echo "$out" >&2; exit 1; }
build/trainsmart seed-demo
exec build/trainsmart serve
