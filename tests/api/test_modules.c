/* Modules (API.md §5), publishing validation (§7), idempotency (§1.8) and seed-demo (§15). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support/modules.h"

static struct ts_server srv;
static struct ts_user admin, author, other, learner;

static void start(void)
{
    ts_server_start(&srv, NULL);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_user_with_role(&srv, &admin, "author", &other);
    ts_learner(&srv, &learner);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(modules, .init = start, .fini = stop, .timeout = 120);

static const char *str(const struct ts_resp *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

/* `tmpl` with its "%s" replaced by `id`. */
static void fill(char *out, size_t size, const char *tmpl, const char *id)
{
    const char *at = strstr(tmpl, "%s");
    if (at == NULL)
        snprintf(out, size, "%s", tmpl);
    else
        snprintf(out, size, "%.*s%s%s", (int)(at - tmpl), tmpl, id, at + 2);
}

static long call(const struct ts_user *u, const char *method, const char *tmpl, const char *id,
                 const char *body, struct ts_resp *r)
{
    char path[256];
    fill(path, sizeof(path), tmpl, id);
    ts_as(&srv, u, method, path, body, r);
    return r->status;
}

static long status_of(const struct ts_user *u, const char *method, const char *fmt, const char *id,
                      const char *body)
{
    struct ts_resp r;
    long st = call(u, method, fmt, id, body, &r);
    ts_resp_free(&r);
    return st;
}

#define M "/api/v1/modules/%s"

Test(modules, create_renders_a_complete_draft)
{
    struct ts_resp r;
    ts_as(&srv, &author, "POST", "/api/v1/modules",
          "{\"title\":\"Fire safety\",\"flow_type\":\"assessment\",\"status\":\"published\","
          "\"settings\":{\"max_attempts\":3}}",
          &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(str(&r, "title"), "Fire safety");
    cr_assert_str_eq(str(&r, "description"), "");
    cr_assert_str_eq(str(&r, "status"), "draft");
    cr_assert_str_eq(str(&r, "flow_type"), "assessment");
    cr_assert_str_eq(str(&r, "author_id"), author.id);
    cr_assert_str_eq(str(&r, "author_name"), "User");
    cr_assert(json_is_null(json_object_get(r.json, "copied_from_id")));
    cr_assert(json_is_null(json_object_get(r.json, "published_at")));
    cr_assert(json_is_null(json_object_get(r.json, "archived_at")));
    cr_assert_eq(json_integer_value(json_object_get(r.json, "screen_count")), 0);
    json_t *want = json_loads("{\"pass_score\":70,\"max_attempts\":3}", 0, NULL);
    cr_assert(json_equal(json_object_get(r.json, "settings"), want), "%s", r.body);
    json_decref(want);
    cr_assert_eq(json_object_size(r.json), 14, "%s", r.body);
    ts_resp_free(&r);
}

Test(modules, get_returns_text_fields_exactly_as_stored)
{
    /* GET renders the module straight to text (src/api/modules.c api_module_render): quotes,
     * backslashes, control characters and non-ASCII text must come back as they were sent. */
    /* the title as JSON text, the way it is sent */
    const char *title =
        "Fire \\\"safety\\\" \\\\ first\\n\\ttabs \\u0001 \\u00fc\\u00df \\ud83d\\udd25";
    char body[256], id[STR_UUID_SIZE], path[128];
    struct ts_resp r;
    snprintf(body, sizeof(body),
             "{\"title\":\"%s\",\"description\":\"</script>\",\"flow_type\":\"branching\"}", title);
    ts_as(&srv, &author, "POST", "/api/v1/modules", body, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    snprintf(id, sizeof(id), "%s", str(&r, "id"));
    json_t *created = json_deep_copy(r.json);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), M, id);
    ts_as(&srv, &author, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(json_equal(r.json, created), "GET %s\nPOST %s", r.body,
              json_dumps(created, JSON_COMPACT));
    char quoted[128];
    snprintf(quoted, sizeof(quoted), "\"%s\"", title);
    json_t *want = json_loads(quoted, JSON_DECODE_ANY, NULL);
    cr_assert_not_null(want);
    cr_assert(json_equal(json_object_get(r.json, "title"), want), "%s", r.body);
    cr_assert_str_eq(str(&r, "description"), "</script>");
    cr_assert(
        json_is_null(json_object_get(json_object_get(r.json, "settings"), "start_screen_id")));
    json_decref(want);
    json_decref(created);
    ts_resp_free(&r);
}

Test(modules, settings_defaults_per_flow)
{
    const char *cases[][2] = {{"linear", "{}"},
                              {"branching", "{\"start_screen_id\":null}"},
                              {"assessment", "{\"pass_score\":70,\"max_attempts\":null}"}};
    for (int i = 0; i < 3; i++) {
        char body[128];
        struct ts_resp r;
        snprintf(body, sizeof(body), "{\"title\":\"T\",\"flow_type\":\"%s\"}", cases[i][0]);
        ts_as(&srv, &author, "POST", "/api/v1/modules", body, &r);
        json_t *want = json_loads(cases[i][1], 0, NULL);
        cr_assert(json_equal(json_object_get(r.json, "settings"), want), "%s", r.body);
        json_decref(want);
        ts_resp_free(&r);
    }
}

Test(modules, create_validates_fields_and_settings)
{
    struct ts_resp r;
    ts_as(&srv, &author, "POST", "/api/v1/modules",
          "{\"title\":\"\",\"flow_type\":\"quiz\",\"description\":7}", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"title\"]", "string_too_short"));
    cr_assert(ts_has_error(&r, "[\"body\",\"flow_type\"]", "enum"));
    cr_assert(ts_has_error(&r, "[\"body\",\"description\"]", "string_type"));
    cr_assert_not_null(strstr(r.body, "Input should be 'linear', 'branching' or 'assessment'"));
    ts_resp_free(&r);
    ts_as(&srv, &author, "POST", "/api/v1/modules",
          "{\"title\":\"T\",\"flow_type\":\"assessment\",\"settings\":{\"pass_score\":101,"
          "\"max_attempts\":0,\"start_screen_id\":null}}",
          &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"settings\",\"pass_score\"]", "less_than_equal"));
    cr_assert(ts_has_error(&r, "[\"body\",\"settings\",\"max_attempts\"]", "greater_than_equal"));
    cr_assert(ts_has_error(&r, "[\"body\",\"settings\",\"start_screen_id\"]", "extra_forbidden"));
    ts_resp_free(&r);
    ts_as(&srv, &author, "POST", "/api/v1/modules",
          "{\"title\":\"T\",\"flow_type\":\"linear\",\"settings\":[]}", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"settings\"]", "dict_type"));
    ts_resp_free(&r);
}

