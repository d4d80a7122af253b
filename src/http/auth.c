/* Authentication and endpoint permission; see auth.h. */
#include "http/auth.h"

#include <string.h>
#include <strings.h>

#include "db/users.h"
#include "util/crypto.h"
#include "util/err.h"
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

int http_auth_or_reply(struct http_req *r)
{
    const char *token = http_bearer_token(r);
    char hash[CRYPTO_TOKEN_HASH_LEN];
    struct db_conn *c;
    int rc;

    if (token == NULL) {
        http_reply_err(r, TS_EUNAUTH);
        return -1;
    }
    crypto_token_hash(token, hash);
    rc = http_conn(r, &c);
    if (rc == 0) {
        struct user *u = arena_zalloc(&r->arena, sizeof(*u));
        rc = users_by_token(c, &r->arena, hash, time_now_ms(), u);
        if (rc == 0) {
            r->user = u;
            r->user_id = u->id;
            r->token_hash = arena_strdup(&r->arena, hash);
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
