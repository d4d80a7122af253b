/*
 * Assignments (API.md §11): the object and its computed fields, every error of the create in
 * the spec's order, idempotency, the uniqueness race, visibility (404) and rights (403), the
 * lists with their filters and cursors, archived modules kept open to assignees, the
 * module_published notifications of §5, and the due-soon scheduler, alone and with two
 * instances on one database.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support/modules.h"
#include "support/tcp_peer.h"

static struct ts_server srv;
static struct ts_user admin, author, other_author, learner, other;

static void start_with(const char *const *env)
{
    ts_server_start(&srv, env);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_user_with_role(&srv, &admin, "author", &other_author);
    ts_learner(&srv, &learner);
    ts_learner(&srv, &other);
}

static void start(void)
{
    start_with(NULL);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(assignments, .init = start, .fini = stop, .timeout = 180);

#define NIL "00000000-0000-4000-8000-000000000000"

/* --- helpers ------------------------------------------------------------------------------- */

/* RFC 3339 (milliseconds, Z) for `secs` seconds from now. */
static void time_in(long secs, char out[32])
{
    time_t t = time(NULL) + secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* A published linear module titled `title` with `n` content screens; their ids in sids
 * (may be NULL). */
static void module_n(const struct ts_user *by, const char *title, int n, char mid[STR_UUID_SIZE],
                     char (*sids)[STR_UUID_SIZE])
{
    char body[256], sid[STR_UUID_SIZE];
    snprintf(body, sizeof(body), "{\"title\":\"%s\",\"flow_type\":\"linear\"}", title);
    ts_module(&srv, by, body, mid);
    for (int i = 0; i < n; i++) {
        ts_screen(&srv, by, mid, TS_CONTENT_SCREEN, sid);
        if (sids != NULL)
            snprintf(sids[i], STR_UUID_SIZE, "%s", sid);
    }
    ts_publish(&srv, by, mid);
}

/* POST /assignments; `due` is the JSON value of due_at, or NULL to leave it out. */
static long assign(const struct ts_user *by, const char *mid, const char *uid, const char *due,
                   struct ts_resp *r)
{
    char body[400];
    if (due != NULL)
        snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\",\"due_at\":%s}", mid,
                 uid, due);
    else
        snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\"}", mid, uid);
    ts_as(&srv, by, "POST", "/api/v1/assignments", body, r);
    return r->status;
}

/* An assignment that must be created; its id. */
static void assigned(const struct ts_user *by, const char *mid, const char *uid, const char *due,
                     char id[STR_UUID_SIZE])
{
    struct ts_resp r;
    cr_assert_eq(assign(by, mid, uid, due, &r), 201, "%s", r.body);
    snprintf(id, STR_UUID_SIZE, "%s", str(r.json, "id"));
    ts_resp_free(&r);
}

/* A request on /api/v1/assignments/{id}<suffix>. */
static long on_assignment(const struct ts_user *u, const char *method, const char *id,
                          const char *body, struct ts_resp *r)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/assignments/%s", id);
    ts_as(&srv, u, method, path, body, r);
    return r->status;
}

static long status_of(const struct ts_user *u, const char *method, const char *id, const char *body)
{
    struct ts_resp r;
    long st = on_assignment(u, method, id, body, &r);
    ts_resp_free(&r);
    return st;
}

