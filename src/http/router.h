/*
 * Matches a method and path against a route table (API.md §1.1).
 *
 * Paths match exactly and case-sensitively, segment by segment; "{name}" matches one
 * non-empty segment. An empty segment (a trailing slash, "//") never matches, so such paths
 * are 404, never redirected. When several patterns match a path, the one with a literal at the
 * first position where they differ wins, and only that pattern's methods are considered: a
 * method it lacks is 405 with Allow listing its methods in the order GET, POST, PUT, PATCH,
 * DELETE.
 *
 * The router keeps borrowed pointers into the table. Matching is read-only and thread safe.
 */
#ifndef TS_HTTP_ROUTER_H
#define TS_HTTP_ROUTER_H

#include <stddef.h>

#include "http/http.h"

#define ROUTER_MAX_SEGMENTS 8

struct router_entry {
    const struct route *route;
    int nseg;
    const char *seg[ROUTER_MAX_SEGMENTS]; /* into `text`; "{x}" segments are parameters */
    size_t seglen[ROUTER_MAX_SEGMENTS];
    char text[256];
};

struct router {
    struct router_entry *entries;
    int n;
};

enum router_result { ROUTER_FOUND = 0, ROUTER_NOT_FOUND = -1, ROUTER_METHOD_NOT_ALLOWED = -2 };

struct router_match {
    const struct route *route; /* ROUTER_FOUND */
    int nparams;
    struct {
        const char *name; /* without braces, NUL terminated copy in the router */
        size_t name_len;
        const char *value; /* points into the matched path */
        size_t value_len;
    } params[HTTP_MAX_PATH_PARAMS];
    char allow[64]; /* ROUTER_METHOD_NOT_ALLOWED: "GET, POST" */
    /* ROUTER_FOUND and ROUTER_METHOD_NOT_ALLOWED: a route with the path's template (the
     * metrics label a 405 with it). */
    const struct route *template_route;
};

/* Builds a router over `routes[0..n)`. Returns 0, or -1 (logged) for a malformed pattern. */
int router_init(struct router *rt, const struct route *routes, size_t n);
void router_free(struct router *rt);

/* Matches `method` and `path` (no query string). */
enum router_result router_match(const struct router *rt, const char *method, const char *path,
                                struct router_match *m);

#endif
