-- Data set of the analytics benchmark (bench/analytics.sh, API.md §13), PostgreSQL. Run after
-- bench/generate.sql (which makes the author 'bench-author@bench.invalid' and its token
-- 'tsk_bench_author'):
--
--   psql -v ON_ERROR_STOP=1 -v records=100000 -f bench/generate_analytics.sql "$DATABASE_URL"
--
-- What it creates:
--
--   * :records learners 'bench-analytics-<n>@bench.invalid' (no tokens: they only own records);
--   * three published modules of the bench author, one per flow type, ten screens each, and
--     one progress record per (learner, module): :records records per module, all of them
--     valid documents of the flow (API.md §8.2-8.4) with the status and score the server
--     would have computed (percent roughly: analytics does not read it). Journeys are a
--     function of n:
--       - linear (content, question, reflection, checklist repeating): 2% not started, 35%
--         completed, the rest in progress with 0-9 screens completed, standing on the next
--         screen or (every 7th) back on the last completed one; responses on the completed
--         reflection, checklist and question screens;
--       - branching: start S1 -> branch B1 (calm -> S2 -> Q4 -> S6 -> E1; rush -> S3 ->
--         branch B2 (go -> K5 -> E2; retry -> S1, a loop)); four journeys (calm; rush-go;
--         rush-retry-calm; rush-retry-rush-go, 6 or 10 steps, the loops visiting S1, B1 and
--         S3, B2 twice); 2% not started, 40% at the end, the rest part-way;
--       - assessment (intro, eight single questions with correct option "b", outro;
--         pass_score 70, unlimited attempts): 2% not started, 30% passed on attempt 1-3
--         after failed ones, 18% failed once or twice and not retrying, 50% on attempt 1-3
--         with 0-8 questions answered, standing on the next question;
--   * bench_analytics (flow, module_id): the three module ids, for bench/analytics.sh.
--
-- Like generate.sql, timestamps are BIGINT milliseconds; ids are gen_random_uuid().

\if :{?records}
\else
\set records 100000
\endif

\set ON_ERROR_STOP 1
BEGIN;

CREATE TEMP TABLE ba_now AS
SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms,
       '2026-11-27T09:30:00.000Z'::text AS at;

CREATE TABLE bench_analytics (
    flow TEXT PRIMARY KEY,
    module_id UUID NOT NULL
);
INSERT INTO bench_analytics VALUES ('linear', gen_random_uuid()), ('branching', gen_random_uuid()),
                                   ('assessment', gen_random_uuid());

CREATE TEMP TABLE ba_learners AS
SELECT n, gen_random_uuid() AS id FROM generate_series(1, :records) AS n;

INSERT INTO users (id, email, password_hash, display_name, role, timezone, active, created_at, updated_at)
SELECT l.id, 'bench-analytics-' || l.n || '@bench.invalid', 'bench-no-login',
       'Analytics Learner ' || l.n, 'learner', 'UTC', TRUE, b.ms, b.ms
FROM ba_learners l, ba_now b;

-- Screens: (flow, position, name, type, id, next). Names are the journey letters above.
CREATE TEMP TABLE ba_screens (flow TEXT, p INTEGER, name TEXT, type TEXT, id UUID DEFAULT gen_random_uuid(),
                              next_name TEXT);
