/*
 * Static files and the replies that serve them: the files compiled into the binary
 * (cmake/embed_files.cmake) for the interactive documentation of GET /docs (Swagger UI, API.md
 * §14), and the web app's files, loaded from WEB_DIR at start (http/webapp.h, API.md §18).
 *
 * A file's URL path is not an endpoint: the route table (and so /openapi.json) does not list
 * it. The pipeline looks a path up with http_static_lookup() only when the router knows no
 * route for it, so any path of the table wins, and answers GET with the file once the request
 * is complete (on the I/O thread: no handler thread, no database) and other methods with 405.
 * Files are immutable for the life of the process; every function here is thread safe.
 */
#ifndef TS_HTTP_STATIC_H
#define TS_HTTP_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

struct http_webapp;

/* One static file (process lifetime, or the web app's index lifetime, which is the server's). */
struct http_asset {
    const char *path;          /* the URL path it is served at, "/docs/swagger-ui.css" */
    const char *name;          /* the file's own name, which gives its content type */
    const unsigned char *data; /* followed by a NUL that is not part of it */
    size_t len;
    const char *etag; /* a strong ETag, quoted: the first 128 bits of SHA-256, in hex */
    /* The web app's files only (NULL for embedded files): the Content-Security-Policy (NULL:
     * the set's), Cache-Control (NULL: "no-cache"), and the precompressed siblings, the same
     * bytes in Brotli and gzip, each with its own ETag. */
    const char *csp;
    const char *cache_control;
    const struct http_asset *br;
    const struct http_asset *gz;
};

/* The files of /docs: our page (at "/docs" itself, served by its route's handler) and
 * initializer, and Swagger UI's bundle, stylesheet, icons and licence files. Generated. */
extern const struct http_asset http_docs_files[];
extern const size_t http_docs_files_count;

/* The media type for a file name by its extension ("text/css; charset=utf-8"; text types say
 * their charset); text/plain for LICENSE and NOTICE, application/octet-stream when unknown.
 * Returns a literal. */
const char *http_content_type(const char *name);

/*
 * The labels unrouted static paths are counted under in the metrics and the access line: a
 * template per set of files ("/docs/{file}", "/app/{path}"), not one per file, so the series
 * stay bounded. NULL-terminated; a label is compared by its address.
 */
enum { HTTP_LABEL_DOCS, HTTP_LABEL_ROOT, HTTP_LABEL_APP, HTTP_LABEL_FAVICON, HTTP_LABEL_COUNT };
extern const char *const http_static_labels[HTTP_LABEL_COUNT + 1];

/* The Content-Security-Policy of the web app's responses (API.md §18). */
extern const char http_webapp_csp[];

/* The embedded file served at URL path `path`, or NULL. */
const struct http_asset *http_static_find(const char *path);

/* What an unrouted path names: the file a GET is answered with (NULL: 404), the metrics label
 * (an entry of http_static_labels) and the Content-Security-Policy of its replies. */
struct http_static_hit {
    const struct http_asset *asset;
    const char *label;
    const char *csp;
};

/*
 * Looks up an unrouted path: an embedded file, else a path of the web app `w` (NULL: none
 * loaded; http/webapp.h says which paths are its own, and which of them are 404). Returns false
 * for a path neither knows, which is the ordinary 404 ("unmatched"); true with `hit` filled.
 */
bool http_static_lookup(const struct http_webapp *w, const char *path, struct http_static_hit *hit);

/* Whether an If-None-Match header value names `etag` (weak comparison, RFC 9110 §13.1.2; "*"
 * matches any). A NULL `if_none_match` matches nothing. */
bool http_etag_matches(const char *if_none_match, const char *etag);

/* Content codings a static file can be sent in. */
enum http_coding { HTTP_CODING_IDENTITY, HTTP_CODING_BR, HTTP_CODING_GZIP };

/*
 * The coding to send a file in, given the request's Accept-Encoding (NULL: absent) and which
 * precompressed siblings exist: br, then gzip, when the header accepts them (by name or by
 * "*", with a q-value above 0), else identity. Identity is also the answer when the header
 * forbids it too ("identity;q=0"): a response the client may not like beats a 406 for a file.
 */
enum http_coding http_static_coding(const char *accept_encoding, bool has_br, bool has_gz);

/* Adds the security headers of a static path's replies (200, 304, and its 404 and 405):
 * X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer, X-Frame-Options: DENY and
 * Content-Security-Policy `csp` (a literal). */
void http_static_security_headers(struct http_req *r, const char *csp);

/*
 * Replies with file `a`: 200 with its bytes (not copied: the reply borrows them), or 304
 * without a body when If-None-Match names its ETag. When `a` has precompressed siblings, the
 * one http_static_coding() picks is sent instead, with Content-Encoding and its own ETag, and
 * every reply says Vary: Accept-Encoding. Both carry the ETag, the file's Cache-Control
 * ("no-cache" by default: the names of /docs carry no version, so a client revalidates, and
 * gets a 304 while the binary is the same) and the security headers of the file's set.
 * Returns 0.
 */
int http_static_reply(struct http_req *r, const struct http_asset *a);

#endif
