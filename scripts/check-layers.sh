#!/usr/bin/env bash
# The layering of docs/ARCHITECTURE.md, checked on the sources: every #include "dir/..." of a
# file under src/<dir>/ must name a layer that dir may include, and no SQL statement may appear
# in C code outside src/db/. Prints each violation and exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/../src"

# What each folder may include (besides itself and config.h).
declare -A allowed=(
  [util]=""
  [model]="util"
  [domain]="model util"
  [db]="model util"
  [api]="http domain db model util"
  [http]="api domain db model util"
)
fail=0
for dir in "${!allowed[@]}"; do
  while IFS=: read -r file line inc; do
    target=${inc#*\"}
    target=${target%%/*}
    [ "$target" = "$dir" ] && continue
    case "$target" in config.h\"*|config.h) continue ;; esac
    if [[ " ${allowed[$dir]} " != *" $target "* ]]; then
      echo "layers: $file:$line includes ${inc#*#include } ($dir/ may include: ${allowed[$dir]:-nothing})"
      fail=1
    fi
  done < <(grep -Hn '^#include "' "$dir"/*.c "$dir"/*.h 2>/dev/null || true)
done

# SQL keywords at the start of a C string literal, outside the storage layer.
if grep -nE '"[[:space:]]*(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|BEGIN|COMMIT|ROLLBACK)\b' \
  --include='*.c' --include='*.h' -r . | grep -v '^\./db/'; then
  echo "layers: SQL outside src/db/ (above)"
  fail=1
fi
[ "$fail" = 0 ] && echo "layers: ok"
exit "$fail"
