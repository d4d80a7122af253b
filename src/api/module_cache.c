/*
 * Module views and their cache; see module_cache.h.
 *
 * The cache is a hash table of views (chained, by module id) threaded on a least-recently-used
 * list, under one mutex that is held for nothing but these pointer moves. Each view counts its
 * approximate memory (rendered texts, parsed content, strings); while the total is over the
 * budget (MODULE_CACHE_MB) the least recently used views leave. Views are built outside the
 * lock; when two requests build the same view at once, the first to insert wins and the other
 * frees its copy. A view larger than the whole budget is used once and not kept.
 */
#include "api/module_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/modules.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

struct view_box {
    struct module_view view;
    struct arena arena; /* screens' strings */
    json_t **docs;      /* parsed content, one per screen */
    size_t bytes;       /* approximate memory held */
    /* Under cache_mu: */
    int refs;
    bool cached;
    struct view_box *chain;         /* next in the hash bucket */
    struct view_box *newer, *older; /* the LRU list */
};

#define BUCKETS 4096 /* a power of two */

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct view_box *buckets[BUCKETS];
static struct view_box *newest, *oldest;
static size_t cache_bytes;

static void box_free(struct view_box *b)
{
    for (int i = 0; i < b->view.n; i++) {
        json_decref(b->docs[i]);
        for (int l = 0; l < REDACT_LEVELS; l++)
            if (l == 0 || b->view.text[l][i] != b->view.text[0][i])
                free(b->view.text[l][i]);
    }
    for (int l = 0; l < REDACT_LEVELS; l++)
        free(b->view.text[l]);
    free(b->docs);
    free(b->view.ps);
    arena_free(&b->arena);
    free(b);
}

/* Drops one reference (caller holds cache_mu); frees at zero. */
static void unref_locked(struct view_box *b)
{
    if (--b->refs == 0)
        box_free(b);
}

static void release(void *arg)
{
    pthread_mutex_lock(&cache_mu);
    unref_locked(arg);
    pthread_mutex_unlock(&cache_mu);
}

char *api_screen_render(const struct screen *s, json_t *content, enum redact_level level)
{
    char created[TIME_RFC3339_LEN], updated[TIME_RFC3339_LEN];
    json_t *shown = content_redact_to(content, level);

    time_format_ms(s->created_at, created);
    time_format_ms(s->updated_at, updated);
    json_t *obj = json_pack(
        "{s:s,s:s,s:i,s:s,s:s,s:o,s:o,s:s,s:s}", "id", s->id, "module_id", s->module_id, "position",
        s->position, "type", screen_type_names[s->type], "title", s->title, "content", shown,
        "next_screen_id", s->next_screen_id[0] ? json_string(s->next_screen_id) : json_null(),
        "created_at", created, "updated_at", updated);
    char *text = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (text == NULL)
        abort(); /* only out of memory */
    return text;
}

/* Builds a view from the database (one query for all screens). */
static int build(struct http_req *r, const struct module *m, struct view_box **out)
{
    struct view_box *b = xcalloc(1, sizeof(*b));
    struct module_view *v = &b->view;
    struct db_conn *c;
    int rc = http_conn(r, &c);

    arena_init(&b->arena);
    b->refs = 1;
    if (rc == 0)
        rc = db_screens_list(c, &b->arena, m->id, &v->screens, &v->n);
    if (rc < 0) {
        box_free(b);
        return rc;
    }
    snprintf(v->module_id, sizeof(v->module_id), "%s", m->id);
    v->flow = m->flow;
    size_t n = (size_t)(v->n ? v->n : 1);
    b->docs = xcalloc(n, sizeof(json_t *));
    v->ps = xcalloc(n, sizeof(*v->ps));
    for (int l = 0; l < REDACT_LEVELS; l++)
        v->text[l] = xcalloc(n, sizeof(char *));
    for (int i = 0; i < v->n; i++) {
        const struct screen *s = &v->screens[i];
        b->docs[i] = json_loads(s->content, 0, NULL);
        if (b->docs[i] == NULL) /* stored content is always JSON; keep the view whole anyway */
            b->docs[i] = json_object();
        v->ps[i] = (struct progress_screen){s->id, s->type, b->docs[i],
                                            s->next_screen_id[0] ? s->next_screen_id : NULL};
        v->text[0][i] = api_screen_render(s, b->docs[i], REDACT_NONE);
        b->bytes += strlen(v->text[0][i]) + 1;
        for (int l = 1; l < REDACT_LEVELS; l++) {
            v->text[l][i] = s->type == SCREEN_QUESTION
                                ? api_screen_render(s, b->docs[i], (enum redact_level)l)
                                : v->text[0][i];
            if (v->text[l][i] != v->text[0][i])
                b->bytes += strlen(v->text[l][i]) + 1;
        }
        /* the screen's strings in the arena, and jansson's tree of the content (measured at
         * about four times its text) */
        b->bytes += sizeof(*s) + strlen(s->title) + 5 * strlen(s->content) + 64;
    }
    b->bytes +=
        sizeof(*b) + n * (sizeof(json_t *) + sizeof(*v->ps) + REDACT_LEVELS * sizeof(char *));
    *out = b;
    return 0;
}

