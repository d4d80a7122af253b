#!/usr/bin/env bash
# Builds TrainSmart, loads the demo modules (once) and serves on http://localhost:8000 with the
# embedded SQLite database ./trainsmart.db (created on first start). Configuration: environment
# variables, see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh run
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTS_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
build/trainsmart seed-demo
exec build/trainsmart serve