/* PUT progress on a linear module with its first `done` screens completed. */
static void complete_screens(const struct ts_user *u, const char *mid, char (*sids)[STR_UUID_SIZE],
                             int done, int version)
{
    char path[160];
    struct ts_resp r;
    json_t *completed = json_array();
    for (int i = 0; i < done; i++)
        json_array_append_new(completed, json_string(sids[i]));
    json_t *body = json_pack("{s:i,s:{s:n,s:o,s:{}}}", "version", version, "progress_data",
                             "current_screen_id", "completed_screen_ids", completed, "responses");
    char *text = json_dumps(body, JSON_COMPACT);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", mid);
    ts_as(&srv, u, "PUT", path, text, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    free(text);
    json_decref(body);
}

/* The ids of the items of a page at `path` as `u`, appended to `seen`; the next cursor into
 * `next` ("" at the end). */
static void page_ids(const struct ts_user *u, const char *path, json_t *seen, char *next,
                     size_t size)
{
    struct ts_resp r;
    json_t *item;
    size_t i;
    ts_as(&srv, u, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
    json_array_foreach(json_object_get(r.json, "items"), i, item)
        json_array_append_new(seen, json_string(str(item, "id")));
    const char *c = str(r.json, "next_cursor");
    snprintf(next, size, "%s", c != NULL ? c : "");
    cr_assert(c != NULL || json_is_null(json_object_get(r.json, "next_cursor")));
    ts_resp_free(&r);
}

/* Follows the cursors of `base` (a path with a query, limit included) to the end; returns the
 * ids seen in order (caller decrefs) and the number of pages. */
static json_t *all_pages(const struct ts_user *u, const char *base, int *pages)
{
    json_t *seen = json_array();
    char next[600] = "", path[1000];
    *pages = 0;
    do {
        if (next[0] != '\0')
            snprintf(path, sizeof(path), "%s&cursor=%s", base, next);
        else
            snprintf(path, sizeof(path), "%s", base);
        page_ids(u, path, seen, next, sizeof(next));
        (*pages)++;
        cr_assert_lt(*pages, 50, "the cursors come to an end");
    } while (next[0] != '\0');
    return seen;
}

static bool contains(json_t *ids, const char *id)
{
    json_t *v;
    size_t i;
    json_array_foreach(ids, i, v) if (strcmp(json_string_value(v), id) == 0) return true;
    return false;
}

/* --- create ------------------------------------------------------------------------------ */

Test(assignments, create_renders_the_assignment_and_notifies_the_assignee)
{
    char mid[STR_UUID_SIZE], due[32], due_json[40], expected[1024];
    struct ts_resp r;
    module_n(&author, "Fire safety", 2, mid, NULL);
    time_in(2 * 86400, due);
    snprintf(due_json, sizeof(due_json), "\"%s\"", due);
    cr_assert_eq(assign(&author, mid, learner.id, due_json, &r), 201, "%s", r.body);
    const char *id = str(r.json, "id");
    cr_assert_eq(strlen(id), 36);
    cr_assert_not_null(str(r.json, "created_at"));
    cr_assert_str_eq(str(r.json, "updated_at"), str(r.json, "created_at"));
    snprintf(expected, sizeof(expected),
             "{\"id\":\"%s\",\"module_id\":\"%s\",\"user_id\":\"%s\",\"assigned_by\":\"%s\","
             "\"due_at\":\"%s\",\"created_at\":\"%s\",\"updated_at\":\"%s\","
             "\"module\":{\"id\":\"%s\",\"title\":\"Fire safety\",\"flow_type\":\"linear\","
             "\"status\":\"published\"},\"progress_status\":\"not_started\","
             "\"progress_percent\":0,\"overdue\":false}",
             id, mid, learner.id, author.id, due, str(r.json, "created_at"),
             str(r.json, "created_at"), mid);
    ts_assert_json(&r, expected);

    /* The assignee is told, in the same transaction. */
    json_t *got = ts_notifications(&srv, &learner, NULL);
    cr_assert_eq(json_array_size(got), 1);
    json_t *n = json_array_get(got, 0);
    cr_assert_str_eq(str(n, "type"), "module_assigned");
    cr_assert(json_is_integer(json_object_get(n, "seq")));
    cr_assert_gt(strlen(str(n, "title")), 0);
    cr_assert_gt(strlen(str(n, "body")), 0);
    cr_assert(json_is_false(json_object_get(n, "read")));
    cr_assert(json_is_null(json_object_get(n, "read_at")));
    json_t *want = json_pack("{s:s,s:s,s:s}", "assignment_id", id, "module_id", mid, "due_at", due);
    cr_assert(json_equal(json_object_get(n, "data"), want), "data: %s",
              json_dumps(json_object_get(n, "data"), JSON_COMPACT));
    json_decref(want);
    json_decref(got);
    ts_resp_free(&r);
    cr_assert_eq(ts_count_notifications(&srv, &author, NULL), 0, "the creator is not notified");

    /* Without due_at (null = omitted) it is null in the object and the data. */
    cr_assert_eq(assign(&author, mid, other.id, "null", &r), 201, "%s", r.body);
    cr_assert(json_is_null(json_object_get(r.json, "due_at")));
    cr_assert(json_is_false(json_object_get(r.json, "overdue")));
    ts_resp_free(&r);
    got = ts_notifications(&srv, &other, "module_assigned");
    cr_assert(
        json_is_null(json_object_get(json_object_get(json_array_get(got, 0), "data"), "due_at")));
    json_decref(got);
}

Test(assignments, create_checks_the_body_before_anything_stored)
{
    char mid[STR_UUID_SIZE], body[300];
    struct ts_resp r;
    module_n(&author, "M", 1, mid, NULL);

    ts_as(&srv, &author, "POST", "/api/v1/assignments", "{}", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"module_id\"]", "missing"));
    cr_assert(ts_has_error(&r, "[\"body\",\"user_id\"]", "missing"));
    ts_resp_free(&r);

    ts_as(&srv, &author, "POST", "/api/v1/assignments",
          "{\"module_id\":\"nope\",\"user_id\":5,\"due_at\":\"2030-01-01T00:00:00\"}", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"module_id\"]", "uuid_parsing"));
    cr_assert(ts_has_error(&r, "[\"body\",\"user_id\"]", "uuid_type"));
    cr_assert(ts_has_error(&r, "[\"body\",\"due_at\"]", "timezone_aware"));
    ts_resp_free(&r);

    /* due_at in the past is a step-5 error: reported alone although the module is unknown. */
    snprintf(body, sizeof(body),
             "{\"module_id\":\"%s\",\"user_id\":\"%s\",\"due_at\":\"2020-01-01T00:00:00Z\"}", NIL,
             learner.id);
    ts_as(&srv, &author, "POST", "/api/v1/assignments", body, &r);
    cr_assert_eq(r.status, 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\",\"due_at\"],"
                       "\"msg\":\"Value error, due_at must be in the future\","
                       "\"type\":\"value_error\"}]}");
    ts_resp_free(&r);

    ts_as(&srv, &author, "POST", "/api/v1/assignments", "[1]", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\"]", "model_attributes_type"));
    ts_resp_free(&r);

    /* Nothing of it was created. */
    cr_assert_eq(ts_count_notifications(&srv, &learner, NULL), 0);
}

