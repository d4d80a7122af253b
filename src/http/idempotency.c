/*
 * Idempotency-Key handling; see idempotency.h.
 *
 * The record is claimed in its own short statement, before the handler's transaction, so a
 * second request with the same key sees "in progress" at once instead of waiting on a lock.
 * The stored reply is written after the handler committed; if the process dies in between, the
 * key stays "in progress" until it is considered abandoned (after STALE_MS), and a retry then
 * runs afresh. That window is the price of keeping the mechanism generic, outside every
 * handler's own transaction.
 */
#include "http/idempotency.h"

#include <regex.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "db/idempotency.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

/* A request still "in progress" after this long died; its key may be claimed again. */
#define STALE_MS 120000

static bool key_is_valid(const char *k)
{
    size_t n = strlen(k);

    if (n < 1 || n > 255)
        return false;
    for (; *k; k++)
        if (*k < '!' || *k > '~')
            return false;
    return true;
}

int http_idem_check_header_or_reply(struct http_req *r)
{
    const char *key = http_header(r, "Idempotency-Key");
    struct valid v;

    if (key == NULL || key_is_valid(key))
        return 0;
    valid_init(&v, &r->arena, "header");
    valid_error(&v, "idempotency-key", "string_pattern_mismatch",
                "String should match pattern '^[!-~]{1,255}$'");
    return http_valid_or_reply(r, &v);
}

/* SHA-256 of the body in canonical form (keys sorted, no insignificant whitespace); an empty
 * body counts as {}. */
static void body_hash(const struct http_req *r, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    json_t *empty = r->json == NULL ? json_object() : NULL;
    char *text = json_dumps(r->json != NULL ? r->json : empty,
                            JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

    crypto_hash_sha256(h, (const unsigned char *)(text ? text : ""), text ? strlen(text) : 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
    free(text);
    json_decref(empty);
}

static void scope_of(const struct http_req *r, struct idem_scope *s)
{
    s->user_id = r->user->id;
    s->method = r->method;
    s->path = r->path;
    s->key = r->idem_key;
}

static int replay(struct http_req *r, const struct idem_record *rec)
{
    http_reply_raw(r, rec->status, "application/json", rec->response ? rec->response : "",
                   rec->response ? strlen(rec->response) : 0);
    http_add_header(r, "Idempotent-Replayed", "true");
    return -1;
}

int http_idem_begin_or_reply(struct http_req *r)
{
    const char *key = http_header(r, "Idempotency-Key");
    struct idem_scope s;
    struct idem_record rec = {0};
    struct db_conn *c;
    char hash[65];
    bool claimed = false;
    int64_t now = time_now_ms();

    if (key == NULL)
        return 0;
    r->idem_key = key;
    scope_of(r, &s);
    body_hash(r, hash);
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_idem_claim(c, &r->arena, &s, hash, now,
                           now + (int64_t)r->cfg->idempotency_ttl_seconds * 1000, now - STALE_MS,
                           &claimed, &rec);
    if (rc == 0 && claimed && randombytes_uniform(100) == 0)
        db_idem_purge_expired(c, now); /* now and then, so old keys do not pile up */
    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    if (claimed) {
        r->idem_claimed = true;
        return 0;
    }
    if (strcmp(rec.body_hash, hash) != 0) {
        struct valid v;
        valid_init(&v, &r->arena, "header");
        valid_error(&v, "idempotency-key", "idempotency_key_reused",
                    "Idempotency-Key reused with a different request body");
        return http_valid_or_reply(r, &v);
    }
    if (rec.status == 0) {
        http_reply_detail(r, 409, "A request with this Idempotency-Key is in progress");
        return -1;
    }
    return replay(r, &rec);
}

void http_idem_finish(struct http_req *r)
{
    struct idem_scope s;
    struct db_conn *c;
    int rc;

    if (!r->idem_claimed)
        return;
    r->idem_claimed = false;
    scope_of(r, &s);
    rc = http_conn(r, &c);
    /* A handler that failed may have left its transaction open: the key's outcome must not be
     * written into (and rolled back with) that transaction. */
    if (rc == 0 && db_in_tx(c))
        db_rollback(c);
    if (rc == 0 && r->status >= 200 && r->status < 300)
        rc = db_idem_complete(c, &s, r->status, r->reply_body ? r->reply_body : "");
    else if (rc == 0)
        rc = db_idem_release(c, &s);
    if (rc < 0)
        log_msg(LOG_WARNING, "idempotency",
                "could not record the outcome of an Idempotency-Key request; a retry within %d s "
                "gets 409, later it runs again",
                STALE_MS / 1000);
}
