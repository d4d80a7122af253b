/*
 * Progress (API.md §8): journeys through each demo module, the error types of §8.1, grading,
 * attempts, version conflicts under real concurrency, redaction, archived modules, and that
 * nobody reaches another user's progress.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/modules.h"

static struct ts_server srv;
static struct ts_user admin, author, learner, other;

static void start(void)
{
    ts_server_start(&srv, NULL);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_learner(&srv, &learner);
    ts_learner(&srv, &other);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(progress, .init = start, .fini = stop, .timeout = 180);

/* --- helpers ------------------------------------------------------------------------------- */

/* A request with a JSON body built by jansson (taken). */
static long send_json(const struct ts_user *u, const char *method, const char *path, json_t *body,
                      struct ts_resp *r)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    ts_as(&srv, u, method, path, text, r);
    free(text);
    json_decref(body);
    return r->status;
}

static void progress_path(char *out, size_t n, const char *mid, const char *suffix)
{
    snprintf(out, n, "/api/v1/modules/%s/progress%s", mid, suffix);
}

/* PUT progress with `data` (taken) at `version`. */
static long put(const struct ts_user *u, const char *mid, int version, json_t *data,
                struct ts_resp *r)
{
    char path[160];
    progress_path(path, sizeof(path), mid, "");
    return send_json(u, "PUT", path,
                     json_pack("{s:i,s:o}", "version", version, "progress_data", data), r);
}

static long answer(const struct ts_user *u, const char *mid, const char *sid, json_t *ids,
                   struct ts_resp *r)
{
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s/answer", mid, sid);
    return send_json(u, "POST", path, json_pack("{s:o}", "option_ids", ids), r);
}

static long post_version(const struct ts_user *u, const char *mid, const char *what, int version,
                         struct ts_resp *r)
{
    char path[200];
    progress_path(path, sizeof(path), mid, what);
    return send_json(u, "POST", path, json_pack("{s:i}", "version", version), r);
}

static int version_of(const struct ts_resp *r)
{
    json_t *p = json_object_get(r->json, "progress");
    return (int)json_integer_value(json_object_get(p ? p : r->json, "version"));
}

static const char *status_of(const struct ts_resp *r)
{
    return json_string_value(json_object_get(r->json, "status"));
}

/* The demo module of a flow, and its screens in the full view (fetched as admin). */
static json_t *demo(const char *flow, char mid[STR_UUID_SIZE])
{
    char url[600];
    snprintf(url, sizeof(url), "DATABASE_URL=%s", srv.database_url);
    const char *env[] = {url, NULL};
    const char *args[] = {"seed-demo", NULL};
    cr_assert_eq(ts_run_cli(args, env, NULL, NULL), 0);
    struct ts_resp r;
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/modules?flow_type=%s", flow);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    snprintf(mid, 37, "%s",
             json_string_value(
                 json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")));
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    ts_as(&srv, &admin, "GET", path, NULL, &r);
    json_t *items = json_incref(json_object_get(r.json, "items"));
    ts_resp_free(&r);
    return items;
}

static const char *sid(json_t *screen)
{
    return json_string_value(json_object_get(screen, "id"));
}

static const char *stype(json_t *screen)
{
    return json_string_value(json_object_get(screen, "type"));
}

/* A response that meets a screen's requirement, or NULL when it takes none. */
static json_t *meeting_response(json_t *screen)
{
    json_t *content = json_object_get(screen, "content");
    if (strcmp(stype(screen), "reflection") == 0) {
        size_t n = (size_t)json_integer_value(json_object_get(content, "min_length"));
        char *text = malloc(n + 2);
        memset(text, 'r', n + 1);
        text[n + 1] = '\0';
        json_t *v = json_pack("{s:s}", "text", text);
        free(text);
        return v;
    }
    if (strcmp(stype(screen), "checklist") == 0) {
        json_t *ids = json_array();
        json_t *item;
        size_t i;
        json_array_foreach(json_object_get(content, "items"), i, item)
            json_array_append(ids, json_object_get(item, "id"));
        return json_pack("{s:o}", "checked_item_ids", ids);
    }
    return NULL;
}

/* --- journeys ------------------------------------------------------------------------------ */

Test(progress, linear_demo_from_start_to_completed)
{
    char mid[STR_UUID_SIZE];
    json_t *screens = demo("linear", mid);
    size_t n = json_array_size(screens);
    json_t *completed = json_array(), *responses = json_object();
    struct ts_resp r;
    int version = 0;
    char path[160];
    progress_path(path, sizeof(path), mid, "");
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    json_t *initial = json_loads("{\"current_screen_id\":null,\"completed_screen_ids\":[],"
                                 "\"responses\":{}}",
                                 0, NULL);
    cr_assert(json_equal(json_object_get(r.json, "progress_data"), initial), "%s", r.body);
    json_decref(initial);
    cr_assert_str_eq(status_of(&r), "not_started");
    cr_assert_eq(version_of(&r), 0);
    cr_assert(json_is_null(json_object_get(r.json, "started_at")));
    ts_resp_free(&r);
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(screens, i);
        if (strcmp(stype(s), "question") == 0) {
            json_t *key = json_object_get(json_object_get(s, "content"), "correct_option_ids");
            cr_assert_eq(answer(&learner, mid, sid(s), json_deep_copy(key), &r), 200, "%s", r.body);
            cr_assert(json_is_true(json_object_get(r.json, "correct")));
            version = version_of(&r);
            ts_resp_free(&r);
        }
        json_t *resp = meeting_response(s);
        if (resp != NULL)
            json_object_set_new(responses, sid(s), resp);
        json_array_append_new(completed, json_string(sid(s)));
        json_t *next = i + 1 < n ? json_string(sid(json_array_get(screens, i + 1))) : json_null();
        cr_assert_eq(put(&learner, mid, version,
                         json_pack("{s:o,s:O,s:O}", "current_screen_id", next,
                                   "completed_screen_ids", completed, "responses", responses),
                         &r),
                     200, "step %zu: %s", i, r.body);
        cr_assert_eq(version_of(&r), version + 1);
        version++;
        cr_assert_eq(json_integer_value(json_object_get(r.json, "percent")),
                     (json_int_t)(100 * (i + 1) / n));
        cr_assert_str_eq(status_of(&r), i + 1 == n ? "completed" : "in_progress");
        cr_assert_not_null(json_string_value(json_object_get(r.json, "started_at")));
        if (i + 1 == n)
            cr_assert_not_null(json_string_value(json_object_get(r.json, "completed_at")));
        cr_assert(json_is_null(json_object_get(r.json, "score")));
        ts_resp_free(&r);
    }
    json_decref(completed);
    json_decref(responses);
    json_decref(screens);
    /* The dashboard shows the record with its module. */
    ts_as(&srv, &learner, "GET", "/api/v1/users/me/progress", NULL, &r);
    json_t *item = json_array_get(json_object_get(r.json, "items"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "module"), "id")),
                     mid);
    cr_assert_str_eq(json_string_value(json_object_get(item, "status")), "completed");
    ts_resp_free(&r);
}

