-- GET /api/v1/users/me/assignments exactly as the server runs it (src/api/assignments.c
-- api_assignments_mine, default page): the caller by token (src/db/users.c db_users_by_token),
-- then src/db/assignments.c db_assignments_list, the statement GET /assignments uses too, with
-- only the assignee filter and the limit (20 + 1) set. No transaction. run.sh checks that the
-- server sends statements of this shape.
--
-- The server binds its unused filters as NULL parameters; pgbench cannot pass NULL through a
-- variable, so they are NULL literals here. PostgreSQL plans both alike: the remaining
-- "(a.user_id = $1 OR CAST($1 AS TEXT) IS NULL)" keeps a generic plan from using the index, so
-- every execution gets a custom plan, planned afresh, as the server's does
-- (pg_prepared_statements: generic_plans 0).
\set n random(1, :learners)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
SELECT a.id, a.module_id, a.user_id, a.assigned_by, a.due_at, a.due_soon_for, a.created_at, a.updated_at, m.title, m.flow_type, m.status, p.status, p.percent FROM assignments a JOIN modules m ON m.id = a.module_id LEFT JOIN progress p ON p.user_id = a.user_id AND p.module_id = a.module_id WHERE (a.assigned_by = NULL OR CAST(NULL AS TEXT) IS NULL) AND (a.user_id = :u_id OR CAST(:u_id AS TEXT) IS NULL) AND (a.module_id = NULL OR CAST(NULL AS TEXT) IS NULL) AND (CAST(NULL AS TEXT) IS NULL OR COALESCE(p.status, 'not_started') = NULL) AND (CAST(NULL AS BIGINT) IS NULL OR a.created_at < NULL OR (a.created_at = NULL AND a.id < NULL)) ORDER BY a.created_at DESC, a.id DESC LIMIT 21;
