/*
 * The HTTP server: a libmicrohttpd daemon (thread pool, epoll) running the request pipeline
 * over the route table of routes.c, and the graceful shutdown of API.md §17.
 */
#ifndef TS_HTTP_SERVER_H
#define TS_HTTP_SERVER_H

#include "config.h"
#include "db/db.h"
#include "http/http.h"

/* Starts listening on HOST:PORT. Returns NULL (logged) when the daemon cannot start. Caller
 * ends it with http_server_shutdown(), then http_server_free(). */
struct http_server *http_server_start(const struct config *cfg, struct db *db);

/* The server's notification stream hub (http/sse.h). */
struct sse_hub *http_server_hub(struct http_server *s);

/* The web app's files loaded from WEB_DIR at start (http/webapp.h), or NULL when none are
 * served. Read-only while the server runs. */
const struct http_webapp *http_server_webapp(const struct http_server *s);

/* The port actually bound (useful with PORT chosen by the OS in tests). */
int http_server_port(const struct http_server *s);

/*
 * Graceful stop: stops accepting connections at once, marks the server as shutting down
 * (/readyz answers 503, replies carry Connection: close), ends every notification stream, lets
 * in-flight requests finish for up to SHUTDOWN_GRACE_SECONDS - 1 s, then closes every
 * connection and stops every thread of its own. The stream hub stays allocated, so a thread of
 * the caller's (the scheduler) may still announce a committed notification to it. Returns
 * false when a request was still running (waiting on the database) at `exit_by` (monotonic
 * ms; 0: without a bound), the caller's last moment for stopping threads within the grace
 * time: then nothing is stopped and the caller must end the process at once (_exit), without
 * http_server_free().
 */
bool http_server_shutdown(struct http_server *s, int64_t exit_by);

/* Frees the server after http_server_shutdown(), once no other thread can announce a
 * notification (http_notification_committed()). */
void http_server_free(struct http_server *s);

#endif
