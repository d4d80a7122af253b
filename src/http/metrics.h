/*
 * Prometheus metrics (API.md §14): the registry the request path counts into, and its
 * rendering in the text exposition format 0.0.4 (served by api_ops_metrics(), api/ops.c).
 *
 * Counting never takes a lock shared by requests: every thread that records gets a shard of
 * its own (per-thread counters, written by that thread alone with relaxed atomics, so the cost
 * is a plain add on an unshared cache line), and the scrape sums the shards. A shard is
 * registered under a mutex once, on the thread's first count. The registry is process-wide,
 * like the log: one server per process.
 *
 * Labels are bounded (docs/DECISIONS.md, "Metrics"): `route` is one of the route table's path
 * templates, a set of embedded files' label ("/docs/{file}", static.h) or `unmatched`; `method` one
 * of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or `other`; `status` one of the codes the server
 * sends (a table in metrics.c) or `other`.
 *
 * With TS_METRICS=0 (CMake option TS_METRICS=OFF) the recording functions compile to nothing,
 * and /metrics reports only the values read at scrape time (pool, database, streams, build).
 */
#ifndef TS_HTTP_METRICS_H
#define TS_HTTP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "util/buf.h"

#ifndef TS_METRICS
#define TS_METRICS 1
#endif

/* The histogram's upper bounds (API.md §14; +Inf follows). */
#define HTTP_METRICS_BUCKETS 11

/*
 * Builds the label tables from the route table (its distinct path templates, in order). Called
 * once by http_server_start() before any request; calling it again with the same table does
 * nothing, with another one starts afresh (http_metrics_free()). Not thread safe.
 */
void http_metrics_init(const struct route *routes, size_t n);

/* Frees every shard and the label tables, and forgets the counts (the server is freed; unit
 * tests between cases); http_metrics_init() starts again. No thread may record meanwhile. */
void http_metrics_free(void);

/* Values read at scrape time, passed to the renderer. */
struct http_metrics_gauges {
    int pool_max;
    int pool_idle;
    int pool_in_use;
    int pool_waiting;
    bool db_up;
    int sse_streams;
};

/* Appends the whole exposition to `b` (families in a fixed order, each with HELP and TYPE). */
void http_metrics_render(struct buf *b, const struct http_metrics_gauges *g);

/* Appends `s` escaped as a label value: backslash, double quote and newline as \\, \", \n. */
void http_metrics_escape(struct buf *b, const char *s);

#if TS_METRICS

/* A request began (trainsmart_http_requests_in_flight + 1). */
void http_metrics_begin(void);

/*
 * The request began with http_metrics_begin() is over for the metrics: in flight - 1, and when
 * `counted`, one more in trainsmart_http_requests_total{method,route,status} and one
 * observation of `ns` in the duration histogram. `route` is the route whose template labels
 * the request (any route with the path's template); when NULL, a static path is counted under
 * `static_label` (an entry of http_static_labels, static.h: "/docs/{file}", "/app/{path}"),
 * and with both NULL the request is `unmatched`. Called on the thread that records; lock-free.
 */
void http_metrics_end(const struct route *route, const char *static_label, const char *method,
                      int status, uint64_t ns, bool counted);

/* A notification of `type` (enum notification_type) was committed. */
void http_metrics_notification(int type);

#else

static inline void http_metrics_begin(void)
{
}
static inline void http_metrics_end(const struct route *route, const char *static_label,
                                    const char *method, int status, uint64_t ns, bool counted)
{
    (void)route, (void)static_label, (void)method, (void)status, (void)ns, (void)counted;
}
static inline void http_metrics_notification(int type)
{
    (void)type;
}

#endif

#endif
