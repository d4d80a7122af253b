/*
 * Notification streams (API.md §12); see sse.h, and docs/ARCHITECTURE.md "Server-Sent Events"
 * for the design as a whole.
 *
 * Every event a stream sends comes from the database: a stream remembers the seq of the last
 * event it queued (last_seq), and whatever wakes it (a notification committed on this
 * instance, a NOTIFY from another one, the periodic check, the listener's reconnection) only
 * marks its user "dirty"; the hub thread then reads the user's notifications after the
 * smallest last_seq of the user's streams and appends to each stream the events past its own
 * last_seq. So events go out in seq order, none twice, and a wake that is missed costs latency
 * (the periodic check finds it), never an event. For each user, commit order is seq order
 * (db/notifications.c), so nothing can commit behind a seq a stream has already passed.
 *
 * Threads and the lock. One mutex (hub->mu) guards everything here. Workers take it briefly:
 * to open or release a stream, in the content reader (a memcpy), and to mark a user dirty
 * after a commit. The hub thread takes it around its bookkeeping but never across a database
 * statement: it copies what it needs, unlocks, reads, and locks again to apply the result to
 * the streams still there. The content reader never waits and never reads the database.
 *
 * Suspend and resume. A reader that finds nothing to send sets s->suspended and suspends its
 * connection while holding the lock, so nobody can see the flag before the connection is
 * really suspended. Whoever wants it running again clears the flag under the lock and calls
 * resume after unlocking; exactly one party can clear it, so every suspension gets exactly
 * one resume, and a suspended connection cannot be closed (libmicrohttpd does not notice a
 * disconnect while suspended), so the stream outlives that resume call.
 *
 * Sections: tables; opening and reading streams; waking; the hub thread (catch-up, the
 * periodic check and heartbeat, expiry); the listener thread; start and stop.
 */
#include "http/sse.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/notification_render.h"
#include "db/listen.h"
#include "db/notifications.h"
#include "db/streams.h"
#include "http/http.h"
#include "http/server.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

#define RETRY_LINE "retry: 5000\n\n"
#define HEARTBEAT_LINE ": heartbeat\n\n"
#define USER_BUCKETS 1024
/* Notifications read per catch-up statement. */
#define CATCH_UP_PAGE 100
/* A stream with this much unsent reads no more from the database until its client has taken
 * it down to LOW_WATER: a slow reader with a long backlog costs bounded memory. */
#define HIGH_WATER (64 * 1024)
#define LOW_WATER (16 * 1024)
/* Users caught up per pooled connection before the hub thread looks at its timers again. */
#define CATCH_UP_BATCH 64
/* Tokens per checking statement. */
#define CHECK_BATCH 500
/* The listener: reconnection backoff, and the interval of its liveness round trip. */
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define LISTEN_PING_MS 30000

/* --- tables ----------------------------------------------------------------------------- */

struct sse_user;

struct sse_stream {
    struct sse_hub *hub;
    struct sse_user *user;
    struct sse_stream *prev, *next; /* the user's streams */
    void *conn;                     /* from sse_stream_attach(); NULL before */
    int fd;                         /* the connection's socket; -1 before or unknown */
    char token_hash[CRYPTO_TOKEN_HASH_LEN];
    char request_id[129];
    int64_t last_seq;   /* seq of the newest event queued */
    int64_t expires_at; /* the token's expiry, ms since the epoch */
    uint64_t check_gen; /* the periodic check that last looked at the token */
    struct buf out;     /* queued bytes; out_off of them already sent */
    size_t out_off;
    bool suspended; /* the connection is suspended and nobody has claimed its resume */
    bool closing;   /* ends at the next read */
    bool behind;    /* the database may hold more for it than it has read */
};

struct sse_user {
    char id[STR_UUID_SIZE];
    struct sse_stream *streams;
    int nstreams;
    bool dirty;
    struct sse_user *next;       /* bucket chain */
    struct sse_user *next_dirty; /* dirty list */
};

/* Connections to resume once the lock is released. */
struct resumes {
    void **conn;
    int n, cap;
};