INSERT INTO ba_screens (flow, p, name, type, next_name) VALUES
    ('linear', 1, 'L1', 'content', NULL), ('linear', 2, 'L2', 'question', NULL),
    ('linear', 3, 'L3', 'reflection', NULL), ('linear', 4, 'L4', 'checklist', NULL),
    ('linear', 5, 'L5', 'content', NULL), ('linear', 6, 'L6', 'question', NULL),
    ('linear', 7, 'L7', 'reflection', NULL), ('linear', 8, 'L8', 'checklist', NULL),
    ('linear', 9, 'L9', 'content', NULL), ('linear', 10, 'L10', 'question', NULL),
    ('branching', 1, 'S1', 'content', 'B1'), ('branching', 2, 'B1', 'branch', NULL),
    ('branching', 3, 'S2', 'reflection', 'Q4'), ('branching', 4, 'S3', 'content', 'B2'),
    ('branching', 5, 'B2', 'branch', NULL), ('branching', 6, 'Q4', 'question', 'S6'),
    ('branching', 7, 'K5', 'checklist', 'E2'), ('branching', 8, 'S6', 'content', 'E1'),
    ('branching', 9, 'E1', 'content', NULL), ('branching', 10, 'E2', 'content', NULL),
    ('assessment', 1, 'A0', 'content', NULL), ('assessment', 10, 'A9', 'content', NULL);
INSERT INTO ba_screens (flow, p, name, type, next_name)
SELECT 'assessment', q + 1, 'Q' || q, 'question', NULL FROM generate_series(1, 8) AS q;

CREATE FUNCTION pg_temp.sid(f text, nm text) RETURNS uuid LANGUAGE sql STABLE
AS $$ SELECT id FROM ba_screens WHERE flow = f AND name = nm $$;

INSERT INTO modules (id, title, description, flow_type, status, settings, author_id,
                     copied_from_id, screen_count, created_at, updated_at, published_at, archived_at)
SELECT ba.module_id, 'Analytics ' || ba.flow, 'Benchmark module of the analytics endpoint.', ba.flow,
       'published',
       CASE ba.flow WHEN 'linear' THEN '{}'::jsonb
                    WHEN 'branching' THEN jsonb_build_object('start_screen_id', pg_temp.sid('branching', 'S1'))
                    ELSE '{"pass_score": 70, "max_attempts": null}'::jsonb END,
       a.id, NULL, 10, b.ms, b.ms, b.ms, NULL
FROM bench_analytics ba, ba_now b, (SELECT id FROM users WHERE email = 'bench-author@bench.invalid') a;

INSERT INTO screens (id, module_id, position, type, title, content, next_screen_id, created_at, updated_at)
SELECT s.id, ba.module_id, s.p, s.type, 'Screen ' || s.name,
       CASE s.type
       WHEN 'content' THEN jsonb_build_object('body', 'Screen ' || s.name || '. Some text to read.',
                                              'media', '[]'::jsonb)
       WHEN 'question' THEN jsonb_build_object(
           'kind', 'single', 'prompt', 'Question ' || s.name || '?',
           'options', '[{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]'::jsonb,
           'correct_option_ids', '["b"]'::jsonb, 'explanation', 'B is right.')
       WHEN 'reflection' THEN jsonb_build_object('prompt', 'Why?', 'min_length', 0,
                                                 'max_length', 2000, 'placeholder', '')
       WHEN 'checklist' THEN jsonb_build_object(
           'prompt', 'Check', 'items', '[{"id": "i1", "text": "One", "required": true},
                                         {"id": "i2", "text": "Two", "required": false}]'::jsonb)
       ELSE jsonb_build_object(
           'prompt', 'Which way?',
           'choices', CASE s.name
               WHEN 'B1' THEN jsonb_build_array(
                   jsonb_build_object('id', 'calm', 'text', 'Calm', 'next_screen_id', pg_temp.sid('branching', 'S2')),
                   jsonb_build_object('id', 'rush', 'text', 'Rush', 'next_screen_id', pg_temp.sid('branching', 'S3')))
               ELSE jsonb_build_array(
                   jsonb_build_object('id', 'go', 'text', 'Go on', 'next_screen_id', pg_temp.sid('branching', 'K5')),
                   jsonb_build_object('id', 'retry', 'text', 'Try again', 'next_screen_id', pg_temp.sid('branching', 'S1')))
               END)
       END,
       CASE WHEN s.next_name IS NOT NULL THEN pg_temp.sid(s.flow, s.next_name) END, b.ms, b.ms
FROM ba_screens s JOIN bench_analytics ba ON ba.flow = s.flow, ba_now b;

