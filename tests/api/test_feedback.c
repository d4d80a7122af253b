/*
 * Feedback (API.md §9): the object, every error of the create in the spec's order, any number
 * of entries per user, idempotency, the feedback_received notification (not for self-feedback),
 * the owner's list with its filters, order and cursors, the summary's rounding and
 * distribution, and who may see what (404 hidden, 403 not the owner, 403 for a learner).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/modules.h"

static struct ts_server srv;
static struct ts_user admin, author, other_author, learner, other;

static void start(void)
{
    ts_server_start(&srv, NULL);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_user_with_role(&srv, &admin, "author", &other_author);
    ts_learner(&srv, &learner);
    ts_learner(&srv, &other);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(feedback, .init = start, .fini = stop, .timeout = 120);

#define NIL "00000000-0000-4000-8000-000000000000"

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* POST feedback on module `mid` as `u`; returns the status (r filled). */
static long give(const struct ts_user *u, const char *mid, const char *body, struct ts_resp *r)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback", mid);
    ts_as(&srv, u, "POST", path, body, r);
    return r->status;
}

/* The same, asserting 201; the new entry's created_at and id as "<created_at> <id>" in `key`
 * (may be NULL), which sorts like the list's order. */
static void give_ok(const struct ts_user *u, const char *mid, const char *body, char *key)
{
    struct ts_resp r;
    cr_assert_eq(give(u, mid, body, &r), 201, "%s", r.body);
    if (key != NULL)
        snprintf(key, 64, "%s %s", str(r.json, "created_at"), str(r.json, "id"));
    ts_resp_free(&r);
}

static int newest_first(const void *a, const void *b)
{
    return -strcmp(a, b);
}

/* GET on module `mid`'s feedback path `rest` ("" or "/summary", with a query) as `u`. */
static long read_as(const struct ts_user *u, const char *mid, const char *rest, struct ts_resp *r)
{
    char path[1400];
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback%s", mid, rest);
    ts_as(&srv, u, "GET", path, NULL, r);
    return r->status;
}

/* A published linear module of `by` with a content and a question screen. */
static void published(const struct ts_user *by, char mid[STR_UUID_SIZE], char sid[STR_UUID_SIZE])
{
    ts_linear_module(&srv, by, mid, sid);
}

/* --- create ------------------------------------------------------------------------------- */

Test(feedback, create_returns_the_object_and_allows_many_entries)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], body[256];
    struct ts_resp r;
    published(&author, mid, sid);

    cr_assert_eq(give(&learner, mid, "{\"rating\":4}", &r), 201, "%s", r.body);
    cr_assert_str_eq(str(r.json, "module_id"), mid);
    cr_assert_str_eq(str(r.json, "user_id"), learner.id);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "rating")), 4);
    cr_assert(json_is_null(json_object_get(r.json, "screen_id")));
    cr_assert(json_is_null(json_object_get(r.json, "comment")));
    cr_assert_eq(strlen(str(r.json, "id")), 36);
    cr_assert_eq(strlen(str(r.json, "created_at")), 24);
    ts_resp_free(&r);

    /* The same user again, about a screen (uppercase id accepted), with an empty comment. */
    char upper[STR_UUID_SIZE];
    for (size_t i = 0; i <= strlen(sid); i++)
        upper[i] = (char)(sid[i] >= 'a' && sid[i] <= 'f' ? sid[i] - 32 : sid[i]);
    snprintf(body, sizeof(body), "{\"rating\":5,\"comment\":\"\",\"screen_id\":\"%s\"}", upper);
    cr_assert_eq(give(&learner, mid, body, &r), 201, "%s", r.body);
    cr_assert_str_eq(str(r.json, "screen_id"), sid);
    cr_assert_str_eq(str(r.json, "comment"), "");
    ts_resp_free(&r);

    /* null for the optional fields means omitted. */
    cr_assert_eq(give(&learner, mid, "{\"rating\":1,\"comment\":null,\"screen_id\":null}", &r),
                 201);
    ts_resp_free(&r);
    cr_assert_eq(read_as(&author, mid, "/summary", &r), 200);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), 3);
    ts_resp_free(&r);
}

