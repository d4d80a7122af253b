/*
 * Screen requirements and response values shared by the linear and branching flows (API.md §8
 * "Screen requirements" and "Responses"), and the server-graded answer of §8.5.
 *
 * Sections:
 *   1. Reading normalised screen content.
 *   2. Requirements.
 *   3. Response values sent in a PUT.
 *   4. Answers (POST .../answer).
 *
 * Screen content was validated and normalised when it was written, but it is still read
 * defensively: a missing key falls back to its §6.3 default, so a bad document can make a
 * requirement fail but never crash the server.
 */
#include "domain/progress.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"

#define MSG_NOT_ALLOWED "This screen does not take a response"
#define MSG_UNKNOWN_ITEM "Item does not belong to this checklist"
#define MSG_NOT_REACHABLE "Screen is not reachable yet"
#define MSG_UNKNOWN_OPTION "Option does not belong to this question"

/* --- 1. Reading normalised screen content ------------------------------------------------ */

static int64_t content_int(json_t *content, const char *key, int64_t fallback)
{
    json_t *val = json_object_get(content, key);

    return json_is_integer(val) ? (int64_t)json_integer_value(val) : fallback;
}

/* Whether the id list `key` of `content` (options, items) has an entry with this id. */
static bool has_id(json_t *content, const char *key, const char *id)
{
    json_t *item;
    size_t i;

    json_array_foreach(json_object_get(content, key), i, item)
    {
        const char *s = json_string_value(json_object_get(item, "id"));
        if (s != NULL && strcmp(s, id) == 0)
            return true;
    }
    return false;
}

/* Whether the JSON array `arr` holds the string `s`. */
static bool array_has_string(json_t *arr, const char *s)
{
    json_t *item;
    size_t i;

    json_array_foreach(arr, i, item)
    {
        if (json_is_string(item) && strcmp(json_string_value(item), s) == 0)
            return true;
    }
    return false;
}

/* --- 2. Requirements --------------------------------------------------------------------- */

static bool reflection_met(json_t *content, json_t *response)
{
    const char *text = json_string_value(json_object_get(response, "text"));

    if (text == NULL)
        return false;
    int64_t n = (int64_t)str_utf8_length(text);
    return n >= content_int(content, "min_length", 0) &&
           n <= content_int(content, "max_length", 2000);
}

static bool checklist_met(json_t *content, json_t *response)
{
    json_t *checked = json_object_get(response, "checked_item_ids");
    json_t *item;
    size_t i;

    json_array_foreach(json_object_get(content, "items"), i, item)
    {
        json_t *required = json_object_get(item, "required");
        const char *id = json_string_value(json_object_get(item, "id"));
        /* "required" defaults to true (§6.3); only an explicit false exempts an item. */
        if (json_is_false(required) || id == NULL)
            continue;
        if (!array_has_string(checked, id))
            return false;
    }
    return true;
}

bool progress_requirement_met(const struct progress_module *m, int i, json_t *responses,
                              const char *choice_id)
{
    const struct progress_screen *s = &m->screens[i];
    json_t *response = json_object_get(responses, s->id);

    switch (s->type) {
    case SCREEN_CONTENT:
        return true;
    case SCREEN_QUESTION:
        return json_is_array(json_object_get(response, "option_ids"));
    case SCREEN_REFLECTION:
        return reflection_met(s->content, response);
    case SCREEN_CHECKLIST:
        return checklist_met(s->content, response);
    case SCREEN_BRANCH:
        return choice_id != NULL;
    }
    return false;
}

/* --- 3. Response values sent in a PUT ---------------------------------------------------- */

