/*
 * libmicrohttpd glue: the only file that includes microhttpd.h.
 *
 * Sections: per-request context; handler threads; the access handler; completion; start and
 * graceful stop.
 *
 * Threading: MHD runs IO_THREADS threads, each with its own epoll set; a connection stays on
 * one of them for its whole life. They only parse requests and send replies: the handlers,
 * which block on the database, run on WORKER_THREADS handler threads fed from one queue. On
 * the final call of a request the MHD thread suspends the connection and queues it; the first
 * free handler thread runs http_req_dispatch() and resumes the connection; MHD then calls the
 * access handler once more on the connection's own thread, which sends the reply. So a request
 * never waits behind another connection's database round trip just because MHD happened to
 * accept both on the same thread. Long-lived notification streams hold no thread:
 * their response is read by a content reader that suspends the connection when it has nothing
 * to send, and the stream hub (sse.c) resumes it when there is (the daemon is started with
 * MHD_ALLOW_SUSPEND_RESUME); see docs/ARCHITECTURE.md, "Server-Sent Events".
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/metrics.h"
#include "http/request.h"
#include "http/routes.h"
#include "http/sse.h"
#include "http/webapp.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

/* The buffer MHD allocates with a stream's response; it is used only when the client speaks
 * HTTP/1.0 (chunked HTTP/1.1 fills the connection's write buffer directly). */
#define STREAM_BLOCK 1024

struct conn_ctx;

/* The handler threads and their FIFO of requests waiting for one (see "handler threads"). */
struct handler_pool {
    pthread_mutex_t mu;
    pthread_cond_t ready;
    pthread_cond_t exited;        /* a handler thread returned; on CLOCK_MONOTONIC */
    int running;                  /* handler threads not yet returned */
    struct conn_ctx *head, *tail; /* queued, each with its connection suspended */
    bool stop;                    /* set after the drain: no more queuing, the rest get 503 */
    int nthreads;                 /* started so far */
    pthread_t *threads;
};

struct http_server {
    const struct config *cfg;
    struct db *db;
    struct router router;
    struct sse_hub *hub;
    struct MHD_Daemon *daemon;
    MHD_socket listen_fd;
    int port;
    atomic_bool shutting_down;
    atomic_int in_flight;
    struct handler_pool pool;
    struct http_webapp *webapp; /* NULL: no web app served */
};

struct conn_ctx {
    struct http_req req;
    bool sent;
    /* Set by the handler thread before it resumes the connection; read on the MHD thread
     * after the resume. MHD's resume takes the daemon's cleanup mutex on both sides, which
     * orders the two. */
    bool handled;
    struct MHD_Connection *conn; /* while queued or handled */
    struct conn_ctx *next;       /* in the handler queue */
    bool metrics_done;           /* http_metrics_end() was called */
};

bool http_server_shutting_down(const struct http_server *s)
{
    return s != NULL && atomic_load(&s->shutting_down);
}

/* --- handler threads -------------------------------------------------------------------- */

/*
 * Why not run handlers on MHD's threads: MHD's thread pool pins each connection to the thread
 * that accepted it, and a handler blocks that thread for its database round trips. A request
 * that arrives on a thread whose handler is waiting for PostgreSQL waits too, although other
 * threads may be idle: at 32 connections on 8 threads that put p99 at 10x the database's own.
 * One queue in front of all handler threads lets any free thread take the next request.
 *
 * A queued connection is suspended (MHD stops watching its socket, so it can neither time out
 * nor close), and exactly one party resumes it: the handler thread that took it off the queue.
 * Lock order: pool.mu, then MHD's cleanup mutex (inside MHD_suspend_connection()); the resume
 * is called without pool.mu.
 */