Test(feedback, create_validates_every_field_in_one_pass)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], comment[2100], body[2200];
    struct ts_resp r;
    published(&author, mid, sid);

    const struct {
        const char *body, *loc, *type;
    } cases[] = {
        {"{}", "[\"body\",\"rating\"]", "missing"},
        {"{\"rating\":0}", "[\"body\",\"rating\"]", "greater_than_equal"},
        {"{\"rating\":6}", "[\"body\",\"rating\"]", "less_than_equal"},
        {"{\"rating\":\"5\"}", "[\"body\",\"rating\"]", "int_type"},
        {"{\"rating\":4.0}", "[\"body\",\"rating\"]", "int_type"},
        {"{\"rating\":null}", "[\"body\",\"rating\"]", "int_type"},
        {"{\"rating\":3,\"comment\":5}", "[\"body\",\"comment\"]", "string_type"},
        {"{\"rating\":3,\"screen_id\":\"nope\"}", "[\"body\",\"screen_id\"]", "uuid_parsing"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(give(&learner, mid, cases[i].body, &r), 422, "%s: %s", cases[i].body, r.body);
        cr_assert(ts_has_error(&r, cases[i].loc, cases[i].type), "%s: %s", cases[i].body, r.body);
        ts_resp_free(&r);
    }
    memset(comment, 'x', 2001);
    comment[2001] = '\0';
    snprintf(body, sizeof(body), "{\"rating\":3,\"comment\":\"%s\"}", comment);
    cr_assert_eq(give(&learner, mid, body, &r), 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"comment\"]", "string_too_long"));
    ts_resp_free(&r);
    comment[2000] = '\0'; /* 2000 characters are fine */
    snprintf(body, sizeof(body), "{\"rating\":3,\"comment\":\"%s\"}", comment);
    give_ok(&learner, mid, body, NULL);

    /* A malformed path and a bad body: both in one 422. */
    cr_assert_eq(give(&learner, "not-a-uuid", "{\"rating\":9}", &r), 422);
    cr_assert(ts_has_error(&r, "[\"path\",\"module_id\"]", "uuid_parsing"), "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"body\",\"rating\"]", "less_than_equal"), "%s", r.body);
    ts_resp_free(&r);
}

Test(feedback, create_errors_come_in_the_spec_order)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], draft[STR_UUID_SIZE], other_mid[STR_UUID_SIZE],
        other_sid[STR_UUID_SIZE], body[256];
    struct ts_resp r;
    published(&author, mid, sid);
    published(&author, other_mid, other_sid);
    ts_module(&srv, &author, "{\"title\":\"Draft\",\"flow_type\":\"linear\"}", draft);

    /* 404: nonexistent, or a draft the learner may not see (even with a foreign screen). */
    snprintf(body, sizeof(body), "{\"rating\":3,\"screen_id\":\"%s\"}", other_sid);
    cr_assert_eq(give(&learner, NIL, body, &r), 404);
    ts_assert_json(&r, "{\"detail\":\"Not Found\"}");
    ts_resp_free(&r);
    cr_assert_eq(give(&learner, draft, body, &r), 404);
    ts_resp_free(&r);
    /* 409 before the screen check: the owner sees the draft but it takes no feedback. */
    cr_assert_eq(give(&author, draft, body, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Feedback is only accepted on published modules\"}");
    ts_resp_free(&r);
    /* 422: a screen of another module, or no screen at all. */
    cr_assert_eq(give(&learner, mid, body, &r), 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\",\"screen_id\"],\"msg\":\"Value error, "
                       "screen does not belong to this module\",\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    snprintf(body, sizeof(body), "{\"rating\":3,\"screen_id\":\"%s\"}", NIL);
    cr_assert_eq(give(&learner, mid, body, &r), 422);
    ts_resp_free(&r);

    /* Archived: visible to a learner with progress, and still 409. */
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", mid);
    snprintf(body, sizeof(body),
             "{\"version\":0,\"progress_data\":{\"current_screen_id\":null,"
             "\"completed_screen_ids\":[],\"responses\":{}}}");
    ts_as(&srv, &learner, "PUT", path, body, &r);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/archive", mid);
    ts_as(&srv, &author, "POST", path, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    cr_assert_eq(give(&learner, mid, "{\"rating\":2}", &r), 409, "%s", r.body);
    ts_resp_free(&r);
    cr_assert_eq(give(&other, mid, "{\"rating\":2}", &r), 404, "no progress: hidden");
    ts_resp_free(&r);
    cr_assert_eq(read_as(&author, mid, "/summary", &r), 200);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), 0, "nothing was stored");
    ts_resp_free(&r);
}

