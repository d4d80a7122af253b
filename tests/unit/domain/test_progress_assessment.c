/*
 * Unit tests for domain/progress_assessment.c (API.md §8.4, §8.6): every PUT rule with its
 * exact loc, type and msg, server-owned keys ignored, the frozen attempt answered 409 before
 * any 422 rule, grading (floor, set equality, unanswered = wrong), the pass threshold, status
 * and percent in each state, and the refusals and success of a new attempt.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/progress.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/validate.h"

/* Ids with hex letters, so that an upper-case spelling differs from the canonical one. */
#define C0 "c0000000-0000-4000-8000-0000000000a0" /* content */
#define Q1 "a1000000-0000-4000-8000-0000000000a1" /* single a,b,c; correct b */
#define Q2 "a2000000-0000-4000-8000-0000000000a2" /* multiple a,b,c; correct a,c */
#define Q3 "a3000000-0000-4000-8000-0000000000a3" /* single x,y; correct y */
#define Q1_UPPER "A1000000-0000-4000-8000-0000000000A1"
#define NOWHERE "9f9f9f9f-0000-4000-8000-000000000000" /* a UUID naming no screen */

#define PD "\"body\",\"progress_data\""
#define ANS(id) "[" PD ",\"answers\",\"" id "\""

#define M_SCREEN "Screen does not belong to this module"
#define M_NOT_ALLOWED "This screen does not take a response"
#define M_OPTION "Option does not belong to this question"

#define INITIAL                                                                                    \
    "{\"attempt\":1,\"current_screen_id\":null,\"answers\":{},\"submitted_at\":null,"              \
    "\"attempts\":[]}"
#define NOW_MS INT64_C(1795771800123)
#define NOW_TEXT "2026-11-27T09:30:00.123Z"

static const char *const contents[] = {
    "{\"body\":\"Read this.\",\"media\":[]}",
    "{\"kind\":\"single\",\"prompt\":\"One?\",\"options\":[{\"id\":\"a\",\"text\":\"A\"},"
    "{\"id\":\"b\",\"text\":\"B\"},{\"id\":\"c\",\"text\":\"C\"}],\"correct_option_ids\":[\"b\"],"
    "\"explanation\":null}",
    "{\"kind\":\"multiple\",\"prompt\":\"Some?\",\"options\":[{\"id\":\"a\",\"text\":\"A\"},"
    "{\"id\":\"b\",\"text\":\"B\"},{\"id\":\"c\",\"text\":\"C\"}],\"correct_option_ids\":[\"a\","
    "\"c\"],\"explanation\":\"A and C.\"}",
    "{\"kind\":\"single\",\"prompt\":\"X or Y?\",\"options\":[{\"id\":\"x\",\"text\":\"X\"},"
    "{\"id\":\"y\",\"text\":\"Y\"}],\"correct_option_ids\":[\"y\"],\"explanation\":null}",
};

static struct progress_screen screens[4];
static struct progress_module mod;
static struct arena arena;
static json_t *errs; /* the errors of the last run_put() */

static json_t *doc(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);

    cr_assert_not_null(j, "bad fixture %s: %s", text, e.text);
    return j;
}

static void setup(void)
{
    static const char *const ids[] = {C0, Q1, Q2, Q3};

    for (int i = 0; i < 4; i++) {
        screens[i] = (struct progress_screen){.id = ids[i],
                                              .type = i == 0 ? SCREEN_CONTENT : SCREEN_QUESTION,
                                              .content = doc(contents[i])};
    }
    mod = (struct progress_module){
        .flow = FLOW_ASSESSMENT, .screens = screens, .n = 4, .pass_score = 70, .max_attempts = 3};
    arena_init(&arena);
    errs = NULL;
}

static void teardown(void)
{
    for (int i = 0; i < 4; i++)
        json_decref(screens[i].content);
    json_decref(errs);
    arena_free(&arena);
}

TestSuite(progress_assessment, .init = setup, .fini = teardown);

/* --- helpers ---------------------------------------------------------------------------- */

