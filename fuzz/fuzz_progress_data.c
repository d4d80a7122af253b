/*
 * progress_data per flow (docs/RELIABILITY.md, "Fuzzing"): byte 0 picks the flow (linear,
 * branching, assessment) in bits 0-1 and what follows the PUT in bits 2-3; the rest is the
 * progress_data JSON of a PUT.
 *
 * Each flow has a fixed module of screens (every screen type its flow allows; UUIDs
 * 00000000-0000-4000-8000-00000000000N, also in fuzz/dict/json.dict). The document goes
 * through the flow's put() at ["body","progress_data"] against the initial document, as
 * PUT /progress does, and the 422 is rendered as the server does. An accepted document is
 * summarised (status, percent, score), written again over itself (a client repeating its PUT),
 * and then, by bits 2-3: answered (linear and branching: every question, with "b"), or
 * submitted and given the next attempt (assessment).
 */
#include <stdint.h>
#include <stdlib.h>

#include "domain/content.h"
#include "domain/progress.h"
#include "fuzz.h"
#include "util/err.h"

#define ID(n) "00000000-0000-4000-8000-00000000000" #n

static const char *const question =
    "{\"kind\":\"single\",\"prompt\":\"Pick\",\"options\":[{\"id\":\"a\",\"text\":\"A\"},"
    "{\"id\":\"b\",\"text\":\"B\"}],\"correct_option_ids\":[\"b\"],\"explanation\":\"B.\"}";
static const char *const multiple =
    "{\"kind\":\"multiple\",\"prompt\":\"Pick\",\"options\":[{\"id\":\"a\",\"text\":\"A\"},"
    "{\"id\":\"b\",\"text\":\"B\"},{\"id\":\"c\",\"text\":\"C\"}],"
    "\"correct_option_ids\":[\"a\",\"b\"]}";
static const char *const reflection = "{\"prompt\":\"Why?\",\"min_length\":5,\"max_length\":50}";
static const char *const checklist =
    "{\"prompt\":\"Do\",\"items\":[{\"id\":\"i1\",\"text\":\"One\"},"
    "{\"id\":\"i2\",\"text\":\"Two\",\"required\":false}]}";
static const char *const text = "{\"body\":\"Hello\"}";
static const char *const branch =
    "{\"prompt\":\"P\",\"choices\":[{\"id\":\"x\",\"text\":\"X\",\"next_screen_id\":\"" ID(
        3) "\"},{\"id\":\"y\",\"text\":\"Y\",\"next_screen_id\":\"" ID(5) "\"}]}";

struct screen_def {
    const char *id;
    enum screen_type type;
    const char *content;
    const char *next;
};

/* Linear: content, question, reflection, checklist, multiple-choice question. */
static const struct screen_def linear_defs[] = {
    {ID(1), SCREEN_CONTENT, text, NULL},          {ID(2), SCREEN_QUESTION, question, NULL},
    {ID(3), SCREEN_REFLECTION, reflection, NULL}, {ID(4), SCREEN_CHECKLIST, checklist, NULL},
    {ID(5), SCREEN_QUESTION, multiple, NULL},
};
/* Branching: 1 -> branch 2 (x -> 3 -> 4, y -> 5 -> 6); 4 and 6 end. */
static const struct screen_def branching_defs[] = {
    {ID(1), SCREEN_CONTENT, text, ID(2)},        {ID(2), SCREEN_BRANCH, branch, NULL},
    {ID(3), SCREEN_QUESTION, question, ID(4)},   {ID(4), SCREEN_REFLECTION, reflection, NULL},
    {ID(5), SCREEN_CHECKLIST, checklist, ID(6)}, {ID(6), SCREEN_CONTENT, text, NULL},
};
/* Assessment: three questions, pass 50, two attempts. */
static const struct screen_def assessment_defs[] = {
    {ID(1), SCREEN_QUESTION, question, NULL},
    {ID(2), SCREEN_QUESTION, multiple, NULL},
    {ID(3), SCREEN_QUESTION, question, NULL},
};

static struct progress_screen screens[3][8];
static struct progress_module modules[3];

