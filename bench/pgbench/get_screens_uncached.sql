-- Supplementary baseline for GET /api/v1/modules/{id}/screens: get_screens.sql plus the screen
-- rows themselves (src/db/modules.c screens_list), i.e. the database work of this endpoint
-- without the server's module view cache. run.sh runs it as "pgbench-uncached"; the server is
-- expected to beat it (ratio > 1), since it serves the screens from memory.
\set n random(1, :learners)
\set m random(1, :modules)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
SELECT m.id, m.title, m.description, m.flow_type, m.status, m.settings, m.author_id, u.display_name, m.copied_from_id, m.screen_count, m.created_at, m.updated_at, m.published_at, m.archived_at FROM modules m JOIN users u ON u.id = m.author_id WHERE m.id = bench_module_uuid(:m) \gset m_
SELECT p.user_id, p.module_id, p.status, p.percent, p.score, p.version, p.progress_data, p.started_at, p.completed_at, p.updated_at FROM progress p WHERE p.user_id = :u_id AND p.module_id = :m_id;
SELECT id, module_id, position, type, title, content, next_screen_id, created_at, updated_at FROM screens WHERE module_id = :m_id ORDER BY position;
