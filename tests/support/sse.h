/*
 * Notification streams in API tests (API.md §12): a small Server-Sent Events client over a raw
 * socket, and notifications written straight into a test server's database.
 *
 * The client sends one GET, reads the response head, undoes the chunked transfer coding and
 * parses the event stream into items: one per block that a blank line ends (`retry:`, `id:`,
 * `event:`, `data:` and `:` comments). Every read waits at most the timeout it is given. A
 * client belongs to one thread.
 */
#ifndef TS_TEST_SSE_H
#define TS_TEST_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "support/server.h"

struct ts_sse {
    int fd;
    long status;
    char *head; /* status line and headers, NUL terminated */
    bool chunked;
    long long left;  /* bytes left in the current chunk, or of a Content-Length body (-1: none) */
    bool chunk_crlf; /* the CRLF after a chunk's data is still to come */
    bool body_ended; /* the body is complete (last chunk, length reached, or EOF) */
    char *raw;       /* received, not yet decoded */
    size_t nraw;
    char *text; /* decoded body, not yet parsed into items */
    size_t ntext;
    char *body; /* a non-200 reply's body, NUL terminated */
};

enum ts_sse_kind { TS_SSE_RETRY, TS_SSE_COMMENT, TS_SSE_EVENT };

struct ts_sse_item {
    enum ts_sse_kind kind; /* EVENT when the block had data, else RETRY or COMMENT */
    long long id;          /* -1 without an id: line */
    long retry;            /* -1 without a retry: line */
    char event[64];
    char comment[128];
    char *data; /* the data lines joined by \n (caller frees with ts_sse_item_free) */
};

/*
 * Connects and sends GET `path` with the extra header lines `headers` (NULL-terminated, may be
 * NULL), then reads the response head within `timeout_ms`. Returns the status; for a status
 * other than 200 the body is read to its end into c->body. Asserts that the exchange worked.
 */
long ts_sse_open(struct ts_sse *c, const struct ts_server *s, const char *path,
                 const char *const *headers, int timeout_ms);

/* A response header's value (case-insensitive name) in a static thread-local buffer, or NULL. */
const char *ts_sse_header(const struct ts_sse *c, const char *name);

/* The next item within `timeout_ms`: 1 with *it filled, 0 on timeout, -1 when the stream has
 * ended (the server closed it) with no item left. */
int ts_sse_next(struct ts_sse *c, int timeout_ms, struct ts_sse_item *it);

/* The next event, skipping comments and retry blocks, within `timeout_ms`; as ts_sse_next(). */
int ts_sse_next_event(struct ts_sse *c, int timeout_ms, struct ts_sse_item *it);

/* True when the server ends the stream within `timeout_ms`; items still coming are dropped. */
bool ts_sse_wait_end(struct ts_sse *c, int timeout_ms);

void ts_sse_item_free(struct ts_sse_item *it);

/* Closes the connection and frees the client. */
void ts_sse_close(struct ts_sse *c);

/*
 * Inserts one module_assigned notification for `user_id` straight into the server's database,
 * as the server would (on PostgreSQL under the per-user numbering lock, with NOTIFY
 * trainsmart_notifications '<user_id>:<seq>' in the same transaction), and returns its seq;
 * -1 on failure, with the reason on stderr. Asserts nothing, so any thread may call it.
 */
long long ts_sse_notify(const struct ts_server *s, const char *user_id);

/*
 * PostgreSQL: the LISTEN connections open on the server's database (application_name
 * trainsmart-listen) that have finished their LISTEN; -1 on failure.
 */
int ts_sse_listeners(const struct ts_server *s);

/* PostgreSQL: terminates those sessions (pg_terminate_backend); returns how many, -1 on
 * failure. */
int ts_sse_kill_listeners(const struct ts_server *s);

#endif
