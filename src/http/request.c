/*
 * The request pipeline (API.md §1.4); see request.h.
 *
 * Sections: setup and lookups; framing and routing (after headers); body; dispatch; the
 * headers every reply carries; the access log.
 */
#include "http/request.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/db.h"
#include "http/auth.h"
#include "http/idempotency.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/sse.h"
#include "http/static.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

/* --- setup and lookups -------------------------------------------------------------------- */

void http_req_init(struct http_req *r, const struct config *cfg, struct db *db,
                   struct http_server *server)
{
    memset(r, 0, sizeof(*r));
    arena_init(&r->arena);
    r->cfg = cfg;
    r->db = db;
    r->server = server;
    r->webapp = server != NULL ? http_server_webapp(server) : NULL;
    /* Points into the request itself, filled as the ids are read (assign_ids()). */
    r->log = (struct log_context){
        .request_id = r->request_id, .trace_id = r->trace_id, .span_id = r->span_id};
    r->start_ns = time_mono_ns();
    r->method = "";
    r->path = "";
    r->client_ip = "";
    buf_init(&r->body, (size_t)cfg->max_body_bytes);
}

struct http_cleanup {
    void (*fn)(void *arg);
    void *arg;
    struct http_cleanup *next;
};

void http_on_free(struct http_req *r, void (*fn)(void *arg), void *arg)
{
    struct http_cleanup *c = arena_alloc(&r->arena, sizeof(*c));

    c->fn = fn;
    c->arg = arg;
    c->next = r->cleanups;
    r->cleanups = c;
}

static void decref(void *doc)
{
    json_decref(doc);
}

json_t *http_own_json(struct http_req *r, json_t *doc)
{
    if (doc != NULL)
        http_on_free(r, decref, doc);
    return doc;
}