Test(modules, learners_cannot_create)
{
    cr_assert_eq(status_of(&learner, "POST", "/api/v1/modules", "",
                           "{\"title\":\"T\",\"flow_type\":\"linear\"}"),
                 403);
    cr_assert_eq(status_of(NULL, "POST", "/api/v1/modules", "",
                           "{\"title\":\"T\",\"flow_type\":\"linear\"}"),
                 401);
}

Test(modules, drafts_are_invisible_to_others)
{
    char mid[STR_UUID_SIZE];
    ts_module(&srv, &author, "{\"title\":\"Secret\",\"flow_type\":\"linear\"}", mid);
    cr_assert_eq(status_of(&author, "GET", M, mid, NULL), 200);
    cr_assert_eq(status_of(&admin, "GET", M, mid, NULL), 200);
    cr_assert_eq(status_of(&learner, "GET", M, mid, NULL), 404);
    cr_assert_eq(status_of(&other, "GET", M, mid, NULL), 404);
    cr_assert_eq(status_of(&other, "PATCH", M, mid, "{\"title\":\"x\"}"), 404);
    cr_assert_eq(status_of(&other, "DELETE", M, mid, NULL), 404);
    cr_assert_eq(status_of(&other, "POST", M "/publish", mid, NULL), 404);
    cr_assert_eq(status_of(&other, "GET", M "/screens", mid, NULL), 404);
    cr_assert_eq(status_of(&learner, "GET", M, "00000000-0000-4000-8000-000000000000", NULL), 404);
    struct ts_resp r;
    cr_assert_eq(call(&learner, "GET", M, "nope", NULL, &r), 422);
    cr_assert(ts_has_error(&r, "[\"path\",\"module_id\"]", "uuid_parsing"));
    ts_resp_free(&r);
}