Test(feedback, the_author_is_notified_unless_it_is_their_own)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], key[64];
    published(&author, mid, sid);

    give_ok(&learner, mid, "{\"rating\":5,\"comment\":\"Great\"}", key);
    const char *fid = key + 25; /* after "<created_at> " */
    json_t *got = ts_notifications(&srv, &author, "feedback_received");
    cr_assert_eq(json_array_size(got), 1);
    json_t *data = json_object_get(json_array_get(got, 0), "data");
    cr_assert_str_eq(str(data, "feedback_id"), fid);
    cr_assert_str_eq(str(data, "module_id"), mid);
    cr_assert_eq(json_integer_value(json_object_get(data, "rating")), 5);
    cr_assert_eq(json_object_size(data), 3);
    json_decref(got);

    /* The author's own feedback, and an admin's on it: only the admin's notifies. */
    give_ok(&author, mid, "{\"rating\":3}", NULL);
    cr_assert_eq(ts_count_notifications(&srv, &author, "feedback_received"), 1);
    give_ok(&admin, mid, "{\"rating\":2}", NULL);
    cr_assert_eq(ts_count_notifications(&srv, &author, "feedback_received"), 2);
    cr_assert_eq(ts_count_notifications(&srv, &learner, NULL), 0, "only the author is told");
}

static long give_with_key(const struct ts_user *u, const char *mid, const char *key,
                          const char *body, struct ts_resp *r)
{
    char kh[300], path[128];
    snprintf(kh, sizeof(kh), "Idempotency-Key: %s", key);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback", mid);
    const char *h[] = {u->auth, "Content-Type: application/json", kh, NULL};
    ts_http(&srv, "POST", path, h, body, r);
    return r->status;
}

Test(feedback, idempotent_create_stores_and_notifies_once)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE];
    struct ts_resp a, b, c;
    published(&author, mid, sid);

    cr_assert_eq(give_with_key(&learner, mid, "fb-1", "{\"rating\":4,\"comment\":\"ok\"}", &a),
                 201);
    cr_assert_eq(give_with_key(&learner, mid, "fb-1", "{ \"comment\": \"ok\", \"rating\": 4 }", &b),
                 201);
    cr_assert_str_eq(ts_header(&b, "Idempotent-Replayed"), "true");
    cr_assert_str_eq(a.body, b.body);
    cr_assert_eq(give_with_key(&learner, mid, "fb-1", "{\"rating\":3}", &c), 422);
    cr_assert(ts_has_error(&c, "[\"header\",\"idempotency-key\"]", "idempotency_key_reused"));
    ts_resp_free(&a);
    ts_resp_free(&b);
    ts_resp_free(&c);
    /* Another user's key of the same name is theirs alone. */
    cr_assert_eq(give_with_key(&other, mid, "fb-1", "{\"rating\":3}", &c), 201);
    cr_assert_null(ts_header(&c, "Idempotent-Replayed"));
    ts_resp_free(&c);

    cr_assert_eq(read_as(&author, mid, "/summary", &a), 200);
    cr_assert_eq(json_integer_value(json_object_get(a.json, "count")), 2);
    ts_resp_free(&a);
    cr_assert_eq(ts_count_notifications(&srv, &author, "feedback_received"), 2);
}

/* --- list and summary --------------------------------------------------------------------- */

