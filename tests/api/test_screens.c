/* Screens (API.md §6): positions, types per flow, content validation, redaction, reorder. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

TestSuite(screens, .init = start, .fini = stop, .timeout = 120);

static long post_screen(const char *mid, const char *body, struct ts_resp *r)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    ts_as(&srv, &author, "POST", path, body, r);
    return r->status;
}

/* Screen ids of module `mid` in position order, checking positions are 1..n. */
static int screen_ids(const struct ts_user *u, const char *mid, char ids[][STR_UUID_SIZE], int max)
{
    char path[128];
    struct ts_resp r;
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    ts_as(&srv, u, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_t *item;
    size_t i;
    int n = 0;
    json_array_foreach(json_object_get(r.json, "items"), i, item)
    {
        cr_assert_eq(json_integer_value(json_object_get(item, "position")), (json_int_t)i + 1,
                     "contiguous 1-based positions: %s", r.body);
        if (n < max)
            snprintf(ids[n++], 37, "%s", json_string_value(json_object_get(item, "id")));
    }
    ts_resp_free(&r);
    return n;
}

static int screen_count(const char *mid)
{
    char path[128];
    struct ts_resp r;
    snprintf(path, sizeof(path), "/api/v1/modules/%s", mid);
    ts_as(&srv, &author, "GET", path, NULL, &r);
    int n = (int)json_integer_value(json_object_get(r.json, "screen_count"));
    ts_resp_free(&r);
    return n;
}

Test(screens, create_renders_normalised_content)
{
    char mid[STR_UUID_SIZE];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", mid);
    cr_assert_eq(post_screen(mid,
                             "{\"type\":\"reflection\",\"title\":\"Think\",\"content\":"
                             "{\"prompt\":\"Why?\"},\"position\":null,\"next_screen_id\":null}",
                             &r),
                 201, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "position")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "module_id")), mid);
    cr_assert(json_is_null(json_object_get(r.json, "next_screen_id")));
    json_t *want = json_loads("{\"prompt\":\"Why?\",\"min_length\":0,\"max_length\":2000,"
                              "\"placeholder\":\"\"}",
                              0, NULL);
    cr_assert(json_equal(json_object_get(r.json, "content"), want), "%s", r.body);
    json_decref(want);
    cr_assert_eq(json_object_size(r.json), 9, "%s", r.body);
    ts_resp_free(&r);
    cr_assert_eq(screen_count(mid), 1);
}

Test(screens, positions_shift_on_insert_and_delete)
{
    char mid[STR_UUID_SIZE], a[STR_UUID_SIZE], b[STR_UUID_SIZE], c[STR_UUID_SIZE],
        ids[8][STR_UUID_SIZE];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", mid);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, a);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, b);
    cr_assert_eq(
        post_screen(mid,
                    "{\"type\":\"content\",\"title\":\"First\",\"content\":{\"body\":\"x\"},"
                    "\"position\":1}",
                    &r),
        201);
    snprintf(c, sizeof(c), "%s", json_string_value(json_object_get(r.json, "id")));
    ts_resp_free(&r);
    cr_assert_eq(screen_ids(&author, mid, ids, 8), 3);
    cr_assert_str_eq(ids[0], c);
    cr_assert_str_eq(ids[1], a);
    cr_assert_str_eq(ids[2], b);
    char path[200];
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, a);
    ts_as(&srv, &author, "DELETE", path, NULL, &r);
    cr_assert_eq(r.status, 204);
    ts_resp_free(&r);
    cr_assert_eq(screen_ids(&author, mid, ids, 8), 2);
    cr_assert_str_eq(ids[1], b);
    cr_assert_eq(screen_count(mid), 2);
    ts_as(&srv, &author, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_resp_free(&r);
}

