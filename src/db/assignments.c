/* Assignments on both backends; see assignments.h. */
#include "db/assignments.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

#define ASSIGNMENT_COLS DB_ASSIGNMENTS_COLUMNS("a")

/* An item: the assignment, its module's summary, the assignee's progress (LEFT JOIN: NULL
 * columns without a record). The columns after ASSIGNMENT_COLS are read by enum item_column. */
#define ITEM_SELECT                                                                                \
    "SELECT " ASSIGNMENT_COLS ", m.title, m.flow_type, m.status, p.status, p.percent "             \
    "FROM assignments a JOIN modules m ON m.id = a.module_id "                                     \
    "LEFT JOIN progress p ON p.user_id = a.user_id AND p.module_id = a.module_id "

/* Offsets of the item's columns after DB_ASSIGNMENTS_COLUMNS. */
enum item_column {
    ITEM_TITLE,
    ITEM_FLOW_TYPE,
    ITEM_MODULE_STATUS,
    ITEM_PROGRESS_STATUS,
    ITEM_PROGRESS_PERCENT,
};

int db_assignments_read_row(const struct db_res *r, int row, int col, struct assignment *a)
{
    snprintf(a->id, sizeof(a->id), "%s", db_text(r, row, col + DB_ASSIGNMENTS_ID));
    snprintf(a->module_id, sizeof(a->module_id), "%s",
             db_text(r, row, col + DB_ASSIGNMENTS_MODULE_ID));
    snprintf(a->user_id, sizeof(a->user_id), "%s", db_text(r, row, col + DB_ASSIGNMENTS_USER_ID));
    snprintf(a->assigned_by, sizeof(a->assigned_by), "%s",
             db_text(r, row, col + DB_ASSIGNMENTS_ASSIGNED_BY));
    a->due_at = db_int(r, row, col + DB_ASSIGNMENTS_DUE_AT);
    a->due_soon_for = db_int(r, row, col + DB_ASSIGNMENTS_DUE_SOON_FOR);
    a->created_at = db_int(r, row, col + DB_ASSIGNMENTS_CREATED_AT);
    a->updated_at = db_int(r, row, col + DB_ASSIGNMENTS_UPDATED_AT);
    return col + DB_ASSIGNMENTS_NCOLUMNS;
}

static void read_item(const struct db_res *r, int row, struct arena *a, void *item)
{
    struct db_assignment_item *it = item;
    int col = db_assignments_read_row(r, row, 0, &it->a);

    it->title = arena_strdup(a, db_text(r, row, col + ITEM_TITLE));
    it->flow = (enum flow_type)db_enum(r, row, col + ITEM_FLOW_TYPE, flow_type_names);
    it->module_status =
        (enum module_status)db_enum(r, row, col + ITEM_MODULE_STATUS, module_status_names);
    it->progress_status =
        (enum progress_status)db_enum(r, row, col + ITEM_PROGRESS_STATUS, progress_status_names);
    it->progress_percent = (int)db_int(r, row, col + ITEM_PROGRESS_PERCENT);
}

int db_assignments_insert(struct db_conn *c, const struct assignment *a)
{
    return db_query(c,
                    "INSERT INTO assignments (id, module_id, user_id, assigned_by, due_at, "
                    "due_soon_for, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    DB_PARAMS(DB_P_TEXT(a->id), DB_P_TEXT(a->module_id), DB_P_TEXT(a->user_id),
                              DB_P_TEXT(a->assigned_by), DB_P_TIME(a->due_at),
                              DB_P_TIME(a->due_soon_for), DB_P_INT(a->created_at),
                              DB_P_INT(a->updated_at)),
                    NULL);
}

int db_assignments_get(struct db_conn *c, struct arena *a, const char *id, bool lock,
                       struct db_assignment_item *out)
{
    bool pg = db_backend(db_conn_pool(c)) == DB_POSTGRES;
    /* FOR UPDATE OF a: the progress side of the LEFT JOIN cannot be locked (it may be null),
     * and only the assignment's row is written. */
    const char *sql =
        lock && pg ? ITEM_SELECT "WHERE a.id = $1 FOR UPDATE OF a" : ITEM_SELECT "WHERE a.id = $1";
    struct db_res *r = NULL;
    int rc = db_query(c, sql, DB_PARAMS(DB_P_TEXT(id)), &r);

    if (rc == 0 && r->nrows == 0)
        rc = TS_ENOTFOUND;
    if (rc == 0)
        read_item(r, 0, a, out);
    db_res_free(r);
    return rc;
}

int db_assignments_find(struct db_conn *c, const char *module_id, const char *user_id,
                        char id[STR_UUID_SIZE])
{
    struct db_res *r = NULL;
    int rc = db_query(c, "SELECT id FROM assignments WHERE module_id = $1 AND user_id = $2",
                      DB_PARAMS(DB_P_TEXT(module_id), DB_P_TEXT(user_id)), &r);

    if (rc == 0 && r->nrows == 0)
        rc = TS_ENOTFOUND;
    if (rc == 0)
        snprintf(id, STR_UUID_SIZE, "%s", db_text(r, 0, 0));
    db_res_free(r);
    return rc;
}

