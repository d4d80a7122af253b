/*
 * db/caller.c on the backend named by TS_TEST_BACKEND: the caller by token together with the
 * route's module and the caller's progress record, in every combination of present and absent.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "db/caller.h"
#include "db/migrate.h"
#include "support/server.h"
#include "util/crypto.h"
#include "util/err.h"

static struct ts_server scratch; /* only its database */
static struct config cfg;
static struct db *db;
static struct db_conn *conn;
static struct arena arena;

#define LEARNER "11111111-1111-4111-8111-111111111111"
#define AUTHOR "22222222-2222-4222-8222-222222222222"
#define MODULE "33333333-3333-4333-8333-333333333333"
#define OTHER_MODULE "44444444-4444-4444-8444-444444444444"
#define NOW 1800000000000LL

static const char *lookup(const char *name, void *ctx)
{
    (void)ctx;
    return strcmp(name, "DATABASE_URL") == 0 ? scratch.database_url : NULL;
}

static void add_user(const char *id, const char *email, const char *name, enum user_role role)
{
    struct user u = {.email = email,
                     .display_name = name,
                     .role = role,
                     .timezone = "UTC",
                     .active = true,
                     .created_at = NOW,
                     .updated_at = NOW};
    snprintf(u.id, sizeof(u.id), "%s", id);
    cr_assert_eq(users_insert(conn, &u, "x"), 0);
}

static void add_module(const char *id)
{
    struct module m = {.title = "Fire safety",
                       .description = "",
                       .flow = FLOW_LINEAR,
                       .status = MODULE_PUBLISHED,
                       .settings = "{}",
                       .screen_count = 0,
                       .created_at = NOW,
                       .updated_at = NOW,
                       .published_at = NOW};
    snprintf(m.id, sizeof(m.id), "%s", id);
    snprintf(m.author_id, sizeof(m.author_id), "%s", AUTHOR);
    cr_assert_eq(modules_insert(conn, &m), 0);
}

static void setup(void)
{
    char err[256];
    cr_assert_eq(crypto_init(), 0);
    ts_db_create(&scratch);
    cr_assert_eq(config_load(&cfg, lookup, NULL, err, sizeof(err)), 0, "%s", err);
    db = db_open(&cfg);
    cr_assert_eq(migrate_up(db, NULL), 0);
    cr_assert_eq(db_acquire(db, &conn), 0);
    arena_init(&arena);
    add_user(LEARNER, "lee@example.com", "Lee", ROLE_LEARNER);
    add_user(AUTHOR, "ada@example.com", "Ada", ROLE_AUTHOR);
    cr_assert_eq(tokens_insert(conn, "hash-lee", LEARNER, NOW - 1000, NOW + 60000), 0);
    cr_assert_eq(tokens_insert(conn, "hash-old", LEARNER, NOW - 90000, NOW - 1), 0);
    add_module(MODULE);
    add_module(OTHER_MODULE);
    struct progress_rec p = {.status = PROGRESS_IN_PROGRESS,
                             .percent = 50,
                             .version = 3,
                             .data = "{\"completed_screen_ids\":[]}",
                             .started_at = NOW - 500,
                             .updated_at = NOW - 100};
    snprintf(p.user_id, sizeof(p.user_id), "%s", LEARNER);
    snprintf(p.module_id, sizeof(p.module_id), "%s", MODULE);
    cr_assert_eq(progress_write(conn, &p, 0), 0);
}

static void teardown(void)
{
    arena_free(&arena);
    db_release(conn);
    db_close(db);
    ts_db_drop(&scratch);
}

TestSuite(caller, .init = setup, .fini = teardown, .timeout = 60);

Test(caller, unknown_or_expired_token_is_not_found_whatever_the_module)
{
    struct caller cl;
    cr_assert_eq(caller_by_token(conn, &arena, "hash-none", NOW, CALLER_MODULE_RECORD, MODULE, &cl),
                 TS_ENOTFOUND);
    cr_assert_eq(caller_by_token(conn, &arena, "hash-old", NOW, CALLER_MODULE_RECORD, MODULE, &cl),
                 TS_ENOTFOUND);
    cr_assert_eq(caller_by_token(conn, &arena, "hash-old", NOW, CALLER_USER, NULL, &cl),
                 TS_ENOTFOUND);
}

Test(caller, without_a_module_only_the_user_is_read)
{
    struct caller cl;
    cr_assert_eq(caller_by_token(conn, &arena, "hash-lee", NOW, CALLER_USER, NULL, &cl), 0);
    cr_assert_str_eq(cl.user.id, LEARNER);
    cr_assert_str_eq(cl.user.display_name, "Lee");
    cr_assert_str_eq(cl.module_id, "");
    cr_assert_not(cl.module_found);
    cr_assert_not(cl.progress_found);
}

Test(caller, module_and_record_come_with_the_user)
{
    struct caller cl;
    cr_assert_eq(caller_by_token(conn, &arena, "hash-lee", NOW, CALLER_MODULE_RECORD, MODULE, &cl),
                 0);
    cr_assert_str_eq(cl.user.id, LEARNER);
    cr_assert_eq(cl.user.role, ROLE_LEARNER);
    cr_assert_str_eq(cl.module_id, MODULE);
    cr_assert(cl.module_found);
    cr_assert_str_eq(cl.module.id, MODULE);
    cr_assert_str_eq(cl.module.title, "Fire safety");
    cr_assert_str_eq(cl.module.author_id, AUTHOR);
    cr_assert_str_eq(cl.module.author_name, "Ada", "the author's name, not the caller's");
    cr_assert_eq(cl.module.status, MODULE_PUBLISHED);
    cr_assert_eq(cl.module.published_at, NOW);
    cr_assert(cl.record_read);
    cr_assert(cl.progress_found);
    cr_assert_str_eq(cl.record.user_id, LEARNER);
    cr_assert_str_eq(cl.record.module_id, MODULE);
    cr_assert_eq(cl.record.version, 3);
    cr_assert_eq(cl.record.percent, 50);
    cr_assert_eq(cl.record.status, PROGRESS_IN_PROGRESS);
    cr_assert_not(cl.record.has_score);
    cr_assert_eq(cl.record.completed_at, 0);
}

Test(caller, module_without_a_record_of_this_caller)
{
    struct caller cl;
    cr_assert_eq(
        caller_by_token(conn, &arena, "hash-lee", NOW, CALLER_MODULE_RECORD, OTHER_MODULE, &cl), 0);
    cr_assert(cl.module_found);
    cr_assert_str_eq(cl.module.id, OTHER_MODULE);
    cr_assert_not(cl.progress_found);
}

Test(caller, missing_module_leaves_the_user_found)
{
    struct caller cl;
    cr_assert_eq(caller_by_token(conn, &arena, "hash-lee", NOW, CALLER_MODULE_RECORD,
                                 "55555555-5555-4555-8555-555555555555", &cl),
                 0);
    cr_assert_str_eq(cl.user.id, LEARNER);
    cr_assert_not(cl.module_found);
    cr_assert_not(cl.progress_found);
}