Test(assignments, create_errors_come_in_the_order_of_the_spec)
{
    static const char unknown_module[] =
        "{\"detail\":[{\"loc\":[\"body\",\"module_id\"],\"msg\":\"Value error, unknown module\","
        "\"type\":\"value_error\"}]}";
    static const char unknown_user[] =
        "{\"detail\":[{\"loc\":[\"body\",\"user_id\"],\"msg\":\"Value error, unknown or inactive "
        "user\",\"type\":\"value_error\"}]}";
    static const char not_published[] = "{\"detail\":\"Only published modules can be assigned\"}";
    char draft[STR_UUID_SIZE], others_draft[STR_UUID_SIZE], pub[STR_UUID_SIZE],
        archived[STR_UUID_SIZE], others_archived[STR_UUID_SIZE], path[160];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"Draft\",\"flow_type\":\"linear\"}", draft);
    ts_module(&srv, &other_author, "{\"title\":\"Theirs\",\"flow_type\":\"linear\"}", others_draft);
    module_n(&author, "Published", 1, pub, NULL);
    module_n(&author, "Archived", 1, archived, NULL);
    module_n(&other_author, "Their archived", 1, others_archived, NULL);
    const char *to_archive[] = {archived, others_archived};
    const struct ts_user *owners[] = {&author, &other_author};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "/api/v1/modules/%s/archive", to_archive[i]);
        ts_as(&srv, owners[i], "POST", path, NULL, &r);
        cr_assert_eq(r.status, 200);
        ts_resp_free(&r);
    }

    /* 1. The module must exist and be visible to the caller, whatever else is wrong. */
    cr_assert_eq(assign(&author, NIL, NIL, NULL, &r), 422);
    ts_assert_json(&r, unknown_module);
    ts_resp_free(&r);
    cr_assert_eq(assign(&author, others_draft, learner.id, NULL, &r), 422);
    ts_assert_json(&r, unknown_module);
    ts_resp_free(&r);
    cr_assert_eq(assign(&author, others_archived, learner.id, NULL, &r), 422);
    ts_assert_json(&r, unknown_module);
    ts_resp_free(&r);

    /* 2. Then the user: existing and active. */
    cr_assert_eq(assign(&author, draft, NIL, NULL, &r), 422);
    ts_assert_json(&r, unknown_user);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/users/%s", other.id);
    ts_as(&srv, &admin, "PATCH", path, "{\"active\":false}", &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    cr_assert_eq(assign(&author, pub, other.id, NULL, &r), 422);
    ts_assert_json(&r, unknown_user);
    ts_resp_free(&r);

    /* 3. Then the module's status: drafts and archived modules cannot be assigned. */
    cr_assert_eq(assign(&author, draft, learner.id, NULL, &r), 409);
    ts_assert_json(&r, not_published);
    ts_resp_free(&r);
    cr_assert_eq(assign(&author, archived, learner.id, NULL, &r), 409);
    ts_assert_json(&r, not_published);
    ts_resp_free(&r);
    cr_assert_eq(assign(&admin, others_draft, learner.id, NULL, &r), 409, "admins see every draft");
    ts_assert_json(&r, not_published);
    ts_resp_free(&r);

    /* Any role may be assigned; learners may not assign. */
    cr_assert_eq(assign(&author, pub, other_author.id, NULL, &r), 201, "%s", r.body);
    ts_resp_free(&r);
    cr_assert_eq(assign(&learner, pub, learner.id, NULL, &r), 403);
    ts_assert_json(&r, "{\"detail\":\"Forbidden\"}");
    ts_resp_free(&r);
    cr_assert_eq(ts_count_notifications(&srv, &learner, NULL), 0);
}

Test(assignments, already_assigned_is_409_with_the_existing_id)
{
    char mid[STR_UUID_SIZE], id[STR_UUID_SIZE], expected[200];
    struct ts_resp r;
    module_n(&author, "M", 1, mid, NULL);
    assigned(&author, mid, learner.id, NULL, id);
    /* Whoever asks, and whatever the due date. */
    const struct ts_user *by[] = {&author, &other_author, &admin};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(assign(by[i], mid, learner.id, "null", &r), 409, "%s", r.body);
        snprintf(expected, sizeof(expected),
                 "{\"detail\":\"Module already assigned to this user\",\"assignment_id\":\"%s\"}",
                 id);
        ts_assert_json(&r, expected);
        ts_resp_free(&r);
    }
    cr_assert_eq(ts_count_notifications(&srv, &learner, "module_assigned"), 1);
}

struct racer {
    const char *mid;
    long status;
    char id[STR_UUID_SIZE];
    char body[512];
};

static void *race_assign(void *arg)
{
    struct racer *x = arg;
    struct ts_resp r;
    x->status = assign(&author, x->mid, learner.id, NULL, &r);
    const char *id = str(r.json, x->status == 201 ? "id" : "assignment_id");
    snprintf(x->id, sizeof(x->id), "%s", id != NULL ? id : "");
    snprintf(x->body, sizeof(x->body), "%s", r.body);
    ts_resp_free(&r);
    return NULL;
}

Test(assignments, concurrent_creates_give_one_201_and_409s_with_its_id)
{
    char mid[STR_UUID_SIZE];
    pthread_t t[8];
    struct racer x[8];
    module_n(&author, "Race", 1, mid, NULL);
    for (int i = 0; i < 8; i++) {
        x[i] = (struct racer){.mid = mid};
        pthread_create(&t[i], NULL, race_assign, &x[i]);
    }
    int created = -1, conflicts = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        if (x[i].status == 201) {
            cr_assert_eq(created, -1, "a second 201: %s", x[i].body);
            created = i;
        } else {
            cr_assert_eq(x[i].status, 409, "%s", x[i].body);
            cr_assert_not_null(strstr(x[i].body, "Module already assigned to this user"));
            conflicts++;
        }
    }
    cr_assert_neq(created, -1, "exactly one create succeeds");
    cr_assert_eq(conflicts, 7);
    for (int i = 0; i < 8; i++)
        cr_assert_str_eq(x[i].id, x[created].id, "every 409 names the winner");
    cr_assert_eq(ts_count_notifications(&srv, &learner, "module_assigned"), 1);
    struct ts_resp r;
    ts_as(&srv, &author, "GET", "/api/v1/assignments", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ts_resp_free(&r);
}

static long create_with_key(const struct ts_user *u, const char *key, const char *body,
                            struct ts_resp *r)
{
    char kh[300];
    snprintf(kh, sizeof(kh), "Idempotency-Key: %s", key);
    const char *h[] = {u->auth, "Content-Type: application/json", kh, NULL};
    ts_http(&srv, "POST", "/api/v1/assignments", h, body, r);
    return r->status;
}

Test(assignments, idempotent_create_replays_the_reply_and_notifies_once)
{
    char mid[STR_UUID_SIZE], body[300], reordered[300];
    struct ts_resp a, b, c;
    module_n(&author, "M", 1, mid, NULL);
    snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\"}", mid, learner.id);
    snprintf(reordered, sizeof(reordered), "{ \"user_id\": \"%s\", \"module_id\": \"%s\" }",
             learner.id, mid);
    cr_assert_eq(create_with_key(&author, "assign-1", body, &a), 201, "%s", a.body);
    cr_assert_null(ts_header(&a, "Idempotent-Replayed"));
    cr_assert_eq(create_with_key(&author, "assign-1", reordered, &b), 201, "%s", b.body);
    cr_assert_str_eq(ts_header(&b, "Idempotent-Replayed"), "true");
    cr_assert_str_eq(b.body, a.body, "the stored reply, verbatim");
    /* Another body with the key: 422; without the key: the 409 of a second create. */
    snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\"}", mid, other.id);
    cr_assert_eq(create_with_key(&author, "assign-1", body, &c), 422);
    ts_assert_json(&c, "{\"detail\":[{\"loc\":[\"header\",\"idempotency-key\"],"
                       "\"msg\":\"Idempotency-Key reused with a different request body\","
                       "\"type\":\"idempotency_key_reused\"}]}");
    ts_resp_free(&a);
    ts_resp_free(&b);
    ts_resp_free(&c);
    cr_assert_eq(create_with_key(&author, "bad key", body, &c), 422);
    cr_assert(ts_has_error(&c, "[\"header\",\"idempotency-key\"]", "string_pattern_mismatch"));
    ts_resp_free(&c);
    cr_assert_eq(ts_count_notifications(&srv, &learner, NULL), 1,
                 "one assignment, one notification");
    cr_assert_eq(ts_count_notifications(&srv, &other, NULL), 0);
}