/* A path from the start to terminal screen `end`, found breadth first; steps as
 * {"screen_id","choice_id"} with the last choice null. */
static json_t *route_to(json_t *screens, const char *start, int end)
{
    size_t n = json_array_size(screens);
    int prev[256];
    for (size_t i = 0; i < n; i++)
        prev[i] = -2;
    int queue[256], head = 0, tail = 0, s0 = -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(sid(json_array_get(screens, i)), start) == 0)
            s0 = (int)i;
    queue[tail++] = s0;
    prev[s0] = -1;
    while (head < tail) {
        int at = queue[head++];
        json_t *s = json_array_get(screens, (size_t)at);
        json_t *targets = json_array();
        if (strcmp(stype(s), "branch") == 0) {
            json_t *c;
            size_t k;
            json_array_foreach(json_object_get(json_object_get(s, "content"), "choices"), k, c)
                json_array_append(targets, json_object_get(c, "next_screen_id"));
        } else if (json_is_string(json_object_get(s, "next_screen_id"))) {
            json_array_append(targets, json_object_get(s, "next_screen_id"));
        }
        json_t *t;
        size_t k;
        json_array_foreach(targets, k, t)
        {
            for (size_t j = 0; j < n; j++)
                if (strcmp(sid(json_array_get(screens, j)), json_string_value(t)) == 0 &&
                    prev[j] == -2) {
                    prev[j] = at;
                    queue[tail++] = (int)j;
                }
        }
        json_decref(targets);
    }
    cr_assert_neq(prev[end], -2, "ending unreachable");
    json_t *path = json_array();
    for (int at = end; at != -1; at = prev[at]) {
        json_t *s = json_array_get(screens, (size_t)at);
        json_array_insert_new(path, 0, json_pack("{s:s,s:n}", "screen_id", sid(s), "choice_id"));
    }
    /* Fill the choices: a branch step's choice is the one leading to the next step. */
    for (size_t i = 0; i + 1 < json_array_size(path); i++) {
        json_t *step = json_array_get(path, i);
        const char *here = json_string_value(json_object_get(step, "screen_id"));
        const char *next =
            json_string_value(json_object_get(json_array_get(path, i + 1), "screen_id"));
        for (size_t j = 0; j < n; j++) {
            json_t *s = json_array_get(screens, j);
            if (strcmp(sid(s), here) != 0 || strcmp(stype(s), "branch") != 0)
                continue;
            json_t *c;
            size_t k;
            json_array_foreach(json_object_get(json_object_get(s, "content"), "choices"), k, c)
            {
                if (strcmp(json_string_value(json_object_get(c, "next_screen_id")), next) == 0) {
                    json_object_set(step, "choice_id", json_object_get(c, "id"));
                    break;
                }
            }
        }
    }
    return path;
}

