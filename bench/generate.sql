-- Benchmark data set for TrainSmart (PostgreSQL). Run on a fresh database after
-- `trainsmart migrate up`:
--
--   psql -v ON_ERROR_STOP=1 -v learners=1000 -v modules=200 -f bench/generate.sql "$DATABASE_URL"
--
-- Both variables are optional (defaults 1000 and 200). What it creates:
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
--   * bench_ids (n, module_id, first_screen_id): module n (1-based, in created order) and its
--     first screen; run.sh exports it into ids.lua for the wrk scripts. The server never reads
--     it, nor bench_module_uuid().
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

\set ON_ERROR_STOP 1
BEGIN;

CREATE TEMP TABLE bench_now AS
SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms,
       4102444800000::bigint AS far; -- 2100-01-01T00:00:00Z

-- Filler text: deterministic, varied lengths.
CREATE TEMP TABLE bench_lorem AS
SELECT 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. '::text AS s;

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
       'Bench Learner ' || n, 'learner', 'UTC', TRUE, ms + n, ms + n
FROM generate_series(1, :learners) AS n, bench_now;

INSERT INTO tokens (hash, user_id, created_at, expires_at)
SELECT encode(sha256(convert_to(
           CASE WHEN u.email = 'bench-author@bench.invalid' THEN 'tsk_bench_author'
                WHEN u.email = 'bench-manager@bench.invalid' THEN 'tsk_bench_manager'
                ELSE 'tsk_bench_' || substring(u.email FROM '^bench-learner-([0-9]+)@') END,
           'UTF8')), 'hex'),
       u.id, b.ms, b.far
FROM users u, bench_now b
WHERE u.email LIKE 'bench-%@bench.invalid';

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

COMMIT;

ANALYZE;

-- A short summary, so a run log shows what was loaded.
SELECT (SELECT count(*) FROM users WHERE role = 'learner') AS learners,
       (SELECT count(*) FROM tokens) AS tokens,
       (SELECT count(*) FROM modules WHERE status = 'published') AS modules,
       (SELECT count(*) FROM screens) AS screens,
       (SELECT min(length(content::text)) FROM screens) AS min_content_bytes,
       (SELECT max(length(content::text)) FROM screens) AS max_content_bytes,
       (SELECT count(*) FROM progress) AS progress_rows,
       (SELECT count(*) FROM assignments) AS assignments,
       (SELECT count(DISTINCT module_id) FROM assignments) AS assigned_modules;
