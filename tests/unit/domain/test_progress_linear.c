/*
 * Unit tests for the linear flow (domain/progress_linear.c, API.md §8.2) and the parts of
 * domain/progress_responses.c it shares with branching: screen requirements, response values
 * and the graded answer of §8.5.
 *
 * JSON documents are written as templates: "$N" stands for screen N's id, "^N" for the same
 * id in upper case, and screen 9 is never part of the module. PUT errors are collected under
 * ["body","progress_data"] as the API would; each test checks that every expected item is
 * present (any order, §1.3) and that there are no others.
 */
#include <criterion/criterion.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/progress.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/validate.h"

#define N_IDS 10
#define POOL_MAX 1024

#define C_CONTENT "{\"body\":\"Read me\",\"media\":[]}"
#define C_SINGLE                                                                                   \
    "{\"kind\":\"single\",\"prompt\":\"p\",\"options\":[{\"id\":\"a\",\"text\":\"A\"},"            \
    "{\"id\":\"b\",\"text\":\"B\"}],\"correct_option_ids\":[\"b\"],\"explanation\":null}"
#define C_MULTIPLE                                                                                 \
    "{\"kind\":\"multiple\",\"prompt\":\"p\",\"options\":[{\"id\":\"a\",\"text\":\"A\"},"          \
    "{\"id\":\"b\",\"text\":\"B\"},{\"id\":\"c\",\"text\":\"C\"}],"                                \
    "\"correct_option_ids\":[\"a\",\"c\"],\"explanation\":\"why\"}"
#define C_REFLECTION "{\"prompt\":\"p\",\"min_length\":3,\"max_length\":5,\"placeholder\":\"\"}"
#define C_CHECKLIST                                                                                \
    "{\"prompt\":\"p\",\"items\":[{\"id\":\"i1\",\"text\":\"x\",\"required\":true},"               \
    "{\"id\":\"i2\",\"text\":\"y\",\"required\":false},{\"id\":\"i3\",\"text\":\"z\"}]}"

#define ANSWER_1 "\"$1\":{\"option_ids\":[\"b\"],\"correct\":true,\"answered_at\":\"t\"}"

/* --- fixture ---------------------------------------------------------------------------- */

static char ids[N_IDS][STR_UUID_SIZE];
static char upper[N_IDS][STR_UUID_SIZE];
static struct progress_screen screens[6];
static struct progress_module mod;
static json_t *pool[POOL_MAX];
static int n_pool;

/* Keeps `j` until the test ends; returns it. */
static json_t *keep(json_t *j)
{
    cr_assert_lt(n_pool, POOL_MAX);
    pool[n_pool++] = j;
    return j;
}

/* Replaces "$N" and "^N" in `tmpl`; caller frees. */
static char *expand(const char *tmpl)
{
    size_t cap = strlen(tmpl) * 37 + 1;
    char *s = malloc(cap);
    char *p = s;

    for (; *tmpl != '\0'; tmpl++) {
        if ((*tmpl == '$' || *tmpl == '^') && isdigit((unsigned char)tmpl[1])) {
            int i = tmpl[1] - '0';
            p += sprintf(p, "%s", *tmpl == '$' ? ids[i] : upper[i]);
            tmpl++;
        } else {
            *p++ = *tmpl;
        }
    }
    *p = '\0';
    return s;
}

/* The JSON value of a template, kept until the test ends. */
static json_t *J(const char *tmpl)
{
    char *text = expand(tmpl);
    json_error_t err;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &err);

    cr_assert_not_null(j, "bad JSON %s: %s", text, err.text);
    free(text);
    return keep(j);
}

static struct progress_screen screen(enum screen_type type, int i, const char *content)
{
    json_t *c = json_loads(content, 0, NULL);

    cr_assert_not_null(c, "bad content %s", content);
    return (struct progress_screen){.id = ids[i], .type = type, .content = keep(c)};
}

/* Screens 0..4: content, single question, reflection (3..5), checklist, content. Screen 5
 * (multiple question) is outside the module unless a test extends mod.n. */
