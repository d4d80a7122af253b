-- PUT /api/v1/modules/{id}/progress exactly as the server runs it (src/api/progress.c
-- api_progress_put): the one statement of src/db/caller.c (caller, module, the record as
-- stored), then the compare-and-swap UPDATE of src/db/progress.c db_progress_write on its own (no
-- explicit transaction: the single statement is one; the "version = <stored>" condition is
-- what makes a concurrent write lose). The module's screens come from the module view cache.
--
-- Variables (pgbench -D): learners, modules, now (ms), put_lo/put_hi. pgbench cannot hold
-- strings, so two parameters are computed in SQL from its random integers: the token hash (hex
-- SHA-256 of 'tsk_bench_<n>', as src/util/crypto.c computes it) and the module id
-- (bench_module_uuid, see generate.sql). Both cost a hash of a short string. \gset carries the
-- values a later statement needs, as code would carry them in memory.
-- Learners come from [put_lo, put_hi], a range the wrk runs do not use. NULL cannot be passed
-- through a pgbench variable, so score and completed_at are NULL literals; updated_at changes on
-- every write as the server's clock does (see put_progress.sql).
\set n random(:put_lo, :put_hi)
\set m random(1, :modules)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at, m.id, m.title, m.description, m.flow_type, m.status, m.settings, m.author_id, a.display_name, m.copied_from_id, m.screen_count, m.created_at, m.updated_at, m.published_at, m.archived_at, p.user_id, p.module_id, p.status, p.percent, p.score, p.version, p.progress_data, p.started_at, p.completed_at, p.updated_at FROM tokens t JOIN users u ON u.id = t.user_id LEFT JOIN modules m ON m.id = bench_module_uuid(:m) LEFT JOIN users a ON a.id = m.author_id LEFT JOIN progress p ON p.user_id = u.id AND p.module_id = m.id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset
\set v :version + 1
\set ts :now + random(1, 1000000000)
UPDATE progress SET status = :status, percent = :percent, score = NULL, version = :v, progress_data = :progress_data, started_at = :started_at, completed_at = NULL, updated_at = :ts WHERE user_id = :user_id AND module_id = :module_id AND version = :version;