Test(screens, position_must_be_in_range)
{
    char mid[STR_UUID_SIZE], a[STR_UUID_SIZE];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", mid);
    ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, a);
    cr_assert_eq(post_screen(mid,
                             "{\"type\":\"content\",\"title\":\"x\",\"content\":{\"body\":\"x\"},"
                             "\"position\":3}",
                             &r),
                 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\",\"position\"],"
                       "\"msg\":\"Input should be less than or equal to 2\","
                       "\"type\":\"less_than_equal\"}]}");
    ts_resp_free(&r);
    cr_assert_eq(post_screen(mid,
                             "{\"type\":\"content\",\"title\":\"x\",\"content\":{\"body\":\"x\"},"
                             "\"position\":0}",
                             &r),
                 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"position\"]", "greater_than_equal"));
    ts_resp_free(&r);
}

Test(screens, types_and_navigation_follow_the_flow)
{
    char lin[STR_UUID_SIZE], br[STR_UUID_SIZE], ass[STR_UUID_SIZE];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", lin);
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"branching\"}", br);
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"assessment\"}", ass);
    const char *branch = "{\"type\":\"branch\",\"title\":\"B\",\"content\":{\"prompt\":\"P\","
                         "\"choices\":[{\"id\":\"a\",\"text\":\"A\",\"next_screen_id\":"
                         "\"11111111-1111-4111-8111-111111111111\"},{\"id\":\"b\",\"text\":\"B\","
                         "\"next_screen_id\":\"22222222-2222-4222-8222-222222222222\"}]}";
    char body[1024];
    snprintf(body, sizeof(body), "%s}", branch);
    cr_assert_eq(post_screen(lin, body, &r), 422);
    ts_assert_json(&r,
                   "{\"detail\":[{\"loc\":[\"body\",\"type\"],\"msg\":\"Value error, screen "
                   "type 'branch' is not allowed in a linear module\",\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    cr_assert_eq(
        post_screen(ass,
                    "{\"type\":\"checklist\",\"title\":\"C\",\"content\":{\"prompt\":\"P\","
                    "\"items\":[{\"id\":\"i\",\"text\":\"I\"}]}}",
                    &r),
        422);
    cr_assert(ts_has_error(&r, "[\"body\",\"type\"]", "value_error"));
    ts_resp_free(&r);
    cr_assert_eq(post_screen(br, body, &r), 201, "targets are not checked on write: %s", r.body);
    ts_resp_free(&r);
    snprintf(body, sizeof(body), "%s,\"next_screen_id\":\"33333333-3333-4333-8333-333333333333\"}",
             branch);
    cr_assert_eq(post_screen(br, body, &r), 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\",\"next_screen_id\"],\"msg\":\"Value "
                       "error, next_screen_id is only allowed on non-branch screens of branching "
                       "modules\",\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    const char *with_next = "{\"type\":\"content\",\"title\":\"C\",\"content\":{\"body\":\"x\"},"
                            "\"next_screen_id\":\"33333333-3333-4333-8333-333333333333\"}";
    cr_assert_eq(post_screen(lin, with_next, &r), 422);
    ts_resp_free(&r);
    cr_assert_eq(post_screen(br, with_next, &r), 201);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "next_screen_id")),
                     "33333333-3333-4333-8333-333333333333");
    ts_resp_free(&r);
}

