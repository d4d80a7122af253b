/*
 * The linear flow (API.md §8.2): screens are taken in position order, and progress_data is
 * {"current_screen_id", "completed_screen_ids", "responses"}.
 *
 * Sections:
 *   1. Reading the PUT document: its shape and the completed list.
 *   2. The rules of the §8.2 table.
 *   3. put and summarize.
 *
 * A PUT replaces the document. Question responses are the server's (§8.5) and are always
 * carried over from the stored document; reflection and checklist responses are the client's,
 * so one the client leaves out is dropped, the same way an omitted key removes an assessment
 * answer (§8.4). Ids in `completed_screen_ids` are plain strings in the schema (like
 * screen-order's `screen_ids`): a string that is not a UUID cannot name a screen and is
 * reported as unknown_screen; `current_screen_id` is a UUID field with the §1.3 UUID errors.
 */
#include "domain/progress.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/str.h"

#define MSG_UNKNOWN_SCREEN "Screen does not belong to this module"
#define MSG_NOT_REACHABLE "Screen is not reachable yet"
#define MSG_REQUIREMENTS "Screen requirements are not met"
#define MSG_REGRESSION "Progress cannot go backwards"

/* The PUT document as read so far. Arrays are xmalloc'ed; linear_free() releases them. */
struct linear_in {
    json_t *completed; /* the completed_screen_ids array (borrowed), NULL when absent/bad */
    bool completed_ok; /* the list was readable (absent counts as []) */
    int *at;           /* per element: screen index, -1 when it names no screen */
    bool *first;       /* per element: first occurrence of its screen */
    bool *done;        /* per screen: in the new completed set */
    int first_missing; /* the first screen not completed, n when all are */
    int current;       /* current_screen_id's screen index; -1 null/absent/bad */
    bool current_set;  /* current_screen_id is a UUID (maybe no screen) */
    char current_id[STR_UUID_SIZE]; /* its canonical form */
    json_t *responses;              /* the responses object (borrowed), NULL when absent/bad */
    bool *bad;                      /* per screen: the response sent for it had errors */
};

static void linear_init(struct linear_in *li, const struct progress_module *m)
{
    memset(li, 0, sizeof(*li));
    li->current = -1;
    li->done = xcalloc((size_t)m->n + 1, sizeof(bool));
    li->bad = xcalloc((size_t)m->n + 1, sizeof(bool));
}

static void linear_free(struct linear_in *li)
{
    free(li->at);
    free(li->first);
    free(li->done);
    free(li->bad);
}

/* --- 1. Reading the PUT document --------------------------------------------------------- */

static void read_shape(struct valid *v, json_t *in, struct linear_in *li)
{
    const struct schema *s = &progress_schema_linear;

    valid_no_extra_fields(v, in, s);
    li->current_set = valid_field(v, in, s, "current_screen_id", li->current_id) == V_OK;
    int rc = valid_field(v, in, s, "completed_screen_ids", &li->completed);
    li->completed_ok = rc != V_ERR;
    if (rc != V_OK)
        li->completed = NULL;
    if (valid_field(v, in, s, "responses", &li->responses) != V_OK)
        li->responses = NULL;
}

/*
 * Resolves every element of completed_screen_ids (string_type, unknown_screen) and marks the
 * new completed set. Uniqueness is decided on the resolved screens, so "ABC…" and "abc…" are
 * the same id; repeated strings that name no screen are already errors of their own.
 */
static void read_completed(struct valid *v, const struct progress_module *m, struct linear_in *li)
{
    size_t count = json_array_size(li->completed);
    bool duplicate = false;
    json_t *item;
    size_t k;

    li->at = xmalloc(sizeof(int) * (count + 1));
    li->first = xcalloc(count + 1, sizeof(bool));
    valid_push_key(v, "completed_screen_ids");
    json_array_foreach(li->completed, k, item)
    {
        valid_push_index(v, k);
        li->at[k] = -1;
        if (valid_check_string(v, NULL, item, 0, SIZE_MAX, NULL) == V_OK) {
            li->at[k] = progress_screen_of(m, json_string_value(item));
            if (li->at[k] < 0)
                valid_error(v, NULL, "unknown_screen", MSG_UNKNOWN_SCREEN);
            else if (li->done[li->at[k]])
                duplicate = true;
            else
                li->first[k] = li->done[li->at[k]] = true;
        }
        valid_pop(v);
    }
    valid_pop(v);
    if (duplicate)
        valid_error(v, "completed_screen_ids", "duplicate_item", "List items must be unique");
    li->first_missing = 0;
    while (li->first_missing < m->n && li->done[li->first_missing])
        li->first_missing++;
}

/* --- 2. The rules ------------------------------------------------------------------------ */

/*
 * Reachable: every screen before it is completed in the new document. Without a readable
 * completed list there is no set to judge by, and its own error already fails the request.
 */
static bool is_reachable(const struct linear_in *li, int i)
{
    return !li->completed_ok || i <= li->first_missing;
}

