/*
 * Mass assignment (OWASP API3, docs/SECURITY.md): server-owned fields sent in a create or patch
 * body are ignored, never applied (API.md §1.2: unlisted top-level fields are ignored; inside
 * stored documents the server-owned parts of progress_data are ignored and the stored ones
 * kept). One test per route with a body; each sends every server-owned field of the resource
 * with a value that would matter, then checks the answer and what a later read returns.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support/modules.h"

static struct ts_server srv;
static struct ts_user admin, author, learner, other;

static void start(void)
{
    static const char *const env[] = {"LOGIN_RATE_LIMIT=1000", NULL};
    ts_server_start(&srv, env);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_learner(&srv, &learner);
    ts_learner(&srv, &other);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

/* One server and one set of users for all routes: the fixed cost of a test (a server, an
 * admin made by the CLI, four argon2id logins) is most of what each check would cost. */
TestSuite(mass_assignment, .init = start, .fini = stop, .timeout = 240);

#define FOREIGN_ID "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"
#define OLD_TIME "2001-01-01T00:00:00.000Z"

static const char *str(const json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));
    return v != NULL ? v : "(not a string)";
}

/* A request whose status must be `want`; the reply stays in *r. */
static void call(const struct ts_user *u, const char *method, const char *path, const char *body,
                 long want, struct ts_resp *r)
{
    ts_as(&srv, u, method, path, body, r);
    cr_assert_eq(r->status, want, "%s %s: %ld %s", method, path, r->status, r->body);
}

/* The server's own fields on a new object: an id of its own, fresh timestamps. */
static void assert_server_stamped(const json_t *j)
{
    cr_assert_neq(strcmp(str(j, "id"), FOREIGN_ID), 0);
    cr_assert_eq(strlen(str(j, "id")), 36u);
    cr_assert_neq(strcmp(str(j, "created_at"), OLD_TIME), 0);
}

static void register_ignores_role_active_and_ids(void)
{
    struct ts_resp r;
    call(NULL, "POST", "/api/v1/auth/register",
         "{\"email\":\"ma@example.com\",\"password\":\"password123\",\"display_name\":\"M\","
         "\"role\":\"admin\",\"active\":false,\"id\":\"" FOREIGN_ID "\",\"created_at\":\"" OLD_TIME
         "\",\"updated_at\":\"" OLD_TIME "\",\"password_hash\":\"x\"}",
         201, &r);
    cr_assert_str_eq(str(r.json, "role"), "learner");
    cr_assert(json_is_true(json_object_get(r.json, "active")));
    assert_server_stamped(r.json);
    ts_resp_free(&r);
    char token[128];
    cr_assert_eq(ts_login(&srv, "ma@example.com", "password123", token), 200);
}

static void login_ignores_lifetime_and_role_fields(void)
{
    struct ts_resp r;
    char body[300];
    snprintf(body, sizeof(body),
             "{\"email\":\"%s\",\"password\":\"password123\",\"expires_in\":999999999,"
             "\"token_type\":\"admin\",\"role\":\"admin\"}",
             learner.email);
    call(NULL, "POST", "/api/v1/auth/login", body, 200, &r);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "expires_in")), 86400);
    cr_assert_str_eq(str(json_object_get(r.json, "user"), "role"), "learner");
    ts_resp_free(&r);
}

static void me_patch_ignores_email_role_active_and_ids(void)
{
    struct ts_resp r;
    call(&learner, "PATCH", "/api/v1/users/me",
         "{\"display_name\":\"New\",\"email\":\"taken@example.com\",\"role\":\"admin\","
         "\"active\":false,\"id\":\"" FOREIGN_ID "\",\"created_at\":\"" OLD_TIME "\"}",
         200, &r);
    ts_resp_free(&r);
    call(&learner, "GET", "/api/v1/users/me", NULL, 200, &r);
    cr_assert_str_eq(str(r.json, "display_name"), "New");
    cr_assert_str_eq(str(r.json, "email"), learner.email);
    cr_assert_str_eq(str(r.json, "role"), "learner");
    cr_assert_str_eq(str(r.json, "id"), learner.id);
    cr_assert(json_is_true(json_object_get(r.json, "active")));
    cr_assert_neq(strcmp(str(r.json, "created_at"), OLD_TIME), 0);
    ts_resp_free(&r);
    /* The admin route is still refused to the learner, whatever it claimed. */
    call(&learner, "GET", "/api/v1/users", NULL, 403, &r);
    ts_resp_free(&r);
}

