/*
 * The assessment flow (API.md §8.4, §8.6): validation of a PUT, status/percent/score, grading
 * on submit, and starting the next attempt.
 *
 * Sections:
 *   1. Reading the document and the module.
 *   2. PUT: current_screen_id and the answers of the current attempt.
 *   3. Status, percent and score.
 *   4. Submit and the next attempt.
 *
 * Only current_screen_id and answers are the client's; attempt, submitted_at and attempts are
 * written here alone, so a PUT copies them from the stored document whatever was sent. Screen
 * content was validated when it was written but is still read defensively: a bad document can
 * make an answer wrong, never crash the server.
 */
#include "domain/progress.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"

#define MSG_UNKNOWN_SCREEN "Screen does not belong to this module"
#define MSG_NOT_ALLOWED "This screen does not take a response"
#define MSG_UNKNOWN_OPTION "Option does not belong to this question"

/* --- 1. Reading the document and the module ---------------------------------------------- */

/* A missing key counts as null: only a stored timestamp freezes the attempt. */
static bool is_submitted(json_t *data)
{
    json_t *at = json_object_get(data, "submitted_at");

    return at != NULL && !json_is_null(at);
}

static json_int_t attempt_of(json_t *data)
{
    json_t *attempt = json_object_get(data, "attempt");

    return json_is_integer(attempt) ? json_integer_value(attempt) : 1;
}

/* The last entry of "attempts", the most recent submitted attempt; NULL before the first. */
static json_t *last_attempt(json_t *data)
{
    json_t *attempts = json_object_get(data, "attempts");
    size_t n = json_array_size(attempts);

    return n > 0 ? json_array_get(attempts, n - 1) : NULL;
}

/*
 * Passed is decided from the score and the module's current pass_score rather than the stored
 * "passed" flag, so the status, the redaction that depends on it and the refusal of a new
 * attempt all agree even if an author changes pass_score later.
 */
static bool attempt_passed(const struct progress_module *m, json_t *attempt)
{
    json_t *score = json_object_get(attempt, "score");

    return json_is_integer(score) && json_integer_value(score) >= m->pass_score;
}

static bool has_option(json_t *content, const char *id)
{
    json_t *option;
    size_t i;

    json_array_foreach(json_object_get(content, "options"), i, option)
    {
        const char *s = json_string_value(json_object_get(option, "id"));
        if (s != NULL && strcmp(s, id) == 0)
            return true;
    }
    return false;
}

static bool is_single(json_t *content)
{
    const char *kind = json_string_value(json_object_get(content, "kind"));

    return kind != NULL && strcmp(kind, "single") == 0;
}

/* --- 2. PUT ------------------------------------------------------------------------------ */

/* current_screen_id: null or a screen of this module; *out the canonical id, or "" for null
 * or absent (a PUT replaces the document, as in the linear and branching flows). */
static void check_current(struct valid *v, const struct progress_module *m, json_t *in,
                          char out[STR_UUID_SIZE])
{
    int rc = valid_field(v, in, &progress_schema_assessment, "current_screen_id", out);

    if (rc != V_OK)
        out[0] = '\0';
    else if (progress_find_screen(m, out) < 0)
        valid_error(v, "current_screen_id", "unknown_screen", MSG_UNKNOWN_SCREEN);
}

/* The option ids of one answer; screen `s` is NULL when the key named no question, and then
 * only the types are checked. The location points at the answer. */
static void check_option_ids(struct valid *v, const struct progress_screen *s, json_t *value)
{
    const char **ids = xmalloc(sizeof(*ids) * (json_array_size(value) + 1));
    size_t n_ids = 0;
    json_t *item;
    size_t k;

    json_array_foreach(value, k, item)
    {
        valid_push_index(v, k);
        if (!json_is_string(item))
            valid_error(v, NULL, "string_type", "Input should be a valid string");
        else if (s != NULL && !has_option(s->content, json_string_value(item)))
            valid_error(v, NULL, "unknown_option", MSG_UNKNOWN_OPTION);
        if (json_is_string(item))
            ids[n_ids++] = json_string_value(item);
        valid_pop(v);
    }
    valid_check_unique(v, NULL, ids, n_ids);
    free(ids);
}