-- The response a screen's requirement needs (reflection, checklist, question), else NULL.
CREATE FUNCTION pg_temp.response(t text, n integer, at text) RETURNS jsonb LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE t
          WHEN 'reflection' THEN jsonb_build_object('text', repeat('I will check the exits. ', 2 + n % 8))
          WHEN 'checklist' THEN jsonb_build_object('checked_item_ids', CASE WHEN n % 3 = 0
              THEN '["i1"]'::jsonb ELSE '["i1", "i2"]'::jsonb END)
          WHEN 'question' THEN jsonb_build_object('option_ids', '["b"]'::jsonb, 'correct', true,
                                                  'answered_at', at)
          END $$;

-- ---------------------------------------------------------------- linear

-- k completed screens (10: completed); `back` learners stand on their last completed screen.
CREATE TEMP TABLE ba_linear AS
SELECT l.id, l.n,
       CASE WHEN l.n % 50 = 0 THEN 0 WHEN l.n % 20 < 7 THEN 10 ELSE (l.n * 7919) % 10 END AS k,
       l.n % 50 = 0 AS fresh, l.n % 7 = 0 AS back
FROM ba_learners l;

INSERT INTO progress (user_id, module_id, status, percent, score, version, progress_data,
                      started_at, completed_at, updated_at)
SELECT x.id, ba.module_id,
       CASE WHEN x.fresh THEN 'not_started' WHEN x.k = 10 THEN 'completed' ELSE 'in_progress' END,
       x.k * 10, NULL, x.k + 1,
       jsonb_build_object(
           'current_screen_id',
           CASE WHEN x.fresh OR x.k = 10 THEN NULL
                WHEN x.back AND x.k > 0 THEN pg_temp.sid('linear', 'L' || x.k)
                ELSE pg_temp.sid('linear', 'L' || (x.k + 1)) END,
           'completed_screen_ids',
           (SELECT coalesce(jsonb_agg(s.id ORDER BY s.p), '[]'::jsonb)
            FROM ba_screens s WHERE s.flow = 'linear' AND s.p <= x.k),
           'responses',
           (SELECT coalesce(jsonb_object_agg(s.id, pg_temp.response(s.type, x.n, b.at)), '{}'::jsonb)
            FROM ba_screens s WHERE s.flow = 'linear' AND s.p <= x.k
              AND s.type IN ('question', 'reflection', 'checklist'))),
       CASE WHEN x.fresh THEN NULL ELSE b.ms END, CASE WHEN x.k = 10 THEN b.ms END, b.ms
FROM ba_linear x, bench_analytics ba, ba_now b
WHERE ba.flow = 'linear';

-- ---------------------------------------------------------------- branching

-- The four journeys as (journey, step, screen name, choice taken).
CREATE TEMP TABLE ba_journeys (j INTEGER, i INTEGER, name TEXT, choice TEXT);
INSERT INTO ba_journeys VALUES
    (0, 1, 'S1', NULL), (0, 2, 'B1', 'calm'), (0, 3, 'S2', NULL), (0, 4, 'Q4', NULL),
    (0, 5, 'S6', NULL), (0, 6, 'E1', NULL),
    (1, 1, 'S1', NULL), (1, 2, 'B1', 'rush'), (1, 3, 'S3', NULL), (1, 4, 'B2', 'go'),
    (1, 5, 'K5', NULL), (1, 6, 'E2', NULL),
    (2, 1, 'S1', NULL), (2, 2, 'B1', 'rush'), (2, 3, 'S3', NULL), (2, 4, 'B2', 'retry'),
    (2, 5, 'S1', NULL), (2, 6, 'B1', 'calm'), (2, 7, 'S2', NULL), (2, 8, 'Q4', NULL),
    (2, 9, 'S6', NULL), (2, 10, 'E1', NULL),
    (3, 1, 'S1', NULL), (3, 2, 'B1', 'rush'), (3, 3, 'S3', NULL), (3, 4, 'B2', 'retry'),
    (3, 5, 'S1', NULL), (3, 6, 'B1', 'rush'), (3, 7, 'S3', NULL), (3, 8, 'B2', 'go'),
    (3, 9, 'K5', NULL), (3, 10, 'E2', NULL);