static void setup(void)
{
    for (int i = 0; i < N_IDS; i++) {
        snprintf(ids[i], sizeof(ids[i]), "%08d-abcd-4ef0-8abc-def%09d", 90 - i, i);
        for (int k = 0; k < 37; k++)
            upper[i][k] = (char)toupper((unsigned char)ids[i][k]);
    }
    n_pool = 0;
    screens[0] = screen(SCREEN_CONTENT, 0, C_CONTENT);
    screens[1] = screen(SCREEN_QUESTION, 1, C_SINGLE);
    screens[2] = screen(SCREEN_REFLECTION, 2, C_REFLECTION);
    screens[3] = screen(SCREEN_CHECKLIST, 3, C_CHECKLIST);
    screens[4] = screen(SCREEN_CONTENT, 4, C_CONTENT);
    screens[5] = screen(SCREEN_QUESTION, 5, C_MULTIPLE);
    mod = (struct progress_module){.flow = FLOW_LINEAR, .screens = screens, .n = 5};
}

static void teardown(void)
{
    while (n_pool > 0)
        json_decref(pool[--n_pool]);
}

TestSuite(linear, .init = setup, .fini = teardown);
TestSuite(responses, .init = setup, .fini = teardown);
TestSuite(answer, .init = setup, .fini = teardown);

/* --- running and checking --------------------------------------------------------------- */

static json_t *errors; /* of the last call, kept */
static json_t *out;    /* document of the last call, kept; NULL after errors */

/* PUT `in` over `stored` (NULL: the initial document). */
static int put(const char *stored, const char *in)
{
    json_t *st = stored != NULL ? J(stored) : keep(progress_initial(FLOW_LINEAR));
    struct arena a;
    struct valid v;

    arena_init(&a);
    valid_init(&v, &a, "body");
    valid_push_key(&v, "progress_data");
    out = NULL;
    int rc = progress_linear.put(&v, &mod, st, J(in), &out);
    cr_assert_eq(v.depth, 2, "location not restored");
    if (out != NULL)
        keep(out);
    errors = keep(valid_take_errors(&v));
    valid_free(&v);
    arena_free(&a);
    cr_assert_eq(rc == 0, json_array_size(errors) == 0, "rc %d with %zu errors", rc,
                 json_array_size(errors));
    cr_assert_eq(rc == 0, out != NULL);
    return rc;
}

/* POST answer for screen `qi`; errors of both locations end up in `errors`. */
static int answer(const char *stored, int qi, const char *option_ids, bool *correct)
{
    struct arena a;
    struct valid pv, bv;

    arena_init(&a);
    valid_init(&pv, &a, "path");
    valid_init(&bv, &a, "body");
    out = NULL;
    int rc = progress_answer(&pv, &bv, &mod, J(stored), qi, J(option_ids), 1795771800123LL, &out,
                             correct);
    cr_assert_eq(pv.depth, 1);
    cr_assert_eq(bv.depth, 1);
    if (out != NULL)
        keep(out);
    errors = keep(valid_take_errors(&pv));
    json_array_extend(errors, bv.errors);
    valid_free(&pv);
    valid_free(&bv);
    arena_free(&a);
    return rc;
}

static struct progress_summary summary(const char *doc)
{
    struct progress_summary s;

    progress_linear.summarize(&mod, J(doc), &s);
    cr_assert(!s.has_score);
    return s;
}

struct want {
    const char *loc;  /* template of the loc array */
    const char *type; /* type */
    const char *msg;  /* NULL: the spec's message for the type, if it fixes one */
};

static const char *const known_msgs[][2] = {
    {"unknown_screen", "Screen does not belong to this module"},
    {"screen_not_reachable", "Screen is not reachable yet"},
    {"requirements_not_met", "Screen requirements are not met"},
    {"response_not_allowed", "This screen does not take a response"},
    {"unknown_option", "Option does not belong to this question"},
    {"unknown_item", "Item does not belong to this checklist"},
    {"unknown_choice", "Choice does not belong to this branch screen"},
    {"invalid_start", "Path must start at the start screen"},
    {"illegal_transition", "Step does not follow a legal edge"},
    {"progress_regression", "Progress cannot go backwards"},
    {"duplicate_item", "List items must be unique"},
    {"extra_forbidden", "Extra inputs are not permitted"},
    {"missing", "Field required"},
    {"dict_type", "Input should be a valid dictionary"},
    {"list_type", "Input should be a valid list"},
    {"string_type", "Input should be a valid string"},
    {"uuid_type", "UUID input should be a string, bytes or UUID object"},
};

