/* Check-ins and their streaks on both backends; see checkins.h and migration 0006. */
#include "db/checkins.h"

#include <stdio.h>

#include "util/err.h"

#define CHECKIN_COLS                                                                               \
    "id, user_id, day, timezone, mood, confidence, note, module_id, created_at, updated_at"

static void read_checkin(const struct db_res *r, int row, struct arena *a, void *item)
{
    struct checkin *ck = item;

    snprintf(ck->id, sizeof(ck->id), "%s", db_text(r, row, 0));
    snprintf(ck->user_id, sizeof(ck->user_id), "%s", db_text(r, row, 1));
    ck->day = db_int(r, row, 2);
    ck->timezone = arena_strdup(a, db_text(r, row, 3));
    ck->mood = (int)db_int(r, row, 4);
    ck->confidence = (int)db_int(r, row, 5);
    ck->note = db_isnull(r, row, 6) ? NULL : arena_strdup(a, db_text(r, row, 6));
    snprintf(ck->module_id, sizeof(ck->module_id), "%s",
             db_isnull(r, row, 7) ? "" : db_text(r, row, 7));
    ck->created_at = db_int(r, row, 8);
    ck->updated_at = db_int(r, row, 9);
}

static struct db_param module_param(const char *module_id)
{
    return DB_P_TEXT(module_id[0] != '\0' ? module_id : NULL);
}

int db_checkins_insert(struct db_conn *c, const struct checkin *ck, bool *created,
                       char existing_id[STR_UUID_SIZE])
{
    struct db_res *r = NULL;
    /* DO NOTHING rather than a unique violation: the transaction stays usable, and on
     * PostgreSQL the statement has waited for a concurrent winner to commit, so the SELECT
     * after it (a new snapshot under READ COMMITTED) finds the winner's row. */
    int rc =
        db_query(c,
                 "INSERT INTO checkins (" CHECKIN_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, "
                 "$8, $9, $10) ON CONFLICT (user_id, day) DO NOTHING",
                 DB_PARAMS(DB_P_TEXT(ck->id), DB_P_TEXT(ck->user_id), DB_P_INT(ck->day),
                           DB_P_TEXT(ck->timezone), DB_P_INT(ck->mood), DB_P_INT(ck->confidence),
                           DB_P_TEXT(ck->note), module_param(ck->module_id),
                           DB_P_INT(ck->created_at), DB_P_INT(ck->updated_at)),
                 &r);

    *created = rc == 0 && r->affected > 0;
    db_res_free(r);
    if (rc < 0 || *created)
        return rc;
    r = NULL;
    rc = db_query(c, "SELECT id FROM checkins WHERE user_id = $1 AND day = $2",
                  DB_PARAMS(DB_P_TEXT(ck->user_id), DB_P_INT(ck->day)), &r);
    /* Under READ COMMITTED (db_pg.c sets it) a winner that rolled back lets the insert above
     * go ahead instead, so no row here is a broken assumption, not a user's error. */
    if (rc == 0 && r->nrows == 0)
        rc = TS_EDB;
    if (rc == 0)
        snprintf(existing_id, STR_UUID_SIZE, "%s", db_text(r, 0, 0));
    db_res_free(r);
    return rc;
}

int db_checkins_streak_lock(struct db_conn *c, const char *user_id, int64_t day, int64_t *longest)
{
    struct db_res *r = NULL;
    int rc = db_query(c,
                      "INSERT INTO checkin_streaks (user_id, longest, last_day) VALUES ($1, 0, $2) "
                      "ON CONFLICT (user_id) DO UPDATE SET last_day = CASE WHEN "
                      "excluded.last_day > checkin_streaks.last_day THEN excluded.last_day "
                      "ELSE checkin_streaks.last_day END RETURNING longest",
                      DB_PARAMS(DB_P_TEXT(user_id), DB_P_INT(day)), &r);

    if (rc == 0 && r->nrows != 1)
        rc = TS_EDB;
    *longest = rc == 0 ? db_int(r, 0, 0) : 0;
    db_res_free(r);
    return rc;
}

int db_checkins_runs_take(struct db_conn *c, const char *user_id, int64_t day,
                          struct checkin_run adjacent[2], int *n)
{
    struct db_res *r = NULL;
    int rc = db_query(c,
                      "DELETE FROM checkin_runs WHERE user_id = $1 AND (last_day = $2 OR "
                      "first_day = $3) RETURNING first_day, last_day",
                      DB_PARAMS(DB_P_TEXT(user_id), DB_P_INT(day - 1), DB_P_INT(day + 1)), &r);

    *n = 0;
    for (int i = 0; rc == 0 && i < r->nrows && *n < 2; i++)
        adjacent[(*n)++] = (struct checkin_run){db_int(r, i, 0), db_int(r, i, 1)};
    db_res_free(r);
    return rc;
}

int db_checkins_runs_put(struct db_conn *c, const char *user_id, struct checkin_run run,
                         int64_t old_longest)
{
    int64_t length = run.last_day - run.first_day + 1;
    int rc = db_exec_one(
        c, "INSERT INTO checkin_runs (user_id, first_day, last_day) VALUES ($1, $2, $3)",
        DB_PARAMS(DB_P_TEXT(user_id), DB_P_INT(run.first_day), DB_P_INT(run.last_day)));

    if (rc == 0 && length > old_longest)
        rc = db_exec_one(c, "UPDATE checkin_streaks SET longest = $2 WHERE user_id = $1",
                         DB_PARAMS(DB_P_TEXT(user_id), DB_P_INT(length)));
    return rc;
}

