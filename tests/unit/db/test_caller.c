/*
 * db/caller.c on the backend named by TS_TEST_BACKEND: the caller by token together with the
 * route's module and the caller's progress record, in every combination of present and absent.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "db/caller.h"
#include "support/store.h"
#include "util/crypto.h"
#include "util/err.h"

static struct ts_store st;

#define LEARNER "11111111-1111-4111-8111-111111111111"
#define AUTHOR "22222222-2222-4222-8222-222222222222"
#define MODULE "33333333-3333-4333-8333-333333333333"
#define OTHER_MODULE "44444444-4444-4444-8444-444444444444"
#define NOW 1800000000000LL

static void setup(void)
{
    ts_store_open(&st, NULL);
    ts_store_add_user(&st, LEARNER, "lee@example.com", "Lee", ROLE_LEARNER, NOW);
    ts_store_add_user(&st, AUTHOR, "ada@example.com", "Ada", ROLE_AUTHOR, NOW);
    cr_assert_eq(db_tokens_insert(st.conn, "hash-lee", LEARNER, NOW - 1000, NOW + 60000), 0);
    cr_assert_eq(db_tokens_insert(st.conn, "hash-old", LEARNER, NOW - 90000, NOW - 1), 0);
    ts_store_add_module(&st, MODULE, AUTHOR, NOW);
    ts_store_add_module(&st, OTHER_MODULE, AUTHOR, NOW);
    struct progress_rec p = {.status = PROGRESS_IN_PROGRESS,
                             .percent = 50,
                             .version = 3,
                             .data = "{\"completed_screen_ids\":[]}",
                             .started_at = NOW - 500,
                             .updated_at = NOW - 100};
    snprintf(p.user_id, sizeof(p.user_id), "%s", LEARNER);
    snprintf(p.module_id, sizeof(p.module_id), "%s", MODULE);
    cr_assert_eq(db_progress_write(st.conn, &p, 0), 0);
}

static void teardown(void)
{
    ts_store_close(&st);
}

TestSuite(caller, .init = setup, .fini = teardown, .timeout = 60);

Test(caller, unknown_or_expired_token_is_not_found_whatever_the_module)
{
    struct caller cl;
    cr_assert_eq(
        db_caller_by_token(st.conn, &st.arena, "hash-none", NOW, CALLER_MODULE_RECORD, MODULE, &cl),
        TS_ENOTFOUND);
    cr_assert_eq(
        db_caller_by_token(st.conn, &st.arena, "hash-old", NOW, CALLER_MODULE_RECORD, MODULE, &cl),
        TS_ENOTFOUND);
    cr_assert_eq(db_caller_by_token(st.conn, &st.arena, "hash-old", NOW, CALLER_USER, NULL, &cl),
                 TS_ENOTFOUND);
}

Test(caller, without_a_module_only_the_user_is_read)
{
    struct caller cl;
    cr_assert_eq(db_caller_by_token(st.conn, &st.arena, "hash-lee", NOW, CALLER_USER, NULL, &cl),
                 0);
    cr_assert_str_eq(cl.user.id, LEARNER);
    cr_assert_str_eq(cl.user.display_name, "Lee");
    cr_assert_str_eq(cl.module_id, "");
    cr_assert_not(cl.module_found);
    cr_assert_not(cl.progress_found);
}

Test(caller, module_and_record_come_with_the_user)
{
    struct caller cl;
    cr_assert_eq(
        db_caller_by_token(st.conn, &st.arena, "hash-lee", NOW, CALLER_MODULE_RECORD, MODULE, &cl),
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
    cr_assert_eq(db_caller_by_token(st.conn, &st.arena, "hash-lee", NOW, CALLER_MODULE_RECORD,
                                    OTHER_MODULE, &cl),
                 0);
    cr_assert(cl.module_found);
    cr_assert_str_eq(cl.module.id, OTHER_MODULE);
    cr_assert_not(cl.progress_found);
}

Test(caller, missing_module_leaves_the_user_found)
{
    struct caller cl;
    cr_assert_eq(db_caller_by_token(st.conn, &st.arena, "hash-lee", NOW, CALLER_MODULE_RECORD,
                                    "55555555-5555-4555-8555-555555555555", &cl),
                 0);
    cr_assert_str_eq(cl.user.id, LEARNER);
    cr_assert_not(cl.module_found);
    cr_assert_not(cl.progress_found);
}