static void build(int flow, const struct screen_def *defs, int n)
{
    for (int i = 0; i < n; i++) {
        struct valid v;
        struct arena a;
        json_t *raw = json_loads(defs[i].content, 0, NULL), *norm = NULL;

        arena_init(&a);
        valid_init(&v, &a, "body");
        FUZZ_CHECK(raw != NULL && content_validate(&v, defs[i].type, raw, &norm) == 0);
        valid_free(&v);
        arena_free(&a);
        json_decref(raw);
        screens[flow][i] = (struct progress_screen){defs[i].id, defs[i].type, norm, defs[i].next};
    }
    modules[flow] = (struct progress_module){.flow = (enum flow_type)flow,
                                             .screens = screens[flow],
                                             .n = n,
                                             .start_screen_id = ID(1),
                                             .pass_score = 50,
                                             .max_attempts = 2};
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    build(FLOW_LINEAR, linear_defs, sizeof(linear_defs) / sizeof(linear_defs[0]));
    build(FLOW_BRANCHING, branching_defs, sizeof(branching_defs) / sizeof(branching_defs[0]));
    build(FLOW_ASSESSMENT, assessment_defs, sizeof(assessment_defs) / sizeof(assessment_defs[0]));
    return 0;
}

static void summarize(const struct progress_module *m, json_t *doc)
{
    struct progress_summary sum;

    progress_flow_for(m->flow)->summarize(m, doc, &sum);
    FUZZ_CHECK(sum.percent >= 0 && sum.percent <= 100);
    FUZZ_CHECK(!sum.has_score || (sum.score >= 0 && sum.score <= 100));
}

/* PUT `in` over `stored`: 0 with *out, or the error (422 rendered). */
static int put(struct http_req *r, const struct progress_module *m, json_t *stored, json_t *in,
               json_t **out)
{
    struct valid v;

    *out = NULL;
    valid_init(&v, &r->arena, "body");
    valid_push_key(&v, "progress_data");
    int rc = progress_flow_for(m->flow)->put(&v, m, stored, in, out);
    valid_pop(&v);
    if (rc == TS_ECONFLICT) {
        FUZZ_CHECK(m->flow == FLOW_ASSESSMENT && *out == NULL);
        valid_free(&v);
        return rc;
    }
    FUZZ_CHECK((rc == 0) == valid_ok(&v) && (rc == 0) == (*out != NULL));
    fuzz_reply_valid(r, &v);
    return rc;
}

/* Answers every question with "b", as POST .../answer does. */
static void answer_all(struct http_req *r, const struct progress_module *m, json_t *doc)
{
    json_t *ids = json_pack("[s]", "b");

    json_incref(doc);
    for (int i = 0; i < m->n; i++) {
        struct valid pv, bv;
        json_t *next = NULL;
        bool correct;

        if (m->screens[i].type != SCREEN_QUESTION)
            continue;
        valid_init(&pv, &r->arena, "path");
        valid_init(&bv, &r->arena, "body");
        int rc = progress_answer(&pv, &bv, m, doc, i, ids, 1700000000000, &next, &correct);
        FUZZ_CHECK((rc == 0) == (next != NULL));
        valid_free(&pv);
        valid_free(&bv);
        if (next != NULL) {
            summarize(m, next);
            json_decref(doc);
            doc = next;
        }
    }
    json_decref(doc);
    json_decref(ids);
}

static void submit_and_retry(const struct progress_module *m, json_t *doc)
{
    json_t *submitted = NULL, *next = NULL;

    if (progress_assessment_submit(m, doc, 1700000000000, &submitted) == 0) {
        summarize(m, submitted);
        if (progress_assessment_next(m, submitted, &next) == ATTEMPT_OK)
            summarize(m, next);
    }
    json_decref(next);
    json_decref(submitted);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_req r;
    json_t *out = NULL, *again = NULL;

    if (size < 1 || (data[0] & 3) == 3)
        return 0;
    const struct progress_module *m = &modules[data[0] & 3];
    json_t *in = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, NULL);
    if (!json_is_object(in)) { /* the body's schema check (dict_type) stops anything else */
        json_decref(in);
        return 0;
    }
    json_t *initial = progress_initial(m->flow);
    fuzz_req_init(&r);
    if (put(&r, m, initial, in, &out) == 0) {
        summarize(m, out);
        if (put(&r, m, out, in, &again) == 0)
            summarize(m, again);
        if (data[0] & 4) {
            if (m->flow == FLOW_ASSESSMENT)
                submit_and_retry(m, out);
            else
                answer_all(&r, m, out);
        }
    }
    json_decref(again);
    json_decref(out);
    json_decref(initial);
    json_decref(in);
    http_req_free(&r);
    return 0;
}
