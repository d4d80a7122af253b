/*
 * Unit tests for the branching flow (domain/progress_branching.c, API.md §8.3): path shape and
 * the rules of the §8.3 table with their exact locs, regression, responses on the path, the
 * status and the distance-based percent (cycles included), and answers on the path (§8.5).
 *
 * JSON documents are written as templates: "$N" stands for screen N's id, "^N" for the same
 * id in upper case, and screen 9 is never part of the module. PUT errors are collected under
 * ["body","progress_data"] as the API would; each test checks that every expected item is
 * present (any order, §1.3) and that there are no others.
 *
 * The graph (start 0):
 *   0 content -> 1
 *   1 branch: calm -> 2, panic -> 3, loop -> 0, write -> 7
 *   2 reflection (3..5 code points) -> 4      3 single question -> 4
 *   4 content, terminal                       5 checklist -> 4 (not reachable from the start)
 *   6 content -> 6 (no way out)               7 reflection (3..5), terminal
 * Fewest edges to a terminal: 0:2 1:1 2:1 3:1 4:0 5:1 6:none 7:0.
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
#define C_REFLECTION "{\"prompt\":\"p\",\"min_length\":3,\"max_length\":5,\"placeholder\":\"\"}"
#define C_CHECKLIST                                                                                \
    "{\"prompt\":\"p\",\"items\":[{\"id\":\"i1\",\"text\":\"x\",\"required\":true}]}"
#define C_BRANCH                                                                                   \
    "{\"prompt\":\"p\",\"choices\":[{\"id\":\"calm\",\"text\":\"c\",\"next_screen_id\":\"$2\"},"   \
    "{\"id\":\"panic\",\"text\":\"p\",\"next_screen_id\":\"$3\"},"                                 \
    "{\"id\":\"loop\",\"text\":\"l\",\"next_screen_id\":\"$0\"},"                                  \
    "{\"id\":\"write\",\"text\":\"w\",\"next_screen_id\":\"$7\"}]}"

/* A step with choice_id null, a step with a choice, a document. */
#define S(i) "{\"screen_id\":\"$" #i "\",\"choice_id\":null}"
#define SC(i, c) "{\"screen_id\":\"$" #i "\",\"choice_id\":\"" c "\"}"
#define DOC(path, responses) "{\"path\":[" path "],\"responses\":{" responses "}}"

#define ANSWER_3 "\"$3\":{\"option_ids\":[\"b\"],\"correct\":true,\"answered_at\":\"t\"}"

/* --- fixture ---------------------------------------------------------------------------- */

static char ids[N_IDS][STR_UUID_SIZE];
static char upper[N_IDS][STR_UUID_SIZE];
static struct progress_screen screens[8];
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

static struct progress_screen screen(enum screen_type type, int i, const char *content, int next)
{
    return (struct progress_screen){.id = ids[i],
                                    .type = type,
                                    .content = J(content),
                                    .next_screen_id = next >= 0 ? ids[next] : NULL};
}

static void setup(void)
{
    for (int i = 0; i < N_IDS; i++) {
        snprintf(ids[i], sizeof(ids[i]), "%08d-abcd-4ef0-8abc-def%09d", 90 - i, i);
        for (int k = 0; k < 37; k++)
            upper[i][k] = (char)toupper((unsigned char)ids[i][k]);
    }
    n_pool = 0;
    screens[0] = screen(SCREEN_CONTENT, 0, C_CONTENT, 1);
    screens[1] = screen(SCREEN_BRANCH, 1, C_BRANCH, -1);
    screens[2] = screen(SCREEN_REFLECTION, 2, C_REFLECTION, 4);
    screens[3] = screen(SCREEN_QUESTION, 3, C_SINGLE, 4);
    screens[4] = screen(SCREEN_CONTENT, 4, C_CONTENT, -1);
    screens[5] = screen(SCREEN_CHECKLIST, 5, C_CHECKLIST, 4);
    screens[6] = screen(SCREEN_CONTENT, 6, C_CONTENT, 6);
    screens[7] = screen(SCREEN_REFLECTION, 7, C_REFLECTION, -1);
    mod = (struct progress_module){
        .flow = FLOW_BRANCHING, .screens = screens, .n = 8, .start_screen_id = ids[0]};
}

static void teardown(void)
{
    while (n_pool > 0)
        json_decref(pool[--n_pool]);
}

TestSuite(branching, .init = setup, .fini = teardown);

/* --- running and checking --------------------------------------------------------------- */

static json_t *errors; /* of the last call, kept */
static json_t *out;    /* document of the last call, kept; NULL after errors */

