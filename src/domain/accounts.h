/*
 * Account operations (API.md §4, §15 create-admin): each runs its writes in one transaction on
 * the connection given. Password hashing happens before the transaction starts, so no lock is
 * held during the ~70 ms of argon2id.
 * Errors: TS_ECONFLICT (email registered; admin changing own role/active), TS_ENOTFOUND,
 * TS_EUNAVAIL, TS_EDB, TS_EINTERNAL.
 */
#ifndef TS_DOMAIN_ACCOUNTS_H
#define TS_DOMAIN_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/user.h"

struct account_new {
    const char *email; /* normalised */
    const char *password;
    const char *display_name;
    const char *timezone;
};

/* Creates an active learner; *out is the stored user (strings in `a`). */
int accounts_register(struct db_conn *c, struct arena *a, const struct account_new *in,
                      struct user *out);

/*
 * Creates an active admin, or makes the existing user of that email an active admin with the
 * new password (*created false). Used by `trainsmart create-admin`.
 */
int accounts_create_admin(struct db_conn *c, struct arena *a, const struct account_new *in,
                          struct user *out, bool *created);

/* Issues a token for `u`; removes the user's expired tokens on the way. */
int accounts_issue_token(struct db_conn *c, const struct user *u, int ttl_seconds, char token[48],
                         int64_t *expires_at);

/* Changes to a user; `has_*` marks the fields present in the request. */
struct account_change {
    bool has_display_name, has_timezone, has_role, has_active;
    const char *display_name;
    const char *timezone;
    enum user_role role;
    bool active;
};

/*
 * Applies `ch` to the user `target_id` on behalf of `actor`. Deactivation revokes every token
 * of the user. An admin naming their own role or active status gets TS_ECONFLICT. *out is the
 * updated user.
 */
int accounts_update(struct db_conn *c, struct arena *a, const struct user *actor,
                    const char *target_id, const struct account_change *ch, struct user *out);

#endif
