-- Benchmark data set for TrainSmart (PostgreSQL). Run on a fresh database after
-- `trainsmart migrate up`:
--
--   psql -v ON_ERROR_STOP=1 -v learners=1000 -v modules=200 -f bench/generate.sql "$DATABASE_URL"
--
-- The variables are optional (defaults: learners 1000, modules 200, assigned 20, checkin_pool
-- 100000). What it creates:
--
--   * :learners active learners; learner n has the access token 'tsk_bench_' || n (stored, as the
--     server stores tokens, as the hex SHA-256 of the token text), valid until 2100. They cannot
--     log in (password_hash is not an argon2 string); the benchmarks only use the tokens.
--   * one author, 'bench-author@bench.invalid', token 'tsk_bench_author', who wrote every module;
--     and a manager, 'bench-manager@bench.invalid' (role author, wrote nothing), token
--     'tsk_bench_manager', who makes the assignments of the POST /assignments benchmark.
--   * learner n has the id bench_learner_uuid(n), like the module ids below, so that pgbench can
--     name a learner (POST /assignments sends the assignee's id).
--   * :modules published linear modules with 12 screens each, in the repeating type pattern
--     content, question, reflection, checklist (screen 1 is always content). Content is stored
--     normalised (API.md §6.3) and its JSON is 0.5-2 KB per screen.
--   * one progress record per (learner, module): version 1, first screen completed. So every
--     progress write of the benchmark is an UPDATE of an existing row (the steady state of a
--     learner stepping through a module), and every screen list reads an existing record.
--   * assignments for GET /users/me/assignments: learner n is assigned 5 + (7n mod 16) of the
--     first :assigned modules (default 20), so 5-20 each (12.5 on average), made by the author over
--     the past weeks; due dates a third each none, past (overdue) and 1-4 weeks ahead (never
--     within the scheduler's 24 h due-soon window, which would write notifications during a
--     run). Every learner has a progress record for each of them (above). No notifications. The
--     other (module, learner) pairs, modules :assigned+1 .. :modules, are free for the POST
--     benchmark (bench/run.sh deletes what it created between runs).
--   * time zones: learner n lives in zone n mod 16 of bench_zones (UTC, Europe/Berlin, ...,
--     Asia/Shanghai), whose `today` is the local date there at load time as a day number.
--   * check-ins: every learner has a history of check-ins (learners 1 .. :learners/2 30-60 days
--     back, the others 300-400 days back, with gaps), with checkin_runs and checkin_streaks
--     derived from it as the server keeps them; and :checkin_pool (default 100000) check-in
--     learners ('bench-checkin-<n>@bench.invalid', token 'tsk_bench_checkin_' || n), whose
--     histories end before today, for the POST /checkins benchmark (bench_checkin_pool;
--     bench_checkin_reset() undoes what a run wrote). See "check-ins" below and bench/README.md.
--   * bench_ids (n, module_id, first_screen_id): module n (1-based, in created order) and its
--     first screen; run.sh exports it into ids.lua for the wrk scripts. The server never reads
--     it, nor bench_module_uuid() nor the other bench_* tables and functions.
--
-- Timestamps are BIGINT milliseconds since the epoch. Ids are gen_random_uuid() (v4), except
-- module ids: module n has the id bench_module_uuid(n), an MD5-derived UUID in v4 form (as
-- evenly spread as a random one). pgbench has no string variables, so this is how its scripts
-- turn a random integer into a module id inside the statement the server sends
-- ("WHERE m.id = bench_module_uuid(:m)" for "WHERE m.id = $1"): the function is immutable
-- SQL, inlined by the planner, and costs an MD5 of a short string. A lookup table would change
-- the plan (an InitPlan and a sequential scan), and a separate \gset query would add a round
-- trip to the baseline.

\if :{?learners}
\else
\set learners 1000
\endif
\if :{?modules}
\else
\set modules 200
\endif
\if :{?assigned}
\else
\set assigned 20
\endif
\if :{?checkin_pool}
\else
\set checkin_pool 100000
\endif

\set ON_ERROR_STOP 1
BEGIN;

CREATE TEMP TABLE bench_now AS
SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms,
       4102444800000::bigint AS far; -- 2100-01-01T00:00:00Z

-- Filler text: deterministic, varied lengths.
CREATE TEMP TABLE bench_lorem AS
SELECT 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. '::text AS s;

-- Time zones of the learners and check-in learners: user n lives in zone n mod 16, and
-- today is the local date there (server: util/tz.c; here PostgreSQL's reading of the same tz
-- database). bench_zones.today is the day number (days since 1970-01-01, as checkins.day) of
-- the local date when the check-in data was made: every check-in history below is dated
-- relative to it. bench_checkin_reset() moves it on when a zone's date has changed since.
CREATE FUNCTION bench_local_day(zone text, ms bigint) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT CAST(CAST(timezone(zone, to_timestamp(ms / 1000.0)) AS date) - DATE '1970-01-01' AS integer) $$;

CREATE TABLE bench_zones (
    i INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    today INTEGER NOT NULL
);
INSERT INTO bench_zones (i, name, today)
SELECT z.i - 1, z.name, bench_local_day(z.name, b.ms)
FROM unnest(ARRAY['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Asia/Kolkata',
                  'Australia/Sydney', 'America/Los_Angeles', 'Pacific/Auckland', 'America/Sao_Paulo',
                  'Asia/Kathmandu', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/London',
                  'America/St_Johns', 'Africa/Cairo', 'Asia/Shanghai']) WITH ORDINALITY AS z(name, i),
     bench_now b;

-- ---------------------------------------------------------------- users and tokens

-- Learner n's id, as bench_module_uuid below: pgbench's POST /assignments scripts name the
-- assignee with "WHERE id = bench_learner_uuid(:n)" where the server binds "WHERE id = $1".
CREATE FUNCTION bench_learner_uuid(n integer) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CAST(overlay(overlay(md5('bench-learner-' || CAST(n AS text)) PLACING '4' FROM 13)
                          PLACING '8' FROM 17) AS uuid) $$;

INSERT INTO users (id, email, password_hash, display_name, role, timezone, active, created_at, updated_at)
SELECT gen_random_uuid(), 'bench-author@bench.invalid', 'bench-no-login', 'Bench Author', 'author',
       'UTC', TRUE, ms, ms
FROM bench_now;

INSERT INTO users (id, email, password_hash, display_name, role, timezone, active, created_at, updated_at)
SELECT gen_random_uuid(), 'bench-manager@bench.invalid', 'bench-no-login', 'Bench Manager', 'author',
       'UTC', TRUE, ms, ms
FROM bench_now;

INSERT INTO users (id, email, password_hash, display_name, role, timezone, active, created_at, updated_at)
SELECT bench_learner_uuid(n), 'bench-learner-' || n || '@bench.invalid', 'bench-no-login',
       'Bench Learner ' || n, 'learner', z.name, TRUE, ms + n, ms + n
FROM generate_series(1, :learners) AS n, bench_now, bench_zones z
WHERE z.i = n % 16;

-- The check-in learners of POST /checkins (see "check-ins" below): token
-- 'tsk_bench_checkin_' || n, zone n mod 16 like the learners'. No progress records, no
-- assignments; ids are random (pgbench reads a check-in learner's id with its token).
INSERT INTO users (id, email, password_hash, display_name, role, timezone, active, created_at, updated_at)
SELECT gen_random_uuid(), 'bench-checkin-' || n || '@bench.invalid', 'bench-no-login',
       'Bench Check-in Learner ' || n, 'learner', z.name, TRUE, ms + :learners + n, ms + :learners + n
FROM generate_series(1, :checkin_pool) AS n, bench_now, bench_zones z
WHERE z.i = n % 16;

INSERT INTO tokens (hash, user_id, created_at, expires_at)
SELECT encode(sha256(convert_to(
           CASE WHEN u.email = 'bench-author@bench.invalid' THEN 'tsk_bench_author'
                WHEN u.email = 'bench-manager@bench.invalid' THEN 'tsk_bench_manager'
                ELSE 'tsk_bench_' || substring(u.email FROM '^bench-learner-([0-9]+)@') END,
           'UTF8')), 'hex'),
       u.id, b.ms, b.far
FROM users u, bench_now b
WHERE u.email LIKE 'bench-%@bench.invalid' AND u.email NOT LIKE 'bench-checkin-%';

INSERT INTO tokens (hash, user_id, created_at, expires_at)
SELECT encode(sha256(convert_to('tsk_bench_checkin_' || p.n, 'UTF8')), 'hex'), u.id, b.ms, b.far
FROM generate_series(1, :checkin_pool) AS p(n)
JOIN users u ON u.email = 'bench-checkin-' || p.n || '@bench.invalid', bench_now b;

-- ---------------------------------------------------------------- modules and screens

CREATE FUNCTION bench_module_uuid(n integer) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CAST(overlay(overlay(md5('bench-module-' || CAST(n AS text)) PLACING '4' FROM 13)
                          PLACING '8' FROM 17) AS uuid) $$;

CREATE TABLE bench_ids (
    n INTEGER PRIMARY KEY,
    module_id UUID NOT NULL,
    first_screen_id UUID NOT NULL
);

INSERT INTO bench_ids (n, module_id, first_screen_id)
SELECT n, bench_module_uuid(n), gen_random_uuid() FROM generate_series(1, :modules) AS n;

INSERT INTO modules (id, title, description, flow_type, status, settings, author_id,
                     copied_from_id, screen_count, created_at, updated_at, published_at, archived_at)
SELECT i.module_id, 'Bench module ' || i.n,
       'Benchmark module ' || i.n || ': twelve screens of mixed types.',
       'linear', 'published', '{}'::jsonb, a.id, NULL, 12, b.ms + i.n, b.ms + i.n, b.ms + i.n, NULL
FROM bench_ids i, bench_now b,
     (SELECT id FROM users WHERE email = 'bench-author@bench.invalid') a;

-- Screen p (1..12) of module n. Type by (p - 1) % 4: content, question, reflection, checklist.
-- The filler length varies with (n, p) so that each content document is roughly 0.5-2 KB.
INSERT INTO screens (id, module_id, position, type, title, content, next_screen_id, created_at, updated_at)
SELECT CASE WHEN s.p = 1 THEN i.first_screen_id ELSE gen_random_uuid() END,
       i.module_id, s.p,
       (ARRAY['content', 'question', 'reflection', 'checklist'])[(s.p - 1) % 4 + 1],
       'Screen ' || s.p || ' of module ' || i.n,
       CASE (s.p - 1) % 4
       WHEN 0 THEN jsonb_build_object(
           'body', 'Module ' || i.n || ', screen ' || s.p || '. ' || repeat(l.s, 6 + (i.n * 7 + s.p * 5) % 18),
           'media', '[]'::jsonb)
       WHEN 1 THEN jsonb_build_object(
           'kind', 'single',
           'prompt', 'Question ' || s.p || ' of module ' || i.n || '? ' || repeat(l.s, 3 + (i.n + s.p) % 8),
           'options', jsonb_build_array(
               jsonb_build_object('id', 'a', 'text', 'Option A: ' || repeat(l.s, 1)),
               jsonb_build_object('id', 'b', 'text', 'Option B: ' || repeat(l.s, 1))),
           'correct_option_ids', jsonb_build_array('b'),
           'explanation', 'Because B. ' || repeat(l.s, 1 + (i.n + s.p) % 4))
       WHEN 2 THEN jsonb_build_object(
           'prompt', 'Reflect on screen ' || s.p || '. ' || repeat(l.s, 6 + (i.n * 3 + s.p) % 16),
           'min_length', 0, 'max_length', 2000, 'placeholder', '')
       ELSE jsonb_build_object(
           'prompt', 'Checklist ' || s.p || '. ' || repeat(l.s, 5 + (i.n + s.p * 3) % 12),
           'items', jsonb_build_array(
               jsonb_build_object('id', 'i1', 'text', 'First item: ' || l.s, 'required', TRUE)))
       END,
       NULL, b.ms + i.n, b.ms + i.n
FROM bench_ids i, generate_series(1, 12) AS s(p), bench_lorem l, bench_now b;

-- ---------------------------------------------------------------- progress

INSERT INTO progress (user_id, module_id, status, percent, score, version, progress_data,
                      started_at, completed_at, updated_at)
SELECT u.id, i.module_id, 'in_progress', 8, NULL, 1,
       jsonb_build_object('current_screen_id', NULL,
                          'completed_screen_ids', jsonb_build_array(i.first_screen_id),
                          'responses', '{}'::jsonb),
       b.ms, NULL, b.ms
FROM users u, bench_ids i, bench_now b
WHERE u.role = 'learner' AND u.email LIKE 'bench-learner-%@bench.invalid';

-- ---------------------------------------------------------------- assignments

-- Learner n, assignment j (1 .. 5 + 7n mod 16) is for module j, made j days before the load
-- (so the newest comes first in the list: module 1), with due date by j mod 3: none, past
-- (overdue: every record is in progress), or 7 + j days ahead.
INSERT INTO assignments (id, module_id, user_id, assigned_by, due_at, due_soon_for, created_at,
                         updated_at)
SELECT gen_random_uuid(), bench_module_uuid(j), bench_learner_uuid(n), a.id,
       CASE j % 3 WHEN 0 THEN NULL
                  WHEN 1 THEN b.ms - j * 3600000::bigint
                  ELSE b.ms + (7 + j) * 86400000::bigint END,
       NULL, b.ms - j * 86400000::bigint + n, b.ms - j * 86400000::bigint + n
FROM generate_series(1, :learners) AS n,
     LATERAL generate_series(1, least(5 + (7 * n) % 16, :assigned, :modules)) AS j,
     bench_now b, (SELECT id FROM users WHERE email = 'bench-author@bench.invalid') a;

-- ---------------------------------------------------------------- check-ins

-- Histories as the server would have written them, one check-in per local day: checkins.day is
-- the local date in the user's zone at the time (a day number), timezone that zone, created_at
-- local noon of that day (or now, if that is earlier), then checkin_runs (the maximal runs of
-- consecutive days) and checkin_streaks (longest run, latest day) derived from them as
-- db/checkins.c keeps them. bench/check_checkins.sql recomputes runs and streaks from the
-- check-ins another way and must find no difference (run.sh runs it after loading and after
-- the last POST /checkins reset).
--
-- Learner n checked in on the days `o` days before today (0: today) that
-- bench_learner_offsets(n) returns: a short history (30-60 days back) for the first half of
-- the learners, a long one (300-400 days back) for the second half, for GET /checkins/streak
-- with short and long histories (get_streak_short, get_streak_long). Each past day is missed
-- with probability 0.15, and one 4-day block in 8 is missed entirely; a third of the learners
-- checked in today.
CREATE FUNCTION bench_learner_offsets(n integer, learners integer) RETURNS SETOF integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT o FROM generate_series(0, CASE WHEN n <= learners / 2 THEN 30 + n % 31 ELSE 300 + n % 101 END) AS o
      WHERE CASE WHEN o = 0 THEN n % 3 = 0
                 ELSE abs(hashint4(n * 1000 + o)) % 100 >= 15 AND abs(hashint4(n * 7919 + o / 4)) % 8 <> 0 END $$;

-- Check-in learner n's history (days before today), by its class bench_pool_class(n) (a hash
-- of n, mod 4: the classes are spread evenly over every stride the load generators take), so
-- that a check-in today runs each of the server's paths (src/api/checkins.c streak_add):
--   0: none, a first check-in: the streak row is inserted, no adjacent run, the run of one
--      day is the longest (UPDATE longest);
--   1: a gap (the last run ended 2-6 days ago): no adjacent run, not the longest;
--   2: a run ends yesterday, shorter than an older one: today joins it (DELETE returns it),
--      the joined run (3-5 days) is still not the longest (6);
--   3: the longest run (3-6 days) ends yesterday: today joins it and the joined run is the new
--      longest (UPDATE longest).
-- So the DELETE of adjacent runs finds one in half of the requests, and the longest is raised in
-- half of them. None of these days is today, so every check-in learner can check in once.
CREATE FUNCTION bench_pool_class(n integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT abs(hashint4(-n)) % 4 $$;

CREATE FUNCTION bench_pool_offsets(n integer) RETURNS SETOF integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT d.o FROM (SELECT bench_pool_class(n) AS c) k,
             LATERAL (SELECT generate_series(2 + n % 5, 4 + n % 5) WHERE k.c = 1
                      UNION ALL SELECT generate_series(18 + n % 7, 21 + n % 7) WHERE k.c = 1
                      UNION ALL SELECT generate_series(1, 2 + n % 3) WHERE k.c = 2
                      UNION ALL SELECT generate_series(12, 17) WHERE k.c = 2
                      UNION ALL SELECT generate_series(1, 3 + n % 4) WHERE k.c = 3
                      UNION ALL SELECT generate_series(10, 11) WHERE k.c = 3) AS d(o) $$;

-- created_at of a check-in made on local day `day` in `zone`: noon there, or `now_ms` if earlier.
CREATE FUNCTION bench_checkin_ms(zone text, day integer, now_ms bigint) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT least(now_ms, CAST(extract(epoch FROM timezone(zone, CAST(DATE '1970-01-01' + day AS timestamp)
                                                             + interval '12 hours')) * 1000 AS bigint)) $$;

-- The check-in learners: n, id, zone (n mod 16).
CREATE TABLE bench_checkin_pool (
    n INTEGER PRIMARY KEY,
    user_id UUID NOT NULL UNIQUE,
    zone INTEGER NOT NULL
);
INSERT INTO bench_checkin_pool (n, user_id, zone)
SELECT p.n, u.id, p.n % 16
FROM generate_series(1, :checkin_pool) AS p(n)
JOIN users u ON u.email = 'bench-checkin-' || p.n || '@bench.invalid';

-- Writes the histories of the check-in learners in `zones` (not their runs and streaks).
CREATE FUNCTION bench_checkin_pool_fill(zones integer[]) RETURNS bigint
LANGUAGE sql
AS $$ WITH ins AS (
        INSERT INTO checkins (id, user_id, day, timezone, mood, confidence, note, module_id, created_at, updated_at)
        SELECT gen_random_uuid(), p.user_id, z.today - o.o, z.name, 1 + abs(hashint4(p.n * 31 + o.o)) % 5,
               1 + abs(hashint4(p.n * 37 + o.o)) % 5, 'Bench check-in.', NULL,
               bench_checkin_ms(z.name, z.today - o.o, b.ms), bench_checkin_ms(z.name, z.today - o.o, b.ms)
        FROM bench_checkin_pool p JOIN bench_zones z ON z.i = p.zone,
             LATERAL bench_pool_offsets(p.n) AS o(o),
             (SELECT CAST(extract(epoch FROM clock_timestamp()) * 1000 AS bigint) AS ms) b
        WHERE p.zone = ANY (zones)
        RETURNING 1)
      SELECT count(*) FROM ins $$;

-- Replaces the runs and streak rows of `users` by those their check-ins make: runs are the
-- islands of consecutive days (day - row_number() is constant along one), the streak row holds
-- the longest run and the latest day; no check-ins, no streak row (as before a first check-in).
CREATE FUNCTION bench_checkin_derive(users uuid[]) RETURNS void
LANGUAGE sql
AS $$ DELETE FROM checkin_runs WHERE user_id IN (SELECT unnest(users));
      DELETE FROM checkin_streaks WHERE user_id IN (SELECT unnest(users));
      INSERT INTO checkin_runs (user_id, first_day, last_day)
      SELECT user_id, min(day), max(day)
      FROM (SELECT user_id, day, day - row_number() OVER (PARTITION BY user_id ORDER BY day) AS island
            FROM checkins WHERE user_id IN (SELECT unnest(users))) s
      GROUP BY user_id, island;
      INSERT INTO checkin_streaks (user_id, longest, last_day)
      SELECT user_id, max(last_day - first_day + 1), max(last_day)
      FROM checkin_runs WHERE user_id IN (SELECT unnest(users))
      GROUP BY user_id $$;

-- Undoes what POST /checkins runs wrote (bench/run.sh, before every post_checkin run and after
-- the last): deletes the check-in learners' check-ins on or after their zone's today (their
-- histories end yesterday) and derives their runs and streak rows again, which restores them
-- as generated. When a zone's local date has moved on since its histories were written, its
-- check-in learners' histories are written again for the new today first, so that the paths
-- above stay what they were (a run ending yesterday is still yesterday's). Returns the
-- check-ins deleted and the zones moved. VACUUM is up to the caller.
CREATE FUNCTION bench_checkin_reset() RETURNS TABLE (deleted bigint, zones_moved integer)
LANGUAGE plpgsql
AS $$
DECLARE
    now_ms bigint := CAST(extract(epoch FROM clock_timestamp()) * 1000 AS bigint);
    moved integer[];
    touched uuid[];
BEGIN
    SELECT coalesce(array_agg(i), '{}') INTO moved FROM bench_zones WHERE bench_local_day(name, now_ms) <> today;
    IF cardinality(moved) > 0 THEN
        DELETE FROM checkins c USING bench_checkin_pool p WHERE p.user_id = c.user_id AND p.zone = ANY (moved);
        UPDATE bench_zones SET today = bench_local_day(name, now_ms) WHERE i = ANY (moved);
        PERFORM bench_checkin_pool_fill(moved);
    END IF;
    WITH d AS (
        DELETE FROM checkins c USING bench_checkin_pool p, bench_zones z
        WHERE c.day >= (SELECT min(today) FROM bench_zones) AND c.user_id = p.user_id
          AND z.i = p.zone AND c.day >= z.today
        RETURNING c.user_id)
    SELECT count(*), coalesce(array_agg(DISTINCT user_id), '{}') INTO deleted, touched FROM d;
    IF cardinality(moved) > 0 THEN
        touched := touched || ARRAY(SELECT user_id FROM bench_checkin_pool WHERE zone = ANY (moved));
    END IF;
    PERFORM bench_checkin_derive(touched);
    zones_moved := cardinality(moved);
    RETURN NEXT;
END $$;

INSERT INTO checkins (id, user_id, day, timezone, mood, confidence, note, module_id, created_at, updated_at)
SELECT gen_random_uuid(), bench_learner_uuid(n), z.today - o.o, z.name, 1 + abs(hashint4(n * 31 + o.o)) % 5,
       1 + abs(hashint4(n * 37 + o.o)) % 5,
       CASE WHEN (z.today - o.o) % 4 = 0 THEN 'Bench check-in.' END,
       CASE WHEN (z.today - o.o) % 5 = 0 THEN bench_module_uuid(1 + (n + z.today - o.o) % least(:assigned, :modules)) END,
       bench_checkin_ms(z.name, z.today - o.o, b.ms), bench_checkin_ms(z.name, z.today - o.o, b.ms)
FROM generate_series(1, :learners) AS n JOIN bench_zones z ON z.i = n % 16,
     LATERAL bench_learner_offsets(n, :learners) AS o(o), bench_now b;

SELECT bench_checkin_pool_fill(ARRAY(SELECT i FROM bench_zones)) AS checkin_pool_history \gset
SELECT bench_checkin_derive(ARRAY(SELECT DISTINCT user_id FROM checkins)) AS derived \gset

COMMIT;

ANALYZE;

-- A short summary, so a run log shows what was loaded.
SELECT (SELECT count(*) FROM users WHERE email LIKE 'bench-learner-%') AS learners,
       (SELECT count(*) FROM tokens) AS tokens,
       (SELECT count(*) FROM modules WHERE status = 'published') AS modules,
       (SELECT count(*) FROM screens) AS screens,
       (SELECT min(length(content::text)) FROM screens) AS min_content_bytes,
       (SELECT max(length(content::text)) FROM screens) AS max_content_bytes,
       (SELECT count(*) FROM progress) AS progress_rows,
       (SELECT count(*) FROM assignments) AS assignments,
       (SELECT count(DISTINCT module_id) FROM assignments) AS assigned_modules,
       (SELECT count(*) FROM bench_checkin_pool) AS checkin_learners,
       (SELECT count(*) FROM checkins) AS checkins,
       (SELECT count(*) FROM checkin_runs) AS checkin_runs,
       (SELECT count(*) FROM checkin_streaks) AS checkin_streaks;
