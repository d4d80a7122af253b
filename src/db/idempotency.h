/*
 * Idempotency-Key records (API.md §1.8), one row per (user, method, concrete path, key). Each
 * call is a single autocommitted statement so that a concurrent request with the same key sees
 * the first one as in flight at once.
 * Errors: TS_EUNAVAIL, TS_EDB.
 */
#ifndef TS_DB_IDEMPOTENCY_H
#define TS_DB_IDEMPOTENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "util/arena.h"

struct idem_scope {
    const char *user_id;
    const char *method;
    const char *path;
    const char *key;
};

struct idem_record {
    const char *body_hash;
    int status;           /* 0 while the first request is still running */
    const char *response; /* stored reply body when status != 0 */
};

/*
 * Claims the key for a request whose canonical body hashes to `body_hash`. A row that expired
 * (expires_at <= now) or whose request was abandoned in flight (created before `stale_before`)
 * is replaced. *claimed is true when this request now owns the key; otherwise *rec describes
 * the existing row (strings in `a`).
 */
int db_idem_claim(struct db_conn *c, struct arena *a, const struct idem_scope *s,
                  const char *body_hash, int64_t now, int64_t expires_at, int64_t stale_before,
                  bool *claimed, struct idem_record *rec);

/* Stores the successful reply of the owning request. */
int db_idem_complete(struct db_conn *c, const struct idem_scope *s, int status, const char *body);

/* Drops the key (the request failed: errors are not stored, a retry runs afresh). */
int db_idem_release(struct db_conn *c, const struct idem_scope *s);

/* Deletes expired records. */
int db_idem_purge_expired(struct db_conn *c, int64_t now);

#endif