static const char *msg_for(const struct want *w)
{
    if (w->msg != NULL)
        return w->msg;
    for (size_t i = 0; i < sizeof(known_msgs) / sizeof(known_msgs[0]); i++) {
        if (strcmp(known_msgs[i][0], w->type) == 0)
            return known_msgs[i][1];
    }
    return NULL;
}

/* Index of an unused item with this loc and type, marked used; -1 when there is none. */
static int find(const struct want *w, bool *used)
{
    json_t *loc = J(w->loc);

    for (size_t i = 0; i < json_array_size(errors); i++) {
        json_t *item = json_array_get(errors, i);
        const char *type = json_string_value(json_object_get(item, "type"));
        if (!used[i] && type != NULL && strcmp(type, w->type) == 0 &&
            json_equal(json_object_get(item, "loc"), loc)) {
            used[i] = true;
            return (int)i;
        }
    }
    return -1;
}

static void expect(const struct want *wants, size_t count)
{
    char *dump = json_dumps(errors, JSON_COMPACT);
    bool used[64] = {false};

    cr_assert_eq(json_array_size(errors), count, "want %zu errors, got %s", count, dump);
    for (size_t k = 0; k < count; k++) {
        int i = find(&wants[k], used);
        char *loc = expand(wants[k].loc);
        cr_assert_geq(i, 0, "no %s at %s in %s", wants[k].type, loc, dump);
        free(loc);
        const char *msg = msg_for(&wants[k]);
        json_t *item = json_array_get(errors, (size_t)i);
        if (msg != NULL)
            cr_assert_str_eq(json_string_value(json_object_get(item, "msg")), msg);
    }
    free(dump);
}

#define EXPECT(...)                                                                                \
    do {                                                                                           \
        const struct want wants_[] = {__VA_ARGS__};                                                \
        expect(wants_, sizeof(wants_) / sizeof(wants_[0]));                                        \
    } while (0)

#define PD "\"body\",\"progress_data\""

static void expect_doc(const char *tmpl)
{
    json_t *want = J(tmpl);
    char *got = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    char *exp = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);

    cr_assert(json_equal(out, want), "got %s\nwant %s", got, exp);
    free(got);
    free(exp);
}

/* --- linear: shape ---------------------------------------------------------------------- */

Test(linear, initial_document_is_not_started)
{
    json_t *doc = keep(progress_initial(FLOW_LINEAR));
    struct progress_summary s;

    progress_linear.summarize(&mod, doc, &s);
    cr_assert_eq(s.status, PROGRESS_NOT_STARTED);
    cr_assert_eq(s.percent, 0);
}

Test(linear, first_step_is_stored_normalised)
{
    cr_assert_eq(put(NULL, "{\"current_screen_id\":\"^1\",\"completed_screen_ids\":[\"^0\"],"
                           "\"responses\":{}}"),
                 0);
    expect_doc("{\"current_screen_id\":\"$1\",\"completed_screen_ids\":[\"$0\"],\"responses\":{}}");
}

Test(linear, absent_keys_take_their_defaults)
{
    cr_assert_eq(put(NULL, "{}"), 0);
    expect_doc("{\"current_screen_id\":null,\"completed_screen_ids\":[],\"responses\":{}}");
}

Test(linear, not_an_object_is_dict_type)
{
    cr_assert_eq(put(NULL, "[]"), -1);
    EXPECT({"[" PD "]", "dict_type", NULL});
}

Test(linear, wrong_types_at_their_keys)
{
    cr_assert_eq(put(NULL, "{\"current_screen_id\":5,\"completed_screen_ids\":{},"
                           "\"responses\":[],\"extra\":1}"),
                 -1);
    EXPECT({"[" PD ",\"current_screen_id\"]", "uuid_type", NULL},
           {"[" PD ",\"completed_screen_ids\"]", "list_type", NULL},
           {"[" PD ",\"responses\"]", "dict_type", NULL},
           {"[" PD ",\"extra\"]", "extra_forbidden", NULL});
}

Test(linear, malformed_current_screen_id_is_uuid_parsing)
{
    cr_assert_eq(put(NULL, "{\"current_screen_id\":\"nope\"}"), -1);
    EXPECT({"[" PD ",\"current_screen_id\"]", "uuid_parsing", NULL});
}

