/*
 * The request object every handler receives, and the reply functions.
 *
 * server.c (the only file that includes microhttpd.h) copies what a request carries into a
 * struct http_req, runs the pipeline of request.c, and turns the queued reply into a
 * libmicrohttpd response. Everything here can therefore be driven by unit tests without a
 * socket.
 *
 * Memory: the request's arena (r->arena) holds everything request-scoped and is freed when the
 * connection reports the request complete. The reply body is malloc'ed and handed to MHD.
 */
#ifndef TS_HTTP_HTTP_H
#define TS_HTTP_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "model/user.h"
#include "util/validate.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

struct http_req;
struct http_server;
struct http_cleanup;
struct http_notified;
struct sse_stream;
struct db;
struct caller;
struct http_asset;
struct http_webapp;

typedef int (*http_handler)(struct http_req *r);

/* Access labels of API.md §1.5; the pipeline enforces them before the handler runs. */
enum route_access { ACCESS_PUBLIC = 0, ACCESS_ANY, ACCESS_AUTHOR, ACCESS_ADMIN };

/* Route flags. */
enum {
    ROUTE_BODY = 1 << 0,          /* takes a JSON body (415/400/422 rules of §1.2) */
    ROUTE_BODY_OPTIONAL = 1 << 1, /* with ROUTE_BODY: an empty body is fine */
    ROUTE_IDEMPOTENT = 1 << 2,    /* honours Idempotency-Key (§1.8) */
    /* The path's {module_id} is read with the token in one statement (db/caller.h); the
     * handler's unlocked reads of it use that copy. */
    ROUTE_WITH_MODULE = 1 << 3,
    /* Also the caller's progress record on that module. */
    ROUTE_WITH_RECORD = 1 << 4,
    /* Also accepts the token as ?access_token= when there is no bearer header (§1.5: only
     * the notification stream, since an EventSource cannot send headers). */
    ROUTE_QUERY_TOKEN = 1 << 5,
    /* Never touches the database (public, not idempotent; router_init() checks): runs on the
     * I/O thread, never queued behind database work (server.c), and documents no 503. */
    ROUTE_NO_DB = 1 << 6,
};

struct route {
    const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *pattern; /* "/api/v1/modules/{module_id}" */
    http_handler handler;
    enum route_access access;
    unsigned flags;
    const char *summary; /* one line, for logs and the OpenAPI document */
    /* Optional endpoint-level permission check that needs no body (step 4 of §1.4, e.g.
     * registration disabled); runs after authentication, before the body is parsed. Returns 0
     * to continue, or replies and returns -1. */
    int (*gate)(struct http_req *r);

    /* Documentation (http/openapi.c), from the schemas the handler validates with
     * (api/schemas.h). Path parameters come from the pattern. */
    const char *operation;         /* operationId: the handler's name without "api_" */
    const struct schema *query;    /* query parameters, or NULL */
    const struct schema *body;     /* request body (with ROUTE_BODY), or NULL */
    int ok;                        /* success status; 0 means 200 */
    const struct schema *response; /* success body; NULL: none (204) or `media` */
    const char *media;             /* success media type when not JSON (text/event-stream) */
    const struct schema *conflict; /* a 409 body with keys beside detail (implies DOC_CONFLICT) */
    unsigned doc;                  /* DOC_* */
};

/* Documentation flags of a route: the error responses its properties do not imply. */
enum {
    DOC_CONFLICT = 1 << 0,       /* 409 from the endpoint's rules */
    DOC_RATE_LIMITED = 1 << 1,   /* 429 with Retry-After */
    DOC_TOKEN_OPTIONAL = 1 << 3, /* public, unless configured to want a bearer token (401) */
    DOC_NOT_READY = 1 << 4,      /* 503 carries the success schema (readiness) */
    DOC_CREDENTIALS = 1 << 5,    /* public, but 401 for wrong credentials (login) */
    DOC_NOT_MODIFIED = 1 << 6,   /* 304 when If-None-Match names the current ETag (/docs) */
};

struct http_kv {
    const char *name;
    const char *value;
};

#define HTTP_MAX_HEADERS 64
#define HTTP_MAX_QUERY 32
#define HTTP_MAX_PATH_PARAMS 4
#define HTTP_MAX_REPLY_HEADERS 16

struct http_req {
    struct arena arena;
    const struct config *cfg;
    struct db *db;
    struct http_server *server; /* NULL in unit tests */
    /* The web app's files (http/webapp.h), the server's; NULL: none served. Tests without a
     * server may set their own after http_req_init(). */
    const struct http_webapp *webapp;

