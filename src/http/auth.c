/* Authentication and endpoint permission; see auth.h. */
#include "http/auth.h"

#include <string.h>
#include <strings.h>

#include "db/caller.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"

const char *http_bearer_token(const struct http_req *r)
{
    const char *h = http_header(r, "Authorization");

    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return *h != '\0' ? h : NULL;
}

static bool role_allows(enum route_access access, enum user_role role)
{
    switch (access) {
    case ACCESS_AUTHOR:
        return role == ROLE_AUTHOR || role == ROLE_ADMIN;
    case ACCESS_ADMIN:
        return role == ROLE_ADMIN;
    default:
        return true;
    }
}

/*
 * The bearer header, or on ROUTE_QUERY_TOKEN routes ?access_token= when there is no bearer
 * header (the header wins when both are sent). The query value never reaches a log: the
 * access line names the route's template, and libmicrohttpd's own messages carry the path
 * without the query.
 */
static const char *request_token(const struct http_req *r)
{
    const char *token = http_bearer_token(r);

    if (token == NULL && (r->route->flags & ROUTE_QUERY_TOKEN)) {
        token = http_query(r, "access_token");
        if (token != NULL && token[0] == '\0')
            token = NULL;
    }
    return token;
}

int http_auth_or_reply(struct http_req *r)
{
    const char *token = request_token(r);
    char hash[CRYPTO_TOKEN_HASH_LEN];
    struct db_conn *c;
    int rc;

    if (token == NULL) {
        http_reply_err(r, TS_EUNAUTH);
        return -1;
    }
    crypto_token_hash(token, hash);
    /* A route about one module reads it (and the caller's record) with the token; a malformed
     * id is left for the handler to report. */
    unsigned flags = r->route->flags;
    enum caller_reads reads = flags & ROUTE_WITH_RECORD   ? CALLER_MODULE_RECORD
                              : flags & ROUTE_WITH_MODULE ? CALLER_MODULE
                                                          : CALLER_USER;
    const char *raw = reads != CALLER_USER ? http_param(r, "module_id") : NULL;
    char module_id[STR_UUID_SIZE] = "";
    bool with_module = raw != NULL && str_uuid_parse(raw, module_id);
    rc = http_conn(r, &c);
    if (rc == 0) {
        struct caller *cl = arena_zalloc(&r->arena, sizeof(*cl));
        rc = db_caller_by_token(c, &r->arena, hash, time_now_ms(),
                                with_module ? reads : CALLER_USER, module_id, cl);
        if (rc == 0) {
            r->user = &cl->user;
            r->user_id = cl->user.id;
            r->token_hash = arena_strdup(&r->arena, hash);
            r->caller = with_module ? cl : NULL;
        }
    }
    if (rc == TS_ENOTFOUND)
        rc = TS_EBADTOKEN;
    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    if (!role_allows(r->route->access, r->user->role)) {
        http_reply_err(r, TS_EFORBIDDEN);
        return -1;
    }
    return 0;
}