/* The length of an answer to question `s`. */
static void check_count(struct valid *v, const struct progress_screen *s, size_t n)
{
    /* Both kinds need an id: a question is left unanswered by omitting its key. */
    if (n == 0)
        valid_error(v, NULL, "too_short",
                    "List should have at least 1 item after validation, not 0");
    else if (is_single(s->content) && n > 1)
        valid_error(v, NULL, "too_long",
                    "List should have at most 1 item after validation, not %zu", n);
}

/* One entry of "answers": the key a question screen, the value its answer. */
static void check_answer(struct valid *v, const struct progress_module *m, const char *key,
                         json_t *value, char canon[STR_UUID_SIZE])
{
    int i = str_uuid_parse(key, canon) ? progress_find_screen(m, canon) : -1;
    const struct progress_screen *s = NULL;

    if (i < 0)
        valid_error(v, key, "unknown_screen", MSG_UNKNOWN_SCREEN);
    else if (m->screens[i].type != SCREEN_QUESTION)
        valid_error(v, key, "response_not_allowed", MSG_NOT_ALLOWED);
    else
        s = &m->screens[i];
    valid_push_key(v, key);
    if (!json_is_array(value))
        valid_error(v, NULL, "list_type", "Input should be a valid list");
    else
        check_option_ids(v, s, value);
    if (s != NULL && json_is_array(value))
        check_count(v, s, json_array_size(value));
    valid_pop(v);
}

/* "answers": a map of question screen id to option ids. *out is the map with canonical keys
 * ({} when absent: every answer omitted), or NULL after errors. Two spellings of one id leave
 * the later value, as duplicate JSON keys do (§1.2). */
static void check_answers(struct valid *v, const struct progress_module *m, json_t *in,
                          json_t **out)
{
    size_t before = valid_error_count(v);
    json_t *answers = NULL;
    json_t *res = NULL;
    const char *key;
    json_t *value;

    *out = NULL;
    if (valid_field(v, in, &progress_schema_assessment, "answers", &answers) == V_ERR)
        return;
    res = json_object();
    valid_push_key(v, "answers");
    json_object_foreach(answers, key, value)
    {
        char canon[STR_UUID_SIZE];
        check_answer(v, m, key, value, canon);
        if (valid_error_count(v) == before)
            json_object_set_new(res, canon, json_deep_copy(value));
    }
    valid_pop(v);
    if (valid_error_count(v) == before)
        *out = res;
    else
        json_decref(res);
}

static int put(struct valid *v, const struct progress_module *m, json_t *stored, json_t *in,
               json_t **out)
{
    size_t before = valid_error_count(v);
    json_t *answers = NULL;
    char current[STR_UUID_SIZE];

    *out = NULL;
    /* §8.4 puts the frozen attempt before the 422 rules: nothing sent is looked at. */
    if (is_submitted(stored))
        return TS_ECONFLICT;
    if (valid_check_object(v, NULL, in, NULL) != V_OK)
        return -1;
    /* Server-owned keys are in the schema so a client can send back the document it read. */
    valid_no_extra_fields(v, in, &progress_schema_assessment);
    check_current(v, m, in, current);
    check_answers(v, m, in, &answers);
    if (valid_error_count(v) != before) {
        json_decref(answers);
        return -1;
    }
    *out = json_deep_copy(stored);
    json_object_set_new(*out, "current_screen_id",
                        current[0] != '\0' ? json_string(current) : json_null());
    json_object_set_new(*out, "answers", answers);
    return 0;
}

/* --- 3. Status, percent and score -------------------------------------------------------- */

static void summarize(const struct progress_module *m, json_t *data, struct progress_summary *out)
{
    json_t *answers = json_object_get(data, "answers");
    json_t *last = last_attempt(data);
    json_t *score = json_object_get(last, "score");
    int questions = 0, answered = 0;

    /* "attempts history and score are kept" (§8.6): a new attempt still shows the last score. */
    out->has_score = json_is_integer(score);
    out->score = out->has_score ? (int)json_integer_value(score) : 0;
    if (is_submitted(data)) {
        out->status = attempt_passed(m, last) ? PROGRESS_PASSED : PROGRESS_FAILED;
        out->percent = 100;
        return;
    }
    for (int i = 0; i < m->n; i++) {
        if (m->screens[i].type != SCREEN_QUESTION)
            continue;
        questions++;
        if (json_object_get(answers, m->screens[i].id) != NULL)
            answered++;
    }
    out->percent = questions > 0 ? 100 * answered / questions : 0;
    bool untouched = attempt_of(data) == 1 && json_object_size(answers) == 0 &&
                     !json_is_string(json_object_get(data, "current_screen_id"));
    out->status = untouched ? PROGRESS_NOT_STARTED : PROGRESS_IN_PROGRESS;
}

