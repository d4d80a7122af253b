#!/usr/bin/env bash
# Runs every fuzz harness of fuzz/ (docs/RELIABILITY.md, "Fuzzing") for SECONDS each (default
# 60): builds build-fuzz/ with clang 14's libFuzzer and ASan+UBSan, then runs each fuzz_<name>
# one after the other on a scratch copy of fuzz/corpus/<name>/ (the committed corpus never
# grows by itself) with the JSON dictionary and -max_len=4096, or the flags of
# fuzz/<name>.options (libFuzzer flags, one a line, paths relative to the repository).
#   scripts/fuzz.sh [SECONDS] [NAME...]    only the harnesses named, when any are
# Prints per harness the executions, executions per second and the coverage libFuzzer reached
# (cov: edges, ft: features). A crash, leak, timeout or sanitizer report fails the script at
# the end, after every harness ran, with the reproducer's path (crash-*, leak-*, timeout-*):
# replay it with build-fuzz/fuzz/fuzz_<name> <file>, and once fixed keep it in
# fuzz/regressions/<name>/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
secs=${1:-60}
shift || true

CC=clang-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTS_FUZZ=ON \
  -DTS_TESTS=OFF >/dev/null
out=$(cmake --build build-fuzz -j"$(nproc)" --target fuzzers 2>&1) || { echo "$out" >&2; exit 1; }

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in fuzz/fuzz_*.c; do
    n=${f#fuzz/fuzz_}
    names+=("${n%.c}")
  done
fi

# The scratch corpora, and (TMPDIR) the request harness's database file, in memory when the
# machine has /dev/shm: on a disk, SQLite's syncs halve the request harness's rate.
shm=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && shm=/dev/shm
scratch=$(mktemp -d "$shm/trainsmart-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
artifacts=$root/build-fuzz/artifacts
mkdir -p "$artifacts"
failed=()
printf '%-16s %12s %10s %8s %8s  %s\n' harness executions exec/s cov ft result
for n in "${names[@]}"; do
  exe=build-fuzz/fuzz/fuzz_$n
  corpus=$scratch/$n
  mkdir -p "$corpus"
  [ -d "fuzz/corpus/$n" ] && cp -r "fuzz/corpus/$n/." "$corpus/"
  flags=(-max_len=4096 "-dict=$root/fuzz/dict/json.dict")
  if [ -f "fuzz/$n.options" ]; then
    while IFS= read -r line; do
      case "$line" in '' | '#'*) continue ;; esac
      flags+=("${line//@ROOT@/$root}")
    done <"fuzz/$n.options"
  fi
  log=$scratch/$n.log
  rc=0
  # -timeout: an input that takes 10 s is a hang; -rss_limit_mb: one that takes 2 GiB a leak.
  "$exe" "${flags[@]}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$n-" "$corpus" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  result=ok
  if [ "$rc" -ne 0 ]; then
    result="FAILED (exit $rc)"
    failed+=("$n")
  fi
  printf '%-16s %12s %10s %8s %8s  %s\n' "$n" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" \
    "$result"
  if [ "$rc" -ne 0 ]; then
    grep -E 'ERROR:|SUMMARY:|runtime error|fuzz check failed|Test unit written' "$log" | head -20 |
      sed 's/^/    /' >&2
    cp "$log" "$artifacts/$n.log"
    echo "    full log: $artifacts/$n.log" >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
