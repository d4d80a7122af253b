#!/usr/bin/env python3
"""The benchmark data set of bench/generate.sql, for SQLite.

    trainsmart migrate up            # with DATABASE_URL=sqlite:DB
    bench/generate_sqlite.py DB OUTDIR [--learners 1000] [--modules 200]

Writes into the migrated database DB, in one transaction, the same rows generate.sql writes on
PostgreSQL (see its header): :learners learners with tokens tsk_bench_1 .. tsk_bench_N (stored
as the server stores them: hex SHA-256 of the token text), the author 'bench-author@bench.invalid'
with token tsk_bench_author, :modules published linear modules of 12 screens (content,
question, reflection, checklist repeating, same filler lengths; module n has the id
bench_module_uuid(n)), and one progress record per (learner, module) at version 1 with the
first screen completed. JSON documents are written as the server writes them on SQLite:
compact text, keys in the order of API.md section 6.3 (what content_validate() stores).
Times are Unix milliseconds. No ANALYZE: the server never runs one on SQLite.

Into OUTDIR it writes ids.lua (as bench/ids.sql writes it, for the wrk scripts) and
assign_ids.txt for bench/sse/sse_load.c's writer: one line "learner N UUID" per learner and
"module N UUID" per module, in order.
"""
import argparse
import hashlib
import json
import os
import sqlite3
import sys
import time
import uuid

LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. "
FAR = 4102444800000  # 2100-01-01T00:00:00Z


def dump(doc):
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def bench_module_uuid(n):
    """generate.sql's bench_module_uuid(n): md5('bench-module-' || n) with the v4 nibbles."""
    h = list(hashlib.md5(f"bench-module-{n}".encode()).hexdigest())
    h[12], h[16] = "4", "8"
    h = "".join(h)
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def screen_content(n, p):
    """Screen p (1..12) of module n: type and content as generate.sql builds them."""
    kind = (p - 1) % 4
    if kind == 0:
        return "content", {
            "body": f"Module {n}, screen {p}. " + LOREM * (6 + (n * 7 + p * 5) % 18),
            "media": []}
    if kind == 1:
        return "question", {
            "kind": "single",
            "prompt": f"Question {p} of module {n}? " + LOREM * (3 + (n + p) % 8),
            "options": [{"id": "a", "text": "Option A: " + LOREM},
                        {"id": "b", "text": "Option B: " + LOREM}],
            "correct_option_ids": ["b"],
            "explanation": "Because B. " + LOREM * (1 + (n + p) % 4)}
    if kind == 2:
        return "reflection", {
            "prompt": f"Reflect on screen {p}. " + LOREM * (6 + (n * 3 + p) % 16),
            "min_length": 0, "max_length": 2000, "placeholder": ""}
    return "checklist", {
        "prompt": f"Checklist {p}. " + LOREM * (5 + (n + p * 3) % 12),
        "items": [{"id": "i1", "text": "First item: " + LOREM, "required": True}]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("outdir")
    ap.add_argument("--learners", type=int, default=1000)
    ap.add_argument("--modules", type=int, default=200)
    args = ap.parse_args()

    now = int(time.time() * 1000)
    con = sqlite3.connect(args.db, isolation_level=None)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("BEGIN")

    author = str(uuid.uuid4())
    con.execute("INSERT INTO users (id, email, password_hash, display_name, role, timezone, active, "
                "created_at, updated_at) VALUES (?, 'bench-author@bench.invalid', 'bench-no-login', "
                "'Bench Author', 'author', 'UTC', 1, ?, ?)", (author, now, now))
    learners = [str(uuid.uuid4()) for _ in range(args.learners)]
    con.executemany(
        "INSERT INTO users (id, email, password_hash, display_name, role, timezone, active, "
        "created_at, updated_at) VALUES (?, ?, 'bench-no-login', ?, 'learner', 'UTC', 1, ?, ?)",
        [(uid, f"bench-learner-{n}@bench.invalid", f"Bench Learner {n}", now + n, now + n)
         for n, uid in enumerate(learners, 1)])
    tokens = [(token_hash("tsk_bench_author"), author)]
    tokens += [(token_hash(f"tsk_bench_{n}"), uid) for n, uid in enumerate(learners, 1)]
    con.executemany("INSERT INTO tokens (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    [(h, uid, now, FAR) for h, uid in tokens])

    modules = []  # (module id, first screen id)
    for n in range(1, args.modules + 1):
        mid = bench_module_uuid(n)
        t = now + n
        con.execute(
            "INSERT INTO modules (id, title, description, flow_type, status, settings, author_id, "
            "copied_from_id, screen_count, created_at, updated_at, published_at, archived_at) "
            "VALUES (?, ?, ?, 'linear', 'published', '{}', ?, NULL, 12, ?, ?, ?, NULL)",
            (mid, f"Bench module {n}", f"Benchmark module {n}: twelve screens of mixed types.",
             author, t, t, t))
        screens = []
        for p in range(1, 13):
            sid = str(uuid.uuid4())
            stype, content = screen_content(n, p)
            screens.append((sid, mid, p, stype, f"Screen {p} of module {n}", dump(content), t, t))
        con.executemany(
            "INSERT INTO screens (id, module_id, position, type, title, content, next_screen_id, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)", screens)
        modules.append((mid, screens[0][0]))

    con.executemany(
        "INSERT INTO progress (user_id, module_id, status, percent, score, version, progress_data, "
        "started_at, completed_at, updated_at) VALUES (?, ?, 'in_progress', 8, NULL, 1, ?, ?, NULL, ?)",
        ((uid, mid, dump({"current_screen_id": None, "completed_screen_ids": [first],
                          "responses": {}}), now, now)
         for uid in learners for mid, first in modules))
    con.execute("COMMIT")

    counts = con.execute(
        "SELECT (SELECT count(*) FROM users WHERE role = 'learner'), (SELECT count(*) FROM tokens), "
        "(SELECT count(*) FROM modules WHERE status = 'published'), (SELECT count(*) FROM screens), "
        "(SELECT min(length(content)) FROM screens), (SELECT max(length(content)) FROM screens), "
        "(SELECT count(*) FROM progress)").fetchone()
    con.close()
    print("learners=%d tokens=%d modules=%d screens=%d min_content_bytes=%d max_content_bytes=%d "
          "progress_rows=%d" % counts)

    os.makedirs(args.outdir, exist_ok=True)
    with open(os.path.join(args.outdir, "ids.lua"), "w") as f:
        f.write("-- Generated by bench/generate_sqlite.py; read by bench/wrk/*.lua (BENCH_IDS).\n")
        f.write("return {\n  learners = %d,\n  modules = {\n" % args.learners)
        f.writelines('    "%s",\n' % mid for mid, _ in modules)
        f.write("  },\n  first = {\n")
        f.writelines('    "%s",\n' % first for _, first in modules)
        f.write("  },\n}\n")
    with open(os.path.join(args.outdir, "assign_ids.txt"), "w") as f:
        f.writelines("learner %d %s\n" % (n, uid) for n, uid in enumerate(learners, 1))
        f.writelines("module %d %s\n" % (n, mid) for n, (mid, _) in enumerate(modules, 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
