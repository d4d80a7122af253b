-- GET /api/v1/modules/{id} exactly as the server runs it: one statement (src/db/caller.c
-- db_caller_by_token, issued by the auth step for ROUTE_WITH_MODULE routes) reads the caller by
-- token and the module with its author's name (GET module needs the caller's progress record
-- only for an archived module, and then reads it separately). No transaction. run.sh checks that the server sends statements of this shape.
--
-- Variables (pgbench -D): learners, modules, now (ms), put_lo/put_hi. pgbench cannot hold
-- strings, so two parameters are computed in SQL from its random integers: the token hash (hex
-- SHA-256 of 'tsk_bench_<n>', as src/util/crypto.c computes it) and the module id
-- (bench_module_uuid, see generate.sql). Both cost a hash of a short string. \gset carries the
-- values a later statement needs, as code would carry them in memory.
\set n random(1, :learners)
\set m random(1, :modules)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at, m.id, m.title, m.description, m.flow_type, m.status, m.settings, m.author_id, a.display_name, m.copied_from_id, m.screen_count, m.created_at, m.updated_at, m.published_at, m.archived_at FROM tokens t JOIN users u ON u.id = t.user_id LEFT JOIN modules m ON m.id = bench_module_uuid(:m) LEFT JOIN users a ON a.id = m.author_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active;
