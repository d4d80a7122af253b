/*
 * db/analytics.c on the backend named by TS_TEST_BACKEND, with documents written straight
 * into storage: besides the counts the API tests check, what no request can produce on a
 * published module, such as ids in a document that name no screen of the module (they are not
 * listed, §13) and a module without screens.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "db/analytics.h"
#include "db/feedback.h"
#include "db/modules.h"
#include "db/progress.h"
#include "support/store.h"

static struct ts_store st;

#define AUTHOR "22222222-2222-4222-8222-222222222222"
#define MODULE "33333333-3333-4333-8333-333333333333"
#define EMPTY "33333333-3333-4333-8333-333333333334"
#define FIRST "44444444-4444-4444-8444-444444444441"  /* position 1 */
#define SECOND "44444444-4444-4444-8444-444444444442" /* position 2 */
#define GONE "44444444-4444-4444-8444-444444444449"   /* no screen of the module */
#define NOW 1800000000000LL

static const char *const learners[] = {
    "11111111-1111-4111-8111-111111111111", "11111111-1111-4111-8111-111111111112",
    "11111111-1111-4111-8111-111111111113", "11111111-1111-4111-8111-111111111114"};

static void add_screen(const char *id, int position, const char *title)
{
    struct screen s = {.position = position,
                       .type = SCREEN_CONTENT,
                       .title = title,
                       .content = "{\"body\":\"x\",\"media\":[]}",
                       .created_at = NOW,
                       .updated_at = NOW};
    snprintf(s.id, sizeof(s.id), "%s", id);
    snprintf(s.module_id, sizeof(s.module_id), "%s", MODULE);
    cr_assert_eq(db_screens_insert(st.conn, &s), 0);
}

static void setup(void)
{
    ts_store_open(&st, NULL);
    ts_store_add_user(&st, AUTHOR, "ada@example.com", "Ada", ROLE_AUTHOR, NOW);
    for (int i = 0; i < 4; i++) {
        char email[64];
        snprintf(email, sizeof(email), "l%d@example.com", i);
        ts_store_add_user(&st, learners[i], email, "Lee", ROLE_LEARNER, NOW);
    }
    ts_store_add_module(&st, MODULE, AUTHOR, NOW);
    ts_store_add_module(&st, EMPTY, AUTHOR, NOW);
    /* Inserted out of order: the list follows position. */
    add_screen(SECOND, 2, "Second");
    add_screen(FIRST, 1, "First");
}

static void teardown(void)
{
    ts_store_close(&st);
}

TestSuite(analytics_store, .init = setup, .fini = teardown, .timeout = 60);

/* Learner i's record with `status`, `score` (-1: null) and document `data`. */
static void record(int i, enum progress_status status, int score, const char *data)
{
    struct progress_rec p = {.status = status,
                             .has_score = score >= 0,
                             .score = score,
                             .version = 1,
                             .data = data,
                             .started_at = status != PROGRESS_NOT_STARTED ? NOW : 0,
                             .updated_at = NOW};
    snprintf(p.user_id, sizeof(p.user_id), "%s", learners[i]);
    snprintf(p.module_id, sizeof(p.module_id), "%s", MODULE);
    cr_assert_eq(db_progress_write(st.conn, &p, 0), 0);
}

static struct db_analytics analytics(const char *module_id, enum flow_type flow)
{
    struct db_analytics an;
    cr_assert_eq(db_analytics_get(st.conn, &st.arena, module_id, flow, &an), 0);
    return an;
}

static void expect_screen(const struct db_analytics *an, int i, const char *id, int64_t reached,
                          int64_t drop_off)
{
    cr_assert_lt(i, an->nscreens);
    cr_assert_str_eq(an->screens[i].id, id);
    cr_assert_eq(an->screens[i].position, i + 1);
    cr_assert_str_eq(an->screens[i].title, i == 0 ? "First" : "Second");
    cr_assert_eq(an->screens[i].type, SCREEN_CONTENT);
    cr_assert_eq(an->screens[i].reached, reached, "screen %d reached %lld", i,
                 (long long)an->screens[i].reached);
    cr_assert_eq(an->screens[i].drop_off, drop_off, "screen %d drop-off %lld", i,
                 (long long)an->screens[i].drop_off);
}

#define STEP(id) "{\"screen_id\":\"" id "\",\"choice_id\":null}"

Test(analytics_store, branching_counts_a_looped_path_once_and_drops_ids_of_no_screen)
{
    /* 0: First, Second, First (looped), standing on First. 1: completed through an id of no
     * screen. 2: not started. 3: standing on an id of no screen: started, but on no screen. */
    record(0, PROGRESS_IN_PROGRESS, -1,
           "{\"path\":[" STEP(FIRST) "," STEP(SECOND) "," STEP(FIRST) "]}");
    record(1, PROGRESS_COMPLETED, -1,
           "{\"path\":[" STEP(FIRST) "," STEP(GONE) "," STEP(SECOND) "]}");
    record(2, PROGRESS_NOT_STARTED, -1, "{\"path\":[]}");
    record(3, PROGRESS_IN_PROGRESS, -1, "{\"path\":[" STEP(GONE) "]}");

    struct db_analytics an = analytics(MODULE, FLOW_BRANCHING);
    cr_assert_eq(an.started, 3);
    cr_assert_eq(an.completed, 1);
    cr_assert_eq(an.nscreens, 2);
    expect_screen(&an, 0, FIRST, 2, 1);
    expect_screen(&an, 1, SECOND, 2, 0);
}