/* --- get, patch, delete ------------------------------------------------------------------ */

Test(assignments, visible_to_creator_assignee_and_admins_only)
{
    char mid[STR_UUID_SIZE], id[STR_UUID_SIZE], to_author[STR_UUID_SIZE];
    struct ts_resp r;
    module_n(&author, "M", 1, mid, NULL);
    assigned(&author, mid, learner.id, NULL, id);
    assigned(&author, mid, other_author.id, NULL, to_author);

    cr_assert_eq(status_of(&author, "GET", id, NULL), 200, "creator");
    cr_assert_eq(status_of(&learner, "GET", id, NULL), 200, "assignee");
    cr_assert_eq(status_of(&admin, "GET", id, NULL), 200, "admin");
    cr_assert_eq(on_assignment(&other, "GET", id, NULL, &r), 404, "another learner");
    ts_assert_json(&r, "{\"detail\":\"Not Found\"}");
    ts_resp_free(&r);
    cr_assert_eq(status_of(&other_author, "GET", id, NULL), 404, "another author");

    /* Changing it takes its creator or an admin: visible to the assignee, but 403. */
    cr_assert_eq(status_of(&other_author, "GET", to_author, NULL), 200);
    cr_assert_eq(on_assignment(&other_author, "PATCH", to_author, "{\"due_at\":null}", &r), 403);
    ts_assert_json(&r, "{\"detail\":\"Forbidden\"}");
    ts_resp_free(&r);
    cr_assert_eq(status_of(&other_author, "DELETE", to_author, NULL), 403);
    cr_assert_eq(status_of(&other_author, "PATCH", id, "{\"due_at\":null}"), 404,
                 "hidden comes before forbidden");
    cr_assert_eq(status_of(&other_author, "DELETE", id, NULL), 404);
    cr_assert_eq(status_of(&learner, "PATCH", id, "{\"due_at\":null}"), 403,
                 "learners never change assignments");
    cr_assert_eq(status_of(&learner, "DELETE", id, NULL), 403);
    cr_assert_eq(status_of(&admin, "PATCH", id, "{\"due_at\":null}"), 200);

    cr_assert_eq(status_of(&author, "GET", NIL, NULL), 404);
    cr_assert_eq(status_of(&author, "DELETE", NIL, NULL), 404);
    cr_assert_eq(on_assignment(&author, "GET", "not-a-uuid", NULL, &r), 422);
    cr_assert(ts_has_error(&r, "[\"path\",\"assignment_id\"]", "uuid_parsing"));
    ts_resp_free(&r);
    ts_as(&srv, NULL, "GET", "/api/v1/assignments", NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_resp_free(&r);
}

Test(assignments, patch_sets_or_clears_due_at)
{
    char mid[STR_UUID_SIZE], id[STR_UUID_SIZE], due[32], body[100];
    struct ts_resp r;
    module_n(&author, "M", 1, mid, NULL);
    assigned(&author, mid, learner.id, NULL, id);
    time_in(3 * 86400, due);
    snprintf(body, sizeof(body), "{\"due_at\":\"%s\"}", due);
    cr_assert_eq(on_assignment(&author, "PATCH", id, body, &r), 200, "%s", r.body);
    cr_assert_str_eq(str(r.json, "due_at"), due);
    cr_assert_str_eq(str(r.json, "module_id"), mid, "the whole object comes back");
    cr_assert_str_eq(str(json_object_get(r.json, "module"), "title"), "M");
    ts_resp_free(&r);

    /* An offset is converted to UTC; an absent due_at changes nothing. */
    cr_assert_eq(
        on_assignment(&author, "PATCH", id, "{\"due_at\":\"2999-01-01T02:00:00+02:00\"}", &r), 200,
        "%s", r.body);
    cr_assert_str_eq(str(r.json, "due_at"), "2999-01-01T00:00:00.000Z");
    ts_resp_free(&r);
    cr_assert_eq(on_assignment(&author, "PATCH", id, "{}", &r), 200);
    cr_assert_str_eq(str(r.json, "due_at"), "2999-01-01T00:00:00.000Z");
    ts_resp_free(&r);
    cr_assert_eq(on_assignment(&author, "PATCH", id, "{\"due_at\":null}", &r), 200);
    cr_assert(json_is_null(json_object_get(r.json, "due_at")));
    ts_resp_free(&r);
    cr_assert_eq(on_assignment(&learner, "GET", id, NULL, &r), 200);
    cr_assert(json_is_null(json_object_get(r.json, "due_at")), "stored");
    ts_resp_free(&r);

    /* Step 5 before the lookup: a past due_at is 422 even for an unknown assignment. */
    cr_assert_eq(on_assignment(&author, "PATCH", NIL, "{\"due_at\":\"2001-01-01T00:00:00Z\"}", &r),
                 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\",\"due_at\"],"
                       "\"msg\":\"Value error, due_at must be in the future\","
                       "\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    cr_assert_eq(on_assignment(&author, "PATCH", "bad", "{\"due_at\":5}", &r), 422);
    cr_assert(ts_has_error(&r, "[\"path\",\"assignment_id\"]", "uuid_parsing"));
    cr_assert(ts_has_error(&r, "[\"body\",\"due_at\"]", "datetime_type"));
    ts_resp_free(&r);
    cr_assert_eq(on_assignment(&author, "PATCH", id, NULL, &r), 422);
    cr_assert(ts_has_error(&r, "[\"body\"]", "missing"));
    ts_resp_free(&r);
}

Test(assignments, delete_keeps_progress_and_a_new_assignment_notifies_again)
{
    char mid[STR_UUID_SIZE], sids[2][STR_UUID_SIZE], id[STR_UUID_SIZE], again[STR_UUID_SIZE],
        path[160];
    struct ts_resp r;
    module_n(&author, "M", 2, mid, sids);
    assigned(&author, mid, learner.id, NULL, id);
    complete_screens(&learner, mid, sids, 1, 0);
    cr_assert_eq(on_assignment(&author, "DELETE", id, NULL, &r), 204);
    cr_assert_str_eq(r.body, "");
    ts_resp_free(&r);
    cr_assert_eq(status_of(&author, "GET", id, NULL), 404);
    cr_assert_eq(status_of(&learner, "GET", id, NULL), 404);
    cr_assert_eq(status_of(&author, "DELETE", id, NULL), 404);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", mid);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 1, "progress untouched");
    ts_resp_free(&r);

    /* Assigning again is a new assignment: new id, new notification, the progress shown. */
    assigned(&author, mid, learner.id, NULL, again);
    cr_assert_str_neq(again, id);
    cr_assert_eq(on_assignment(&learner, "GET", again, NULL, &r), 200);
    cr_assert_str_eq(str(r.json, "progress_status"), "in_progress");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "progress_percent")), 50);
    ts_resp_free(&r);
    cr_assert_eq(ts_count_notifications(&srv, &learner, "module_assigned"), 2);
}

