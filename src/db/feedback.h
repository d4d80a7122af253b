/*
 * Storage of feedback (migration 0006). Functions run on a connection the caller holds,
 * inside the caller's transaction for writes; loaded strings live in the caller's arena.
 * Errors: TS_EUNAVAIL, TS_EDB.
 */
#ifndef TS_DB_FEEDBACK_H
#define TS_DB_FEEDBACK_H

#include <stdint.h>

#include "db/db.h"
#include "model/feedback.h"
#include "util/arena.h"

int db_feedback_insert(struct db_conn *c, const struct feedback *f);

struct db_feedback_filter {
    const char *module_id;
    int rating;            /* 0 = any */
    const char *screen_id; /* NULL = any */
    struct db_keyset page; /* created_at desc, id desc */
};

/* A page of the module's feedback in order created_at desc, id desc. */
int db_feedback_list(struct db_conn *c, struct arena *a, const struct db_feedback_filter *f,
                     struct feedback **items, int *n);

/* How many entries of the module have each rating: counts[r - 1] for rating r. */
int db_feedback_counts(struct db_conn *c, const char *module_id, int64_t counts[5]);

#endif
