#!/usr/bin/env python3
"""The driver of scripts/sqli-scan.sh: creates users and content on a running server, then runs
sqlmap against every parameter of every route of its /openapi.json (query parameters, path ids,
the string and number fields of JSON bodies, the request headers the server reads) and writes
a summary. Exit 0: every target scanned, nothing injectable; 1 otherwise.

    sqli-scan.py BASE_URL LOGIN_LIMITED_BASE_URL OUTDIR

BASE_URL is the server under scan (started with a high LOGIN_RATE_LIMIT and
SSE_MAX_STREAMS_PER_USER=1), LOGIN_LIMITED_BASE_URL a second server on the same database with
the default login rate limit (only POST /auth/login is scanned there). The admin's credentials
come from SQLI_ADMIN_EMAIL and TRAINSMART_ADMIN_PASSWORD. Tuning (environment): SQLI_LEVEL (3),
SQLI_RISK (2), SQLI_TECHNIQUE (BEUST), SQLI_DBMS (SQLite or PostgreSQL: sqlmap's payloads for
that database plus the generic ones), SQLI_TIME_SEC (2), SQLI_TARGET_TIMEOUT (300 s; 900 s for register and login),
SQLI_ONLY (a regular expression: scan only the targets whose name matches).
"""
import atexit
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

BASE, LIMITED_BASE, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
API = BASE + "/api/v1"
MARK = "*"


