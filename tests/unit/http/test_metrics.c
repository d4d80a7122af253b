/* The metrics registry and its exposition (API.md §14), without a server. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "http/metrics.h"
#include "model/notification.h"
#include "support/prom.h"

static int h(struct http_req *r)
{
    (void)r;
    return 0;
}

static const struct route table[] = {
    {"GET", "/api/v1/modules/{module_id}", h, ACCESS_ANY, 0, ""},
    {"PATCH", "/api/v1/modules/{module_id}", h, ACCESS_AUTHOR, ROUTE_BODY, ""},
    {"GET", "/healthz", h, ACCESS_PUBLIC, 0, ""},
    /* Not a pattern the router would take; it shows how label values are escaped. */
    {"GET", "/odd/a\\b\"c\nd", h, ACCESS_PUBLIC, 0, ""},
};
#define MODULE (&table[0])
#define MODULE_PATCH (&table[1])
#define HEALTHZ (&table[2])
#define ODD (&table[3])
#define MS 1000000ull

static void setup(void)
{
    http_metrics_init(table, sizeof(table) / sizeof(table[0]));
}

static void teardown(void)
{
    http_metrics_free();
}

TestSuite(metrics, .init = setup, .fini = teardown);

static const struct http_metrics_gauges gauges = {.pool_max = 4,
                                                  .pool_idle = 1,
                                                  .pool_in_use = 2,
                                                  .pool_waiting = 3,
                                                  .db_up = true,
                                                  .sse_streams = 5};

/* Renders and parses; asserts the text is well-formed. Caller frees both. */
static struct ts_prom *scrape(char **text)
{
    struct buf b;
    char err[256];

    buf_init(&b, SIZE_MAX);
    http_metrics_render(&b, &gauges);
    struct ts_prom *p = ts_prom_parse(b.data, err, sizeof(err));
    cr_assert_not_null(p, "%s in:\n%s", err, b.data);
    if (text != NULL)
        *text = buf_steal(&b, NULL);
    else
        buf_free(&b);
    return p;
}

