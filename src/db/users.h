/*
 * Storage of users and access tokens (migrations 0002_accounts). All functions run on a
 * connection the caller holds (and, for writes, inside the caller's transaction); strings of
 * loaded users are copied into the caller's arena.
 * Errors: TS_ENOTFOUND, TS_ECONFLICT (email taken), TS_EUNAVAIL, TS_EDB.
 */
#ifndef TS_DB_USERS_H
#define TS_DB_USERS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/user.h"
#include "util/arena.h"

/* The columns db_users_read_row() reads, of table alias `t` (a string literal), in its order. */
#define DB_USERS_COLUMNS(t)                                                                        \
    t ".id, " t ".email, " t ".display_name, " t ".role, " t ".timezone, " t ".active, " t         \
      ".created_at, " t ".updated_at"

/* Offsets of DB_USERS_COLUMNS, in the same order: rows are read by these names. */
enum db_users_column {
    DB_USERS_ID,
    DB_USERS_EMAIL,
    DB_USERS_DISPLAY_NAME,
    DB_USERS_ROLE,
    DB_USERS_TIMEZONE,
    DB_USERS_ACTIVE,
    DB_USERS_CREATED_AT,
    DB_USERS_UPDATED_AT,
    DB_USERS_NCOLUMNS
};

/* Reads DB_USERS_COLUMNS starting at column `col` of `row`; returns the column after them. */
int db_users_read_row(const struct db_res *r, int row, int col, struct arena *a, struct user *u);

/* The active user owning an unexpired token with this hash. */
int db_users_by_token(struct db_conn *c, struct arena *a, const char *token_hash, int64_t now_ms,
                      struct user *out);

int db_users_insert(struct db_conn *c, const struct user *u, const char *password_hash);
int db_users_get(struct db_conn *c, struct arena *a, const char *id, struct user *out);

/* Also returns the stored password hash (arena) when `password_hash` is not NULL. */
int db_users_get_by_email(struct db_conn *c, struct arena *a, const char *email, struct user *out,
                          const char **password_hash);

/* Writes display_name, role, timezone, active and updated_at of u->id. */
int db_users_update(struct db_conn *c, const struct user *u);
int db_users_set_password(struct db_conn *c, const char *id, const char *password_hash,
                          int64_t now_ms);

struct db_users_filter {
    int role;              /* enum user_role, or -1 for any */
    int active;            /* 1, 0, or -1 for any */
    const char *q;         /* substring of email or display_name, case-insensitive; NULL for any */
    struct db_keyset page; /* order: the list function's */
};

/* Users in order created_at desc, id desc; *items is an arena array of *n users. */
int db_users_list(struct db_conn *c, struct arena *a, const struct db_users_filter *f,
                  struct user **items, int *n);

int db_tokens_insert(struct db_conn *c, const char *token_hash, const char *user_id,
                     int64_t created_at, int64_t expires_at);
int db_tokens_delete(struct db_conn *c, const char *token_hash);
int db_tokens_delete_for_user(struct db_conn *c, const char *user_id);
/* Removes the user's tokens that expired at or before `now_ms`. */
int db_tokens_delete_expired(struct db_conn *c, const char *user_id, int64_t now_ms);

#endif