static void admin_user_patch_ignores_email_and_ids(void)
{
    struct ts_resp r;
    char path[100];
    snprintf(path, sizeof(path), "/api/v1/users/%s", other.id);
    call(&admin, "PATCH", path,
         "{\"display_name\":\"O\",\"email\":\"x@example.com\",\"id\":\"" FOREIGN_ID
         "\",\"created_at\":\"" OLD_TIME "\",\"password\":\"changed-password\"}",
         200, &r);
    cr_assert_str_eq(str(r.json, "email"), other.email);
    cr_assert_str_eq(str(r.json, "id"), other.id);
    ts_resp_free(&r);
    cr_assert_eq(ts_login(&srv, other.email, "password123", NULL), 200, "password unchanged");
}

#define MODULE_OWNED_FIELDS                                                                        \
    "\"id\":\"" FOREIGN_ID "\",\"status\":\"published\",\"author_id\":\"%s\",\"author_name\":"     \
    "\"X\",\"copied_from_id\":\"" FOREIGN_ID "\",\"screen_count\":9,\"created_at\":\"" OLD_TIME    \
    "\",\"updated_at\":\"" OLD_TIME "\",\"published_at\":\"" OLD_TIME                              \
    "\",\"archived_at\":\"" OLD_TIME "\""

static void assert_own_draft(const json_t *m, const struct ts_user *owner)
{
    cr_assert_str_eq(str(m, "status"), "draft");
    cr_assert_str_eq(str(m, "author_id"), owner->id);
    cr_assert(json_is_null(json_object_get(m, "published_at")));
    cr_assert(json_is_null(json_object_get(m, "archived_at")));
    assert_server_stamped(m);
}

static void module_create_patch_and_copy_ignore_owner_status_and_ids(void)
{
    struct ts_resp r;
    char body[800], path[120], mid[STR_UUID_SIZE];
    snprintf(body, sizeof(body),
             "{\"title\":\"T\",\"flow_type\":\"linear\"," MODULE_OWNED_FIELDS "}", admin.id);
    call(&author, "POST", "/api/v1/modules", body, 201, &r);
    assert_own_draft(r.json, &author);
    cr_assert(json_is_null(json_object_get(r.json, "copied_from_id")));
    cr_assert_eq(json_integer_value(json_object_get(r.json, "screen_count")), 0);
    snprintf(mid, sizeof(mid), "%s", str(r.json, "id"));
    ts_resp_free(&r);

    snprintf(path, sizeof(path), "/api/v1/modules/%s", mid);
    snprintf(body, sizeof(body),
             "{\"title\":\"T2\",\"flow_type\":\"assessment\"," MODULE_OWNED_FIELDS "}", admin.id);
    call(&author, "PATCH", path, body, 200, &r);
    cr_assert_str_eq(str(r.json, "title"), "T2");
    cr_assert_str_eq(str(r.json, "flow_type"), "linear");
    cr_assert_str_eq(str(r.json, "id"), mid);
    cr_assert_str_eq(str(r.json, "status"), "draft");
    cr_assert_str_eq(str(r.json, "author_id"), author.id);
    ts_resp_free(&r);
    /* Still the author's draft: a learner cannot see it. */
    call(&learner, "GET", path, NULL, 404, &r);
    ts_resp_free(&r);

    snprintf(path, sizeof(path), "/api/v1/modules/%s/copy", mid);
    snprintf(body, sizeof(body), "{\"title\":\"C\"," MODULE_OWNED_FIELDS "}", admin.id);
    call(&author, "POST", path, body, 201, &r);
    assert_own_draft(r.json, &author);
    cr_assert_str_eq(str(r.json, "copied_from_id"), mid);
    ts_resp_free(&r);
}

#define SCREEN_OWNED_FIELDS                                                                        \
    "\"id\":\"" FOREIGN_ID "\",\"module_id\":\"%s\",\"created_at\":\"" OLD_TIME                    \
    "\",\"updated_at\":\"" OLD_TIME "\""

