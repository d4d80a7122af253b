-- Checks that checkin_runs and checkin_streaks are what the check-ins make, as db/checkins.c
-- keeps them (migration 0006): the runs of each user are exactly the maximal runs of
-- consecutive check-in days, and the streak row holds the longest run and the latest day (no
-- row for a user without check-ins). Recomputed here differently from generate.sql's
-- derivation (islands by day - row_number()): a run starts on a day whose day before has no
-- check-in and ends on a day whose day after has none, and a user's k-th start pairs with the
-- k-th end. Fails (psql exit status 3 with ON_ERROR_STOP) on any difference.
--   psql -X -q -v ON_ERROR_STOP=1 -f bench/check_checkins.sql "$DATABASE_URL"
DO $$
DECLARE
    runs_missing bigint;
    runs_extra bigint;
    streaks_wrong bigint;
    n_checkins bigint;
    n_runs bigint;
BEGIN
    CREATE TEMP TABLE expected_runs ON COMMIT DROP AS
    SELECT s.user_id, s.day AS first_day, e.day AS last_day
    FROM (SELECT user_id, day, row_number() OVER (PARTITION BY user_id ORDER BY day) AS k
          FROM checkins c
          WHERE NOT EXISTS (SELECT 1 FROM checkins p WHERE p.user_id = c.user_id AND p.day = c.day - 1)) s
    JOIN (SELECT user_id, day, row_number() OVER (PARTITION BY user_id ORDER BY day) AS k
          FROM checkins c
          WHERE NOT EXISTS (SELECT 1 FROM checkins p WHERE p.user_id = c.user_id AND p.day = c.day + 1)) e
      ON e.user_id = s.user_id AND e.k = s.k;

    SELECT count(*) INTO runs_missing
    FROM (SELECT user_id, first_day, last_day FROM expected_runs
          EXCEPT ALL SELECT user_id, first_day, last_day FROM checkin_runs) x;
    SELECT count(*) INTO runs_extra
    FROM (SELECT user_id, first_day, last_day FROM checkin_runs
          EXCEPT ALL SELECT user_id, first_day, last_day FROM expected_runs) x;
    SELECT count(*) INTO streaks_wrong
    FROM (SELECT user_id, max(last_day - first_day + 1) AS longest, max(last_day) AS last_day
          FROM expected_runs GROUP BY user_id) e
    FULL JOIN checkin_streaks s USING (user_id)
    WHERE e.longest IS DISTINCT FROM s.longest OR e.last_day IS DISTINCT FROM s.last_day;
    SELECT count(*) INTO n_checkins FROM checkins;
    SELECT count(*) INTO n_runs FROM expected_runs;

    IF runs_missing + runs_extra + streaks_wrong > 0 THEN
        RAISE EXCEPTION 'check-in runs/streaks differ from a recomputation: % runs missing, % runs not maximal or extra, % streak rows wrong',
            runs_missing, runs_extra, streaks_wrong;
    END IF;
    RAISE NOTICE 'check-ins consistent: % check-ins, % runs, streak rows match', n_checkins, n_runs;
END $$;