static void *handler_main(void *arg)
{
    struct http_server *s = arg;
    struct handler_pool *p = &s->pool;

    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->head == NULL && !p->stop)
            pthread_cond_wait(&p->ready, &p->mu);
        struct conn_ctx *ctx = p->head;
        bool stopping = p->stop;
        if (ctx != NULL) {
            p->head = ctx->next;
            if (p->head == NULL)
                p->tail = NULL;
        }
        if (ctx == NULL) { /* stopping and nothing left */
            p->running--;
            pthread_cond_broadcast(&p->exited);
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        pthread_mutex_unlock(&p->mu);
        /* Past the drain deadline a request still queued is answered without running: the
         * daemon stops as soon as the queue is empty. */
        if (stopping)
            http_reply_err(&ctx->req, TS_EUNAVAIL);
        else
            http_req_dispatch(&ctx->req);
        ctx->handled = true;
        MHD_resume_connection(ctx->conn);
    }
}

/* Suspends the connection and queues the request; false when the pool has stopped (then
 * nothing happened and the caller answers). Called on the connection's MHD thread. */
static bool handler_enqueue(struct handler_pool *p, struct MHD_Connection *c, struct conn_ctx *ctx)
{
    pthread_mutex_lock(&p->mu);
    if (p->stop) {
        pthread_mutex_unlock(&p->mu);
        return false;
    }
    ctx->conn = c;
    ctx->next = NULL;
    /* Before the queue can hand it out: a handler thread may resume it at once. */
    MHD_suspend_connection(c);
    if (p->tail != NULL)
        p->tail->next = ctx;
    else
        p->head = ctx;
    p->tail = ctx;
    pthread_cond_signal(&p->ready);
    pthread_mutex_unlock(&p->mu);
    return true;
}

/*
 * Stops the handler threads: each finishes the request it runs, queued requests get 503. Waits
 * until `deadline` (monotonic ms; 0: without a bound) for them to return, then joins them and
 * returns true; false, joining none, when one still runs a request at the deadline (a
 * statement waiting on the database: each is bounded by DB_TIMEOUT_MS, which may exceed what
 * is left of the grace time).
 */
static bool handler_pool_stop(struct handler_pool *p, int64_t deadline)
{
    if (p->threads == NULL) /* never started */
        return true;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->ready);
    while (p->running > 0 && time_cond_wait_until(&p->exited, &p->mu, deadline) != ETIMEDOUT)
        ;
    bool all = p->running == 0;
    pthread_mutex_unlock(&p->mu);
    if (!all)
        return false;
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    p->nthreads = 0;
    return true;
}

static int handler_pool_start(struct http_server *s, int n)
{
    struct handler_pool *p = &s->pool;

    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->ready, NULL);
    time_cond_init(&p->exited);
    p->threads = xcalloc((size_t)n, sizeof(*p->threads));
    for (; p->nthreads < n; p->nthreads++) {
        pthread_mutex_lock(&p->mu);
        p->running++;
        pthread_mutex_unlock(&p->mu);
        int rc = pthread_create(&p->threads[p->nthreads], NULL, handler_main, s);
        if (rc != 0) {
            pthread_mutex_lock(&p->mu);
            p->running--;
            pthread_mutex_unlock(&p->mu);
            log_msg(LOG_ERROR, "http", "cannot start handler thread: %s", strerror(rc));
            handler_pool_stop(p, 0);
            return -1;
        }
    }
    return 0;
}

static void handler_pool_free(struct handler_pool *p)
{
    if (p->threads == NULL)
        return;
    pthread_cond_destroy(&p->ready);
    pthread_cond_destroy(&p->exited);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    p->threads = NULL;
}

/* --- the access handler ----------------------------------------------------------------- */

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    if (!http_req_add_header(cls, key, value))
        log_msg(LOG_WARNING, "http", "more than %d request headers; the rest ignored",
                HTTP_MAX_HEADERS);
    return MHD_YES;
}

/* With lengths: a percent-decoded %00 would otherwise cut the value short unnoticed. */
static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    http_req_add_query_n(cls, key, key_size, value, value_size);
    return MHD_YES;
}

static void read_client_ip(struct MHD_Connection *c, struct http_req *r)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char host[INET6_ADDRSTRLEN] = "";

    if (ci != NULL && ci->client_addr != NULL) {
        socklen_t len = ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                               : sizeof(struct sockaddr_in);
        getnameinfo(ci->client_addr, len, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
    }
    r->client_ip = arena_strdup(&r->arena, host);
}