/* Runs put with the location ["body","progress_data"]; the errors land in `errs`. Checks that
 * the location is restored and the stored document left untouched. */
static int run_put(const char *stored_text, const char *in_text, json_t **out)
{
    json_t *stored = doc(stored_text), *in = doc(in_text), *before = doc(stored_text);
    struct valid v;

    valid_init(&v, &arena, "body");
    valid_push_key(&v, "progress_data");
    int rc = progress_assessment.put(&v, &mod, stored, in, out);
    cr_assert_eq(v.depth, 2, "location not restored");
    cr_assert(json_equal(stored, before), "stored document modified");
    json_decref(errs);
    errs = valid_take_errors(&v);
    valid_free(&v);
    json_decref(stored);
    json_decref(in);
    json_decref(before);
    return rc;
}

static bool has_err(const char *loc, const char *type, const char *msg)
{
    json_t *want = doc(loc);
    bool found = false;
    json_t *e;
    size_t i;

    json_array_foreach(errs, i, e)
    {
        const char *t = json_string_value(json_object_get(e, "type"));
        const char *m = json_string_value(json_object_get(e, "msg"));
        if (json_equal(json_object_get(e, "loc"), want) && strcmp(t, type) == 0 &&
            (msg == NULL || strcmp(m, msg) == 0))
            found = true;
    }
    json_decref(want);
    return found;
}

static void dump_errs(char *buf, size_t size)
{
    char *text = json_dumps(errs, JSON_COMPACT);

    snprintf(buf, size, "%s", text != NULL ? text : "(null)");
    free(text);
}

#define EXPECT_ERR(loc, type, msg)                                                                 \
    do {                                                                                           \
        char dump_[4096];                                                                          \
        dump_errs(dump_, sizeof(dump_));                                                           \
        cr_assert(has_err(loc, type, msg), "want %s %s in %s", loc, type, dump_);                  \
    } while (0)

#define EXPECT_N_ERRS(n)                                                                           \
    do {                                                                                           \
        char dump_[4096];                                                                          \
        dump_errs(dump_, sizeof(dump_));                                                           \
        cr_assert_eq(json_array_size(errs), (size_t)(n), "want %d errors: %s", (int)(n), dump_);   \
    } while (0)

/* A PUT expected to fail with exactly one error. */
static void put_one_error(const char *in_text, const char *loc, const char *type, const char *msg)
{
    json_t *out = NULL;

    cr_assert_eq(run_put(INITIAL, in_text, &out), -1);
    cr_assert_null(out);
    EXPECT_N_ERRS(1);
    EXPECT_ERR(loc, type, msg);
}

static void expect_json(json_t *got, const char *want_text)
{
    json_t *want = doc(want_text);
    char *text = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);

    cr_assert(json_equal(got, want), "got %s want %s", text, want_text);
    free(text);
    json_decref(want);
}

static struct progress_summary summary_of(const char *text)
{
    struct progress_summary s;
    json_t *data = doc(text);

    memset(&s, 0xff, sizeof(s));
    progress_assessment.summarize(&mod, data, &s);
    json_decref(data);
    return s;
}

/* Submits a document whose current attempt has `answers` (JSON text); caller decrefs. */
static json_t *submit_answers(const char *answers)
{
    char text[2048];
    json_t *out = NULL;

    snprintf(text, sizeof(text),
             "{\"attempt\":1,\"current_screen_id\":null,\"answers\":%s,\"submitted_at\":null,"
             "\"attempts\":[]}",
             answers);
    json_t *stored = doc(text);
    cr_assert_eq(progress_assessment_submit(&mod, stored, NOW_MS, &out), 0);
    cr_assert_not_null(out);
    json_decref(stored);
    return out;
}

static int score_of(json_t *submitted)
{
    json_t *last = json_array_get(json_object_get(submitted, "attempts"), 0);

    return (int)json_integer_value(json_object_get(last, "score"));
}

