/*
 * Notifications (API.md §12, the stream aside): the Notification object, the list in seq order
 * with its unread filter and cursors, the unread count, marking one or all read, and that a
 * notification is only ever its recipient's. Notifications are made the way users make them:
 * by assigning modules (§11).
 */
#include <criterion/criterion.h>
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

TestSuite(notifications, .init = start, .fini = stop, .timeout = 120);

#define NIL "00000000-0000-4000-8000-000000000000"

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Gives `u` `n` module_assigned notifications, one per new module; returns the modules' ids
 * in order of creation when `mids` is not NULL. */
static void notify(const struct ts_user *u, int n, char (*mids)[STR_UUID_SIZE])
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], body[200];
    struct ts_resp r;
    for (int i = 0; i < n; i++) {
        ts_module(&srv, &author, "{\"title\":\"Fire safety\",\"flow_type\":\"linear\"}", mid);
        ts_screen(&srv, &author, mid, TS_CONTENT_SCREEN, sid);
        ts_publish(&srv, &author, mid);
        snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\"}", mid, u->id);
        ts_as(&srv, &author, "POST", "/api/v1/assignments", body, &r);
        cr_assert_eq(r.status, 201, "%s", r.body);
        ts_resp_free(&r);
        if (mids != NULL)
            snprintf(mids[i], STR_UUID_SIZE, "%s", mid);
    }
}

/* GET `path` as `u`: asserts 200 and returns the body (caller frees the response). */
static void get_ok(const struct ts_user *u, const char *path, struct ts_resp *r)
{
    ts_as(&srv, u, "GET", path, NULL, r);
    cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
}

static json_t *items_of(const struct ts_resp *r)
{
    return json_object_get(r->json, "items");
}

static long long unread_count(const struct ts_user *u)
{
    struct ts_resp r;
    get_ok(u, "/api/v1/notifications/unread-count", &r);
    cr_assert_eq(json_object_size(r.json), 1, "%s", r.body);
    long long n = json_integer_value(json_object_get(r.json, "count"));
    ts_resp_free(&r);
    return n;
}

static long read_one(const struct ts_user *u, const char *id, struct ts_resp *r)
{
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/notifications/%s/read", id);
    ts_as(&srv, u, "POST", path, NULL, r);
    return r->status;
}

Test(notifications, list_renders_the_notification_object_newest_first)
{
    char mids[3][STR_UUID_SIZE];
    struct ts_resp r;
    notify(&learner, 3, mids);
    get_ok(&learner, "/api/v1/notifications", &r);
    json_t *items = items_of(&r), *n;
    size_t i;
    cr_assert_eq(json_array_size(items), 3);
    cr_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    json_int_t prev = 0;
    json_array_foreach(items, i, n)
    {
        cr_assert_eq(json_object_size(n), 9, "exactly the keys of §12: %s",
                     json_dumps(n, JSON_COMPACT));
        cr_assert_eq(strlen(str(n, "id")), 36);
        json_t *seq = json_object_get(n, "seq");
        cr_assert(json_is_integer(seq));
        if (i > 0)
            cr_assert_lt(json_integer_value(seq), prev, "seq descending");
        prev = json_integer_value(seq);
        cr_assert_str_eq(str(n, "type"), "module_assigned");
        cr_assert_gt(strlen(str(n, "title")), 0);
        cr_assert_gt(strlen(str(n, "body")), 0);
        cr_assert_not_null(strstr(str(n, "body"), "Fire safety"), "%s", str(n, "body"));
        cr_assert(json_is_object(json_object_get(n, "data")));
        cr_assert_str_eq(str(json_object_get(n, "data"), "module_id"), mids[2 - i]);
        cr_assert(json_is_false(json_object_get(n, "read")));
        cr_assert(json_is_null(json_object_get(n, "read_at")));
        cr_assert_eq(strlen(str(n, "created_at")), 24, "%s", str(n, "created_at"));
    }
    ts_resp_free(&r);
}

