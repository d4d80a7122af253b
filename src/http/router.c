/*
 * Route matching; see router.h. A linear scan over some fifty patterns costs well under a
 * microsecond, so the table stays a plain array in the order routes.c lists it.
 */
#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/log.h"

static const char *const method_order[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

static bool is_param(const char *seg, size_t len)
{
    return len >= 3 && seg[0] == '{' && seg[len - 1] == '}';
}

static int split(struct router_entry *e)
{
    char *p = e->text;

    if (*p != '/')
        return -1;
    e->nseg = 0;
    while (*p == '/') {
        char *start = ++p;
        while (*p && *p != '/')
            p++;
        if (p == start || e->nseg == ROUTER_MAX_SEGMENTS)
            return -1;
        e->seg[e->nseg] = start;
        e->seglen[e->nseg++] = (size_t)(p - start);
    }
    return *p == '\0' ? 0 : -1;
}

int router_init(struct router *rt, const struct route *routes, size_t n)
{
    rt->entries = xcalloc(n ? n : 1, sizeof(*rt->entries));
    rt->n = (int)n;
    for (size_t i = 0; i < n; i++) {
        struct router_entry *e = &rt->entries[i];
        e->route = &routes[i];
        if (strlen(routes[i].pattern) >= sizeof(e->text)) {
            log_msg(LOG_ERROR, "router", "pattern too long: %s", routes[i].pattern);
            router_free(rt);
            return -1;
        }
        /* Run on an I/O thread with no database (server.c): nothing that authenticates or
         * records an Idempotency-Key may be marked so. A bug in the table, refused at start. */
        if ((routes[i].flags & ROUTE_NO_DB) &&
            (routes[i].access != ACCESS_PUBLIC || (routes[i].flags & ROUTE_IDEMPOTENT))) {
            log_msg(LOG_ERROR, "router", "%s %s: ROUTE_NO_DB needs a public, non-idempotent route",
                    routes[i].method, routes[i].pattern);
            router_free(rt);
            return -1;
        }
        strcpy(e->text, routes[i].pattern);
        if (split(e) < 0) {
            log_msg(LOG_ERROR, "router", "malformed pattern: %s", routes[i].pattern);
            router_free(rt);
            return -1;
        }
    }
    return 0;
}

void router_free(struct router *rt)
{
    free(rt->entries);
    rt->entries = NULL;
    rt->n = 0;
}

/* Does entry `e` match the path's segments? */
static bool matches(const struct router_entry *e, const char *const *seg, const size_t *len,
                    int nseg)
{
    if (e->nseg != nseg)
        return false;
    for (int i = 0; i < nseg; i++) {
        if (is_param(e->seg[i], e->seglen[i]))
            continue;
        if (e->seglen[i] != len[i] || memcmp(e->seg[i], seg[i], len[i]) != 0)
            return false;
    }
    return true;
}

/* True when `a` is more specific than `b`: a literal where b has a parameter, first. */
static bool more_specific(const struct router_entry *a, const struct router_entry *b)
{
    for (int i = 0; i < a->nseg; i++) {
        bool pa = is_param(a->seg[i], a->seglen[i]);
        bool pb = is_param(b->seg[i], b->seglen[i]);
        if (pa != pb)
            return !pa;
    }
    return false;
}

static bool same_pattern(const struct router_entry *a, const struct router_entry *b)
{
    return strcmp(a->route->pattern, b->route->pattern) == 0;
}

static void fill_params(const struct router_entry *e, const char *const *seg, const size_t *len,
                        struct router_match *m)
{
    m->nparams = 0;
    for (int i = 0; i < e->nseg && m->nparams < HTTP_MAX_PATH_PARAMS; i++) {
        if (!is_param(e->seg[i], e->seglen[i]))
            continue;
        m->params[m->nparams].name = e->seg[i] + 1;
        m->params[m->nparams].name_len = e->seglen[i] - 2;
        m->params[m->nparams].value = seg[i];
        m->params[m->nparams].value_len = len[i];
        m->nparams++;
    }
}

static void build_allow(const struct router *rt, const struct router_entry *best,
                        struct router_match *m)
{
    size_t off = 0;

    m->allow[0] = '\0';
    for (size_t k = 0; k < sizeof(method_order) / sizeof(method_order[0]); k++) {
        for (int i = 0; i < rt->n; i++) {
            const struct router_entry *e = &rt->entries[i];
            if (!same_pattern(e, best) || strcmp(e->route->method, method_order[k]) != 0)
                continue;
            size_t need = strlen(method_order[k]) + (off ? 2 : 0);
            if (off + need + 1 > sizeof(m->allow))
                return;
            off += (size_t)snprintf(m->allow + off, sizeof(m->allow) - off, "%s%s", off ? ", " : "",
                                    method_order[k]);
            break;
        }
    }
}

enum router_result router_match(const struct router *rt, const char *method, const char *path,
                                struct router_match *m)
{
    const char *seg[ROUTER_MAX_SEGMENTS];
    size_t len[ROUTER_MAX_SEGMENTS];
    int nseg = 0;
    const char *p = path;

    memset(m, 0, sizeof(*m));
    if (*p != '/')
        return ROUTER_NOT_FOUND;
    while (*p == '/') {
        const char *start = ++p;
        while (*p && *p != '/')
            p++;
        if (p == start || nseg == ROUTER_MAX_SEGMENTS)
            return ROUTER_NOT_FOUND; /* empty segment, or longer than any route */
        seg[nseg] = start;
        len[nseg++] = (size_t)(p - start);
    }

    const struct router_entry *best = NULL;
    for (int i = 0; i < rt->n; i++) {
        const struct router_entry *e = &rt->entries[i];
        if (matches(e, seg, len, nseg) && (best == NULL || more_specific(e, best)))
            best = e;
    }
    if (best == NULL)
        return ROUTER_NOT_FOUND;
    m->template_route = best->route;
    for (int i = 0; i < rt->n; i++) {
        const struct router_entry *e = &rt->entries[i];
        if (same_pattern(e, best) && strcmp(e->route->method, method) == 0) {
            m->route = e->route;
            fill_params(e, seg, len, m);
            return ROUTER_FOUND;
        }
    }
    build_allow(rt, best, m);
    return ROUTER_METHOD_NOT_ALLOWED;
}
