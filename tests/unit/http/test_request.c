/*
 * The request pipeline of API.md §1.2-§1.4 and §1.9-§1.10, driven without a socket: the same
 * functions server.c calls for every request.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/request.h"
#include "http/webapp.h"
#include "util/crypto.h"
#include "util/err.h"

static int echo_keys(struct http_req *r)
{
    return http_reply_json_new(r, 200, json_pack("{s:O?}", "got", r->json));
}

static int ok(struct http_req *r)
{
    return http_reply_json_new(r, 200, json_pack("{s:b}", "ok", 1));
}

static int unavailable(struct http_req *r)
{
    (void)r;
    return TS_EUNAVAIL;
}

static const struct route table[] = {
    {"POST", "/things", echo_keys, ACCESS_PUBLIC, ROUTE_BODY, ""},
    {"POST", "/optional", echo_keys, ACCESS_PUBLIC, ROUTE_BODY | ROUTE_BODY_OPTIONAL, ""},
    {"GET", "/things", ok, ACCESS_PUBLIC, 0, ""},
    {"GET", "/down", unavailable, ACCESS_PUBLIC, 0, ""},
};

static struct router rt;
static struct config cfg;
static const char *cors_setting;

static const char *fake_env(const char *name, void *ctx)
{
    (void)ctx;
    if (strcmp(name, "MAX_BODY_BYTES") == 0)
        return "1024";
    if (strcmp(name, "CORS_ORIGINS") == 0)
        return cors_setting;
    return NULL;
}

static void setup(void)
{
    char err[256];
    cors_setting = "https://app.example.com";
    cr_assert_eq(crypto_init(), 0);
    cr_assert_eq(config_load(&cfg, fake_env, NULL, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(router_init(&rt, table, sizeof(table) / sizeof(table[0])), 0);
}

static void teardown(void)
{
    router_free(&rt);
}

TestSuite(request, .init = setup, .fini = teardown);

/* Runs one request through the whole pipeline; headers are "Name", "value" pairs. */
static void run(struct http_req *r, const char *method, const char *path,
                const char *const *headers, const char *body, size_t body_len)
{
    http_req_init(r, &cfg, NULL, NULL);
    r->method = method;
    r->path = path;
    for (int i = 0; headers && headers[i]; i += 2)
        http_req_add_header(r, headers[i], headers[i + 1]);
    if (!http_req_on_headers(r, &rt)) {
        /* Arrives in two pieces, as a network would deliver it. */
        size_t half = body_len / 2;
        if (body_len > 0) {
            http_req_on_body(r, body, half);
            http_req_on_body(r, body + half, body_len - half);
        }
        http_req_dispatch(r);
    }
    http_req_finish_reply(r, false);
}

static const char *reply_header(const struct http_req *r, const char *name)
{
    for (int i = 0; i < r->nreply_headers; i++)
        if (strcasecmp(r->reply_headers[i].name, name) == 0)
            return r->reply_headers[i].value;
    return NULL;
}

static void assert_body(const struct http_req *r, const char *expected)
{
    json_t *got = json_loads(r->reply_body, 0, NULL);
    json_t *want = json_loads(expected, 0, NULL);
    cr_assert_not_null(want);
    cr_assert(got != NULL && json_equal(got, want), "body %s, expected %s", r->reply_body,
              expected);
    json_decref(got);
    json_decref(want);
}

static const char *const json_ct[] = {"Content-Type", "application/json", NULL};

Test(request, json_body_is_parsed_and_handed_to_the_handler)
{
    struct http_req r;
    const char body[] = "{\"a\":1,\"b\":\"x\"}";
    run(&r, "POST", "/things", json_ct, body, strlen(body));
    cr_assert_eq(r.status, 200);
    assert_body(&r, "{\"got\":{\"a\":1,\"b\":\"x\"}}");
    cr_assert_str_eq(reply_header(&r, "Cache-Control"), "no-store");
    cr_assert_not_null(reply_header(&r, "X-Request-ID"));
    http_req_free(&r);
}

Test(request, media_type_is_case_insensitive_with_parameters)
{
    static const char *const h[] = {"content-type", "Application/JSON ; charset=utf-8", NULL};
    struct http_req r;
    run(&r, "POST", "/things", h, "{}", 2);
    cr_assert_eq(r.status, 200);
    http_req_free(&r);
}