/* --- notification streams ------------------------------------------------------------ */

static void stream_suspend(void *conn)
{
    MHD_suspend_connection(conn);
}

static void stream_resume(void *conn)
{
    MHD_resume_connection(conn);
}

/* In internal polling mode a reader may return 0 only after suspending the connection, which
 * sse_stream_read() does; MHD then leaves the connection alone until the hub resumes it. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    ssize_t n = sse_stream_read(cls, buf, max);
    return n >= 0 ? n : MHD_CONTENT_READER_END_OF_STREAM;
}

/* MHD frees the response: the connection closed, or the stream ended. */
static void stream_free(void *cls)
{
    sse_stream_release(cls);
}

struct sse_hub *http_server_hub(struct http_server *s)
{
    return s->hub;
}

/* --- metrics -------------------------------------------------------------------------- */

/*
 * The request is over for the metrics: once, at completion, or for a notification stream when
 * its response is handed to MHD (the stream then counts in trainsmart_sse_streams, not in
 * flight, and its duration is the time to open it). A request without a reply (the client went
 * away first) leaves in flight uncounted.
 */
static void metrics_end(struct conn_ctx *ctx, bool counted, int64_t end_ns)
{
#if TS_METRICS
    struct http_req *r = &ctx->req;

    if (ctx->metrics_done)
        return;
    ctx->metrics_done = true;
    http_metrics_end(r->template_route, r->static_label, r->method, r->status,
                     (uint64_t)(end_ns - r->start_ns), counted);
#else
    (void)ctx, (void)counted, (void)end_ns;
#endif
}

/* Hands the queued reply to MHD. */
static enum MHD_Result send_reply(struct http_server *s, struct MHD_Connection *c,
                                  struct conn_ctx *ctx)
{
    struct http_req *r = &ctx->req;
    struct MHD_Response *resp;

