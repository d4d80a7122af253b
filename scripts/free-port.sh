#!/usr/bin/env bash
# Prints a TCP port on 127.0.0.1 that nothing listens on now. Ports come from 20000..32767,
# below Linux's ephemeral range (32768..60999), so no outgoing connection holds them.
set -euo pipefail
for _ in $(seq 1 100); do
  port=$((20000 + RANDOM % 12768))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; exit 0; fi
done
echo "no free port found" >&2; exit 1
