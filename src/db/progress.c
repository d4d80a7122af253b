/*
 * Progress records on both backends; see progress.h.
 *
 * The compare-and-swap on `version` (db_progress_write): a record's first write is an INSERT,
 * which the primary key lets only one of several concurrent first writers complete (the others
 * see a unique violation). Later writes are "UPDATE … WHERE version = expected". On
 * PostgreSQL, a concurrent UPDATE of the same row waits for the first to commit and then
 * re-checks its WHERE clause against the new row (READ COMMITTED re-evaluation), so it changes
 * nothing and reports 0 rows: the loser learns it lost without any explicit lock. On SQLite
 * writers are serialised by the write lock, which gives the same outcome. The conditional
 * UPDATE is what guarantees correctness, so a PUT (which names the version it replaces) reads
 * the record without a lock and writes in autocommit; the answer, submit and attempts endpoints
 * read it FOR UPDATE inside their transaction so that concurrent ones serialise
 * (src/api/progress.c, load_writable_or_reply()).
 */
#include "db/progress.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

#define PROGRESS_COLS DB_PROGRESS_COLUMNS("p")

int db_progress_read_row(const struct db_res *r, int row, int col, struct arena *a,
                         struct progress_rec *p)
{
    snprintf(p->user_id, sizeof(p->user_id), "%s", db_text(r, row, col + DB_PROGRESS_USER_ID));
    snprintf(p->module_id, sizeof(p->module_id), "%s",
             db_text(r, row, col + DB_PROGRESS_MODULE_ID));
    p->status =
        (enum progress_status)db_enum(r, row, col + DB_PROGRESS_STATUS, progress_status_names);
    p->percent = (int)db_int(r, row, col + DB_PROGRESS_PERCENT);
    p->has_score = !db_isnull(r, row, col + DB_PROGRESS_SCORE);
    p->score = (int)db_int(r, row, col + DB_PROGRESS_SCORE);
    p->version = (int)db_int(r, row, col + DB_PROGRESS_VERSION);
    p->data = arena_strdup(a, db_text(r, row, col + DB_PROGRESS_DATA));
    p->started_at = db_int(r, row, col + DB_PROGRESS_STARTED_AT);
    p->completed_at = db_int(r, row, col + DB_PROGRESS_COMPLETED_AT);
    p->updated_at = db_int(r, row, col + DB_PROGRESS_UPDATED_AT);
    return col + DB_PROGRESS_NCOLUMNS;
}

static void read_rec(const struct db_res *r, int row, struct arena *a, struct progress_rec *p)
{
    db_progress_read_row(r, row, 0, a, p);
}

int db_progress_get(struct db_conn *c, struct arena *a, const char *user_id, const char *module_id,
                    bool lock, struct progress_rec *out)
{
    bool pg = db_backend(db_conn_pool(c)) == DB_POSTGRES;
    const char *sql = lock && pg ? "SELECT " PROGRESS_COLS " FROM progress p WHERE p.user_id = $1 "
                                   "AND p.module_id = $2 FOR UPDATE"
                                 : "SELECT " PROGRESS_COLS " FROM progress p WHERE p.user_id = $1 "
                                   "AND p.module_id = $2";
    struct db_res *r = NULL;
    int rc = db_query(c, sql, DB_PARAMS(DB_P_TEXT(user_id), DB_P_TEXT(module_id)), &r);

    if (rc == 0 && r->nrows == 0)
        rc = TS_ENOTFOUND;
    if (rc == 0)
        read_rec(r, 0, a, out);
    db_res_free(r);
    return rc;
}

int db_progress_exists(struct db_conn *c, const char *user_id, const char *module_id, bool *out)
{
    return db__exists(c, "SELECT 1 FROM progress WHERE user_id = $1 AND module_id = $2",
                      DB_PARAMS(DB_P_TEXT(user_id), DB_P_TEXT(module_id)), out);
}

int db_progress_write(struct db_conn *c, const struct progress_rec *p, int expected)
{
    struct db_res *r = NULL;
    struct db_param score = p->has_score ? DB_P_INT(p->score) : DB_P_NULL;
    int rc;

    if (expected == 0) {
        rc = db_query(c,
                      "INSERT INTO progress (user_id, module_id, status, percent, score, version, "
                      "progress_data, started_at, completed_at, updated_at) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                      DB_PARAMS(DB_P_TEXT(p->user_id), DB_P_TEXT(p->module_id),
                                DB_P_TEXT(progress_status_names[p->status]), DB_P_INT(p->percent),
                                score, DB_P_INT(p->version), DB_P_TEXT(p->data),
                                DB_P_TIME(p->started_at), DB_P_TIME(p->completed_at),
                                DB_P_INT(p->updated_at)),
                      NULL);
        return rc; /* a unique violation is TS_ECONFLICT: another first write won */
    }
    rc =
        db_query(c,
                 "UPDATE progress SET status = $3, percent = $4, score = $5, version = $6, "
                 "progress_data = $7, started_at = $8, completed_at = $9, updated_at = $10 "
                 "WHERE user_id = $1 AND module_id = $2 AND version = $11",
                 DB_PARAMS(DB_P_TEXT(p->user_id), DB_P_TEXT(p->module_id),
                           DB_P_TEXT(progress_status_names[p->status]), DB_P_INT(p->percent), score,
                           DB_P_INT(p->version), DB_P_TEXT(p->data), DB_P_TIME(p->started_at),
                           DB_P_TIME(p->completed_at), DB_P_INT(p->updated_at), DB_P_INT(expected)),
                 &r);
    if (rc == 0 && r->affected == 0)
        rc = TS_ECONFLICT;
    db_res_free(r);
    return rc;
}

/* A dashboard row: the record's columns, then the module's title, flow_type and status. */
static void read_item(const struct db_res *r, int row, struct arena *a, void *item)
{
    struct db_progress_item *it = item;
    int col = db_progress_read_row(r, row, 0, a, &it->rec);

    it->title = arena_strdup(a, db_text(r, row, col));
    it->flow = (enum flow_type)db_enum(r, row, col + 1, flow_type_names);
    it->module_status = (enum module_status)db_enum(r, row, col + 2, module_status_names);
}

int db_progress_list(struct db_conn *c, struct arena *a, const struct db_progress_filter *f,
                     struct db_progress_item **items, int *n)
{
    struct db_res *r = NULL;
    struct db__list l;

    db__list_init(&l,
                  "SELECT " PROGRESS_COLS ", m.title, m.flow_type, m.status FROM progress p "
                  "JOIN modules m ON m.id = p.module_id WHERE p.user_id = $1",
                  DB_PARAMS(DB_P_TEXT(f->user_id)));
    if (f->status >= 0)
        db__list_and(&l, "p.status = $1", DB_PARAMS(DB_P_TEXT(progress_status_names[f->status])));
    db__list_page(&l, "p.updated_at", "p.module_id", &f->page);
    int rc = db__list_run(c, &l, &r);

    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_item, n);
    return 0;
}