    http_req_finish_reply(r, atomic_load(&s->shutting_down));
    if (r->stream != NULL) {
        /* Chunked, without a length; the content reader ends it. MHD calls stream_free() when
         * it frees the response, also when queuing fails. */
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_read,
                                                 r->stream, stream_free);
        if (resp != NULL) {
            const union MHD_ConnectionInfo *ci =
                MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
            sse_stream_attach(r->stream, c, ci != NULL ? ci->connect_fd : -1);
            r->stream = NULL;
            metrics_end(ctx, true, time_mono_ns());
        }
    } else if (r->reply_body != NULL) {
        resp = MHD_create_response_from_buffer(r->reply_len, r->reply_body, MHD_RESPMEM_MUST_FREE);
        if (resp != NULL)
            r->reply_body = NULL; /* MHD owns it now */
    } else if (r->reply_static != NULL) {
        resp = MHD_create_response_from_buffer(r->reply_len, (void *)r->reply_static,
                                               MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    if (resp == NULL)
        return MHD_NO;
    if (r->content_type != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    for (int i = 0; i < r->nreply_headers; i++)
        MHD_add_response_header(resp, r->reply_headers[i].name, r->reply_headers[i].value);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    ctx->sent = ret == MHD_YES;
    return ret;
}

/*
 * The early 413 (a chunked body passing MAX_BODY_BYTES), written straight to the socket.
 *
 * libmicrohttpd 0.9.75 cannot queue a response while the body is arriving: microhttpd.h says a
 * response cannot be queued when the access handler is called with upload data, and
 * MHD_queue_response() accepts only the "headers processed" and "full request received"
 * states (connection.c). Suspending does not help (the state stays the same), and 0.9.75 has
 * no body size limit of its own. What it does offer is ending the connection: an access handler
 * that returns MHD_NO makes it report the request completed (on_completed(), with
 * MHD_REQUEST_TERMINATED_WITH_ERROR), shut the socket down for writing and close it. So the
 * reply is written here and MHD_NO returned. That is safe because:
 *   - nothing of libmicrohttpd's is pending on the socket: body data is handed over only once
 *     the headers, and a "100 Continue" if one was asked for, were sent in full, and it writes
 *     nothing in the body states (no response is queued);
 *   - the handler runs on the thread that owns the connection, so libmicrohttpd does not touch
 *     the socket meanwhile, and afterwards only shuts it down for writing (the daemon runs
 *     without MHD_USE_TURBO), so the client reads our bytes and then the end, and closes it;
 *   - the daemon speaks plain HTTP (no TLS), so these bytes are what the client reads;
 *   - send() never blocks (MSG_DONTWAIT; MHD's sockets are non-blocking anyway) nor raises
 *     SIGPIPE (MSG_NOSIGNAL). A reply of a few hundred bytes fits an empty send buffer; a short
 *     write means the client stopped reading, and it is then closed on a truncated reply;
 *   - the access line and the cleanup stay in on_completed(), which runs once, as for any
 *     request.
 */
static _Thread_local bool closing_on_purpose;

/* The headers are those of http_req_finish_reply() for an error: literals, the validated
 * request id and configured origins, so none can carry CR or LF into the response. */
static void write_reply_now(struct http_server *s, struct MHD_Connection *c, struct conn_ctx *ctx)
{
    struct http_req *r = &ctx->req;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    const char *reason = MHD_get_reason_phrase_for((unsigned)r->status);
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    struct buf b;

    http_req_finish_reply(r, atomic_load(&s->shutting_down));
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
    buf_init(&b, SIZE_MAX);
    buf_printf(&b, "HTTP/1.1 %d %s\r\nDate: %s\r\n", r->status, reason, date);
    if (r->content_type != NULL)
        buf_printf(&b, "Content-Type: %s\r\n", r->content_type);
    for (int i = 0; i < r->nreply_headers; i++)
        buf_printf(&b, "%s: %s\r\n", r->reply_headers[i].name, r->reply_headers[i].value);
    buf_printf(&b, "Content-Length: %zu\r\n\r\n", r->reply_len);
    buf_append(&b, r->reply_body, r->reply_len);
    ssize_t n = ci != NULL ? send(ci->connect_fd, b.data, b.len, MSG_DONTWAIT | MSG_NOSIGNAL) : -1;
    if (n != (ssize_t)b.len)
        log_msg(LOG_DEBUG, "http", "request %s: %zd of %zu bytes of the %d reply written",
                r->request_id, n, b.len, r->status);
    buf_free(&b);
    ctx->sent = true; /* as after MHD_queue_response(): handed over, the access line follows */
    closing_on_purpose = true;
}

static struct conn_ctx *begin(struct http_server *s, struct MHD_Connection *c, const char *url,
                              const char *method)
{
    struct conn_ctx *ctx = xmalloc(sizeof(*ctx));
    struct http_req *r = &ctx->req;

    ctx->sent = false;
    ctx->handled = false;
    ctx->conn = NULL;
    ctx->next = NULL;
    ctx->metrics_done = false;
    http_metrics_begin();
    http_req_init(r, s->cfg, s->db, s);
    atomic_fetch_add(&s->in_flight, 1);
    r->method = arena_strdup(&r->arena, method);
    r->path = arena_strdup(&r->arena, url);
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, r);
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, add_query, r);
    read_client_ip(c, r);
    return ctx;
}

/*
 * An encoded NUL in the path. libmicrohttpd decodes the path before the access handler sees it,
 * and hands it over as a C string, so "/docs/LICENSE%00.png" would arrive as "/docs/LICENSE"
 * and be served as that file, and "/healthz%00x" as /healthz: a path that matches no route
 * exactly (§1.1) or that names no file (§18). Only the request target as received tells, and
 * libmicrohttpd shows it to the URI log callback, called once per request before the access
 * handler, whose return value becomes the request's first *con_cls. So that callback returns
 * this marker for such a path, and NULL otherwise: no allocation, nothing to free when the
 * client goes away before the headers are complete.
 */
