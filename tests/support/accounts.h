/* Account fixtures for API tests: users of each role with tokens, and direct SQL. */
#ifndef TS_TEST_ACCOUNTS_H
#define TS_TEST_ACCOUNTS_H

#include "support/server.h"
#include "util/str.h"

struct ts_user {
    char id[STR_UUID_SIZE];
    char email[128];
    char token[128];
    char auth[160]; /* "Authorization: Bearer <token>" */
};

/* Registers and logs in a learner with a unique email (password "password123"). */
void ts_learner(const struct ts_server *s, struct ts_user *u);

/* An admin created with the CLI, logged in. */
void ts_admin(const struct ts_server *s, struct ts_user *u);

/* A learner promoted to `role` ("author" or "admin") by `admin`. */
void ts_user_with_role(const struct ts_server *s, const struct ts_user *admin, const char *role,
                       struct ts_user *u);

/* Logs `email` in; returns the HTTP status and fills token on 200. */
long ts_login(const struct ts_server *s, const char *email, const char *password, char token[128]);

/* A request as `u` (NULL: anonymous) with an optional JSON body. */
void ts_as(const struct ts_server *s, const struct ts_user *u, const char *method, const char *path,
           const char *json_body, struct ts_resp *out);

/* ts_as() for its status alone. */
long ts_status_as(const struct ts_server *s, const struct ts_user *u, const char *method,
                  const char *path, const char *json_body);

/* The user's notifications of `type` (NULL: all), newest first, at most 100 (caller decrefs). */
json_t *ts_notifications(const struct ts_server *s, const struct ts_user *u, const char *type);

/* How many of them there are. */
size_t ts_count_notifications(const struct ts_server *s, const struct ts_user *u, const char *type);

/* Runs one SQL statement against the server's database (test set-up only). */
void ts_sql(const struct ts_server *s, const char *sql);

#endif
