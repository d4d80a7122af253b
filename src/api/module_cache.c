/*
 * Module views and their cache; see module_cache.h.
 *
 * The cache is a small array scanned linearly under one mutex: at MODULE_CACHE_SIZE entries a
 * scan is a few hundred string compares, far below one database round trip, and the mutex is
 * held for nothing else. Views are built outside the lock; when two requests build the same
 * view at once, the first to insert wins and the other frees its copy.
 */
#include "api/module_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

struct view_box {
    struct module_view view;
    struct arena arena; /* screens' strings */
    json_t **docs;      /* parsed content, one per screen */
    int refs;           /* under cache_mu */
};

struct slot {
    struct view_box *box;
    unsigned long used; /* LRU clock */
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot cache[MODULE_CACHE_SIZE];
static unsigned long cache_clock;

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

char *module_screen_render(const struct screen *s, json_t *content, enum redact_level level)
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
        rc = screens_list(c, &b->arena, m->id, &v->screens, &v->n);
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
        v->text[0][i] = module_screen_render(s, b->docs[i], REDACT_NONE);
        for (int l = 1; l < REDACT_LEVELS; l++)
            v->text[l][i] = s->type == SCREEN_QUESTION
                                ? module_screen_render(s, b->docs[i], (enum redact_level)l)
                                : v->text[0][i];
    }
    *out = b;
    return 0;
}

/* Finds a cached view and takes a reference (caller holds cache_mu). */
static struct view_box *lookup_locked(const char *id)
{
    for (int i = 0; i < MODULE_CACHE_SIZE; i++) {
        struct view_box *b = cache[i].box;
        if (b != NULL && strcmp(b->view.module_id, id) == 0) {
            cache[i].used = ++cache_clock;
            b->refs++;
            return b;
        }
    }
    return NULL;
}

/* Inserts `b` (the caller's reference stays the caller's), evicting the least recently used
 * entry when full; returns the view to use: `b`, or one another request inserted first. */
static struct view_box *insert_locked(struct view_box *b)
{
    struct view_box *have = lookup_locked(b->view.module_id);
    struct slot *victim = &cache[0];

    if (have != NULL) {
        unref_locked(b);
        return have;
    }
    for (int i = 0; i < MODULE_CACHE_SIZE; i++) {
        if (cache[i].box == NULL) {
            victim = &cache[i];
            break;
        }
        if (cache[i].used < victim->used)
            victim = &cache[i];
    }
    if (victim->box != NULL)
        unref_locked(victim->box);
    victim->box = b;
    victim->used = ++cache_clock;
    b->refs++; /* the cache's own reference */
    return b;
}

int module_view_get(struct http_req *r, const struct module *m, const struct module_view **out)
{
    struct view_box *b = NULL;
    bool cacheable = m->status != MODULE_DRAFT;
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
            b = insert_locked(b);
            pthread_mutex_unlock(&cache_mu);
        }
    }
    http_on_free(r, release, b);
    *out = &b->view;
    return 0;
}

int module_view_find(const struct module_view *v, const char *id)
{
    for (int i = 0; i < v->n; i++)
        if (strcmp(v->screens[i].id, id) == 0)
            return i;
    return -1;
}

void module_cache_clear(void)
{
    pthread_mutex_lock(&cache_mu);
    for (int i = 0; i < MODULE_CACHE_SIZE; i++) {
        if (cache[i].box != NULL)
            unref_locked(cache[i].box);
        cache[i].box = NULL;
    }
    pthread_mutex_unlock(&cache_mu);
}
