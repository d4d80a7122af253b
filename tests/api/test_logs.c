/*
 * Log lines of API.md §1.9 as a log platform reads them: the access line of a request with and
 * without a W3C traceparent, "severity" beside "level", and Cloud Logging's trace fields when
 * GOOGLE_CLOUD_PROJECT is set. (test_http.c checks the access line's request fields.)
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/accounts.h"
#include "support/server.h"
#include "support/sse.h"

static struct ts_server srv;

static void start(void)
{
    static const char *const env[] = {"GOOGLE_CLOUD_PROJECT=trainsmart-test-1", NULL};
    ts_server_start(&srv, env);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0, "the server must exit 0 on SIGTERM");
}

TestSuite(logs, .init = start, .fini = stop, .timeout = 60);

/* Sends GET `path` with X-Request-ID `rid` (plus `extra`, a header line or NULL), expects
 * `status`, and returns the server's access line for it, parsed. */
static json_t *access_line(const char *path, const char *rid, const char *extra, int status)
{
    char rid_header[160];
    snprintf(rid_header, sizeof(rid_header), "X-Request-ID: %s", rid);
    const char *const h[] = {rid_header, extra, NULL};
    struct ts_resp r;
    ts_http(&srv, "GET", path, h, NULL, &r);
    cr_assert_eq(r.status, status, "%s: %ld %s", path, r.status, r.body);
    ts_resp_free(&r);
    return ts_access_line(&srv, rid);
}

static const char *str(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

Test(logs, traced_request_carries_the_trace_fields)
{
    json_t *j =
        access_line("/healthz", "trace-1",
                    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", 200);
    cr_assert_str_eq(str(j, "level"), "info");
    cr_assert_str_eq(str(j, "severity"), "INFO");
    cr_assert_str_eq(str(j, "trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
    cr_assert_str_eq(str(j, "logging.googleapis.com/trace"),
                     "projects/trainsmart-test-1/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    cr_assert_str_eq(str(j, "logging.googleapis.com/spanId"), "00f067aa0ba902b7");
    cr_assert(json_is_true(json_object_get(j, "logging.googleapis.com/trace_sampled")));
    cr_assert_str_eq(str(j, "route"), "/healthz");
    json_decref(j);
}

Test(logs, unsampled_flag_is_reported)
{
    json_t *j =
        access_line("/healthz", "trace-2",
                    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", 200);
    cr_assert(json_is_false(json_object_get(j, "logging.googleapis.com/trace_sampled")));
    json_decref(j);
}

Test(logs, request_without_traceparent_has_no_trace_fields)
{
    json_t *j = access_line("/nope", "trace-3", NULL, 404);
    cr_assert_str_eq(str(j, "route"), "unmatched");
    cr_assert_str_eq(str(j, "severity"), "INFO");
    cr_assert_null(json_object_get(j, "trace_id"));
    cr_assert_null(json_object_get(j, "logging.googleapis.com/trace"));
    cr_assert_null(json_object_get(j, "logging.googleapis.com/spanId"));
    json_decref(j);
}

/* The access line labels a request like the metrics do: the path's template also when the
 * method is not allowed, the set's label for an embedded file, never the raw path. */
Test(logs, access_line_route_is_the_template_or_the_set_label)
{
    char rid_header[] = "X-Request-ID: route-405";
    const char *const h[] = {rid_header, NULL};
    struct ts_resp r;
    ts_http(&srv, "DELETE", "/healthz", h, NULL, &r);
    cr_assert_eq(r.status, 405);
    ts_resp_free(&r);
    json_t *j = ts_access_line(&srv, "route-405");
    cr_assert_str_eq(str(j, "route"), "/healthz");
    cr_assert_eq(json_integer_value(json_object_get(j, "status")), 405);
    json_decref(j);
    j = access_line("/docs/swagger-ui.css", "route-file", NULL, 200);
    cr_assert_str_eq(str(j, "route"), "/docs/{file}");
    json_decref(j);
    j = access_line("/docs/missing.css", "route-missing", NULL, 404);
    cr_assert_str_eq(str(j, "route"), "unmatched");
    json_decref(j);
}

/* A line a handler writes on its thread carries the request's id and trace fields too: here
 * the error about a stored notification whose data is not a JSON object (written straight
 * into the database), logged while the list renders it. */
Test(logs, handler_lines_carry_the_request_and_trace_fields)
{
    struct ts_user u;
    ts_learner(&srv, &u);
    cr_assert_gt(ts_sse_notify(&srv, u.id), 0);
    char sql[256];
    snprintf(sql, sizeof(sql), "UPDATE notifications SET data = '[1]' WHERE user_id = '%s'", u.id);
    ts_sql(&srv, sql);

    static const char *const h[] = {
        "X-Request-ID: handler-line-1",
        "traceparent: 00-11112222333344445555666677778888-aaaabbbbccccdddd-01", NULL};
    char auth[200];
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", u.token);
    const char *const headers[] = {h[0], h[1], auth, NULL};
    struct ts_resp r;
    ts_http(&srv, "GET", "/api/v1/notifications", headers, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    json_decref(ts_access_line(&srv, "handler-line-1")); /* written after the handler's lines */

    char *log = ts_server_log(&srv);
    char *p = strstr(log, "stored data is not a JSON object");
    cr_assert_not_null(p, "no handler line in the log");
    while (p > log && p[-1] != '\n')
        p--;
    json_t *j = json_loadb(p, strcspn(p, "\n"), 0, NULL);
    cr_assert_not_null(j);
    cr_assert_str_eq(str(j, "severity"), "ERROR");
    cr_assert_str_eq(str(j, "module"), "notifications");
    cr_assert_str_eq(str(j, "request_id"), "handler-line-1");
    cr_assert_str_eq(str(j, "trace_id"), "11112222333344445555666677778888");
    cr_assert_str_eq(str(j, "logging.googleapis.com/trace"),
                     "projects/trainsmart-test-1/traces/11112222333344445555666677778888");
    cr_assert_str_eq(str(j, "logging.googleapis.com/spanId"), "aaaabbbbccccdddd");
    json_decref(j);
    free(log);
}

Test(logs, invalid_traceparent_is_served_and_not_logged)
{
    json_t *j =
        access_line("/healthz", "trace-4",
                    "traceparent: 00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", 200);
    cr_assert_null(json_object_get(j, "trace_id"));
    cr_assert_null(json_object_get(j, "logging.googleapis.com/trace"));
    json_decref(j);
}

Test(logs, server_lines_outside_requests_carry_severity_and_no_request)
{
    char *log = ts_server_log(&srv);
    char *first_end = strchr(log, '\n');
    cr_assert_not_null(first_end, "the server logged nothing at start");
    *first_end = '\0';
    json_t *j = json_loads(log, 0, NULL);
    cr_assert_not_null(j, "not JSON: %s", log);
    cr_assert_not_null(str(j, "severity"));
    cr_assert_not_null(str(j, "module"));
    cr_assert_null(json_object_get(j, "request_id"));
    json_decref(j);
    free(log);
}

Test(logs, invalid_project_is_a_configuration_error)
{
    static const char *const args[] = {"version", NULL};
    static const char *const env[] = {"GOOGLE_CLOUD_PROJECT=Not A Project", NULL};
    char *out = NULL, *err = NULL;
    cr_assert_eq(ts_run_cli(args, env, &out, &err), 2);
    cr_assert_not_null(strstr(err, "GOOGLE_CLOUD_PROJECT"), "stderr: %s", err);
    free(out);
    free(err);
}
