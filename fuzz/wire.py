#!/usr/bin/env python3
"""Malformed HTTP against a running server, over real sockets (docs/RELIABILITY.md, "Wire").

The libFuzzer harness fuzz_request.c drives the request pipeline without a socket; this drives
the whole server, libmicrohttpd's parser and the connection handling included, the way an
outside scanner would. It starts `trainsmart serve` (default: the ASan/UBSan build of
build-test/) on a fresh SQLite database with the demo content, signs in a learner, an author
and an admin, turns the request harness's seed corpus (fuzz/corpus/request/) into real
requests with those tokens and ids, and for DURATION seconds sends mutated ones from several
threads: bytes flipped, inserted and deleted, lines duplicated or cut, CR/LF and NUL spliced
in, Content-Length and chunk sizes lied about, requests pipelined, written in random pieces
and abandoned half way.

It fails when a reply is not HTTP/1.x, when any reply is a 500, when the server stops
answering /healthz, or when the server's log has a sanitizer report, and it prints the
statuses it saw. Usage:
    fuzz/wire.py [--binary build-test/trainsmart] [--seconds 120] [--threads 16] [--seed N]
"""
import argparse
import atexit
import collections
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"null")


def login(port, email, password):
    return call(port, "POST", "/api/v1/auth/login", {"email": email, "password": password})[
        "access_token"]


