/*
 * HTTP conventions of API.md §1.1, §1.2 (framing and size), §1.3, §1.9 and §1.10, checked
 * against the real server over HTTP and raw sockets.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "support/accounts.h"
#include "support/server.h"

static struct ts_server srv;

static void start_default(void)
{
    static const char *const env[] = {"CORS_ORIGINS=https://app.example.com", "MAX_BODY_BYTES=1024",
                                      NULL};
    ts_server_start(&srv, env);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0, "the server must exit 0 on SIGTERM");
}

TestSuite(http, .init = start_default, .fini = stop, .timeout = 60);

Test(http, unknown_path_is_404_with_detail)
{
    struct ts_resp r;
    ts_http(&srv, "GET", "/nope", NULL, NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_assert_json(&r, "{\"detail\":\"Not Found\"}");
    cr_assert_str_eq(ts_header(&r, "Content-Type"), "application/json");
    cr_assert_str_eq(ts_header(&r, "Cache-Control"), "no-store");
    ts_resp_free(&r);
}

Test(http, trailing_slash_is_404_never_a_redirect)
{
    struct ts_resp r;
    ts_http(&srv, "GET", "/healthz/", NULL, NULL, &r);
    cr_assert_eq(r.status, 404);
    cr_assert_null(ts_header(&r, "Location"));
    ts_assert_json(&r, "{\"detail\":\"Not Found\"}");
    ts_resp_free(&r);
}

Test(http, empty_segment_is_404)
{
    struct ts_resp r;
    ts_http(&srv, "GET", "//healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_resp_free(&r);
}

Test(http, paths_are_case_sensitive)
{
    struct ts_resp r;
    ts_http(&srv, "GET", "/HEALTHZ", NULL, NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_resp_free(&r);
}

Test(http, undefined_method_is_405_with_allow)
{
    struct ts_resp r;
    ts_http(&srv, "DELETE", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 405);
    ts_assert_json(&r, "{\"detail\":\"Method Not Allowed\"}");
    cr_assert_str_eq(ts_header(&r, "Allow"), "GET");
    ts_resp_free(&r);
}

Test(http, head_is_405)
{
    struct ts_resp r;
    ts_http(&srv, "HEAD", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 405);
    cr_assert_str_eq(ts_header(&r, "Allow"), "GET");
    ts_resp_free(&r);
}

Test(http, options_without_preflight_headers_is_routed)
{
    struct ts_resp r;
    ts_http(&srv, "OPTIONS", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 405);
    ts_resp_free(&r);
    ts_http(&srv, "OPTIONS", "/nope", NULL, NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_resp_free(&r);
}

Test(http, request_id_is_echoed_when_valid)
{
    static const char *const h[] = {"X-Request-ID: abc.DEF_1:2-3", NULL};
    struct ts_resp r;
    ts_http(&srv, "GET", "/healthz", h, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(ts_header(&r, "X-Request-ID"), "abc.DEF_1:2-3");
    ts_resp_free(&r);
}

static bool is_uuid_v4(const char *s)
{
    if (s == NULL || strlen(s) != 36 || s[14] != '4')
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : strchr("0123456789abcdef", s[i]) == NULL)
            return false;
    }
    return true;
}

Test(http, request_id_is_generated_when_absent_or_invalid)
{
    static const char *const bad[] = {"X-Request-ID: has space", NULL};
    struct ts_resp r;
    ts_http(&srv, "GET", "/healthz", NULL, NULL, &r);
    cr_assert(is_uuid_v4(ts_header(&r, "X-Request-ID")), "got %s", ts_header(&r, "X-Request-ID"));
    ts_resp_free(&r);
    ts_http(&srv, "GET", "/nope", bad, NULL, &r);
    cr_assert_eq(r.status, 404);
    cr_assert(is_uuid_v4(ts_header(&r, "X-Request-ID")));
    ts_resp_free(&r);
}

Test(http, access_log_is_one_json_line_with_request_fields)
{
    static const char *const h[] = {
        "X-Request-ID: log-check-1",
        "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "Authorization: Bearer secret-token-never-logged", NULL};
    struct ts_resp r;
    ts_http(&srv, "GET", "/healthz?access_token=also-secret", h, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    json_t *j = ts_access_line(&srv, "log-check-1");
    cr_assert_str_eq(json_string_value(json_object_get(j, "method")), "GET");
    cr_assert_str_eq(json_string_value(json_object_get(j, "route")), "/healthz");
    cr_assert_eq(json_integer_value(json_object_get(j, "status")), 200);
    cr_assert(json_is_integer(json_object_get(j, "duration_ms")));
    cr_assert(json_is_null(json_object_get(j, "user_id")));
    cr_assert_not_null(json_object_get(j, "ts"));
    cr_assert_str_eq(json_string_value(json_object_get(j, "level")), "info");
    cr_assert_str_eq(json_string_value(json_object_get(j, "severity")), "INFO");
    cr_assert_str_eq(json_string_value(json_object_get(j, "trace_id")),
                     "4bf92f3577b34da6a3ce929d0e0e4736");
    json_decref(j);
    char *log = ts_server_log(&srv);
    cr_assert_null(strstr(log, "secret"), "a secret reached the log");
    free(log);
}

Test(http, cors_preflight_from_allowed_origin_is_204)
{
    static const char *const h[] = {"Origin: https://app.example.com",
                                    "Access-Control-Request-Method: POST", NULL};
    struct ts_resp r;
    ts_http(&srv, "OPTIONS", "/api/v1/anything", h, NULL, &r);
    cr_assert_eq(r.status, 204);
    cr_assert_str_eq(r.body, "");
    cr_assert_str_eq(ts_header(&r, "Access-Control-Allow-Origin"), "https://app.example.com");
    cr_assert_str_eq(ts_header(&r, "Access-Control-Allow-Methods"),
                     "GET, POST, PUT, PATCH, DELETE");
    cr_assert_str_eq(ts_header(&r, "Access-Control-Allow-Headers"),
                     "Authorization, Content-Type, Idempotency-Key, X-Request-ID, Last-Event-ID");
    cr_assert_str_eq(ts_header(&r, "Access-Control-Max-Age"), "600");
    cr_assert_str_eq(ts_header(&r, "Vary"), "Origin");
    cr_assert_not_null(ts_header(&r, "X-Request-ID"));
    cr_assert_null(ts_header(&r, "Access-Control-Allow-Credentials"));
    ts_resp_free(&r);
}

Test(http, cors_preflight_from_other_origin_is_400)
{
    static const char *const h[] = {"Origin: https://evil.example.com",
                                    "Access-Control-Request-Method: GET", NULL};
    struct ts_resp r;
    ts_http(&srv, "OPTIONS", "/healthz", h, NULL, &r);
    cr_assert_eq(r.status, 400);
    ts_assert_json(&r, "{\"detail\":\"Disallowed CORS origin\"}");
    cr_assert_null(ts_header(&r, "Access-Control-Allow-Origin"));
    ts_resp_free(&r);
}

Test(http, actual_request_from_allowed_origin_gets_cors_headers)
{
    static const char *const ok[] = {"Origin: https://app.example.com", NULL};
    static const char *const other[] = {"Origin: https://evil.example.com", NULL};
    struct ts_resp r;
    ts_http(&srv, "GET", "/healthz", ok, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(ts_header(&r, "Access-Control-Allow-Origin"), "https://app.example.com");
    cr_assert_str_eq(ts_header(&r, "Vary"), "Origin");
    cr_assert_str_eq(ts_header(&r, "Access-Control-Expose-Headers"),
                     "X-Request-ID, Idempotent-Replayed, Retry-After");
    ts_resp_free(&r);
    ts_http(&srv, "GET", "/healthz", other, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_null(ts_header(&r, "Access-Control-Allow-Origin"));
    ts_resp_free(&r);
}

Test(http, content_length_over_limit_is_413_before_reading)
{
    const char req[] = "GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                       "Content-Length: 5000000\r\n\r\n{\"a\":";
    char *got = ts_raw(&srv, req, sizeof(req) - 1, 3000);
    cr_assert(strncmp(got, "HTTP/1.1 413", 12) == 0, "got %s", got);
    cr_assert_not_null(strstr(got, "{\"detail\":\"Request Entity Too Large\"}"));
    cr_assert_eq(ts_count(got, "HTTP/1.1 "), 1);
    free(got);
}

Test(http, chunked_body_over_limit_is_413)
{
    /* 3 chunks of 600 bytes: over MAX_BODY_BYTES=1024 only while reading. */
    char req[4096];
    char chunk[601];
    memset(chunk, 'x', 600);
    chunk[600] = '\0';
    int n = snprintf(req, sizeof(req),
                     "GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "258\r\n%s\r\n258\r\n%s\r\n258\r\n%s\r\n0\r\n\r\n",
                     chunk, chunk, chunk);
    char *got = ts_raw(&srv, req, (size_t)n, 3000);
    cr_assert(strncmp(got, "HTTP/1.1 413", 12) == 0, "got %.200s", got);
    cr_assert_eq(ts_count(got, "HTTP/1.1 "), 1);
    free(got);
}