static void request(const struct route *r, const char *method, int status, uint64_t ns)
{
    http_metrics_begin();
    http_metrics_end(r, NULL, method, status, ns, true);
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(metrics, escapes_backslash_quote_and_newline_in_label_values)
{
    struct buf b;

    buf_init(&b, SIZE_MAX);
    http_metrics_escape(&b, "plain/{x}");
    buf_puts(&b, "|");
    http_metrics_escape(&b, "a\\b\"c\nd");
    cr_assert_str_eq(b.data, "plain/{x}|a\\\\b\\\"c\\nd");
    buf_free(&b);
}

Test(metrics, escaped_route_reads_back_as_written)
{
    request(ODD, "GET", 200, MS);
    char *text;
    struct ts_prom *p = scrape(&text);
    cr_assert(strstr(text, "route=\"/odd/a\\\\b\\\"c\\nd\"") != NULL, "%s", text);
    cr_assert_eq(ts_prom_value(p, "trainsmart_http_requests_total",
                               L("method", "GET", "route", "/odd/a\\b\"c\nd", "status", "200")),
                 1);
    ts_prom_free(p);
    free(text);
}

Test(metrics, counts_by_method_route_template_and_status)
{
    request(MODULE, "GET", 200, MS);
    request(MODULE, "GET", 200, MS);
    request(MODULE, "GET", 404, MS);
    request(MODULE_PATCH, "PATCH", 422, MS);
    request(HEALTHZ, "DELETE", 405, MS); /* 405: the path's template, the request's method */
    request(NULL, "GET", 404, MS);       /* a routing 404 */
    struct ts_prom *p = scrape(NULL);
    const char *n = "trainsmart_http_requests_total";
    const char *mod = "/api/v1/modules/{module_id}";

    cr_assert_eq(ts_prom_value(p, n, L("method", "GET", "route", mod, "status", "200")), 2);
    cr_assert_eq(ts_prom_value(p, n, L("method", "GET", "route", mod, "status", "404")), 1);
    cr_assert_eq(ts_prom_value(p, n, L("method", "PATCH", "route", mod, "status", "422")), 1);
    cr_assert_eq(ts_prom_value(p, n, L("method", "DELETE", "route", "/healthz", "status", "405")),
                 1);
    cr_assert_eq(ts_prom_value(p, n, L("method", "GET", "route", "unmatched", "status", "404")), 1);
    int series = 0;
    for (int i = 0; i < p->nsamples; i++)
        series += strcmp(p->samples[i].name, n) == 0;
    cr_assert_eq(series, 5, "only the series that were counted are listed");
    cr_assert_str_eq(ts_prom_family(p, n)->type, "counter");
    ts_prom_free(p);
}

Test(metrics, odd_methods_and_statuses_map_to_fixed_labels)
{
    request(NULL, "BREW", 404, MS);
    request(NULL, "PROPFIND", 404, MS);
    request(HEALTHZ, "GET", 418, MS);
    struct ts_prom *p = scrape(NULL);
    const char *n = "trainsmart_http_requests_total";

    cr_assert_eq(ts_prom_value(p, n, L("method", "other", "route", "unmatched", "status", "404")),
                 2);
    cr_assert_eq(ts_prom_value(p, n, L("method", "GET", "route", "/healthz", "status", "other")),
                 1);
    ts_prom_free(p);
}

Test(metrics, histogram_has_the_spec_buckets_cumulative_with_sum_and_count)
{
    request(MODULE, "GET", 200, 3 * MS);           /* <= 0.005 */
    request(MODULE, "GET", 200, 5 * MS);           /* <= 0.005: le is inclusive */
    request(MODULE, "GET", 200, 7 * MS);           /* <= 0.01 */
    request(MODULE, "GET", 500, 300 * MS);         /* <= 0.5, another status, same series */
    request(MODULE, "GET", 200, 20000 * MS + 123); /* +Inf only */
    char *text;
    struct ts_prom *p = scrape(&text);
    const char *n = "trainsmart_http_request_duration_seconds_bucket";
    static const char *const les[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                      "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
    static const double want[] = {2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5};
    int k = 0;

    for (int i = 0; i < p->nsamples; i++) {
        const struct ts_prom_sample *s = &p->samples[i];
        if (strcmp(s->name, n) != 0)
            continue;
        cr_assert_lt(k, 12);
        cr_assert_str_eq(ts_prom_label(s, "le"), les[k], "bucket %d", k);
        cr_assert_eq(s->value, want[k], "le=%s: %g", les[k], s->value);
        k++;
    }
    cr_assert_eq(k, 12, "%s", text);
    const char *const *series = L("method", "GET", "route", "/api/v1/modules/{module_id}");
    cr_assert_eq(ts_prom_value(p, "trainsmart_http_request_duration_seconds_count", series), 5);
    cr_assert(strstr(text, "trainsmart_http_request_duration_seconds_sum{method=\"GET\",route=\"/"
                           "api/v1/modules/{module_id}\"} 20.315000123\n") != NULL,
              "%s", text);
    cr_assert_str_eq(ts_prom_family(p, "trainsmart_http_request_duration_seconds")->type,
                     "histogram");
    ts_prom_free(p);
    free(text);
}

Test(metrics, in_flight_counts_begun_requests_not_ended)
{
    http_metrics_begin();
    http_metrics_begin();
    http_metrics_begin();
    http_metrics_end(HEALTHZ, NULL, "GET", 200, MS, true);
    http_metrics_end(NULL, NULL, "GET", 0, MS, false); /* a client that went away: not counted */
    struct ts_prom *p = scrape(NULL);

    cr_assert_eq(ts_prom_value(p, "trainsmart_http_requests_in_flight", NULL), 1);
    cr_assert_eq(ts_prom_value(p, "trainsmart_http_requests_total",
                               L("method", "GET", "route", "unmatched", "status", "200")),
                 0);
    ts_prom_free(p);
}

static void *hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10000; i++)
        request(MODULE, "GET", 200, MS);
    return NULL;
}

Test(metrics, counts_of_every_thread_add_up)
{
    pthread_t t[4];

    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, hammer, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    request(MODULE, "GET", 200, MS); /* and this thread's */
    struct ts_prom *p = scrape(NULL);

    cr_assert_eq(
        ts_prom_value(p, "trainsmart_http_requests_total",
                      L("method", "GET", "route", "/api/v1/modules/{module_id}", "status", "200")),
        40001);
    ts_prom_free(p);
}

