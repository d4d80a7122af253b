/*
 * Module views: a module's screens loaded once, parsed, and rendered as JSON text for each
 * redaction level, shared by every request that reads them.
 *
 * Only drafts can change their screens (§5): once a module is published or archived its
 * screens are immutable, even across instances. Views of such modules are kept in a
 * process-wide cache (least recently used out, within MODULE_CACHE_MB of memory), so the hot
 * reads (GET …/screens, every progress write) read no screen rows at all and parse no content.
 * Views of drafts are built for the request and dropped after it.
 *
 * A view is read-only once built and may be used by many threads at once; it is freed when the
 * cache and the last request using it have let go (reference counted).
 */
#ifndef TS_API_MODULE_CACHE_H
#define TS_API_MODULE_CACHE_H

#include "model/module.h"
#include "domain/content.h"
#include "domain/progress.h"
#include "http/http.h"

/*
 * Everything in a view belongs to the view and lives as long as it does; users only borrow.
 * In particular ps[i].content, the parsed content of screen i, is a jansson tree owned by the
 * view (decref'ed when the view is freed): a borrower must neither decref nor modify it, and
 * must json_incref() it to keep it past the request.
 */
struct module_view {
    char module_id[STR_UUID_SIZE];
    enum flow_type flow;
    int n;
    struct screen *screens;     /* position order; strings owned by the view */
    struct progress_screen *ps; /* the same screens for the progress rules (content: above) */
    char **text[REDACT_LEVELS]; /* text[level][i]: screen i rendered at that level */
};

/*
 * The view of module `m` for this request (released when the request is freed): from the cache
 * when `m` is not a draft, else built from the database. 0 or a TS_E* code.
 */
int api_module_view_get(struct http_req *r, const struct module *m, const struct module_view **out);

/* Index of screen `id` in the view, or -1. */
int api_module_view_find(const struct module_view *v, const char *id);

/* Renders a screen object (API.md §3) with `content` (borrowed) at a redaction level; the
 * returned text is malloc'ed and the caller frees it. */
char *api_screen_render(const struct screen *s, json_t *content, enum redact_level level);

/* Drops every cached view (tests, shutdown). */
void api_module_cache_clear(void);

/* The approximate memory the cached views hold. */
size_t api_module_cache_bytes(void);

#endif