/* The 413 must not wait for the end of the body: a client that never sends its last chunk
 * would otherwise hold the connection as long as it likes. */
Test(http, chunked_body_past_limit_is_413_and_closed_before_the_last_chunk)
{
    char chunk[601];
    memset(chunk, 'x', 600);
    chunk[600] = '\0';
    char req[4096];
    /* Two chunks of 600 bytes pass MAX_BODY_BYTES=1024; no terminating chunk follows. */
    int n = snprintf(req, sizeof(req),
                     "POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\nX-Request-ID: early-413\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "258\r\n%s\r\n258\r\n%s\r\n",
                     chunk, chunk);
    int fd = ts_connect(&srv);
    cr_assert(fd >= 0);
    /* Bounded wait: without the early reply the test fails instead of hanging. */
    struct timeval tv = {.tv_sec = 5};
    cr_assert_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
    cr_assert_eq(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
    char got[8192];
    size_t len = 0;
    ssize_t k = -1;
    while (len < sizeof(got) - 1 && (k = recv(fd, got + len, sizeof(got) - 1 - len, 0)) > 0)
        len += (size_t)k;
    int recv_errno = errno;
    got[len] = '\0';
    close(fd);
    cr_assert_eq(k, 0, "the server must close the connection (recv: %s); got %s",
                 k < 0 ? strerror(recv_errno) : "more data", got);
    cr_assert(strncmp(got, "HTTP/1.1 413 ", 13) == 0, "got %s", got);
    cr_assert_eq(ts_count(got, "HTTP/1.1 "), 1, "got %s", got);
    cr_assert_not_null(strstr(got, "\r\nConnection: close\r\n"), "got %s", got);
    cr_assert_not_null(strstr(got, "\r\nX-Request-ID: early-413\r\n"), "got %s", got);
    cr_assert_not_null(strstr(got, "\r\nContent-Type: application/json\r\n"), "got %s", got);
    cr_assert_not_null(strstr(got, "\r\nCache-Control: no-store\r\n"), "got %s", got);
    const char *body = strstr(got, "\r\n\r\n");
    cr_assert_not_null(body);
    cr_assert_str_eq(body + 4, "{\"detail\":\"Request Entity Too Large\"}");
    cr_assert_not_null(strstr(got, "\r\nContent-Length: 37\r\n"), "got %s", got);
    json_t *line = ts_access_line(&srv, "early-413");
    cr_assert_eq(json_integer_value(json_object_get(line, "status")), 413);
    cr_assert_str_eq(json_string_value(json_object_get(line, "route")), "/api/v1/auth/login");
    json_decref(line);
    /* The server goes on serving. */
    struct ts_resp r;
    ts_http(&srv, "GET", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
}

Test(http, chunked_body_under_limit_is_served)
{
    const char req[] = "GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                       "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    char *got = ts_raw(&srv, req, sizeof(req) - 1, 3000);
    cr_assert(strncmp(got, "HTTP/1.1 200", 12) == 0, "got %s", got);
    free(got);
}

/* Request smuggling guards: exactly one response, a 400, and the connection closed. */
static void assert_single_400(const char *req)
{
    char *got = ts_raw(&srv, req, strlen(req), 3000);
    cr_assert(strncmp(got, "HTTP/1.1 400", 12) == 0, "got %s", got);
    cr_assert_eq(ts_count(got, "HTTP/1.1 "), 1, "got %s", got);
    free(got);
}

Test(http, duplicate_content_length_is_400_and_one_response)
{
    assert_single_400("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n"
                      "Content-Length: 40\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
}

Test(http, content_length_with_transfer_encoding_is_400)
{
    assert_single_400("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\n"
                      "Host: t\r\n\r\n");
}

Test(http, unknown_transfer_coding_is_400)
{
    assert_single_400("GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n"
                      "0\r\n\r\n");
}

Test(http, gzip_transfer_coding_is_400)
{
    assert_single_400("GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                      "0\r\n\r\n");
}

Test(http, garbage_request_line_is_400_and_server_keeps_serving)
{
    /* libmicrohttpd answers a request line it cannot parse itself, before any handler runs;
     * the body is its own (docs/DECISIONS.md), the status is what a client can rely on. */
    char *got = ts_raw(&srv, "NOT HTTP AT ALL\r\n\r\n", 19, 3000);
    cr_assert(strncmp(got, "HTTP/1.1 400", 12) == 0, "got %s", got);
    cr_assert_eq(ts_count(got, "HTTP/1.1 "), 1, "got %s", got);
    cr_assert_not_null(strstr(got, "Connection: close"), "got %s", got);
    free(got);
    struct ts_resp r;
    ts_http(&srv, "GET", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
}

Test(http, keep_alive_serves_several_requests)
{
    const char req[] = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\n"
                       "Connection: close\r\n\r\n";
    char *got = ts_raw(&srv, req, sizeof(req) - 1, 3000);
    cr_assert_eq(ts_count(got, "HTTP/1.1 200"), 1, "got %s", got);
    cr_assert_eq(ts_count(got, "HTTP/1.1 404"), 1, "got %s", got);
    free(got);
}

/* CONNECTION_MEMORY_KB=16 (the default) bounds the request's headers: 12 KB of an ordinary
 * header are served, 24 KB get 431 and the connection closes, and the server goes on serving.
 * (Cookies, which libmicrohttpd copies to parse, are bounded at about half: README.) */
static void request_with_header_bytes(size_t n, char **got)
{
    size_t cap = n + 256;
    char *req = malloc(cap);
    int len =
        snprintf(req, cap, "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Pad: ");
    memset(req + len, 'a', n);
    len += (int)n;
    len += snprintf(req + len, cap - (size_t)len, "\r\n\r\n");
    *got = ts_raw(&srv, req, (size_t)len, 3000);
    free(req);
}

Test(http, request_headers_of_12kb_are_served_24kb_are_431)
{
    char *got;

    request_with_header_bytes(12000, &got);
    cr_assert(strncmp(got, "HTTP/1.1 200", 12) == 0, "12,000 header bytes: %.80s", got);
    free(got);
    request_with_header_bytes(24000, &got);
    cr_assert(strncmp(got, "HTTP/1.1 431", 12) == 0, "24,000 header bytes: %.80s", got);
    free(got);
    request_with_header_bytes(100, &got);
    cr_assert(strncmp(got, "HTTP/1.1 200", 12) == 0, "still serving: %.80s", got);
    free(got);
}

/* Field values lose surrounding spaces and tabs (RFC 9110 §5.5) before any header is read.
 * Sent over a raw socket, so the bytes on the wire are certain whatever libcurl does. */
Test(http, bearer_token_with_trailing_whitespace_is_accepted)
{
    static const char *const tails[] = {" ", "\t", " \t ", NULL};
    struct ts_user u;
    ts_learner(&srv, &u);
    for (int i = 0; tails[i] != NULL; i++) {
        char req[512];
        snprintf(req, sizeof(req),
                 "GET /api/v1/users/me HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                 "Authorization: Bearer %s%s\r\nX-Request-ID: ws-%d \t\r\n\r\n",
                 u.token, tails[i], i);
        char *got = ts_raw(&srv, req, strlen(req), 3000);
        cr_assert(strncmp(got, "HTTP/1.1 200", 12) == 0, "tail %d: got %s", i, got);
        char rid[64];
        snprintf(rid, sizeof(rid), "\r\nX-Request-ID: ws-%d\r\n", i);
        cr_assert_not_null(strstr(got, rid), "the request id is echoed trimmed: %s", got);
        free(got);
    }
}

/* libmicrohttpd frames the body from the untrimmed value, where "chunked " is not chunked: the
 * framing guard must keep refusing it, or the body would be read until the connection closes. */
Test(http, transfer_coding_with_trailing_space_stays_400)
{
    assert_single_400("POST /api/v1/auth/login HTTP/1.1\r\nHost: t\r\n"
                      "Transfer-Encoding: chunked \r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\n"
                      "Host: t\r\n\r\n");
}

/* --- strings that are not text (invalid UTF-8, NUL) ----------------------------------------- */

Test(http, query_value_not_utf8_is_422_string_unicode)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    ts_as(&srv, &u, "GET", "/api/v1/modules?q=%ff%fe", NULL, &r);
    cr_assert_eq(r.status, 422, "got %ld %s", r.status, r.body);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"query\",\"q\"],\"msg\":\"Input should be a "
                       "valid string, unable to parse raw data as a unicode string\","
                       "\"type\":\"string_unicode\"}]}");
    ts_resp_free(&r);
    /* A lone surrogate (CESU-8) is not UTF-8 either. */
    ts_as(&srv, &u, "GET", "/api/v1/modules?q=%ed%a0%80", NULL, &r);
    cr_assert_eq(r.status, 422, "got %ld %s", r.status, r.body);
    cr_assert(ts_has_error(&r, "[\"query\",\"q\"]", "string_unicode"));
    ts_resp_free(&r);
}

Test(http, query_value_with_nul_is_422)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    ts_as(&srv, &u, "GET", "/api/v1/modules?q=a%00b", NULL, &r);
    cr_assert_eq(r.status, 422, "got %ld %s", r.status, r.body);
    cr_assert(ts_has_error(&r, "[\"query\",\"q\"]", "string_unicode"), "got %s", r.body);
    ts_resp_free(&r);
}

Test(http, query_value_in_utf8_is_served)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    ts_as(&srv, &u, "GET", "/api/v1/modules?q=%C3%A9t%C3%A9%F0%9F%98%80", NULL, &r);
    cr_assert_eq(r.status, 200, "got %ld %s", r.status, r.body);
    ts_assert_json(&r, "{\"items\":[],\"next_cursor\":null}");
    ts_resp_free(&r);
}

Test(http, path_segment_not_utf8_is_422_uuid_parsing)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    ts_as(&srv, &u, "GET", "/api/v1/modules/%ff%fe", NULL, &r);
    cr_assert_eq(r.status, 422, "got %ld %s", r.status, r.body);
    cr_assert(ts_has_error(&r, "[\"path\",\"module_id\"]", "uuid_parsing"), "got %s", r.body);
    ts_resp_free(&r);
    ts_as(&srv, &u, "GET", "/api/v1/modules/%ff/screens", NULL, &r);
    cr_assert_eq(r.status, 422, "got %ld %s", r.status, r.body);
    ts_resp_free(&r);
}

