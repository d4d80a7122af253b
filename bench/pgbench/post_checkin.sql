-- Ceiling of POST /api/v1/checkins: the statements the server sends (src/api/checkins.c
-- api_checkins_create, no module_id, no Idempotency-Key; bench/run.sh checks their shape against
-- the server's, see post_checkin_server.sql), which are already the plain way, one statement at
-- a time: the caller by token (src/db/users.c db_users_by_token), then one transaction:
-- the check-in (INSERT … ON CONFLICT (user_id, day) DO NOTHING: the day is new, so it inserts),
-- the upsert of the user's streak row (which locks it; RETURNING the longest run so far), the
-- DELETE … RETURNING of the runs next to the day (the run ending the day before; none when there
-- is a gap), the joined run's INSERT, the longest raised when the joined run is longer
-- (src/db/checkins.c), COMMIT. Nothing the server does is left out, so this is the server's SQL
-- itself; the endpoint's ratio to it is what the HTTP layer costs.
--
-- Fresh learner-days: client c checks in the check-in learners c + 1, c + 1 + clients, … of
-- generate.sql (token tsk_bench_checkin_<n>, 3,125 per client at -c32 with 100,000 of them),
-- each once, on the day the server would use: today in the learner's zone (n mod 16), from
-- the zones' UTC offsets now (zo0 … zo15, passed by run.sh; a day number is days since
-- 1970-01-01). So the work is the server's, row for row: the same learners in the same states
-- (generate.sql's four classes: no history, a gap, a run ending yesterday, the longest run ending
-- yesterday), the same day, so every check-in lands on the same one or two days and the
-- (day) index of checkins takes the inserts at the same place, as when the server writes them.
-- A random day over a wide range would spread those inserts and rarely join a run; a random
-- learner would sometimes find its day taken (a 409 path). bench/run.sh restores the check-in
-- learners after each run (bench_checkin_reset()); a client that runs out of learners fails on
-- the token lookup (no row for \gset).
--
-- Variables (pgbench -D): now (ms), clients (= -c), k = 0 (the client's own counter, kept
-- across its transactions), zo0 … zo15 (ms). pgbench cannot hold strings: the token hash is
-- computed in SQL, and the id the server generates is gen_random_uuid(); \gset and \aset carry
-- the values later statements need, as the server carries them in memory. The DELETE returns
-- at most one run here (no check-in learner has one starting tomorrow); \aset keeps the day
-- itself when it returns none. The note is a literal where the server binds it, module_id a
-- NULL literal (pgbench cannot pass a NULL).
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
