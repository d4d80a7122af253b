/*
 * The branching flow (API.md §8.3): the learner walks the screen graph of §6.2 from the start
 * screen, and progress_data is {"path": [{"screen_id", "choice_id"}...], "responses"}.
 *
 * Sections:
 *   1. Reading the PUT document: its shape and each path step.
 *   2. The rules of the §8.3 table.
 *   3. put and summarize.
 *
 * Where a rule's error goes (loc under ["body","progress_data","path"]):
 *   - a branch step that is not last with a null or foreign choice_id: unknown_choice at
 *     [i,"choice_id"]. A missing choice is the branch requirement failing too, but the choice
 *     is the one thing to fix, so requirements_not_met is never reported for branch steps;
 *   - a choice_id where null is required (a non-branch step, or the last step): illegal_transition
 *     at [i,"choice_id"], the value that is wrong;
 *   - a next step that does not follow the edge: illegal_transition at [i+1,"screen_id"];
 *   - a non-branch step, not last, whose requirement is not met: requirements_not_met at [i].
 * Checks that compare two steps are skipped when either step has errors of its own.
 *
 * Responses follow the linear flow: question answers are carried over from the stored
 * document, reflection and checklist values are the client's and dropped when omitted.
 */
#include "domain/progress.h"

#include <stdlib.h>
#include <string.h>

#include "domain/publish.h"
#include "domain/screen_refs.h"
#include "util/arena.h"
#include "util/str.h"

#define MSG_UNKNOWN_SCREEN "Screen does not belong to this module"
#define MSG_NOT_REACHABLE "Screen is not reachable yet"
#define MSG_REQUIREMENTS "Screen requirements are not met"
#define MSG_UNKNOWN_CHOICE "Choice does not belong to this branch screen"
#define MSG_INVALID_START "Path must start at the start screen"
#define MSG_ILLEGAL "Step does not follow a legal edge"
#define MSG_REGRESSION "Progress cannot go backwards"

struct step {
    char id[STR_UUID_SIZE]; /* canonical screen_id, "" when it was not a UUID */
    int screen;             /* its index, -1 when it names no screen */
    const char *choice;     /* choice_id (borrowed), NULL when null or absent */
    bool ok;                /* the step had no errors of its own */
};

/* The PUT document as read so far; branching_free() releases the arrays. */
struct branching_in {
    json_t *path;      /* the path array (borrowed), NULL when absent or bad */
    bool path_ok;      /* the path was readable (absent counts as []) */
    size_t len;        /* steps in it */
    struct step *step; /* len entries */
    bool *on_path;     /* per screen: a step of the new path */
    json_t *responses; /* the responses object (borrowed), NULL when absent or bad */
    bool *bad;         /* per screen: the response sent for it had errors */
};

static void branching_free(struct branching_in *bi)
{
    free(bi->step);
    free(bi->on_path);
    free(bi->bad);
}

/* Records an error at ["path", i] plus `key`. */
static void step_error(struct valid *v, size_t i, const char *key, const char *type,
                       const char *msg)
{
    valid_push_key(v, "path");
    valid_push_index(v, i);
    valid_error(v, key, type, "%s", msg);
    valid_pop(v);
    valid_pop(v);
}

/* --- 1. Reading the PUT document --------------------------------------------------------- */

static void read_step(struct valid *v, const struct progress_module *m, json_t *item,
                      struct step *st)
{
    const struct schema *s = schema_find(&progress_schema_branching, "path")->items->object;
    size_t before = valid_error_count(v);

    st->screen = -1;
    if (valid_check_object(v, NULL, item, NULL) != V_OK)
        return;
    valid_no_extra_fields(v, item, s);
    if (valid_field(v, item, s, "screen_id", st->id) == V_OK) {
        st->screen = progress_find_screen(m, st->id);
        if (st->screen < 0)
            valid_error(v, "screen_id", "unknown_screen", MSG_UNKNOWN_SCREEN);
    }
    if (valid_field(v, item, s, "choice_id", &st->choice) != V_OK)
        st->choice = NULL;
    st->ok = valid_error_count(v) == before;
}

static void read_path(struct valid *v, const struct progress_module *m, json_t *in,
                      struct branching_in *bi)
{
    const struct schema *s = &progress_schema_branching;
    json_t *item;
    size_t i;

