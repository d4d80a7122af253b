/*
 * Storage of progress records (migration 0004). Functions run on a connection the caller holds;
 * loaded strings live in the caller's arena. Timestamps null in the database are 0 here.
 * Errors: TS_ENOTFOUND, TS_ECONFLICT (the compare-and-swap lost), TS_EUNAVAIL, TS_EDB.
 */
#ifndef TS_DB_PROGRESS_H
#define TS_DB_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/module.h"
#include "model/progress.h"
#include "util/arena.h"

/* The columns db_progress_read_row() reads, of table alias `p` (a string literal), in its order. */
#define DB_PROGRESS_COLUMNS(p)                                                                     \
    p ".user_id, " p ".module_id, " p ".status, " p ".percent, " p ".score, " p ".version, " p     \
      ".progress_data, " p ".started_at, " p ".completed_at, " p ".updated_at"

/* Offsets of DB_PROGRESS_COLUMNS, in the same order: rows are read by these names. */
enum db_progress_column {
    DB_PROGRESS_USER_ID,
    DB_PROGRESS_MODULE_ID,
    DB_PROGRESS_STATUS,
    DB_PROGRESS_PERCENT,
    DB_PROGRESS_SCORE,
    DB_PROGRESS_VERSION,
    DB_PROGRESS_DATA,
    DB_PROGRESS_STARTED_AT,
    DB_PROGRESS_COMPLETED_AT,
    DB_PROGRESS_UPDATED_AT,
    DB_PROGRESS_NCOLUMNS
};

/* Reads DB_PROGRESS_COLUMNS starting at column `col` of `row`; returns the column after them. */
int db_progress_read_row(const struct db_res *r, int row, int col, struct arena *a,
                         struct progress_rec *p);

/* The record of (user, module); `lock` holds its row until the transaction ends (PostgreSQL). */
int db_progress_get(struct db_conn *c, struct arena *a, const char *user_id, const char *module_id,
                    bool lock, struct progress_rec *out);

/* Whether the user has a record for the module (it keeps an archived module visible). */
int db_progress_exists(struct db_conn *c, const char *user_id, const char *module_id, bool *out);

/*
 * Writes `rec` if the stored version is still `expected` (0: no record yet). Returns
 * TS_ECONFLICT when another write got there first: the compare-and-swap that makes exactly one
 * of several concurrent writers of one version succeed.
 */
int db_progress_write(struct db_conn *c, const struct progress_rec *rec, int expected);

/* A record joined with its module's summary, for the dashboard. */
struct db_progress_item {
    struct progress_rec rec;
    const char *title;
    enum flow_type flow;
    enum module_status module_status;
};

struct db_progress_filter {
    const char *user_id;
    int status;            /* enum progress_status or -1 */
    struct db_keyset page; /* order: the list function's */
};

/* The user's records, updated_at desc then module_id desc. */
int db_progress_list(struct db_conn *c, struct arena *a, const struct db_progress_filter *f,
                     struct db_progress_item **items, int *n);

#endif