Test(linear, non_string_completed_item_is_string_type)
{
    cr_assert_eq(put(NULL, "{\"completed_screen_ids\":[\"$0\",7]}"), -1);
    EXPECT({"[" PD ",\"completed_screen_ids\",1]", "string_type", NULL});
}

/* --- linear: the rules ------------------------------------------------------------------ */

Test(linear, ids_that_are_no_screens_are_unknown_screen)
{
    cr_assert_eq(put(NULL, "{\"current_screen_id\":\"$9\",\"completed_screen_ids\":[\"$0\","
                           "\"$9\",\"not-a-uuid\"],\"responses\":{\"$9\":{},\"x\":{}}}"),
                 -1);
    EXPECT({"[" PD ",\"completed_screen_ids\",1]", "unknown_screen", NULL},
           {"[" PD ",\"completed_screen_ids\",2]", "unknown_screen", NULL},
           {"[" PD ",\"current_screen_id\"]", "unknown_screen", NULL},
           {"[" PD ",\"responses\",\"$9\"]", "unknown_screen", NULL},
           {"[" PD ",\"responses\",\"x\"]", "unknown_screen", NULL});
}

Test(linear, repeated_ids_are_duplicate_item_in_any_case)
{
    cr_assert_eq(put(NULL, "{\"completed_screen_ids\":[\"$0\",\"^0\"]}"), -1);
    EXPECT({"[" PD ",\"completed_screen_ids\"]", "duplicate_item", NULL});
}

Test(linear, gap_in_the_prefix_is_screen_not_reachable)
{
    cr_assert_eq(put(NULL, "{\"completed_screen_ids\":[\"$0\",\"$2\"],"
                           "\"responses\":{\"$2\":{\"text\":\"abc\"}}}"),
                 -1);
    EXPECT({"[" PD ",\"completed_screen_ids\",1]", "screen_not_reachable", NULL},
           {"[" PD ",\"responses\",\"$2\"]", "screen_not_reachable", NULL});
}

Test(linear, every_element_after_the_gap_is_reported)
{
    cr_assert_eq(put(NULL, "{\"completed_screen_ids\":[\"$4\",\"$1\"]}"), -1);
    EXPECT({"[" PD ",\"completed_screen_ids\",0]", "screen_not_reachable", NULL},
           {"[" PD ",\"completed_screen_ids\",1]", "screen_not_reachable", NULL});
}

Test(linear, prefix_in_any_order_is_accepted)
{
    cr_assert_eq(put("{\"current_screen_id\":null,\"completed_screen_ids\":[],"
                     "\"responses\":{" ANSWER_1 "}}",
                     "{\"completed_screen_ids\":[\"$1\",\"$0\"]}"),
                 0);
    expect_doc("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$1\",\"$0\"],"
               "\"responses\":{" ANSWER_1 "}}");
}

Test(linear, unanswered_question_cannot_be_completed)
{
    cr_assert_eq(put(NULL, "{\"completed_screen_ids\":[\"$0\",\"$1\"]}"), -1);
    EXPECT({"[" PD ",\"completed_screen_ids\",1]", "requirements_not_met", NULL});
}

Test(linear, reflection_requirement_is_judged_on_the_new_text)
{
    const char *stored = "{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\"],"
                         "\"responses\":{" ANSWER_1 "}}";

    cr_assert_eq(put(stored, "{\"completed_screen_ids\":[\"$0\",\"$1\",\"$2\"],"
                             "\"responses\":{\"$2\":{\"text\":\"ab\"}}}"),
                 -1);
    EXPECT({"[" PD ",\"completed_screen_ids\",2]", "requirements_not_met", NULL});
    cr_assert_eq(put(stored, "{\"completed_screen_ids\":[\"$0\",\"$1\",\"$2\"]}"), -1);
    EXPECT({"[" PD ",\"completed_screen_ids\",2]", "requirements_not_met", NULL});
    cr_assert_eq(put(stored, "{\"completed_screen_ids\":[\"$0\",\"$1\",\"$2\"],"
                             "\"responses\":{\"$2\":{\"text\":\"abc\"}}}"),
                 0);
}

/* A rejected value already explains itself; requirements_not_met would repeat it. */
Test(linear, rejected_response_is_not_judged_again)
{
    cr_assert_eq(put("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\"],"
                     "\"responses\":{" ANSWER_1 "}}",
                     "{\"completed_screen_ids\":[\"$0\",\"$1\",\"$2\"],"
                     "\"responses\":{\"$2\":{\"text\":\"abcdef\"}}}"),
                 -1);
    EXPECT({"[" PD ",\"responses\",\"$2\",\"text\"]", "string_too_long",
            "String should have at most 5 characters"});
}

