/*
 * The notification stream hub (API.md §12, GET /api/v1/notifications/stream): the open streams
 * of this instance, what each still has to send, and the threads that feed them. The design,
 * its threads and its locks are described in docs/ARCHITECTURE.md, "Server-Sent Events".
 *
 * This file never speaks libmicrohttpd: server.c creates the hub with two functions that
 * suspend and resume a connection, hands each stream its connection when it queues the
 * response, pulls bytes with sse_stream_read() from its content reader, and releases the
 * stream when libmicrohttpd frees the response. Handlers open a stream with
 * http_reply_stream() (http.h).
 */
#ifndef TS_HTTP_SSE_H
#define TS_HTTP_SSE_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "db/db.h"

struct sse_hub;
struct sse_stream;

/* What the hub may do to a connection; server.c supplies both. */
struct sse_io {
    /* Suspends `conn`. Called only from sse_stream_read(), so on the connection's own thread,
     * inside libmicrohttpd's content reader. */
    void (*suspend)(void *conn);
    /* Resumes `conn`, suspended by the call above. Any thread. */
    void (*resume)(void *conn);
};

/*
 * Creates the hub and starts its thread, and on PostgreSQL the thread that LISTENs for
 * notifications of other instances; registers the hub as the observer of committed
 * notifications (http_set_notify_observer()). One hub per process. Free it with
 * sse_hub_free().
 */
struct sse_hub *sse_hub_new(const struct config *cfg, struct db *db, const struct sse_io *io);

/*
 * Shutdown, first step: no stream opens any more (a request for one gets `retry:` and the end
 * at once), and every open stream ends now: suspended ones are resumed, and their content
 * reader ends the response. Does not wait.
 */
void sse_hub_close_all(struct sse_hub *h);

/*
 * Stops and joins the hub's threads; afterwards the hub never calls `io` again. Call before
 * libmicrohttpd stops (a resume of a connection it freed would be a use after free); after
 * sse_hub_close_all() no connection of a stream is suspended any more. Waits at most for a
 * database statement in progress (DB_TIMEOUT_MS). Idempotent.
 */
void sse_hub_stop(struct sse_hub *h);

/* Frees the hub, after libmicrohttpd has stopped and so released every stream. NULL is fine. */
void sse_hub_free(struct sse_hub *h);

/* Open streams on this instance (for metrics). Thread safe. */
int sse_hub_count(struct sse_hub *h);

/* Gives the stream its connection and the connection's socket (-1: unknown); server.c calls
 * it before queuing the response. */
void sse_stream_attach(struct sse_stream *s, void *conn, int fd);

/*
 * The content reader: copies up to `max` bytes of what the stream has to send into `buf` and
 * returns how many (> 0); when there is nothing to send, suspends the connection and returns
 * 0; returns -1 when the stream has ended (closed, or the server stops). Never waits and never
 * touches the database.
 */
ssize_t sse_stream_read(struct sse_stream *s, char *buf, size_t max);

/* Unregisters and frees the stream (the response was freed, or never handed over). */
void sse_stream_release(struct sse_stream *s);

#endif