static void screen_create_patch_and_order_ignore_module_type_and_ids(void)
{
    struct ts_resp r;
    char body[800], path[200], mid[STR_UUID_SIZE], elsewhere[STR_UUID_SIZE], sid[STR_UUID_SIZE];
    ts_module(&srv, &author, "{\"title\":\"S\",\"flow_type\":\"linear\"}", mid);
    ts_module(&srv, &author, "{\"title\":\"E\",\"flow_type\":\"linear\"}", elsewhere);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    snprintf(
        body, sizeof(body),
        "{\"type\":\"content\",\"title\":\"A\",\"content\":{\"body\":\"x\"}," SCREEN_OWNED_FIELDS
        "}",
        elsewhere);
    call(&author, "POST", path, body, 201, &r);
    cr_assert_str_eq(str(r.json, "module_id"), mid);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "position")), 1);
    assert_server_stamped(r.json);
    snprintf(sid, sizeof(sid), "%s", str(r.json, "id"));
    ts_resp_free(&r);

    /* PATCH: type and position are ignored too (§6.1). */
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, sid);
    snprintf(body, sizeof(body),
             "{\"title\":\"B\",\"type\":\"question\",\"position\":7," SCREEN_OWNED_FIELDS "}",
             elsewhere);
    call(&author, "PATCH", path, body, 200, &r);
    cr_assert_str_eq(str(r.json, "title"), "B");
    cr_assert_str_eq(str(r.json, "type"), "content");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "position")), 1);
    cr_assert_str_eq(str(r.json, "module_id"), mid);
    cr_assert_str_eq(str(r.json, "id"), sid);
    ts_resp_free(&r);

    snprintf(path, sizeof(path), "/api/v1/modules/%s/screen-order", mid);
    snprintf(body, sizeof(body), "{\"screen_ids\":[\"%s\"],\"module_id\":\"%s\"}", sid, elsewhere);
    call(&author, "PUT", path, body, 200, &r);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", elsewhere);
    call(&author, "GET", path, NULL, 200, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0u, "nothing moved there");
    ts_resp_free(&r);
}

#define PROGRESS_OWNED_FIELDS                                                                      \
    "\"status\":\"completed\",\"percent\":100,\"score\":100,\"user_id\":\"%s\",\"module_id\":"     \
    "\"" FOREIGN_ID "\",\"flow_type\":\"assessment\",\"started_at\":\"" OLD_TIME                   \
    "\",\"completed_at\":\"" OLD_TIME "\",\"updated_at\":\"" OLD_TIME "\""

static void progress_put_cannot_claim_status_score_or_a_graded_answer(void)
{
    struct ts_resp r;
    char body[1200], path[200], mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], cid[STR_UUID_SIZE];
    ts_module(&srv, &author, "{\"title\":\"P\",\"flow_type\":\"linear\"}", mid);
    ts_screen(&srv, &author, mid, TS_QUESTION_SCREEN, qid);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, cid);
    ts_publish(&srv, &author, mid);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", mid);

    /* A question response written by the client is ignored (server only, §8): no answer is
     * stored, so the question cannot be completed. */
    snprintf(body, sizeof(body),
             "{\"version\":0," PROGRESS_OWNED_FIELDS ",\"progress_data\":{\"current_screen_id\":"
             "\"%s\",\"completed_screen_ids\":[],\"responses\":{\"%s\":{\"option_ids\":[\"b\"],"
             "\"correct\":true,\"answered_at\":\"" OLD_TIME "\"}}}}",
             other.id, qid, qid);
    call(&learner, "PUT", path, body, 200, &r);
    cr_assert_str_eq(str(r.json, "user_id"), learner.id);
    cr_assert_str_eq(str(r.json, "module_id"), mid);
    cr_assert_str_eq(str(r.json, "flow_type"), "linear");
    cr_assert_str_eq(str(r.json, "status"), "in_progress");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "percent")), 0);
    cr_assert(json_is_null(json_object_get(r.json, "score")));
    cr_assert(json_is_null(json_object_get(r.json, "completed_at")));
    cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 1);
    json_t *responses = json_object_get(json_object_get(r.json, "progress_data"), "responses");
    cr_assert_null(json_object_get(responses, qid), "client-written answer stored: %s", r.body);
    ts_resp_free(&r);
    snprintf(body, sizeof(body),
             "{\"version\":1,\"progress_data\":{\"current_screen_id\":\"%s\","
             "\"completed_screen_ids\":[\"%s\"],\"responses\":{\"%s\":{\"option_ids\":[\"b\"],"
             "\"correct\":true}}}}",
             cid, qid, qid);
    call(&learner, "PUT", path, body, 422, &r);
    cr_assert(ts_has_error(&r, "[\"body\",\"progress_data\",\"completed_screen_ids\",0]",
                           "requirements_not_met"),
              "%s", r.body);
    ts_resp_free(&r);
    /* The other learner's record was not touched. */
    call(&other, "GET", path, NULL, 200, &r);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "version")), 0);
    ts_resp_free(&r);

    /* answer: "correct" and a progress sent along are ignored; the server grades. */
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s/answer", mid, qid);
    call(&learner, "POST", path,
         "{\"option_ids\":[\"a\"],\"correct\":true,\"correct_option_ids\":[\"a\"],"
         "\"progress\":{\"status\":\"completed\"}}",
         200, &r);
    cr_assert(json_is_false(json_object_get(r.json, "correct")));
    cr_assert_str_eq(str(json_object_get(r.json, "progress"), "status"), "in_progress");
    ts_resp_free(&r);
}