    /* The request as received (strings in the arena). */
    const char *method;
    const char *path;
    struct http_kv headers[HTTP_MAX_HEADERS];
    int nheaders;
    /* A NULL value was not valid UTF-8 or held NUL; the pipeline answers 422 before any
     * handler could read it, and http_query() reports it absent. */
    struct http_kv query[HTTP_MAX_QUERY];
    int nquery;
    const char *client_ip;
    char request_id[129];
    /* From a valid W3C traceparent, else "" (API.md §1.9). */
    char trace_id[33];      /* 32 lower-case hex digits */
    char span_id[17];       /* the caller's span: traceparent's parent-id */
    struct log_context log; /* points at the ids above, + the sampled flag: for every line */
    int64_t start_ns;       /* time_mono_ns() when the request began */

    /* Routing. */
    const struct route *route; /* NULL when unmatched */
    /* A route with the path's template, also for a 405 and for a request answered before
     * routing (framing 400, preflight); NULL when no template takes the path. */
    const struct route *template_route;
    /* Unrouted: the static file a GET of this path is answered with (http/static.h), and the
     * label of a static path for the access line and the metrics (an entry of
     * http_static_labels; NULL: "unmatched"). */
    const struct http_asset *asset;
    const char *static_label;
    /* The path held an encoded NUL ("%00"), which libmicrohttpd decodes and so cuts the path
     * short: no route or file matches it (server.c). */
    bool path_has_nul;
    struct http_kv params[HTTP_MAX_PATH_PARAMS];
    int nparams;
    const char *cors_origin; /* the request's Origin when CORS allows it */

    /* Body: read only for ROUTE_BODY routes, up to MAX_BODY_BYTES. */
    struct buf body;
    uint64_t body_seen; /* bytes received, kept or not */
    bool body_too_big;
    json_t *json; /* parsed body (owned; freed with the request) */

    /* Authentication (filled by the auth step for routes that need it, http/auth.c). */
    struct user *user;      /* the caller; NULL on public routes */
    const char *user_id;    /* user->id, for the access log */
    const char *token_hash; /* hash of the bearer token used */
    /* What the auth step read with the token (ROUTE_WITH_MODULE / ROUTE_WITH_RECORD routes
     * with a valid module_id); NULL otherwise. */
    const struct caller *caller;

    /* Idempotency-Key (http/idempotency.c): the key, and whether this request claimed it. */
    const char *idem_key;
    bool idem_claimed;

    /* Cleanups run when the request is freed (http_on_free(), http_own_json()). */
    struct http_cleanup *cleanups;

    /* Notifications the request's transaction created and users whose tokens it revoked
     * (http_notification_created(), http_tokens_revoked()). */
    struct http_notified *notified;

    /* The request's database connection, taken on first use by http_conn() and returned when
     * the handler is done. */
    struct db_conn *conn;

    /* The reply. */
    bool replied;
    int status;
    char *reply_body; /* malloc'ed; handed to MHD */
    /* Instead of reply_body: bytes of process lifetime (an embedded file, the OpenAPI document),
     * sent without a copy. */
    const char *reply_static;
    size_t reply_len;
    const char *content_type;
    struct http_kv reply_headers[HTTP_MAX_REPLY_HEADERS];
    int nreply_headers;
    bool close_connection;
    /* A notification stream instead of a body (http_reply_stream()); owned by the request
     * until server.c hands it to libmicrohttpd. */
    struct sse_stream *stream;
};

/* Lookups: header names are case-insensitive; for repeated query parameters the last wins.
 * Return NULL when absent. Borrowed, request lifetime. */
const char *http_header(const struct http_req *r, const char *name);
const char *http_query(const struct http_req *r, const char *name);
const char *http_param(const struct http_req *r, const char *name);

/*
 * Replies. Each request gets exactly one; a second call is a programming error (asserted in
 * debug builds, ignored and logged otherwise). All return 0 so handlers can `return` them.
 */

/* JSON reply; steals `body` (json_decref'ed). */
int http_reply_json_new(struct http_req *r, int status, json_t *body);

/* {"detail": detail} with `status`. */
int http_reply_detail(struct http_req *r, int status, const char *detail);

/* The reply for error code `rc` (TS_E*): status and detail from TS_ERR_MAP, with
 * WWW-Authenticate on 401 and Retry-After: 5 on 503. */
int http_reply_err(struct http_req *r, int rc);

/* 422 with the list of `v` (taken from it). */
int http_reply_invalid(struct http_req *r, struct valid *v);