/* --- lists ------------------------------------------------------------------------------- */

Test(assignments, authors_list_their_own_admins_all_with_filters_and_cursors)
{
    char m[3][STR_UUID_SIZE], ids[6][STR_UUID_SIZE], theirs[STR_UUID_SIZE], path[1000];
    struct ts_resp r;
    for (int i = 0; i < 3; i++)
        module_n(&author, "M", 1, m[i], NULL);
    /* Six by the author: three modules x two learners; one by another author. */
    for (int i = 0; i < 6; i++) {
        /* Distinct creation times: within one millisecond the order is by id, not by age. */
        usleep(2000);
        assigned(&author, m[i / 2], i % 2 ? other.id : learner.id, NULL, ids[i]);
    }
    assigned(&other_author, m[0], other_author.id, NULL, theirs);

    int pages = 0;
    json_t *seen = all_pages(&author, "/api/v1/assignments?limit=4", &pages);
    cr_assert_eq(json_array_size(seen), 6, "only the author's own");
    cr_assert_eq(pages, 2);
    for (int i = 0; i < 6; i++) /* newest first */
        cr_assert_str_eq(json_string_value(json_array_get(seen, (size_t)(5 - i))), ids[i]);
    json_decref(seen);

    seen = all_pages(&admin, "/api/v1/assignments?limit=2", &pages);
    cr_assert_eq(json_array_size(seen), 7, "admins see all");
    cr_assert_eq(pages, 4, "2 + 2 + 2 + 1, the last with next_cursor null: %d", pages);
    cr_assert(contains(seen, theirs));
    json_decref(seen);

    snprintf(path, sizeof(path), "/api/v1/assignments?limit=1&module_id=%s", m[0]);
    seen = all_pages(&admin, path, &pages);
    cr_assert_eq(json_array_size(seen), 3);
    json_decref(seen);
    snprintf(path, sizeof(path), "/api/v1/assignments?module_id=%s&user_id=%s", m[1], other.id);
    seen = all_pages(&author, path, &pages);
    cr_assert_eq(json_array_size(seen), 1);
    cr_assert_str_eq(json_string_value(json_array_get(seen, 0)), ids[3]);
    json_decref(seen);
    seen = all_pages(&other_author, "/api/v1/assignments?limit=100", &pages);
    cr_assert_eq(json_array_size(seen), 1);
    json_decref(seen);

    /* A cursor belongs to its filters. */
    ts_as(&srv, &author, "GET", "/api/v1/assignments?limit=1", NULL, &r);
    char cursor[600];
    snprintf(cursor, sizeof(cursor), "%s", str(r.json, "next_cursor"));
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/assignments?limit=1&module_id=%s&cursor=%s", m[0],
             cursor);
    ts_as(&srv, &author, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"query\",\"cursor\"],"
                       "\"msg\":\"Value error, invalid cursor\",\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    ts_as(&srv, &author, "GET", "/api/v1/assignments?module_id=x&user_id=y&limit=0", NULL, &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"module_id\"]", "uuid_parsing"));
    cr_assert(ts_has_error(&r, "[\"query\",\"user_id\"]", "uuid_parsing"));
    cr_assert(ts_has_error(&r, "[\"query\",\"limit\"]", "greater_than_equal"));
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/assignments", NULL, &r);
    cr_assert_eq(r.status, 403, "the list is for authors");
    ts_resp_free(&r);
}

