-- Ceiling of GET /api/v1/checkins/streak: the statements the server sends (src/api/checkins.c
-- api_checkins_streak; bench/run.sh checks their shape, see get_streak_server.sql): the caller by
-- token (src/db/users.c db_users_by_token), then the streak row and the run starting last on or
-- before today in one statement (src/db/checkins.c db_checkins_streak_get): two index probes,
-- whatever the length of the learner's history. The server computes the rest (current streak,
-- today_done) in memory.
--
-- Variables (pgbench -D): learners, now (ms), lo and hi (the learners drawn from: get_streak
-- 1 … 1000, get_streak_short 1 … 500 with 30-60 days of history, get_streak_long 501 … 1000
-- with 300-400), zo0 … zo15 (the zones' UTC offsets now, ms). today is the learner's local day
-- (zone n mod 16) as the server computes it. The token hash is computed in SQL (see
-- get_module.sql); \gset carries the caller's id.
\set n random(:lo, :hi)
\set z :n % 16
\set today (:now + case when :z = 0 then :zo0 when :z = 1 then :zo1 when :z = 2 then :zo2 when :z = 3 then :zo3 when :z = 4 then :zo4 when :z = 5 then :zo5 when :z = 6 then :zo6 when :z = 7 then :zo7 when :z = 8 then :zo8 when :z = 9 then :zo9 when :z = 10 then :zo10 when :z = 11 then :zo11 when :z = 12 then :zo12 when :z = 13 then :zo13 when :z = 14 then :zo14 else :zo15 end) / 86400000
SELECT u.id, u.email, u.display_name, u.role, u.timezone, u.active, u.created_at, u.updated_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = encode(sha256(convert_to('tsk_bench_' || :n, 'UTF8')), 'hex') AND t.expires_at > :now AND u.active \gset u_
SELECT s.longest, s.last_day, r.first_day, r.last_day FROM checkin_streaks s LEFT JOIN checkin_runs r ON r.user_id = s.user_id AND r.first_day = (SELECT first_day FROM checkin_runs WHERE user_id = :u_id AND first_day <= :today ORDER BY first_day DESC LIMIT 1) WHERE s.user_id = :u_id;