Test(metrics, gauges_notifications_and_build_info)
{
    http_metrics_notification(NOTIFICATION_MODULE_ASSIGNED);
    http_metrics_notification(NOTIFICATION_MODULE_ASSIGNED);
    http_metrics_notification(NOTIFICATION_FEEDBACK_RECEIVED);
    struct ts_prom *p = scrape(NULL);
    double v;

    cr_assert_eq(ts_prom_value(p, "trainsmart_db_pool_connections", L("state", "idle")), 1);
    cr_assert_eq(ts_prom_value(p, "trainsmart_db_pool_connections", L("state", "in_use")), 2);
    cr_assert_eq(ts_prom_value(p, "trainsmart_db_pool_max", NULL), 4);
    cr_assert_eq(ts_prom_value(p, "trainsmart_db_pool_waiting", NULL), 3);
    cr_assert_eq(ts_prom_value(p, "trainsmart_db_up", NULL), 1);
    cr_assert_eq(ts_prom_value(p, "trainsmart_sse_streams", NULL), 5);
    const char *n = "trainsmart_notifications_created_total";
    cr_assert_eq(ts_prom_value(p, n, L("type", "module_assigned")), 2);
    cr_assert_eq(ts_prom_value(p, n, L("type", "feedback_received")), 1);
    /* Every type is listed from the start. */
    for (int i = 0; notification_type_names[i] != NULL; i++)
        cr_assert(ts_prom_get(p, n, L("type", notification_type_names[i]), &v), "%s missing",
                  notification_type_names[i]);
    cr_assert_eq(ts_prom_value(p, n, L("type", "assignment_due_soon")), 0);
    cr_assert(ts_prom_get(p, "trainsmart_build_info", L("version", TS_VERSION), &v));
    cr_assert_eq(v, 1);
    ts_prom_free(p);
}

Test(metrics, every_family_has_help_and_type)
{
    static const char *const families[][2] = {
        {"trainsmart_http_requests_total", "counter"},
        {"trainsmart_http_request_duration_seconds", "histogram"},
        {"trainsmart_http_requests_in_flight", "gauge"},
        {"trainsmart_db_pool_connections", "gauge"},
        {"trainsmart_db_pool_max", "gauge"},
        {"trainsmart_db_pool_waiting", "gauge"},
        {"trainsmart_db_up", "gauge"},
        {"trainsmart_sse_streams", "gauge"},
        {"trainsmart_notifications_created_total", "counter"},
        {"trainsmart_password_verifications_total", "counter"},
        {"trainsmart_build_info", "gauge"},
    };
    struct ts_prom *p = scrape(NULL);

    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        const struct ts_prom_family *f = ts_prom_family(p, families[i][0]);
        cr_assert_not_null(f, "%s", families[i][0]);
        cr_assert_str_eq(f->type, families[i][1], "%s", families[i][0]);
        cr_assert_not_null(f->help, "%s", families[i][0]);
    }
    ts_prom_free(p);
}

/* The reader the API tests rely on refuses what Prometheus would. */
Test(metrics, prom_reader_refuses_malformed_text)
{
    static const char *const bad[] = {
        "x 1\n",                                              /* no TYPE */
        "# TYPE x gauge\nx 1\n",                              /* no HELP */
        "# HELP x h\n# TYPE x gauge\n# TYPE x gauge\nx 1\n",  /* TYPE twice */
        "# HELP x h\n# TYPE x gauge\nx 1\n# TYPE x gauge\n",  /* TYPE after samples */
        "# HELP x h\n# TYPE x gauge\nx{a=\"\\t\"} 1\n",       /* bad escape */
        "# HELP x h\n# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n", /* label twice */
        "# HELP x h\n# TYPE x gauge\nx{a=1} 1\n",             /* unquoted */
        "# HELP x h\n# TYPE x gauge\nx one\n",                /* bad value */
        "# HELP x h\n# TYPE x gauge\nx 1",                    /* no final newline */
        "# HELP x h\n# TYPE x gauge\n# HELP y h\n# TYPE y gauge\nx 1\ny 1\nx 2\n", /* split */
        "# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
        "h_sum 1\nh_count 1\n", /* not cumulative */
        "# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", /* no +Inf */
    };
    char err[256];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ts_prom *p = ts_prom_parse(bad[i], err, sizeof(err));
        cr_assert_null(p, "accepted: %s", bad[i]);
    }
    struct ts_prom *p = ts_prom_parse("# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
                                      "h_bucket{le=\"+Inf\"} 2\nh_sum 1.5\nh_count 2\n",
                                      err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    ts_prom_free(p);
}