Test(feedback, list_and_summary_are_the_owners)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], draft[STR_UUID_SIZE];
    struct ts_resp r;
    published(&author, mid, sid);
    ts_module(&srv, &author, "{\"title\":\"Draft\",\"flow_type\":\"linear\"}", draft);
    const char *rests[] = {"", "/summary"};

    for (size_t i = 0; i < 2; i++) {
        cr_assert_eq(read_as(&learner, mid, rests[i], &r), 403, "a learner's role never may");
        ts_resp_free(&r);
        cr_assert_eq(read_as(&other_author, mid, rests[i], &r), 403, "visible, not the owner");
        ts_resp_free(&r);
        cr_assert_eq(read_as(&other_author, draft, rests[i], &r), 404, "hidden");
        ts_resp_free(&r);
        cr_assert_eq(read_as(&author, NIL, rests[i], &r), 404);
        ts_resp_free(&r);
        cr_assert_eq(read_as(&author, "xyz", rests[i], &r), 422);
        cr_assert(ts_has_error(&r, "[\"path\",\"module_id\"]", "uuid_parsing"));
        ts_resp_free(&r);
        cr_assert_eq(read_as(&author, mid, rests[i], &r), 200);
        ts_resp_free(&r);
        cr_assert_eq(read_as(&admin, mid, rests[i], &r), 200);
        ts_resp_free(&r);
        cr_assert_eq(read_as(&author, draft, rests[i], &r), 200, "a draft's owner may look");
        ts_resp_free(&r);
    }
}

Test(feedback, list_filters_orders_and_pages)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], keys[5][64], body[256], rest[1200];
    struct ts_resp r;
    published(&author, mid, sid);
    const int ratings[5] = {5, 3, 5, 1, 5};
    for (int i = 0; i < 5; i++) {
        if (i % 2 == 0)
            snprintf(body, sizeof(body), "{\"rating\":%d,\"screen_id\":\"%s\"}", ratings[i], sid);
        else
            snprintf(body, sizeof(body), "{\"rating\":%d,\"comment\":\"n%d\"}", ratings[i], i);
        give_ok(i < 3 ? &learner : &other, mid, body, keys[i]);
    }
    /* Entries of one millisecond tie on created_at; the id decides then. */
    qsort(keys, 5, sizeof(keys[0]), newest_first);

    /* Newest first, two per page, across three pages. */
    const char *cursor = NULL;
    char next[1024] = "";
    int seen = 0;
    for (int page = 0; page < 3; page++) {
        snprintf(rest, sizeof(rest), "?limit=2%s%s", cursor ? "&cursor=" : "",
                 cursor ? cursor : "");
        cr_assert_eq(read_as(&author, mid, rest, &r), 200, "%s", r.body);
        json_t *items = json_object_get(r.json, "items");
        for (size_t i = 0; i < json_array_size(items); i++, seen++)
            cr_assert_str_eq(str(json_array_get(items, i), "id"), keys[seen] + 25, "item %d", seen);
        json_t *nc = json_object_get(r.json, "next_cursor");
        cursor = NULL;
        if (json_is_string(nc)) {
            snprintf(next, sizeof(next), "%s", json_string_value(nc));
            cursor = next;
        }
        ts_resp_free(&r);
    }
    cr_assert_eq(seen, 5);
    cr_assert_null(cursor, "no cursor after the last page");

    /* Filters: rating, screen, both. */
    snprintf(rest, sizeof(rest), "?rating=5");
    cr_assert_eq(read_as(&author, mid, rest, &r), 200);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 3);
    ts_resp_free(&r);
    snprintf(rest, sizeof(rest), "?screen_id=%s&rating=5", sid);
    cr_assert_eq(read_as(&author, mid, rest, &r), 200);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 3);
    cr_assert_eq(json_integer_value(json_object_get(
                     json_array_get(json_object_get(r.json, "items"), 0), "rating")),
                 5);
    ts_resp_free(&r);
    snprintf(rest, sizeof(rest), "?rating=1&screen_id=%s", sid);
    cr_assert_eq(read_as(&author, mid, rest, &r), 200);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0);
    ts_resp_free(&r);

    /* Bad query values; a cursor from another filter. */
    cr_assert_eq(read_as(&author, mid, "?rating=6&screen_id=x&limit=0", &r), 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"rating\"]", "less_than_equal"));
    cr_assert(ts_has_error(&r, "[\"query\",\"screen_id\"]", "uuid_parsing"));
    cr_assert(ts_has_error(&r, "[\"query\",\"limit\"]", "greater_than_equal"));
    ts_resp_free(&r);
    cr_assert_eq(read_as(&author, mid, "?rating=five", &r), 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"rating\"]", "int_parsing"));
    ts_resp_free(&r);
    cr_assert_eq(read_as(&author, mid, "?limit=1", &r), 200);
    snprintf(rest, sizeof(rest), "?rating=5&cursor=%s", str(r.json, "next_cursor"));
    ts_resp_free(&r);
    cr_assert_eq(read_as(&author, mid, rest, &r), 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"cursor\"]", "value_error"));
    ts_resp_free(&r);
}

