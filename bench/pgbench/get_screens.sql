-- GET /api/v1/modules/{id}/screens as the server runs it for a learner: token lookup
-- (src/http/auth.c users_by_token), module (src/db/modules.c modules_get), and the caller's
-- progress record for redaction (src/api/screens.c viewer_or_reply -> progress_get, not
-- locked). Three statements, no transaction. The screens themselves come from the server's
-- module view cache (src/api/module_cache.c: published modules, rendered once per process), so
-- in the steady state the server reads no screen rows; nor does this script.
--
-- \gset carries the user and module ids forward as the server does. Token hash and module id
-- are computed from random integers as in get_module.sql.
\set n random(1, :learners)
\set m random(1, :modules)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
SELECT m.id, m.title, m.description, m.flow_type, m.status, m.settings, m.author_id, u.display_name, m.copied_from_id, m.screen_count, m.created_at, m.updated_at, m.published_at, m.archived_at FROM modules m JOIN users u ON u.id = m.author_id WHERE m.id = bench_module_uuid(:m) \gset m_
SELECT p.user_id, p.module_id, p.status, p.percent, p.score, p.version, p.progress_data, p.started_at, p.completed_at, p.updated_at FROM progress p WHERE p.user_id = :u_id AND p.module_id = :m_id;