-- Learner n follows journey j for len steps (the whole journey: completed).
CREATE TEMP TABLE ba_branching AS
SELECT l.id, l.n, (l.n * 31) % 4 AS j,
       CASE WHEN l.n % 50 = 0 THEN 0
            WHEN l.n % 5 < 2 THEN CASE WHEN (l.n * 31) % 4 < 2 THEN 6 ELSE 10 END
            ELSE 1 + (l.n * 13) % (CASE WHEN (l.n * 31) % 4 < 2 THEN 5 ELSE 9 END) END AS len
FROM ba_learners l;

INSERT INTO progress (user_id, module_id, status, percent, score, version, progress_data,
                      started_at, completed_at, updated_at)
SELECT x.id, ba.module_id,
       CASE WHEN x.len = 0 THEN 'not_started'
            WHEN x.len = (CASE WHEN x.j < 2 THEN 6 ELSE 10 END) THEN 'completed'
            ELSE 'in_progress' END,
       CASE WHEN x.len = 0 THEN 0
            WHEN x.len = (CASE WHEN x.j < 2 THEN 6 ELSE 10 END) THEN 100
            ELSE least(99, 100 * (x.len - 1) / (CASE WHEN x.j < 2 THEN 5 ELSE 9 END)) END,
       NULL, greatest(1, x.len),
       jsonb_build_object(
           'path',
           (SELECT coalesce(jsonb_agg(jsonb_build_object(
                        'screen_id', pg_temp.sid('branching', s.name),
                        'choice_id', CASE WHEN s.i < x.len THEN s.choice END) ORDER BY s.i), '[]'::jsonb)
            FROM ba_journeys s WHERE s.j = x.j AND s.i <= x.len),
           'responses',
           (SELECT coalesce(jsonb_object_agg(sc.id, pg_temp.response(sc.type, x.n, b.at)), '{}'::jsonb)
            FROM ba_screens sc WHERE sc.flow = 'branching' AND sc.type IN ('question', 'reflection', 'checklist')
              AND sc.name IN (SELECT s.name FROM ba_journeys s WHERE s.j = x.j AND s.i < x.len))),
       CASE WHEN x.len > 0 THEN b.ms END,
       CASE WHEN x.len = (CASE WHEN x.j < 2 THEN 6 ELSE 10 END) THEN b.ms END, b.ms
FROM ba_branching x, bench_analytics ba, ba_now b
WHERE ba.flow = 'branching';

-- ---------------------------------------------------------------- assessment

-- The answers of an attempt that answered questions 1..m, the first c of them right.
CREATE FUNCTION pg_temp.answers(m integer, c integer) RETURNS jsonb LANGUAGE sql STABLE
AS $$ SELECT coalesce(jsonb_object_agg(pg_temp.sid('assessment', 'Q' || q),
                                       CASE WHEN q <= c THEN '["b"]'::jsonb ELSE '["a"]'::jsonb END), '{}'::jsonb)
      FROM generate_series(1, m) AS q $$;

-- A submitted attempt of all eight questions with c right.
CREATE FUNCTION pg_temp.attempt(a integer, c integer, at text) RETURNS jsonb LANGUAGE sql STABLE
AS $$ SELECT jsonb_build_object(
          'attempt', a, 'answers', pg_temp.answers(8, c),
          'results', (SELECT jsonb_object_agg(pg_temp.sid('assessment', 'Q' || q), q <= c)
                      FROM generate_series(1, 8) AS q),
          'score', 100 * c / 8, 'passed', 100 * c / 8 >= 70, 'submitted_at', at) $$;