Test(modules, published_modules_are_visible_but_only_owners_edit)
{
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE];
    ts_linear_module(&srv, &author, mid, qid);
    cr_assert_eq(status_of(&learner, "GET", M, mid, NULL), 200);
    cr_assert_eq(status_of(&other, "GET", M, mid, NULL), 200);
    cr_assert_eq(status_of(&other, "PATCH", M, mid, "{\"title\":\"x\"}"), 403);
    cr_assert_eq(status_of(&other, "POST", M "/archive", mid, NULL), 403);
    cr_assert_eq(status_of(&other, "POST", M "/copy", mid, NULL), 403);
    cr_assert_eq(status_of(&learner, "POST", M "/archive", mid, NULL), 403);
    struct ts_resp r;
    cr_assert_eq(call(&author, "PATCH", M, mid, "{\"title\":\"x\"}", &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Only draft modules can be edited\"}");
    ts_resp_free(&r);
    cr_assert_eq(call(&author, "DELETE", M, mid, NULL, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Only draft modules can be deleted\"}");
    ts_resp_free(&r);
}

Test(modules, list_contents_depend_on_role)
{
    char own_draft[STR_UUID_SIZE], other_draft[STR_UUID_SIZE], pub[STR_UUID_SIZE], q[STR_UUID_SIZE];
    ts_module(&srv, &author, "{\"title\":\"Mine\",\"flow_type\":\"linear\"}", own_draft);
    ts_module(&srv, &other, "{\"title\":\"Theirs\",\"flow_type\":\"linear\"}", other_draft);
    ts_linear_module(&srv, &other, pub, q);
    struct {
        const struct ts_user *u;
        const char *query;
        size_t n;
    } cases[] = {
        {&learner, "", 1},
        {&learner, "?status=draft", 0},
        {&author, "", 2},
        {&admin, "", 3},
        {&admin, "?status=draft", 2},
        {&admin, "?q=MIN", 1},
        {&admin, "?flow_type=branching", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ts_resp r;
        char path[128];
        snprintf(path, sizeof(path), "/api/v1/modules%s", cases[i].query);
        ts_as(&srv, cases[i].u, "GET", path, NULL, &r);
        cr_assert_eq(r.status, 200);
        cr_assert_eq(json_array_size(json_object_get(r.json, "items")), cases[i].n, "case %zu: %s",
                     i, r.body);
        ts_resp_free(&r);
    }
    struct ts_resp r;
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/modules?author_id=%s", other.id);
    ts_as(&srv, &admin, "GET", path, NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 2);
    ts_resp_free(&r);
    ts_as(&srv, &admin, "GET", "/api/v1/modules?author_id=x&status=gone", NULL, &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"author_id\"]", "uuid_parsing"));
    cr_assert(ts_has_error(&r, "[\"query\",\"status\"]", "enum"));
    ts_resp_free(&r);
}

Test(modules, list_pages_follow_cursors)
{
    char ids[7][STR_UUID_SIZE];
    for (int i = 0; i < 7; i++)
        ts_module(&srv, &author, "{\"title\":\"Paged\",\"flow_type\":\"linear\"}", ids[i]);
    /* The order of one big page (created_at desc, ties by id desc) is what pages must follow. */
    struct ts_resp all;
    ts_as(&srv, &author, "GET", "/api/v1/modules?limit=100", NULL, &all);
    json_t *want = json_object_get(all.json, "items");
    cr_assert_eq(json_array_size(want), 7);
    char path[700] = "/api/v1/modules?limit=3";
    size_t seen = 0;
    int pages = 0;
    for (;;) {
        struct ts_resp r;
        ts_as(&srv, &author, "GET", path, NULL, &r);
        cr_assert_eq(r.status, 200, "%s", r.body);
        pages++;
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(r.json, "items"), i, item)
        {
            cr_assert_str_eq(json_string_value(json_object_get(item, "id")),
                             json_string_value(json_object_get(json_array_get(want, seen), "id")),
                             "no gap or repeat");
            seen++;
        }
        json_t *next = json_object_get(r.json, "next_cursor");
        if (json_is_null(next)) {
            ts_resp_free(&r);
            break;
        }
        snprintf(path, sizeof(path), "/api/v1/modules?limit=3&cursor=%s", json_string_value(next));
        ts_resp_free(&r);
    }
    ts_resp_free(&all);
    cr_assert_eq(seen, 7);
    cr_assert_eq(pages, 3);
    cr_assert_eq(status_of(&author, "GET", "/api/v1/modules?cursor=%s", "eyJrIjoxfQ.AAAA", NULL),
                 422);
}