Test(linear, checklist_requirement_needs_every_required_item)
{
    const char *stored = "{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\","
                         "\"$2\"],\"responses\":{" ANSWER_1 ",\"$2\":{\"text\":\"abc\"}}}";
#define CHECKLIST_PUT(ids)                                                                         \
    "{\"completed_screen_ids\":[\"$0\",\"$1\",\"$2\",\"$3\"],\"responses\":"                       \
    "{\"$2\":{\"text\":\"abc\"},\"$3\":{\"checked_item_ids\":" ids "}}}"

    /* i3 has no "required" key: required by default. */
    cr_assert_eq(put(stored, CHECKLIST_PUT("[\"i1\",\"i2\"]")), -1);
    EXPECT({"[" PD ",\"completed_screen_ids\",3]", "requirements_not_met", NULL});
    cr_assert_eq(put(stored, CHECKLIST_PUT("[\"i3\",\"i1\"]")), 0);
#undef CHECKLIST_PUT
}

Test(linear, dropping_a_completed_screen_is_progress_regression)
{
    cr_assert_eq(put("{\"current_screen_id\":\"$1\",\"completed_screen_ids\":[\"$0\"],"
                     "\"responses\":{}}",
                     "{\"current_screen_id\":\"$0\",\"completed_screen_ids\":[]}"),
                 -1);
    EXPECT({"[" PD ",\"completed_screen_ids\"]", "progress_regression", NULL});
}

Test(linear, current_screen_must_be_reachable)
{
    cr_assert_eq(put(NULL, "{\"current_screen_id\":\"$1\",\"completed_screen_ids\":[]}"), -1);
    EXPECT({"[" PD ",\"current_screen_id\"]", "screen_not_reachable", NULL});
    cr_assert_eq(put(NULL, "{\"current_screen_id\":\"$0\"}"), 0);
    cr_assert_eq(put(NULL, "{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"]}"), 0);
}

Test(linear, response_keys_must_be_reachable)
{
    cr_assert_eq(put(NULL, "{\"completed_screen_ids\":[\"$0\"],"
                           "\"responses\":{\"$3\":{\"checked_item_ids\":[]}}}"),
                 -1);
    EXPECT({"[" PD ",\"responses\",\"$3\"]", "screen_not_reachable", NULL});
}

Test(linear, all_errors_of_one_pass_are_reported)
{
    cr_assert_eq(put("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"],"
                     "\"responses\":{}}",
                     "{\"current_screen_id\":\"$4\",\"completed_screen_ids\":[\"$1\"],"
                     "\"responses\":{\"$0\":{\"text\":\"x\"}},\"version\":1}"),
                 -1);
    EXPECT({"[" PD ",\"version\"]", "extra_forbidden", NULL},
           {"[" PD ",\"completed_screen_ids\",0]", "screen_not_reachable", NULL},
           {"[" PD ",\"completed_screen_ids\"]", "progress_regression", NULL},
           {"[" PD ",\"current_screen_id\"]", "screen_not_reachable", NULL},
           {"[" PD ",\"responses\",\"$0\"]", "response_not_allowed", NULL});
}

/* --- linear: responses in the stored document ------------------------------------------- */

Test(linear, question_values_sent_are_ignored_and_stored_kept)
{
    const char *stored = "{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"],"
                         "\"responses\":{" ANSWER_1 "}}";

    cr_assert_eq(put(stored, "{\"completed_screen_ids\":[\"$0\"],\"responses\":{\"$1\":"
                             "{\"option_ids\":[\"a\"],\"correct\":true,\"answered_at\":\"x\"}}}"),
                 0);
    expect_doc("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"],"
               "\"responses\":{" ANSWER_1 "}}");
    cr_assert_eq(put(stored, "{\"completed_screen_ids\":[\"$0\"],\"responses\":{\"$1\":\"junk\"}}"),
                 0);
    expect_doc("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"],"
               "\"responses\":{" ANSWER_1 "}}");
}