static void walk_branching_to(int ending_index)
{
    char mid[STR_UUID_SIZE];
    json_t *screens = demo("branching", mid);
    struct ts_resp r;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/modules/%s", mid);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    char start[STR_UUID_SIZE];
    snprintf(
        start, sizeof(start), "%s",
        json_string_value(json_object_get(json_object_get(r.json, "settings"), "start_screen_id")));
    ts_resp_free(&r);
    int ends[8], nends = 0;
    for (size_t i = 0; i < json_array_size(screens); i++) {
        json_t *s = json_array_get(screens, i);
        if (strcmp(stype(s), "branch") != 0 && json_is_null(json_object_get(s, "next_screen_id")))
            ends[nends++] = (int)i;
    }
    cr_assert_geq(nends, 2, "the demo scenario has two endings");
    json_t *route = route_to(screens, start, ends[ending_index]);
    json_t *steps = json_array(), *responses = json_object();
    int version = 0;
    for (size_t i = 0; i < json_array_size(route); i++) {
        json_t *step = json_array_get(route, i);
        const char *id = json_string_value(json_object_get(step, "screen_id"));
        json_t *screen = NULL;
        for (size_t j = 0; j < json_array_size(screens); j++)
            if (strcmp(sid(json_array_get(screens, j)), id) == 0)
                screen = json_array_get(screens, j);
        /* Arrive on the screen (no choice yet), then meet its requirement. */
        json_array_append_new(steps, json_pack("{s:s,s:n}", "screen_id", id, "choice_id"));
        json_t *resp = meeting_response(screen);
        if (resp != NULL)
            json_object_set_new(responses, id, resp);
        cr_assert_eq(put(&learner, mid, version,
                         json_pack("{s:O,s:O}", "path", steps, "responses", responses), &r),
                     200, "arriving at step %zu: %s", i, r.body);
        version = version_of(&r);
        ts_resp_free(&r);
        if (strcmp(stype(screen), "question") == 0) {
            json_t *key = json_object_get(json_object_get(screen, "content"), "correct_option_ids");
            cr_assert_eq(answer(&learner, mid, id, json_deep_copy(key), &r), 200, "%s", r.body);
            version = version_of(&r);
            ts_resp_free(&r);
        }
        json_object_set(json_array_get(steps, i), "choice_id", json_object_get(step, "choice_id"));
    }
    cr_assert_eq(put(&learner, mid, version,
                     json_pack("{s:O,s:O}", "path", steps, "responses", responses), &r),
                 200, "%s", r.body);
    cr_assert_str_eq(status_of(&r), "completed", "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "percent")), 100);
    ts_resp_free(&r);
    json_decref(steps);
    json_decref(responses);
    json_decref(route);
    json_decref(screens);
}

Test(progress, branching_demo_reaches_the_first_ending)
{
    walk_branching_to(0);
}

Test(progress, branching_demo_reaches_the_second_ending)
{
    walk_branching_to(1);
}

/* Answers for every question of an assessment: right ones or wrong ones. */
static json_t *assessment_answers(json_t *screens, bool right)
{
    json_t *answers = json_object();
    json_t *s;
    size_t i;
    json_array_foreach(screens, i, s)
    {
        if (strcmp(stype(s), "question") != 0)
            continue;
        json_t *c = json_object_get(s, "content");
        json_t *key = json_object_get(c, "correct_option_ids");
        if (right) {
            json_object_set(answers, sid(s), key);
            continue;
        }
        /* A wrong answer: the first option that is not in the key. */
        json_t *o;
        size_t k;
        json_array_foreach(json_object_get(c, "options"), k, o)
        {
            bool in_key = false;
            json_t *id;
            size_t j;
            json_array_foreach(key, j, id) in_key |= json_equal(id, json_object_get(o, "id"));
            if (!in_key) {
                json_object_set_new(answers, sid(s), json_pack("[O]", json_object_get(o, "id")));
                break;
            }
        }
    }
    return answers;
}

Test(progress, assessment_demo_fail_then_pass)
{
    char mid[STR_UUID_SIZE];
    json_t *screens = demo("assessment", mid);
    struct ts_resp r;
    cr_assert_eq(put(&learner, mid, 0,
                     json_pack("{s:n,s:o}", "current_screen_id", "answers",
                               assessment_answers(screens, false)),
                     &r),
                 200, "%s", r.body);
    cr_assert_str_eq(status_of(&r), "in_progress");
    ts_resp_free(&r);
    cr_assert_eq(post_version(&learner, mid, "/submit", 1, &r), 200, "%s", r.body);
    cr_assert_str_eq(status_of(&r), "failed");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "score")), 0);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "percent")), 100);
    cr_assert_not_null(json_string_value(json_object_get(r.json, "completed_at")));
    ts_resp_free(&r);
    cr_assert_eq(put(&learner, mid, 2, json_pack("{s:{}}", "answers"), &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Attempt already submitted\"}");
    ts_resp_free(&r);
    cr_assert_eq(post_version(&learner, mid, "/submit", 2, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Attempt already submitted\"}");
    ts_resp_free(&r);
    cr_assert_eq(post_version(&learner, mid, "/attempts", 2, &r), 200, "%s", r.body);
    cr_assert_str_eq(status_of(&r), "in_progress");
    cr_assert(json_is_null(json_object_get(r.json, "completed_at")));
    cr_assert_eq(json_integer_value(json_object_get(r.json, "score")), 0, "score is kept");
    json_t *data = json_object_get(r.json, "progress_data");
    cr_assert_eq(json_integer_value(json_object_get(data, "attempt")), 2);
    cr_assert_eq(json_array_size(json_object_get(data, "attempts")), 1);
    ts_resp_free(&r);
    cr_assert_eq(post_version(&learner, mid, "/attempts", 3, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Current attempt is not submitted\"}");
    ts_resp_free(&r);
    cr_assert_eq(put(&learner, mid, 3,
                     json_pack("{s:o,s:i,s:[]}", "answers", assessment_answers(screens, true),
                               "attempt", 99, "attempts"),
                     &r),
                 200, "server-owned keys are ignored: %s", r.body);
    data = json_object_get(r.json, "progress_data");
    cr_assert_eq(json_integer_value(json_object_get(data, "attempt")), 2);
    cr_assert_eq(json_array_size(json_object_get(data, "attempts")), 1);
    ts_resp_free(&r);
    cr_assert_eq(post_version(&learner, mid, "/submit", 4, &r), 200);
    cr_assert_str_eq(status_of(&r), "passed");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "score")), 100);
    ts_resp_free(&r);
    cr_assert_eq(post_version(&learner, mid, "/attempts", 5, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Module already passed\"}");
    ts_resp_free(&r);
    json_decref(screens);
}