Test(modules, patch_edits_drafts_and_replaces_settings)
{
    char mid[STR_UUID_SIZE];
    struct ts_resp r;
    ts_module(&srv, &author,
              "{\"title\":\"T\",\"flow_type\":\"assessment\",\"settings\":{\"pass_score\":50,"
              "\"max_attempts\":2}}",
              mid);
    cr_assert_eq(call(&author, "PATCH", M, mid,
                      "{\"title\":\"New\",\"description\":\"D\",\"flow_type\":\"linear\","
                      "\"settings\":{\"max_attempts\":5}}",
                      &r),
                 200, "%s", r.body);
    cr_assert_str_eq(str(&r, "title"), "New");
    cr_assert_str_eq(str(&r, "description"), "D");
    cr_assert_str_eq(str(&r, "flow_type"), "assessment", "flow_type is immutable");
    json_t *want = json_loads("{\"pass_score\":70,\"max_attempts\":5}", 0, NULL);
    cr_assert(json_equal(json_object_get(r.json, "settings"), want), "%s", r.body);
    json_decref(want);
    ts_resp_free(&r);
    cr_assert_eq(call(&author, "PATCH", M, mid, "{\"settings\":{\"start_screen_id\":null}}", &r),
                 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"settings\",\"start_screen_id\"]", "extra_forbidden"));
    ts_resp_free(&r);
    cr_assert_eq(call(&author, "PATCH", M, mid, "{\"title\":null}", &r), 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"title\"]", "string_type"));
    ts_resp_free(&r);
}

Test(modules, delete_removes_a_draft_and_unlinks_copies)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", mid);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, sid);
    cr_assert_eq(call(&author, "POST", M "/copy", mid, NULL, &r), 201);
    char copy[STR_UUID_SIZE];
    snprintf(copy, sizeof(copy), "%s", str(&r, "id"));
    cr_assert_str_eq(str(&r, "copied_from_id"), mid);
    ts_resp_free(&r);
    cr_assert_eq(call(&author, "DELETE", M, mid, NULL, &r), 204);
    cr_assert_str_eq(r.body, "");
    ts_resp_free(&r);
    cr_assert_eq(status_of(&author, "GET", M, mid, NULL), 404);
    cr_assert_eq(call(&author, "GET", M, copy, NULL, &r), 200);
    cr_assert(json_is_null(json_object_get(r.json, "copied_from_id")));
    ts_resp_free(&r);
}

Test(modules, status_transitions)
{
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE];
    struct ts_resp r;
    ts_linear_module(&srv, &author, mid, qid);
    cr_assert_eq(call(&author, "POST", M "/publish", mid, NULL, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Module is already published\"}");
    ts_resp_free(&r);
    cr_assert_eq(call(&author, "POST", M "/archive", mid, NULL, &r), 200);
    cr_assert_str_eq(str(&r, "status"), "archived");
    cr_assert_not_null(str(&r, "archived_at"));
    ts_resp_free(&r);
    cr_assert_eq(call(&author, "POST", M "/archive", mid, NULL, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Only published modules can be archived\"}");
    ts_resp_free(&r);
    cr_assert_eq(status_of(&learner, "GET", M, mid, NULL), 404,
                 "archived: hidden from learners without progress or assignment");
    cr_assert_eq(call(&author, "POST", M "/publish", mid, NULL, &r), 200, "%s", r.body);
    cr_assert_str_eq(str(&r, "status"), "published");
    cr_assert_not_null(str(&r, "archived_at"), "the last archive time is kept");
    ts_resp_free(&r);
    char draft[STR_UUID_SIZE];
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", draft);
    cr_assert_eq(call(&author, "POST", M "/archive", draft, NULL, &r), 409);
    ts_resp_free(&r);
}

static void assert_publish_error(const char *mid, const char *loc, const char *type,
                                 const char *msg)
{
    struct ts_resp r;
    cr_assert_eq(call(&author, "POST", M "/publish", mid, NULL, &r), 422, "%s", r.body);
    cr_assert(ts_has_error(&r, loc, type), "%s %s: %s", loc, type, r.body);
    cr_assert_not_null(strstr(r.body, msg), "%s", r.body);
    ts_resp_free(&r);
}

Test(modules, publish_reports_empty_and_question_less_modules)
{
    char lin[STR_UUID_SIZE], ass[STR_UUID_SIZE], sid[STR_UUID_SIZE];
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", lin);
    assert_publish_error(lin, "[\"module\",\"screens\"]", "module_empty", "Module has no screens");
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"assessment\"}", ass);
    ts_screen(&srv, &author, ass, TS_CONTENT_SCREEN, sid);
    assert_publish_error(ass, "[\"module\",\"screens\"]", "no_question_screen",
                         "Assessment has no question screen");
    struct ts_resp r;
    cr_assert_eq(call(&author, "GET", M, ass, NULL, &r), 200);
    cr_assert_str_eq(str(&r, "status"), "draft", "nothing changed");
    ts_resp_free(&r);
}