    valid_no_extra_fields(v, in, s);
    int rc = valid_field(v, in, s, "path", &bi->path);
    bi->path_ok = rc != V_ERR;
    if (rc != V_OK)
        bi->path = NULL;
    if (valid_field(v, in, s, "responses", &bi->responses) != V_OK)
        bi->responses = NULL;

    bi->len = json_array_size(bi->path);
    bi->step = xcalloc(bi->len + 1, sizeof(*bi->step));
    valid_push_key(v, "path");
    json_array_foreach(bi->path, i, item)
    {
        valid_push_index(v, i);
        read_step(v, m, item, &bi->step[i]);
        if (bi->step[i].screen >= 0)
            bi->on_path[bi->step[i].screen] = true;
        valid_pop(v);
    }
    valid_pop(v);
}

/* --- 2. The rules ------------------------------------------------------------------------ */

/* The client's responses, reachable meaning "a step of the new path". */
static void check_responses(struct valid *v, const struct progress_module *m, json_t *stored,
                            struct branching_in *bi, json_t *res)
{
    bool *reachable = xcalloc((size_t)m->n + 1, sizeof(bool));

    for (int i = 0; i < m->n; i++)
        reachable[i] = !bi->path_ok || bi->on_path[i];
    progress_check_responses(v, m, stored, bi->responses, reachable, bi->bad, res);
    free(reachable);
}

/* Step i, not the last: its choice, its requirement and the edge to step i + 1. */
static void check_edge(struct valid *v, const struct progress_module *m,
                       const struct branching_in *bi, size_t i, json_t *res)
{
    const struct step *st = &bi->step[i];
    const struct step *next = &bi->step[i + 1];
    const struct progress_screen *s = &m->screens[st->screen];
    const char *target;

    if (s->type == SCREEN_BRANCH) {
        json_t *choice = screen_refs_find_choice(s->content, st->choice);
        if (choice == NULL) {
            step_error(v, i, "choice_id", "unknown_choice", MSG_UNKNOWN_CHOICE);
            return;
        }
        target = json_string_value(json_object_get(choice, "next_screen_id"));
    } else {
        if (st->choice != NULL)
            step_error(v, i, "choice_id", "illegal_transition", MSG_ILLEGAL);
        if (!bi->bad[st->screen] && !progress_requirement_met(m, st->screen, res, NULL))
            step_error(v, i, NULL, "requirements_not_met", MSG_REQUIREMENTS);
        target = s->next_screen_id;
    }
    if (next->ok && (target == NULL || strcmp(target, m->screens[next->screen].id) != 0))
        step_error(v, i + 1, "screen_id", "illegal_transition", MSG_ILLEGAL);
}

static void check_steps(struct valid *v, const struct progress_module *m,
                        const struct branching_in *bi, json_t *res)
{
    for (size_t i = 0; i < bi->len; i++) {
        const struct step *st = &bi->step[i];
        if (!st->ok)
            continue;
        const char *start = m->start_screen_id;
        if (i == 0 && (start == NULL || strcmp(st->id, start) != 0))
            step_error(v, 0, "screen_id", "invalid_start", MSG_INVALID_START);
        if (i + 1 < bi->len)
            check_edge(v, m, bi, i, res);
        else if (st->choice != NULL)
            step_error(v, i, "choice_id", "illegal_transition", MSG_ILLEGAL);
    }
}

/*
 * The stored path must be a prefix of the new one. A stored step's choice may be null only on
 * its last step, which the learner had not left yet; choosing there is moving on, not back.
 * New steps with errors of their own are not compared: those errors already fail the request.
 */
static void check_regression(struct valid *v, json_t *stored, const struct branching_in *bi)
{
    json_t *old = json_object_get(stored, "path");
    json_t *item;
    size_t j;

    if (!bi->path_ok)
        return;
    bool regress = json_array_size(old) > bi->len;
    json_array_foreach(old, j, item)
    {
        if (regress || j >= bi->len)
            break;
        const struct step *st = &bi->step[j];
        const char *sid = json_string_value(json_object_get(item, "screen_id"));
        const char *cid = json_string_value(json_object_get(item, "choice_id"));
        if (!st->ok)
            continue;
        regress = sid == NULL || strcmp(sid, st->id) != 0 ||
                  (cid != NULL && (st->choice == NULL || strcmp(cid, st->choice) != 0));
    }
    if (regress)
        valid_error(v, "path", "progress_regression", MSG_REGRESSION);
}