Test(request, missing_or_other_content_type_is_415)
{
    static const char *const text[] = {"Content-Type", "text/plain", NULL};
    static const char *const prefix[] = {"Content-Type", "application/jsonx", NULL};
    struct http_req r;
    run(&r, "POST", "/things", NULL, "{}", 2);
    cr_assert_eq(r.status, 415);
    assert_body(&r, "{\"detail\":\"Unsupported Media Type\"}");
    http_req_free(&r);
    run(&r, "POST", "/things", text, "{}", 2);
    cr_assert_eq(r.status, 415);
    http_req_free(&r);
    run(&r, "POST", "/things", prefix, "{}", 2);
    cr_assert_eq(r.status, 415);
    http_req_free(&r);
}

static void assert_400(const char *body, size_t len)
{
    struct http_req r;
    run(&r, "POST", "/things", json_ct, body, len);
    cr_assert_eq(r.status, 400, "%.*s gave %d", (int)len, body, r.status);
    assert_body(&r, "{\"detail\":\"Malformed JSON\"}");
    http_req_free(&r);
}

Test(request, malformed_json_is_400)
{
    assert_400("{\"a\":", 5);
    assert_400("{'a':1}", 7);
    assert_400("{\"a\":1} x", 9);
}

Test(request, invalid_utf8_is_400)
{
    assert_400("{\"a\":\"\xff\xfe\"}", 10);
}

Test(request, nul_escape_is_400)
{
    const char body[] = "{\"a\":\"x\\u0000y\"}";
    assert_400(body, strlen(body));
}

Test(request, integer_outside_int64_is_400)
{
    const char big[] = "{\"a\":9223372036854775808}";
    const char small[] = "{\"a\":-9223372036854775809}";
    assert_400(big, strlen(big));
    assert_400(small, strlen(small));
}

Test(request, int64_limits_are_accepted)
{
    struct http_req r;
    const char body[] = "{\"a\":9223372036854775807,\"b\":-9223372036854775808}";
    run(&r, "POST", "/things", json_ct, body, strlen(body));
    cr_assert_eq(r.status, 200);
    http_req_free(&r);
}

Test(request, empty_body_is_422_missing)
{
    struct http_req r;
    run(&r, "POST", "/things", json_ct, "", 0);
    cr_assert_eq(r.status, 422);
    assert_body(&r, "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"Field required\","
                    "\"type\":\"missing\"}]}");
    http_req_free(&r);
}

Test(request, empty_body_is_fine_where_optional)
{
    struct http_req r;
    run(&r, "POST", "/optional", NULL, "", 0);
    cr_assert_eq(r.status, 200);
    assert_body(&r, "{\"got\":null}");
    http_req_free(&r);
}

Test(request, json_that_is_not_an_object_is_422)
{
    const char *bodies[] = {"[1,2]", "\"text\"", "42", "null"};
    for (size_t i = 0; i < 4; i++) {
        struct http_req r;
        run(&r, "POST", "/things", json_ct, bodies[i], strlen(bodies[i]));
        cr_assert_eq(r.status, 422, "%s", bodies[i]);
        assert_body(&r, "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"Input should be a valid "
                        "dictionary or object to extract fields from\","
                        "\"type\":\"model_attributes_type\"}]}");
        http_req_free(&r);
    }
}

Test(request, duplicate_keys_last_one_wins)
{
    struct http_req r;
    const char body[] = "{\"a\":1,\"a\":2}";
    run(&r, "POST", "/things", json_ct, body, strlen(body));
    cr_assert_eq(r.status, 200);
    assert_body(&r, "{\"got\":{\"a\":2}}");
    http_req_free(&r);
}

Test(request, content_length_over_limit_is_413_before_the_body)
{
    static const char *const h[] = {"Content-Type", "application/json", "Content-Length", "1025",
                                    NULL};
    struct http_req r;
    http_req_init(&r, &cfg, NULL, NULL);
    r.method = "POST";
    r.path = "/things";
    for (int i = 0; h[i]; i += 2)
        http_req_add_header(&r, h[i], h[i + 1]);
    cr_assert(http_req_on_headers(&r, &rt), "decided from the headers alone");
    cr_assert_eq(r.status, 413);
    assert_body(&r, "{\"detail\":\"Request Entity Too Large\"}");
    cr_assert(r.close_connection);
    http_req_free(&r);
}