def setup(binary, port, workdir):
    env = dict(os.environ, DATABASE_URL=f"sqlite:{workdir}/wire.db", PORT=str(port),
               HOST="127.0.0.1", LOG_LEVEL="warning", LOGIN_RATE_LIMIT="1000000",
               TRAINSMART_ADMIN_PASSWORD="wire-admin-pass-1")
    env.pop("FAULT_CLOCK_FILE", None)
    for args in (["migrate", "up"], ["seed-demo"], ["create-admin", "--email", "admin@wire.example"]):
        subprocess.run([binary, *args], env=env, check=True, capture_output=True)
    log = open(f"{workdir}/server.log", "wb")
    proc = subprocess.Popen([binary, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    # One cleanup path: a failed setup or an interrupted run leaves no server behind; after
    # main()'s SIGTERM (whose exit code it checks) there is nothing left to kill.
    atexit.register(lambda: proc.poll() is None and proc.kill())
    return proc, sign_in(port)


def sign_in(port):
    """Waits for the server, signs in the three roles and returns the markers' values."""
    for _ in range(200):
        try:
            call(port, "GET", "/healthz")
            break
        except OSError:
            time.sleep(0.05)
    else:
        raise SystemExit("wire.py: the server did not start")
    admin = login(port, "admin@wire.example", "wire-admin-pass-1")
    marks = {"t2": admin}
    for i, role in enumerate(("learner", "author")):
        email = f"{role}@wire.example"
        user = call(port, "POST", "/api/v1/auth/register",
                    {"email": email, "password": "wire-pass-123", "display_name": role})
        marks[f"u{i}"] = user["id"]
        if role == "author":
            call(port, "PATCH", f"/api/v1/users/{user['id']}", {"role": "author"}, admin)
        marks[f"t{i}"] = login(port, email, "wire-pass-123")
    marks["u2"] = call(port, "GET", "/api/v1/users/me", token=admin)["id"]
    mods = call(port, "GET", "/api/v1/modules?limit=10", token=marks["t0"])["items"]
    screens = []
    for i, m in enumerate(mods[:5]):
        marks[f"m{i}"] = m["id"]
        got = call(port, "GET", f"/api/v1/modules/{m['id']}/screens", token=marks["t0"])
        screens += [s["id"] for s in (got["items"] if isinstance(got, dict) else got)]
    for i, sid in enumerate(screens[:36]):
        marks["s" + "0123456789abcdefghijklmnopqrstuvwxyz"[i]] = sid
    return marks


def corpus(marks):
    """The request harness's seeds as real HTTP/1.1 requests, markers replaced."""
    out = []
    d = os.path.join(ROOT, "fuzz", "corpus", "request")
    for name in sorted(os.listdir(d)):
        text = open(os.path.join(d, name), "rb").read().decode("utf-8", "replace")
        text = re.sub(r"\$([a-z][0-9a-z])", lambda m: marks.get(m.group(1), m.group(0)), text)
        for part in text.split("\n~~~\n"):
            head, _, body = part.partition("\n\n")
            lines = head.split("\n")
            if not lines[0].strip():
                continue
            b = body.encode()
            hdrs = [line for line in lines[1:] if line and not line.lower().startswith(
                ("content-length:", "host:", "connection:"))]
            req = (lines[0] + " HTTP/1.1\r\nHost: wire\r\n" + "".join(h + "\r\n" for h in hdrs) +
                   f"Content-Length: {len(b)}\r\n\r\n").encode() + b
            out.append(req)
    return out


SPLICE = [b"\r\n", b"\n", b"\r", b"\x00", b" ", b"\t", b":", b"%", b"%00", b"%ff", b"..",
          b"/", b"\xff", b"\xc3\x28", b"\"", b"{", b"}", b"[", b"-1", b"99999999999999999999",
          b"Transfer-Encoding: chunked\r\n", b"Content-Length: 5\r\n", b"Expect: 100-continue\r\n",
          b"Connection: close\r\n", b"0\r\n\r\n", b"ffffffff\r\n", b"A" * 5000]


def mutate(rng, req, pool):
    r = bytearray(req)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(9)
        if not r:
            r += rng.choice(pool)
        pos = rng.randrange(len(r) + 1)
        if op == 0 and r:
            r[min(pos, len(r) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            r[pos:pos] = rng.choice(SPLICE)
        elif op == 2:
            del r[pos:pos + rng.randint(1, 16)]
        elif op == 3:
            r = r[:pos]  # cut short: the server waits, then times out or sees the close
        elif op == 4:
            lines = bytes(r).split(b"\r\n")
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            r = bytearray(b"\r\n".join(lines))
        elif op == 5:
            r = bytearray(re.sub(rb"Content-Length: \d+", b"Content-Length: %d" %
                                 rng.choice([0, 1, len(r), 10 ** 7, 2 ** 63]), bytes(r), count=1))
        elif op == 6:
            head, sep, body = bytes(r).partition(b"\r\n\r\n")
            head = re.sub(rb"Content-Length: \d+\r\n?", b"", head)
            chunks, i = b"", 0
            while i < len(body):
                n = rng.randint(1, 64)
                size = n if rng.random() < 0.9 else rng.randint(0, 200)
                chunks += b"%x\r\n" % size + body[i:i + n] + b"\r\n"
                i += n
            r = bytearray(head + b"\r\nTransfer-Encoding: chunked" + sep + chunks + b"0\r\n\r\n")
        elif op == 7:
            r += rng.choice(pool)  # pipelined
        else:
            r[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(r)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.status = collections.Counter()
        self.bad = []
        self.sent = 0


STATUS = re.compile(rb"HTTP/1\.[01] (\d{3}) ")


def exchange(port, data, rng, stats):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        i = 0
        while i < len(data):
            n = rng.randint(1, len(data) - i) if rng.random() < 0.3 else len(data) - i
            s.sendall(data[i:i + n])
            i += n
        if rng.random() < 0.05:
            return  # abandoned
        s.shutdown(socket.SHUT_WR) if rng.random() < 0.5 else None
        s.settimeout(0.3)
        reply = b""
        try:
            while len(reply) < 1 << 20:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        except socket.timeout:
            pass
    except OSError:
        return
    finally:
        s.close()
    with stats.lock:
        stats.sent += 1
        if not reply:
            stats.status["(closed)"] += 1
            return
        codes = STATUS.findall(reply)
        if not reply.startswith(b"HTTP/1.") or not codes:
            stats.bad.append(("not HTTP", data[:300], reply[:300]))
            return
        for c in codes:
            stats.status[c.decode()] += 1
            if c == b"500":
                stats.bad.append(("500", data[:600], reply[:600]))


def worker(port, pool, seed, until, stats):
    rng = random.Random(seed)
    while time.monotonic() < until:
        exchange(port, mutate(rng, rng.choice(pool), pool), rng, stats)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build-test", "trainsmart"))
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    a = ap.parse_args()
    workdir = tempfile.mkdtemp(prefix="trainsmart-wire.")
    port = free_port()
    proc, marks = setup(a.binary, port, workdir)
    pool = corpus(marks)
    stats = Stats()
    until = time.monotonic() + a.seconds
    threads = [threading.Thread(target=worker, args=(port, pool, a.seed + i, until, stats))
               for i in range(a.threads)]
    for t in threads:
        t.start()
    alive = True
    while any(t.is_alive() for t in threads):
        time.sleep(5)
        try:
            call(port, "GET", "/healthz")
        except OSError as e:
            alive = False
            stats.bad.append(("healthz", str(e).encode(), b""))
            break
    for t in threads:
        t.join()
    proc.terminate()
    code = proc.wait(timeout=30)
    log = open(f"{workdir}/server.log", "rb").read()
    sanitizer = re.findall(rb"(ERROR: AddressSanitizer.*|runtime error.*|ERROR: LeakSanitizer.*)",
                           log)
    print(f"wire.py: seed {a.seed}, {a.seconds:.0f} s, {a.threads} threads, {len(pool)} base "
          f"requests, {stats.sent} exchanges")
    print("statuses:", ", ".join(f"{k} {v}" for k, v in sorted(stats.status.items())))
    failed = False
    for kind, sent, got in stats.bad[:10]:
        failed = True
        print(f"BAD ({kind}):\n  sent {sent!r}\n  got  {got!r}")
    if sanitizer:
        failed = True
        print("sanitizer report:", sanitizer[0][:300])
    if code != 0 or not alive:
        failed = True
        print(f"server exit code {code}, alive {alive}")
    if failed:
        print(f"wire.py: FAILED; server log kept in {workdir}")
        sys.exit(1)
    shutil.rmtree(workdir)
    print("wire.py: ok")


if __name__ == "__main__":
    main()