Test(assignments, own_assignments_filter_by_progress_status_and_page)
{
    char m[4][STR_UUID_SIZE], sids[4][2][STR_UUID_SIZE], ids[4][STR_UUID_SIZE], path[200];
    struct ts_resp r;
    for (int i = 0; i < 4; i++) {
        module_n(&author, "M", 2, m[i], sids[i]);
        usleep(2000); /* distinct creation times, so "newest first" is by age */
        assigned(&author, m[i], learner.id, NULL, ids[i]);
    }
    char theirs[STR_UUID_SIZE];
    assigned(&author, m[0], other.id, NULL, theirs);
    complete_screens(&learner, m[1], sids[1], 1, 0); /* in progress */
    complete_screens(&learner, m[2], sids[2], 2, 0); /* completed */

    int pages = 0;
    json_t *seen = all_pages(&learner, "/api/v1/users/me/assignments?limit=3", &pages);
    cr_assert_eq(json_array_size(seen), 4, "only the caller's");
    cr_assert_eq(pages, 2);
    for (int i = 0; i < 4; i++)
        cr_assert_str_eq(json_string_value(json_array_get(seen, (size_t)(3 - i))), ids[i]);
    json_decref(seen);

    static const struct {
        const char *status;
        int n;
    } cases[] = {{"not_started", 2}, {"in_progress", 1}, {"completed", 1}, {"passed", 0}};
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        snprintf(path, sizeof(path), "/api/v1/users/me/assignments?limit=1&progress_status=%s",
                 cases[k].status);
        seen = all_pages(&learner, path, &pages);
        cr_assert_eq(json_array_size(seen), (size_t)cases[k].n, "%s", cases[k].status);
        json_decref(seen);
    }
    snprintf(path, sizeof(path), "/api/v1/users/me/assignments?progress_status=in_progress");
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    json_t *item = json_array_get(json_object_get(r.json, "items"), 0);
    cr_assert_str_eq(str(item, "id"), ids[1]);
    cr_assert_eq(json_integer_value(json_object_get(item, "progress_percent")), 50);
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/users/me/assignments?progress_status=done", NULL, &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"progress_status\"]", "enum"));
    ts_resp_free(&r);
    ts_as(&srv, &admin, "GET", "/api/v1/users/me/assignments", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0, "none of them are admin's");
    ts_resp_free(&r);
}

/* --- computed fields, archived modules, publish ------------------------------------------ */

static bool overdue_of(const char *id)
{
    struct ts_resp r;
    cr_assert_eq(on_assignment(&learner, "GET", id, NULL, &r), 200);
    bool v = json_is_true(json_object_get(r.json, "overdue"));
    ts_resp_free(&r);
    return v;
}

Test(assignments, overdue_means_past_due_and_not_done)
{
    char m[2][STR_UUID_SIZE], sids[2][1][STR_UUID_SIZE], id[2][STR_UUID_SIZE], due[32],
        due_json[40], sql[300];
    time_in(3600, due);
    snprintf(due_json, sizeof(due_json), "\"%s\"", due);
    for (int i = 0; i < 2; i++) {
        module_n(&author, "M", 1, m[i], sids[i]);
        assigned(&author, m[i], learner.id, due_json, id[i]);
        cr_assert_not(overdue_of(id[i]), "due in an hour");
        /* The due date passes (set in the store: the API only takes future ones). */
        snprintf(sql, sizeof(sql), "UPDATE assignments SET due_at = %lld WHERE id = '%s'",
                 (long long)(time(NULL) - 60) * 1000, id[i]);
        ts_sql(&srv, sql);
    }
    cr_assert(overdue_of(id[0]));
    complete_screens(&learner, m[1], sids[1], 1, 0);
    cr_assert_not(overdue_of(id[1]), "completed in time or not, it is done");
    cr_assert(overdue_of(id[0]));
    struct ts_resp r;
    cr_assert_eq(on_assignment(&author, "PATCH", id[0], "{\"due_at\":null}", &r), 200);
    cr_assert(json_is_false(json_object_get(r.json, "overdue")), "no due date, never overdue");
    ts_resp_free(&r);
}

