/*
 * GET /metrics (API.md §14): every series moves as requests are made, the exposition is
 * well-formed Prometheus text at every scrape (support/prom.h), also under load, and
 * METRICS_TOKEN guards it when set.
 *
 * A request is counted when the server reports it complete, which can be an instant after the
 * client has read the reply; so a test that expects a count scrapes until the count is there
 * (bounded) and then asserts it is exactly the expected one. The tests count /readyz, which the
 * harness does not call (it waits for /healthz at start).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support/accounts.h"
#include "support/modules.h"
#include "support/prom.h"
#include "support/sse.h"
#include "support/tcp_peer.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define REQS "trainsmart_http_requests_total"
#define DUR "trainsmart_http_request_duration_seconds"
#define MODULE_TEMPLATE "/api/v1/modules/{module_id}"
#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static struct ts_server srv;
static struct ts_peer *peer;

static void stop_all(void)
{
    if (srv.pid > 0 || srv.dir[0] != '\0')
        ts_server_stop(&srv);
    ts_peer_stop(peer);
    peer = NULL;
}

TestSuite(metrics, .fini = stop_all, .timeout = 120);

static void start(const char *const *env)
{
    ts_server_start(&srv, env);
}

/* GET /metrics with optional header lines; asserts 200, the exact Content-Type and a
 * well-formed exposition. Caller frees. */
static struct ts_prom *scrape_with(const char *const *headers)
{
    struct ts_resp r;
    char err[256];

    ts_http(&srv, "GET", "/metrics", headers, NULL, &r);
    cr_assert_eq(r.status, 200, "/metrics: %ld %s", r.status, r.body);
    cr_assert_str_eq(ts_header(&r, "Content-Type"), CONTENT_TYPE);
    struct ts_prom *p = ts_prom_parse(r.body, err, sizeof(err));
    cr_assert_not_null(p, "%s in:\n%s", err, r.body);
    ts_resp_free(&r);
    return p;
}

static struct ts_prom *scrape(void)
{
    return scrape_with(NULL);
}

static double value_now(const char *name, const char *const *labels)
{
    struct ts_prom *p = scrape();
    double v = ts_prom_value(p, name, labels);
    ts_prom_free(p);
    return v;
}

/* Scrapes until series `name{labels}` is `want` (at most 5 s; a gauge may also have to come
 * down to it), then asserts it is exactly `want`. */
static void expect_value_with(const char *const *headers, const char *name,
                              const char *const *labels, double want)
{
    long long deadline = ts_mono_ms() + 5000;
    double v;

    for (;;) {
        struct ts_prom *p = scrape_with(headers);
        v = ts_prom_value(p, name, labels);
        ts_prom_free(p);
        if (v == want || ts_mono_ms() >= deadline)
            break;
        usleep(20 * 1000);
    }
    cr_assert_eq(v, want, "%s: %g, expected %g", name, v, want);
}

static void expect_value(const char *name, const char *const *labels, double want)
{
    expect_value_with(NULL, name, labels, want);
}

static long get(const char *method, const char *path, const struct ts_user *u)
{
    return ts_status_as(&srv, u, method, path, NULL);
}

