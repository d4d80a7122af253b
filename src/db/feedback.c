/* Feedback on both backends; see feedback.h. */
#include "db/feedback.h"

#include <stdio.h>

#include "util/err.h"

#define FEEDBACK_COLS "id, module_id, screen_id, user_id, rating, comment, created_at"

static void read_feedback(const struct db_res *r, int row, struct arena *a, void *item)
{
    struct feedback *f = item;

    snprintf(f->id, sizeof(f->id), "%s", db_text(r, row, 0));
    snprintf(f->module_id, sizeof(f->module_id), "%s", db_text(r, row, 1));
    snprintf(f->screen_id, sizeof(f->screen_id), "%s",
             db_isnull(r, row, 2) ? "" : db_text(r, row, 2));
    snprintf(f->user_id, sizeof(f->user_id), "%s", db_text(r, row, 3));
    f->rating = (int)db_int(r, row, 4);
    f->comment = db_isnull(r, row, 5) ? NULL : arena_strdup(a, db_text(r, row, 5));
    f->created_at = db_int(r, row, 6);
}

int db_feedback_insert(struct db_conn *c, const struct feedback *f)
{
    return db_query(
        c, "INSERT INTO feedback (" FEEDBACK_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7)",
        DB_PARAMS(DB_P_TEXT(f->id), DB_P_TEXT(f->module_id),
                  DB_P_TEXT(f->screen_id[0] != '\0' ? f->screen_id : NULL), DB_P_TEXT(f->user_id),
                  DB_P_INT(f->rating), DB_P_TEXT(f->comment), DB_P_INT(f->created_at)),
        NULL);
}

int db_feedback_list(struct db_conn *c, struct arena *a, const struct db_feedback_filter *f,
                     struct feedback **items, int *n)
{
    struct db_res *r = NULL;
    struct db__list l;

    db__list_init(&l, "SELECT " FEEDBACK_COLS " FROM feedback WHERE module_id = $1",
                  DB_PARAMS(DB_P_TEXT(f->module_id)));
    if (f->rating > 0)
        db__list_and(&l, "rating = $1", DB_PARAMS(DB_P_INT(f->rating)));
    if (f->screen_id != NULL)
        db__list_and(&l, "screen_id = $1", DB_PARAMS(DB_P_TEXT(f->screen_id)));
    db__list_page(&l, "created_at", "id", &f->page);
    int rc = db__list_run(c, &l, &r);
    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_feedback, n);
    return 0;
}

int db_feedback_counts(struct db_conn *c, const char *module_id, int64_t counts[5])
{
    struct db_res *r = NULL;
    int rc =
        db_query(c, "SELECT rating, count(*) FROM feedback WHERE module_id = $1 GROUP BY rating",
                 DB_PARAMS(DB_P_TEXT(module_id)), &r);

    for (int i = 0; i < 5; i++)
        counts[i] = 0;
    for (int i = 0; rc == 0 && i < r->nrows; i++) {
        int64_t rating = db_int(r, i, 0);
        if (rating >= 1 && rating <= 5) /* the table's CHECK says so */
            counts[rating - 1] = db_int(r, i, 1);
    }
    db_res_free(r);
    return rc;
}
