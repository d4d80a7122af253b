-- The ids file the wrk scripts read (BENCH_IDS, bench/wrk/common.lua), written from bench_ids
-- after generate.sql: psql -X -qAt -v ON_ERROR_STOP=1 -f bench/ids.sql "$url" >ids.lua
SELECT '-- Generated from bench_ids by bench/ids.sql; read by bench/wrk/*.lua (BENCH_IDS).';
SELECT 'return {';
SELECT '  learners = ' || count(*) || ',' FROM users WHERE email LIKE 'bench-learner-%@bench.invalid';
SELECT '  modules = {';
SELECT '    "' || module_id || '",' FROM bench_ids ORDER BY n;
SELECT '  },';
SELECT '  first = {';
SELECT '    "' || first_screen_id || '",' FROM bench_ids ORDER BY n;
SELECT '  },';
-- POST /assignments: learner n's id, and how many modules (the first ones) generate.sql
-- assigned; the benchmark assigns the others.
SELECT '  learner_ids = {';
SELECT '    "' || bench_learner_uuid(CAST(n AS integer)) || '",'
FROM generate_series(1, (SELECT count(*) FROM users WHERE email LIKE 'bench-learner-%@bench.invalid')) AS n;
SELECT '  },';
SELECT '  assigned_modules = ' || count(DISTINCT module_id) || ',' FROM assignments;
-- POST /checkins: how many check-in learners (token tsk_bench_checkin_<n>) there are.
SELECT '  checkin_pool = ' || count(*) || ',' FROM bench_checkin_pool;
SELECT '}';