Test(request, body_over_limit_without_length_is_413_and_not_kept)
{
    char big[1500];
    memset(big, ' ', sizeof(big));
    struct http_req r;
    run(&r, "POST", "/things", json_ct, big, sizeof(big));
    cr_assert_eq(r.status, 413);
    cr_assert_eq(r.body.len, 0, "nothing beyond the cap is buffered");
    http_req_free(&r);
}

Test(request, body_is_ignored_by_routes_without_one)
{
    static const char *const text[] = {"Content-Type", "text/plain", NULL};
    struct http_req r;
    run(&r, "GET", "/things", text, "not json", 8);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.body.len, 0);
    http_req_free(&r);
}

Test(request, routing_precedes_body_checks)
{
    static const char *const h[] = {"Content-Length", "999999", NULL};
    struct http_req r;
    run(&r, "DELETE", "/things", h, NULL, 0);
    cr_assert_eq(r.status, 405);
    cr_assert_str_eq(reply_header(&r, "Allow"), "GET, POST");
    http_req_free(&r);
    run(&r, "GET", "/nothing", h, NULL, 0);
    cr_assert_eq(r.status, 404);
    http_req_free(&r);
}

Test(request, unavailable_is_503_with_retry_after)
{
    struct http_req r;
    run(&r, "GET", "/down", NULL, NULL, 0);
    cr_assert_eq(r.status, 503);
    assert_body(&r, "{\"detail\":\"Service Unavailable\"}");
    cr_assert_str_eq(reply_header(&r, "Retry-After"), "5");
    http_req_free(&r);
}

Test(request, request_id_is_echoed_or_generated)
{
    static const char *const good[] = {"X-Request-ID", "req-1.2:3_A", NULL};
    static const char *const bad[] = {"X-Request-ID", "no/slashes", NULL};
    struct http_req r;
    run(&r, "GET", "/things", good, NULL, 0);
    cr_assert_str_eq(reply_header(&r, "X-Request-ID"), "req-1.2:3_A");
    http_req_free(&r);
    run(&r, "GET", "/things", bad, NULL, 0);
    cr_assert_eq(strlen(reply_header(&r, "X-Request-ID")), 36);
    http_req_free(&r);
    char long_id[130];
    memset(long_id, 'a', 129);
    long_id[129] = '\0';
    const char *const too_long[] = {"X-Request-ID", long_id, NULL};
    run(&r, "GET", "/things", too_long, NULL, 0);
    cr_assert_eq(strlen(reply_header(&r, "X-Request-ID")), 36);
    http_req_free(&r);
}

Test(request, traceparent_trace_id_is_kept_for_the_log)
{
    static const char *const h[] = {
        "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", NULL};
    static const char *const zero[] = {
        "traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01", NULL};
    struct http_req r;
    run(&r, "GET", "/things", h, NULL, 0);
    cr_assert_str_eq(r.trace_id, "0af7651916cd43dd8448eb211c80319c");
    http_req_free(&r);
    run(&r, "GET", "/things", zero, NULL, 0);
    cr_assert_str_eq(r.trace_id, "");
    http_req_free(&r);
}

/* W3C Trace Context §3.2: the parts of a valid header, and the ways one is invalid. */
Test(request, traceparent_span_and_sampled_flag_are_read)
{
    static const char *const sampled[] = {
        "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", NULL};
    static const char *const unsampled[] = {
        "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-02", NULL};
    /* A later version may append fields; they are ignored. */
    static const char *const future[] = {
        "traceparent", "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-09-what-ever", NULL};
    struct http_req r;
    run(&r, "GET", "/things", sampled, NULL, 0);
    cr_assert_str_eq(r.span_id, "b7ad6b7169203331");
    cr_assert(r.log.sampled);
    cr_assert_str_eq(r.log.trace_id, "0af7651916cd43dd8448eb211c80319c");
    cr_assert_str_eq(r.log.request_id, r.request_id);
    http_req_free(&r);
    run(&r, "GET", "/things", unsampled, NULL, 0);
    cr_assert_str_eq(r.trace_id, "0af7651916cd43dd8448eb211c80319c");
    cr_assert_not(r.log.sampled);
    http_req_free(&r);
    run(&r, "GET", "/things", future, NULL, 0);
    cr_assert_str_eq(r.trace_id, "0af7651916cd43dd8448eb211c80319c");
    cr_assert(r.log.sampled);
    http_req_free(&r);
}