#define ASSESSMENT_SCREEN(id_)                                                                     \
    "{\"type\":\"question\",\"title\":\"Q\",\"content\":{\"kind\":\"single\",\"prompt\":\"P\","    \
    "\"options\":[{\"id\":\"a\",\"text\":\"A\"},{\"id\":\"b\",\"text\":\"B\"}],"                   \
    "\"correct_option_ids\":[\"" id_ "\"]}}"

static void assessment_attempts_and_scores_are_server_owned(void)
{
    struct ts_resp r;
    char body[1500], path[200], mid[STR_UUID_SIZE], qid[STR_UUID_SIZE];
    ts_module(&srv, &author,
              "{\"title\":\"A\",\"flow_type\":\"assessment\",\"settings\":{\"max_attempts\":1}}",
              mid);
    ts_screen(&srv, &author, mid, ASSESSMENT_SCREEN("b"), qid);
    ts_publish(&srv, &author, mid);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", mid);
    snprintf(body, sizeof(body),
             "{\"version\":0,\"progress_data\":{\"attempt\":5,\"current_screen_id\":null,"
             "\"answers\":{\"%s\":[\"a\"]},\"submitted_at\":\"" OLD_TIME "\",\"attempts\":["
             "{\"attempt\":1,\"answers\":{},\"results\":{},\"score\":100,\"passed\":true,"
             "\"submitted_at\":\"" OLD_TIME "\"}]}}",
             qid);
    call(&learner, "PUT", path, body, 200, &r);
    json_t *pd = json_object_get(r.json, "progress_data");
    cr_assert_eq(json_integer_value(json_object_get(pd, "attempt")), 1);
    cr_assert(json_is_null(json_object_get(pd, "submitted_at")));
    cr_assert_eq(json_array_size(json_object_get(pd, "attempts")), 0u);
    cr_assert_str_eq(str(r.json, "status"), "in_progress");
    cr_assert(json_is_null(json_object_get(r.json, "score")));
    ts_resp_free(&r);

    /* submit: score and passed sent along are ignored; the wrong answer fails. */
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress/submit", mid);
    call(&learner, "POST", path, "{\"version\":1,\"score\":100,\"passed\":true,\"attempt\":1}", 200,
         &r);
    cr_assert_str_eq(str(r.json, "status"), "failed");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "score")), 0);
    ts_resp_free(&r);
    /* attempts: max_attempts 1 is not lifted by an attempt number in the body. */
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress/attempts", mid);
    call(&learner, "POST", path, "{\"version\":2,\"attempt\":0,\"max_attempts\":9}", 409, &r);
    ts_assert_json(&r, "{\"detail\":\"No attempts remaining\"}");
    ts_resp_free(&r);
}

static void feedback_ignores_author_module_and_ids(void)
{
    struct ts_resp r;
    char body[600], path[200], mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], mid2[STR_UUID_SIZE],
        qid2[STR_UUID_SIZE];
    ts_linear_module(&srv, &author, mid, qid);
    ts_linear_module(&srv, &author, mid2, qid2);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback", mid);
    snprintf(body, sizeof(body),
             "{\"rating\":4,\"user_id\":\"%s\",\"module_id\":\"%s\",\"id\":\"" FOREIGN_ID
             "\",\"created_at\":\"" OLD_TIME "\"}",
             other.id, mid2);
    call(&learner, "POST", path, body, 201, &r);
    cr_assert_str_eq(str(r.json, "user_id"), learner.id);
    cr_assert_str_eq(str(r.json, "module_id"), mid);
    assert_server_stamped(r.json);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback/summary", mid2);
    call(&author, "GET", path, NULL, 200, &r);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), 0);
    ts_resp_free(&r);
}

#define CHECKIN_OWNED_FIELDS                                                                       \
    "\"user_id\":\"%s\",\"date\":\"2001-01-01\",\"timezone\":\"Pacific/"                           \
    "Kiritimati\",\"id\":\"" FOREIGN_ID "\",\"created_at\":\"" OLD_TIME                            \
    "\",\"updated_at\":\"" OLD_TIME "\""

