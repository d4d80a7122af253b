-- GET /api/v1/users/me/assignments exactly as the server runs it (src/api/assignments.c
-- api_assignments_mine, default page): the caller by token (src/db/users.c db_users_by_token),
-- then src/db/assignments.c db_assignments_list, the statement GET /assignments uses too, with
-- only the assignee filter and the limit (20 + 1) set. No transaction. run.sh checks that the
-- server sends statements of this shape.
--
-- The statement carries only the filters the request sets (src/db/db.c, db__list_*), so it is
-- one text per combination and PostgreSQL settles on a generic plan after five runs.
\set n random(1, :learners)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
\set lim 21
SELECT a.id, a.module_id, a.user_id, a.assigned_by, a.due_at, a.due_soon_for, a.created_at, a.updated_at, m.title, m.flow_type, m.status, p.status, p.percent FROM assignments a JOIN modules m ON m.id = a.module_id LEFT JOIN progress p ON p.user_id = a.user_id AND p.module_id = a.module_id WHERE TRUE AND (a.user_id = :u_id) ORDER BY a.created_at DESC, a.id DESC LIMIT :lim;
