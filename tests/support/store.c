/* Storage unit-test fixture; see store.h. */
#include "support/store.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "db/migrate.h"
#include "db/modules.h"
#include "db/users.h"
#include "util/crypto.h"

struct lookup_ctx {
    const struct ts_store *s;
    const char *timeout_ms;
};

static const char *lookup(const char *name, void *arg)
{
    const struct lookup_ctx *ctx = arg;

    if (strcmp(name, "DATABASE_URL") == 0)
        return ctx->s->scratch.database_url;
    return strcmp(name, "DB_TIMEOUT_MS") == 0 ? ctx->timeout_ms : NULL;
}

void ts_store_open(struct ts_store *s, const char *timeout_ms)
{
    struct lookup_ctx ctx = {s, timeout_ms};
    char err[256];

    memset(s, 0, sizeof(*s));
    cr_assert_eq(crypto_init(), 0);
    ts_db_create(&s->scratch);
    cr_assert_eq(config_load(&s->cfg, lookup, &ctx, err, sizeof(err)), 0, "%s", err);
    s->db = db_open(&s->cfg);
    cr_assert_eq(db_migrate_up(s->db, NULL), 0);
    cr_assert_eq(db_acquire(s->db, &s->conn), 0);
    arena_init(&s->arena);
}

void ts_store_close(struct ts_store *s)
{
    arena_free(&s->arena);
    db_release(s->conn);
    db_close(s->db);
    if (!s->attached)
        ts_db_drop(&s->scratch);
}

void ts_store_attach(struct ts_store *s, const struct ts_server *server)
{
    struct lookup_ctx ctx = {s, NULL};
    char err[256];

    memset(s, 0, sizeof(*s));
    s->attached = true;
    cr_assert_eq(crypto_init(), 0);
    snprintf(s->scratch.database_url, sizeof(s->scratch.database_url), "%s", server->database_url);
    cr_assert_eq(config_load(&s->cfg, lookup, &ctx, err, sizeof(err)), 0, "%s", err);
    s->db = db_open(&s->cfg);
    cr_assert_not_null(s->db);
    cr_assert_eq(db_acquire(s->db, &s->conn), 0);
    arena_init(&s->arena);
}

void ts_store_add_user(struct ts_store *s, const char *id, const char *email, const char *name,
                       enum user_role role, int64_t now_ms)
{
    struct user u = {.email = email,
                     .display_name = name,
                     .role = role,
                     .timezone = "UTC",
                     .active = true,
                     .created_at = now_ms,
                     .updated_at = now_ms};
    snprintf(u.id, sizeof(u.id), "%s", id);
    cr_assert_eq(db_users_insert(s->conn, &u, "x"), 0);
}

void ts_store_add_module(struct ts_store *s, const char *id, const char *author_id, int64_t now_ms)
{
    struct module m = {.title = "Fire safety",
                       .description = "",
                       .flow = FLOW_LINEAR,
                       .status = MODULE_PUBLISHED,
                       .settings = "{}",
                       .created_at = now_ms,
                       .updated_at = now_ms,
                       .published_at = now_ms};
    snprintf(m.id, sizeof(m.id), "%s", id);
    snprintf(m.author_id, sizeof(m.author_id), "%s", author_id);
    cr_assert_eq(db_modules_insert(s->conn, &m), 0);
}