const struct progress_flow progress_assessment = {.put = put, .summarize = summarize};

/* --- 4. Submit and the next attempt ------------------------------------------------------ */

/* Whether the JSON array `arr` holds a string equal to `s` (a string). */
static bool array_has(json_t *arr, json_t *s)
{
    json_t *item;
    size_t i;

    json_array_foreach(arr, i, item)
    {
        if (json_equal(item, s))
            return true;
    }
    return false;
}

/* Set equality of an answer and correct_option_ids; both hold unique ids (the answer was
 * checked on PUT, the content on write), but inclusion is checked both ways regardless. */
static bool is_correct(json_t *content, json_t *answer)
{
    json_t *correct = json_object_get(content, "correct_option_ids");
    json_t *item;
    size_t i;

    if (!json_is_array(answer) || json_array_size(answer) != json_array_size(correct))
        return false;
    json_array_foreach(answer, i, item)
    {
        if (!json_is_string(item) || !array_has(correct, item))
            return false;
    }
    json_array_foreach(correct, i, item)
    {
        if (!array_has(answer, item))
            return false;
    }
    return true;
}

int progress_assessment_submit(const struct progress_module *m, json_t *stored, int64_t now_ms,
                               json_t **out)
{
    char at[TIME_RFC3339_LEN];
    json_t *answers = json_object_get(stored, "answers");
    json_t *results = NULL;
    int questions = 0, correct = 0;

    *out = NULL;
    if (is_submitted(stored))
        return TS_ECONFLICT;
    results = json_object();
    for (int i = 0; i < m->n; i++) {
        const struct progress_screen *s = &m->screens[i];
        if (s->type != SCREEN_QUESTION)
            continue;
        /* An unanswered question has no key and so counts as wrong. */
        bool ok = is_correct(s->content, json_object_get(answers, s->id));
        json_object_set_new(results, s->id, json_boolean(ok));
        questions++;
        correct += ok;
    }
    /* Publishing requires a question screen (§7); 0 only guards against a division by zero. */
    int score = questions > 0 ? 100 * correct / questions : 0;
    time_format_ms(now_ms, at);
    json_t *doc = json_deep_copy(stored);
    json_t *attempts = json_object_get(doc, "attempts");
    if (!json_is_array(attempts)) {
        attempts = json_array();
        json_object_set_new(doc, "attempts", attempts);
    }
    json_array_append_new(
        attempts,
        json_pack("{s:I, s:o, s:o, s:i, s:b, s:s}", "attempt", attempt_of(stored), "answers",
                  json_is_object(answers) ? json_deep_copy(answers) : json_object(), "results",
                  results, "score", score, "passed", score >= m->pass_score, "submitted_at", at));
    json_object_set_new(doc, "submitted_at", json_string(at));
    *out = doc;
    return 0;
}

enum attempt_refusal progress_assessment_next(const struct progress_module *m, json_t *stored,
                                              json_t **out)
{
    json_int_t attempt = attempt_of(stored);

    *out = NULL;
    if (!is_submitted(stored))
        return ATTEMPT_NOT_SUBMITTED;
    if (attempt_passed(m, last_attempt(stored)))
        return ATTEMPT_PASSED;
    if (m->max_attempts > 0 && attempt >= m->max_attempts)
        return ATTEMPT_NONE_LEFT;
    json_t *doc = json_deep_copy(stored);
    json_object_set_new(doc, "attempt", json_integer(attempt + 1));
    json_object_set_new(doc, "answers", json_object());
    json_object_set_new(doc, "submitted_at", json_null());
    json_object_set_new(doc, "current_screen_id", json_null());
    *out = doc;
    return ATTEMPT_OK;
}