Test(metrics, known_route_counts_method_template_and_status_and_its_histogram)
{
    struct ts_user learner;

    start(NULL);
    ts_learner(&srv, &learner);
    cr_assert_eq(get("GET", "/readyz", NULL), 200);
    cr_assert_eq(get("GET", "/readyz", NULL), 200);
    /* A 404 of a handler (no such module) is labelled with the route's template. */
    cr_assert_eq(get("GET", "/api/v1/modules/6f1c9a3e-3f7e-4d7b-9b1e-0c2d4e6f8a10", &learner), 404);
    cr_assert_eq(get("GET", "/api/v1/users/me", &learner), 200);
    expect_value(REQS, L("method", "GET", "route", "/readyz", "status", "200"), 2);
    expect_value(DUR "_count", L("method", "GET", "route", "/readyz"), 2);
    expect_value(REQS, L("method", "GET", "route", MODULE_TEMPLATE, "status", "404"), 1);
    expect_value(REQS, L("method", "GET", "route", "/api/v1/users/me", "status", "200"), 1);
    expect_value(REQS, L("method", "POST", "route", "/api/v1/auth/register", "status", "201"), 1);
    expect_value(REQS, L("method", "POST", "route", "/api/v1/auth/login", "status", "200"), 1);
    /* No other status of those routes was counted. */
    struct ts_prom *p = scrape();
    for (int i = 0; i < p->nsamples; i++) {
        const struct ts_prom_sample *s = &p->samples[i];
        const char *route = ts_prom_label(s, "route");
        if (strcmp(s->name, REQS) != 0 || strcmp(route, "/readyz") != 0)
            continue;
        cr_assert_str_eq(ts_prom_label(s, "status"), "200");
        cr_assert_str_eq(ts_prom_label(s, "method"), "GET");
    }
    /* Earlier scrapes are counted under their own route. */
    cr_assert_geq(ts_prom_value(p, REQS, L("method", "GET", "route", "/metrics", "status", "200")),
                  1);
    ts_prom_free(p);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

Test(metrics, routing_404_is_unmatched_and_405_keeps_the_template)
{
    start(NULL);
    cr_assert_eq(get("GET", "/nope", NULL), 404);
    cr_assert_eq(get("GET", "/api/v1/modules/", NULL), 404); /* trailing slash */
    cr_assert_eq(get("DELETE", "/readyz", NULL), 405);
    cr_assert_eq(get("BREW", "/readyz", NULL), 405); /* a method outside the fixed list */
    cr_assert_eq(get("BREW", "/nope", NULL), 404);
    expect_value(REQS, L("method", "GET", "route", "unmatched", "status", "404"), 2);
    expect_value(REQS, L("method", "DELETE", "route", "/readyz", "status", "405"), 1);
    expect_value(REQS, L("method", "other", "route", "/readyz", "status", "405"), 1);
    expect_value(REQS, L("method", "other", "route", "unmatched", "status", "404"), 1);
    expect_value(DUR "_count", L("method", "GET", "route", "unmatched"), 2);
    struct ts_prom *p = scrape();
    for (int i = 0; i < p->nsamples; i++) /* the raw path never becomes a label */
        if (ts_prom_label(&p->samples[i], "route") != NULL)
            cr_assert(strstr(ts_prom_label(&p->samples[i], "route"), "nope") == NULL);
    ts_prom_free(p);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

Test(metrics, embedded_files_count_under_their_set_label)
{
    start(NULL);
    cr_assert_eq(get("GET", "/docs/swagger-ui.css", NULL), 200);
    cr_assert_eq(get("GET", "/docs/swagger-initializer.js", NULL), 200);
    cr_assert_eq(get("POST", "/docs/swagger-ui.css", NULL), 405);
    cr_assert_eq(get("GET", "/docs/missing.js", NULL), 404);
    cr_assert_eq(get("GET", "/docs", NULL), 200);
    /* A revalidation is a 304 of its own, not "other". */
    struct ts_resp r;
    ts_http(&srv, "GET", "/docs/swagger-ui.css", NULL, NULL, &r);
    char inm[128];
    snprintf(inm, sizeof(inm), "If-None-Match: %s", ts_header(&r, "ETag"));
    ts_resp_free(&r);
    const char *const h[] = {inm, NULL};
    ts_http(&srv, "GET", "/docs/swagger-ui.css", h, NULL, &r);
    cr_assert_eq(r.status, 304);
    ts_resp_free(&r);
    expect_value(REQS, L("method", "GET", "route", "/docs/{file}", "status", "304"), 1);
    expect_value(REQS, L("method", "GET", "route", "/docs/{file}", "status", "200"), 3);
    expect_value(REQS, L("method", "POST", "route", "/docs/{file}", "status", "405"), 1);
    expect_value(REQS, L("method", "GET", "route", "unmatched", "status", "404"), 1);
    expect_value(REQS, L("method", "GET", "route", "/docs", "status", "200"), 1);
    expect_value(DUR "_count", L("method", "GET", "route", "/docs/{file}"), 4);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

Test(metrics, histogram_has_exactly_the_spec_buckets_in_order)
{
    static const char *const les[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                      "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};

    start(NULL);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(get("GET", "/readyz", NULL), 200);
    expect_value(DUR "_count", L("method", "GET", "route", "/readyz"), 3);
    struct ts_prom *p = scrape();
    cr_assert_str_eq(ts_prom_family(p, DUR)->type, "histogram");
    int k = 0;
    double prev = 0;
    for (int i = 0; i < p->nsamples; i++) {
        const struct ts_prom_sample *s = &p->samples[i];
        if (strcmp(s->name, DUR "_bucket") != 0 ||
            strcmp(ts_prom_label(s, "route"), "/readyz") != 0)
            continue;
        cr_assert_lt(k, 12, "more buckets than the spec's");
        cr_assert_str_eq(ts_prom_label(s, "le"), les[k]);
        cr_assert_geq(s->value, prev, "cumulative");
        prev = s->value;
        k++;
    }
    cr_assert_eq(k, 12);
    cr_assert_eq(prev, 3, "+Inf holds every request");
    double sum = -1;
    cr_assert(ts_prom_get(p, DUR "_sum", L("method", "GET", "route", "/readyz"), &sum));
    cr_assert(sum > 0 && sum < 30, "sum %g", sum);
    ts_prom_free(p);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

Test(metrics, in_flight_pool_db_and_build_gauges)
{
    struct ts_user learner;

    start(NULL);
    ts_learner(&srv, &learner); /* uses the database */
    struct ts_prom *p = scrape();
    /* The scrape itself is in flight while it renders. */
    cr_assert_geq(ts_prom_value(p, "trainsmart_http_requests_in_flight", NULL), 1);
    cr_assert_eq(ts_prom_value(p, "trainsmart_db_pool_max", NULL), 4); /* the harness's size */
    double idle = ts_prom_value(p, "trainsmart_db_pool_connections", L("state", "idle"));
    double in_use = ts_prom_value(p, "trainsmart_db_pool_connections", L("state", "in_use"));
    cr_assert(idle >= 0 && in_use >= 0 && idle + in_use <= 4, "idle %g in_use %g", idle, in_use);
    cr_assert_geq(idle + in_use, 1, "a connection was opened and kept");
    cr_assert_eq(ts_prom_value(p, "trainsmart_db_pool_waiting", NULL), 0);
    cr_assert_eq(ts_prom_value(p, "trainsmart_db_up", NULL), 1);
    cr_assert_eq(ts_prom_value(p, "trainsmart_sse_streams", NULL), 0);
    double v = 0;
    cr_assert(ts_prom_get(p, "trainsmart_build_info", L("version", "1.0.0"), &v));
    cr_assert_eq(v, 1);
    ts_prom_free(p);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

Test(metrics, sse_streams_counts_open_streams_not_in_flight)
{
    static const char *const env[] = {"SSE_HEARTBEAT_SECONDS=1", NULL};
    struct ts_user learner;
    struct ts_sse c;

    start(env);
    ts_learner(&srv, &learner);
    const char *h[] = {learner.auth, NULL};
    cr_assert_eq(ts_sse_open(&c, &srv, "/api/v1/notifications/stream", h, 5000), 200);
    expect_value("trainsmart_sse_streams", NULL, 1);
    /* Counted once it opened, although it is still open. */
    expect_value(REQS, L("method", "GET", "route", "/api/v1/notifications/stream", "status", "200"),
                 1);
    /* Only the scrape is in flight: an open stream is not (an earlier scrape may take an
     * instant to complete). */
    expect_value("trainsmart_http_requests_in_flight", NULL, 1);
    ts_sse_close(&c);
    long long deadline = ts_mono_ms() + 10000;
    double v;
    while ((v = value_now("trainsmart_sse_streams", NULL)) != 0 && ts_mono_ms() < deadline)
        usleep(100 * 1000);
    cr_assert_eq(v, 0, "the closed stream is still counted");
    cr_assert_eq(ts_server_stop(&srv), 0);
}

Test(metrics, notifications_count_what_was_committed_by_type)
{
    struct ts_user admin, author, learner;
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], body[256];
    struct ts_resp r;

    start(NULL);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_learner(&srv, &learner);
    ts_linear_module(&srv, &author, mid, qid);
    struct ts_prom *p = scrape();
    for (const char *const *t =
             (const char *const[]){"module_assigned", "assignment_due_soon", "module_published",
                                   "feedback_received", NULL};
         *t != NULL; t++) { /* every type is listed from the start */
        double v = -1;
        cr_assert(ts_prom_get(p, "trainsmart_notifications_created_total", L("type", *t), &v), "%s",
                  *t);
    }
    double before =
        ts_prom_value(p, "trainsmart_notifications_created_total", L("type", "module_assigned"));
    ts_prom_free(p);
    snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\"}", mid, learner.id);
    ts_as(&srv, &author, "POST", "/api/v1/assignments", body, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    ts_resp_free(&r);
    /* A second one is a 409: nothing committed, nothing counted. */
    ts_as(&srv, &author, "POST", "/api/v1/assignments", body, &r);
    cr_assert_eq(r.status, 409, "%s", r.body);
    ts_resp_free(&r);
    cr_assert_eq(ts_count_notifications(&srv, &learner, "module_assigned"), 1);
    cr_assert_eq(value_now("trainsmart_notifications_created_total", L("type", "module_assigned")),
                 before + 1);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

Test(metrics, token_is_required_when_set)
{
    static const char *const env[] = {"METRICS_TOKEN=s3cret-metrics", NULL};
    struct ts_resp r;

    start(env);
    ts_http(&srv, "GET", "/metrics", NULL, NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Not authenticated\"}");
    cr_assert_str_eq(ts_header(&r, "WWW-Authenticate"), "Bearer");
    ts_resp_free(&r);
    static const char *const wrong[][2] = {{"Authorization: Bearer s3cret-metricz", NULL},
                                           {"Authorization: Bearer s3cret", NULL},
                                           {"Authorization: Bearer s3cret-metrics-and-more", NULL}};
    for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
        ts_http(&srv, "GET", "/metrics", wrong[i], NULL, &r);
        cr_assert_eq(r.status, 401, "%s", wrong[i][0]);
        ts_assert_json(&r, "{\"detail\":\"Could not validate credentials\"}");
        cr_assert_str_eq(ts_header(&r, "WWW-Authenticate"), "Bearer");
        ts_resp_free(&r);
    }
    struct ts_prom *p = scrape_with(L("Authorization: Bearer s3cret-metrics"));
    cr_assert_not_null(ts_prom_family(p, REQS));
    ts_prom_free(p);
    /* The scheme in any case; the refusals were counted too. */
    expect_value_with(L("Authorization: bearer s3cret-metrics"), REQS,
                      L("method", "GET", "route", "/metrics", "status", "401"), 4);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

/* --- under load ------------------------------------------------------------------------- */

struct load {
    const struct ts_user *u;
    volatile int stop;
};

static void *load_main(void *arg)
{
    struct load *l = arg;
    while (!l->stop) {
        get("GET", "/api/v1/users/me", l->u);
        get("GET", "/nope", NULL);
    }
    return NULL;
}

Test(metrics, every_scrape_under_load_is_well_formed_and_counters_only_grow)
{
    struct ts_user learner;
    pthread_t t[3];
    struct load l = {.u = &learner, .stop = 0};

    start(NULL);
    ts_learner(&srv, &learner);
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, load_main, &l);
    double prev_me = 0, prev_unmatched = 0;
    /* Twenty scrapes, and more until the load's first request has been counted: on a busy
     * machine the scrapes can all come before it. */
    int64_t deadline = ts_mono_ms() + 20000;
    for (int i = 0; i < 20 || (prev_me == 0 && ts_mono_ms() < deadline); i++) {
        struct ts_prom *p = scrape(); /* asserts it parses */
        double me = ts_prom_value(p, REQS,
                                  L("method", "GET", "route", "/api/v1/users/me", "status", "200"));
        double un =
            ts_prom_value(p, REQS, L("method", "GET", "route", "unmatched", "status", "404"));
        cr_assert_geq(me, prev_me);
        cr_assert_geq(un, prev_unmatched);
        prev_me = me;
        prev_unmatched = un;
        ts_prom_free(p);
    }
    l.stop = 1;
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    cr_assert_gt(prev_me, 0);
    cr_assert_eq(ts_server_stop(&srv), 0);
}

/* --- database up or down (PostgreSQL behind a relay the test silences) ------------------- */

Test(metrics, db_up_falls_when_the_database_stops_answering_and_comes_back)
{
    static const char *const env[] = {"DB_TIMEOUT_MS=1000", NULL};
    struct ts_user learner;

    if (!ts_backend_is_pg())
        cr_skip_test("a silent PostgreSQL host; SQLite is embedded");
    peer = ts_peer_start_pg(TS_PEER_FORWARD);
    ts_db_create(&srv);
    ts_peer_url(peer, srv.database_url, srv.database_url, sizeof(srv.database_url));
    ts_server_start_on(&srv, env);
    ts_learner(&srv, &learner);
    cr_assert_eq(value_now("trainsmart_db_up", NULL), 1);
    ts_peer_set_mode(peer, TS_PEER_SILENT);
    cr_assert_eq(get("GET", "/api/v1/users/me", &learner), 503);
    cr_assert_eq(value_now("trainsmart_db_up", NULL), 0);
    ts_peer_set_mode(peer, TS_PEER_FORWARD);
    long long deadline = ts_mono_ms() + 20000;
    while (get("GET", "/api/v1/users/me", &learner) != 200 && ts_mono_ms() < deadline)
        usleep(200 * 1000);
    cr_assert_eq(value_now("trainsmart_db_up", NULL), 1);
    cr_assert_eq(ts_server_stop(&srv), 0);
}