Test(assignments, archived_module_stays_open_to_its_assignees)
{
    char mid[STR_UUID_SIZE], sids[1][STR_UUID_SIZE], id[STR_UUID_SIZE], path[200];
    struct ts_resp r;
    module_n(&author, "Kept", 1, mid, sids);
    assigned(&author, mid, learner.id, NULL, id);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/archive", mid);
    ts_as(&srv, &author, "POST", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);

    /* The assignee, without any progress yet, still reads it and may start it. */
    snprintf(path, sizeof(path), "/api/v1/modules/%s", mid);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(str(r.json, "status"), "archived");
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, sids[0]);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    complete_screens(&learner, mid, sids, 1, 0);
    cr_assert_eq(on_assignment(&learner, "GET", id, NULL, &r), 200);
    cr_assert_str_eq(str(json_object_get(r.json, "module"), "status"), "archived");
    cr_assert_str_eq(str(r.json, "progress_status"), "completed");
    ts_resp_free(&r);

    /* Others do not see it. */
    snprintf(path, sizeof(path), "/api/v1/modules/%s", mid);
    ts_as(&srv, &other, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_resp_free(&r);
    /* Once the assignment is gone (and with no progress), neither does a former assignee. */
    char mid2[STR_UUID_SIZE], id2[STR_UUID_SIZE];
    module_n(&author, "Gone", 1, mid2, NULL);
    assigned(&author, mid2, other.id, NULL, id2);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/archive", mid2);
    ts_as(&srv, &author, "POST", path, NULL, &r);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s", mid2);
    ts_as(&srv, &other, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    cr_assert_eq(status_of(&author, "DELETE", id2, NULL), 204);
    ts_as(&srv, &other, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_resp_free(&r);
}

/* The module_published notifications of `u`, as a JSON array of their data objects. */
static json_t *published_data(const struct ts_user *u)
{
    json_t *items = ts_notifications(&srv, u, "module_published"), *out = json_array(), *item;
    size_t i;
    json_array_foreach(items, i, item) json_array_append(out, json_object_get(item, "data"));
    json_decref(items);
    return out;
}

static void post_module(const struct ts_user *u, const char *mid, const char *action,
                        char copy_id[STR_UUID_SIZE])
{
    char path[200];
    struct ts_resp r;
    snprintf(path, sizeof(path), "/api/v1/modules/%s/%s", mid, action);
    ts_as(&srv, u, "POST", path, NULL, &r);
    cr_assert(r.status == 200 || r.status == 201, "%s: %s", action, r.body);
    if (copy_id != NULL)
        snprintf(copy_id, STR_UUID_SIZE, "%s", str(r.json, "id"));
    ts_resp_free(&r);
}

Test(assignments, publish_notifies_assignees_of_the_module_and_of_its_origin)
{
    char orig[STR_UUID_SIZE], copy[STR_UUID_SIZE], id[STR_UUID_SIZE];
    struct ts_user third;
    ts_learner(&srv, &third);
    module_n(&author, "Version 1", 1, orig, NULL);
    assigned(&author, orig, learner.id, NULL, id);
    assigned(&author, orig, other.id, NULL, id);
    cr_assert_eq(ts_count_notifications(&srv, &learner, "module_published"), 0,
                 "publishing before any assignment told nobody");

    /* A copy of the assigned module is published: its origin's assignees hear of it. */
    post_module(&author, orig, "copy", copy);
    post_module(&author, copy, "publish", NULL);
    char want[300];
    snprintf(want, sizeof(want), "[{\"module_id\":\"%s\",\"copied_from_id\":\"%s\"}]", copy, orig);
    json_t *expected = json_loads(want, 0, NULL);
    const struct ts_user *assignees[] = {&learner, &other};
    for (int i = 0; i < 2; i++) {
        json_t *got = published_data(assignees[i]);
        cr_assert(json_equal(got, expected), "%s", json_dumps(got, JSON_COMPACT));
        json_decref(got);
    }
    json_decref(expected);
    cr_assert_eq(ts_count_notifications(&srv, &third, NULL), 0);
    cr_assert_eq(ts_count_notifications(&srv, &author, NULL), 0);

    /* The copy assigned as well to one of them: republishing it tells that user once. */
    assigned(&author, copy, learner.id, NULL, id);
    assigned(&author, copy, third.id, NULL, id);
    post_module(&author, copy, "archive", NULL);
    post_module(&author, copy, "publish", NULL);
    cr_assert_eq(ts_count_notifications(&srv, &learner, "module_published"), 2, "one per publish");
    cr_assert_eq(ts_count_notifications(&srv, &other, "module_published"), 2);
    cr_assert_eq(ts_count_notifications(&srv, &third, "module_published"), 1);

    /* Republishing the origin itself: its data has no origin. */
    post_module(&author, orig, "archive", NULL);
    post_module(&author, orig, "publish", NULL);
    json_t *got = published_data(&other);
    cr_assert_eq(json_array_size(got), 3);
    snprintf(want, sizeof(want), "{\"module_id\":\"%s\",\"copied_from_id\":null}", orig);
    expected = json_loads(want, 0, NULL);
    cr_assert(json_equal(json_array_get(got, 0), expected), "%s", json_dumps(got, JSON_COMPACT));
    json_decref(expected);
    json_decref(got);
    cr_assert_eq(ts_count_notifications(&srv, &third, "module_published"), 1,
                 "assignees of the copy only are not told about the origin");
}

/* --- the due-soon scheduler -------------------------------------------------------------- */

/*
 * The scheduler runs every second. Its debug line after each scan ("due-soon scan done") lets
 * a test wait for scans to happen instead of sleeping: "exactly once" is checked after two
 * more scans than the one that created the reminder.
 */
static const char *const scheduler_env[] = {
    "SCHEDULER_INTERVAL_SECONDS=1", "DUE_SOON_WINDOW_SECONDS=3600", "LOG_LEVEL=debug", NULL};

static void start_scheduler(void)
{
    start_with(scheduler_env);
}

TestSuite(due_soon, .init = start_scheduler, .fini = stop, .timeout = 180);

static int scans_done(const struct ts_server *s)
{
    char *log = ts_server_log(s);
    int n = ts_count(log, "due-soon scan done");
    free(log);
    return n;
}

/* Waits (at most 30 s) until `s` has finished `more` further scans. */
static void wait_scans(const struct ts_server *s, int more)
{
    int want = scans_done(s) + more;
    for (int i = 0; i < 300 && scans_done(s) < want; i++)
        usleep(100 * 1000);
    cr_assert_geq(scans_done(s), want, "the scheduler keeps scanning");
}

/* Waits (at most 30 s) until `u` has `n` assignment_due_soon notifications. */
static void wait_reminders(const struct ts_server *s, const struct ts_user *u, size_t n)
{
    for (int i = 0; i < 300 && ts_count_notifications(s, u, "assignment_due_soon") < n; i++)
        usleep(100 * 1000);
    cr_assert_eq(ts_count_notifications(s, u, "assignment_due_soon"), n, "reminders of %s",
                 u->email);
}

Test(due_soon, reminder_comes_once_and_again_after_a_new_due_at)
{
    char mid[STR_UUID_SIZE], id[STR_UUID_SIZE], due[32], due_json[40], body[80];
    time_in(1800, due);
    snprintf(due_json, sizeof(due_json), "\"%s\"", due);
    module_n(&author, "Soon", 1, mid, NULL);
    assigned(&author, mid, learner.id, due_json, id);

    wait_reminders(&srv, &learner, 1);
    json_t *got = ts_notifications(&srv, &learner, "assignment_due_soon");
    json_t *n = json_array_get(got, 0);
    json_t *want = json_pack("{s:s,s:s,s:s}", "assignment_id", id, "module_id", mid, "due_at", due);
    cr_assert(json_equal(json_object_get(n, "data"), want));
    cr_assert_gt(strlen(str(n, "title")), 0);
    cr_assert_gt(strlen(str(n, "body")), 0);
    json_decref(want);
    json_decref(got);
    wait_scans(&srv, 2);
    cr_assert_eq(ts_count_notifications(&srv, &learner, "assignment_due_soon"), 1, "only once");

    /* A new due date re-arms the reminder: exactly one more. */
    time_in(2400, due);
    snprintf(body, sizeof(body), "{\"due_at\":\"%s\"}", due);
    cr_assert_eq(status_of(&author, "PATCH", id, body), 200);
    wait_reminders(&srv, &learner, 2);
    wait_scans(&srv, 2);
    cr_assert_eq(ts_count_notifications(&srv, &learner, "assignment_due_soon"), 2);
    got = ts_notifications(&srv, &learner, "assignment_due_soon");
    cr_assert_str_eq(str(json_object_get(json_array_get(got, 0), "data"), "due_at"), due,
                     "the newest names the new due date");
    json_decref(got);
    cr_assert_eq(ts_count_notifications(&srv, &learner, NULL), 3, "and the module_assigned one");
    char *log = ts_server_log(&srv);
    cr_assert_not_null(strstr(log, "created 1 due-soon reminder(s)"), "logged at info");
    free(log);
}

Test(due_soon, no_reminder_outside_the_window_without_due_date_or_when_done)
{
    char m[4][STR_UUID_SIZE], sids[4][1][STR_UUID_SIZE], id[STR_UUID_SIZE], soon[40], late[40],
        t[32];
    time_in(1800, t);
    snprintf(soon, sizeof(soon), "\"%s\"", t);
    time_in(7200, t); /* past the one-hour window */
    snprintf(late, sizeof(late), "\"%s\"", t);
    for (int i = 0; i < 4; i++)
        module_n(&author, "M", 1, m[i], sids[i]);
    complete_screens(&other, m[0], sids[0], 1, 0);
    assigned(&author, m[0], other.id, soon, id); /* done already */
    assigned(&author, m[1], other.id, late, id);
    assigned(&author, m[2], other.id, NULL, id);
    assigned(&author, m[3], learner.id, soon, id); /* the control: reminded */
    wait_reminders(&srv, &learner, 1);
    wait_scans(&srv, 2);
    cr_assert_eq(ts_count_notifications(&srv, &other, "assignment_due_soon"), 0);
}

Test(due_soon, two_instances_remind_exactly_once)
{
    enum { MODULES = 5 };
    char m[MODULES][STR_UUID_SIZE], id[STR_UUID_SIZE], soon[40], t[32];
    struct ts_user users[3];
    struct ts_server second = {0};
    time_in(1800, t);
    snprintf(soon, sizeof(soon), "\"%s\"", t);
    for (int u = 0; u < 3; u++)
        ts_learner(&srv, &users[u]);

    /* A second instance on the same database, scanning at the same pace. */
    ts_scratch_dir(second.dir, sizeof(second.dir), "ts-second");
    snprintf(second.log_path, sizeof(second.log_path), "%s/server.log", second.dir);
    snprintf(second.database_url, sizeof(second.database_url), "%s", srv.database_url);
    ts_server_start_on(&second, scheduler_env); /* pg_db stays "": stopping it drops nothing */

    for (int i = 0; i < MODULES; i++) {
        module_n(&author, "M", 1, m[i], NULL);
        for (int u = 0; u < 3; u++)
            assigned(&author, m[i], users[u].id, soon, id);
    }
    for (int u = 0; u < 3; u++)
        wait_reminders(&srv, &users[u], MODULES);
    wait_scans(&srv, 2);
    wait_scans(&second, 2);
    for (int u = 0; u < 3; u++) {
        cr_assert_eq(ts_count_notifications(&second, &users[u], "assignment_due_soon"), MODULES,
                     "one per assignment, whichever instance created it");
        json_t *got = ts_notifications(&srv, &users[u], "assignment_due_soon"), *n;
        size_t i;
        json_t *seen = json_array();
        json_array_foreach(got, i, n)
        {
            const char *aid = str(json_object_get(n, "data"), "assignment_id");
            cr_assert_not(contains(seen, aid), "assignment %s reminded twice", aid);
            json_array_append_new(seen, json_string(aid));
        }
        json_decref(seen);
        json_decref(got);
    }
    cr_assert_eq(ts_server_stop(&second), 0);
}

/*
 * A database outage: the server reaches PostgreSQL through a relay (support/tcp_peer.h) that
 * the test silences. Scans fail, are logged, and the next ones work again once the database
 * answers, without a restart. SQLite is embedded, so the test skips on it.
 */
static struct ts_peer *peer;

static void stop_outage(void)
{
    if (srv.pid > 0 || srv.dir[0] != '\0')
        ts_server_stop(&srv);
    ts_peer_stop(peer);
    peer = NULL;
}

TestSuite(due_soon_outage, .fini = stop_outage, .timeout = 180);

static bool log_has(const char *needle)
{
    char *log = ts_server_log(&srv);
    bool has = strstr(log, needle) != NULL;
    free(log);
    return has;
}

Test(due_soon_outage, scans_fail_while_the_database_is_silent_and_resume_after)
{
    static const char *const env[] = {"SCHEDULER_INTERVAL_SECONDS=1",
                                      "DUE_SOON_WINDOW_SECONDS=3600", "LOG_LEVEL=debug",
                                      "DB_TIMEOUT_MS=1000", NULL};
    char mid[STR_UUID_SIZE], id[STR_UUID_SIZE], t[32], due[40], body[80];
    if (!ts_backend_is_pg())
        cr_skip_test("a silent PostgreSQL host; SQLite is embedded");
    peer = ts_peer_start_pg(TS_PEER_FORWARD);
    ts_db_create(&srv);
    ts_peer_url(peer, srv.database_url, srv.database_url, sizeof(srv.database_url));
    ts_server_start_on(&srv, env);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_learner(&srv, &learner);
    module_n(&author, "Outage", 1, mid, NULL);
    time_in(7200, t); /* outside the window for now */
    snprintf(due, sizeof(due), "\"%s\"", t);
    assigned(&author, mid, learner.id, due, id);

    ts_peer_set_mode(peer, TS_PEER_SILENT);
    for (int i = 0; i < 300 && !log_has("due-soon scan failed"); i++)
        usleep(100 * 1000);
    cr_assert(log_has("due-soon scan failed"), "the failed scan is logged");
    ts_peer_set_mode(peer, TS_PEER_FORWARD);

    /* Back: the due date moves into the window (the first requests may still meet the
     * breaker or a connection that died while silent; they are retried). */
    time_in(1800, t);
    snprintf(body, sizeof(body), "{\"due_at\":\"%s\"}", t);
    long st = 0;
    for (int i = 0; i < 100 && st != 200; i++) {
        st = status_of(&author, "PATCH", id, body);
        cr_assert(st == 200 || st == 503, "PATCH: %ld", st);
        if (st != 200)
            usleep(200 * 1000);
    }
    cr_assert_eq(st, 200);
    wait_reminders(&srv, &learner, 1);
    wait_scans(&srv, 2);
    cr_assert_eq(ts_count_notifications(&srv, &learner, "assignment_due_soon"), 1);
    cr_assert_eq(ts_server_stop(&srv), 0);
}