static char path_has_nul_marker;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    size_t n = strcspn(uri, "?");

    (void)cls, (void)c;
    for (size_t i = 0; i + 2 < n; i++)
        if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
            return &path_has_nul_marker;
    return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct http_server *s = cls;
    struct conn_ctx *ctx = *con_cls;

    (void)version;
    if (ctx == NULL || *con_cls == (void *)&path_has_nul_marker) {
        bool has_nul = ctx != NULL;
        ctx = begin(s, c, url, method);
        ctx->req.path_has_nul = has_nul;
        *con_cls = ctx;
        /* A reply decided from the headers alone (400, 404, 405, 413, preflight) goes out
         * before any body is read; MHD then closes a connection whose body was not read. */
        if (http_req_on_headers(&ctx->req, &s->router))
            return send_reply(s, c, ctx);
        return MHD_YES;
    }
    if (ctx->sent)
        return MHD_YES;
    if (*upload_data_size > 0) {
        bool too_big = http_req_on_body(&ctx->req, upload_data, *upload_data_size);
        *upload_data_size = 0;
        if (too_big) {
            write_reply_now(s, c, ctx);
            return MHD_NO; /* MHD closes the connection and calls on_completed() */
        }
        return MHD_YES;
    }
    /* The final call: the first time, hand the request to a handler thread; once it has run
     * (the connection was resumed and MHD calls again), send its reply. */
    if (ctx->handled || ctx->req.replied || http_req_reply_static(&ctx->req))
        return send_reply(s, c, ctx);
    /* A route that never touches the database (ROUTE_NO_DB: /healthz, /metrics, /openapi.json,
     * /docs) runs here on the I/O thread, so it never waits in the handler queue behind
     * requests that wait for the database: liveness and scrapes answer during a database
     * outage or an exhausted pool, when they matter most (§14, §17). */
    if (ctx->req.route != NULL && (ctx->req.route->flags & ROUTE_NO_DB)) {
        http_req_dispatch(&ctx->req);
        ctx->handled = true;
        return send_reply(s, c, ctx);
    }
    if (handler_enqueue(&s->pool, c, ctx))
        return MHD_YES;
    http_reply_err(&ctx->req, TS_EUNAVAIL); /* the handler threads have stopped */
    return send_reply(s, c, ctx);
}

/* --- completion ------------------------------------------------------------------------- */

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct http_server *s = cls;
    struct conn_ctx *ctx = *con_cls;

    (void)c;
    closing_on_purpose = false;
    if (ctx == NULL || *con_cls == (void *)&path_has_nul_marker) {
        *con_cls = NULL; /* ended before its headers were read */
        return;
    }
    int64_t end_ns = time_mono_ns(); /* one reading: the access line and the metrics agree */
    metrics_end(ctx, ctx->sent, end_ns);
    if (ctx->sent)
        http_req_log_access(&ctx->req, end_ns);
    else if (toe != MHD_REQUEST_TERMINATED_CLIENT_ABORT)
        log_msg(LOG_WARNING, "http", "request %s ended without a reply (termination code %d)",
                ctx->req.request_id, (int)toe);
    http_req_free(&ctx->req);
    free(ctx);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

/* libmicrohttpd's own messages: `fmt` is its printf format (so clang's -Wformat-nonliteral
 * knows it is one). */
__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    /* After write_reply_now() libmicrohttpd reports the MHD_NO as "Application reported
     * internal error", just before on_completed(): an expected close, not a warning. A body
     * that cannot be sent means the client went away, which is how a notification stream
     * normally ends (chunked, or plain to an HTTP/1.0 client); its access line follows. */
    bool expected = closing_on_purpose || strstr(msg, "response body for the request") != NULL;
    log_msg(expected ? LOG_DEBUG : LOG_WARNING, "mhd", "%s", msg);
}

/* --- start and stop --------------------------------------------------------------------- */

static void raise_fd_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int resolve(const struct config *cfg, struct sockaddr_storage *ss, bool *v6)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char port[8];

    snprintf(port, sizeof(port), "%d", cfg->port);
    if (getaddrinfo(cfg->host, port, &hints, &res) != 0 || res == NULL)
        return -1;
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return 0;
}

struct http_server *http_server_start(const struct config *cfg, struct db *db)
{
    struct http_server *s = xcalloc(1, sizeof(*s));
    struct sockaddr_storage addr;
    bool v6 = false;