Test(http, idempotency_key_not_utf8_is_422_pattern_mismatch)
{
    struct ts_user admin;
    struct ts_resp r;
    ts_admin(&srv, &admin);
    const char *h[] = {admin.auth, "Content-Type: application/json", "Idempotency-Key: k\xff\xfe",
                       NULL};
    ts_http(&srv, "POST", "/api/v1/modules", h, "{\"title\":\"T\",\"flow_type\":\"linear\"}", &r);
    cr_assert_eq(r.status, 422, "got %ld %s", r.status, r.body);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"header\",\"idempotency-key\"],"
                       "\"msg\":\"String should match pattern '^[!-~]{1,255}$'\","
                       "\"type\":\"string_pattern_mismatch\"}]}");
    ts_resp_free(&r);
}

Test(http, other_headers_not_utf8_are_never_a_5xx)
{
    static const char *const token[] = {"Authorization: Bearer tsk_\xff\xfe", NULL};
    static const char *const rid[] = {"X-Request-ID: id-\xff", NULL};
    struct ts_resp r;
    ts_http(&srv, "GET", "/api/v1/users/me", token, NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Could not validate credentials\"}");
    ts_resp_free(&r);
    ts_http(&srv, "GET", "/healthz", rid, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert(is_uuid_v4(ts_header(&r, "X-Request-ID")), "an invalid id is replaced");
    ts_resp_free(&r);
}

/* A client that stops sending in the middle of its request is disconnected after
 * REQUEST_TIMEOUT_SECONDS, and meanwhile other clients are served. */
Test(http_slow, stalled_client_is_closed_and_does_not_block_others, .timeout = 60)
{
    static const char *const env[] = {"REQUEST_TIMEOUT_SECONDS=1", "IO_THREADS=1", NULL};
    struct ts_server s;
    struct ts_resp r;

    ts_server_start(&s, env);
    int stalled = ts_connect(&s);
    cr_assert(stalled >= 0);
    /* Half a request line on the only I/O thread. */
    char *first = ts_exchange(stalled, "GET /heal", 200);
    cr_assert_str_eq(first, "");
    free(first);
    ts_http(&s, "GET", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "another client is served while one stalls");
    ts_resp_free(&r);
    /* Nothing more is sent: the server closes the connection (recv sees the end). */
    char *rest = ts_exchange(stalled, "", 5000);
    cr_assert_str_eq(rest, "");
    char probe;
    cr_assert_eq(recv(stalled, &probe, 1, MSG_DONTWAIT), 0, "the connection was closed");
    free(rest);
    close(stalled);
    cr_assert_eq(ts_server_stop(&s), 0);
}

/* Handlers run on handler threads, not on the I/O thread that owns the connection: while one
 * request's handler is busy (a registration hashes its password for tens of milliseconds), a
 * request on another connection of the same, only I/O thread is answered. When handlers ran on
 * libmicrohttpd's threads, it waited for the registration to finish. */
Test(http_slow, busy_handler_does_not_delay_other_connections, .timeout = 60)
{
    static const char *const env[] = {"IO_THREADS=1", "WORKER_THREADS=2", NULL};
    static const char body[] = "{\"email\":\"busy@example.com\",\"password\":\"correct horse\","
                               "\"display_name\":\"Busy\"}";
    struct ts_server s;
    struct ts_resp r;
    char req[512];
    int n = snprintf(req, sizeof(req),
                     "POST /api/v1/auth/register HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     sizeof(body) - 1, body);

    ts_server_start(&s, env);
    int busy = ts_connect(&s);
    cr_assert(busy >= 0);
    cr_assert_eq(send(busy, req, (size_t)n, MSG_NOSIGNAL), n);
    ts_http(&s, "GET", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    char probe;
    ssize_t k = recv(busy, &probe, 1, MSG_DONTWAIT | MSG_PEEK);
    cr_assert(k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK),
              "/healthz is answered while the registration still runs");
    char *got = ts_exchange(busy, "", 10000);
    cr_assert(strncmp(got, "HTTP/1.1 201", 12) == 0, "%s", got);
    free(got);
    close(busy);
    cr_assert_eq(ts_server_stop(&s), 0);
}
