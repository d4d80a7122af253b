#!/usr/bin/env python3
"""Writes the JSON seed corpora of fuzz/corpus/ from the request bodies of the API tests
(tests/api/*.c string literals) and the JSON examples of the spec (API.md). Run once by hand
when the tests or the spec gain bodies; the corpora are committed, never grown by fuzz.sh.
  fuzz/make_seeds.py [path/to/API.md]
"""
import hashlib, json, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UUID = "00000000-0000-4000-8000-000000000001"

def c_strings(text):
    """Concatenated C string literals (adjacent ones joined), unescaped."""
    out = []
    for m in re.finditer(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+', text):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0))
        s = "".join(parts)
        try:
            s = bytes(s, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        except Exception:
            continue
        out.append(s)
    return out

def objects():
    docs = []
    for name in sorted(os.listdir(os.path.join(root, "tests/api"))):
        if name.endswith(".c"):
            for s in c_strings(open(os.path.join(root, "tests/api", name)).read()):
                s = re.sub(r"%(?:l{0,2}d|s|\.\*s|zu)", lambda m: "1" if "d" in m.group(0) or "u" in m.group(0) else UUID, s)
                if s.startswith("{"):
                    try:
                        docs.append(json.loads(s))
                    except ValueError:
                        pass
    spec = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/spec/API.md"
    if os.path.exists(spec):
        for block in re.findall(r"```json\n(.*?)```", open(spec).read(), re.S):
            try:
                docs.append(json.loads(block))
            except ValueError:
                pass
    return [d for d in docs if isinstance(d, dict) and d]

def body_schemas():
    src = open(os.path.join(root, "src/api/schemas.c")).read()
    schemas = {}
    for m in re.finditer(r"SCHEMA\((schema_\w+_body),(.*?)\);\n", src, re.S):
        schemas[m.group(1)] = set(re.findall(r'(?:SF_\w+|F_TZ)\("(\w+)"', m.group(2))) | set(
            re.findall(r'\.name = "(\w+)"', m.group(2)))
    routes = re.findall(r"\.body = &(schema_\w+)", open(os.path.join(root, "src/http/routes.c")).read())
    return schemas, routes

def write(harness, data):
    d = os.path.join(root, "fuzz/corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)

def main():
    docs = objects()
    schemas, routes = body_schemas()
    per_route = {}
    types = ["content", "question", "reflection", "checklist", "branch"]
    flows = ["linear", "branching", "assessment"]
    for doc in docs:
        text = json.dumps(doc, separators=(",", ":")).encode()
        for i, sname in enumerate(routes):
            keys = schemas.get(sname, set())
            if set(doc) <= keys and per_route.get(i, 0) < 12:
                per_route[i] = per_route.get(i, 0) + 1
                sel = 0
                if doc.get("type") in types:
                    sel = types.index(doc["type"]) << 2
                elif doc.get("flow_type") in flows:
                    sel = flows.index(doc["flow_type"]) << 2
                write("json_bodies", bytes([i, sel]) + text)
        if doc.get("type") in types and isinstance(doc.get("content"), dict):
            write("screen_content", bytes([types.index(doc["type"])]) +
                  json.dumps(doc["content"], separators=(",", ":")).encode())

main()