Test(notifications, cursors_page_to_the_end_without_repeats)
{
    struct ts_resp r;
    char path[800], next[600] = "";
    notify(&learner, 5, NULL);
    json_t *seen = json_array();
    int pages = 0;
    json_int_t last = 0;
    do {
        if (next[0])
            snprintf(path, sizeof(path), "/api/v1/notifications?limit=2&cursor=%s", next);
        else
            snprintf(path, sizeof(path), "/api/v1/notifications?limit=2");
        get_ok(&learner, path, &r);
        json_t *n;
        size_t i;
        json_array_foreach(items_of(&r), i, n)
        {
            json_int_t seq = json_integer_value(json_object_get(n, "seq"));
            cr_assert(last == 0 || seq < last, "no repeats, in order");
            last = seq;
            json_array_append_new(seen, json_string(str(n, "id")));
        }
        const char *c = str(r.json, "next_cursor");
        snprintf(next, sizeof(next), "%s", c ? c : "");
        pages++;
        ts_resp_free(&r);
    } while (next[0] && pages < 10);
    cr_assert_eq(pages, 3);
    cr_assert_eq(json_array_size(seen), 5);
    json_decref(seen);

    /* A cursor is bound to its filter; garbage is refused; so is a bad limit. */
    get_ok(&learner, "/api/v1/notifications?limit=1", &r);
    snprintf(next, sizeof(next), "%s", str(r.json, "next_cursor"));
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/notifications?limit=1&unread=true&cursor=%s", next);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"query\",\"cursor\"],"
                       "\"msg\":\"Value error, invalid cursor\",\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/notifications?limit=1&cursor=%s", next);
    ts_as(&srv, &other, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "a cursor works for the path, whoever follows it");
    cr_assert_eq(json_array_size(items_of(&r)), 0, "and shows only the caller's own");
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/notifications?cursor=garbage&limit=101", NULL, &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"cursor\"]", "value_error"));
    cr_assert(ts_has_error(&r, "[\"query\",\"limit\"]", "less_than_equal"));
    ts_resp_free(&r);
}

Test(notifications, unread_filter_count_and_marking_one_read)
{
    struct ts_resp r;
    notify(&learner, 3, NULL);
    cr_assert_eq(unread_count(&learner), 3);
    get_ok(&learner, "/api/v1/notifications", &r);
    char id[STR_UUID_SIZE];
    snprintf(id, sizeof(id), "%s", str(json_array_get(items_of(&r), 1), "id"));
    ts_resp_free(&r);

    cr_assert_eq(read_one(&learner, id, &r), 200, "%s", r.body);
    cr_assert_str_eq(str(r.json, "id"), id);
    cr_assert(json_is_true(json_object_get(r.json, "read")));
    char read_at[32];
    snprintf(read_at, sizeof(read_at), "%s", str(r.json, "read_at"));
    cr_assert_eq(strlen(read_at), 24);
    cr_assert_eq(json_object_size(r.json), 9);
    ts_resp_free(&r);
    cr_assert_eq(unread_count(&learner), 2);

    /* Already read: 200, unchanged. Upper-case ids name the same notification. */
    char upper[STR_UUID_SIZE];
    for (int i = 0; i < STR_UUID_SIZE; i++)
        upper[i] = (char)(id[i] >= 'a' && id[i] <= 'f' ? id[i] - 'a' + 'A' : id[i]);
    cr_assert_eq(read_one(&learner, upper, &r), 200);
    cr_assert_str_eq(str(r.json, "read_at"), read_at);
    ts_resp_free(&r);
    cr_assert_eq(unread_count(&learner), 2);

    get_ok(&learner, "/api/v1/notifications?unread=true", &r);
    cr_assert_eq(json_array_size(items_of(&r)), 2);
    cr_assert_str_neq(str(json_array_get(items_of(&r), 0), "id"), id);
    cr_assert_str_neq(str(json_array_get(items_of(&r), 1), "id"), id);
    ts_resp_free(&r);
    get_ok(&learner, "/api/v1/notifications?unread=FALSE", &r);
    cr_assert_eq(json_array_size(items_of(&r)), 1);
    cr_assert_str_eq(str(json_array_get(items_of(&r), 0), "id"), id);
    ts_resp_free(&r);
    get_ok(&learner, "/api/v1/notifications?unread=0&unread=1", &r);
    cr_assert_eq(json_array_size(items_of(&r)), 2, "the last occurrence wins");
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/notifications?unread=maybe", NULL, &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"unread\"]", "bool_parsing"));
    ts_resp_free(&r);
}

