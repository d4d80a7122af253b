/* Users and tokens on both backends; see users.h. */
#include "db/users.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

#define USER_COLS "id, email, display_name, role, timezone, active, created_at, updated_at"

int db_users_read_row(const struct db_res *r, int row, int col, struct arena *a, struct user *u)
{
    snprintf(u->id, sizeof(u->id), "%s", db_text(r, row, col + DB_USERS_ID));
    u->email = arena_strdup(a, db_text(r, row, col + DB_USERS_EMAIL));
    u->display_name = arena_strdup(a, db_text(r, row, col + DB_USERS_DISPLAY_NAME));
    u->role = (enum user_role)db_enum(r, row, col + DB_USERS_ROLE, user_role_names);
    u->timezone = arena_strdup(a, db_text(r, row, col + DB_USERS_TIMEZONE));
    u->active = db_bool(r, row, col + DB_USERS_ACTIVE);
    u->created_at = db_int(r, row, col + DB_USERS_CREATED_AT);
    u->updated_at = db_int(r, row, col + DB_USERS_UPDATED_AT);
    return col + DB_USERS_NCOLUMNS;
}

static void read_user(const struct db_res *r, int row, struct arena *a, void *item)
{
    struct user *u = item;

    db_users_read_row(r, row, 0, a, u);
}

/* Runs a query expected to return at most one user row. */
static int one_user(struct db_conn *c, struct arena *a, const char *sql, const struct db_param *p,
                    int n, struct user *out, const char **extra)
{
    struct db_res *r = NULL;
    int rc = db_query(c, sql, p, n, &r);

    if (rc < 0)
        return rc;
    if (r->nrows == 0) {
        rc = TS_ENOTFOUND;
    } else {
        read_user(r, 0, a, out);
        if (extra != NULL)
            *extra = arena_strdup(a, db_text(r, 0, DB_USERS_NCOLUMNS));
    }
    db_res_free(r);
    return rc;
}

int db_users_by_token(struct db_conn *c, struct arena *a, const char *token_hash, int64_t now_ms,
                      struct user *out)
{
    return one_user(
        c, a,
        "SELECT " DB_USERS_COLUMNS("u") " FROM tokens t JOIN users u ON u.id = t.user_id "
                                        "WHERE t.hash = $1 AND t.expires_at > $2 AND u.active",
        DB_PARAMS(DB_P_TEXT(token_hash), DB_P_INT(now_ms)), out, NULL);
}

int db_users_insert(struct db_conn *c, const struct user *u, const char *password_hash)
{
    return db_query(c,
                    "INSERT INTO users (id, email, password_hash, display_name, role, timezone, "
                    "active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    DB_PARAMS(DB_P_TEXT(u->id), DB_P_TEXT(u->email), DB_P_TEXT(password_hash),
                              DB_P_TEXT(u->display_name), DB_P_TEXT(user_role_names[u->role]),
                              DB_P_TEXT(u->timezone), DB_P_BOOL(u->active), DB_P_INT(u->created_at),
                              DB_P_INT(u->updated_at)),
                    NULL);
}

int db_users_get(struct db_conn *c, struct arena *a, const char *id, struct user *out)
{
    return one_user(c, a, "SELECT " USER_COLS " FROM users WHERE id = $1", DB_PARAMS(DB_P_TEXT(id)),
                    out, NULL);
}

int db_users_get_by_email(struct db_conn *c, struct arena *a, const char *email, struct user *out,
                          const char **password_hash)
{
    return one_user(c, a, "SELECT " USER_COLS ", password_hash FROM users WHERE email = $1",
                    DB_PARAMS(DB_P_TEXT(email)), out, password_hash);
}

int db_users_update(struct db_conn *c, const struct user *u)
{
    return db_exec_one(c,
                       "UPDATE users SET display_name = $2, role = $3, timezone = $4, active = $5, "
                       "updated_at = $6 WHERE id = $1",
                       DB_PARAMS(DB_P_TEXT(u->id), DB_P_TEXT(u->display_name),
                                 DB_P_TEXT(user_role_names[u->role]), DB_P_TEXT(u->timezone),
                                 DB_P_BOOL(u->active), DB_P_INT(u->updated_at)));
}

int db_users_set_password(struct db_conn *c, const char *id, const char *password_hash,
                          int64_t now_ms)
{
    return db_exec_one(c, "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
                       DB_PARAMS(DB_P_TEXT(id), DB_P_TEXT(password_hash), DB_P_INT(now_ms)));
}

int db_users_list(struct db_conn *c, struct arena *a, const struct db_users_filter *f,
                  struct user **items, int *n)
{
    struct db_res *r = NULL;
    /* Optional filters are bound as NULL when unused, so the statement text never changes.
     * lower() folds ASCII on SQLite, Unicode on PostgreSQL. */
    struct db__list l;

    db__list_init(&l, "SELECT " USER_COLS " FROM users WHERE TRUE", DB_NO_PARAMS);
    if (f->role >= 0)
        db__list_and(&l, "role = $1", DB_PARAMS(DB_P_TEXT(user_role_names[f->role])));
    if (f->active >= 0)
        db__list_and(&l, f->active ? "active" : "NOT active", DB_NO_PARAMS);
    if (f->q != NULL)
        db__list_and(&l,
                     "lower(email) LIKE lower($1) ESCAPE '\\' OR "
                     "lower(display_name) LIKE lower($1) ESCAPE '\\'",
                     DB_PARAMS(DB_P_TEXT(db_like_pattern(a, f->q))));
    db__list_page(&l, "created_at", "id", &f->page);
    int rc = db__list_run(c, &l, &r);

    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_user, n);
    return 0;
}

int db_tokens_insert(struct db_conn *c, const char *token_hash, const char *user_id,
                     int64_t created_at, int64_t expires_at)
{
    return db_query(c,
                    "INSERT INTO tokens (hash, user_id, created_at, expires_at) "
                    "VALUES ($1, $2, $3, $4)",
                    DB_PARAMS(DB_P_TEXT(token_hash), DB_P_TEXT(user_id), DB_P_INT(created_at),
                              DB_P_INT(expires_at)),
                    NULL);
}

int db_tokens_delete(struct db_conn *c, const char *token_hash)
{
    return db_query(c, "DELETE FROM tokens WHERE hash = $1", DB_PARAMS(DB_P_TEXT(token_hash)),
                    NULL);
}

int db_tokens_delete_for_user(struct db_conn *c, const char *user_id)
{
    return db_query(c, "DELETE FROM tokens WHERE user_id = $1", DB_PARAMS(DB_P_TEXT(user_id)),
                    NULL);
}

int db_tokens_delete_expired(struct db_conn *c, const char *user_id, int64_t now_ms)
{
    return db_query(c, "DELETE FROM tokens WHERE user_id = $1 AND expires_at <= $2",
                    DB_PARAMS(DB_P_TEXT(user_id), DB_P_INT(now_ms)), NULL);
}