/* A submitted document: attempt `attempt`, its score `score`, one earlier entry per attempt. */
static json_t *submitted_doc(int attempt, int score)
{
    json_t *attempts = json_array();

    for (int i = 1; i <= attempt; i++)
        json_array_append_new(
            attempts, json_pack("{s:i,s:{},s:{},s:i,s:b,s:s}", "attempt", i, "answers", "results",
                                "score", i == attempt ? score : 0, "passed",
                                i == attempt && score >= mod.pass_score, "submitted_at", NOW_TEXT));
    return json_pack("{s:i,s:s,s:{s:[s]},s:s,s:o}", "attempt", attempt, "current_screen_id", Q1,
                     "answers", Q1, "b", "submitted_at", NOW_TEXT, "attempts", attempts);
}

/* --- PUT: success ------------------------------------------------------------------------ */

Test(progress_assessment, put_replaces_client_fields_and_canonicalises_ids)
{
    json_t *out = NULL;
    int rc = run_put(INITIAL,
                     "{\"attempt\":1,\"current_screen_id\":\"" Q1_UPPER "\","
                     "\"answers\":{\"" Q1_UPPER "\":[\"b\"],\"" Q2 "\":[\"c\",\"a\"]},"
                     "\"submitted_at\":null,\"attempts\":[]}",
                     &out);

    cr_assert_eq(rc, 0);
    EXPECT_N_ERRS(0);
    expect_json(out, "{\"attempt\":1,\"current_screen_id\":\"" Q1 "\",\"answers\":{\"" Q1
                     "\":[\"b\"],\"" Q2 "\":[\"c\",\"a\"]},\"submitted_at\":null,\"attempts\":[]}");
    json_decref(out);
}

Test(progress_assessment, put_ignores_server_owned_values)
{
    const char *stored = "{\"attempt\":2,\"current_screen_id\":null,\"answers\":{\"" Q1
                         "\":[\"a\"]},\"submitted_at\":null,\"attempts\":[{\"attempt\":1,"
                         "\"answers\":{},\"results\":{},\"score\":0,\"passed\":false,"
                         "\"submitted_at\":\"" NOW_TEXT "\"}]}";
    json_t *out = NULL;
    int rc = run_put(stored,
                     "{\"attempt\":\"junk\",\"current_screen_id\":null,\"answers\":{},"
                     "\"submitted_at\":\"" NOW_TEXT "\",\"attempts\":[1,2,3]}",
                     &out);

    cr_assert_eq(rc, 0);
    EXPECT_N_ERRS(0);
    expect_json(out,
                "{\"attempt\":2,\"current_screen_id\":null,\"answers\":{},"
                "\"submitted_at\":null,\"attempts\":[{\"attempt\":1,\"answers\":{},"
                "\"results\":{},\"score\":0,\"passed\":false,\"submitted_at\":\"" NOW_TEXT "\"}]}");
    json_decref(out);
}

Test(progress_assessment, put_without_server_owned_keys_keeps_stored_ones)
{
    json_t *out = NULL;

    cr_assert_eq(run_put(INITIAL, "{\"current_screen_id\":\"" C0 "\",\"answers\":{}}", &out), 0);
    expect_json(out, "{\"attempt\":1,\"current_screen_id\":\"" C0 "\",\"answers\":{},"
                     "\"submitted_at\":null,\"attempts\":[]}");
    json_decref(out);
}

Test(progress_assessment, put_multiple_takes_every_option)
{
    json_t *out = NULL;

    cr_assert_eq(
        run_put(INITIAL,
                "{\"current_screen_id\":null,\"answers\":{\"" Q2 "\":[\"a\",\"b\",\"c\"]}}", &out),
        0);
    json_decref(out);
}

Test(progress_assessment, put_same_screen_twice_keeps_the_later_answer)
{
    json_t *out = NULL;

    cr_assert_eq(run_put(INITIAL,
                         "{\"current_screen_id\":null,\"answers\":{\"" Q1_UPPER "\":[\"a\"],\"" Q1
                         "\":[\"c\"]}}",
                         &out),
                 0);
    expect_json(json_object_get(out, "answers"), "{\"" Q1 "\":[\"c\"]}");
    json_decref(out);
}