/* A small assessment of two single questions (correct "b"), max_attempts 2. */
static void small_assessment(char mid[STR_UUID_SIZE], char q[2][STR_UUID_SIZE])
{
    ts_module(&srv, &author,
              "{\"title\":\"Quiz\",\"flow_type\":\"assessment\",\"settings\":{\"max_attempts\":2,"
              "\"pass_score\":50}}",
              mid);
    ts_screen(&srv, &author, mid, TS_QUESTION_SCREEN, q[0]);
    ts_screen(&srv, &author, mid, TS_QUESTION_SCREEN, q[1]);
    ts_publish(&srv, &author, mid);
}

Test(progress, attempts_run_out)
{
    char mid[STR_UUID_SIZE], q[2][STR_UUID_SIZE];
    struct ts_resp r;
    small_assessment(mid, q);
    cr_assert_eq(post_version(&learner, mid, "/submit", 0, &r), 200,
                 "submitting without a record creates one: %s", r.body);
    cr_assert_str_eq(status_of(&r), "failed");
    ts_resp_free(&r);
    cr_assert_eq(post_version(&learner, mid, "/attempts", 1, &r), 200);
    ts_resp_free(&r);
    char body_answers[200];
    snprintf(body_answers, sizeof(body_answers), "{\"%s\":[\"b\"],\"%s\":[\"a\"]}", q[0], q[1]);
    cr_assert_eq(
        put(&learner, mid, 2, json_pack("{s:o}", "answers", json_loads(body_answers, 0, NULL)), &r),
        200, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "percent")), 100,
                 "both questions answered");
    ts_resp_free(&r);
    cr_assert_eq(post_version(&learner, mid, "/submit", 3, &r), 200);
    cr_assert_str_eq(status_of(&r), "passed", "50 >= pass_score 50: %s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "score")), 50);
    ts_resp_free(&r);

    /* Another learner fails twice and has no attempt left. */
    cr_assert_eq(post_version(&other, mid, "/submit", 0, &r), 200);
    ts_resp_free(&r);
    cr_assert_eq(post_version(&other, mid, "/attempts", 1, &r), 200);
    ts_resp_free(&r);
    cr_assert_eq(post_version(&other, mid, "/submit", 2, &r), 200);
    cr_assert_str_eq(status_of(&r), "failed");
    ts_resp_free(&r);
    cr_assert_eq(post_version(&other, mid, "/attempts", 3, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"No attempts remaining\"}");
    ts_resp_free(&r);
}

/* --- rules and errors ---------------------------------------------------------------------- */

/* A published linear module: content, question (correct "b"), reflection (5..50), checklist
 * (i1 required, i2 optional). */
static void linear4(char mid[STR_UUID_SIZE], char ids[4][STR_UUID_SIZE])
{
    ts_module(&srv, &author, "{\"title\":\"Four\",\"flow_type\":\"linear\"}", mid);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, ids[0]);
    ts_screen(&srv, &author, mid, TS_QUESTION_SCREEN, ids[1]);
    ts_screen(&srv, &author, mid,
              "{\"type\":\"reflection\",\"title\":\"R\",\"content\":{\"prompt\":\"Why?\","
              "\"min_length\":5,\"max_length\":50}}",
              ids[2]);
    ts_screen(
        &srv, &author, mid,
        "{\"type\":\"checklist\",\"title\":\"K\",\"content\":{\"prompt\":\"Do\",\"items\":["
        "{\"id\":\"i1\",\"text\":\"One\"},{\"id\":\"i2\",\"text\":\"Two\",\"required\":false}]}}",
        ids[3]);
    ts_publish(&srv, &author, mid);
}

static void expect_422(long status, const struct ts_resp *r, const char *loc, const char *type)
{
    cr_assert_eq(status, 422, "%s", r->body);
    cr_assert(ts_has_error(r, loc, type), "%s %s: %s", loc, type, r->body);
}

static json_t *linear_doc(const char *current, json_t *completed, json_t *responses)
{
    return json_pack("{s:s?,s:o,s:o}", "current_screen_id", current, "completed_screen_ids",
                     completed, "responses", responses ? responses : json_object());
}

