/* The caller, the route's module and the caller's record in one statement; see caller.h. */
#include "db/caller.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

#define CALLER_FROM                                                                                \
    " FROM tokens t JOIN users u ON u.id = t.user_id LEFT JOIN modules m ON m.id = $3 "            \
    "LEFT JOIN users a ON a.id = m.author_id "
#define CALLER_WHERE " WHERE t.hash = $1 AND t.expires_at > $2 AND u.active"

int db_caller_by_token(struct db_conn *c, struct arena *a, const char *token_hash, int64_t now_ms,
                       enum caller_reads reads, const char *module_id, struct caller *out)
{
    memset(out, 0, sizeof(*out));
    if (reads == CALLER_USER)
        return db_users_by_token(c, a, token_hash, now_ms, &out->user);

    /* LEFT JOINs: the token decides whether there is a row at all; a missing module or record
     * only leaves its columns NULL. The record's join costs PostgreSQL about 15 % of the
     * statement, so routes that do not need it do not ask for it. */
    const char *sql =
        reads == CALLER_MODULE_RECORD
            ? "SELECT " DB_USERS_COLUMNS("u") ", " DB_MODULES_COLUMNS(
                  "m", "a") ", " DB_PROGRESS_COLUMNS("p") CALLER_FROM
            "LEFT JOIN progress p ON p.user_id = u.id AND p.module_id = m.id" CALLER_WHERE
            : "SELECT " DB_USERS_COLUMNS("u") ", " DB_MODULES_COLUMNS("m", "a")
                  CALLER_FROM CALLER_WHERE;
    struct db_res *r = NULL;
    int rc = db_query(c, sql,
                      DB_PARAMS(DB_P_TEXT(token_hash), DB_P_INT(now_ms), DB_P_TEXT(module_id)), &r);

    if (rc == 0 && r->nrows == 0)
        rc = TS_ENOTFOUND;
    if (rc == 0) {
        int col = db_users_read_row(r, 0, 0, a, &out->user);
        snprintf(out->module_id, sizeof(out->module_id), "%s", module_id);
        out->module_found = !db_isnull(r, 0, col);
        if (out->module_found)
            db_modules_read_row(r, 0, col, a, &out->module);
        col += DB_MODULES_NCOLUMNS;
        out->record_read = reads == CALLER_MODULE_RECORD;
        out->progress_found = out->record_read && !db_isnull(r, 0, col);
        if (out->progress_found)
            db_progress_read_row(r, 0, col, a, &out->record);
    }
    db_res_free(r);
    return rc;
}
