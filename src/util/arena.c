/*
 * Bump allocator in chunks: a request allocates a few kilobytes of small objects, so the first
 * chunk (4 KiB) usually suffices; a request for more than a chunk gets a chunk of its own.
 */
#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__ /* defined by the headers above */
#include <malloc.h>
#endif

#define ARENA_CHUNK 4096
#define ARENA_ALIGN 16

struct arena_chunk {
    struct arena_chunk *next;
    /* Followed by the payload, aligned to ARENA_ALIGN. */
    _Alignas(ARENA_ALIGN) char data[];
};

static void oom(size_t n)
{
    if (n == 0) /* a library's own allocation */
        fputs("{\"level\":\"error\",\"msg\":\"out of memory\"}\n", stderr);
    else
        fprintf(stderr, "{\"level\":\"error\",\"msg\":\"out of memory allocating %zu bytes\"}\n",
                n);
    abort();
}

void *xneed(void *p)
{
    if (p == NULL)
        oom(0);
    return p;
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);

    memcpy(p, s, n);
    return p;
}

void xtrim(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

void arena_init(struct arena *a)
{
    a->head = NULL;
    a->cur = NULL;
    a->end = NULL;
}

void arena_free(struct arena *a)
{
    struct arena_chunk *c = a->head;

    while (c != NULL) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    arena_init(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

    if (need == 0)
        need = ARENA_ALIGN;
    if (a->cur == NULL || (size_t)(a->end - a->cur) < need) {
        size_t size = need > ARENA_CHUNK ? need : ARENA_CHUNK;
        struct arena_chunk *c = xmalloc(sizeof(*c) + size);

        if (need > ARENA_CHUNK && a->head != NULL) {
            /* A big block gets its own chunk behind the current one, which keeps its room. */
            c->next = a->head->next;
            a->head->next = c;
            return c->data;
        }
        c->next = a->head;
        a->head = c;
        a->cur = c->data;
        a->end = c->data + size;
    }
    void *p = a->cur;
    a->cur += need;
    return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);

    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_list ap2;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}