Test(screens, content_is_validated_per_type)
{
    char mid[STR_UUID_SIZE];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", mid);
    cr_assert_eq(
        post_screen(mid,
                    "{\"type\":\"question\",\"title\":\"Q\",\"content\":{\"kind\":\"single\","
                    "\"prompt\":\"P\",\"options\":[{\"id\":\"a\",\"text\":\"A\"},"
                    "{\"id\":\"a\",\"text\":\"B\",\"color\":\"red\"}],"
                    "\"correct_option_ids\":[\"z\"],\"hint\":1}}",
                    &r),
        422);
    cr_assert(ts_has_error(&r, "[\"body\",\"content\",\"hint\"]", "extra_forbidden"), "%s", r.body);
    cr_assert(
        ts_has_error(&r, "[\"body\",\"content\",\"options\",1,\"color\"]", "extra_forbidden"));
    cr_assert(ts_has_error(&r, "[\"body\",\"content\",\"options\"]", "duplicate_item"));
    ts_resp_free(&r);
    cr_assert_eq(
        post_screen(mid, "{\"type\":\"content\",\"title\":\"C\",\"content\":\"text\"}", &r), 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"content\"]", "dict_type"));
    ts_resp_free(&r);
    /* 20000 four-byte characters: within the body's length, over the 64 KiB of content. */
    char *body = malloc(100000);
    int n =
        snprintf(body, 100000, "{\"type\":\"content\",\"title\":\"C\",\"content\":{\"body\":\"");
    for (int i = 0; i < 20000; i++)
        n += snprintf(body + n, 100000 - (size_t)n, "\xF0\x9F\x98\x80");
    snprintf(body + n, 100000 - (size_t)n, "\"}}");
    cr_assert_eq(post_screen(mid, body, &r), 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\",\"content\"],\"msg\":\"Value error, "
                       "content too large\",\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    free(body);
    cr_assert_eq(screen_count(mid), 0);
}

Test(screens, learners_never_see_answer_keys_owners_and_admins_do)
{
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], path[200];
    struct ts_resp r;
    ts_linear_module(&srv, &author, mid, qid);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, qid);
    const struct ts_user *full[] = {&author, &admin};
    for (int i = 0; i < 2; i++) {
        ts_as(&srv, full[i], "GET", path, NULL, &r);
        cr_assert_eq(r.status, 200);
        json_t *content = json_object_get(r.json, "content");
        cr_assert_not_null(json_object_get(content, "correct_option_ids"), "%s", r.body);
        cr_assert_str_eq(json_string_value(json_object_get(content, "explanation")), "B is right.");
        ts_resp_free(&r);
    }
    const struct ts_user *redacted[] = {&learner, &other};
    for (int i = 0; i < 2; i++) {
        ts_as(&srv, redacted[i], "GET", path, NULL, &r);
        cr_assert_eq(r.status, 200);
        cr_assert_null(strstr(r.body, "correct_option_ids"), "%s", r.body);
        cr_assert_null(strstr(r.body, "explanation"), "%s", r.body);
        cr_assert_not_null(strstr(r.body, "\"options\""));
        ts_resp_free(&r);
        snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
        ts_as(&srv, redacted[i], "GET", path, NULL, &r);
        cr_assert_eq(r.status, 200);
        cr_assert_null(strstr(r.body, "correct_option_ids"), "list: %s", r.body);
        ts_resp_free(&r);
        snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, qid);
    }
}

Test(screens, screen_of_another_module_is_404)
{
    char m1[STR_UUID_SIZE], m2[STR_UUID_SIZE], q1[STR_UUID_SIZE], q2[STR_UUID_SIZE], path[200];
    struct ts_resp r;
    ts_linear_module(&srv, &author, m1, q1);
    ts_linear_module(&srv, &author, m2, q2);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", m1, q2);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/nope", m1);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"path\",\"screen_id\"]", "uuid_parsing"));
    ts_resp_free(&r);
}

Test(screens, patch_revalidates_content_and_clears_navigation)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], path[200];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"branching\"}", mid);
    ts_screen(&srv, &author, mid,
              "{\"type\":\"content\",\"title\":\"C\",\"content\":{\"body\":\"x\"},"
              "\"next_screen_id\":\"33333333-3333-4333-8333-333333333333\"}",
              sid);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, sid);
    ts_as(&srv, &author, "PATCH", path,
          "{\"title\":\"New\",\"next_screen_id\":null,\"type\":\"question\",\"position\":9,"
          "\"content\":{\"body\":\"y\",\"media\":[{\"type\":\"image\",\"url\":"
          "\"https://example.com/a.png\"}]}}",
          &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "title")), "New");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "type")), "content");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "position")), 1);
    cr_assert(json_is_null(json_object_get(r.json, "next_screen_id")));
    json_t *media = json_array_get(json_object_get(json_object_get(r.json, "content"), "media"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(media, "alt")), "", "defaults filled");
    ts_resp_free(&r);
    ts_as(&srv, &author, "PATCH", path, "{\"content\":{\"prompt\":\"not a content screen\"}}", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"content\",\"body\"]", "missing"), "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"body\",\"content\",\"prompt\"]", "extra_forbidden"));
    ts_resp_free(&r);
}