/* --- PUT: shape and types ---------------------------------------------------------------- */

Test(progress_assessment, put_unknown_key_is_extra_forbidden)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{},\"responses\":{}}",
                  "[" PD ",\"responses\"]", "extra_forbidden", "Extra inputs are not permitted");
}

/* A PUT replaces the document: an absent client field reads as null / no answers, like the
 * linear and branching flows. */
Test(progress_assessment, put_absent_client_fields_clear_them)
{
    const char *stored = "{\"attempt\":1,\"current_screen_id\":\"" Q1 "\",\"answers\":{\"" Q1
                         "\":[\"a\"]},\"submitted_at\":null,\"attempts\":[]}";
    json_t *out = NULL;

    cr_assert_eq(run_put(stored, "{}", &out), 0);
    EXPECT_N_ERRS(0);
    expect_json(out, INITIAL);
    json_decref(out);
}

Test(progress_assessment, put_null_answers_is_dict_type)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":null}", "[" PD ",\"answers\"]",
                  "dict_type", "Input should be a valid dictionary");
}

Test(progress_assessment, put_current_screen_id_not_a_string_is_uuid_type)
{
    put_one_error("{\"current_screen_id\":5,\"answers\":{}}", "[" PD ",\"current_screen_id\"]",
                  "uuid_type", "UUID input should be a string, bytes or UUID object");
}

Test(progress_assessment, put_current_screen_id_malformed_is_uuid_parsing)
{
    put_one_error("{\"current_screen_id\":\"not-a-uuid\",\"answers\":{}}",
                  "[" PD ",\"current_screen_id\"]", "uuid_parsing", NULL);
}

Test(progress_assessment, put_answers_not_an_object_is_dict_type)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":[]}", "[" PD ",\"answers\"]",
                  "dict_type", "Input should be a valid dictionary");
}

Test(progress_assessment, put_answer_not_a_list_is_list_type)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" Q1 "\":\"b\"}}", ANS(Q1) "]",
                  "list_type", "Input should be a valid list");
}

Test(progress_assessment, put_option_id_not_a_string_is_string_type)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" Q2 "\":[\"a\",7]}}", ANS(Q2) ",1]",
                  "string_type", "Input should be a valid string");
}

Test(progress_assessment, put_progress_data_not_an_object_is_dict_type)
{
    put_one_error("[]", "[" PD "]", "dict_type", "Input should be a valid dictionary");
}

/* --- PUT: module rules ------------------------------------------------------------------- */

Test(progress_assessment, put_current_screen_not_in_module)
{
    put_one_error("{\"current_screen_id\":\"" NOWHERE "\",\"answers\":{}}",
                  "[" PD ",\"current_screen_id\"]", "unknown_screen", M_SCREEN);
}

Test(progress_assessment, put_answer_key_not_in_module)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" NOWHERE "\":[\"a\"]}}",
                  ANS(NOWHERE) "]", "unknown_screen", M_SCREEN);
}

Test(progress_assessment, put_answer_key_not_a_uuid_is_unknown_screen)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"q1\":[\"a\"]}}",
                  "[" PD ",\"answers\",\"q1\"]", "unknown_screen", M_SCREEN);
}

Test(progress_assessment, put_answer_to_content_screen_is_not_allowed)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" C0 "\":[\"a\"]}}", ANS(C0) "]",
                  "response_not_allowed", M_NOT_ALLOWED);
}

Test(progress_assessment, put_unknown_option_at_its_index)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" Q2 "\":[\"a\",\"z\"]}}",
                  ANS(Q2) ",1]", "unknown_option", M_OPTION);
}

Test(progress_assessment, put_option_of_another_question_is_unknown)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" Q3 "\":[\"a\"]}}", ANS(Q3) ",0]",
                  "unknown_option", M_OPTION);
}

Test(progress_assessment, put_duplicate_option_at_the_answer)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" Q2 "\":[\"a\",\"c\",\"a\"]}}",
                  ANS(Q2) "]", "duplicate_item", "List items must be unique");
}

