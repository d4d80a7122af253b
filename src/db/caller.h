/*
 * The caller's request context in one statement: the user owning a bearer token, together with
 * the module a route is about and the caller's progress record on it.
 *
 * Every module-scoped read and every progress write needs these three rows before it can do
 * anything; reading them with one statement costs one database round trip instead of three
 * (docs/PERFORMANCE.md). The rows are read without locks, exactly as the separate reads were.
 * Errors: TS_ENOTFOUND (no active user owns an unexpired token with this hash), TS_EUNAVAIL,
 * TS_EDB.
 */
#ifndef TS_DB_CALLER_H
#define TS_DB_CALLER_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/modules.h"
#include "db/progress.h"
#include "db/users.h"

/* What db_caller_by_token() reads besides the user. */
enum caller_reads {
    CALLER_USER,          /* the user only */
    CALLER_MODULE,        /* and the module */
    CALLER_MODULE_RECORD, /* and the module and the caller's progress record on it */
};

struct caller {
    struct user user;
    char module_id[STR_UUID_SIZE]; /* the module asked for; "" when none was */
    bool module_found;             /* it exists (visibility is the handler's business) */
    struct module module;          /* when module_found */
    bool record_read;              /* the record was looked for (CALLER_MODULE_RECORD) */
    bool progress_found;           /* the caller has a progress record on the module */
    struct progress_rec record;    /* when progress_found */
};

/* Loads the caller by token hash and, unless `reads` is CALLER_USER, module `module_id` (a
 * canonical UUID) and with CALLER_MODULE_RECORD the caller's record on it. Strings live in
 * arena `a`. */
int db_caller_by_token(struct db_conn *c, struct arena *a, const char *token_hash, int64_t now_ms,
                       enum caller_reads reads, const char *module_id, struct caller *out);

#endif
