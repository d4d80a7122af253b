/*
 * Static files compiled into the binary (cmake/embed_files.cmake), and the replies that serve
 * them: the interactive documentation of GET /docs (Swagger UI, API.md §14) today.
 *
 * A file's URL path is not an endpoint: the route table (and so /openapi.json) does not list
 * it. The pipeline looks a path up with http_static_find() only when the router knows no route
 * for it, so any path of the table wins, and answers GET with the file once the request is
 * complete (on the I/O thread: no handler thread, no database) and other methods with 405.
 * Files are immutable for the life of the process; every function here is thread safe.
 */
#ifndef TS_HTTP_STATIC_H
#define TS_HTTP_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* One embedded file (process lifetime). */
struct http_asset {
    const char *path;          /* the URL path it is served at, "/docs/swagger-ui.css" */
    const char *name;          /* the file's own name, which gives its content type */
    const unsigned char *data; /* followed by a NUL that is not part of it */
    size_t len;
    const char *etag; /* a strong ETag, quoted: the first 128 bits of SHA-256, in hex */
};

/* The files of /docs: our page (at "/docs" itself, served by its route's handler) and
 * initializer, and Swagger UI's bundle, stylesheet, icons and licence files. Generated. */
extern const struct http_asset http_docs_files[];
extern const size_t http_docs_files_count;

/* The media type for a file name by its extension ("text/css; charset=utf-8"; text types say
 * their charset); text/plain for LICENSE and NOTICE, application/octet-stream when unknown.
 * Returns a literal. */
const char *http_content_type(const char *name);

/* The sets of embedded files: how many, and the label a set's files are counted under in the
 * metrics (a template such as "/docs/{file}": one series per set, not per file). */
size_t http_static_set_count(void);
const char *http_static_set_label(size_t set);
/* The set `a` belongs to. */
size_t http_static_set_of(const struct http_asset *a);

/* The embedded file served at URL path `path`, or NULL. */
const struct http_asset *http_static_find(const char *path);

/* Whether an If-None-Match header value names `etag` (weak comparison, RFC 9110 §13.1.2; "*"
 * matches any). A NULL `if_none_match` matches nothing. */
bool http_etag_matches(const char *if_none_match, const char *etag);

/*
 * Replies with embedded file `a`: 200 with its bytes (not copied: the reply borrows them), or
 * 304 without a body when If-None-Match names its ETag. Both carry the ETag, "Cache-Control:
 * no-cache" (the names carry no version, so a client revalidates, and gets a 304 while the
 * binary is the same), X-Content-Type-Options: nosniff, Referrer-Policy: no-referrer and the
 * Content-Security-Policy of the file's set. Returns 0.
 */
int http_static_reply(struct http_req *r, const struct http_asset *a);

#endif