Test(progress_assessment, put_single_empty_is_too_short)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" Q1 "\":[]}}", ANS(Q1) "]",
                  "too_short", "List should have at least 1 item after validation, not 0");
}

Test(progress_assessment, put_single_two_is_too_long)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" Q1 "\":[\"a\",\"b\"]}}",
                  ANS(Q1) "]", "too_long",
                  "List should have at most 1 item after validation, not 2");
}

Test(progress_assessment, put_multiple_empty_is_too_short)
{
    put_one_error("{\"current_screen_id\":null,\"answers\":{\"" Q2 "\":[]}}", ANS(Q2) "]",
                  "too_short", "List should have at least 1 item after validation, not 0");
}

Test(progress_assessment, put_reports_every_error_in_one_pass)
{
    json_t *out = NULL;
    int rc = run_put(INITIAL,
                     "{\"current_screen_id\":\"" NOWHERE "\",\"extra\":1,\"answers\":{\"" C0
                     "\":[\"a\"],\"" Q1 "\":[\"z\",\"z\"],\"" Q2 "\":{}}}",
                     &out);

    cr_assert_eq(rc, -1);
    cr_assert_null(out);
    EXPECT_N_ERRS(8);
    EXPECT_ERR("[" PD ",\"extra\"]", "extra_forbidden", NULL);
    EXPECT_ERR("[" PD ",\"current_screen_id\"]", "unknown_screen", M_SCREEN);
    EXPECT_ERR(ANS(C0) "]", "response_not_allowed", M_NOT_ALLOWED);
    EXPECT_ERR(ANS(Q1) ",0]", "unknown_option", M_OPTION);
    EXPECT_ERR(ANS(Q1) ",1]", "unknown_option", M_OPTION);
    EXPECT_ERR(ANS(Q1) "]", "duplicate_item", NULL);
    EXPECT_ERR(ANS(Q1) "]", "too_long", NULL);
    EXPECT_ERR(ANS(Q2) "]", "list_type", NULL);
}

/* --- PUT: frozen attempt ----------------------------------------------------------------- */

Test(progress_assessment, put_after_submit_is_conflict_before_any_422)
{
    json_t *stored = submitted_doc(1, 40);
    char *text = json_dumps(stored, JSON_COMPACT);
    json_t *out = NULL;

    cr_assert_eq(run_put(text, "{\"current_screen_id\":5,\"answers\":[],\"bad\":1}", &out),
                 TS_ECONFLICT);
    cr_assert_null(out);
    EXPECT_N_ERRS(0);
    cr_assert_eq(run_put(text, "{\"current_screen_id\":null,\"answers\":{}}", &out), TS_ECONFLICT);
    free(text);
    json_decref(stored);
}

/* --- summary ----------------------------------------------------------------------------- */

Test(progress_assessment, initial_is_not_started)
{
    struct progress_summary s = summary_of(INITIAL);

    cr_assert_eq(s.status, PROGRESS_NOT_STARTED);
    cr_assert_eq(s.percent, 0);
    cr_assert_not(s.has_score);
}

Test(progress_assessment, current_screen_alone_is_in_progress)
{
    struct progress_summary s = summary_of("{\"attempt\":1,\"current_screen_id\":\"" C0 "\","
                                           "\"answers\":{},\"submitted_at\":null,\"attempts\":[]}");

    cr_assert_eq(s.status, PROGRESS_IN_PROGRESS);
    cr_assert_eq(s.percent, 0);
}

Test(progress_assessment, percent_floors_answered_over_questions)
{
    struct progress_summary one =
        summary_of("{\"attempt\":1,\"current_screen_id\":null,\"answers\":{\"" Q1 "\":[\"a\"]},"
                   "\"submitted_at\":null,\"attempts\":[]}");
    struct progress_summary two =
        summary_of("{\"attempt\":1,\"current_screen_id\":null,\"answers\":{\"" Q1 "\":[\"a\"],"
                   "\"" Q3 "\":[\"x\"]},\"submitted_at\":null,\"attempts\":[]}");

    cr_assert_eq(one.status, PROGRESS_IN_PROGRESS);
    cr_assert_eq(one.percent, 33);
    cr_assert_eq(two.percent, 66);
    cr_assert_not(two.has_score);
}