Test(request, invalid_traceparent_is_ignored)
{
    static const char *const bad[] = {
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",   /* version ff */
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",   /* upper case */
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",   /* zero parent */
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x", /* 00 with more */
        "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x",  /* no '-' after */
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g",   /* flags not hex */
        "0-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",    /* short version */
        "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",   /* separator */
        "00-0af7651916cd43dd8448eb211c80319-cb7ad6b716920333-01",    /* misplaced '-' */
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *const h[] = {"traceparent", bad[i], NULL};
        struct http_req r;
        run(&r, "GET", "/things", h, NULL, 0);
        cr_assert_str_eq(r.trace_id, "", "accepted %s", bad[i]);
        cr_assert_str_eq(r.span_id, "");
        cr_assert_eq(r.status, 200, "the request is served all the same");
        http_req_free(&r);
    }
}

Test(request, framing_conflicts_are_400_and_close)
{
    static const char *const dup[] = {"Content-Length", "0", "Content-Length", "5", NULL};
    static const char *const both[] = {"Content-Length", "5", "Transfer-Encoding", "chunked", NULL};
    static const char *const odd[] = {"Transfer-Encoding", "xchunked", NULL};
    static const char *const neg[] = {"Content-Length", "-1", NULL};
    const char *const *cases[] = {dup, both, odd, neg};
    for (size_t i = 0; i < 4; i++) {
        struct http_req r;
        run(&r, "GET", "/things", cases[i], NULL, 0);
        cr_assert_eq(r.status, 400, "case %zu", i);
        cr_assert(r.close_connection);
        cr_assert_str_eq(reply_header(&r, "Connection"), "close");
        http_req_free(&r);
    }
}

Test(request, preflight_allowed_origin_is_204)
{
    static const char *const h[] = {"Origin", "https://app.example.com",
                                    "Access-Control-Request-Method", "PATCH", NULL};
    struct http_req r;
    run(&r, "OPTIONS", "/any/path/at/all", h, NULL, 0);
    cr_assert_eq(r.status, 204);
    cr_assert_null(r.reply_body);
    cr_assert_str_eq(reply_header(&r, "Access-Control-Allow-Origin"), "https://app.example.com");
    cr_assert_str_eq(reply_header(&r, "Access-Control-Max-Age"), "600");
    http_req_free(&r);
}

Test(request, preflight_with_cors_disabled_is_400)
{
    char err[256];
    static const char *const h[] = {"Origin", "https://app.example.com",
                                    "Access-Control-Request-Method", "GET", NULL};
    cors_setting = "";
    cr_assert_eq(config_load(&cfg, fake_env, NULL, err, sizeof(err)), 0);
    struct http_req r;
    run(&r, "OPTIONS", "/things", h, NULL, 0);
    cr_assert_eq(r.status, 400);
    assert_body(&r, "{\"detail\":\"Disallowed CORS origin\"}");
    http_req_free(&r);
    run(&r, "GET", "/things", h, NULL, 0);
    cr_assert_null(reply_header(&r, "Access-Control-Allow-Origin"));
    http_req_free(&r);
}

Test(request, wildcard_cors_answers_star)
{
    char err[256];
    static const char *const h[] = {"Origin", "https://anything.example", NULL};
    cors_setting = "*";
    cr_assert_eq(config_load(&cfg, fake_env, NULL, err, sizeof(err)), 0);
    struct http_req r;
    run(&r, "GET", "/things", h, NULL, 0);
    cr_assert_str_eq(reply_header(&r, "Access-Control-Allow-Origin"), "*");
    http_req_free(&r);
}

Test(request, shutting_down_replies_close_the_connection)
{
    struct http_req r;
    http_req_init(&r, &cfg, NULL, NULL);
    r.method = "GET";
    r.path = "/things";
    cr_assert_not(http_req_on_headers(&r, &rt));
    http_req_dispatch(&r);
    http_req_finish_reply(&r, true);
    cr_assert_str_eq(reply_header(&r, "Connection"), "close");
    http_req_free(&r);
}