Test(analytics_store, linear_adds_the_current_screen_only_when_not_completed)
{
    record(0, PROGRESS_IN_PROGRESS, -1,
           "{\"current_screen_id\":\"" FIRST "\",\"completed_screen_ids\":[\"" FIRST "\"]}");
    record(1, PROGRESS_IN_PROGRESS, -1,
           "{\"current_screen_id\":\"" SECOND "\",\"completed_screen_ids\":[\"" FIRST "\"]}");
    record(2, PROGRESS_COMPLETED, -1,
           "{\"current_screen_id\":null,\"completed_screen_ids\":[\"" SECOND "\",\"" FIRST
           "\",\"" GONE "\"]}");
    record(3, PROGRESS_IN_PROGRESS, -1,
           "{\"current_screen_id\":\"" GONE "\",\"completed_screen_ids\":[]}");

    struct db_analytics an = analytics(MODULE, FLOW_LINEAR);
    cr_assert_eq(an.started, 4);
    cr_assert_eq(an.completed, 1);
    expect_screen(&an, 0, FIRST, 3, 1);
    expect_screen(&an, 1, SECOND, 2, 1);
}

Test(analytics_store, assessment_counts_answers_of_all_attempts_once_with_scores_and_feedback)
{
    /* 0: current attempt answered FIRST, a past one FIRST and SECOND; on SECOND.
     * 1: submitted (passed) with FIRST; a past attempt answered an id of no screen.
     * 2: failed. 3: not started, with a score left in the column (not counted). */
    record(0, PROGRESS_IN_PROGRESS, 40,
           "{\"attempt\":2,\"current_screen_id\":\"" SECOND "\",\"answers\":{\"" FIRST
           "\":[\"a\"]},\"submitted_at\":null,\"attempts\":[{\"attempt\":1,\"answers\":{\"" FIRST
           "\":[\"a\"],\"" SECOND "\":[\"b\"]},\"score\":40}]}");
    record(1, PROGRESS_PASSED, 100,
           "{\"attempt\":2,\"current_screen_id\":null,\"answers\":{\"" FIRST
           "\":[\"b\"]},\"submitted_at\":\"2026-11-27T09:30:00.000Z\",\"attempts\":["
           "{\"attempt\":1,\"answers\":{\"" GONE "\":[\"b\"]},\"score\":0},"
           "{\"attempt\":2,\"answers\":{\"" FIRST "\":[\"b\"]},\"score\":100}]}");
    record(2, PROGRESS_FAILED, 33,
           "{\"attempt\":1,\"current_screen_id\":\"" FIRST "\",\"answers\":{},\"submitted_at\":"
           "\"2026-11-27T09:30:00.000Z\",\"attempts\":[{\"attempt\":1,\"answers\":{},"
           "\"score\":33}]}");
    record(3, PROGRESS_NOT_STARTED, 90,
           "{\"attempt\":1,\"current_screen_id\":null,\"answers\":{},\"submitted_at\":null,"
           "\"attempts\":[]}");
    for (int rating = 2; rating <= 5; rating += 3) {
        struct feedback f = {.rating = rating, .created_at = NOW + rating};
        snprintf(f.id, sizeof(f.id), "55555555-5555-4555-8555-55555555555%d", rating);
        snprintf(f.module_id, sizeof(f.module_id), "%s", MODULE);
        snprintf(f.user_id, sizeof(f.user_id), "%s", learners[0]);
        cr_assert_eq(db_feedback_insert(st.conn, &f), 0);
    }

    struct db_analytics an = analytics(MODULE, FLOW_ASSESSMENT);
    cr_assert_eq(an.started, 3);
    cr_assert_eq(an.completed, 1);
    cr_assert_eq(an.passed, 1);
    cr_assert_eq(an.failed, 1);
    cr_assert_eq(an.scored, 3);
    cr_assert_eq(an.score_sum, 40 + 100 + 33);
    cr_assert_eq(an.feedback_count, 2);
    cr_assert_eq(an.rating_sum, 7);
    expect_screen(&an, 0, FIRST, 3, 0); /* 2 stands on FIRST, but has submitted */
    expect_screen(&an, 1, SECOND, 1, 1);
}

Test(analytics_store, a_module_without_screens_or_records)
{
    struct db_analytics an = analytics(EMPTY, FLOW_LINEAR);

    cr_assert_eq(an.started, 0);
    cr_assert_eq(an.scored, 0);
    cr_assert_eq(an.score_sum, 0);
    cr_assert_eq(an.feedback_count, 0);
    cr_assert_eq(an.nscreens, 0);
}
