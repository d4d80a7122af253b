-- POST /api/v1/checkins exactly as the server runs it (src/api/checkins.c api_checkins_create,
-- no module_id, no Idempotency-Key): the caller by token (src/db/users.c db_users_by_token), then
-- one transaction of src/db/checkins.c: db_checkins_insert (ON CONFLICT DO NOTHING),
-- db_checkins_streak_lock (the streak row's upsert, RETURNING longest), db_checkins_runs_take
-- (DELETE … RETURNING of the adjacent runs), db_checkins_runs_put (the joined run, and the
-- longest when it is longer), COMMIT. run.sh checks that the server sends statements of this
-- shape, tracing a check-in that raises the longest run (class 3 in generate.sql), so that the
-- conditional UPDATE is in the trace.
--
-- The same statements as the ceiling, post_checkin.sql (see there for the learners, days and
-- variables): the server already sends the plain statements one at a time, so there is nothing
-- to fold. Both are run, as for every endpoint; their difference is pgbench's own spread.
\set j :k
\set k :k + 1
\set n :client_id + :clients * :j + 1
\set z :n % 16
\set day (:now + case when :z = 0 then :zo0 when :z = 1 then :zo1 when :z = 2 then :zo2 when :z = 3 then :zo3 when :z = 4 then :zo4 when :z = 5 then :zo5 when :z = 6 then :zo6 when :z = 7 then :zo7 when :z = 8 then :zo8 when :z = 9 then :zo9 when :z = 10 then :zo10 when :z = 11 then :zo11 when :z = 12 then :zo12 when :z = 13 then :zo13 when :z = 14 then :zo14 else :zo15 end) / 86400000
\set ts :now + :j * :clients + :client_id
\set mood random(1, 5)
\set confidence random(1, 5)
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_checkin_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
BEGIN;
INSERT INTO checkins (id, user_id, day, timezone, mood, confidence, note, module_id, created_at, updated_at) VALUES (gen_random_uuid(), :u_id, :day, :u_timezone, :mood, :confidence, 'Bench check-in.', NULL, :ts, :ts) ON CONFLICT (user_id, day) DO NOTHING;
INSERT INTO checkin_streaks (user_id, longest, last_day) VALUES (:u_id, 0, :day) ON CONFLICT (user_id) DO UPDATE SET last_day = CASE WHEN excluded.last_day > checkin_streaks.last_day THEN excluded.last_day ELSE checkin_streaks.last_day END RETURNING longest \gset s_
\set adj_first_day :day
\set adj_last_day :day
\set before :day - 1
\set after :day + 1
DELETE FROM checkin_runs WHERE user_id = :u_id AND (last_day = :before OR first_day = :after) RETURNING first_day, last_day \aset adj_
\set first least(:adj_first_day, :day)
\set last greatest(:adj_last_day, :day)
INSERT INTO checkin_runs (user_id, first_day, last_day) VALUES (:u_id, :first, :last);
\if :last - :first + 1 > :s_longest
\set longest :last - :first + 1
UPDATE checkin_streaks SET longest = :longest WHERE user_id = :u_id;
\endif
COMMIT;