struct sse_hub {
    const struct config *cfg;
    struct db *db;
    struct sse_io io;
    pthread_mutex_t mu;
    pthread_cond_t cond; /* the hub thread waits here */
    struct sse_user *buckets[USER_BUCKETS];
    struct sse_user *dirty_head, *dirty_tail;
    int nstreams;
    uint64_t check_gen;
    int64_t next_tick;   /* monotonic ms: the next check with heartbeat */
    int64_t next_expiry; /* wall ms: the earliest token expiry of an open stream; 0 none */
    bool check_due;      /* check every stream's token and catch up who is behind */
    bool closed;         /* shutting down: no new streams */
    atomic_bool stop;    /* the threads end */
    int stop_pipe[2];    /* readable once stop is set: ends the listener's waits */
    pthread_t hub_thread, listen_thread;
    bool hub_started, listen_started, stopped;
};

static unsigned hash_id(const char *id)
{
    unsigned h = 2166136261u;

    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 16777619u;
    return h % USER_BUCKETS;
}

static struct sse_user *find_user(struct sse_hub *h, const char *id)
{
    for (struct sse_user *u = h->buckets[hash_id(id)]; u != NULL; u = u->next)
        if (strcmp(u->id, id) == 0)
            return u;
    return NULL;
}

static void mark_dirty(struct sse_hub *h, struct sse_user *u)
{
    if (u->dirty)
        return;
    u->dirty = true;
    u->next_dirty = NULL;
    if (h->dirty_tail != NULL)
        h->dirty_tail->next_dirty = u;
    else
        h->dirty_head = u;
    h->dirty_tail = u;
    pthread_cond_signal(&h->cond);
}

static struct sse_user *pop_dirty(struct sse_hub *h)
{
    struct sse_user *u = h->dirty_head;

    if (u == NULL)
        return NULL;
    h->dirty_head = u->next_dirty;
    if (h->dirty_head == NULL)
        h->dirty_tail = NULL;
    u->dirty = false;
    return u;
}

static void forget_user(struct sse_hub *h, struct sse_user *u)
{
    struct sse_user **p = &h->buckets[hash_id(u->id)];

    while (*p != u)
        p = &(*p)->next;
    *p = u->next;
    if (u->dirty) {
        struct sse_user *prev = NULL;
        for (struct sse_user *d = h->dirty_head; d != u; d = d->next_dirty)
            prev = d;
        if (prev != NULL)
            prev->next_dirty = u->next_dirty;
        else
            h->dirty_head = u->next_dirty;
        if (h->dirty_tail == u)
            h->dirty_tail = prev;
    }
    free(u);
}

static size_t pending(const struct sse_stream *s)
{
    return s->out.len - s->out_off;
}

/* Claims the resume of a suspended stream (under the lock). */
static void wake(struct sse_stream *s, struct resumes *rs)
{
    if (!s->suspended)
        return;
    s->suspended = false;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 16;
        rs->conn = xrealloc(rs->conn, sizeof(*rs->conn) * (size_t)rs->cap);
    }
    rs->conn[rs->n++] = s->conn;
}

/* Resumes what wake() claimed; call without the lock. */
static void resume_all(struct sse_hub *h, struct resumes *rs)
{
    for (int i = 0; i < rs->n; i++)
        h->io.resume(rs->conn[i]);
    free(rs->conn);
    *rs = (struct resumes){0};
}

/* Ends the stream at its next read; what it had not sent yet is dropped. */
static void close_stream(struct sse_stream *s, struct resumes *rs)
{
    s->closing = true;
    buf_free(&s->out);
    s->out_off = 0;
    wake(s, rs);
}

static void append(struct sse_stream *s, const char *text, size_t len, struct resumes *rs)
{
    buf_append(&s->out, text, len); /* uncapped: HIGH_WATER bounds it */
    wake(s, rs);
}

/* --- opening and reading streams ------------------------------------------------------------ */