Test(progress_assessment, no_question_screens_is_percent_zero)
{
    mod.n = 1; /* the content screen only */
    struct progress_summary s = summary_of("{\"attempt\":1,\"current_screen_id\":\"" C0 "\","
                                           "\"answers\":{},\"submitted_at\":null,\"attempts\":[]}");

    cr_assert_eq(s.percent, 0);
    cr_assert_eq(s.status, PROGRESS_IN_PROGRESS);
}

Test(progress_assessment, submitted_is_passed_or_failed_at_100_percent)
{
    json_t *pass = submitted_doc(1, 70), *fail = submitted_doc(1, 69);
    struct progress_summary s;

    progress_assessment.summarize(&mod, pass, &s);
    cr_assert_eq(s.status, PROGRESS_PASSED);
    cr_assert_eq(s.percent, 100);
    cr_assert(s.has_score);
    cr_assert_eq(s.score, 70);
    progress_assessment.summarize(&mod, fail, &s);
    cr_assert_eq(s.status, PROGRESS_FAILED);
    cr_assert_eq(s.percent, 100);
    cr_assert_eq(s.score, 69);
    json_decref(pass);
    json_decref(fail);
}

/* --- submit ------------------------------------------------------------------------------ */

Test(progress_assessment, submit_records_the_attempt)
{
    json_t *stored = doc("{\"attempt\":1,\"current_screen_id\":\"" Q3 "\",\"answers\":{\"" Q1
                         "\":[\"b\"],\"" Q2 "\":[\"c\",\"a\"],\"" Q3 "\":[\"y\"]},"
                         "\"submitted_at\":null,\"attempts\":[]}");
    json_t *before = json_deep_copy(stored), *out = NULL;

    cr_assert_eq(progress_assessment_submit(&mod, stored, NOW_MS, &out), 0);
    cr_assert(json_equal(stored, before), "stored document modified");
    expect_json(out, "{\"attempt\":1,\"current_screen_id\":\"" Q3 "\",\"answers\":{\"" Q1
                     "\":[\"b\"],\"" Q2 "\":[\"c\",\"a\"],\"" Q3 "\":[\"y\"]},"
                     "\"submitted_at\":\"" NOW_TEXT "\",\"attempts\":[{\"attempt\":1,"
                     "\"answers\":{\"" Q1 "\":[\"b\"],\"" Q2 "\":[\"c\",\"a\"],\"" Q3
                     "\":[\"y\"]},\"results\":{\"" Q1 "\":true,\"" Q2 "\":true,\"" Q3
                     "\":true},\"score\":100,\"passed\":true,\"submitted_at\":\"" NOW_TEXT "\"}]}");
    struct progress_summary s;
    progress_assessment.summarize(&mod, out, &s);
    cr_assert_eq(s.status, PROGRESS_PASSED);
    json_decref(out);
    json_decref(stored);
    json_decref(before);
}

Test(progress_assessment, submit_initial_scores_zero_with_every_question_in_results)
{
    json_t *out = submit_answers("{}");
    json_t *entry = json_array_get(json_object_get(out, "attempts"), 0);

    expect_json(json_object_get(entry, "results"),
                "{\"" Q1 "\":false,\"" Q2 "\":false,\"" Q3 "\":false}");
    expect_json(json_object_get(entry, "answers"), "{}");
    cr_assert_eq(score_of(out), 0);
    cr_assert(json_is_false(json_object_get(entry, "passed")));
    json_decref(out);
}