Test(linear, question_values_sent_without_stored_answer_are_dropped)
{
    cr_assert_eq(put(NULL, "{\"completed_screen_ids\":[\"$0\"],\"responses\":{\"$1\":"
                           "{\"option_ids\":[\"b\"],\"correct\":true,\"answered_at\":\"x\"}}}"),
                 0);
    expect_doc("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"],\"responses\":{}}");
}

Test(linear, omitted_client_responses_are_dropped_question_answers_kept)
{
    cr_assert_eq(put("{\"current_screen_id\":\"$2\",\"completed_screen_ids\":[\"$0\",\"$1\"],"
                     "\"responses\":{" ANSWER_1 ",\"$2\":{\"text\":\"abc\"}}}",
                     "{\"current_screen_id\":\"^2\",\"completed_screen_ids\":[\"$0\",\"$1\"]}"),
                 0);
    expect_doc("{\"current_screen_id\":\"$2\",\"completed_screen_ids\":[\"$0\",\"$1\"],"
               "\"responses\":{" ANSWER_1 "}}");
}

Test(linear, response_keys_are_normalised)
{
    cr_assert_eq(put(NULL, "{\"completed_screen_ids\":[\"$0\"],"
                           "\"responses\":{\"^1\":{\"option_ids\":[]}}}"),
                 0);
    cr_assert_eq(put("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\"],"
                     "\"responses\":{" ANSWER_1 "}}",
                     "{\"completed_screen_ids\":[\"$0\",\"$1\"],"
                     "\"responses\":{\"^2\":{\"text\":\"\"}}}"),
                 0);
    expect_doc("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\"],"
               "\"responses\":{" ANSWER_1 ",\"$2\":{\"text\":\"\"}}}");
}

/* --- linear: status and percent --------------------------------------------------------- */

Test(linear, summary_counts_completed_screens)
{
    struct progress_summary s = summary(
        "{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\"],\"responses\":{}}");

    cr_assert_eq(s.status, PROGRESS_IN_PROGRESS);
    cr_assert_eq(s.percent, 40);
    mod.n = 3; /* 1 of 3 rounds down */
    s = summary("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"],\"responses\":{}}");
    cr_assert_eq(s.percent, 33);
    s = summary("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\"],"
                "\"responses\":{}}");
    cr_assert_eq(s.percent, 66);
}

Test(linear, summary_completed_when_all_screens_are)
{
    struct progress_summary s =
        summary("{\"current_screen_id\":\"$4\",\"completed_screen_ids\":[\"$0\",\"$1\",\"$2\","
                "\"$3\",\"$4\"],\"responses\":{}}");

    cr_assert_eq(s.status, PROGRESS_COMPLETED);
    cr_assert_eq(s.percent, 100);
}

Test(linear, summary_started_by_current_screen_or_responses)
{
    struct progress_summary s =
        summary("{\"current_screen_id\":\"$0\",\"completed_screen_ids\":[],\"responses\":{}}");

    cr_assert_eq(s.status, PROGRESS_IN_PROGRESS);
    cr_assert_eq(s.percent, 0);
    s = summary("{\"current_screen_id\":null,\"completed_screen_ids\":[],"
                "\"responses\":{" ANSWER_1 "}}");
    cr_assert_eq(s.status, PROGRESS_IN_PROGRESS);
}

Test(linear, summary_of_a_module_without_screens)
{
    mod.n = 0;
    struct progress_summary s =
        summary("{\"current_screen_id\":null,\"completed_screen_ids\":[],\"responses\":{}}");
    cr_assert_eq(s.status, PROGRESS_NOT_STARTED);
    cr_assert_eq(s.percent, 0);
}

/* --- shared: requirements and response values ------------------------------------------- */

static bool met(int i, const char *responses)
{
    return progress_requirement_met(&mod, i, J(responses), NULL);
}

Test(responses, requirement_per_screen_type)
{
    cr_assert(met(0, "{}"));
    cr_assert_not(met(1, "{}"));
    cr_assert_not(met(1, "{\"$1\":{\"correct\":true}}"));
    cr_assert(met(1, "{" ANSWER_1 "}"));
    cr_assert_not(met(3, "{}"));
    cr_assert(met(3, "{\"$3\":{\"checked_item_ids\":[\"i3\",\"i1\"]}}"));
    cr_assert_not(met(3, "{\"$3\":{\"checked_item_ids\":[\"i1\",\"i2\"]}}"));
}