Test(progress, linear_rules_report_their_error_types)
{
    char mid[STR_UUID_SIZE], id[4][STR_UUID_SIZE], loc[200];
    struct ts_resp r;
    linear4(mid, id);
    long st =
        put(&learner, mid, 0,
            linear_doc(NULL, json_pack("[s]", "00000000-0000-4000-8000-000000000000"), NULL), &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"completed_screen_ids\",0]", "unknown_screen");
    cr_assert_not_null(strstr(r.body, "Screen does not belong to this module"));
    ts_resp_free(&r);
    st = put(&learner, mid, 0, linear_doc(NULL, json_pack("[s]", id[1]), NULL), &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"completed_screen_ids\",0]",
               "screen_not_reachable");
    ts_resp_free(&r);
    st = put(&learner, mid, 0, linear_doc(id[2], json_array(), NULL), &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"current_screen_id\"]",
               "screen_not_reachable");
    ts_resp_free(&r);
    st = put(&learner, mid, 0, linear_doc(NULL, json_pack("[s,s]", id[0], id[0]), NULL), &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"completed_screen_ids\"]", "duplicate_item");
    ts_resp_free(&r);
    st = put(&learner, mid, 0, linear_doc(NULL, json_pack("[s,s]", id[0], id[1]), NULL), &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"completed_screen_ids\",1]",
               "requirements_not_met");
    cr_assert_not_null(strstr(r.body, "Screen requirements are not met"));
    ts_resp_free(&r);
    st = put(&learner, mid, 0,
             linear_doc(NULL, json_array(), json_pack("{s:{s:s}}", id[0], "text", "hi")), &r);
    snprintf(loc, sizeof(loc), "[\"body\",\"progress_data\",\"responses\",\"%s\"]", id[0]);
    expect_422(st, &r, loc, "response_not_allowed");
    ts_resp_free(&r);
    st = put(&learner, mid, 0, json_pack("{s:[],s:i}", "completed_screen_ids", "extra", 1), &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"extra\"]", "extra_forbidden");
    ts_resp_free(&r);
    cr_assert_eq(put(&learner, mid, 0, linear_doc(id[1], json_pack("[s]", id[0]), NULL), &r), 200,
                 "%s", r.body);
    ts_resp_free(&r);
    st = put(&learner, mid, 1, linear_doc(NULL, json_array(), NULL), &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"completed_screen_ids\"]",
               "progress_regression");
    cr_assert_not_null(strstr(r.body, "Progress cannot go backwards"));
    ts_resp_free(&r);
    /* A reflection too short does not meet its requirement; a checklist item must exist. */
    cr_assert_eq(answer(&learner, mid, id[1], json_pack("[s]", "b"), &r), 200, "%s", r.body);
    ts_resp_free(&r);
    st = put(&learner, mid, 2,
             linear_doc(id[3], json_pack("[s,s,s]", id[0], id[1], id[2]),
                        json_pack("{s:{s:s},s:{s:[s]}}", id[2], "text", "abc", id[3],
                                  "checked_item_ids", "nope")),
             &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"completed_screen_ids\",2]",
               "requirements_not_met");
    snprintf(loc, sizeof(loc),
             "[\"body\",\"progress_data\",\"responses\",\"%s\",\"checked_item_ids\",0]", id[3]);
    cr_assert(ts_has_error(&r, loc, "unknown_item"), "%s", r.body);
    cr_assert_not_null(strstr(r.body, "Item does not belong to this checklist"));
    ts_resp_free(&r);
    /* The required item alone completes the checklist; the question's answer is kept. */
    cr_assert_eq(
        put(&learner, mid, 2,
            linear_doc(NULL, json_pack("[s,s,s,s]", id[0], id[1], id[2], id[3]),
                       json_pack("{s:{s:s},s:{s:[s]},s:{s:[s]}}", id[2], "text", "long enough",
                                 id[3], "checked_item_ids", "i1", id[1], "option_ids", "a")),
            &r),
        200, "%s", r.body);
    cr_assert_str_eq(status_of(&r), "completed");
    json_t *q = json_object_get(
        json_object_get(json_object_get(r.json, "progress_data"), "responses"), id[1]);
    cr_assert(json_is_true(json_object_get(q, "correct")), "the stored answer is kept: %s", r.body);
    ts_resp_free(&r);
}

Test(progress, answer_rules)
{
    char mid[STR_UUID_SIZE], id[4][STR_UUID_SIZE], amid[STR_UUID_SIZE], q[2][STR_UUID_SIZE];
    struct ts_resp r;
    linear4(mid, id);
    long st = answer(&learner, mid, id[1], json_pack("[s]", "b"), &r);
    expect_422(st, &r, "[\"path\",\"screen_id\"]", "screen_not_reachable");
    ts_resp_free(&r);
    cr_assert_eq(answer(&learner, mid, id[0], json_pack("[s]", "b"), &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Screen is not a question\"}");
    ts_resp_free(&r);
    cr_assert_eq(put(&learner, mid, 0, linear_doc(NULL, json_pack("[s]", id[0]), NULL), &r), 200);
    ts_resp_free(&r);
    st = answer(&learner, mid, id[1], json_pack("[s]", "z"), &r);
    expect_422(st, &r, "[\"body\",\"option_ids\",0]", "unknown_option");
    cr_assert_not_null(strstr(r.body, "Option does not belong to this question"));
    ts_resp_free(&r);
    st = answer(&learner, mid, id[1], json_pack("[s,s]", "a", "b"), &r);
    expect_422(st, &r, "[\"body\",\"option_ids\"]", "too_long");
    ts_resp_free(&r);
    st = answer(&learner, mid, id[1], json_pack("[s,s]", "a", "a"), &r);
    expect_422(st, &r, "[\"body\",\"option_ids\"]", "duplicate_item");
    ts_resp_free(&r);
    st = answer(&learner, mid, id[1], json_array(), &r);
    expect_422(st, &r, "[\"body\",\"option_ids\"]", "too_short");
    ts_resp_free(&r);
    cr_assert_eq(answer(&learner, mid, id[1], json_pack("[s]", "a"), &r), 200, "%s", r.body);
    cr_assert(json_is_false(json_object_get(r.json, "correct")));
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "screen_id")), id[1]);
    cr_assert_str_eq(
        json_string_value(json_array_get(json_object_get(r.json, "correct_option_ids"), 0)), "b");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "explanation")), "B is right.");
    cr_assert_eq(version_of(&r), 2);
    ts_resp_free(&r);
    cr_assert_eq(answer(&learner, mid, id[1], json_pack("[s]", "b"), &r), 409);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "detail")),
                     "Question already answered");
    json_t *a = json_object_get(r.json, "answer");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(a, "option_ids"), 0)), "a");
    cr_assert(json_is_false(json_object_get(a, "correct")));
    cr_assert_not_null(json_object_get(a, "correct_option_ids"));
    cr_assert_not_null(json_object_get(a, "explanation"));
    ts_resp_free(&r);
    small_assessment(amid, q);
    cr_assert_eq(answer(&learner, amid, q[0], json_pack("[s]", "b"), &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Assessment answers are graded on submit\"}");
    ts_resp_free(&r);
    cr_assert_eq(post_version(&learner, mid, "/submit", 2, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Not an assessment module\"}");
    ts_resp_free(&r);
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s/answer", mid, q[0]);
    ts_as(&srv, &learner, "POST", path, "{\"option_ids\":[\"b\"]}", &r);
    cr_assert_eq(r.status, 404, "a screen of another module");
    ts_resp_free(&r);
}

/* A published branching module: start S -> branch B (x -> E1, y -> E2); E1, E2 terminal. */
static void branching3(char mid[STR_UUID_SIZE], char s[4][STR_UUID_SIZE])
{
    char body[600];
    ts_module(&srv, &author, "{\"title\":\"Fork\",\"flow_type\":\"branching\"}", mid);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, s[2]);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, s[3]);
    snprintf(body, sizeof(body),
             "{\"type\":\"branch\",\"title\":\"B\",\"content\":{\"prompt\":\"P\",\"choices\":["
             "{\"id\":\"x\",\"text\":\"X\",\"next_screen_id\":\"%s\"},"
             "{\"id\":\"y\",\"text\":\"Y\",\"next_screen_id\":\"%s\"}]}}",
             s[2], s[3]);
    ts_screen(&srv, &author, mid, body, s[1]);
    snprintf(body, sizeof(body),
             "{\"type\":\"content\",\"title\":\"S\",\"content\":{\"body\":\"b\"},"
             "\"next_screen_id\":\"%s\"}",
             s[1]);
    ts_screen(&srv, &author, mid, body, s[0]);
    struct ts_resp r;
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/modules/%s", mid);
    snprintf(body, sizeof(body), "{\"settings\":{\"start_screen_id\":\"%s\"}}", s[0]);
    ts_as(&srv, &author, "PATCH", path, body, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    ts_publish(&srv, &author, mid);
}

