-- PUT /api/v1/modules/{id}/progress as the server runs it (src/api/progress.c api_progress_put):
-- token lookup, module (not locked), then one transaction: BEGIN, the record FOR UPDATE
-- (progress_get with lock), the compare-and-swap UPDATE (src/db/progress.c progress_write),
-- COMMIT. Six statements. The module's screens, which the progress rules need, come from the
-- server's module view cache (src/api/module_cache.c), so no screen rows are read here.
--
-- \gset carries the stored version and document, so the UPDATE is the server's own
-- "WHERE version = <stored>" with "version = <stored> + 1" and always matches (the row is
-- locked). Learners come from [put_lo, put_hi] (pgbench -D), a range the wrk runs do not use.
-- Token hash and module id are computed from random integers as in get_module.sql. NULL cannot
-- be passed through a pgbench variable, so score and completed_at are NULL literals. updated_at
-- gets a new value on every write, as the server's clock gives it: it is indexed
-- (progress_user_updated), so an unchanged value would let PostgreSQL make a cheaper HOT update
-- that the server never gets.
\set n random(:put_lo, :put_hi)
\set m random(1, :modules)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
SELECT m.id, m.title, m.description, m.flow_type, m.status, m.settings, m.author_id, u.display_name, m.copied_from_id, m.screen_count, m.created_at, m.updated_at, m.published_at, m.archived_at FROM modules m JOIN users u ON u.id = m.author_id WHERE m.id = bench_module_uuid(:m) \gset m_
BEGIN;
SELECT p.user_id, p.module_id, p.status, p.percent, p.score, p.version, p.progress_data, p.started_at, p.completed_at, p.updated_at FROM progress p WHERE p.user_id = :u_id AND p.module_id = :m_id FOR UPDATE \gset p_
\set v :p_version + 1
\set ts :now + random(1, 1000000000)
UPDATE progress SET status = :p_status, percent = :p_percent, score = NULL, version = :v, progress_data = :p_progress_data, started_at = :p_started_at, completed_at = NULL, updated_at = :ts WHERE user_id = :u_id AND module_id = :m_id AND version = :p_version;
COMMIT;