/* Ends a validation pass: frees `v`; when it recorded errors, replies 422 with them and
 * returns -1, else returns 0. */
int http_valid_or_reply(struct http_req *r, struct valid *v);

/* 204 No Content. */
int http_reply_empty(struct http_req *r, int status);

/* Reply body with a content type, not copied: `body` must live as long as the process (the
 * files compiled into the binary, the OpenAPI document). */
int http_reply_borrowed(struct http_req *r, int status, const char *content_type, const char *body,
                        size_t len);

/* Raw reply body with a content type; `body` copied. */
int http_reply_raw(struct http_req *r, int status, const char *content_type, const char *body,
                   size_t len);

/* Adds a reply header; name and value must live as long as the request (literals or arena). */
void http_add_header(struct http_req *r, const char *name, const char *value);

/* The request's database connection (acquired once, released after the handler). 0 or
 * TS_EUNAVAIL. */
int http_conn(struct http_req *r, struct db_conn **out);

/* Serialises `doc` as compact JSON into the arena and drops it (steals `doc`). "{}" for NULL. */
const char *http_dump_new(struct arena *a, json_t *doc);

/*
 * The request's transaction (docs/ARCHITECTURE.md, "Transactions"): the handler opens it with
 * http_begin_write_or_reply() and ends it with http_commit_or_reply() or
 * http_commit_and_reply(); every other way out rolls it back when the connection is returned
 * after the handler.
 */

/* Opens a write transaction on the request's connection; 0, or -1 after replying 503/500. */
int http_begin_write_or_reply(struct http_req *r);

/* Commits the request's transaction when one is open (a single statement outside one was its
 * own); 0, or -1 after replying the failure (503/500). */
int http_commit_or_reply(struct http_req *r);

/*
 * Notifications and the streams that deliver them (API.md §12). A handler that inserts a
 * notification in its transaction names it here, and so does one that revokes tokens of a user
 * (logout, deactivation); once http_commit_or_reply() has committed, the observer (the stream
 * hub of http/sse.c) wakes this instance's streams of that user, or has them check their
 * tokens at once. Other instances learn of both from PostgreSQL's NOTIFY. Nothing is announced
 * for a transaction that does not commit.
 */
struct http_observer {
    void (*committed)(const char *user_id, int64_t seq); /* notification `seq` exists */
    void (*revoked)(const char *user_id);                /* tokens of the user were revoked */
};

/* Records that notification `seq` of `user_id`, of `type` (enum notification_type), was
 * created by the request's transaction; it is counted in the metrics once committed. */
void http_notification_created(struct http_req *r, const char *user_id, int64_t seq, int type);

/* Records that the request's transaction revoked tokens of `user_id` (or deactivated it). */
void http_tokens_revoked(struct http_req *r, const char *user_id);

/* Announces a committed notification of `type` to the observer and counts it in the metrics;
 * for code outside a request (the due-soon scheduler) after its own commit. Thread safe. */
void http_notification_committed(const char *user_id, int64_t seq, int type);

/* Sets the observer (NULL: none; nothing is announced). Call before threads start; `o` must
 * outlive its use. */
void http_set_notify_observer(const struct http_observer *o);

/*
 * Replies with a notification stream (API.md §12) for the authenticated caller and its token:
 * `retry: 5000`, then every notification of the caller with seq > `after_seq`, then each new
 * one as it commits, and heartbeats, until `expires_at` (the token's expiry, ms since the
 * epoch), logout, deactivation or shutdown (http/sse.c). At SSE_MAX_STREAMS_PER_USER open
 * streams replies 429 "Too many open streams" with Retry-After: 5 instead; while the server
 * shuts down, a stream that ends after `retry:`. Returns 0.
 */
int http_reply_stream(struct http_req *r, int64_t after_seq, int64_t expires_at);

/* Commits, then replies `status` with `body` (taken; NULL: no body, e.g. 204); after a failed
 * commit replies the failure instead and drops `body`. Returns 0. */
int http_commit_and_reply(struct http_req *r, int status, json_t *body);

/* Runs fn(arg) when the request is freed (after the reply was sent), last registered first. */
void http_on_free(struct http_req *r, void (*fn)(void *arg), void *arg);

/* Hands `doc` to the request: it is json_decref'ed when the request is freed. Returns doc. */
json_t *http_own_json(struct http_req *r, json_t *doc);

/* True while the server drains after SIGTERM (readiness reports it). */
bool http_server_shutting_down(const struct http_server *s);

#endif