-- State: 'not_started', 'passed', 'failed' or 'in_progress'; `past` attempts submitted before
-- the current one (all failed); the current one is submitted for passed and failed, else holds
-- `answered` answers. Failed attempts get 2-5 right, passed ones 6-8.
CREATE TEMP TABLE ba_assessment AS
SELECT l.id, l.n,
       CASE WHEN l.n % 50 = 0 THEN 'not_started' WHEN l.n % 50 < 16 THEN 'passed'
            WHEN l.n % 50 < 25 THEN 'failed' ELSE 'in_progress' END AS state,
       CASE WHEN l.n % 50 = 0 THEN 0 WHEN l.n % 50 < 25 THEN (l.n * 7) % 2 ELSE (l.n * 7) % 3 END AS past,
       (l.n * 11) % 9 AS answered
FROM ba_learners l;

CREATE TEMP TABLE ba_assessment_docs AS
SELECT x.id, x.n, x.state, x.past,
       CASE WHEN x.state IN ('passed', 'failed') THEN x.past + 1 ELSE x.past END AS submitted,
       CASE x.state WHEN 'passed' THEN 6 + x.n % 3 ELSE 2 + x.n % 4 END AS last_right,
       x.answered
FROM ba_assessment x;

INSERT INTO progress (user_id, module_id, status, percent, score, version, progress_data,
                      started_at, completed_at, updated_at)
SELECT x.id, ba.module_id, x.state,
       CASE WHEN x.state IN ('passed', 'failed') THEN 100 ELSE 100 * x.answered / 8 END,
       CASE WHEN x.submitted = 0 THEN NULL
            WHEN x.state IN ('passed', 'failed') THEN 100 * x.last_right / 8
            ELSE 100 * (2 + (x.n + x.past - 1) % 4) / 8 END,
       1 + x.submitted * 2 + x.answered,
       jsonb_build_object(
           'attempt', greatest(1, CASE WHEN x.state IN ('passed', 'failed') THEN x.submitted ELSE x.past + 1 END),
           'current_screen_id',
           CASE WHEN x.state = 'not_started' THEN NULL
                WHEN x.state IN ('passed', 'failed') THEN pg_temp.sid('assessment', 'Q8')
                WHEN x.answered = 0 THEN pg_temp.sid('assessment', 'A0')
                ELSE pg_temp.sid('assessment', 'Q' || least(8, x.answered + 1)) END,
           'answers',
           CASE WHEN x.state IN ('passed', 'failed') THEN pg_temp.answers(8, x.last_right)
                WHEN x.state = 'in_progress' THEN pg_temp.answers(x.answered, x.answered / 2)
                ELSE '{}'::jsonb END,
           'submitted_at', CASE WHEN x.state IN ('passed', 'failed') THEN b.at END,
           'attempts',
           (SELECT coalesce(jsonb_agg(pg_temp.attempt(
                        a, CASE WHEN a = x.submitted AND x.state IN ('passed', 'failed') THEN x.last_right
                                ELSE 2 + (x.n + a - 1) % 4 END, b.at) ORDER BY a), '[]'::jsonb)
            FROM generate_series(1, x.submitted) AS a)),
       CASE WHEN x.state <> 'not_started' THEN b.ms END,
       CASE WHEN x.state IN ('passed', 'failed') THEN b.ms END, b.ms
FROM ba_assessment_docs x, bench_analytics ba, ba_now b
WHERE ba.flow = 'assessment';

COMMIT;

VACUUM ANALYZE users, modules, screens, progress;

-- A short summary, so a run log shows what was loaded.
SELECT ba.flow, count(*) AS records,
       count(*) FILTER (WHERE p.status <> 'not_started') AS started,
       round(avg(pg_column_size(p.progress_data))) AS avg_doc_bytes,
       max(pg_column_size(p.progress_data)) AS max_doc_bytes
FROM bench_analytics ba JOIN progress p ON p.module_id = ba.module_id
GROUP BY ba.flow ORDER BY ba.flow;
