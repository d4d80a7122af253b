-- Ceiling of POST /api/v1/assignments: the SQL the endpoint needs, one statement at a time: the
-- token lookup (the manager), then one transaction that reads the module (published, visible to
-- the caller; locked, as the server locks it, so that an archive cannot slip in before the
-- commit), reads the assignee (active), inserts the assignment, takes the assignee's numbering
-- lock (the schema's rule, migrations/postgres/0005: per user, seq order = commit order), inserts
-- the module_assigned notification with the next seq, NOTIFYs the instances, reads the
-- assignee's progress record (the answer carries progress_status and progress_percent) and
-- commits. The server does the same, but reads the new assignment back joined with its module
-- and the record instead of the record alone (post_assignment_server.sql).
--
-- Variables (pgbench -D): learners, modules, now (ms), clients (= -c), k = 0, assigned (the
-- first modules, which generate.sql assigned). Every transaction takes a (module, learner) pair
-- of its own, and no two clients ever lock the same learner or module row at once: client c
-- owns the learners whose number is c modulo clients (nl of them: 31 or 32) and walks them once
-- per module; its j-th transaction takes its learner j mod nl and module slot (c * F / clients +
-- j div nl) mod F of the F = modules - assigned free ones. Clients start F / clients (5.6)
-- modules apart and move to the next module every nl transactions, so two clients would only
-- meet on a module row after drifting some 175 transactions apart. nl * F (5,580) pairs per
-- client; bench/run.sh deletes what a run created before the next one. A client that ran out of
-- pairs fails on the unique (module_id, user_id) key.
-- pgbench cannot hold strings: the token hash, the module id and the learner id are computed in
-- SQL (encode(sha256(...)), bench_module_uuid, bench_learner_uuid; see generate.sql), the ids
-- the server would generate with gen_random_uuid(). k is the client's own counter, kept across
-- its transactions. created_at = now + (its number among all the run's transactions) grows
-- like the server's clock (the index on it is appended to, not filled at random); due_at is 14
-- days on.
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
INSERT INTO notifications (id, seq, user_id, type, title, body, data, created_at) VALUES (gen_random_uuid(), nextval('notifications_seq'), :t_id, 'module_assigned', 'New assignment', '"' || :m_title || '" was assigned to you, due 1 Jan 2100, 00:00 UTC.', CAST('{"due_at": "2100-01-01T00:00:00.000Z", "module_id": "' || :m_id || '", "assignment_id": "' || :a_id || '"}' AS jsonb), :ts) RETURNING seq \gset
SELECT pg_notify('trainsmart_notifications', :t_id || ':' || :seq);
SELECT p.user_id, p.module_id, p.status, p.percent, p.score, p.version, p.progress_data, p.started_at, p.completed_at, p.updated_at FROM progress p WHERE p.user_id = :t_id AND p.module_id = :m_id;
COMMIT;
