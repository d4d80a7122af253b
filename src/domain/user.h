/*
 * Users and roles (API.md §3, §4): the user record, role names, and the account rules that
 * need no HTTP: email normalisation and validation, who may see what.
 */
#ifndef TS_DOMAIN_USER_H
#define TS_DOMAIN_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

enum user_role { ROLE_LEARNER = 0, ROLE_AUTHOR = 1, ROLE_ADMIN = 2 };

/* "learner", "author", "admin" in spec order, NULL terminated (for enum validation). */
extern const char *const user_role_names[];

/* A user as stored; strings in the arena of whoever loaded it. */
struct user {
    char id[37];
    const char *email;
    const char *display_name;
    enum user_role role;
    const char *timezone;
    bool active;
    int64_t created_at;
    int64_t updated_at;
};

/* -1 when `name` is not a role. */
int user_role_parse(const char *name);

/* Trims ASCII whitespace and lowercases ASCII letters; arena copy. */
char *user_normalize_email(struct arena *a, const char *email);

/*
 * The register rule for a normalised email: 3..254 code points, "local@domain" with non-empty
 * parts, one '@', a dot in the domain, no whitespace.
 */
bool user_email_is_valid(const char *email);

/* The display name a CLI-created admin gets by default: the part of the email before '@'. */
char *user_default_display_name(struct arena *a, const char *email);

#endif