/* min_length 3 .. max_length 5 code points; "é" is two bytes but one code point. */
Test(responses, reflection_length_counts_code_points)
{
    cr_assert_not(met(2, "{}"));
    cr_assert_not(met(2, "{\"$2\":{\"text\":\"ab\"}}"));
    cr_assert(met(2, "{\"$2\":{\"text\":\"abc\"}}"));
    cr_assert(met(2, "{\"$2\":{\"text\":\"\u00e9\u00e9\u00e9\u00e9\u00e9\"}}"));
    cr_assert_not(met(2, "{\"$2\":{\"text\":\"abcdef\"}}"));
    cr_assert_not(met(2, "{\"$2\":{\"text\":5}}"));
}

/* Checks one response value for screen i at ["body","progress_data","responses",<id>]. */
static int check(int i, const char *value)
{
    struct arena a;
    struct valid v;

    arena_init(&a);
    valid_init(&v, &a, "body");
    valid_push_key(&v, "progress_data");
    valid_push_key(&v, "responses");
    valid_push_key(&v, ids[i]);
    out = NULL;
    int rc = progress_check_response(&v, &mod, i, J(value), &out);
    cr_assert_eq(v.depth, 4);
    if (out != NULL)
        keep(out);
    errors = keep(valid_take_errors(&v));
    valid_free(&v);
    arena_free(&a);
    cr_assert_eq(rc == 0, json_array_size(errors) == 0);
    return rc;
}

#define R(i) "[" PD ",\"responses\",\"$" #i "\""

Test(responses, reflection_value)
{
    cr_assert_eq(check(2, "{\"text\":\"\"}"), 0);
    expect_doc("{\"text\":\"\"}");
    cr_assert_eq(check(2, "{\"text\":\"\u00e9\u00e9\u00e9\u00e9\u00e9\"}"), 0);
    cr_assert_eq(check(2, "{\"text\":\"abcdef\"}"), -1);
    cr_assert_null(out);
    EXPECT({R(2) ",\"text\"]", "string_too_long", "String should have at most 5 characters"});
    cr_assert_eq(check(2, "{\"text\":5,\"mood\":\"ok\"}"), -1);
    EXPECT({R(2) ",\"text\"]", "string_type", NULL}, {R(2) ",\"mood\"]", "extra_forbidden", NULL});
    cr_assert_eq(check(2, "{}"), -1);
    EXPECT({R(2) ",\"text\"]", "missing", NULL});
    cr_assert_eq(check(2, "\"text\""), -1);
    EXPECT({R(2) "]", "dict_type", NULL});
}

Test(responses, checklist_value)
{
    cr_assert_eq(check(3, "{\"checked_item_ids\":[\"i2\"]}"), 0);
    expect_doc("{\"checked_item_ids\":[\"i2\"]}");
    cr_assert_eq(check(3, "{\"checked_item_ids\":[]}"), 0);
    cr_assert_eq(check(3, "{\"checked_item_ids\":[\"i1\",\"zz\",\"i1\",4]}"), -1);
    EXPECT({R(3) ",\"checked_item_ids\",1]", "unknown_item", NULL},
           {R(3) ",\"checked_item_ids\",3]", "string_type", NULL},
           {R(3) ",\"checked_item_ids\"]", "duplicate_item", NULL});
    cr_assert_eq(check(3, "{\"checked_item_ids\":\"i1\",\"x\":1}"), -1);
    EXPECT({R(3) ",\"checked_item_ids\"]", "list_type", NULL},
           {R(3) ",\"x\"]", "extra_forbidden", NULL});
    cr_assert_eq(check(3, "{}"), -1);
    EXPECT({R(3) ",\"checked_item_ids\"]", "missing", NULL});
}

Test(responses, content_takes_no_response_question_is_ignored)
{
    cr_assert_eq(check(0, "{}"), -1);
    EXPECT({R(0) "]", "response_not_allowed", NULL});
    cr_assert_eq(check(1, "{\"anything\":true}"), 0);
    cr_assert_null(out);
}

/* --- shared: answers -------------------------------------------------------------------- */

#define STORED_0 "{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"],\"responses\":{}}"

