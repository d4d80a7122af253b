-- Feedback (API.md §9) and daily check-ins (§10).
--
-- checkins.day is the check-in's local calendar date, in the user's time zone at creation
-- (recorded in checkins.timezone), as a day number: days since 1970-01-01 (read it with
-- date(day * 86400, 'unixepoch')). Day numbers are the same integers on both backends, and streak
-- arithmetic (yesterday, the day after) is plain integer arithmetic. UNIQUE (user_id, day) is
-- the "one check-in per day" rule: of concurrent creates, one insert wins.
--
-- Streaks are kept up to date as check-ins are written, so reading one never scans a user's
-- history (db/checkins.c): checkin_runs holds each user's maximal runs of consecutive days
-- (a new day joins the run ending the day before and the one starting the day after), and
-- checkin_streaks the longest run ever and the latest day. Its row is also the per-user lock
-- that serialises those updates. Check-ins are never deleted (only with their user), so
-- runs only grow or merge and the longest run never shrinks.
-- migrate:up
CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    module_id TEXT NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
    screen_id TEXT REFERENCES screens (id) ON DELETE SET NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX feedback_module_created ON feedback (module_id, created_at DESC, id DESC);
CREATE INDEX feedback_module_rating ON feedback (module_id, rating);

CREATE TABLE checkins (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    timezone TEXT NOT NULL,
    mood INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    confidence INTEGER NOT NULL CHECK (confidence BETWEEN 1 AND 5),
    note TEXT,
    module_id TEXT REFERENCES modules (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (user_id, day)
);
CREATE INDEX checkins_day ON checkins (day, mood, confidence);
CREATE INDEX checkins_module_day ON checkins (module_id, day, mood, confidence)
    WHERE module_id IS NOT NULL;

CREATE TABLE checkin_runs (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL CHECK (last_day >= first_day),
    PRIMARY KEY (user_id, first_day)
);
CREATE INDEX checkin_runs_last ON checkin_runs (user_id, last_day);

CREATE TABLE checkin_streaks (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    longest INTEGER NOT NULL,
    last_day INTEGER NOT NULL
);

-- migrate:down
DROP TABLE checkin_streaks;
DROP TABLE checkin_runs;
DROP TABLE checkins;
DROP TABLE feedback;