Test(screens, published_modules_are_read_only)
{
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], path[200];
    struct ts_resp r;
    ts_linear_module(&srv, &author, mid, qid);
    cr_assert_eq(post_screen(mid, TS_CONTENT_SCREEN, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Only draft modules can be edited\"}");
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", mid, qid);
    ts_as(&srv, &author, "PATCH", path, "{\"title\":\"x\"}", &r);
    cr_assert_eq(r.status, 409);
    ts_resp_free(&r);
    ts_as(&srv, &author, "DELETE", path, NULL, &r);
    cr_assert_eq(r.status, 409);
    ts_resp_free(&r);
    ts_as(&srv, &other, "DELETE", path, NULL, &r);
    cr_assert_eq(r.status, 403, "visible to another author, who is not the owner");
    ts_resp_free(&r);
    ts_as(&srv, &learner, "DELETE", path, NULL, &r);
    cr_assert_eq(r.status, 403, "learners never edit");
    ts_resp_free(&r);
}

Test(screens, reorder_applies_a_permutation)
{
    char mid[STR_UUID_SIZE], s[3][STR_UUID_SIZE], ids[8][STR_UUID_SIZE], path[200], body[300];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", mid);
    for (int i = 0; i < 3; i++)
        ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, s[i]);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screen-order", mid);
    snprintf(body, sizeof(body), "{\"screen_ids\":[\"%s\",\"%s\",\"%s\"]}", s[2], s[0], s[1]);
    ts_as(&srv, &author, "PUT", path, body, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r.json, "items"), 0), "id")),
                     s[2]);
    ts_resp_free(&r);
    cr_assert_eq(screen_ids(&author, mid, ids, 8), 3);
    cr_assert_str_eq(ids[0], s[2]);
    cr_assert_str_eq(ids[1], s[0]);
    cr_assert_str_eq(ids[2], s[1]);
    snprintf(body, sizeof(body), "{\"screen_ids\":[\"%s\",\"%s\"]}", s[0], s[1]);
    ts_as(&srv, &author, "PUT", path, body, &r);
    cr_assert_eq(r.status, 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\",\"screen_ids\"],\"msg\":\"Value error, "
                       "screen_ids must list every screen of the module exactly once\","
                       "\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    snprintf(body, sizeof(body), "{\"screen_ids\":[\"%s\",\"%s\",\"%s\"]}", s[0], s[0], s[1]);
    ts_as(&srv, &author, "PUT", path, body, &r);
    cr_assert_eq(r.status, 422, "a duplicate");
    ts_resp_free(&r);
    /* Each item is a UUID, reported where it stands, as FastAPI does for list[UUID]. */
    ts_as(&srv, &author, "PUT", path, "{\"screen_ids\":[1,2,3]}", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"screen_ids\",0]", "uuid_type"), "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"body\",\"screen_ids\",2]", "uuid_type"), "%s", r.body);
    ts_resp_free(&r);
    snprintf(body, sizeof(body), "{\"screen_ids\":[\"%s\",\"nope\",\"%s\"]}", s[0], s[1]);
    ts_as(&srv, &author, "PUT", path, body, &r);
    cr_assert_eq(r.status, 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\",\"screen_ids\",1],\"msg\":\"Input "
                       "should be a valid UUID, invalid character: expected an optional prefix of "
                       "`urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1\",\"type\":"
                       "\"uuid_parsing\"}]}");
    ts_resp_free(&r);
    /* Upper-case ids name the same screens. */
    char upper[3][STR_UUID_SIZE];
    for (int k = 0; k < 3; k++)
        for (int c = 0; c < STR_UUID_SIZE; c++)
            upper[k][c] = (char)toupper((unsigned char)s[k][c]);
    snprintf(body, sizeof(body), "{\"screen_ids\":[\"%s\",\"%s\",\"%s\"]}", upper[2], upper[1],
             upper[0]);
    ts_as(&srv, &author, "PUT", path, body, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
}