/* --- 3. put and summarize ---------------------------------------------------------------- */

/* The document to store; takes `res`. Every step names a screen by now. */
static json_t *build_new(const struct progress_module *m, const struct branching_in *bi,
                         json_t *res)
{
    json_t *path = json_array();

    for (size_t i = 0; i < bi->len; i++) {
        const struct step *st = &bi->step[i];
        json_t *choice = st->choice != NULL ? json_string(st->choice) : json_null();
        json_array_append_new(path, json_pack("{s:s, s:o}", "screen_id", m->screens[st->screen].id,
                                              "choice_id", choice));
    }
    return json_pack("{s:o, s:o}", "path", path, "responses", res);
}

static int put(struct valid *v, const struct progress_module *m, json_t *stored, json_t *in,
               json_t **out)
{
    struct branching_in bi = {0};
    json_t *res = json_object();
    size_t before = valid_error_count(v);
    int rc = -1;

    *out = NULL;
    bi.on_path = xcalloc((size_t)m->n + 1, sizeof(bool));
    bi.bad = xcalloc((size_t)m->n + 1, sizeof(bool));
    if (valid_check_object(v, NULL, in, NULL) != V_OK)
        goto out;
    read_path(v, m, in, &bi);
    check_responses(v, m, stored, &bi, res);
    check_steps(v, m, &bi, res);
    check_regression(v, stored, &bi);
    if (valid_error_count(v) != before)
        goto out;
    *out = build_new(m, &bi, res);
    res = NULL; /* build_new() took it */
    rc = 0;
out:
    json_decref(res);
    branching_free(&bi);
    return rc;
}

/* Fewest edges from screen i to a terminal screen, -1 when none can be reached. */
static int distance_from(const struct progress_module *m, int i)
{
    struct publish_screen *g = xcalloc((size_t)m->n + 1, sizeof(*g));
    int *dist = xcalloc((size_t)m->n + 1, sizeof(int));

    for (int k = 0; k < m->n; k++) {
        const struct progress_screen *s = &m->screens[k];
        g[k] = (struct publish_screen){.id = s->id,
                                       .type = s->type,
                                       .next_screen_id = s->next_screen_id,
                                       .content = s->content};
    }
    publish_distance_to_terminal(g, m->n, dist);
    int d = dist[i];
    free(g);
    free(dist);
    return d;
}

/*
 * Percent while in progress: s steps taken and d still needed by the shortest way out. A
 * last screen from which no terminal screen can be reached (publishing forbids it, so only a
 * damaged module gets here) gives 0 rather than a made-up estimate.
 */
static int path_percent(const struct progress_module *m, int last, size_t len)
{
    int d = last >= 0 ? distance_from(m, last) : -1;
    long s = (long)len - 1;

    if (d < 0 || s + d == 0)
        return 0;
    long p = 100 * s / (s + d);
    return p > 99 ? 99 : (int)p;
}

static void summarize(const struct progress_module *m, json_t *data, struct progress_summary *out)
{
    json_t *path = json_object_get(data, "path");
    size_t len = json_array_size(path);

    memset(out, 0, sizeof(*out));
    if (len == 0) {
        out->status = PROGRESS_NOT_STARTED;
        return;
    }
    json_t *last_step = json_array_get(path, len - 1);
    int last = progress_screen_of(m, json_string_value(json_object_get(last_step, "screen_id")));
    const char *choice = json_string_value(json_object_get(last_step, "choice_id"));
    const struct progress_screen *s = last >= 0 ? &m->screens[last] : NULL;
    if (s != NULL && s->type != SCREEN_BRANCH && s->next_screen_id == NULL &&
        progress_requirement_met(m, last, json_object_get(data, "responses"), choice)) {
        out->status = PROGRESS_COMPLETED;
        out->percent = 100;
        return;
    }
    out->status = PROGRESS_IN_PROGRESS;
    out->percent = path_percent(m, last, len);
}

const struct progress_flow progress_branching = {put, summarize};