Test(request, query_parameter_last_occurrence_wins)
{
    struct http_req r;
    http_req_init(&r, &cfg, NULL, NULL);
    http_req_add_query(&r, "limit", "5");
    http_req_add_query(&r, "limit", "7");
    cr_assert_str_eq(http_query(&r, "limit"), "7");
    cr_assert_null(http_query(&r, "cursor"));
    http_req_free(&r);
}

/* --- body past the cap ------------------------------------------------------------------ */

Test(request, body_past_limit_is_413_at_once_without_waiting_for_the_end)
{
    char part[600];
    memset(part, ' ', sizeof(part));
    struct http_req r;
    http_req_init(&r, &cfg, NULL, NULL);
    r.method = "POST";
    r.path = "/things";
    http_req_add_header(&r, "Transfer-Encoding", "chunked");
    cr_assert_not(http_req_on_headers(&r, &rt));
    cr_assert_not(http_req_on_body(&r, part, sizeof(part)), "600 of 1024 bytes");
    cr_assert_not(r.replied);
    cr_assert(http_req_on_body(&r, part, sizeof(part)), "1200 bytes pass the cap");
    cr_assert(r.replied, "the 413 is queued while the body is still arriving");
    cr_assert_eq(r.status, 413);
    assert_body(&r, "{\"detail\":\"Request Entity Too Large\"}");
    cr_assert(r.close_connection);
    cr_assert_eq(r.body.len, 0, "nothing is kept");
    cr_assert(http_req_on_body(&r, part, sizeof(part)), "later bytes change nothing");
    http_req_dispatch(&r); /* the reply stands */
    cr_assert_eq(r.status, 413);
    http_req_finish_reply(&r, false);
    cr_assert_str_eq(reply_header(&r, "Connection"), "close");
    http_req_free(&r);
}

Test(request, body_of_exactly_the_limit_is_kept)
{
    char body[1024];
    memset(body, ' ', sizeof(body));
    body[0] = '{';
    body[sizeof(body) - 1] = '}';
    struct http_req r;
    run(&r, "POST", "/things", json_ct, body, sizeof(body));
    cr_assert_eq(r.status, 200);
    http_req_free(&r);
}

/* --- header whitespace ------------------------------------------------------------------ */

Test(request, header_values_lose_surrounding_spaces_and_tabs)
{
    struct http_req r;
    http_req_init(&r, &cfg, NULL, NULL);
    http_req_add_header(&r, "Authorization", "Bearer tok \t");
    http_req_add_header(&r, "X-Request-ID", " \treq-9 ");
    http_req_add_header(&r, "Idempotency-Key", "\tkey-1\t");
    http_req_add_header(&r, "X-Empty", " \t ");
    http_req_add_header(&r, "X-Inner", "a \t b");
    cr_assert_str_eq(http_header(&r, "authorization"), "Bearer tok");
    cr_assert_str_eq(http_header(&r, "X-Request-ID"), "req-9");
    cr_assert_str_eq(http_header(&r, "Idempotency-Key"), "key-1");
    cr_assert_str_eq(http_header(&r, "X-Empty"), "");
    cr_assert_str_eq(http_header(&r, "X-Inner"), "a \t b", "inner whitespace stays");
    http_req_free(&r);
}

Test(request, trimmed_values_are_what_the_pipeline_reads)
{
    static const char *const h[] = {"X-Request-ID",
                                    "req-7\t",
                                    "Origin",
                                    "https://app.example.com ",
                                    "traceparent",
                                    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01 ",
                                    "Content-Type",
                                    "application/json\t",
                                    NULL};
    struct http_req r;
    run(&r, "POST", "/things", h, "{}", 2);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(reply_header(&r, "X-Request-ID"), "req-7");
    cr_assert_str_eq(reply_header(&r, "Access-Control-Allow-Origin"), "https://app.example.com");
    cr_assert_str_eq(r.trace_id, "0af7651916cd43dd8448eb211c80319c");
    http_req_free(&r);
}

/* libmicrohttpd frames the body from its own copy, where "chunked " is not chunked: the guard
 * must refuse what libmicrohttpd would misread, so framing headers are not trimmed. */
Test(request, framing_headers_are_judged_as_received)
{
    static const char *const te[] = {"Transfer-Encoding", "chunked ", NULL};
    static const char *const cl[] = {"Content-Length", "5\t", NULL};
    struct http_req r;
    run(&r, "GET", "/things", te, NULL, 0);
    cr_assert_eq(r.status, 400);
    cr_assert(r.close_connection);
    http_req_free(&r);
    run(&r, "GET", "/things", cl, NULL, 0);
    cr_assert_eq(r.status, 400);
    http_req_free(&r);
}