static json_t *step(const char *screen, const char *choice)
{
    return json_pack("{s:s,s:s?}", "screen_id", screen, "choice_id", choice);
}

Test(progress, branching_rules_report_their_error_types)
{
    char mid[STR_UUID_SIZE], s[4][STR_UUID_SIZE];
    struct ts_resp r;
    branching3(mid, s);
    long st = put(&learner, mid, 0, json_pack("{s:[o]}", "path", step(s[1], NULL)), &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"path\",0,\"screen_id\"]", "invalid_start");
    cr_assert_not_null(strstr(r.body, "Path must start at the start screen"));
    ts_resp_free(&r);
    st = put(&learner, mid, 0,
             json_pack("{s:[o,o,o]}", "path", step(s[0], NULL), step(s[1], "zz"), step(s[2], NULL)),
             &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"path\",1,\"choice_id\"]", "unknown_choice");
    cr_assert_not_null(strstr(r.body, "Choice does not belong to this branch screen"));
    ts_resp_free(&r);
    st = put(&learner, mid, 0,
             json_pack("{s:[o,o,o]}", "path", step(s[0], NULL), step(s[1], "x"), step(s[3], NULL)),
             &r);
    cr_assert_eq(st, 422, "%s", r.body);
    cr_assert_not_null(strstr(r.body, "illegal_transition"), "%s", r.body);
    cr_assert_not_null(strstr(r.body, "Step does not follow a legal edge"));
    ts_resp_free(&r);
    cr_assert_eq(put(&learner, mid, 0,
                     json_pack("{s:[o,o]}", "path", step(s[0], NULL), step(s[1], NULL)), &r),
                 200, "%s", r.body);
    cr_assert_str_eq(status_of(&r), "in_progress");
    /* s = 1 step taken, d = 1 edge to an ending: floor(100 * 1 / 2). */
    cr_assert_eq(json_integer_value(json_object_get(r.json, "percent")), 50);
    ts_resp_free(&r);
    st = put(&learner, mid, 1, json_pack("{s:[o]}", "path", step(s[0], NULL)), &r);
    expect_422(st, &r, "[\"body\",\"progress_data\",\"path\"]", "progress_regression");
    ts_resp_free(&r);
    cr_assert_eq(
        put(&learner, mid, 1,
            json_pack("{s:[o,o,o]}", "path", step(s[0], NULL), step(s[1], "y"), step(s[3], NULL)),
            &r),
        200, "%s", r.body);
    cr_assert_str_eq(status_of(&r), "completed");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "percent")), 100);
    ts_resp_free(&r);
}

Test(progress, writes_need_a_published_module_and_the_current_version)
{
    char mid[STR_UUID_SIZE], id[STR_UUID_SIZE];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"Draft\",\"flow_type\":\"linear\"}", mid);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, id);
    cr_assert_eq(put(&author, mid, 0, linear_doc(NULL, json_array(), NULL), &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Module is not published\"}");
    ts_resp_free(&r);
    cr_assert_eq(put(&learner, mid, 0, linear_doc(NULL, json_array(), NULL), &r), 404,
                 "a draft is invisible to learners");
    ts_resp_free(&r);
    ts_publish(&srv, &author, mid);
    cr_assert_eq(put(&learner, mid, 3, linear_doc(NULL, json_array(), NULL), &r), 409);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "detail")), "Version conflict");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(r.json, "current"), "version")),
                 0);
    ts_resp_free(&r);
    long st = put(&learner, mid, -1, linear_doc(NULL, json_array(), NULL), &r);
    expect_422(st, &r, "[\"body\",\"version\"]", "greater_than_equal");
    ts_resp_free(&r);
    char path[160];
    progress_path(path, sizeof(path), mid, "");
    ts_as(&srv, &learner, "PUT", path, "{\"version\":\"0\"}", &r);
    expect_422(r.status, &r, "[\"body\",\"version\"]", "int_type");
    cr_assert(ts_has_error(&r, "[\"body\",\"progress_data\"]", "missing"));
    ts_resp_free(&r);
}

