/*
 * Prometheus metrics: the registry and the exposition; see metrics.h. The handler of
 * GET /metrics is api_ops_metrics() (api/ops.c).
 *
 * Sections: label tables; shards; label values; counting; rendering.
 *
 * A shard holds one cell per (route template, method): the request count per status, the
 * histogram's buckets (not cumulative: one increment per request) and the sum of durations in
 * nanoseconds. The histogram's _count is the sum of its buckets, so a scrape never sees a
 * _count that disagrees with the +Inf bucket. A shard is written only by its own thread, so an
 * increment is a relaxed load and store (no locked instruction); the scrape reads it with
 * relaxed loads, which may miss the increments of the last instant but never tear a value.
 * In flight is counted per shard too, +1 where a request begins and -1 where it ends; only the
 * sum over the shards means anything (begin and end may run on different threads).
 */
#include "http/metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/static.h"
#include "model/notification.h"
#include "util/crypto.h"
#include "util/log.h"

/* --- label tables ----------------------------------------------------------------------- */

/* Methods counted under their own label; anything else is "other" (the last). */
#define NMETHODS 8
#if TS_METRICS
static const char *const method_names[NMETHODS] = {"GET",    "POST", "PUT",     "PATCH",
                                                   "DELETE", "HEAD", "OPTIONS", "other"};
#endif

/* The status codes counted under their own label, 0 terminated; others count as "other". */
static const int http_metrics_status_codes[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                                                409, 413, 415, 422, 429, 500, 503, 0};
#define NSTATUS ((int)(sizeof(http_metrics_status_codes) / sizeof(int))) /* the last: other */
#if TS_METRICS
/* Status code -> its slot in http_metrics_status_codes (the table is the one list), built by
 * http_metrics_init(); codes outside the table are the last slot, "other". */
static unsigned char status_slot[600];

static void status_slots_init(void)
{
    memset(status_slot, NSTATUS - 1, sizeof(status_slot));
    for (int i = 0; i < NSTATUS - 1; i++)
        status_slot[http_metrics_status_codes[i]] = (unsigned char)i;
}

static int status_index(int status)
{
    return status >= 0 && status < (int)sizeof(status_slot) ? status_slot[status] : NSTATUS - 1;
}
#endif