Test(notifications, only_the_recipient_sees_or_reads_a_notification)
{
    struct ts_resp r;
    notify(&learner, 1, NULL);
    get_ok(&learner, "/api/v1/notifications", &r);
    char id[STR_UUID_SIZE];
    snprintf(id, sizeof(id), "%s", str(json_array_get(items_of(&r), 0), "id"));
    ts_resp_free(&r);

    get_ok(&other, "/api/v1/notifications", &r);
    ts_assert_json(&r, "{\"items\":[],\"next_cursor\":null}");
    ts_resp_free(&r);
    cr_assert_eq(unread_count(&other), 0);
    const struct ts_user *others[] = {&other, &author, &admin};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(read_one(others[i], id, &r), 404);
        ts_assert_json(&r, "{\"detail\":\"Not Found\"}");
        ts_resp_free(&r);
    }
    cr_assert_eq(unread_count(&learner), 1, "nobody else marked it read");
    cr_assert_eq(read_one(&learner, NIL, &r), 404);
    ts_resp_free(&r);
    cr_assert_eq(read_one(&learner, "nope", &r), 422);
    cr_assert(ts_has_error(&r, "[\"path\",\"notification_id\"]", "uuid_parsing"));
    ts_resp_free(&r);
    cr_assert_eq(read_one(NULL, id, &r), 401);
    ts_resp_free(&r);
}

Test(notifications, read_all_reports_how_many_changed)
{
    struct ts_resp r;
    notify(&learner, 3, NULL);
    notify(&other, 2, NULL);
    get_ok(&learner, "/api/v1/notifications", &r);
    char id[STR_UUID_SIZE];
    snprintf(id, sizeof(id), "%s", str(json_array_get(items_of(&r), 0), "id"));
    ts_resp_free(&r);
    cr_assert_eq(read_one(&learner, id, &r), 200);
    ts_resp_free(&r);

    /* A body is ignored. */
    ts_as(&srv, &learner, "POST", "/api/v1/notifications/read-all", "{\"x\":1}", &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_assert_json(&r, "{\"updated\":2}");
    ts_resp_free(&r);
    cr_assert_eq(unread_count(&learner), 0);
    get_ok(&learner, "/api/v1/notifications?unread=false", &r);
    cr_assert_eq(json_array_size(items_of(&r)), 3);
    ts_resp_free(&r);
    ts_as(&srv, &learner, "POST", "/api/v1/notifications/read-all", NULL, &r);
    ts_assert_json(&r, "{\"updated\":0}");
    ts_resp_free(&r);
    cr_assert_eq(unread_count(&other), 2, "other users' notifications stay unread");
}

Test(notifications, routes_answer_404_405_and_401_as_elsewhere)
{
    struct ts_resp r;
    ts_as(&srv, &learner, "GET", "/api/v1/notifications/read-all", NULL, &r);
    cr_assert_eq(r.status, 405);
    cr_assert_str_eq(ts_header(&r, "Allow"), "POST");
    ts_resp_free(&r);
    ts_as(&srv, &learner, "POST", "/api/v1/notifications/unread-count", NULL, &r);
    cr_assert_eq(r.status, 405);
    cr_assert_str_eq(ts_header(&r, "Allow"), "GET");
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/notifications/" NIL "/read", NULL, &r);
    cr_assert_eq(r.status, 405);
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/notifications/", NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_resp_free(&r);
    ts_as(&srv, &learner, "POST", "/api/v1/notifications/read-all/read", NULL, &r);
    cr_assert_eq(r.status, 422, "a parameter route: read-all is not an id");
    ts_resp_free(&r);
    ts_as(&srv, NULL, "GET", "/api/v1/notifications", NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Not authenticated\"}");
    ts_resp_free(&r);
    ts_as(&srv, NULL, "GET", "/api/v1/notifications/unread-count", NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_resp_free(&r);
}