/* --- query values that are not text ----------------------------------------------------- */

static const char unicode_422[] =
    "{\"detail\":[{\"loc\":[\"query\",\"%s\"],\"msg\":\"Input should be a valid string, unable "
    "to parse raw data as a unicode string\",\"type\":\"string_unicode\"}]}";

/* GET /things with one query parameter given as bytes. */
static void run_query(struct http_req *r, const char *name, const char *value, size_t len)
{
    http_req_init(r, &cfg, NULL, NULL);
    r->method = "GET";
    r->path = "/things";
    cr_assert(http_req_add_query_n(r, name, strlen(name), value, len));
    cr_assert_not(http_req_on_headers(r, &rt));
    http_req_dispatch(r);
}

Test(request, query_value_not_utf8_is_422_before_the_handler)
{
    static const char *const bad[] = {"\xff\xfe",         /* bytes UTF-8 never uses */
                                      "a\x80",            /* a lone continuation byte */
                                      "\xc3",             /* a sequence cut short */
                                      "\xe2\x28\xa1",     /* a sequence broken in the middle */
                                      "\xc0\xaf",         /* an overlong '/' */
                                      "\xe0\x80\xaf",     /* an overlong '/' in three bytes */
                                      "\xed\xa0\x80",     /* a surrogate (CESU-8) */
                                      "\xf4\x90\x80\x80", /* past U+10FFFF */
                                      NULL};
    char want[512];
    snprintf(want, sizeof(want), unicode_422, "q");
    for (int i = 0; bad[i] != NULL; i++) {
        struct http_req r;
        run_query(&r, "q", bad[i], strlen(bad[i]));
        cr_assert_null(http_query(&r, "q"), "case %d: a handler never sees the bytes", i);
        cr_assert_eq(r.status, 422, "case %d", i);
        assert_body(&r, want);
        http_req_free(&r);
    }
}

Test(request, query_value_with_nul_is_422)
{
    char want[512];
    snprintf(want, sizeof(want), unicode_422, "q");
    struct http_req r;
    run_query(&r, "q", "a\0b", 3);
    cr_assert_eq(r.status, 422);
    assert_body(&r, want);
    http_req_free(&r);
}

Test(request, query_value_in_utf8_reaches_the_handler)
{
    static const char *const good[] = {"",
                                       "plain",
                                       "\xc3\xa9t\xc3\xa9",
                                       "\xe2\x82\xac",
                                       "\xef\xbf\xbf",
                                       "\xf0\x9f\x98\x80",
                                       "\xf4\x8f\xbf\xbf",
                                       NULL};
    for (int i = 0; good[i] != NULL; i++) {
        struct http_req r;
        run_query(&r, "q", good[i], strlen(good[i]));
        cr_assert_eq(r.status, 200, "case %d", i);
        cr_assert_str_eq(http_query(&r, "q"), good[i]);
        http_req_free(&r);
    }
}

/* The parameter name in the loc of the 422's item i. */
static const char *item_name(json_t *reply, size_t i)
{
    json_t *loc = json_object_get(json_array_get(json_object_get(reply, "detail"), i), "loc");
    return json_string_value(json_array_get(loc, 1));
}

Test(request, every_bad_query_value_is_listed_even_unlisted_parameters)
{
    struct http_req r;
    http_req_init(&r, &cfg, NULL, NULL);
    r.method = "GET";
    r.path = "/things";
    http_req_add_query_n(&r, "a", 1, "\xff", 1);
    http_req_add_query(&r, "b", "fine");
    http_req_add_query_n(&r, "c", 1, "x\0", 2);
    cr_assert_not(http_req_on_headers(&r, &rt));
    http_req_dispatch(&r);
    cr_assert_eq(r.status, 422);
    json_t *got = json_loads(r.reply_body, 0, NULL);
    cr_assert_eq(json_array_size(json_object_get(got, "detail")), 2, "got %s", r.reply_body);
    cr_assert_str_eq(item_name(got, 0), "a");
    cr_assert_str_eq(item_name(got, 1), "c");
    json_decref(got);
    http_req_free(&r);
}