void http_req_free(struct http_req *r)
{
    for (struct http_cleanup *c = r->cleanups; c != NULL; c = c->next)
        c->fn(c->arg);
    r->cleanups = NULL;
    db_release(r->conn);
    r->conn = NULL;
    json_decref(r->json);
    r->json = NULL;
    buf_free(&r->body);
    free(r->reply_body);
    r->reply_body = NULL;
    if (r->stream != NULL) /* a stream reply that never reached libmicrohttpd */
        sse_stream_release(r->stream);
    r->stream = NULL;
    arena_free(&r->arena);
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/*
 * A field value excludes the whitespace around it (RFC 9110 §5.5); libmicrohttpd drops the
 * leading part only, so "Bearer <token> " would reach the token check with its space. Trimming
 * once here serves every header. The framing headers are the exception: libmicrohttpd decides
 * the framing from its own untrimmed copy ("chunked " is not chunked to it, and it would read
 * such a body until the connection closes), so framing_is_bad() must judge those same bytes.
 */
bool http_req_add_header(struct http_req *r, const char *name, const char *value)
{
    const char *v = value ? value : "";
    size_t n = strlen(v);

    if (r->nheaders == HTTP_MAX_HEADERS)
        return false;
    if (strcasecmp(name, "Content-Length") != 0 && strcasecmp(name, "Transfer-Encoding") != 0) {
        while (is_ows(*v)) {
            v++;
            n--;
        }
        while (n > 0 && is_ows(v[n - 1]))
            n--;
    }
    r->headers[r->nheaders].name = arena_strdup(&r->arena, name);
    r->headers[r->nheaders].value = arena_strndup(&r->arena, v, n);
    r->nheaders++;
    return true;
}

/*
 * Whether s[0..n) is text both databases can store: well-formed UTF-8 (no overlong forms,
 * surrogates or code points past U+10FFFF, all of which PostgreSQL rejects) without NUL, which
 * no text column holds.
 */
static bool is_text(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + n;

    while (p < end) {
        unsigned c = *p++;
        int more;
        uint32_t min;
        if (c == 0)
            return false;
        if (c < 0x80)
            continue;
        if (c >= 0xc2 && c <= 0xdf) {
            more = 1;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            more = 2;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            more = 3;
            min = 0x10000;
        } else {
            return false; /* a continuation byte, 0xc0/0xc1 (always overlong) or past 0xf4 */
        }
        if (end - p < more)
            return false;
        uint32_t cp = c & (0x3fu >> more); /* the lead byte's payload bits */
        for (int i = 0; i < more; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        p += more;
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
    }
    return true;
}

bool http_req_add_query_n(struct http_req *r, const char *name, size_t name_len, const char *value,
                          size_t value_len)
{
    if (r->nquery == HTTP_MAX_QUERY)
        return false;
    if (!is_text(name, name_len))
        return true; /* ignored like any parameter the endpoint does not list */
    r->query[r->nquery].name = arena_strndup(&r->arena, name, name_len);
    if (value == NULL) /* "?flag" without '=' */
        r->query[r->nquery].value = "";
    else if (is_text(value, value_len))
        r->query[r->nquery].value = arena_strndup(&r->arena, value, value_len);
    else
        r->query[r->nquery].value = NULL; /* answered 422 by query_is_text_or_reply() */
    r->nquery++;
    return true;
}

bool http_req_add_query(struct http_req *r, const char *name, const char *value)
{
    return http_req_add_query_n(r, name, strlen(name), value, value ? strlen(value) : 0);
}

const char *http_header(const struct http_req *r, const char *name)
{
    for (int i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static int header_count(const struct http_req *r, const char *name)
{
    int n = 0;

    for (int i = 0; i < r->nheaders; i++)
        n += strcasecmp(r->headers[i].name, name) == 0;
    return n;
}

const char *http_query(const struct http_req *r, const char *name)
{
    for (int i = r->nquery - 1; i >= 0; i--) /* the last occurrence wins (§1.1) */
        if (strcmp(r->query[i].name, name) == 0)
            return r->query[i].value;
    return NULL;
}

const char *http_param(const struct http_req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (strcmp(r->params[i].name, name) == 0)
            return r->params[i].value;
    return NULL;
}

/* --- request id and trace id -------------------------------------------------------------- */

bool http_request_id_is_valid(const char *s)
{
    size_t n = strlen(s);

    if (n < 1 || n > 128)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("._:-", *s))
            return false;
    return true;
}

/* A lower-case hex digit's value, else -1. */
static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* `n` lower-case hex digits, not all zero (W3C trace and parent ids). */
static bool is_lower_hex(const char *s, size_t n)
{
    bool nonzero = false;

    for (size_t i = 0; i < n; i++) {
        if (hex_value(s[i]) < 0)
            return false;
        nonzero |= s[i] != '0';
    }
    return nonzero;
}

/*
 * W3C Trace Context (level 1, §3.2) "<version>-<trace-id>-<parent-id>-<flags>": 2, 32, 16 and 2
 * lower-case hex digits. Version ff is invalid; version 00 is exactly 55 characters; a later
 * version may carry more fields after a '-', which are ignored. All-zero ids are invalid. An
 * invalid header is ignored (the request is served, the line has no trace id).
 */
bool http_traceparent_parse(const char *tp, char trace_id[33], char span_id[17], bool *sampled)
{
    size_t n = tp ? strlen(tp) : 0;

    if (n < 55 || hex_value(tp[0]) < 0 || hex_value(tp[1]) < 0 || strncmp(tp, "ff", 2) == 0 ||
        tp[2] != '-' || tp[35] != '-' || tp[52] != '-' || !is_lower_hex(tp + 3, 32) ||
        !is_lower_hex(tp + 36, 16) || hex_value(tp[53]) < 0 || hex_value(tp[54]) < 0)
        return false;
    if (strncmp(tp, "00", 2) == 0 ? n != 55 : n > 55 && tp[55] != '-')
        return false;
    memcpy(trace_id, tp + 3, 32);
    trace_id[32] = '\0';
    memcpy(span_id, tp + 36, 16);
    span_id[16] = '\0';
    *sampled = (hex_value(tp[54]) & 1) != 0;
    return true;
}

static void assign_ids(struct http_req *r)
{
    const char *rid = http_header(r, "X-Request-ID");

    if (rid != NULL && http_request_id_is_valid(rid))
        snprintf(r->request_id, sizeof(r->request_id), "%s", rid);
    else
        crypto_request_id(r->request_id);
    http_traceparent_parse(http_header(r, "traceparent"), r->trace_id, r->span_id, &r->log.sampled);
}

/* --- framing, CORS and routing ------------------------------------------------------------ */

/*
 * Request smuggling guards. libmicrohttpd 0.9.75 accepts two differing Content-Length headers
 * (and answers the leftover bytes as a second request) and waits forever on an unknown
 * transfer coding, so these are refused here, before any body is read, and the connection is
 * closed after the 400: exactly one response on such a connection.
 */
static bool framing_is_bad(const struct http_req *r)
{
    const char *te = http_header(r, "Transfer-Encoding");
    const char *cl = http_header(r, "Content-Length");

    if (header_count(r, "Content-Length") > 1 || header_count(r, "Transfer-Encoding") > 1)
        return true;
    if (te != NULL && (cl != NULL || strcasecmp(te, "chunked") != 0))
        return true;
    if (cl != NULL) {
        if (*cl == '\0' || strlen(cl) > 19)
            return true;
        for (const char *p = cl; *p; p++)
            if (!isdigit((unsigned char)*p))
                return true;
    }
    return false;
}

static const char *const cors_allow_headers =
    "Authorization, Content-Type, Idempotency-Key, X-Request-ID, Last-Event-ID";

/* Preflight (§1.10): OPTIONS with Origin and Access-Control-Request-Method, any path. */
static bool reply_preflight(struct http_req *r)
{
    const char *origin = http_header(r, "Origin");

    if (strcmp(r->method, "OPTIONS") != 0 || origin == NULL ||
        http_header(r, "Access-Control-Request-Method") == NULL)
        return false;
    if (!config_origin_allowed(r->cfg, origin)) {
        http_reply_detail(r, 400, "Disallowed CORS origin");
        return true;
    }
    http_reply_empty(r, 204);
    http_add_header(r, "Access-Control-Allow-Origin", r->cfg->cors_any ? "*" : origin);
    http_add_header(r, "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
    http_add_header(r, "Access-Control-Allow-Headers", cors_allow_headers);
    http_add_header(r, "Access-Control-Max-Age", "600");
    http_add_header(r, "Vary", "Origin");
    return true;
}

/*
 * A path no route knows: perhaps a static file (an embedded one, or the web app's), replied to
 * once the request is complete (http_req_reply_static()). A reply queued now would close the
 * connection, since libmicrohttpd cannot keep one whose request it has not read to the end.
 * The 404 and 405 of a static path carry its security headers like its files do.
 */
static void route_static(struct http_req *r)
{
    struct http_static_hit hit;

    if (!http_static_lookup(r->webapp, r->path, &hit)) {
        http_reply_err(r, TS_ENOTFOUND);
        return;
    }
    r->static_label = hit.label;
    if (strcmp(r->method, "GET") != 0) {
        http_reply_err(r, TS_EMETHOD);
        http_add_header(r, "Allow", "GET");
    } else if (hit.asset == NULL || r->path_has_nul) {
        http_reply_err(r, TS_ENOTFOUND);
    } else {
        r->asset = hit.asset;
        return;
    }
    http_static_security_headers(r, hit.csp);
}

static void route(struct http_req *r, enum router_result res, const struct router_match *m)
{
    if (res == ROUTER_NOT_FOUND) {
        route_static(r);
        return;
    }
    if (res == ROUTER_METHOD_NOT_ALLOWED) {
        http_reply_err(r, TS_EMETHOD);
        http_add_header(r, "Allow", arena_strdup(&r->arena, m->allow));
        return;
    }
    r->route = m->route;
    r->nparams = m->nparams;
    for (int i = 0; i < m->nparams; i++) {
        r->params[i].name = arena_strndup(&r->arena, m->params[i].name, m->params[i].name_len);
        r->params[i].value = arena_strndup(&r->arena, m->params[i].value, m->params[i].value_len);
    }
}

bool http_req_on_headers(struct http_req *r, const struct router *rt)
{
    assign_ids(r);
    const char *origin = http_header(r, "Origin");
    if (origin != NULL && config_origin_allowed(r->cfg, origin))
        r->cors_origin = origin;
    /* Matched first, so that a request answered before routing (a framing 400, a preflight)
     * is labelled with its path's template in the access line and the metrics too. */
    struct router_match m;
    enum router_result res =
        r->path_has_nul ? ROUTER_NOT_FOUND : router_match(rt, r->method, r->path, &m);
    r->template_route = res == ROUTER_NOT_FOUND ? NULL : m.template_route;

    if (framing_is_bad(r)) {
        http_reply_detail(r, 400, "Malformed request framing");
        r->close_connection = true;
        return true;
    }
    if (reply_preflight(r))
        return true;
    route(r, res, &m);
    if (r->replied)
        return true;
    const char *cl = http_header(r, "Content-Length");
    if (cl != NULL && strtoull(cl, NULL, 10) > (unsigned long long)r->cfg->max_body_bytes) {
        http_reply_err(r, TS_ETOOBIG);
        r->close_connection = true;
        return true;
    }
    return false;
}

/* --- body ------------------------------------------------------------------------------- */

bool http_req_on_body(struct http_req *r, const char *data, size_t len)
{
    if (r->body_too_big)
        return true;
    r->body_seen += len;
    /* Only a body without Content-Length (chunked) gets here past the cap. Nothing after this
     * point could change the answer, so it is decided now rather than after the last chunk:
     * a client that never ends its body must not hold the connection (§1.2 "else while
     * reading"). */
    if (r->body_seen > (uint64_t)r->cfg->max_body_bytes) {
        r->body_too_big = true;
        buf_free(&r->body);
        http_reply_err(r, TS_ETOOBIG);
        r->close_connection = true;
        return true;
    }
    if (r->route != NULL && (r->route->flags & ROUTE_BODY))
        buf_append(&r->body, data, len); /* cannot exceed the cap: checked above */
    return false;
}

static bool is_json_media_type(const char *ct)
{
    static const char want[] = "application/json";
    size_t n = sizeof(want) - 1;

    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (strncasecmp(ct, want, n) != 0)
        return false;
    ct += n;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    return *ct == '\0' || *ct == ';';
}

/*
 * Limits on a parsed body's shape (docs/DECISIONS.md, "Resource limits of JSON bodies"). A
 * body under MAX_BODY_BYTES can still hold half a million values or arrays nested two thousand
 * deep (jansson's own bound); the validators would then spend their time, and the 422 list its
 * size, on one error per value. No body of the contract comes near these limits: the largest
 * (a branching path of 1000 steps with responses) has about 14000 values and depth 6.
 */
#define BODY_MAX_DEPTH 32     /* deeper: 400 Malformed JSON, as jansson beyond 2048 */
#define BODY_MAX_MEMBERS 1000 /* keys of one object; more: 413 */
#define BODY_MAX_VALUES 20000 /* values in the whole body; more: 413 */

enum body_shape { SHAPE_OK, SHAPE_TOO_DEEP, SHAPE_TOO_BIG };

/* Walks `j` at nesting level `depth` (1 for the body itself), counting values into *values;
 * stops at the first limit passed. The recursion is bounded by BODY_MAX_DEPTH. */
static enum body_shape body_shape(json_t *j, int depth, size_t *values)
{
    enum body_shape res = SHAPE_OK;

    if (++*values > BODY_MAX_VALUES)
        return SHAPE_TOO_BIG;
    if (!json_is_object(j) && !json_is_array(j))
        return SHAPE_OK;
    if (depth > BODY_MAX_DEPTH)
        return SHAPE_TOO_DEEP;
    if (json_is_object(j)) {
        const char *key;
        json_t *item;
        if (json_object_size(j) > BODY_MAX_MEMBERS)
            return SHAPE_TOO_BIG;
        json_object_foreach(j, key, item)
        {
            if ((res = body_shape(item, depth + 1, values)) != SHAPE_OK)
                return res;
        }
        return SHAPE_OK;
    }
    size_t i;
    json_t *item;
    json_array_foreach(j, i, item)
    {
        if ((res = body_shape(item, depth + 1, values)) != SHAPE_OK)
            return res;
    }
    return SHAPE_OK;
}

/* Step 5 for the body (§1.2): 415, 400, then the body-level 422s. */
int http_req_parse_body_or_reply(struct http_req *r)
{
    json_error_t err;

    if (r->body.len == 0) {
        if (r->route->flags & ROUTE_BODY_OPTIONAL)
            return 0;
        struct valid v;
        valid_init(&v, &r->arena, "body");
        valid_error(&v, NULL, "missing", "Field required");
        http_reply_invalid(r, &v);
        valid_free(&v);
        return -1;
    }
    const char *ct = http_header(r, "Content-Type");
    if (ct == NULL || !is_json_media_type(ct)) {
        http_reply_err(r, TS_EMEDIA);
        return -1;
    }
    /* jansson rejects invalid UTF-8, \u0000 (without JSON_ALLOW_NUL) and integers outside
     * int64; for duplicate keys the last one wins, as §1.2 asks. */
    r->json = json_loadb(r->body.data, r->body.len, JSON_DECODE_ANY, &err);
    if (r->json == NULL) {
        http_reply_err(r, TS_EBADJSON);
        return -1;
    }
    size_t values = 0;
    enum body_shape shape = body_shape(r->json, 1, &values);
    if (shape != SHAPE_OK) {
        http_reply_err(r, shape == SHAPE_TOO_DEEP ? TS_EBADJSON : TS_ETOOBIG);
        return -1;
    }
    if (!json_is_object(r->json)) {
        struct valid v;
        valid_init(&v, &r->arena, "body");
        valid_error(&v, NULL, "model_attributes_type",
                    "Input should be a valid dictionary or object to extract fields from");
        http_reply_invalid(r, &v);
        valid_free(&v);
        return -1;
    }
    return 0;
}

/*
 * Step 5 for the query string: every value, listed by the endpoint or not, must be text a
 * statement can carry. PostgreSQL refuses invalid UTF-8 (and NUL) in a parameter, which would
 * otherwise surface as a 500; SQLite would store the bytes and fail later when they are rendered
 * as JSON. Checking all values here, once, covers every route and every later use.
 */
static int query_is_text_or_reply(struct http_req *r)
{
    struct valid v;
    int first = 0;

    while (first < r->nquery && r->query[first].value != NULL)
        first++;
    if (first == r->nquery) /* the common case: no validation pass to build */
        return 0;
    valid_init(&v, &r->arena, "query");
    for (int i = first; i < r->nquery; i++) {
        if (r->query[i].value == NULL)
            valid_error(&v, r->query[i].name, "string_unicode",
                        "Input should be a valid string, unable to parse raw data as a unicode "
                        "string");
    }
    return http_valid_or_reply(r, &v);
}

/* --- dispatch --------------------------------------------------------------------------- */

void http_req_dispatch(struct http_req *r)
{
    /* A reply from the headers, the 413 of a body past the cap, or an embedded file (which
     * server.c serves without a handler thread; unit tests get here with one). */
    if (r->replied || http_req_reply_static(r))
        return;
    log_set_context(&r->log);
    /* Steps 3 and 4: authentication and endpoint permission from the route's access label. */
    if (r->route->access != ACCESS_PUBLIC && http_auth_or_reply(r) < 0)
        goto out;
    if (r->route->gate != NULL && r->route->gate(r) < 0)
        goto out;
    /* Step 5: 415 and 400 of the body, then the 422s (body, query, header). */
    if ((r->route->flags & ROUTE_BODY) && http_req_parse_body_or_reply(r) < 0)
        goto out;
    if (query_is_text_or_reply(r) < 0)
        goto out;
    if ((r->route->flags & ROUTE_IDEMPOTENT) && http_idem_check_header_or_reply(r) < 0)
        goto out;
    int rc = r->route->handler(r);
    if (rc < 0 && !r->replied)
        http_reply_err(r, rc);
    if (!r->replied) {
        log_msg(LOG_ERROR, "http", "handler for %s %s queued no reply", r->route->method,
                r->route->pattern);
        http_reply_err(r, TS_EINTERNAL);
    }
    http_idem_finish(r);
out:
    /* The connection goes back before the reply is sent: a slow reader holds no connection. */
    db_release(r->conn);
    r->conn = NULL;
    log_set_context(NULL);
}

bool http_req_reply_static(struct http_req *r)
{
    if (r->replied || r->asset == NULL)
        return false;
    http_static_reply(r, r->asset);
    return true;
}

int http_begin_write_or_reply(struct http_req *r)
{
    struct db_conn *c;
    int rc = http_conn(r, &c);

    if (rc == 0)
        rc = db_begin_write(c);
    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    return 0;
}

struct http_notified {
    char user_id[STR_UUID_SIZE];
    int64_t seq; /* 0: the user's tokens were revoked */
    int type;    /* enum notification_type of a notification */
    struct http_notified *next;
};

static const struct http_observer *observer;

void http_set_notify_observer(const struct http_observer *o)
{
    observer = o;
}

void http_notification_committed(const char *user_id, int64_t seq, int type)
{
    http_metrics_notification(type);
    if (observer != NULL)
        observer->committed(user_id, seq);
}

static void record(struct http_req *r, const char *user_id, int64_t seq, int type)
{
    struct http_notified *n = arena_zalloc(&r->arena, sizeof(*n));

    snprintf(n->user_id, sizeof(n->user_id), "%s", user_id);
    n->seq = seq;
    n->type = type;
    n->next = r->notified;
    r->notified = n;
}

void http_notification_created(struct http_req *r, const char *user_id, int64_t seq, int type)
{
    record(r, user_id, seq, type);
}

void http_tokens_revoked(struct http_req *r, const char *user_id)
{
    record(r, user_id, 0, 0);
}

int http_commit_or_reply(struct http_req *r)
{
    int rc = r->conn != NULL && db_in_tx(r->conn) ? db_commit(r->conn) : 0;

    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    /* Committed: the notifications exist for every reader now, and revoked tokens no longer
     * authenticate. */
    for (struct http_notified *n = r->notified; n != NULL; n = n->next) {
        if (n->seq != 0)
            http_notification_committed(n->user_id, n->seq, n->type);
        else if (observer != NULL)
            observer->revoked(n->user_id);
    }
    r->notified = NULL;
    return 0;
}

int http_commit_and_reply(struct http_req *r, int status, json_t *body)
{
    if (http_commit_or_reply(r) < 0) {
        json_decref(body);
        return 0;
    }
    if (body == NULL)
        return http_reply_empty(r, status);
    return http_reply_json_new(r, status, body);
}

const char *http_dump_new(struct arena *a, json_t *doc)
{
    char *text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
    const char *out = arena_strdup(a, text != NULL ? text : "{}");

    free(text);
    json_decref(doc);
    return out;
}

int http_conn(struct http_req *r, struct db_conn **out)
{
    if (r->conn == NULL) {
        int rc = db_acquire(r->db, &r->conn);
        if (rc < 0)
            return rc;
    }
    *out = r->conn;
    return 0;
}

/* --- headers on every reply ------------------------------------------------------------- */

static bool reply_has_header(const struct http_req *r, const char *name)
{
    for (int i = 0; i < r->nreply_headers; i++)
        if (strcasecmp(r->reply_headers[i].name, name) == 0)
            return true;
    return false;
}

void http_req_finish_reply(struct http_req *r, bool shutting_down)
{
    http_add_header(r, "X-Request-ID", r->request_id);
    if (!reply_has_header(r, "Cache-Control"))
        http_add_header(r, "Cache-Control", "no-store");
    if (r->cors_origin != NULL) {
        bool is_preflight = r->status == 204 && strcmp(r->method, "OPTIONS") == 0;
        if (!is_preflight) {
            http_add_header(r, "Access-Control-Allow-Origin",
                            r->cfg->cors_any ? "*" : r->cors_origin);
            http_add_header(r, "Vary", "Origin");
            http_add_header(r, "Access-Control-Expose-Headers",
                            "X-Request-ID, Idempotent-Replayed, Retry-After");
        }
    }
    if (shutting_down || r->close_connection)
        http_add_header(r, "Connection", "close");
}

/* --- access log ------------------------------------------------------------------------- */

/* The access line's `route`, as the metrics label it: the path's template (also for a 405, a
 * framing 400 or a preflight on a known path), the label of a static path ("/docs/{file}",
 * "/app/{path}"), or "unmatched". */
static const char *route_label(const struct http_req *r)
{
    if (r->template_route != NULL) /* also a matched route's */
        return r->template_route->pattern;
    if (r->static_label != NULL)
        return r->static_label;
    return "unmatched";
}

void http_req_log_access(const struct http_req *r, int64_t end_ns)
{
    struct buf b;
    int64_t ms = (end_ns - r->start_ns) / 1000000;

    if (!log_enabled(LOG_INFO))
        return;
    log_line_begin(&b, LOG_INFO);
    buf_puts(&b, ",\"msg\":\"request\",\"method\":\"");
    buf_json_escape(&b, r->method);
    buf_puts(&b, "\",\"route\":\"");
    buf_json_escape(&b, route_label(r));
    buf_printf(&b, "\",\"status\":%d,\"duration_ms\":%lld,\"user_id\":", r->status, (long long)ms);
    if (r->user_id != NULL) {
        buf_puts(&b, "\"");
        buf_json_escape(&b, r->user_id);
        buf_puts(&b, "\"");
    } else {
        buf_puts(&b, "null");
    }
    buf_puts(&b, ",\"client_ip\":\"");
    buf_json_escape(&b, r->client_ip);
    buf_puts(&b, "\"");
    log_line_end(&b, &r->log);
}
