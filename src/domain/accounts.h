/*
 * Account rules (API.md §4, §15 create-admin) that need neither HTTP nor SQL: email
 * normalisation and validation, building a new user, and applying a profile or admin change.
 * The handlers (api/auth.c, api/users.c) and `create-admin` (cli_admin.c) own the transaction
 * around them. Pure functions, thread safe.
 */
#ifndef TS_DOMAIN_ACCOUNTS_H
#define TS_DOMAIN_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "model/user.h"
#include "util/arena.h"

/* Trims ASCII whitespace and lowercases ASCII letters; arena copy. */
char *accounts_normalize_email(struct arena *a, const char *email);

/*
 * The register rule for a normalised email: 3..254 code points, "local@domain" with non-empty
 * parts, one '@', a dot in the domain, no whitespace.
 */
bool accounts_email_is_valid(const char *email);

/* The display name a CLI-created admin gets by default: the part of the email before '@'. */
char *accounts_default_display_name(struct arena *a, const char *email);

/* What registration and create-admin are given. */
struct account_new {
    const char *email; /* normalised */
    const char *password;
    const char *display_name;
    const char *timezone;
};

/* Fills *out with a new active user of `role` with a fresh id, created and updated `now_ms`.
 * Strings are borrowed from `in`. */
void accounts_new_user(const struct account_new *in, enum user_role role, int64_t now_ms,
                       struct user *out);

/* Changes to a user; `has_*` marks the fields present in the request. */
struct account_change {
    bool has_display_name, has_timezone, has_role, has_active;
    const char *display_name;
    const char *timezone;
    enum user_role role;
    bool active;
};

/*
 * Applies `ch` to `target` (the stored user) on behalf of `actor`. An admin naming their own
 * role or active status gets TS_ECONFLICT and `target` is left as it was. `updated_at` becomes
 * `now_ms` only when a field is present: an empty change leaves the record as it was.
 * *deactivated tells the caller to revoke every token of the user. *changed is whether
 * anything is to be written.
 */
int accounts_apply_change(const struct user *actor, const struct account_change *ch, int64_t now_ms,
                          struct user *target, bool *changed, bool *deactivated);

#endif
