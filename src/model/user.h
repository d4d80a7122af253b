/*
 * The user entity (API.md §3, §4): the stored record and its role enum. Plain data shared by
 * every layer above util/; the account rules are in domain/accounts.h, the storage in
 * db/users.h.
 */
#ifndef TS_MODEL_USER_H
#define TS_MODEL_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"
#include "util/str.h"

enum user_role { ROLE_LEARNER = 0, ROLE_AUTHOR = 1, ROLE_ADMIN = 2 };

/* "learner", "author", "admin" in spec order, NULL terminated (model_enum_parse()). */
extern const char *const user_role_names[];

/* A user as stored; strings live in the arena of whoever loaded or built it. */
struct user {
    char id[STR_UUID_SIZE];
    const char *email;
    const char *display_name;
    enum user_role role;
    const char *timezone;
    bool active;
    int64_t created_at;
    int64_t updated_at;
};

#endif