static void checkins_ignore_owner_date_and_timezone(void)
{
    struct ts_resp r;
    char body[600], path[200], id[STR_UUID_SIZE];
    snprintf(body, sizeof(body), "{\"mood\":4,\"confidence\":3," CHECKIN_OWNED_FIELDS "}",
             other.id);
    call(&learner, "POST", "/api/v1/checkins", body, 201, &r);
    cr_assert_str_eq(str(r.json, "user_id"), learner.id);
    cr_assert_neq(strcmp(str(r.json, "date"), "2001-01-01"), 0);
    cr_assert_str_eq(str(r.json, "timezone"), "UTC");
    assert_server_stamped(r.json);
    char date[16];
    snprintf(date, sizeof(date), "%s", str(r.json, "date"));
    snprintf(id, sizeof(id), "%s", str(r.json, "id"));
    ts_resp_free(&r);
    /* The other learner has no check-in: nothing was filed under them. */
    call(&other, "GET", "/api/v1/checkins", NULL, 200, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0u);
    ts_resp_free(&r);

    snprintf(path, sizeof(path), "/api/v1/checkins/%s", id);
    snprintf(body, sizeof(body), "{\"mood\":2," CHECKIN_OWNED_FIELDS "}", other.id);
    call(&learner, "PATCH", path, body, 200, &r);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "mood")), 2);
    cr_assert_str_eq(str(r.json, "user_id"), learner.id);
    cr_assert_str_eq(str(r.json, "date"), date);
    cr_assert_str_eq(str(r.json, "timezone"), "UTC");
    cr_assert_str_eq(str(r.json, "id"), id);
    ts_resp_free(&r);
}

static void assignments_ignore_creator_and_computed_fields(void)
{
    struct ts_resp r;
    char body[800], path[200], mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], mid2[STR_UUID_SIZE],
        qid2[STR_UUID_SIZE], id[STR_UUID_SIZE];
    ts_linear_module(&srv, &author, mid, qid);
    ts_linear_module(&srv, &author, mid2, qid2);
    snprintf(body, sizeof(body),
             "{\"module_id\":\"%s\",\"user_id\":\"%s\",\"assigned_by\":\"%s\",\"id\":\"" FOREIGN_ID
             "\",\"created_at\":\"" OLD_TIME "\",\"progress_status\":\"completed\","
             "\"progress_percent\":100,\"overdue\":true}",
             mid, learner.id, admin.id);
    call(&author, "POST", "/api/v1/assignments", body, 201, &r);
    cr_assert_str_eq(str(r.json, "assigned_by"), author.id);
    cr_assert_str_eq(str(r.json, "progress_status"), "not_started");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "progress_percent")), 0);
    cr_assert(json_is_false(json_object_get(r.json, "overdue")));
    assert_server_stamped(r.json);
    snprintf(id, sizeof(id), "%s", str(r.json, "id"));
    ts_resp_free(&r);

    snprintf(path, sizeof(path), "/api/v1/assignments/%s", id);
    snprintf(body, sizeof(body),
             "{\"due_at\":null,\"module_id\":\"%s\",\"user_id\":\"%s\",\"assigned_by\":\"%s\"}",
             mid2, other.id, admin.id);
    call(&author, "PATCH", path, body, 200, &r);
    cr_assert_str_eq(str(r.json, "module_id"), mid);
    cr_assert_str_eq(str(r.json, "user_id"), learner.id);
    cr_assert_str_eq(str(r.json, "assigned_by"), author.id);
    ts_resp_free(&r);
    call(&other, "GET", path, NULL, 404, &r);
    ts_resp_free(&r);
}

Test(mass_assignment, every_route_with_a_body_ignores_server_owned_fields)
{
    register_ignores_role_active_and_ids();
    login_ignores_lifetime_and_role_fields();
    me_patch_ignores_email_role_active_and_ids();
    admin_user_patch_ignores_email_and_ids();
    module_create_patch_and_copy_ignore_owner_status_and_ids();
    screen_create_patch_and_order_ignore_module_type_and_ids();
    progress_put_cannot_claim_status_score_or_a_graded_answer();
    assessment_attempts_and_scores_are_server_owned();
    feedback_ignores_author_module_and_ids();
    checkins_ignore_owner_date_and_timezone();
    assignments_ignore_creator_and_computed_fields();
}