/* The histogram's upper bounds in seconds, as API.md §14 lists them. */
static const char *const http_metrics_bucket_names[HTTP_METRICS_BUCKETS] = {
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"};
#define NBUCKETS (HTTP_METRICS_BUCKETS + 1) /* + Inf */
#if TS_METRICS
static const uint64_t bucket_ns[HTTP_METRICS_BUCKETS] = {
    5000000ull,   10000000ull,   25000000ull,   50000000ull,   100000000ull,  250000000ull,
    500000000ull, 1000000000ull, 2500000000ull, 5000000000ull, 10000000000ull};
#endif

/* Notification types of §12 (model/notification.h); a bound checked at init. */
#define MAX_NOTIFICATION_TYPES 8

struct registry {
    const struct route *routes; /* the table the templates come from */
    size_t nroutes;
    int *route_tmpl;        /* route index -> template index */
    const char **templates; /* distinct patterns in table order, then the labels of static
                               paths (static.h); the last slot is unmatched */
    int static_tmpl;        /* the template index of the first static path label */
    int ntmpl;              /* including unmatched */
    int ncells;             /* ntmpl * NMETHODS */
};

static struct registry reg;
static atomic_uint_fast64_t notifications[MAX_NOTIFICATION_TYPES];

void http_metrics_init(const struct route *routes, size_t n)
{
    if (reg.routes == routes && reg.nroutes == n)
        return;
    http_metrics_free();
    reg.routes = routes;
    reg.nroutes = n;
    reg.route_tmpl = xcalloc(n ? n : 1, sizeof(*reg.route_tmpl));
    reg.templates = xcalloc(n + HTTP_LABEL_COUNT + 1, sizeof(*reg.templates));
    reg.ntmpl = 0;
    for (size_t i = 0; i < n; i++) {
        int t = 0;
        while (t < reg.ntmpl && strcmp(reg.templates[t], routes[i].pattern) != 0)
            t++;
        if (t == reg.ntmpl)
            reg.templates[reg.ntmpl++] = routes[i].pattern;
        reg.route_tmpl[i] = t;
    }
#if TS_METRICS
    status_slots_init();
#endif
    reg.static_tmpl = reg.ntmpl;
    for (int i = 0; i < HTTP_LABEL_COUNT; i++)
        reg.templates[reg.ntmpl++] = http_static_labels[i];
    reg.templates[reg.ntmpl++] = "unmatched";
    reg.ncells = reg.ntmpl * NMETHODS;
    int ntypes = 0;
    while (notification_type_names[ntypes] != NULL)
        ntypes++;
    if (ntypes > MAX_NOTIFICATION_TYPES) { /* the code's own table: a bug, not input */
        log_msg(LOG_ERROR, "metrics", "%d notification types; raise MAX_NOTIFICATION_TYPES",
                ntypes);
        abort();
    }
}

/* --- shards ----------------------------------------------------------------------------- */

struct cell {
    atomic_uint_fast64_t status[NSTATUS];
    atomic_uint_fast64_t bucket[NBUCKETS];
    atomic_uint_fast64_t sum_ns;
};

struct shard {
    struct shard *next;
    atomic_int_fast64_t in_flight;
    struct cell cells[]; /* reg.ncells */
};

static pthread_mutex_t shards_mu = PTHREAD_MUTEX_INITIALIZER;
static struct shard *shards; /* under shards_mu */
/* Bumped by http_metrics_free(): a thread's cached shard of an older generation is gone. */
static atomic_uint generation = 1;

void http_metrics_free(void)
{
    pthread_mutex_lock(&shards_mu);
    struct shard *s = shards;
    shards = NULL;
    atomic_fetch_add(&generation, 1);
    pthread_mutex_unlock(&shards_mu);
    while (s != NULL) {
        struct shard *next = s->next;
        free(s);
        s = next;
    }
    for (int i = 0; i < MAX_NOTIFICATION_TYPES; i++)
        atomic_store(&notifications[i], 0);
    free(reg.route_tmpl);
    free(reg.templates);
    memset(&reg, 0, sizeof(reg));
}

/* --- label values ------------------------------------------------------------------------ */

void http_metrics_escape(struct buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            buf_puts(b, "\\\\");
        else if (*s == '"')
            buf_puts(b, "\\\"");
        else if (*s == '\n')
            buf_puts(b, "\\n");
        else
            buf_append(b, s, 1);
    }
}

static void family(struct buf *b, const char *name, const char *type, const char *help)
{
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* --- counting (compiled out when TS_METRICS is 0) ------------------------------------- */

#if TS_METRICS

static int method_index(const char *m)
{
    for (int i = 0; i < NMETHODS - 1; i++)
        if (strcmp(m, method_names[i]) == 0)
            return i;
    return NMETHODS - 1;
}

static _Thread_local struct shard *my_shard;
static _Thread_local unsigned my_generation;

static struct shard *shard_get(void)
{
    unsigned g = atomic_load_explicit(&generation, memory_order_acquire);

    if (my_shard != NULL && my_generation == g)
        return my_shard;
    struct shard *s = xcalloc(1, sizeof(*s) + (size_t)reg.ncells * sizeof(struct cell));
    pthread_mutex_lock(&shards_mu);
    s->next = shards;
    shards = s;
    pthread_mutex_unlock(&shards_mu);
    my_shard = s;
    my_generation = g;
    return s;
}

/* The shard's owner is its only writer: no read-modify-write needs to be atomic as a whole. */
static inline void bump(atomic_uint_fast64_t *c, uint64_t by)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + by,
                          memory_order_relaxed);
}

