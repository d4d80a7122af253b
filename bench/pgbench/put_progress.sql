-- Ceiling of PUT /api/v1/modules/{id}/progress (the issue's baseline): the SQL the endpoint
-- needs, one statement at a time: the token lookup, the module, its screens (the progress
-- rules validate against them), then one transaction that locks the record, writes the next
-- version with the compare-and-swap and commits. The server reads the caller, module and record
-- with one statement, validates against its module view cache, and writes with one
-- compare-and-swap statement (put_progress_server.sql).
--
-- Variables (pgbench -D): learners, modules, now (ms), put_lo/put_hi. pgbench cannot hold
-- strings, so two parameters are computed in SQL from its random integers: the token hash (hex
-- SHA-256 of 'tsk_bench_<n>', as src/util/crypto.c computes it) and the module id
-- (bench_module_uuid, see generate.sql). Both cost a hash of a short string. \gset carries the
-- values a later statement needs, as code would carry them in memory.
-- Learners come from [put_lo, put_hi], a range the wrk runs do not use. NULL cannot be passed
-- through a pgbench variable, so score and completed_at are NULL literals. updated_at gets a new
-- value on every write, as the server's clock gives it: it is indexed (progress_user_updated),
-- so an unchanged value would allow a cheaper HOT update that the server never gets.
\set n random(:put_lo, :put_hi)
\set m random(1, :modules)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
SELECT m.id, m.title, m.description, m.flow_type, m.status, m.settings, m.author_id, u.display_name, m.copied_from_id, m.screen_count, m.created_at, m.updated_at, m.published_at, m.archived_at FROM modules m JOIN users u ON u.id = m.author_id WHERE m.id = bench_module_uuid(:m) \gset m_
SELECT id, module_id, position, type, title, content, next_screen_id, created_at, updated_at FROM screens WHERE module_id = :m_id ORDER BY position;
BEGIN;
SELECT p.user_id, p.module_id, p.status, p.percent, p.score, p.version, p.progress_data, p.started_at, p.completed_at, p.updated_at FROM progress p WHERE p.user_id = :u_id AND p.module_id = :m_id FOR UPDATE \gset p_
\set v :p_version + 1
\set ts :now + random(1, 1000000000)
UPDATE progress SET status = :p_status, percent = :p_percent, score = NULL, version = :v, progress_data = :p_progress_data, started_at = :p_started_at, completed_at = NULL, updated_at = :ts WHERE user_id = :u_id AND module_id = :m_id AND version = :p_version;
COMMIT;