struct racer {
    const char *mid;
    json_t *completed;
    int version;
    long status;
    char body[2048];
};

static void *race_put(void *arg)
{
    struct racer *x = arg;
    struct ts_resp r;
    put(&learner, x->mid, x->version, linear_doc(NULL, json_deep_copy(x->completed), NULL), &r);
    x->status = r.status;
    snprintf(x->body, sizeof(x->body), "%s", r.body);
    ts_resp_free(&r);
    return NULL;
}

/* Eight writers of one version at once: exactly one 200, seven 409 carrying the state. */
static void race(const char *mid, int version, json_t *completed)
{
    pthread_t t[8];
    struct racer x[8];
    int ok = 0, conflict = 0;
    for (int i = 0; i < 8; i++) {
        x[i] = (struct racer){.mid = mid, .completed = completed, .version = version};
        pthread_create(&t[i], NULL, race_put, &x[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        ok += x[i].status == 200;
        if (x[i].status == 409) {
            conflict++;
            cr_assert_not_null(strstr(x[i].body, "\"Version conflict\""), "%s", x[i].body);
            cr_assert_not_null(strstr(x[i].body, "\"current\""), "%s", x[i].body);
        }
    }
    cr_assert_eq(ok, 1, "exactly one write of version %d succeeds", version);
    cr_assert_eq(conflict, 7);
    json_decref(completed);
}

Test(progress, concurrent_writes_of_one_version_let_exactly_one_win)
{
    char mid[STR_UUID_SIZE], id[4][STR_UUID_SIZE];
    struct ts_resp r;
    linear4(mid, id);
    race(mid, 0, json_array());            /* the first write: an insert race */
    race(mid, 1, json_pack("[s]", id[0])); /* a later write: an update race */
    char path[160];
    progress_path(path, sizeof(path), mid, "");
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(version_of(&r), 2, "two writes, two versions");
    ts_resp_free(&r);
}

/* --- redaction, archived modules, other users --------------------------------------------- */

static json_t *screen_content(const struct ts_user *u, const char *mid, const char *sid_)
{
    char path[200];
    struct ts_resp r;
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, sid_);
    ts_as(&srv, u, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    json_t *c = json_incref(json_object_get(r.json, "content"));
    ts_resp_free(&r);
    return c;
}

Test(progress, answer_keys_appear_once_answered)
{
    char mid[STR_UUID_SIZE], id[4][STR_UUID_SIZE];
    struct ts_resp r;
    linear4(mid, id);
    json_t *c = screen_content(&learner, mid, id[1]);
    cr_assert_null(json_object_get(c, "correct_option_ids"));
    cr_assert_null(json_object_get(c, "explanation"));
    json_decref(c);
    cr_assert_eq(put(&learner, mid, 0, linear_doc(NULL, json_pack("[s]", id[0]), NULL), &r), 200);
    ts_resp_free(&r);
    cr_assert_eq(answer(&learner, mid, id[1], json_pack("[s]", "a"), &r), 200);
    ts_resp_free(&r);
    c = screen_content(&learner, mid, id[1]);
    cr_assert_not_null(json_object_get(c, "correct_option_ids"));
    cr_assert_not_null(json_object_get(c, "explanation"));
    json_decref(c);
    c = screen_content(&other, mid, id[1]);
    cr_assert_null(json_object_get(c, "correct_option_ids"), "another learner has not answered");
    json_decref(c);
}

Test(progress, assessment_keys_follow_submission_and_attempts_left)
{
    char mid[STR_UUID_SIZE], q[2][STR_UUID_SIZE];
    struct ts_resp r;
    small_assessment(mid, q);
    cr_assert_eq(post_version(&learner, mid, "/submit", 0, &r), 200);
    ts_resp_free(&r);
    json_t *c = screen_content(&learner, mid, q[0]);
    cr_assert_not_null(json_object_get(c, "explanation"), "submitted: explanation shown");
    cr_assert_null(json_object_get(c, "correct_option_ids"), "an attempt is left: key hidden");
    json_decref(c);
    cr_assert_eq(post_version(&learner, mid, "/attempts", 1, &r), 200);
    ts_resp_free(&r);
    c = screen_content(&learner, mid, q[0]);
    cr_assert_null(json_object_get(c, "explanation"), "new attempt: hidden again");
    json_decref(c);
    cr_assert_eq(post_version(&learner, mid, "/submit", 2, &r), 200);
    cr_assert_str_eq(status_of(&r), "failed");
    ts_resp_free(&r);
    c = screen_content(&learner, mid, q[0]);
    cr_assert_not_null(json_object_get(c, "correct_option_ids"), "no attempt left: key shown");
    json_decref(c);
}

Test(progress, archived_module_stays_open_to_learners_with_a_record)
{
    char mid[STR_UUID_SIZE], id[4][STR_UUID_SIZE], path[160];
    struct ts_resp r;
    linear4(mid, id);
    cr_assert_eq(put(&learner, mid, 0, linear_doc(NULL, json_pack("[s]", id[0]), NULL), &r), 200);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/archive", mid);
    ts_as(&srv, &author, "POST", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s", mid);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "visible with a progress record");
    ts_resp_free(&r);
    ts_as(&srv, &other, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 404, "hidden without one");
    ts_resp_free(&r);
    cr_assert_eq(put(&learner, mid, 1, linear_doc(NULL, json_pack("[s]", id[0]), NULL), &r), 200,
                 "and still writable: %s", r.body);
    ts_resp_free(&r);
    cr_assert_eq(put(&author, mid, 0, linear_doc(NULL, json_array(), NULL), &r), 409,
                 "no new starts on an archived module");
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/modules", NULL, &r);
    cr_assert_null(strstr(r.body, mid), "archived modules are not in the catalogue");
    ts_resp_free(&r);
}

/*
 * The routes that read their module (and the caller's record) with the token, in one statement
 * (ROUTE_WITH_MODULE / ROUTE_WITH_RECORD): a bad token is still 401 although the module exists,
 * an unknown module 404, a malformed id 422 at the same place as elsewhere, and an id written
 * in upper case still finds the module and the caller's record.
 */
Test(progress, routes_that_read_the_module_with_the_token_answer_as_the_others)
{
    static const struct {
        const char *method, *suffix, *body;
    } routes[] = {
        {"GET", "", NULL},
        {"GET", "/screens", NULL},
        {"GET", "/progress", NULL},
        {"PUT", "/progress", "{\"version\":0,\"progress_data\":{}}"},
        {"POST", "/progress/submit", "{\"version\":0}"},
        {"POST", "/progress/attempts", "{\"version\":0}"},
    };
    const char *bad_token[] = {"Authorization: Bearer tsk_not_a_token",
                               "Content-Type: application/json", NULL};
    char mid[STR_UUID_SIZE], id[4][STR_UUID_SIZE], upper[STR_UUID_SIZE], path[200];
    struct ts_resp r;
    linear4(mid, id);
    cr_assert_eq(put(&learner, mid, 0, linear_doc(NULL, json_pack("[s]", id[0]), NULL), &r), 200);
    ts_resp_free(&r);
    for (int i = 0; i < 37; i++)
        upper[i] = (char)(mid[i] >= 'a' && mid[i] <= 'f' ? mid[i] - 'a' + 'A' : mid[i]);
    for (size_t k = 0; k < sizeof(routes) / sizeof(routes[0]); k++) {
        const char *m = routes[k].method, *b = routes[k].body;
        snprintf(path, sizeof(path), "/api/v1/modules/%s%s", mid, routes[k].suffix);
        ts_http(&srv, m, path, bad_token, b, &r);
        cr_assert_eq(r.status, 401, "%s %s: %s", m, path, r.body);
        ts_resp_free(&r);
        snprintf(path, sizeof(path), "/api/v1/modules/%s%s", "00000000-0000-4000-8000-000000000000",
                 routes[k].suffix);
        ts_as(&srv, &learner, m, path, b, &r);
        cr_assert_eq(r.status, 404, "%s %s: %s", m, path, r.body);
        ts_resp_free(&r);
        snprintf(path, sizeof(path), "/api/v1/modules/not-a-uuid%s", routes[k].suffix);
        ts_as(&srv, &learner, m, path, b, &r);
        expect_422(r.status, &r, "[\"path\",\"module_id\"]", "uuid_parsing");
        ts_resp_free(&r);
    }
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", upper);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(version_of(&r), 1, "the caller's record, found through the upper-case id");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "module_id")), mid);
    ts_resp_free(&r);
}

Test(progress, nobody_reaches_another_users_progress)
{
    char mid[STR_UUID_SIZE], id[4][STR_UUID_SIZE], path[160];
    struct ts_resp r;
    linear4(mid, id);
    cr_assert_eq(put(&learner, mid, 0, linear_doc(NULL, json_pack("[s]", id[0]), NULL), &r), 200);
    ts_resp_free(&r);
    progress_path(path, sizeof(path), mid, "");
    ts_as(&srv, &other, "GET", path, NULL, &r);
    cr_assert_eq(version_of(&r), 0, "the other learner sees only their own (empty) record");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "user_id")), other.id);
    ts_resp_free(&r);
    cr_assert_eq(put(&other, mid, 1, linear_doc(NULL, json_array(), NULL), &r), 409,
                 "another user's version means nothing for one's own record");
    ts_resp_free(&r);
    ts_as(&srv, &other, "GET", "/api/v1/users/me/progress", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0);
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(version_of(&r), 1, "untouched");
    ts_resp_free(&r);
}

Test(progress, dashboard_filters_and_pages)
{
    char m[3][STR_UUID_SIZE], id[4][STR_UUID_SIZE];
    struct ts_resp r;
    for (int i = 0; i < 3; i++) {
        linear4(m[i], id);
        cr_assert_eq(put(&learner, m[i], 0, linear_doc(NULL, json_pack("[s]", id[0]), NULL), &r),
                     200);
        ts_resp_free(&r);
    }
    ts_as(&srv, &learner, "GET", "/api/v1/users/me/progress?limit=2", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 2);
    char next[600];
    snprintf(next, sizeof(next), "/api/v1/users/me/progress?limit=2&cursor=%s",
             json_string_value(json_object_get(r.json, "next_cursor")));
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", next, NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "%s", r.body);
    cr_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/users/me/progress?status=completed", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0);
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/users/me/progress?status=done", NULL, &r);
    cr_assert_eq(r.status, 422);
    ts_resp_free(&r);
}