static size_t bucket_of(const char *id)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *id != '\0'; id++)
        h = (h ^ (unsigned char)*id) * 16777619u;
    return h & (BUCKETS - 1);
}

static void lru_unlink(struct view_box *b)
{
    if (b->newer != NULL)
        b->newer->older = b->older;
    else
        newest = b->older;
    if (b->older != NULL)
        b->older->newer = b->newer;
    else
        oldest = b->newer;
    b->newer = b->older = NULL;
}

static void lru_push(struct view_box *b)
{
    b->older = newest;
    b->newer = NULL;
    if (newest != NULL)
        newest->newer = b;
    newest = b;
    if (oldest == NULL)
        oldest = b;
}

/* Takes `b` out of the cache and drops the cache's reference (caller holds cache_mu). */
static void evict_locked(struct view_box *b)
{
    struct view_box **p = &buckets[bucket_of(b->view.module_id)];

    while (*p != b)
        p = &(*p)->chain;
    *p = b->chain;
    b->chain = NULL;
    lru_unlink(b);
    b->cached = false;
    cache_bytes -= b->bytes;
    unref_locked(b);
}

/* Finds a cached view and takes a reference (caller holds cache_mu). */
static struct view_box *lookup_locked(const char *id)
{
    for (struct view_box *b = buckets[bucket_of(id)]; b != NULL; b = b->chain) {
        if (strcmp(b->view.module_id, id) == 0) {
            lru_unlink(b);
            lru_push(b);
            b->refs++;
            return b;
        }
    }
    return NULL;
}

/* Inserts `b` (the caller's reference stays the caller's) and evicts the least recently used
 * views while over `budget` bytes; returns the view to use: `b`, or one another request
 * inserted first. */
static struct view_box *insert_locked(struct view_box *b, size_t budget)
{
    struct view_box *have = lookup_locked(b->view.module_id);

    if (have != NULL) {
        unref_locked(b);
        return have;
    }
    if (b->bytes > budget)
        return b; /* used by this request only */
    size_t i = bucket_of(b->view.module_id);
    b->chain = buckets[i];
    buckets[i] = b;
    lru_push(b);
    b->cached = true;
    b->refs++; /* the cache's own reference */
    cache_bytes += b->bytes;
    while (cache_bytes > budget && oldest != b) {
        log_msg(LOG_DEBUG, "cache", "module view %s evicted (%zu bytes; budget %zu)",
                oldest->view.module_id, oldest->bytes, budget);
        evict_locked(oldest);
    }
    return b;
}

int api_module_view_get(struct http_req *r, const struct module *m, const struct module_view **out)
{
    struct view_box *b = NULL;
    size_t budget = (size_t)r->cfg->module_cache_mb << 20;
    bool cacheable = m->status != MODULE_DRAFT && budget > 0;
    int rc;

    if (cacheable) {
        pthread_mutex_lock(&cache_mu);
        b = lookup_locked(m->id);
        pthread_mutex_unlock(&cache_mu);
    }
    if (b == NULL) {
        rc = build(r, m, &b);
        if (rc < 0)
            return rc;
        if (cacheable) {
            pthread_mutex_lock(&cache_mu);
            b = insert_locked(b, budget);
            pthread_mutex_unlock(&cache_mu);
        }
    }
    http_on_free(r, release, b);
    *out = &b->view;
    return 0;
}

int api_module_view_find(const struct module_view *v, const char *id)
{
    for (int i = 0; i < v->n; i++)
        if (strcmp(v->screens[i].id, id) == 0)
            return i;
    return -1;
}

void api_module_cache_clear(void)
{
    pthread_mutex_lock(&cache_mu);
    while (oldest != NULL)
        evict_locked(oldest);
    pthread_mutex_unlock(&cache_mu);
}

size_t api_module_cache_bytes(void)
{
    pthread_mutex_lock(&cache_mu);
    size_t n = cache_bytes;
    pthread_mutex_unlock(&cache_mu);
    return n;
}