/* A branching module: start -> branch (calm -> good end, panic -> retry loop back to branch). */
static void branching(char mid[STR_UUID_SIZE], char ids[4][STR_UUID_SIZE], bool set_start)
{
    char body[512];
    ts_module(&srv, &author, "{\"title\":\"Scenario\",\"flow_type\":\"branching\"}", mid);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, ids[0]);
    ts_screen(&srv, &author, mid,
              "{\"type\":\"content\",\"title\":\"Good end\",\"content\":{\"body\":\"Well done\"}}",
              ids[2]);
    ts_screen(&srv, &author, mid,
              "{\"type\":\"content\",\"title\":\"Retry\",\"content\":{\"body\":\"Try again\"}}",
              ids[3]);
    snprintf(body, sizeof(body),
             "{\"type\":\"branch\",\"title\":\"Choose\",\"content\":{\"prompt\":\"What now?\","
             "\"choices\":[{\"id\":\"calm\",\"text\":\"Stay calm\",\"next_screen_id\":\"%s\"},"
             "{\"id\":\"panic\",\"text\":\"Panic\",\"next_screen_id\":\"%s\"}]}}",
             ids[2], ids[3]);
    ts_screen(&srv, &author, mid, body, ids[1]);
    struct ts_resp r;
    snprintf(body, sizeof(body), "{\"next_screen_id\":\"%s\"}", ids[1]);
    cr_assert_eq(call(&author, "PATCH", M "/screens/", mid, NULL, &r), 404);
    ts_resp_free(&r);
    char path[256];
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, ids[0]);
    ts_as(&srv, &author, "PATCH", path, body, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, ids[3]);
    ts_as(&srv, &author, "PATCH", path, body, &r); /* retry loops back to the branch */
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    if (set_start) {
        snprintf(body, sizeof(body), "{\"settings\":{\"start_screen_id\":\"%s\"}}", ids[0]);
        cr_assert_eq(call(&author, "PATCH", M, mid, body, &r), 200, "%s", r.body);
        ts_resp_free(&r);
    }
}

Test(modules, branching_with_a_retry_loop_publishes)
{
    char mid[STR_UUID_SIZE], ids[4][STR_UUID_SIZE];
    branching(mid, ids, true);
    ts_publish(&srv, &author, mid);
}

Test(modules, branching_without_start_is_rejected)
{
    char mid[STR_UUID_SIZE], ids[4][STR_UUID_SIZE];
    branching(mid, ids, false);
    assert_publish_error(mid, "[\"module\",\"settings\",\"start_screen_id\"]",
                         "missing_start_screen", "Start screen is not a screen of this module");
}

