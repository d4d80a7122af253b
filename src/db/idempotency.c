/* Idempotency-Key records; see idempotency.h. */
#include "db/idempotency.h"

#include "util/err.h"

#define SCOPE_PARAMS(s)                                                                            \
    DB_P_TEXT((s)->user_id), DB_P_TEXT((s)->method), DB_P_TEXT((s)->path), DB_P_TEXT((s)->key)
#define SCOPE_WHERE "user_id = $1 AND method = $2 AND path = $3 AND key = $4"

int db_idem_claim(struct db_conn *c, struct arena *a, const struct idem_scope *s,
                  const char *body_hash, int64_t now, int64_t expires_at, int64_t stale_before,
                  bool *claimed, struct idem_record *rec)
{
    struct db_res *r = NULL;
    int rc = db_query(c,
                      "DELETE FROM idempotency_keys WHERE " SCOPE_WHERE
                      " AND (expires_at <= $5 OR (status IS NULL AND created_at < $6))",
                      DB_PARAMS(SCOPE_PARAMS(s), DB_P_INT(now), DB_P_INT(stale_before)), NULL);

    *claimed = false;
    if (rc == 0)
        rc = db_query(
            c,
            "INSERT INTO idempotency_keys (user_id, method, path, key, body_hash, "
            "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (user_id, method, path, key) DO NOTHING",
            DB_PARAMS(SCOPE_PARAMS(s), DB_P_TEXT(body_hash), DB_P_INT(now), DB_P_INT(expires_at)),
            &r);
    if (rc == 0 && r->affected == 1) {
        *claimed = true;
        goto out;
    }
    db_res_free(r);
    r = NULL;
    if (rc == 0)
        rc = db_query(c,
                      "SELECT body_hash, status, response FROM idempotency_keys WHERE " SCOPE_WHERE,
                      DB_PARAMS(SCOPE_PARAMS(s)), &r);
    if (rc == 0 && r->nrows == 0)
        rc = TS_EUNAVAIL; /* deleted between our statements: the client may simply retry */
    if (rc == 0) {
        rec->body_hash = arena_strdup(a, db_text(r, 0, 0));
        rec->status = (int)db_int(r, 0, 1);
        rec->response = db_isnull(r, 0, 2) ? NULL : arena_strdup(a, db_text(r, 0, 2));
    }
out:
    db_res_free(r);
    return rc;
}

int db_idem_complete(struct db_conn *c, const struct idem_scope *s, int status, const char *body)
{
    return db_query(c, "UPDATE idempotency_keys SET status = $5, response = $6 WHERE " SCOPE_WHERE,
                    DB_PARAMS(SCOPE_PARAMS(s), DB_P_INT(status), DB_P_TEXT(body)), NULL);
}

int db_idem_release(struct db_conn *c, const struct idem_scope *s)
{
    return db_query(c, "DELETE FROM idempotency_keys WHERE " SCOPE_WHERE,
                    DB_PARAMS(SCOPE_PARAMS(s)), NULL);
}

int db_idem_purge_expired(struct db_conn *c, int64_t now)
{
    return db_query(c, "DELETE FROM idempotency_keys WHERE expires_at <= $1",
                    DB_PARAMS(DB_P_INT(now)), NULL);
}