Test(answer, correct_single_answer_is_recorded)
{
    json_t *before = json_deep_copy(J(STORED_0));
    bool correct = false;

    cr_assert_eq(answer(STORED_0, 1, "[\"b\"]", &correct), 0);
    cr_assert(correct);
    cr_assert_eq(json_array_size(errors), 0);
    expect_doc("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"],\"responses\":"
               "{\"$1\":{\"option_ids\":[\"b\"],\"correct\":true,"
               "\"answered_at\":\"2026-11-27T09:30:00.123Z\"}}}");
    cr_assert(json_equal(before, J(STORED_0)));
    json_decref(before);
}

Test(answer, wrong_single_answer_is_recorded_as_incorrect)
{
    bool correct = true;

    cr_assert_eq(answer(STORED_0, 1, "[\"a\"]", &correct), 0);
    cr_assert_not(correct);
    json_t *r = json_object_get(json_object_get(out, "responses"), ids[1]);
    cr_assert(json_is_false(json_object_get(r, "correct")));
}

Test(answer, multiple_is_graded_as_a_set)
{
    const char *stored = "{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\","
                         "\"$2\",\"$3\",\"$4\"],\"responses\":{}}";
    bool correct = false;

    mod.n = 6;
    cr_assert_eq(answer(stored, 5, "[\"c\",\"a\"]", &correct), 0);
    cr_assert(correct);
    cr_assert_eq(answer(stored, 5, "[\"a\"]", &correct), 0);
    cr_assert_not(correct);
    cr_assert_eq(answer(stored, 5, "[\"a\",\"b\",\"c\"]", &correct), 0);
    cr_assert_not(correct);
    expect_doc("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\",\"$2\",\"$3\","
               "\"$4\"],\"responses\":{\"$5\":{\"option_ids\":[\"a\",\"b\",\"c\"],"
               "\"correct\":false,\"answered_at\":\"2026-11-27T09:30:00.123Z\"}}}");
}

Test(answer, second_answer_is_a_conflict)
{
    bool correct;

    cr_assert_eq(answer("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\"],"
                        "\"responses\":{" ANSWER_1 "}}",
                        1, "[\"zz\",\"a\"]", &correct),
                 TS_ECONFLICT);
    cr_assert_null(out);
    cr_assert_eq(json_array_size(errors), 0);
}

Test(answer, unreachable_question_is_screen_not_reachable)
{
    bool correct;

    cr_assert_eq(answer("{\"current_screen_id\":null,\"completed_screen_ids\":[],"
                        "\"responses\":{}}",
                        1, "[\"b\"]", &correct),
                 -1);
    cr_assert_null(out);
    EXPECT({"[\"path\",\"screen_id\"]", "screen_not_reachable", NULL});
    mod.n = 6;
    cr_assert_eq(answer("{\"current_screen_id\":null,\"completed_screen_ids\":[\"$0\",\"$1\","
                        "\"$2\",\"$4\"],\"responses\":{}}",
                        5, "[\"a\"]", &correct),
                 -1);
    EXPECT({"[\"path\",\"screen_id\"]", "screen_not_reachable", NULL});
}

Test(answer, unknown_options_and_single_too_long_are_reported_together)
{
    bool correct;

    cr_assert_eq(answer("{\"current_screen_id\":null,\"completed_screen_ids\":[],"
                        "\"responses\":{}}",
                        1, "[\"a\",\"x\",\"B\"]", &correct),
                 -1);
    EXPECT({"[\"path\",\"screen_id\"]", "screen_not_reachable", NULL},
           {"[\"body\",\"option_ids\",1]", "unknown_option", NULL},
           {"[\"body\",\"option_ids\",2]", "unknown_option", NULL},
           {"[\"body\",\"option_ids\"]", "too_long",
            "List should have at most 1 item after validation, not 3"});
}

Test(answer, single_with_two_known_options_is_too_long)
{
    bool correct;

    cr_assert_eq(answer(STORED_0, 1, "[\"a\",\"b\"]", &correct), -1);
    EXPECT({"[\"body\",\"option_ids\"]", "too_long",
            "List should have at most 1 item after validation, not 2"});
}

Test(answer, first_screen_is_always_reachable)
{
    bool correct;
    struct progress_screen first[] = {screens[1]};

    mod.screens = first;
    mod.n = 1;
    cr_assert_eq(answer("{\"current_screen_id\":null,\"completed_screen_ids\":[],"
                        "\"responses\":{}}",
                        0, "[\"b\"]", &correct),
                 0);
    cr_assert(correct);
}