static json_t *reflection_value(struct valid *v, json_t *content, json_t *value)
{
    const struct schema *s = &progress_schema_reflection_value;
    const struct schema_field *f = schema_find(s, "text");
    int64_t max = content_int(content, "max_length", 2000);
    const char *text;

    valid_no_extra_fields(v, value, s);
    /* Only the upper bound applies on write: a draft shorter than min_length may be saved; it
     * just does not meet the requirement until it is long enough. */
    if (valid_string(v, value, f->name, f->flags & V_REQUIRED, (size_t)f->min,
                     (size_t)(max < 0 ? 0 : max), &text) != V_OK)
        return NULL;
    return json_pack("{s:s}", "text", text);
}

/* Checks every id of checked_item_ids; the ids that are strings go into `ids` (caller frees). */
static void check_items(struct valid *v, json_t *content, json_t *arr, const char **ids,
                        size_t *n_ids)
{
    const struct schema_field *items_field =
        schema_find(&progress_schema_checklist_value, "checked_item_ids");
    json_t *item;
    size_t k;

    valid_push_key(v, "checked_item_ids");
    json_array_foreach(arr, k, item)
    {
        const char *id;

        valid_push_index(v, k);
        if (valid_check_field(v, NULL, items_field->items, item, &id) == V_OK) {
            if (!has_id(content, "items", id))
                valid_error(v, NULL, "unknown_item", MSG_UNKNOWN_ITEM);
            ids[(*n_ids)++] = id;
        }
        valid_pop(v);
    }
    valid_pop(v);
}

static json_t *checklist_value(struct valid *v, json_t *content, json_t *value)
{
    const struct schema *s = &progress_schema_checklist_value;
    size_t before = valid_error_count(v);
    const char **ids = NULL;
    size_t n_ids = 0;
    json_t *arr = NULL;
    json_t *res = NULL;

    valid_no_extra_fields(v, value, s);
    if (valid_field(v, value, s, "checked_item_ids", &arr) != V_OK)
        goto out;
    ids = xmalloc(sizeof(*ids) * (json_array_size(arr) + 1));
    check_items(v, content, arr, ids, &n_ids);
    valid_check_unique(v, "checked_item_ids", ids, n_ids);
    if (valid_error_count(v) == before)
        res = json_pack("{s:o}", "checked_item_ids", json_deep_copy(arr));
out:
    free(ids);
    return res;
}

void progress_check_responses(struct valid *v, const struct progress_module *m, json_t *stored,
                              json_t *responses, const bool *reachable, bool *bad, json_t *res)
{
    const char *key;
    json_t *val;

    valid_push_key(v, "responses");
    json_object_foreach(responses, key, val)
    {
        int i = progress_screen_of(m, key);
        json_t *value = NULL;

        valid_push_key(v, key);
        if (i < 0)
            valid_error(v, NULL, "unknown_screen", "Screen does not belong to this module");
        else if (!reachable[i])
            valid_error(v, NULL, "screen_not_reachable", "Screen is not reachable yet");
        else if (progress_check_response(v, m, i, val, &value) < 0)
            bad[i] = true;
        else if (value != NULL)
            json_object_set_new(res, m->screens[i].id, value);
        valid_pop(v);
    }
    valid_pop(v);
    json_object_foreach(json_object_get(stored, "responses"), key, val)
    {
        if (progress_has_answer(stored, key))
            json_object_set_new(res, key, json_deep_copy(val));
    }
}