Test(progress_assessment, submit_multiple_needs_set_equality)
{
    json_t *subset = submit_answers("{\"" Q2 "\":[\"a\"]}");
    json_t *superset = submit_answers("{\"" Q2 "\":[\"a\",\"b\",\"c\"]}");
    json_t *reordered = submit_answers("{\"" Q2 "\":[\"c\",\"a\"]}");
    json_t *swapped = submit_answers("{\"" Q2 "\":[\"a\",\"b\"]}");

    cr_assert_eq(score_of(subset), 0);
    cr_assert_eq(score_of(superset), 0);
    cr_assert_eq(score_of(reordered), 33);
    cr_assert_eq(score_of(swapped), 0);
    json_decref(subset);
    json_decref(superset);
    json_decref(reordered);
    json_decref(swapped);
}

/* PUT never stores a repeated id, but grading must not count ["a","a"] as {"a","c"}. */
Test(progress_assessment, submit_repeated_id_is_not_the_correct_set)
{
    json_t *out = submit_answers("{\"" Q2 "\":[\"a\",\"a\"]}");

    cr_assert_eq(score_of(out), 0);
    json_decref(out);
}

Test(progress_assessment, submit_score_floors_and_unanswered_is_wrong)
{
    json_t *one = submit_answers("{\"" Q1 "\":[\"b\"]}");
    json_t *two = submit_answers("{\"" Q1 "\":[\"b\"],\"" Q3 "\":[\"y\"]}");
    json_t *wrong = submit_answers("{\"" Q1 "\":[\"a\"],\"" Q2 "\":[\"a\",\"c\"]}");
    json_t *results =
        json_object_get(json_array_get(json_object_get(wrong, "attempts"), 0), "results");

    cr_assert_eq(score_of(one), 33);
    cr_assert_eq(score_of(two), 66);
    cr_assert_eq(score_of(wrong), 33);
    expect_json(results, "{\"" Q1 "\":false,\"" Q2 "\":true,\"" Q3 "\":false}");
    json_decref(one);
    json_decref(two);
    json_decref(wrong);
}

Test(progress_assessment, submit_score_equal_to_pass_score_passes)
{
    mod.pass_score = 66;
    json_t *at = submit_answers("{\"" Q1 "\":[\"b\"],\"" Q3 "\":[\"y\"]}");
    mod.pass_score = 67;
    json_t *below = submit_answers("{\"" Q1 "\":[\"b\"],\"" Q3 "\":[\"y\"]}");
    struct progress_summary s;

    cr_assert(json_is_true(
        json_object_get(json_array_get(json_object_get(at, "attempts"), 0), "passed")));
    cr_assert(json_is_false(
        json_object_get(json_array_get(json_object_get(below, "attempts"), 0), "passed")));
    progress_assessment.summarize(&mod, below, &s);
    cr_assert_eq(s.status, PROGRESS_FAILED);
    cr_assert_eq(s.score, 66);
    json_decref(at);
    json_decref(below);
}

Test(progress_assessment, submit_without_question_screens_scores_zero)
{
    mod.n = 1;
    mod.pass_score = 0;
    json_t *out = submit_answers("{}");
    json_t *entry = json_array_get(json_object_get(out, "attempts"), 0);

    cr_assert_eq(score_of(out), 0);
    expect_json(json_object_get(entry, "results"), "{}");
    cr_assert(json_is_true(json_object_get(entry, "passed")));
    json_decref(out);
}

Test(progress_assessment, submit_twice_is_conflict)
{
    json_t *stored = submitted_doc(1, 40);
    json_t *out = json_object(); /* must be replaced by NULL */
    json_t *keep = out;

    cr_assert_eq(progress_assessment_submit(&mod, stored, NOW_MS, &out), TS_ECONFLICT);
    cr_assert_null(out);
    json_decref(keep);
    json_decref(stored);
}

Test(progress_assessment, submit_appends_to_earlier_attempts)
{
    json_t *stored = submitted_doc(1, 40), *next = NULL, *out = NULL;

    cr_assert_eq(progress_assessment_next(&mod, stored, &next), ATTEMPT_OK);
    cr_assert_eq(progress_assessment_submit(&mod, next, NOW_MS + 1000, &out), 0);
    json_t *attempts = json_object_get(out, "attempts");
    cr_assert_eq(json_array_size(attempts), 2);
    json_t *entry = json_array_get(attempts, 1);
    cr_assert_eq(json_integer_value(json_object_get(entry, "attempt")), 2);
    cr_assert_str_eq(json_string_value(json_object_get(entry, "submitted_at")),
                     "2026-11-27T09:30:01.123Z");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(attempts, 0), "score")), 40);
    json_decref(out);
    json_decref(next);
    json_decref(stored);
}

