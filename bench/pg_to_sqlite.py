#!/usr/bin/env python3
"""Copies a benchmark database from PostgreSQL into a migrated SQLite file.

    trainsmart migrate up            # with DATABASE_URL=sqlite:DB
    bench/pg_to_sqlite.py PG_URL DB

Copies the rows of users, tokens, modules, screens and progress (in that order, for the foreign
keys) in one transaction, converting them to what the server writes on SQLite: UUIDs as
lowercase text, booleans as 0/1, JSON documents (jsonb) as compact JSON text, times as the same
integers. So both backends of a benchmark read the very same data set, generated once in SQL
(bench/generate.sql, bench/generate_analytics.sql), and their answers can be compared.
Uses psql's COPY ... TO STDOUT; needs nothing beyond the Python standard library.
"""
import csv
import json
import sqlite3
import subprocess
import sys

NULL = "\\N"

# Table -> (column, kind) in insert order; kind: text, int, bool, json.
TABLES = {
    "users": [("id", "text"), ("email", "text"), ("password_hash", "text"),
              ("display_name", "text"), ("role", "text"), ("timezone", "text"),
              ("active", "bool"), ("created_at", "int"), ("updated_at", "int")],
    "tokens": [("hash", "text"), ("user_id", "text"), ("created_at", "int"),
               ("expires_at", "int")],
    "modules": [("id", "text"), ("title", "text"), ("description", "text"),
                ("flow_type", "text"), ("status", "text"), ("settings", "json"),
                ("author_id", "text"), ("copied_from_id", "text"), ("screen_count", "int"),
                ("created_at", "int"), ("updated_at", "int"), ("published_at", "int"),
                ("archived_at", "int")],
    "screens": [("id", "text"), ("module_id", "text"), ("position", "int"), ("type", "text"),
                ("title", "text"), ("content", "json"), ("next_screen_id", "text"),
                ("created_at", "int"), ("updated_at", "int")],
    "progress": [("user_id", "text"), ("module_id", "text"), ("status", "text"),
                 ("percent", "int"), ("score", "int"), ("version", "int"),
                 ("progress_data", "json"), ("started_at", "int"), ("completed_at", "int"),
                 ("updated_at", "int")],
}


def convert(value, kind):
    if value == NULL:
        return None
    if kind == "int":
        return int(value)
    if kind == "bool":
        return 1 if value == "t" else 0
    if kind == "json":
        return json.dumps(json.loads(value), separators=(",", ":"), ensure_ascii=False)
    return value


def rows(pg_url, table, cols):
    query = "COPY (SELECT %s FROM %s) TO STDOUT WITH (FORMAT csv, NULL '%s')" % (
        ", ".join(c for c, _ in cols), table, NULL)
    proc = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", query, pg_url],
                            stdout=subprocess.PIPE, text=True)
    for rec in csv.reader(proc.stdout):
        yield tuple(convert(v, k) for v, (_, k) in zip(rec, cols))
    if proc.wait() != 0:
        raise SystemExit("psql failed on table %s" % table)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    pg_url, db = sys.argv[1], sys.argv[2]
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("BEGIN")
    for table, cols in TABLES.items():
        sql = "INSERT INTO %s (%s) VALUES (%s)" % (
            table, ", ".join(c for c, _ in cols), ", ".join("?" * len(cols)))
        con.executemany(sql, rows(pg_url, table, cols))
    con.execute("COMMIT")
    counts = [con.execute("SELECT count(*) FROM %s" % t).fetchone()[0] for t in TABLES]
    con.close()
    print(" ".join("%s=%d" % (t, n) for t, n in zip(TABLES, counts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