Test(modules, branching_graph_errors_are_reported_with_locations)
{
    char mid[STR_UUID_SIZE], ids[4][STR_UUID_SIZE], path[256];
    struct ts_resp r;
    branching(mid, ids, true);
    /* The good end now loops to the retry screen: no terminal screen, no path to an end. */
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, ids[2]);
    char body[128];
    snprintf(body, sizeof(body), "{\"next_screen_id\":\"%s\"}", ids[3]);
    ts_as(&srv, &author, "PATCH", path, body, &r);
    ts_resp_free(&r);
    cr_assert_eq(call(&author, "POST", M "/publish", mid, NULL, &r), 422);
    cr_assert(ts_has_error(&r, "[\"module\",\"screens\"]", "no_terminal_screen"), "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"module\",\"screens\",0]", "no_path_to_end"), "%s", r.body);
    cr_assert_not_null(strstr(r.body, "No terminal screen can be reached from this screen"));
    ts_resp_free(&r);
    /* A dangling target: unknown_target at the screen, and no graph checks. */
    snprintf(body, sizeof(body), "{\"next_screen_id\":\"%s\"}",
             "11111111-1111-4111-8111-111111111111");
    ts_as(&srv, &author, "PATCH", path, body, &r);
    ts_resp_free(&r);
    cr_assert_eq(call(&author, "POST", M "/publish", mid, NULL, &r), 422);
    /* Positions: start 1, good end 2, retry 3, branch 4: the good end is index 1. */
    cr_assert(ts_has_error(&r, "[\"module\",\"screens\",1,\"next_screen_id\"]", "unknown_target"),
              "%s", r.body);
    cr_assert_null(strstr(r.body, "no_path_to_end"), "%s", r.body);
    ts_resp_free(&r);
    /* An unreachable screen. */
    snprintf(body, sizeof(body), "{\"next_screen_id\":null}");
    ts_as(&srv, &author, "PATCH", path, body, &r);
    ts_resp_free(&r);
    char lonely[STR_UUID_SIZE];
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, lonely);
    assert_publish_error(mid, "[\"module\",\"screens\",4]", "unreachable_screen",
                         "Screen is not reachable from the start screen");
}

Test(modules, copy_duplicates_screens_and_rewrites_references)
{
    char mid[STR_UUID_SIZE], ids[4][STR_UUID_SIZE];
    struct ts_resp r;
    branching(mid, ids, true);
    ts_publish(&srv, &author, mid);
    cr_assert_eq(call(&admin, "POST", M "/copy", mid, "{\"title\":\"Copy\"}", &r), 201, "%s",
                 r.body);
    cr_assert_str_eq(str(&r, "status"), "draft");
    cr_assert_str_eq(str(&r, "title"), "Copy");
    cr_assert_str_eq(str(&r, "author_id"), admin.id);
    cr_assert_str_eq(str(&r, "copied_from_id"), mid);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "screen_count")), 4);
    char copy[STR_UUID_SIZE], start[STR_UUID_SIZE];
    snprintf(copy, sizeof(copy), "%s", str(&r, "id"));
    snprintf(
        start, sizeof(start), "%s",
        json_string_value(json_object_get(json_object_get(r.json, "settings"), "start_screen_id")));
    ts_resp_free(&r);
    cr_assert_eq(call(&admin, "GET", M "/screens", copy, NULL, &r), 200);
    json_t *items = json_object_get(r.json, "items");
    cr_assert_eq(json_array_size(items), 4);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "id")), start,
                     "start_screen_id points into the copy");
    char text[8192];
    snprintf(text, sizeof(text), "%s", r.body);
    for (int i = 0; i < 4; i++)
        cr_assert_null(strstr(text, ids[i]), "no reference to the source's screens remains");
    /* The copy is publishable as it is: its graph is intact. */
    ts_resp_free(&r);
    ts_publish(&srv, &admin, copy);
    cr_assert_eq(call(&author, "POST", M "/copy", mid, NULL, &r), 201);
    cr_assert_str_eq(str(&r, "title"), "Scenario", "title defaults to the source's");
    ts_resp_free(&r);
}

/* --- idempotency ---------------------------------------------------------------------------- */

static long create_with_key(const struct ts_user *u, const char *key, const char *body,
                            struct ts_resp *r)
{
    char kh[300];
    snprintf(kh, sizeof(kh), "Idempotency-Key: %s", key);
    const char *h[] = {u->auth, "Content-Type: application/json", kh, NULL};
    ts_http(&srv, "POST", "/api/v1/modules", h, body, r);
    return r->status;
}

static size_t module_count(void)
{
    struct ts_resp r;
    ts_as(&srv, &admin, "GET", "/api/v1/modules?limit=100", NULL, &r);
    size_t n = json_array_size(json_object_get(r.json, "items"));
    ts_resp_free(&r);
    return n;
}