/* --- next attempt ------------------------------------------------------------------------ */

Test(progress_assessment, next_refused_while_not_submitted)
{
    json_t *stored = doc(INITIAL), *out = NULL;

    cr_assert_eq(progress_assessment_next(&mod, stored, &out), ATTEMPT_NOT_SUBMITTED);
    cr_assert_null(out);
    json_decref(stored);
}

Test(progress_assessment, next_refused_after_pass_even_with_attempts_left)
{
    json_t *stored = submitted_doc(1, 70), *out = NULL;

    cr_assert_eq(progress_assessment_next(&mod, stored, &out), ATTEMPT_PASSED);
    cr_assert_null(out);
    json_decref(stored);
}

Test(progress_assessment, next_passed_on_last_attempt_is_passed_not_none_left)
{
    json_t *stored = submitted_doc(3, 100), *out = NULL;

    cr_assert_eq(progress_assessment_next(&mod, stored, &out), ATTEMPT_PASSED);
    json_decref(stored);
}

Test(progress_assessment, next_refused_at_max_attempts)
{
    json_t *stored = submitted_doc(3, 10), *out = NULL;

    cr_assert_eq(progress_assessment_next(&mod, stored, &out), ATTEMPT_NONE_LEFT);
    cr_assert_null(out);
    json_decref(stored);
}

Test(progress_assessment, next_starts_a_fresh_attempt_keeping_history_and_score)
{
    json_t *stored = submitted_doc(2, 50), *before = json_deep_copy(stored), *out = NULL;
    struct progress_summary s;

    cr_assert_eq(progress_assessment_next(&mod, stored, &out), ATTEMPT_OK);
    cr_assert(json_equal(stored, before), "stored document modified");
    cr_assert_eq(json_integer_value(json_object_get(out, "attempt")), 3);
    expect_json(json_object_get(out, "answers"), "{}");
    cr_assert(json_is_null(json_object_get(out, "submitted_at")));
    cr_assert(json_is_null(json_object_get(out, "current_screen_id")));
    cr_assert(json_equal(json_object_get(out, "attempts"), json_object_get(stored, "attempts")));
    progress_assessment.summarize(&mod, out, &s);
    cr_assert_eq(s.status, PROGRESS_IN_PROGRESS);
    cr_assert_eq(s.percent, 0);
    cr_assert(s.has_score);
    cr_assert_eq(s.score, 50);
    json_decref(out);
    json_decref(before);
    json_decref(stored);
}

Test(progress_assessment, new_attempt_accepts_puts_again)
{
    json_t *stored = submitted_doc(1, 0), *next = NULL, *out = NULL;

    cr_assert_eq(progress_assessment_next(&mod, stored, &next), ATTEMPT_OK);
    char *text = json_dumps(next, JSON_COMPACT);
    cr_assert_eq(
        run_put(text, "{\"current_screen_id\":null,\"answers\":{\"" Q1 "\":[\"b\"]}}", &out), 0);
    cr_assert_eq(json_integer_value(json_object_get(out, "attempt")), 2);
    cr_assert_eq(json_array_size(json_object_get(out, "attempts")), 1);
    free(text);
    json_decref(out);
    json_decref(next);
    json_decref(stored);
}

Test(progress_assessment, unlimited_attempts_never_run_out)
{
    mod.max_attempts = 0;
    json_t *stored = submitted_doc(50, 10), *out = NULL;

    cr_assert_eq(progress_assessment_next(&mod, stored, &out), ATTEMPT_OK);
    cr_assert_eq(json_integer_value(json_object_get(out, "attempt")), 51);
    json_decref(out);
    json_decref(stored);
}