int db_assignments_set_due(struct db_conn *c, const char *id, int64_t due_at, int64_t updated_at)
{
    /* due_soon_for back to null: the reminder fires again for the new due_at, also when it
     * returns to a due_at that was reminded of before. */
    return db_exec_one(c,
                       "UPDATE assignments SET due_at = $2, due_soon_for = NULL, updated_at = $3 "
                       "WHERE id = $1",
                       DB_PARAMS(DB_P_TEXT(id), DB_P_TIME(due_at), DB_P_INT(updated_at)));
}

int db_assignments_delete(struct db_conn *c, const char *id)
{
    return db_exec_one(c, "DELETE FROM assignments WHERE id = $1", DB_PARAMS(DB_P_TEXT(id)));
}

int db_assignments_exists(struct db_conn *c, const char *user_id, const char *module_id, bool *out)
{
    return db__exists(c, "SELECT 1 FROM assignments WHERE module_id = $1 AND user_id = $2",
                      DB_PARAMS(DB_P_TEXT(module_id), DB_P_TEXT(user_id)), out);
}

int db_assignments_list(struct db_conn *c, struct arena *a, const struct db_assignments_filter *f,
                        struct db_assignment_item **items, int *n)
{
    struct db_res *r = NULL;
    struct db__list l;

    db__list_init(&l, ITEM_SELECT "WHERE TRUE", DB_NO_PARAMS);
    if (f->assigned_by != NULL)
        db__list_and(&l, "a.assigned_by = $1", DB_PARAMS(DB_P_TEXT(f->assigned_by)));
    if (f->user_id != NULL)
        db__list_and(&l, "a.user_id = $1", DB_PARAMS(DB_P_TEXT(f->user_id)));
    if (f->module_id != NULL)
        db__list_and(&l, "a.module_id = $1", DB_PARAMS(DB_P_TEXT(f->module_id)));
    if (f->progress_status >= 0)
        db__list_and(&l, "COALESCE(p.status, 'not_started') = $1",
                     DB_PARAMS(DB_P_TEXT(progress_status_names[f->progress_status])));
    db__list_page(&l, "a.created_at", "a.id", &f->page);
    int rc = db__list_run(c, &l, &r);
    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_item, n);
    return 0;
}

static void read_id(const struct db_res *r, int row, struct arena *a, void *item)
{
    (void)a;
    snprintf(item, STR_UUID_SIZE, "%s", db_text(r, row, 0));
}

int db_assignments_assignees(struct db_conn *c, struct arena *a, const char *module_id,
                             const char *other_id, char (**ids)[STR_UUID_SIZE], int *n)
{
    struct db_res *r = NULL;
    int rc = db_query(c,
                      "SELECT DISTINCT user_id FROM assignments "
                      "WHERE module_id = $1 OR module_id = $2 ORDER BY user_id",
                      DB_PARAMS(DB_P_TEXT(module_id), DB_P_TEXT(other_id)), &r);

    if (rc < 0)
        return rc;
    *ids = db__read_rows(r, a, STR_UUID_SIZE, read_id, n);
    return 0;
}

static void read_due(const struct db_res *r, int row, struct arena *a, void *item)
{
    struct db_assignment_due *d = item;
    int col = db_assignments_read_row(r, row, 0, &d->a);

    d->title = arena_strdup(a, db_text(r, row, col));
}

/* Progress that fulfils an assignment (domain/assignment.h, assignment_is_done()). */
#define NOT_DONE(a)                                                                                \
    "NOT EXISTS (SELECT 1 FROM progress p WHERE p.user_id = " a ".user_id AND p.module_id = " a    \
    ".module_id AND p.status IN ('completed', 'passed'))"

int db_assignments_due_soon(struct db_conn *c, struct arena *a, int64_t now_ms, int64_t until_ms,
                            int limit, struct db_assignment_due **items, int *n)
{
    struct db_res *r = NULL;
    int rc = db_query(c,
                      "SELECT " ASSIGNMENT_COLS ", m.title FROM assignments a "
                      "JOIN modules m ON m.id = a.module_id "
                      "WHERE a.due_at > $1 AND a.due_at <= $2 AND "
                      "(a.due_soon_for IS NULL OR a.due_soon_for <> a.due_at) AND " NOT_DONE(
                          "a") " ORDER BY a.due_at, a.id LIMIT $3",
                      DB_PARAMS(DB_P_INT(now_ms), DB_P_INT(until_ms), DB_P_INT(limit)), &r);

    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_due, n);
    return 0;
}

int db_assignments_claim_due_soon(struct db_conn *c, const char *id, int64_t due_at, bool *claimed)
{
    struct db_res *r = NULL;
    int rc =
        db_query(c,
                 "UPDATE assignments SET due_soon_for = $2 WHERE id = $1 AND due_at = $2 "
                 "AND (due_soon_for IS NULL OR due_soon_for <> $2) AND " NOT_DONE("assignments"),
                 DB_PARAMS(DB_P_TEXT(id), DB_P_INT(due_at)), &r);

    *claimed = rc == 0 && r->affected > 0;
    db_res_free(r);
    return rc;
}