/* The client's responses, reachable meaning "every earlier screen completed". */
static void check_responses(struct valid *v, const struct progress_module *m, json_t *stored,
                            struct linear_in *li, json_t *res)
{
    bool *reachable = xcalloc((size_t)m->n + 1, sizeof(bool));

    for (int i = 0; i < m->n; i++)
        reachable[i] = is_reachable(li, i);
    progress_check_responses(v, m, stored, li->responses, reachable, li->bad, res);
    free(reachable);
}

/*
 * The completed list must be the first k screens: an element is out of place when a screen
 * before it is missing. Requirements are judged on the document being stored (`res`); a
 * screen whose response was rejected is not judged again, its errors already say why.
 */
static void check_prefix(struct valid *v, const struct progress_module *m,
                         const struct linear_in *li, json_t *res)
{
    valid_push_key(v, "completed_screen_ids");
    for (size_t k = 0; k < json_array_size(li->completed); k++) {
        int i = li->at[k];
        if (i < 0 || !li->first[k])
            continue;
        valid_push_index(v, k);
        if (i > li->first_missing)
            valid_error(v, NULL, "screen_not_reachable", MSG_NOT_REACHABLE);
        else if (!li->bad[i] && !progress_requirement_met(m, i, res, NULL))
            valid_error(v, NULL, "requirements_not_met", MSG_REQUIREMENTS);
        valid_pop(v);
    }
    valid_pop(v);
}

/* Stored ids that name no screen of the module are skipped: the client could never send them
 * back, so one such id would otherwise lock the record against every further write. */
static void check_regression(struct valid *v, const struct progress_module *m, json_t *stored,
                             const struct linear_in *li)
{
    json_t *item;
    size_t k;

    if (!li->completed_ok)
        return;
    json_array_foreach(json_object_get(stored, "completed_screen_ids"), k, item)
    {
        int i = progress_screen_of(m, json_string_value(item));
        if (i >= 0 && !li->done[i]) {
            valid_error(v, "completed_screen_ids", "progress_regression", MSG_REGRESSION);
            return;
        }
    }
}

static void check_current(struct valid *v, const struct progress_module *m, struct linear_in *li)
{
    if (!li->current_set)
        return;
    li->current = progress_find_screen(m, li->current_id);
    if (li->current < 0)
        valid_error(v, "current_screen_id", "unknown_screen", MSG_UNKNOWN_SCREEN);
    else if (!is_reachable(li, li->current))
        valid_error(v, "current_screen_id", "screen_not_reachable", MSG_NOT_REACHABLE);
}

/* --- 3. put and summarize ---------------------------------------------------------------- */

/* The document to store; takes `res`. Every element of the list names a screen by now. */
static json_t *build_new(const struct progress_module *m, const struct linear_in *li, json_t *res)
{
    json_t *ids = json_array();

    for (size_t k = 0; k < json_array_size(li->completed); k++)
        json_array_append_new(ids, json_string(m->screens[li->at[k]].id));
    json_t *current = li->current >= 0 ? json_string(m->screens[li->current].id) : json_null();
    return json_pack("{s:o, s:o, s:o}", "current_screen_id", current, "completed_screen_ids", ids,
                     "responses", res);
}

static int put(struct valid *v, const struct progress_module *m, json_t *stored, json_t *in,
               json_t **out)
{
    json_t *res = json_object();
    size_t before = valid_error_count(v);
    struct linear_in li;
    int rc = -1;

    *out = NULL;
    linear_init(&li, m);
    if (valid_check_object(v, NULL, in, NULL) != V_OK)
        goto out;
    read_shape(v, in, &li);
    read_completed(v, m, &li);
    check_responses(v, m, stored, &li, res);
    check_prefix(v, m, &li, res);
    check_regression(v, m, stored, &li);
    check_current(v, m, &li);
    if (valid_error_count(v) != before)
        goto out;
    *out = build_new(m, &li, res);
    res = NULL; /* build_new() took it */
    rc = 0;
out:
    json_decref(res);
    linear_free(&li);
    return rc;
}

static void summarize(const struct progress_module *m, json_t *data, struct progress_summary *out)
{
    json_t *completed = json_object_get(data, "completed_screen_ids");
    bool *seen = xcalloc((size_t)m->n + 1, sizeof(bool));
    int done = 0;
    json_t *item;
    size_t k;

    /* Counted by distinct screens of the module, so a stray id cannot push percent past 100. */
    json_array_foreach(completed, k, item)
    {
        int i = progress_screen_of(m, json_string_value(item));
        if (i >= 0 && !seen[i]) {
            seen[i] = true;
            done++;
        }
    }
    free(seen);
    memset(out, 0, sizeof(*out));
    out->percent = m->n > 0 ? 100 * done / m->n : 0;
    if (m->n > 0 && done == m->n)
        out->status = PROGRESS_COMPLETED;
    else if (json_array_size(completed) == 0 &&
             json_object_size(json_object_get(data, "responses")) == 0 &&
             !json_is_string(json_object_get(data, "current_screen_id")))
        out->status = PROGRESS_NOT_STARTED;
    else
        out->status = PROGRESS_IN_PROGRESS;
}

const struct progress_flow progress_linear = {put, summarize};