Test(modules, idempotent_create_replays_the_stored_reply)
{
    struct ts_resp a, b, c;
    cr_assert_eq(
        create_with_key(&author, "key-1", "{\"title\":\"Once\",\"flow_type\":\"linear\"}", &a),
        201);
    cr_assert_null(ts_header(&a, "Idempotent-Replayed"));
    char mid[STR_UUID_SIZE];
    snprintf(mid, sizeof(mid), "%s", str(&a, "id"));
    cr_assert_eq(status_of(&author, "PATCH", M, mid, "{\"title\":\"Changed\"}"), 200);
    /* Same key, same body after canonicalisation (order and spacing differ). */
    cr_assert_eq(
        create_with_key(&author, "key-1", "{ \"flow_type\" : \"linear\", \"title\":\"Once\" }", &b),
        201);
    cr_assert_str_eq(ts_header(&b, "Idempotent-Replayed"), "true");
    cr_assert_str_eq(b.body, a.body, "verbatim, even though the module changed since");
    cr_assert_eq(module_count(), 1);
    cr_assert_eq(
        create_with_key(&author, "key-1", "{\"title\":\"Twice\",\"flow_type\":\"linear\"}", &c),
        422);
    ts_assert_json(&c, "{\"detail\":[{\"loc\":[\"header\",\"idempotency-key\"],"
                       "\"msg\":\"Idempotency-Key reused with a different request body\","
                       "\"type\":\"idempotency_key_reused\"}]}");
    ts_resp_free(&a);
    ts_resp_free(&b);
    ts_resp_free(&c);
    /* Keys are per user: another author's identical request runs. */
    cr_assert_eq(
        create_with_key(&other, "key-1", "{\"title\":\"Once\",\"flow_type\":\"linear\"}", &a), 201);
    cr_assert_null(ts_header(&a, "Idempotent-Replayed"));
    ts_resp_free(&a);
    cr_assert_eq(module_count(), 2);
}

Test(modules, idempotency_key_must_be_printable_ascii)
{
    struct ts_resp r;
    cr_assert_eq(
        create_with_key(&author, "has space", "{\"title\":\"T\",\"flow_type\":\"linear\"}", &r),
        422);
    cr_assert(ts_has_error(&r, "[\"header\",\"idempotency-key\"]", "string_pattern_mismatch"));
    ts_resp_free(&r);
    cr_assert_eq(module_count(), 0);
}

Test(modules, idempotency_in_flight_expired_and_failed_requests)
{
    struct ts_resp r;
    char sql[512], hash[65];
    unsigned char digest[crypto_hash_sha256_BYTES];
    /* A request with this key and body is still running (its row has no status yet). The
     * stored hash is that of the canonical body: keys sorted, no whitespace. */
    const char canonical[] = "{\"flow_type\":\"linear\",\"title\":\"T\"}";
    crypto_hash_sha256(digest, (const unsigned char *)canonical, strlen(canonical));
    sodium_bin2hex(hash, sizeof(hash), digest, sizeof(digest));
    snprintf(sql, sizeof(sql),
             "INSERT INTO idempotency_keys (user_id, method, path, key, body_hash, created_at, "
             "expires_at) VALUES ('%s', 'POST', '/api/v1/modules', 'busy', '%s', %lld, %lld)",
             author.id, hash, (long long)time(NULL) * 1000, (long long)(time(NULL) + 3600) * 1000);
    ts_sql(&srv, sql);
    cr_assert_eq(create_with_key(&author, "busy", "{\"title\":\"T\",\"flow_type\":\"linear\"}", &r),
                 409);
    ts_assert_json(&r, "{\"detail\":\"A request with this Idempotency-Key is in progress\"}");
    ts_resp_free(&r);
    /* Expired keys are forgotten: the same key with another body runs afresh. */
    cr_assert_eq(create_with_key(&author, "old", "{\"title\":\"A\",\"flow_type\":\"linear\"}", &r),
                 201);
    ts_resp_free(&r);
    ts_sql(&srv, "UPDATE idempotency_keys SET expires_at = 1 WHERE key = 'old'");
    cr_assert_eq(create_with_key(&author, "old", "{\"title\":\"B\",\"flow_type\":\"linear\"}", &r),
                 201);
    cr_assert_null(ts_header(&r, "Idempotent-Replayed"));
    ts_resp_free(&r);
    /* Errors are not stored: a retry with the key executes again. */
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], kh[64];
    ts_linear_module(&srv, &author, mid, qid);
    snprintf(kh, sizeof(kh), "Idempotency-Key: retry-me");
    const char *h[] = {author.auth, "Content-Type: application/json", kh, NULL};
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    for (int i = 0; i < 2; i++) {
        ts_http(&srv, "POST", path, h, TS_CONTENT_SCREEN, &r);
        cr_assert_eq(r.status, 409, "%s", r.body);
        ts_assert_json(&r, "{\"detail\":\"Only draft modules can be edited\"}");
        cr_assert_null(ts_header(&r, "Idempotent-Replayed"));
        ts_resp_free(&r);
    }
}

