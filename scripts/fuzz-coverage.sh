#!/usr/bin/env bash
# Source coverage the fuzz corpora reach (docs/RELIABILITY.md, "Fuzzing"): builds every
# harness's replay program (fuzz/replay_main.c) with clang 14's source-based coverage in
# build-fuzzcov/, replays each harness's corpus through it, and prints per harness the lines
# and branches covered of the files that harness targets (llvm-cov's report), and of all of
# src/ for the request pipeline.
#   scripts/fuzz-coverage.sh [CORPUS_ROOT]
# CORPUS_ROOT holds one folder per harness (default fuzz/corpus, the committed seeds); point it
# at the corpora a long run grew (scripts/fuzz.sh keeps them only for the run, so copy them
# out, or pass the folders libFuzzer wrote to) to see what that run reached.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
corpus_root=$(realpath "${1:-fuzz/corpus}")

flags="-fprofile-instr-generate -fcoverage-mapping"
CC=clang-14 cmake -S . -B build-fuzzcov -DCMAKE_BUILD_TYPE=Debug -DTS_TESTS=ON \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" >/dev/null
names=()
for f in fuzz/fuzz_*.c; do
  n=${f#fuzz/fuzz_}
  names+=("${n%.c}")
done
targets=()
for n in "${names[@]}"; do targets+=("replay_$n"); done
out=$(cmake --build build-fuzzcov -j"$(nproc)" --target "${targets[@]}" 2>&1) ||
  { echo "$out" >&2; exit 1; }

# The files each harness is about; the request harness runs the whole server.
declare -A files=(
  [json_bodies]="src/http/request.c src/util/validate.c src/util/schema.c src/domain/content.c src/domain/accounts.c"
  [screen_content]="src/domain/content.c"
  [progress_data]="src/domain/progress.c src/domain/progress_linear.c src/domain/progress_branching.c src/domain/progress_assessment.c src/domain/progress_responses.c"
  [cursor]="src/domain/cursor.c"
  [trace_headers]="src/http/request.c"
  [last_event_id]="src/api/notification_stream.c"
  [tzfile]="src/util/tz.c"
  [config]="src/config.c"
  [request]="src"
)
prof=$(mktemp -d /tmp/trainsmart-fuzzcov.XXXXXX)
trap 'rm -rf "$prof"' EXIT
printf '%-16s %8s  %-14s %-14s %s\n' harness inputs lines branches files
for n in "${names[@]}"; do
  dir=$corpus_root/$n
  [ -d "$dir" ] || { printf '%-16s %8s\n' "$n" "(none)"; continue; }
  count=$(find "$dir" -maxdepth 1 -type f | wc -l)
  LLVM_PROFILE_FILE="$prof/$n.profraw" build-fuzzcov/fuzz/replay_"$n" "$dir" >/dev/null 2>&1 ||
    { echo "fuzz-coverage.sh: replay_$n failed on $dir" >&2; exit 1; }
  llvm-profdata-14 merge -sparse "$prof/$n.profraw" -o "$prof/$n.profdata"
  srcs=()
  for f in ${files[$n]:-src}; do srcs+=("$root/$f"); done
  total=$(llvm-cov-14 report build-fuzzcov/fuzz/replay_"$n" -instr-profile="$prof/$n.profdata" \
    "${srcs[@]}" | grep '^TOTAL')
  # TOTAL regions missed cover functions missed exec lines missed cover branches missed cover
  read -r _ _ _ _ _ _ _ lines lmiss lcov branches bmiss bcov <<<"$total"
  printf '%-16s %8s  %-14s %-14s %s\n' "$n" "$count" "$lcov of $lines" "$bcov of $branches" \
    "${files[$n]:-src}"
done