/* Whether the client has closed its end of `fd` (a FIN or an error is waiting). */
static bool peer_closed(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char c;

    if (fd < 0 || poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
        return true;
    return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/*
 * The user's streams that count against SSE_MAX_STREAMS_PER_USER: those not ending. A
 * suspended connection does not notice that its client went away until the next heartbeat
 * writes to it, so a client that reconnects at once (a page reload) would find its old stream
 * still counted; at the limit, the streams whose client has closed the connection are
 * therefore not counted, and the suspended ones among them are ended first. Under the lock.
 */
static int open_streams(struct sse_user *u, int limit, struct resumes *rs)
{
    int n = 0;

    for (struct sse_stream *s = u->streams; s != NULL; s = s->next)
        n += !s->closing;
    for (struct sse_stream *s = u->streams; s != NULL && n >= limit; s = s->next) {
        if (s->closing || !peer_closed(s->fd))
            continue;
        /* A stream that is being written to (not suspended) ends by itself when MHD's next
         * write fails; it just does not count any more. */
        if (s->suspended)
            close_stream(s, rs);
        n--;
    }
    return n;
}

/* TS_ERATE at the user's limit, TS_EUNAVAIL while shutting down. */
static int hub_open(struct sse_hub *h, const struct http_req *r, int64_t after_seq,
                    int64_t expires_at, struct sse_stream **out)
{
    struct resumes rs = {0};
    int rc = 0;

    pthread_mutex_lock(&h->mu);
    struct sse_user *u = find_user(h, r->user_id);
    if (h->closed)
        rc = TS_EUNAVAIL;
    else if (u != NULL && open_streams(u, h->cfg->sse_max_streams_per_user, &rs) >=
                              h->cfg->sse_max_streams_per_user)
        rc = TS_ERATE;
    if (rc < 0)
        goto out;
    if (u == NULL) {
        u = xcalloc(1, sizeof(*u));
        snprintf(u->id, sizeof(u->id), "%s", r->user_id);
        unsigned b = hash_id(u->id);
        u->next = h->buckets[b];
        h->buckets[b] = u;
    }
    struct sse_stream *s = xcalloc(1, sizeof(*s));
    s->hub = h;
    s->user = u;
    s->fd = -1;
    snprintf(s->token_hash, sizeof(s->token_hash), "%s", r->token_hash);
    snprintf(s->request_id, sizeof(s->request_id), "%s", r->request_id);
    s->last_seq = after_seq;
    s->expires_at = expires_at;
    buf_init(&s->out, SIZE_MAX);
    buf_puts(&s->out, RETRY_LINE);
    s->next = u->streams;
    if (u->streams != NULL)
        u->streams->prev = s;
    u->streams = s;
    u->nstreams++;
    h->nstreams++;
    if (h->next_expiry == 0 || expires_at < h->next_expiry)
        h->next_expiry = expires_at;
    /* The replay, and whatever committed between the handler's read of the newest seq and
     * now, which no wake would otherwise bring. */
    mark_dirty(h, u);
    *out = s;
out:
    pthread_mutex_unlock(&h->mu);
    resume_all(h, &rs);
    return rc;
}

int http_reply_stream(struct http_req *r, int64_t after_seq, int64_t expires_at)
{
    struct sse_hub *h = r->server != NULL ? http_server_hub(r->server) : NULL;
    struct sse_stream *s = NULL;
    int rc = h != NULL ? hub_open(h, r, after_seq, expires_at, &s) : TS_EUNAVAIL;

    if (rc == TS_ERATE) {
        http_reply_detail(r, 429, "Too many open streams");
        http_add_header(r, "Retry-After", "5");
        return 0;
    }
    if (rc == 0) {
        http_reply_empty(r, 200);
        r->stream = s;
    } else {
        /* Shutting down: the stream ends at once, and `retry:` sends the client elsewhere
         * (EventSource gives up for good on an error status, but reconnects after an end). */
        http_reply_raw(r, 200, "text/event-stream", RETRY_LINE, sizeof(RETRY_LINE) - 1);
    }
    r->content_type = "text/event-stream";
    http_add_header(r, "X-Accel-Buffering", "no");
    /* A stream's connection carries nothing after it: the client reconnects anew. Closing it
     * also shows the end to clients and proxies at once. */
    r->close_connection = true;
    return 0;
}

void sse_stream_attach(struct sse_stream *s, void *conn, int fd)
{
    pthread_mutex_lock(&s->hub->mu);
    s->conn = conn;
    s->fd = fd;
    pthread_mutex_unlock(&s->hub->mu);
}

ssize_t sse_stream_read(struct sse_stream *s, char *buf, size_t max)
{
    struct sse_hub *h = s->hub;
    ssize_t n;

    pthread_mutex_lock(&h->mu);
    if (s->closing) {
        n = -1;
    } else if (pending(s) > 0) {
        size_t take = pending(s) < max ? pending(s) : max;
        memcpy(buf, s->out.data + s->out_off, take);
        s->out_off += take;
        if (s->out_off == s->out.len) { /* an idle stream holds no buffer */
            buf_free(&s->out);
            s->out_off = 0;
        }
        if (s->behind && pending(s) < LOW_WATER) {
            s->behind = false;
            mark_dirty(h, s->user);
        }
        n = (ssize_t)take;
    } else {
        s->suspended = true;
        h->io.suspend(s->conn);
        n = 0;
    }
    pthread_mutex_unlock(&h->mu);
    return n;
}

void sse_stream_release(struct sse_stream *s)
{
    struct sse_hub *h = s->hub;
    struct sse_user *u = s->user;

    pthread_mutex_lock(&h->mu);
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        u->streams = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    h->nstreams--;
    if (--u->nstreams == 0)
        forget_user(h, u);
    pthread_mutex_unlock(&h->mu);
    buf_free(&s->out);
    free(s);
}

int sse_hub_count(struct sse_hub *h)
{
    pthread_mutex_lock(&h->mu);
    int n = h->nstreams;
    pthread_mutex_unlock(&h->mu);
    return n;
}

/* --- waking ------------------------------------------------------------------------------- */

/* Notification `seq` of `user_id` committed: catch up the user's streams that lack it. */
static void wake_user(struct sse_hub *h, const char *user_id, int64_t seq)
{
    pthread_mutex_lock(&h->mu);
    struct sse_user *u = find_user(h, user_id);
    for (struct sse_stream *s = u != NULL ? u->streams : NULL; s != NULL; s = s->next)
        if (!s->closing && s->last_seq < seq) {
            mark_dirty(h, u);
            break;
        }
    pthread_mutex_unlock(&h->mu);
}

/* Every open stream checks its token and catches up from the database (no heartbeat). */
static void request_check(struct sse_hub *h)
{
    pthread_mutex_lock(&h->mu);
    h->check_due = true;
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->mu);
}

/* Tokens of `user_id` were revoked: if the user has streams here, every stream checks its
 * token now instead of at the next heartbeat (one statement for all of them). */
static void check_user(struct sse_hub *h, const char *user_id)
{
    pthread_mutex_lock(&h->mu);
    if (find_user(h, user_id) != NULL) {
        h->check_due = true;
        pthread_cond_signal(&h->cond);
    }
    pthread_mutex_unlock(&h->mu);
}

static _Atomic(struct sse_hub *) observed;

/* The observer's calls (http_set_notify_observer()): a worker, right after its commit. */
static void on_committed(const char *user_id, int64_t seq)
{
    struct sse_hub *h = atomic_load(&observed);

    if (h != NULL)
        wake_user(h, user_id, seq);
}

static void on_revoked(const char *user_id)
{
    struct sse_hub *h = atomic_load(&observed);

    if (h != NULL)
        check_user(h, user_id);
}

static const struct http_observer hub_observer = {.committed = on_committed, .revoked = on_revoked};

/* A NOTIFY payload: "<user_id>:<seq>" (db_notifications_insert()) or "<user_id>:revoked"
 * (db_streams_announce_revoked()). */
static void on_payload(void *arg, const char *payload)
{
    const char *colon = strchr(payload, ':');
    char id[STR_UUID_SIZE];

    if (colon == NULL || colon - payload != STR_UUID_SIZE - 1) {
        log_msg(LOG_WARNING, "sse", "ignored a notification payload of unknown form");
        return;
    }
    memcpy(id, payload, STR_UUID_SIZE - 1);
    id[STR_UUID_SIZE - 1] = '\0';
    if (strcmp(colon, DB_STREAMS_REVOKED) == 0) {
        check_user(arg, id);
        return;
    }
    int64_t seq;
    if (!str_parse_int64(colon + 1, &seq) || seq < 1) {
        log_msg(LOG_WARNING, "sse", "ignored a notification payload of unknown form");
        return;
    }
    wake_user(arg, id, seq);
}

/* --- the hub thread: catch-up --------------------------------------------------------------- */

struct event {
    int64_t seq;
    char *text; /* "id: …\nevent: …\ndata: …\n\n", in the catch-up's arena */
    size_t len;
};

/* The seq to read after for the user's streams that can take more; false when none can. A
 * stream that is full is marked behind: its reader brings it back when it has drained. */
static bool catch_up_from(struct sse_user *u, int64_t *from)
{
    bool any = false;

    for (struct sse_stream *s = u->streams; s != NULL; s = s->next) {
        if (s->closing)
            continue;
        if (pending(s) >= HIGH_WATER) {
            s->behind = true;
            continue;
        }
        if (!any || s->last_seq < *from)
            *from = s->last_seq;
        any = true;
    }
    return any;
}

/* Appends the events the user's streams lack (under the lock). The events are those after
 * `from`; a stream that has not come that far (it opened, or drained below HIGH_WATER, while
 * they were read) would get a gap, so it takes none of them and waits for a read of its own. */
static void apply_events(struct sse_hub *h, struct sse_user *u, int64_t from,
                         const struct event *ev, int n, struct resumes *rs)
{
    for (struct sse_stream *s = u->streams; s != NULL; s = s->next) {
        if (s->closing)
            continue;
        if (s->last_seq < from) {
            if (pending(s) >= HIGH_WATER)
                s->behind = true; /* its reader marks the user dirty once it has drained */
            else
                mark_dirty(h, u);
            continue;
        }
        bool more = n == CATCH_UP_PAGE; /* the page was full: more rows may follow */
        for (int i = 0; i < n; i++) {
            if (ev[i].seq <= s->last_seq)
                continue;
            if (pending(s) >= HIGH_WATER) {
                more = true;
                break;
            }
            append(s, ev[i].text, ev[i].len, rs);
            s->last_seq = ev[i].seq;
        }
        s->behind = more;
        if (more && pending(s) < HIGH_WATER)
            mark_dirty(h, u); /* the next page, after the other users' turns */
    }
}

/* Reads and renders the user's notifications after `from`; 0 or an error code. */
static int fetch_events(struct db_conn *c, struct arena *a, const char *user_id, int64_t from,
                        struct event **out, int *n)
{
    struct notification *items;
    int rc = db_notifications_after(c, a, user_id, from, CATCH_UP_PAGE, &items, n);

    if (rc < 0)
        return rc;
    struct event *ev = arena_alloc(a, sizeof(*ev) * (size_t)(*n + 1));
    for (int i = 0; i < *n; i++) {
        struct buf b;
        buf_init(&b, SIZE_MAX);
        buf_printf(&b, "id: %lld\nevent: %s\ndata: ", (long long)items[i].seq,
                   notification_type_names[items[i].type]);
        api_notification_render(&b, &items[i]);
        buf_puts(&b, "\n\n");
        ev[i].seq = items[i].seq;
        ev[i].len = b.len;
        ev[i].text = arena_strndup(a, b.data, b.len);
        buf_free(&b);
    }
    *out = ev;
    return 0;
}

/* Drops every pending catch-up (the database failed): the next check finds who is behind. */
static void drop_dirty(struct sse_hub *h)
{
    pthread_mutex_lock(&h->mu);
    while (pop_dirty(h) != NULL)
        ;
    pthread_mutex_unlock(&h->mu);
}

/* Catches up dirty users, at most CATCH_UP_BATCH of them on one pooled connection. */
static void run_catch_up(struct sse_hub *h)
{
    struct db_conn *c = NULL;

    for (int done = 0; done < CATCH_UP_BATCH && !atomic_load(&h->stop); done++) {
        char id[STR_UUID_SIZE];
        int64_t from = 0;
        pthread_mutex_lock(&h->mu);
        struct sse_user *u = pop_dirty(h);
        bool any = u != NULL && catch_up_from(u, &from);
        if (u != NULL)
            snprintf(id, sizeof(id), "%s", u->id);
        pthread_mutex_unlock(&h->mu);
        if (u == NULL)
            break;
        if (!any)
            continue;
        if (c == NULL && db_acquire(h->db, &c) < 0) {
            log_msg(LOG_WARNING, "sse", "no database connection for the catch-up of streams");
            drop_dirty(h);
            break;
        }
        struct arena a;
        struct event *ev = NULL;
        int n = 0;
        arena_init(&a);
        int rc = fetch_events(c, &a, id, from, &ev, &n);
        if (rc == 0 && n > 0) {
            struct resumes rs = {0};
            pthread_mutex_lock(&h->mu);
            u = find_user(h, id); /* its streams may have gone meanwhile */
            if (u != NULL)
                apply_events(h, u, from, ev, n, &rs);
            pthread_mutex_unlock(&h->mu);
            resume_all(h, &rs);
        }
        arena_free(&a);
        if (rc < 0) {
            log_msg(LOG_WARNING, "sse", "catch-up of notification streams failed: %s",
                    ts_err_name(rc));
            drop_dirty(h);
            break;
        }
    }
    db_release(c);
}

/* --- the hub thread: the periodic check, heartbeat, expiry --------------------------------- */

static int cmp_token(const void *a, const void *b)
{
    return strcmp(((const struct db_stream_token *)a)->token_hash,
                  ((const struct db_stream_token *)b)->token_hash);
}

/* The hashes of every open stream's token (duplicates included), marked with this check's
 * generation so that streams opened while it runs are left alone. Under the lock. */
static const char **collect_tokens(struct sse_hub *h, struct arena *a, uint64_t gen, int *n)
{
    const char **hashes = arena_alloc(a, sizeof(*hashes) * (size_t)(h->nstreams + 1));

    *n = 0;
    for (int b = 0; b < USER_BUCKETS; b++)
        for (struct sse_user *u = h->buckets[b]; u != NULL; u = u->next)
            for (struct sse_stream *s = u->streams; s != NULL; s = s->next) {
                if (s->closing)
                    continue;
                s->check_gen = gen;
                hashes[(*n)++] = arena_strdup(a, s->token_hash);
            }
    return hashes;
}

/* One statement per CHECK_BATCH tokens; the answers sorted by hash. 0 or an error code. */
static int check_tokens(struct sse_hub *h, struct arena *a, const char **hashes, int n,
                        struct db_stream_token **valid, int *nvalid)
{
    struct db_conn *c = NULL;
    int rc = n > 0 ? db_acquire(h->db, &c) : 0;

    *valid = arena_alloc(a, sizeof(**valid) * (size_t)(n + 1));
    *nvalid = 0;
    for (int i = 0; rc == 0 && i < n; i += CHECK_BATCH) {
        struct db_stream_token *got;
        int ngot;
        int batch = n - i < CHECK_BATCH ? n - i : CHECK_BATCH;
        rc = db_streams_check(c, a, hashes + i, batch, time_now_ms(), &got, &ngot);
        if (rc == 0) {
            memcpy(*valid + *nvalid, got, sizeof(*got) * (size_t)ngot);
            *nvalid += ngot;
        }
    }
    db_release(c);
    qsort(*valid, (size_t)*nvalid, sizeof(**valid), cmp_token);
    return rc;
}

/*
 * Every open stream: its token still authenticates (else the stream ends: logout, expiry or
 * deactivation, on whichever instance it happened), and its user has nothing newer than the
 * stream has queued (else it catches up: the safety net for a wake that never came). With
 * `beat`, an idle stream also gets a heartbeat, which finds clients that went away, too.
 */
static void run_check(struct sse_hub *h, bool beat)
{
    struct arena a;
    struct db_stream_token *valid = NULL;
    struct resumes rs = {0};
    int n, nvalid = 0, closed = 0;

    arena_init(&a);
    pthread_mutex_lock(&h->mu);
    uint64_t gen = ++h->check_gen;
    const char **hashes = collect_tokens(h, &a, gen, &n);
    pthread_mutex_unlock(&h->mu);
    int rc = check_tokens(h, &a, hashes, n, &valid, &nvalid);
    if (rc < 0) /* streams stay open; the next check tries again */
        log_msg(LOG_WARNING, "sse", "cannot check the tokens of notification streams: %s",
                ts_err_name(rc));

    pthread_mutex_lock(&h->mu);
    for (int b = 0; b < USER_BUCKETS; b++)
        for (struct sse_user *u = h->buckets[b]; u != NULL; u = u->next)
            for (struct sse_stream *s = u->streams; s != NULL; s = s->next) {
                if (s->closing)
                    continue;
                if (rc == 0 && s->check_gen == gen) {
                    struct db_stream_token key = {.token_hash = s->token_hash};
                    struct db_stream_token *t =
                        bsearch(&key, valid, (size_t)nvalid, sizeof(*valid), cmp_token);
                    if (t == NULL) {
                        log_msg(LOG_INFO, "sse",
                                "stream of request %s closed: its token no "
                                "longer authenticates",
                                s->request_id);
                        close_stream(s, &rs);
                        closed++;
                        continue;
                    }
                    s->expires_at = t->expires_at;
                    if (t->last_seq > s->last_seq)
                        mark_dirty(h, u);
                }
                if (beat && pending(s) == 0)
                    append(s, HEARTBEAT_LINE, sizeof(HEARTBEAT_LINE) - 1, &rs);
            }
    pthread_mutex_unlock(&h->mu);
    resume_all(h, &rs);
    arena_free(&a);
    if (closed > 0)
        log_msg(LOG_DEBUG, "sse", "check closed %d stream(s)", closed);
}

/* Ends the streams whose token has expired and finds the next expiry. Under the lock. */
static void close_expired(struct sse_hub *h, struct resumes *rs)
{
    int64_t now = time_now_ms();

    h->next_expiry = 0;
    for (int b = 0; b < USER_BUCKETS; b++)
        for (struct sse_user *u = h->buckets[b]; u != NULL; u = u->next)
            for (struct sse_stream *s = u->streams; s != NULL; s = s->next) {
                if (s->closing)
                    continue;
                if (s->expires_at <= now) {
                    log_msg(LOG_INFO, "sse", "stream of request %s closed: its token expired",
                            s->request_id);
                    close_stream(s, rs);
                } else if (h->next_expiry == 0 || s->expires_at < h->next_expiry) {
                    h->next_expiry = s->expires_at;
                }
            }
}

static void *hub_main(void *arg)
{
    struct sse_hub *h = arg;
    int64_t beat_ms = (int64_t)h->cfg->sse_heartbeat_seconds * 1000;

    log_set_context(NULL);
    pthread_mutex_lock(&h->mu);
    h->next_tick = time_mono_ms() + beat_ms;
    while (!atomic_load(&h->stop)) {
        bool beat = false;
        if (time_mono_ms() >= h->next_tick) {
            h->next_tick = time_mono_ms() + beat_ms;
            h->check_due = beat = true;
        }
        if (h->check_due) {
            h->check_due = false;
            pthread_mutex_unlock(&h->mu);
            run_check(h, beat);
            pthread_mutex_lock(&h->mu);
            continue;
        }
        if (h->dirty_head != NULL) {
            pthread_mutex_unlock(&h->mu);
            run_catch_up(h);
            pthread_mutex_lock(&h->mu);
            continue;
        }
        int64_t wake_at = h->next_tick;
        if (h->next_expiry != 0) {
            int64_t left = h->next_expiry - time_now_ms();
            if (left <= 0) {
                struct resumes rs = {0};
                close_expired(h, &rs);
                pthread_mutex_unlock(&h->mu);
                resume_all(h, &rs);
                pthread_mutex_lock(&h->mu);
                continue;
            }
            if (time_mono_ms() + left < wake_at)
                wake_at = time_mono_ms() + left;
        }
        time_cond_wait_until(&h->cond, &h->mu, wake_at);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

/* --- the listener thread (PostgreSQL) --------------------------------------------------------- */

/* Waits `ms`, or less when the hub stops. */
static void pause_ms(struct sse_hub *h, int ms)
{
    struct pollfd p = {.fd = h->stop_pipe[0], .events = POLLIN};

    while (poll(&p, 1, ms) < 0 && errno == EINTR)
        ;
}

/* Listens until the connection is lost or the hub stops. */
static void listen_until_lost(struct sse_hub *h, struct db_listener *l)
{
    int64_t next_ping = time_mono_ms() + LISTEN_PING_MS;

    while (!atomic_load(&h->stop)) {
        int64_t left = next_ping - time_mono_ms();
        if (left <= 0) {
            if (db_listen_ping(l, h->cfg->db_timeout_ms) < 0)
                return;
            next_ping = time_mono_ms() + LISTEN_PING_MS;
            continue;
        }
        if (db_listen_wait(l, h->stop_pipe[0], (int)left, on_payload, h) < 0)
            return;
    }
}

/*
 * Holds the LISTEN connection. Notifications committed while it is down are not delivered to
 * it, so after every (re)connection, with LISTEN active again, every open stream checks the
 * database for what it has not sent (request_check()). Reconnection waits 1 s, doubling to
 * 30 s while it fails.
 */
static void *listen_main(void *arg)
{
    struct sse_hub *h = arg;
    int backoff = BACKOFF_MIN_MS;
    bool was_lost = false;

    log_set_context(NULL);
    while (!atomic_load(&h->stop)) {
        struct db_listener *l = NULL;
        if (db_listen_open(h->cfg, h->cfg->db_timeout_ms, &l) < 0) {
            log_msg(LOG_WARNING, "sse", "cannot LISTEN for notifications; retrying in %d ms",
                    backoff);
            pause_ms(h, backoff);
            backoff = backoff * 2 < BACKOFF_MAX_MS ? backoff * 2 : BACKOFF_MAX_MS;
            was_lost = true;
            continue;
        }
        if (was_lost)
            log_msg(LOG_INFO, "sse", "listening for notifications again; streams catch up");
        backoff = BACKOFF_MIN_MS;
        request_check(h);
        listen_until_lost(h, l);
        db_listen_close(l);
        if (atomic_load(&h->stop))
            break;
        log_msg(LOG_WARNING, "sse", "LISTEN connection lost; reconnecting in %d ms", backoff);
        pause_ms(h, backoff);
        backoff = backoff * 2 < BACKOFF_MAX_MS ? backoff * 2 : BACKOFF_MAX_MS;
        was_lost = true;
    }
    return NULL;
}

/* --- start and stop ----------------------------------------------------------------------- */

struct sse_hub *sse_hub_new(const struct config *cfg, struct db *db, const struct sse_io *io)
{
    struct sse_hub *h = xcalloc(1, sizeof(*h));

    h->cfg = cfg;
    h->db = db;
    h->io = *io;
    atomic_init(&h->stop, false);
    pthread_mutex_init(&h->mu, NULL);
    time_cond_init(&h->cond);
    if (pipe(h->stop_pipe) != 0) {
        log_msg(LOG_ERROR, "sse", "pipe: %s", strerror(errno));
        abort();
    }
    fcntl(h->stop_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(h->stop_pipe[1], F_SETFD, FD_CLOEXEC);
    h->hub_started = pthread_create(&h->hub_thread, NULL, hub_main, h) == 0;
    if (db_backend(db) == DB_POSTGRES)
        h->listen_started = pthread_create(&h->listen_thread, NULL, listen_main, h) == 0;
    if (!h->hub_started || (db_backend(db) == DB_POSTGRES && !h->listen_started)) {
        log_msg(LOG_ERROR, "sse", "cannot start the notification stream threads");
        abort();
    }
    atomic_store(&observed, h);
    http_set_notify_observer(&hub_observer);
    return h;
}

void sse_hub_close_all(struct sse_hub *h)
{
    struct resumes rs = {0};
    int n = 0;

    pthread_mutex_lock(&h->mu);
    h->closed = true;
    for (int b = 0; b < USER_BUCKETS; b++)
        for (struct sse_user *u = h->buckets[b]; u != NULL; u = u->next)
            for (struct sse_stream *s = u->streams; s != NULL; s = s->next)
                if (!s->closing) {
                    close_stream(s, &rs);
                    n++;
                }
    pthread_mutex_unlock(&h->mu);
    resume_all(h, &rs);
    log_msg(LOG_INFO, "sse", "closing %d notification stream(s)", n);
}

void sse_hub_stop(struct sse_hub *h)
{
    if (h->stopped)
        return;
    h->stopped = true;
    pthread_mutex_lock(&h->mu);
    atomic_store(&h->stop, true);
    pthread_cond_signal(&h->cond);
    pthread_mutex_unlock(&h->mu);
    ssize_t w = write(h->stop_pipe[1], "x", 1);
    (void)w;
    if (h->hub_started)
        pthread_join(h->hub_thread, NULL);
    if (h->listen_started)
        pthread_join(h->listen_thread, NULL);
}

void sse_hub_free(struct sse_hub *h)
{
    if (h == NULL)
        return;
    sse_hub_stop(h);
    http_set_notify_observer(NULL);
    atomic_store(&observed, NULL);
    for (int b = 0; b < USER_BUCKETS; b++) {
        struct sse_user *u = h->buckets[b];
        while (u != NULL) { /* none are left once libmicrohttpd has stopped */
            struct sse_user *next = u->next;
            struct sse_stream *s = u->streams;
            while (s != NULL) {
                struct sse_stream *sn = s->next;
                buf_free(&s->out);
                free(s);
                s = sn;
            }
            free(u);
            u = next;
        }
    }
    close(h->stop_pipe[0]);
    close(h->stop_pipe[1]);
    pthread_cond_destroy(&h->cond);
    pthread_mutex_destroy(&h->mu);
    free(h);
}