/* --- seed-demo --------------------------------------------------------------------------- */

Test(modules, seed_demo_loads_three_published_modules_once)
{
    char url[600];
    snprintf(url, sizeof(url), "DATABASE_URL=%s", srv.database_url);
    const char *env[] = {url, NULL};
    const char *args[] = {"seed-demo", NULL};
    char *out, *err;
    cr_assert_eq(ts_run_cli(args, env, &out, &err), 0, "%s", err);
    cr_assert_str_eq(out, "seeded 3 modules\n");
    free(out), free(err);
    cr_assert_eq(ts_run_cli(args, env, &out, &err), 0);
    cr_assert_str_eq(out, "demo content already present\n");
    free(out), free(err);

    struct ts_user fresh;
    struct ts_resp r;
    ts_learner(&srv, &fresh);
    ts_as(&srv, &fresh, "GET", "/api/v1/modules", NULL, &r);
    json_t *items = json_object_get(r.json, "items");
    cr_assert_eq(json_array_size(items), 3, "%s", r.body);
    int flows = 0;
    size_t i;
    json_t *m;
    json_array_foreach(items, i, m)
    {
        const char *flow = json_string_value(json_object_get(m, "flow_type"));
        flows |= strcmp(flow, "linear") == 0 ? 1 : strcmp(flow, "branching") == 0 ? 2 : 4;
        cr_assert_str_eq(json_string_value(json_object_get(m, "status")), "published");
        if (strcmp(flow, "assessment") == 0) {
            json_t *s = json_object_get(m, "settings");
            cr_assert_eq(json_integer_value(json_object_get(s, "pass_score")), 70);
            cr_assert_eq(json_integer_value(json_object_get(s, "max_attempts")), 3);
            cr_assert_geq(json_integer_value(json_object_get(m, "screen_count")), 4);
            struct ts_resp sr;
            call(&fresh, "GET", M "/screens", json_string_value(json_object_get(m, "id")), NULL,
                 &sr);
            cr_assert_eq(sr.status, 200);
            cr_assert_null(strstr(sr.body, "correct_option_ids"), "answer keys are redacted");
            cr_assert_not_null(strstr(sr.body, "\"question\""));
            ts_resp_free(&sr);
        }
    }
    cr_assert_eq(flows, 7, "one module of each flow");
    ts_resp_free(&r);
    cr_assert_eq(ts_login(&srv, "demo-author@trainsmart.invalid", "x-any-password", NULL), 401,
                 "the demo author cannot log in");
}

/* Settings the server did not write (a hand-edited SQLite row; PostgreSQL's jsonb cannot hold
 * them) are shown as {} in lists, logged, and do not take the server down. */
Test(modules, settings_that_are_not_json_do_not_break_the_list)
{
    if (ts_backend_is_pg())
        cr_skip_test("jsonb rejects the row");
    char mid[STR_UUID_SIZE], sql[160];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"Broken\",\"flow_type\":\"linear\"}", mid);
    snprintf(sql, sizeof(sql), "UPDATE modules SET settings = 'not json' WHERE id = '%s'", mid);
    ts_sql(&srv, sql);
    ts_as(&srv, &author, "GET", "/api/v1/modules", NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_t *item = json_array_get(json_object_get(r.json, "items"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(item, "id")), mid);
    cr_assert_eq(json_object_size(json_object_get(item, "settings")), 0);
    ts_resp_free(&r);
    char *log = ts_server_log(&srv);
    cr_assert_not_null(strstr(log, "stored settings are not JSON"));
    free(log);
}
