#!/usr/bin/env python3
"""Cold start: milliseconds from exec of `trainsmart serve` until GET /healthz answers 200.

    bench/coldstart.py RUNS PORT BINARY [ARGS...]

The environment is passed through (DATABASE_URL, PORT, ...). Each run starts the server, polls
/healthz every millisecond over a fresh loopback connection (bounded to 10 s), then stops the
server with SIGTERM (SIGKILL after 15 s). Prints one line per run and a final
"COLDSTART median_ms=… min_ms=… max_ms=… runs=…" line; exits 1 if any run failed.
"""
import socket
import statistics
import subprocess
import sys
import time


def healthz_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            data = s.recv(64)
            return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def one_run(port, argv):
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = t0 + 10.0
        while time.perf_counter() < deadline:
            if healthz_ok(port):
                return (time.perf_counter() - t0) * 1000.0
            if proc.poll() is not None:
                return None
            time.sleep(0.001)
        return None
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    runs, port, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    times = []
    for i in range(runs):
        ms = one_run(port, argv)
        if ms is None:
            print(f"run {i + 1}: FAILED (no 200 from /healthz within 10 s)")
            return 1
        print(f"run {i + 1}: {ms:.1f} ms")
        times.append(ms)
        time.sleep(0.2)  # let the port and the database settle between runs
    print(f"COLDSTART median_ms={statistics.median(times):.1f} min_ms={min(times):.1f} "
          f"max_ms={max(times):.1f} runs={runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
