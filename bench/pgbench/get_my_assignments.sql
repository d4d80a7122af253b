-- Ceiling of GET /api/v1/users/me/assignments (default page: 20): the SQL the endpoint needs, one
-- statement at a time: the token lookup, then the caller's assignments, newest first, each with
-- its module's summary and the caller's progress record, one more than the page to tell whether
-- a next page exists. The server reads the same rows with the statement it shares with GET
-- /assignments, whose unused filters are NULL parameters (get_my_assignments_server.sql).
--
-- Variables (pgbench -D): learners, modules, now (ms). The token hash is computed in SQL (see
-- get_module.sql); \gset carries the caller's id. generate.sql assigned 5-20 modules to every
-- learner.
\set n random(1, :learners)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
SELECT a.id, a.module_id, a.user_id, a.assigned_by, a.due_at, a.due_soon_for, a.created_at, a.updated_at, m.title, m.flow_type, m.status, p.status, p.percent FROM assignments a JOIN modules m ON m.id = a.module_id LEFT JOIN progress p ON p.user_id = a.user_id AND p.module_id = a.module_id WHERE a.user_id = :u_id ORDER BY a.created_at DESC, a.id DESC LIMIT 21;