int progress_check_response(struct valid *v, const struct progress_module *m, int i, json_t *value,
                            json_t **out)
{
    const struct progress_screen *s = &m->screens[i];
    size_t before = valid_error_count(v);

    *out = NULL;
    switch (s->type) {
    case SCREEN_QUESTION:
        /* Answers are graded and written by the server only (§8.5): whatever was sent is
         * ignored, unchecked, and the caller keeps the stored value. */
        return 0;
    case SCREEN_CONTENT:
    case SCREEN_BRANCH:
        valid_error(v, NULL, "response_not_allowed", MSG_NOT_ALLOWED);
        return -1;
    case SCREEN_REFLECTION:
    case SCREEN_CHECKLIST:
        break;
    }
    if (valid_check_object(v, NULL, value, NULL) != V_OK)
        return -1;
    if (s->type == SCREEN_REFLECTION)
        *out = reflection_value(v, s->content, value);
    else
        *out = checklist_value(v, s->content, value);
    if (valid_error_count(v) != before) {
        json_decref(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* --- 4. Answers -------------------------------------------------------------------------- */

/* Linear: every earlier screen completed; branching: the screen is a step of the path. */
static bool is_reachable(const struct progress_module *m, json_t *stored, int qi)
{
    json_t *item;
    size_t k;

    if (m->flow == FLOW_BRANCHING) {
        json_array_foreach(json_object_get(stored, "path"), k, item)
        {
            const char *id = json_string_value(json_object_get(item, "screen_id"));
            if (id != NULL && strcmp(id, m->screens[qi].id) == 0)
                return true;
        }
        return false;
    }
    json_t *completed = json_object_get(stored, "completed_screen_ids");
    for (int j = 0; j < qi; j++) {
        if (!array_has_string(completed, m->screens[j].id))
            return false;
    }
    return true;
}

static void check_options(struct valid *body_v, json_t *content, json_t *option_ids)
{
    json_t *item;
    size_t k;

    valid_push_key(body_v, "option_ids");
    json_array_foreach(option_ids, k, item)
    {
        const char *id = json_string_value(item);
        if (id == NULL || !has_id(content, "options", id)) {
            valid_push_index(body_v, k);
            valid_error(body_v, NULL, "unknown_option", MSG_UNKNOWN_OPTION);
            valid_pop(body_v);
        }
    }
    valid_pop(body_v);
    const char *kind = json_string_value(json_object_get(content, "kind"));
    size_t n = json_array_size(option_ids);
    if (kind != NULL && strcmp(kind, "single") == 0 && n > 1)
        valid_error(body_v, "option_ids", "too_long",
                    "List should have at most 1 item after validation, not %zu", n);
}

/* Both lists hold unique ids (the body's were checked, the content's validated on write), so
 * equal sizes plus inclusion is set equality. */
static bool is_correct(json_t *content, json_t *option_ids)
{
    json_t *correct = json_object_get(content, "correct_option_ids");
    json_t *item;
    size_t k;

    if (json_array_size(correct) != json_array_size(option_ids))
        return false;
    json_array_foreach(option_ids, k, item)
    {
        if (!json_is_string(item) || !array_has_string(correct, json_string_value(item)))
            return false;
    }
    return true;
}

int progress_answer(struct valid *path_v, struct valid *body_v, const struct progress_module *m,
                    json_t *stored, int qi, json_t *option_ids, int64_t now_ms, json_t **out,
                    bool *correct)
{
    const struct progress_screen *s = &m->screens[qi];
    char at[TIME_RFC3339_LEN];

    *out = NULL;
    *correct = false;
    if (progress_has_answer(stored, s->id))
        return TS_ECONFLICT;
    size_t before = valid_error_count(path_v) + valid_error_count(body_v);
    if (!is_reachable(m, stored, qi))
        valid_error(path_v, "screen_id", "screen_not_reachable", MSG_NOT_REACHABLE);
    check_options(body_v, s->content, option_ids);
    if (valid_error_count(path_v) + valid_error_count(body_v) != before)
        return -1;

    *correct = is_correct(s->content, option_ids);
    time_format_ms(now_ms, at);
    json_t *doc = json_deep_copy(stored);
    json_t *responses = json_object_get(doc, "responses");
    if (!json_is_object(responses)) {
        responses = json_object();
        json_object_set_new(doc, "responses", responses);
    }
    json_object_set_new(responses, s->id,
                        json_pack("{s:o, s:b, s:s}", "option_ids", json_deep_copy(option_ids),
                                  "correct", *correct, "answered_at", at));
    *out = doc;
    return 0;
}