Test(request, query_name_not_text_is_ignored)
{
    struct http_req r;
    http_req_init(&r, &cfg, NULL, NULL);
    r.method = "GET";
    r.path = "/things";
    cr_assert(http_req_add_query_n(&r, "\xff", 1, "1", 1));
    cr_assert(http_req_add_query_n(&r, "q\0x", 3, "1", 1));
    cr_assert_eq(r.nquery, 0);
    cr_assert_null(http_query(&r, "q"), "\"q\\0x\" is not \"q\"");
    cr_assert_not(http_req_on_headers(&r, &rt));
    http_req_dispatch(&r);
    cr_assert_eq(r.status, 200);
    http_req_free(&r);
}

Test(request, query_parameter_without_value_is_empty)
{
    struct http_req r;
    http_req_init(&r, &cfg, NULL, NULL);
    cr_assert(http_req_add_query_n(&r, "flag", 4, NULL, 0));
    cr_assert_str_eq(http_query(&r, "flag"), "");
    http_req_free(&r);
}

/* A path no route knows but an embedded file has (http/static.h): nothing is queued from the
 * headers (the connection stays open), and the file answers a GET once the request is
 * complete, borrowed, not copied; other methods get 405 from the headers. */
Test(request, unrouted_embedded_file_is_served_after_the_body)
{
    struct http_req r;

    http_req_init(&r, &cfg, NULL, NULL);
    r.method = "GET";
    r.path = "/docs/NOTICE";
    cr_assert_not(http_req_on_headers(&r, &rt));
    cr_assert_not(r.replied);
    http_req_dispatch(&r);
    cr_assert_eq(r.status, 200);
    cr_assert_null(r.reply_body);
    cr_assert_not_null(r.reply_static);
    cr_assert_str_eq(r.content_type, "text/plain; charset=utf-8");
    http_req_free(&r);

    struct http_req p;
    run(&p, "DELETE", "/docs/NOTICE", NULL, NULL, 0);
    cr_assert_eq(p.status, 405);
    cr_assert_str_eq(reply_header(&p, "Allow"), "GET");
    http_req_free(&p);

    struct http_req n;
    run(&n, "GET", "/docs/NOTICE.txt", NULL, NULL, 0);
    cr_assert_eq(n.status, 404);
    assert_body(&n, "{\"detail\":\"Not Found\"}");
    http_req_free(&n);
}

/* A request without a server serves the web app it is given (the request fuzz harness's seam):
 * a client route gets index.html, a coding the client accepts its sibling, and without one
 * the app's paths are unknown. */
Test(request, web_app_of_the_request_answers_its_paths)
{
    char root[] = "/tmp/ts-request-webapp.XXXXXX", path[128], rm[160];
    const char *files[][2] = {{"index.html", "<!doctype html>"}, {"a.js", "A"}, {"a.js.br", "B"}};

    cr_assert_not_null(mkdtemp(root));
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", root, files[i][0]);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs(files[i][1], f);
        fclose(f);
    }
    struct http_webapp *w = http_webapp_load(root);
    cr_assert_not_null(w);

    struct http_req r;
    http_req_init(&r, &cfg, NULL, NULL);
    cr_assert_null(r.webapp);
    r.webapp = w;
    r.method = "GET";
    r.path = "/app/some/route";
    cr_assert_not(http_req_on_headers(&r, &rt));
    http_req_dispatch(&r);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.reply_len, strlen("<!doctype html>"));
    http_req_free(&r);

    http_req_init(&r, &cfg, NULL, NULL);
    r.webapp = w;
    r.method = "GET";
    r.path = "/app/a.js";
    http_req_add_header(&r, "Accept-Encoding", "gzip, br;q=0.5");
    cr_assert_not(http_req_on_headers(&r, &rt));
    http_req_dispatch(&r);
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.reply_len, 1);
    cr_assert_eq(r.reply_static[0], 'B');
    cr_assert_str_eq(reply_header(&r, "Content-Encoding"), "br");
    http_req_free(&r);

    struct http_req n;
    run(&n, "GET", "/app/some/route", NULL, NULL, 0);
    cr_assert_eq(n.status, 404);
    http_req_free(&n);
    http_webapp_free(w);
    snprintf(rm, sizeof(rm), "rm -rf '%s'", root);
    cr_assert_eq(system(rm), 0);
}