void http_metrics_begin(void)
{
    struct shard *s = shard_get();

    atomic_store_explicit(&s->in_flight,
                          atomic_load_explicit(&s->in_flight, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

void http_metrics_end(const struct route *route, const char *static_label, const char *method,
                      int status, uint64_t ns, bool counted)
{
    struct shard *s = shard_get();

    atomic_store_explicit(&s->in_flight,
                          atomic_load_explicit(&s->in_flight, memory_order_relaxed) - 1,
                          memory_order_relaxed);
    if (!counted || reg.ncells == 0)
        return;
    int t = reg.ntmpl - 1; /* unmatched */
    if (route != NULL && route >= reg.routes && route < reg.routes + reg.nroutes)
        t = reg.route_tmpl[route - reg.routes];
    else if (static_label != NULL)
        for (int i = 0; i < HTTP_LABEL_COUNT; i++)
            if (static_label == http_static_labels[i])
                t = reg.static_tmpl + i;
    struct cell *c = &s->cells[t * NMETHODS + method_index(method)];
    int b = 0;
    while (b < HTTP_METRICS_BUCKETS && ns > bucket_ns[b])
        b++;
    bump(&c->status[status_index(status)], 1);
    bump(&c->bucket[b], 1);
    bump(&c->sum_ns, ns);
}

void http_metrics_notification(int type)
{
    if (type >= 0 && type < MAX_NOTIFICATION_TYPES)
        atomic_fetch_add_explicit(&notifications[type], 1, memory_order_relaxed);
}

/* The shards summed; plain numbers (no one else sees this copy). */
struct totals {
    uint64_t status[NSTATUS];
    uint64_t bucket[NBUCKETS];
    uint64_t sum_ns;
};

static int64_t collect(struct totals *tot)
{
    int64_t in_flight = 0;

    pthread_mutex_lock(&shards_mu);
    for (struct shard *s = shards; s != NULL; s = s->next) {
        in_flight += atomic_load_explicit(&s->in_flight, memory_order_relaxed);
        for (int i = 0; i < reg.ncells; i++) {
            const struct cell *c = &s->cells[i];
            for (int k = 0; k < NSTATUS; k++)
                tot[i].status[k] += atomic_load_explicit(&c->status[k], memory_order_relaxed);
            for (int k = 0; k < NBUCKETS; k++)
                tot[i].bucket[k] += atomic_load_explicit(&c->bucket[k], memory_order_relaxed);
            tot[i].sum_ns += atomic_load_explicit(&c->sum_ns, memory_order_relaxed);
        }
    }
    pthread_mutex_unlock(&shards_mu);
    return in_flight > 0 ? in_flight : 0;
}

/* `{method="…",route="…"` without the closing brace. */
static void method_route(struct buf *b, int cell)
{
    buf_puts(b, "{method=\"");
    http_metrics_escape(b, method_names[cell % NMETHODS]);
    buf_puts(b, "\",route=\"");
    http_metrics_escape(b, reg.templates[cell / NMETHODS]);
    buf_puts(b, "\"");
}

static void render_requests(struct buf *b, const struct totals *tot)
{
    family(b, "trainsmart_http_requests_total", "counter",
           "HTTP requests answered, by method, route template and status.");
    for (int i = 0; i < reg.ncells; i++) {
        for (int k = 0; k < NSTATUS; k++) {
            if (tot[i].status[k] == 0)
                continue;
            buf_puts(b, "trainsmart_http_requests_total");
            method_route(b, i);
            if (k == NSTATUS - 1)
                buf_puts(b, ",status=\"other\"}");
            else
                buf_printf(b, ",status=\"%d\"}", http_metrics_status_codes[k]);
            buf_printf(b, " %llu\n", (unsigned long long)tot[i].status[k]);
        }
    }
}

static void render_durations(struct buf *b, const struct totals *tot)
{
    static const char name[] = "trainsmart_http_request_duration_seconds";

    family(b, name, "histogram",
           "Time from a request's arrival to its reply handed over, "
           "by method and route template.");
    for (int i = 0; i < reg.ncells; i++) {
        uint64_t cum = 0;
        for (int k = 0; k < NBUCKETS; k++)
            cum += tot[i].bucket[k];
        if (cum == 0)
            continue;
        cum = 0;
        for (int k = 0; k < NBUCKETS; k++) {
            cum += tot[i].bucket[k];
            buf_printf(b, "%s_bucket", name);
            method_route(b, i);
            buf_printf(b, ",le=\"%s\"} %llu\n",
                       k < HTTP_METRICS_BUCKETS ? http_metrics_bucket_names[k] : "+Inf",
                       (unsigned long long)cum);
        }
        buf_printf(b, "%s_sum", name);
        method_route(b, i);
        buf_printf(b, "} %llu.%09llu\n", (unsigned long long)(tot[i].sum_ns / 1000000000ull),
                   (unsigned long long)(tot[i].sum_ns % 1000000000ull));
        buf_printf(b, "%s_count", name);
        method_route(b, i);
        buf_printf(b, "} %llu\n", (unsigned long long)cum);
    }
}

#endif

/* --- rendering -------------------------------------------------------------------------- */

static void gauge(struct buf *b, const char *name, const char *help, long long value)
{
    family(b, name, "gauge", help);
    buf_printf(b, "%s %lld\n", name, value);
}

void http_metrics_render(struct buf *b, const struct http_metrics_gauges *g)
{
#if TS_METRICS
    struct totals *tot = xcalloc(reg.ncells > 0 ? (size_t)reg.ncells : 1, sizeof(*tot));
    int64_t in_flight = collect(tot);

    render_requests(b, tot);
    render_durations(b, tot);
    free(tot);
    gauge(b, "trainsmart_http_requests_in_flight",
          "Requests received and not yet answered (open notification streams not included).",
          (long long)in_flight);
#endif
    family(b, "trainsmart_db_pool_connections", "gauge",
           "Open database connections of the pool, by state.");
    buf_printf(b, "trainsmart_db_pool_connections{state=\"idle\"} %d\n", g->pool_idle);
    buf_printf(b, "trainsmart_db_pool_connections{state=\"in_use\"} %d\n", g->pool_in_use);
    gauge(b, "trainsmart_db_pool_max", "Database connections the pool may hold (DB_POOL_SIZE).",
          g->pool_max);
    gauge(b, "trainsmart_db_pool_waiting", "Requests waiting for a free database connection.",
          g->pool_waiting);
    gauge(b, "trainsmart_db_up", "1 when the last attempt to reach the database succeeded, else 0.",
          g->db_up ? 1 : 0);
    gauge(b, "trainsmart_sse_streams", "Notification streams open on this instance.",
          g->sse_streams);
#if TS_METRICS
    family(b, "trainsmart_notifications_created_total", "counter",
           "Notifications committed by this instance, by type.");
    for (int i = 0; notification_type_names[i] != NULL; i++) {
        buf_puts(b, "trainsmart_notifications_created_total{type=\"");
        http_metrics_escape(b, notification_type_names[i]);
        buf_printf(
            b, "\"} %llu\n",
            (unsigned long long)atomic_load_explicit(&notifications[i], memory_order_relaxed));
    }
#endif
    family(b, "trainsmart_password_verifications_total", "counter",
           "argon2id password verifications run by logins, the stand-in one for an unknown "
           "email included.");
    buf_printf(b, "trainsmart_password_verifications_total %llu\n",
               crypto_password_verifications());
    family(b, "trainsmart_build_info", "gauge", "Build information; the value is always 1.");
    buf_puts(b, "trainsmart_build_info{version=\"");
    http_metrics_escape(b, TS_VERSION);
    buf_puts(b, "\"} 1\n");
}
