/*
 * The request pipeline of API.md §1.4, independent of libmicrohttpd.
 *
 * server.c calls, for each request: http_req_init(); fills method, path, headers, query and
 * client_ip; http_req_on_headers(); http_req_on_body() for every chunk of the body (until it
 * answers 413); http_req_dispatch() once the body is complete; then sends the reply and calls
 * http_req_log_access() and http_req_free(). Unit tests call the same functions.
 */
#ifndef TS_HTTP_REQUEST_H
#define TS_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "http/router.h"

/* Starts a request: empty arena, start time. */
void http_req_init(struct http_req *r, const struct config *cfg, struct db *db,
                   struct http_server *server);

/* Frees the arena, body buffer, parsed JSON and an unsent reply. */
void http_req_free(struct http_req *r);

/*
 * Adds a received header (copied into the arena). The value loses surrounding spaces and tabs
 * (RFC 9110 §5.5), except Content-Length and Transfer-Encoding, which libmicrohttpd frames the
 * body from as they came. False when full.
 */
bool http_req_add_header(struct http_req *r, const char *name, const char *value);

/*
 * Adds a received query parameter (copied into the arena); name and value are percent-decoded
 * bytes that may hold NUL. A value that is not valid UTF-8 or holds NUL is kept as NULL, which
 * http_req_dispatch() answers with 422 string_unicode before any handler runs; a name that is
 * not valid UTF-8 or holds NUL is dropped (no endpoint lists such a parameter). False when full.
 */
bool http_req_add_query_n(struct http_req *r, const char *name, size_t name_len, const char *value,
                          size_t value_len);

/* http_req_add_query_n() for NUL-terminated strings. */
bool http_req_add_query(struct http_req *r, const char *name, const char *value);

/*
 * Everything decidable from the request line and headers: request id and trace id, framing
 * (duplicate Content-Length, Content-Length with Transfer-Encoding, a transfer coding other
 * than chunked: 400 and close), CORS preflight, routing (404/405), and Content-Length against
 * MAX_BODY_BYTES (413 and close). Returns true when a reply is already queued; the body is
 * then not read.
 */
bool http_req_on_headers(struct http_req *r, const struct router *rt);

/*
 * Accepts body bytes: buffered for routes that take a body, counted against the cap always.
 * Returns true when the bytes pass MAX_BODY_BYTES: the 413 (with Connection: close) is then
 * queued at once, nothing is kept, and the caller sends the reply without reading the rest.
 */
bool http_req_on_body(struct http_req *r, const char *data, size_t len);

/* Once the request is complete: replies with the embedded file a GET asked for (no handler
 * thread needed) and returns true; false for a request that goes to a handler. */
bool http_req_reply_static(struct http_req *r);

/*
 * Step 5 for the body (§1.2), as http_req_dispatch() runs it for a route with ROUTE_BODY: 415
 * without a JSON Content-Type, 400 for what jansson refuses (invalid UTF-8, \u0000, integers
 * outside int64; duplicate keys: the last wins), 422 "missing" for an empty body and
 * model_attributes_type for JSON that is not an object. 0 with r->json set, or -1 after
 * replying. Also called by fuzz/fuzz_json_bodies.c.
 */
int http_req_parse_body_or_reply(struct http_req *r);

/* X-Request-ID as the server takes it over: 1..128 of [A-Za-z0-9._:-]. */
bool http_request_id_is_valid(const char *s);

/*
 * W3C Trace Context "traceparent" (`tp` may be NULL): true with the trace id (32 hex digits),
 * the parent id (16) and the sampled flag written, or false with nothing written when the
 * header is invalid (the server then ignores it).
 */
bool http_traceparent_parse(const char *tp, char trace_id[33], char span_id[17], bool *sampled);

/* Runs the rest of the pipeline and the handler; exactly one reply is queued afterwards. */
void http_req_dispatch(struct http_req *r);

/* Adds the headers every reply carries (X-Request-ID, Cache-Control, CORS, Connection). */
void http_req_finish_reply(struct http_req *r, bool shutting_down);

/* Writes the access log line. */
/* The access line of a request that ended at `end_ns` (time_mono_ns()). */
void http_req_log_access(const struct http_req *r, int64_t end_ns);

#endif