Test(feedback, summary_rounds_and_lists_every_rating)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE];
    struct ts_resp r;
    char expected[512];
    published(&author, mid, sid);

    cr_assert_eq(read_as(&author, mid, "/summary", &r), 200);
    snprintf(expected, sizeof(expected),
             "{\"module_id\":\"%s\",\"count\":0,\"average_rating\":null,"
             "\"distribution\":{\"1\":0,\"2\":0,\"3\":0,\"4\":0,\"5\":0}}",
             mid);
    ts_assert_json(&r, expected);
    ts_resp_free(&r);

    /* 5 + 4 + 4 = 13 / 3 = 4.333… → 4.33 */
    give_ok(&learner, mid, "{\"rating\":5}", NULL);
    give_ok(&learner, mid, "{\"rating\":4}", NULL);
    give_ok(&other, mid, "{\"rating\":4}", NULL);
    cr_assert_eq(read_as(&author, mid, "/summary", &r), 200);
    snprintf(expected, sizeof(expected),
             "{\"module_id\":\"%s\",\"count\":3,\"average_rating\":4.33,"
             "\"distribution\":{\"1\":0,\"2\":0,\"3\":0,\"4\":2,\"5\":1}}",
             mid);
    ts_assert_json(&r, expected);
    ts_resp_free(&r);

    /* + 1 → 14 / 4 = 3.5 */
    give_ok(&other, mid, "{\"rating\":1}", NULL);
    cr_assert_eq(read_as(&author, mid, "/summary", &r), 200);
    cr_assert_eq(json_real_value(json_object_get(r.json, "average_rating")), 3.5);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(r.json, "distribution"), "1")),
                 1);
    ts_resp_free(&r);
}

Test(feedback, lists_and_summaries_keep_to_their_module)
{
    char a[STR_UUID_SIZE], b[STR_UUID_SIZE], sa[STR_UUID_SIZE], sb[STR_UUID_SIZE], rest[1200],
        cursor[1024], upper[STR_UUID_SIZE];
    struct ts_resp r;
    published(&author, a, sa);
    published(&author, b, sb);
    give_ok(&learner, a, "{\"rating\":5}", NULL);
    give_ok(&learner, a, "{\"rating\":4}", NULL);
    give_ok(&learner, b, "{\"rating\":1}", NULL);

    cr_assert_eq(read_as(&author, b, "/summary", &r), 200);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), 1);
    cr_assert_eq(json_real_value(json_object_get(r.json, "average_rating")), 1.0);
    ts_resp_free(&r);
    cr_assert_eq(read_as(&author, b, "", &r), 200);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ts_resp_free(&r);

    /* A's cursor: not valid on B, valid on A's path written in upper case. */
    cr_assert_eq(read_as(&author, a, "?limit=1", &r), 200);
    snprintf(cursor, sizeof(cursor), "%s", str(r.json, "next_cursor"));
    ts_resp_free(&r);
    snprintf(rest, sizeof(rest), "?limit=1&cursor=%s", cursor);
    cr_assert_eq(read_as(&author, b, rest, &r), 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"cursor\"]", "value_error"));
    ts_resp_free(&r);
    for (size_t i = 0; i <= strlen(a); i++)
        upper[i] = (char)(a[i] >= 'a' && a[i] <= 'f' ? a[i] - 32 : a[i]);
    cr_assert_eq(read_as(&author, upper, rest, &r), 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ts_resp_free(&r);
}
