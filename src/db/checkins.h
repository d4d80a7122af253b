/*
 * Storage of check-ins and their streaks (migration 0006). Functions run on a connection the
 * caller holds, inside the caller's transaction for writes; loaded strings live in the
 * caller's arena. Days are day numbers (days since 1970-01-01).
 * Errors: TS_ENOTFOUND, TS_EUNAVAIL, TS_EDB.
 */
#ifndef TS_DB_CHECKINS_H
#define TS_DB_CHECKINS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/checkin.h"
#include "util/arena.h"

/*
 * Inserts `ck` unless the user already has a check-in for its day: then *created is false and
 * `existing_id` holds that one's id. Of concurrent creates for one day the unique key lets one
 * insert win; on PostgreSQL the others wait for it to commit and then see its id. A created
 * check-in still needs its streak steps (below) in the same transaction.
 */
int db_checkins_insert(struct db_conn *c, const struct checkin *ck, bool *created,
                       char existing_id[STR_UUID_SIZE]);

/*
 * The streak state of a new check-in day, in the creating transaction (docs/DECISIONS.md,
 * "Check-ins and time zones"), in three steps that the handler joins with the rule of
 * domain/checkin.h:
 *
 * db_checkins_streak_lock() creates or locks the user's streak row, keeping the latest day
 * `day`, and reads the longest run so far: the check-ins of one user (also of different days,
 * through a time zone change) then update the runs in turn.
 */
int db_checkins_streak_lock(struct db_conn *c, const char *user_id, int64_t day, int64_t *longest);

/* Removes and returns the runs that day `day` touches: the one ending the day before and the
 * one starting the day after (at most 2; runs never touch each other). */
int db_checkins_runs_take(struct db_conn *c, const char *user_id, int64_t day,
                          struct checkin_run adjacent[2], int *n);

/* Stores the run `run` (the new day joined with what db_checkins_runs_take() returned), and
 * `longest` as the longest run when it is longer than `old_longest`. */
int db_checkins_runs_put(struct db_conn *c, const char *user_id, struct checkin_run run,
                         int64_t old_longest);

/* What a streak on day `today` needs (domain/checkin.h), in one indexed read. */
int db_checkins_streak_get(struct db_conn *c, const char *user_id, int64_t today,
                           struct checkin_streak_state *out);

/* Check-in `id` of `user_id` (TS_ENOTFOUND for another user's); `lock` holds its row until
 * the transaction ends (PostgreSQL; SQLite's write transaction excludes other writers). */
int db_checkins_get(struct db_conn *c, struct arena *a, const char *id, const char *user_id,
                    bool lock, struct checkin *out);

/* Writes mood, confidence, note, module_id and updated_at of ck->id. */
int db_checkins_update(struct db_conn *c, const struct checkin *ck);

struct db_checkins_filter {
    const char *user_id;
    bool has_from, has_to;
    int64_t from, to;      /* inclusive days */
    struct db_keyset page; /* day desc, id desc */
};

/* A page of the user's check-ins in order day desc. */
int db_checkins_list(struct db_conn *c, struct arena *a, const struct db_checkins_filter *f,
                     struct checkin **items, int *n);

/* One day of the summary: how many check-ins, and the sums of their values. */
struct db_checkins_day {
    int64_t day, count, mood_sum, confidence_sum;
};

/* The days from `from` to `to` (inclusive) that have check-ins of any user (with `module_id`
 * not NULL: only those naming that module), in ascending order; days without are left out. */
int db_checkins_by_day(struct db_conn *c, struct arena *a, int64_t from, int64_t to,
                       const char *module_id, struct db_checkins_day **days, int *n);

#endif
