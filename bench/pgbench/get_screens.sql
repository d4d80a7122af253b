-- Ceiling of GET /api/v1/modules/{id}/screens (the issue's baseline): the SQL the endpoint
-- needs, one statement at a time: the token lookup, the module, the caller's progress record
-- (redaction depends on it) and the module's screens. The server reads the first three with one
-- statement and serves the screens from its module view cache (get_screens_server.sql).
--
-- Variables (pgbench -D): learners, modules, now (ms), put_lo/put_hi. pgbench cannot hold
-- strings, so two parameters are computed in SQL from its random integers: the token hash (hex
-- SHA-256 of 'tsk_bench_<n>', as src/util/crypto.c computes it) and the module id
-- (bench_module_uuid, see generate.sql). Both cost a hash of a short string. \gset carries the
-- values a later statement needs, as code would carry them in memory.
\set n random(1, :learners)
\set m random(1, :modules)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
SELECT m.id, m.title, m.description, m.flow_type, m.status, m.settings, m.author_id, u.display_name, m.copied_from_id, m.screen_count, m.created_at, m.updated_at, m.published_at, m.archived_at FROM modules m JOIN users u ON u.id = m.author_id WHERE m.id = bench_module_uuid(:m) \gset m_
SELECT p.user_id, p.module_id, p.status, p.percent, p.score, p.version, p.progress_data, p.started_at, p.completed_at, p.updated_at FROM progress p WHERE p.user_id = :u_id AND p.module_id = :m_id;
SELECT id, module_id, position, type, title, content, next_screen_id, created_at, updated_at FROM screens WHERE module_id = :m_id ORDER BY position;