def http(method, url, token=None, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def must(expect, status_body, what):
    status, body = status_body
    if status not in expect:
        sys.exit("sqli-scan: setup step '%s' answered %d: %s" % (what, status, body))
    return body


# ---------------------------------------------------------------- setup: users and content
PW = "scan-password-1"
admin_email = os.environ["SQLI_ADMIN_EMAIL"]
admin = must([200], http("POST", API + "/auth/login", body={
    "email": admin_email, "password": os.environ["TRAINSMART_ADMIN_PASSWORD"]}), "admin login")
A = admin["access_token"]


def account(name, role=None):
    email = "scan-%s@example.com" % name
    user = must([201], http("POST", API + "/auth/register", body={
        "email": email, "password": PW, "display_name": name, "timezone": "Europe/Berlin"}),
        "register " + name)
    uid = user["id"] if "id" in user else user["user"]["id"]
    if role:
        must([200], http("PATCH", API + "/users/" + uid, A, {"role": role}), "role " + name)
    tok = must([200], http("POST", API + "/auth/login", body={"email": email, "password": PW}),
               "login " + name)["access_token"]
    return uid, email, tok


learner_id, learner_email, L = account("learner")
author_id, author_email, W = account("author", "author")
victim_id, _, _ = account("victim")            # the user admin PATCHes under scan
stream_id, _, S = account("stream")             # holds the one stream its limit allows
_, _, LOGOUT = account("logout")                # the token POST /auth/logout revokes

demo = must([200], http("GET", API + "/modules?limit=100", L), "modules")["items"]
by_flow = {m["flow_type"]: m for m in demo}
lin, ass = by_flow["linear"], by_flow["assessment"]
lin_screens = must([200], http("GET", API + "/modules/%s/screens" % lin["id"], L), "screens")
lin_screens = lin_screens["items"] if isinstance(lin_screens, dict) else lin_screens
ass_screens = must([200], http("GET", API + "/modules/%s/screens" % ass["id"], L), "screens")
ass_screens = ass_screens["items"] if isinstance(ass_screens, dict) else ass_screens
question = next(s for s in ass_screens if s["type"] == "question")
option_id = question["content"]["options"][0]["id"]


def draft(title, screens=1):
    m = must([201], http("POST", API + "/modules", W, {
        "title": title, "description": "Scan target", "flow_type": "linear"}), "module")
    sids = []
    for i in range(screens):
        s = must([201], http("POST", API + "/modules/%s/screens" % m["id"], W, {
            "type": "content", "title": "Screen %d" % i, "content": {"body": "Text %d" % i}}),
            "screen")
        sids.append(s["id"])
    return m["id"], sids


mod, (scr, scr_del, scr3) = draft("Scan draft", 3)
mod_publish, _ = draft("Scan publish")
mod_archive, _ = draft("Scan archive")
must([200], http("POST", API + "/modules/%s/publish" % mod_archive, W), "publish")
mod_delete, _ = draft("Scan delete")

must([200, 201], http("PUT", API + "/modules/%s/progress" % lin["id"], L, {
    "version": 0, "progress_data": {"current_screen_id": lin_screens[0]["id"],
                                    "completed_screen_ids": []}}), "progress")
prog_ass = must([200, 201], http("GET", API + "/modules/%s/progress" % ass["id"], L), "progress")
ass_version = prog_ass.get("version", 0) if isinstance(prog_ass, dict) else 0
feedback = must([201], http("POST", API + "/modules/%s/feedback" % lin["id"], L, {
    "rating": 4, "comment": "Good", "screen_id": lin_screens[0]["id"]}), "feedback")
checkin = must([201], http("POST", API + "/checkins", L, {
    "mood": 4, "confidence": 3, "note": "Fine", "module_id": lin["id"]}), "checkin")
assignment = must([201], http("POST", API + "/assignments", A, {
    "module_id": lin["id"], "user_id": learner_id, "due_at": "2030-01-01T12:00:00Z"}),
    "assignment")
assignment_del = must([201], http("POST", API + "/assignments", A, {
    "module_id": ass["id"], "user_id": learner_id, "due_at": None}), "assignment")
notes = must([200], http("GET", API + "/notifications", L), "notifications")["items"]
if not notes:
    sys.exit("sqli-scan: the learner has no notification after two assignments")
notification = notes[0]

# The stream user's one stream stays open for the whole scan: every further stream request of
# that user is answered at once (429 after validation) instead of streaming forever.
stream_holder = subprocess.Popen(
    ["curl", "-sN", "-o", "/dev/null", "-H", "Authorization: Bearer " + S,
     API + "/notifications/stream"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
atexit.register(stream_holder.kill)
time.sleep(1)

# ---------------------------------------------------------------- targets
# (name, method, path with {ids}, ids, query, body, token, extra headers, ignored codes)
# Every path id and query value gets the marker; in bodies every string and number leaf.
T = []


def target(method, path, ids=None, query=None, body=None, token=None, headers=None,
           ignore=None, base=None, name=None, slow=False):
    T.append(dict(method=method, path=path, ids=ids or {}, query=query or {}, body=body,
                  token=token, headers=headers or {}, ignore=ignore or [], base=base or BASE,
                  name=name or "%s %s" % (method, path), slow=slow))


M, SC = "{module_id}", "{screen_id}"
target("GET", "/api/v1/users", query={"role": "learner", "active": "true", "q": "scan",
                                      "limit": "10", "cursor": ""}, token=A)
target("GET", "/api/v1/users/{user_id}", {"user_id": victim_id}, token=A)
target("PATCH", "/api/v1/users/{user_id}", {"user_id": victim_id}, token=A,
       body={"role": "learner", "active": True, "display_name": "Victim",
             "timezone": "Europe/Paris"})
target("GET", "/api/v1/users/me", token=L, headers={"X-Request-ID": "scan-1",
       "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
       name="headers X-Request-ID, traceparent")
target("PATCH", "/api/v1/users/me", token=L,
       body={"display_name": "Learner", "timezone": "Europe/Berlin"})
target("GET", "/api/v1/modules", query={"status": "published", "flow_type": "linear",
       "author_id": author_id, "q": "fire", "limit": "10", "cursor": ""}, token=W)
target("POST", "/api/v1/modules", token=W, headers={"Idempotency-Key": "scan-key-1"},
       body={"title": "Scan new", "description": "D", "flow_type": "linear", "settings": {}})
target("GET", "/api/v1/modules/" + M, {"module_id": mod}, token=W)
target("PATCH", "/api/v1/modules/" + M, {"module_id": mod}, token=W,
       body={"title": "Scan draft", "description": "Scan target"})
target("POST", "/api/v1/modules/%s/publish" % M, {"module_id": mod_publish}, token=W,
       ignore=[409])
target("POST", "/api/v1/modules/%s/archive" % M, {"module_id": mod_archive}, token=W,
       ignore=[409])
target("POST", "/api/v1/modules/%s/copy" % M, {"module_id": mod}, token=W,
       headers={"Idempotency-Key": "scan-key-2"}, body={"title": "Scan copy"})
target("GET", "/api/v1/modules/%s/screens" % M, {"module_id": mod}, token=W)
target("POST", "/api/v1/modules/%s/screens" % M, {"module_id": mod}, token=W,
       headers={"Idempotency-Key": "scan-key-3"},
       body={"type": "question", "title": "Q", "content": {
           "kind": "single", "prompt": "Which?", "options": [
               {"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
           "correct_option_ids": ["a"], "explanation": "Because"}})
target("GET", "/api/v1/modules/%s/screens/%s" % (M, SC), {"module_id": mod, "screen_id": scr},
       token=W)
target("PATCH", "/api/v1/modules/%s/screens/%s" % (M, SC),
       {"module_id": mod, "screen_id": scr}, token=W,
       body={"title": "Screen 0", "content": {"body": "Text", "media": [
           {"type": "image", "url": "https://example.com/a.png", "alt": "A"}]}})
target("PUT", "/api/v1/modules/%s/screen-order" % M, {"module_id": mod}, token=W,
       body={"screen_ids": [scr3, scr, scr_del]}, ignore=[409])
target("GET", "/api/v1/modules/%s/progress" % M, {"module_id": lin["id"]}, token=L)
target("PUT", "/api/v1/modules/%s/progress" % M, {"module_id": lin["id"]}, token=L,
       body={"version": 1, "progress_data": {"current_screen_id": lin_screens[0]["id"],
                                             "completed_screen_ids": []}}, ignore=[409])
target("POST", "/api/v1/modules/%s/screens/%s/answer" % (M, SC),
       {"module_id": ass["id"], "screen_id": question["id"]}, token=L,
       body={"option_ids": [option_id]}, ignore=[409])
target("POST", "/api/v1/modules/%s/progress/submit" % M, {"module_id": ass["id"]}, token=L,
       body={"version": ass_version}, ignore=[409])
target("POST", "/api/v1/modules/%s/progress/attempts" % M, {"module_id": ass["id"]}, token=L,
       body={"version": ass_version}, ignore=[409])
target("GET", "/api/v1/users/me/progress", query={"status": "in_progress", "limit": "10",
                                                  "cursor": ""}, token=L)
target("POST", "/api/v1/modules/%s/feedback" % M, {"module_id": lin["id"]}, token=L,
       headers={"Idempotency-Key": "scan-key-4"},
       body={"rating": 5, "comment": "Nice", "screen_id": lin_screens[0]["id"]}, ignore=[409])
target("GET", "/api/v1/modules/%s/feedback" % M, {"module_id": lin["id"]}, token=A,
       query={"rating": "4", "screen_id": lin_screens[0]["id"], "limit": "10", "cursor": ""})
target("GET", "/api/v1/modules/%s/feedback/summary" % M, {"module_id": lin["id"]}, token=A)
target("GET", "/api/v1/modules/%s/analytics" % M, {"module_id": lin["id"]}, token=A)
target("POST", "/api/v1/checkins", token=L, headers={"Idempotency-Key": "scan-key-5"},
       body={"mood": 3, "confidence": 4, "note": "Ok", "module_id": lin["id"]}, ignore=[409])
target("GET", "/api/v1/checkins", query={"from": "2020-01-01", "to": "2035-12-31",
       "limit": "10", "cursor": ""}, token=L)
target("GET", "/api/v1/checkins/streak", token=L, headers={"Idempotency-Key": "scan-key-6"},
       name="header Idempotency-Key on a GET")
target("GET", "/api/v1/checkins/summary", query={"from": "2020-01-01", "to": "2035-12-31",
       "module_id": lin["id"]}, token=A)
target("GET", "/api/v1/checkins/{checkin_id}", {"checkin_id": checkin["id"]}, token=L)
target("PATCH", "/api/v1/checkins/{checkin_id}", {"checkin_id": checkin["id"]}, token=L,
       body={"mood": 5, "confidence": 5, "note": "Better", "module_id": lin["id"]},
       ignore=[409])
target("POST", "/api/v1/assignments", token=A, headers={"Idempotency-Key": "scan-key-7"},
       body={"module_id": lin["id"], "user_id": victim_id, "due_at": "2031-01-01T00:00:00Z"},
       ignore=[409])
target("GET", "/api/v1/assignments", query={"module_id": lin["id"], "user_id": learner_id,
       "limit": "10", "cursor": ""}, token=A)
target("GET", "/api/v1/assignments/{assignment_id}", {"assignment_id": assignment["id"]},
       token=A)
target("PATCH", "/api/v1/assignments/{assignment_id}", {"assignment_id": assignment["id"]},
       token=A, body={"due_at": "2032-06-01T08:00:00Z"})
target("GET", "/api/v1/users/me/assignments", query={"progress_status": "in_progress",
       "limit": "10", "cursor": ""}, token=L)
target("GET", "/api/v1/notifications", query={"unread": "true", "limit": "10", "cursor": ""},
       token=L)
target("GET", "/api/v1/notifications/unread-count", token=L,
       headers={"User-Agent": "scan", "Referer": "https://example.com/"},
       name="headers User-Agent, Referer")
target("POST", "/api/v1/notifications/{notification_id}/read",
       {"notification_id": notification["id"]}, token=L)
target("POST", "/api/v1/notifications/read-all", token=L, headers={"X-Request-ID": "scan-2"},
       name="header X-Request-ID on a write")
target("GET", "/api/v1/notifications/stream", query={"access_token": S, "last_event_id": ""},
       headers={"Last-Event-ID": "1"}, ignore=[401, 429])
target("POST", "/api/v1/auth/register", body={"email": "scan-new@example.com",
       "password": "password123", "display_name": "New", "timezone": "UTC"}, ignore=[409],
       slow=True)
target("POST", "/api/v1/auth/login", body={"email": learner_email, "password": PW},
       ignore=[401], slow=True)
target("POST", "/api/v1/auth/login", body={"email": learner_email, "password": PW},
       ignore=[401, 429], base=LIMITED_BASE,
       name="POST /api/v1/auth/login (default LOGIN_RATE_LIMIT)")
# Last: what destroys its object (the first unchanged request deletes it, later ones are 404).
target("DELETE", "/api/v1/modules/%s/screens/%s" % (M, SC),
       {"module_id": mod, "screen_id": scr_del}, token=W, ignore=[404])
target("DELETE", "/api/v1/assignments/{assignment_id}", {"assignment_id": assignment_del["id"]},
       token=A, ignore=[404])
target("DELETE", "/api/v1/modules/" + M, {"module_id": mod_delete}, token=W, ignore=[404])
target("POST", "/api/v1/auth/logout", token=LOGOUT, headers={"X-Request-ID": "scan-3"},
       ignore=[401], name="POST /api/v1/auth/logout (header X-Request-ID)")


def mark_json(v):
    """The body with the marker after every string and number leaf (not booleans, not null)."""
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(k) + ":" + mark_json(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(mark_json(x) for x in v) + "]"
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, str):
        return json.dumps(v)[:-1] + MARK + '"'
    return json.dumps(v) + MARK


def leaves(v):
    if isinstance(v, dict):
        return sum(leaves(x) for x in v.values())
    if isinstance(v, list):
        return sum(leaves(x) for x in v)
    return 0 if isinstance(v, bool) or v is None else 1


# ---------------------------------------------------------------- coverage of /openapi.json
doc = must([200], http("GET", BASE + "/openapi.json"), "openapi")
missing, routes = [], 0
for path, ops in doc["paths"].items():
    for method, op in ops.items():
        if method not in ("get", "post", "put", "patch", "delete"):
            continue
        routes += 1
        mine = [t for t in T if t["path"] == path and t["method"] == method.upper()]
        params = [(p["in"], p["name"]) for p in op.get("parameters", []) + ops.get(
            "parameters", []) if "$ref" not in p]
        for where, pname in params:
            ok = any((where == "path" and pname in t["ids"]) or
                     (where == "query" and pname in t["query"]) or
                     (where == "header" and any(h.lower() == pname.lower()
                                                for t2 in T for h in t2["headers"]))
                     for t in mine)
            if not ok:
                missing.append("%s %s %s %s" % (method.upper(), path, where, pname))
        if "requestBody" in op and not any(t["body"] is not None for t in mine):
            missing.append("%s %s body" % (method.upper(), path))
        if not mine and (params or "requestBody" in op):
            missing.append("%s %s" % (method.upper(), path))
if missing:
    sys.exit("sqli-scan: parameters without a target: " + "; ".join(missing))

# ---------------------------------------------------------------- sqlmap
LEVEL = os.environ.get("SQLI_LEVEL", "3")
RISK = os.environ.get("SQLI_RISK", "2")
TECH = os.environ.get("SQLI_TECHNIQUE", "BEUST")
DBMS = os.environ.get("SQLI_DBMS", "")
TIME_SEC = os.environ.get("SQLI_TIME_SEC", "2")
TIMEOUT = int(os.environ.get("SQLI_TARGET_TIMEOUT", "300"))
# Every request to register and login costs an argon2id hash (unknown emails included): about
# 1000 of them at level 3 take minutes on a loaded machine, so those two get three times as long.
SLOW_FACTOR = 3
ONLY = re.compile(os.environ.get("SQLI_ONLY", ""))

# sqlmap's verdict; "appears to be ... injectable" is a candidate that its false-positive check
# may still reject (a reflected title makes boolean-based comparisons differ): counted apart.
RESULT_RE = re.compile(r"identified the following injection point|is vulnerable")
CANDIDATE_RE = re.compile(r"appears to be .* injectable")
HEUR_RE = re.compile(r"heuristic \(basic\) test shows that .* might be injectable")
CODES_RE = re.compile(r"(\d{3}) \([^)]*\) - (\d+) times")

results, params_total, failed = [], 0, []
t_start = time.time()
for i, t in enumerate(T):
    if not ONLY.search(t["name"]):
        continue
    path = t["path"]
    for k, v in t["ids"].items():
        path = path.replace("{%s}" % k, v + MARK)
    url = t["base"] + path
    if t["query"]:
        url += "?" + "&".join("%s=%s%s" % (k, v, MARK) for k, v in t["query"].items())
    cmd = ["sqlmap", "-u", url, "--method", t["method"], "--batch", "--level", LEVEL, "--risk",
           RISK, "--technique", TECH, "--time-sec", TIME_SEC, "--threads", "2",
           "--output-dir", os.path.join(OUT, "sqlmap"), "--flush-session",
           "--disable-coloring", "--skip-waf", "--skip=user-agent,referer,host,cookie",
           "--answers", "custom injection marker=Y,JSON data=Y,quit=N"]
    if DBMS:
        cmd += ["--dbms", DBMS]
    if t["slow"]:
        cmd[cmd.index("--time-sec") + 1] = str(max(int(TIME_SEC), 5))
    if t["ignore"]:
        cmd += ["--ignore-code", ",".join(str(c) for c in t["ignore"])]
    if t["token"]:
        cmd += ["-H", "Authorization: Bearer " + t["token"]]
    n = url.count(MARK)
    for h, v in t["headers"].items():
        cmd += ["-H", "%s: %s%s" % (h, v, MARK)]
        n += 1
    if t["body"] is not None:
        cmd += ["--data", mark_json(t["body"]), "-H", "Content-Type: application/json"]
        n += leaves(t["body"])
    params_total += n
    t0 = time.time()
    log = os.path.join(OUT, "sqlmap-%02d.log" % i)
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL,
                           timeout=TIMEOUT * (SLOW_FACTOR if t["slow"] else 1))
        out, rc, timed_out = p.stdout.decode("utf-8", "replace"), p.returncode, False
    except subprocess.TimeoutExpired as e:
        out, rc, timed_out = (e.stdout or b"").decode("utf-8", "replace"), -1, True
    with open(log, "w") as f:
        f.write(" ".join(cmd) + "\n\n" + out)
    found = [ln for ln in out.splitlines() if RESULT_RE.search(ln)]
    heur = [ln for ln in out.splitlines() if HEUR_RE.search(ln)]
    # Not failures: "heavily dynamic" (the logout target, whose first request revokes its own
    # token) and "considerable lagging" (argon2id's cost on a loaded machine, seen by the
    # time-based tests of register and login); sqlmap goes on testing after both.
    crit = [ln for ln in out.splitlines() if "[CRITICAL]" in ln and
            "heavily dynamic" not in ln and "considerable lagging" not in ln]
    tested = len(re.findall(r"testing for SQL injection on ", out))
    candidates = [ln for ln in out.splitlines() if CANDIDATE_RE.search(ln)]
    codes = {}
    lines = out.splitlines()
    for j, ln in enumerate(lines[:-1]):
        if "HTTP error codes detected" in ln:
            for m in CODES_RE.finditer(lines[j + 1]):
                codes[m.group(1)] = codes.get(m.group(1), 0) + int(m.group(2))
    bad = found or crit or timed_out or tested < n
    verdict = ("INJECTABLE" if found else "TIMEOUT" if timed_out else "ERROR" if crit else
               "UNTESTED %d/%d" % (n - tested, n) if tested < n else "clean")
    results.append((t["name"], n, tested, verdict, time.time() - t0, codes, heur, candidates))
    print("%-62s params %2d tested %2d  %-10s %5.0f s  sqlmap saw non-2xx %s%s%s" % (
        t["name"], n, tested, verdict, time.time() - t0,
        ",".join("%s:%d" % kv for kv in sorted(codes.items())) or "-",
        "  (heuristic hint: %d)" % len(heur) if heur else "",
        "  (candidates rejected as false positives: %d)" % len(candidates)
        if candidates and not found else ""), flush=True)
    if bad:
        failed.append("%s: %s (%s)" % (t["name"], verdict, log))
        for ln in found + crit:
            print("    " + ln)

codes_total = {}
for r in results:
    for c, k in r[5].items():
        codes_total[c] = codes_total.get(c, 0) + k
print("sqlmap: %d targets, %d parameters marked, %d injection tests (sqlmap's count of "
      "parameters tested), %d candidates rejected by its false-positive check, %.0f s, "
      "level %s risk %s technique %s dbms %s; non-2xx answers it saw: %s" % (
          len(results), params_total, sum(r[2] for r in results),
          sum(len(r[7]) for r in results if r[3] == "clean"), time.time() - t_start, LEVEL,
          RISK, TECH, DBMS or "any",
          ", ".join("%s:%d" % kv for kv in sorted(codes_total.items())) or "none"))
with open(os.path.join(OUT, "summary.json"), "w") as f:
    json.dump({"targets": len(results), "parameters": params_total, "routes": routes,
               "failed": failed, "seconds": round(time.time() - t_start)}, f)
if failed:
    print("sqli-scan: FAILED targets:\n  " + "\n  ".join(failed))
    sys.exit(1)