int db_checkins_streak_get(struct db_conn *c, const char *user_id, int64_t today,
                           struct checkin_streak_state *out)
{
    struct db_res *r = NULL;
    /* The run is the one starting last on or before today: the primary key's order answers
     * the subquery with one backward index probe, and the join reads that one row. ORDER BY
     * ... LIMIT 1 rather than max(): PostgreSQL turns max() into that probe only in a custom
     * plan, and the generic plan it switches a prepared statement to (it expects about one
     * run per user) aggregates every run of the user up to today, which grows with the
     * history (docs/PERFORMANCE.md). */
    int rc =
        db_query(c,
                 "SELECT s.longest, s.last_day, r.first_day, r.last_day FROM checkin_streaks s "
                 "LEFT JOIN checkin_runs r ON r.user_id = s.user_id AND r.first_day = "
                 "(SELECT first_day FROM checkin_runs WHERE user_id = $1 AND first_day <= $2 "
                 "ORDER BY first_day DESC LIMIT 1) WHERE s.user_id = $1",
                 DB_PARAMS(DB_P_TEXT(user_id), DB_P_INT(today)), &r);

    *out = (struct checkin_streak_state){0};
    if (rc == 0 && r->nrows == 1) {
        out->any = true;
        out->longest = db_int(r, 0, 0);
        out->last_day = db_int(r, 0, 1);
        out->has_run = !db_isnull(r, 0, 2);
        out->run = (struct checkin_run){db_int(r, 0, 2), db_int(r, 0, 3)};
    }
    db_res_free(r);
    return rc;
}

int db_checkins_get(struct db_conn *c, struct arena *a, const char *id, const char *user_id,
                    bool lock, struct checkin *out)
{
    bool pg = db_backend(db_conn_pool(c)) == DB_POSTGRES;
    const char *sql = lock && pg ? "SELECT " CHECKIN_COLS
                                   " FROM checkins WHERE id = $1 AND user_id = $2 FOR UPDATE"
                                 : "SELECT " CHECKIN_COLS
                                   " FROM checkins WHERE id = $1 AND user_id = $2";
    struct db_res *r = NULL;
    int rc = db_query(c, sql, DB_PARAMS(DB_P_TEXT(id), DB_P_TEXT(user_id)), &r);

    if (rc == 0 && r->nrows == 0)
        rc = TS_ENOTFOUND;
    if (rc == 0)
        read_checkin(r, 0, a, out);
    db_res_free(r);
    return rc;
}

int db_checkins_update(struct db_conn *c, const struct checkin *ck)
{
    return db_exec_one(c,
                       "UPDATE checkins SET mood = $2, confidence = $3, note = $4, module_id = $5, "
                       "updated_at = $6 WHERE id = $1",
                       DB_PARAMS(DB_P_TEXT(ck->id), DB_P_INT(ck->mood), DB_P_INT(ck->confidence),
                                 DB_P_TEXT(ck->note), module_param(ck->module_id),
                                 DB_P_INT(ck->updated_at)));
}

int db_checkins_list(struct db_conn *c, struct arena *a, const struct db_checkins_filter *f,
                     struct checkin **items, int *n)
{
    struct db_res *r = NULL;
    struct db__list l;

    db__list_init(&l, "SELECT " CHECKIN_COLS " FROM checkins WHERE user_id = $1",
                  DB_PARAMS(DB_P_TEXT(f->user_id)));
    if (f->has_from)
        db__list_and(&l, "day >= $1", DB_PARAMS(DB_P_INT(f->from)));
    if (f->has_to)
        db__list_and(&l, "day <= $1", DB_PARAMS(DB_P_INT(f->to)));
    /* (user_id, day) is unique: the day alone is the key, read in the index's order. */
    db__list_page(&l, "day", NULL, &f->page);
    int rc = db__list_run(c, &l, &r);
    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_checkin, n);
    return 0;
}

static void read_day(const struct db_res *r, int row, struct arena *a, void *item)
{
    struct db_checkins_day *d = item;

    (void)a;
    *d = (struct db_checkins_day){db_int(r, row, 0), db_int(r, row, 1), db_int(r, row, 2),
                                  db_int(r, row, 3)};
}

int db_checkins_by_day(struct db_conn *c, struct arena *a, int64_t from, int64_t to,
                       const char *module_id, struct db_checkins_day **days, int *n)
{
    struct db_res *r = NULL;
    int rc;

    /* Two texts rather than "$3 IS NULL OR …", so each has an index of its own (db.h,
     * db__list). */
    if (module_id == NULL)
        rc = db_query(c,
                      "SELECT day, count(*), sum(mood), sum(confidence) FROM checkins "
                      "WHERE day >= $1 AND day <= $2 GROUP BY day ORDER BY day",
                      DB_PARAMS(DB_P_INT(from), DB_P_INT(to)), &r);
    else
        rc = db_query(c,
                      "SELECT day, count(*), sum(mood), sum(confidence) FROM checkins "
                      "WHERE module_id = $3 AND day >= $1 AND day <= $2 GROUP BY day ORDER BY day",
                      DB_PARAMS(DB_P_INT(from), DB_P_INT(to), DB_P_TEXT(module_id)), &r);
    if (rc < 0)
        return rc;
    *days = db__read_rows(r, a, sizeof(**days), read_day, n);
    return 0;
}