struct racer {
    const char *mid;
    long status;
};

static void *add_screen(void *arg)
{
    struct racer *x = arg;
    struct ts_resp r;
    post_screen(x->mid, TS_CONTENT_SCREEN, &r);
    x->status = r.status;
    ts_resp_free(&r);
    return NULL;
}

Test(screens, concurrent_inserts_keep_positions_contiguous)
{
    char mid[STR_UUID_SIZE], ids[16][STR_UUID_SIZE];
    pthread_t t[8];
    struct racer x[8];
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", mid);
    for (int i = 0; i < 8; i++) {
        x[i].mid = mid;
        pthread_create(&t[i], NULL, add_screen, &x[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(x[i].status, 201);
    }
    cr_assert_eq(screen_ids(&author, mid, ids, 16), 8);
    cr_assert_eq(screen_count(mid), 8);
}

Test(screens, a_module_holds_at_most_200_screens)
{
    char mid[STR_UUID_SIZE];
    struct ts_resp r;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", mid);
    /* Fill through SQL: 200 API round trips would only slow the suite down. */
    char sql[256];
    snprintf(sql, sizeof(sql), "UPDATE modules SET screen_count = 200 WHERE id = '%s'", mid);
    ts_sql(&srv, sql);
    cr_assert_eq(post_screen(mid, TS_CONTENT_SCREEN, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"A module can have at most 200 screens\"}");
    ts_resp_free(&r);
}

Test(screens, idempotent_screen_creation_adds_one_screen)
{
    char mid[STR_UUID_SIZE], ids[4][STR_UUID_SIZE], path[128];
    struct ts_resp a, b;
    ts_module(&srv, &author, "{\"title\":\"T\",\"flow_type\":\"linear\"}", mid);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    const char *h[] = {author.auth, "Content-Type: application/json", "Idempotency-Key: s-1", NULL};
    ts_http(&srv, "POST", path, h, TS_CONTENT_SCREEN, &a);
    ts_http(&srv, "POST", path, h, TS_CONTENT_SCREEN, &b);
    cr_assert_eq(a.status, 201);
    cr_assert_eq(b.status, 201);
    cr_assert_str_eq(b.body, a.body);
    cr_assert_str_eq(ts_header(&b, "Idempotent-Replayed"), "true");
    ts_resp_free(&a);
    ts_resp_free(&b);
    cr_assert_eq(screen_ids(&author, mid, ids, 4), 1);
}

/* --- the module view cache under a small budget, and turned off ---------------------------- */

static struct ts_server small;
static struct ts_user small_admin, small_author, small_learner;

static void start_small(const char *megabytes)
{
    char setting[64];
    snprintf(setting, sizeof(setting), "MODULE_CACHE_MB=%s", megabytes);
    const char *env[] = {setting, "LOG_LEVEL=debug", NULL};
    ts_server_start(&small, env);
    ts_admin(&small, &small_admin);
    ts_user_with_role(&small, &small_admin, "author", &small_author);
    ts_learner(&small, &small_learner);
}

static void start_one_megabyte(void)
{
    start_small("1");
}

static void start_cache_off(void)
{
    start_small("0");
}

static void stop_small(void)
{
    cr_assert_eq(ts_server_stop(&small), 0);
}

/* A published module of four content screens of 19,000 characters (the n-th letter repeated;
 * the most a body may have is 20,000) and a question: about half a megabyte in the cache, so a
 * 1 MB budget holds two such modules. */
static void big_module(int n, char mid[STR_UUID_SIZE])
{
    static char body[19200];
    char letter = (char)('a' + n), sid[STR_UUID_SIZE];
    ts_module(&small, &small_author, "{\"title\":\"Big\",\"flow_type\":\"linear\"}", mid);
    for (int s = 0; s < 4; s++) {
        int len =
            snprintf(body, sizeof(body),
                     "{\"type\":\"content\",\"title\":\"Part %d\",\"content\":{\"body\":\"", s);
        memset(body + len, letter, 19000);
        snprintf(body + len + 19000, sizeof(body) - (size_t)len - 19000, "\"}}");
        ts_screen(&small, &small_author, mid, body, sid);
    }
    ts_screen(&small, &small_author, mid, TS_QUESTION_SCREEN, sid);
    ts_publish(&small, &small_author, mid);
}

/* Reads module n's screens as the learner; "" when every part is right, else what is wrong.
 * (No assertions: it runs on several threads; the test asserts on the main one.) */
static const char *big_module_problem(int n, const char *mid)
{
    char path[128];
    struct ts_resp r;
    const char *problem = "";
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    ts_as(&small, &small_learner, "GET", path, NULL, &r);
    json_t *items = json_object_get(r.json, "items");
    if (r.status != 200 || json_array_size(items) != 5)
        problem = "not 200 with five screens";
    for (size_t s = 0; s < 4 && *problem == '\0'; s++) {
        json_t *scr = json_array_get(items, s);
        const char *text =
            json_string_value(json_object_get(json_object_get(scr, "content"), "body"));
        if (text == NULL || strlen(text) != 19000 || text[0] != 'a' + n || text[18999] != 'a' + n)
            problem = "a content screen's body is not the module's own";
        else if (strcmp(json_string_value(json_object_get(scr, "module_id")), mid) != 0)
            problem = "a screen of another module";
    }
    if (*problem == '\0' && json_object_get(json_object_get(json_array_get(items, 4), "content"),
                                            "correct_option_ids") != NULL)
        problem = "the answer key is shown to a learner who has not answered";
    ts_resp_free(&r);
    return problem;
}

struct reader {
    char (*mids)[STR_UUID_SIZE];
    int n;
    const char *problem;
};

static void *read_all(void *arg)
{
    struct reader *rd = arg;
    rd->problem = "";
    for (int round = 0; round < 3 && *rd->problem == '\0'; round++)
        for (int i = 0; i < rd->n && *rd->problem == '\0'; i++)
            rd->problem = big_module_problem(i, rd->mids[i]);
    return NULL;
}

/* Five modules through a cache that holds two: views are evicted while other requests still use
 * them, and every answer stays whole (the sanitizers watch the reference counts). */
Test(screen_cache, evictions_under_a_small_budget_keep_answers_right, .init = start_one_megabyte,
     .fini = stop_small, .timeout = 120)
{
    char mids[5][STR_UUID_SIZE];
    for (int i = 0; i < 5; i++)
        big_module(i, mids[i]);
    struct reader rd[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        rd[i] = (struct reader){mids, 5, NULL};
        cr_assert_eq(pthread_create(&t[i], NULL, read_all, &rd[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_str_empty(rd[i].problem, "reader %d: %s", i, rd[i].problem);
    }
    char *log = ts_server_log(&small);
    cr_assert_not_null(strstr(log, "evicted"), "the budget made the cache evict views");
    free(log);
}

Test(screen_cache, turned_off_every_read_is_built_afresh, .init = start_cache_off,
     .fini = stop_small, .timeout = 120)
{
    char mids[2][STR_UUID_SIZE];
    for (int i = 0; i < 2; i++)
        big_module(i, mids[i]);
    struct reader rd = {mids, 2, NULL};
    read_all(&rd);
    cr_assert_str_empty(rd.problem, "%s", rd.problem);
}