    s->cfg = cfg;
    s->db = db;
    atomic_init(&s->shutting_down, false);
    atomic_init(&s->in_flight, 0);
    if (router_init(&s->router, routes_table, routes_count) < 0)
        goto fail;
    http_metrics_init(routes_table, routes_count);
    s->webapp = http_webapp_load(cfg->web_dir);
    static const struct sse_io io = {.suspend = stream_suspend, .resume = stream_resume};
    s->hub = sse_hub_new(cfg, db, &io);
    if (handler_pool_start(s, cfg->worker_threads) < 0)
        goto fail;
    if (resolve(cfg, &addr, &v6) < 0) {
        log_msg(LOG_ERROR, "http", "cannot resolve HOST %s", cfg->host);
        goto fail;
    }
    raise_fd_limit();
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (v6)
        flags |= MHD_USE_IPv6;
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
        NULL, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->io_threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->request_timeout_seconds,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->max_connections_per_ip,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)cfg->connection_memory_kb * 1024, MHD_OPTION_END);
    if (s->daemon == NULL) {
        log_msg(LOG_ERROR, "http", "cannot listen on %s:%d", cfg->host, cfg->port);
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di != NULL ? di->port : cfg->port;
    return s;
fail:
    handler_pool_stop(&s->pool, 0);
    handler_pool_free(&s->pool);
    sse_hub_free(s->hub);
    http_webapp_free(s->webapp);
    router_free(&s->router);
    free(s);
    return NULL;
}

const struct http_webapp *http_server_webapp(const struct http_server *s)
{
    return s->webapp;
}

int http_server_port(const struct http_server *s)
{
    return s->port;
}

bool http_server_shutdown(struct http_server *s, int64_t exit_by)
{
    int64_t start = time_mono_ms();
    int64_t deadline = start + (int64_t)(s->cfg->shutdown_grace_seconds - 1) * 1000;

    atomic_store(&s->shutting_down, true);
    /* Stop accepting at once. MHD keeps the listening socket until it stops; shutting it down
     * here makes the kernel refuse new connections instead of queueing them unanswered. */
    s->listen_fd = MHD_quiesce_daemon(s->daemon);
    if (s->listen_fd != MHD_INVALID_SOCKET)
        shutdown(s->listen_fd, SHUT_RDWR);
    /* Streams end now, not at the deadline: clients reconnect elsewhere with Last-Event-ID. A
     * stream counts in in_flight until its connection is done. */
    sse_hub_close_all(s->hub);
    int left;
    while ((left = atomic_load(&s->in_flight)) > 0 && time_mono_ms() < deadline)
        usleep(10 * 1000);
    log_msg(LOG_INFO, "http", "drained after %lld ms; %d request(s) still in flight",
            (long long)(time_mono_ms() - start), left);
    /* Handlers still running finish (a statement is bounded by DB_TIMEOUT_MS) and requests
     * still queued get 503; each is resumed before the threads are joined, and a request
     * that reaches its final call from now on is answered 503 on its MHD thread. So no
     * request stays suspended and nothing resumes a connection once MHD has stopped. A
     * handler still waiting on the database when the grace time is nearly over is not waited
     * for: the caller exits the process (§17: always within SHUTDOWN_GRACE_SECONDS), which
     * closes its connection; the database rolls its transaction back. */
    if (!handler_pool_stop(&s->pool, exit_by))
        return false;
    /* No thread of the hub may resume a connection once MHD has stopped, and MHD must not
     * stop with a suspended connection; after sse_hub_close_all() none is suspended. */
    sse_hub_stop(s->hub);
    MHD_stop_daemon(s->daemon);
    return true;
}

void http_server_free(struct http_server *s)
{
    handler_pool_free(&s->pool);
    sse_hub_free(s->hub); /* after MHD has released every stream */
    if (s->listen_fd != MHD_INVALID_SOCKET)
        close(s->listen_fd);
    router_free(&s->router);
    http_webapp_free(s->webapp);
    free(s);
    http_metrics_free();
}
