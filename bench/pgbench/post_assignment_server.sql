-- POST /api/v1/assignments exactly as the server runs it (src/api/assignments.c
-- api_assignments_create, no Idempotency-Key): the caller by token (src/db/users.c
-- db_users_by_token: the route names no module), then one transaction: the module locked
-- (src/db/modules.c db_modules_get, FOR SHARE OF m), the assignee (db_users_get), the
-- assignment (src/db/assignments.c db_assignments_insert), the notification
-- (src/db/notifications.c db_notifications_insert: the assignee's numbering lock, the row with
-- the next seq, whose RETURNING also sends the NOTIFY), the new assignment read back with its
-- module and the assignee's record (db_assignments_get), COMMIT. run.sh checks that the server
-- sends statements of this shape.
--
-- Pairs, variables and computed values as in post_assignment.sql. The server generates the
-- assignment's id itself; pgbench takes gen_random_uuid()'s back with RETURNING to read it.
\set j :k
\set k :k + 1
\set nl (:learners - 1 - :client_id) / :clients + 1
\set n :client_id + :clients * (:j % :nl) + 1
\set m :assigned + 1 + (:client_id * (:modules - :assigned) / :clients + :j / :nl) % (:modules - :assigned)
\set ts :now + :j * :clients + :client_id
\set due :now + 1209600000
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_manager', 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset c_
BEGIN;
SELECT m.id, m.title, m.description, m.flow_type, m.status, m.settings, m.author_id, u.display_name, m.copied_from_id, m.screen_count, m.created_at, m.updated_at, m.published_at, m.archived_at FROM modules m JOIN users u ON u.id = m.author_id WHERE m.id = bench_module_uuid(:m) FOR SHARE OF m \gset m_
SELECT id, email, display_name, role, timezone, active, created_at, updated_at FROM users WHERE id = bench_learner_uuid(:n) \gset t_
INSERT INTO assignments (id, module_id, user_id, assigned_by, due_at, due_soon_for, created_at, updated_at) VALUES (gen_random_uuid(), :m_id, :t_id, :c_id, :due, NULL, :ts, :ts) RETURNING id \gset a_
SELECT pg_advisory_xact_lock(7283042, hashtext(:t_id));
INSERT INTO notifications (id, seq, user_id, type, title, body, data, created_at) VALUES (gen_random_uuid(), nextval('notifications_seq'), :t_id, 'module_assigned', 'New assignment', '"' || :m_title || '" was assigned to you, due 1 Jan 2100, 00:00 UTC.', CAST('{"due_at": "2100-01-01T00:00:00.000Z", "module_id": "' || :m_id || '", "assignment_id": "' || :a_id || '"}' AS jsonb), :ts) RETURNING seq, pg_notify('trainsmart_notifications', user_id::text || ':' || seq::text);
SELECT a.id, a.module_id, a.user_id, a.assigned_by, a.due_at, a.due_soon_for, a.created_at, a.updated_at, m.title, m.flow_type, m.status, p.status, p.percent FROM assignments a JOIN modules m ON m.id = a.module_id LEFT JOIN progress p ON p.user_id = a.user_id AND p.module_id = a.module_id WHERE a.id = :a_id;
COMMIT;