/* PUT `in` over `stored` (NULL: the initial document). */
static int put_json(const char *stored, json_t *in)
{
    json_t *st = stored != NULL ? J(stored) : keep(progress_initial(FLOW_BRANCHING));
    struct arena a;
    struct valid v;

    arena_init(&a);
    valid_init(&v, &a, "body");
    valid_push_key(&v, "progress_data");
    out = NULL;
    int rc = progress_branching.put(&v, &mod, st, in, &out);
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

static int put(const char *stored, const char *in)
{
    return put_json(stored, J(in));
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

    progress_branching.summarize(&mod, J(doc), &s);
    cr_assert(!s.has_score);
    return s;
}

static void expect_summary(const char *doc, enum progress_status status, int percent)
{
    struct progress_summary s = summary(doc);

    cr_assert_eq(s.status, status, "status %d, want %d", s.status, status);
    cr_assert_eq(s.percent, percent, "percent %d, want %d", s.percent, percent);
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
#define P(i) "[" PD ",\"path\"," #i

static void expect_doc(const char *tmpl)
{
    json_t *want = J(tmpl);
    char *got = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    char *exp = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);

    cr_assert(json_equal(out, want), "got %s\nwant %s", got, exp);
    free(got);
    free(exp);
}

/* --- shape ------------------------------------------------------------------------------ */

Test(branching, initial_document_is_not_started)
{
    json_t *doc = keep(progress_initial(FLOW_BRANCHING));
    struct progress_summary s;

    progress_branching.summarize(&mod, doc, &s);
    cr_assert_eq(s.status, PROGRESS_NOT_STARTED);
    cr_assert_eq(s.percent, 0);
}

Test(branching, walk_to_an_end_is_stored_normalised)
{
    cr_assert_eq(
        put(DOC(S(0) "," SC(1, "panic") "," S(3), ANSWER_3),
            "{\"path\":[{\"screen_id\":\"^0\"},{\"screen_id\":\"^1\",\"choice_id\":"
            "\"panic\"},{\"screen_id\":\"^3\",\"choice_id\":null},{\"screen_id\":\"^4\"}]}"),
        0);
    expect_doc(DOC(S(0) "," SC(1, "panic") "," S(3) "," S(4), ANSWER_3));
}

Test(branching, absent_keys_take_their_defaults)
{
    cr_assert_eq(put(NULL, "{}"), 0);
    expect_doc(DOC("", ""));
}

Test(branching, not_an_object_is_dict_type)
{
    cr_assert_eq(put(NULL, "null"), -1);
    EXPECT({"[" PD "]", "dict_type", NULL});
}

Test(branching, wrong_types_at_their_keys)
{
    cr_assert_eq(put(NULL, "{\"path\":{},\"responses\":[],\"current_screen_id\":null}"), -1);
    EXPECT({"[" PD ",\"path\"]", "list_type", NULL}, {"[" PD ",\"responses\"]", "dict_type", NULL},
           {"[" PD ",\"current_screen_id\"]", "extra_forbidden", NULL});
}

Test(branching, more_than_1000_steps_is_too_long)
{
    json_t *path = json_array();

    for (int i = 0; i < 1001; i++)
        json_array_append_new(path, json_pack("{s:s, s:n}", "screen_id", ids[0], "choice_id"));
    cr_assert_eq(put_json(NULL, keep(json_pack("{s:o}", "path", path))), -1);
    EXPECT({"[" PD ",\"path\"]", "too_long",
            "List should have at most 1000 items after validation, not 1001"});
}

Test(branching, step_shape_errors_at_the_step)
{
    cr_assert_eq(put(NULL, "{\"path\":[5,{\"screen_id\":\"$0\",\"x\":1},{\"choice_id\":null},"
                           "{\"screen_id\":7,\"choice_id\":3},{\"screen_id\":\"zz\"}]}"),
                 -1);
    EXPECT({P(0) "]", "dict_type", NULL}, {P(1) ",\"x\"]", "extra_forbidden", NULL},
           {P(2) ",\"screen_id\"]", "missing", NULL}, {P(3) ",\"screen_id\"]", "uuid_type", NULL},
           {P(3) ",\"choice_id\"]", "string_type", NULL},
           {P(4) ",\"screen_id\"]", "uuid_parsing", NULL});
}

/* --- the rules -------------------------------------------------------------------------- */

Test(branching, step_naming_no_screen_is_unknown_screen_only)
{
    cr_assert_eq(put(NULL, DOC(S(0) "," S(9), "")), -1);
    EXPECT({P(1) ",\"screen_id\"]", "unknown_screen", NULL});
}

Test(branching, path_must_begin_at_the_start_screen)
{
    cr_assert_eq(put(NULL, DOC(S(4), "")), -1);
    EXPECT({P(0) ",\"screen_id\"]", "invalid_start", NULL});
    mod.start_screen_id = NULL;
    cr_assert_eq(put(NULL, DOC(S(0), "")), -1);
    EXPECT({P(0) ",\"screen_id\"]", "invalid_start", NULL});
}

Test(branching, branch_step_needs_one_of_its_choices)
{
    cr_assert_eq(put(NULL, DOC(S(0) "," SC(1, "nope") "," S(2), "")), -1);
    EXPECT({P(1) ",\"choice_id\"]", "unknown_choice", NULL});
    cr_assert_eq(put(NULL, DOC(S(0) "," S(1) "," S(2), "")), -1);
    EXPECT({P(1) ",\"choice_id\"]", "unknown_choice", NULL});
}

Test(branching, next_step_off_the_edge_is_illegal_transition)
{
    cr_assert_eq(put(NULL, DOC(S(0) "," S(2), "")), -1);
    EXPECT({P(1) ",\"screen_id\"]", "illegal_transition", NULL});
    cr_assert_eq(put(NULL, DOC(S(0) "," SC(1, "calm") "," S(3), "")), -1);
    EXPECT({P(2) ",\"screen_id\"]", "illegal_transition", NULL});
}

Test(branching, choice_on_a_non_branch_step_is_illegal_transition)
{
    cr_assert_eq(put(NULL, DOC(SC(0, "calm") "," S(1), "")), -1);
    EXPECT({P(0) ",\"choice_id\"]", "illegal_transition", NULL});
}

Test(branching, choice_on_the_last_step_is_illegal_transition)
{
    cr_assert_eq(put(NULL, DOC(S(0) "," SC(1, "calm"), "")), -1);
    EXPECT({P(1) ",\"choice_id\"]", "illegal_transition", NULL});
    cr_assert_eq(put(NULL, DOC(SC(0, "x"), "")), -1);
    EXPECT({P(0) ",\"choice_id\"]", "illegal_transition", NULL});
}

Test(branching, no_step_after_a_terminal_screen)
{
    cr_assert_eq(put(DOC(S(0) "," SC(1, "panic") "," S(3), ANSWER_3),
                     DOC(S(0) "," SC(1, "panic") "," S(3) "," S(4) "," S(0), "")),
                 -1);
    EXPECT({P(4) ",\"screen_id\"]", "illegal_transition", NULL});
}

Test(branching, unanswered_question_cannot_be_left)
{
    cr_assert_eq(put(NULL, DOC(S(0) "," SC(1, "panic") "," S(3) "," S(4), "")), -1);
    EXPECT({P(2) "]", "requirements_not_met", NULL});
    /* The last step's requirement is not checked: the learner is still on it. */
    cr_assert_eq(put(NULL, DOC(S(0) "," SC(1, "panic") "," S(3), "")), 0);
}

Test(branching, reflection_requirement_is_judged_on_the_new_text)
{
    cr_assert_eq(
        put(NULL, DOC(S(0) "," SC(1, "calm") "," S(2) "," S(4), "\"$2\":{\"text\":\"ab\"}")), -1);
    EXPECT({P(2) "]", "requirements_not_met", NULL});
    cr_assert_eq(
        put(NULL, DOC(S(0) "," SC(1, "calm") "," S(2) "," S(4), "\"$2\":{\"text\":\"abc\"}")), 0);
}

Test(branching, errors_of_one_pass_are_all_reported)
{
    cr_assert_eq(put(DOC(S(0) "," S(1), ""), "{\"path\":[" S(4) "," SC(1, "nope") "," S(
                                                 9) "],"
                                                    "\"responses\":{\"$5\":{},\"$4\":{}},\"x\":0}"),
                 -1);
    EXPECT({"[" PD ",\"x\"]", "extra_forbidden", NULL},
           {P(0) ",\"screen_id\"]", "invalid_start", NULL},
           {P(1) ",\"screen_id\"]", "illegal_transition", NULL} /* 4 is terminal */,
           {P(1) ",\"choice_id\"]", "unknown_choice", NULL},
           {P(2) ",\"screen_id\"]", "unknown_screen", NULL},
           {"[" PD ",\"path\"]", "progress_regression", NULL},
           {"[" PD ",\"responses\",\"$5\"]", "screen_not_reachable", NULL},
           {"[" PD ",\"responses\",\"$4\"]", "response_not_allowed", NULL});
}

Test(branching, cycles_are_legal)
{
    cr_assert_eq(put(NULL, DOC(S(0) "," SC(1, "loop") "," S(0) "," SC(1, "calm") "," S(2), "")), 0);
    expect_summary(DOC(S(0) "," SC(1, "loop") "," S(0) "," SC(1, "calm") "," S(2), ""),
                   PROGRESS_IN_PROGRESS, 80);
}

/* --- regression ------------------------------------------------------------------------- */

Test(branching, shorter_path_is_progress_regression)
{
    cr_assert_eq(put(DOC(S(0) "," S(1), ""), DOC(S(0), "")), -1);
    EXPECT({"[" PD ",\"path\"]", "progress_regression", NULL});
    cr_assert_eq(put(DOC(S(0) "," S(1), ""), DOC("", "")), -1);
    EXPECT({"[" PD ",\"path\"]", "progress_regression", NULL});
}

Test(branching, changed_choice_is_progress_regression)
{
    cr_assert_eq(
        put(DOC(S(0) "," SC(1, "calm") "," S(2), ""), DOC(S(0) "," SC(1, "panic") "," S(3), "")),
        -1);
    EXPECT({"[" PD ",\"path\"]", "progress_regression", NULL});
    /* Same screens, other choice: the choice alone is a regression. */
    cr_assert_eq(
        put(DOC(S(0) "," SC(1, "calm") "," S(2), ""), DOC(S(0) "," SC(1, "panic") "," S(2), "")),
        -1);
    EXPECT({"[" PD ",\"path\"]", "progress_regression", NULL},
           {P(2) ",\"screen_id\"]", "illegal_transition", NULL});
}

Test(branching, choosing_on_the_stored_last_step_moves_on)
{
    cr_assert_eq(put(DOC(S(0) "," S(1), ""), DOC(S(0) "," SC(1, "calm") "," S(2), "")), 0);
    cr_assert_eq(put(DOC(S(0) "," S(1), ""), DOC(S(0) "," SC(1, "loop") "," S(0), "")), 0);
    cr_assert_eq(put(DOC(S(0) "," S(1), ""), DOC(S(0) "," S(1), "")), 0);
}

/* --- responses -------------------------------------------------------------------------- */

Test(branching, response_keys_must_be_on_the_path)
{
    cr_assert_eq(put(NULL, "{\"path\":[" S(0) "," SC(1, "calm") "," S(
                               2) "],\"responses\":{"
                                  "\"$2\":{\"text\":\"abcdef\"},\"$5\":{\"checked_item_ids\":[]},"
                                  "\"$9\":{},\"^1\":{},\"$0\":{}}}"),
                 -1);
    EXPECT({"[" PD ",\"responses\",\"$2\",\"text\"]", "string_too_long",
            "String should have at most 5 characters"},
           {"[" PD ",\"responses\",\"$5\"]", "screen_not_reachable", NULL},
           {"[" PD ",\"responses\",\"$9\"]", "unknown_screen", NULL},
           {"[" PD ",\"responses\",\"^1\"]", "response_not_allowed", NULL},
           {"[" PD ",\"responses\",\"$0\"]", "response_not_allowed", NULL});
}

Test(branching, client_responses_are_stored_under_canonical_ids)
{
    cr_assert_eq(put(NULL,
                     "{\"path\":[" S(0) "," SC(1, "calm") "," S(2) "],\"responses\":{"
                                                                   "\"^2\":{\"text\":\"ab\"}}}"),
                 0);
    expect_doc(DOC(S(0) "," SC(1, "calm") "," S(2), "\"$2\":{\"text\":\"ab\"}"));
}

Test(branching, question_values_sent_are_ignored_and_stored_kept)
{
    const char *stored = DOC(S(0) "," SC(1, "panic") "," S(3), ANSWER_3);

    cr_assert_eq(put(stored, DOC(S(0) "," SC(1, "panic") "," S(3),
                                 "\"$3\":{\"option_ids\":[\"a\"],\"correct\":true}")),
                 0);
    expect_doc(stored);
    cr_assert_eq(put(stored, DOC(S(0) "," SC(1, "panic") "," S(3), "")), 0);
    expect_doc(stored);
}

Test(branching, omitted_client_responses_are_dropped)
{
    cr_assert_eq(put(DOC(S(0) "," SC(1, "calm") "," S(2), "\"$2\":{\"text\":\"abc\"}"),
                     DOC(S(0) "," SC(1, "calm") "," S(2), "")),
                 0);
    expect_doc(DOC(S(0) "," SC(1, "calm") "," S(2), ""));
}

/* --- status and percent ----------------------------------------------------------------- */

Test(branching, percent_follows_steps_and_distance_to_an_end)
{
    expect_summary(DOC("", ""), PROGRESS_NOT_STARTED, 0);
    expect_summary(DOC(S(0), ""), PROGRESS_IN_PROGRESS, 0);           /* 0 / (0 + 2) */
    expect_summary(DOC(S(0) "," S(1), ""), PROGRESS_IN_PROGRESS, 50); /* 1 / (1 + 1) */
    expect_summary(DOC(S(0) "," SC(1, "calm") "," S(2), ""), PROGRESS_IN_PROGRESS,
                   66); /* 2 / (2 + 1) */
    expect_summary(DOC(S(0) "," SC(1, "loop") "," S(0), ""), PROGRESS_IN_PROGRESS,
                   50); /* 2 / (2 + 2) */
    expect_summary(DOC(S(0) "," SC(1, "loop") "," S(0) "," S(1), ""), PROGRESS_IN_PROGRESS, 75);
}

Test(branching, completed_at_a_terminal_screen_that_meets_its_requirement)
{
    expect_summary(DOC(S(0) "," SC(1, "panic") "," S(3) "," S(4), ANSWER_3), PROGRESS_COMPLETED,
                   100);
    expect_summary(DOC(S(0) "," SC(1, "write") "," S(7), "\"$7\":{\"text\":\"abc\"}"),
                   PROGRESS_COMPLETED, 100);
}

/* d = 0 there, so the formula gives 100; percent stays below 100 until the end is met. */
Test(branching, unmet_terminal_screen_is_99_percent)
{
    expect_summary(DOC(S(0) "," SC(1, "write") "," S(7), ""), PROGRESS_IN_PROGRESS, 99);
    expect_summary(DOC(S(0) "," SC(1, "write") "," S(7), "\"$7\":{\"text\":\"ab\"}"),
                   PROGRESS_IN_PROGRESS, 99);
}

Test(branching, long_loop_is_capped_below_100)
{
    json_t *path = json_array();

    for (int i = 0; i < 201; i++)
        json_array_append_new(path, json_pack("{s:s, s:s?}", "screen_id", ids[i % 2], "choice_id",
                                              i % 2 == 1 && i < 200 ? "loop" : NULL));
    json_t *doc = keep(json_pack("{s:o, s:{}}", "path", path, "responses"));
    struct progress_summary s;

    progress_branching.summarize(&mod, doc, &s);
    cr_assert_eq(s.status, PROGRESS_IN_PROGRESS);
    cr_assert_eq(s.percent, 99); /* 200 / (200 + 1) */
}

Test(branching, no_way_to_an_end_is_0_percent)
{
    expect_summary(DOC(S(0) "," S(6) "," S(6), ""), PROGRESS_IN_PROGRESS, 0);
    expect_summary(DOC(S(0) "," S(9), ""), PROGRESS_IN_PROGRESS, 0);
}

Test(branching, branch_requirement_is_a_choice)
{
    cr_assert(progress_requirement_met(&mod, 1, J("{}"), "calm"));
    cr_assert_not(progress_requirement_met(&mod, 1, J("{}"), NULL));
}

/* --- answers ---------------------------------------------------------------------------- */

Test(branching, answer_on_the_path_is_recorded)
{
    bool correct = false;

    cr_assert_eq(answer(DOC(S(0) "," SC(1, "panic") "," S(3), ""), 3, "[\"b\"]", &correct), 0);
    cr_assert(correct);
    expect_doc(DOC(S(0) "," SC(1, "panic") "," S(3),
                   "\"$3\":{\"option_ids\":[\"b\"],\"correct\":true,"
                   "\"answered_at\":\"2026-11-27T09:30:00.123Z\"}"));
}

Test(branching, answer_off_the_path_is_screen_not_reachable)
{
    bool correct;

    cr_assert_eq(answer(DOC(S(0) "," SC(1, "calm") "," S(2), ""), 3, "[\"b\"]", &correct), -1);
    cr_assert_null(out);
    EXPECT({"[\"path\",\"screen_id\"]", "screen_not_reachable", NULL});
    cr_assert_eq(answer(DOC("", ""), 3, "[\"c\"]", &correct), -1);
    EXPECT({"[\"path\",\"screen_id\"]", "screen_not_reachable", NULL},
           {"[\"body\",\"option_ids\",0]", "unknown_option", NULL});
}

Test(branching, second_answer_is_a_conflict)
{
    bool correct;

    cr_assert_eq(answer(DOC(S(0) "," SC(1, "panic") "," S(3), ANSWER_3), 3, "[\"a\"]", &correct),
                 TS_ECONFLICT);
    cr_assert_null(out);
    cr_assert_eq(json_array_size(errors), 0);
}
